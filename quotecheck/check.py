"""The CI gate: compare a new article's quotations with what has been printed before.

Each quotation (scare quotes aside) gets one status:
- `ok`: printed before in this form (or as an exact part of a known version) by the same speaker;
- `truncated`: a known quotation cut short, words otherwise unchanged;
- `altered`: a known quotation with words changed, added or replaced (reworded, paraphrased,
  extended); the finding carries the diff against the earliest known version of it and the
  outlets that printed that version;
- `misattributed`: known words given to another speaker;
- `new`: nothing like it is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .extract import extract
from .matching import STOPWORDS, DiffOp, match, relation, word_diff
from .models import SCARE, Article, Quotation
from .normalize import fold, words
from .store import Store

OK, TRUNCATED, ALTERED, MISATTRIBUTED, NEW = "ok", "truncated", "altered", "misattributed", "new"
STATUSES = (OK, TRUNCATED, ALTERED, MISATTRIBUTED, NEW)
DEFAULT_FAIL_ON = (ALTERED, MISATTRIBUTED)

#: How many known quotations the full-text index proposes for each checked one.
CHECK_CANDIDATES = 200


@dataclass(frozen=True)
class KnownVersion:
    """A version already in the store that a checked quotation was compared with."""

    quote_id: int
    text: str
    speaker: str | None
    outlet: str | None
    published: str | None
    cluster_id: int
    outlets: tuple[str, ...] = ()  # every outlet that printed this version (same folded text)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int  # 1-based, in the checked file
    column: int  # 1-based, in characters
    end_line: int
    end_column: int
    text: str
    speaker: str | None
    status: str
    relation: str | None = None  # the quotation's relation to the closest known version
    known: KnownVersion | None = None  # the closest known version (for ok, truncated, misattributed)
    earliest: KnownVersion | None = None  # the earliest known version of the utterance (for altered)
    diff: tuple[DiffOp, ...] = field(default=())  # against `earliest` for altered, else against `known`

    @property
    def message(self) -> str:
        said = f"{self.speaker}: " if self.speaker else ""
        quote = f"{said}“{_short(self.text)}”"
        if self.status == NEW:
            return f"{quote} is not in the store"
        known = self.earliest or self.known
        assert known is not None
        where = f"{known.outlet or 'an unknown outlet'}, {(known.published or 'undated')[:10]}"
        if self.status == OK:
            return f"{quote} matches the version printed by {where}"
        if self.status == TRUNCATED:
            return f"{quote} is a shortened version of “{_short(known.text)}” ({where})"
        if self.status == MISATTRIBUTED:
            return f"{quote} was said by {known.speaker}, not {self.speaker} (“{_short(known.text)}”, {where})"
        changes = "; ".join(_change(step) for step in self.diff if step.op != "equal")
        printed_by = ", ".join(known.outlets) or where
        return f"{quote} differs from the earliest known version “{_short(known.text)}” ({where}; printed by {printed_by}): {changes}"


def _change(step: DiffOp) -> str:
    old, new = " ".join(step.reference_words), " ".join(step.variant_words)
    return {"delete": f"-{old}", "insert": f"+{new}"}.get(step.op, f"{old} -> {new}")


def _short(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def position(article: Article, offset: int) -> tuple[int, int]:
    """(line, column), 1-based, in the article's file of a character offset into its body."""
    line = article.body_line + article.text.count("\n", 0, offset)
    column = offset - (article.text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def check_article(store: Store, article: Article, known_speakers: Mapping[str, str] | None = None) -> list[Finding]:
    """A finding for every quotation of `article` that is not a scare quote, in text order."""
    if known_speakers is None:
        known_speakers = store.known_speakers()
    return [
        check_quotation(store, article, quotation, known_speakers)
        for quotation in extract(article, known_speakers)
        if quotation.kind != SCARE
    ]


def check_quotation(
    store: Store, article: Article, quotation: Quotation, known_speakers: Mapping[str, str]
) -> Finding:
    line, column = position(article, quotation.start)
    end_line, end_column = position(article, quotation.end)
    base = {"path": article.path, "line": line, "column": column, "end_line": end_line,
            "end_column": end_column, "text": quotation.text, "speaker": quotation.speaker}
    terms = [word for word in words(quotation.text) if word not in STOPWORDS] or words(quotation.text)
    matches = []
    for row in store.search_clustered(terms, limit=CHECK_CANDIDATES):
        # with units: one sentence of a longer known quotation, or another cut of it, is known too
        found = match(quotation.text, row["text"], units=True)
        if found is not None:
            matches.append((found.score, row))
    if not matches:
        return Finding(**base, status=NEW)
    speaker = _canonical(quotation.speaker, known_speakers)
    same_speaker = [(score, row) for score, row in matches if _same_speaker(speaker, row, known_speakers)]
    if not same_speaker:
        score, row = max(matches, key=lambda item: (item[0], -item[1]["id"]))
        known = _known(store, row)
        return Finding(**base, status=MISATTRIBUTED, relation=relation(quotation.text, row["text"]).kind,
                       known=known, diff=tuple(word_diff(quotation.text, row["text"])))
    closest = max(same_speaker, key=lambda item: (_closeness(quotation.text, item[1]["text"]), -item[1]["id"]))[1]
    found = relation(quotation.text, closest["text"])
    known = _known(store, closest)
    if found.kind == "verbatim" or (found.kind == "fragment" and not found.changes):
        return Finding(**base, status=OK, relation=found.kind, known=known)
    if found.kind == "truncated":
        return Finding(**base, status=TRUNCATED, relation=found.kind, known=known)
    earliest = _known(store, store.first_printing(closest["cluster_id"]))
    return Finding(**base, status=ALTERED, relation=found.kind, known=known, earliest=earliest,
                   diff=tuple(word_diff(quotation.text, earliest.text)))


def _closeness(text: str, candidate: str) -> tuple[int, float]:
    """Exact copies and exact parts first, then the most similar."""
    found = relation(text, candidate)
    exact = found.kind == "verbatim" or (found.kind in ("fragment", "truncated") and not found.changes)
    return (int(exact), found.similarity)


def _canonical(speaker: str | None, known_speakers: Mapping[str, str]) -> str | None:
    return known_speakers.get(fold(speaker), speaker) if speaker else None


def _same_speaker(speaker: str | None, row: Mapping[str, Any], known_speakers: Mapping[str, str]) -> bool:
    """Unknown on either side is no contradiction."""
    theirs = _canonical(row["speaker"] or row["cluster_speaker"], known_speakers)
    return speaker is None or theirs is None or fold(speaker) == fold(theirs)


def _known(store: Store, row: Mapping[str, Any]) -> KnownVersion:
    outlets = store.outlets_printing(row["cluster_id"], row["text"])
    return KnownVersion(row["id"], row["text"], row["speaker"] or row["cluster_speaker"], row["outlet"],
                        row["published"], row["cluster_id"], tuple(outlets))


# -- output shapes -----------------------------------------------------------------------------


def exit_status(findings: Iterable[Finding], fail_on: Sequence[str]) -> bool:
    """Whether any finding has a status that fails the check."""
    return any(finding.status in fail_on for finding in findings)


def finding_json(finding: Finding) -> dict[str, Any]:
    def version(known: KnownVersion | None) -> dict[str, Any] | None:
        if known is None:
            return None
        return {"quote_id": known.quote_id, "text": known.text, "speaker": known.speaker, "outlet": known.outlet,
                "published": known.published, "cluster_id": known.cluster_id, "outlets": list(known.outlets)}

    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "status": finding.status,
        "text": finding.text,
        "speaker": finding.speaker,
        "relation": finding.relation,
        "message": finding.message,
        "known": version(finding.known),
        "earliest": version(finding.earliest),
        "diff": [{"op": s.op, "reference": list(s.reference_words), "variant": list(s.variant_words)}
                 for s in finding.diff],
    }


def report_json(findings: Sequence[Finding], fail_on: Sequence[str]) -> dict[str, Any]:
    """{"failed": bool, "fail_on": [...], "counts": {status: n}, "findings": [<finding>]}."""
    return {
        "failed": exit_status(findings, fail_on),
        "fail_on": list(fail_on),
        "counts": {status: sum(1 for f in findings if f.status == status) for status in STATUSES},
        "findings": [finding_json(finding) for finding in findings],
    }


def _level(finding: Finding, fail_on: Sequence[str]) -> str:
    if finding.status in fail_on:
        return "error"
    return "warning" if finding.status in (ALTERED, MISATTRIBUTED) else "notice"


def github_lines(findings: Sequence[Finding], fail_on: Sequence[str]) -> list[str]:
    """GitHub Actions workflow commands, one per finding that is not `ok`."""
    def escape_data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def escape_property(text: str) -> str:
        return escape_data(text).replace(":", "%3A").replace(",", "%2C")

    return [
        f"::{_level(f, fail_on)} file={escape_property(f.path)},line={f.line},col={f.column},"
        f"endLine={f.end_line},endColumn={f.end_column},title={escape_property('quotation ' + f.status)}"
        f"::{escape_data(f.message)}"
        for f in findings
        if f.status != OK
    ]


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES = {
    ALTERED: "A known quotation printed with words changed.",
    MISATTRIBUTED: "A known quotation given to another speaker.",
    TRUNCATED: "A known quotation cut short.",
    NEW: "A quotation not printed before.",
}


def sarif_log(findings: Sequence[Finding], fail_on: Sequence[str], version: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one result per finding that is not `ok`."""
    sarif_level = {"error": "error", "warning": "warning", "notice": "note"}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "quotecheck",
                        "version": version,
                        "informationUri": "https://pypi.org/project/quotecheck/",
                        "rules": [
                            {"id": f"quotation-{status}", "name": status, "shortDescription": {"text": text}}
                            for status, text in RULES.items()
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": f"quotation-{f.status}",
                        "level": sarif_level[_level(f, fail_on)],
                        "message": {"text": f.message},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": f.path},
                                    "region": {"startLine": f.line, "startColumn": f.column,
                                               "endLine": f.end_line, "endColumn": f.end_column},
                                }
                            }
                        ],
                    }
                    for f in findings
                    if f.status != OK
                ],
            }
        ],
    }
