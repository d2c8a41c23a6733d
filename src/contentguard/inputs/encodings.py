"""Encodings: BOMs, UTF-8 and GB18030, and the check that bytes are text at all."""

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
        try:
            text = data.decode("gb18030")
            encoding = "gb18030"
        except UnicodeDecodeError:
            raise NotText(f"not text in UTF-8, UTF-16 or GB18030/GBK (invalid UTF-8 at byte {utf8_error.start}: "
                          f"{utf8_error.reason})") from None
    _check_plausible(text, encoding)
    return text, encoding


def _check_plausible(text: str, encoding: str) -> None:
    """Reject decoded bytes that are still binary: control characters, or — for GB18030, which
    decodes many byte strings — a share of private-use or unassigned characters real text lacks."""
    sample = text[:_SNIFF_BYTES]
    if not sample:
        return
    controls = len(_BINARY_CONTROLS.findall(sample))
    if controls > max(2, len(sample) // 1000):
        raise NotText(f"binary file ({controls} control characters in its first {len(sample)} characters)")
    if encoding == "gb18030":
        odd = sum(1 for ch in sample if ord(ch) > 0x7F and unicodedata.category(ch) in ("Co", "Cn"))
        if odd > max(1, len(sample) // 200):
            raise NotText("binary file (decodes as GB18030 only to private-use or unassigned characters)")


def sniff_stream_encoding(head: bytes) -> tuple[str, int]:
    """Encoding of a streamed file from its first bytes: (codec, BOM length). Raises NotText."""
    announced = bom_encoding(head)
    if announced:
        return announced
    if b"\x00" in head:
        raise NotText("binary file (holds NUL bytes)")
    for codec in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            text = decoder.decode(head, final=False)
        except UnicodeDecodeError:
            continue
        _check_plausible(text, codec)
        return codec, 0
    # A few undecodable bytes in otherwise good text: a batch whose bad records are reported one by one.
    for codec in ("utf-8", "gb18030"):
        text = codecs.getincrementaldecoder(codec)(errors="surrogateescape").decode(head, final=False)
        undecodable = len(_UNDECODED.findall(text))
        if undecodable <= max(8, len(head) // 200):
            _check_plausible(_UNDECODED.sub("", text), codec)
            return codec, 0
    raise NotText("not text in UTF-8, UTF-16 or GB18030/GBK")
