"""Baselines: the accepted findings of existing content, so that only new findings fail a check.

Like detect-secrets' baseline, a finding is recorded by a fingerprint of its content — the rule
id, the finding's text normalized, and a few characters of context on each side — never by its
line, so editing elsewhere in a file, moving text or renaming the file keeps it accepted, while the
same words written anew somewhere else (other context) are new. The file stores no finding text:
a phone number accepted in a baseline does not end up copied into the repository.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ConfigError
from ..report import Finding

BASELINE_FORMAT = "contentguard-baseline"
DEFAULT_BASELINE_FILE = ".contentguard-baseline.json"
# Characters of context on each side that go into a fingerprint: enough to tell two uses of a
# word apart, few enough that an edit nearby does not make an accepted finding new.
CONTEXT_CHARS = 6


class BaselineEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    fingerprint: str
    rule_id: str
    # Where the finding was when the baseline was made: for people reading the file, not matching.
    path: str
    line: int | None = None


class Baseline(BaseModel):
    """The baseline file (JSON)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["contentguard-baseline"] = BASELINE_FORMAT
    version: Literal[1] = 1
    generated_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))
    ruleset_version: str = ""
    ruleset_hash: str = ""
    entries: list[BaselineEntry] = Field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Baseline:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: baseline file not found (make one with `contentguard baseline create`)") \
                from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the baseline file: {exc}") from None
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the file"
            raise ConfigError(f"{path}: not a contentguard baseline ({where}: {first['msg']})") from None

    def write(self, path: Path) -> None:
        self.entries.sort(key=lambda e: (e.path, e.line or 0, e.rule_id, e.fingerprint))
        path.write_text(self.model_dump_json(indent=2) + "\n", encoding="utf-8")

    def matcher(self) -> BaselineMatcher:
        return BaselineMatcher(Counter(entry.fingerprint for entry in self.entries))


class BaselineMatcher:
    """Accepts each recorded fingerprint as many times as the baseline holds it: a sentence that
    was accepted once and is now pasted a second time gives one new finding."""

    def __init__(self, remaining: Counter[str]):
        self._remaining = remaining

    def accept(self, fingerprint: str) -> bool:
        if self._remaining[fingerprint] > 0:
            self._remaining[fingerprint] -= 1
            return True
        return False


def _normalize(text: str) -> str:
    """Width, case and whitespace do not change what a finding is."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def fingerprint(finding: Finding, field_text: str) -> str:
    """The content hash of a finding: rule id, normalized text, a little normalized context.

    The context stays on the finding's own line, so that editing the lines around it does not
    turn an accepted finding into a new one.
    """
    line_start = field_text.rfind("\n", 0, finding.start) + 1
    line_end = field_text.find("\n", finding.end)
    line_end = len(field_text) if line_end < 0 else line_end
    window = 3 * CONTEXT_CHARS  # raw characters read to get CONTEXT_CHARS once whitespace is gone
    before = _normalize(field_text[max(line_start, finding.start - window):finding.start])[-CONTEXT_CHARS:]
    after = _normalize(field_text[finding.end:min(line_end, finding.end + window)])[:CONTEXT_CHARS]
    material = "\x1f".join((finding.rule_id, finding.field, _normalize(finding.text), before, after))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
