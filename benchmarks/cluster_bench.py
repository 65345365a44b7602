"""Clustering benchmark on a seeded synthetic corpus that knows its true variant pairs.

    python benchmarks/cluster_bench.py                       # 10k and 100k, plus naive all-pairs
    python benchmarks/cluster_bench.py --sizes 10000,100000,1000000 --write benchmarks/results/clusters.md

Each size runs in its own child process so its peak memory (getrusage maxrss) is its own. For each
size it prints: clustering time (folding, indexing, matching, assigning), peak memory, the index's
recall of the true variant pairs, pairwise precision and recall of the clusters against the true
utterances, and the time to describe every cluster (reference, relations, diffs). Naive all-pairs
matching (every version compared with every other by the same rules) runs at the smallest size.

The corpus: speakers with Zipf-distributed output, each with topic words it keeps coming back to,
saying utterances (one to three clauses, pseudo-words mixed with real English stopwords and stock
phrases shared across speakers). Each utterance is printed one or more times: verbatim (with case and
punctuation changes), truncated at a clause or a word, a 2-5 word fragment, with words swapped,
dropped or inserted, re-translated (a third to a half of its content words replaced by synonyms), or
extended with a clause. Some printings lose their speaker. A true variant pair is a printed version
that differs from its utterance's original together with that original (always printed too).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quotecheck.clusters import Clustering, QuoteRecord, describe  # noqa: E402
from quotecheck.matching import STOPWORDS  # noqa: E402
from quotecheck.normalize import fold  # noqa: E402

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["ch" + v for v in "aeiou"]
FUNCTION_WORDS = sorted(STOPWORDS - {"i'm", "i've", "i'll", "i'd", "let's", "that's", "there's"})


@dataclass(frozen=True)
class Printing:
    record: QuoteRecord
    utterance: int
    how: str  # original, truncated, fragment, swapped, translated or extended

    @property
    def original(self) -> bool:
        return self.how == "original"


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    """Cumulative Zipf weights for `random.choices(cum_weights=...)`."""
    return list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(n)))


class Corpus:
    """Seeded generator of quotations with known utterances."""

    def __init__(self, seed: int, vocabulary: int = 30000) -> None:
        self.rng = random.Random(seed)
        self.words = self._vocabulary(vocabulary)
        self.word_weights = zipf_weights(len(self.words))
        self.synonym = {w: self.rng.choice(self.words) for w in self.words}
        self.function_weights = zipf_weights(len(FUNCTION_WORDS), 0.8)
        self.phrases = [self._plain_words(self.rng.randint(3, 5)) for _ in range(500)]
        self.phrase_weights = zipf_weights(len(self.phrases))

    def _vocabulary(self, size: int) -> list[str]:
        found: set[str] = set()
        while len(found) < size:
            found.add("".join(self.rng.choices(SYLLABLES, k=self.rng.choice((1, 2, 2, 3, 3, 4)))))
        return sorted(found - STOPWORDS)

    def _content_word(self, topic: list[str]) -> str:
        if self.rng.random() < 0.4:
            return self.rng.choice(topic)
        return self.rng.choices(self.words, cum_weights=self.word_weights)[0]

    def _plain_words(self, n: int, topic: list[str] | None = None) -> list[str]:
        out = []
        for _ in range(n):
            if self.rng.random() < 0.45:
                out.append(self.rng.choices(FUNCTION_WORDS, cum_weights=self.function_weights)[0])
            else:
                out.append(self._content_word(topic or self.words))
        return out

    def clause(self, topic: list[str]) -> list[str]:
        words = self._plain_words(self.rng.randint(4, 12), topic)
        if self.rng.random() < 0.3:
            at = self.rng.randint(0, len(words))
            words[at:at] = self.rng.choices(self.phrases, cum_weights=self.phrase_weights)[0]
        return words

    def utterance(self, topic: list[str]) -> list[list[str]]:
        return [self.clause(topic) for _ in range(self.rng.choice((1, 1, 2, 2, 3)))]

    # Printing an utterance.

    def render(self, clauses: list[list[str]]) -> str:
        sentences = []
        for clause in clauses:
            text = " ".join(clause)
            sentences.append(text[:1].upper() + text[1:] if self.rng.random() < 0.7 else text)
        return self.rng.choice((", ", ". ", "; ")).join(sentences) + self.rng.choice((",", ".", "", "."))

    def variant(self, clauses: list[list[str]]) -> tuple[list[list[str]], str]:
        """A printed version of an utterance and how it was made."""
        roll = self.rng.random()
        flat = [w for c in clauses for w in c]
        if roll < 0.5:
            return clauses, "original"
        if roll < 0.65 and len(flat) >= 8:
            if len(clauses) > 1:
                keep = self.rng.randint(1, len(clauses) - 1)
                return (clauses[:keep] if self.rng.random() < 0.5 else clauses[-keep:]), "truncated"
            n = self.rng.randint(6, len(flat) - 1)
            start = self.rng.randint(0, len(flat) - n)
            return [flat[start : start + n]], "truncated"
        if roll < 0.77:
            # Most woven fragments are phrases with two content words or more ("deserves a
            # chance"); one in four is whatever two to five words carry one.
            least = 1 if self.rng.random() < 0.25 else 2
            for _ in range(20):
                n = self.rng.randint(2, 5)
                start = self.rng.randint(0, max(len(flat) - n, 0))
                part = flat[start : start + n]
                if len({w for w in part if w not in STOPWORDS}) >= least:
                    return [part], "fragment"
            return clauses, "original"
        if roll < 0.90:
            return [self._swap(c) for c in clauses], "swapped"
        if roll < 0.95:
            return [self._translate(c) for c in clauses], "translated"
        return clauses + [self.clause(self.words)], "extended"

    def _swap(self, clause: list[str]) -> list[str]:
        out = list(clause)
        for _ in range(self.rng.choice((1, 1, 2))):
            at = self.rng.randrange(len(out))
            action = self.rng.random()
            if action < 0.5 and out[at] in self.synonym:
                out[at] = self.synonym[out[at]]
            elif action < 0.75 and len(out) > 3:
                del out[at]
            else:
                out.insert(at, self.rng.choices(FUNCTION_WORDS, cum_weights=self.function_weights)[0])
        return out

    def _translate(self, clause: list[str]) -> list[str]:
        share = self.rng.uniform(0.33, 0.5)
        out = [self.synonym.get(w, w) if self.rng.random() < share else w for w in clause]
        if len(out) > 4 and self.rng.random() < 0.5:
            at = self.rng.randrange(len(out) - 1)
            out[at], out[at + 1] = out[at + 1], out[at]
        return out

    # The whole corpus.

    def printings(self, size: int) -> list[Printing]:
        n_speakers = max(size // 40, 5)
        speakers = [self._speaker(i) for i in range(n_speakers)]
        weights = zipf_weights(n_speakers, 0.9)
        topics = [self.rng.sample(self.words, 40) for _ in speakers]
        outlets = [f"Outlet {i}" for i in range(max(size // 200, 10))]
        out: list[Printing] = []
        utterance_id = 0
        while len(out) < size:
            s = self.rng.choices(range(n_speakers), cum_weights=weights)[0]
            clauses = self.utterance(topics[s])
            copies = 1 + min(int(self.rng.expovariate(1 / 2.5)), 40)
            for copy in range(copies):
                version, how = (clauses, "original") if copy == 0 else self.variant(clauses)
                speaker = speakers[s] if self.rng.random() > 0.05 else None
                if speaker and self.rng.random() < 0.3:
                    speaker = fold(speaker).title()
                day = 1 + int(self.rng.random() * 360)
                record = QuoteRecord(
                    id=len(out) + 1,
                    speaker=speaker,
                    text=self.render(version),
                    published=f"2021-{1 + day // 31:02d}-{1 + day % 28:02d}",
                    order=len(out) + 1,
                    outlet=self.rng.choice(outlets),
                    kind="direct" if len(version[0]) > 5 else "fragment",
                )
                out.append(Printing(record, utterance_id, how))
            utterance_id += 1
        out = out[:size]
        self.rng.shuffle(out)
        return out

    def _speaker(self, i: int) -> str:
        first = "".join(self.rng.choices(SYLLABLES, k=2)).title()
        last = "".join(self.rng.choices(SYLLABLES, k=3)).title()
        if i % 7 == 0:
            last = last.replace("a", "á", 1).replace("e", "é", 1)
        return f"{first} {last}"


# --- Measures ----------------------------------------------------------------------------------------


def true_pairs(printings: list[Printing], clustering: Clustering) -> set[tuple[int, int]]:
    """Version pairs (variant, original) the matcher must link: a printed variant whose text differs
    from the original's, with that original, when their speakers may be compared."""
    original_version: dict[int, int] = {}
    for p in printings:
        if p.original and p.record.speaker:
            original_version.setdefault(p.utterance, clustering.version_of(p.record.id))
    pairs = set()
    for p in printings:
        version = clustering.version_of(p.record.id)
        if version is None or p.utterance not in original_version:
            continue
        target = original_version[p.utterance]
        if version != target:
            pairs.add((min(version, target), max(version, target)))
    return pairs


def index_recall(pairs: set[tuple[int, int]], clustering: Clustering) -> float:
    """Share of the true pairs that the index proposes as candidates."""
    partners: dict[int, set[int]] = {}
    for a, b in pairs:
        partners.setdefault(a, set()).add(b)
    found = 0
    for a, wanted in partners.items():
        version = clustering._versions[a]
        found += len(wanted & set(clustering.index.candidates(version.folded.words, version.speaker, exclude=a)))
    return found / len(pairs) if pairs else 1.0


def pairwise(printings: list[Printing], assigned: dict[int, int | None]) -> tuple[float, float]:
    """Pairwise precision and recall of "same utterance" over clustered quotations."""
    cells: Counter[tuple[int, int]] = Counter()
    clusters: Counter[int] = Counter()
    truths: Counter[int] = Counter()
    for p in printings:
        cluster = assigned.get(p.record.id)
        if cluster is None:
            continue
        cells[(cluster, p.utterance)] += 1
        clusters[cluster] += 1
        truths[p.utterance] += 1

    def pairs(counts: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    tp, predicted, actual = pairs(cells), pairs(clusters), pairs(truths)
    return (tp / predicted if predicted else 1.0), (tp / actual if actual else 1.0)


class NaiveClustering(Clustering):
    """Every version compared with every other (same rules, no index)."""

    def _earlier_edges(self, version):  # noqa: ANN001, ANN202
        mine = self._position[version.key]
        return self._matches(version, [k for k, place in enumerate(self._position) if place < mine])


def joined_original(printings: list[Printing], assigned: dict[int, int | None]) -> dict[str, float]:
    """For each way of printing, the share of printings clustered with their utterance's original
    (first) printing. Speakerless printings are counted apart."""
    first: dict[int, int] = {}
    for p in sorted(printings, key=lambda p: p.record.id):
        if p.original and p.record.speaker:
            first.setdefault(p.utterance, p.record.id)
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for p in printings:
        target = first.get(p.utterance)
        if target is None or target == p.record.id:
            continue
        how = p.how if p.record.speaker else "no speaker"
        totals[how] += 1
        hits[how] += assigned.get(p.record.id) is not None and assigned.get(p.record.id) == assigned.get(target)
    return {how: hits[how] / totals[how] for how in sorted(totals)}


def sample_queries(records: list[QuoteRecord], seed: int, count: int = 200) -> list[str]:
    """3-6 word pieces of random printings, one in three with a typo: what people trace."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        words = rng.choice(records).text.split()
        n = min(len(words), rng.randint(3, 6))
        start = rng.randint(0, len(words) - n)
        query = " ".join(words[start : start + n])
        if rng.random() < 1 / 3:
            at = rng.randrange(len(query))
            query = query[:at] + "x" + query[at + 1 :]
        queries.append(query)
    return queries


def find_latency(clustering: Clustering, seed: int, queries: int = 200) -> tuple[float, float]:
    """Median and worst milliseconds of `Clustering.find` over `sample_queries`."""
    times = []
    for query in sample_queries(list(clustering.records.values()), seed, queries):
        started = time.perf_counter()
        clustering.find(query, limit=10)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return times[len(times) // 2], times[-1]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(size: int, seed: int, naive: bool) -> dict:
    printings = Corpus(seed).printings(size)
    records = [p.record for p in printings]
    before = peak_mb()
    started = time.perf_counter()
    clustering = Clustering(records)
    cluster_seconds = time.perf_counter() - started
    peak = peak_mb()
    print(f"{size}: clustered in {cluster_seconds:.1f} s, peak {peak:.0f} MB", file=sys.stderr, flush=True)
    groups = clustering.groups()
    assigned = {q: cid for cid, ids in groups.items() for q in ids}
    precision, recall = pairwise(printings, assigned)
    pairs = true_pairs(printings, clustering)
    joined = joined_original(printings, assigned)
    result = {
        "size": size,
        "versions": len(clustering._versions),
        "clusters": len(groups),
        "cluster_seconds": cluster_seconds,
        "peak_mb": peak,
        "corpus_mb": before,
        "true_pairs": len(pairs),
        "index_recall": index_recall(pairs, clustering),
        "precision": precision,
        "recall": recall,
        "joined": joined,
    }
    result["find_ms_median"], result["find_ms_max"] = find_latency(clustering, seed)
    started = time.perf_counter()
    sample = list(groups.items())[:: max(len(groups) // 2000, 1)]
    for cid, ids in sample:
        describe([clustering.records[i] for i in ids], cluster_id=cid)
    result["describe_ms_per_cluster"] = 1000 * (time.perf_counter() - started) / len(sample)
    if naive:
        started = time.perf_counter()
        baseline = NaiveClustering(records)
        result["naive_seconds"] = time.perf_counter() - started
        naive_assigned = {q: cid for cid, ids in baseline.groups().items() for q in ids}
        result["naive_precision"], result["naive_recall"] = pairwise(printings, naive_assigned)
        result["same_as_naive"] = sorted(map(sorted, groups.values())) == sorted(
            map(sorted, baseline.groups().values())
        )
    return result


def report(results: list[dict]) -> str:
    """Markdown tables of the results."""
    lines = [
        "| quotations | versions | clusters | cluster time (s) | peak memory (MB) | of which corpus (MB) "
        "| index recall | precision | recall | find median / max (ms) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['versions']:,} | {r['clusters']:,} | {r['cluster_seconds']:.1f} | "
            f"{r['peak_mb']:,.0f} | {r['corpus_mb']:,.0f} | {100 * r['index_recall']:.1f}% | "
            f"{r['precision']:.4f} | {r['recall']:.4f} | {r['find_ms_median']:.1f} / {r['find_ms_max']:.1f} |"
        )
    kinds = sorted({k for r in results for k in r["joined"]})
    lines += ["", "Share of printings clustered with their utterance's original printing, by how they were made:", ""]
    lines.append("| quotations | " + " | ".join(kinds) + " |")
    lines.append("|---:|" + "---:|" * len(kinds))
    for r in results:
        lines.append(f"| {r['size']:,} | " + " | ".join(f"{r['joined'].get(k, 0):.3f}" for k in kinds) + " |")
    for r in results:
        if "naive_seconds" in r:
            lines += [
                "",
                f"Naive all-pairs at {r['size']:,} quotations (every version compared with every other, same "
                f"rules, no index): {r['naive_seconds']:.1f} s, {r['naive_seconds'] / r['cluster_seconds']:.0f}x "
                f"the indexed run; precision {r['naive_precision']:.4f}, recall {r['naive_recall']:.4f}; same "
                f"clusters as the indexed run: {r['same_as_naive']}. Growing with the square of the size, it "
                f"would take about {r['naive_seconds'] * (1_000_000 / r['size']) ** 2 / 3600:.0f} hours at 1M.",
            ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--no-naive", action="store_true", help="skip naive all-pairs at the smallest size")
    parser.add_argument("--write", type=Path, help="append the table to this markdown file")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed, args.naive)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for size in sizes:
        command = [sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)]
        if size == min(sizes) and not args.no_naive:
            command.append("--naive")
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), file=sys.stderr)
    table = report(results)
    print(table)
    if args.write:
        with args.write.open("a") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
