"""Grouping quotations into clusters: one cluster holds the printed versions of one utterance by one
speaker. Pure: quotation records in, clusters out.

How it decides (the rules, in order):

1. Quotations with the same folded speaker and the same folded text are one *version*; a version
   never splits. Scare quotes are left out unless asked for.
2. Versions are put in a canonical order that depends only on them, never on input order: those
   with a speaker first, then longest first (words, then characters), then by text and speaker.
3. Candidate pairs come from the gram index (`matching.CandidateIndex`); a pair is an *edge* when
   `matching.match` says the two are versions of one utterance. Different non-empty speakers are
   never compared; a version without a speaker is compared with everyone under the stricter
   speakerless rule.
4. Versions are taken in canonical order. Each joins the cluster holding its strongest edge to an
   earlier version (a match of the whole text beats a containment, then the higher score wins);
   with no such edge it starts a cluster. This rule never merges clusters, so two long quotations
   stay apart even when one fragment matches both: the fragment, being shorter, comes later and
   joins the better one, or, when the two come within AMBIGUITY_MARGIN of each other by the same
   kind of match, neither (precision first: a phrase the speaker keeps repeating says nothing about
   which remark it came from).
5. A long quotation may span several remarks, each printed on its own elsewhere. A version found
   inside it as a separate unit, or overlapping it (`matching.match` with `units`), is a *link*:
   after the version has joined its cluster by rule 4, the long quotation's cluster joins that
   cluster too, but only when every passage the long quotation is found to share with its
   speaker's other versions (those of SEPARATE_UNIT_MIN_WORDS words or more it contains, and those
   it overlaps) overlaps the version's place in it (it holds one remark printed elsewhere, and it
   is this one), and only when the version links to no other cluster (a sentence found in two
   long quotations is one the speaker repeats). A quotation holding two remarks glues neither. A
   link counts as an edge for connectedness even when it joins nothing.

Because every decision looks only at edges, the result for one connected set of versions (linked by
edges) depends on that set alone. Incremental assignment (`Clustering.add`) re-decides exactly the
connected sets the new quotations touch (and, when a new quotation makes a gram too common to
count, the sets of the versions that shared it), and so gives the same clusters as building from
scratch on the same quotations, which stays the canonical definition (`rebuild`). Removing
quotations is not incremental: build again.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .matching import (
    CONTAINMENT_THRESHOLD,
    MAX_POSTINGS,
    OVERLAP_MIN_WORDS,
    SEPARATE_UNIT_MIN_WORDS,
    VERBATIM,
    CandidateIndex,
    DiffOp,
    Folded,
    containment,
    grams,
    match,
    relation,
    similarity,
)
from .models import DIRECT, SCARE
from .normalize import fold
from .parallel import in_order

#: A version whose best matches in two clusters score within this many points of each other is
#: ambiguous ("the american people" found in two different speeches): it stays on its own.
AMBIGUITY_MARGIN = 5.0

#: Building from scratch, the edges of this many versions are found at a time (and `describe_all`
#: describes this many clusters at a time); with at least PARALLEL_MIN_VERSIONS versions (clusters),
#: by two processes (see `parallel`).
PIECE = 1000
PARALLEL_MIN_VERSIONS = 20_000

#: A version is full enough to be a cluster's reference when it has at least this share of the words
#: of the cluster's longest version; among those the most printed wins (then the longest, the earliest).
REFERENCE_FULLNESS = 0.75


@dataclass(frozen=True, slots=True)
class QuoteRecord:
    """One printed quotation as the clustering sees it.

    `published` is an ISO date or date-time (or None); `order` is the ingest order, which breaks
    ties between equal dates.
    """

    id: int
    speaker: str | None
    text: str
    published: str | None = None
    order: int = 0
    outlet: str | None = None
    kind: str = DIRECT


@dataclass(frozen=True, slots=True)
class Member:
    """A quotation of a cluster and how it relates to the cluster's reference version."""

    quote_id: int
    outlet: str | None
    published: str | None
    text: str
    relation: str
    similarity: float
    containment: float
    changes: tuple[DiffOp, ...]


@dataclass(frozen=True, slots=True)
class Cluster:
    """The printed versions of one utterance.

    `id` is its smallest quotation id: with ids given in ingest order it stays put as quotations
    join. `members` are ordered by first appearance.
    """

    id: int
    speaker: str | None
    reference_id: int
    reference_text: str
    first_id: int
    first_published: str | None
    first_outlet: str | None
    quotations: int
    versions: int
    outlets: int
    members: tuple[Member, ...]


# --- Versions --------------------------------------------------------------------------------------


class _Version:
    """Quotations sharing a folded speaker and a folded text."""

    __slots__ = ("key", "speaker", "text", "size", "quote_ids")

    def __init__(self, key: int, speaker: str | None, text: str) -> None:
        self.key = key
        self.speaker = speaker  # folded, None when unknown
        self.text = text  # folded text, words joined by single spaces
        self.size = text.count(" ") + 1 if text else 0
        self.quote_ids: list[int] = []

    @property
    def folded(self) -> Folded:
        """The folded text and its words, made when needed: kept for every version, the word tuples
        were a quarter of the memory at a million quotations, and a forked process copies what it
        touches."""
        return Folded(tuple(self.text.split(" ")) if self.text else (), self.text)

    def rank(self) -> tuple:
        """Canonical order, smallest first: with a speaker before without, longest first (words,
        then characters), then by text and speaker."""
        return (self.speaker is None, -self.size, -len(self.text), self.text, self.speaker or "")


@lru_cache(maxsize=65536)
def speaker_key(speaker: str | None) -> str | None:
    """The speaker as compared: folded, None when empty."""
    folded = fold(speaker or "")
    return folded or None


@lru_cache(maxsize=65536)
def _fold_text(text: str) -> str:
    """Folded text, words joined by single spaces (cached: a quotation printed many times is
    folded once; only the string is kept, not its words)."""
    return Folded.of(text).text


# How strong a match is: (matched as a whole text, score); stronger compares greater.
Strength = tuple[bool, float]
# Links that decide a cluster only under rule 5.
_LINKS = ("unit", "overlap")


class Edge(NamedTuple):
    """A match between two versions, seen from one of them: the other's key, the strength of the
    match, and for a rule-5 link (a unit or an overlap) whether it joins the two clusters (True)
    or only connects them (False); None for an ordinary match."""

    key: int
    strength: Strength
    link: bool | None = None


# --- Clustering --------------------------------------------------------------------------------------


class Clustering:
    """Quotations assigned to clusters, kept up to date as quotations are added.

    `Clustering(records)` clusters from scratch; `add(records)` assigns new quotations and gives the
    same clusters as building again from all of them (see the module docstring).
    """

    def __init__(
        self,
        records: Iterable[QuoteRecord] = (),
        *,
        include_scare: bool = False,
        max_postings: int = MAX_POSTINGS,
    ) -> None:
        self.include_scare = include_scare
        self.index = CandidateIndex(max_postings=max_postings)
        self.records: dict[int, QuoteRecord] = {}
        self._versions: list[_Version] = []
        self._version_of_text: dict[str, int | dict[str | None, int]] = {}
        self._root: list[int] = []  # version key -> key of its cluster's first version (-1: undecided)
        self._members: dict[int, list[int]] = {}  # root key -> version keys of its cluster
        self._passages: dict[int, list[tuple[int, int]]] = {}  # see _passages_in; valid until the next add
        fresh, _, _ = self._take(records, report=False)
        ordered = sorted(fresh, key=_Version.rank)
        self._position = array("l", bytes(8 * len(self._versions)))  # version key -> place in `ordered`
        for place, version in enumerate(ordered):
            self._position[version.key] = place
        # The edges of each version to those before it depend on nothing decided, so they are found
        # in pieces, by two processes when there are many; _decide takes them in order, once each.
        # The index sorts a gram's postings when first read: sorted once here, not in each process.
        for gram in list(self.index._unsorted):
            self.index._entries(gram)
        pieces = in_order(
            lambda piece: [self._earlier_edges(v) for v in ordered[piece * PIECE : (piece + 1) * PIECE]],
            _pieces(len(ordered)),
            parallel=len(ordered) >= PARALLEL_MIN_VERSIONS,
        )
        edges = (found for piece in pieces for found in piece)
        self._decide(ordered, lambda version: next(edges))

    # Reading.

    def version_of(self, quote_id: int) -> int | None:
        """Key of the version a quotation belongs to; None when left out or unknown."""
        record = self.records.get(quote_id)
        if record is None or (record.kind == SCARE and not self.include_scare):
            return None
        return self._find_version(speaker_key(record.speaker), _fold_text(record.text))

    def cluster_of(self, quote_id: int) -> int | None:
        """Cluster id of a quotation; None for quotations left out (scare quotes) or unknown."""
        version = self.version_of(quote_id)
        return None if version is None else self._cluster_id(self._root[version])

    def groups(self) -> dict[int, list[int]]:
        """Cluster id -> its quotation ids, ascending; clusters by id."""
        found = {}
        for root in self._members:
            ids = self._quote_ids(root)
            found[ids[0]] = ids
        return dict(sorted(found.items()))

    def clusters(self) -> list[Cluster]:
        """Every cluster described (reference, first appearance, relations), by id."""
        return [describe([self.records[i] for i in ids], cluster_id=cid) for cid, ids in self.groups().items()]

    def find(
        self, query: str, *, speaker: str | None = None, limit: int = 10, threshold: float = CONTAINMENT_THRESHOLD
    ) -> list[tuple[int, float]]:
        """Clusters holding a version that contains `query` approximately, best first:
        (cluster id, score) with score the best `matching.containment` of the query in one of the
        cluster's versions (a version shorter than the query is scored by whole similarity).
        With `speaker`, only that speaker's versions (and those without a speaker). Candidates come
        from the index, so a query made only of stopwords or too common words finds nothing."""
        folded = Folded.of(query)
        best: dict[int, float] = {}
        for key in self.index.shared_grams(grams(folded.words), speaker_key(speaker)):
            version = self._versions[key].folded
            if len(version.words) >= len(folded.words):
                score = containment(folded, version)
            else:
                score = similarity(folded, version)
            if score >= threshold:
                root = self._root[key]
                best[root] = max(best.get(root, 0.0), score)
        found = [(self._cluster_id(root), score) for root, score in best.items()]
        return sorted(found, key=lambda item: (-item[1], item[0]))[:limit]

    # Adding.

    def add(self, records: Iterable[QuoteRecord]) -> dict[int, int]:
        """Assign new quotations; return quote id -> cluster id for every quotation of every cluster
        that changed (gained, lost or was decided again)."""
        self._passages.clear()
        fresh, grown, crossed = self._take(records, report=True)
        # Pairs found through a gram that became too common are candidates no longer: the versions
        # that shared it are decided again, as a rebuild would.
        seeds = {v.key for v in fresh} | crossed
        region, edges = self._region(seeds)
        touched = {self._root[key] for key in region | grown if self._root[key] >= 0}
        self._decide(sorted((self._versions[k] for k in region), key=_Version.rank), lambda v: edges[v.key])
        touched |= {self._root[key] for key in region}
        return {
            quote_id: self._cluster_id(root)
            for root in touched
            if root in self._members
            for quote_id in self._quote_ids(root)
        }

    def _find_version(self, speaker: str | None, text: str) -> int | None:
        entry = self._version_of_text.get(text)
        if isinstance(entry, dict):
            return entry.get(speaker)
        if entry is not None and self._versions[entry].speaker == speaker:
            return entry
        return None

    def _new_version(self, speaker: str | None, text: str) -> _Version:
        version = _Version(len(self._versions), speaker, text)
        self._versions.append(version)
        self._root.append(-1)
        entry = self._version_of_text.get(text)
        if entry is None:
            self._version_of_text[text] = version.key
        elif isinstance(entry, dict):
            entry[speaker] = version.key
        else:
            self._version_of_text[text] = {self._versions[entry].speaker: entry, speaker: version.key}
        return version

    def _take(self, records: Iterable[QuoteRecord], *, report: bool) -> tuple[list[_Version], set[int], set[int]]:
        """Record and index quotations. Returns the new versions, the existing versions that gained
        quotations, and (with `report`) the versions that shared a gram which became too common."""
        fresh: list[_Version] = []
        grown: set[int] = set()
        for record in records:
            if record.id in self.records:
                raise ValueError(f"quotation {record.id} was already added")
            self.records[record.id] = record
            if record.kind == SCARE and not self.include_scare:
                continue
            speaker, text = speaker_key(record.speaker), _fold_text(record.text)
            key = self._find_version(speaker, text)
            if key is None:
                version = self._new_version(speaker, text)
                fresh.append(version)
            else:
                version = self._versions[key]
                if self._root[key] >= 0:
                    grown.add(key)
            version.quote_ids.append(record.id)
        crossed: set[int] = set()
        for version in fresh:
            crossed |= self.index.add(version.key, version.folded.words, version.speaker, report=report)
        return fresh, grown, crossed

    # Deciding.

    def _matches(self, version: _Version, keys: Iterable[int]) -> list[Edge]:
        """Of `keys`, those whose versions match `version`, with the strength of the match."""
        found: list[Edge] = []
        mine = version.folded
        for key in keys:
            other = self._versions[key]
            if version.speaker and other.speaker:
                if version.speaker != other.speaker:
                    continue
                result = match(mine, other.folded, units=True)
            elif _Version.rank(version) > _Version.rank(other):
                result = match(mine, other.folded, speakerless=True)
            else:
                result = match(other.folded, mine, speakerless=True)
            if result is None:
                continue
            link = None
            if result.how in _LINKS:
                # only the later may join the earlier, and only when it is that one's sole remark
                assert result.spans is not None
                link = _Version.rank(other) < _Version.rank(version) and self._sole_passage(key, result.spans[1])
            found.append(Edge(key, (result.how == "whole", result.score), link))
        return found

    def _sole_passage(self, key: int, span: tuple[int, int]) -> bool:
        """Whether every passage found in version `key` overlaps `span` (rule 5) by at least half
        the shorter of the two: fuzzy alignments may reach a word or two into a neighbour."""
        start, end = span
        return all(
            2 * (min(end, last) - max(start, first)) >= min(end - start, last - first)
            for first, last in self._passages_in(key)
        )

    def _passages_in(self, key: int) -> list[tuple[int, int]]:
        """Where version `key` shares words with other versions of its speaker: those of
        SEPARATE_UNIT_MIN_WORDS words or more it contains and those it overlaps, as windows of its
        words."""
        found = self._passages.get(key)
        if found is None:
            version = self._versions[key]
            mine = version.folded
            found = []
            for other_key in self._candidates(version):
                other = self._versions[other_key]
                if other.speaker != version.speaker or other.size < OVERLAP_MIN_WORDS:
                    continue
                result = match(other.folded, mine, units=True)
                if result is None or result.spans is None:
                    continue
                if result.how == "overlap" or other.size >= SEPARATE_UNIT_MIN_WORDS:
                    found.append(result.spans[1])
            self._passages[key] = found
        return found

    def _candidates(self, version: _Version) -> list[int]:
        return self.index.candidates(version.folded.words, version.speaker, exclude=version.key)

    def _earlier_edges(self, version: _Version) -> list[Edge]:
        """Edges of `version` to the versions before it in canonical order (building from scratch:
        those decided before it; those without a speaker come after all others)."""
        words = version.folded.words
        found = grams(words)
        position, index = self._position, self.index
        least, sizes = index.min_shared, index._sizes
        own, mine = least * len(found), position[version.key]
        earlier = [
            key
            for key, count in index.shared_grams(
                found, version.speaker, exclude=version.key, speakerless=version.speaker is None
            ).items()
            if position[key] < mine and (count >= own or count >= least * sizes[key])
        ]
        return self._matches(version, earlier)

    def _region(self, seeds: Iterable[int]) -> tuple[set[int], dict[int, list[Edge]]]:
        """Every version connected to a seed through edges, and the edges of each."""
        edges: dict[int, list[Edge]] = {}
        stack = list(seeds)
        while stack:
            key = stack.pop()
            if key in edges:
                continue
            edges[key] = self._matches(self._versions[key], self._candidates(self._versions[key]))
            stack.extend(edge.key for edge in edges[key] if edge.key not in edges)
        return set(edges), edges

    def _decide(self, ordered: Sequence[_Version], edges_of: Callable[[_Version], list[Edge]]) -> None:
        """Assign `ordered` (canonical order; a union of connected sets) to clusters: each joins the
        cluster of its best ordinary edge to an already decided version, else starts one; then the
        clusters it is linked to under rule 5 join its own."""
        root = self._root
        for version in ordered:
            old = root[version.key]
            if old >= 0:
                self._members[old].remove(version.key)
                if not self._members[old]:
                    del self._members[old]
                root[version.key] = -1
        for version in ordered:
            scores: dict[int, Strength] = {}
            linked: set[int] = set()
            for edge in edges_of(version):
                other_root = root[edge.key]
                if other_root < 0:  # undecided: later
                    continue
                if edge.link:
                    linked.add(other_root)
                elif edge.link is None and edge.strength > scores.get(other_root, (False, -1.0)):
                    scores[other_root] = edge.strength
            chosen = self._choose(scores) if scores else -1
            chosen = version.key if chosen < 0 else chosen
            root[version.key] = chosen
            self._members.setdefault(chosen, []).append(version.key)
            linked.discard(chosen)
            if len(linked) == 1:  # linked to several: a phrase the speaker keeps using, not a remark
                for key in self._members.pop(linked.pop()):
                    root[key] = chosen
                    self._members[chosen].append(key)

    def _choose(self, scores: dict[int, Strength]) -> int:
        """The cluster (root key) to join given the strongest edge to each: a match of the whole
        text beats any containment, then the higher score wins, unless another cluster comes
        within AMBIGUITY_MARGIN with the same kind of match: then -1, ambiguous."""
        ranked = sorted(scores.values(), reverse=True)
        if len(ranked) > 1 and ranked[1][0] == ranked[0][0] and ranked[1][1] >= ranked[0][1] - AMBIGUITY_MARGIN:
            return -1
        return next(root for root, strength in scores.items() if strength == ranked[0])

    def _quote_ids(self, root: int) -> list[int]:
        return sorted(q for key in self._members[root] for q in self._versions[key].quote_ids)

    def _cluster_id(self, root: int) -> int:
        return min(min(self._versions[key].quote_ids) for key in self._members[root])


# --- Whole-set entry points ----------------------------------------------------------------------------


def assign(records: Iterable[QuoteRecord], *, include_scare: bool = False) -> dict[int, int]:
    """Quote id -> cluster id, from scratch (scare quotes left out unless `include_scare`)."""
    clustering = Clustering(records, include_scare=include_scare)
    return {qid: cid for cid, ids in clustering.groups().items() for qid in ids}


def rebuild(records: Iterable[QuoteRecord], *, include_scare: bool = False) -> list[Cluster]:
    """Every cluster of `records`, from scratch, described; the canonical clustering."""
    return Clustering(records, include_scare=include_scare).clusters()


def describe_all(groups: Sequence[tuple[int, list[int]]], records: Mapping[int, QuoteRecord]) -> Iterator[Cluster]:
    """`describe` of each group (cluster id, its quotation ids), in order; one at a time, so that they
    can be written as they come; by two processes when there are many (see `parallel`)."""

    def piece_of(piece: int) -> list[Cluster]:
        return [describe([records[i] for i in ids], cluster_id=cid) for cid, ids in groups[piece * PIECE : (piece + 1) * PIECE]]

    for piece in in_order(piece_of, _pieces(len(groups)), parallel=len(groups) >= PARALLEL_MIN_VERSIONS):
        yield from piece


def _pieces(count: int) -> int:
    """How many pieces of PIECE make `count` items."""
    return (count + PIECE - 1) // PIECE


# --- Describing a cluster ----------------------------------------------------------------------------------


def _appearance(record: QuoteRecord) -> tuple:
    """Order of appearance: dated before undated, earliest date, then ingest order, then id."""
    return (record.published is None, record.published or "", record.order, record.id)


def reference_version(records: Sequence[QuoteRecord]) -> QuoteRecord:
    """The quotation that prints the cluster's reference version.

    Versions (folded texts) with at least REFERENCE_FULLNESS of the longest version's words are full
    enough; among them the one printed most often wins, then the one with more words, then the one
    that appeared first. Its earliest printing is returned.
    """
    return _reference(records, [fold(record.text) for record in records])


def _reference(records: Sequence[QuoteRecord], folded: Sequence[str]) -> QuoteRecord:
    """`reference_version`, given the folded text of each record."""
    by_text: dict[str, list[QuoteRecord]] = {}
    for record, text in zip(records, folded, strict=True):
        by_text.setdefault(text, []).append(record)
    if len(by_text) == 1:  # one version: its earliest printing
        return min(records, key=_appearance)
    longest = max(len(text.split()) for text in by_text)
    full = [t for t in by_text if len(t.split()) >= REFERENCE_FULLNESS * longest]
    best = min(
        full,
        key=lambda t: (-len(by_text[t]), -len(t.split()), min(_appearance(r) for r in by_text[t])),
    )
    return min(by_text[best], key=_appearance)


def describe(records: Sequence[QuoteRecord], *, cluster_id: int | None = None) -> Cluster:
    """A cluster's summary from its quotations: reference, first appearance, counts, relations."""
    if not records:
        raise ValueError("a cluster has at least one quotation")
    if len(records) == 1:
        return _describe_one(records[0], cluster_id)
    folded = [fold(record.text) for record in records]  # once: each is needed three times
    reference = _reference(records, folded)
    reference_folded = fold(reference.text)
    ordered = sorted(zip(records, folded, strict=True), key=lambda pair: _appearance(pair[0]))
    members = tuple(_member(record, reference.text, text == reference_folded) for record, text in ordered)
    first = ordered[0][0]
    return Cluster(
        id=cluster_id if cluster_id is not None else min(r.id for r in records),
        speaker=_speaker(records),
        reference_id=reference.id,
        reference_text=reference.text,
        first_id=first.id,
        first_published=first.published,
        first_outlet=first.outlet,
        quotations=len(records),
        versions=len(set(folded)),
        outlets=len({r.outlet for r in records if r.outlet}),
        members=members,
    )


def _describe_one(record: QuoteRecord, cluster_id: int | None) -> Cluster:
    """`describe` of a cluster of one quotation (most clusters): its own reference, verbatim."""
    return Cluster(
        id=cluster_id if cluster_id is not None else record.id,
        speaker=record.speaker if speaker_key(record.speaker) else None,
        reference_id=record.id,
        reference_text=record.text,
        first_id=record.id,
        first_published=record.published,
        first_outlet=record.outlet,
        quotations=1,
        versions=1,
        outlets=1 if record.outlet else 0,
        members=(_member(record, record.text, True),),
    )


def _member(record: QuoteRecord, reference_text: str, same_version: bool) -> Member:
    if same_version:
        # the reference itself (every singleton) or a copy of it: no words to compare
        return Member(record.id, record.outlet, record.published, record.text, VERBATIM, 100.0, 100.0, ())
    found = _relation(record.text, reference_text)
    return Member(
        quote_id=record.id,
        outlet=record.outlet,
        published=record.published,
        text=record.text,
        relation=found.kind,
        similarity=found.similarity,
        containment=found.containment,
        changes=found.changes,
    )


@lru_cache(maxsize=1024)
def _relation(text: str, reference_text: str):  # noqa: ANN202 - cached matching.relation
    """matching.relation, cached for a variant printed several times in one cluster (the cache is
    small: the same pair seldom comes again in another cluster)."""
    return relation(text, reference_text)


def _speaker(records: Sequence[QuoteRecord]) -> str | None:
    """The speaker name printed most often in the cluster (ties: the earliest), None if none."""
    named = sorted((r for r in records if speaker_key(r.speaker)), key=_appearance)
    if not named:
        return None
    counts: dict[str, int] = {}
    for record in named:
        counts[record.speaker] = counts.get(record.speaker, 0) + 1  # type: ignore[index]
    return max(counts, key=lambda s: counts[s])  # max keeps the first (earliest) on ties
