"""Ingesting article files into the store: read, extract, save, one article per transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .extract import extract
from .models import Article, Metadata
from .sources import NO_METADATA, SourceError, read_articles
from .speakers import article_aliases
from .store import ADDED, SKIPPED, UPDATED, SaveResult, Store
from .tracing import ClusterUpdate, update_clusters


@dataclass(frozen=True)
class FileResult:
    path: str
    status: str  # added, updated, skipped or failed
    quotations: int = 0
    error: str | None = None


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    clusters: ClusterUpdate | None = None  # set when the clusters were brought up to date

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [result for result in self.results if result.status == "failed"]

    @property
    def quotations(self) -> int:
        return sum(result.quotations for result in self.results if result.status in (ADDED, UPDATED))

    def summary(self) -> str:
        return (
            f"{self.count(ADDED)} articles added, {self.count(UPDATED)} updated, "
            f"{self.count(SKIPPED)} skipped, {self.count('failed')} failed; "
            f"{self.quotations} quotations found"
            + (f"; {self.clusters.clusters} clusters ({self.clusters.changed} new or changed)" if self.clusters else "")
        )


def ingest_files(
    store: Store,
    paths: Iterable[Path],
    *,
    options: Metadata = NO_METADATA,
    manifest: dict[str, Metadata] | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    input_format: str | None = None,
    encoding: str | None = None,
    stdin: BinaryIO | None = None,
) -> IngestReport:
    """Ingest each file (a feed: each line); one that cannot be read is reported and the
    others go on. `input_format`, `encoding` and `stdin` are read_articles'."""
    report = IngestReport()
    reading = read_articles(
        paths, options=options, manifest=manifest, input_format=input_format, encoding=encoding, stdin=stdin
    )
    for path, article in reading:
        if isinstance(article, SourceError):
            result = FileResult(str(path), "failed", error=str(article))
        else:
            saved = store_article(store, article)
            result = FileResult(str(path), saved.status, saved.quotations)
        report.results.append(result)
        if on_file is not None:
            on_file(result)
    if report.count(ADDED) or report.count(UPDATED) or store.unclustered_ids():
        report.clusters = update_clusters(store)
    return report


def store_article(store: Store, article: Article) -> SaveResult:
    """Extract with the store's known speakers; store the article, its quotations and the
    speakers and aliases it names, in one transaction."""
    known = store.known_speakers()
    quotations = extract(article, known)
    with store.db.atomic():
        saved = store.save_article(article, quotations)
        if saved.status != SKIPPED:
            store.record_speakers(
                sorted({q.speaker for q in quotations if q.speaker}), article_aliases(article.text, known)
            )
    return saved
