"""The extraction pipeline for one article: quotation spans, their speakers, their kinds."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .models import Article, Quotation
from .quotes import Span, find_spans, kind_of
from .speakers import attribute, mask_quotations, sentence_bounds, sentence_of

# Context kept with each quotation: the sentence around it, cut to this many characters.
SENTENCE_CHARS = 600


def extract(article: Article, known_speakers: Mapping[str, str] | None = None) -> list[Quotation]:
    """All quotations of an article with kind and speaker, in text order (outer before inner).

    `known_speakers` maps folded names and aliases to canonical names (the store's speakers
    table), so that "AMLO" and "Lopez Obrador" resolve to one person across articles.
    """
    return extract_text(article.text, known_speakers)


def extract_text(text: str, known_speakers: Mapping[str, str] | None = None) -> list[Quotation]:
    spans = find_spans(text)
    masked = mask_quotations(text, spans)
    sentences = sentence_bounds(masked, text, spans)
    attributions = attribute(text, spans, known_speakers, masked=masked, sentences=sentences)
    starts = [start for start, _ in sentences]
    quotations = []
    for span, attribution in zip(spans, attributions, strict=True):
        s_start, s_end = _sentence_around(sentences, starts, span)
        woven = _is_woven(masked, span, s_start)
        kind = kind_of(
            text,
            span,
            woven=woven,
            # somebody unnamed ("he added") makes a quotation standing on its own somebody's words;
            # a few words woven in with only "critics" or "opponents" behind them stay scare quotes
            attributed=bool(attribution.speaker) or (attribution.how != "none" and not woven),
            echoed=attribution.how == "echo",
            said_after=attribution.how == "after",
        )
        keeps_speaker = kind != "scare"
        quotations.append(
            Quotation(
                text=text[span.start : span.end],
                start=span.start,
                end=span.end,
                kind=kind,
                speaker=attribution.speaker if keeps_speaker else None,
                speaker_as_written=attribution.as_written if keeps_speaker else None,
                sentence=text[s_start:s_end].strip()[:SENTENCE_CHARS],
                suspect=span.suspect,
            )
        )
    return quotations


def _sentence_around(sentences: list[tuple[int, int]], starts: list[int], span: Span) -> tuple[int, int]:
    """From the start of the sentence holding the opening mark to the end of the sentence
    holding the quotation's last character (the sentences cover the text end to end)."""
    start = sentences[sentence_of(starts, span.open_at)][0]
    end = sentences[sentence_of(starts, span.end - 1)][1]
    return start, max(end, span.end)


def _is_woven(masked: str, span: Span, sentence_start: int) -> bool:
    """Inside a sentence of the reporter's: words before the opening mark that are not an
    introduction ending in a colon or comma ("X said: “…”")."""
    if span.depth:
        return True
    before = masked[sentence_start : span.open_at].rstrip()
    return bool(before) and not _INTRODUCES.search(before)


_INTRODUCES = re.compile(r"[:,—–-]$")
