"""The SQLite store: the only module that speaks SQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .migrations import known_names, migrations
from .models import Article, Quotation
from .normalize import fold

SQLITE_HEADER = b"SQLite format 3\x00"

# What save_article did with an article.
ADDED, UPDATED, SKIPPED = "added", "updated", "skipped"


class StoreError(Exception):
    """The store cannot be used; the message names the file and the problem."""


def content_hash(article: Article) -> str:
    return hashlib.sha256(article.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SaveResult:
    status: str  # ADDED, UPDATED or SKIPPED
    article_id: int
    quotations: int


class Store:
    """A quotecheck store on disk (or in memory with path ':memory:')."""

    def __init__(self, db: Database, path: str):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Store:
        """Open (and create or migrate) the store at `path`.

        A file that is not an SQLite database, or a store written by a newer quotecheck,
        is refused with StoreError and left untouched.
        """
        path = str(path)
        if path != ":memory:":
            file = Path(path)
            if file.exists():
                if file.is_dir():
                    raise StoreError(f"{path}: is a folder, not a quotecheck store")
                with file.open("rb") as handle:
                    header = handle.read(len(SQLITE_HEADER))
                if header and header != SQLITE_HEADER:
                    raise StoreError(f"{path}: not an SQLite database; refusing to touch it")
            elif not create:
                raise StoreError(f"{path}: no store here; run 'quotecheck ingest' first")
            else:
                file.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = Database(sqlite3.connect(path, timeout=30))
            if path != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            store = cls(db, path)
            store._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: cannot open store ({error})") from None
        return store

    def _migrate(self) -> None:
        applied = [m.name for m in migrations.applied(self.db)]
        unknown = [name for name in applied if name not in known_names()]
        if unknown:
            raise StoreError(
                f"{self.path}: written by a newer quotecheck (migration {unknown[-1]}); upgrade quotecheck to use it"
            )
        migrations.apply(self.db)
        self.db.execute(f"PRAGMA user_version = {len(known_names())}")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    # -- articles ----------------------------------------------------------------------

    def save_article(self, article: Article, quotations: list[Quotation]) -> SaveResult:
        """Store an article and its quotations in one transaction.

        An article is identified by its path. Unchanged text and metadata: skipped. Changed
        metadata only: the article row is updated. Changed text: the article's quotations are
        replaced by the new ones.
        """
        digest = content_hash(article)
        row = {
            "path": article.path,
            "outlet": article.metadata.outlet,
            "outlet_source": article.outlet_source,
            "published": article.metadata.published,
            "url": article.metadata.url,
            "title": article.metadata.title,
            "lang": article.metadata.lang,
            "content_hash": digest,
            "body_line": article.body_line,
            "text": article.text,
        }
        with self.db.atomic():
            existing = self._article_row(article.path)
            if existing is not None:
                unchanged = all(existing[key] == value for key, value in row.items())
                if unchanged:
                    count = self.db.execute(
                        "select count(*) from quotes where article_id = ?", [existing["id"]]
                    ).fetchone()[0]
                    return SaveResult(SKIPPED, existing["id"], count)
                article_id = existing["id"]
                self.db["articles"].update(article_id, {**row, "ingested_at": _now()})
                if existing["content_hash"] == digest:
                    count = self.db.execute(
                        "select count(*) from quotes where article_id = ?", [article_id]
                    ).fetchone()[0]
                    return SaveResult(UPDATED, article_id, count)
                self.db.execute("delete from quotes where article_id = ?", [article_id])
                status = UPDATED
            else:
                article_id = self.db["articles"].insert({**row, "ingested_at": _now()}).last_pk
                status = ADDED
            self.db["quotes"].insert_all(
                (self._quote_row(article_id, seq, quotation) for seq, quotation in enumerate(quotations)),
            )
        return SaveResult(status, article_id, len(quotations))

    def _article_row(self, path: str) -> dict[str, Any] | None:
        rows = list(self.db["articles"].rows_where("path = ?", [path]))
        return rows[0] if rows else None

    @staticmethod
    def _quote_row(article_id: int, seq: int, quotation: Quotation) -> dict[str, Any]:
        return {
            "article_id": article_id,
            "seq": seq,
            "text": quotation.text,
            "normalized": fold(quotation.text),
            "start": quotation.start,
            "end": quotation.end,
            "sentence": quotation.sentence,
            "speaker": quotation.speaker,
            "speaker_as_written": quotation.speaker_as_written,
            "kind": quotation.kind,
            "suspect": int(quotation.suspect),
        }

    # -- reading -----------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {table: self.db[table].count for table in ("articles", "quotes")}

    def quotation_rows(
        self,
        *,
        speaker: str | None = None,
        outlet: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Quotations with their article's fields, in article then text order."""
        where, params = [], []
        for column, value in (("q.speaker", speaker), ("a.outlet", outlet), ("q.kind", kind)):
            if value is not None:
                where.append(f"{column} = ? collate nocase")
                params.append(value)
        sql = EXPORT_SQL + (" where " + " and ".join(where) if where else "") + " order by a.id, q.seq"
        if limit is not None:
            sql += " limit ?"
            params.append(limit)
        cursor = self.db.execute(sql, params)
        columns = [description[0] for description in cursor.description]
        for values in cursor:
            yield dict(zip(columns, values, strict=True))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# The fields of one exported quotation; README "Export fields" documents each.
EXPORT_SQL = """
select q.id as quote_id, a.path as article_path, a.outlet, a.outlet_source, a.published, a.url,
       a.title, a.lang, q.text, q.speaker, q.speaker_as_written, q.kind, q.start, q.end,
       q.suspect, q.sentence
from quotes q join articles a on a.id = q.article_id
"""
EXPORT_FIELDS = [
    "quote_id", "article_path", "outlet", "outlet_source", "published", "url", "title", "lang",
    "text", "speaker", "speaker_as_written", "kind", "start", "end", "suspect", "sentence",
]
