"""Rule packs, loading: read a pack file or mapping, expand its lexicon files, validate it (stage 3, match).

A pack is YAML owned by the compliance team. It is read with ``yaml.safe_load`` and validated by the
pydantic models of :mod:`contentguard.packs.schema`; every error names the file, the rule id and the field.
Lexicon files are expanded here, so a loaded :class:`Pack` is self-contained data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..config.resources import data_dir
from ..config.yamlio import load_rules_yaml, read_text_file
from ..errors import PackError
from .schema import ALL_VOICES, Pack

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
