"""Encodings: BOMs, UTF-8, GB18030 and Big5, and the check that bytes are text at all.

A byte-order mark decides; without one, strict UTF-8, which almost never accepts legacy bytes by
accident. Bytes that are not UTF-8 are in a legacy Chinese encoding, and which one cannot be read off
the bytes: GB18030 decodes nearly every Big5 file too, as mojibake. charset-normalizer (MIT) decides
between GB18030 and the Big5 family (Big5, CP950, and Big5-HKSCS for Hong Kong characters such as 嘅
and 㗎) by how orderly and how like a language each decoding reads. GB18030, a superset of GBK and
GB2312, stays the answer for GBK text, on a tie and whenever the detector cannot tell.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from .options import _SNIFF_BYTES
from .units import NotText

# Bytes that the decoder could not read come through as these lone surrogates (errors="surrogateescape").
_UNDECODED = re.compile("[\udc80-\udcff]")

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
# C0 controls that plain text does not hold (tab, newlines, form feed and escape are fine).
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
# The legacy encodings a file without a BOM that is not UTF-8 may be in (Python codec names).
_LEGACY = ("gb18030", "big5", "cp950", "big5hkscs")
_NOT_TEXT = "not text in UTF-8, UTF-16 or GB18030/GBK, nor Big5"


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces and the BOM's length, or None."""
    for bom, codec, _ in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole file: (text without BOM, encoding name). Raises :class:`NotText`."""
    announced = bom_encoding(data)
    if announced:
        codec, _ = announced
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise NotText(f"not valid {codec.upper()} after its byte-order mark "
                          f"({exc.reason} at byte {exc.start})") from None
        return text.removeprefix("\ufeff"), codec
    if b"\x00" in data:
        raise NotText("binary file (holds NUL bytes)")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as utf8_error:
        for encoding in _legacy_order(detect_legacy_chinese(data[:_SNIFF_BYTES], len(data) <= _SNIFF_BYTES)):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise NotText(f"{_NOT_TEXT} (invalid UTF-8 at byte {utf8_error.start}: {utf8_error.reason})") from None
    _check_plausible(text, encoding)
    return text, encoding


def detect_legacy_chinese(data: bytes, complete: bool = True) -> str | None:
    """GB18030 or a Big5 codec for bytes that are not UTF-8, as charset-normalizer judges them; None when
    no candidate decodes them in good order. ``complete=False``: the bytes are the head of a longer file,
    read up to their last line break (or without the high bytes at their end), so no character is cut."""
    if not complete:
        cut = data.rfind(b"\n")
        data = data[:cut + 1] if cut > 0 else data.rstrip(bytes(range(0x80, 0x100)))
    if not data:
        return None
    from charset_normalizer import from_bytes

    matches = from_bytes(data, cp_isolation=list(_LEGACY), preemptive_behaviour=False)
    best = matches.best()
    if best is None or best.encoding not in _LEGACY:
        return None
    gb = next((match for match in matches if match.encoding == "gb18030"), None)
    if gb is not None and gb.chaos <= best.chaos and gb.coherence >= best.coherence:
        return "gb18030"  # a tie: short texts can read as well both ways (最好 reads 郔疑 in Big5); GBK is common
    return best.encoding


def _legacy_order(detected: str | None) -> tuple[str, ...]:
    """The detected legacy encoding first, then GB18030 (the answer before detection)."""
    return (detected, "gb18030") if detected and detected != "gb18030" else ("gb18030",)


def _check_plausible(text: str, encoding: str) -> None:
    """Reject decoded bytes that are still binary: control characters, or — for the legacy encodings,
    which decode many byte strings — a share of private-use or unassigned characters real text lacks."""
    sample = text[:_SNIFF_BYTES]
    if not sample:
        return
    controls = len(_BINARY_CONTROLS.findall(sample))
    if controls > max(2, len(sample) // 1000):
        raise NotText(f"binary file ({controls} control characters in its first {len(sample)} characters)")
    if encoding in _LEGACY:
        odd = sum(1 for ch in sample if ord(ch) > 0x7F and unicodedata.category(ch) in ("Co", "Cn"))
        if odd > max(1, len(sample) // 200):
            raise NotText(f"binary file (decodes as {encoding.upper()} only to private-use or unassigned "
                          "characters)")


def sniff_stream_encoding(head: bytes) -> tuple[str, int]:
    """Encoding of a streamed file from its first bytes: (codec, BOM length). Raises NotText."""
    announced = bom_encoding(head)
    if announced:
        return announced
    if b"\x00" in head:
        raise NotText("binary file (holds NUL bytes)")
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        legacy = _legacy_order(detect_legacy_chinese(head, complete=False))
    else:
        _check_plausible(text, "utf-8")
        return "utf-8", 0
    for codec in legacy:
        try:
            text = codecs.getincrementaldecoder(codec)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        _check_plausible(text, codec)
        return codec, 0
    # A few undecodable bytes in otherwise good text: a batch whose bad records are reported one by one.
    for codec in ("utf-8", *legacy):
        text = codecs.getincrementaldecoder(codec)(errors="surrogateescape").decode(head, final=False)
        undecodable = len(_UNDECODED.findall(text))
        if undecodable <= max(8, len(head) // 200):
            _check_plausible(_UNDECODED.sub("", text), codec)
            return codec, 0
    raise NotText(_NOT_TEXT)
