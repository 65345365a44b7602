"""Rendering for people (rich tables) and for scripts (JSON, CSV)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console
from rich.table import Table


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
