"""Scoring extraction against hand-written gold: spans, kinds and speakers.

A gold file is JSON: {"article": "articles/000_rt.txt", "quotations": [...]}, each quotation
{"quote", "kind", "speaker", "utterance"}, listed in the text order of the article's body.
`quote` is exactly the characters between the marks. The article path is relative to the
folder that holds the gold folder (fixtures/ for fixtures/gold/000_rt.json), or to the gold
file's own folder, or absolute.

Measures (a prediction is one `Quotation` that `extract()` returned):

- spans: precision, recall and F1 of direct and fragment quotations together. A predicted span
  matches a gold span when both offsets are equal. The lenient figure also counts a pair whose
  overlap is at least half the longer of the two spans.
- scare: the same for scare quotes, scored on their own.
- kinds: how often each gold kind came out as each predicted kind, over spans at equal offsets;
  "none" stands for a gold quotation with no prediction there, or the reverse.
- speakers: over gold direct and fragment quotations that have a speaker and an exactly matched
  prediction, the share whose predicted speaker equals the gold one once case and accents are
  folded away.

Figures are per file and overall; overall sums the counts of every file (micro-average).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .clusters import Clustering, QuoteRecord
from .ingest import store_article
from .models import DIRECT, FRAGMENT, KINDS, SCARE, Article, Quotation
from .normalize import fold
from .sources import SourceError, read_article
from .store import Store

# Kinds scored together as "spans"; scare quotes are scored on their own.
SPAN_KINDS = (DIRECT, FRAGMENT)
NONE = "none"  # the kind on the missing side of an unmatched span, in the kind counts

# Characters that may open or close a quotation; used to place a gold quote at the marks
# rather than at an earlier plain occurrence of the same words.
_MARKS = "\"'“”‘’«»„‚‹›"

LENIENT_OVERLAP = 0.5  # share of the longer span two spans must share to match leniently


class GoldError(Exception):
    """A gold file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class GoldQuotation:
    """One hand-annotated quotation, placed in the article body (`text[start:end] == quote`)."""

    quote: str
    kind: str
    speaker: str | None
    utterance: str | None
    start: int
    end: int
    relation: str | None = None  # optional: how it differs from the utterance's usual version


@dataclass(frozen=True)
class GoldArticle:
    """An article with its gold quotations, ready to score."""

    name: str  # how reports name it: the gold file's path, or an article name
    article: Article
    quotations: tuple[GoldQuotation, ...]


@dataclass(frozen=True)
class Score:
    """Matched (tp), spurious (fp) and missed (fn) counts. A figure is None when undefined (0/0)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True)
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return _ratio(self.correct, self.total)

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)


@dataclass(frozen=True)
class Figures:
    """Every measure for one file, or summed over several."""

    spans: Score = Score()
    spans_lenient: Score = Score()
    scare: Score = Score()
    scare_lenient: Score = Score()
    speakers: Accuracy = Accuracy()
    kinds: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (gold kind, predicted kind) -> n

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            spans=self.spans + other.spans,
            spans_lenient=self.spans_lenient + other.spans_lenient,
            scare=self.scare + other.scare,
            scare_lenient=self.scare_lenient + other.scare_lenient,
            speakers=self.speakers + other.speakers,
            kinds=dict(Counter(self.kinds) + Counter(other.kinds)),
        )


@dataclass(frozen=True)
class Miss:
    """One thing that went wrong, with what each side said about that place in the text."""

    text: str
    start: int
    end: int
    gold_kind: str | None = None  # None on a false positive
    predicted_kind: str | None = None  # None on a false negative
    gold_speaker: str | None = None
    predicted_speaker: str | None = None
    nearest: str | None = None  # the other side's overlapping span, if any (boundary errors)


@dataclass(frozen=True)
class FileResult:
    name: str
    gold_count: int
    predicted_count: int
    figures: Figures
    false_positives: tuple[Miss, ...]  # predictions with no gold span at the same offsets
    false_negatives: tuple[Miss, ...]  # gold spans with no prediction at the same offsets
    wrong_speakers: tuple[Miss, ...]  # matched spans whose speaker differs


@dataclass(frozen=True)
class Evaluation:
    files: tuple[FileResult, ...]
    overall: Figures
    clusters: ClusterScore | None = None


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# --- reading gold ---------------------------------------------------------------------------


def load_gold(path: str | Path) -> GoldArticle:
    """Read a gold file and its article, and place every gold quotation in the article body.

    Raises GoldError naming the file on bad JSON, missing or wrong fields, an unreadable
    article, or a quote that does not occur in the body where the order says it should.
    """
    gold_path = Path(path)
    try:
        data = json.loads(gold_path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise GoldError(f"{gold_path}: cannot read gold file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise GoldError(f"{gold_path}: gold file is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise GoldError(f"{gold_path}: invalid JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise GoldError(f"{gold_path}: a gold file is a JSON object with 'article' and 'quotations'")
    article_name = data.get("article")
    entries = data.get("quotations")
    if not isinstance(article_name, str) or not article_name.strip():
        raise GoldError(f"{gold_path}: missing 'article' (the article's path)")
    if not isinstance(entries, list):
        raise GoldError(f"{gold_path}: missing 'quotations' (a list)")
    article_path = _article_path(gold_path, article_name)
    try:
        article = read_article(article_path)
    except SourceError as error:
        raise GoldError(f"{gold_path}: article {article_name!r}: {error}") from None
    quotations = locate_quotations(article.text, entries, where=str(gold_path))
    return GoldArticle(name=str(gold_path), article=article, quotations=quotations)


def _article_path(gold_path: Path, name: str) -> Path:
    candidate = Path(name)
    if candidate.is_absolute():
        return candidate
    for base in (gold_path.parent.parent, gold_path.parent):
        if (base / candidate).is_file():
            return base / candidate
    raise GoldError(f"{gold_path}: article {name!r} not found next to the gold folder or the gold file")


def locate_quotations(text: str, entries: Sequence[object], *, where: str) -> tuple[GoldQuotation, ...]:
    """Gold entries (dicts with quote, kind, speaker, utterance) placed in `text`, in order.

    Each quote is searched from just after the previous one's start, so a repeated quote maps
    to its own occurrence and a nested quote (listed after the outer one) lands inside it.
    An occurrence with a quotation mark on each side (or the paragraph's end after it) is
    preferred to a plain occurrence of the same words.
    """
    placed: list[GoldQuotation] = []
    search_from = 0
    for number, entry in enumerate(entries, start=1):
        quote, kind, speaker, utterance = _check_entry(entry, number, where)
        start = _find_quote(text, quote, search_from)
        if start is None:
            raise GoldError(
                f"{where}: quotation {number} {_short(quote)!r} not found in the article body"
                + (" after the previous quotation" if placed else "")
            )
        relation = entry.get("relation") if isinstance(entry, dict) else None
        placed.append(GoldQuotation(quote, kind, speaker, utterance, start, start + len(quote), relation))
        search_from = start + 1
    return tuple(placed)


def _check_entry(entry: object, number: int, where: str) -> tuple[str, str, str | None, str | None]:
    if not isinstance(entry, dict):
        raise GoldError(f"{where}: quotation {number} is not an object")
    missing = [key for key in ("quote", "kind", "speaker", "utterance") if key not in entry]
    if missing:
        raise GoldError(f"{where}: quotation {number} has no {', '.join(repr(k) for k in missing)}")
    quote, kind, speaker, utterance = (entry[key] for key in ("quote", "kind", "speaker", "utterance"))
    if not isinstance(quote, str) or not quote:
        raise GoldError(f"{where}: quotation {number}: 'quote' must be a non-empty string")
    if kind not in KINDS:
        raise GoldError(f"{where}: quotation {number}: 'kind' is {kind!r}, not one of {', '.join(KINDS)}")
    for key, value in (("speaker", speaker), ("utterance", utterance)):
        if value is not None and not isinstance(value, str):
            raise GoldError(f"{where}: quotation {number}: {key!r} must be a string or null")
    return quote, kind, speaker, utterance


def _find_quote(text: str, quote: str, search_from: int) -> int | None:
    first_plain = None
    position = text.find(quote, search_from)
    while position >= 0:
        if first_plain is None:
            first_plain = position
        end = position + len(quote)
        opened = position > 0 and text[position - 1] in _MARKS
        closed = end == len(text) or text[end] in _MARKS or text[end] == "\n"
        if opened and closed:
            return position
        position = text.find(quote, position + 1)
    return first_plain


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- scoring --------------------------------------------------------------------------------


def score_article(name: str, gold: Sequence[GoldQuotation], predicted: Sequence[Quotation]) -> FileResult:
    """Compare gold quotations with predicted ones for one article (pure)."""
    gold_spans = [g for g in gold if g.kind in SPAN_KINDS]
    gold_scare = [g for g in gold if g.kind == SCARE]
    # Any kind but scare counts as a span, so that a prediction with an unexpected kind is
    # still scored (as spurious) rather than silently dropped.
    predicted_spans = [p for p in predicted if p.kind != SCARE]
    predicted_scare = [p for p in predicted if p.kind == SCARE]

    spans_exact = _match(gold_spans, predicted_spans, lenient=False)
    scare_exact = _match(gold_scare, predicted_scare, lenient=False)

    speakers_correct = speakers_total = 0
    wrong_speakers: list[Miss] = []
    for g_index, p_index in spans_exact.items():
        g, p = gold_spans[g_index], predicted_spans[p_index]
        if g.speaker is None:
            continue
        speakers_total += 1
        if p.speaker is not None and fold(p.speaker) == fold(g.speaker):
            speakers_correct += 1
        else:
            wrong_speakers.append(_miss(g, p))

    false_negatives = [
        _miss(g, None, nearest=_nearest(g, predicted))
        for group, matches in ((gold_spans, spans_exact), (gold_scare, scare_exact))
        for index, g in enumerate(group)
        if index not in matches
    ]
    false_positives = [
        _miss(None, p, nearest=_nearest(p, gold))
        for group, matches in ((predicted_spans, spans_exact), (predicted_scare, scare_exact))
        for index, p in enumerate(group)
        if index not in matches.values()
    ]
    figures = Figures(
        spans=_score(gold_spans, predicted_spans, spans_exact),
        spans_lenient=_score(gold_spans, predicted_spans, _match(gold_spans, predicted_spans, lenient=True)),
        scare=_score(gold_scare, predicted_scare, scare_exact),
        scare_lenient=_score(gold_scare, predicted_scare, _match(gold_scare, predicted_scare, lenient=True)),
        speakers=Accuracy(speakers_correct, speakers_total),
        kinds=_kind_counts(gold, predicted),
    )
    return FileResult(
        name=name,
        gold_count=len(gold),
        predicted_count=len(predicted),
        figures=figures,
        false_positives=tuple(sorted(false_positives, key=lambda m: m.start)),
        false_negatives=tuple(sorted(false_negatives, key=lambda m: m.start)),
        wrong_speakers=tuple(wrong_speakers),
    )


def _overlap(a: GoldQuotation | Quotation, b: GoldQuotation | Quotation) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _lenient_match(a: GoldQuotation | Quotation, b: GoldQuotation | Quotation) -> bool:
    longer = max(a.end - a.start, b.end - b.start)
    return longer > 0 and _overlap(a, b) >= LENIENT_OVERLAP * longer


def _match(gold: Sequence[GoldQuotation], predicted: Sequence[Quotation], *, lenient: bool) -> dict[int, int]:
    """One-to-one pairs {gold index: predicted index}, greedy in gold order.

    Exact: equal offsets. Lenient: each gold span takes the free prediction it overlaps most,
    if that overlap is at least half the longer span.
    """
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for g_index, g in enumerate(gold):
        best, best_overlap = None, 0
        for p_index, p in enumerate(predicted):
            if p_index in taken:
                continue
            if (g.start, g.end) == (p.start, p.end):
                best = p_index
                break
            if lenient and _lenient_match(g, p) and _overlap(g, p) > best_overlap:
                best, best_overlap = p_index, _overlap(g, p)
        if best is not None:
            pairs[g_index] = best
            taken.add(best)
    return pairs


def _score(gold: Sequence[object], predicted: Sequence[object], pairs: Mapping[int, int]) -> Score:
    return Score(tp=len(pairs), fp=len(predicted) - len(pairs), fn=len(gold) - len(pairs))


def _kind_counts(gold: Sequence[GoldQuotation], predicted: Sequence[Quotation]) -> dict[tuple[str, str], int]:
    """(gold kind, predicted kind) -> count, pairing spans at equal offsets whatever their kinds."""
    pairs = _match(gold, predicted, lenient=False)
    counts: Counter[tuple[str, str]] = Counter()
    for g_index, g in enumerate(gold):
        counts[g.kind, predicted[pairs[g_index]].kind if g_index in pairs else NONE] += 1
    matched = set(pairs.values())
    for p_index, p in enumerate(predicted):
        if p_index not in matched:
            counts[NONE, p.kind] += 1
    return dict(counts)


def _nearest(span: GoldQuotation | Quotation, others: Iterable[GoldQuotation | Quotation]) -> str | None:
    best = max(others, key=lambda other: _overlap(span, other), default=None)
    if best is None or _overlap(span, best) == 0:
        return None
    return best.quote if isinstance(best, GoldQuotation) else best.text


def _miss(gold: GoldQuotation | None, predicted: Quotation | None, *, nearest: str | None = None) -> Miss:
    """A miss at the gold span when there is one, else at the predicted span."""
    if gold is not None:
        text, start, end = gold.quote, gold.start, gold.end
    elif predicted is not None:
        text, start, end = predicted.text, predicted.start, predicted.end
    else:
        raise ValueError("a miss needs a gold or a predicted quotation")
    return Miss(
        text=text,
        start=start,
        end=end,
        gold_kind=gold.kind if gold else None,
        predicted_kind=predicted.kind if predicted else None,
        gold_speaker=gold.speaker if gold else None,
        predicted_speaker=predicted.speaker if predicted else None,
        nearest=nearest,
    )


def summarize(files: Iterable[FileResult]) -> Evaluation:
    """Per-file results with their micro-averaged total."""
    files = tuple(files)
    overall = Figures()
    for result in files:
        overall = overall + result.figures
    return Evaluation(files=files, overall=overall)


def evaluate(
    golds: Iterable[GoldArticle], extractor: Callable[[Article], list[Quotation]] | None = None
) -> Evaluation:
    """Run the extractor on each gold article and score it (by default, ingest them all into one
    in-memory store, as the tool does),
    then cluster the quotations of all of them together and score the clusters."""
    golds = list(golds)
    predictions = [extractor(gold.article) for gold in golds] if extractor else extract_as_ingested(golds)
    evaluation = summarize(
        score_article(gold.name, gold.quotations, predicted) for gold, predicted in zip(golds, predictions, strict=True)
    )
    return replace(evaluation, clusters=score_clusters(golds, predictions))


def extract_as_ingested(golds: Sequence[GoldArticle]) -> list[list[Quotation]]:
    """The quotations of each article as ingesting them all, in order, into one fresh store gives
    them: speakers resolved across the articles as the tool resolves them."""
    store = Store.open(":memory:")
    try:
        for gold in golds:
            store_article(store, gold.article)
        return [store.article_quotations(gold.article.path) for gold in golds]
    finally:
        store.close()


@dataclass(frozen=True)
class ClusterScore:
    """Pairwise "same utterance" figures over the gold quotations the extractor found exactly.

    A pair of quotations is gold-linked when they share an utterance id, predicted-linked when the
    clustering puts them in one cluster. `by_relation` is the recall of gold-linked pairs counted
    for each member's gold relation (where gold files give one)."""

    pairs: Score = Score()
    by_relation: Mapping[str, Accuracy] = field(default_factory=dict)


def score_clusters(golds: Sequence[GoldArticle], predictions: Sequence[Sequence[Quotation]]) -> ClusterScore:
    found: list[tuple[str, str | None, QuoteRecord]] = []
    for gold, predicted in zip(golds, predictions, strict=True):
        pairs = _match(gold.quotations, predicted, lenient=False)
        for g_index, p_index in pairs.items():
            expected = gold.quotations[g_index]
            if expected.utterance is None:
                continue
            quotation = predicted[p_index]
            record = QuoteRecord(
                id=len(found), speaker=quotation.speaker, text=quotation.text, kind=quotation.kind,
                published=gold.article.metadata.published, order=len(found), outlet=gold.article.metadata.outlet,
            )
            found.append((expected.utterance, expected.relation, record))
    clustering = Clustering(record for _, _, record in found)
    cluster_of = [clustering.cluster_of(record.id) for _, _, record in found]
    tp = fp = fn = 0
    linked: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for i in range(len(found)):
        for j in range(i + 1, len(found)):
            same_gold = found[i][0] == found[j][0]
            same_cluster = cluster_of[i] is not None and cluster_of[i] == cluster_of[j]
            tp += same_gold and same_cluster
            fp += same_cluster and not same_gold
            fn += same_gold and not same_cluster
            if same_gold:
                for relation in {found[i][1], found[j][1]} - {None}:
                    total[relation] += 1
                    linked[relation] += same_cluster
    by_relation = {relation: Accuracy(linked[relation], total[relation]) for relation in sorted(total)}
    return ClusterScore(Score(tp=tp, fp=fp, fn=fn), by_relation)


# --- the JSON shape -------------------------------------------------------------------------


def figures_json(figures: Figures) -> dict[str, object]:
    """Figures as plain JSON: see `evaluation_json` for the shape."""

    def score(s: Score) -> dict[str, object]:
        return {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": s.precision, "recall": s.recall, "f1": s.f1}

    return {
        "spans": score(figures.spans),
        "spans_lenient": score(figures.spans_lenient),
        "scare": score(figures.scare),
        "scare_lenient": score(figures.scare_lenient),
        "speakers": {
            "correct": figures.speakers.correct,
            "total": figures.speakers.total,
            "accuracy": figures.speakers.value,
        },
        "kinds": [
            {"gold": gold, "predicted": predicted, "count": count}
            for (gold, predicted), count in sorted(figures.kinds.items())
        ],
    }


def miss_json(miss: Miss) -> dict[str, object]:
    return {
        "text": miss.text,
        "start": miss.start,
        "end": miss.end,
        "gold_kind": miss.gold_kind,
        "predicted_kind": miss.predicted_kind,
        "gold_speaker": miss.gold_speaker,
        "predicted_speaker": miss.predicted_speaker,
        "nearest": miss.nearest,
    }


def evaluation_json(evaluation: Evaluation) -> dict[str, object]:
    """The stable JSON shape of an evaluation.

    {"files": [{"file", "gold", "predicted", <figures>, "false_positives": [<miss>],
                "false_negatives": [<miss>], "wrong_speakers": [<miss>]}],
     "overall": {"files", "gold", "predicted", <figures>},
     "clusters": {"tp", "fp", "fn", "precision", "recall", "f1",
                  "recall_by_relation": {relation: {"linked", "pairs", "recall"}}}}

    <figures> is "spans", "spans_lenient", "scare", "scare_lenient" (each {"tp", "fp", "fn",
    "precision", "recall", "f1"}), "speakers" ({"correct", "total", "accuracy"}) and "kinds"
    (a list of {"gold", "predicted", "count"}, "none" for a missing side). A figure whose
    denominator is 0 is null. <miss> is {"text", "start", "end", "gold_kind",
    "predicted_kind", "gold_speaker", "predicted_speaker", "nearest"}.
    """
    clusters = evaluation.clusters or ClusterScore()
    return {
        "clusters": {
            "tp": clusters.pairs.tp, "fp": clusters.pairs.fp, "fn": clusters.pairs.fn,
            "precision": clusters.pairs.precision, "recall": clusters.pairs.recall, "f1": clusters.pairs.f1,
            "recall_by_relation": {
                relation: {"linked": a.correct, "pairs": a.total, "recall": a.value}
                for relation, a in clusters.by_relation.items()
            },
        },
        "files": [
            {
                "file": result.name,
                "gold": result.gold_count,
                "predicted": result.predicted_count,
                **figures_json(result.figures),
                "false_positives": [miss_json(m) for m in result.false_positives],
                "false_negatives": [miss_json(m) for m in result.false_negatives],
                "wrong_speakers": [miss_json(m) for m in result.wrong_speakers],
            }
            for result in evaluation.files
        ],
        "overall": {
            "files": len(evaluation.files),
            "gold": sum(result.gold_count for result in evaluation.files),
            "predicted": sum(result.predicted_count for result in evaluation.files),
            **figures_json(evaluation.overall),
        },
    }
