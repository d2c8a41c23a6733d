"""Resource limits, read from ``rules/limits.yaml``: data, not numbers scattered through the code.

Every limit turns an input that would exhaust memory or time into a clear error for that file,
record or rule; the rest of a batch goes on. docs/cli.md ("Resource limits") lists them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..errors import ConfigError
from .resources import data_dir

LIMITS_FILE = "limits.yaml"


class InputLimits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_file_bytes: int = Field(10 * 1024 * 1024, ge=1)
    max_record_bytes: int = Field(10 * 1024 * 1024, ge=1)
    max_json_depth: int = Field(100, ge=1)
    max_int_digits: int = Field(4300, ge=1)
    max_front_matter_bytes: int = Field(64 * 1024, ge=1)
    max_yaml_aliases: int = Field(50, ge=0)


class WorkerLimits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_workers: int = Field(32, ge=1)
    chunk_retries: int = Field(1, ge=0)
    # A chunk sent to a worker ends at this many documents or characters, whichever comes first.
    chunk_documents: int = Field(256, ge=1)
    chunk_characters: int = Field(50_000, ge=1)

    def cap(self, requested: int) -> int:
        """The number of workers actually started for ``requested`` (0: one per core)."""
        cores = os.cpu_count() or 1
        wanted = cores if requested == 0 else requested
        return max(1, min(wanted, self.max_workers, 2 * cores))


class PatternLimits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_pattern_length: int = Field(4000, ge=1)
    max_pattern_expansion: int = Field(20000, ge=1)


class ContextLimits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_clause_chars: int = Field(100, ge=1)


class Limits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    input: InputLimits = InputLimits()
    workers: WorkerLimits = WorkerLimits()
    patterns: PatternLimits = PatternLimits()
    context: ContextLimits = ContextLimits()

    @classmethod
    def from_file(cls, path: Path) -> Limits:
        from .yamlio import read_settings_file

        return read_settings_file(cls, path, "limits", ConfigError)


@lru_cache(maxsize=1)
def default_limits() -> Limits:
    """The shipped limits (``rules/limits.yaml``), read once per process."""
    path = data_dir("rules") / LIMITS_FILE
    return Limits.from_file(path) if path.is_file() else Limits()


def pattern_expansion(pattern: str) -> int:
    """An estimate of a regular expression's size with its counted repeats written out.

    ``(?:x{600}){600}`` is 360,000: the regex module builds a program about that big, and a
    pattern a thousand times bigger takes gigabytes. One pass over the pattern: every atom
    weighs 1, a group the sum of its parts, and ``{m}`` / ``{m,n}`` multiply what they repeat.
    """
    stack: list[int] = [0]
    last = 0  # weight of the atom or group just read, which a quantifier repeats
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            last = 1
            stack[-1] += 1
            continue
        if ch == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            last = 1
            stack[-1] += 1
            continue
        if ch == "(":
            stack.append(0)
            i += 1
            last = 0
            continue
        if ch == ")":
            inner = stack.pop() if len(stack) > 1 else 0
            last = inner
            stack[-1] += inner
            i += 1
            continue
        if ch == "{":
            j = pattern.find("}", i)
            body = pattern[i + 1:j] if j > 0 else ""
            parts = body.split(",")
            if j > 0 and len(parts) <= 2 and all(p.strip().isdigit() or p.strip() == "" for p in parts) \
                    and parts[0].strip():
                count = max(int(p) for p in parts if p.strip())
                stack[-1] += last * (count - 1)
                last *= count
                i = j + 1
                continue
        if ch in "|*+?":
            i += 1
            continue
        last = 1
        stack[-1] += 1
        i += 1
    return sum(stack)
