"""Finding quotation spans in article text (pure: text in, spans out)."""

from __future__ import annotations

import re

from .models import DIRECT, Quotation

_DOUBLE = re.compile(r"[\"“”](?P<inner>[^\"“”\n]+)[\"“”]")


def find_quotations(text: str) -> list[Quotation]:
    """Every quotation in `text`, in text order."""
    return [
        Quotation(text=m.group("inner"), start=m.start("inner"), end=m.end("inner"), kind=DIRECT)
        for m in _DOUBLE.finditer(text)
    ]
