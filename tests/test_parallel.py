"""Work shared with a forked helper process (quotecheck.parallel) gives what one process gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from quotecheck import clusters, parallel
from quotecheck.clusters import Clustering, describe, describe_all

from .test_clusters import fixture_records, record_sets

needs_fork = pytest.mark.skipif(not parallel.available(), reason="no fork or a single core")


def test_in_order_yields_every_piece_in_order_with_or_without_a_helper():
    def work(number: int) -> tuple[int, int]:
        total = sum(range(20_000))  # long enough for the helper to take pieces too
        return number, total

    for shared in (False, True):
        assert [number for number, _ in parallel.in_order(work, 60, parallel=shared)] == list(range(60))


@needs_fork
def test_an_error_in_a_piece_is_raised_here_whoever_ran_it():
    def work(number: int) -> int:
        if number == 7:
            raise ValueError("piece seven")
        sum(range(50_000))
        return number

    with pytest.raises((ValueError, RuntimeError), match="piece seven"):
        list(parallel.in_order(work, 30, parallel=True))


@pytest.fixture
def always_parallel(monkeypatch):
    """Share the work from the first version on, in pieces of two."""
    monkeypatch.setattr(clusters, "PARALLEL_MIN_VERSIONS", 0)
    monkeypatch.setattr(clusters, "PIECE", 2)


@needs_fork
@settings(max_examples=25, deadline=None)
@given(record_sets())
def test_clustering_with_a_helper_equals_one_process(records):
    alone = Clustering(records).groups()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clusters, "PARALLEL_MIN_VERSIONS", 0)
        patch.setattr(clusters, "PIECE", 2)
        shared = Clustering(records).groups()
    assert shared == alone


@needs_fork
def test_describing_with_a_helper_equals_describing_one_by_one(always_parallel):
    records = fixture_records()
    by_id = {record.id: record for record in records}
    groups = list(Clustering(records).groups().items())
    expected = [describe([by_id[i] for i in ids], cluster_id=cid) for cid, ids in groups]
    assert list(describe_all(groups, by_id)) == expected
