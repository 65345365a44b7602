"""Ingesting: idempotence, changed files, offsets, failures, folders, the summary line."""

from __future__ import annotations

import pathlib
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotecheck.extract import extract
from quotecheck.ingest import ingest_files
from quotecheck.models import Metadata
from quotecheck.sources import SourceError, article_from_text
from quotecheck.store import ADDED, SKIPPED, UPDATED, Store

HELLO = "“Hello there,” she said.\n"
SUMMARY = re.compile(
    r"^(?P<added>\d+) articles added, (?P<updated>\d+) updated, (?P<skipped>\d+) skipped, "
    r"(?P<failed>\d+) failed; (?P<quotations>\d+) quotations found(?:; \d+ clusters \(\d+ new or changed\))?$"
)


def summary(output: str) -> dict[str, int]:
    """The figures of the one summary line on stdout."""
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    return {key: int(value) for key, value in match.groupdict().items()}


def rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def quote_rows(db_path: Path) -> list[tuple]:
    return rows(db_path, "select id, article_id, seq, text, start, \"end\" from quotes order by id")


@pytest.fixture
def three_articles(write_article) -> list[Path]:
    return [
        write_article("news/a.txt", HELLO, {"outlet": "A", "date": "2021-01-04"}),
        write_article("news/b.md", "He said “we will see” and left.\n“Fine,” she said.\n"),
        write_article("news/sub/c.txt", "No quotations in this one.\n", {"outlet": "C"}),
    ]


# -- re-ingesting --------------------------------------------------------------------------------


def test_reingesting_the_same_files_skips_them_and_changes_nothing(run, three_articles, db_path):
    first = run("ingest", "news")
    assert first.exit_code == 0, first.output
    articles_before = rows(db_path, "select id, path, content_hash, ingested_at from articles order by id")
    quotes_before = quote_rows(db_path)
    assert summary(first.stdout) == {
        "added": 3, "updated": 0, "skipped": 0, "failed": 0, "quotations": len(quotes_before),
    }

    second = run("ingest", "news")
    assert second.exit_code == 0, second.output
    assert summary(second.stdout) == {"added": 0, "updated": 0, "skipped": 3, "failed": 0, "quotations": 0}
    assert rows(db_path, "select id, path, content_hash, ingested_at from articles order by id") == articles_before
    assert quote_rows(db_path) == quotes_before


def test_a_changed_file_has_its_quotations_replaced(run, write_article, db_path):
    path = write_article("a.txt", HELLO, {"outlet": "A"})
    assert run("ingest", "a.txt").exit_code == 0
    (article_id,) = rows(db_path, "select id from articles")[0]
    assert [q[3] for q in quote_rows(db_path)] == ["Hello there,"]

    write_article("a.txt", "“Goodbye now,” she said. “See you,” he replied.\n", {"outlet": "A"})
    result = run("ingest", str(path.name))
    assert result.exit_code == 0, result.output
    assert summary(result.stdout)["updated"] == 1
    texts = [q[3] for q in quote_rows(db_path)]
    assert texts == ["Goodbye now,", "See you,"]
    assert summary(result.stdout)["quotations"] == len(texts)
    assert rows(db_path, "select id, count(*) from articles") == [(article_id, 1)]
    assert {q[1] for q in quote_rows(db_path)} == {article_id}


def test_readme_documents_what_a_changed_file_does():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "a file whose text changed has its quotations replaced" in " ".join(readme.split())


def test_changed_metadata_only_updates_the_article_row(run, write_article, db_path):
    write_article("a.txt", HELLO, {"outlet": "A", "date": "2021-01-04"})
    assert run("ingest", "a.txt").exit_code == 0
    quotes_before = quote_rows(db_path)

    write_article("a.txt", HELLO, {"outlet": "B", "date": "2021-01-05"})
    result = run("ingest", "a.txt")
    assert result.exit_code == 0, result.output
    assert summary(result.stdout)["updated"] == 1
    assert rows(db_path, "select outlet, published from articles") == [("B", "2021-01-05")]
    assert quote_rows(db_path) == quotes_before  # same rows, same ids

    result = run("ingest", "--title", "A title", "a.txt")
    assert summary(result.stdout)["updated"] == 1
    assert rows(db_path, "select title from articles") == [("A title",)]
    assert quote_rows(db_path) == quotes_before


def test_save_article_reports_added_skipped_updated(store):
    article = article_from_text(HELLO, path="a.txt")
    first = store.save_article(article, extract(article))
    again = store.save_article(article, extract(article))
    assert (first.status, again.status) == (ADDED, SKIPPED)
    assert first.article_id == again.article_id
    assert first.quotations == again.quotations == store.counts()["quotes"]

    retitled = article_from_text(HELLO, path="a.txt", options=Metadata(title="New"))
    assert store.save_article(retitled, extract(retitled)).status == UPDATED
    assert store.counts() == {"articles": 1, "quotes": first.quotations, "clusters": 0}


# -- offsets -------------------------------------------------------------------------------------

_MARKS = "“”\"‘’'«»"
_PIECES = st.one_of(
    st.text(alphabet="abcdefghij KLMNOP,.;:!?-—\n\r\t", min_size=0, max_size=12),
    st.sampled_from(list(_MARKS)),
    st.sampled_from(["e\u0301", "Ç", "ß", "日本", "😀", "ﬁ", "\u00a0", "...", "---\n", "outlet: X\n", "—"]),
    st.text(min_size=0, max_size=6).filter(lambda s: "\x00" not in s),
)
_QUOTED = st.builds(
    lambda open_, inner, close: open_ + inner + close,
    st.sampled_from(["“", '"', "«", "‘"]),
    st.text(alphabet="abc DEF,.!?'’\u0301", min_size=0, max_size=20),
    st.sampled_from(["”", '"', "»", "’"]),
)
_TEXTS = st.lists(st.one_of(_PIECES, _QUOTED), min_size=1, max_size=15).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_stored_offsets_slice_the_stored_text_back_to_each_quotation(raw):
    """For any text with quotation marks in it: body[start:end] == text for every stored row."""
    try:
        article = article_from_text(raw, path="a.txt")
    except SourceError as error:  # only "this is not an article" is acceptable
        assert "no text" in str(error) or "not an ISO date" in str(error), error
        return
    store = Store.open(":memory:")
    try:
        store.save_article(article, extract(article))
        (text,) = store.db.execute("select text from articles").fetchone()
        assert text == article.text
        stored = store.db.execute('select text, start, "end" from quotes order by seq').fetchall()
        for quotation, start, end in stored:
            assert 0 <= start <= end <= len(text)
            assert text[start:end] == quotation
    finally:
        store.close()


def test_offsets_hold_for_text_with_obvious_quotes(store):
    article = article_from_text("x\r\n“Hello there,” she said. He said: \"Fine.\"\r\n", path="a.txt")
    store.save_article(article, extract(article))
    stored = store.db.execute('select text, start, "end" from quotes order by seq').fetchall()
    assert [quotation for quotation, _, _ in stored][:1] == ["Hello there,"]
    assert "Fine." in [quotation for quotation, _, _ in stored]
    for quotation, start, end in stored:
        assert article.text[start:end] == quotation


# -- failures --------------------------------------------------------------------------------------


def test_missing_path_is_one_line_exit_2_and_no_store(run, write_article, db_path):
    write_article("a.txt", HELLO)
    result = run("ingest", "a.txt", "missing.txt")
    assert result.exit_code == 2
    assert result.stderr == "Error: missing.txt: no such file or folder\n"
    assert result.stdout == ""
    assert not db_path.exists()
    assert not db_path.parent.exists()


def _unreadable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Opening `name` raises PermissionError, as for a mode-000 file (tests run as root, who
    can read anything). Path.read_bytes goes through Path.open too."""
    real_open = pathlib.Path.open

    def guarded_open(self, *args, **kwargs):
        if self.name == name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", guarded_open)


def test_unreadable_file_is_one_line_exit_2_and_the_rest_is_ingested(run, write_article, db_path, monkeypatch):
    write_article("news/a.txt", HELLO)
    write_article("news/secret.txt", HELLO)
    _unreadable(monkeypatch, "secret.txt")
    result = run("ingest", "news")
    assert result.exit_code == 2
    assert result.stderr == "Error: news/secret.txt: cannot read (Permission denied)\n"
    assert (summary(result.stdout)["added"], summary(result.stdout)["failed"]) == (1, 1)
    assert rows(db_path, "select path from articles") == [("news/a.txt",)]


def test_unreadable_file_into_an_existing_store_leaves_it_unchanged(run, write_article, db_path, monkeypatch):
    write_article("a.txt", HELLO)
    assert run("ingest", "a.txt").exit_code == 0
    before = rows(db_path, "select * from articles"), quote_rows(db_path)
    write_article("b.txt", "“Other,” he said.\n")
    _unreadable(monkeypatch, "b.txt")
    result = run("ingest", "a.txt", "b.txt")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "b.txt" in result.stderr
    assert (rows(db_path, "select * from articles"), quote_rows(db_path)) == before


def test_unusable_files_fail_one_line_each_and_the_rest_is_ingested(run, write_article, tmp_path, db_path):
    write_article("news/a.txt", HELLO)
    write_article("news/empty.txt", "")
    write_article("news/blank.md", " \n\n\t\n")
    (tmp_path / "news" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "news" / "truncated.txt").write_bytes("“Olé,” he said. “Où?”".encode()[:-1])
    write_article("news/late.txt", HELLO, {"date": "soon"})
    write_article("news/z.txt", "“Last one,” he said.\n")
    result = run("ingest", "news")
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert len(errors) == 5, result.stderr
    assert all(line.startswith("Error: news/") for line in errors)
    assert any("news/empty.txt: empty file" in line for line in errors)
    assert any("news/blank.md: empty file" in line for line in errors)
    assert any("news/image.txt" in line and "binary" in line for line in errors)
    assert any("news/truncated.txt: truncated" in line for line in errors)
    assert any("news/late.txt: front matter: 'soon' is not an ISO date" in line for line in errors)
    figures = summary(result.stdout)
    assert (figures["added"], figures["failed"]) == (2, 5)
    assert rows(db_path, "select path from articles order by path") == [("news/a.txt",), ("news/z.txt",)]


def test_error_lines_show_file_names_literally(run, write_article):
    write_article("[draft] notes.txt", "")
    write_article("ok.txt", HELLO)
    result = run("ingest", "[draft] notes.txt", "ok.txt")
    assert result.exit_code == 2
    assert result.stderr == "Error: [draft] notes.txt: empty file\n"


# -- folders, summary, progress ----------------------------------------------------------------------


def test_folder_ingest_finds_text_and_html_recursively_and_ignores_other_files(run, write_article, tmp_path, db_path):
    write_article("news/a.txt", HELLO)
    write_article("news/deep/er/b.md", HELLO)
    write_article("news/deep/C.TXT", HELLO)
    write_article("news/notes.rst", HELLO)
    write_article("news/data.json", "{}")
    write_article("news/deep/page.html", "<p>“Hi,” he said.</p>")
    (tmp_path / "news" / "image.png").write_bytes(b"\x89PNG\x00")
    result = run("ingest", "news")
    assert result.exit_code == 0, result.output
    assert summary(result.stdout)["added"] == 4
    assert rows(db_path, "select path from articles order by path") == [
        ("news/a.txt",), ("news/deep/C.TXT",), ("news/deep/er/b.md",), ("news/deep/page.html",),
    ]


def test_summary_line_counts_each_outcome(run, write_article, db_path):
    write_article("a.txt", HELLO)
    write_article("b.txt", "“One,” he said. “Two,” she said.\n")
    assert run("ingest", "a.txt").exit_code == 0
    write_article("c.txt", "")
    write_article("a.txt", "“Changed,” she said.\n")
    result = run("ingest", "a.txt", "b.txt", "c.txt")
    counted = rows(db_path, "select count(*) from quotes")[0][0]
    assert summary(result.stdout) == {
        "added": 1, "updated": 1, "skipped": 0, "failed": 1, "quotations": counted,
    }
    assert counted >= 3  # “Changed,” “One,” “Two,”


def test_ingest_files_reports_each_file_as_it_goes(store, write_article):
    paths = [write_article("a.txt", HELLO), write_article("b.txt", "")]
    seen = []
    report = ingest_files(store, paths, on_file=seen.append)
    assert [(r.path, r.status) for r in seen] == [(str(paths[0]), ADDED), (str(paths[1]), "failed")]
    assert report.results == seen
    assert report.failed == seen[1:] and "empty file" in seen[1].error


def test_no_progress_bar_when_output_is_not_a_terminal(run, write_article):
    for index in range(12):
        write_article(f"news/{index:02}.txt", f"“Number {index},” she said.\n")
    result = run("ingest", "news")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert not set(result.output) & set("━─█▏▕%") and "ingesting" not in result.output
    assert summary(result.stdout)["added"] == 12
