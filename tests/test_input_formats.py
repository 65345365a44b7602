"""Real input: saved HTML pages, JSON Lines feeds, standard input, and encodings."""

from __future__ import annotations

import codecs
import json
import shutil
import socket
import sqlite3
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotecheck.decoding import DecodingError, decode
from quotecheck.extract import extract
from quotecheck.ingest import ingest_files
from quotecheck.models import Metadata
from quotecheck.sources import SourceError, article_from_html, read_article, read_articles
from quotecheck.store import Store
from quotecheck.webpage import declared_charset, read_page

from .conftest import REPO
from .test_cli import _sqlite_utils
from .test_ingest import summary

INPUTS = REPO / "fixtures" / "inputs"
GAZETTE = INPUTS / "harbour-gazette.html"


def articles(db_path: Path) -> dict[str, dict]:
    with sqlite3.connect(db_path) as connection:
        connection.row_factory = sqlite3.Row
        found = {row["path"]: dict(row) for row in connection.execute("select * from articles")}
    connection.close()
    return found


def quote_texts(db_path: Path, path: str) -> list[str]:
    with sqlite3.connect(db_path) as connection:
        texts = [text for (text,) in connection.execute(
            "select q.text from quotes q join articles a on a.id = q.article_id where a.path = ? order by q.seq",
            [path],
        )]
    connection.close()
    return texts


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# -- HTML -------------------------------------------------------------------------------------------

JUNK = ["cookies", "Home", "Sport", "Subscribe", "Most read", "Lighthouse", "All rights reserved",
        "Privacy policy", "Contact us", "analytics", "font-family", "transport correspondent"]


def test_saved_page_main_text_without_navigation_or_footer(offline):
    page = read_page(GAZETTE.read_text(encoding="utf-8"))
    lines = page.text.split("\n")
    assert lines[0] == "Ferry strike called off after late-night talks"
    assert lines[2].startswith("“Nobody wanted this to drag on into the spring timetable,” said Tomasz Orlowski")
    assert lines[-1].endswith("“Shops here depend on those sailings.”")
    assert len(lines) == 6  # headline and five paragraphs, one a line
    for junk in JUNK:
        assert junk not in page.text, junk


def test_saved_page_metadata_is_read_from_its_markup(offline):
    page = read_page(GAZETTE.read_text(encoding="utf-8"))
    assert page.metadata == Metadata(
        outlet="The Harbour Gazette",
        published="2023-03-14",
        url="https://harbourgazette.example/news/2023/03/14/ferry-strike-called-off",
        title="Ferry strike called off after late-night talks",
        lang="en-GB",
    )
    assert not page.site_name_is_host


def test_ingesting_a_saved_page(run, db_path, tmp_path, offline):
    shutil.copy(GAZETTE, tmp_path / "gazette.htm")
    result = run("ingest", "gazette.htm")
    assert result.exit_code == 0, result.output
    row = articles(db_path)["gazette.htm"]
    assert (row["outlet"], row["outlet_source"], row["published"], row["url"], row["title"], row["lang"]) == (
        "The Harbour Gazette", "html", "2023-03-14",
        "https://harbourgazette.example/news/2023/03/14/ferry-strike-called-off",
        "Ferry strike called off after late-night talks", "en-GB",
    )
    assert quote_texts(db_path, "gazette.htm") == [
        "Nobody wanted this to drag on into the spring timetable,",
        "Our members have secured the rest breaks they asked for.",
        "fair to everyone who keeps these boats running",
        "The harbour has been eerily quiet,",
        "Shops here depend on those sailings.",
    ]


def _page(head: str = "", body: str = "<p>“Hello there,” she said at the harbour on a windy morning.</p>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


SITE = '<meta property="og:site_name" content="Page Site">'


@pytest.mark.parametrize(
    ("head", "options", "manifest", "outlet", "source"),
    [
        (SITE, Metadata(outlet="Option"), Metadata(outlet="Manifest"), "Option", "option"),
        (SITE, Metadata(), Metadata(outlet="Manifest"), "Page Site", "html"),
        ("", Metadata(), Metadata(outlet="Manifest"), "Manifest", "manifest"),
        # a site name made from the host name is a guess: the manifest beats it
        ('<link rel="canonical" href="https://news.example.org/a">', Metadata(), Metadata(outlet="Manifest"),
         "Manifest", "manifest"),
        ('<link rel="canonical" href="https://news.example.org/a">', Metadata(), Metadata(),
         "news.example.org", "guessed"),
        ("", Metadata(), Metadata(), None, None),
    ],
)
def test_page_outlet_precedence(head, options, manifest, outlet, source):
    article = article_from_html(_page(head), path="p.html", options=options, manifest=manifest)
    assert (article.metadata.outlet, article.outlet_source) == (outlet, source)


def test_page_fields_precedence_is_field_by_field():
    head = ('<title>Page title</title><meta property="og:site_name" content="Page Site">'
            '<meta property="article:published_time" content="2021-01-05">')
    article = article_from_html(
        _page(head), path="p.html", options=Metadata(published="2021-02-01"),
        manifest=Metadata(title="Manifest title", lang="fr", url="https://m.example/p"),
    )
    assert article.metadata == Metadata(
        outlet="Page Site", published="2021-02-01", url="https://m.example/p", title="Page title", lang="fr"
    )


def test_page_date_comes_from_markup_not_from_a_copyright_line():
    html = _page("<title>T</title>", "<p>“Hello there,” she said on 3 March 2019, at length.</p>"
                 "<footer>Copyright 2020 Page Site</footer>")
    assert read_page(html).metadata.published is None


def test_page_language_from_meta_when_the_html_element_has_none():
    head = '<meta http-equiv="Content-Language" content="es-MX">'
    assert read_page(_page(head)).metadata.lang == "es-MX"
    assert read_page(_page('<meta property="og:locale" content="pt_BR">')).metadata.lang == "pt-BR"


def test_html_fragment_and_page_without_text(tmp_path):
    fragment = tmp_path / "fragment.html"
    fragment.write_text("<p>“Hi,” he said.</p>", encoding="utf-8")
    assert read_article(fragment).text == "“Hi,” he said."
    empty = tmp_path / "empty.html"
    empty.write_text("<html><head><title>Nothing</title></head><body><script>let x = 1;</script></body></html>")
    with pytest.raises(SourceError, match=r"empty\.html: no article text found in the page"):
        read_article(empty)


@pytest.mark.parametrize("declaration", ['<meta charset="windows-1252">',
                                         '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
                                         ""])
def test_page_in_windows_1252_is_read_by_its_declared_or_detected_charset(tmp_path, declaration):
    page = tmp_path / "legacy.html"
    page.write_bytes(_page(declaration, "<p>“Olé, ça va,” dit Renée au café — très bien.</p>").encode("cp1252"))
    assert read_article(page).text == "“Olé, ça va,” dit Renée au café — très bien."


def test_declared_charset():
    assert declared_charset(b'<html><head><meta charset="utf-8">') == "utf-8"
    assert declared_charset(b"<meta http-equiv='content-type' content='text/html; charset=Shift_JIS'>") == "Shift_JIS"
    assert declared_charset(b"<p>charset=nothing</p>") is None


def test_format_option_reads_any_file_as_html(run, db_path, write_article):
    write_article("page.txt", _page(SITE))
    assert run("ingest", "--format", "html", "page.txt").exit_code == 0
    assert articles(db_path)["page.txt"]["outlet"] == "Page Site"


# -- JSON Lines feeds ---------------------------------------------------------------------------------


def test_feed_fixture(run, db_path, tmp_path):
    shutil.copy(INPUTS / "wire-feed.jsonl", tmp_path / "feed.jsonl")
    result = run("ingest", "feed.jsonl")
    assert result.exit_code == 0, result.output
    rows = articles(db_path)
    assert sorted(rows) == ["feed.jsonl#wire-0412", "feed.jsonl#wire-0413", "feed.jsonl#wire-0414"]
    first = rows["feed.jsonl#wire-0412"]
    assert (first["outlet"], first["outlet_source"], first["published"], first["url"], first["title"],
            first["lang"], first["body_line"]) == (
        "Northern Wire", "feed", "2023-03-14", "https://northernwire.example/0412",
        "Ferry crews back on Wednesday", "en", 1,
    )
    third = rows["feed.jsonl#wire-0414"]  # front-matter aliases: source, published, language
    assert (third["outlet"], third["published"], third["lang"], third["body_line"]) == ("Kustbladet", "2023-03-15", "sv", 3)
    assert quote_texts(db_path, "feed.jsonl#wire-0413") == ["Shops here depend on those sailings,",
                                                           "It has been eerily quiet,"]
    assert summary(run("ingest", "feed.jsonl").stdout)["skipped"] == 3


def _feed(tmp_path: Path, lines: list[object], name: str = "feed.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
                    encoding="utf-8")
    return path


def test_feed_article_paths(tmp_path):
    feed = _feed(tmp_path, [
        {"text": "“One,” she said."},
        "",
        {"text": "“Two,” she said.", "id": 7},
        {"text": "“Three,” she said.", "id": "x-3"},
        {"text": "“Four,” she said.", "path": "archive/2021/four.txt", "id": "ignored"},
    ])
    paths = [path for path, _ in read_articles([feed])]
    assert paths == [f"{feed}:1", f"{feed}#7", f"{feed}#x-3", "archive/2021/four.txt"]


BAD_LINES = [
    ('{"text": "unclosed', "invalid JSON (Unterminated string"),
    ('["text"]', "not a JSON object"),
    ('{"outlet": "RT"}', "no 'text' field"),
    ('{"text": 5}', "'text' is not a string"),
    ('{"text": "  \\n "}', "'text' is empty"),
    ('{"text": "“Hi,” he said.", "outlet": 3}', "'outlet' is not a string"),
    ('{"text": "“Hi,” he said.", "date": "Jan 4"}', "'Jan 4' is not an ISO date"),
    ('{"text": "“Hi,” he said.", "id": [1]}', "'id' is not a string or a whole number"),
    ('{"text": "“Hi \\ud800,” he said."}', "'text' holds an unpaired surrogate (\\ud800)"),
    ('{"text": "“Hi,” he said.", "id": "a"}', "'feed.jsonl#a' is already the article of line 1"),
    ('{"html": "<html><body></body></html>"}', "no article text found in the page"),
]


def test_each_bad_line_is_one_error_naming_file_and_line_and_the_rest_is_ingested(run, db_path, tmp_path):
    lines = ['{"text": "“First,” she said.", "id": "a"}'] + [line for line, _ in BAD_LINES]
    lines.append('{"text": "“Last,” she said."}')
    _feed(tmp_path, lines)
    result = run("ingest", "feed.jsonl")
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert len(errors) == len(BAD_LINES)
    for number, (error, (_, message)) in enumerate(zip(errors, BAD_LINES, strict=True), start=2):
        assert error.startswith(f"Error: feed.jsonl:{number}: "), error
        assert message in error, (error, message)
    figures = summary(result.stdout)
    assert (figures["added"], figures["failed"]) == (2, len(BAD_LINES))
    assert sorted(articles(db_path)) == ["feed.jsonl#a", f"feed.jsonl:{len(lines)}"]


def test_feed_line_with_invalid_utf8_is_reported_and_the_rest_is_read(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b'{"text": "\\u201cOne,\\u201d she said."}\n{"text": "caf\xe9"}\n{"text": "Three."}\n')
    results = list(read_articles([feed]))
    assert [path for path, _ in results] == [f"{feed}:1", f"{feed}:2", f"{feed}:3"]
    assert isinstance(results[1][1], SourceError)
    assert str(results[1][1]) == f"{feed}:2: not valid UTF-8 (column 14); JSON Lines are UTF-8"
    assert results[2][1].text == "Three."


def test_feed_in_utf16_with_a_byte_order_mark(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes('{"text": "“Olé,” she said."}\n{"text": "Two."}\n'.encode("utf-16"))
    assert [article.text for _, article in read_articles([feed])] == ["“Olé,” she said.", "Two."]
    feed.write_bytes('{"text": "“Olé,” she said."}\n{"text": "Two."}\n'.encode("utf-16")[:-1])
    results = list(read_articles([feed]))
    assert results[0][1].text == "“Olé,” she said."
    assert str(results[1][1]) == f"{feed}:2: truncated"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file"),
    (b"\n\n  \n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "a binary file (a PNG image), not a text article"),
    (b'{"text": "a"}\x00\x01\x02\x03\x04', "looks like a binary file (NUL bytes), not a text article"),
])
def test_feed_that_is_no_feed_is_one_error(tmp_path, content, message):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(content)
    [(path, error)] = list(read_articles([feed]))
    assert path == str(feed)
    assert str(error) == f"{feed}: {message}"


def test_a_feed_line_may_carry_html_and_its_fields_beat_the_page(tmp_path):
    html = _page(SITE + "<title>Page title</title>")
    feed = _feed(tmp_path, [{"html": html, "title": "Feed title"}, {"html": html, "outlet": "Feed Outlet"}])
    (_, first), (_, second) = read_articles([feed])
    assert (first.metadata.outlet, first.outlet_source, first.metadata.title) == ("Page Site", "html", "Feed title")
    assert (second.metadata.outlet, second.outlet_source) == ("Feed Outlet", "feed")
    assert first.text == "“Hello there,” she said at the harbour on a windy morning."


def test_feed_metadata_precedence(tmp_path):
    feed = _feed(tmp_path, [
        {"text": "“A,” she said.", "id": "a", "outlet": "Line", "date": "2021-01-04"},
        {"text": "“B,” she said.", "id": "b"},
        {"text": "“C,” she said.", "id": "c"},
    ])
    manifest = {"feed.jsonl": Metadata(outlet="Feed Manifest", lang="en"),
                f"{feed}#c": Metadata(outlet="Line Manifest")}
    options = Metadata(published="2021-02-02")
    found = {path: article for path, article in read_articles([feed], options=options, manifest=manifest)}
    assert (found[f"{feed}#a"].metadata, found[f"{feed}#a"].outlet_source) == (
        Metadata(outlet="Line", published="2021-02-02", lang="en"), "feed")
    assert (found[f"{feed}#b"].metadata.outlet, found[f"{feed}#b"].outlet_source) == ("Feed Manifest", "manifest")
    assert found[f"{feed}#c"].metadata.outlet == "Line Manifest"


def test_feed_text_is_the_body_verbatim_not_front_matter(tmp_path):
    feed = _feed(tmp_path, [{"text": "outlet: Not Metadata\n---\n“Hi,” she said.\r\nEnd.\r", "outlet": "Real"}])
    [(_, article)] = read_articles([feed])
    assert article.text == "outlet: Not Metadata\n---\n“Hi,” she said.\nEnd.\n"
    assert article.metadata.outlet == "Real"


def test_a_feed_is_read_as_it_streams_and_a_long_line_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("quotecheck.sources.MAX_BYTES", 1000)
    monkeypatch.setattr("quotecheck.sources._CHUNK", 64)
    long_text = "word " * 400
    feed = _feed(tmp_path, [{"text": "“One,” she said."}, {"text": long_text}, {"text": "“Three,” she said."}])
    results = list(read_articles([feed]))
    assert [path for path, _ in results] == [f"{feed}:1", f"{feed}:2", f"{feed}:3"]
    assert str(results[1][1]) == f"{feed}:2: line too long; a feed line may have at most 0 MB"
    assert results[2][1].text == "“Three,” she said."


# -- standard input -------------------------------------------------------------------------------------


def test_dash_reads_one_article_with_front_matter_from_standard_input(run, db_path):
    result = run("ingest", "-", input="---\noutlet: Piped\ndate: 2021-01-04\n---\n“From a pipe,” she said.\n")
    assert result.exit_code == 0, result.output
    row = articles(db_path)["-"]
    assert (row["outlet"], row["outlet_source"], row["published"], row["body_line"]) == ("Piped", "front matter", "2021-01-04", 5)
    assert quote_texts(db_path, "-") == ["From a pipe,"]


def test_dash_with_format_jsonl_reads_a_feed(run, db_path, write_article):
    write_article("a.txt", "“File,” he said.\n")
    feed = '{"text": "“One,” she said.", "outlet": "W"}\nnot json\n{"text": "“Two,” she said.", "id": "t"}\n'
    result = run("ingest", "--format", "jsonl", "-", input=feed)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: -:2: invalid JSON")
    assert sorted(articles(db_path)) == ["-#t", "-:1"]


def test_dash_with_other_files_and_html(run, db_path, write_article):
    write_article("a.txt", "“File,” he said.\n")
    result = run("ingest", "--format", "html", "-", input=_page(SITE))
    assert result.exit_code == 0, result.output
    assert articles(db_path)["-"]["outlet"] == "Page Site"
    result = run("ingest", "a.txt", "-", input="“Piped,” she said.\n")
    assert result.exit_code == 0, result.output
    assert sorted(articles(db_path)) == ["-", "a.txt"]


def test_empty_standard_input_is_one_error(run, db_path):
    result = run("ingest", "-", input="")
    assert result.exit_code == 2
    assert result.stderr == "Error: -: empty file\n"


# -- encodings ---------------------------------------------------------------------------------------------

ARTICLE = "---\noutlet: Enc\n---\n“Olé, ça va,” said Renée Dubois in Zürich. “C’est très bien — merci.”\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-16-le",
                                      "utf-32", "cp1252", "latin-1"])
def test_an_article_reads_the_same_in_every_supported_encoding(run, db_path, tmp_path, encoding):
    text = ARTICLE.replace("’", "'") if encoding == "latin-1" else ARTICLE  # Latin-1 has no curly apostrophe
    text = text.replace("“", '"').replace("”", '"').replace("—", "-") if encoding == "latin-1" else text
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    (tmp_path / "a.txt").write_bytes(data)
    result = run("ingest", "a.txt")
    assert result.exit_code == 0, result.output
    row = articles(db_path)["a.txt"]
    assert row["text"] == text.split("---\n", 2)[2]
    assert row["outlet"] == "Enc"
    assert quote_texts(db_path, "a.txt")[0] == "Olé, ça va,"


def test_the_encoding_fixtures(run, db_path, tmp_path):
    for name in ("courier-cp1252.txt", "fjord-post-utf16.txt"):
        shutil.copy(INPUTS / name, tmp_path / name)
    assert run("ingest", "courier-cp1252.txt", "fjord-post-utf16.txt").exit_code == 0
    assert "We lost a week’s takings — nobody is paying us back for that," in quote_texts(db_path, "courier-cp1252.txt")
    assert "Jürgen Maaß" in articles(db_path)["courier-cp1252.txt"]["text"]
    assert quote_texts(db_path, "fjord-post-utf16.txt")[0] == "We slept in the terminal,"
    assert "Søren Ødegård" in articles(db_path)["fjord-post-utf16.txt"]["text"]


@pytest.mark.parametrize(("text", "encoding"), [
    ("«Это решение справедливо», — заявил министр в Москве в понедельник.", "cp1251"),
    ("„To jest dobra decyzja”, powiedział wiceminister w Łodzi. Źródło: żółć.", "cp1250"),
])
def test_other_code_pages_are_not_garbled_as_windows_1252(text, encoding):
    assert decode(text.encode(encoding)) == text


def test_encoding_option_overrides_detection(run, db_path, tmp_path):
    (tmp_path / "a.txt").write_bytes("“Olé,” he said.".encode("cp1252"))
    assert run("ingest", "--encoding", "mac_roman", "a.txt").exit_code == 0
    assert articles(db_path)["a.txt"]["text"] == "“Olé,” he said.".encode("cp1252").decode("mac_roman")
    result = run("ingest", "--encoding", "klingon", "a.txt")
    assert (result.exit_code, result.stderr) == (2, "Error: --encoding: unknown encoding 'klingon' (e.g. utf-8, cp1252, latin-1, cp1251)\n")
    (tmp_path / "b.txt").write_bytes(b"caf\xe9")
    result = run("ingest", "--encoding", "utf-8", "b.txt")
    assert (result.exit_code, result.stderr) == (2, "Error: b.txt: not valid utf-8 (byte 3)\n")


def test_decomposed_text_is_nfc_before_offsets_in_any_encoding(tmp_path, store):
    (tmp_path / "a.txt").write_bytes("“Rene\u0301e,” he said.".encode("utf-16"))
    article = read_article(tmp_path / "a.txt")
    assert article.text == "“Renée,” he said."
    [quotation] = extract(article)
    assert article.text[quotation.start:quotation.end] == quotation.text == "Renée,"


_WESTERN_WORDS = ["café", "Straße", "garçon", "über", "año", "São", "naïve", "Þór", "œuvre", "l’été", "déjà",
                  "“quoted,”", "— dash", "Ærø", "fjörður", "señor", "the", "and", "said", "Zürich", "1,5 €", "«oui»",
                  "façade", "Øresund", "smörgåsbord", "it’s", "…"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_WESTERN_WORDS), min_size=1, max_size=30), st.sampled_from([" ", "\n", ", "]))
def test_western_text_in_windows_1252_decodes_unchanged(words, separator):
    text = separator.join(words)
    assert decode(text.encode("cp1252")) == text


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)


@settings(max_examples=80, deadline=None)
@given(_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_any_text_round_trips_through_the_unicode_encodings(text, encoding):
    data = text.encode(encoding)
    if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8):
        text = text[1:]  # a leading U+FEFF in UTF-8 is read as a byte-order mark
    assert decode(data) == text


@pytest.mark.parametrize("data", [bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x20]) * 10, b"\x81\x8d abc \x90\x9d"])
def test_undecidable_bytes_are_an_error_that_says_the_fix(data):
    """Without a language it recognises, charset-normalizer's guesses (Ukrainian DOS, Shift-JIS
    here) are garbage; refusing is better than storing that."""
    with pytest.raises(DecodingError, match=r"^not UTF-8 \(byte 0\), and not Windows-1252 or Latin-1 text either; "
                                            r"save it as UTF-8 or name its encoding with --encoding$"):
        decode(data)


def test_ingest_files_takes_the_reading_options(store, tmp_path):
    (tmp_path / "a.dat").write_bytes('{"text": "“Hi,” she said."}\n'.encode("utf-16-le"))
    report = ingest_files(store, [tmp_path / "a.dat"], input_format="jsonl", encoding="utf-16-le")
    assert [result.status for result in report.results] == ["added"]
    assert Store.counts(store)["quotes"] == 1


# -- arbitrary text, and the round trip out of a store and back ------------------------------------------

# What a feed of the stored articles holds: the README's recipe selects these columns with
# `sqlite-utils query ... --nl`, and `quotecheck ingest` reads the result as a feed.
ARTICLES_AS_FEED = "select path, outlet, published, url, title, lang, text from articles order by id"

_MARKS = st.sampled_from(list("“”\"‘’'«»„‚") + ["—", "\n", "\n\n", " said Anna Berg. ", "Credit: X\n"])
_QUOTED = st.builds(lambda inner, said: f"“{inner},” {said}", st.text(max_size=30),
                    st.sampled_from(["she said.", "said Tomasz Orlowski.", "he added.\n", ""]))
_ANY_TEXT = st.lists(st.one_of(st.text(max_size=40), _MARKS, _QUOTED), min_size=1, max_size=12).map("".join)
_FIELD = st.one_of(st.none(), st.text(min_size=1, max_size=20).filter(str.strip))
_RECORD = st.fixed_dictionaries(
    {"text": _ANY_TEXT.filter(str.strip)},
    optional={"outlet": _FIELD, "title": _FIELD, "url": _FIELD, "lang": _FIELD,
              "date": st.one_of(st.none(), st.dates().map(str))},
)


def _ingest_feed(store: Store, feed: Path) -> None:
    report = ingest_files(store, [feed])
    assert report.failed == [], [result.error for result in report.failed]


def _exported(store: Store) -> list[dict]:
    """What `quotecheck export --format jsonl` writes, one dict a quotation."""
    return list(store.quotation_rows())


def _articles_as_feed(store: Store, feed: Path) -> None:
    cursor = store.db.execute(ARTICLES_AS_FEED)
    columns = [column[0] for column in cursor.description]
    feed.write_text("".join(json.dumps(dict(zip(columns, row, strict=True))) + "\n" for row in cursor),
                    encoding="utf-8")


@settings(max_examples=40, deadline=None)
@given(st.lists(_RECORD, min_size=1, max_size=4))
def test_any_unicode_text_ingests_and_survives_export_and_reingest(tmp_path_factory, records):
    """Any text (any code point but unpaired surrogates, which JSON text cannot carry) ingests
    without error; writing the stored articles out as a feed and ingesting that into a fresh
    store gives the same articles and the same quotations, field for field, except that an
    outlet from the first feed's fields is now from the second's (outlet_source 'feed' both
    times) and a guessed outlet is written out and so no longer a guess."""
    folder = tmp_path_factory.mktemp("roundtrip")
    (folder / "in.jsonl").write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    first, second = Store.open(":memory:"), Store.open(":memory:")
    try:
        _ingest_feed(first, folder / "in.jsonl")
        assert first.counts()["articles"] == len(records)
        _articles_as_feed(first, folder / "out.jsonl")
        _ingest_feed(second, folder / "out.jsonl")
        articles_first = first.db.execute(ARTICLES_AS_FEED).fetchall()
        assert second.db.execute(ARTICLES_AS_FEED).fetchall() == articles_first
        exported_first, exported_second = _exported(first), _exported(second)
        for row in exported_first:
            if row["outlet_source"] == "guessed":
                row["outlet_source"] = "feed"
        assert exported_second == exported_first
    finally:
        first.close()
        second.close()


_PLAIN_TEXT = _ANY_TEXT.filter(lambda text: text.strip() and not any(
    unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text))


@settings(max_examples=40, deadline=None)
@given(_PLAIN_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_any_text_file_without_control_characters_ingests(tmp_path_factory, body, encoding):
    """A text file (front matter, then any body without control characters: those make a
    file binary) ingests in any Unicode encoding, its body stored NFC-normalized with line
    ends as line feeds, and the quotations are those of that text."""
    path = tmp_path_factory.mktemp("plain") / "a.txt"
    path.write_bytes(f"---\noutlet: Any\n---\n{body}".encode(encoding))
    store = Store.open(":memory:")
    try:
        _ingest_feed(store, path)
        (text,) = store.db.execute("select text from articles").fetchone()
        assert text == unicodedata.normalize("NFC", body.replace("\r\n", "\n").replace("\r", "\n"))
        stored = store.db.execute('select text, start, "end" from quotes order by seq').fetchall()
        assert stored == [(q.text, q.start, q.end) for q in extract(read_article(path))]
    finally:
        store.close()


def test_readme_round_trip_through_sqlite_utils_and_the_cli(run, db_path, tmp_path):
    """The README recipe: the stored articles as a feed (sqlite-utils query --nl), ingested
    into a fresh store, export the same quotations."""
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert f'sqlite-utils query db/quotes.db "{ARTICLES_AS_FEED.removesuffix(" order by id")}" --nl' in readme
    for name in ("harbour-gazette.html", "wire-feed.jsonl", "courier-cp1252.txt"):
        shutil.copy(INPUTS / name, tmp_path / name)
    shutil.copytree(REPO / "fixtures" / "articles", tmp_path / "articles")
    assert run("ingest", "articles", "harbour-gazette.html", "wire-feed.jsonl", "courier-cp1252.txt").exit_code == 0
    exported = run("export", "--format", "jsonl").stdout
    feed = subprocess.run(
        [*_sqlite_utils(), "query", str(db_path), ARTICLES_AS_FEED.removesuffix(" order by id"), "--nl"],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=True,
    ).stdout
    (tmp_path / "articles.jsonl").write_text(feed, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    assert run("--db", str(fresh), "ingest", "articles.jsonl").exit_code == 0
    again = run("--db", str(fresh), "export", "--format", "jsonl").stdout
    before = [json.loads(line) for line in exported.splitlines()]
    after = [json.loads(line) for line in again.splitlines()]
    assert len(after) == len(before) > 20
    for row in before:
        row["outlet_source"] = "feed" if row["outlet"] else None
    assert after == before
