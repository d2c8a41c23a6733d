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

Modules, lowest first: ``options`` (formats, field names, options), ``positions`` (offsets to line and
column), ``units`` (what reading yields), ``encodings``, ``directives``, ``html``, ``text`` (one document),
``records`` (.jsonl/.csv batches) and ``paths`` (files, folders, stdin).
"""

from typing import Any

from .encodings import decode_bytes
from .options import InputOptions
from .paths import ReadProgress, read_items
from .text import read_text_document
from .units import Item, NotText, Skipped, Unit

__all__ = ["InputOptions", "Item", "NotText", "ReadProgress", "Skipped", "Unit", "decode_bytes", "extract_html",
           "read_items", "read_text_document"]


def __getattr__(name: str) -> Any:
    """``extract_html`` on first use: the HTML reader's imports (html.parser, html.entities) are only for
    HTML files, not for the .md or .txt a pre-commit hook checks (#13)."""
    if name == "extract_html":
        from .html import extract_html

        return extract_html
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
