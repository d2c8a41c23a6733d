"""A company's configuration: which packs and rules, severities, its own lexicons and lists.

Read from ``contentguard.yaml`` or the ``[tool.contentguard]`` table of ``pyproject.toml``,
or given to :func:`contentguard.load` as a dict or a :class:`Config`. Relative paths in a
file are relative to that file.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ConfigError
from .yamlio import load_yaml, read_text_file

CONFIG_FILE_NAMES = ("contentguard.yaml", "contentguard.yml", ".contentguard.yaml")


class Watchlist(BaseModel):
    """A company's own names. Each non-empty list becomes a lexicon rule of the ``config`` pack."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Project code names, unreleased products and plans: a confidentiality finding anywhere.
    confidential: tuple[str, ...] = ()
    # Customer, supplier and partner names: confidential business relations.
    partners: tuple[str, ...] = ()
    # Brand, product and founder names watched in comments and mentions (public opinion).
    brands: tuple[str, ...] = ()


class ReviewSettings(BaseModel):
    """The review trail (``contentguard review``, ``contentguard.review``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Its database: a SQLAlchemy URL (postgresql+psycopg://…) or a SQLite file, relative to this file.
    db: str | None = None
    # A replacement approval policy (default: the shipped rules/review_policy.yaml).
    policy: str | None = None
    # A file holding the HMAC key that signs sign-offs (the key itself never goes in configuration).
    key_file: str | None = None


class Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Shipped packs to enable (None: all of them).
    packs: tuple[str, ...] | None = None
    # Further pack files or folders, loaded beside the shipped ones.
    extra_packs: tuple[str, ...] = ()
    # Rule ids or glob patterns (``quality/*``) to switch off, or on when a pack ships them off.
    disable_rules: tuple[str, ...] = ()
    enable_rules: tuple[str, ...] = ()
    # Rule id → severity 1-5.
    severity: dict[str, int] = Field(default_factory=dict)
    # Terms that are never reported by any rule (a company's own product named 最美…).
    allowlist: tuple[str, ...] = ()
    # Rule id → extra lexicon files whose terms join that rule.
    lexicons: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    watchlist: Watchlist = Watchlist()
    # Platform → impact bonus in the risk matrix (a platform with a bigger audience weighs more).
    platform_weights: dict[str, int] = Field(default_factory=dict)
    # Which documents get a sentiment score: every one, comments only (a faster scan of posts
    # whose public-opinion signal comes from their comments), or none.
    sentiment: Literal["all", "comments", "off"] = "all"
    # A replacement risk matrix file.
    risk_matrix: str | None = None
    # The review trail's database, approval policy and signing key file.
    review: ReviewSettings = ReviewSettings()
    # Where relative paths are resolved (the config file's folder).
    base_dir: str = Field(".", exclude=True)

    @field_validator("sentiment", mode="before")
    @classmethod
    def _yaml_off(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted `off` as false (and `on` as true): take them as the words written.
        if value is False:
            return "off"
        if value is True:
            return "all"
        return value

    def path(self, value: str) -> Path:
        candidate = Path(value)
        return candidate if candidate.is_absolute() else Path(self.base_dir) / candidate


def load_config(source: Config | Mapping[str, Any] | str | Path | None) -> Config:
    if source is None:
        return Config()
    if isinstance(source, Config):
        return source
    if isinstance(source, Mapping):
        return _validate(dict(source), "<config dict>", ".")
    path = Path(source)
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    if path.suffix == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            import tomli as tomllib
        try:
            data = tomllib.loads(read_text_file(path)).get("tool", {}).get("contentguard", {})
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: cannot read TOML: {exc}") from exc
    else:
        try:
            data = load_yaml(read_text_file(path)) or {}
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of keys")
    return _validate(data, str(path), str(path.resolve().parent))


def discover_config(start: Path) -> Path | None:
    """The nearest ``contentguard.yaml`` (or pyproject.toml with [tool.contentguard]) upwards."""
    for folder in [start.resolve(), *start.resolve().parents]:
        for name in CONFIG_FILE_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.contentguard]" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def _validate(data: dict, origin: str, base_dir: str) -> Config:
    data.setdefault("base_dir", base_dir)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = ".".join(str(part) for part in error["loc"])
            message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
            problems.append(f"{origin}: key '{key}': {message}")
        raise ConfigError("\n".join(problems)) from None


def watchlist_pack(watchlist: Watchlist, template_path: Path) -> dict[str, Any] | None:
    """The ``config`` pack built from a watchlist and the rule templates in ``rules/watchlist.yaml``."""
    try:
        templates = load_yaml(read_text_file(template_path))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"{template_path}: cannot read the watchlist rule templates: {exc}") from exc
    rules = []
    for key in Watchlist.model_fields:
        terms = getattr(watchlist, key)
        if not terms:
            continue
        if key not in templates:
            raise ConfigError(f"{template_path}: no rule template for watchlist key '{key}'")
        rules.append({**templates[key], "terms": list(terms)})
    if not rules:
        return None
    return {"pack": "config", "description": "Built from the configuration's watchlist.", "rules": rules}
