"""The speakers table: canonical names and aliases shared across articles, and its commands."""

import json

from click.testing import CliRunner

from quotecheck.cli import cli


def ingest(runner, tmp_path, name, body):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return runner.invoke(cli, ["--db", str(tmp_path / "q.db"), "ingest", str(path)])


def speakers_json(runner, tmp_path):
    result = runner.invoke(cli, ["--db", str(tmp_path / "q.db"), "speakers", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_partial_and_unaccented_names_join_the_known_speaker(tmp_path):
    runner = CliRunner()
    ingest(runner, tmp_path, "a.txt", "“We will build it,” Mayor José Ramón Peña said.\n")
    ingest(runner, tmp_path, "b.txt", "“It is built,” Jose Ramon Pena said.\n")
    ingest(runner, tmp_path, "c.txt", "“It was hard,” Peña told reporters.\n")
    rows = speakers_json(runner, tmp_path)
    assert [(row["name"], row["quotations"]) for row in rows] == [("José Ramón Peña", 3)]


def test_fuller_accented_spelling_becomes_canonical(tmp_path):
    runner = CliRunner()
    ingest(runner, tmp_path, "a.txt", "“It is built,” Jose Ramon Pena said.\n")
    ingest(runner, tmp_path, "b.txt", "“We will build it,” José Ramón Peña said.\n")
    rows = speakers_json(runner, tmp_path)
    assert [(row["name"], row["quotations"]) for row in rows] == [("José Ramón Peña", 2)]


def test_article_alias_is_recorded_and_used_later(tmp_path):
    runner = CliRunner()
    ingest(runner, tmp_path, "a.txt", "Ana María Soto (aka AMS) spoke on Monday.\n\n“We won,” Ana María Soto said.\n")
    ingest(runner, tmp_path, "b.txt", "“We won again,” AMS said.\n")
    rows = speakers_json(runner, tmp_path)
    assert rows[0]["name"] == "Ana María Soto" and rows[0]["quotations"] == 2
    assert "ams" in rows[0]["aliases"].lower()


def test_alias_add_renames_stored_quotations_and_guides_ingest(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "q.db")
    ingest(runner, tmp_path, "a.txt", "“We won,” Ana María Soto said.\n")
    ingest(runner, tmp_path, "b.txt", "“We won again,” Nana said.\n")
    result = runner.invoke(cli, ["--db", db, "alias", "add", "Nana", "Ana María Soto"])
    assert result.exit_code == 0 and "Ana María Soto" in result.output
    ingest(runner, tmp_path, "c.txt", "“And again,” Nana said.\n")
    quotes = json.loads(runner.invoke(cli, ["--db", db, "quotes", "--json"]).output)
    assert {q["speaker"] for q in quotes} == {"Ana María Soto"}


def test_alias_naming_another_speaker_is_refused(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "q.db")
    ingest(runner, tmp_path, "a.txt", "“We won,” Ana María Soto said. “No,” Luis Vega said.\n")
    result = runner.invoke(cli, ["--db", db, "alias", "add", "Soto", "Ana María Soto"])
    assert result.exit_code == 0
    result = runner.invoke(cli, ["--db", db, "alias", "add", "Soto", "Luis Vega"])
    assert result.exit_code == 2
    assert "already names" in result.output and len(result.output.strip().splitlines()) == 1
