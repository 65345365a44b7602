"""The one text-folding function every matcher uses."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

# Common British spellings folded to American ones so "favour" matches "favor".
_SPELLINGS = {
    "favour": "favor",
    "favourite": "favorite",
    "honour": "honor",
    "labour": "labor",
    "colour": "color",
    "neighbour": "neighbor",
    "behaviour": "behavior",
    "rumour": "rumor",
    "harbour": "harbor",
    "humour": "humor",
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "centre": "center",
    "theatre": "theater",
    "metre": "meter",
    "programme": "program",
    "travelling": "traveling",
    "travelled": "traveled",
    "cancelled": "canceled",
    "organise": "organize",
    "organised": "organized",
    "recognise": "recognize",
    "recognised": "recognized",
    "realise": "realize",
    "realised": "realized",
    "apologise": "apologize",
    "criticise": "criticize",
    "criticised": "criticized",
    "emphasise": "emphasize",
    "prioritise": "prioritize",
    "analyse": "analyze",
    "catalogue": "catalog",
    "dialogue": "dialog",
    "grey": "gray",
    "tyre": "tire",
    "jewellery": "jewelry",
}

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def strip_accents(text: str) -> str:
    """López -> Lopez; ß and other letters without a base form are kept."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of `text`: lower case, no accents, apostrophes straight, spellings folded."""
    folded = strip_accents(text).casefold().replace("’", "'")
    return [_SPELLINGS.get(word, word) for word in _WORD.findall(folded)]


def fold(text: str) -> str:
    """Text with quotation marks, case, accents, punctuation and spacing folded away."""
    return " ".join(words(text))


class Token(NamedTuple):
    """One word as printed and as folded: `[t.folded for t in tokens(x)] == words(x)`."""

    printed: str
    folded: str


def tokens(text: str) -> list[Token]:
    """The words of `text` with their printed form, aligned one to one with `words(text)`."""
    return list(_tokens(text))


@functools.lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[Token, ...]:
    """The words of `text` with their printed form (see `tokens`); cached, as one reference
    version is compared with every variant of its cluster. A small cache: a text's tokens take
    about 2.5 KB, and describing a million clusters would otherwise fill 100,000 entries.

    Folding works character by character (accents, case and apostrophes never depend on the
    neighbouring characters), so each folded word maps back to the characters it came from.
    """
    if text.isascii():  # folding keeps every character in place: match on the lower-cased text
        return tuple(
            Token(text[m.start() : m.end()], _SPELLINGS.get(m.group(), m.group()))
            for m in _WORD.finditer(text.lower())
        )
    folded_chars: list[str] = []
    source: list[int] = []
    for index, char in enumerate(text):
        for folded_char in strip_accents(char).casefold().replace("’", "'"):
            folded_chars.append(folded_char)
            source.append(index)
    folded = "".join(folded_chars)
    return tuple(
        Token(text[source[m.start()] : source[m.end() - 1] + 1], _SPELLINGS.get(m.group(), m.group()))
        for m in _WORD.finditer(folded)
    )
