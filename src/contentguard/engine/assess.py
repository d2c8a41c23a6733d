"""Stage 5 — assess: grade a document on the risk matrix and decide pass / review / block.

The matrix, the decisions, the escalation routes and every weight come from a YAML file
(``rules/risk_matrix.yaml`` by default) that a company may replace.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..config.yamlio import read_settings_file
from ..document import Document
from ..errors import ConfigError
from ..report import Decision, Finding, Risk, RiskLevel, Sentiment

_LEVEL_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}
_DECISION_ORDER = {"pass": 0, "review": 1, "block": 2}


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


class Response(_Frozen):
    """Who answers and how soon: a route named as the plan names it, and a response deadline."""

    route: str
    # None: no answer is owed (无关).
    deadline: timedelta | None = None


class TriageTest(_Frozen):
    """One test of the triage: the item is in ``label`` when every condition given holds."""

    label: str
    # A finding has one of these categories (or a sub-category of one).
    categories: tuple[str, ...] = ()
    # This pattern occurs in the text (matched on the text as written, case-folded).
    cues: str | None = None
    # The sentiment is negative with at least / below this probability.
    negative_min_probability: float | None = Field(None, ge=0, le=1)
    negative_below: float | None = Field(None, ge=0, le=1)

    @field_validator("cues")
    @classmethod
    def _compiles(cls, value):
        if value is not None:
            try:
                regex.compile(value)
            except regex.error as exc:
                raise ValueError(f"invalid regex {value!r}: {exc}") from exc
        return value

    def holds(self, text: str, findings: Sequence[Finding], negative: float) -> bool:
        if self.categories and not any(_in_categories(f.category, self.categories) for f in findings):
            return False
        if self.cues is not None and not _compiled(self.cues).search(text):
            return False
        if self.negative_min_probability is not None and negative < self.negative_min_probability:
            return False
        return self.negative_below is None or negative < self.negative_below


class Triage(_Frozen):
    # The plan's classes (互动、咨询、投诉、建设性意见、无关): who answers and how soon.
    classes: dict[str, Response]
    # Tried in order; the first that holds gives the class. None hold: ``default``.
    order: tuple[TriageTest, ...] = ()
    default: str
    # The class a negative item is graded as a complaint in (个别差评 → low).
    complaint: str

    @model_validator(mode="after")
    def _known_labels(self) -> Triage:
        named = {test.label for test in self.order} | {self.default, self.complaint}
        unknown = sorted(named - set(self.classes))
        if unknown:
            raise ValueError(f"triage names classes it does not define: {', '.join(unknown)}")
        return self


class NegativeItem(_Frozen):
    min_probability: float = Field(0.6, ge=0, le=1)
    level: RiskLevel = "low"


class SpikeRule(_Frozen):
    """A spike: a window holding far more negative items on one brand, topic or post than its recent baseline."""

    # How many past windows make the baseline (their mean count of negative items): a brand's, a
    # topic's and the whole stream's, and a post's (a post lives for hours, not days).
    baseline_windows: int = Field(ge=1)
    thread_baseline_windows: int = Field(ge=1)
    # The window's negative items must reach this many times the baseline mean ...
    factor: float = Field(gt=1)
    # ... and number at least this many, and this share of the window's items.
    min_count: int = Field(ge=1)
    min_negative_share: float = Field(ge=0, le=1)
    level: RiskLevel


class EventRules(_Frozen):
    """How the monitor groups public items into events over time (contentguard.monitor)."""

    # The sliding window (ISO 8601 duration); the command's --window overrides it.
    window: timedelta
    # This many items at risk >= low on one brand, topic or post within the window: ``several_level``.
    several: int = Field(ge=2)
    several_level: RiskLevel
    spike: SpikeRule
    # Kinds whose risky items with no brand, signal, #话题# or post are grouped under their triage class
    # (comments and reviews on the company's own accounts are about the company; a mention is not).
    unnamed_topic_kinds: tuple[str, ...] = ()
    # Topics named in the text (a Weibo hashtag #话题#): group 1 is the topic.
    topic_pattern: str | None = None
    # An event lists at most this many document ids (the latest); ``count`` is the full number.
    max_ids: int = Field(ge=1)
    # The period report lists at most this many medium/high events (high ones first); counts stay exact.
    report_events: int = Field(ge=1)
    # Bucket of the period report's chart when none is given (ISO 8601 duration).
    chart_bucket: timedelta

    @field_validator("window", "chart_bucket")
    @classmethod
    def _positive(cls, value):
        if value <= timedelta(0):
            raise ValueError("must be a positive duration")
        return value


class PublicOpinion(_Frozen):
    """How the public's voice is graded, triaged and routed (社会化媒体管理预案)."""

    # Signal categories (and their sub-categories) → the least level an item that carries one gets.
    levels: dict[str, RiskLevel] = {}
    # One negative item is a 个别差评: this level, answered within the deadline.
    negative: NegativeItem = NegativeItem()
    # Categories that are signals for the watch, not violations, when the public speaks: a praise
    # word (最好) in a review is no advertising claim, a brand name no risk by itself.
    not_graded: tuple[str, ...] = ()
    decisions: dict[RiskLevel, Decision] = {}
    triage: Triage | None = None
    # Levels that hand the item to someone else, whatever its class.
    escalation: dict[RiskLevel, Response] = {}
    events: EventRules | None = None


class CompanyVoice(_Frozen):
    """Bounds on the level of a finding in the company's own documents (posts, replies, ads), by
    category and its sub-categories: ``least`` for what must at least be reviewed whatever the matrix
    cell (an unfilled placeholder, a share-for-reward, a contact lure), ``most`` for what is never
    more than that (placeholders make a draft unfinished, not an incident for the leadership)."""

    least: dict[str, RiskLevel] = {}
    most: dict[str, RiskLevel] = {}
@functools.lru_cache(maxsize=16)
def _no_risk(route: str) -> Risk:
    """The grade of a document without findings: one immutable Risk shared by all of them."""
    return Risk(level="none", impact=0, likelihood=0, route=route, explanation="无命中规则：风险等级 none。")


@functools.lru_cache(maxsize=256)
def _routed_no_risk(risk: Risk, level: RiskLevel, route: str, explanation: str) -> Risk:
    """The no-risk grade of a public item without findings, with its level, route and explanation: one
    immutable Risk per class and note shared by all such items (a model_copy is 2.7 µs of a comment that has
    no hit, issue #13)."""
    return risk.model_copy(update={"level": level, "route": route, "explanation": explanation})


class RiskMatrix(_Frozen):
    version: str = "1"
    levels: dict[int, tuple[Literal["low", "medium", "high"], ...]]
    decisions: dict[RiskLevel, Decision]
    routes: dict[RiskLevel, str]
    impact: ImpactWeights = ImpactWeights()
    likelihood: LikelihoodWeights
    public_opinion: PublicOpinion | None = None
    # The least decision of a report that carries an error entry: a rule, pattern or model that did
    # not run left part of the document unchecked, and unchecked content never passes as "ok".
    incomplete: Decision = "review"
    company_voice: CompanyVoice = CompanyVoice()

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
        return read_settings_file(cls, path, "risk matrix", ConfigError)

    def at_least_incomplete(self, decision: Decision) -> Decision:
        """``decision``, raised to :attr:`incomplete` for a report whose check did not fully run."""
        return self.incomplete if _DECISION_ORDER[self.incomplete] > _DECISION_ORDER[decision] else decision

    def level(self, impact: int, likelihood: int) -> RiskLevel:
        return self.levels[impact][likelihood - 1]

    def assess(self, document: Document, findings: Sequence[Finding], sentiment: Sentiment | None,
               platform_weights: Mapping[str, int] | None = None) -> tuple[Risk, Decision]:
        """Grade every finding on the matrix; the document takes its worst finding's cell.

        What the public says is graded the plan's way on top (``public_opinion``): a signal's
        category and a negative sentiment set the least level, and the route is the triage's.
        """
        risk, decision, _ = self.assess_response(document, findings, sentiment, platform_weights)
        return risk, decision

    def assess_response(self, document: Document, findings: Sequence[Finding], sentiment: Sentiment | None,
                        platform_weights: Mapping[str, int] | None = None
                        ) -> tuple[Risk, Decision, tuple[str | None, timedelta | None]]:
        """:meth:`assess`, with the item's triage class and response deadline ((None, None) for the company's
        own documents). The deadline is the sooner of the class's and the escalation's."""
        opinion = self.public_opinion
        if opinion is None or document.speaker != "public":
            return (*self._grade(document, findings, sentiment, platform_weights), (None, None))
        graded = [f for f in findings if not _in_categories(f.category, opinion.not_graded)]
        risk, _ = self._grade(document, graded, sentiment, platform_weights)
        level, notes = risk.level, []
        for finding in findings:
            floor = _category_level(finding.category, opinion.levels)
            if floor is not None and _LEVEL_ORDER[floor] > _LEVEL_ORDER[level]:
                level = floor
            if floor is not None:
                notes.append(f"舆情信号 {finding.rule_id}「{finding.text}」→ 至少 {floor}")
        negative = sentiment.scores.get("negative", 0.0) if sentiment is not None else 0.0
        label, response = self.triage(document, findings, sentiment)
        complaint = opinion.triage.complaint if opinion.triage is not None else None
        if negative >= opinion.negative.min_probability and label in (complaint, None):
            notes.append(f"负面情绪概率 {negative:.2f} ≥ {opinion.negative.min_probability} → 至少 "
                         f"{opinion.negative.level}（个别差评）")
            if _LEVEL_ORDER[opinion.negative.level] > _LEVEL_ORDER[level]:
                level = opinion.negative.level
        escalated = opinion.escalation.get(level)
        route = escalated.route if escalated is not None else response.route
        explanation = risk.explanation if risk.level == level else f"{risk.explanation} 舆情分级：{level}。"
        if notes:
            explanation += " " + "；".join(notes) + "。"
        explanation += f" 分类 {label} → {route}。"
        decision = opinion.decisions.get(level, self.decisions[level])
        deadline = response.deadline
        if escalated is not None and escalated.deadline is not None:
            deadline = escalated.deadline if deadline is None else min(deadline, escalated.deadline)
        if not graded:  # the shared no-risk grade: its routed copies are few and shared too
            routed = _routed_no_risk(risk, level, route, explanation)
        else:
            routed = risk.model_copy(update={"level": level, "route": route, "explanation": explanation})
        return routed, decision, (label, deadline)

    def triage(self, document: Document, findings: Sequence[Finding], sentiment: Sentiment | None
               ) -> tuple[str | None, Response]:
        """The plan's class of a public item (互动、咨询、投诉、建设性意见、无关), its route and deadline.

        A company document has no class (None) and the route of no risk.
        """
        opinion = self.public_opinion
        if opinion is None or opinion.triage is None or document.speaker != "public":
            return None, Response(route=self.routes["none"])
        triage = opinion.triage
        negative = sentiment.scores.get("negative", 0.0) if sentiment is not None else 0.0
        text = "\n".join(value for _, value in document.fields()).casefold()
        label = next((test.label for test in triage.order if test.holds(text, findings, negative)), triage.default)
        return label, triage.classes[label]

    def _grade(self, document: Document, findings: Sequence[Finding], sentiment: Sentiment | None,
               platform_weights: Mapping[str, int] | None = None) -> tuple[Risk, Decision]:
        if not findings:
            return _no_risk(self.routes["none"]), self.decisions["none"]
        platform_bonus = {**self.impact.platform, **(platform_weights or {})}.get(document.platform or "", 0)
        # Findings agree when they stand in different places: findings of one category whose spans
        # overlap (two rules on one phrase, a term inside a longer one) are one piece of evidence.
        per_category = _separate_places(findings)
        bounds = self.company_voice if document.speaker != "public" else CompanyVoice()
        sentiment_bonus, sentiment_note = 0, ""
        rule = self.likelihood.negative_sentiment
        if rule and sentiment and document.kind in rule.kinds:
            negative = sentiment.scores.get("negative", 0.0)
            if negative >= rule.min_probability:
                sentiment_bonus = rule.bonus
                sentiment_note = f"负面情绪概率 {negative:.2f} ≥ {rule.min_probability} (+{rule.bonus})"

        worst: tuple[int, int, int, Finding, str, RiskLevel] | None = None
        contributions = []
        for finding in findings:
            scope = document.scope_of(finding.field)
            impact = _clip(finding.severity + self.impact.field.get(scope, 0) + platform_bonus)
            base = self.likelihood.evidence.get(finding.evidence, 3)
            same_category = per_category[finding.category.split(".", 1)[0]]
            agree = max((bonus for count, bonus in self.likelihood.agreement.items() if same_category >= count),
                        default=0)
            likelihood = _clip(round(base * finding.confidence) + agree + sentiment_bonus)
            cell = self.level(impact, likelihood)
            level = cell
            least = _category_level(finding.category, bounds.least)
            if least is not None and _LEVEL_ORDER[least] > _LEVEL_ORDER[level]:
                level = least
            most = _category_level(finding.category, bounds.most)
            if most is not None and _LEVEL_ORDER[most] < _LEVEL_ORDER[level]:
                level = most
            why = (f"{finding.rule_id}「{finding.text}」: 影响 {impact} (严重度 {finding.severity}, {scope} "
                   f"{self.impact.field.get(scope, 0):+d}, 平台 {platform_bonus:+d}); 可能性 {likelihood} "
                   f"(证据 {finding.evidence} {base}×{finding.confidence:g}, 同类 {same_category} 处 +{agree}"
                   + (f", {sentiment_note}" if sentiment_bonus else "") + f") → {cell}"
                   + (f" → {level}（类别 {finding.category} 的界限）" if level != cell else ""))
            contributions.append(why)
            rank = (_LEVEL_ORDER[level], impact, likelihood)
            if worst is None or rank > worst[:3]:
                worst = (*rank, finding, why, cell)
        assert worst is not None
        level_rank, impact, likelihood, finding, why, cell = worst
        level: RiskLevel = next(name for name, rank in _LEVEL_ORDER.items() if rank == level_rank)  # type: ignore
        bounded = f" → {level}（类别 {finding.category} 的界限）" if cell != level else ""
        explanation = (f"矩阵单元 影响 {impact} × 可能性 {likelihood} = {cell}{bounded}；由 {finding.rule_id} 决定。"
                       f"共 {len(findings)} 条命中。{why}")
        return (Risk(level=level, impact=impact, likelihood=likelihood, route=self.routes[level],
                     explanation=explanation, contributions=tuple(contributions)),
                self.decisions[level])


def _separate_places(findings: Sequence[Finding]) -> Counter:
    """Per top-level category, the places its findings stand: overlapping spans in one field are merged."""
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for f in findings:
        spans.setdefault((f.category.split(".", 1)[0], f.field), []).append((f.start, f.end))
    places: Counter = Counter()
    for (category, _), found in spans.items():
        end = -1
        for start, stop in sorted(found):
            if start >= end:  # a new place (adjacent spans do not overlap)
                places[category] += 1
                end = stop
            else:
                end = max(end, stop)
    return places


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> regex.Pattern:
    return regex.compile(pattern)


def _in_categories(category: str, wanted: Sequence[str]) -> bool:
    """``category`` is one of ``wanted`` or a sub-category of one (opinion.safety is in opinion).

    Answered from a cache for tuples (the matrix's lists are tuples): it runs for every finding of every
    public item, and the categories and lists are few."""
    if type(wanted) is not tuple:
        return any(category == name or category.startswith(name + ".") for name in wanted)
    return _in_categories_cached(category, wanted)


@functools.lru_cache(maxsize=4096)
def _in_categories_cached(category: str, wanted: tuple[str, ...]) -> bool:
    return any(category == name or category.startswith(name + ".") for name in wanted)


def _category_level(category: str, levels: Mapping[str, RiskLevel]) -> RiskLevel | None:
    """The level set for the most specific of ``category`` and its parents."""
    parts = category.split(".")
    for size in range(len(parts), 0, -1):
        level = levels.get(".".join(parts[:size]))
        if level is not None:
            return level
    return None


def _clip(value: int) -> int:
    return max(1, min(5, value))
