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
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError
from .yamlio import load_yaml

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
    # Where relative paths are resolved (the config file's folder).
    base_dir: str = Field(".", exclude=True)

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
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("contentguard", {})
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: cannot read TOML: {exc}") from exc
    else:
        try:
            data = load_yaml(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
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


def watchlist_pack(watchlist: Watchlist) -> dict[str, Any] | None:
    """The ``config`` pack built from a watchlist, or None when it is empty."""
    rules = []
    if watchlist.confidential:
        rules.append({
            "id": "config/confidential-watchlist", "kind": "lexicon", "category": "confidentiality",
            "severity": 5, "terms": list(watchlist.confidential),
            "message": "出现公司保密观察名单中的内容「{match}」（项目代号、未发布产品或计划）",
            "suggestion": "删除该内容，未经批准不得对外披露",
            "clause": "公司自媒体管理制度 保密性原则",
        })
    if watchlist.partners:
        rules.append({
            "id": "config/partner-watchlist", "kind": "lexicon", "category": "confidentiality",
            "severity": 3, "terms": list(watchlist.partners),
            "message": "提及客户、供应商或合作方「{match}」，合作信息属商业秘密",
            "suggestion": "确认对方同意且信息已公开后再发布，否则删除或匿名化",
            "clause": "公司自媒体管理制度 保密性原则（供应商及合作方信息）",
        })
    if watchlist.brands:
        rules.append({
            "id": "config/brand-mention", "kind": "lexicon", "category": "brand-mention",
            "severity": 1, "scope": ["comment"], "terms": list(watchlist.brands),
            "message": "评论提及品牌「{match}」，纳入舆情监测",
            "suggestion": "关注情绪倾向，负面时按舆情流程处理",
            "clause": "公司自媒体管理制度 舆情监测",
        })
    if not rules:
        return None
    return {"pack": "config", "description": "Built from the configuration's watchlist.", "rules": rules}
