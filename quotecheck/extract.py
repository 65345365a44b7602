"""The extraction pipeline for one article: quotation spans, their speakers, their kinds."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .models import Article, Quotation
from .quotes import Span, find_spans, kind_of
from .speakers import attribute, mask_quotations, sentence_bounds

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
    quotations = []
    for span, attribution in zip(spans, attributions, strict=True):
        s_start, s_end = _sentence_around(sentences, span)
        kind = kind_of(text, span, woven=_is_woven(masked, span, s_start), attributed=bool(attribution.speaker))
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


def _sentence_around(sentences: list[tuple[int, int]], span: Span) -> tuple[int, int]:
    start = next((s for s, e in sentences if s <= span.open_at < e), 0)
    end = next((e for s, e in sentences if s < span.end <= e), span.end)
    return start, max(end, span.end)


def _is_woven(masked: str, span: Span, sentence_start: int) -> bool:
    """Inside a sentence of the reporter's: words before the opening mark that are not an
    introduction ending in a colon or comma ("X said: “…”")."""
    if span.depth:
        return True
    before = masked[sentence_start : span.open_at].rstrip()
    return bool(before) and not re.search(r"[:,—–-]$", before)
