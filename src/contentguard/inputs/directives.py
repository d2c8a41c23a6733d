"""Inline ``contentguard: ignore`` directives in a source file."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .positions import SourceText
from .units import Directive

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
