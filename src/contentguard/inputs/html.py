"""HTML: the visible text of a page, every character mapped back to its source offset."""

from __future__ import annotations

import html
import re
from array import array
from dataclasses import dataclass, field


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
