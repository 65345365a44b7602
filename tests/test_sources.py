"""Reading articles: front matter, manifests, metadata precedence, outlet guesses, dates."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotecheck.models import Metadata
from quotecheck.sources import (
    SourceError,
    article_from_text,
    collect_paths,
    decode,
    guess_outlet,
    load_manifest,
    parse_date,
    read_article,
    split_front_matter,
)

from .conftest import article_text

BODY = "“Hello there,” she said.\nCredit: Guessed News\n"


# -- metadata precedence ---------------------------------------------------------------------

OPTION = Metadata(outlet="Option Outlet")
FRONT = {"outlet": "Front Outlet"}
MANIFEST = Metadata(outlet="Manifest Outlet")


@pytest.mark.parametrize(
    ("options", "front", "manifest", "outlet", "source"),
    [
        (OPTION, FRONT, MANIFEST, "Option Outlet", "option"),
        (Metadata(), FRONT, MANIFEST, "Front Outlet", "front matter"),
        (Metadata(), None, MANIFEST, "Manifest Outlet", "manifest"),
        (Metadata(), None, Metadata(), "Guessed News", "guessed"),
    ],
)
def test_outlet_comes_from_the_highest_source_and_records_which(options, front, manifest, outlet, source):
    article = article_from_text(article_text(BODY, front), path="a.txt", options=options, manifest=manifest)
    assert article.metadata.outlet == outlet
    assert article.outlet_source == source


def test_no_outlet_anywhere_leaves_it_unknown():
    article = article_from_text("“Hello there,” she said.\n", path="a.txt")
    assert article.metadata.outlet is None
    assert article.outlet_source is None


def test_precedence_is_decided_field_by_field():
    options = Metadata(published="2021-01-06")
    front = {"outlet": "Front Outlet", "date": "2021-01-05", "title": "Front title"}
    manifest = Metadata(
        outlet="Manifest Outlet", published="2021-01-04", url="https://m.example/a",
        title="Manifest title", lang="es",
    )
    article = article_from_text(article_text(BODY, front), path="a.txt", options=options, manifest=manifest)
    assert article.metadata == Metadata(
        outlet="Front Outlet",  # front matter beats manifest and the guess
        published="2021-01-06",  # the option beats both
        url="https://m.example/a",  # only the manifest has it
        title="Front title",
        lang="es",
    )
    assert article.outlet_source == "front matter"


def test_empty_front_matter_values_fall_through_to_the_manifest():
    front = {"outlet": "", "date": "", "lang": ""}
    manifest = Metadata(outlet="Manifest Outlet", published="2021-01-04", lang="fr")
    article = article_from_text(article_text(BODY, front), path="a.txt", manifest=manifest)
    assert article.metadata.outlet == "Manifest Outlet"
    assert article.metadata.published == "2021-01-04"
    assert article.metadata.lang == "fr"
    assert article.outlet_source == "manifest"


def test_cli_applies_precedence_from_options_front_matter_and_manifest(run, write_article, tmp_path, db_path):
    write_article("news/a.txt", "“Hello there,” she said.\n", {"outlet": "Front A", "date": "2021-01-05"})
    write_article("news/b.txt", "“Goodbye,” he said.\nCredit: Guessed B\n")
    write_article("news/c.txt", "“Goodbye,” he said.\nCredit: Guessed C\n")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,outlet,date,title\n"
        "a.txt,Manifest A,2021-01-01,Title A\n"
        "b.txt,Manifest B,2021-01-02,Title B\n",
        encoding="utf-8",
    )
    result = run("ingest", "--lang", "en", "--manifest", str(manifest), "news")
    assert result.exit_code == 0, result.output
    rows = _articles(db_path)
    assert rows["news/a.txt"] == ("Front A", "front matter", "2021-01-05", "Title A", "en")
    assert rows["news/b.txt"] == ("Manifest B", "manifest", "2021-01-02", "Title B", "en")
    assert rows["news/c.txt"] == ("Guessed C", "guessed", None, None, "en")

    result = run("ingest", "--outlet", "Option", "news/a.txt")
    assert result.exit_code == 0, result.output
    assert _articles(db_path)["news/a.txt"] == ("Option", "option", "2021-01-05", None, None)


def _articles(db_path: Path) -> dict[str, tuple]:
    with sqlite3.connect(db_path) as connection:
        return {
            row[0]: row[1:]
            for row in connection.execute("select path, outlet, outlet_source, published, title, lang from articles")
        }


# -- front matter ------------------------------------------------------------------------------

FRONT_FIELDS = {"outlet": "RT", "date": "2021-01-04", "url": "https://rt.example/x", "title": "A: title", "lang": "en"}


@pytest.mark.parametrize("layout", ["fenced", "top"])
def test_both_front_matter_layouts_are_read(layout):
    raw = article_text("First line of the body.\nSecond line.\n", FRONT_FIELDS, layout=layout)
    fields, body, body_line = split_front_matter(raw)
    assert fields == {"outlet": "RT", "published": "2021-01-04", "url": "https://rt.example/x",
                      "title": "A: title", "lang": "en"}
    assert body == "First line of the body.\nSecond line.\n"
    assert raw.split("\n")[body_line - 1] == "First line of the body."


def test_front_matter_key_aliases_and_unknown_keys():
    raw = "---\nSource: RT\nHeadline: Big news\nauthor: Someone\n---\nBody.\n"
    fields, body, _ = split_front_matter(raw)
    assert fields == {"outlet": "RT", "title": "Big news"}
    assert body == "Body.\n"


@pytest.mark.parametrize(
    "raw",
    [
        "Body text only.\nWith: a colon later.\n",
        "WASHINGTON: The president said so.\nMore text.\n---\nAfter a rule.\n",
        "---\nNot front matter at all.\n---\nText.\n",
        "---\noutlet: RT\nthe fence never closes\n",
    ],
)
def test_text_that_is_not_front_matter_is_kept_whole(raw):
    fields, body, body_line = split_front_matter(raw)
    assert (fields, body, body_line) == ({}, raw, 1)


def test_front_matter_is_not_part_of_the_article_text():
    article = article_from_text(article_text(BODY, FRONT_FIELDS), path="a.txt")
    assert article.text == BODY
    assert article.body_line == 8


def test_a_file_with_only_front_matter_is_refused():
    with pytest.raises(SourceError, match=r"a\.txt: no text"):
        article_from_text(article_text("\n  \n", FRONT_FIELDS), path="a.txt")


# -- manifests ---------------------------------------------------------------------------------

MANIFEST_ROWS = [
    {"file": "a.txt", "outlet": "Outlet A", "date": "2021-01-04", "url": "https://a.example", "lang": "en"},
    {"file": "b.txt", "outlet": "Outlet B", "date": "2021-01-05T11:41", "title": "B, with a comma"},
]
EXPECTED_MANIFEST = {
    "a.txt": Metadata(outlet="Outlet A", published="2021-01-04", url="https://a.example", lang="en"),
    "b.txt": Metadata(outlet="Outlet B", published="2021-01-05T11:41:00", title="B, with a comma"),
}


def _write_csv(path: Path) -> None:
    path.write_text(
        "file,outlet,date,url,title,lang\r\n"
        "a.txt,Outlet A,2021-01-04,https://a.example,,en\r\n"
        'b.txt,Outlet B,2021-01-05T11:41,,"B, with a comma",\r\n',
        encoding="utf-8",
    )


@pytest.mark.parametrize("form", ["csv", "json object", "json list"])
def test_manifest_forms_load_the_same_metadata(form, tmp_path):
    if form == "csv":
        path = tmp_path / "m.csv"
        _write_csv(path)
    elif form == "json object":
        path = tmp_path / "m.json"
        data = {row["file"]: {k: v for k, v in row.items() if k != "file"} for row in MANIFEST_ROWS}
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path = tmp_path / "m.json"
        path.write_text(json.dumps(MANIFEST_ROWS), encoding="utf-8")
    assert load_manifest(path) == EXPECTED_MANIFEST


def test_manifest_is_matched_by_file_name(tmp_path, write_article):
    manifest_path = tmp_path / "m.json"
    manifest_path.write_text(json.dumps(MANIFEST_ROWS), encoding="utf-8")
    manifest = load_manifest(manifest_path)
    a = read_article(write_article("deep/folder/a.txt", BODY), manifest=manifest)
    b = read_article(write_article("b.txt", BODY), manifest=manifest)
    other = read_article(write_article("c.txt", BODY), manifest=manifest)
    assert (a.metadata.outlet, a.metadata.published, a.outlet_source) == ("Outlet A", "2021-01-04", "manifest")
    assert (b.metadata.outlet, b.metadata.title) == ("Outlet B", "B, with a comma")
    assert (other.metadata.outlet, other.outlet_source) == ("Guessed News", "guessed")


def test_csv_manifest_field_may_span_lines(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('file,title\na.txt,"Two\nlines"\n', encoding="utf-8")
    assert load_manifest(path)["a.txt"].title == "Two\nlines"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("m.json", "{not json", r"m\.json: invalid JSON"),
        ("m.json", '"a string"', r"m\.json: a JSON manifest is an object"),
        ("m.json", '{"a.txt": "RT"}', r"m\.json: entry 'a\.txt' is not an object"),
        ("m.json", '[{"outlet": "RT"}]', r"m\.json: entry 1 has no 'file' field"),
        ("m.json", '["a.txt"]', r"m\.json: entry 1 is not an object"),
        ("m.csv", "outlet\nRT\n", r"m\.csv: entry 1 has no 'file' field"),
        ("m.csv", "file,date\na.txt,yesterday\n", r"m\.csv: entry 'a\.txt': 'yesterday' is not an ISO date"),
    ],
)
def test_bad_manifest_is_a_source_error_naming_it(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        load_manifest(path)


def test_bad_manifest_on_the_command_line_is_one_line_exit_2_nothing_written(run, write_article, tmp_path, db_path):
    article = write_article("a.txt", BODY)
    manifest = tmp_path / "m.json"
    manifest.write_text('{"a.txt": "RT"}', encoding="utf-8")
    result = run("ingest", "--manifest", str(manifest), str(article))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "m.json" in result.stderr
    assert not db_path.exists()


# -- outlet guess --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("“Hi,” he said.\nCredit: RT News", "RT News"),
        ("“Hi,” he said.\n\ncredit:RT News.\n\n\n", "RT News"),
        ("“Hi,” he said.\nSource: Reuters\n", "Reuters"),
        ("“Hi,” he said.\nCredit:   AP News \n", "AP News"),
        ("LONDON (Reuters) - “Hi,” he said.\nMore text.\n", "Reuters"),
        ("MEXICO CITY, Jan 4 (Reuters) — “Hi,” he said.\n", "Reuters"),
        ("WASHINGTON (AP) — “Hi,” he said.\n", "AP"),
    ],
)
def test_outlet_is_guessed_where_the_text_names_it(text, outlet):
    assert guess_outlet(text) == outlet
    article = article_from_text(text, path="a.txt")
    assert (article.metadata.outlet, article.outlet_source) == (outlet, "guessed")


@pytest.mark.parametrize(
    "text",
    [
        "“Hi,” he said.\n",
        "“Hi,” he said.\nReuters contributed to this report.\n",
        "Credit: RT News\n“Hi,” he said, in a later paragraph.\n",
        "“Hi,” he said.\nPhoto credit: Techly\n",
        "“Hi,” he said.\nCredit: X\n",  # one letter is no outlet, and never " X"
        "The report cites Reuters and AP.\n",
        "x" * 600 + "\nLONDON (Reuters) - a dateline too far down to be one.\n",
        "",
    ],
)
def test_no_outlet_is_guessed_otherwise(text):
    assert guess_outlet(text) is None


# -- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-01-04", "2021-01-04"),
        (" 2021-01-04 ", "2021-01-04"),
        ("20210104", "2021-01-04"),
        ("2021-01", "2021-01"),
        ("2021-01-05T11:41", "2021-01-05T11:41:00"),
        ("2021-01-05 11:41:30", "2021-01-05T11:41:30"),
        ("2021-01-05T11:41Z", "2021-01-05T11:41:00+00:00"),
        ("2021-01-05T11:41+01:00", "2021-01-05T11:41:00+01:00"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_dates_are_read_into_iso_form(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2021-13", "2021-02-30", "04/01/2021", "2021-01-05T25:00", "2021"])
def test_bad_date_is_a_source_error_naming_where(value):
    with pytest.raises(SourceError, match=r"^somewhere: .* is not an ISO date"):
        parse_date(value, where="somewhere")


def test_bad_front_matter_date_names_the_file_and_the_front_matter():
    with pytest.raises(SourceError, match=r"^story\.txt: front matter: 'Jan 4' is not an ISO date"):
        article_from_text(article_text(BODY, {"date": "Jan 4"}), path="story.txt")


def test_bad_date_option_is_one_line_exit_2_nothing_written(run, write_article, db_path):
    result = run("ingest", "--date", "2021-13-01", str(write_article("a.txt", BODY)))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --date: '2021-13-01' is not an ISO date")
    assert result.stderr.count("\n") == 1
    assert not db_path.exists()


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)), st.booleans())
def test_any_iso_date_or_date_time_reads_back_unchanged(day, with_time):
    value = dt.datetime.combine(day, dt.time(13, 5)).isoformat() if with_time else day.isoformat()
    assert parse_date(value) == value


_VALUE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda value: value.strip() and value.strip() != "---")


@settings(max_examples=60, deadline=None)
@given(
    st.fixed_dictionaries({}, optional={"outlet": _VALUE, "url": _VALUE, "title": _VALUE, "lang": _VALUE}).filter(bool),
    st.sampled_from(["fenced", "top"]),
)
def test_front_matter_values_read_back(front, layout):
    article = article_from_text(article_text("“Hello there,” she said.\n", front, layout=layout), path="a.txt")
    for key in ("url", "title", "lang"):
        assert getattr(article.metadata, key) == (front[key].strip() if key in front else None)
    if "outlet" in front:
        assert (article.metadata.outlet, article.outlet_source) == (front["outlet"].strip(), "front matter")
    assert article.text == "“Hello there,” she said.\n"


# -- encodings and line ends ----------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["fenced", "top"])
def test_crlf_input_reads_like_lf(layout, write_article):
    body = "“Hello there,” she said.\n\n“Again,” she said.\nCredit: RT News\n"
    crlf = read_article(write_article("crlf.txt", body, {"date": "2021-01-04"}, layout=layout, newline="\r\n"))
    lf = read_article(write_article("lf.txt", body, {"date": "2021-01-04"}, layout=layout))
    assert "\r" not in crlf.text
    assert crlf.text == lf.text == body
    assert (crlf.metadata, crlf.outlet_source, crlf.body_line) == (lf.metadata, lf.outlet_source, lf.body_line)
    assert crlf.metadata.outlet == "RT News"


def test_utf8_bom_is_dropped_and_errors_name_the_file():
    assert decode("\ufeff---\noutlet: RT\n---\nBody".encode(), name="a.txt") == "---\noutlet: RT\n---\nBody"
    with pytest.raises(SourceError, match=r"^a\.txt: a binary file \(a ZIP archive"):
        decode(b"PK\x03\x04\x00\x00", name="a.txt")
    with pytest.raises(SourceError, match=r"^a\.txt: looks like a binary file"):
        decode(b"\x00\x01\x02\x03 data", name="a.txt")


def test_text_is_nfc_normalized_so_offsets_agree_with_what_is_stored():
    article = article_from_text("“Le\u0301on,” she said.", path="a.txt")
    assert article.text == "“Léon,” she said."


# -- paths ------------------------------------------------------------------------------------------


def test_missing_path_is_a_source_error_naming_it(tmp_path):
    with pytest.raises(SourceError, match=r"nope\.txt: no such file or folder"):
        collect_paths([tmp_path / "nope.txt"])


def test_a_file_named_twice_or_inside_a_named_folder_is_collected_once(write_article, tmp_path):
    a = write_article("news/a.txt", BODY)
    b = write_article("news/b.md", BODY)
    assert collect_paths([a, tmp_path / "news", a]) == [a, b]


def test_folder_without_articles_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(SourceError, match=r"empty: no \.txt, \.md, \.html or \.htm files"):
        collect_paths([tmp_path / "empty"])
