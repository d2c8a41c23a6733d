"""Readers of one text document: .txt, .md (front matter) and .html."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..config.limits import InputLimits, default_limits
from ..document import Document
from .directives import _HTML_COMMENT, _blank, parse_directives
from .encodings import decode_bytes
from .options import Format, InputOptions
from .positions import OffsetMap, ShiftedMap, SourceText, TableMap, TextLocator
from .units import Item, NotText, Skipped, Unit


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
        from .html import extract_html  # here: html.parser and its tables only for HTML files (#13)

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

    from ..config.yamlio import load_yaml

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
