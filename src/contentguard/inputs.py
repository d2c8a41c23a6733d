"""Readers for the command line: files, folders and stdin turned into documents to check.

Each readable thing becomes a :class:`Unit` — a :class:`~contentguard.document.Document` plus
what the command line needs to point back into the source: the path, the line of a batch
record, a :class:`Locator` that turns a finding's field offsets into 1-based line and column of
the source file, and the inline ``contentguard: ignore`` directives found in it. Whatever cannot
be read becomes a :class:`Skipped` with its reason, and reading goes on.

Formats: ``.txt``; ``.md`` (front-matter ``title:`` is the title); ``.html`` (visible text,
tags stripped, every character mapped back to its source offset); ``.jsonl`` / ``.csv`` /
``.tsv`` batches of posts or comments, streamed record by record.
Encodings: UTF-8 with or without BOM, UTF-16/32 with BOM, GB18030 (a superset of GBK/GB2312).
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import html
import io
import json
import os
import re
import stat
import sys
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, Literal, Protocol, get_args

from pydantic import TypeAdapter

from .document import Document, Kind
from .limits import InputLimits, default_limits
from .normalize import escape_surrogates
from .resources import data_dir


@dataclass(frozen=True)
class FieldNames:
    """Which record fields hold the text, title, id, platform and kind when not told
    (``rules/fields.yaml``: English and common Chinese column headers). The first one present wins."""

    text: tuple[str, ...] = ("text", "body", "content")
    title: tuple[str, ...] = ("title",)
    id: tuple[str, ...] = ("id",)
    platform: tuple[str, ...] = ("platform",)
    kind: tuple[str, ...] = ("kind",)

    @classmethod
    def shipped(cls) -> FieldNames:
        from .yamlio import load_yaml, read_text_file

        path = data_dir("rules") / "fields.yaml"
        if not path.is_file():
            return cls()
        data = load_yaml(read_text_file(path)) or {}
        return cls(**{key: tuple(str(v) for v in value) for key, value in data.items()})


FIELD_NAMES = FieldNames.shipped()
# Fields looked for, in order, when no --text-field is given.
TEXT_FIELD_CANDIDATES = FIELD_NAMES.text

Format = Literal["txt", "md", "html", "jsonl", "csv", "tsv"]
FORMAT_BY_SUFFIX: dict[str, Format] = {
    ".txt": "txt", ".text": "txt",
    ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "tsv",
}
BATCH_FORMATS: frozenset[str] = frozenset({"jsonl", "csv", "tsv"})
# Folders of version control systems are never content.
ALWAYS_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn"})
IGNORE_FILE_NAMES = (".gitignore", ".contentguardignore")
DEFAULT_MAX_FILE_SIZE = default_limits().input.max_file_bytes
# How much of a streamed batch file is read to decide its encoding.
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class InputOptions:
    """How paths are walked and files turned into documents (the scan command's input flags)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    use_ignore_files: bool = True
    id_field: str = "id"
    title_field: str = "title"
    text_field: str | None = None
    kind: Kind | None = None
    # The kind of a record that names none (the monitor reads comments; scan reads posts).
    default_kind: Kind = "post"
    platform: str | None = None
    # Files read whole as one document larger than this are skipped (batches are streamed).
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    stdin_filename: str | None = None
    limits: InputLimits = field(default_factory=lambda: default_limits().input)


# ---- positions ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Position:
    """1-based line and column of a finding in its source; the end is exclusive (as in SARIF)."""

    line: int
    column: int
    end_line: int
    end_column: int


class Locator(Protocol):
    def locate(self, field: str, start: int, end: int) -> Position: ...

    def source_span(self, field: str, start: int, end: int) -> tuple[int, int] | None: ...


class SourceText:
    """A decoded source file with its line starts, to turn offsets into line and column."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0, *(match.end() for match in re.finditer("\n", self.text))]

    def line_col(self, offset: int) -> tuple[int, int]:
        starts = self._line_starts
        index = bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line_text(self, line: int) -> str:
        starts = self._line_starts
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[starts[line - 1]:end].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self._line_starts)


class OffsetMap(Protocol):
    def source(self, start: int, end: int) -> tuple[int, int]: ...


@dataclass(frozen=True)
class ShiftedMap:
    """A field that is a contiguous slice of the source starting at ``base``."""

    base: int

    def source(self, start: int, end: int) -> tuple[int, int]:
        return self.base + start, self.base + end


@dataclass(frozen=True)
class TableMap:
    """A field built from pieces of the source (HTML text): per character, its source span."""

    starts: array
    ends: array

    def source(self, start: int, end: int) -> tuple[int, int]:
        if not len(self.starts):
            return 0, 0
        start = min(start, len(self.starts) - 1)
        end = max(start + 1, min(end, len(self.ends)))
        return self.starts[start], self.ends[end - 1]


@dataclass(frozen=True)
class TextLocator:
    """Positions in a text file: field offsets → source offsets → line and column."""

    source_text: SourceText
    maps: dict[str, OffsetMap]

    def source_span(self, field: str, start: int, end: int) -> tuple[int, int] | None:
        mapping = self.maps.get(field)
        return mapping.source(start, end) if mapping else None

    def locate(self, field: str, start: int, end: int) -> Position:
        span = self.source_span(field, start, end)
        if span is None:
            return Position(1, 1, 1, 1)
        line, column = self.source_text.line_col(span[0])
        end_line, end_column = self.source_text.line_col(span[1])
        return Position(line, column, end_line, end_column)


@dataclass(frozen=True)
class RecordLocator:
    """Positions of a batch record: its line, and the column inside it when the JSON string of
    the field can be found in the raw line (it can unless the writer escaped it unusually)."""

    line: int
    raw_line: str | None = None
    values: dict[str, str] = field(default_factory=dict)

    def source_span(self, field: str, start: int, end: int) -> tuple[int, int] | None:
        return None

    def locate(self, field: str, start: int, end: int) -> Position:
        columns = self._columns(field)
        if columns is None:
            return Position(self.line, 1, self.line, 1)
        return Position(self.line, columns[start] + 1, self.line, columns[end] + 1)

    def _columns(self, field: str) -> list[int] | None:
        """Column (0-based) in the raw line of each character of the field's value, and of its end."""
        value = self.values.get(field)
        if self.raw_line is None or not value:
            return None
        for ascii_only in (False, True):
            pieces = [json.dumps(ch, ensure_ascii=ascii_only)[1:-1] for ch in value]
            encoded = '"' + "".join(pieces) + '"'
            found = self.raw_line.find(encoded)
            if found >= 0 and self.raw_line.find(encoded, found + 1) < 0:
                columns = [found + 1]
                for piece in pieces:
                    columns.append(columns[-1] + len(piece))
                return columns
        return None


# ---- units ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Directive:
    """One inline ``contentguard: ignore`` comment: which rules, why, and where it was written."""

    line: int
    rule_ids: tuple[str, ...]  # empty: every rule
    reason: str

    def covers(self, rule_id: str) -> bool:
        return not self.rule_ids or any(fnmatch.fnmatchcase(rule_id, pattern) for pattern in self.rule_ids)


@dataclass(frozen=True)
class Unit:
    """One document read from a source, with the means to point back into it."""

    path: str
    document: Document
    locator: Locator
    format: Format
    encoding: str
    # Line of the record in a batch file (None for a file that is one document).
    record_line: int | None = None
    # Source line → the directives that apply to it.
    directives: dict[int, tuple[Directive, ...]] = field(default_factory=dict)
    # Problems met while reading that did not stop it (a front matter that is not YAML).
    warnings: tuple[str, ...] = ()
    # The decoded source, for rewriting (the fix command); None for batch records.
    source_text: SourceText | None = None
    bom: bool = False

    @property
    def where(self) -> str:
        return f"{self.path}:{self.record_line}" if self.record_line is not None else self.path


@dataclass(frozen=True)
class Skipped:
    """A file or record that could not be read, and why."""

    path: str
    reason: str
    record_line: int | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.record_line}" if self.record_line is not None else self.path


Item = Unit | Skipped


class NotText(Exception):
    """The bytes are not text in an encoding we read."""


# ---- encodings -------------------------------------------------------------------------------------

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


# ---- inline directives --------------------------------------------------------------------------------

# `contentguard: ignore rule-a, rule-b -- reason` or `contentguard: ignore-next-line -- reason`,
# anywhere in a line: in an HTML/Markdown comment, a YAML comment, or a line of its own.
_DIRECTIVE = re.compile(r"contentguard:\s*(ignore-next-line|ignore)\b(?P<rest>[^\n]*)")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def parse_directives(source: SourceText) -> dict[int, tuple[Directive, ...]]:
    """Target line → directives. A directive applies to the next line that is not blank."""
    found: dict[int, list[Directive]] = {}
    text = source.text
    if "contentguard:" not in text:
        return {}
    for match in _DIRECTIVE.finditer(text):
        line, _ = source.line_col(match.start())
        rest = match.group("rest")
        rest = rest.split("-->", 1)[0].strip()
        reason = ""
        if " -- " in f" {rest} ":
            before, _, reason = f" {rest} ".partition(" -- ")
            rest, reason = before.strip(), reason.strip()
        rule_ids: tuple[str, ...] = ()
        if match.group(1) == "ignore":
            rule_ids = tuple(part for part in re.split(r"[\s,，]+", rest) if part)
        target = line + 1
        while target <= source.line_count and not source.line_text(target).strip():
            target += 1
        found.setdefault(target, []).append(Directive(line=line, rule_ids=rule_ids, reason=reason))
    return {line: tuple(items) for line, items in found.items()}


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Replace the spans with spaces, keeping newlines, so offsets and lines stay the same."""
    if not spans:
        return text
    pieces = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(re.sub(r"[^\n]", " ", text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


# ---- per-format readers -----------------------------------------------------------------------------------

def read_text_document(path: str, data: bytes, fmt: Format, options: InputOptions) -> Item:
    """A txt, md or html file (or stdin) as one document."""
    try:
        text, encoding = decode_bytes(data)
    except NotText as exc:
        return Skipped(path, str(exc))
    source = SourceText(text)
    directives = parse_directives(source)
    warnings: list[str] = []
    title: str | None = None
    maps: dict[str, OffsetMap] = {}
    if fmt == "html":
        extracted = extract_html(text)
        body = extracted.body
        maps["body"] = TableMap(extracted.body_starts, extracted.body_ends)
        if extracted.title:
            title = extracted.title
            maps["title"] = TableMap(extracted.title_starts, extracted.title_ends)
    elif fmt == "md":
        # HTML comments end up in the published page's source, so they are checked; a comment holding
        # a contentguard directive is not (its rule ids and reason are not content).
        scanned = _blank(text, [m.span() for m in _HTML_COMMENT.finditer(text) if "contentguard:" in m.group()]) \
            if "<!--" in text else text
        front = split_front_matter(scanned, options.limits)
        # The body keeps its offsets in the file: the front matter is blanked, except the published
        # `description:` (the WeChat digest), which is checked with the body.
        body = _blank(scanned, [span for span in _gaps((0, front.body_start), front.published)]) \
            if front.body_start else scanned
        maps["body"] = ShiftedMap(0)
        if front.problem:
            warnings.append(front.problem)
        if front.title:
            title = front.title
            maps["title"] = ShiftedMap(front.title_start)
    else:
        directive_lines = {d.line for items in directives.values() for d in items}
        spans = []
        for line in sorted(directive_lines):
            start = source._line_starts[line - 1]
            spans.append((start, start + len(source.line_text(line))))
        body = _blank(text, spans)
        maps["body"] = ShiftedMap(0)
    document = Document(id=path, title=title, body=body, kind=options.kind or "post", platform=options.platform)
    return Unit(path=path, document=document, locator=TextLocator(source, maps), format=fmt, encoding=encoding,
                directives=directives, warnings=tuple(warnings), source_text=source,
                bom=encoding in ("utf-8-sig", "utf-16", "utf-32"))


@dataclass(frozen=True)
class FrontMatter:
    body_start: int
    title: str | None = None
    title_start: int = 0
    problem: str | None = None
    # Source spans inside the front matter that are published text checked with the body (description:).
    published: tuple[tuple[int, int], ...] = ()


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)(?:^|\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_TITLE_LINE = re.compile(r"^title[ \t]*:[ \t]*(?P<value>[^\r\n]*)", re.M)
# A published key's value: the rest of its line and the indented lines that continue it.
_PUBLISHED_KEYS = re.compile(r"^(?:description|summary|digest|excerpt)[ \t]*:[ \t]*(?P<value>[^\r\n]*"
                             r"(?:\r?\n[ \t]+[^\r\n]*)*)", re.M)


def _gaps(span: tuple[int, int], keep: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``span`` outside the sorted spans ``keep``."""
    gaps, position = [], span[0]
    for start, end in sorted(keep):
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < span[1]:
        gaps.append((position, span[1]))
    return gaps


def _yaml_within_limits(text: str, limits: InputLimits) -> str | None:
    """Why a front matter is not parsed (too big, too many aliases: "billion laughs"), or None."""
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_front_matter_bytes:
        return (f"front matter is over the {limits.max_front_matter_bytes:,}-byte limit "
                f"(limits.yaml input.max_front_matter_bytes)")
    if text.count("*") > limits.max_yaml_aliases:
        import yaml

        try:
            aliases = sum(isinstance(token, yaml.AliasToken) for token in yaml.scan(text, Loader=yaml.SafeLoader))
        except yaml.YAMLError:
            return None  # the parser reports it
        if aliases > limits.max_yaml_aliases:
            return (f"front matter uses {aliases} YAML aliases, over the limit of {limits.max_yaml_aliases} "
                    f"(limits.yaml input.max_yaml_aliases)")
    return None


def split_front_matter(text: str, limits: InputLimits | None = None) -> FrontMatter:
    """Where a Markdown file's body starts, its front matter's title with the title's offset, and the
    published spans of the front matter. A front matter that cannot be read (not YAML, over a limit)
    leaves the whole file to be checked as plain text, with the problem said."""
    limits = limits or default_limits().input
    match = _FRONT_MATTER.match(text)
    if not match:
        return FrontMatter(body_start=0)
    import yaml

    from .yamlio import load_yaml

    refused = _yaml_within_limits(match.group("yaml"), limits)
    if refused:
        return FrontMatter(body_start=0, problem=f"{refused}; the file was checked as plain text")
    try:
        data = load_yaml(match.group("yaml"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        return FrontMatter(body_start=0, problem=f"front matter is not valid YAML{where}; the file was checked "
                                                 f"as plain text")
    start = match.start("yaml")
    published = tuple((start + m.start("value"), start + m.end("value"))
                      for m in _PUBLISHED_KEYS.finditer(match.group("yaml")) if m.group("value").strip())
    if not isinstance(data, dict) or data.get("title") in (None, ""):
        return FrontMatter(body_start=match.end(), published=published)
    if not isinstance(data["title"], (str, int, float)):
        return FrontMatter(body_start=0, problem=f"the front-matter title is a {type(data['title']).__name__}, "
                                                 f"not text; the file was checked as plain text")
    title = str(data["title"])
    start = match.start("yaml")
    line = _TITLE_LINE.search(match.group("yaml"))
    title_start = start
    if line:
        value_start = start + line.start("value")
        # The title as written (maybe quoted): point at it exactly when it appears unescaped.
        found = text.find(title, value_start, start + line.end("value"))
        title_start = found if found >= 0 else value_start
        if found < 0:
            # Escaped or folded YAML: positions inside the title can only point at its start.
            return FrontMatter(body_start=match.end(), title=title, title_start=title_start, published=published,
                               problem="the front-matter title is escaped or folded YAML: its findings point "
                                       "at the start of the title")
    return FrontMatter(body_start=match.end(), title=title, title_start=title_start, published=published)


# ---- HTML -------------------------------------------------------------------------------------------

@dataclass
class ExtractedHtml:
    """The visible text of an HTML page, each character with its source span."""

    title: str = ""
    title_starts: array = field(default_factory=lambda: array("q"))
    title_ends: array = field(default_factory=lambda: array("q"))
    body: str = ""
    body_starts: array = field(default_factory=lambda: array("q"))
    body_ends: array = field(default_factory=lambda: array("q"))


# Where something other than plain text starts: a comment, CDATA, a declaration or processing
# instruction, a tag (a letter after < or </), an entity. A `<` not followed by these is text.
_HTML_START = re.compile(
    r"<!--|<!\[CDATA\[|<[!?]|</?(?=[a-zA-Z])"
    r"|&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[a-zA-Z][a-zA-Z0-9]{0,31};?)")
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9:-]*")
_ATTRIBUTE = re.compile(r"""(?P<name>[^\s=/>"']+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>"']+)))?""")
# Elements whose content is not text a reader sees (svg and math text is: it is drawn).
_RAW_TEXT_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
# Elements that break a line when rendered: sentences do not run across them.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul", "caption", "body", "head",
    "html", "title", "img", "svg", "math", "text",
})
# <meta> whose content is published: shown by platforms as the title or the digest of a shared link.
_META_TITLE = frozenset({"og:title", "twitter:title"})
_META_PUBLISHED = frozenset({"description", "og:description", "twitter:description", "keywords"})
# Attributes whose text readers see (alternative text, tooltips).
_TEXT_ATTRIBUTES = frozenset({"alt", "title", "aria-label"})
_HTML_WHITESPACE = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\f": " "})


def _tag_end(source: str, position: int) -> int:
    """Index just past the ``>`` that ends the tag whose attributes start at ``position``, or -1.

    One pass: quotes count only around an attribute value (after ``=``), as in a browser, so a stray
    quote cannot make the scan back-track; a page with many ``<`` and no ``>`` stays linear.
    """
    length = len(source)
    last = ""
    i = position
    while i < length:
        char = source[i]
        if char == ">":
            return i + 1
        if char in "\"'" and last == "=":
            close = source.find(char, i + 1)
            if close < 0:
                return -1
            i = close + 1
            last = char
            continue
        if not char.isspace():
            last = char
        i += 1
    return -1


def extract_html(source: str) -> ExtractedHtml:
    """Everything a reader of a page or fragment (a WeChat/CMS article) sees, with offsets back into ``source``.

    Tags are dropped; inline tags join their text (``最<b>好</b>`` reads 最好) and block tags
    break it; entities are decoded; scripts and styles are left out. The page's ``<title>`` (or
    its ``og:title``) is the title. Published text outside the visible flow is checked with the
    body, each piece on a line of its own: ``<meta name="description">`` and ``og:description``
    (the digest a shared link shows), ``alt`` and ``title`` attributes, text drawn in ``<svg>`` and
    ``<math>``, and comments (readers see them in the page source; a comment holding a
    ``contentguard:`` directive is not content). One linear pass over the source.
    """
    out = ExtractedHtml()
    body_chars: list[str] = []
    title_chars: list[str] = []
    og_title: tuple[str, int, int] | None = None
    in_head = False
    in_title = False
    length = len(source)

    def emit(text: str, start: int, end: int, per_char: bool, published: bool = False) -> None:
        if in_title and not published:
            chars, starts, ends = title_chars, out.title_starts, out.title_ends
        elif in_head and not published:
            return
        else:
            chars, starts, ends = body_chars, out.body_starts, out.body_ends
        chars.append(text)
        if per_char:  # a run of source text: one source character per character
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
        else:  # an entity or a break: every character comes from the whole span
            starts.extend([start] * len(text))
            ends.extend([end] * len(text))

    def emit_published(value: str, start: int, end: int) -> None:
        """A piece of published text outside the flow (an attribute, a comment) on a line of its own."""
        decoded = html.unescape(value).translate(_HTML_WHITESPACE)
        if not decoded.strip():
            return
        emit("\n", start, start, per_char=False, published=True)
        emit(decoded, start, end, per_char=decoded == value, published=True)
        emit("\n", end, end, per_char=False, published=True)

    position = 0
    while position < length:
        token = _HTML_START.search(source, position)
        if token is None:
            break
        start = token.start()
        if start > position:
            emit(source[position:start].translate(_HTML_WHITESPACE), position, start, per_char=True)
        opener = token.group()
        if opener.startswith("&"):
            end = token.end()
            decoded = html.unescape(opener).translate(_HTML_WHITESPACE)
            emit(decoded, start, end, per_char=decoded == opener)
            position = end
            continue
        if opener == "<!--":
            close = source.find("-->", start + 4)
            end = length if close < 0 else close + 3
            content_end = length if close < 0 else close
            if "contentguard:" not in source[start + 4:content_end]:
                emit_published(source[start + 4:content_end], start + 4, content_end)
            position = end
            continue
        if opener == "<![CDATA[":
            close = source.find("]]>", start)
            position = length if close < 0 else close + 3
            continue
        if opener in ("<!", "<?"):
            close = source.find(">", start)
            position = length if close < 0 else close + 1
            continue
        # A start or end tag.
        closing = opener == "</"
        name_match = _TAG_NAME.match(source, token.end())
        assert name_match is not None  # the lookahead saw a letter
        tag = name_match.group().lower()
        end = _tag_end(source, name_match.end())
        if end < 0:
            # Never closed: a browser would hide the rest, but it is checked as the text it is.
            emit(source[start:].translate(_HTML_WHITESPACE), start, length, per_char=True)
            position = length
            break
        attrs_start, attrs = name_match.end(), source[name_match.end():end - 1]
        position = end
        if tag in _RAW_TEXT_TAGS and not closing and not attrs.rstrip().endswith("/"):
            close = re.compile(rf"</{tag}\s*>", re.I).search(source, end)
            position = length if close is None else close.end()
            continue
        if tag == "head":
            in_head = not closing
        elif tag == "body" and not closing:
            in_head = False
        elif tag == "title":
            in_title = not closing
            continue
        if not closing and attrs.strip():
            values: dict[str, tuple[str, int, int]] = {}
            for attribute in _ATTRIBUTE.finditer(attrs):
                group = next((g for g in ("dq", "sq", "bare") if attribute.group(g) is not None), None)
                if group is not None:
                    values[attribute.group("name").lower()] = (attribute.group(group),
                                                               attrs_start + attribute.start(group),
                                                               attrs_start + attribute.end(group))
            if tag == "meta" and "content" in values:
                kind = (values.get("property") or values.get("name") or ("", 0, 0))[0].strip().lower()
                if kind in _META_TITLE and og_title is None:
                    og_title = values["content"]
                elif kind in _META_PUBLISHED:
                    emit_published(*values["content"])
            for name in _TEXT_ATTRIBUTES:
                if name in values and not (tag == "meta"):
                    emit_published(*values[name])
        if tag in _BLOCK_TAGS and not in_title:
            emit("\n", start, end, per_char=False)
    if position < length:
        emit(source[position:].translate(_HTML_WHITESPACE), position, length, per_char=True)

    title_text = "".join(title_chars).strip()
    if title_text and og_title is not None and html.unescape(og_title[0]).strip() != title_text:
        emit_published(*og_title)  # a shared link shows og:title: checked too when it differs from <title>
    out.body = "".join(body_chars)
    out.title = "".join(title_chars).strip()
    if out.title:
        # Keep the maps aligned with the stripped title.
        raw = "".join(title_chars)
        lead = len(raw) - len(raw.lstrip())
        out.title_starts = out.title_starts[lead:lead + len(out.title)]
        out.title_ends = out.title_ends[lead:lead + len(out.title)]
    elif og_title is not None:
        value, value_start, value_end = og_title
        decoded = html.unescape(value).strip()
        if decoded:
            out.title = decoded
            if decoded == value:
                out.title_starts = array("q", range(value_start, value_end))
                out.title_ends = array("q", range(value_start + 1, value_end + 1))
            else:
                out.title_starts = array("q", [value_start] * len(decoded))
                out.title_ends = array("q", [value_end] * len(decoded))
    return out


# ---- batches ---------------------------------------------------------------------------------------

def _field_value(record: dict[str, Any], name: str) -> Any:
    """A record's field; ``a.b`` reaches into nested objects."""
    if name in record:
        return record[name]
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


class _RecordProblem(Exception):
    pass


def _first_present(record: dict[str, Any], given: str | None, default: str, candidates: tuple[str, ...]) -> Any:
    """The value of field ``given``; when it is the default name and absent, of the first candidate present."""
    name = given or default
    value = _field_value(record, name)
    if value is None and name == default:
        value = next((record[c] for c in candidates if c in record and record[c] is not None), None)
    return value


_TIME: TypeAdapter[datetime] = TypeAdapter(datetime)
# Fields of a record that say when it was said (ISO 8601 or Unix seconds), tried in this order.
TIME_FIELD_CANDIDATES = ("created_at", "time", "timestamp", "date")


def _record_context(record: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """created_at, author, thread and voice of a record (the public-opinion watch reads them).

    A timestamp that cannot be read is a warning, not a lost record: the document is still checked.
    """
    extra: dict[str, Any] = {}
    name = next((n for n in TIME_FIELD_CANDIDATES if record.get(n) not in (None, "")), None)
    if name is not None:
        value = record[name]
        try:
            extra["created_at"] = _TIME.validate_python(value)
        except ValueError:
            warnings.append(f"field {name!r}: {str(value)[:40]!r} is not a time (ISO 8601 or Unix seconds); "
                            f"read without one")
    for field_name in ("author", "thread"):
        value = record.get(field_name)
        if value not in (None, ""):
            extra[field_name] = str(value)
    voice = record.get("voice")
    if voice in ("company", "public"):
        extra["voice"] = voice
    elif voice not in (None, ""):
        warnings.append(f"field 'voice': {str(voice)[:20]!r} is neither company nor public; ignored")
    return extra


def record_document(record: dict[str, Any], options: InputOptions, fallback_id: str,
                    warnings: list[str] | None = None) -> tuple[Document, dict[str, str]]:
    """A Document from one batch record, by the field mapping. Raises _RecordProblem.

    Problems that do not stop the record (a timestamp that is not one) are added to ``warnings``.
    """
    text_field = options.text_field
    if text_field is None:
        text_field = next((name for name in TEXT_FIELD_CANDIDATES if name in record), None)
        if text_field is None:
            raise _RecordProblem(f"no text field: none of {', '.join(TEXT_FIELD_CANDIDATES)} is present "
                                 f"(fields: {', '.join(map(str, record)) or 'none'}); give --text-field")
    body = _field_value(record, text_field)
    if body is None:
        raise _RecordProblem(f"field {text_field!r} is missing or null (fields: {', '.join(map(str, record))})")
    if not isinstance(body, str):
        raise _RecordProblem(f"field {text_field!r} is a {type(body).__name__}, not text")
    title = _first_present(record, options.title_field, "title", FIELD_NAMES.title)
    if title is not None and not isinstance(title, str):
        title = str(title)
    record_id = _first_present(record, options.id_field, "id", FIELD_NAMES.id)
    kind = options.kind or _first_present(record, None, "kind", FIELD_NAMES.kind) or options.default_kind
    if kind not in get_args(Kind):
        raise _RecordProblem(f"field 'kind' is {kind!r}: use one of {', '.join(get_args(Kind))} (or give --kind)")
    platform = options.platform or _first_present(record, None, "platform", FIELD_NAMES.platform)
    context = _record_context(record, warnings if warnings is not None else [])
    document = Document(id=escape_surrogates(str(record_id)) if record_id is not None else fallback_id,
                        title=title or None, body=body, kind=kind,
                        platform=escape_surrogates(str(platform)) if platform is not None else None, **context)
    values = {"body": body}
    if title:
        values["title"] = title
    return document, values


def _start_batch(path: str, stream: BinaryIO) -> str | Skipped:
    """The encoding of a batch file, its byte-order mark read past; or why it is skipped."""
    try:
        codec, bom_length = sniff_stream_encoding(_peek(stream))
    except NotText as exc:
        return Skipped(path, str(exc))
    stream.read(bom_length)
    return codec


def read_jsonl(path: str, stream: BinaryIO, options: InputOptions) -> Iterator[Item]:
    """Stream a JSON Lines batch: one record a line; a bad line is skipped with its reason.

    A line longer than ``limits.max_record_bytes`` is skipped without being held in memory; a
    record nested deeper than ``max_json_depth`` or with an integer longer than ``max_int_digits``
    is skipped before Python's parser could fail on it.
    """
    codec = _start_batch(path, stream)
    if isinstance(codec, Skipped):
        yield codec
        return
    limits = options.limits
    if codec.startswith(("utf-16", "utf-32")):
        lines: Iterator[tuple[int, str | None, str]] = _text_lines(stream, codec, limits.max_record_bytes)
    else:
        lines = _byte_lines(stream, codec, limits.max_record_bytes)
    for number, line, problem in lines:
        if line is None:
            yield Skipped(path, problem, number)
            if problem.startswith("undecodable"):
                return
            continue
        if not line.strip():
            continue
        try:
            record = _parse_json_record(line, limits)
        except json.JSONDecodeError as exc:
            yield Skipped(path, f"invalid JSON: {exc.msg} (column {exc.colno})", number)
            continue
        except _RecordProblem as exc:
            yield Skipped(path, str(exc), number)
            continue
        if not isinstance(record, dict):
            yield Skipped(path, f"a record must be a JSON object, not {type(record).__name__}", number)
            continue
        warnings: list[str] = []
        try:
            document, values = record_document(record, options, f"{path}:{number}", warnings)
        except _RecordProblem as exc:
            yield Skipped(path, str(exc), number)
            continue
        except ValueError as exc:  # pydantic validation
            yield Skipped(path, f"not a document: {exc}", number)
            continue
        yield Unit(path=path, document=document, locator=RecordLocator(number, line, values), format="jsonl",
                   encoding=codec, record_line=number, warnings=tuple(warnings))


_JSON_NESTING_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_depth(line: str) -> int:
    """How deeply a JSON text nests arrays and objects (brackets inside strings do not count)."""
    depth = deepest = 0
    for token in _JSON_NESTING_TOKEN.finditer(line):
        char = token.group()
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _parse_json_record(line: str, limits: InputLimits) -> Any:
    """One JSONL record, within the depth and integer-size limits. Raises JSONDecodeError or _RecordProblem."""
    if line.count("[") + line.count("{") > limits.max_json_depth:
        depth = _json_depth(line)
        if depth > limits.max_json_depth:
            raise _RecordProblem(f"record nested {depth} levels deep, over the limit of {limits.max_json_depth}")

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > limits.max_int_digits:
            raise _RecordProblem(f"a number of {len(digits.lstrip('-')):,} digits, over the limit of "
                                 f"{limits.max_int_digits:,}")
        return int(digits)

    try:
        return json.loads(line, parse_int=parse_int)
    except RecursionError:
        raise _RecordProblem("record nested too deeply to read") from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # a float or number Python cannot represent
        raise _RecordProblem(f"invalid JSON: {exc}") from None


def _peek(stream: BinaryIO) -> bytes:
    if hasattr(stream, "peek"):
        return stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    raise TypeError("a buffered stream is needed")


def _too_long(limit: int) -> str:
    return f"record longer than the {_megabytes(limit)} limit for one record (limits.yaml input.max_record_bytes)"


def _byte_lines(stream: BinaryIO, codec: str, limit: int) -> Iterator[tuple[int, str | None, str]]:
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            _drain_line(stream)
            yield number, None, _too_long(limit)
            continue
        try:
            yield number, raw.decode(codec).rstrip("\r\n"), ""
        except UnicodeDecodeError as exc:
            yield number, None, f"not valid {codec.upper()} text ({exc.reason} at byte {exc.start} of the line)"


def _drain_line(stream: Any) -> None:
    """Read past the rest of an over-long line in pieces, never holding it whole."""
    while True:
        piece = stream.readline(1 << 20)
        if not piece or piece.endswith(b"\n" if isinstance(piece, bytes) else "\n"):
            return


def _text_lines(stream: BinaryIO, codec: str, limit: int) -> Iterator[tuple[int, str | None, str]]:
    reader = io.TextIOWrapper(stream, encoding=codec, errors="strict", newline=None)
    number = 0
    try:
        while True:
            line = reader.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) > limit and not line.endswith("\n"):
                _drain_line(reader)
                yield number, None, _too_long(limit)
                continue
            yield number, line.rstrip("\n"), ""
    except UnicodeDecodeError as exc:
        yield number + 1, None, f"undecodable {codec.upper()} ({exc.reason}); the rest of the file was skipped"
    finally:
        reader.detach()


class _CsvLines:
    """The physical lines of a CSV file for the csv module: counted, each at most ``limit``
    characters (a longer one is read past and noted, and the csv module sees an empty line)."""

    def __init__(self, text: io.TextIOWrapper, limit: int):
        self.text = text
        self.limit = limit
        self.number = 0
        self.too_long: list[int] = []

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > self.limit and not line.endswith(("\n", "\r")):
            _drain_line(self.text)
            self.too_long.append(self.number)
            return "\n"
        return line


# Bytes that the decoder could not read come through as these lone surrogates (errors="surrogateescape").
_UNDECODED = re.compile("[\udc80-\udcff]")


def read_csv(path: str, stream: BinaryIO, options: InputOptions, delimiter: str = ",") -> Iterator[Item]:
    """Stream a CSV/TSV batch with a header row. A bad row (malformed, too long, not valid text in
    the file's encoding, the wrong number of fields) is skipped with its reason and the rows after
    it are read."""
    codec = _start_batch(path, stream)
    if isinstance(codec, Skipped):
        yield codec
        return
    limit = options.limits.max_record_bytes
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)
    text = io.TextIOWrapper(stream, encoding=codec, errors="surrogateescape", newline="")
    lines = _CsvLines(text, limit)
    fmt: Format = "csv" if delimiter == "," else "tsv"
    try:
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            yield Skipped(path, f"cannot read the header row: {exc}")
            return
        if not header:
            return  # an empty file: nothing to check
        if lines.too_long or any(_UNDECODED.search(name) for name in header):
            yield Skipped(path, f"the header row is not valid {codec.upper()} text or is too long")
            return
        header = [name.strip() for name in header]
        if options.text_field is not None and options.text_field not in header:
            yield Skipped(path, f"no column {options.text_field!r} (columns: {', '.join(header)}); give --text-field")
            return
        if options.text_field is None and not any(name in header for name in TEXT_FIELD_CANDIDATES):
            yield Skipped(path, f"no text column: none of {', '.join(TEXT_FIELD_CANDIDATES)} "
                                f"(columns: {', '.join(header)}); give --text-field")
            return
        previous_end = lines.number
        while True:
            reported = len(lines.too_long)
            try:
                row = next(reader)
                error = None
            except StopIteration:
                row, error = None, None
            except csv.Error as exc:
                row, error = [], str(exc)
            number, previous_end = previous_end + 1, lines.number
            for line in lines.too_long[reported:]:
                yield Skipped(path, _too_long(limit), line)
            if row is None:
                return
            if error is not None:
                yield Skipped(path, f"malformed {fmt.upper()} row: {error}", number)
                continue
            if not row or (len(row) == 1 and not row[0] and number in lines.too_long):
                continue  # a blank line, or the stand-in for a line that was too long
            if any(_UNDECODED.search(value) for value in row):
                yield Skipped(path, f"row is not valid {codec.upper()} text (undecodable bytes)", number)
                continue
            if len(row) > len(header):
                yield Skipped(path, f"{len(row)} fields where the header has {len(header)}", number)
                continue
            record = dict(zip(header, row, strict=False))
            warnings: list[str] = []
            try:
                document, _ = record_document(record, options, f"{path}:{number}", warnings)
            except _RecordProblem as exc:
                yield Skipped(path, str(exc), number)
                continue
            except ValueError as exc:  # pydantic validation
                yield Skipped(path, f"not a document: {exc}", number)
                continue
            yield Unit(path=path, document=document, locator=RecordLocator(number), format=fmt,
                       encoding=codec, record_line=number, warnings=tuple(warnings))
    finally:
        text.detach()


# ---- walking paths -----------------------------------------------------------------------------

def format_of(path: str) -> Format:
    return FORMAT_BY_SUFFIX.get(os.path.splitext(path)[1].lower(), "txt")


def _resolve(path: Path) -> Path:
    """The path with symbolic links resolved; a loop of links (which cannot be) is left as given."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return path.absolute()


def display_path(path: Path) -> str:
    """The path as people see it: relative to the working directory when under it."""
    try:
        return _resolve(path).relative_to(_resolve(Path.cwd())).as_posix()
    except ValueError:
        return path.as_posix()


def _gitignore_spec(lines: Sequence[str]):
    """A ``.gitignore``-style matcher; pathspec (some 45 ms to import) is imported only when there are patterns."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


class _IgnoreRules:
    """``.gitignore``-style ignore files of a folder tree, each relative to its own folder."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._specs: dict[Path, Any] = {}

    def _spec(self, folder: Path):
        if folder not in self._specs:
            lines: list[str] = []
            for name in IGNORE_FILE_NAMES:
                candidate = folder / name
                if self.enabled and candidate.is_file():
                    lines.extend(candidate.read_text(encoding="utf-8", errors="replace").splitlines())
            self._specs[folder] = _gitignore_spec(lines) if lines else None
        return self._specs[folder]

    def ignored(self, path: Path, is_dir: bool, folders: Sequence[Path]) -> bool:
        """Whether any ignore file of ``folders`` (the path's ancestors, outermost first) ignores it."""
        if not self.enabled:
            return False
        for folder in folders:
            spec = self._spec(folder)
            if spec is None:
                continue
            relative = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            if spec.match_file(relative):
                return True
        return False


def _ancestor_ignore_folders(root: Path) -> list[Path]:
    """Folders above ``root`` up to its git work tree's top, whose ignore files apply to it."""
    resolved = _resolve(root)
    chain = [resolved]
    for parent in resolved.parents:
        if (chain[-1] / ".git").exists():
            break
        chain.append(parent)
    else:
        return [resolved]  # not inside a git work tree: only the root's own ignore files
    return list(reversed(chain))


def iter_paths(paths: Sequence[str], options: InputOptions) -> Iterator[tuple[str, Path | None]]:
    """(display path, file) for every file to read; ``-`` gives ("-", None)."""
    include = _gitignore_spec(options.include) if options.include else None
    exclude = _gitignore_spec(options.exclude) if options.exclude else None
    ignore = _IgnoreRules(options.use_ignore_files)
    seen: set[Path] = set()
    for given in paths:
        if given == "-":
            yield "-", None
            continue
        root = Path(given)
        if not root.is_dir():
            if exclude is not None and exclude.match_file(display_path(root)):
                continue
            if _resolve(root) not in seen:  # a file named twice, or named and inside a folder given
                seen.add(_resolve(root))
                yield display_path(root), root
            continue
        ancestors = _ancestor_ignore_folders(root)
        resolved_root = _resolve(root)
        for folder, dirnames, filenames in os.walk(root):
            folder_path = Path(folder)
            chain = ancestors + [resolved_root / p for p in _prefixes(folder_path.relative_to(root))]
            kept = []
            for name in sorted(dirnames):
                candidate = folder_path / name
                relative = candidate.relative_to(root).as_posix() + "/"
                if name in ALWAYS_SKIPPED_DIRS or (exclude is not None and exclude.match_file(relative)):
                    continue
                if ignore.ignored(_resolve(candidate), True, chain):
                    continue
                kept.append(name)
            dirnames[:] = kept
            for name in sorted(filenames):
                candidate = folder_path / name
                relative = candidate.relative_to(root).as_posix()
                if name in IGNORE_FILE_NAMES:
                    continue
                if include is not None:
                    if not include.match_file(relative):
                        continue
                elif os.path.splitext(name)[1].lower() not in FORMAT_BY_SUFFIX:
                    continue
                if exclude is not None and exclude.match_file(relative):
                    continue
                if ignore.ignored(_resolve(candidate), False, chain):
                    continue
                if _resolve(candidate) in seen:
                    continue
                seen.add(_resolve(candidate))
                yield display_path(candidate), candidate


def _prefixes(relative: Path) -> list[Path]:
    parts = relative.parts
    return [Path(*parts[: i + 1]) for i in range(len(parts))]


class ReadProgress:
    """How far reading has got, in bytes of the input files, for a progress bar."""

    def __init__(self) -> None:
        self.total_bytes: int | None = 0  # None when unknown (stdin)
        self.finished_bytes = 0
        self._stream: BinaryIO | None = None

    @property
    def fraction(self) -> float | None:
        if not self.total_bytes:
            return None
        done = self.finished_bytes
        if self._stream is not None:
            try:
                done += self._stream.tell()
            except (OSError, ValueError):  # closed, or not seekable
                pass
        return min(1.0, done / self.total_bytes)


def read_items(paths: Sequence[str], options: InputOptions, stdin: BinaryIO | None = None,
               progress: ReadProgress | None = None) -> Iterator[Item]:
    """Every document (or skipped file/record) of the given paths, in order, streaming.

    With ``progress``, the paths are listed first so that their total size is known.
    """
    listed: Iterable[tuple[str, Path | None]] = iter_paths(paths, options)
    if progress is not None:
        listed = list(listed)
        progress.total_bytes = None if any(path is None for _, path in listed) else sum(
            _size(path) for _, path in listed if path is not None)
    named = {Path(given) for given in paths if given != "-"}
    for shown, path in listed:
        if path is None:
            name = options.stdin_filename or "<stdin>"
            yield from _read_stream(name, format_of(options.stdin_filename or "stdin.txt"),
                                    stdin or sys.stdin.buffer, options)
            continue
        yield from read_file(escape_surrogates(shown), path, options, progress, named=path in named)
        if progress is not None:
            progress.finished_bytes += _size(path)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_file(shown: str, path: Path, options: InputOptions, progress: ReadProgress | None = None,
              named: bool = False) -> Iterator[Item]:
    """The documents of one file. A FIFO, socket or device met while walking a folder is skipped (reading
    it could block forever); one named on the command line (``<(command)``) is read."""
    fmt = format_of(path.name)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            if not (named and (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode))):
                yield Skipped(shown, f"not a regular file ({_file_type(info.st_mode)}): not read")
                return
        if fmt not in BATCH_FORMATS and stat.S_ISREG(info.st_mode):
            size = info.st_size
            if size > options.max_file_size:
                yield Skipped(shown, f"file is {_megabytes(size)}, over the {_megabytes(options.max_file_size)} limit "
                                     f"for one document (raise it with --max-file-size)")
                return
        with open(path, "rb") as stream:
            if progress is not None:
                progress._stream = stream
            try:
                yield from _read_stream(shown, fmt, stream, options)
            finally:
                if progress is not None:
                    progress._stream = None
    except IsADirectoryError:
        yield Skipped(shown, "is a directory")
    except OSError as exc:
        yield Skipped(shown, f"cannot read: {exc.strerror or exc}")


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a file"


def _read_stream(shown: str, fmt: Format, stream: BinaryIO, options: InputOptions) -> Iterator[Item]:
    if fmt in BATCH_FORMATS:
        buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
        if fmt == "jsonl":
            yield from read_jsonl(shown, buffered, options)
        else:
            yield from read_csv(shown, buffered, options, delimiter="," if fmt == "csv" else "\t")
        return
    data = stream.read(options.max_file_size + 1)
    if len(data) > options.max_file_size:
        yield Skipped(shown, f"input is over the {_megabytes(options.max_file_size)} limit for one document "
                             f"(raise it with --max-file-size)")
        return
    yield read_text_document(shown, data, fmt, options)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
