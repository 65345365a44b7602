"""Reading articles: text files with front matter, saved HTML pages, JSON Lines feeds and
standard input; manifests and metadata precedence.

Metadata comes from, highest first: command-line options, the article's own metadata (front
matter at the top of a text file, the markup of an HTML page, the fields of a feed line), a
manifest keyed by file name, and, for the outlet only, a guess from the text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from . import decoding
from .decoding import DecodingError
from .models import METADATA_FIELDS, Article, Metadata
from .webpage import PageError, declared_charset, read_page

TEXT, HTML, JSONL = "text", "html", "jsonl"
FORMATS = (TEXT, HTML, JSONL)
# Folders are searched for these; a feed (.jsonl) is read only when named, since a folder
# may hold an export of quotations (also .jsonl) that is no feed of articles.
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_FORMAT_OF_SUFFIX = {".html": HTML, ".htm": HTML, ".jsonl": JSONL, ".ndjson": JSONL}
STDIN = "-"
# Larger inputs are refused before they are read whole: an article file, standard input, or
# one line of a feed (a feed itself is read line by line and may be any size).
MAX_BYTES = 20_000_000
NO_METADATA = Metadata()  # frozen, so safe as a default

# Front-matter keys understood, and the metadata field each one fills.
_KEY_ALIASES = {
    "outlet": "outlet",
    "source": "outlet",
    "site": "outlet",
    "publication": "outlet",
    "date": "published",
    "published": "published",
    "url": "url",
    "link": "url",
    "title": "title",
    "headline": "title",
    "lang": "lang",
    "language": "lang",
}
_FRONT_MATTER_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s?(.*)$")
_FENCE = "---"


class SourceError(Exception):
    """An input that cannot be read; the message names the file and the problem."""


def collect_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand folders (recursively) into article files, in a stable order, each file once;
    `-` (standard input) is kept as Path("-").

    Raises SourceError for a path that does not exist or a folder without article files,
    before anything is ingested, so that a typo never leaves a half-ingested store behind. A
    file that exists but cannot be read is reported when it is read, and the others go on.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if str(raw) == STDIN:
            files.append(path)
        elif not path.exists():
            raise SourceError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
            if not found:
                suffixes = ", ".join(ARTICLE_SUFFIXES[:-1]) + " or " + ARTICLE_SUFFIXES[-1]
                raise SourceError(f"{path}: no {suffixes} files in this folder")
            files.extend(found)
        else:
            files.append(path)
    return list(dict.fromkeys(files))  # a file named twice (or inside a named folder) once


def format_of(path: Path) -> str:
    """The format a file is read in, from its suffix; standard input is text."""
    return _FORMAT_OF_SUFFIX.get(path.suffix.lower(), TEXT)


def parse_date(value: str | None, *, where: str = "date") -> str | None:
    """An ISO date (2021-01-04), month (2021-01) or date-time, returned in ISO form; '' -> None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return dt.date.fromisoformat(value + "-01").isoformat()[:7]
        if re.fullmatch(r"\d{4}-?\d{2}-?\d{2}", value):
            return dt.date.fromisoformat(value).isoformat()
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise SourceError(
            f"{where}: {value!r} is not an ISO date (e.g. 2021-01-04, 2021-01 or 2021-01-04T11:41)"
        ) from None


def split_front_matter(raw: str) -> tuple[dict[str, str], str, int]:
    """Split a file's text into (front matter fields, body, line number where the body starts).

    Two layouts are accepted: key: value lines between two `---` lines, or key: value lines
    at the very top followed by one `---` line. Unknown keys are ignored.
    """
    lines = raw.split("\n")
    start = 1 if lines and lines[0].strip() == _FENCE else 0
    fields: dict[str, str] = {}
    for index in range(start, min(len(lines), 60)):
        line = lines[index].rstrip("\r")
        if line.strip() == _FENCE:
            body = "\n".join(lines[index + 1 :])
            return fields, body, index + 2
        match = _FRONT_MATTER_LINE.match(line)
        if not match:
            break
        key = _KEY_ALIASES.get(match.group(1).lower())
        if key:
            fields[key] = match.group(2).strip()
    return {}, raw, 1


def metadata_from_fields(fields: dict[str, str], *, where: str) -> Metadata:
    """Metadata from a mapping such as front matter or a manifest row, dates checked."""
    values = {name: (fields.get(name) or "").strip() or None for name in METADATA_FIELDS}
    values["published"] = parse_date(values["published"], where=where)
    return Metadata(**values)


def load_manifest(path: str | os.PathLike[str]) -> dict[str, Metadata]:
    """A manifest as {file name: Metadata}: CSV with a `file` column, or JSON (object keyed by
    file name, or a list of objects with a `file` field)."""
    manifest_path = Path(path)
    try:
        raw = manifest_path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SourceError(f"{manifest_path}: cannot read manifest ({error.strerror})") from None
    except UnicodeDecodeError:
        raise SourceError(f"{manifest_path}: manifest is not UTF-8") from None
    rows: list[dict[str, str]]
    if manifest_path.suffix.lower() == ".json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise SourceError(f"{manifest_path}: invalid JSON manifest ({error.msg}, line {error.lineno})") from None
        if isinstance(data, dict):
            rows = []
            for name, fields in data.items():
                if fields is not None and not isinstance(fields, dict):
                    raise SourceError(f"{manifest_path}: entry {name!r} is not an object of metadata")
                rows.append({"file": name, **(fields or {})})
        elif isinstance(data, list):
            rows = data
        else:
            raise SourceError(f"{manifest_path}: a JSON manifest is an object keyed by file name or a list")
    else:
        rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    manifest: dict[str, Metadata] = {}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise SourceError(f"{manifest_path}: entry {number} is not an object")
        name = str(row.get("file") or row.get("path") or "").strip()
        if not name:
            raise SourceError(f"{manifest_path}: entry {number} has no 'file' field")
        fields = {
            _KEY_ALIASES[key.lower()]: str(value)
            for key, value in row.items()
            if key and key.lower() in _KEY_ALIASES and value is not None
        }
        manifest[name] = metadata_from_fields(fields, where=f"{manifest_path}: entry {name!r}")
    return manifest


def manifest_entry(manifest: dict[str, Metadata], path: Path) -> Metadata:
    """The manifest row for `path`, matched by the path as given or by its file name."""
    for key in (str(path), path.as_posix(), path.name):
        if key in manifest:
            return manifest[key]
    return Metadata()


# "Credit: RT News", "Source: Reuters" as the last line, or a dateline "LONDON (Reuters) -".
_CREDIT_LINE = re.compile(r"^\s*(?:credit|source|via)\s*:\s*(?P<outlet>[^\s:][^\n:]{1,59}?)[\s.]*$", re.I)
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z0-9 .,'-]{1,40}\((?P<outlet>Reuters|AP|AFP|Bloomberg|UPI|dpa)\)\s*[-–—]", re.M
)


def guess_outlet(text: str) -> str | None:
    """The outlet, only where the text names it itself (a last credit line or an agency dateline)."""
    lines = text.rstrip().split("\n")
    credit = _CREDIT_LINE.match(lines[-1]) if lines else None
    if credit:
        return credit.group("outlet")
    dateline = _DATELINE.search(text[:500])
    if dateline:
        return dateline.group("outlet")
    return None


def decode(data: bytes, *, name: str, declared: str | None = None, encoding: str | None = None) -> str:
    """Bytes of an input as text (see quotecheck.decoding); SourceError names the input."""
    try:
        return decoding.decode(data, declared=declared, encoding=encoding)
    except DecodingError as error:
        raise SourceError(f"{name}: {error}") from None


def article_from_text(
    raw: str,
    *,
    path: str,
    options: Metadata = NO_METADATA,
    manifest: Metadata = NO_METADATA,
) -> Article:
    """Build an Article from a text file's contents, applying metadata precedence."""
    fields, body, body_line = split_front_matter(_lf(raw))
    front = metadata_from_fields(fields, where=f"{path}: front matter")
    if not body.strip():
        raise SourceError(f"{path}: no text after the front matter" if fields else f"{path}: no text (only white space)")
    return _article(path, body, options=options, own=front, own_source="front matter",
                    manifest=manifest, body_line=body_line)


def article_from_html(
    html: str,
    *,
    path: str,
    options: Metadata = NO_METADATA,
    manifest: Metadata = NO_METADATA,
    feed: Metadata = NO_METADATA,
    body_line: int = 1,
    where: str | None = None,
) -> Article:
    """Build an Article from a saved HTML page: its main text, and its metadata between the
    options (and, for a feed line, the line's fields) and the manifest. Errors name `where`
    (a feed's FILE:LINE), else `path`."""
    try:
        page = read_page(html)
    except PageError as error:
        raise SourceError(f"{where or path}: {error}") from None
    try:
        published = parse_date(page.metadata.published)
    except SourceError:
        published = None  # the page's markup, not something the user wrote: leave it out
    markup = Metadata(**{**page.metadata.__dict__, "published": published})
    host = None
    if page.site_name_is_host:  # a host name is a guess at the outlet, below the manifest
        host, markup = markup.outlet, Metadata(**{**markup.__dict__, "outlet": None})
    return _article(path, _lf(page.text), options=options, own=feed.merged_over(markup),
                    own_source="feed" if feed.outlet else "html", manifest=manifest, guess=host,
                    body_line=body_line)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _article(
    path: str,
    body: str,
    *,
    options: Metadata,
    own: Metadata,
    own_source: str,
    manifest: Metadata,
    guess: str | None = None,
    body_line: int = 1,
) -> Article:
    """The article with metadata precedence applied: options > its own metadata > manifest >
    for the outlet only, a guess from the text (or `guess`)."""
    body = unicodedata.normalize("NFC", body)
    if not body.strip():
        raise SourceError(f"{path}: no text")
    metadata = options.merged_over(own).merged_over(manifest)
    if options.outlet:
        outlet_source = "option"
    elif own.outlet:
        outlet_source = own_source
    elif manifest.outlet:
        outlet_source = "manifest"
    else:
        guessed = guess_outlet(body) or guess
        metadata = Metadata(**{**metadata.__dict__, "outlet": guessed})
        outlet_source = "guessed" if guessed else None
    return Article(path=path, text=body, metadata=metadata, outlet_source=outlet_source, body_line=body_line)


def read_article(
    path: Path,
    *,
    options: Metadata = NO_METADATA,
    manifest: dict[str, Metadata] | None = None,
    input_format: str | None = None,
    encoding: str | None = None,
    stdin: BinaryIO | None = None,
) -> Article:
    """Read one article: a text file (front matter allowed) or a saved HTML page, by
    `input_format` or the file's suffix; `-` reads standard input (`stdin`, by default sys.stdin).
    Raises SourceError naming the file on any problem."""
    name = str(path)
    data = _read_bytes(path, stdin)
    if not data.strip():
        raise SourceError(f"{name}: empty file")
    entry = manifest_entry(manifest or {}, path)
    if (input_format or format_of(path)) == HTML:
        html = decode(data, name=name, declared=declared_charset(data), encoding=encoding)
        return article_from_html(html, path=name, options=options, manifest=entry)
    return article_from_text(decode(data, name=name, encoding=encoding), path=name, options=options, manifest=entry)


def read_articles(
    paths: Iterable[Path],
    *,
    options: Metadata = NO_METADATA,
    manifest: dict[str, Metadata] | None = None,
    input_format: str | None = None,
    encoding: str | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[tuple[str, Article | SourceError]]:
    """Each article's path with its Article, or the SourceError that reading it raised. A
    file is one article; a feed (JSON Lines) is one article a line."""
    for path in paths:
        if (input_format or format_of(path)) == JSONL:
            yield from read_feed(path, options=options, manifest=manifest, encoding=encoding, stdin=stdin)
            continue
        try:
            yield str(path), read_article(
                path, options=options, manifest=manifest, input_format=input_format, encoding=encoding, stdin=stdin
            )
        except SourceError as error:
            yield str(path), error


def _read_bytes(path: Path, stdin: BinaryIO | None) -> bytes:
    name = str(path)
    try:
        if name == STDIN:
            data = (stdin or sys.stdin.buffer).read(MAX_BYTES + 1)
            size = len(data)
        else:
            with path.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                # st_size is 0 for pipes and devices: read no more than the limit either way
                data = handle.read(MAX_BYTES + 1) if size <= MAX_BYTES else b""
                size = max(size, len(data))
    except OSError as error:
        raise SourceError(f"{name}: cannot read ({error.strerror or error})") from None
    if size > MAX_BYTES:
        raise SourceError(f"{name}: {_too_large(size)}; an article may have at most {MAX_BYTES // 1_000_000} MB")
    return data


def _too_large(size: int) -> str:
    return f"too large ({size / 1_000_000:.1f} MB)" if size > MAX_BYTES + 1 else "too large (over the limit)"


# -- JSON Lines feeds ---------------------------------------------------------------------------

_CHUNK = 1 << 16
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8


def read_feed(
    path: Path,
    *,
    options: Metadata = NO_METADATA,
    manifest: dict[str, Metadata] | None = None,
    encoding: str | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[tuple[str, Article | SourceError]]:
    """The articles of a JSON Lines feed, one a line: a `text` (or `html`) field, metadata
    fields (outlet, date or published, url, title, lang, and the front-matter aliases), and
    optionally `id` or `path`. An article's path is the line's `path`, else FEED#id, else
    FEED:LINE. A bad line is reported as FEED:LINE and the other lines go on. The feed is read
    line by line, so it may be any size; one line may have at most MAX_BYTES."""
    name = str(path)
    feed_entry = manifest_entry(manifest or {}, path)
    seen: dict[str, int] = {}
    empty = True
    try:
        for number, line in _feed_lines(path, encoding, stdin):
            where = f"{name}:{number}" if number else name
            if isinstance(line, SourceError):
                yield where, SourceError(f"{where}: {line}")
                empty = False
                continue
            if not line.strip():
                continue
            empty = False
            try:
                record = _feed_record(line, where)
                article_path = _feed_path(record, name, number, where)
                if article_path in seen:
                    raise SourceError(f"{where}: {article_path!r} is already the article of line {seen[article_path]}")
                seen[article_path] = number
                entry = (manifest or {}).get(article_path, NO_METADATA).merged_over(feed_entry)
                yield article_path, _feed_article(record, article_path, where, number, options, entry)
            except SourceError as error:
                yield where, error
    except OSError as error:
        yield name, SourceError(f"{name}: cannot read ({error.strerror or error})")
        return
    if empty:
        yield name, SourceError(f"{name}: empty file")


def _feed_lines(path: Path, encoding: str | None, stdin: BinaryIO | None) -> Iterator[tuple[int, str | SourceError]]:
    """(line number, line) of a feed, decoded incrementally; a line that is too long or not
    valid in the feed's encoding comes as a SourceError (without the file name)."""
    if str(path) == STDIN:
        yield from _decoded_lines(stdin or sys.stdin.buffer, encoding)
        return
    with path.open("rb") as handle:
        yield from _decoded_lines(handle, encoding)


def _decoded_lines(stream: BinaryIO, encoding: str | None) -> Iterator[tuple[int, str | SourceError]]:
    """Line 0 is the feed as a whole (not text at all, or an unknown encoding)."""
    first = stream.read(_CHUNK)
    try:
        codec = codecs.lookup(encoding or _feed_codec(first)).name
        if encoding is None:
            decoding.refuse_binary(first[: decoding.SAMPLE_BYTES])
    except LookupError:
        yield 0, SourceError(f"unknown encoding {encoding!r}")
        return
    except DecodingError as error:
        yield 0, SourceError(str(error))
        return
    label = encoding or codec.upper().replace("-SIG", "")
    # JSON Lines are UTF-8 (bad bytes are marked and reported per line); other encodings
    # come only from a byte-order mark or --encoding, and are decoded strictly.
    decoder = codecs.getincrementaldecoder(codec)(errors="surrogateescape" if codec.startswith("utf-8") else "strict")
    pending, number, skipping = "", 0, False
    chunk = first
    while True:
        final = not chunk
        try:
            pending += decoder.decode(chunk, final=final)
        except UnicodeDecodeError as error:
            reason = "truncated" if final else f"not valid {label} ({error.reason})"
            yield number + 1, SourceError(reason)
            return
        lines = pending.split("\n")
        pending = lines.pop()
        for line in lines:
            number += 1
            if skipping:
                skipping = False  # the end of a line already reported as too long
                continue
            yield number, _checked_line(line, label)
        if len(pending) > MAX_BYTES and not skipping:
            yield number + 1, SourceError(f"line too long; a feed line may have at most {MAX_BYTES // 1_000_000} MB")
            skipping, pending = True, ""
        elif skipping:
            pending = ""
        if final:
            if pending and not skipping:
                yield number + 1, _checked_line(pending, label)
            return
        chunk = stream.read(_CHUNK)


def _feed_codec(head: bytes) -> str:
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return codec
    return "utf-8-sig"


def _checked_line(line: str, label: str) -> str | SourceError:
    bad = _ESCAPED_BYTE.search(line)
    if bad:
        return SourceError(f"not valid {label} (column {bad.start() + 1}); JSON Lines are UTF-8")
    return line


def _feed_record(line: str, where: str) -> dict[str, object]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise SourceError(f"{where}: invalid JSON ({error.msg}, column {error.colno})") from None
    except RecursionError:
        raise SourceError(f"{where}: invalid JSON (nested too deeply)") from None
    if not isinstance(record, dict):
        raise SourceError(f"{where}: not a JSON object with a 'text' field")
    return record


def _feed_path(record: dict[str, object], name: str, number: int, where: str) -> str:
    if record.get("path") not in (None, ""):
        return _string(record, "path", where)
    identifier = record.get("id")
    if identifier is None or identifier == "":
        return f"{name}:{number}"
    if isinstance(identifier, bool) or not isinstance(identifier, str | int):
        raise SourceError(f"{where}: 'id' is not a string or a whole number")
    return f"{name}#{identifier}"


def _string(record: dict[str, object], key: str, where: str) -> str:
    value = record[key]
    if not isinstance(value, str):
        raise SourceError(f"{where}: {key!r} is not a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise SourceError(f"{where}: {key!r} holds an unpaired surrogate (\\u{ord(value[error.start]):04x})") from None
    return value


def _feed_article(
    record: dict[str, object], path: str, where: str, number: int, options: Metadata, manifest: Metadata
) -> Article:
    fields = {}
    for key, value in record.items():
        field = _KEY_ALIASES.get(key.lower())
        if field is not None and value is not None:
            fields[field] = _string(record, key, where)
    own = metadata_from_fields(fields, where=where)
    if record.get("text") is not None:
        text = _lf(_string(record, "text", where))
        if not text.strip():
            raise SourceError(f"{where}: 'text' is empty")
        return _article(path, text, options=options, own=own, own_source="feed", manifest=manifest, body_line=number)
    if record.get("html") is not None:
        html = _string(record, "html", where)
        return article_from_html(html, path=path, options=options, manifest=manifest, feed=own,
                                 body_line=number, where=where)
    raise SourceError(f"{where}: no 'text' field")
