"""Rule packs: the schema of a pack file and its loading (part of stage 3, match).

A pack is YAML owned by the compliance team. It is read with ``yaml.safe_load`` and validated
by the pydantic models below; every error names the file, the rule id and the field.
Lexicon files are expanded here, so a loaded :class:`Pack` is self-contained data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .engine.compilecache import cached
from .errors import PackError
from .resources import data_dir
from .settings import View
from .validators import VALIDATORS
from .yamlio import load_rules_yaml, read_text_file

Scope = Literal["title", "body", "comment"]
ALL_SCOPES: tuple[Scope, ...] = ("title", "body", "comment")
# Whose words a rule judges: the company's own voice (posts, titles, its replies, staff posts), the
# public's (comments, reviews, mentions), or "advertiser": a public document that is itself an
# advertisement (it carries a finding of a category named in rules/context.yaml, e.g. spam), whose
# author the Advertising Law binds like any advertiser.
RuleVoice = Literal["company", "public", "advertiser"]
ALL_VOICES: tuple[RuleVoice, ...] = ("company", "public")


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
    from .limits import default_limits, pattern_expansion

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
    # Whose voice the rule judges; None: the pack's ``voices`` (default: company and public).
    voices: tuple[RuleVoice, ...] | None = None

    @field_validator("voices")
    @classmethod
    def _some_voice(cls, value):
        if value is not None and not value:
            raise ValueError("name at least one voice: company, public or advertiser")
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
    # A named check the matched text must pass (see contentguard.validators).
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


# ---- loading --------------------------------------------------------------------------------

PackSource = str | Path | Mapping[str, Any] | Pack


def shipped_pack_dir() -> Path:
    return data_dir("rules") / "packs"


def shipped_pack_names() -> list[str]:
    return sorted(path.stem for path in shipped_pack_dir().glob("*.yaml"))


def load_pack_source(source: PackSource, lexicon_dirs: Iterable[Path] = ()) -> list[Pack]:
    """Load packs from a file, a folder of ``*.yaml`` files, a YAML string, a dict or a Pack."""
    if isinstance(source, Pack):
        return [source]
    if isinstance(source, Mapping):
        return [_validate(dict(source), "<dict>", lexicon_dirs)]
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                     and source.strip().endswith((".yaml", ".yml"))):
        path = Path(source)
        if path.is_dir():
            return [load_pack_file(p, lexicon_dirs) for p in sorted(path.glob("*.y*ml"))]
        return [load_pack_file(path, lexicon_dirs)]
    if isinstance(source, str):
        if "\n" not in source and Path(source).is_dir():
            return [load_pack_file(p, lexicon_dirs) for p in sorted(Path(source).glob("*.y*ml"))]
        return [_validate(_parse_yaml(source, "<yaml string>"), "<yaml string>", lexicon_dirs)]
    raise PackError(f"cannot load a pack from a {type(source).__name__}: give a path, YAML text or a dict")


def load_pack_file(path: Path, lexicon_dirs: Iterable[Path] = ()) -> Pack:
    try:
        text = read_text_file(path)
    except OSError as exc:
        raise PackError(f"{path}: cannot read pack file: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise PackError(f"cannot read pack file: {exc}") from None
    dirs = [path.parent, path.parent.parent / "lexicons", *lexicon_dirs]
    return _validate(_parse_yaml(text, str(path)), str(path), dirs)


def _parse_yaml(text: str, origin: str) -> Any:
    try:
        return load_rules_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PackError(f"{origin}:{where}: YAML syntax error: {problem}") from exc


def _validate(data: Any, origin: str, lexicon_dirs: Iterable[Path]) -> Pack:
    if not isinstance(data, dict):
        raise PackError(f"{origin}: a pack must be a mapping with 'pack' and 'rules', got {type(data).__name__}")
    data = dict(data)
    data["rules"] = [_expand_terms_files(rule, origin, list(lexicon_dirs)) for rule in data.get("rules") or []]
    # A loaded rule always names its voices: its own, or the pack's default.
    pack_voices = data.get("voices", list(ALL_VOICES))
    data["rules"] = [{**rule, "voices": pack_voices} if isinstance(rule, dict) and rule.get("voices") is None
                     else rule for rule in data["rules"]]
    data["source"] = origin
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        raise PackError(_describe(exc, data, origin)) from None


def _describe(exc: ValidationError, data: dict, origin: str) -> str:
    """One line per problem: file, rule id and field, in words a compliance editor can act on."""
    problems: dict[str, list[str]] = {}
    for error in exc.errors():
        loc = list(error["loc"])
        where = origin
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules") or []
            rule = rules[loc[1]] if loc[1] < len(rules) else {}
            rule_id = rule.get("id") if isinstance(rule, dict) else None
            where += f": rule {rule_id!r}" if rule_id else f": rule #{loc[1] + 1}"
            loc = loc[2:]
        # Tags that pydantic adds for the members of a union say nothing to the reader.
        loc = [part for part in loc if not (isinstance(part, str) and (part in _UNION_TAGS or "[" in part))]
        field = ".".join(str(part) for part in loc)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        key = f"{where}: field '{field}'" if field else where
        if message not in problems.setdefault(key, []):
            problems[key].append(message)
    return "\n".join(f"{key}: {' or '.join(messages)}" for key, messages in problems.items())


_UNION_TAGS = {"lexicon", "pattern", "combination", "model", "str", "int", "float", "bool", "dict", "list"}


def _expand_terms_files(rule: Any, origin: str, lexicon_dirs: list[Path]) -> Any:
    if not isinstance(rule, dict) or not rule.get("terms_file"):
        return rule
    files = rule["terms_file"]
    files = [files] if isinstance(files, str) else list(files)
    terms = list(rule.get("terms") or [])
    for name in files:
        path = _find_lexicon(str(name), lexicon_dirs)
        if path == _OUTSIDE:
            allowed = ", ".join(str(d) for d in [*lexicon_dirs, data_dir("lexicons")])
            raise PackError(f"{origin}: rule {rule.get('id')!r}: field 'terms_file': {name!r} is outside the "
                            f"lexicon folders; a lexicon file must be inside one of: {allowed}")
        if path is None:
            looked = ", ".join(str(d) for d in lexicon_dirs) or "(no folders)"
            raise PackError(f"{origin}: rule {rule.get('id')!r}: field 'terms_file': lexicon file {name!r} "
                            f"not found (looked in {looked})")
        terms.extend(read_lexicon_file(path))
    rule = dict(rule)
    rule["terms"] = terms
    rule["terms_file"] = files
    return rule


_OUTSIDE = Path("<outside the lexicon folders>")


def _find_lexicon(name: str, lexicon_dirs: list[Path]) -> Path | None:
    """The lexicon file ``name`` inside the pack's folder, a lexicon folder or the shipped lexicons;
    ``_OUTSIDE`` when the name leads out of them (``../../etc/passwd``, an absolute path elsewhere),
    so that a pack cannot read, and ``explain`` print, any file of the machine."""
    folders = [*lexicon_dirs, data_dir("lexicons")]
    roots = [folder.resolve() for folder in folders]
    candidate = Path(name)
    found = [candidate] if candidate.is_absolute() else [folder / candidate for folder in folders]
    outside = False
    for path in found:
        if not path.is_file():
            continue
        resolved = path.resolve()
        if any(resolved.is_relative_to(root) for root in roots):
            return path
        outside = True
    return _OUTSIDE if outside else None


_JIEBA_LINE = re.compile(r"^(\S+)\s+\d+(?:\s+[A-Za-z]+)?$")


def read_lexicon_file(path: Path) -> list[dict[str, str]]:
    """Read one lexicon file. Lines starting with '#' and blank lines are skipped.

    Accepted line forms: ``term``; ``term<TAB>suggestion<TAB>note<TAB>replacement`` (all but the
    term optional); jieba user-dictionary ``word freq [tag]`` (the frequency and tag are not used).
    """
    try:
        text = read_text_file(path)
    except (OSError, ValueError) as exc:
        raise PackError(f"{path}: cannot read lexicon file: {exc}") from exc
    entries: list[dict[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "\t" in line:
            term, *rest = [part.strip() for part in line.split("\t")]
            entry = {"term": term}
            if rest and rest[0]:
                entry["suggestion"] = rest[0]
            if len(rest) > 1 and rest[1]:
                entry["note"] = rest[1]
            if len(rest) > 2 and rest[2]:
                entry["replacement"] = rest[2]
            entries.append(entry)
            continue
        jieba_form = _JIEBA_LINE.match(line)
        entries.append({"term": jieba_form.group(1) if jieba_form else line})
    return entries
