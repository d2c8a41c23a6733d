"""Stage 5 — assess: grade a document on the risk matrix and decide pass / review / block.

The matrix, the decisions, the escalation routes and every weight come from a YAML file
(``rules/risk_matrix.yaml`` by default) that a company may replace.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .document import Document
from .errors import ConfigError
from .report import Decision, Finding, Risk, RiskLevel, Sentiment
from .yamlio import load_yaml, read_text_file

_LEVEL_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ImpactWeights(_Frozen):
    field: dict[Literal["title", "body", "comment"], int] = {}
    platform: dict[str, int] = {}


class NegativeSentimentRule(_Frozen):
    kinds: tuple[str, ...] = ("comment",)
    min_probability: float = Field(0.6, ge=0, le=1)
    bonus: int = 1


class LikelihoodWeights(_Frozen):
    evidence: dict[str, int]
    agreement: dict[int, int] = {}
    negative_sentiment: NegativeSentimentRule | None = None


class RiskMatrix(_Frozen):
    version: str = "1"
    levels: dict[int, tuple[Literal["low", "medium", "high"], ...]]
    decisions: dict[RiskLevel, Decision]
    routes: dict[RiskLevel, str]
    impact: ImpactWeights = ImpactWeights()
    likelihood: LikelihoodWeights

    @field_validator("levels")
    @classmethod
    def _five_by_five(cls, value):
        if sorted(value) != [1, 2, 3, 4, 5] or any(len(row) != 5 for row in value.values()):
            raise ValueError("levels must have impact rows 1-5, each with 5 levels (likelihood 1-5)")
        return value

    @field_validator("decisions", "routes")
    @classmethod
    def _every_level(cls, value):
        missing = set(_LEVEL_ORDER) - set(value)
        if missing:
            raise ValueError(f"missing levels: {', '.join(sorted(missing))}")
        return value

    @classmethod
    def from_file(cls, path: Path) -> RiskMatrix:
        try:
            data = load_yaml(read_text_file(path))
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read risk matrix: {exc}") from exc
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(f"field '{'.'.join(map(str, e['loc']))}': {e['msg']}" for e in exc.errors())
            raise ConfigError(f"{path}: invalid risk matrix: {problems}") from None

    def level(self, impact: int, likelihood: int) -> RiskLevel:
        return self.levels[impact][likelihood - 1]

    def assess(self, document: Document, findings: Sequence[Finding], sentiment: Sentiment | None,
               platform_weights: Mapping[str, int] | None = None) -> tuple[Risk, Decision]:
        """Grade every finding on the matrix; the document takes its worst finding's cell."""
        if not findings:
            return Risk(level="none", impact=0, likelihood=0, route=self.routes["none"],
                        explanation="无命中规则：风险等级 none。"), self.decisions["none"]
        platform_bonus = {**self.impact.platform, **(platform_weights or {})}.get(document.platform or "", 0)
        # Findings agree when they stand in different places: two rules on one span are one piece of evidence.
        per_category = Counter(category for category, _, _ in
                               {(f.category.split(".", 1)[0], f.field, f.start) for f in findings})
        sentiment_bonus, sentiment_note = 0, ""
        rule = self.likelihood.negative_sentiment
        if rule and sentiment and document.kind in rule.kinds:
            negative = sentiment.scores.get("negative", 0.0)
            if negative >= rule.min_probability:
                sentiment_bonus = rule.bonus
                sentiment_note = f"负面情绪概率 {negative:.2f} ≥ {rule.min_probability} (+{rule.bonus})"

        worst: tuple[int, int, int, Finding, str] | None = None
        contributions = []
        for finding in findings:
            scope = document.scope_of(finding.field)
            impact = _clip(finding.severity + self.impact.field.get(scope, 0) + platform_bonus)
            base = self.likelihood.evidence.get(finding.evidence, 3)
            same_category = per_category[finding.category.split(".", 1)[0]]
            agree = max((bonus for count, bonus in self.likelihood.agreement.items() if same_category >= count),
                        default=0)
            likelihood = _clip(round(base * finding.confidence) + agree + sentiment_bonus)
            level = self.level(impact, likelihood)
            why = (f"{finding.rule_id}「{finding.text}」: 影响 {impact} (严重度 {finding.severity}, {scope} "
                   f"{self.impact.field.get(scope, 0):+d}, 平台 {platform_bonus:+d}); 可能性 {likelihood} "
                   f"(证据 {finding.evidence} {base}×{finding.confidence:g}, 同类 {same_category} 条 +{agree}"
                   + (f", {sentiment_note}" if sentiment_bonus else "") + f") → {level}")
            contributions.append(why)
            rank = (_LEVEL_ORDER[level], impact, likelihood)
            if worst is None or rank > worst[:3]:
                worst = (*rank, finding, why)
        assert worst is not None
        level_rank, impact, likelihood, finding, why = worst
        level: RiskLevel = next(name for name, rank in _LEVEL_ORDER.items() if rank == level_rank)  # type: ignore
        explanation = (f"矩阵单元 影响 {impact} × 可能性 {likelihood} = {level}；由 {finding.rule_id} 决定。"
                       f"共 {len(findings)} 条命中。{why}")
        return (Risk(level=level, impact=impact, likelihood=likelihood, route=self.routes[level],
                     explanation=explanation, contributions=tuple(contributions)),
                self.decisions[level])


def _clip(value: int) -> int:
    return max(1, min(5, value))
