"""Reading articles from files: text, front matter, manifests and metadata precedence.

Metadata comes from, highest first: command-line options, front matter at the top of the
file, a manifest keyed by file name, and, for the outlet only, a guess from the text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from .models import METADATA_FIELDS, Article, Metadata

ARTICLE_SUFFIXES = (".txt", ".md")
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
    """Expand folders (recursively) into article files, in a stable order, each file once.

    Raises SourceError for a path that does not exist, a folder without article files, or a
    file that cannot be opened for reading, before anything is ingested, so that a typo never
    leaves a half-ingested store behind.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise SourceError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
            if not found:
                suffixes = " or ".join(ARTICLE_SUFFIXES)
                raise SourceError(f"{path}: no {suffixes} files in this folder")
            files.extend(found)
        else:
            files.append(path)
    files = list(dict.fromkeys(files))  # a file named twice (or inside a named folder) once
    for path in files:
        # Open rather than os.access: access() says yes to root for any file, and to
        # everyone for a file whose reading then fails.
        try:
            with path.open("rb"):
                pass
        except OSError as error:
            raise SourceError(f"{path}: cannot read ({error.strerror or error})") from None
    return files


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
_CREDIT_LINE = re.compile(r"^\s*(?:credit|source|via)\s*:\s*(?P<outlet>[^\n:]{2,60}?)[\s.]*$", re.I)
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


def decode(data: bytes, *, name: str) -> str:
    """Bytes of an article file as text. UTF-8 (with or without BOM) only, for now."""
    if b"\x00" in data[:4096]:
        raise SourceError(f"{name}: looks like a binary file (NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"{name}: not UTF-8 (byte {error.start}); save it as UTF-8") from None


def article_from_text(
    raw: str,
    *,
    path: str,
    options: Metadata = NO_METADATA,
    manifest: Metadata = NO_METADATA,
) -> Article:
    """Build an Article from a file's text, applying metadata precedence."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    fields, body, body_line = split_front_matter(raw)
    front = metadata_from_fields(fields, where=f"{path}: front matter")
    metadata = options.merged_over(front).merged_over(manifest)
    body = unicodedata.normalize("NFC", body)
    if not body.strip():
        raise SourceError(f"{path}: no text after the front matter")
    if options.outlet:
        outlet_source = "option"
    elif front.outlet:
        outlet_source = "front matter"
    elif manifest.outlet:
        outlet_source = "manifest"
    else:
        guessed = guess_outlet(body)
        metadata = Metadata(**{**metadata.__dict__, "outlet": guessed})
        outlet_source = "guessed" if guessed else None
    return Article(path=path, text=body, metadata=metadata, outlet_source=outlet_source, body_line=body_line)


def read_article(
    path: Path,
    *,
    options: Metadata = NO_METADATA,
    manifest: dict[str, Metadata] | None = None,
) -> Article:
    """Read one article file. Raises SourceError naming the file on any problem."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror})") from None
    if not data.strip():
        raise SourceError(f"{path}: empty file")
    text = decode(data, name=str(path))
    return article_from_text(
        text, path=str(path), options=options, manifest=manifest_entry(manifest or {}, path)
    )


def read_articles(
    paths: Iterable[Path], *, options: Metadata = NO_METADATA, manifest: dict[str, Metadata] | None = None
) -> Iterator[tuple[Path, Article | SourceError]]:
    """Each path with its Article, or the SourceError that reading it raised."""
    for path in paths:
        try:
            yield path, read_article(path, options=options, manifest=manifest)
        except SourceError as error:
            yield path, error
