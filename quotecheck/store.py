"""The SQLite store: the only module that speaks SQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .clusters import Cluster, QuoteRecord
from .migrations import known_names, migrations
from .models import Article, Quotation
from .normalize import fold

SQLITE_HEADER = b"SQLite format 3\x00"

# What save_article did with an article.
ADDED, UPDATED, SKIPPED = "added", "updated", "skipped"


# Seconds a write waits for another process's write to finish (two ingests into one store).
BUSY_TIMEOUT = 30


class _ImmediateConnection(sqlite3.Connection):
    """A connection whose explicit transactions take the write lock when they begin.

    sqlite-utils' atomic() begins with a plain (deferred) BEGIN. A deferred transaction that
    reads and then writes cannot wait for another writer: once that writer has committed,
    SQLite answers "database is locked" at once, busy timeout or not, since the reader's
    snapshot is stale. BEGIN IMMEDIATE waits up to the busy timeout instead, so concurrent
    ingests into one store take turns. Every explicit transaction here is a write.
    """

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        if sql.strip().rstrip(";").strip().upper() == "BEGIN":
            sql = "BEGIN IMMEDIATE"
        return super().execute(sql, parameters)


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
    def open(cls, path: str | Path, *, create: bool = True, readonly: bool = False) -> Store:
        """Open (and create or migrate) the store at `path`; with `readonly`, open an existing,
        current store for reading only (nothing can be written through it).

        A file that is not an SQLite database, an SQLite database that is not a quotecheck
        store, or a store written by a newer quotecheck is refused with StoreError and left
        byte-identical: nothing is written to a file before it has been recognised.
        """
        path = str(path)
        if path != ":memory:":
            file = Path(path)
            if file.exists():
                if file.is_dir():
                    raise StoreError(f"{path}: is a folder, not a quotecheck store")
                try:
                    with file.open("rb") as handle:
                        header = handle.read(len(SQLITE_HEADER))
                except OSError as error:
                    raise StoreError(f"{path}: cannot read store ({error.strerror or error})") from None
                if header and header != SQLITE_HEADER:
                    raise StoreError(f"{path}: not an SQLite database; refusing to touch it")
            elif not create or readonly:
                raise StoreError(f"{path}: no store here; run 'quotecheck ingest' first")
            else:
                try:
                    file.parent.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise StoreError(f"{path}: cannot create store ({error.strerror or error})") from None
        try:
            if readonly and path != ":memory:":
                connection = sqlite3.connect(
                    Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT,
                    factory=_ImmediateConnection,
                )
            else:
                connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, factory=_ImmediateConnection)
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open store ({error})") from None
        store = cls(Database(connection), path)
        try:
            store._refuse_unknown()  # reads only
            if readonly:
                if migrations.pending(store.db):
                    raise StoreError(f"{path}: made by an older quotecheck; run 'quotecheck recluster' to upgrade it")
                return store
            if path != ":memory:":
                store.db.execute("PRAGMA journal_mode=WAL")
            store.db.execute("PRAGMA foreign_keys=ON")
            store._migrate()
        except StoreError:
            store.close()
            raise
        except sqlite3.DatabaseError as error:
            store.close()
            raise StoreError(f"{path}: cannot open store ({error})") from None
        return store

    def _refuse_unknown(self) -> None:
        """Refuse a store written by a newer quotecheck, or a database that is no store at all."""
        applied = [m.name for m in migrations.applied(self.db)]
        unknown = [name for name in applied if name not in known_names()]
        if unknown:
            raise StoreError(
                f"{self.path}: written by a newer quotecheck (migration {unknown[-1]}); upgrade quotecheck to use it"
            )
        if not applied and self.db.table_names():
            raise StoreError(f"{self.path}: an SQLite database but not a quotecheck store; refusing to touch it")

    def _migrate(self) -> None:
        """Apply pending migrations; a current store is not written to. The check is made
        again inside one write transaction, so that two processes opening a new store at once
        take turns and the second finds nothing left to do."""
        if not migrations.pending(self.db) and self.schema_version == len(known_names()):
            return
        with self.db.atomic():
            if migrations.pending(self.db):
                migrations.apply(self.db)
            if self.schema_version != len(known_names()):
                self.db.execute(f"PRAGMA user_version = {len(known_names())}")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def schema_sql(self) -> str:
        """The store's schema as SQL, in creation order: what db/schema.sql shows."""
        statements = [
            sql.strip() + ";"
            for (sql,) in self.db.execute(
                "select sql from sqlite_master where sql is not null order by rowid"
            )
        ]
        header = (
            "-- The schema of a fresh quotecheck store (PRAGMA user_version = "
            f"{self.schema_version}).\n-- Generated by `python -m quotecheck.schema_dump`; do not edit.\n"
        )
        return header + "\n" + "\n\n".join(statements) + "\n"

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
                self._forget_clusters_of(article_id)
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

    # -- clusters ----------------------------------------------------------------------

    def _forget_clusters_of(self, article_id: int) -> None:
        """Dissolve the clusters an article's quotations belong to; their other members wait for
        the next clustering (cluster_id NULL)."""
        doomed = "select distinct cluster_id from quotes where article_id = ? and cluster_id is not null"
        self.db.execute(
            f"update quotes set cluster_id = null, relation = null, similarity = null, diff = null "
            f"where cluster_id in ({doomed})",
            [article_id],
        )
        self.db.execute(
            "delete from clusters where id not in (select cluster_id from quotes where cluster_id is not null)"
        )

    def article_quotations(self, path: str) -> list[Quotation]:
        """The stored quotations of the article at `path`, in text order."""
        return [
            Quotation(text=row["text"], start=row["start"], end=row["end"], kind=row["kind"],
                      speaker=row["speaker"], speaker_as_written=row["speaker_as_written"],
                      sentence=row["sentence"] or "", suspect=bool(row["suspect"]))
            for row in self._dicts(
                "select q.* from quotes q join articles a on a.id = q.article_id where a.path = ? order by q.seq",
                [path],
            )
        ]

    def unclustered_ids(self) -> list[int]:
        return [row[0] for row in self.db.execute(
            "select id from quotes where cluster_id is null and kind != 'scare' order by id"
        )]

    def clustered_count(self) -> int:
        return self.db.execute("select count(*) from quotes where cluster_id is not null").fetchone()[0]

    def cluster_records(self, ids: Iterable[int] | None = None) -> list[QuoteRecord]:
        """Quotations as the clustering sees them (all of them, or those with `ids`), by id."""
        sql = (
            "select q.id, q.speaker, q.text, a.published, a.outlet, q.kind "
            "from quotes q join articles a on a.id = q.article_id"
        )
        if ids is None:
            rows: Iterable[tuple] = self.db.execute(sql + " order by q.id")  # read as the records are made
        else:
            wanted, found = list(ids), []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found += self.db.execute(sql + f" where q.id in ({','.join('?' * len(chunk))})", chunk)
            rows = sorted(found)
        # Speakers, dates, outlets and kinds repeat: keep one string object of each, not one a row.
        shared: dict[Any, Any] = {}

        def one(value: Any) -> Any:
            return shared.setdefault(value, value)

        return [
            QuoteRecord(id=quote_id, speaker=one(speaker), text=text, published=one(published), order=quote_id,
                        outlet=one(outlet), kind=one(kind))
            for quote_id, speaker, text, published, outlet, kind in rows
        ]

    def stored_clusters(self, cluster_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
        """Cluster id -> its quotation ids, as stored (all clusters, or those of `cluster_ids`)."""
        sql = "select id, cluster_id from quotes where cluster_id is not null"
        params: list[int] = []
        if cluster_ids is not None:
            params = sorted(cluster_ids)
            if not params:
                return {}
            sql += f" and cluster_id in ({','.join('?' * len(params))})"
        groups: dict[int, list[int]] = {}
        for quote_id, cluster_id in self.db.execute(sql + " order by id", params):
            groups.setdefault(cluster_id, []).append(quote_id)
        return groups

    def write_clusters(self, clusters: Iterable[Cluster], drop: set[int]) -> int:
        """Store described clusters (and their members' relations) and drop the clusters `drop`
        (their quotations not in a written cluster wait for the next clustering), in one transaction.
        `clusters` may be a generator: it is written in batches, never held whole. Returns how many
        clusters were written."""
        written: set[int] = set()
        with self.db.atomic():
            batch: list[Cluster] = []
            for cluster in clusters:
                batch.append(cluster)
                if len(batch) == WRITE_BATCH:
                    self._write_cluster_batch(batch)
                    written.update(c.id for c in batch)
                    batch = []
            self._write_cluster_batch(batch)
            written.update(c.id for c in batch)
            for cid in sorted(drop - written):
                self.db.execute(
                    "update quotes set cluster_id = null, relation = null, similarity = null, diff = null "
                    "where cluster_id = ?",
                    [cid],
                )
                self.db["clusters"].delete(cid)
        return len(written)

    def _write_cluster_batch(self, clusters: list[Cluster]) -> None:
        self.db.conn.executemany(
            "insert into clusters (id, speaker, reference_quote_id, reference_text, first_quote_id, "
            "first_published, first_outlet, quotations, versions, outlets) values (?,?,?,?,?,?,?,?,?,?) "
            "on conflict(id) do update set speaker = excluded.speaker, "
            "reference_quote_id = excluded.reference_quote_id, reference_text = excluded.reference_text, "
            "first_quote_id = excluded.first_quote_id, first_published = excluded.first_published, "
            "first_outlet = excluded.first_outlet, quotations = excluded.quotations, "
            "versions = excluded.versions, outlets = excluded.outlets",
            [
                (c.id, c.speaker, c.reference_id, c.reference_text, c.first_id, c.first_published,
                 c.first_outlet, c.quotations, c.versions, c.outlets)
                for c in clusters
            ],
        )
        self.db.conn.executemany(
            "update quotes set cluster_id = ?, relation = ?, similarity = ?, diff = ? where id = ?",
            [
                (cluster.id, m.relation, round(m.similarity, 1),
                 json.dumps(m.changes, ensure_ascii=False), m.quote_id)
                for cluster in clusters
                for m in cluster.members
            ],
        )

    def search_clustered(
        self, query_words: list[str], *, speaker: str | None = None, outlet: str | None = None, limit: int = 400
    ) -> list[dict[str, Any]]:
        """Clustered quotations sharing words with the query, best first (full-text search, porter
        stemming, accents folded): id, text, speaker, cluster_id, cluster_speaker, outlet, published.
        All the query's rarer words first; then each of them left out in turn; any of them last."""
        terms = sorted({word for word in query_words if word})
        if not terms:
            return []
        quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
        # Words the index has never seen (typos) are dropped, and so are words in so many quotations
        # that searching with them costs more than it tells, as long as a rarer word is left.
        counts = {term: self._count_matches(term) for term in quoted}
        known = [term for term in quoted if counts[term]]
        rare = [term for term in known if counts[term] < COMMON_TERM_MATCHES]
        if not rare:
            # only common words: ranking every quotation that has them costs too much; take the
            # first ones found and let the caller's scoring sort them out
            return self._search_clustered(" AND ".join(known), speaker, outlet, limit, ranked=False) if known else []
        found = self._search_clustered(" AND ".join(rare), speaker, outlet, limit)
        if len(found) >= min(limit, ENOUGH_CANDIDATES) or len(rare) < 2:
            return found
        # A changed word: every word but one, each left out in turn, as fast as the first search;
        # any word at all only when that finds nothing.
        seen = {row["id"] for row in found}
        for i in range(len(rare) if len(rare) > 2 else 0):
            for row in self._search_clustered(" AND ".join(rare[:i] + rare[i + 1 :]), speaker, outlet, limit):
                if row["id"] not in seen:
                    seen.add(row["id"])
                    found.append(row)
        if found:
            return found
        return self._search_clustered(" OR ".join(rare), speaker, outlet, limit)

    def _count_matches(self, term: str) -> int:
        """How many quotations have this (quoted) full-text term, counted up to COMMON_TERM_MATCHES."""
        return self.db.execute(
            "select count(*) from (select 1 from quotes_fts where quotes_fts match ? limit ?)",
            [term, COMMON_TERM_MATCHES],
        ).fetchone()[0]

    def _search_clustered(
        self, match: str, speaker: str | None, outlet: str | None, limit: int, *, ranked: bool = True
    ) -> list[dict[str, Any]]:
        sql = (
            "select q.id, q.text, q.speaker, q.cluster_id, c.speaker as cluster_speaker, a.outlet, a.published "
            "from quotes_fts f join quotes q on q.id = f.rowid join clusters c on c.id = q.cluster_id "
            "join articles a on a.id = q.article_id where quotes_fts match ?"
        )
        params: list[Any] = [match]
        if speaker:
            sql += " and c.speaker = ? collate nocase"
            params.append(speaker)
        if outlet:
            sql += (" and q.cluster_id in (select q2.cluster_id from quotes q2 join articles a2 "
                    "on a2.id = q2.article_id where a2.outlet = ? collate nocase)")
            params.append(outlet)
        sql += " order by f.rank limit ?" if ranked else " limit ?"
        params.append(limit)
        return self._dicts(sql, params)

    def outlets_printing(self, cluster_id: int, text: str) -> list[str]:
        """The outlets that printed this version (same folded text) of a cluster, earliest first."""
        rows = self.db.execute(
            "select a.outlet from quotes q join articles a on a.id = q.article_id "
            "where q.cluster_id = ? and q.normalized = ? and a.outlet is not null "
            "group by a.outlet order by min(a.published is null), min(a.published), min(q.id)",
            [cluster_id, fold(text)],
        )
        return [row[0] for row in rows]

    def first_printing(self, cluster_id: int) -> dict[str, Any]:
        """The cluster's first appearance, with the fields `search_clustered` gives."""
        return self._dicts(
            "select q.id, q.text, q.speaker, q.cluster_id, c.speaker as cluster_speaker, a.outlet, a.published "
            "from clusters c join quotes q on q.id = c.first_quote_id join articles a on a.id = q.article_id "
            "where c.id = ?",
            [cluster_id],
        )[0]

    def cluster_row(self, cluster_id: int) -> dict[str, Any] | None:
        rows = list(self.db["clusters"].rows_where("id = ?", [cluster_id]))
        return rows[0] if rows else None

    def cluster_variants(self, cluster_id: int) -> list[dict[str, Any]]:
        """A cluster's quotations with their article fields, by date then ingest order."""
        return self._dicts(
            "select q.id, q.text, q.speaker, q.kind, q.relation, q.similarity, q.diff, a.outlet, "
            "a.published, a.path from quotes q join articles a on a.id = q.article_id "
            "where q.cluster_id = ? order by a.published is null, a.published, q.id",
            [cluster_id],
        )

    def cluster_rows(
        self, *, min_outlets: int = 1, speaker: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Clusters with most outlets first."""
        sql = "select * from clusters where outlets >= ?"
        params: list[Any] = [min_outlets]
        if speaker:
            sql += " and speaker = ? collate nocase"
            params.append(speaker)
        sql += " order by outlets desc, quotations desc, id"
        if limit:
            sql += " limit ?"
            params.append(limit)
        return self._dicts(sql, params)

    def _dicts(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, params)
        columns = [description[0] for description in cursor.description]
        return [dict(zip(columns, values, strict=True)) for values in cursor]

    # -- speakers ----------------------------------------------------------------------

    def known_speakers(self) -> dict[str, str]:
        """{folded alias or name: canonical name} for resolving speakers at extraction."""
        return {
            alias: name
            for alias, name in self.db.execute(
                "select a.alias, s.name from speaker_aliases a join speakers s on s.id = a.speaker_id"
            )
        }

    def record_speakers(self, names: Iterable[str], aliases: Mapping[str, str] = {}) -> None:
        """Register canonical names (each is its own alias) and aliases {alias: name}.

        Two spellings that fold alike are one speaker; the one with more accented letters
        becomes the canonical name (López over Lopez) and the stored quotations follow it.
        """
        with self.db.atomic():
            for name in names:
                self._speaker_id(name)
            for alias, name in aliases.items():
                speaker_id = self._speaker_id(name)
                if not self.db["speaker_aliases"].count_where("alias = ?", [fold(alias)]):
                    self.db["speaker_aliases"].insert(
                        {"alias": fold(alias), "speaker_id": speaker_id, "as_written": alias, "source": "article"}
                    )

    def add_alias(self, alias: str, name: str) -> str:
        """Make `alias` resolve to the speaker `name` (created if new); returns the canonical name.
        Raises StoreError when the alias already names another speaker."""
        with self.db.atomic():
            speaker_id = self._speaker_id(name)
            canonical = self.db["speakers"].get(speaker_id)["name"]
            rows = list(self.db["speaker_aliases"].rows_where("alias = ?", [fold(alias)]))
            if rows and rows[0]["speaker_id"] != speaker_id:
                other_id = rows[0]["speaker_id"]
                other = self.db["speakers"].get(other_id)["name"]
                if rows[0]["source"] != "name":
                    raise StoreError(f"alias {alias!r} already names {other!r}")
                # the alias is another speaker's own name: that speaker was this one all along
                self.db.execute("update speaker_aliases set speaker_id = ? where speaker_id = ?", [speaker_id, other_id])
                self.db.execute("update quotes set speaker = ? where speaker = ?", [canonical, other])
                self.db["speakers"].delete(other_id)
                rows = []
            if not rows and not self.db["speaker_aliases"].count_where("alias = ?", [fold(alias)]):
                self.db["speaker_aliases"].insert(
                    {"alias": fold(alias), "speaker_id": speaker_id, "as_written": alias, "source": "user"}
                )
            self.db.execute("update quotes set speaker = ? where speaker = ? collate nocase", [canonical, alias])
        return canonical

    def _speaker_id(self, name: str) -> int:
        rows = list(self.db["speaker_aliases"].rows_where("alias = ?", [fold(name)]))
        if rows:
            speaker_id = rows[0]["speaker_id"]
            current = self.db["speakers"].get(speaker_id)["name"]
            if fold(current) == fold(name) and _accents(name) > _accents(current):
                self.db["speakers"].update(speaker_id, {"name": name})
                self.db.execute("update quotes set speaker = ? where speaker = ?", [name, current])
            return speaker_id
        speaker_id = self.db["speakers"].insert({"name": name}).last_pk
        self.db["speaker_aliases"].insert(
            {"alias": fold(name), "speaker_id": speaker_id, "as_written": name, "source": "name"}
        )
        return speaker_id

    def speaker_rows(self) -> list[dict[str, Any]]:
        """Each speaker with aliases and counts of quotations and outlets."""
        cursor = self.db.execute(SPEAKERS_SQL)
        columns = [description[0] for description in cursor.description]
        return [dict(zip(columns, values, strict=True)) for values in cursor]

    # -- reading -----------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {table: self.db[table].count for table in ("articles", "quotes", "clusters")}

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


# Clusters written to the store in one go (a batch of their rows is held in memory).
WRITE_BATCH = 2000
# A full-text search finding at least this many quotations with every word of the query is enough.
ENOUGH_CANDIDATES = 50
# A word in at least this many quotations is too common to search with when a rarer one is left.
COMMON_TERM_MATCHES = 2000


def _accents(name: str) -> int:
    return sum(1 for ch in name if not ch.isascii())


SPEAKERS_SQL = """
select s.id, s.name,
       (select group_concat(a.as_written, ', ') from speaker_aliases a
         where a.speaker_id = s.id and a.source != 'name') as aliases,
       (select count(*) from quotes q where q.speaker = s.name) as quotations,
       (select count(distinct ar.outlet) from quotes q join articles ar on ar.id = q.article_id
         where q.speaker = s.name) as outlets
from speakers s order by quotations desc, s.name
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# The fields of one exported quotation; README "Export fields" documents each.
EXPORT_SQL = """
select q.id as quote_id, a.path as article_path, a.outlet, a.outlet_source, a.published, a.url,
       a.title, a.lang, q.text, q.speaker, q.speaker_as_written, q.kind, q.start, q.end,
       q.suspect, q.sentence, q.cluster_id, q.relation
from quotes q join articles a on a.id = q.article_id
"""
EXPORT_FIELDS = [
    "quote_id", "article_path", "outlet", "outlet_source", "published", "url", "title", "lang",
    "text", "speaker", "speaker_as_written", "kind", "start", "end", "suspect", "sentence",
    "cluster_id", "relation",
]
