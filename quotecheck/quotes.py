"""Finding quotation spans in article text (pure: text in, spans out).

The finder pairs quotation marks paragraph by paragraph with a stack, deciding for each mark
whether it can open or close from the mark itself and from what stands on either side of it
(as Markdown decides emphasis: a mark with a space before and a letter after opens). This
copes with mixed pairs (a straight opening mark closed by a curly one), marks glued to the next
word ("...Mexico”he said"), guillemets used either way round, German „…“ quotes, nesting, and
apostrophes, which are never quotation marks. A quotation that never closes runs to the end of
its paragraph and is marked suspect, so an unbalanced mark cannot swallow the article. A
quotation that runs over several paragraphs (each re-opening, only the last closing) is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import DIRECT, FRAGMENT, SCARE

DOUBLE_MARKS = "\"“”„‟«»〝〞＂"
SINGLE_MARKS = "'‘’‚‛‹›"
ALL_MARKS = DOUBLE_MARKS + SINGLE_MARKS
_MARK = re.compile(f"[{re.escape(ALL_MARKS)}]")
_DOUBLE_MARK = re.compile(f"[{re.escape(DOUBLE_MARKS)}]")

# Marks that open or close unless their surroundings say otherwise.
_OPENING = "“„‟«‘‚‛‹〝"
_CLOSING = "”»’›〞"
_OPEN_PUNCT = "([{<—–-/:;,"
_CLOSE_PUNCT = ".,;:!?)]}>…—–-/*"

_WORD_CHAR = re.compile(r"\w")

# A quotation longer than this inside one paragraph is kept but marked suspect.
MAX_QUOTATION_CHARS = 2000

OPEN, CLOSE, EITHER = "open", "close", "either"


@dataclass(frozen=True)
class Span:
    """A paired (or unclosed) quotation: marks at `open_at`/`close_at`, text in [start, end)."""

    open_at: int
    close_at: int | None  # None: never closed, runs to the end of its paragraph
    start: int
    end: int
    double: bool  # double-mark family (“ ” " « » „) rather than single (‘ ’ ' ‹ ›)
    depth: int  # 0 for an outermost quotation

    @property
    def suspect(self) -> bool:
        return self.close_at is None or self.end - self.start > MAX_QUOTATION_CHARS


def _family_is_double(mark: str) -> bool:
    return mark in DOUBLE_MARKS


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def mark_role(text: str, i: int) -> str | None:
    """Whether the mark at text[i] can open, close, either, or is no quotation mark at all."""
    mark = text[i]
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    space_before = _is_space(before) or before in _OPEN_PUNCT or before in ALL_MARKS
    space_after = _is_space(after) or after in _CLOSE_PUNCT or after in ALL_MARKS
    if mark in SINGLE_MARKS and mark not in "‹›":
        if before.isalnum() and after.isalnum():
            return None  # don't, Mexico’s
        if after.isdigit() and not before.isalnum():
            return None  # the ’90s
        if mark in "’'" and before.isalnum() and after.isalpha():
            return None
    if mark == "'" or mark == '"':
        if space_before and not _is_space(after):
            return OPEN if not space_after else EITHER
        if not _is_space(before) and space_after:
            return CLOSE
        if before.isalnum() and after.isalnum():
            return EITHER if mark == '"' else None
        return EITHER if mark == '"' else None
    if mark in _OPENING:
        # “ used as a closing mark: glued to the word before, free after („Kochens“, “s—“)
        if not _is_space(before) and not space_before and space_after:
            return CLOSE if mark in "“‘" else EITHER
        if not _is_space(before) and space_after and before not in "([{":
            return EITHER
        return OPEN
    if mark in _CLOSING:
        # ” or » used as an opening mark: free before, glued to the word after (»Text«, ”Hej”)
        if space_before and not _is_space(after) and after.isalnum():
            return EITHER
        return CLOSE
    return None


_LOWER_WORD_NEXT = re.compile(r"\s+[a-z]")


def _is_plural_possessive(text: str, i: int, paragraph_end: int) -> bool:
    """’ after -s followed by a lower-case word, with another closing candidate later: the judges’ decision."""
    if text[i] not in "’'" or i == 0 or text[i - 1] not in "sS":
        return False
    match = _LOWER_WORD_NEXT.match(text, i + 1, i + 4)
    return bool(match) and any(text.find(mark, i + 2, paragraph_end) >= 0 for mark in "’'")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line with text in it."""
    spans = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _opens_with_mark(text: str, start: int, end: int) -> int | None:
    """Index of a double opening mark that begins the paragraph, if it does."""
    i = start
    while i < end and text[i].isspace():
        i += 1
    if i < end and text[i] in DOUBLE_MARKS and mark_role(text, i) in (OPEN, EITHER):
        return i
    return None


def find_spans(text: str) -> list[Span]:
    """All quotation spans of `text`, outer before inner, in text order."""
    spans: list[Span] = []
    carried: int | None = None  # opening mark of a quotation continued from the previous paragraph
    carried_end = 0  # the end of the paragraph that opened it
    paragraphs = _paragraphs(text)
    for index, (p_start, p_end) in enumerate(paragraphs):
        stack: list[tuple[int, bool]] = []  # (index of opening mark, double family)
        # only a paragraph continuing a quotation needs its re-opening mark
        first_mark = _opens_with_mark(text, p_start, p_end) if carried is not None else None
        if carried is not None and first_mark is not None:
            stack.append((carried, True))
        carried = None
        for found in _MARK.finditer(text, p_start, p_end):
            i, mark = found.start(), found.group()
            if i == first_mark and stack and stack[0][0] < p_start:
                continue  # the re-opening mark of a continued quotation
            role = mark_role(text, i)
            if role is None:
                continue
            double = _family_is_double(mark)
            if role in (CLOSE, EITHER) and stack:
                if not double and _is_plural_possessive(text, i, p_end):
                    continue
                if stack[-1][1] == double:
                    open_at, _ = stack.pop()
                    spans.append(_span(open_at, i, double, len(stack)))
                    continue
                if double and any(entry[1] for entry in stack):
                    while not stack[-1][1]:  # single openers left open inside: not quotations
                        stack.pop()
                    open_at, _ = stack.pop()
                    spans.append(_span(open_at, i, double, len(stack)))
                    continue
                if role == CLOSE:
                    continue
            if role in (OPEN, EITHER):
                stack.append((i, double))
        doubles = [entry for entry in stack if entry[1]] if stack else []
        if doubles:
            open_at = doubles[0][0]
            if _continues(text, p_end, paragraphs[index + 1 :]):
                carried, carried_end = open_at, carried_end if open_at < p_start else p_end
            elif open_at < p_start:
                # the continuation never closed after all: each paragraph's quotation ends with it
                spans.append(Span(open_at, None, open_at + 1, carried_end, True, 0))
                if first_mark is not None:
                    spans.append(Span(first_mark, None, first_mark + 1, p_end, True, 0))
            else:
                spans.append(Span(open_at, None, open_at + 1, p_end, True, 0))
    spans = [span for span in spans if _WORD_CHAR.search(text, span.start, span.end) and not _is_elision(text, span)]
    spans.sort(key=lambda span: (span.open_at, -span.end))
    return _with_depths(spans)


def _is_elision(text: str, span: Span) -> bool:
    """One letter between single marks is a word cut short, not a quotation: rock ’n’ roll."""
    return not span.double and len(text[span.start : span.end].strip()) <= 1


def _continues(text: str, p_end: int, following: list[tuple[int, int]]) -> bool:
    """A paragraph left open continues into the next when that one re-opens right away and the
    run of re-opening paragraphs closes at last (the convention for multi-paragraph quotes)."""
    previous_end = p_end
    for start, end in following:
        if text[previous_end:start].count("\n") > 2 or _opens_with_mark(text, start, end) is None:
            return False
        if any(mark_role(text, found.start()) == CLOSE for found in _DOUBLE_MARK.finditer(text, start + 1, end)):
            return True
        previous_end = end
    return False


def _span(open_at: int, close_at: int, double: bool, depth: int) -> Span:
    return Span(open_at, close_at, open_at + 1, close_at, double, depth)


def _with_depths(spans: list[Span]) -> list[Span]:
    result: list[Span] = []
    enclosing: list[Span] = []
    for span in spans:
        while enclosing and enclosing[-1].end < span.end:
            enclosing.pop()
        result.append(
            Span(span.open_at, span.close_at, span.start, span.end, span.double, len(enclosing))
        )
        enclosing.append(span)
    return result


# -- kinds -----------------------------------------------------------------------------------

# A quotation of at most this many words that is woven into the reporter's sentence is a fragment.
FRAGMENT_MAX_WORDS = 5
# At most this many words with nobody tied to them: a scare quote.
SCARE_MAX_WORDS = 2


_KIND_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
_ENDS_WITH_PUNCTUATION = re.compile(r"[.!?,]\s*$")
_ENDS_A_SENTENCE = re.compile(r"[.!?…]\s*$")
# Words that introduce a name or label rather than speech: so-called, known as, nicknamed.
_NAMING_BEFORE = re.compile(
    r"(?:so-called|so\s+called|known\s+as|nicknamed|also\s+called|,\s*(?:dubbed|nicknamed))\s+(?:the\s+|a\s+|an\s+)?$",
    re.I,
)
# Words after which one capitalized word in marks is a name (English and Romance languages only:
# a German noun is capitalized whatever it is).
_NAME_SLOT_BEFORE = re.compile(
    r"(?<!\w)(?:the|to|in|of|at|on|by|from|au|aux|du|le|la|les|des|dans|el|del|al|los|las|il|lo|nel|dal|"
    r"sul|della)\s*$"
)


# A heading: a line of its own, of at most this many words, with no final punctuation.
HEADING_MAX_WORDS = 10
_HEADING_END = re.compile(r"[.!?:;,…]\s*$")


def in_heading(text: str, span: Span) -> bool:
    """The quotation stands in a heading or section title: a short line of its own that does not
    end like a sentence ('Harsh reality' of climate change)."""
    line_start = text.rfind("\n", 0, span.open_at) + 1
    line_end = text.find("\n", span.open_at)
    if line_end < 0:
        line_end = len(text)
    line = text[line_start:line_end].strip().rstrip(ALL_MARKS).rstrip()
    if _HEADING_END.search(text, span.start, span.end):
        return False  # a quoted sentence ends with its own punctuation
    if not line or _HEADING_END.search(line) or len(line) > 12 * HEADING_MAX_WORDS:
        return False
    return len(_KIND_WORD.findall(line)) <= HEADING_MAX_WORDS


def kind_of(
    text: str, span: Span, *, woven: bool, attributed: bool, echoed: bool = False, said_after: bool = False
) -> str:
    """direct, fragment or scare.

    `attributed`: somebody is said to speak the quotation, named or not ("he added"); `said_after`:
    by a speech verb right after it ("“It's over,” said X").

    - scare: a word or two (or a short Title Like Name, unless `echoed`: words a speaker is
      quoted saying elsewhere in the article) that nobody is said to have said; also
      a short woven phrase with no speaker within reach;
    - fragment: a short phrase of a speaker's, woven into the reporter's sentence or nested in
      a longer quotation;
    - direct: one or more quoted sentences or clauses.
    """
    inner = text[span.start : span.end]
    words = _KIND_WORD.findall(inner)
    title_like = len(words) <= 4 and all(word[0].isupper() or word.isdigit() for word in words)
    if title_like and len(words) >= 2 and not echoed and not _ENDS_WITH_PUNCTUATION.search(inner):
        return SCARE  # a name or a title: ‘Climate Summit’, “Le Monde”
    if (len(words) == 1 and words[0][:1].isupper() and not words[0].isupper()
            and not _ENDS_WITH_PUNCTUATION.search(inner)
            and _NAME_SLOT_BEFORE.search(text, max(0, span.open_at - 8), span.open_at)):
        return SCARE  # one capitalized word after an article or preposition: a name, the “Courier”
    if len(words) <= FRAGMENT_MAX_WORDS and _NAMING_BEFORE.search(text, max(0, span.open_at - 24), span.open_at):
        return SCARE  # the so-called “…”, known as “…”: a name, not anybody's words
    if not attributed:
        if len(words) <= SCARE_MAX_WORDS or (len(words) <= FRAGMENT_MAX_WORDS and in_heading(text, span)):
            return SCARE
        if woven and len(words) <= FRAGMENT_MAX_WORDS:
            return SCARE
        return DIRECT
    if len(words) <= SCARE_MAX_WORDS and not woven and not span.depth and (said_after or _ENDS_A_SENTENCE.search(inner)):
        return DIRECT  # “Never.”, “It's over,” he said: a sentence of its own
    if len(words) <= SCARE_MAX_WORDS or span.depth:
        return FRAGMENT
    if len(words) <= FRAGMENT_MAX_WORDS and (woven or inner[:1].islower()):
        return FRAGMENT
    return DIRECT
