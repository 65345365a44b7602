"""The store: the migration set, refusing files it must not touch, transactions, db/schema.sql."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from quotecheck.migrations import known_names, migrations
from quotecheck.models import Quotation
from quotecheck.schema_dump import SCHEMA_FILE, fresh_schema
from quotecheck.sources import article_from_text
from quotecheck.store import Store, StoreError

REPO = Path(__file__).resolve().parent.parent

ARTICLE_COLUMNS = {
    "id": "INTEGER", "path": "TEXT", "outlet": "TEXT", "outlet_source": "TEXT", "published": "TEXT",
    "url": "TEXT", "title": "TEXT", "lang": "TEXT", "content_hash": "TEXT", "ingested_at": "TEXT",
    "body_line": "INTEGER", "text": "TEXT",
}
QUOTE_COLUMNS = {
    "id": "INTEGER", "article_id": "INTEGER", "seq": "INTEGER", "text": "TEXT", "normalized": "TEXT",
    "start": "INTEGER", "end": "INTEGER", "sentence": "TEXT", "speaker": "TEXT",
    "speaker_as_written": "TEXT", "kind": "TEXT", "suspect": "INTEGER",
    "cluster_id": "INTEGER", "relation": "TEXT", "similarity": "REAL", "diff": "TEXT",
}


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file of the store's folder with its bytes (catches stray -wal/-shm files too)."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())}


# -- the migration set ----------------------------------------------------------------------------


def test_fresh_store_has_the_expected_tables_and_columns(file_store):
    db = file_store.db
    assert {name for name in db.table_names() if not name.startswith("quotes_fts")} == {
        "_sqlite_migrations", "articles", "quotes", "speakers", "speaker_aliases", "clusters"
    }
    assert "quotes_fts" in db.table_names()
    assert {c.name: c.type for c in db["articles"].columns} == ARTICLE_COLUMNS
    assert {c.name: c.type for c in db["quotes"].columns} == QUOTE_COLUMNS
    assert db["articles"].pks == ["id"] and db["quotes"].pks == ["id"]
    not_null = {row[1] for row in db.execute("pragma table_info(articles)") if row[3]}
    assert {"path", "content_hash", "ingested_at", "text"} <= not_null


def test_quotes_reference_articles_and_the_reference_is_enforced(file_store):
    foreign_keys = file_store.db["quotes"].foreign_keys
    assert sorted((fk.column, fk.other_table, fk.other_column) for fk in foreign_keys) == [
        ("article_id", "articles", "id"), ("cluster_id", "clusters", "id")
    ]
    with pytest.raises(sqlite3.IntegrityError):
        file_store.db["quotes"].insert(
            {"article_id": 999, "seq": 0, "text": "x", "normalized": "x", "start": 0, "end": 1,
             "kind": "direct", "suspect": 0}
        )


def test_fresh_store_has_the_expected_indexes(file_store):
    def indexes(table: str) -> set[tuple[tuple[str, ...], bool]]:
        return {(tuple(index.columns), bool(index.unique)) for index in file_store.db[table].indexes}

    assert indexes("articles") == {
        (("path",), True), (("content_hash",), False), (("outlet",), False), (("published",), False)
    }
    assert indexes("quotes") == {
        (("article_id", "seq"), True), (("speaker",), False), (("kind",), False), (("cluster_id",), False)
    }


def test_user_version_is_the_number_of_migrations(file_store):
    assert len(set(known_names())) == len(known_names()) >= 1
    assert file_store.schema_version == len(known_names()) >= 1
    assert [m.name for m in migrations.applied(file_store.db)] == known_names()


def test_reopening_applies_nothing_and_writes_nothing(db_path):
    Store.open(db_path).close()
    before = snapshot(db_path)
    store = Store.open(db_path)
    assert migrations.pending(store.db) == []
    applied = [(m.name, m.applied_at) for m in migrations.applied(store.db)]
    store.close()
    assert snapshot(db_path) == before
    store = Store.open(db_path)
    assert [(m.name, m.applied_at) for m in migrations.applied(store.db)] == applied
    store.close()


def test_a_store_keeps_its_contents_across_reopening(db_path):
    store = Store.open(db_path)
    article = article_from_text("“Hello there,” she said.", path="a.txt")
    store.save_article(article, [Quotation(text="Hello there,", start=1, end=13)])
    store.close()
    store = Store.open(db_path, create=False)
    assert store.counts() == {"articles": 1, "quotes": 1, "clusters": 0}
    store.close()


# -- files the store must not touch ------------------------------------------------------------------


def _newer_store(db_path: Path, *, journal_mode: str) -> None:
    Store.open(db_path).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute(f"pragma journal_mode={journal_mode}")
        connection.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) "
            "values ('quotecheck', 'm999_from_the_future', '2099-01-01')"
        )
    connection.close()


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_store_with_an_unknown_migration_is_refused_and_left_byte_identical(db_path, journal_mode):
    _newer_store(db_path, journal_mode=journal_mode)
    before = snapshot(db_path)
    with pytest.raises(StoreError, match=r"quotes\.db: written by a newer quotecheck \(migration m999_from_the_future\)"):
        Store.open(db_path)
    assert snapshot(db_path) == before


def test_cli_refuses_a_newer_store_with_one_line_and_exit_2(run, db_path, write_article):
    _newer_store(db_path, journal_mode="delete")
    before = snapshot(db_path)
    for args in (["ingest", str(write_article("a.txt", "“Hi,” she said."))], ["quotes"], ["export"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1 and "newer quotecheck" in result.stderr
        assert result.stdout == ""
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    "content",
    [b"id,outlet\n1,RT\n", b"SQLite format 2\x00" + b"\x00" * 100, b"x", "“not a db”".encode()],
)
@pytest.mark.parametrize("command", ["ingest", "quotes", "export"])
def test_non_sqlite_file_as_db_is_one_line_exit_2_and_left_byte_identical(run, tmp_path, write_article, content, command):
    target = tmp_path / "notes" / "important.csv"
    target.parent.mkdir()
    target.write_bytes(content)
    args = [str(write_article("a.txt", "“Hi,” she said."))] if command == "ingest" else []
    result = run("--db", str(target), command, *args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {target}: not an SQLite database; refusing to touch it\n"
    assert snapshot(target) == {"important.csv": content}


def test_sqlite_database_that_is_not_a_store_is_refused_and_left_byte_identical(tmp_path):
    other = tmp_path / "other" / "app.db"
    other.parent.mkdir()
    with sqlite3.connect(other) as connection:
        connection.execute("create table users (id integer primary key, name text)")
    connection.close()
    before = snapshot(other)
    with pytest.raises(StoreError, match=r"app\.db: an SQLite database but not a quotecheck store"):
        Store.open(other)
    assert snapshot(other) == before


def test_an_empty_file_becomes_a_store(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    store = Store.open(path)
    assert store.schema_version == len(known_names())
    store.close()


@pytest.mark.parametrize("make", ["folder", "parent is a file"])
def test_unusable_store_paths_are_store_errors(tmp_path, make):
    if make == "folder":
        path = tmp_path / "folder.db"
        path.mkdir()
    else:
        (tmp_path / "file").write_text("x")
        path = tmp_path / "file" / "quotes.db"
    with pytest.raises(StoreError, match=str(path)):
        Store.open(path)


def test_reading_commands_do_not_create_a_store(run, db_path):
    for command in ("quotes", "export"):
        result = run(command)
        assert result.exit_code == 2
        assert result.stderr == f"Error: {db_path}: no store here; run 'quotecheck ingest' first\n"
    assert not db_path.parent.exists()


# -- transactions ------------------------------------------------------------------------------------


def test_an_article_whose_quotations_fail_to_save_is_not_saved_at_all(store):
    article = article_from_text("“Hello there,” she said.", path="a.txt")
    broken = Quotation(text="Hello there,", start=1, end=13, kind=None)  # kind is NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        store.save_article(article, [Quotation(text="Hello", start=1, end=6), broken])
    assert store.counts() == {"articles": 0, "quotes": 0, "clusters": 0}
    assert store.save_article(article, [Quotation(text="Hello there,", start=1, end=13)]).status == "added"


# -- db/schema.sql -----------------------------------------------------------------------------------


def test_db_schema_sql_is_what_a_fresh_store_has():
    assert SCHEMA_FILE == REPO / "db" / "schema.sql"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == fresh_schema(), (
        "db/schema.sql is stale: regenerate it with `python -m quotecheck.schema_dump`"
    )


def test_schema_dump_names_every_table_and_index(file_store):
    schema = file_store.schema_sql()
    for (kind, name) in file_store.db.execute("select type, name from sqlite_master where sql is not null"):
        assert f'"{name}"' in schema or f"'{name}'" in schema, (kind, name)
    assert f"user_version = {len(known_names())}" in schema


def test_db_readme_explains_every_table(file_store):
    readme = (REPO / "db" / "README.md").read_text(encoding="utf-8")
    for table in file_store.db.table_names():
        assert f"`{table}`" in readme, table
