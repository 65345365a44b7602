"""Bytes of an article as text: which encoding, or why it is not text at all.

The order is deterministic, so a file always reads the same way:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32), and the rest must decode strictly;
2. NUL bytes or many control bytes mean a binary file (UTF-16 without a mark is recognised
   by its pattern of NULs first), and known file signatures (PDF, ZIP, PNG, ...) are named;
3. strict UTF-8;
4. a charset the document declares (HTML), when it decodes strictly;
5. a file that is mostly valid UTF-8 but breaks somewhere is damaged or truncated UTF-8,
   never re-read as another encoding (that is how mojibake is made);
6. Windows-1252 (a superset of the printable Latin-1), when the result looks like text in a
   Latin script: no control characters, not mostly accented letters, no symbols inside words;
7. otherwise charset-normalizer's best guess, when it recognises a language in the result (it
   finds Windows-1251 Russian or Windows-1250 Polish where step 6 would garble them; without a
   language, a short text or random bytes, its guesses are often garbage); failing that, an
   error that says to save the file as UTF-8 or name the encoding.

charset-normalizer is only the last step: on short Western texts it prefers Windows-1250 and
garbles Portuguese or Icelandic letters that step 6 reads right.
"""

from __future__ import annotations

import codecs
import re

# A binary file is recognised from its first bytes.
SAMPLE_BYTES = 4096

_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.odt document)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
)
# Control bytes that plain text may hold: tab, line feed, vertical tab, form feed, carriage
# return, and the DOS end-of-file mark.
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1a")
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
# In Windows-1252 these are symbols; between two letters they betray another code page
# (Polish ł read as ³, ą as ¹, ż as ¿). The acute accent (´, used as an apostrophe), the
# middle dot (Catalan l·l) and the soft hyphen are left out: they do sit inside words.
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_])[¡¢£¤¥¦§¨©«¬®¯°±²³¶¸¹»¼½¾¿](?=[^\W\d_])")
# HTML's rule (WHATWG Encoding): a page labelled Latin-1 or ASCII is read as Windows-1252.
_DECLARED_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                     "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252"}
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15", "ascii"})


class DecodingError(Exception):
    """The bytes are not text this module can read; the message says why (no file name)."""


def decode(data: bytes, *, declared: str | None = None, encoding: str | None = None) -> str:
    """Text of `data`, following the order in the module docstring.

    `encoding` (an --encoding option) overrides detection; `declared` is a charset the
    document names itself (an HTML meta tag), tried after UTF-8. Raises DecodingError.
    """
    if encoding is not None:
        return _decode_as(data, encoding)
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data[len(bom) :], codec, label)
    refuse_binary(data[:SAMPLE_BYTES])
    if b"\x00" in data[:SAMPLE_BYTES]:
        return _utf16_without_bom(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    if declared:
        codec = _DECLARED_ALIASES.get(declared.strip().lower(), declared.strip())
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: detect as if there were none
    _refuse_damaged_utf8(data, utf8_error)
    return _legacy(data, utf8_error)


def is_known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise DecodingError(f"unknown encoding {encoding!r}") from None
    if codec == "utf-8":
        codec = "utf-8-sig"  # a BOM is not text
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise DecodingError(f"not valid {encoding} (byte {error.start})") from None


def _decode_with_bom(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        if error.end >= len(data) and ("truncated" in error.reason or "end of data" in error.reason):
            raise DecodingError(f"truncated: the file ends inside a {label} character") from None
        raise DecodingError(
            f"invalid {label} at byte {error.start + len(_bom_of(codec))} despite its {label} byte-order mark"
        ) from None


def _bom_of(codec: str) -> bytes:
    return next(bom for bom, name, _ in _BOMS if name == codec)


def refuse_binary(sample: bytes) -> None:
    """Raise DecodingError when the first bytes of a file show it is no text."""
    for signature, what in _SIGNATURES:
        if sample.startswith(signature):
            raise DecodingError(f"a binary file ({what}), not a text article")
    if _utf16_order(sample) is not None:
        return  # UTF-16 without a byte-order mark: NULs at every other byte
    if b"\x00" in sample:
        raise DecodingError("looks like a binary file (NUL bytes), not a text article")
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    if sample and controls > len(sample) // 20:
        raise DecodingError("looks like a binary file (control bytes), not a text article")


def _utf16_order(sample: bytes) -> str | None:
    """'utf-16-le' or '-be' when NULs sit at every other byte, as in mostly-ASCII UTF-16."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0 : 2 * pairs : 2].count(0)
    odd_nuls = sample[1 : 2 * pairs : 2].count(0)
    if odd_nuls >= 0.7 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.7 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _utf16_without_bom(data: bytes) -> str:
    codec = _utf16_order(data[:SAMPLE_BYTES])
    assert codec is not None  # refuse_binary let NULs through only for this pattern
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise DecodingError(
            "looks like UTF-16 without a byte-order mark but does not decode as such; save it as UTF-8"
        ) from None


def _refuse_damaged_utf8(data: bytes, error: UnicodeDecodeError) -> None:
    """Raise when the bytes are UTF-8 that was cut short or damaged, not another encoding."""
    if error.end == len(data) and error.reason == "unexpected end of data":
        tail = data[error.start :]
        if len(tail) >= 2 or _has_multibyte_utf8(data[: error.start]):
            raise DecodingError("truncated: the file ends inside a UTF-8 character")
    if _has_multibyte_utf8(data):
        replaced = data.decode("utf-8", errors="replace")
        invalid = replaced.count("\ufffd") - data.count("\ufffd".encode())
        valid = sum(1 for char in replaced if ord(char) > 0x7F) - replaced.count("\ufffd")
        if valid >= invalid:
            raise DecodingError(
                f"invalid UTF-8 at byte {error.start} in a file that is otherwise UTF-8 "
                "(damaged, or a mix of encodings); save it as UTF-8"
            )


def _has_multibyte_utf8(data: bytes) -> bool:
    return any(ord(char) > 0x7F for char in data.decode("utf-8", errors="ignore"))


def _legacy(data: bytes, utf8_error: UnicodeDecodeError) -> str:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None  # bytes 0x81, 0x8D, 0x8F, 0x90 or 0x9D: control characters in Latin-1
    if text is not None and _reads_as_latin_script(text):
        return text
    guessed = _charset_normalizer_guess(data)
    if guessed is not None:
        return guessed
    raise DecodingError(
        f"not UTF-8 (byte {utf8_error.start}), and not Windows-1252 or Latin-1 text either; "
        "save it as UTF-8 or name its encoding with --encoding"
    )


def _reads_as_latin_script(text: str) -> bool:
    if _CONTROL_CHAR.search(text):
        return False
    words = [word for word in re.findall(r"[^\W\d_]{2,}", text)]
    foreign = sum(1 for word in words if not any(char.isascii() for char in word))
    if sum(map(len, words)) >= 20 and foreign > len(words) / 2:
        # Cyrillic, Greek, Hebrew ... read in a Western code page: most words have no plain Latin
        # letter at all ("Ïðèâåò"), where Western words nearly always have some ("Þór", "Ærø")
        return False
    return _SYMBOL_IN_WORD.search(text) is None


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes  # imported here: most files never get this far

    best = from_bytes(data).best()
    if best is None or codecs.lookup(best.encoding).name in _WESTERN:
        return None  # step 6 already found Western readings implausible
    if best.coherence <= 0:
        return None  # no language recognised in the result: a guess at random bytes, or too short
    text = str(best)
    if _CONTROL_CHAR.search(text) or _SYMBOL_IN_WORD.search(text):
        return None
    return text
