"""Rule packs, schema: the pydantic models of a pack file and its rules (part of stage 3, match).

A pack is YAML owned by the compliance team; :mod:`contentguard.packs.load` reads it and these models
validate it. Loaded packs are immutable data.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..config.settings import View
from ..document import Kind
from ..engine.compilecache import cached
from .validators import VALIDATORS

Scope = Literal["title", "body", "comment"]
ALL_SCOPES: tuple[Scope, ...] = ("title", "body", "comment")
# Whose words a rule judges: the company's own voice (posts, titles, its replies, staff posts), the
# public's (comments, reviews, mentions), or "advertiser": a public document that is itself an
# advertisement (it carries a finding of a category named in rules/context.yaml, e.g. spam), whose
# author the Advertising Law binds like any advertiser.
RuleVoice = Literal["company", "public", "press", "advertiser"]
ALL_VOICES: tuple[RuleVoice, ...] = ("company", "public", "press")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Term(_Model):
    """One lexicon entry. ``suggestion`` and ``note`` override the rule's for this term;
    ``replacement`` is the words that can stand in its place as written (最好用 → 很好用), which
    ``contentguard fix`` applies — a suggestion is advice for a person, a replacement a rewrite."""

    term: str = Field(min_length=1)
    suggestion: str | None = None
    note: str | None = None
    replacement: str | None = None


class Examples(_Model):
    """Texts the rule must fire on and texts it must not: run by the tests and `test-rules`.

    A string example is checked in the rule's first scope; ``{"title": ..., "body": ...}``
    checks a whole document.
    """

    match: tuple[str | dict[str, str], ...] = ()
    no_match: tuple[str | dict[str, str], ...] = ()


class ContextCue(_Model):
    """Words or a pattern looked for around a hit (for exemptions and combinations)."""

    terms: tuple[str, ...] = ()
    pattern: str | None = None
    # How far to look: a number of characters on each side, the "clause" (up to ， ； ： and the
    # like), the "sentence" (up to 。！？；) or the whole "document" (every field).
    within: int | Literal["clause", "sentence", "document"] = "sentence"

    @model_validator(mode="after")
    def _one_kind(self) -> ContextCue:
        if bool(self.terms) == bool(self.pattern):
            raise ValueError("give exactly one of 'terms' or 'pattern'")
        if self.pattern is not None:
            _check_regex(self.pattern)
        return self


# The flags patterns are compiled with (see match.py); validating with the same flags leaves the
# compiled pattern in the regex module's cache for the matcher. Version 0 syntax with simple case
# folding: the text is case-folded already, and VERSION1's full case folding makes compiling the
# shipped packs half again as slow.
PATTERN_FLAGS = regex.IGNORECASE


def _check_regex(pattern: str) -> None:
    from ..config.limits import default_limits, pattern_expansion

    limits = default_limits().patterns
    if len(pattern) > limits.max_pattern_length:
        raise ValueError(f"regex of {len(pattern)} characters is over the limit of {limits.max_pattern_length} "
                         f"(limits.yaml patterns.max_pattern_length)")
    size = cached("pattern-expansion", pattern, lambda: pattern_expansion(pattern))
    if size > limits.max_pattern_expansion:
        raise ValueError(f"regex {pattern[:60]!r} repeats too much: about {size:,} steps written out, over the "
                         f"limit of {limits.max_pattern_expansion:,} (limits.yaml patterns.max_pattern_expansion)")
    pattern_info(pattern)


def pattern_info(pattern: str, flags: int = PATTERN_FLAGS) -> tuple[int, dict[str, int]]:
    """The number of groups and the named groups of a pattern that compiles (ValueError if it does not);
    kept in the compile cache, so a pattern seen before is not compiled again to be checked."""
    def compute() -> list[Any]:
        try:
            compiled = regex.compile(pattern, flags)
        except regex.error as exc:
            raise ValueError(f"invalid regex {pattern!r}: {exc}") from exc
        return [compiled.groups, dict(compiled.groupindex)]

    groups, names = cached("regex", pattern if flags == PATTERN_FLAGS else f"{int(flags)}:{pattern}", compute)
    return groups, names


class _RuleBase(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*$")
    category: str = Field(pattern=r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$")
    severity: int = Field(ge=1, le=5)
    message: str = Field(min_length=1)
    suggestion: str = ""
    clause: str = ""
    scope: tuple[Scope, ...] = ALL_SCOPES
    # Terms that, when they cover a hit, make it harmless (三黄片 covers 黄片).
    allow: tuple[str, ...] = ()
    # Exemption contexts: a hit with one of these around it is not reported.
    allow_contexts: tuple[ContextCue, ...] = ()
    # How sure a hit of this rule is, before evidence from normalization (0-1).
    confidence: float = Field(1.0, gt=0, le=1)
    enabled: bool = True
    examples: Examples = Examples()
    description: str = ""
    # Whose voice the rule judges; None: the pack's ``voices`` (default: company, public and press).
    voices: tuple[RuleVoice, ...] | None = None

    @field_validator("voices")
    @classmethod
    def _some_voice(cls, value):
        if value is not None and not value:
            raise ValueError("name at least one voice: company, public, press or advertiser")
        return value

    @field_validator("message")
    @classmethod
    def _placeholders_known(cls, value: str) -> str:
        for name in re.findall(r"{(\w*)}", value):
            if name not in ("match", "term", "note"):
                raise ValueError(f"unknown placeholder {{{name}}}: use {{match}}, {{term}} or {{note}}")
        return value


class LexiconRule(_RuleBase):
    kind: Literal["lexicon"]
    terms: tuple[Term, ...] = ()
    # Files under the pack's lexicon folder (or absolute): one term a line, ``term<TAB>suggestion
    # <TAB>note``, or the jieba user-dictionary format ``word freq tag``.
    terms_file: tuple[str, ...] = ()
    # "none": anywhere; "word": the hit starts and ends on jieba token boundaries;
    # "word-start": the hit starts a token (a token prefix, e.g. 最低 in 最低价).
    boundary: Literal["none", "word", "word-start"] = "none"
    # Obfuscation views of the terms (contentguard.engine.views): also match their pinyin (zui好,
    # du场, nmsl), homophones and code words (薇信, 菠菜网站) and look-alikes (亻尔妈); None: the pack's.
    views: tuple[View, ...] | None = None

    @field_validator("terms", mode="before")
    @classmethod
    def _terms_as_entries(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [{"term": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("terms")
    @classmethod
    def _one_replacement_a_term(cls, value: tuple[Term, ...]) -> tuple[Term, ...]:
        # `contentguard fix` must know what to write: a term listed twice (in the pack or its lexicon
        # files) with two different replacements has none it can choose.
        replacements: dict[str, str | None] = {}
        for entry in value:
            if entry.term in replacements and replacements[entry.term] != entry.replacement:
                raise ValueError(f"term {entry.term!r} is listed twice with different replacements "
                                 f"({replacements[entry.term]!r} and {entry.replacement!r}): keep one entry")
            replacements[entry.term] = entry.replacement
        return value

    @field_validator("terms_file", mode="before")
    @classmethod
    def _one_or_many_files(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class PatternRule(_RuleBase):
    kind: Literal["pattern"]
    patterns: tuple[str, ...] = Field(min_length=1)
    # Which group of the match is the finding (0 = whole match).
    group: int | str = 0
    # A named check the matched text must pass (see contentguard.packs.validators).
    validator: str | None = None
    # Match on the compact view (noise removed) instead of the folded view.
    skip_noise: bool = False
    ignore_case: bool = True

    @field_validator("patterns", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("patterns")
    @classmethod
    def _compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            _check_regex(pattern)
        return value

    @model_validator(mode="after")
    def _group_exists(self) -> PatternRule:
        for pattern in self.patterns:
            groups, names = pattern_info(pattern)
            group = self.group
            if isinstance(group, int) and not 0 <= group <= groups:
                raise ValueError(f"group {group} does not exist in pattern {pattern!r}, which has "
                                 f"{groups} group(s)")
            if isinstance(group, str) and group not in names:
                raise ValueError(f"group {group!r} is not a named group of pattern {pattern!r}")
        return self

    @field_validator("validator")
    @classmethod
    def _known_validator(cls, value: str | None) -> str | None:
        if value is not None and value not in VALIDATORS:
            raise ValueError(f"unknown validator {value!r}; known: {', '.join(sorted(VALIDATORS))}")
        return value


class CombinationRule(_RuleBase):
    kind: Literal["combination"]
    # Every cue must occur within `within` characters of the first cue (the anchor), or in the
    # anchor's "clause" or "sentence".
    all_of: tuple[ContextCue, ...] = Field(min_length=2)
    within: int | Literal["clause", "sentence"] = 30

    @field_validator("within")
    @classmethod
    def _positive(cls, value):
        if isinstance(value, int) and value < 1:
            raise ValueError("within must be at least 1 character, or 'clause' or 'sentence'")
        return value


class ModelRule(_RuleBase):
    """A learned classifier as a rule: every sentence in scope is scored by a model shipped in
    ``models/<model>/``; the sentence with the highest probability of ``label`` is the finding when that
    probability reaches ``threshold`` (see contentguard.engine.kinds.model)."""

    kind: Literal["model"]
    # A model shipped in the top-level models/ folder (its folder name), or the path of a model folder.
    model: str = Field(min_length=1)
    # The label whose probability counts, and the probability at which a sentence is reported.
    label: str = Field(min_length=1)
    threshold: float = Field(gt=0, le=1)
    # Sentences shorter than this (in characters, whitespace excluded) are not scored.
    min_chars: int = Field(2, ge=1)
    # Findings of these categories (or their sub-categories) already covering the sentence win: the model's
    # finding is dropped, so one offence is one finding. Empty: the rule's own top-level category.
    defer_to: tuple[str, ...] = ()

    # Only sentences with one of these cues are scored (e.g. a person or group the words could attack);
    # empty: every sentence. Like allow_contexts, they look in the "sentence" or the "document".
    require_contexts: tuple[ContextCue, ...] = ()
    # Only documents of these kinds (Document.kind: comment, mention, review …) are scored; empty: every
    # kind in the rule's scope and voices. A model trained on one genre (COLD's comments) need not judge another
    # (product reviews), where its flags are mostly complaints about goods.
    kinds: tuple[Kind, ...] = ()

    @field_validator("allow_contexts", "require_contexts")
    @classmethod
    def _whole_sentence_contexts(cls, value: tuple[ContextCue, ...]) -> tuple[ContextCue, ...]:
        for cue in value:
            if cue.within not in ("sentence", "document"):
                raise ValueError("a model rule's exemption contexts look in the 'sentence' or the 'document'")
        return value


Rule = Annotated[LexiconRule | PatternRule | CombinationRule | ModelRule, Field(discriminator="kind")]


class Pack(_Model):
    pack: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str = "1"
    description: str = ""
    rules: tuple[Rule, ...] = ()
    # The voices a rule of this pack judges unless it names its own (see RuleVoice).
    voices: tuple[RuleVoice, ...] = ALL_VOICES
    # The obfuscation views of every lexicon rule that names none itself (see LexiconRule.views).
    views: tuple[View, ...] = ()
    # Where this pack came from (a path or "<inline>"); not part of the pack's identity.
    source: str = Field("<inline>", exclude=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        return self


