"""Store benchmark: clustering a store of synthetic quotations, then `trace` and one new article.

    python benchmarks/store_bench.py                      # 10k and 100k
    python benchmarks/store_bench.py --sizes 1000000 --write benchmarks/results/store.md

For each size, in its own child process (so peak memory is its own): the seeded corpus of
benchmarks/cluster_bench.py is loaded into a fresh store file (articles of ten quotations; the
quotations are inserted directly, extraction is measured by extract_speed.py), then it prints
- the time to load the quotations and to cluster the store (`update_clusters`: clustering,
  describing every cluster, writing clusters and relations) and the peak memory;
- `trace` latency (median and worst over 200 queries of 3-6 words, one in three with a typo);
- the time to check an article of eight quotations (half of them reworded) against the full store;
- the time to ingest that article (extraction plus the cluster update) into the full store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cluster_bench import Corpus, sample_queries

from quotecheck.check import check_article
from quotecheck.ingest import ingest_files
from quotecheck.normalize import fold
from quotecheck.sources import read_article
from quotecheck.store import Store
from quotecheck.tracing import trace, update_clusters

ROOT = Path(__file__).resolve().parent.parent
QUOTES_PER_ARTICLE = 10


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(store: Store, records) -> None:
    """Articles of ten quotations each, inserted in bulk in one transaction."""
    db = store.db
    with db.atomic():
        for start in range(0, len(records), QUOTES_PER_ARTICLE):
            chunk = records[start : start + QUOTES_PER_ARTICLE]
            text = "\n".join(f"“{r.text}”" for r in chunk)
            article_id = db.execute(
                "insert into articles (path, outlet, published, content_hash, ingested_at, text) "
                "values (?, ?, ?, ?, ?, ?)",
                [f"synthetic/{start}.txt", chunk[0].outlet, chunk[0].published, str(start), "now", text],
            ).lastrowid
            offset = 0
            rows = []
            for seq, record in enumerate(chunk):
                rows.append((article_id, seq, record.text, fold(record.text), offset + 1,
                             offset + 1 + len(record.text), record.speaker, record.kind))
                offset += len(record.text) + 3
            db.conn.executemany(
                "insert into quotes (article_id, seq, text, normalized, start, end, speaker, kind, suspect) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                rows,
            )


def run_one(size: int, seed: int) -> dict:
    records = [p.record for p in Corpus(seed).printings(size)]
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.db")
        started = time.perf_counter()
        load(store, records)
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        update = update_clusters(store)
        cluster_seconds = time.perf_counter() - started
        print(f"{size}: loaded in {load_seconds:.1f} s, clustered in {cluster_seconds:.1f} s", file=sys.stderr)
        times = []
        for query in sample_queries(records, seed):
            begun = time.perf_counter()
            trace(store, query, limit=5)
            times.append(1000 * (time.perf_counter() - begun))
        times.sort()
        rng = random.Random(seed)
        article = Path(folder) / "new.txt"
        lines = []
        for sample in rng.sample(records, 8):  # an article quoting eight known remarks, some reworded
            words = sample.text.split()
            if rng.random() < 0.5 and len(words) > 4:
                words[rng.randrange(len(words))] = "reportedly"
            lines.append(f"“{' '.join(words)},” {sample.speaker or 'Ana Soto'} said on Monday.")
        article.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        check_article(store, read_article(article))
        check_seconds = time.perf_counter() - started
        started = time.perf_counter()
        ingest_files(store, [article])
        one_article_seconds = time.perf_counter() - started
        store.close()
    return {
        "size": size,
        "clusters": update.clusters,
        "load_seconds": load_seconds,
        "cluster_seconds": cluster_seconds,
        "peak_mb": peak_mb(),
        "trace_ms_median": times[len(times) // 2],
        "trace_ms_max": times[-1],
        "one_article_seconds": one_article_seconds,
        "check_seconds": check_seconds,
    }


def report(results: list[dict]) -> str:
    lines = [
        "| quotations | clusters | load | cluster (update_clusters) | peak memory | trace median / worst "
        "| check one article | ingest one article |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['clusters']:,} | {r['load_seconds']:.1f} s | {r['cluster_seconds']:.1f} s | "
            f"{r['peak_mb']:.0f} MB | {r['trace_ms_median']:.1f} / {r['trace_ms_max']:.1f} ms | "
            f"{r['check_seconds']:.2f} s | {r['one_article_seconds']:.1f} s |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process: one size
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed)))
        return
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )
        results.append(json.loads(child.stdout))
    table = report(results)
    print(table)
    if args.write:
        args.write.write_text(
            f"# Store benchmark\n\n{dt.date.today().isoformat()}, `python benchmarks/store_bench.py "
            f"--sizes {args.sizes}` (seed {args.seed}, one core):\n\n{table}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
