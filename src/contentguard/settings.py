"""Ruleset-wide settings read from ``rules/ruleset.yaml``: what counts as noise, hard breaks,
time limits and the tokenizer window. Data, not code: a company may ship its own file."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .yamlio import load_yaml


class NormalizationSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # A regex (regex module, V1 syntax) for one character that may be skipped inside a term.
    noise: str
    # A regex for one character that ends a clause: terms never match across it and
    # "clause" context windows stop at it.
    hard_breaks: str
    # A regex for one character that ends a sentence: "sentence" context windows stop at it.
    sentence_ends: str = r"[。!?;\n]"

    @field_validator("noise", "hard_breaks", "sentence_ends")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            regex.compile(value, regex.V1)
        except regex.error as exc:
            raise ValueError(f"invalid regex {value!r}: {exc}") from exc
        return value

    @cached_property
    def noise_regex(self) -> regex.Pattern:
        return regex.compile(f"(?:{self.noise})+", regex.V1)

    @cached_property
    def hard_break_regex(self) -> regex.Pattern:
        return regex.compile(self.hard_breaks, regex.V1)

    @cached_property
    def sentence_end_regex(self) -> regex.Pattern:
        return regex.compile(self.sentence_ends, regex.V1)

    def __getstate__(self):  # compiled patterns are rebuilt on demand after unpickling
        state = super().__getstate__()
        state["__dict__"] = {k: v for k, v in state["__dict__"].items()
                             if k not in ("noise_regex", "hard_break_regex", "sentence_end_regex")}
        return state


class MatchSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Upper bound on one pattern's search of one field, so a bad pattern cannot hang a scan.
    pattern_timeout_seconds: float = Field(0.25, gt=0)
    # Characters of context on each side of a hit that the word segmenter sees.
    token_window: int = Field(16, ge=2, le=200)


class ScoreSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # The sentiment model reads at most this many characters of a body: it was trained on posts,
    # comments and reviews, and a book-length text would only cost time and memory.
    sentiment_max_chars: int = Field(2000, ge=1)


class RulesetSettings(BaseModel):
    """The manifest ``rules/ruleset.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    normalization: NormalizationSettings
    matching: MatchSettings = MatchSettings()
    scoring: ScoreSettings = ScoreSettings()
    risk_matrix: str = "risk_matrix.yaml"

    @classmethod
    def from_file(cls, path: Path) -> RulesetSettings:
        from .errors import PackError

        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise PackError(f"{path}: cannot read ruleset manifest: {exc}") from exc
        try:
            return cls.model_validate(data)
        except Exception as exc:  # pydantic.ValidationError, with field names
            raise PackError(f"{path}: invalid ruleset manifest: {exc}") from exc
