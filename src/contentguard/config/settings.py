"""Ruleset-wide settings read from ``rules/ruleset.yaml``: what counts as noise, hard breaks,
time limits and the tokenizer window. Data, not code: a company may ship its own file."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .resources import data_dir
from .yamlio import read_settings_file

View = Literal["pinyin", "homophone", "lookalike"]


class NormalizationSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # A regex (regex module, V1 syntax) for one character that may be skipped inside a term.
    noise: str
    # A regex for one character that is noise only between two CJK characters (狗+东西), with noise
    # or more of them between; elsewhere it means something (C++, +86, ¥99, 50%).
    noise_between_cjk: str | None = None
    # Number styles (lexicons/obfuscation/numbers.tsv): the file, and its content as read by
    # RulesetSettings.from_file (kept in the settings so that the ruleset hash covers it).
    number_styles: str | None = None
    number_key_map: dict[str, str] = {}
    number_fold_map: dict[str, str] = {}
    # Collapse runs of one repeated letter or CJK character (ffffuuuucccckkk → fuck) in the matching
    # view, for terms and text alike; off by default (a run of min_run or more collapses to one).
    collapse_repeats: bool = False
    repeat_min_run: int = Field(3, ge=2)
    # A regex for one character that ends a clause: terms never match across it and
    # "clause" context windows stop at it.
    hard_breaks: str
    # A regex for one character that ends a sentence: "sentence" context windows stop at it.
    sentence_ends: str = r"[。!?;\n]"

    @field_validator("noise", "hard_breaks", "sentence_ends", "noise_between_cjk")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            regex.compile(value, regex.V1)
        except regex.error as exc:
            raise ValueError(f"invalid regex {value!r}: {exc}") from exc
        return value

    @field_validator("number_key_map")
    @classmethod
    def _one_for_one(cls, value: dict[str, str]) -> dict[str, str]:
        for source, target in value.items():
            if len(source) != 1 or len(target) != 1:
                raise ValueError(f"number style {source!r} → {target!r}: the matching view maps one character to one")
        return value

    @cached_property
    def noise_regex(self) -> regex.Pattern:
        if not self.noise_between_cjk:
            return regex.compile(f"(?:{self.noise})+", regex.V1)
        # The CJK-only character first, so the lookarounds run only where one stands.
        skip = f"(?:{self.noise}|{self.noise_between_cjk})"
        between = (f"(?:{self.noise_between_cjk})(?<=\\p{{Han}}{skip}*)(?={skip}*\\p{{Han}})")
        return regex.compile(f"(?:{self.noise}|{between})+", regex.V1)

    @cached_property
    def fold_table(self) -> dict[int, str]:
        """Per-character folding (NFKC, case folding) with the number styles of stage 'fold'."""
        from ..engine.normalize import fold_table

        return fold_table(self.number_fold_map)

    @cached_property
    def key_regex(self) -> regex.Pattern | None:
        """One number-style character of the matching view (None: no styles). A regex with a
        replacement per hit is twice as fast as ``str.translate`` with a dict on CJK text."""
        if not self.number_key_map:
            return None
        return regex.compile("[" + "".join(regex.escape(c) for c in sorted(self.number_key_map)) + "]")

    @cached_property
    def key_replacement(self):
        number_map = self.number_key_map
        return lambda match: number_map[match.group()]

    @cached_property
    def repeat_regex(self) -> regex.Pattern:
        return regex.compile(f"(\\p{{L}})\\1{{{self.repeat_min_run - 1},}}", regex.V1)

    @cached_property
    def hard_break_regex(self) -> regex.Pattern:
        return regex.compile(self.hard_breaks, regex.V1)

    @cached_property
    def sentence_end_regex(self) -> regex.Pattern:
        return regex.compile(self.sentence_ends, regex.V1)

    def __getstate__(self):  # compiled patterns are rebuilt on demand after unpickling
        state = super().__getstate__()
        state["__dict__"] = {k: v for k, v in state["__dict__"].items()
                             if k not in ("noise_regex", "hard_break_regex", "sentence_end_regex", "fold_table",
                                          "key_regex", "key_replacement", "repeat_regex")}
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


class PinyinSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # A spelling all in Latin letters (duchang, shabi) needs this many letters: short ones are
    # other words too (dama is 大妈 as much as 大麻).
    min_letters_alone: int = Field(5, ge=2)
    # Terms of this many CJK characters or more also match their initials (nmsl).
    initials_min_chars: int = Field(4, ge=2)
    # A spelling that mixes pinyin and characters needs at least this many Latin letters.
    min_letters_mixed: int = Field(2, ge=1)


class ViewSettings(BaseModel):
    """What the opt-in views of lexicon terms (``views: [pinyin, homophone, lookalike]``) generate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Tables under lexicons/ (lexicons/obfuscation/*.tsv): ``canonical<TAB>variant<TAB>options``.
    homophones: str | None = None
    lookalikes: str | None = None
    # Their rows as read by RulesetSettings.from_file: (canonical, variant, options).
    homophone_rows: tuple[tuple[str, str, str], ...] = ()
    lookalike_rows: tuple[tuple[str, str, str], ...] = ()
    pinyin: PinyinSettings = PinyinSettings()
    # At most this many spellings are substituted in one generated variant (jia v: two).
    max_substitutions: int = Field(2, ge=1, le=4)
    # At most this many variants of one term (the fewest substitutions first).
    max_variants_per_term: int = Field(64, ge=1)


class RulesetSettings(BaseModel):
    """The manifest ``rules/ruleset.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    normalization: NormalizationSettings
    matching: MatchSettings = MatchSettings()
    scoring: ScoreSettings = ScoreSettings()
    views: ViewSettings = ViewSettings()
    risk_matrix: str = "risk_matrix.yaml"

    @classmethod
    def from_file(cls, path: Path) -> RulesetSettings:
        from ..errors import PackError

        return read_settings_file(cls, path, "ruleset manifest", PackError)._with_tables(path)

    def _with_tables(self, path: Path) -> RulesetSettings:
        """The settings with the obfuscation tables they name read in (lexicons/ beside rules/, then shipped)."""
        from ..errors import PackError

        norm, views = self.normalization, self.views
        folders = [path.parent.parent / "lexicons"]
        try:
            folders.append(data_dir("lexicons"))
        except FileNotFoundError:
            pass
        if norm.number_styles:
            key_map, fold_map = {}, {}
            rows = _read_table(norm.number_styles, folders, path, "normalization.number_styles")
            for number, characters, stage in rows:
                if stage not in ("key", "fold"):
                    raise PackError(f"{path}: normalization.number_styles: stage {stage!r} of {number!r} is not "
                                    f"'key' or 'fold'")
                for character in characters:
                    (key_map if stage == "key" else fold_map)[character] = number
            try:
                norm = NormalizationSettings.model_validate({**norm.model_dump(), "number_key_map": key_map,
                                                             "number_fold_map": fold_map})
            except Exception as exc:
                raise PackError(f"{path}: normalization.number_styles: {exc}") from exc
        update = {}
        for name in ("homophones", "lookalikes"):
            table = getattr(views, name)
            if table:
                rows = _read_table(table, folders, path, f"views.{name}")
                update[f"{name[:-1]}_rows"] = tuple(rows)
        if update:
            views = views.model_copy(update=update)
        return self.model_copy(update={"normalization": norm, "views": views})


def _read_table(name: str, folders: list[Path], origin: Path, key: str) -> list[tuple[str, str, str]]:
    """Rows of a tab-separated table: two or three columns, '#' comments and blank lines skipped."""
    from ..errors import PackError

    candidate = Path(name)
    paths = [candidate] if candidate.is_absolute() else [folder / candidate for folder in folders]
    path = next((p for p in paths if p.is_file()), None)
    if path is None:
        raise PackError(f"{origin}: {key}: table {name!r} not found (looked in "
                        f"{', '.join(str(p.parent) for p in paths)})")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split("\t")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise PackError(f"{path}:{number}: expected 'value<TAB>variants[<TAB>options]', got {line!r}")
        rows.append((parts[0], parts[1], parts[2] if len(parts) == 3 else ""))
    return rows
