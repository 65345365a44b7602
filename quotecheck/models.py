"""Plain data passed between the stages: file -> Article -> Quotation -> store."""

from __future__ import annotations

from dataclasses import dataclass, field

# How an article's outlet became known, highest precedence first: an option, the article's
# own metadata (front matter of a text file, an HTML page's markup, a feed line's fields), a
# manifest, or a guess from the text.
OUTLET_SOURCES = ("option", "front matter", "html", "feed", "manifest", "guessed")

# Kinds of quotation (see quotes.py for how each is decided).
DIRECT = "direct"
FRAGMENT = "fragment"
SCARE = "scare"
KINDS = (DIRECT, FRAGMENT, SCARE)


@dataclass(frozen=True)
class Metadata:
    """Article metadata; any field may be unknown (None)."""

    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    title: str | None = None
    lang: str | None = None

    def merged_over(self, lower: Metadata) -> Metadata:
        """Fields of self where set, else those of `lower`."""
        return Metadata(
            **{name: getattr(self, name) or getattr(lower, name) for name in METADATA_FIELDS}
        )


METADATA_FIELDS = ("outlet", "published", "url", "title", "lang")


@dataclass(frozen=True)
class Article:
    """One article as read from a source, before extraction."""

    path: str
    text: str  # the body, NFC-normalized; every offset points into it
    metadata: Metadata = field(default_factory=Metadata)
    outlet_source: str | None = None  # one of OUTLET_SOURCES, None when the outlet is unknown
    body_line: int = 1  # line of the source file where `text` starts (for reports that point at the file)


@dataclass(frozen=True)
class Quotation:
    """A quoted span of an article.

    `start`/`end` delimit the characters between the opening and the closing mark, so
    `article.text[start:end] == text` always holds. A quotation that never closes runs to the
    end of its paragraph and is marked `suspect`.
    """

    text: str
    start: int
    end: int
    kind: str = DIRECT
    speaker: str | None = None  # canonical name, or None when no attribution is within reach
    speaker_as_written: str | None = None  # the mention the attribution came from ("he", "Obrador")
    sentence: str = ""  # the sentence (or paragraph) around the quotation, for context
    suspect: bool = False
