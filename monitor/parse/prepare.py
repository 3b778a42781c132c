"""Raw bytes -> safe UTF-8 bytes for feedparser: choose the encoding, repair, defuse.

Owns the two byte-level defences of hazards.md:
- hazard 3: one invalid byte in a UTF-8 feed must not make feedparser re-decode the
  whole document as windows-1252 (Persian turns into mojibake). We decode ourselves,
  repairing only the bad sequences, and hand feedparser valid UTF-8.
- hazard 1: every ``<!ENTITY`` is turned into ``&lt;!ENTITY`` so no internal entity
  can ever be declared, hence never expanded. This runs on the decoded text, after
  any transcoding, so UTF-16 or UTF-7 spellings of ``<!ENTITY`` cannot slip past.

Must not: parse XML, look at items, or import feedparser. The output always starts
with ``<?xml version="1.0" encoding="utf-8"?>`` so feedparser never guesses again.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_XML_DECL = re.compile(r"^\s*<\?xml\s[^>]*>")
_DECLARED_ENCODING = re.compile(
    rb"""^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']"""
)
_ENTITY_DECL = re.compile(r"<!\s*entity", re.IGNORECASE)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# WHATWG: labels for ASCII and Latin-1 mean windows-1252 in practice (smart quotes).
_WINDOWS_1252_LABELS = frozenset({"ascii", "iso8859-1"})
_OUTPUT_DECL = '<?xml version="1.0" encoding="utf-8"?>'


def _legacy_byte(error: UnicodeError) -> tuple[str, int]:
    # Read each byte that is not valid UTF-8 as windows-1252 (latin-1 for its 5 holes).
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    text = "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in bad)
    return text, error.end


codecs.register_error("monitor.parse.legacy-byte", _legacy_byte)


@dataclass(frozen=True)
class Prepared:
    """UTF-8 bytes ready for feedparser, and what was done to get them."""

    data: bytes
    encoding: str  # what the source bytes were read as
    notes: tuple[str, ...]  # non-fatal repairs worth a warning on the feed


def prepare(body: bytes, *, neutralise_entities: bool = True) -> Prepared:
    """Decode ``body``, repair it, defuse entity declarations, re-encode as UTF-8.

    ``neutralise_entities=False`` exists only so tests can show what the second wall
    (the worker's memory and time limits) does without the first.
    """
    text, encoding, notes = decode(body)
    if neutralise_entities:
        text, count = _ENTITY_DECL.subn("&lt;!ENTITY", text)
        if count:
            notes = (*notes, f"{count} entity declaration(s) neutralised")
    text = text.removeprefix("\ufeff")
    match = _XML_DECL.match(text)
    text = _OUTPUT_DECL + (text[match.end() :] if match else "\n" + text)
    # "replace": a lone surrogate (UTF-7 can spell one) must not make the output invalid.
    return Prepared(text.encode("utf-8", "replace"), encoding, notes)


def decode(body: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Return (text, encoding used, notes). Never raises on bad bytes."""
    sniffed, start = _sniff(body)
    data = body[start:]
    declared = _declared_encoding(data, sniffed)

    if sniffed in ("utf-16-be", "utf-16-le", "utf-32-be", "utf-32-le", "cp037"):
        # Not ASCII-compatible: the BOM or the "<?xml" pattern is the only evidence.
        return _decode_or_replace(data, sniffed, declared_as=sniffed)
    if sniffed == "utf-8" and start:  # a UTF-8 BOM outranks any declaration
        return _decode_utf8(data, claim="has a UTF-8 byte order mark")
    if declared is not None and declared.startswith(("utf-16", "utf-32")):
        # We just read the declaration as ASCII, so the bytes are not UTF-16/32:
        # the declaration is wrong (a copied template), not the bytes.
        declared = None
    if declared is None or declared in ("utf-8", "utf-8-sig"):
        claim = "declares utf-8" if declared else "declares no encoding (so UTF-8)"
        return _decode_utf8(data, claim=claim)

    # Another encoding is declared. A document that is valid UTF-8 with non-ASCII in it
    # was mislabelled (a common CMS misconfiguration): long legacy text is almost never
    # valid UTF-8 by chance.
    if not data.isascii():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return text, "utf-8", (f"declared as {declared} but is valid UTF-8; read as utf-8",)
    if declared in _WINDOWS_1252_LABELS:
        return data.decode("cp1252", "monitor.parse.legacy-byte"), "windows-1252", ()
    return _decode_or_replace(data, declared, declared_as=declared)


def _sniff(body: bytes) -> tuple[str | None, int]:
    """Encoding implied by a BOM (and its length), or by the bytes of "<?" (XML appendix F)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    head = body[:4]
    if head == b"\x00\x00\x00<":
        return "utf-32-be", 0
    if head == b"<\x00\x00\x00":
        return "utf-32-le", 0
    if len(head) == 4 and head[0] == 0 and head[1] != 0 and head[2] == 0:
        return "utf-16-be", 0
    if len(head) == 4 and head[0] != 0 and head[1] == 0 and head[3] == 0:
        return "utf-16-le", 0
    if head == b"\x4c\x6f\xa7\x94":  # "<?xm" in EBCDIC
        return "cp037", 0
    return None, 0


def _declared_encoding(data: bytes, sniffed: str | None) -> str | None:
    """The XML declaration's encoding as Python's codec name, if Python knows it as text."""
    head = data[:1024]
    if sniffed and sniffed != "utf-8":
        head = head.decode(sniffed, "replace").encode("ascii", "replace")
    match = _DECLARED_ENCODING.match(head)
    if not match:
        return None
    label = match.group(1).decode("ascii").lower()
    if label == "gb2312":
        label = "gb18030"  # a superset, and what GB2312-labelled pages really contain
    try:
        name = codecs.lookup(label).name
        b"".decode(name)  # rejects codecs that are not text encodings (rot13, base64)
    except LookupError:
        return None
    return name


def _decode_utf8(data: bytes, *, claim: str) -> tuple[str, str, tuple[str, ...]]:
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    valid = len(_UTF8_MULTIBYTE.findall(data))
    replaced = data.decode("utf-8", "replace")
    bad = replaced.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if valid >= bad:
        # Mostly UTF-8 with a few broken sequences: keep every valid character and mark
        # each broken one with U+FFFD (hazard 3), instead of re-reading it all as 1252.
        note = f"invalid UTF-8 repaired: {bad} bad byte sequence(s) replaced by U+FFFD"
        return replaced, "utf-8", (note,)
    # Mostly not UTF-8 at all: a legacy single-byte document with no (or a wrong)
    # declaration, like the ISO-8859-1 UOL sample. Any valid UTF-8 in it is still kept.
    note = f"document {claim} but is not UTF-8: {bad} byte(s) read as windows-1252"
    return data.decode("utf-8", "monitor.parse.legacy-byte"), "windows-1252", (note,)


def _decode_or_replace(
    data: bytes, encoding: str, *, declared_as: str
) -> tuple[str, str, tuple[str, ...]]:
    try:
        return data.decode(encoding), encoding, ()
    except (UnicodeError, ValueError):
        pass
    try:
        text = data.decode(encoding, "replace")
    except (UnicodeError, ValueError):  # a codec that cannot even replace (idna...)
        return _decode_utf8(data, claim=f"declares {declared_as}")
    return text, encoding, (f"invalid {declared_as} bytes replaced by U+FFFD",)
