"""Clusters in the store, `trace`, `clusters`, `show`, `recluster`, on the bundled fixtures."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from quotecheck.cli import cli
from quotecheck.migrations import migrations
from quotecheck.store import Store

REPO = Path(__file__).resolve().parent.parent
ARTICLES = sorted((REPO / "fixtures" / "articles").glob("*.txt"))


def run(db: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def ingested(tmp_path: Path, order=ARTICLES) -> Path:
    db = tmp_path / "q.db"
    for path in order:
        run(db, "ingest", str(path))
    return db


def groups(db: Path) -> set[frozenset[tuple[str, int]]]:
    """Clusters as sets of (article file name, quotation number): independent of ids."""
    found: dict[int, set[tuple[str, int]]] = {}
    for cluster_id, path, seq in Database(db).execute(
        "select q.cluster_id, a.path, q.seq from quotes q join articles a on a.id = q.article_id "
        "where q.cluster_id is not null"
    ):
        found.setdefault(cluster_id, set()).add((Path(path).name, seq))
    return {frozenset(members) for members in found.values()}


def test_trace_shows_every_outlets_version_with_its_relation(tmp_path):
    db = ingested(tmp_path)
    data = json.loads(run(db, "trace", "deserves a chance", "--json").output)
    best = data["clusters"][0]
    assert best["speaker"] == "Andrés Manuel López Obrador"
    assert best["first_appearance"]["outlet"] == "RT"
    assert best["outlets"] == 5
    relations = {(v["outlet"], v["relation"], v["text"].strip(" ,.”")) for v in best["variants"]}
    assert relations == {
        ("RT", "verbatim", "Assange is a journalist and deserves a chance, I am in favor of pardoning him"),
        ("VICE News", "verbatim", "Assange is a journalist and deserves a chance, I am in favor of pardoning him"),
        ("Institute of Mass Information (Reuters)", "truncated", "Assange is a journalist and deserves a chance"),
        ("The Epoch Times", "fragment", "deserves a chance"),
        ("The Epoch Times", "fragment", "in favor of pardoning him"),
        ("Vikendi", "reworded",
         "Assange is a journalist. He deserves another chance. I am in favor of having him pardoned"),
    }
    dates = [v["published"] for v in best["variants"]]
    assert dates == sorted(dates)
    vikendi = next(v for v in best["variants"] if v["outlet"] == "Vikendi")
    changed = {(tuple(step["reference"]), tuple(step["variant"])) for step in vikendi["diff"] if step["op"] != "equal"}
    assert (("a",), ("another",)) in changed


def test_trace_text_marks_differences_without_colour(tmp_path):
    db = ingested(tmp_path)
    output = run(db, "trace", "deserves another chance").output
    assert "[-a-] {+another+}" in output
    assert "First printed: RT, 2021-01-04" in output


def test_trace_tolerates_typos_and_filters(tmp_path):
    db = ingested(tmp_path)
    hits = json.loads(run(db, "trace", "deserve a chanse", "--json").output)["clusters"]
    assert "deserves a chance" in hits[0]["reference"]["text"]
    run(db, "alias", "add", "El Peje", "Andrés Manuel López Obrador")
    assert json.loads(run(db, "trace", "give him protection", "--speaker", "El Peje", "--json").output)["clusters"]
    assert run(db, "trace", "give him protection", "--speaker", "Mark Feierstein", ok=False).exit_code == 1
    by_outlet = json.loads(run(db, "trace", "protection", "--outlet", "The Epoch Times", "--json").output)
    assert all(
        any(v["outlet"] == "The Epoch Times" for v in cluster["variants"]) for cluster in by_outlet["clusters"]
    )


def test_trace_without_a_match_exits_1_with_a_message(tmp_path):
    db = ingested(tmp_path)
    result = run(db, "trace", "the moon is made of cheese", ok=False)
    assert result.exit_code == 1
    assert "No quotation" in result.stderr and "cheese" in result.stderr


def test_clusters_and_show(tmp_path):
    db = ingested(tmp_path)
    rows = json.loads(run(db, "clusters", "--min-outlets", "3", "--json").output)
    assert rows and all(row["outlets"] >= 3 for row in rows)
    everything = json.loads(run(db, "clusters", "--json").output)
    assert len(everything) > len(rows)
    shown = json.loads(run(db, "show", str(rows[0]["id"]), "--json").output)
    assert shown["cluster_id"] == rows[0]["id"] and len(shown["variants"]) == rows[0]["quotations"]
    missing = run(db, "show", "99999", ok=False)
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1


def test_scare_quotes_stay_out_of_clusters_and_export_has_cluster_fields(tmp_path):
    db = ingested(tmp_path)
    rows = [json.loads(line) for line in run(db, "export").output.splitlines()]
    assert all((row["cluster_id"] is None) == (row["kind"] == "scare") for row in rows)
    assert {row["relation"] for row in rows if row["cluster_id"]} <= {
        "verbatim", "truncated", "fragment", "reworded", "paraphrase", "extended"
    }


def test_recluster_gives_the_clusters_ingest_kept(tmp_path):
    db = ingested(tmp_path)
    before = groups(db)
    assert "clusters of" in run(db, "recluster").output
    assert groups(db) == before


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(ARTICLES))
def test_clusters_do_not_depend_on_ingest_order(tmp_path_factory, order):
    reference = ingested(tmp_path_factory.mktemp("sorted"))
    shuffled = ingested(tmp_path_factory.mktemp("shuffled"), order)
    assert groups(shuffled) == groups(reference)


def test_changed_article_rebuilds_its_clusters_consistently(tmp_path):
    copy = tmp_path / "vice.txt"
    shutil.copy(ARTICLES[-1], copy)
    db = ingested(tmp_path, ARTICLES[:-1] + [copy])
    copy.write_text(copy.read_text(encoding="utf-8").replace("deserves a chance", "deserves a fair chance"),
                    encoding="utf-8")
    run(db, "ingest", str(copy))
    store = Database(db)
    assert list(store.execute("pragma foreign_key_check")) == []
    assert store.execute("select count(*) from quotes where cluster_id is null and kind != 'scare'").fetchone()[0] == 0
    data = json.loads(run(db, "trace", "deserves a fair chance", "--json").output)
    vice = [v for v in data["clusters"][0]["variants"] if v["outlet"] == "VICE News" and "fair" in v["text"]]
    assert vice and any(v["outlet"] == "RT" for v in data["clusters"][0]["variants"])


@pytest.mark.parametrize("first_missing", ["m002_speakers", "m003_clusters", "m004_views"])
def test_a_store_of_an_older_schema_is_migrated_and_clustered(tmp_path, first_missing):
    db_path = tmp_path / "old.db"
    old = Database(db_path)
    migrations.apply(old, stop_before=first_missing)
    article_id = old["articles"].insert(
        {"path": "a.txt", "content_hash": "x", "ingested_at": "2021-01-01", "text": "“We will win,” Ana Soto said.",
         "outlet": "Daily", "published": "2021-01-01"}
    ).last_pk
    old["quotes"].insert({"article_id": article_id, "seq": 0, "text": "We will win,", "normalized": "we will win",
                          "start": 1, "end": 13, "speaker": "Ana Soto", "kind": "direct", "suspect": 0})
    old.close()
    store = Store.open(db_path)
    assert "cluster_id" in {c.name for c in store.db["quotes"].columns}
    assert {"cluster_summary", "variants", "outlet_changes"} <= set(store.db.view_names())
    assert store.db["quotes"].count == 1  # nothing lost
    store.close()
    run(db_path, "recluster")
    assert json.loads(run(db_path, "trace", "we will win", "--json").output)["clusters"][0]["speaker"] == "Ana Soto"


def test_neighbourhood_updates_give_the_clusters_of_a_rebuild(tmp_path, monkeypatch):
    from quotecheck import tracing

    monkeypatch.setattr(tracing, "FULL_REBUILD_SHARE", 1e9)  # never rebuild the whole store at ingest
    db = ingested(tmp_path, list(reversed(ARTICLES)))
    incremental = groups(db)
    run(db, "recluster")
    assert groups(db) == incremental
    assert len(incremental) >= 5
