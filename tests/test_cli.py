"""The command line: help, version, where the store is, quotes and export output, end to end."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotecheck.cli import cli
from quotecheck.models import Metadata, Quotation
from quotecheck.sources import article_from_text
from quotecheck.store import Store

from .conftest import FIXTURE_ARTICLES, REPO

HELLO = "“Hello there,” she said.\n"


def readme_export_fields() -> list[str]:
    """The field names of README's "Export fields" table, in order (first cell, `backticked`)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Export fields", 1)[1].split("\n#", 1)[0]
    fields = []
    for line in section.splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2 and "`" in cells[1]:
            fields.extend(re.findall(r"`([^`]+)`", cells[1]))
    return fields


def test_readme_table_is_parsed():
    fields = readme_export_fields()
    assert {"article_path", "outlet", "published", "text", "speaker", "kind", "start", "end"} <= set(fields)
    assert len(fields) == len(set(fields))


# -- help and version --------------------------------------------------------------------------------


def test_version_is_the_package_version(run):
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"quotecheck, version {project['version']}\n"


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_group_help_lists_every_command_with_an_example(run, flag):
    result = run(flag)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: quotecheck [OPTIONS] COMMAND")
    assert "--db" in result.output and "QUOTECHECK_DB" in result.output
    assert "Example:" in result.output
    for name in cli.commands:
        assert re.search(rf"^\s+{name}\s", result.output, re.M), name


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(run, command, flag, db_path):
    result = run(command, flag)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: quotecheck {command} ")
    description = result.output.split("\n\n", 2)[1].strip()
    assert description, "no help text"
    example = result.output.split("Example:", 1)
    assert len(example) == 2, "no example"
    assert re.search(rf"^\s+quotecheck {command}\b", example[1], re.M)
    assert not db_path.exists()


# -- where the store is --------------------------------------------------------------------------------


def test_default_store_is_db_quotes_db_under_the_current_folder(write_article, tmp_path):
    write_article("a.txt", HELLO)
    result = CliRunner().invoke(cli, ["ingest", "a.txt"], catch_exceptions=False, prog_name="quotecheck")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "db" / "quotes.db").is_file()


def test_quotecheck_db_sets_the_store_and_db_overrides_it(run, write_article, db_path, tmp_path):
    write_article("a.txt", HELLO)
    assert run("ingest", "a.txt").exit_code == 0
    assert db_path.is_file()
    assert not (tmp_path / "db").exists()

    other = tmp_path / "other.db"
    assert run("--db", str(other), "ingest", "--outlet", "Elsewhere", "a.txt").exit_code == 0
    with sqlite3.connect(other) as connection:
        assert connection.execute("select outlet from articles").fetchall() == [("Elsewhere",)]
    connection.close()
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("select outlet from articles").fetchall() == [(None,)]
    connection.close()


# -- quotes ------------------------------------------------------------------------------------------


@pytest.fixture
def filled(db_path: Path) -> Path:
    """A store with two outlets and known speakers, kinds and texts (written directly, so the
    tests do not depend on what the extractor finds)."""
    store = Store.open(db_path)
    texts = {
        "rt.txt": ("“Hello there,” she said. He called it “fake”.", Metadata(outlet="RT", published="2021-01-04")),
        "vice.txt": ("“Goodbye,” he said.", Metadata(outlet="VICE News", published="2021-01-05T11:41:00")),
    }
    quotations = {
        "rt.txt": [
            Quotation(text="Hello there,", start=1, end=13, speaker="Ana Díaz", speaker_as_written="she",
                      sentence="“Hello there,” she said."),
            Quotation(text="fake", start=39, end=43, kind="scare"),
        ],
        "vice.txt": [Quotation(text="Goodbye,", start=1, end=9, speaker="Bo Li", speaker_as_written="he")],
    }
    for path, (text, metadata) in texts.items():
        article = article_from_text(text, path=path, options=metadata)
        for quotation in quotations[path]:
            assert article.text[quotation.start:quotation.end] == quotation.text
        store.save_article(article, quotations[path])
    store.close()
    return db_path


def test_quotes_json_is_valid_json_with_the_documented_fields(run, filled):
    result = run("quotes", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [list(row) for row in rows] == [readme_export_fields()] * 3
    first = rows[0]
    assert (first["outlet"], first["outlet_source"], first["published"]) == ("RT", "option", "2021-01-04")
    assert (first["text"], first["speaker"], first["speaker_as_written"]) == ("Hello there,", "Ana Díaz", "she")
    assert (first["kind"], first["start"], first["end"], first["suspect"]) == ("direct", 1, 13, 0)
    assert first["article_path"] == "rt.txt" and first["sentence"] == "“Hello there,” she said."


@pytest.mark.parametrize(
    ("options", "texts"),
    [
        ([], ["Hello there,", "fake", "Goodbye,"]),
        (["--outlet", "vice news"], ["Goodbye,"]),
        (["--speaker", "ana díaz"], ["Hello there,"]),
        (["--kind", "scare"], ["fake"]),
        (["--outlet", "RT", "--kind", "direct"], ["Hello there,"]),
        (["--limit", "2"], ["Hello there,", "fake"]),
        (["--outlet", "Nobody"], []),
    ],
)
def test_quotes_filters(run, filled, options, texts):
    result = run("quotes", "--json", *options)
    assert result.exit_code == 0, result.output
    assert [row["text"] for row in json.loads(result.stdout)] == texts


def test_quotes_table_shows_outlet_speaker_and_text(run, filled):
    result = run("quotes")
    assert result.exit_code == 0
    for expected in ("RT", "VICE News", "Ana Díaz", "Hello there,", "Goodbye,", "2021-01-05", "scare"):
        assert expected in result.stdout
    assert "11:41" not in result.stdout  # the table shows the date only


def test_quotes_rejects_an_unknown_kind(run, filled):
    result = run("quotes", "--kind", "rumour")
    assert result.exit_code == 2
    assert "rumour" in result.stderr


# -- export -----------------------------------------------------------------------------------------


def test_export_jsonl_has_the_readme_fields(run, filled):
    result = run("export", "--format", "jsonl")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert all(list(row) == readme_export_fields() for row in rows)
    assert rows[2]["outlet"] == "VICE News" and rows[2]["published"] == "2021-01-05T11:41:00"


def test_export_defaults_to_jsonl(run, filled):
    assert run("export").stdout == run("export", "--format", "jsonl").stdout


def test_export_csv_has_the_readme_fields(run, filled):
    result = run("export", "--format", "csv")
    assert result.exit_code == 0
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == readme_export_fields()
    rows = list(reader)
    assert [(row["text"], row["speaker"], row["start"], row["end"]) for row in rows] == [
        ("Hello there,", "Ana Díaz", "1", "13"), ("fake", "", "39", "43"), ("Goodbye,", "Bo Li", "1", "9"),
    ]


def test_export_to_a_file(run, filled, tmp_path):
    out = tmp_path / "out.csv"
    result = run("export", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(readme_export_fields())


def test_export_of_an_empty_store(run, write_article):
    write_article("a.txt", "No quotations here.\n")
    assert run("ingest", "a.txt").exit_code == 0
    assert run("export").stdout == ""
    assert run("export", "--format", "csv").stdout == ",".join(readme_export_fields()) + "\n"
    assert json.loads(run("quotes", "--json").stdout) == []


# -- end to end, through a real process --------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "QUOTECHECK_DB"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _quotecheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quotecheck", *args], cwd=cwd, env=_env(), capture_output=True,
        text=True, encoding="utf-8", timeout=60,
    )


def _sqlite_utils() -> list[str]:
    beside_python = Path(sys.executable).with_name("sqlite-utils")
    if beside_python.exists():
        return [str(beside_python)]
    found = shutil.which("sqlite-utils")
    return [found] if found else [sys.executable, "-m", "sqlite_utils"]


def test_end_to_end_ingest_of_the_fixtures_then_sqlite_utils_counts(tmp_path):
    shutil.copytree(FIXTURE_ARTICLES, tmp_path / "fixtures" / "articles")
    ingest = _quotecheck("ingest", "fixtures/articles", cwd=tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    assert ingest.stderr == ""
    figures = re.fullmatch(r"5 articles added, 0 updated, 0 skipped, 0 failed; (\d+) quotations found; \d+ clusters \(\d+ new or changed\)\n", ingest.stdout)
    assert figures, ingest.stdout

    tables = subprocess.run(
        [*_sqlite_utils(), "tables", "db/quotes.db", "--counts"], cwd=tmp_path, env=_env(),
        capture_output=True, text=True, timeout=60,
    )
    assert tables.returncode == 0, tables.stderr
    counts = {row["table"]: row["count"] for row in json.loads(tables.stdout)}
    assert counts["articles"] == 5
    assert counts["quotes"] == int(figures.group(1)) > 0

    again = _quotecheck("ingest", "fixtures/articles", cwd=tmp_path)
    assert again.returncode == 0
    assert again.stdout == "0 articles added, 0 updated, 5 skipped, 0 failed; 0 quotations found\n"

    exported = _quotecheck("export", cwd=tmp_path)
    assert exported.returncode == 0
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(rows) == counts["quotes"]
    assert {row["outlet"] for row in rows} <= {"RT", "Institute of Mass Information (Reuters)",
                                              "The Epoch Times", "Vikendi", "VICE News"}
    with sqlite3.connect(tmp_path / "db" / "quotes.db") as connection:
        bodies = dict(connection.execute("select path, text from articles"))
    connection.close()
    for row in rows:
        assert bodies[row["article_path"]][row["start"]:row["end"]] == row["text"]


def test_end_to_end_missing_path(tmp_path):
    result = _quotecheck("ingest", "no/such/folder", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "Error: no/such/folder: no such file or folder\n"
    assert list(tmp_path.iterdir()) == []
