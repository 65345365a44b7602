"""Score quotecheck's extractor on the shared development set, when it is present.

    python benchmarks/devset_eval.py

Reads ../shared/devset (relative to the repository's top folder) at run time: one folder per
event, each with article files (a `key: value` header, a `---` line, then the body) and a
gold.json list of {"file", "quote", "speaker", "utterance", "relation", ...}. Nothing of the
set is stored in the project; only the figures are written, to benchmarks/results/devset.md.
Prints per-event and overall figures and every miss. Skips (exit 0) when the set is absent.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from quotecheck.evaluate import (
    Evaluation,
    GoldArticle,
    GoldError,
    Miss,
    evaluate,
    locate_quotations,
    summarize,
)
from quotecheck.models import DIRECT, FRAGMENT, SCARE
from quotecheck.sources import SourceError, read_article

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
RESULTS = ROOT / "benchmarks" / "results" / "devset.md"

# The set's `relation` labels: quotations nobody is saying count as scare quotes here.
_SCARE_RELATIONS = {"scare-quote", "other"}


def kind_of(relation: str) -> str:
    if relation in _SCARE_RELATIONS:
        return SCARE
    return FRAGMENT if relation == "fragment" else DIRECT


def load_event(folder: Path) -> list[GoldArticle]:
    """Every article of one event folder with its gold quotations placed in the body."""
    gold_path = folder / "gold.json"
    try:
        entries = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise GoldError(f"{gold_path}: cannot read ({error})") from None
    by_file: dict[str, list[dict[str, object]]] = {}
    for entry in entries:
        by_file.setdefault(entry["file"], []).append(
            {
                "quote": entry["quote"],
                "kind": kind_of(entry["relation"]),
                "speaker": entry["speaker"],
                "utterance": entry["utterance"],
                "relation": entry["relation"],
            }
        )
    articles = []
    for path in sorted(folder.glob("*.txt")):
        try:
            article = read_article(path)
        except SourceError as error:
            raise GoldError(str(error)) from None
        quotations = locate_quotations(
            article.text, by_file.get(path.name, []), where=f"{gold_path} ({path.name})"
        )
        articles.append(
            GoldArticle(name=f"{folder.name}/{path.name}", article=article, quotations=quotations)
        )
    return articles


def figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


COLUMNS = (
    "set",
    "articles",
    "gold",
    "predicted",
    "span P",
    "span R",
    "span F1",
    "lenient span F1",
    "scare P",
    "scare R",
    "scare F1",
    "speaker accuracy",
)


def row(label: str, evaluation: Evaluation) -> list[str]:
    figures = evaluation.overall
    speakers = figures.speakers
    return [
        label,
        str(len(evaluation.files)),
        str(sum(result.gold_count for result in evaluation.files)),
        str(sum(result.predicted_count for result in evaluation.files)),
        figure(figures.spans.precision),
        figure(figures.spans.recall),
        figure(figures.spans.f1),
        figure(figures.spans_lenient.f1),
        figure(figures.scare.precision),
        figure(figures.scare.recall),
        figure(figures.scare.f1),
        f"{figure(speakers.value)} ({speakers.correct}/{speakers.total})",
    ]


def markdown_table(header: tuple[str, ...] | list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)


def miss_line(label: str, miss: Miss) -> str:
    kinds = f"{miss.gold_kind or '—'}→{miss.predicted_kind or '—'}"
    line = f"  {label:<8} {miss.start:>6} {kinds:<17} “{miss.text}”"
    if miss.gold_speaker or miss.predicted_speaker:
        line += f"  gold speaker: {miss.gold_speaker or '—'}, predicted: {miss.predicted_speaker or '—'}"
    if miss.nearest is not None:
        line += f"  (overlaps “{miss.nearest}”)"
    return line


def print_misses(evaluation: Evaluation) -> None:
    for result in evaluation.files:
        lines = (
            [("missed", m) for m in result.false_negatives]
            + [("spurious", m) for m in result.false_positives]
            + [("speaker", m) for m in result.wrong_speakers]
        )
        if lines:
            print(f"\n{result.name}")
            for label, miss in sorted(lines, key=lambda line: line[1].start):
                print(miss_line(label, miss))


def commit() -> str:
    """The commit measured, marked when the checkout has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def kinds_table(evaluation: Evaluation) -> str:
    return markdown_table(
        ("gold kind", "predicted kind", "count"),
        [[gold, predicted, str(n)] for (gold, predicted), n in sorted(evaluation.overall.kinds.items())],
    )


def clusters_table(per_event: dict[str, Evaluation]) -> str:
    """Pairwise precision/recall of clustering per event, and recall by gold relation."""
    relations = sorted({r for e in per_event.values() if e.clusters for r in e.clusters.by_relation})
    columns = ["set", "pairs", "precision", "recall", "F1"] + [f"recall {r}" for r in relations]
    rows = []
    for index, evaluation in enumerate(per_event.values(), start=1):
        clusters = evaluation.clusters
        if clusters is None:
            continue
        by = clusters.by_relation
        rows.append(
            [f"event {index}", str(clusters.pairs.tp + clusters.pairs.fn), figure(clusters.pairs.precision),
             figure(clusters.pairs.recall), figure(clusters.pairs.f1)]
            + [f"{figure(by[r].value)} ({by[r].correct}/{by[r].total})" if r in by else "—" for r in relations]
        )
    return markdown_table(columns, rows)


def write_results(per_event: dict[str, Evaluation], overall: Evaluation) -> None:
    """The figures, without any text of the set. Events are numbered rather than named so that
    no name from the set ends up in the project."""
    rows = [row(f"event {index}", evaluation) for index, evaluation in enumerate(per_event.values(), start=1)]
    rows.append(row("overall", overall))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Extraction on the development set",
        "",
        f"Measured {dt.date.today().isoformat()} on commit {commit()} by `python benchmarks/devset_eval.py`,",
        "which reads the set from `../shared/devset` at run time (events numbered in folder order).",
        "Spans are direct and fragment quotations together, matched on exact offsets; the lenient",
        "figure also counts an overlap of at least half the longer span. Scare quotes (the set's",
        "`scare-quote` and `other`) are scored apart. Speaker accuracy is over exactly matched",
        "quotations with a gold speaker, case and accents folded. Counts are micro-averaged;",
        "— means 0/0. Definitions: `quotecheck/evaluate.py`.",
        "",
        markdown_table(COLUMNS, rows),
        "",
        "Kinds, overall (gold → predicted at the same offsets; none: no span there):",
        "",
        kinds_table(overall),
        "",
        "Clusters (pairs of quotations of one utterance, over exactly matched quotations, per event):",
        "",
        clusters_table(per_event),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    if not DEVSET.is_dir():
        print(f"devset not found at {DEVSET}: skipped")
        return 0
    events = sorted(path for path in DEVSET.iterdir() if (path / "gold.json").is_file())
    try:
        golds = {event.name: load_event(event) for event in events}
    except GoldError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    per_event = {name: evaluate(articles) for name, articles in golds.items()}
    overall = summarize(result for evaluation in per_event.values() for result in evaluation.files)
    write_results(per_event, overall)

    rows = [row(name, evaluation) for name, evaluation in per_event.items()] + [row("overall", overall)]
    print(markdown_table(COLUMNS, rows))
    print()
    print(kinds_table(overall))
    print()
    print(clusters_table(per_event))
    print("\nMisses (missed: gold span with no prediction at its offsets; spurious: the reverse;")
    print("speaker: right span, other speaker):")
    print_misses(overall)
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
