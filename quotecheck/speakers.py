"""Who said it: attribution of quotation spans and resolution of speaker names (pure).

For each quotation the attribution is looked for, nearest first:
1. right after the closing mark, in the same sentence: “…,” X said / said X / he told reporters;
2. before the opening mark, in the same sentence: X said: “…” / X said he thinks Assange “…”
   (the subject of the nearest speech verb that has one; "adding", "calling" borrow it);
3. "according to X" anywhere in the sentence;
4. the sentence just before (in the same or the previous paragraph), when it introduces X
   speaking or holds a quotation by X: continuations and “A,” he said. “B.”
Nothing further away is used: a quotation with no attribution within reach has no speaker.

Mentions are resolved to one canonical name per person: titles stripped, pronouns and role
descriptions ("the Mexican president") resolved to the person they refer to, partial names
(Obrador) to the fullest form in the article, and that form, through the known aliases of
the store, to the canonical name used across articles.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .normalize import fold as _fold_uncached
from .normalize import strip_accents
from .quotes import Span, find_spans, in_heading

# Names repeat within and across articles: fold each once.
fold = functools.lru_cache(maxsize=100_000)(_fold_uncached)

# -- vocabulary ------------------------------------------------------------------------------

_ENGLISH_VERBS = r"""
say|says|said|saying|tell|tells|told|telling|add|adds|added|adding|state|states|stated|stating|
declare|declares|declared|declaring|write|writes|wrote|writing|tweet|tweets|tweeted|tweeting|post|posted|
note|notes|noted|noting|explain|explains|explained|explaining|argue|argues|argued|arguing|insist|insists|
insisted|insisting|warn|warns|warned|warning|urge|urges|urged|urging|ask|asks|asked|asking|reply|replies|
replied|answer|answered|respond|responds|responded|continue|continues|continued|conclude|concluded|
remark|remarked|recall|recalls|recalled|recalling|claim|claims|claimed|claiming|acknowledge|acknowledged|
admit|admits|admitted|announce|announces|announced|announcing|emphasi[sz]e|emphasi[sz]es|emphasi[sz]ed|
emphasi[sz]ing|stress|stresses|stressed|stressing|point(?:s|ed|ing)?\s+out|observe|observed|comment|
commented|quip|quipped|suggest|suggests|suggested|suggesting|caution|cautioned|predict|predicted|promise|
promised|promising|vow|vows|vowed|vowing|pledge|pledged|describe|describes|described|describing|call|
calls|called|calling|brand|branded|branding|dub|dubbed|label(?:l)?ed|term|termed|lament|lamented|
complain|complained|concede|conceded|confirm|confirmed|deny|denied|reiterate|reiterated|reiterating|
exclaim|exclaimed|shout|shouted|think|thinks|thought|believe|believes|believed|speak|speaks|spoke|
speaking|proclaim|proclaimed|testify|testified|assert|asserted|maintain|maintained|joke|joked|mock|
mocked|demand|demanded|charge|charged|contend|contended|counter|countered|retort|retorted|plead|pleaded|
appeal|appealed|accuse|accused|accusing|tell|hail|hailed|praise|praised|criticise|criticised|
criticize|criticized|slam|slammed|blast|blasted|condemn|condemned|decry|decried|compare|compared|
comparing|announce|mention|mentioned|report|reported|reveal|revealed|recount|recounted|boast|boasted|
pleaded|implore|implored|repeat|repeated|repeating|express|expressed|expressing|assure|assured|
emphasise|highlight|highlighted|underline|underlined|wonder|wondered|added|went\s+on|go\s+on|goes\s+on|
hold|holds|held|feel|feels|felt|want|wants|wanted|hope|hopes|hoped|threaten|threatens|threatened|
threatening|vowed|admitted|acknowledging|told\s+reporters|pleading|agree|agrees|agreed|disagree|disagrees|
disagreed|put\s+it|puts\s+it|sighed|laughed|whispered|muttered|scoffed|snapped|reasoned|elaborated|
clarified|mused|
use(?:s|d)?\s+the\s+(?:word|term|expression|phrase|verb|adjective)|using\s+the\s+(?:word|term|expression|phrase|verb|adjective)
"""
_OTHER_VERBS = r"""
dijo|dice|afirmó|afirma|aseguró|asegura|señaló|señala|declaró|explicó|añadió|agregó|indicó|manifestó|
sostuvo|expresó|comentó|advirtió|subrayó|
a\s+déclaré|a\s+dit|a\s+affirmé|a\s+ajouté|a\s+expliqué|a\s+estimé|a\s+souligné|a\s+indiqué|a\s+assuré|
a\s+lancé|a\s+martelé|a-t-il\s+\w+|a-t-elle\s+\w+|déclare|affirme|ajoute|explique|estime|souligne|
lance|martèle|insiste|assure|dit|poursuit|précise|confie|tranche|
a\s+(?:clamé|répondu|précisé|poursuivi|confié|jugé|insisté|tranché|réagi|averti|prévenu|reconnu|rappelé|
fustigé|dénoncé|regretté|annoncé|écrit|tweeté|lâché|asséné)|
ha\s+detto|ha\s+dichiarato|ha\s+affermato|ha\s+aggiunto|ha\s+spiegato|ha\s+sottolineato|afferma|
dichiara|aggiunge|spiega|
sagte|sagt|erklärte|erklärt|betonte|betont|meinte|meint|warnte|warnt|schrieb|fügte\s+\w+\s+hinzu|
zei|zegt|verklaarde|aldus
"""


def _split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (a|b(?:c|d)|e -> a, b(?:c|d), e)."""
    alternatives, current, depth, i = [], [], 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current.append(pattern[i : i + 2])
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "|" and depth == 0:
            alternatives.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    alternatives.append("".join(current))
    return alternatives


# A leading piece that two alternatives can share: a letter, a hyphen, or a run of spaces.
_LEADING_PIECE = re.compile(r"[^\W\d_]|-|\\s\+")


def _factor_alternatives(alternatives: list[str]) -> str:
    """One regular expression matching exactly what the alternation of `alternatives` (written
    in lower case) matches, with or without re.I: the same match at every position, with
    shared leading letters factored out: say|says|said|tell -> (?:sa(?:y(?:|s)|id)|tell).

    Python's engine tries the alternatives of a group one by one at every position, so a flat
    list of some 400 verbs is slow to search; factored, most positions fail after one letter.
    The rewrite keeps the order in which alternatives are tried, and only groups alternatives
    whose leading pieces are mutually exclusive (two different letters, or a letter and a
    space, can never match the same character), so the first alternative that succeeds is the
    same one as before, with the same length.
    """
    if len(alternatives) == 1:
        return f"(?:{alternatives[0]})" if alternatives[0] else ""
    leading = [_LEADING_PIECE.match(alternative) for alternative in alternatives]
    if not all(leading):
        return "(?:" + "|".join(alternatives) + ")"  # something else leads: keep the order as is
    groups: dict[str, list[str]] = {}
    for alternative, piece in zip(alternatives, leading, strict=True):
        groups.setdefault(piece.group(), []).append(alternative[piece.end() :])
    parts = []
    for piece, rests in groups.items():
        if piece == r"\s+" and not all(_LEADING_PIECE.match(rest) and not rest.startswith(r"\s") for rest in rests):
            # a shared run of spaces is only factored out when a letter or hyphen follows it in
            # every alternative, so that giving back spaces can never let another one match
            parts.append("(?:" + "|".join(piece + rest for rest in rests) + ")")
        else:
            parts.append(piece + _factor_alternatives(rests))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


_VERB_ALTERNATIVES = _split_alternatives("".join((_ENGLISH_VERBS + "|" + _OTHER_VERBS).split()))
# Any speech verb (case-insensitive), factored for speed; see _factor_alternatives.
VERB = _factor_alternatives(_VERB_ALTERNATIVES)
_VERB_RE = re.compile(r"(?<![\w-])" + VERB + r"(?![\w-])", re.I)
_GERUND_OR_FOLLOW_ON = re.compile(r"ing$|^(?:and|then)$", re.I)

_ACCORDING = re.compile(
    r"(?:according\s+to|según|selon|secondo|laut|volgens)\s+(?P<np>[^,.;:!?\n]{2,80})", re.I
)
_QUOTED_AS_SAYING = re.compile(r"quoted\s+(?P<np>[^,.;:!?\n]{2,60}?)\s+as\s+(?:saying|telling)", re.I)

PRONOUNS = {
    "he": "m", "she": "f", "they": "p", "it": "o", "il": "m", "elle": "f", "él": "m", "ella": "f",
    "lui": "m", "lei": "f", "er": "m", "sie": "f", "hij": "m", "zij": "f", "ze": "f",
}
_FIRST_PERSON = {"i", "we", "je", "nous", "yo", "io", "ich", "wir"}

# Title words that fit anyone in charge, or only qualify a role: "the UN chief" may be the
# secretary-general; "former" or "U.S." says nothing of the role.
_ANY_ROLE = {
    "chief", "head", "leader", "official", "officials", "executive", "former", "late", "deputy", "vice", "un",
    "u.n", "us", "u.s", "eu", "uk", "foreign", "interior", "defence", "defense", "finance", "health", "economy",
    "economic", "trade", "agriculture", "education", "environment", "energy", "labor", "labour", "home",
    "district", "supreme", "federal", "state", "prime", "general", "sen", "rep", "gov", "dr", "mr", "mrs", "ms",
    "miss", "mx", "prof", "sir", "dame", "lord", "lady",
}

TITLE_WORDS = {
    "president", "vice", "vice-president", "prime", "minister", "foreign", "secretary", "secretary-general",
    "general", "chancellor", "senator", "sen", "rep", "representative", "governor", "gov", "mayor", "judge",
    "justice", "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "lord", "lady",
    "king", "queen", "prince", "princess", "pope", "chief", "director", "director-general", "ceo",
    "chairman", "chairwoman", "chair", "spokesman", "spokeswoman", "spokesperson", "ambassador",
    "commissioner", "deputy", "former", "late", "leader", "premier", "sheikh", "emir", "rev", "father",
    "sister", "brother", "cardinal", "bishop", "archbishop", "captain", "colonel", "lieutenant", "sergeant",
    "officer", "attorney", "councillor", "councilman", "councilwoman", "congressman", "congresswoman",
    "speaker", "head", "founder", "co-founder", "executive", "officials", "official", "un", "u.n", "us",
    "u.s", "eu", "uk", "district", "supreme", "federal", "state", "interior", "defence", "defense",
    "finance", "health", "economy", "economic", "trade", "agriculture", "education", "environment",
    "energy", "labor", "labour", "home", "président", "presidente", "präsident", "ministre",
    "ministro", "minister-president", "commander", "engineer", "economist", "analyst", "expert", "lawyer",
    "activist", "author", "writer", "actor", "actress", "singer", "coach", "manager", "player", "scientist",
    "researcher", "doctor", "nurse", "teacher", "journalist", "reporter", "editor", "columnist",
    "historian", "lecturer", "strategist", "consultant", "adviser", "advisor", "generalsekretar", "generaal", "secretaris",
    "secretario", "secretaire", "segretario", "kanzler", "kanzlerin", "bundeskanzler",
    "prasident", "prasidentin", "ministerin", "burgermeister", "burgermeisterin", "senior", "junior", "assistant", "acting", "mp", "mep",
}
_NAME_PARTICLES = {"de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le", "bin",
                   "ibn", "al", "y", "dos", "das", "ter", "zu", "st"}
_NOT_NAMES = {
    "the", "a", "an", "in", "on", "at", "during", "after", "before", "but", "and", "or", "if", "when", "while",
    "as", "for", "from", "with", "by", "to", "of", "this", "that", "these", "those", "his", "her", "their",
    "its", "our", "my", "your", "it", "he", "she", "they", "we", "i", "you", "there", "here", "what", "who",
    "why", "how", "where", "still", "yet", "so", "then", "also", "however", "although", "though", "since",
    "last", "next", "earlier", "later", "speaking", "asked", "celebrating", "casting", "months", "years",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "photo", "credit", "file", "read", "more", "related", "advertisement", "le", "la", "les", "el", "der",
    "die", "das", "het", "de", "un", "une", "is", "was", "are", "were", "has", "had", "have", "will",
    "would", "can", "could", "should", "not", "no", "yes", "now", "today", "yesterday", "meanwhile",
    "instead", "indeed", "thus", "therefore", "moreover", "according", "some", "many", "most", "all",
    "both", "each", "every", "other", "another", "such", "one", "two", "three", "several", "officials",
    "ready", "asylum", "breaking", "update", "updated", "watch", "listen", "share", "subscribe", "sign",
    # unnamed groups, capitalized only because they open a sentence ("Critics called it …")
    "critics", "experts", "analysts", "residents", "protesters", "witnesses", "scientists", "researchers",
    "activists", "lawmakers", "opponents", "supporters", "observers", "sources", "locals", "campaigners",
    "economists", "diplomats", "investors", "voters", "fans", "users", "parents", "teachers", "doctors",
}
# Words that make a capitalized run a place or an organisation rather than a person.
_NOT_PERSON_WORDS = {
    "united", "states", "kingdom", "nations", "union", "court", "prison", "embassy", "ministry", "department",
    "university", "news", "times", "post", "party", "council", "house", "street", "service", "agency",
    "office", "parliament", "assembly", "republic", "government", "administration", "police", "army",
    "force", "forces", "bank", "company", "group", "institute", "organization", "organisation", "committee",
    "commission", "club", "league", "airport", "city", "county", "province", "region", "north", "south",
    "east", "west", "america", "europe", "africa", "asia", "press", "media", "network", "tv", "radio",
    "magazine", "journal", "daily", "herald", "tribune", "world", "international", "foundation", "museum",
    "church", "hospital", "school", "college", "center", "centre", "fund", "program", "programme",
    "summit", "conference", "day", "week", "year", "act", "law", "treaty", "war", "plaza", "palace",
    "hall", "square", "tower", "bridge", "river", "sea", "ocean", "island", "islands", "mountains",
    "valley", "airlines", "inc", "ltd", "corp", "corporation", "association", "federation",
    "confederation", "movement", "alliance", "front", "senate", "congress", "cabinet", "magistrates",
    "terminal", "hangar", "mexico", "britain", "france", "germany", "china", "russia", "india", "spain",
    "italy", "canada", "brazil", "japan", "ecuador", "bolivia", "venezuela", "australia", "london", "paris",
    "washington", "york", "hemisphere", "northern", "southern", "eastern", "western", "twitter", "facebook", "instagram", "wikileaks", "reuters", "afp", "ap",
}
_SUBJECT_FOLLOWERS = re.compile(
    r"^(?:,\s[^,\n]{1,100}?,\s*)?(?:has|had|have|is|was|were|will|would|could|can|did|does|do|may|might|"
    r"should|must|also|then|later|previously|once|repeatedly|again|\w+ly|\w+ed|\w+s)\b"
)
_SPEECH_FOLLOWS = re.compile(
    r"^(?:,\s[^,\n]{1,100}?,\s*)?(?:(?:has|had|have|also|then|later|previously|once|repeatedly|again|"
    r"would|will|\w+ly)\s+){0,2}" + VERB + r"\b",
    re.I,
)
_CAP_TOKEN = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'\-]*"
_NAME_RUN = re.compile(
    rf"{_CAP_TOKEN}(?:[^\S\n]+(?:(?:{'|'.join(sorted(_NAME_PARTICLES))})[^\S\n]+)*{_CAP_TOKEN})*"
)
_ACRONYM_ALIAS = re.compile(
    rf"(?P<full>{_CAP_TOKEN}(?:\s+{_CAP_TOKEN}){{1,6}})\s+\((?:aka\s+|a\.k\.a\.?\s+|known\s+as\s+)?"
    r"(?P<alias>[A-Z][A-Za-z0-9&.]{1,9})\)"
)
_AKA_ALIAS = re.compile(
    rf"(?P<full>{_CAP_TOKEN}(?:\s+{_CAP_TOKEN}){{0,6}})\s+\((?:aka|a\.k\.a\.?|known\s+as|also\s+known\s+as)\s+"
    rf"(?P<alias>{_CAP_TOKEN}(?:\s+{_CAP_TOKEN}){{0,3}})\)"
)
# What both alias patterns need after the full name: an opening parenthesis with a space before
# it and a capital, "aka", "a.k.a.", "known as" or "also known as" after it. (The "(" comes first
# in the pattern so that the engine can skip straight from one "(" to the next.)
_ALIAS_PAREN = re.compile(r"\((?<=\s\()(?=[A-Z]|aka|a\.k\.a|known|also)")
# The last character before `endpos` that cannot stand in a full name (names, spaces, ’ ' -).
_NOT_IN_NAME = re.compile(r"[^\w’'\-\s][\w’'\-\s]*\Z")
# A sentence end: full stops (or ! ? …), spaces, and a capital, digit or opening mark after them.
# ("[.!?…][.!?…]*" is "[.!?…]+" written so that the engine can skip from one stop to the next.)
_SENTENCE_END = re.compile(r"[.!?…][.!?…]*[\s]+(?=[\"“‘'«„A-ZÀ-ÖØ-Þ0-9])")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "gov", "sen", "rep", "lt", "col",
                  "capt", "sgt", "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                  "sept", "oct", "nov", "dec", "no", "vs", "v", "inc", "ltd", "co", "corp", "a.m", "p.m"}

MASK = "\x1f"
# How far from a verb its subject may stand (words), and how far attribution is looked for.
MAX_SUBJECT_WORDS = 9
MAX_AFTER_CHARS = 160


@dataclass(frozen=True)
class Attribution:
    speaker: str | None  # canonical name
    as_written: str | None  # the mention it came from
    # after, before, according, ... (how the mention was found), nested, none. A mention that could
    # not be resolved to a name ("he", "the minister") keeps its how with no speaker: somebody is
    # said to speak, even if the article does not say who.
    how: str


# How similar (fuzz.ratio) a name must be to a known one of as many words to be taken for it.
CLOSE_NAME_RATIO = 90
# How far back a pronoun looks for the person it refers to.
ANTECEDENT_WINDOW_CHARS = 1500
# How much of the text after a mention is read to tell whether it is a subject.
FOLLOWING_CHARS = 120


@dataclass
class Mention:
    """A capitalized name run of the article (read-only once found)."""

    start: int
    end: int
    tokens: tuple[str, ...]  # the name without titles, as printed
    titles: tuple[str, ...]  # folded title words that stood before it
    masked: str = field(repr=False, compare=False)  # the masked article it was found in

    # Most mentions are never asked whether they are a subject or a speaker (only those near a
    # pronoun or a description to resolve are), so both are worked out on first use.

    @functools.cached_property
    def _following(self) -> str:
        return self.masked[self.end : self.end + FOLLOWING_CHARS].lstrip(" ")

    @functools.cached_property
    def subject_like(self) -> bool:
        """Followed by a verb: a sentence subject rather than an object."""
        return bool(_SUBJECT_FOLLOWERS.match(self._following)) or bool(_VERB_RE.match(self._following))

    @functools.cached_property
    def speaks(self) -> bool:
        """The subject of a speech verb: "X has said", "X, who ..., told"."""
        return bool(_SPEECH_FOLLOWS.match(self._following))


@dataclass
class ArticleNames:
    """Every person-like name mentioned in one article, for resolving partial mentions."""

    mentions: list[Mention]
    aliases: dict[str, str] = field(default_factory=dict)  # folded alias -> full name (this article)

    def __post_init__(self) -> None:
        # distinct names with their folded tokens and how often each is mentioned
        counts = Counter(mention.tokens for mention in self.mentions)
        self._names: dict[tuple[str, ...], tuple[tuple[str, ...], int]] = {
            name: (_fold_tokens(name), count) for name, count in counts.items()
        }
        # folded token -> the distinct names holding it, in order of first mention
        self._names_with: dict[str, list[tuple[str, ...]]] = {}
        for name, (folded, _) in self._names.items():
            for token in dict.fromkeys(folded):
                self._names_with.setdefault(token, []).append(name)
        self._starts = [mention.start for mention in self.mentions]  # mentions are in text order
        self._fullest: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._person: dict[int, bool] = {}  # by the mention's start: one mention per start

    def fullest(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """The longest name in the article that contains `tokens` (accents and case folded); of
        names as long, the one mentioned most, then the one mentioned first."""
        if tokens not in self._fullest:
            wanted = _fold_tokens(tokens)
            # a name containing `tokens` holds its first token: only those are looked at
            candidates = self._names_with.get(wanted[0], []) if wanted else self._names
            best, best_count = tokens, 0
            for candidate in candidates:
                folded, count = self._names[candidate]
                if len(folded) < len(wanted) or not _contains_run(folded, wanted):
                    continue
                if len(candidate) > len(best) or (len(candidate) == len(best) and count > best_count):
                    best, best_count = candidate, count
            self._fullest[tokens] = best
        return self._fullest[tokens]

    def between(self, start: int, end: int) -> list[Mention]:
        """The mentions that begin in [start, end), in text order."""
        return self.mentions[bisect.bisect_left(self._starts, start) : bisect.bisect_left(self._starts, end)]

    def is_person(self, mention: Mention) -> bool:
        """A person's name rather than a place's or an organisation's: no place or organisation
        word in it, and two names or more, a personal title, a speech verb after it, a fuller
        form elsewhere in the article, or a verb after it."""
        if mention.start not in self._person:
            self._person[mention.start] = self._is_person(mention)
        return self._person[mention.start]

    def _is_person(self, mention: Mention) -> bool:
        if any(fold(token) in _NOT_PERSON_WORDS for token in mention.tokens):
            return False
        if len(mention.tokens) >= 2 or set(mention.titles) & _PERSONAL_TITLES or mention.speaks:
            return True
        return len(self.fullest(mention.tokens)) >= 2 or mention.subject_like


# Head nouns of descriptions that name an organisation ("the agency said"): resolved to an
# organisation named before, never to a person.
_ORGANISATION_NOUNS = {
    "agency", "ministry", "department", "company", "firm", "airline", "government", "police", "court",
    "office", "organisation", "organization", "group", "service", "union", "commission", "committee",
    "council", "bank", "institute", "university", "party", "army", "embassy", "foundation", "association",
    "federation", "network", "newspaper", "broadcaster", "club", "charity", "watchdog", "regulator",
    "observatory", "programme", "program", "body", "board", "authority", "administration", "team",
}
_PERSONAL_TITLES = {"mr", "mrs", "ms", "dr", "president", "minister", "judge", "senator", "governor", "mayor",
                    "prof", "professor", "sir", "king", "queen", "pope", "chancellor", "secretary-general"}


def _accented(name: str) -> int:
    return sum(1 for ch in name if not ch.isascii())


@functools.lru_cache(maxsize=100_000)
def _fold_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(token) for token in tokens)


def _contains_run(haystack: list[str] | tuple[str, ...], needle: list[str] | tuple[str, ...]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


# -- masking and sentences -------------------------------------------------------------------


def mask_quotations(text: str, spans: list[Span]) -> str:
    """The text with every quotation's words blanked out (marks kept), so that names and verbs
    inside quotations are never taken for attributions. Lengths and offsets are unchanged."""
    pieces = []
    done = 0
    for span in spans:
        if span.depth == 0 and span.end > span.start:
            start = max(span.start, done)
            pieces.append(text[done:start])
            inner = text[start : span.end]
            # every character becomes MASK but line breaks, which stay
            pieces.append(MASK * len(inner) if "\n" not in inner else _NOT_NEWLINE.sub(MASK, inner))
            done = max(done, span.end)
    pieces.append(text[done:])
    return "".join(pieces)


_NOT_NEWLINE = re.compile(r"[^\n]")
# Sentence cuts: line breaks, an initial ("J."), a capital or opening mark after a quotation.
_NEWLINE = re.compile(r"\n")
_CAPITAL = re.compile(r"[A-Z]")
_NEW_SENTENCE_AFTER = re.compile(r"\s+[\"“‘«„A-ZÀ-ÖØ-Þ]")


def sentence_bounds(masked: str, text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """(start, end) of each sentence, quotation-aware: a quotation ending with a full stop closes
    the sentence unless an attribution follows it."""
    cuts = set()
    for match in _NEWLINE.finditer(masked):
        cuts.add(match.end())
    for match in _SENTENCE_END.finditer(masked):
        word = _word_before(masked, match.start())
        if word and word.lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if word and _CAPITAL.fullmatch(word):
            continue  # an initial: J. Smith
        cuts.add(match.end())
    for span in spans:
        if span.depth or span.close_at is None:
            continue
        inner = text[span.start : span.end].rstrip()
        if inner.endswith((".", "!", "?", "…")):
            rest = masked[span.close_at + 1 : span.close_at + 1 + MAX_AFTER_CHARS]
            if _NEW_SENTENCE_AFTER.match(rest) and not _short_attribution(rest):
                cuts.add(span.close_at + 1 + len(rest) - len(rest.lstrip()))
    bounds = []
    start = 0
    for cut in sorted(cuts) + [len(masked)]:
        if cut > start:
            bounds.append((start, cut))
            start = cut
    return bounds


# How far back the word before a full stop is read (to tell "Mr." and "J." from a sentence end).
WORD_BEFORE_CHARS = 40


def _word_before(text: str, end: int) -> str:
    """The run of word characters and dots that ends at `end`, cut to WORD_BEFORE_CHARS."""
    start = end
    limit = max(0, end - WORD_BEFORE_CHARS)
    while start > limit and (text[start - 1].isalnum() or text[start - 1] in "._"):
        start -= 1  # str.isalnum() or "_" is exactly what \w matches
    return text[start:end]


def _short_attribution(after: str) -> bool:
    """Text after a quotation ending in a full stop that is only its attribution ("X said.",
    "said X on Monday."), not a new sentence that happens to start with "He said he ..."."""
    if not _after_attribution(after):
        return False
    verb = _VERB_RE.search(after)
    tail = _CLAUSE_END.split(after[verb.end() :] if verb else after, maxsplit=1)[0]
    return len(tail.split()) <= 6 and not _NEW_CLAUSE_WORD.search(tail)


_CLAUSE_END = re.compile(r"[.!?\n]")
_NEW_CLAUSE_WORD = re.compile(r"\b(?:that|he|she|they|it)\b")


# -- finding the mention that names the speaker ------------------------------------------


def _after_attribution(after: str) -> str | None:
    """The speaker mention in text right after a closing mark ("…,” X said / said X), or None."""
    after = after.split("\n", 1)[0][:MAX_AFTER_CHARS]
    quoted = _QUOTED_AS_SAYING.search(after)
    if quoted and quoted.start() < 60:
        return quoted.group("np")
    inverted = _INVERTED.match(after)
    if inverted:
        return inverted.group("pronoun")  # ", ajoute-t-il", ", dit-elle"
    verb = _VERB_RE.search(after)
    if not verb:
        return None
    subject = after[: verb.start()]
    if _SUBJECT_BREAK.search(subject) or len(subject.split()) > MAX_SUBJECT_WORDS:
        return None
    if after[verb.end() :].lstrip().startswith(":"):
        return None  # “…” X agreed: “…” introduces the next quotation, not this one
    subject = _strip_time_phrase(_AS_FIRST.sub("", subject.lstrip(" ,—–-:")).rstrip())  # “…,” as X put it
    if subject.strip(" ,"):
        if _CLAUSE_WORD.search(subject) or _PREPOSITION_FIRST.match(subject):
            return None
        return _subject_at_end(subject)
    # verb first: said Mark Feierstein, a former official / said the former prime minister
    rest = after[verb.end() :]
    description = _DESCRIPTION_AFTER_VERB.match(rest)
    if description and description.group(1).split()[-1].islower():
        return description.group(1)
    name = _NAME_AFTER_VERB.match(rest)
    if name:
        return name.group(1)
    pronoun = _PRONOUN_AFTER_VERB.match(rest)
    return pronoun.group(1) if pronoun else None


# Attribution after a quotation: what ends the subject before the verb, words that make it a
# clause rather than a name, and what may follow a verb that comes first ("said the minister",
# "said Mark Feierstein", "said he").
_SUBJECT_BREAK = re.compile(r"[.;!?]|" + MASK)
_CLAUSE_WORD = re.compile(r"\b(?:and|but|which|that|because|when|while|yet|however)\b", re.I)
_AS_FIRST = re.compile(r"^as\s+", re.I)
_PREPOSITION_FIRST = re.compile(r"(?:in|on|at|for|to|from|with|by|of|as|after|before|during)\b", re.I)
_DESCRIPTION_AFTER_VERB = re.compile(r"\s+((?:the|le|la|el|der|die|de|het)\s+[^,.;:!?]{1,60}?)\s*(?:[,.;:!?]|$)", re.I)
_NAME_AFTER_VERB = re.compile(rf"\s+(?:[a-z][\w’'\-]*\s+){{0,4}}?({_CAP_TOKEN}(?:[^\S\n]+{_CAP_TOKEN})*)")
_PRONOUN_AFTER_VERB = re.compile(r"\s+(he|she|il|elle|él|ella|er|sie|hij|zij)\b", re.I)


_INVERTED = re.compile(r"^[\s,]*\w+(?:-t)?-(?P<pronoun>il|elle)\b", re.I)
_TIME_PHRASE = re.compile(
    r"(?:\s+(?:on|in|at|late|early|last|this|earlier|later)(?:\s+(?:the\s+)?[\w\-]+){1,3}"
    r"|\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|\s+\d+)$",
    re.I,
)


_ENDS_WITH_NAME_OR_HE = re.compile(_CAP_TOKEN + r"$|\b(?:he|she)$")


def _strip_time_phrase(words: str) -> str:
    """'Biden on Thursday' -> 'Biden'; 'Guterres on July 27' -> 'Guterres'."""
    for _ in range(2):
        match = _TIME_PHRASE.search(words)
        if not match or not _ENDS_WITH_NAME_OR_HE.search(words, 0, match.start()):
            break
        words = words[: match.start()]
    return words


# What ends the clause a verb stands in, looking back from it: punctuation, or a quotation.
_CLAUSE_BREAK = re.compile(r"[.;:!?]\s|" + MASK + r"+[\"”“’'»]?")


# A name set off by commas right before the verb: "The mayor, Aron Feld, said".
_APPOSITIVE_NAME = re.compile(rf",\s((?:{_CAP_TOKEN}\s+)+{_CAP_TOKEN}),(?:\s\d{{1,3}},)?$")  # an age may follow


def _is_name(mention: str, words: int) -> bool:
    """A person's name of at least `words` words (no place or organisation word in it)."""
    tokens, _ = name_tokens(mention)
    return len(tokens) >= words and not any(fold(token) in _NOT_PERSON_WORDS for token in tokens)


_USED_THE_WORD = re.compile(r"us(?:e|es|ed|ing)\s", re.I)


def _before_attribution(before: str) -> str | None:
    """The subject of the nearest speech verb before an opening mark in the same sentence.

    A verb with no subject of its own (", adding that", "and said", "X, who said") borrows the
    subject of the sentence."""
    borrows = False
    for verb in reversed(list(_VERB_RE.finditer(before))):
        if _USED_THE_WORD.match(verb.group()) and before[verb.end() :].strip():
            continue  # "used the word" names the quotation right after it, no other
        head = before[: verb.start()]
        clause = _CLAUSE_BREAK.split(head)[-1]
        words = clause.split()
        while words and (words[-1].lower() in _AUXILIARIES or words[-1].lower().endswith("ly")):
            words.pop()  # "has long", "also"
        if words and words[-1].endswith(","):
            named = _APPOSITIVE_NAME.search(" ".join(words[-MAX_SUBJECT_WORDS:]))
            if named and _is_name(named.group(1), 2):
                return named.group(1)  # "The mayor, Aron Feld, said"
        if not words or words[-1].endswith(",") or words[-1].lower() in {"and", "but", "who", "which", "then"}:
            borrows = True
            continue
        subject = _subject_at_end(_strip_time_phrase(" ".join(words[-MAX_SUBJECT_WORDS:])))
        if subject:
            return subject
    return sentence_subject(before) if borrows else None


def sentence_subject(sentence: str) -> str | None:
    """The noun phrase a sentence starts with, after an introduction ending in a comma
    ("Speaking in New York, the secretary-general ...", "Far-right leader Marine Le Pen was ...")."""
    text = sentence.lstrip()
    intro = _INTRODUCTION.match(text)
    if intro:
        text = text[intro.end() :]
    if MASK in text[:40]:
        return None
    if _INDEFINITE_FIRST.match(text):
        return _FIRST_WORDS.match(text).group()  # "A United Nations official": unnamed
    chunk = []
    for word in text.split()[:10]:
        bare = word.strip(",")
        if not (bare[:1].isupper() or is_title(bare) or _HYPHENATED_LOWER.fullmatch(bare)
                or bare in _NAME_PARTICLES):
            break
        chunk.append(bare)
        if word.endswith(","):
            break
    if chunk and name_tokens(" ".join(chunk))[0]:
        return " ".join(chunk)
    pronoun = _PRONOUN_FIRST.match(text)
    if pronoun:
        return pronoun.group(1)
    description = _DESCRIPTION_FIRST.match(text)
    return description.group(1) if description else None


# The start of a sentence: an introduction ending in a comma, an unnamed source ("A senior
# official"), a pronoun, or a description followed by a verb ("The minister has ...").
_INTRODUCTION = re.compile(
    r"^(?:[A-Z]\w*ing|In|On|At|During|After|Before|Earlier|Later|Last|Speaking|Asked)\b[^,]{0,80},\s*"
)
_INDEFINITE_FIRST = re.compile(r"(?:a|an)\s", re.I)
_FIRST_WORDS = re.compile(r"\S+(?:\s+[^\s,]+){0,4}")
_HYPHENATED_LOWER = re.compile(r"[a-z]+-[a-z]+")
_PRONOUN_FIRST = re.compile(r"(he|she|il|elle|er|sie|hij|zij)\b", re.I)
_DESCRIPTION_FIRST = re.compile(
    r"((?:the|le|la|el|der|die|de|het)\s+(?:[\w’'\-]+\s+){0,3}?[a-z][\w\-]+)"
    r"(?=\s+(?:has|had|was|is|also|[a-z]+ed|[a-z]+s)\b)"
)


_AUXILIARIES = {"has", "had", "have", "is", "was", "were", "will", "would", "could", "can", "did", "does",
                "do", "may", "might", "should", "must", "also", "then", "later", "previously", "once",
                "again", "further", "not", "never", "already", "still", "been", "just", "even"}


def _subject_at_end(words: str) -> str | None:
    """A noun phrase at the end of `words` that can be a speaker: a name, a pronoun, a description."""
    words = words.rstrip(" ")
    appositive = _APPOSITIVE_AT_END.match(words)
    if appositive and _ENDS_WITH_NAME_OR_PRONOUN.search(appositive.group(1)):
        words = appositive.group(1)  # "X, who took office in 2018," / "Dr X, director of Y,"
    words = words.rstrip(" ,")
    last = words.split()[-1] if words.split() else ""
    if last.lower() in {"who", "which"}:
        return _subject_at_end(words.rsplit(",", 1)[0]) if "," in words else None
    if last.lower() in PRONOUNS or last.lower() in _FIRST_PERSON:
        return last
    name = _NAME_AT_END.search(words)
    description = _DESCRIPTION_AT_END.search(words)
    if name and description and not name_tokens(name.group(1))[0]:
        return description.group(1)  # "the President": a title only, resolved as a role
    if name:
        return name.group(1)
    if description:
        return description.group(1)
    return None


# The end of a subject: "X, who took office in 2018,", a name, a description.
_APPOSITIVE_AT_END = re.compile(r"^(.*?\S),\s[a-z][^,]{0,100},$")
_ENDS_WITH_NAME_OR_PRONOUN = re.compile(_CAP_TOKEN + r"$|\b(?:he|she|they)$")
_NAME_AT_END = re.compile(
    rf"((?:{_CAP_TOKEN}\s+)*(?:(?:{'|'.join(sorted(_NAME_PARTICLES))})\s+)*{_CAP_TOKEN})$"
)
_DESCRIPTION_AT_END = re.compile(
    r"\b((?:the|a|an|le|la|el|der|die|de|het)\s+(?:[\w’'\-]+\s+){0,4}[\w’'\-]+)$", re.I
)


# -- resolving a mention to a name -------------------------------------------------------


_POSSESSIVE_END = re.compile(r"[’']s?$")
_INITIAL = re.compile(r"[A-Z]\.")


# Mentions repeat within and across articles ("The", "But", "President Biden"): each distinct
# one is worked out once.
@functools.lru_cache(maxsize=100_000)
def name_tokens(mention: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(name tokens, title words) of a mention: 'President Andrés Manuel López Obrador' ->
    (('Andrés', 'Manuel', 'López', 'Obrador'), ('president',))."""
    run = _NAME_RUN.findall(mention)
    if not run:
        return (), ()
    tokens = run[-1].split()
    for index in range(len(tokens) - 2, -1, -1):
        if _POSSESSIVE_END.search(tokens[index]):
            tokens = tokens[index + 1 :]  # Mexico’s Foreign Secretary X -> Foreign Secretary X
            break
    tokens = [_POSSESSIVE_END.sub("", token).rstrip(".") if not _is_abbrev(token) else token for token in tokens]
    while tokens and fold(tokens[0]) in _NOT_NAMES:
        tokens.pop(0)
    titles = []
    last_title = -1
    for index, token in enumerate(tokens):
        if is_title(token):
            last_title = index
    if last_title >= 0 and last_title < len(tokens) - 1:
        titles = [fold(token) for token in tokens[: last_title + 1]]
        tokens = tokens[last_title + 1 :]
    elif last_title == len(tokens) - 1:
        return (), tuple(fold(token) for token in tokens)
    lowered = [word.lower() for word in mention.split()]
    titles += [word for word in lowered if word in TITLE_WORDS]
    return tuple(tokens), tuple(titles)


@functools.lru_cache(maxsize=100_000)
def is_title(token: str) -> bool:
    """President, Secretary-General, UNO-Generalsekretär, Mr.: a word that is a title, not a name."""
    word = strip_accents(token).lower().rstrip(".")
    return word in TITLE_WORDS or any(part in TITLE_WORDS for part in word.split("-")[1:] if len(word.split("-")) > 1)


def _is_abbrev(token: str) -> bool:
    return token.lower().rstrip(".") in _ABBREVIATIONS or bool(_INITIAL.fullmatch(token))


@functools.lru_cache(maxsize=100_000)
def _name_of_run(run: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(name tokens, title words) of a capitalized run, or None when it names nobody ("The",
    "But", "President")."""
    tokens, titles = name_tokens(run)
    if not tokens or all(fold(token) in _NOT_NAMES for token in tokens):
        return None
    return tokens, titles


_LOWER_ROLE_BEFORE = re.compile(r"(?<![\w-])([a-z][a-z-]+) $")


def find_mentions(masked: str) -> ArticleNames:
    """All capitalized name runs of the (masked) article, with titles and aliases."""
    mentions = []
    for match in _NAME_RUN.finditer(masked):
        name = _name_of_run(match.group())
        if name:
            # a role in lower case right before the name counts as a title: "said coach Mika Laine"
            role = _LOWER_ROLE_BEFORE.search(masked, max(0, match.start() - 30), match.start())
            titles = (*name[1], role.group(1)) if role and role.group(1) in TITLE_WORDS else name[1]
            mentions.append(Mention(match.start(), match.end(), name[0], titles, masked))
    aliases = {}
    windows = _alias_windows(masked)
    for pattern in (_ACRONYM_ALIAS, _AKA_ALIAS):
        for start, end in windows:
            match = pattern.search(masked, start, end)
            if not match:
                continue
            full, _ = name_tokens(match.group("full"))
            if full:
                aliases[fold(match.group("alias"))] = " ".join(full)
    return ArticleNames(mentions, aliases)


def _alias_windows(masked: str) -> list[tuple[int, int]]:
    """Stretches of `masked` outside which the alias patterns (_ACRONYM_ALIAS, _AKA_ALIAS)
    cannot match: searching each gives the same matches as pattern.finditer(masked), without
    trying the patterns at every capital of the article.

    A match is a full name (name characters and spaces only), spaces, "(", the alias (no
    parenthesis in it) and ")": so it lies between the last character before its "(" that
    cannot stand in a name and the first ")" after it, and no other "(" lies between them.
    """
    windows = []
    for paren in _ALIAS_PAREN.finditer(masked):
        close = masked.find(")", paren.start())
        if close < 0 or masked.find("(", paren.start() + 1, close) >= 0:
            continue
        windows.append((_name_stretch_start(masked, paren.start()), close + 1))
    return windows


# How far back _name_stretch_start looks at a time.
_LOOK_BACK_CHARS = 64


def _name_stretch_start(text: str, end: int) -> int:
    """Where the run of name characters and spaces that ends at `end` begins."""
    low = end
    while low > 0:
        low = max(0, low - _LOOK_BACK_CHARS)
        barrier = _NOT_IN_NAME.search(text, low, end)
        if barrier:
            return barrier.start() + 1
    return 0


_INDEFINITE_ARTICLE = re.compile(r"(?:a|an|un|une|ein|eine|een)\s")
# An acronym in capitals ("UN", "EU") is never the article it is spelt like ("un", "een").
_ACRONYM_FIRST = re.compile(r"[A-Z]{2,}\s")
_DEFINITE_ARTICLE = re.compile(r"(?:the|le|la|el|der|die|de|het)\s")
_HYPHENATED_WORD = re.compile(r"[\w\-]+")
_WORD = re.compile(r"\w+")


class _KnownIndex:
    """The store's aliases (folded alias -> canonical name), split into words once and indexed
    by last word and by number of words, for Resolver._known."""

    def __init__(self, known: Mapping[str, str]) -> None:
        self.known = dict(known)  # a copy, to tell whether a later table is the same
        self.entries = [(alias.split(), alias, canonical) for alias, canonical in self.known.items()]
        self.by_last_word: dict[str, list[tuple[list[str], str, str]]] = {}
        by_words: dict[int, list[tuple[list[str], str, str]]] = {}
        for entry in self.entries:
            if entry[0]:
                self.by_last_word.setdefault(entry[0][-1], []).append(entry)
            by_words.setdefault(len(entry[0]), []).append(entry)
        # by number of words, then by length in characters
        self.by_words = {count: sorted(entries, key=lambda entry: len(entry[1])) for count, entries in by_words.items()}
        self.lengths = {count: [len(entry[1]) for entry in entries] for count, entries in self.by_words.items()}

    def near_in_length(self, words: int, chars: int) -> list[tuple[list[str], str, str]]:
        """The aliases of `words` words that can be as close as CLOSE_NAME_RATIO to a name of
        `chars` characters. fuzz.ratio is 100 * (1 - distance / (la + lb)) and the distance is at
        least |la - lb|, so a ratio of 90 needs la within [0.82, 1.23] * lb; a wider window is
        taken, and fuzz.ratio still decides."""
        lengths = self.lengths.get(words, [])
        low = bisect.bisect_left(lengths, int(chars * 0.75) - 1)
        high = bisect.bisect_right(lengths, int(chars * 1.35) + 1)
        return self.by_words.get(words, [])[low:high]


_last_known_index: list[_KnownIndex] = []  # the index built last, kept while the table is unchanged


def _known_index(known: Mapping[str, str]) -> _KnownIndex:
    """The index of `known`. Ingest passes the same table for every article, so the index built
    last is used again while the table is equal to it."""
    if not (_last_known_index and _last_known_index[0].known == known):
        _last_known_index[:] = [_KnownIndex(known)]
    return _last_known_index[0]


# What may stand between a sentence start and its subject: capitalized title words.
_SENTENCE_OPENING = re.compile(r"(?:\A|[.!?]\s+|\n)[^\S\n]*(?:[A-Z][\w\-.]*[^\S\n]+){0,3}\Z")


@dataclass
class Resolver:
    """Turns mentions into canonical names for one article."""

    names: ArticleNames
    known: Mapping[str, str]  # folded alias or name -> canonical name, from the store
    masked: str  # the article text with quotations blanked out
    _canonical: dict[tuple[str, ...], str] = field(default_factory=dict)
    speakers_so_far: list[tuple[int, str]] = field(default_factory=list)  # (position, canonical)

    def resolve(self, mention: str, position: int, sentence_start: int = 0) -> str | None:
        mention = mention.strip(" ,:;—–-")
        lowered = mention.lower()
        if lowered in PRONOUNS:
            return self._antecedent(position, PRONOUNS[lowered], sentence_start)
        if lowered in _FIRST_PERSON or (_INDEFINITE_ARTICLE.match(lowered) and not _ACRONYM_FIRST.match(mention)):
            return None  # "a senior official": an unnamed source (but "UN Secretary-General X" is named)
        if _DEFINITE_ARTICLE.match(lowered) and mention.split()[-1].islower():
            return self._by_role(mention, position)
        tokens, titles = name_tokens(mention)
        if not tokens:
            return self._by_role(mention, position)
        alias = self.names.aliases.get(fold(" ".join(tokens))) or self._known(" ".join(tokens))
        if alias and fold(alias) != fold(" ".join(tokens)):
            return self.canonical(tuple(alias.split()))
        return self.canonical(tokens)

    def canonical(self, tokens: tuple[str, ...]) -> str:
        if tokens not in self._canonical:
            full = " ".join(self.names.fullest(tokens))
            known = self._known(full)
            if known and fold(known) == fold(full) and _accented(full) > _accented(known):
                known = full  # the store will adopt this fuller spelling (López over Lopez)
            self._canonical[tokens] = known or full
        return self._canonical[tokens]

    def _known(self, name: str) -> str | None:
        """The store's canonical name for `name`: an alias, or a unique known name it abbreviates
        (López Obrador -> Andrés Manuel López Obrador) or misspells slightly."""
        folded = fold(name)
        if folded in self.known:
            return self.known[folded]
        if not self.known:
            return None
        wanted = folded.split()
        index = self._known_index
        # a longer alias ending with the same word: only those are looked at
        longer = index.by_last_word.get(wanted[-1], []) if wanted else index.entries
        matches = {canonical for words, alias, canonical in longer
                   if len(words) > len(wanted) and _contains_run(words, wanted) and words[-1] == wanted[-1]}
        if len(matches) == 1:
            return matches.pop()
        if len(wanted) >= 2:
            close = {canonical for _, alias, canonical in index.near_in_length(len(wanted), len(folded))
                     if fuzz.ratio(alias, folded) >= CLOSE_NAME_RATIO}
            if len(close) == 1:
                return close.pop()
        return None

    @functools.cached_property
    def _known_index(self) -> _KnownIndex:
        return _known_index(self.known)

    def _antecedent(self, position: int, gender: str, sentence_start: int) -> str | None:
        """The person a pronoun at `position` refers to: the subject of its own sentence, else
        the latest person seen speaking (within a few paragraphs), else the latest subject."""
        if gender in ("o", "p"):
            return None  # "it said", "they said": an organisation or a group we cannot name
        subject = sentence_subject(self.masked[sentence_start:position])
        if subject and subject.lower() not in PRONOUNS:
            resolved = self.resolve(subject, sentence_start + 1, sentence_start)
            if resolved:
                return resolved
        window_start = max(0, position - ANTECEDENT_WINDOW_CHARS)
        # People mentioned in the window, latest first: only as many are looked at as needed.
        latest_first = self.names.between(window_start, position)[::-1]
        speaking = [(at, name) for at, name in self.speakers_so_far if window_start <= at < position]
        speaker = next((m for m in latest_first if self.names.is_person(m) and m.speaks), None)
        if speaker is not None:
            speaking.append((speaker.start, self.canonical(speaker.tokens)))
        if speaking:
            return max(speaking)[1]
        chosen = next(
            (m for m in latest_first if self.names.is_person(m) and (m.subject_like or self._opens_sentence(m))), None
        )
        if chosen is None:
            chosen = next((m for m in latest_first if self.names.is_person(m)), None)
        return self.canonical(chosen.tokens) if chosen is not None else None

    def _by_role(self, description: str, position: int) -> str | None:
        """'the Mexican president', 'the UN chief': the person introduced with that title, else
        the main speaker so far."""
        words = [fold(word) for word in _HYPHENATED_WORD.findall(description)]
        if not words or words[0] not in {"the", "le", "la", "el", "der", "die", "de", "het"}:
            return None  # "a senior official": an unnamed source
        head = words[-1]
        if head in _ORGANISATION_NOUNS:
            return self._organisation(head, position)
        people = [m for m in self.names.mentions if head in m.titles and self.names.is_person(m)]
        before = [m for m in people if m.start < position]
        if before or people:
            return self._most_salient({self.canonical(m.tokens) for m in before or people}, position)
        # nobody was introduced with that title: the main speaker so far, unless they hold another
        # role ("the minister" is not the coach quoted before)
        speakers = {name for _, name in self.speakers_so_far if not self._holds_other_role(name, head)}
        if speakers:
            return self._most_salient(speakers, position)
        if self.speakers_so_far:
            return None
        people = {
            self.canonical(m.tokens)
            for m in self.names.between(0, position)
            if self.names.is_person(m) and not self._holds_other_role(self.canonical(m.tokens), head)
        }
        return self._most_salient(people, position) if people else None

    def _holds_other_role(self, name: str, head: str) -> bool:
        """Whether `name` was introduced with a role title other than `head`, when `head` names a
        particular role ("minister", "coach"; not a word that fits any leader, "chief", "head")."""
        if head not in TITLE_WORDS or head in _ANY_ROLE:
            return False
        roles = {
            title
            for mention in self.names.mentions
            if self.canonical(mention.tokens) == name
            for title in mention.titles
            if title in TITLE_WORDS and title not in _ANY_ROLE
        }
        return bool(roles) and head not in roles

    def _opens_sentence(self, mention: Mention) -> bool:
        """The mention begins its sentence, after titles at most: a subject, not an object."""
        return bool(_SENTENCE_OPENING.search(self.masked, max(0, mention.start - 60), mention.start))

    def mentioned_again(self, name: str, start: int, end: int) -> bool:
        """Whether a person resolving to `name` is mentioned outside [start, end)."""
        return any(
            not start <= mention.start < end and self.names.is_person(mention) and self.canonical(mention.tokens) == name
            for mention in self.names.mentions
        )

    def _organisation(self, head: str, position: int) -> str | None:
        """'the agency', 'the airline': the latest organisation named before with that word in
        its name (World Weather Agency, Nordwind Airlines), never a person."""
        forms = {head, head + "s", head + "es"}
        if head.endswith("y"):
            forms.add(head[:-1] + "ies")
        window_start = max(0, position - ANTECEDENT_WINDOW_CHARS)
        for mention in reversed(self.names.between(window_start, position)):
            if len(mention.tokens) >= 2 and forms & set(_fold_tokens(mention.tokens)):
                return self.canonical(mention.tokens)
        return None

    def _most_salient(self, names: set[str], position: int) -> str:
        """Of several people, the one mentioned and quoted most before `position`."""
        counts = dict.fromkeys(sorted(names), 0)
        for mention in self.names.between(0, position):
            name = self.canonical(mention.tokens)
            if name in counts:
                counts[name] += 1
        for _, name in self.speakers_so_far:
            if name in counts:
                counts[name] += 2
        return max(counts, key=lambda name: counts[name])


# -- attribution -----------------------------------------------------------------------------


def attribute(
    text: str,
    spans: list[Span],
    known: Mapping[str, str] | None = None,
    *,
    masked: str | None = None,
    sentences: list[tuple[int, int]] | None = None,
) -> list[Attribution]:
    """An Attribution for each span, in the same order.

    `masked` and `sentences` (from mask_quotations and sentence_bounds) are computed when not
    given; a caller that needs them too computes them once and passes them in."""
    if masked is None:
        masked = mask_quotations(text, spans)
    if sentences is None:
        sentences = sentence_bounds(masked, text, spans)
    starts = [start for start, _ in sentences]
    resolver = Resolver(find_mentions(masked), known or {}, masked)
    results: list[Attribution] = []
    outer: list[tuple[Span, Attribution]] = []
    sentence_speaker: dict[int, tuple[str, str]] = {}  # sentence index -> (speaker, as written)
    sentence_of_result: list[int | None] = []  # for unattributed quotations, their sentence
    attributed_at: dict[int, int] = {}  # sentence index -> opening mark of its last attributed quotation
    for span in spans:
        while outer and outer[-1][0].end < span.end:
            outer.pop()
        if span.depth and outer:
            parent = outer[-1][1]
            results.append(Attribution(parent.speaker, parent.as_written, "nested" if parent.speaker else "none"))
            outer.append((span, results[-1]))
            sentence_of_result.append(None)
            continue
        index = sentence_of(starts, span.open_at)
        s_start, s_end = sentences[index]
        mention, how = _mention_for(masked, span, s_start, s_end)
        speaker = resolver.resolve(mention, span.open_at, s_start) if mention else None
        if how == "headline" and speaker and not resolver.mentioned_again(speaker, s_start, s_end):
            speaker, mention, how = None, None, "none"  # "Climate Crisis: “…”" names nobody
        if speaker is None and mention is None:
            previous = _previous_speaker(text, masked, sentences, index, sentence_speaker, resolver, span)
            if previous:
                speaker, mention = previous
                how = "previous"
            else:
                following = _following_attribution(masked, span, resolver)
                reported = None if following else _reported_speech_speaker(
                    masked, sentences, index, sentence_speaker, resolver
                )
                if following or reported:
                    speaker, mention = following or reported
                    how = "following" if following else "reported"
        if speaker and how != "passive":  # a passive agent is not the speaker of the sentence's other quotations
            sentence_speaker[index] = (speaker, mention or speaker)
            attributed_at[index] = span.open_at
        if speaker:
            resolver.speakers_so_far.append((span.open_at, speaker))
        attribution = Attribution(speaker, mention if speaker else None, how if speaker or mention else "none")
        results.append(attribution)
        outer.append((span, attribution))
        sentence_of_result.append(index if mention is None else None)
    # “A” and “B,” he said: a quotation sharing its sentence with an attributed one shares its
    # speaker; after it, only when it is more than a word or two (a word or two with no
    # attribution of its own is not his: he used the word “…”, from the word for “…”)
    for position, index in enumerate(sentence_of_result):
        if (index is not None and not results[position].speaker and index in sentence_speaker
                and (attributed_at[index] > spans[position].open_at
                     or len(_WORD.findall(text, spans[position].start, spans[position].end)) > 2)):
            speaker, mention = sentence_speaker[index]
            results[position] = Attribution(speaker, mention, "same sentence")
    return _echoes(text, spans, results)


def _echoes(text: str, spans: list[Span], results: list[Attribution]) -> list[Attribution]:
    """A quotation with no attribution whose words are those of a quotation the article
    attributes (a heading that repeats them, a phrase quoted again) takes that speaker."""
    said: dict[str, set[tuple[str, str]]] = {}
    for span, result in zip(spans, results, strict=True):
        if result.speaker and result.how not in ("nested", "echo"):
            said.setdefault(_echo_key(text[span.start : span.end]), set()).add((result.speaker, result.as_written or ""))
    if not said:
        return results
    for position, (span, result) in enumerate(zip(spans, results, strict=True)):
        if result.speaker or span.depth:
            continue
        key = _echo_key(text[span.start : span.end])
        if not key:
            continue
        found = said.get(key, set())
        if not found and " " in key:
            found = {entry for words, entries in said.items() if f" {key} " in f" {words} " for entry in entries}
        if len({speaker for speaker, _ in found}) == 1:
            speaker, mention = min(found)
            results[position] = Attribution(speaker, mention, "echo")
    return results


def _echo_key(quotation: str) -> str:
    return " ".join(fold(word) for word in _WORD.findall(quotation))


def sentence_of(starts: list[int], position: int) -> int:
    """Index of the sentence holding `position` (the last one past the end), given the starts of
    the sentences from sentence_bounds, which follow one another from 0 to the end."""
    return bisect.bisect_right(starts, position) - 1


# A short aside in brackets between a speaker and the verb: "Ash (who is 90) said".
_PARENTHETICAL = re.compile(r"\s*\([^()\n]{1,80}\)")


def _mention_for(masked: str, span: Span, s_start: int, s_end: int) -> tuple[str | None, str]:
    if span.close_at is not None:
        after = _PARENTHETICAL.sub("", masked[span.close_at + 1 : s_end])
        found = _after_attribution(after)
        if found:
            return found, "after"
        signed = _DASH_SIGNATURE.match(after)
        if signed and _is_name(signed.group("np"), 2):
            return signed.group("np"), "after"  # “…” — Aron Feld
    headline = _NAME_COLON.fullmatch(masked, s_start, span.open_at)
    if headline and _is_name(headline.group("np"), 1):
        return headline.group("np"), "headline"  # Aron Feld: “…”
    before = _PARENTHETICAL.sub("", masked[s_start : span.open_at])
    if span.close_at is not None and _LEADING_PARTICIPLE.match(before):
        # Calling it “…”, X walked out: the subject of the main clause, after the comma
        comma = masked.find(", ", span.close_at, s_end)
        if comma >= 0 and MASK not in masked[span.close_at + 1 : comma]:
            subject = sentence_subject(masked[comma + 2 : s_end])
            return (subject, "before") if subject else (None, "none")
        return None, "none"
    if span.close_at is not None and _PASSIVE_BEFORE.search(before):
        agent = _AGENT_AFTER.match(masked, span.close_at + 1, s_end)
        if agent:
            return agent.group("np"), "passive"  # is considered “…” by X
    found = _before_attribution(before)
    if found:
        return found, "before"
    according = _ACCORDING.search(masked[s_start:s_end])
    if according:
        return according.group("np"), "according"
    used = _USED_BY_BEFORE.search(before)
    if used:
        return used.group("np"), "passive"  # the word used by X — “…”
    return None, "none"


# A quotation signed with a dash ("“…” — Aron Feld") or introduced by a name and a colon at the
# start of a line ("Aron Feld: “…”", the headline convention, when the article mentions that
# person elsewhere).
_DASH_SIGNATURE = re.compile(rf"[^\S\n]*(?:--|[—–-])[^\S\n]*(?P<np>(?:{_CAP_TOKEN}[^\S\n]+)+{_CAP_TOKEN})[^\S\n]*(?:\n|$)")
_NAME_COLON = re.compile(rf"(?<![^\n])[^\S\n]*(?P<np>(?:{_CAP_TOKEN}[^\S\n]+)*{_CAP_TOKEN}):[^\S\n]*")


# A sentence that opens with a participle of a speech verb, the quotation inside that opening
# clause (no comma yet): "Saying he wants to “…” the landlords, X ...", "En disant vouloir «…», X".
_LEADING_PARTICIPLE = re.compile(
    r"\s*(?:(?=[A-Z]\w*ing\b)" + VERB + r"|En\s+(?:disant|affirmant|déclarant|qualifiant|promettant|"
    r"expliquant|annonçant|assurant)|Diciendo|Afirmando|Calificando)\b[^,;:.!?" + MASK + r"]*$",
    re.I,
)


# Passive attributions: 'is considered “…” by X', 'the term used by X in the interview, “…”'.
# The agent: lower-case descriptions may stand before the name ("French novelist X"), not
# prepositions ("X at the Sorbonne" ends at X).
_AGENT = (
    rf"(?P<np>(?:the\s+)?(?:(?:{_CAP_TOKEN}\s+)*(?!(?:at|of|in|on|for|the|from|with|during|after|before|"
    rf"and|to|a|an)\b)[a-z][\w\-]*\s+){{0,2}}{_CAP_TOKEN}(?:[^\S\n]+{_CAP_TOKEN})*)"
)
_PASSIVE_BEFORE = re.compile(
    r"\b(?:is|was|are|were|been|being)\s+(?:\w+ly\s+)?(?:considered|described|called|dubbed|labell?ed|"
    r"branded|termed|deemed|judged|defined|qualified)\s+(?:as\s+)?(?:an?\s+|the\s+)?$"
)
_AGENT_AFTER = re.compile(r"[,”\"’'»]?\s*by\s+" + _AGENT)
_USED_BY_BEFORE = re.compile(
    r"\b(?:word|term|expression|phrase|verb|adjective|slogan|insult)\s+used\s+by\s+" + _AGENT
    + r"[^.;:!?" + MASK + r"]{0,60}?[\s,:—–-]*$"
)


def _previous_speaker(
    text: str,
    masked: str,
    sentences: list[tuple[int, int]],
    index: int,
    sentence_speaker: dict[int, tuple[str, str]],
    resolver: Resolver,
    span: Span,
) -> tuple[str, str] | None:
    """The speaker of the sentence just before, when the quotation opens its own sentence and
    is more than a word or two (a lone short quotation is a heading, not a continuation)."""
    short = len(_WORD.findall(text, span.start, span.end)) <= 2
    if (short and not _SENTENCE_PUNCTUATION_END.search(text, span.start, span.end)) or in_heading(text, span):
        return None  # a label or a heading is no continuation; “Never.” is
    s_start, _ = sentences[index]
    if masked[s_start : span.open_at].strip(" \n\t:—–-"):
        return None  # woven into a sentence of the reporter's with no attribution
    if index in sentence_speaker:
        return sentence_speaker[index]
    previous = index - 1
    while previous >= 0 and not masked[sentences[previous][0] : sentences[previous][1]].strip():
        previous -= 1  # blank lines between paragraphs
    if previous < 0:
        return None
    if previous in sentence_speaker:
        return sentence_speaker[previous]
    p_start, p_end = sentences[previous]
    sentence = masked[p_start:p_end]
    if MASK in sentence:
        return None  # the previous sentence quotes someone we could not name
    mention = _before_attribution(sentence.rstrip(" .\n:"))
    if not mention:
        return None
    speaker = resolver.resolve(mention, p_end, p_start)
    return (speaker, mention) if speaker else None


# A paragraph that only names who spoke the quotation standing alone just before it: "So said
# X ...", "Those were the words of X", "X made the remarks at ...".
_FOLLOWING_ATTRIBUTION = re.compile(
    rf"(?:(?:So|Thus)\s+(?:said|spoke|wrote|declared)\s+(?P<after>(?:the\s+)?(?:[\w’'\-]+\s+){{0,3}}?{_CAP_TOKEN}"
    rf"(?:[^\S\n]+{_CAP_TOKEN})*)"
    rf"|(?:Those|These|That|Such)\s+(?:were|was|are|is)\s+the\s+(?:words|remarks|comments|verdict|warning)\s+of\s+"
    rf"(?P<of>(?:the\s+)?(?:[\w’'\-]+\s+){{0,3}}?{_CAP_TOKEN}(?:[^\S\n]+{_CAP_TOKEN})*)"
    rf"|(?P<subject>(?:{_CAP_TOKEN}[^\S\n]+){{0,5}}{_CAP_TOKEN}|[Tt]he\s+[a-z][\w\-]*(?:\s+[a-z][\w\-]*){{0,3}})"
    rf"\s+(?:made|gave|delivered)\s+(?:the|these|those|this|that|his|her)\s+(?:[a-z][\w\-]*\s+){{0,2}}?"
    rf"(?:remarks?|comments?|statement|warning))\b"
)
_QUOTATION_ALONE = re.compile(r"[\s" + re.escape("".join(sorted(set("\"“”„‟«»〝〞＂'‘’‚‛‹›")))) + MASK + r".,…!?:;—–-]*")


def _following_attribution(masked: str, span: Span, resolver: Resolver) -> tuple[str, str] | None:
    """The speaker of a quotation that stands alone as a paragraph, named at the start of the
    next paragraph ("So said X", "X made the remarks at ..."): a forward attribution."""
    if span.close_at is None:
        return None
    line_start = masked.rfind("\n", 0, span.open_at) + 1
    line_end = masked.find("\n", span.close_at)
    if line_end < 0 or not _QUOTATION_ALONE.fullmatch(masked, line_start, line_end):
        return None
    next_start = line_end
    while next_start < len(masked) and masked[next_start].isspace():
        next_start += 1
    if masked.count("\n", line_end, next_start) > 2:
        return None
    found = _FOLLOWING_ATTRIBUTION.match(masked, next_start)
    if not found:
        return None
    mention = found.group("after") or found.group("of") or found.group("subject")
    speaker = resolver.resolve(mention, found.start(), next_start)
    return (speaker, mention) if speaker else None


# German reported speech: the subjunctive (Konjunktiv I) of the reporter's own words marks a
# sentence as still reporting the speaker named just before ("…, sagte er. Vielmehr sei die „…“").
_KONJUNKTIV = re.compile(r"\b(?:sei|seien|könne|könnten|müsse|müssten|solle|dürfe|wolle|habe|werde|gebe|stehe|liege)\b")
_GERMAN_INVERTED = re.compile(
    r",\s*(?:sagte|sagt|erklärte|erklärt|betonte|betont|meinte|meint|warnte|warnt|schrieb|so)\s+"
    rf"(?P<np>er|sie|(?:der|die)\s+[\w\-]+|(?:{_CAP_TOKEN}\s+){{0,3}}{_CAP_TOKEN})\b"
)
# How many sentences back reported speech may run to its attribution.
REPORTED_SPEECH_SENTENCES = 3


def _reported_speech_speaker(
    masked: str,
    sentences: list[tuple[int, int]],
    index: int,
    sentence_speaker: dict[int, tuple[str, str]],
    resolver: Resolver,
) -> tuple[str, str] | None:
    """The speaker of a German sentence in reported speech: the attribution of the sentence
    just before, reached through at most a few sentences that are reported speech too."""
    s_start, s_end = sentences[index]
    if not _KONJUNKTIV.search(masked, s_start, s_end):
        return None
    previous = index - 1
    steps = 0
    while previous >= 0 and steps < REPORTED_SPEECH_SENTENCES:
        p_start, p_end = sentences[previous]
        if not masked[p_start:p_end].strip():
            previous -= 1
            continue
        if previous in sentence_speaker:
            return sentence_speaker[previous]
        inverted = _GERMAN_INVERTED.search(masked, p_start, p_end)
        if inverted:
            speaker = resolver.resolve(inverted.group("np"), inverted.start("np"), p_start)
            return (speaker, inverted.group("np")) if speaker else None
        if not _KONJUNKTIV.search(masked, p_start, p_end):
            return None
        previous -= 1
        steps += 1
    return None


_SENTENCE_PUNCTUATION_END = re.compile(r"[.!?…]\s*$")


def article_aliases(text: str, known: Mapping[str, str] | None = None) -> dict[str, str]:
    """Aliases an article defines ("López Obrador (aka AMLO)", "Full Name (ACR)"): {alias: canonical}."""
    masked = mask_quotations(text, find_spans(text))
    names = find_mentions(masked)
    resolver = Resolver(names, known or {}, masked)
    return {alias: resolver.canonical(tuple(full.split())) for alias, full in names.aliases.items()}
