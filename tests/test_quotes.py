"""Quotation spans and kinds, on short articles written for these tests."""

from hypothesis import given, settings
from hypothesis import strategies as st

from quotecheck.extract import extract_text
from quotecheck.quotes import find_spans


def texts(article: str) -> list[str]:
    return [article[span.start : span.end] for span in find_spans(article)]


def test_curly_and_straight_double_quotes():
    article = 'The mayor said “the bridge will open in May.” Critics said "it will not."'
    assert texts(article) == ["the bridge will open in May.", "it will not."]


def test_mixed_pair_straight_opening_curly_closing():
    article = '"We have done our part,” the minister said. “Now it is your turn.”'
    assert texts(article) == ["We have done our part,", "Now it is your turn."]


def test_apostrophes_are_never_quotation_marks():
    article = "The council’s plan, which didn’t pass in the ’90s, returns. ‘It’s back,’ she said of the city's plan."
    assert texts(article) == ["It’s back,"]


def test_plural_possessive_inside_single_quotes():
    article = "‘The farmers’ anger is real,’ the senator said."
    assert texts(article) == ["The farmers’ anger is real,"]


def test_marks_glued_to_the_next_word():
    article = "“We will rebuild the harbour”she said, and “soon”he added."
    assert texts(article) == ["We will rebuild the harbour", "soon"]


def test_space_before_the_closing_mark_is_kept():
    article = "“We will not give up ”. That was all."
    assert texts(article) == ["We will not give up "]


def test_split_quotation_gives_two_spans():
    article = "“The river is rising,” the engineer said. “We must leave tonight.”"
    assert texts(article) == ["The river is rising,", "We must leave tonight."]


def test_nested_quotation_comes_after_its_outer_one():
    article = "“They keep calling it ‘a minor delay’ but it is not,” the pilot said."
    spans = find_spans(article)
    assert [article[s.start : s.end] for s in spans] == [
        "They keep calling it ‘a minor delay’ but it is not,",
        "a minor delay",
    ]
    assert [s.depth for s in spans] == [0, 1]


def test_unclosed_quotation_stops_at_its_paragraph_and_is_suspect():
    article = "He said “this will never end\n\nThe next paragraph is the reporter's own. “Fine,” she said."
    spans = find_spans(article)
    assert article[spans[0].start : spans[0].end] == "this will never end"
    assert spans[0].suspect
    assert "reporter" not in article[spans[0].start : spans[0].end]
    assert article[spans[1].start : spans[1].end] == "Fine,"


def test_multi_paragraph_quotation_is_one():
    article = "“The first part goes on.\n\n“The second part goes on.\n\n“And it ends here,” she said."
    spans = find_spans(article)
    assert len(spans) == 1
    assert article[spans[0].start : spans[0].end].endswith("And it ends here,")
    assert not spans[0].suspect


def test_guillemets_and_german_quotes():
    assert texts("Le ministre a déclaré : « Nous tiendrons bon. »") == [" Nous tiendrons bon. "]
    assert texts("Die Ministerin sagte, „das ist erst der Anfang“, und ging.") == ["das ist erst der Anfang"]
    assert texts("Er sprach von »einer neuen Zeit« und schwieg.") == ["einer neuen Zeit"]
    assert texts("Il a parlé de ‹ nouvelles règles ›.") == [" nouvelles règles "]


def test_opening_mark_used_as_closing_mark():
    article = "The word “merde” (“s—“) is rude."
    assert texts(article) == ["merde", "s—"]


def test_a_letter_between_apostrophes_is_no_quotation():
    article = "They played rock ’n’ roll and rock 'n' roll all night, said the ‘owner’."
    assert texts(article) == ["owner"]


def test_kinds():
    article = (
        "Mayor Ana Ruiz said the plan was “reckless,” adding that it would “hurt every family in town.”\n"
        "“We will fight this in court. We will win,” Ruiz told reporters.\n"
        "The town has seen many “improvements” over the years."
    )
    kinds = {q.text: q.kind for q in extract_text(article)}
    assert kinds["reckless,"] == "fragment"
    assert kinds["We will fight this in court. We will win,"] == "direct"
    assert kinds["improvements"] == "scare"


def test_a_short_quotation_someone_is_said_to_speak_is_not_a_scare_quote():
    # the speaker is a pronoun or a description the article never names: still somebody's words
    article = (
        "Asked whether he would run again, the senator shrugged.\n\n"
        "“We’ll see,” he added.\n\n"
        "‘We won,’ she said, beaming.\n\n"
        "“It’s over,” said coach Mika Laine.\n\n"
        "“The economy,” the governor said, “is stronger than ever.”\n\n"
        "The minister said the plan was “dead on arrival.”"
    )
    kinds = {q.text: (q.kind, q.speaker) for q in extract_text(article)}
    assert kinds["We’ll see,"] == ("direct", None)
    assert kinds["We won,"] == ("direct", None)
    assert kinds["It’s over,"] == ("direct", "Mika Laine")
    assert kinds["The economy,"][0] == "direct"
    assert kinds["is stronger than ever."][0] != "scare"
    # woven in with nobody named behind it: a scare quote, as before
    assert kinds["dead on arrival."] == ("scare", None)


def test_scare_quote_has_no_speaker():
    article = "Police Chief Tom Berg said the so-called “caravans” were a myth."
    quotation = extract_text(article)[0]
    assert quotation.kind == "scare" or quotation.speaker == "Tom Berg"
    article = "The so-called “caravans” crossed the border on Tuesday."
    quotation = extract_text(article)[0]
    assert (quotation.kind, quotation.speaker) == ("scare", None)


def test_title_like_quotation_is_scare():
    article = "She will chair the ‘Ocean Future Forum’ in Lisbon, the minister said."
    assert extract_text(article)[0].kind == "scare"


def test_one_capitalized_word_after_an_article_or_preposition_is_a_name():
    article = "“We will win,” Mayor Aron Feld told the «Courier» on Tuesday, in an interview au «Matin»."
    kinds = {q.text: (q.kind, q.speaker) for q in extract_text(article)}
    assert kinds["Courier"] == ("scare", None)
    assert kinds["Matin"] == ("scare", None)
    # a word the speaker used stays his, and a German noun is capitalized whatever it is
    assert extract_text("Mayor Aron Feld said the word “Angst” explained it.")[0].kind == "fragment"


def test_short_quotation_in_a_heading_is_scare_and_no_continuation():
    article = (
        "“The harbour will reopen next spring,” Mayor Aron Feld said on Monday.\n\n"
        "‘A long cold winter’ for the fishermen\n\n"
        "The fleet has been idle since March."
    )
    heading = extract_text(article)[1]
    assert (heading.text, heading.kind, heading.speaker) == ("A long cold winter", "scare", None)


def test_a_quoted_sentence_standing_alone_is_still_a_continuation():
    article = (
        "“The harbour will reopen next spring,” Mayor Aron Feld said on Monday.\n\n"
        "“A long cold winter is behind us.”"
    )
    last = extract_text(article)[1]
    assert (last.kind, last.speaker) == ("direct", "Aron Feld")


def test_names_and_labels_are_scare_even_beside_a_speaker():
    article = (
        "Mayor Aron Feld said the so-called “green tax” would go. The levy, dubbed the “farm penalty” "
        "by its critics, is unpopular. Feld, known as “the Bulldozer”, was re-elected."
    )
    assert [(q.kind, q.speaker) for q in extract_text(article)] == [("scare", None)] * 3


def test_a_group_opening_a_sentence_is_no_name():
    article = "Mayor Aron Feld defended the levy. Critics called it a “stunt”."
    assert extract_text(article)[0].speaker is None


# -- properties --------------------------------------------------------------------------------

marks = st.sampled_from(list("\"'“”‘’«»„‹›"))
pieces = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    marks,
    st.sampled_from([" ", "\n", "\n\n", ", he said. ", "said", "Mr. Jones", " Anna Berg said: "]),
)
article_text = st.lists(pieces, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(article_text)
def test_extraction_never_raises_and_offsets_slice_back(text):
    quotations = extract_text(text)
    for quotation in quotations:
        assert text[quotation.start : quotation.end] == quotation.text
        assert 0 < quotation.start <= quotation.end <= len(text)
        assert quotation.kind in ("direct", "fragment", "scare")


@settings(max_examples=150, deadline=None)
@given(article_text)
def test_extraction_is_deterministic(text):
    assert extract_text(text) == extract_text(text)


@settings(max_examples=150, deadline=None)
@given(article_text)
def test_no_quotation_crosses_an_unclosed_paragraph(text):
    for span in find_spans(text):
        if span.close_at is None:
            assert "\n" not in text[span.start : span.end]
