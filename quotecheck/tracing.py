"""Provenance over the store: keeping clusters current, and tracing a quotation to its variants.

The clustering itself is pure (clusters.py); this module feeds it the store's quotations and writes
back what changed. `trace` finds clusters by full-text search on the store, then scores the
candidates with the same containment measure the clustering uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from .clusters import Clustering, describe_all
from .matching import STOPWORDS, Folded, containment, similarity, word_diff
from .normalize import fold, words
from .store import Store

#: How many full-text candidates `trace` scores before grouping them into clusters.
TRACE_CANDIDATES = 400
#: Waiting quotations beyond this share of the clustered ones: cluster the whole store again.
FULL_REBUILD_SHARE = 0.2
#: How many clustered quotations the full-text index proposes as neighbours of a new one.
NEIGHBOUR_CANDIDATES = 100
#: A cluster is traced when one of its versions contains the query at least this well (0-100).
TRACE_THRESHOLD = 75.0


@dataclass(frozen=True)
class ClusterUpdate:
    clusters: int  # clusters in the store afterwards
    changed: int  # clusters written (new or changed)
    quotations: int  # quotations in clusters


def update_clusters(store: Store, *, rebuild: bool = False) -> ClusterUpdate:
    """Bring the store's clusters up to date with its quotations.

    With `rebuild`, or when the quotations waiting for a cluster are more than FULL_REBUILD_SHARE
    of the store, every quotation is clustered from scratch: the canonical clustering, which never
    depends on the order in which articles came in. Otherwise only the neighbourhood of the waiting
    quotations is clustered again: they, the clustered quotations the full-text index finds for
    them, and the other members of those quotations' clusters. That is what keeps ingesting one
    article into a large store quick; `quotecheck recluster` gives the canonical clusters at any time.
    """
    waiting = store.unclustered_ids()
    clustered = store.clustered_count()
    if rebuild or len(waiting) > FULL_REBUILD_SHARE * max(clustered, 1):
        return _recluster(store, store.cluster_records(), stored=store.stored_clusters(), rebuild=rebuild)
    if not waiting:
        return ClusterUpdate(store.counts()["clusters"], 0, clustered)
    neighbours = set()
    for record in store.cluster_records(waiting):
        content = [word for word in words(record.text) if word not in STOPWORDS]
        neighbours |= {row["cluster_id"] for row in store.search_clustered(content, limit=NEIGHBOUR_CANDIDATES)}
    stored = store.stored_clusters(neighbours)
    ids = set(waiting).union(*stored.values())
    update = _recluster(store, store.cluster_records(sorted(ids)), stored=stored, rebuild=False)
    return ClusterUpdate(store.counts()["clusters"], update.changed, store.clustered_count())


def _recluster(store: Store, records: list, *, stored: dict[int, list[int]], rebuild: bool) -> ClusterUpdate:
    """Cluster `records`, write the clusters that changed (all with `rebuild`) and drop the
    clusters of `stored` that no longer exist."""
    by_id = {record.id: record for record in records}
    groups = Clustering(records).groups()
    changed = [(cid, ids) for cid, ids in groups.items() if rebuild or stored.get(cid) != ids]
    # described as they are written: a million described clusters never sit in memory at once
    written = store.write_clusters(describe_all(changed, by_id), drop=set(stored) - set(groups))
    return ClusterUpdate(len(groups), written, sum(len(ids) for ids in groups.values()))


@dataclass(frozen=True)
class TraceHit:
    cluster_id: int
    score: float  # how well the best version of the cluster contains the query, 0-100


def trace(
    store: Store,
    query: str,
    *,
    speaker: str | None = None,
    outlet: str | None = None,
    limit: int = 5,
    threshold: float = TRACE_THRESHOLD,
) -> list[TraceHit]:
    """Clusters holding a quotation that contains `query` approximately, best first."""
    folded = Folded.of(query)
    if not folded.words:
        return []
    if speaker:
        speaker = store.known_speakers().get(fold(speaker), speaker)
    best: dict[int, float] = {}
    terms = [word for word in folded.words if word not in STOPWORDS] or folded.words
    for row in store.search_clustered(terms, speaker=speaker, outlet=outlet, limit=TRACE_CANDIDATES):
        cluster_id, version = row["cluster_id"], Folded.of(row["text"])
        if len(version.words) >= len(folded.words):
            score = containment(folded, version)
        else:
            score = similarity(folded, version)
        if score >= threshold:
            best[cluster_id] = max(best.get(cluster_id, 0.0), score)
    hits = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [TraceHit(cluster_id, round(score, 1)) for cluster_id, score in hits]


def cluster_report(store: Store, cluster_id: int) -> dict | None:
    """One cluster with its variants ordered by date, as plain data (the JSON shape of `trace`)."""
    cluster = store.cluster_row(cluster_id)
    if cluster is None:
        return None
    variants = []
    for row in store.cluster_variants(cluster_id):
        variants.append(
            {
                "quote_id": row["id"],
                "outlet": row["outlet"],
                "published": row["published"],
                "article_path": row["path"],
                "speaker": row["speaker"],
                "kind": row["kind"],
                "relation": row["relation"],
                "similarity": row["similarity"],
                "text": row["text"],
                "diff": [
                    {"op": step.op, "reference": list(step.reference_words), "variant": list(step.variant_words)}
                    for step in word_diff(row["text"], cluster["reference_text"])
                ],
            }
        )
    return {
        "cluster_id": cluster["id"],
        "speaker": cluster["speaker"],
        "reference": {"quote_id": cluster["reference_quote_id"], "text": cluster["reference_text"]},
        "first_appearance": {
            "quote_id": cluster["first_quote_id"],
            "outlet": cluster["first_outlet"],
            "published": cluster["first_published"],
        },
        "quotations": cluster["quotations"],
        "versions": cluster["versions"],
        "outlets": cluster["outlets"],
        "variants": variants,
    }
