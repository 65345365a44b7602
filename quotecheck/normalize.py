"""The one text-folding function every matcher uses."""

from __future__ import annotations

import re
import unicodedata

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
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of `text`: lower case, no accents, apostrophes straight, spellings folded."""
    folded = strip_accents(text).casefold().replace("’", "'")
    return [_SPELLINGS.get(word, word) for word in _WORD.findall(folded)]


def fold(text: str) -> str:
    """Text with quotation marks, case, accents, punctuation and spacing folded away."""
    return " ".join(words(text))
