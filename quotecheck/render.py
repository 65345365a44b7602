"""Rendering for people (rich tables) and for scripts (JSON, CSV)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text


def quotes_table(rows: Iterable[dict[str, Any]]) -> Table:
    table = Table(show_lines=False, expand=False)
    table.add_column("id", justify="right", style="dim")
    table.add_column("outlet", style="cyan", overflow="fold")
    table.add_column("date", style="dim", no_wrap=True)
    table.add_column("speaker", style="green", overflow="fold")
    table.add_column("kind", style="magenta")
    table.add_column("quotation", overflow="fold")
    for row in rows:
        table.add_row(
            str(row["quote_id"]),
            row["outlet"] or "—",
            (row["published"] or "")[:10],
            row["speaker"] or "—",
            row["kind"],
            _ellipsize(row["text"], 200),
        )
    return table


def speakers_table(rows: Iterable[dict[str, Any]]) -> Table:
    table = Table()
    table.add_column("speaker", style="green", overflow="fold")
    table.add_column("aliases", overflow="fold")
    table.add_column("quotations", justify="right")
    table.add_column("outlets", justify="right")
    for row in rows:
        table.add_row(row["name"], row["aliases"] or "", str(row["quotations"]), str(row["outlets"]))
    return table


def _ellipsize(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def write_json(rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """A JSON array, one object per row, streamed."""
    out.write("[")
    for index, row in enumerate(rows):
        out.write(("," if index else "") + "\n  " + json.dumps(row, ensure_ascii=False))
    out.write("\n]\n")


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str], fields: list[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


# -- clusters and traces -------------------------------------------------------------------------

# Relations whose word differences are worth reading; a verbatim copy, a cut or a fragment is
# shown as printed (its relation says what happened).
DIFFED_RELATIONS = ("reworded", "paraphrase", "extended")
DELETED_STYLE = "red strike"
INSERTED_STYLE = "green bold"


def diff_text(diff: list[dict[str, Any]], fallback: str) -> Text:
    """A variant with its word differences from the reference: [-deleted-] {+inserted+}, in colour
    on a terminal and readable from the markers alone without it."""
    if not diff:
        return Text(fallback)
    text = Text()
    for step in diff:
        if text:
            text.append(" ")
        reference, variant = " ".join(step["reference"]), " ".join(step["variant"])
        if step["op"] == "equal":
            text.append(variant)
        if step["op"] in ("delete", "replace"):
            text.append(f"[-{reference}-]", style=DELETED_STYLE)
        if step["op"] == "replace":
            text.append(" ")
        if step["op"] in ("insert", "replace"):
            text.append(f"{{+{variant}+}}", style=INSERTED_STYLE)
    return text


def cluster_panel(report: dict[str, Any], *, score: float | None = None) -> Group:
    """One cluster for people: who, the reference, first appearance, then every variant by date."""
    first = report["first_appearance"]
    heading = Text()
    heading.append(f"Cluster {report['cluster_id']}", style="bold")
    heading.append(f" · {report['speaker'] or 'unknown speaker'}", style="green")
    if score is not None:
        heading.append(f" · match {score:g}", style="dim")
    facts = Text()
    facts.append("Reference: ", style="bold")
    facts.append(f"“{report['reference']['text'].strip()}”\n")
    facts.append("First printed: ", style="bold")
    facts.append(f"{first['outlet'] or 'unknown outlet'}, {(first['published'] or 'undated')[:10]}\n")
    facts.append("Printed by: ", style="bold")
    facts.append(f"{report['outlets']} outlets, {report['quotations']} quotations, {report['versions']} versions")
    lines: list[Text | Padding] = [heading, facts, Text("Variants by date (differences from the reference: [-deleted-] {+inserted+}):")]
    for variant in report["variants"]:
        line = Text("  ")
        line.append((variant["published"] or "undated")[:10], style="dim")
        line.append(f"  {variant['outlet'] or 'unknown outlet'}", style="cyan")
        line.append(f"  {variant['relation'] or '—'}", style="magenta")
        if variant["similarity"] is not None:
            line.append(f" ({variant['similarity']:.0f})", style="dim")
        body = diff_text(variant["diff"] if variant["relation"] in DIFFED_RELATIONS else [], variant["text"].strip())
        lines += [line, Padding(body, (0, 0, 0, 6))]
    lines.append(Text(""))
    return Group(*lines)


def clusters_table(rows: Iterable[dict[str, Any]]) -> Table:
    table = Table()
    table.add_column("id", justify="right", style="dim")
    table.add_column("speaker", style="green", overflow="fold")
    table.add_column("reference", overflow="fold")
    table.add_column("variants", justify="right")
    table.add_column("outlets", justify="right")
    table.add_column("first seen", overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["speaker"] or "—",
            _ellipsize(row["reference_text"].strip(), 120),
            str(row["quotations"]),
            str(row["outlets"]),
            f"{row['first_outlet'] or '—'} {(row['first_published'] or '')[:10]}",
        )
    return table


# -- check findings --------------------------------------------------------------------------------

STATUS_STYLES = {"ok": "green", "truncated": "yellow", "new": "dim", "altered": "red bold", "misattributed": "red bold"}


def findings_table(findings: Sequence[Any], fail_on: Sequence[str]) -> Group:
    """check's report for people: one row per quotation, failing ones marked, and a summary."""
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("where", style="dim", no_wrap=True)
    table.add_column("status")
    table.add_column("finding", overflow="fold")
    for finding in findings:
        status = Text(finding.status, style=STATUS_STYLES.get(finding.status, ""))
        if finding.status in fail_on:
            status.append(" ✗", style="red bold")
        table.add_row(f"{finding.path}:{finding.line}:{finding.column}", status, finding.message)
    counts = {}
    for finding in findings:
        counts[finding.status] = counts.get(finding.status, 0) + 1
    failing = sum(n for status, n in counts.items() if status in fail_on)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no quotations"
    verdict = Text(f"{summary}. ", style="bold")
    verdict.append(f"{failing} failing ({', '.join(fail_on) or 'none'})." if failing else "Passed.",
                   style="red bold" if failing else "green bold")
    return Group(table, verdict)
