"""Comparing two printed versions of a quotation: scores, the relation between them, a word diff,
and the candidate index that says which pairs are worth comparing at all.

Everything here is pure: text in, plain data out. Texts are compared once folded by
`normalize` (quotation marks, case, accents, punctuation, spacing and British/American
spellings folded away). Scores follow RapidFuzz's convention: floats from 0 to 100, keyword-only
`score_cutoff` (a score below it is returned as 0).

How two quotations are judged to be versions of one utterance (`match`):

* whole similarity (`similarity`) >= MATCH_THRESHOLD: the same text with small changes;
* or the shorter one is contained in the longer one (`containment`) >= CONTAINMENT_THRESHOLD,
  with at least MIN_CONTAINED_CONTENT content words, nearly all present in the aligned part;
* or both have PARAPHRASE_MIN_WORDS words or more, whole similarity >= PARAPHRASE_THRESHOLD, and
  they share half their content words and half their words in order (another translation).
"""

from __future__ import annotations

import difflib
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from .normalize import Token, tokens, words

# --- Settings ----------------------------------------------------------------------------------

#: Whole similarity (fuzz.ratio of the folded texts) at or above which two quotations are versions
#: of one utterance: reworded versions, typos, a word or two swapped.
MATCH_THRESHOLD = 80.0

#: Containment of the shorter version in the longer one (best whole-word window, fuzz.ratio) at or
#: above which the shorter one is a part of the longer: truncations and fragments.
CONTAINMENT_THRESHOLD = 80.0

#: Fewest distinct content words (not stopwords) a quotation needs to be matched by containment:
#: "torture" or "about people" inside a long quotation is no evidence of anything; "deserves a
#: chance" is.
MIN_CONTAINED_CONTENT = 2

#: A shorter version of at least SEPARATE_UNIT_MIN_WORDS words found inside a version more than
#: 1 / SEPARATE_UNIT_SHARE times as long is another unit of the remark, printed on its own ("X. Y. Z."
#: quoted whole by one outlet, "Y." by others): it is not joined by containment, so that one long
#: quotation spanning several remarks does not glue their clusters together.
SEPARATE_UNIT_MIN_WORDS = 8
SEPARATE_UNIT_SHARE = 0.5

#: Containment at or above which a separate unit is returned as a link (`match` with `units`): the
#: passage printed nearly word for word, not a sentence that shares a stock phrase and little else.
UNIT_LINK_THRESHOLD = 90.0

#: Two versions overlap when one ends with a run of at least OVERLAP_MIN_WORDS words (with at least
#: OVERLAP_MIN_CONTENT content words) that the other begins with, give or take OVERLAP_EDGE_WORDS
#: words at either edge ("... but the crowd was with us" and "the crowd was with us, all of them"):
#: two outlets cutting one remark at different places.
OVERLAP_MIN_WORDS = 8
OVERLAP_MIN_CONTENT = 4
OVERLAP_EDGE_WORDS = 2

#: A short phrase (2 to GAPPED_MAX_WORDS words, at least one of them a content word) whose words all
#: occur in a longer version in order, with at most GAPPED_MAX_GAP words between two of them, is
#: contained in it ("piss off" in "I want to piss them off"), scoring GAPPED_SCORE.
GAPPED_MAX_WORDS = 4
GAPPED_MAX_GAP = 1
GAPPED_SCORE = 85.0

#: Share of the shorter version's content words (not stopwords) that may be missing from the aligned
#: part of the longer one. 0.25: none missing below four content words, one in four above.
MAX_MISSING_CONTENT = 0.25

#: Whole similarity at or above which two long enough versions that share most content words are
#: taken as translations of one remark.
PARAPHRASE_THRESHOLD = 65.0

#: Fewest words each version needs to be matched as a paraphrase.
PARAPHRASE_MIN_WORDS = 6

#: Share of content words two paraphrases must have in common (of the smaller set of the two).
PARAPHRASE_MIN_SHARED_CONTENT = 0.5

#: Word similarity (Indel over folded word lists, 0-100) two paraphrases need: the sentence's
#: skeleton (about half its words, in order) is kept.
PARAPHRASE_MIN_WORDS_KEPT = 50.0

#: Stricter score for a quotation without a speaker: it may join another quotation only when its
#: whole similarity or containment reaches this, and it has at least NO_SPEAKER_MIN_WORDS words.
NO_SPEAKER_THRESHOLD = 90.0
NO_SPEAKER_MIN_WORDS = 4

#: A variant of at most this many words contained in the reference is a `fragment`, a longer one
#: a `truncated` version.
FRAGMENT_MAX_WORDS = 5

#: A variant that contains the reference only approximately is `extended` when it has at least
#: this many more words; a word or two more is a rewording.
EXTENDED_MIN_EXTRA_WORDS = 3

#: Word similarity (Indel over folded word lists, 0-100) at or above which a variant that is neither
#: a part nor an extension of the reference is `reworded`; below it most words changed: `paraphrase`.
REWORDED_THRESHOLD = 50.0

#: Candidate index: a gram a speaker used in more than this many distinct versions is too common to
#: tell that speaker's quotations apart and is ignored for them; for quotations without a speaker,
#: a gram found in more than this many versions overall.
MAX_POSTINGS = 200

#: Candidate index: a pair is worth scoring when it shares at least this share of the grams of the
#: one with fewer grams.
MIN_SHARED_GRAMS = 0.2

# Words that carry no content on their own: grams made only of them are not indexed, and they do not
# count as content words when checking a containment.
STOPWORDS = frozenset(
    """a about above after again against all also am an and another any are as at be because been
    before being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i i'm i've i'll i'd if
    in into is it it's its itself just let let's me more most my myself of off on once only or other
    our ours ourselves out over own same she should so some such than that that's the their theirs
    them themselves then there there's these they they're this those through to too under until up
    very was we we're we've we'll we'd were what when where which while who whom why will with would
    you you're your yours yourself yourselves""".split()  # noqa: SIM905
)

# Relations of a variant to its cluster's reference version.
VERBATIM = "verbatim"
TRUNCATED = "truncated"
FRAGMENT = "fragment"
REWORDED = "reworded"
PARAPHRASE = "paraphrase"
EXTENDED = "extended"
RELATIONS = (VERBATIM, TRUNCATED, FRAGMENT, REWORDED, PARAPHRASE, EXTENDED)

# --- Plain data ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Folded:
    """A text folded once for matching: its words and their single-spaced join."""

    words: tuple[str, ...]
    text: str

    @classmethod
    def of(cls, text: str) -> Folded:
        folded = tuple(words(text))
        return cls(folded, " ".join(folded))

    def content(self) -> frozenset[str]:
        """Its words that are not stopwords."""
        return frozenset(word for word in self.words if word not in STOPWORDS)


class Alignment(NamedTuple):
    """Where the shorter of two texts sits in the longer, in word indices.

    Like RapidFuzz's ScoreAlignment, `src` refers to the first text given and `dest` to the
    second; the shorter one is covered whole.
    """

    score: float
    src_start: int
    src_end: int
    dest_start: int
    dest_end: int


class DiffOp(NamedTuple):
    """One step of a word diff: `op` is equal, insert, delete or replace."""

    op: str
    reference_words: tuple[str, ...]
    variant_words: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """Why two quotations are versions of one utterance: `how` is whole, contained, paraphrase,
    unit or overlap (see `match`). For contained, unit and overlap matches `spans` are the windows
    of words the two share, in each of them (in the order they were given)."""

    score: float
    how: str
    spans: tuple[tuple[int, int], tuple[int, int]] | None = None


@dataclass(frozen=True)
class Relation:
    """How a variant relates to a reference version (see `relation` for the rules).

    `similarity` is the whole similarity, `containment` the containment of the shorter in the
    longer (both 0-100); `span` is the window of the reference's words the variant was aligned with;
    `changes` are the word-diff steps that are not `equal` (printed words), within that window
    when the variant is a part of the reference, against the whole reference otherwise.
    """

    kind: str
    similarity: float
    containment: float
    span: tuple[int, int]
    changes: tuple[DiffOp, ...]


# --- Scores ------------------------------------------------------------------------------------



def _folded(text: str | Folded) -> Folded:
    return text if isinstance(text, Folded) else Folded.of(text)


def similarity(a: str | Folded, b: str | Folded, *, score_cutoff: float | None = None) -> float:
    """Whole similarity of two versions, 0-100: RapidFuzz's ratio of the folded texts."""
    return fuzz.ratio(_folded(a).text, _folded(b).text, score_cutoff=score_cutoff)


def word_similarity(a: str | Folded, b: str | Folded, *, score_cutoff: float | None = None) -> float:
    """Share of words kept, 0-100: Indel similarity over the folded word lists (a word is a symbol)."""
    score = 100 * Indel.normalized_similarity(_folded(a).words, _folded(b).words)
    return score if score_cutoff is None or score >= score_cutoff else 0.0


def containment(a: str | Folded, b: str | Folded, *, score_cutoff: float | None = None) -> float:
    """How well the shorter of two versions is contained in the longer, 0-100 (see `containment_alignment`)."""
    score = containment_alignment(a, b).score
    return score if score_cutoff is None or score >= score_cutoff else 0.0


def containment_alignment(a: str | Folded, b: str | Folded) -> Alignment:
    """The shorter text (fewer words) aligned in the longer one, in whole words.

    The score is the best fuzz.ratio between the shorter folded text and a window of whole words
    of the longer one. A word-for-word occurrence scores 100. Otherwise the window is searched
    near RapidFuzz's partial alignment: windows starting and ending within two words of it, so a
    window may be longer or shorter than the shorter text ("deserves another chance" aligns with
    "deserves a chance" and scores 85). Empty texts score 0.
    """
    fa, fb = _folded(a), _folded(b)
    swapped = len(fa.words) > len(fb.words)
    short, long = (fb, fa) if swapped else (fa, fb)
    score, start, end = _fit(short, long)
    if swapped:
        return Alignment(score, start, end, 0, len(short.words))
    return Alignment(score, 0, len(short.words), start, end)


def _fit(short: Folded, long: Folded) -> tuple[float, int, int]:
    """Best (score, start, end) whole-word window of `long` for `short`."""
    if not short.words or not long.words:
        return 0.0, 0, 0
    exact = _find_words(short.words, long.words)
    if exact is not None:
        return 100.0, exact, exact + len(short.words)
    starts = _word_starts(long.words)
    hint = fuzz.partial_ratio_alignment(short.text, long.text)
    first = max(bisect_right(starts, hint.dest_start) - 1, 0)
    last = max(bisect_right(starts, max(hint.dest_end - 1, 0)) - 1, first)
    windows = [
        (i, j)
        for i in range(max(first - 2, 0), min(first + 3, len(long.words)))
        for j in range(max(last - 1, i + 1), min(last + 4, len(long.words) + 1))
    ]
    texts = [long.text[starts[i] : starts[j - 1] + len(long.words[j - 1])] for i, j in windows]
    best = process.extractOne(short.text, texts, scorer=fuzz.ratio)
    if best is None:
        return 0.0, 0, 0
    i, j = windows[best[2]]
    return best[1], i, j


def _word_starts(word_list: Sequence[str]) -> list[int]:
    """Character offset of each word in the single-spaced join of `word_list`."""
    starts, offset = [], 0
    for word in word_list:
        starts.append(offset)
        offset += len(word) + 1
    return starts


def _find_words(needle: Sequence[str], haystack: Sequence[str]) -> int | None:
    """Index of the first word-for-word occurrence of `needle` in `haystack`, or None."""
    if not needle or len(needle) > len(haystack):
        return None
    joined = " " + " ".join(haystack) + " "
    at = joined.find(" " + " ".join(needle) + " ")
    return None if at < 0 else joined.count(" ", 0, at)


# --- Are these two versions of one utterance? ---------------------------------------------------


def match(a: str | Folded, b: str | Folded, *, speakerless: bool = False, units: bool = False) -> Match | None:
    """Whether two quotations are versions of one utterance, and how; None when they are not.

    Rules, first that holds:
    1. `whole`: similarity >= MATCH_THRESHOLD.
    2. `contained`: the shorter has >= MIN_CONTAINED_CONTENT distinct content words,
       containment >= CONTAINMENT_THRESHOLD, and at most MAX_MISSING_CONTENT of its content words
       are missing from the aligned window (so "our tradition is protection" is not found in
       "our tradition is to offer asylum").
    3. `paraphrase`: both have >= PARAPHRASE_MIN_WORDS words, similarity >= PARAPHRASE_THRESHOLD,
       they share >= PARAPHRASE_MIN_SHARED_CONTENT of the smaller set of content words, and word
       similarity >= PARAPHRASE_MIN_WORDS_KEPT.
    With `speakerless` (`a` has no speaker) only rules 1 and 2 apply, with NO_SPEAKER_THRESHOLD for
    both and at least NO_SPEAKER_MIN_WORDS words in the shorter, and rule 2 only when `a` is the
    shorter: a quotation without a speaker may be a part of an attributed one, but a long one is not
    attributed because it contains a few words of someone's.
    Otherwise the decision is symmetric: match(a, b) == match(b, a).

    Two more kinds of link are no match on their own, since a long quotation may span several
    remarks: a shorter version contained in the longer one as a separate unit (see
    SEPARATE_UNIT_MIN_WORDS), and two versions that overlap (see OVERLAP_MIN_WORDS). With
    `units` (and a speaker) they are returned, as kinds `unit` and `overlap`, for the caller to
    decide with what else the two contain (`clusters` does).
    """
    fa, fb = _folded(a), _folded(b)
    short, long = (fb, fa) if _length_key(fb) < _length_key(fa) else (fa, fb)
    if not short.words:
        return None
    if speakerless and len(short.words) < NO_SPEAKER_MIN_WORDS:
        return None
    whole_cut = NO_SPEAKER_THRESHOLD if speakerless else MATCH_THRESHOLD
    whole = fuzz.ratio(short.text, long.text)
    if whole >= whole_cut:
        return Match(whole, "whole")
    if speakerless and short is not fa:
        return None
    separate_unit = (
        len(short.words) >= SEPARATE_UNIT_MIN_WORDS and len(short.words) < SEPARATE_UNIT_SHARE * len(long.words)
    )
    threshold = NO_SPEAKER_THRESHOLD if speakerless else CONTAINMENT_THRESHOLD
    contained = None if separate_unit else _contained(short, long, threshold)
    if contained is not None:
        return Match(contained[0], "contained", _in_order(short is fa, (0, len(short.words)), contained[1]))
    if not speakerless and _gapped(short.words, long.words):
        return Match(GAPPED_SCORE, "contained")
    if not speakerless and _paraphrase(short, long, whole):
        return Match(whole, "paraphrase")
    if not units or speakerless:
        return None
    if separate_unit:
        contained = _contained(short, long, UNIT_LINK_THRESHOLD)
        if contained is not None:
            return Match(contained[0], "unit", _in_order(short is fa, (0, len(short.words)), contained[1]))
    run = overlap(fa, fb)
    if run is not None:
        (start, end), _ = run
        return Match(100.0 * (end - start) / len(short.words), "overlap", run)
    return None


def _in_order(short_first: bool, short_span: tuple[int, int], long_span: tuple[int, int]) -> tuple:
    return (short_span, long_span) if short_first else (long_span, short_span)


def overlap(a: Folded, b: Folded) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The run of words that one of `a` and `b` ends with and the other begins with (see
    OVERLAP_MIN_WORDS), as its window in each; None when they do not overlap."""
    if len(a.words) < OVERLAP_MIN_WORDS or len(b.words) < OVERLAP_MIN_WORDS:
        return None
    ending_a = _run_across(a, b)
    ending_b = _run_across(b, a)
    if ending_b is None or (ending_a is not None and _size(ending_a) >= _size(ending_b)):
        return ending_a  # the longer run when they overlap both ways
    return ending_b[1], ending_b[0]


def _size(run: tuple[tuple[int, int], tuple[int, int]]) -> int:
    return run[0][1] - run[0][0]


def _run_across(ending: Folded, beginning: Folded) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A run that `ending` ends with and `beginning` begins with, as (window in `ending`, window in
    `beginning`)."""
    first, second = ending.words, beginning.words
    haystack = " " + ending.text + " "  # searched as text: this runs for most pairs compared
    for skip in range(OVERLAP_EDGE_WORDS + 1):
        probe = second[skip : skip + OVERLAP_MIN_WORDS]
        if len(probe) < OVERLAP_MIN_WORDS:
            return None
        found = haystack.find(" " + " ".join(probe) + " ")
        if found < 0:
            continue
        at = haystack.count(" ", 0, found)  # the first occurrence, in words
        size = OVERLAP_MIN_WORDS
        while at + size < len(first) and skip + size < len(second) and first[at + size] == second[skip + size]:
            size += 1
        if at + size < len(first) - OVERLAP_EDGE_WORDS:
            continue  # the run stops before `first` ends: shared words, not an overlap
        run = first[at : at + size]
        if len({word for word in run if word not in STOPWORDS}) >= OVERLAP_MIN_CONTENT:
            return (at, at + size), (skip, skip + size)
    return None


def _length_key(folded: Folded) -> tuple[int, int, str]:
    return len(folded.words), len(folded.text), folded.text


def _contained(short: Folded, long: Folded, threshold: float) -> tuple[float, tuple[int, int]] | None:
    """Containment score of `short` in `long` and the window of `long` it was aligned with, when
    rule 2 of `match` holds; else None."""
    content = short.content()
    if len(content) < MIN_CONTAINED_CONTENT:
        return None
    if len(content - set(long.words)) > MAX_MISSING_CONTENT * len(content):
        return None  # cheap rejection before aligning
    score, start, end = _fit(short, long)
    if score < threshold:
        return None
    if len(content - set(long.words[start:end])) > MAX_MISSING_CONTENT * len(content):
        return None
    return score, (start, end)


def _gapped(short: Sequence[str], long: Sequence[str]) -> bool:
    """Every word of a short phrase in `long`, in order, with small gaps (see GAPPED_MAX_WORDS).
    A phrase found without any gap is left to the ordinary containment rule."""
    if not 2 <= len(short) <= GAPPED_MAX_WORDS or all(word in STOPWORDS for word in short):
        return False
    for start, word in enumerate(long):
        if word != short[0]:
            continue
        at, gaps = start, 0
        for wanted in short[1:]:
            window = long[at + 1 : at + 2 + GAPPED_MAX_GAP]
            if wanted not in window:
                break
            gaps += window.index(wanted)
            at = at + 1 + window.index(wanted)
        else:
            if gaps:
                return True
    return False


def _paraphrase(short: Folded, long: Folded, whole: float) -> bool:
    if len(short.words) < PARAPHRASE_MIN_WORDS or whole < PARAPHRASE_THRESHOLD:
        return False
    ca, cb = short.content(), long.content()
    smaller = min(len(ca), len(cb))
    if smaller == 0 or len(ca & cb) < PARAPHRASE_MIN_SHARED_CONTENT * smaller:
        return False
    return word_similarity(short, long) >= PARAPHRASE_MIN_WORDS_KEPT


# --- Relation and diff --------------------------------------------------------------------------


def relation(variant: str, reference: str) -> Relation:
    """How `variant` relates to `reference`, assuming both are versions of one utterance.

    On folded words v (variant) and r (reference), first rule that holds:
    1. `verbatim`: v == r (marks, case, accents, punctuation, spacing folded).
    2. v occurs word for word inside r: `fragment` when it has at most FRAGMENT_MAX_WORDS words,
       else `truncated`.
    3. r occurs word for word inside v: `extended`.
    4. v has fewer words than r and is contained in it (containment >= CONTAINMENT_THRESHOLD):
       `fragment` when it has at most FRAGMENT_MAX_WORDS words, else `reworded` (a cut with words
       changed).
    5. v has at least EXTENDED_MIN_EXTRA_WORDS more words than r and contains it
       (containment >= CONTAINMENT_THRESHOLD): `extended`.
    6. v and r overlap (`overlap`: one ends with a run of words the other begins with): `truncated`,
       another cut of the same remark.
    7. word similarity >= REWORDED_THRESHOLD (about half the words kept or more): `reworded`.
    8. otherwise most words changed: `paraphrase`.
    Under rules 2 and 4 the changes are those within the aligned window of the reference (a
    fragment's changes are not the whole rest of the quotation); otherwise against all of it.
    It never fails: two empty texts are verbatim, an empty text and another a paraphrase.
    """
    v, r = Folded.of(variant), Folded.of(reference)
    aligned = containment_alignment(v, r)
    kind, is_part = _relation_kind(v, r, aligned.score)
    span = (aligned.dest_start, aligned.dest_end) if is_part else (0, len(r.words))
    changes = _diff(tokens(variant), tokens(reference)[span[0] : span[1]])
    return Relation(
        kind=kind,
        similarity=fuzz.ratio(v.text, r.text),
        containment=aligned.score,
        span=span,
        changes=tuple(op for op in changes if op.op != "equal"),
    )


def _relation_kind(v: Folded, r: Folded, contained: float) -> tuple[str, bool]:
    """The relation of v to r (rules in `relation`) and whether v is a part of r."""
    if v.words == r.words:
        return VERBATIM, False
    if _find_words(v.words, r.words) is not None:
        return (FRAGMENT if len(v.words) <= FRAGMENT_MAX_WORDS else TRUNCATED), True
    if _find_words(r.words, v.words) is not None:
        return EXTENDED, False
    if len(v.words) < len(r.words) and contained >= CONTAINMENT_THRESHOLD:
        return (FRAGMENT if len(v.words) <= FRAGMENT_MAX_WORDS else REWORDED), True
    if len(v.words) >= len(r.words) + EXTENDED_MIN_EXTRA_WORDS and contained >= CONTAINMENT_THRESHOLD:
        return EXTENDED, False
    if overlap(v, r) is not None:
        return TRUNCATED, False
    return (REWORDED if word_similarity(v, r) >= REWORDED_THRESHOLD else PARAPHRASE), False


def word_diff(variant: str, reference: str) -> list[DiffOp]:
    """Word-level diff turning the reference into the variant.

    Words are aligned on their folded forms (difflib, longest common runs first, so a kept phrase
    stays in one piece) and reported as printed. Applying the steps to the reference's printed
    words gives the variant's printed words: `variant_words` of every step, in order.
    """
    return _diff(tokens(variant), tokens(reference))


def _diff(variant: Sequence[Token], reference: Sequence[Token]) -> list[DiffOp]:
    matcher = difflib.SequenceMatcher(
        None, [t.folded for t in reference], [t.folded for t in variant], autojunk=False
    )
    return [
        DiffOp(
            op,
            tuple(t.printed for t in reference[i1:i2]),
            tuple(t.printed for t in variant[j1:j2]),
        )
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


# --- Candidate index ------------------------------------------------------------------------------


def grams(word_list: Sequence[str]) -> set[str]:
    """What a version is indexed under: its word bigrams that are not stopwords only, and its
    content words (unigrams). A 2-3 word fragment shares them with every version containing it."""
    found = {word for word in word_list if word not in STOPWORDS}
    for first, second in zip(word_list, word_list[1:], strict=False):
        if first not in STOPWORDS or second not in STOPWORDS:
            found.add(first + " " + second)
    return found


_SHIFT = 32  # a posting entry is (speaker id << _SHIFT) | key, so each speaker's keys sort together
_MASK = (1 << _SHIFT) - 1


class CandidateIndex:
    """Inverted index from grams to the keys of the versions that contain them, by speaker.

    Keys are small non-negative ints (positions in the caller's list of versions); each is indexed
    with its folded speaker (None when unknown). Candidates are only ever sought among versions
    that may be compared: those of the same speaker and those without one; a version without a
    speaker is compared with everyone.

    A gram counts for a pair of one speaker's versions when that speaker used it in at most
    `max_postings` versions, and for a pair involving a version without a speaker when at most
    `max_postings` versions have it overall: a gram any more common tells nothing. These counts
    depend on the set of versions indexed, never on their order. A pair is a candidate when it
    shares counted grams, at least `min_shared` of the grams of whichever has fewer (and one).
    """

    def __init__(self, *, max_postings: int = MAX_POSTINGS, min_shared: float = MIN_SHARED_GRAMS) -> None:
        self.max_postings = max_postings
        self.min_shared = min_shared
        # gram -> the one key that has it, or an array of entries (speaker id << _SHIFT | key)
        self._postings: dict[str, int | array[int]] = {}
        self._unsorted: set[str] = set()  # grams whose entries were appended since the last sort
        self._sizes: list[int] = []  # key -> number of its grams (-1: not indexed)
        self._speaker_of = array("l")  # key -> speaker id
        self._speaker_ids: dict[str | None, int] = {None: 0}

    def __len__(self) -> int:
        return sum(size >= 0 for size in self._sizes)

    def size(self, key: int) -> int:
        """Number of grams of indexed version `key`."""
        return self._sizes[key]

    def add(self, key: int, word_list: Sequence[str], speaker: str | None = None, *, report: bool = False) -> set[int]:
        """Index version `key` of `speaker`. With `report`, return the keys of every version that
        shared a gram which became too common because of this one (their pairs through it are
        candidates no longer); without, return an empty set (faster when indexing in bulk)."""
        found = grams(word_list)
        sid = self._speaker_ids.setdefault(speaker, len(self._speaker_ids))
        if key >= len(self._sizes):
            grow = key + 1 - len(self._sizes)
            self._sizes.extend([-1] * grow)
            self._speaker_of.extend([0] * grow)
        self._sizes[key] = len(found)
        self._speaker_of[key] = sid
        postings, crossed = self._postings, set()
        for gram in found:
            posting = postings.get(gram)
            if posting is None:
                postings[gram] = key
                continue
            if isinstance(posting, int):
                posting = postings[gram] = array("q", [self._speaker_of[posting] << _SHIFT | posting])
            posting.append(sid << _SHIFT | key)
            self._unsorted.add(gram)
            if report:
                crossed |= self._crossed(gram, sid)
        return crossed

    def _entries(self, gram: str) -> array[int] | None:
        posting = self._postings.get(gram)
        if posting is None or isinstance(posting, int):
            return None
        if gram in self._unsorted:
            posting = self._postings[gram] = array("q", sorted(posting))
            self._unsorted.discard(gram)
        return posting

    def _bucket(self, entries: array[int], sid: int) -> tuple[int, int]:
        """Index range of speaker `sid`'s entries in sorted `entries`."""
        return bisect_left(entries, sid << _SHIFT), bisect_left(entries, (sid + 1) << _SHIFT)

    def _crossed(self, gram: str, sid: int) -> set[int]:
        """Keys of a gram that just became too common, overall or for speaker `sid`."""
        entries = self._entries(gram)
        assert entries is not None
        mask = _MASK
        if len(entries) == self.max_postings + 1:
            return {entry & mask for entry in entries}
        low, high = self._bucket(entries, sid)
        if sid and high - low == self.max_postings + 1:
            return {entry & mask for entry in entries[low:high]}
        return set()

    def posting(self, gram: str, speaker: str | None = None) -> list[int]:
        """Keys whose grams count for a pair with a version of `speaker` sharing `gram`."""
        return sorted(self._counted_keys(gram, self._speaker_ids.get(speaker, -1)))

    def _counted_keys(self, gram: str, sid: int, speakerless: bool = True) -> list[int]:
        """Keys that `gram` counts for in a pair with a version of speaker `sid` (-1: a speaker
        with no version indexed yet, 0: no speaker); without `speakerless`, leaving out the
        versions without a speaker."""
        posting = self._postings.get(gram)
        if posting is None:
            return []
        if posting.__class__ is int:
            other = self._speaker_of[posting]
            return [posting] if sid == 0 or other == sid or (other == 0 and speakerless) else []
        entries = self._entries(gram)
        assert entries is not None
        mask = _MASK
        overall = len(entries) <= self.max_postings
        if sid == 0:
            return [entry & mask for entry in entries] if overall else []
        keys = []
        if overall and speakerless:
            keys = [entry & mask for entry in entries[: bisect_left(entries, 1 << _SHIFT)]]
        if sid > 0:
            low, high = self._bucket(entries, sid)
            if high - low <= self.max_postings:
                keys += [entry & mask for entry in entries[low:high]]
        return keys

    def shared(self, word_list: Sequence[str], speaker: str | None = None, *, exclude: int | None = None) -> Counter[int]:
        """How many counted grams each comparable indexed key shares with `word_list` of `speaker`."""
        return self.shared_grams(grams(word_list), speaker, exclude=exclude)

    def shared_grams(
        self,
        found: Iterable[str],
        speaker: str | None = None,
        *,
        exclude: int | None = None,
        speakerless: bool = True,
    ) -> Counter[int]:
        """How many of the grams `found` (of a version of `speaker`) each comparable key has;
        without `speakerless`, versions without a speaker are left out."""
        sid = self._speaker_ids.get(speaker, -1)
        keys: list[int] = []
        for gram in found:
            keys += self._counted_keys(gram, sid, speakerless)
        counts = Counter(keys)
        if exclude is not None:
            counts.pop(exclude, None)
        return counts

    def candidates(self, word_list: Sequence[str], speaker: str | None = None, *, exclude: int | None = None) -> list[int]:
        """Keys worth comparing with `word_list` of `speaker`, most shared grams first, then by key."""
        found = grams(word_list)
        size, sizes, least = len(found), self._sizes, self.min_shared
        chosen = [
            (count, key)
            for key, count in self.shared_grams(found, speaker, exclude=exclude).items()
            if count >= least * size or count >= least * sizes[key]
        ]
        chosen.sort(key=lambda item: (-item[0], item[1]))
        return [key for _, key in chosen]

