"""The command line: a thin click layer over the library."""

from __future__ import annotations

import json
import sqlite3
import sys
from importlib.metadata import version
from pathlib import Path

import click
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from . import check as check_module
from . import render, tracing
from .decoding import is_known_encoding
from .evaluate import Evaluation, GoldError, Miss, evaluate, evaluation_json, load_gold
from .ingest import FileResult, ingest_files
from .models import KINDS, Metadata
from .sources import (
    FORMATS,
    JSONL,
    SourceError,
    collect_paths,
    format_of,
    load_manifest,
    metadata_from_fields,
    read_articles,
)
from .store import EXPORT_FIELDS, Store, StoreError

# Exit codes, the same for every command.
EXIT_OK, EXIT_FOUND, EXIT_INPUT = 0, 1, 2

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class InputError(click.ClickException):
    """A bad file, path or store: one line on stderr, exit code 2."""

    exit_code = EXIT_INPUT

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"Error: {self.format_message()}", err=True)


class StoreGroup(click.Group):
    """Turns an SQLite error raised while a command uses the store (a store damaged after it
    was opened, or one locked for longer than the busy timeout) into one line and exit 2."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as error:
            db_path = (ctx.obj or {}).get("db_path", "the store")
            damaged = "malformed" in str(error) or "not a database" in str(error)
            hint = "; the store is damaged: restore it from a backup" if damaged else ""
            raise InputError(f"{db_path}: {error}{hint}") from None


@click.group(cls=StoreGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(version("quotecheck"), "--version", prog_name="quotecheck")
@click.option(
    "--db",
    "db_path",
    envvar="QUOTECHECK_DB",
    default="db/quotes.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The store (SQLite file). The QUOTECHECK_DB environment variable sets it too.",
)
@click.pass_context
def cli(ctx: click.Context, db_path: str) -> None:
    """quotecheck: every printed version of a quotation, who said it, and who changed what.

    \b
    Example:
        quotecheck ingest fixtures/articles
        quotecheck trace "deserves a chance"
        quotecheck check --format github new-article.md
    """
    ctx.obj = {"db_path": db_path}


def open_store(ctx: click.Context, *, create: bool = True, readonly: bool = False) -> Store:
    try:
        return Store.open(ctx.obj["db_path"], create=create, readonly=readonly)
    except StoreError as error:
        raise InputError(str(error)) from None


def metadata_options(function):
    """The article metadata options shared by `ingest` and `check`."""
    for option in reversed(
        [
            click.option("--outlet", help="Outlet that printed the articles (overrides front matter)."),
            click.option("--date", "published", help="Publication date, ISO (2021-01-04 or 2021-01-04T11:41)."),
            click.option("--url", help="Address of the article."),
            click.option("--title", help="Headline of the article."),
            click.option("--lang", help="Language code of the article (en, es, fr, ...)."),
            click.option(
                "--manifest",
                type=click.Path(exists=True, dir_okay=False),
                help="CSV or JSON of metadata keyed by file name (column or key 'file').",
            ),
        ]
    ):
        function = option(function)
    return function


def read_metadata_options(values: dict[str, str | None]) -> tuple[Metadata, dict[str, Metadata] | None]:
    try:
        options = metadata_from_fields(
            {key: values[key] or "" for key in ("outlet", "published", "url", "title", "lang")},
            where="--date",
        )
        manifest = load_manifest(values["manifest"]) if values["manifest"] else None
    except SourceError as error:
        raise InputError(str(error)) from None
    return options, manifest


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@metadata_options
@click.option("--format", "input_format", type=click.Choice(FORMATS),
              help="Read every input as this: text (front matter allowed), html, or jsonl (a feed, "
              "one article a line). Default: by file suffix; text for standard input.")
@click.option("--encoding", help="Decode inputs with this encoding instead of detecting it (e.g. cp1251).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], input_format: str | None, encoding: str | None,
           **values: str | None) -> None:
    """Add articles to the store: text files (.txt, .md), saved web pages (.html, .htm),
    JSON Lines feeds (.jsonl), folders searched for the first two, or - for standard input.

    Metadata comes from, highest first: these options, the article's own (front matter at
    the top of a text file, the markup of a page, the fields of a feed line), the --manifest,
    and for the outlet only a guess from the text ("Credit: RT News"). An unchanged article
    is skipped; a changed one has its quotations replaced.

    \b
    Example:
        quotecheck ingest fixtures/articles
        quotecheck ingest --outlet Reuters --date 2021-01-05 story.txt saved-page.html
        curl -s https://example.org/feed.jsonl | quotecheck ingest --format jsonl -
    """
    options, manifest = read_metadata_options(values)
    if encoding is not None and not is_known_encoding(encoding):
        raise InputError(f"--encoding: unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1, cp1251)")
    try:
        files = collect_paths(paths)
    except SourceError as error:
        raise InputError(str(error)) from None
    reading = {"input_format": input_format, "encoding": encoding, "stdin": getattr(sys.stdin, "buffer", sys.stdin)}
    store = open_store(ctx)
    err = render.console(stderr=True)

    def report_failure(result: FileResult) -> None:
        if result.error:
            err.print(f"[red]Error:[/red] {escape(result.error)}", markup=True, soft_wrap=True)

    if sys.stderr.isatty() and len(files) > 1:
        with Progress(
            TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=err, transient=True,
        ) as progress:
            feeds = any((input_format or format_of(path)) == JSONL for path in files)
            task = progress.add_task("ingest", total=None if feeds else len(files))  # a feed: many articles

            def advance(result: FileResult) -> None:
                report_failure(result)
                progress.advance(task)

            report = ingest_files(store, files, options=options, manifest=manifest, on_file=advance, **reading)
    else:
        report = ingest_files(store, files, options=options, manifest=manifest, on_file=report_failure, **reading)
    store.close()
    click.echo(report.summary())
    if report.failed:
        ctx.exit(EXIT_INPUT)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--speaker", help="Only quotations by this speaker (canonical name, any case).")
@click.option("--outlet", help="Only quotations printed by this outlet.")
@click.option("--kind", type=click.Choice(KINDS), help="Only quotations of this kind.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of a table.")
@click.pass_context
def quotes(ctx: click.Context, speaker: str | None, outlet: str | None, kind: str | None,
           limit: int | None, as_json: bool) -> None:
    """List stored quotations: outlet, date, speaker, kind and text.

    \b
    Example:
        quotecheck quotes --outlet RT
        quotecheck quotes --kind direct --json
    """
    store = open_store(ctx, create=False)
    rows = store.quotation_rows(speaker=speaker, outlet=outlet, kind=kind, limit=limit)
    if as_json:
        render.write_json(rows, sys.stdout)
    else:
        render.console().print(render.quotes_table(rows))


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--format", "output_format", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="One JSON object per line, or CSV with a header.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file instead of standard output.")
@click.pass_context
def export(ctx: click.Context, output_format: str, output) -> None:  # noqa: ANN001 - click file
    """Dump every quotation with its article's fields (see README, "Export fields").

    \b
    Example:
        quotecheck export --format csv -o quotes.csv
    """
    store = open_store(ctx, create=False)
    rows = store.quotation_rows()
    if output_format == "csv":
        render.write_csv(rows, output, EXPORT_FIELDS)
    else:
        render.write_jsonl(rows, output)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of a table.")
@click.pass_context
def speakers(ctx: click.Context, as_json: bool) -> None:
    """List speakers: canonical name, aliases, quotations and outlets.

    \b
    Example:
        quotecheck speakers
    """
    store = open_store(ctx, create=False)
    rows = store.speaker_rows()
    if as_json:
        render.write_json(rows, sys.stdout)
    else:
        render.console().print(render.speakers_table(rows))


@cli.group(context_settings=CONTEXT_SETTINGS)
def alias() -> None:
    """Manage speaker aliases (AMLO -> Andrés Manuel López Obrador).

    \b
    Example:
        quotecheck alias add AMLO "Andrés Manuel López Obrador"
    """


@alias.command("add", context_settings=CONTEXT_SETTINGS)
@click.argument("alias_name", metavar="ALIAS")
@click.argument("name")
@click.pass_context
def alias_add(ctx: click.Context, alias_name: str, name: str) -> None:
    """Make ALIAS resolve to the speaker NAME, in stored quotations and in later ingests.

    \b
    Example:
        quotecheck alias add AMLO "Andrés Manuel López Obrador"
    """
    store = open_store(ctx.find_root(), create=False)
    try:
        canonical = store.add_alias(alias_name, name)
    except StoreError as error:
        raise InputError(str(error)) from None
    click.echo(f"{alias_name} -> {canonical}")


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("query")
@click.option("--speaker", help="Only clusters of this speaker (canonical name or alias).")
@click.option("--outlet", help="Only clusters this outlet printed a version of.")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="At most this many clusters.")
@click.option("--json", "as_json", is_flag=True, help="JSON (shape in README, 'trace --json').")
@click.pass_context
def trace(ctx: click.Context, query: str, speaker: str | None, outlet: str | None, limit: int, as_json: bool) -> None:
    """Every printed version of a quotation: who said it, who printed it first, who changed what.

    Finds the clusters with a quotation that contains QUERY approximately (typos and small
    changes tolerated), best match first, and shows each variant by date with its relation to the
    reference version and its word differences. Exit code 1 when nothing matches.

    \b
    Example:
        quotecheck trace "deserves a chance"
        quotecheck trace "give him protection" --outlet RT --json
    """
    store = open_store(ctx, create=False)
    hits = tracing.trace(store, query, speaker=speaker, outlet=outlet, limit=limit)
    reports = [(hit, tracing.cluster_report(store, hit.cluster_id)) for hit in hits]
    if as_json:
        click.echo(json.dumps(
            {"query": query, "clusters": [{**report, "score": hit.score} for hit, report in reports]},
            ensure_ascii=False, indent=2,
        ))
    else:
        console = render.console()
        for hit, report in reports:
            console.print(render.cluster_panel(report, score=hit.score))
    if not hits:
        click.echo(f"No quotation in {ctx.obj['db_path']} matches {query!r}.", err=True)
        ctx.exit(EXIT_FOUND)


@cli.command("clusters", context_settings=CONTEXT_SETTINGS)
@click.option("--min-outlets", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only clusters printed by at least this many outlets.")
@click.option("--speaker", help="Only clusters of this speaker.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of a table.")
@click.pass_context
def clusters_command(ctx: click.Context, min_outlets: int, speaker: str | None, limit: int | None,
                     as_json: bool) -> None:
    """List clusters of quote variants: speaker, reference text, variants, outlets, first seen.

    \b
    Example:
        quotecheck clusters --min-outlets 2
    """
    store = open_store(ctx, create=False)
    rows = store.cluster_rows(min_outlets=min_outlets, speaker=speaker, limit=limit)
    if as_json:
        render.write_json(rows, sys.stdout)
    else:
        render.console().print(render.clusters_table(rows))


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("cluster_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="JSON, the shape of one cluster of 'trace --json'.")
@click.pass_context
def show(ctx: click.Context, cluster_id: int, as_json: bool) -> None:
    """Show one cluster in full: every variant with its relation and word differences.

    \b
    Example:
        quotecheck show 1
    """
    store = open_store(ctx, create=False)
    report = tracing.cluster_report(store, cluster_id)
    if report is None:
        raise InputError(f"no cluster {cluster_id} in {ctx.obj['db_path']}; see 'quotecheck clusters'")
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        render.console().print(render.cluster_panel(report))


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.pass_context
def recluster(ctx: click.Context) -> None:
    """Rebuild every cluster from scratch (the same clusters ingest keeps up to date).

    \b
    Example:
        quotecheck recluster
    """
    store = open_store(ctx, create=False)
    update = tracing.update_clusters(store, rebuild=True)
    click.echo(f"{update.clusters} clusters of {update.quotations} quotations")


def _statuses(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip() and name.strip() != "none")
    unknown = [name for name in names if name not in check_module.STATUSES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: not one of {', '.join(check_module.STATUSES)}, none")
    return names


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@metadata_options
@click.option("--fail-on", default=",".join(check_module.DEFAULT_FAIL_ON), show_default=True,
              callback=_statuses, help="Statuses that fail the check (comma-separated; 'none' never fails).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True, help="text for people; json (README); github workflow commands; SARIF 2.1.0.")
@click.option("--record", is_flag=True, help="After checking, ingest the checked articles into the store.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], fail_on: tuple[str, ...], output_format: str, record: bool,
          **values: str | None) -> None:
    """Check new articles' quotations against everything printed before (for CI).

    Each quotation is ok (printed before in this form by the same speaker), truncated, altered
    (words changed: shown against the earliest known version), misattributed (known words,
    another speaker) or new. Exit code 0: nothing in --fail-on; 1: findings; 2: bad input.
    The store is only read, unless --record.

    \b
    Example:
        quotecheck check drafts/story.txt
        quotecheck check --format github --fail-on altered,misattributed,truncated articles/*.md
    """
    options, manifest = read_metadata_options(values)
    try:
        files = collect_paths(paths)
    except SourceError as error:
        raise InputError(str(error)) from None
    store = open_store(ctx, readonly=True)
    known_speakers = store.known_speakers()
    findings: list[check_module.Finding] = []
    failed_inputs = False
    for _, article in read_articles(files, options=options, manifest=manifest):
        if isinstance(article, SourceError):
            click.echo(f"Error: {article}", err=True)
            failed_inputs = True
            continue
        findings += check_module.check_article(store, article, known_speakers)
    store.close()
    if output_format == "json":
        click.echo(json.dumps(check_module.report_json(findings, fail_on), ensure_ascii=False, indent=2))
    elif output_format == "github":
        for line in check_module.github_lines(findings, fail_on):
            click.echo(line)
    elif output_format == "sarif":
        log = check_module.sarif_log(findings, fail_on, version("quotecheck"))
        click.echo(json.dumps(log, ensure_ascii=False, indent=2))
    else:
        render.console().print(render.findings_table(findings, fail_on))
    if record:
        ctx.invoke(ingest, paths=paths, **values)  # exits 2 itself when an input fails
    if failed_inputs:
        ctx.exit(EXIT_INPUT)
    if check_module.exit_status(findings, fail_on):
        ctx.exit(EXIT_FOUND)


@cli.command("eval", context_settings=CONTEXT_SETTINGS)
@click.argument("gold_paths", metavar="GOLD...", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON instead of tables (shape: see quotecheck.evaluate).")
@click.option("--show-errors", is_flag=True, help="Also list missed, spurious and wrongly attributed quotations.")
def eval_command(gold_paths: tuple[str, ...], as_json: bool, show_errors: bool) -> None:
    """Score extraction against gold files: spans, scare quotes, kinds and speakers.

    Span precision, recall and F1 cover direct and fragment quotations together (exact
    offsets; "lenient" also counts an overlap of half the longer span); scare quotes are
    scored apart. Speaker accuracy is over exactly matched quotations with a gold speaker,
    case and accents folded. Per file and overall (micro-averaged). A measurement, not a
    check: the exit code is 0 whatever the scores.

    \b
    Example:
        quotecheck eval fixtures/gold/*.json
        quotecheck eval --show-errors fixtures/gold/000_rt.json
        quotecheck eval --json fixtures/gold/*.json > scores.json
    """
    try:
        golds = [load_gold(path) for path in gold_paths]
    except GoldError as error:
        raise InputError(str(error)) from None
    evaluation = evaluate(golds)
    if as_json:
        click.echo(json.dumps(evaluation_json(evaluation), ensure_ascii=False, indent=2))
        return
    out = render.console()
    out.print(_eval_table(evaluation))
    out.print()
    out.print(_kinds_table(evaluation))
    if show_errors:
        for result in evaluation.files:
            out.print(f"\n{result.name}", style="bold", markup=False)
            lines = (
                [("missed", m) for m in result.false_negatives]
                + [("spurious", m) for m in result.false_positives]
                + [("speaker", m) for m in result.wrong_speakers]
            )
            for label, miss in sorted(lines, key=lambda line: line[1].start):
                out.print(_miss_line(label, miss), markup=False)
            if not lines:
                out.print("  no errors", style="dim")


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _eval_table(evaluation: Evaluation) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
        title="Extraction against gold",
        caption="P R F1: direct + fragment spans, exact offsets (~F1: overlap ≥ half the longer).\n"
        "scare F1: scare quotes alone; speakers: accuracy on exact matches. See --json.",
    )
    table.add_column("file", overflow="fold")
    for name in ("gold", "pred", "P", "R", "F1", "~F1", "scare F1", "speakers"):
        table.add_column(name, justify="right", no_wrap=True)  # figures never wrap; the file column gives way
    names = [Path(r.name).name for r in evaluation.files]
    if len(set(names)) < len(names):  # the short names would be ambiguous
        names = [r.name for r in evaluation.files]
    rows = [(name, r.gold_count, r.predicted_count, r.figures) for name, r in zip(names, evaluation.files, strict=True)]
    rows.append(("overall", sum(r.gold_count for r in evaluation.files),
                 sum(r.predicted_count for r in evaluation.files), evaluation.overall))
    for index, (name, gold, predicted, figures) in enumerate(rows):
        speakers = figures.speakers
        table.add_row(
            Text(name), str(gold), str(predicted),
            _figure(figures.spans.precision), _figure(figures.spans.recall), _figure(figures.spans.f1),
            _figure(figures.spans_lenient.f1), _figure(figures.scare.f1),
            f"{_figure(speakers.value)} {speakers.correct}/{speakers.total}",
            style="bold" if index == len(rows) - 1 else None,
            end_section=index == len(rows) - 2,
        )
    return table


def _kinds_table(evaluation: Evaluation) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title="Kinds overall", caption="none: no span at those offsets")
    table.add_column("gold kind")
    table.add_column("predicted kind")
    table.add_column("count", justify="right")
    for (gold, predicted), count in sorted(evaluation.overall.kinds.items()):
        table.add_row(gold, predicted, str(count), style=None if gold == predicted else "yellow")
    return table


def _miss_line(label: str, miss: Miss) -> str:
    kinds = f"{miss.gold_kind or '—'}→{miss.predicted_kind or '—'}"
    line = f"  {label:<8} {miss.start:>6} {kinds:<17} “{miss.text}”"
    if label == "speaker" or (label == "missed" and miss.gold_speaker):
        line += f"  gold speaker: {miss.gold_speaker or '—'}"
    if label == "speaker":
        line += f", predicted: {miss.predicted_speaker or '—'}"
    if miss.nearest is not None:
        line += f"  (overlaps “{miss.nearest}”)"
    return line


def main() -> None:
    cli(prog_name="quotecheck")


def check_hook() -> None:
    """`quotecheck-check [--db PATH] [check options] FILE...`: the pre-commit hook's entry point
    (pre-commit appends the file names after the hook's args)."""
    args = sys.argv[1:]
    store = []
    if args[:1] == ["--db"] and len(args) >= 2:
        store, args = args[:2], args[2:]
    cli([*store, "check", *args], prog_name="quotecheck")


if __name__ == "__main__":
    main()
