"""What reading yields: a Unit (a document and where it came from) or a Skipped with its reason."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from ..document import Document
from .options import Format
from .positions import Locator, SourceText


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
