"""Store benchmark: clustering a store of synthetic quotations, then `trace` and one new article.

    python benchmarks/store_bench.py                      # 10k and 100k
    python benchmarks/store_bench.py --sizes 1000000 --write benchmarks/results/store.md

For each size, in its own child process (so peak memory is its own): the seeded corpus of
benchmarks/cluster_bench.py is loaded into a fresh store file (articles of ten quotations; the
quotations are inserted directly, extraction is measured by extract_speed.py), then it prints
- the time to load the quotations (in bulk, the full-text index built at the end) and to cluster
  the store (`update_clusters`: clustering, describing every cluster, writing clusters and relations);
- the peak memory: the resident set of the benchmark's process (getrusage), and the proportional set
  size of it and the helper process the clustering forks, together (sampled twice a second);
- `trace` latency (median and worst over 200 queries of 3-6 words, one in three with a typo);
- the time to check an article of eight quotations (half of them reworded) against the full store;
- the time to ingest that article (extraction plus the cluster update) into the full store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from cluster_bench import Corpus, sample_queries

from quotecheck.check import check_article
from quotecheck.clusters import QuoteRecord
from quotecheck.ingest import ingest_files
from quotecheck.normalize import fold
from quotecheck.sources import read_article
from quotecheck.store import Store
from quotecheck.tracing import trace, update_clusters

ROOT = Path(__file__).resolve().parent.parent
QUOTES_PER_ARTICLE = 10


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeMemory:
    """Peak proportional set size (PSS) of this process and its children, sampled twice a second.

    The clustering forks a helper process; its RSS would count every page it shares with this one,
    PSS counts a shared page once in all. Linux only (/proc); elsewhere it stays 0."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb

    def _sample(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, self.now_mb())
            if self._stop.wait(0.5):
                return

    @staticmethod
    def now_mb() -> float:
        pid = os.getpid()
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return 0.0
        total = 0
        for one in [str(pid), *children]:
            try:
                rollup = Path(f"/proc/{one}/smaps_rollup").read_text()
            except OSError:
                continue  # a child that just ended
            total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
        return total / 1024


ARTICLE_SQL = (
    "insert into articles (id, path, outlet, published, content_hash, ingested_at, text) values (?, ?, ?, ?, ?, ?, ?)"
)
QUOTE_SQL = (
    "insert into quotes (id, article_id, seq, text, normalized, start, end, speaker, kind, suspect) "
    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)


def load(store: Store, records) -> None:
    """Articles of ten quotations each, inserted in bulk in one transaction, the full-text index of
    the quotations built once at the end rather than a row at a time. Quotation ids are 1, 2, ...
    in the order of `records`."""
    db = store.db
    trigger = db.execute("select sql from sqlite_master where type = 'trigger' and name = 'quotes_ai'").fetchone()[0]
    with db.atomic():
        db.execute("drop trigger quotes_ai")
        articles, quotes = [], []
        for start in range(0, len(records), QUOTES_PER_ARTICLE):
            chunk = records[start : start + QUOTES_PER_ARTICLE]
            article_id = start // QUOTES_PER_ARTICLE + 1
            text = "\n".join(f"“{r.text}”" for r in chunk)
            articles.append(
                (article_id, f"synthetic/{start}.txt", chunk[0].outlet, chunk[0].published, str(start), "now", text)
            )
            offset = 0
            for seq, record in enumerate(chunk):
                quotes.append((start + seq + 1, article_id, seq, record.text, fold(record.text), offset + 1,
                               offset + 1 + len(record.text), record.speaker, record.kind))
                offset += len(record.text) + 3
            if len(quotes) >= 10_000 or start + QUOTES_PER_ARTICLE >= len(records):
                db.conn.executemany(ARTICLE_SQL, articles)
                db.conn.executemany(QUOTE_SQL, quotes)
                articles, quotes = [], []
        db.execute("insert into quotes_fts (quotes_fts) values ('rebuild')")
        db.execute(trigger)


class StoredQuotes(Sequence):
    """The loaded quotations read back from the store by position (quotation id - 1), so that the
    corpus need not stay in memory while the store is clustered."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.count = store.db.execute("select count(*) from quotes").fetchone()[0]

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, position: int) -> QuoteRecord:  # type: ignore[override]
        if not 0 <= position < self.count:
            raise IndexError(position)
        speaker, text = self.store.db.execute(
            "select speaker, text from quotes where id = ?", [position + 1]
        ).fetchone()
        return QuoteRecord(position + 1, speaker, text)


def run_one(size: int, seed: int) -> dict:
    memory = TreeMemory()
    records = [p.record for p in Corpus(seed).printings(size)]
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.db")
        started = time.perf_counter()
        load(store, records)
        load_seconds = time.perf_counter() - started
        del records
        records = StoredQuotes(store)
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
        "peak_all_mb": memory.stop(),
        "trace_ms_median": times[len(times) // 2],
        "trace_ms_max": times[-1],
        "one_article_seconds": one_article_seconds,
        "check_seconds": check_seconds,
    }


def report(results: list[dict]) -> str:
    lines = [
        "| quotations | clusters | load | cluster (update_clusters) | load + cluster | peak memory: RSS / all "
        "processes | trace median / worst | check one article | ingest one article |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['clusters']:,} | {r['load_seconds']:.1f} s | {r['cluster_seconds']:.1f} s | "
            f"{r['load_seconds'] + r['cluster_seconds']:.1f} s | {r['peak_mb']:.0f} / {r['peak_all_mb']:.0f} MB | "
            f"{r['trace_ms_median']:.1f} / {r['trace_ms_max']:.1f} ms | "
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
            f"--sizes {args.sizes}` (seed {args.seed}, two cores):\n\n{table}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
