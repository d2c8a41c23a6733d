"""Positions: how a finding's field offsets become 1-based line and column of the source file."""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol


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
