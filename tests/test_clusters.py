"""Clusters of quotation versions (quotecheck.clusters): the fixture event, precision, order
independence and incremental assignment."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from quotecheck.clusters import Clustering, QuoteRecord, assign, describe, rebuild, reference_version
from quotecheck.matching import EXTENDED, FRAGMENT, REWORDED, TRUNCATED, VERBATIM

AMLO = "Andrés Manuel López Obrador"


def fixture_records() -> list[QuoteRecord]:
    """The quotations of the five fixture articles (ingest order = article order)."""
    rows = [
        # RT, 2021-01-04
        (AMLO, "Assange is a journalist and deserves a chance, I am in favor of pardoning him,", "2021-01-04", 1, "RT", "direct"),
        (AMLO, "we’ll give him protection.", "2021-01-04", 1, "RT", "direct"),
        (AMLO, "Our tradition is protection,", "2021-01-04", 1, "RT", "direct"),
        (None, "caravans", "2021-01-04", 1, "RT", "scare"),
        # Institute of Mass Information (Reuters), 2021-01-05
        (AMLO, "Assange is a journalist and deserves a chance,", "2021-01-05T11:41", 2, "IMI (Reuters)", "direct"),
        (AMLO, "We’ll give him protection.", "2021-01-05T11:41", 2, "IMI (Reuters)", "direct"),
        ("Mark Feierstein", "Lopez Obrador seems to be making an effort to damage U.S. relations just as Joe Biden prepares to take office,", "2021-01-05T11:41", 2, "IMI (Reuters)", "direct"),
        (AMLO, "torture", "2021-01-05T11:41", 2, "IMI (Reuters)", "fragment"),
        (AMLO, "authoritarian", "2021-01-05T11:41", 2, "IMI (Reuters)", "fragment"),
        # The Epoch Times, 2021-01-04
        (AMLO, "I’m going to ask the foreign minister to carry out the relevant procedures to request that the UK government releases Mr. Assange and that Mexico offers him political asylum,", "2021-01-04", 3, "The Epoch Times", "direct"),
        (AMLO, "deserves a chance,", "2021-01-04", 3, "The Epoch Times", "fragment"),
        (AMLO, "in favor of pardoning him", "2021-01-04", 3, "The Epoch Times", "fragment"),
        (AMLO, "give him protection.", "2021-01-04", 3, "The Epoch Times", "fragment"),
        (AMLO, "torture", "2021-01-04", 3, "The Epoch Times", "fragment"),
        (AMLO, "authoritarian", "2021-01-04", 3, "The Epoch Times", "fragment"),
        # Vikendi, 2022-01-03
        (AMLO, "It would be a sign of solidarity, of brotherhood, to give him asylum in the country where Assange decides to live, including Mexico", "2022-01-03", 4, "Vikendi", "direct"),
        (AMLO, "I’m glad the UK doesn’t approve extradition to the US", "2022-01-03", 4, "Vikendi", "direct"),
        (AMLO, "Assange is a journalist. He deserves another chance. I am in favor of having him pardoned ", "2022-01-03", 4, "Vikendi", "direct"),
        # VICE News, 2021-01-04
        (AMLO, "a triumph of justice.", "2021-01-04", 5, "VICE News", "fragment"),
        (AMLO, "Assange is a journalist and deserves a chance, I am in favor of pardoning him,", "2021-01-04", 5, "VICE News", "direct"),
        (AMLO, "We’ll give him protection.", "2021-01-04", 5, "VICE News", "direct"),
        (AMLO, "torture.", "2021-01-04", 5, "VICE News", "fragment"),
    ]
    return [
        QuoteRecord(id=i, speaker=s, text=t, published=d, order=o, outlet=out, kind=k)
        for i, (s, t, d, o, out, k) in enumerate(rows, start=1)
    ]


def text_sets(clusters) -> set[frozenset[str]]:
    """Clusters as sets of the texts they hold (readable in a failing assertion)."""
    records = {r.id: r for r in fixture_records()}
    return {frozenset(records[m.quote_id].text for m in c.members) for c in clusters}


def test_fixture_event_clusters():
    clusters = rebuild(fixture_records())
    assert text_sets(clusters) == {
        frozenset({
            "Assange is a journalist and deserves a chance, I am in favor of pardoning him,",
            "Assange is a journalist and deserves a chance,",
            "deserves a chance,",
            "in favor of pardoning him",
            "Assange is a journalist. He deserves another chance. I am in favor of having him pardoned ",
        }),
        frozenset({"we’ll give him protection.", "We’ll give him protection.", "give him protection."}),
        frozenset({"Our tradition is protection,"}),
        frozenset({"I’m glad the UK doesn’t approve extradition to the US"}),
        frozenset({"Lopez Obrador seems to be making an effort to damage U.S. relations just as Joe Biden prepares to take office,"}),
        frozenset({"torture", "torture."}),
        frozenset({"authoritarian"}),
        frozenset({"I’m going to ask the foreign minister to carry out the relevant procedures to request that the UK government releases Mr. Assange and that Mexico offers him political asylum,"}),
        frozenset({"It would be a sign of solidarity, of brotherhood, to give him asylum in the country where Assange decides to live, including Mexico"}),
        frozenset({"a triumph of justice."}),
    }


def test_fixture_cluster_reference_first_appearance_and_relations():
    chance = next(c for c in rebuild(fixture_records()) if "deserves a chance" in c.reference_text)
    assert chance.reference_text == "Assange is a journalist and deserves a chance, I am in favor of pardoning him,"
    assert (chance.reference_id, chance.first_id, chance.first_outlet, chance.first_published) == (1, 1, "RT", "2021-01-04")
    assert chance.speaker == AMLO
    assert (chance.quotations, chance.versions, chance.outlets) == (6, 5, 5)
    relations = {m.outlet + ": " + m.text: m.relation for m in chance.members}
    assert relations == {
        "RT: Assange is a journalist and deserves a chance, I am in favor of pardoning him,": VERBATIM,
        "The Epoch Times: deserves a chance,": FRAGMENT,
        "The Epoch Times: in favor of pardoning him": FRAGMENT,
        "VICE News: Assange is a journalist and deserves a chance, I am in favor of pardoning him,": VERBATIM,
        "IMI (Reuters): Assange is a journalist and deserves a chance,": TRUNCATED,
        "Vikendi: Assange is a journalist. He deserves another chance. I am in favor of having him pardoned ": REWORDED,
    }
    # members come in order of appearance: date, then ingest order
    assert [m.outlet for m in chance.members] == ["RT", "The Epoch Times", "The Epoch Times", "VICE News", "IMI (Reuters)", "Vikendi"]
    retranslation = chance.members[-1]
    assert [(op.op, op.reference_words, op.variant_words) for op in retranslation.changes][:2] == [
        ("replace", ("and",), ("He",)),
        ("replace", ("a",), ("another",)),
    ]


def test_scare_quotes_are_left_out_unless_asked_for():
    records = fixture_records()
    scare = next(r for r in records if r.kind == "scare")
    assert scare.id not in assign(records)
    assert Clustering(records).cluster_of(scare.id) is None
    assert scare.id in assign(records, include_scare=True)


# --- Precision: what must not merge -----------------------------------------------------------------------


SAME_SPEAKER_DIFFERENT_UTTERANCES = [
    "Assange is a journalist and deserves a chance, I am in favor of pardoning him",
    "Assange is not a spy, he is a journalist who told the truth about the wars",
    "I am in favor of dialogue with the United States on migration and trade",
    "Our tradition is protection",
    "Our tradition is to offer asylum to those who are persecuted",
    "We’ll give him protection",
    "We will give them all the support they need to rebuild their homes",
    "The economy is growing faster than anyone expected this year",
    "The economy is in trouble and we need to act now to protect jobs",
    "I’m glad the UK doesn’t approve extradition to the US",
    "I’m glad the court recognised the rights of indigenous communities",
    "Mexico will not interfere in the affairs of other countries",
    "Mexico will not pay for any wall, not now and not ever",
    "deserves a better life",
    "the people deserve a government that does not lie to them",
]


def test_different_utterances_of_one_speaker_sharing_words_stay_apart():
    records = [QuoteRecord(i, AMLO, text) for i, text in enumerate(SAME_SPEAKER_DIFFERENT_UTTERANCES, start=1)]
    assert all(len(ids) == 1 for ids in Clustering(records).groups().values())


def test_different_speakers_never_merge_even_word_for_word():
    records = [
        QuoteRecord(1, AMLO, "We will give him protection and asylum"),
        QuoteRecord(2, "Marcelo Ebrard", "We will give him protection and asylum"),
        QuoteRecord(3, "marcelo EBRARD", "give him protection and asylum"),
    ]
    groups = Clustering(records).groups()
    assert sorted(groups.values()) == [[1], [2, 3]]  # speakers compared after folding


def test_speakerless_quotation_joins_only_a_close_match():
    records = [
        QuoteRecord(1, AMLO, "Assange is a journalist and deserves a chance, I am in favor of pardoning him"),
        QuoteRecord(2, None, "Assange is a journalist and deserves a chance, I am in favor of pardoning him."),
        QuoteRecord(3, None, "Assange is a journalist and deserves a chance"),
        QuoteRecord(4, None, "deserves a chance"),  # too short to attribute by text alone
    ]
    assert sorted(Clustering(records).groups().values()) == [[1, 2, 3], [4]]


def test_a_long_speakerless_quotation_does_not_join_what_it_contains():
    records = [
        QuoteRecord(1, AMLO, "Assange is a journalist and deserves a chance, I am in favor of pardoning him"),
        QuoteRecord(5, None, "He said that Assange is a journalist and deserves a chance, I am in favor of pardoning him, and more"),
    ]
    assert sorted(Clustering(records).groups().values()) == [[1], [5]]


def test_a_fragment_found_equally_in_two_utterances_stays_apart():
    records = [
        QuoteRecord(1, AMLO, "We will make this country great again, and the people will see it"),
        QuoteRecord(2, AMLO, "Nobody believed we could make this country great again in four years"),
        QuoteRecord(3, AMLO, "make this country great again"),
    ]
    assert sorted(Clustering(records).groups().values()) == [[1], [2], [3]]


def test_a_fragment_matching_two_utterances_joins_the_better_one_without_chaining():
    records = [
        QuoteRecord(1, AMLO, "Every migrant deserves a chance at a decent job and a safe home in this country"),
        QuoteRecord(2, AMLO, "Assange is a journalist and deserves a chance, I am in favor of pardoning him"),
        QuoteRecord(3, AMLO, "deserves a chance at a decent job"),
        QuoteRecord(4, AMLO, "deserves a chance"),
    ]
    groups = sorted(Clustering(records).groups().values())
    assert [1, 3] in groups or [1, 3, 4] in groups
    assert not any({1, 2} <= set(g) for g in groups)


# Invented remarks for rule 5: a long quotation that holds one remark printed on its own, or two.
HARBOUR = "The harbour will reopen to every fishing boat before the summer season begins"
SCHOOLS = "Every school in the district will have a nurse and a psychologist by next autumn"
HARBOUR_SPEECH = "We listened to the families for months and we changed the plan twice. " + HARBOUR
# between the two remarks, so that each is less than half of the whole (matching.SEPARATE_UNIT_SHARE)
BETWEEN = "I know that many of you have waited far too long for this, and I thank you for your patience"


def test_a_long_quotation_joins_the_one_remark_it_holds_that_was_printed_on_its_own():
    records = [
        QuoteRecord(1, AMLO, HARBOUR_SPEECH),
        QuoteRecord(2, AMLO, HARBOUR),
        QuoteRecord(3, AMLO, HARBOUR + "."),
        QuoteRecord(4, AMLO, "the summer season"),  # a fragment of both: no longer ambiguous
    ]
    assert sorted(Clustering(records).groups().values()) == [[1, 2, 3, 4]]


def test_a_long_quotation_holding_two_remarks_glues_neither():
    records = [
        QuoteRecord(1, AMLO, ". ".join([HARBOUR, BETWEEN, SCHOOLS])),
        QuoteRecord(2, AMLO, HARBOUR),
        QuoteRecord(3, AMLO, SCHOOLS),
    ]
    assert sorted(Clustering(records).groups().values()) == [[1], [2], [3]]


def test_two_cuts_of_one_remark_that_overlap_join():
    records = [
        QuoteRecord(1, AMLO, "We listened to the families for months, and the harbour will reopen to every fishing boat"),
        QuoteRecord(2, AMLO, "The harbour will reopen to every fishing boat before the summer season begins, all of them"),
        QuoteRecord(3, "Marcelo Ebrard", "The harbour will reopen to every fishing boat before the summer season begins, all of them"),
    ]
    assert sorted(Clustering(records).groups().values()) == [[1, 2], [3]]


def test_a_remark_linked_to_two_long_quotations_merges_neither():
    # the remark is the sole passage of each long quotation, but a phrase found in two different
    # long quotations is a phrase the speaker repeats, not evidence of one remark
    records = [
        QuoteRecord(1, AMLO, f"On the first day I told the mayor so, and I tell you the same today. {HARBOUR}, I promise you all"),
        QuoteRecord(2, AMLO, f"The unions asked for it again and again, for years. {HARBOUR}. On Friday they got it in writing, signed by all"),
        QuoteRecord(3, AMLO, HARBOUR),
    ]
    assert sorted(Clustering(records).groups().values()) == [[1], [2], [3]]


def test_a_second_remark_arriving_later_splits_the_long_quotation_off_as_a_rebuild_does():
    records = [QuoteRecord(1, AMLO, ". ".join([HARBOUR, BETWEEN, SCHOOLS])), QuoteRecord(2, AMLO, HARBOUR)]
    clustering = Clustering(records)
    assert sorted(clustering.groups().values()) == [[1, 2]]
    later = QuoteRecord(3, AMLO, SCHOOLS)
    clustering.add([later])
    assert clustering.groups() == Clustering([*records, later]).groups()
    assert sorted(clustering.groups().values()) == [[1], [2], [3]]


def test_reference_is_the_fullest_version_printed_most_often():
    full = "Assange is a journalist and deserves a chance, I am in favor of pardoning him"
    records = [
        QuoteRecord(1, AMLO, "Assange is a journalist and deserves a chance", "2021-01-03"),
        QuoteRecord(2, AMLO, "Assange is a journalist and deserves a chance", "2021-01-03"),
        QuoteRecord(3, AMLO, "Assange is a journalist and deserves a chance", "2021-01-03"),
        QuoteRecord(4, AMLO, full + ", we will give him protection", "2021-01-05"),
        QuoteRecord(5, AMLO, full, "2021-01-04"),
        QuoteRecord(6, AMLO, full.upper(), "2021-01-04"),
    ]
    assert reference_version(records).id == 5  # full enough and printed twice; the truncation is not full
    cluster = describe(records)
    assert cluster.first_id == 1
    assert {m.quote_id: m.relation for m in cluster.members}[4] == EXTENDED


def test_first_appearance_puts_undated_last_and_breaks_ties_by_ingest_order():
    records = [
        QuoteRecord(1, AMLO, "we will give him protection", None, 0),
        QuoteRecord(2, AMLO, "we will give him protection", "2021-01-04", 7),
        QuoteRecord(3, AMLO, "we will give him protection", "2021-01-04", 5),
    ]
    assert describe(records).first_id == 3


# --- Order independence and incremental assignment ---------------------------------------------------------


BASES = [
    "Assange is a journalist and deserves a chance, I am in favor of pardoning him",
    "We will give him protection and asylum in Mexico if he wants it",
    "The economy is growing faster than anyone expected this year",
    "Our tradition is protection for those persecuted for their ideas",
]


@st.composite
def versions_of(draw, base: str) -> str:
    words = base.split()
    how = draw(st.sampled_from(["verbatim", "cut", "fragment", "swap", "extend", "splice"]))
    if how == "cut":
        start = draw(st.integers(0, len(words) - 4))
        end = draw(st.integers(start + 4, len(words)))
        words = words[start:end]
    elif how == "fragment":
        start = draw(st.integers(0, len(words) - 2))
        words = words[start : start + draw(st.integers(2, 4))]
    elif how == "swap":
        at = draw(st.integers(0, len(words) - 1))
        words[at] = draw(st.sampled_from(["another", "also", "asylum", "chance", "journalist", "fast"]))
    elif how == "extend":
        words = words + draw(st.sampled_from([["said", "the", "president"], ["and", "that", "is", "final"]]))
    elif how == "splice":  # two remarks in one quotation (clusters rule 5)
        other = draw(st.sampled_from(BASES)).split()
        words = words + other if draw(st.booleans()) else other + words
    text = " ".join(words)
    return text.upper() if draw(st.booleans()) else text


@st.composite
def record_sets(draw) -> list[QuoteRecord]:
    n = draw(st.integers(1, 14))
    records = []
    for i in range(1, n + 1):
        base = draw(st.sampled_from(BASES))
        speaker = draw(st.sampled_from([AMLO, "andres manuel lopez obrador", "Marcelo Ebrard", None]))
        kind = draw(st.sampled_from(["direct", "direct", "fragment", "scare"]))
        records.append(QuoteRecord(i, speaker, draw(versions_of(base)), None, i, f"outlet {i % 3}", kind))
    return records


def as_sets(groups: dict[int, list[int]]) -> set[frozenset[int]]:
    return {frozenset(ids) for ids in groups.values()}


@settings(max_examples=150, deadline=None)
@given(record_sets(), st.randoms(use_true_random=False))
def test_shuffling_the_input_gives_the_same_clusters(records, rng):
    shuffled = list(records)
    rng.shuffle(shuffled)
    assert Clustering(shuffled).groups() == Clustering(records).groups()


@settings(max_examples=150, deadline=None)
@given(record_sets(), st.randoms(use_true_random=False), st.integers(2, 50))
def test_incremental_assignment_equals_rebuild(records, rng, max_postings):
    shuffled = list(records)
    rng.shuffle(shuffled)
    incremental = Clustering(max_postings=max_postings)
    at = 0
    while at < len(shuffled):
        step = rng.randint(1, 4)
        changed = incremental.add(shuffled[at : at + step])
        at += step
        # what add() reports is what the state says
        assert all(incremental.cluster_of(q) == cid for q, cid in changed.items())
    assert incremental.groups() == Clustering(records, max_postings=max_postings).groups()


def test_add_reports_the_clusters_that_changed():
    clustering = Clustering(fixture_records()[:3])
    changed = clustering.add([QuoteRecord(100, AMLO, "Assange is a journalist and deserves a chance")])
    assert changed == {1: 1, 100: 1}


def test_incremental_equals_rebuild_when_a_spliced_version_arrives():
    records = [
        QuoteRecord(1, AMLO, "Assange is a journalist and deserves a chance"),
        QuoteRecord(2, AMLO, "I am in favor of pardoning him and giving him asylum"),
    ]
    clustering = Clustering(records)
    assert len(clustering.groups()) == 2
    full = QuoteRecord(3, AMLO, "Assange is a journalist and deserves a chance, I am in favor of pardoning him and giving him asylum")
    clustering.add([full])
    assert clustering.groups() == Clustering([*records, full]).groups()
    # a quotation spliced from two remarks does not glue them together (matching.SEPARATE_UNIT_*)
    assert clustering.cluster_of(1) != clustering.cluster_of(2)


def test_shuffled_fixture_gives_the_same_clusters():
    records = fixture_records()
    expected = as_sets(Clustering(records).groups())
    for seed in range(5):
        shuffled = list(records)
        random.Random(seed).shuffle(shuffled)
        assert as_sets(Clustering(shuffled).groups()) == expected


def test_find_returns_clusters_containing_the_query_best_first():
    clustering = Clustering(fixture_records())
    chance = clustering.cluster_of(1)
    assert clustering.find("deserves a chance") == [(chance, 100.0)]
    assert clustering.find("deserves a chanse")[0][0] == chance  # a typo is tolerated
    assert clustering.find("give him protection")[0] == (clustering.cluster_of(2), 100.0)
    assert clustering.find("nothing of the sort was said") == []
