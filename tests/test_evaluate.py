"""Scoring extraction against gold: locating gold quotes, span/scare/speaker figures, the eval command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotecheck import evaluate as evaluate_module
from quotecheck.cli import cli
from quotecheck.evaluate import (
    GoldArticle,
    GoldError,
    GoldQuotation,
    evaluate,
    evaluation_json,
    load_gold,
    locate_quotations,
    score_article,
)
from quotecheck.models import DIRECT, FRAGMENT, SCARE, Article, Quotation

REPO = Path(__file__).resolve().parent.parent
FIXTURE_GOLD = sorted((REPO / "fixtures" / "gold").glob("*.json"))

# An invented article: two halves of one split quotation, a fragment and a scare quote.
HARBOUR = (
    "“The ferry will run again in June,” said Mayor Inés Varga. “We have waited long enough.”\n"
    "Varga called the delay “absurd” at the meeting.\n"
    "Residents still doubt the so-called “miracle ferry” will come.\n"
)
HARBOUR_GOLD = [
    {
        "quote": "The ferry will run again in June,",
        "kind": "direct",
        "speaker": "Inés Varga",
        "utterance": "ferry-june",
    },
    {
        "quote": "We have waited long enough.",
        "kind": "direct",
        "speaker": "Inés Varga",
        "utterance": "waited-long",
    },
    {"quote": "absurd", "kind": "fragment", "speaker": "Inés Varga", "utterance": "delay-absurd"},
    {"quote": "miracle ferry", "kind": "scare", "speaker": None, "utterance": None},
]


@pytest.fixture
def write_case(tmp_path: Path) -> Callable[..., Path]:
    """write_case(name, body, quotations) -> path of gold/<name>.json, its article in articles/."""

    def write(name: str, body: str, quotations: list[dict[str, object]], *, front: bool = True) -> Path:
        (tmp_path / "articles").mkdir(exist_ok=True)
        (tmp_path / "gold").mkdir(exist_ok=True)
        header = "---\noutlet: Test Gazette\ndate: 2024-03-01\n---\n" if front else ""
        (tmp_path / "articles" / f"{name}.txt").write_text(header + body, encoding="utf-8")
        gold = tmp_path / "gold" / f"{name}.json"
        gold.write_text(
            json.dumps({"article": f"articles/{name}.txt", "quotations": quotations}, ensure_ascii=False),
            encoding="utf-8",
        )
        return gold

    return write


def as_predicted(gold: GoldQuotation, **changes: object) -> Quotation:
    """The Quotation a perfect extractor would return for `gold`, with `changes` applied."""
    fields = {
        "text": gold.quote,
        "start": gold.start,
        "end": gold.end,
        "kind": gold.kind,
        "speaker": gold.speaker,
    }
    fields.update(changes)
    return Quotation(**fields)  # type: ignore[arg-type]


def perfect(gold: GoldArticle) -> Callable[[Article], list[Quotation]]:
    """An extractor that returns exactly the gold quotations of `gold`."""
    return lambda article: [as_predicted(g) for g in gold.quotations]


# --- locating gold ------------------------------------------------------------------------


def test_load_gold_places_every_quote_in_the_body(write_case: Callable[..., Path]) -> None:
    gold = load_gold(write_case("harbour", HARBOUR, HARBOUR_GOLD))
    assert gold.article.text == HARBOUR  # the front matter is not part of the body
    assert [gold.article.text[g.start : g.end] for g in gold.quotations] == [e["quote"] for e in HARBOUR_GOLD]
    assert [g.kind for g in gold.quotations] == [DIRECT, DIRECT, FRAGMENT, SCARE]


def test_a_repeated_quote_maps_to_its_own_occurrence() -> None:
    text = "He said “no” once.\nShe said “no” twice.\n"
    entries = [{"quote": "no", "kind": "fragment", "speaker": s, "utterance": None} for s in ("He", "She")]
    first, second = locate_quotations(text, entries, where="case.json")
    assert (first.start, second.start) == (text.index("no"), text.rindex("no"))


def test_a_nested_quote_lands_inside_the_outer_one() -> None:
    text = "“They told me ‘wait’ and I waited,” he said. Later: “wait”.\n"
    outer_text = "They told me ‘wait’ and I waited,"
    entries = [
        {"quote": outer_text, "kind": "direct", "speaker": "X", "utterance": "u"},
        {"quote": "wait", "kind": "fragment", "speaker": "Y", "utterance": "v"},
    ]
    outer, inner = locate_quotations(text, entries, where="case.json")
    assert outer.start < inner.start < inner.end < outer.end


def test_quote_at_its_marks_is_preferred_to_plain_words() -> None:
    text = "The word torture came up; he called it “torture”.\n"
    entries = [{"quote": "torture", "kind": "fragment", "speaker": "X", "utterance": "u"}]
    (quote,) = locate_quotations(text, entries, where="case.json")
    assert quote.start == text.index("“torture”") + 1


def test_a_quote_not_in_the_article_is_an_error_naming_the_file(write_case: Callable[..., Path]) -> None:
    gold = write_case("harbour", HARBOUR, [{**HARBOUR_GOLD[0], "quote": "The ferry sank"}])
    with pytest.raises(GoldError, match=r"harbour\.json.*quotation 1 'The ferry sank' not found"):
        load_gold(gold)


def test_quotes_out_of_text_order_are_an_error(write_case: Callable[..., Path]) -> None:
    gold = write_case("harbour", HARBOUR, [HARBOUR_GOLD[1], HARBOUR_GOLD[0]])
    with pytest.raises(GoldError, match=r"harbour\.json: quotation 2 .* after the previous quotation"):
        load_gold(gold)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON"),
        ("[]", "is a JSON object"),
        ('{"quotations": []}', "missing 'article'"),
        ('{"article": "articles/harbour.txt"}', "missing 'quotations'"),
        ('{"article": "articles/nowhere.txt", "quotations": []}', "'articles/nowhere.txt' not found"),
        (
            '{"article": "articles/harbour.txt", "quotations": [{"quote": "absurd"}]}',
            "has no 'kind', 'speaker'",
        ),
        (
            '{"article": "articles/harbour.txt", "quotations": '
            '[{"quote": "absurd", "kind": "quip", "speaker": null, "utterance": null}]}',
            "'kind' is 'quip'",
        ),
    ],
)
def test_bad_gold_files_are_errors_naming_the_file(
    write_case: Callable[..., Path], content: str, message: str
) -> None:
    gold = write_case("harbour", HARBOUR, [])
    gold.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError) as error:
        load_gold(gold)
    assert str(error.value).startswith(f"{gold}: ")
    assert message in str(error.value)


# --- scoring ------------------------------------------------------------------------------


@pytest.fixture
def harbour(write_case: Callable[..., Path]) -> GoldArticle:
    return load_gold(write_case("harbour", HARBOUR, HARBOUR_GOLD))


def test_perfect_prediction_scores_one_everywhere(harbour: GoldArticle) -> None:
    figures = evaluate([harbour], extractor=perfect(harbour)).overall
    for score in (figures.spans, figures.spans_lenient, figures.scare, figures.scare_lenient):
        assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert (figures.speakers.correct, figures.speakers.total, figures.speakers.value) == (3, 3, 1.0)
    assert figures.kinds == {(DIRECT, DIRECT): 2, (FRAGMENT, FRAGMENT): 1, (SCARE, SCARE): 1}


def test_a_missed_quote_lowers_recall_and_is_listed(harbour: GoldArticle) -> None:
    predicted = [as_predicted(g) for g in harbour.quotations if g.quote != "absurd"]
    result = score_article("harbour", harbour.quotations, predicted)
    spans = result.figures.spans
    assert (spans.tp, spans.fp, spans.fn) == (2, 0, 1)
    assert spans.precision == 1.0
    assert spans.recall == pytest.approx(2 / 3)
    assert spans.f1 == pytest.approx(0.8)
    assert [miss.text for miss in result.false_negatives] == ["absurd"]
    assert result.false_positives == ()
    assert result.figures.kinds[FRAGMENT, "none"] == 1


def test_a_spurious_quote_lowers_precision() -> None:
    text = "“Yes,” she said, then sighed.\n"
    gold = locate_quotations(
        text, [{"quote": "Yes,", "kind": "direct", "speaker": "A", "utterance": "u"}], where="g"
    )
    extra = Quotation(text="then", start=text.index("then"), end=text.index("then") + 4)
    result = score_article("g", gold, [as_predicted(gold[0]), extra])
    assert result.figures.spans.precision == 0.5
    assert result.figures.spans.recall == 1.0
    assert [miss.text for miss in result.false_positives] == ["then"]


def test_a_wrong_speaker_lowers_speaker_accuracy(harbour: GoldArticle) -> None:
    predicted = [
        as_predicted(g, speaker="Tomas Berg") if g.quote == "absurd" else as_predicted(g)
        for g in harbour.quotations
    ]
    result = score_article("harbour", harbour.quotations, predicted)
    assert result.figures.spans.f1 == 1.0  # the spans are still right
    assert (result.figures.speakers.correct, result.figures.speakers.total) == (2, 3)
    (wrong,) = result.wrong_speakers
    assert (wrong.text, wrong.gold_speaker, wrong.predicted_speaker) == ("absurd", "Inés Varga", "Tomas Berg")


def test_a_missing_speaker_counts_as_wrong(harbour: GoldArticle) -> None:
    predicted = [as_predicted(g, speaker=None) for g in harbour.quotations]
    assert score_article("harbour", harbour.quotations, predicted).figures.speakers.value == 0.0


@pytest.mark.parametrize("written", ["ines varga", "INES VARGA", "Inés  Varga", "Ines Varga"])
def test_speakers_match_whatever_their_case_and_accents(harbour: GoldArticle, written: str) -> None:
    predicted = [as_predicted(g, speaker=written if g.speaker else None) for g in harbour.quotations]
    assert score_article("harbour", harbour.quotations, predicted).figures.speakers.value == 1.0


def test_scare_quotes_are_scored_apart_and_left_out_of_speaker_accuracy(harbour: GoldArticle) -> None:
    # The scare quote comes out as a direct quotation with a speaker: a spurious span and a missed scare.
    predicted = [
        as_predicted(g, kind=DIRECT, speaker="Inés Varga") if g.kind == SCARE else as_predicted(g)
        for g in harbour.quotations
    ]
    figures = score_article("harbour", harbour.quotations, predicted).figures
    assert (figures.spans.tp, figures.spans.fp, figures.spans.fn) == (3, 1, 0)
    assert (figures.scare.tp, figures.scare.fp, figures.scare.fn) == (0, 0, 1)
    assert figures.scare.precision is None  # no scare predicted: 0/0
    assert figures.speakers.total == 3
    assert figures.kinds[SCARE, DIRECT] == 1


def test_the_lenient_figure_accepts_a_span_off_by_its_punctuation(harbour: GoldArticle) -> None:
    first = harbour.quotations[0]  # "The ferry will run again in June,"
    shorter = as_predicted(first, text=first.quote[:-1], end=first.end - 1)
    predicted = [shorter, *(as_predicted(g) for g in harbour.quotations[1:])]
    result = score_article("harbour", harbour.quotations, predicted)
    assert result.figures.spans.tp == 2
    assert result.figures.spans_lenient.tp == 3
    assert result.figures.spans_lenient.f1 == 1.0
    # the miss shows what the extractor found there instead
    assert [(m.text, m.nearest) for m in result.false_negatives] == [(first.quote, first.quote[:-1])]


def test_a_small_overlap_is_not_a_lenient_match(harbour: GoldArticle) -> None:
    first = harbour.quotations[0]
    tiny = Quotation(text=first.quote[:5], start=first.start, end=first.start + 5)
    result = score_article("harbour", harbour.quotations[:1], [tiny])
    assert result.figures.spans_lenient.tp == 0


def test_one_prediction_matches_one_gold_span() -> None:
    text = "“Go,” he said.\n"
    gold = locate_quotations(
        text, [{"quote": "Go,", "kind": "direct", "speaker": "A", "utterance": "u"}], where="g"
    )
    twice = [as_predicted(gold[0]), as_predicted(gold[0])]
    spans = score_article("g", gold, twice).figures.spans
    assert (spans.tp, spans.fp, spans.fn) == (1, 1, 0)


def test_overall_figures_sum_the_counts_of_every_file(write_case: Callable[..., Path]) -> None:
    harbour = load_gold(write_case("harbour", HARBOUR, HARBOUR_GOLD))
    short_text = "“Fine,” said Ada Kerr.\n"
    short = load_gold(
        write_case(
            "short",
            short_text,
            [{"quote": "Fine,", "kind": "direct", "speaker": "Ada Kerr", "utterance": "f"}],
        )
    )
    evaluation = evaluate([harbour, short], extractor=lambda article: [])
    assert [result.figures.spans.fn for result in evaluation.files] == [3, 1]
    assert evaluation.overall.spans.fn == 4
    assert evaluation.overall.scare.fn == 1
    assert evaluation.overall.spans.recall == 0.0
    assert evaluation.overall.speakers.total == 0  # nothing matched, nothing to attribute


def test_the_real_extractor_can_be_scored(harbour: GoldArticle) -> None:
    # Whatever today's extractor finds, every figure is a valid ratio or undefined.
    figures = evaluate([harbour]).overall
    for value in (
        figures.spans.precision,
        figures.spans.recall,
        figures.spans_lenient.f1,
        figures.speakers.value,
    ):
        assert value is None or 0.0 <= value <= 1.0


def test_json_shape(harbour: GoldArticle) -> None:
    data = evaluation_json(evaluate([harbour], extractor=lambda article: []))
    assert set(data) == {"files", "overall", "clusters"}
    assert set(data["clusters"]) == {"tp", "fp", "fn", "precision", "recall", "f1", "recall_by_relation"}
    (file_data,) = data["files"]
    figure_keys = {"spans", "spans_lenient", "scare", "scare_lenient", "speakers", "kinds"}
    assert (
        set(file_data)
        == {"file", "gold", "predicted", "false_positives", "false_negatives", "wrong_speakers"} | figure_keys
    )
    assert set(data["overall"]) == {"files", "gold", "predicted"} | figure_keys
    assert set(file_data["spans"]) == {"tp", "fp", "fn", "precision", "recall", "f1"}
    assert file_data["spans"]["precision"] is None
    assert set(file_data["speakers"]) == {"correct", "total", "accuracy"}
    assert {"gold": "direct", "predicted": "none", "count": 2} in file_data["kinds"]
    assert set(file_data["false_negatives"][0]) == {
        "text",
        "start",
        "end",
        "gold_kind",
        "predicted_kind",
        "gold_speaker",
        "predicted_speaker",
        "nearest",
    }
    json.dumps(data)  # serializable as it is


# --- the eval command ---------------------------------------------------------------------


def test_cli_eval_on_the_fixtures() -> None:
    assert len(FIXTURE_GOLD) == 5
    result = CliRunner().invoke(cli, ["eval", *map(str, FIXTURE_GOLD)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "overall" in result.output
    assert "000_rt.json" in result.output


def test_cli_eval_json_on_the_fixtures() -> None:
    result = CliRunner().invoke(cli, ["eval", "--json", *map(str, FIXTURE_GOLD)], catch_exceptions=False)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [Path(entry["file"]).name for entry in data["files"]] == [path.name for path in FIXTURE_GOLD]
    assert data["overall"]["files"] == 5
    assert data["overall"]["gold"] == sum(entry["gold"] for entry in data["files"])
    for key in ("spans", "spans_lenient", "scare", "scare_lenient"):
        assert set(data["overall"][key]) == {"tp", "fp", "fn", "precision", "recall", "f1"}
    assert set(data["overall"]["speakers"]) == {"correct", "total", "accuracy"}


def test_cli_show_errors_lists_the_misses(
    write_case: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    gold = write_case("harbour", HARBOUR, HARBOUR_GOLD)
    monkeypatch.setattr(evaluate_module, "extract_as_ingested", lambda golds: [[] for _ in golds])
    result = CliRunner().invoke(cli, ["eval", "--show-errors", str(gold)], catch_exceptions=False)
    assert result.exit_code == 0  # a measurement, not a check
    assert "missed" in result.output
    assert "We have waited long enough." in result.output


def test_cli_eval_bad_gold_is_a_one_line_error(write_case: Callable[..., Path]) -> None:
    gold = write_case("harbour", HARBOUR, [{**HARBOUR_GOLD[0], "quote": "The ferry sank"}])
    result = CliRunner().invoke(cli, ["eval", str(gold)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {gold}: ")


def test_fixture_gold_is_consistent() -> None:
    # Every fixture gold file loads; in these articles only scare quotes lack a speaker, and
    # an utterance id goes with a speaker.
    for path in FIXTURE_GOLD:
        for quotation in load_gold(path).quotations:
            assert (quotation.speaker is None) == (quotation.kind == SCARE), (path.name, quotation.quote)
            assert (quotation.utterance is None) == (quotation.speaker is None), (path.name, quotation.quote)


def test_article_path_may_sit_next_to_the_gold_file(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("“Hi,” said Bo Lind.\n", encoding="utf-8")
    gold = tmp_path / "story.json"
    gold.write_text(
        json.dumps(
            {
                "article": "story.txt",
                "quotations": [{"quote": "Hi,", "kind": "direct", "speaker": "Bo Lind", "utterance": "hi"}],
            }
        ),
        encoding="utf-8",
    )
    assert isinstance(load_gold(gold).article, Article)
