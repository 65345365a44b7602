"""Scores, relations, word diffs and the candidate index of quotecheck.matching."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from quotecheck import matching
from quotecheck.matching import (
    CONTAINMENT_THRESHOLD,
    EXTENDED,
    FRAGMENT,
    PARAPHRASE,
    REWORDED,
    TRUNCATED,
    VERBATIM,
    CandidateIndex,
    DiffOp,
    Folded,
    containment,
    containment_alignment,
    grams,
    match,
    relation,
    similarity,
    word_diff,
)
from quotecheck.normalize import tokens, words

FULL = "Assange is a journalist and deserves a chance, I am in favor of pardoning him,"
RETRANSLATED = "Assange is a journalist. He deserves another chance. I am in favor of having him pardoned "


# --- Scores ----------------------------------------------------------------------------------------


def test_similarity_folds_marks_case_accents_and_spellings():
    assert similarity("“We’ll give him PROTECTION.”", "we'll give him protection") == 100
    assert similarity("in favour of López", "In favor of Lopez") == 100


def test_containment_finds_a_fragment_in_a_long_quotation():
    long = "assange is a journalist and deserves a chance i am in favor of pardoning him"
    assert containment("deserves a chance", long) == 100
    assert containment(long, "deserves a chance") == 100  # either order: the shorter in the longer


def test_containment_tolerates_a_changed_word_in_a_fragment():
    assert containment("deserves another chance", FULL) >= CONTAINMENT_THRESHOLD


def test_containment_alignment_gives_word_spans_of_each_text():
    aligned = containment_alignment("deserves another chance", FULL)
    assert (aligned.src_start, aligned.src_end) == (0, 3)
    assert words(FULL)[aligned.dest_start : aligned.dest_end] == ["deserves", "a", "chance"]
    swapped = containment_alignment(FULL, "deserves another chance")
    assert (swapped.src_start, swapped.src_end, swapped.dest_start, swapped.dest_end) == (5, 8, 0, 3)


def test_score_cutoff_returns_zero_below_it():
    assert similarity("abc", "xyz", score_cutoff=50) == 0
    assert containment("deserves another chance", FULL, score_cutoff=99) == 0


def test_scorers_work_with_rapidfuzz_process():
    from rapidfuzz import process

    best = process.extractOne("deserves a chance", [FULL, "Our tradition is protection"], scorer=containment)
    assert best[0] == FULL


def _best_window(short: str, long: str) -> float:
    """Slow oracle: the best fuzz.ratio of `short` against every whole-word window of `long`."""
    s, w = Folded.of(short), words(long)
    return max(
        (fuzz.ratio(s.text, " ".join(w[i:j])) for i in range(len(w)) for j in range(i + 1, len(w) + 1)),
        default=0.0,
    )


VOCABULARY = ["assange", "is", "a", "journalist", "and", "deserves", "chance", "i", "am", "in", "favor", "of"]
phrases = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=12).map(" ".join)


# Invented remarks for the unit and overlap links: one long quotation holding two sentences, and
# two outlets cutting one remark at different places.
HARBOUR = "The harbour will reopen to every fishing boat before the summer season begins"
HARBOUR_SPEECH = (
    "We listened to the families for months and we changed the plan twice. " + HARBOUR + " and nobody will be left out."
)
CUT_EARLY = "We listened to the families for months, and the harbour will reopen to every fishing boat"
CUT_LATE = "The harbour will reopen to every fishing boat before the summer season begins, all of them"


def test_a_separate_unit_is_no_match_but_a_link_when_asked():
    assert match(HARBOUR, HARBOUR_SPEECH) is None
    found = match(HARBOUR, HARBOUR_SPEECH, units=True)
    assert found is not None and found.how == "unit" and found.score == 100.0
    words_of_speech = Folded.of(HARBOUR_SPEECH).words
    start, end = found.spans[1]
    assert " ".join(words_of_speech[start:end]) == Folded.of(HARBOUR).text
    assert found.spans[0] == (0, len(Folded.of(HARBOUR).words))
    # a loose fit of a separate unit is not a link: a shared stock phrase, not the passage
    assert match("The harbour will reopen to every boat we own when the summer begins", HARBOUR_SPEECH, units=True) is None


def test_overlap_finds_the_run_one_ends_and_the_other_begins_with():
    early, late = Folded.of(CUT_EARLY), Folded.of(CUT_LATE)
    run = matching.overlap(early, late)
    assert run is not None
    (a_start, a_end), (b_start, b_end) = run
    assert early.words[a_start:a_end] == late.words[b_start:b_end]
    assert a_end == len(early.words) and b_start == 0
    assert matching.overlap(late, early) == ((b_start, b_end), (a_start, a_end))
    assert match(CUT_EARLY, CUT_LATE) is None
    assert match(CUT_EARLY, CUT_LATE, units=True).how == "overlap"


def test_a_cut_that_overlaps_the_reference_is_truncated():
    found = relation(CUT_LATE, CUT_EARLY)
    assert found.kind == TRUNCATED
    removed = [word for step in found.changes for word in step.reference_words]
    assert removed[:2] == ["We", "listened"]  # changes against the whole reference


def test_overlap_needs_a_run_of_content_words_at_the_edges():
    # the same run in the middle of both: shared words, not two cuts of one remark
    middle = "Yesterday " + HARBOUR.lower() + " and then"
    assert matching.overlap(Folded.of("As I said, " + HARBOUR.lower() + " said Smith and others"), Folded.of(middle)) is None
    # a run of stopwords at the edges is no overlap
    assert matching.overlap(Folded.of("x y z and it was what it is for us"), Folded.of("and it was what it is for us now")) is None


@settings(max_examples=150, deadline=None)
@given(phrases, phrases)
def test_containment_never_beats_the_best_window_and_finds_exact_parts(a, b):
    short, long = sorted((a, b), key=lambda t: len(t.split()))
    score = containment(short, long)
    assert score <= _best_window(short, long) + 1e-9
    if f" {short} " in f" {long} ":
        assert score == 100


# --- Match ---------------------------------------------------------------------------------------------


def test_match_links_the_fixture_versions():
    for variant in (
        "Assange is a journalist and deserves a chance,",
        "deserves a chance,",
        "in favor of pardoning him",
        RETRANSLATED,
    ):
        assert match(variant, FULL) is not None, variant


def test_match_rejects_a_shared_opening_with_a_different_ending():
    assert match("Our tradition is protection", "Our tradition is to offer asylum") is None
    assert match("We’ll give him protection.", FULL) is None


def test_match_needs_two_content_words_for_containment():
    assert match("a chance", FULL) is None
    assert match("torture", "they call his detention torture and worse") is None


def test_speakerless_match_is_strict_and_only_as_the_contained_one():
    assert match("deserves a chance", FULL, speakerless=True) is None  # too short
    assert match("Assange is a journalist and deserves a chance,", FULL, speakerless=True) is not None
    assert match(FULL, "Assange is a journalist and deserves a chance,", speakerless=True) is None


@settings(max_examples=150, deadline=None)
@given(phrases, phrases)
def test_match_is_symmetric(a, b):
    for units in (False, True):
        forward, backward = match(a, b, units=units), match(b, a, units=units)
        assert (forward is None) == (backward is None)
        if forward is not None and backward is not None:
            assert (forward.score, forward.how) == (backward.score, backward.how)
            if forward.spans is not None and forward.how != "overlap":
                assert backward.spans == (forward.spans[1], forward.spans[0])


# --- Relation ------------------------------------------------------------------------------------------


def test_relations_of_the_fixture_versions():
    assert relation("Assange is a journalist and deserves a chance, I am in favor of pardoning him", FULL).kind == VERBATIM
    assert relation("“ASSANGE is a journalist and deserves a chance”", FULL).kind == TRUNCATED
    assert relation("deserves a chance,", FULL).kind == FRAGMENT
    assert relation("in favor of pardoning him", FULL).kind == FRAGMENT
    assert relation(RETRANSLATED, FULL).kind == REWORDED
    assert relation(FULL + " We’ll give him protection.", FULL).kind == EXTENDED


def test_reworded_records_which_words_changed():
    found = relation(RETRANSLATED, FULL)
    assert found.changes == (
        DiffOp("replace", ("and",), ("He",)),
        DiffOp("replace", ("a",), ("another",)),
        DiffOp("replace", ("pardoning",), ("having",)),
        DiffOp("insert", (), ("pardoned",)),
    )


def test_a_fragment_with_a_changed_word_reports_the_change_within_its_span():
    found = relation("deserves another chance", FULL)
    assert found.kind == FRAGMENT
    assert found.span == (5, 8)
    assert found.changes == (DiffOp("replace", ("a",), ("another",)),)


def test_a_cut_with_a_word_changed_is_reworded_not_truncated():
    assert relation("Assange is a journalist and deserves another chance", FULL).kind == REWORDED


def test_most_words_changed_is_a_paraphrase():
    reference = "The economy is growing faster than anyone expected this year"
    assert relation("Our economic output rises more quickly than forecast in twelve months", reference).kind == PARAPHRASE


def test_one_more_word_is_a_rewording_three_more_an_extension():
    reference = "we will give him protection and asylum here"
    assert relation("we will give him full protection and asylum here", reference).kind == REWORDED
    assert relation("we will give him protection and asylum here, today", reference).kind == EXTENDED  # exact inside
    assert relation("we shall give him protection and asylum here today", reference).kind == REWORDED
    assert relation("we will give him protection and asylum here, said the president today", reference).kind == EXTENDED


unicode_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60
) | st.lists(st.sampled_from(VOCABULARY + ["López", "“", "”", ",", ".", "’", "Ǆ", "ﬁ", "½"]), max_size=15).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(unicode_text, unicode_text)
def test_relation_never_fails_and_stays_in_bounds(variant, reference):
    found = relation(variant, reference)
    assert found.kind in matching.RELATIONS
    assert 0 <= found.similarity <= 100 and 0 <= found.containment <= 100
    assert 0 <= found.span[0] <= found.span[1] <= len(words(reference))
    assert all(op.op != "equal" for op in found.changes)


# --- Word diff ---------------------------------------------------------------------------------------------


def test_word_diff_keeps_printed_words():
    assert word_diff("“We’ll give him protection.”", "we'll give him PROTECTION") == [
        DiffOp("equal", ("we'll", "give", "him", "PROTECTION"), ("We’ll", "give", "him", "protection")),
    ]


def test_word_diff_of_a_truncation_is_one_deletion():
    assert word_diff("Assange is a journalist and deserves a chance,", FULL)[1] == DiffOp(
        "delete", ("I", "am", "in", "favor", "of", "pardoning", "him"), ()
    )


def _applied(diff: list[DiffOp]) -> list[str]:
    return [word for op in diff for word in op.variant_words]


@settings(max_examples=300, deadline=None)
@given(unicode_text, unicode_text)
def test_word_diff_applied_to_the_reference_gives_the_variant(variant, reference):
    diff = word_diff(variant, reference)
    assert _applied(diff) == [t.printed for t in tokens(variant)]
    assert [w for op in diff for w in op.reference_words] == [t.printed for t in tokens(reference)]
    assert {op.op for op in diff} <= {"equal", "insert", "delete", "replace"}


@settings(max_examples=200, deadline=None)
@given(unicode_text)
def test_tokens_align_with_words(text):
    assert [t.folded for t in tokens(text)] == words(text)
    for token in tokens(text):
        assert token.printed in text


# --- Candidate index ---------------------------------------------------------------------------------------


def test_grams_skip_stopword_only_bigrams():
    assert grams(["deserves", "a", "chance"]) == {"deserves", "chance", "deserves a", "a chance"}
    assert "of the" not in grams(["of", "the", "people"])


def test_short_fragments_find_the_long_quotations_containing_them():
    index = CandidateIndex()
    index.add(1, words(FULL), "amlo")
    index.add(2, words("Our tradition is protection"), "amlo")
    index.add(3, words("We’ll give him protection."), "amlo")
    assert index.candidates(words("deserves a chance"), "amlo") == [1]
    assert index.candidates(words("in favor of pardoning him"), "amlo") == [1]
    assert index.candidates(words("deserves another chance"), "amlo") == [1]
    assert 3 in index.candidates(words("give him protection"), "amlo")


def test_candidates_only_come_from_comparable_speakers():
    index = CandidateIndex()
    index.add(1, words(FULL), "amlo")
    index.add(2, words(FULL), "ebrard")
    index.add(3, words(FULL), None)
    assert index.candidates(words("deserves a chance"), "amlo") == [1, 3]
    assert index.candidates(words("deserves a chance"), "someone new") == [3]
    assert index.candidates(words("deserves a chance"), None) == [1, 2, 3]


def test_too_common_grams_stop_counting_whatever_the_order():
    texts = {k: words(f"the economy {w} today") for k, w in enumerate(["grows", "shrinks", "stalls", "booms"])}
    forward, backward = CandidateIndex(max_postings=3), CandidateIndex(max_postings=3)
    crossed = set()
    for key, ws in texts.items():
        crossed |= forward.add(key, ws, "amlo", report=True)
    for key, ws in reversed(texts.items()):
        backward.add(key, ws, "amlo")
    assert crossed == {0, 1, 2, 3}  # the fourth made "economy" too common: all four shared it
    assert forward.posting("economy", "amlo") == [] == backward.posting("economy", "amlo")
    assert forward.candidates(texts[0], "amlo", exclude=0) == backward.candidates(texts[0], "amlo", exclude=0) == []


def test_a_gram_common_for_one_speaker_still_counts_for_another():
    index = CandidateIndex(max_postings=2)
    for key, word in enumerate(["grows", "shrinks", "stalls"]):
        index.add(key, words(f"the economy {word} today"), "amlo")
    index.add(3, words("the economy grows today"), "ebrard")
    index.add(4, words("the economy is fine today"), "ebrard")
    assert index.posting("economy", "amlo") == []
    assert index.posting("economy", "ebrard") == [3, 4]
    assert index.posting("economy", None) == []  # four versions have it overall


SPEAKERS = st.sampled_from(["amlo", "ebrard", None])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(phrases, SPEAKERS), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_candidates_match_a_brute_force_oracle(items, rng):
    bound = 3
    index = CandidateIndex(max_postings=bound, min_shared=0.2)
    order = list(enumerate(items))
    rng.shuffle(order)
    for key, (text, speaker) in order:
        index.add(key, words(text), speaker)
    every = [(grams(words(text)), speaker) for text, speaker in items]

    def counts(gram: str, other: str | None, speaker: str | None) -> bool:
        if speaker is None or other is None:
            return sum(gram in g for g, _ in every) <= bound
        return sum(gram in g and s == speaker for g, s in every) <= bound

    for key, (found, speaker) in enumerate(every):
        expected = set()
        for other, (theirs, their_speaker) in enumerate(every):
            if other == key or (speaker and their_speaker and speaker != their_speaker):
                continue
            shared = {g for g in found & theirs if counts(g, their_speaker, speaker)}
            if shared and len(shared) >= 0.2 * min(len(found), len(theirs)):
                expected.add(other)
        assert set(index.candidates(words(items[key][0]), speaker, exclude=key)) == expected
