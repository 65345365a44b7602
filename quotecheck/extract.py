"""The extraction pipeline for one article: quotation spans, then their speakers."""

from __future__ import annotations

from .models import Article, Quotation
from .quotes import find_quotations


def extract(article: Article) -> list[Quotation]:
    """All quotations of an article with kind and speaker, in text order."""
    return find_quotations(article.text)
