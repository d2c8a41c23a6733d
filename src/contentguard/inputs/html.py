"""HTML: the visible text of a page, every character mapped back to its source offset.

The tokenizer is the standard library's :class:`html.parser.HTMLParser` (kept up to date with
CPython's security fixes, tolerant of real-world markup: quoted ``>`` in attributes, ``</script>``
inside strings, charrefs without ``;``). It runs with ``convert_charrefs=False``, so every piece of
text and every entity or character reference comes as its own event, and ``getpos()`` (line and
column) gives where it starts in the source; line starts turn that into an absolute offset.
What the parser does not give is kept here: where an attribute's value sits inside its tag, and
what a page shows (which elements hide their content, break a line or publish a title).

Guards stay, for what the parser does badly on CPython releases without the fix for CVE-2025-6069
(3.13.5 and its backports; measured here on 3.10.13, 3.11.7, 3.12.1 and 3.13.0) and differently
with it. It is quadratic on markup left open: a tag at the end of the page (``"<a " * 20000``
takes two minutes on 3.11.7), a comment never closed (``"<!--a>" * 20000``), a ``<![`` section
never closed; ``_markupbase`` raises AssertionError on ``<![`` without a keyword; and an ``&#``
that starts no character reference, with no ``;`` after it, turns the rest of the page (tags and
scripts included) into text. So: nothing after the page's last ``>`` can be complete markup, and
from the first ``<`` that starts markup there the text is taken as it is (parsers would drop it or
take minutes); a ``<!--`` after the last ``-->`` is a comment running to the end of the page,
checked as comments are; and the parser is given a copy of the page, of the same length, in which
``<![`` reads ``<!x`` (a bogus comment up to the next ``>``, as browsers read it outside SVG and
MathML; not shown, not checked) and a broken ``&#`` reads ``_#`` (text). Linear time is tested on each of these.
"""

from __future__ import annotations

import html
import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ExtractedHtml:
    """The visible text of an HTML page, each character with its source span."""

    title: str = ""
    title_starts: array = field(default_factory=lambda: array("q"))
    title_ends: array = field(default_factory=lambda: array("q"))
    body: str = ""
    body_starts: array = field(default_factory=lambda: array("q"))
    body_ends: array = field(default_factory=lambda: array("q"))


# A tag's name as the parser reads it (after the `<`), and its attributes with their values' spans.
_RAW_TAG_NAME = re.compile(r"</?[^\t\n\r\f />\x00]*")
_ATTRIBUTE = re.compile(r"""(?P<name>[^\s=/>"']+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>"']+)))?""")
# Where markup would start: after the page's last `>` such a start is never complete.
# What the parser is given otherwise (same length): `<![` (AssertionError in _markupbase before 3.13) and
# `&#` that is no complete character reference (before 3.13.5 the rest of the page then became text).
_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[a-zA-Z][a-zA-Z0-9]*;?)")
_TEXT_OR_REFERENCE = re.compile(r"(?P<ref>&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[a-zA-Z][a-zA-Z0-9]*;?))|[^&]+|&")
_PARSER_TRAPS = re.compile(r"<!\[|&#(?![0-9]+(?:[^0-9a-fA-F]|$)|[xX][0-9a-fA-F]+(?:[^0-9a-fA-F]|$))")
_MARKUP_START = re.compile(r"<[a-zA-Z!?/]")
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


class _Extractor(HTMLParser):
    """Collects the visible text from the parser's events, each character with its source span.

    Text always comes from ``source`` at the offsets the events start at; the parser reads ``parsed``,
    a copy of the same length in which ``<![`` reads ``<!x`` and a broken ``&#`` reads ``_#`` (see the module).
    """

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.parsed = _PARSER_TRAPS.sub(lambda trap: "<!x" if trap.group() == "<![" else "_#", source)
        # HTMLParser counts lines at "\n" only and columns in characters from the line's start.
        self.line_starts = array("q", [0])
        self.line_starts.extend(match.end() for match in re.finditer("\n", source))
        self.base = self.base_line = 0  # where the chunk being parsed starts, and its line
        self.limit = len(source)  # where it ends
        self.out = ExtractedHtml()
        self.body_chars: list[str] = []
        self.title_chars: list[str] = []
        self.og_title: tuple[str, int, int] | None = None
        self.in_head = False
        self.in_title = False
        self.hidden: str | None = None  # the element (script, style …) whose content is being skipped
        self.hidden_depth = 0

    def run(self, start: int, end: int) -> None:
        """Parse ``source[start:end]``, a stretch that holds no markup left open at its end.

        A space is fed after it, so that a reference at its very end (``&copy``) is complete;
        text from ``end`` on is not this stretch's and is dropped.
        """
        self.reset()
        self.base, self.base_line, self.limit = start, bisect_right(self.line_starts, start) - 1, end
        try:
            self.feed(self.parsed[start:end] + " ")
            self.close()
        except AssertionError:  # pragma: no cover - _markupbase's asserts on `<![`, which `parsed` has not
            at = self.source_offset()
            if self.hidden is None and at < end:
                self.emit(self.source[at:end].translate(_HTML_WHITESPACE), at, end, per_char=True)

    def source_offset(self) -> int:
        """Where the event being handled starts in the source."""
        line, column = self.getpos()
        if line == 1:
            return self.base + column
        return self.line_starts[self.base_line + line - 1] + column

    # ---- output ---------------------------------------------------------------------------------

    def emit(self, text: str, start: int, end: int, per_char: bool, published: bool = False) -> None:
        out = self.out
        if self.in_title and not published:
            chars, starts, ends = self.title_chars, out.title_starts, out.title_ends
        elif self.in_head and not published:
            return
        else:
            chars, starts, ends = self.body_chars, out.body_starts, out.body_ends
        chars.append(text)
        if per_char:  # a run of source text: one source character per character
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
        else:  # an entity or a break: every character comes from the whole span
            starts.extend([start] * len(text))
            ends.extend([end] * len(text))

    def emit_published(self, value: str, start: int, end: int) -> None:
        """A piece of published text outside the flow (an attribute, a comment) on a line of its own."""
        decoded = html.unescape(value).translate(_HTML_WHITESPACE)
        if not decoded.strip():
            return
        self.emit("\n", start, start, per_char=False, published=True)
        self.emit(decoded, start, end, per_char=decoded == value, published=True)
        self.emit("\n", end, end, per_char=False, published=True)

    # ---- parser events --------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.hidden is not None:
            return
        start = self.source_offset()
        end = min(start + len(data), self.limit)
        if "&" not in self.source[start:end]:
            if start < end:
                self.emit(self.source[start:end].translate(_HTML_WHITESPACE), start, end, per_char=True)
            return
        # References the parser passed on as text (newer parsers read <title> as RCDATA): decoded here.
        for piece in _TEXT_OR_REFERENCE.finditer(self.source, start, end):
            raw = piece.group()
            decoded = html.unescape(raw).translate(_HTML_WHITESPACE) if piece.lastgroup == "ref" else None
            if decoded is None or decoded == raw:
                self.emit(raw.translate(_HTML_WHITESPACE), piece.start(), piece.end(), per_char=True)
            else:
                self.emit(decoded, piece.start(), piece.end(), per_char=False)

    def handle_entityref(self, name: str) -> None:
        self.reference("&" + name)

    def handle_charref(self, name: str) -> None:
        self.reference("&#" + name)

    def reference(self, opener: str) -> None:
        """An entity or character reference: decoded, every character mapped to the reference's span.

        The parser's names run on over ``-`` and ``.`` (``&amp--`` from ``&amp-->``): the reference is
        what HTML reads as one, and the rest is text."""
        if self.hidden is not None:
            return
        start = self.source_offset()
        end = min(start + len(opener), self.limit)
        if self.source.startswith(";", end) and end < self.limit:
            end += 1
        reference = _REFERENCE.match(self.source, start, end)
        cut = reference.end() if reference else end
        raw = self.source[start:cut]
        decoded = html.unescape(raw).translate(_HTML_WHITESPACE)
        self.emit(decoded, start, cut, per_char=decoded == raw)
        if cut < end:
            self.emit(self.source[cut:end].translate(_HTML_WHITESPACE), cut, end, per_char=True)

    def handle_comment(self, data: str) -> None:
        # Readers see comments in the page source, so they are checked; a comment holding a contentguard
        # directive is not content. Bogus comments (`<!x …>`, `<![CDATA[ … ]]>` and, to newer parsers,
        # `</ p>`) are declarations nobody reads: left out.
        if self.hidden is not None:
            return
        start = self.source_offset()
        if not self.source.startswith("<!--", start):
            return
        content = start + 4
        end = min(content + len(data), self.limit)
        text = self.source[content:end]
        if "contentguard:" not in text:
            self.emit_published(text, content, end)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag(tag, closing=False, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag(tag, closing=False, self_closing=True)

    def handle_endtag(self, tag: str) -> None:
        self.tag(tag, closing=True, self_closing=False)

    def tag(self, tag: str, closing: bool, self_closing: bool) -> None:
        start = self.source_offset()
        raw = None if closing else self.get_starttag_text()
        if raw is not None:
            end = start + len(raw)
        else:
            close = self.source.find(">", start, self.limit)
            end = close + 1 if close >= 0 else self.limit
        if self.hidden is not None:
            if tag == self.hidden and not self_closing:
                self.hidden_depth += -1 if closing else 1
                if self.hidden_depth == 0:
                    self.hidden = None
            return
        if tag in _RAW_TEXT_TAGS and not closing and not self_closing:
            self.hidden, self.hidden_depth = tag, 1
            return
        if tag == "head":
            self.in_head = not closing
        elif tag == "body" and not closing:
            self.in_head = False
        elif tag == "title":
            self.in_title = not closing
            return
        if raw is not None:
            self.attributes(tag, start, end)
        if tag in _BLOCK_TAGS and not self.in_title:
            self.emit("\n", start, end, per_char=False)

    def attributes(self, tag: str, start: int, end: int) -> None:
        """The published attribute values of the start tag at ``source[start:end]``, located in it."""
        name = _RAW_TAG_NAME.match(self.source, start, end)
        assert name is not None  # a start tag begins with `<`
        attrs_start = name.end()
        attrs = self.source[attrs_start:end].removesuffix(">")
        if not attrs.strip():
            return
        values: dict[str, tuple[str, int, int]] = {}
        for attribute in _ATTRIBUTE.finditer(attrs):
            group = next((g for g in ("dq", "sq", "bare") if attribute.group(g) is not None), None)
            if group is not None:
                values.setdefault(attribute.group("name").lower(), (
                    attribute.group(group), attrs_start + attribute.start(group), attrs_start + attribute.end(group)))
        if tag == "meta":
            if "content" in values:
                kind = (values.get("property") or values.get("name") or ("", 0, 0))[0].strip().lower()
                if kind in _META_TITLE and self.og_title is None:
                    self.og_title = values["content"]
                elif kind in _META_PUBLISHED:
                    self.emit_published(*values["content"])
            return
        for attribute_name in _TEXT_ATTRIBUTES:
            if attribute_name in values:
                self.emit_published(*values[attribute_name])


def extract_html(source: str) -> ExtractedHtml:
    """Everything a reader of a page or fragment (a WeChat/CMS article) sees, with offsets back into ``source``.

    Tags are dropped; inline tags join their text (``最<b>好</b>`` reads 最好) and block tags
    break it; entities are decoded; scripts, styles and templates are left out. The page's
    ``<title>`` (or its ``og:title``) is the title. Published text outside the visible flow is
    checked with the body, each piece on a line of its own: ``<meta name="description">`` and
    ``og:description`` (the digest a shared link shows), ``alt``, ``title`` and ``aria-label``
    attributes, text drawn in ``<svg>`` and ``<math>``, and comments (readers see them in the page
    source; a comment holding a ``contentguard:`` directive is not content). Markup left open at
    the end of the page is checked as the text it is. Linear in the size of the page.
    """
    parser = _Extractor(source)
    length = len(source)
    # Guards (see the module's docstring): nothing after the last `>` is complete markup, and a `<!--`
    # after the last `-->` is a comment never closed; the parser sees neither.
    last_close = source.rfind(">")
    open_markup = _MARKUP_START.search(source, last_close + 1)
    tail = open_markup.start() if open_markup else length
    last_comment_end = source.rfind("-->")
    position = 0
    while True:
        unclosed = source.find("<!--", max(position, last_comment_end + 3 if last_comment_end >= 0 else 0))
        stop = unclosed if 0 <= unclosed <= tail and unclosed < length else tail
        parser.run(position, stop)
        if stop == tail and stop != unclosed:
            break
        if parser.hidden is not None:
            # The `<!--` is text inside a script or style: go on after the element's end tag.
            close = re.compile(rf"</{re.escape(parser.hidden)}\s*>", re.I).search(source, stop + 4)
            if close is None:
                return _finish(parser)
            parser.hidden, parser.hidden_depth, position = None, 0, close.end()
            continue
        # A comment never closed runs to the end of the page: checked like any comment.
        if "contentguard:" not in source[stop + 4:]:
            parser.emit_published(source[stop + 4:], stop + 4, length)
        return _finish(parser)
    if tail < length and parser.hidden is None and not source.startswith(("<!", "<?"), tail):
        # A tag never closed: a browser would hide the rest, but it is checked as the text it is.
        parser.emit(source[tail:].translate(_HTML_WHITESPACE), tail, length, per_char=True)
    return _finish(parser)


def _finish(parser: _Extractor) -> ExtractedHtml:
    """The title (or og:title) and the body, with their maps, from what the parser collected."""
    out = parser.out
    title_chars = parser.title_chars
    og_title = parser.og_title
    title_text = "".join(title_chars).strip()
    if title_text and og_title is not None and html.unescape(og_title[0]).strip() != title_text:
        parser.emit_published(*og_title)  # a shared link shows og:title: checked too when it differs from <title>
    out.body = "".join(parser.body_chars)
    out.title = title_text
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
