"""Reading YAML safely and fast: libyaml's C safe loader when PyYAML has it, else the Python one.

Both build only plain data (no tags that construct objects), exactly as ``yaml.safe_load``.
Configuration, pack, lexicon and risk-matrix files may be UTF-8 (with or without BOM), UTF-16
with a BOM, or GBK/GB18030, as Chinese editors on Windows still save them: :func:`read_text_file`
decodes all of them.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any, TypeVar

import yaml

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Model = TypeVar("_Model")

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader, C or Python


def load_rules_yaml(text: str) -> Any:
    """:func:`load_yaml` for the ruleset's own files (packs, settings, risk matrix, context): parsed once and
    kept in the compile cache (contentguard.engine.compilecache) as JSON text, by the hash of the YAML text, when
    JSON gives back exactly the same data (not, e.g., for integer keys or dates: those are parsed each
    time). Every call returns fresh objects. Not for documents being checked: their text is not kept."""
    import hashlib
    import json

    from ..engine.compilecache import cached

    parsed: list[Any] = []

    def compute() -> str | None:
        data = load_yaml(text)
        parsed.append(data)
        try:
            encoded = json.dumps(data, ensure_ascii=False)
            return encoded if json.loads(encoded) == data else None
        except (TypeError, ValueError):
            return None

    encoded = cached("yaml", hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), compute)
    if parsed:
        return parsed[0]
    return json.loads(encoded) if encoded is not None else load_yaml(text)


def decode_text(data: bytes, origin: str) -> str:
    """Text of a rules or configuration file: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030.

    Strict UTF-8 almost never accepts GBK bytes by accident, so trying it first and GB18030 (a
    superset of GBK and GB2312) second decides reliably without guessing from statistics, which
    misjudge the short files configurations are. Raises ValueError naming the file.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).removeprefix("\ufeff")
            except UnicodeDecodeError as exc:
                raise ValueError(f"{origin}: not valid {codec} text after its byte-order mark "
                                 f"({exc.reason} at byte {exc.start})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ValueError(f"{origin}: not text in UTF-8 or GBK/GB18030 (invalid UTF-8 at byte "
                             f"{utf8_error.start}); save the file as UTF-8") from None


def read_text_file(path: str | Path) -> str:
    """Read a rules or configuration file in whichever encoding :func:`decode_text` accepts.

    Raises OSError when it cannot be read and ValueError (naming the file) when it is not text.
    """
    return decode_text(Path(path).read_bytes(), str(path))


def validation_problems(exc: Any) -> str:
    """A pydantic ``ValidationError`` as one line: each field's dotted path and what is wrong with it."""
    return "; ".join(f"field '{'.'.join(map(str, error['loc']))}': {error['msg']}" for error in exc.errors())


def read_settings_file(model: type[_Model], path: Path, what: str, error: type[Exception]) -> _Model:
    """``model`` validated from the YAML file ``path`` (a ruleset file: parsed through the compile cache), an
    empty file giving the model's defaults; any problem raises ``error`` naming the file and ``what`` it is."""
    from pydantic import ValidationError

    try:
        data = load_rules_yaml(read_text_file(path))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read {what}: {exc}") from None
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise error(f"{path}: invalid {what}: {validation_problems(exc)}") from None
