"""The store's schema: one versioned migration set, applied whenever a store is opened.

Never edit a migration that has shipped; add a new one. `db/schema.sql` is the readable
result of all of them (tests/test_store.py checks that it is current).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("quotecheck")


@migrations()
def m001_articles_and_quotes(db: Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "path": str,
            "outlet": str,
            "outlet_source": str,
            "published": str,
            "url": str,
            "title": str,
            "lang": str,
            "content_hash": str,
            "ingested_at": str,
            "body_line": int,
            "text": str,
        },
        pk="id",
        not_null={"path", "content_hash", "ingested_at", "text"},
    )
    db["articles"].create_index(["path"], unique=True)
    db["articles"].create_index(["content_hash"])
    db["articles"].create_index(["outlet"])
    db["articles"].create_index(["published"])
    db["quotes"].create(
        {
            "id": int,
            "article_id": int,
            "seq": int,
            "text": str,
            "normalized": str,
            "start": int,
            "end": int,
            "sentence": str,
            "speaker": str,
            "speaker_as_written": str,
            "kind": str,
            "suspect": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "seq", "text", "normalized", "start", "end", "kind", "suspect"},
    )
    db["quotes"].create_index(["article_id", "seq"], unique=True)
    db["quotes"].create_index(["speaker"])
    db["quotes"].create_index(["kind"])


def known_names() -> list[str]:
    """Names of every migration this version of quotecheck knows, in order."""
    return [migration.name for migration in migrations.pending(Database(memory=True))]


@migrations()
def m002_speakers(db: Database) -> None:
    """Canonical speaker names and their aliases (folded), shared by every article."""
    db["speakers"].create({"id": int, "name": str}, pk="id", not_null={"name"})
    db["speakers"].create_index(["name"], unique=True)
    db["speaker_aliases"].create(
        {"alias": str, "speaker_id": int, "as_written": str, "source": str},
        pk="alias",
        foreign_keys=[("speaker_id", "speakers", "id")],
        not_null={"speaker_id", "source"},
    )
    db["speaker_aliases"].create_index(["speaker_id"])


@migrations()
def m003_clusters(db: Database) -> None:
    """Clusters of quote variants, each quotation's place in one, and full-text search on quotes."""
    db["clusters"].create(
        {
            "id": int,
            "speaker": str,
            "reference_quote_id": int,
            "reference_text": str,
            "first_quote_id": int,
            "first_published": str,
            "first_outlet": str,
            "quotations": int,
            "versions": int,
            "outlets": int,
        },
        pk="id",
        foreign_keys=[("reference_quote_id", "quotes", "id"), ("first_quote_id", "quotes", "id")],
        not_null={"reference_quote_id", "reference_text", "first_quote_id", "quotations", "versions", "outlets"},
    )
    db["clusters"].create_index(["speaker"])
    db["clusters"].create_index(["outlets"])
    db["quotes"].add_column("cluster_id", int, fk="clusters", fk_col="id")
    db["quotes"].add_column("relation", str)
    db["quotes"].add_column("similarity", float)
    db["quotes"].add_column("diff", str)
    db["quotes"].create_index(["cluster_id"])
    db["quotes"].enable_fts(["text"], create_triggers=True, tokenize="porter")
    # Re-index a quotation only when its text changes, not when its cluster does.
    db.execute("drop trigger quotes_au")
    db.execute(
        """create trigger "quotes_au" after update of "text" on "quotes" begin
  insert into quotes_fts (quotes_fts, rowid, text) values ('delete', old.rowid, old.text);
  insert into quotes_fts (rowid, text) values (new.rowid, new.text);
end"""
    )


@migrations()
def m004_views(db: Database) -> None:
    """The views a person reaches for first."""
    db.create_view(
        "cluster_summary",
        """select c.id as cluster_id, c.speaker, c.reference_text, c.quotations as variants, c.versions,
       c.outlets, c.first_outlet, c.first_published
from clusters c
order by c.outlets desc, c.quotations desc, c.id""",
    )
    db.create_view(
        "variants",
        """select q.cluster_id, q.id as quote_id, a.outlet, a.published, q.speaker, q.relation, q.similarity,
       q.text, q.diff, a.path as article_path
from quotes q join articles a on a.id = q.article_id
where q.cluster_id is not null
order by q.cluster_id, a.published is null, a.published, q.id""",
    )
    db.create_view(
        "outlet_changes",
        """select a.outlet, count(*) as quotations,
       sum(q.relation = 'verbatim') as verbatim, sum(q.relation = 'truncated') as truncated,
       sum(q.relation = 'fragment') as fragment, sum(q.relation = 'reworded') as reworded,
       sum(q.relation = 'paraphrase') as paraphrase, sum(q.relation = 'extended') as extended
from quotes q join articles a on a.id = q.article_id
where q.cluster_id is not null
group by a.outlet
order by quotations desc, a.outlet""",
    )
