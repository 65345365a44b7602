"""Bad input and faults: unusable files, a killed ingest, two ingests at once, a damaged store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quotecheck.extract import extract_text

from .conftest import REPO
from .test_ingest import _unreadable, summary

HELLO = "“Hello there,” she said.\n"
NAMES = ["Anna Berg", "Tomasz Orlowski", "Helena Brask", "Ade Okafor", "Renée Dubois"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def article_rows(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute("select path, content_hash, text from articles order by path").fetchall()
    connection.close()
    return rows


# -- unusable files --------------------------------------------------------------------------------


def _unusable(tmp_path: Path) -> dict[str, str]:
    """Write one file of each unusable kind into news/; {name: what its error line says}."""
    news = tmp_path / "news"
    news.mkdir(exist_ok=True)
    (news / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (news / "report.md").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (news / "zeros.txt").write_bytes(b"\x00" * 64)
    (news / "empty.txt").write_bytes(b"")
    (news / "blank.txt").write_bytes(b"  \r\n\t\n")
    (news / "cut8.txt").write_bytes("“Olé,” he said. “Où?”".encode()[:-2])
    (news / "cut16.txt").write_bytes("“Olé,” he said.".encode("utf-16")[:-1])
    with (news / "huge.txt").open("wb") as huge:  # sparse: 3 GB on paper, nothing on disk
        huge.truncate(3_000_000_000)
    return {
        "image.txt": "a binary file (a PNG image), not a text article",
        "report.md": "a binary file (a PDF document), not a text article",
        "zeros.txt": "looks like a binary file (NUL bytes), not a text article",
        "empty.txt": "empty file",
        "blank.txt": "empty file",
        "cut8.txt": "truncated: the file ends inside a UTF-8 character",
        "cut16.txt": "truncated: the file ends inside a UTF-16 character",
        "huge.txt": "too large (3000.0 MB); an article may have at most 20 MB",
    }


def test_each_unusable_file_is_one_line_naming_it_and_the_rest_is_ingested(
    run, write_article, tmp_path, db_path, monkeypatch
):
    write_article("news/a.txt", HELLO)
    write_article("news/z.txt", "“Last one,” he said.\n")
    expected = _unusable(tmp_path)
    write_article("news/secret.txt", HELLO)
    _unreadable(monkeypatch, "secret.txt")
    expected["secret.txt"] = "cannot read (Permission denied)"
    started = time.monotonic()
    result = run("ingest", "news")
    assert time.monotonic() - started < 10  # the 3 GB file was not read
    assert result.exit_code == 2
    assert sorted(result.stderr.splitlines()) == sorted(
        f"Error: news/{name}: {message}" for name, message in expected.items()
    )
    figures = summary(result.stdout)
    assert (figures["added"], figures["failed"]) == (2, len(expected))
    assert [row[0] for row in article_rows(db_path)] == ["news/a.txt", "news/z.txt"]


def test_a_file_that_turns_unusable_leaves_its_stored_version_whole(run, write_article, tmp_path, db_path):
    write_article("news/cut8.txt", "“Olé,” he said. “Où?”\n")
    write_article("news/huge.txt", HELLO)
    assert run("ingest", "news").exit_code == 0
    before = article_rows(db_path), _quotes(db_path)
    _unusable(tmp_path)  # the same names, now truncated and enormous
    result = run("ingest", "news/cut8.txt", "news/huge.txt")
    assert result.exit_code == 2
    assert (article_rows(db_path), _quotes(db_path)) == before


def test_reading_a_device_stops_at_the_limit(run, db_path, monkeypatch):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    monkeypatch.setattr("quotecheck.sources.MAX_BYTES", 1_000_000)
    result = run("ingest", "/dev/zero")  # endless, and its size reads as 0
    assert result.exit_code == 2
    assert result.stderr == "Error: /dev/zero: too large (over the limit); an article may have at most 1 MB\n"


def test_standard_input_over_the_limit_is_refused(run, db_path, monkeypatch):
    monkeypatch.setattr("quotecheck.sources.MAX_BYTES", 2_000_000)
    result = run("ingest", "-", input="“Long,” she said. " * 200_000)
    assert result.exit_code == 2
    assert result.stderr == "Error: -: too large (over the limit); an article may have at most 2 MB\n"
    assert not db_path.exists() or article_rows(db_path) == []


def _quotes(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute('select article_id, seq, text, start, "end" from quotes order by id').fetchall()
    connection.close()
    return rows


# -- a damaged or foreign --db file ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (os.urandom(8192), "not an SQLite database; refusing to touch it"),
        (b"SQLite format 3\x00" + os.urandom(8192), "cannot open store (file is not a database)"),
    ],
    ids=["random bytes", "SQLite header then garbage"],
)
@pytest.mark.parametrize("command", ["ingest", "quotes", "export"])
def test_corrupt_db_is_one_line_exit_2_and_byte_identical(run, write_article, tmp_path, content, message, command):
    target = tmp_path / "store" / "quotes.db"
    target.parent.mkdir()
    target.write_bytes(content)
    args = [str(write_article("a.txt", HELLO))] if command == "ingest" else []
    result = run("--db", str(target), command, *args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {target}: {message}\n"
    assert result.stdout == ""
    assert snapshot(target.parent) == {"quotes.db": content}


def test_store_damaged_inside_is_one_line_exit_2_and_byte_identical(run, write_article, tmp_path, db_path):
    for index in range(40):
        write_article(f"news/{index:02}.txt", f"“Statement {index} is final,” said Anna Berg. " + "Filler. " * 200 + "\n")
    assert run("ingest", "news").exit_code == 0
    with sqlite3.connect(db_path) as connection:  # fold the WAL in, then damage every page but the first two
        connection.execute("pragma wal_checkpoint(truncate)")
        page_size = connection.execute("pragma page_size").fetchone()[0]
    connection.close()
    data = bytearray(db_path.read_bytes())
    for offset in range(2 * page_size, len(data), page_size):
        data[offset + 8 : offset + 200] = bytes(range(192))
    db_path.write_bytes(bytes(data))
    for name in list(db_path.parent.iterdir()):
        if name != db_path:
            name.unlink()
    before = snapshot(db_path.parent)
    write_article("b.txt", "“Another,” he said.\n")
    for args in (["ingest", "b.txt"], ["quotes"], ["export"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"Error: {db_path}: ") and "damaged" in result.stderr
        assert {name: content for name, content in snapshot(db_path.parent).items() if name == "quotes.db"} == {
            "quotes.db": before["quotes.db"]
        }


# -- real processes: killed mid-way, and two at once ------------------------------------------------------


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "QUOTECHECK_DB"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _generate(folder: Path, count: int, *, start: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(start, start + count):
        speaker, other = NAMES[index % 5], NAMES[(index + 2) % 5]
        (folder / f"{index:04}.txt").write_text(
            f"---\noutlet: Outlet {index % 7}\ndate: 2021-01-{index % 28 + 1:02}\n---\n"
            f"“Statement number {index} about the harbour is final,” said {speaker} on Monday.\n"
            f"The council met again. “We will review the ferry timetable,” {other} told reporters, "
            f"adding that the decision was “not taken lightly”.\n"
            f"“Nobody wanted this,” {speaker.split()[0]} added. " + "Filler about the quay. " * (index % 13) + "\n",
            encoding="utf-8",
        )


def _ingest(db_path: Path, *paths: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "quotecheck", "--db", str(db_path), "ingest", *map(str, paths)],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )


def _article_count(db_path: Path) -> int:
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            return connection.execute("select count(*) from articles").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def assert_consistent(db_path: Path) -> int:
    """integrity_check ok, no quotation without its article, and every article holding exactly
    the quotations that extracting its stored text gives. Returns the number of articles."""
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert connection.execute("pragma foreign_key_check").fetchall() == []
        orphans = connection.execute("select count(*) from quotes where article_id not in (select id from articles)")
        assert orphans.fetchone()[0] == 0
        stored: dict[int, list[tuple]] = {}
        for article_id, text, start, end in connection.execute(
            'select article_id, text, start, "end" from quotes order by article_id, seq'
        ):
            stored.setdefault(article_id, []).append((text, start, end))
        articles = connection.execute("select id, path, text from articles").fetchall()
    connection.close()
    for article_id, path, text in articles:
        expected = [(q.text, q.start, q.end) for q in extract_text(text)]
        assert stored.get(article_id, []) == expected, path
    return len(articles)


def test_ingest_killed_mid_way_leaves_only_whole_articles_and_a_rerun_finishes(tmp_path):
    total = 400
    _generate(tmp_path / "news", total)
    db_path = tmp_path / "store" / "quotes.db"
    process = _ingest(db_path, tmp_path / "news")
    try:
        deadline = time.monotonic() + 60
        while _article_count(db_path) < 40:
            assert process.poll() is None, "ingest ended before it could be killed"
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL

    kept = assert_consistent(db_path)
    assert 40 <= kept < total

    rerun = _ingest(db_path, tmp_path / "news")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    figures = summary(out)
    assert (figures["added"], figures["skipped"]) == (total - kept, kept)
    assert assert_consistent(db_path) == total


def test_two_ingests_at_once_into_a_new_store_lose_nothing(tmp_path):
    """Both create the store (the migrations run once), then write article after article."""
    per_process = 150
    _generate(tmp_path / "one", per_process)
    _generate(tmp_path / "two", per_process, start=per_process)
    db_path = tmp_path / "store" / "quotes.db"
    processes = [_ingest(db_path, tmp_path / "one"), _ingest(db_path, tmp_path / "two")]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert err == ""
        assert summary(out)["added"] == per_process
    assert assert_consistent(db_path) == 2 * per_process
