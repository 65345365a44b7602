"""Extraction speed: articles per second on a repeated corpus of ~5 KB articles, one core.

    python benchmarks/extract_speed.py [--articles 1000] [--repeat 3]

Each article is built from the bundled fixture bodies, cut or repeated to about 5 KB, with the
quotations shuffled between paragraphs (seeded) so no two articles are identical. The corpus is
extracted `--repeat` times and the fastest pass is reported (the others show how much a busy
machine slows it). Figures are printed and written to benchmarks/results/extract_speed.md, with
the figure from before extraction was made faster, for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from pathlib import Path

from quotecheck.extract import extract_text
from quotecheck.sources import read_article

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_BYTES = 5_000

# The figures before the speed-up of issue 3, from this benchmark (one pass each).
BASELINE = (
    "149 articles/s when first measured (2026-11-23, commit 1ff5f6d, 6.73 s for the 1000 articles); "
    "226-235 articles/s for commit 7832dc0 re-measured on 2026-11-23 beside the faster code, on the "
    "same machine in the same minutes, where the faster code did 1274-1357 articles/s in one pass"
)


def corpus(count: int, seed: int = 7) -> list[str]:
    paragraphs = []
    for path in sorted((ROOT / "fixtures" / "articles").glob("*.txt")):
        paragraphs += [p for p in read_article(path).text.split("\n") if p.strip()]
    rng = random.Random(seed)
    articles = []
    for _ in range(count):
        chosen: list[str] = []
        while sum(len(p.encode()) + 1 for p in chosen) < ARTICLE_BYTES:
            chosen.append(rng.choice(paragraphs))
        articles.append("\n".join(chosen))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus; the fastest counts")
    args = parser.parse_args()
    articles = corpus(args.articles)
    size = sum(len(a.encode()) for a in articles) / len(articles)
    passes = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        quotations = sum(len(extract_text(article)) for article in articles)
        passes.append(time.perf_counter() - start)
    seconds = min(passes)
    rate = len(articles) / seconds
    line = (
        f"{len(articles)} articles of {size / 1000:.1f} KB on average, {quotations} quotations: "
        f"{seconds:.2f} s, {rate:.0f} articles/s ({rate * size / 1e6:.2f} MB/s) on one core"
    )
    if len(passes) > 1:
        line += f" (fastest of {len(passes)} passes: {', '.join(f'{p:.2f}' for p in passes)} s)"
    print(line)
    out = ROOT / "benchmarks" / "results" / "extract_speed.md"
    out.write_text(
        f"# Extraction speed\n\n{dt.date.today().isoformat()}: {line}\n\n"
        f"Before the speed-up (issue 3): {BASELINE}\n\n"
        "Target: 1,000 articles of 5 KB per second.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
