"""The approval policy, read from YAML (``rules/review_policy.yaml`` or a company's own file).

It says which stages a document needs (by the risk level of its check and the categories of its
findings) and who may sign each stage (by role). Nothing about stages or roles is written in code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..config.resources import data_dir
from .records import ReviewError

AUTHOR_ROLE = "author"


class Stage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    roles: tuple[str, ...]
    description: str = ""


class ApprovalPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = ""
    stages: tuple[Stage, ...]
    levels: dict[str, tuple[str, ...]]
    categories: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    separate_author: bool = True
    in_order: bool = True
    comment_required_for: tuple[str, ...] = ("reject", "request-changes")
    reviewers: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    source: str = Field("<policy>", exclude=True)

    @model_validator(mode="after")
    def _known_stages(self) -> ApprovalPolicy:
        names = [stage.name for stage in self.stages]
        if not names:
            raise ValueError("'stages' is empty")
        if len(set(names)) != len(names):
            raise ValueError(f"'stages' names a stage twice: {names}")
        for key, table in (("levels", self.levels), ("categories", self.categories)):
            for name, stages in table.items():
                unknown = [s for s in stages if s not in names]
                if unknown:
                    raise ValueError(f"'{key}.{name}' names unknown stages {unknown} (the stages are {names})")
        missing = [level for level in ("none", "low", "medium", "high") if level not in self.levels]
        if missing:
            raise ValueError(f"'levels' has no entry for {missing}")
        return self

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> ApprovalPolicy:
        """The policy in ``path``, or the shipped ``rules/review_policy.yaml``."""
        import yaml

        file = Path(path) if path is not None else data_dir("rules") / "review_policy.yaml"
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ReviewError(f"{file}: review policy cannot be read ({exc.strerror or exc})") from None
        except yaml.YAMLError as exc:
            raise ReviewError(f"{file}: review policy is not valid YAML ({exc})") from None
        return cls.from_data(raw, str(file))

    @classmethod
    def from_data(cls, raw: Any, source: str = "<policy>") -> ApprovalPolicy:
        if not isinstance(raw, Mapping):
            raise ReviewError(f"{source}: a review policy must be a mapping")
        try:
            return cls.model_validate({**raw, "source": source})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top)"
            raise ReviewError(f"{source}: review policy key '{where}': {first['msg']}") from None

    @property
    def stage_names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise ReviewError(f"unknown stage {name!r}: the policy ({self.source}) has {', '.join(self.stage_names)}")

    def required_stages(self, risk_level: str, categories: Iterable[str]) -> tuple[str, ...]:
        """The stages a document needs, in policy order."""
        needed = set(self.levels.get(risk_level, self.levels["high"]))
        for category in categories:
            for key, stages in self.categories.items():
                if category == key or category.startswith(key + "."):
                    needed.update(stages)
        return tuple(name for name in self.stage_names if name in needed)

    def signer_role(self, stage_name: str, reviewer: str, role: str | None, author: str) -> str:
        """The role under which ``reviewer`` signs ``stage_name``, or ReviewError saying why they may not."""
        stage = self.stage(stage_name)
        if AUTHOR_ROLE in stage.roles and reviewer == author:
            return AUTHOR_ROLE
        if self.separate_author and reviewer == author:
            raise ReviewError(f"{reviewer} wrote this document and may not sign stage {stage_name} "
                              f"(the policy wants another reviewer)")
        listed = self.reviewers.get(reviewer)
        if self.reviewers:
            if listed is None:
                raise ReviewError(f"{reviewer} is not in the policy's reviewer roster ({self.source})")
            if role is not None and role not in listed:
                raise ReviewError(f"{reviewer} does not hold role {role!r} (the roster gives {', '.join(listed)})")
            candidates: tuple[str, ...] = (role,) if role is not None else listed
        elif role is None:
            allowed = [r for r in stage.roles if r != AUTHOR_ROLE]
            if not allowed:
                raise ReviewError(f"stage {stage_name} is signed by the document's author ({author}), "
                                  f"not {reviewer}")
            raise ReviewError(f"stage {stage_name} needs a role: one of {', '.join(allowed)} (--role)")
        else:
            candidates = (role,)
        for candidate in candidates:
            if candidate in stage.roles and candidate != AUTHOR_ROLE:
                return candidate
        shown = [r if r != AUTHOR_ROLE else "the author" for r in stage.roles]
        raise ReviewError(f"stage {stage_name} may be signed by {', '.join(shown)}; "
                          f"{reviewer} ({', '.join(candidates)}) may not")
