"""Stage 6 — report: the public result types, pydantic models with stable JSON."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .document import Field as DocumentField
from .document import Voice

#: Sentiment labels, in the order of the model's probability columns.
LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
SentimentLabel = Literal["negative", "neutral", "positive"]
Decision = Literal["pass", "review", "block"]
RiskLevel = Literal["none", "low", "medium", "high"]
# How a hit was found: the text as written, after folding (traditional, full width, case),
# only by skipping inserted noise characters, or by a pattern and a passed checksum; "model": a learned
# classifier's probability (then the finding's confidence).
Evidence = Literal["exact", "folded", "obfuscated", "pattern", "validated", "combination", "model"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Sentiment(_Frozen):
    """Sentiment of one text: the most probable label and the probability of every label."""

    label: SentimentLabel
    scores: dict[str, float]

    @field_validator("scores")
    @classmethod
    def _three_labels_summing_to_one(cls, scores: dict[str, float]) -> dict[str, float]:
        if set(scores) != set(LABELS):
            raise ValueError(f"scores must have exactly the keys {LABELS}, got {sorted(scores)}")
        if any(not 0.0 <= value <= 1.0 for value in scores.values()):
            raise ValueError(f"scores must lie in [0, 1], got {scores}")
        if abs(sum(scores.values()) - 1.0) > 1e-6:
            raise ValueError(f"scores must sum to 1, got {sum(scores.values())}")
        return scores


class FindingContext(_Frozen):
    """Why the words around a hit made it count (or not): the context stage's explanation."""

    # What the words do: e.g. claim, promote, threaten, insult, or only mention / quote / report / ordinal.
    label: str
    # Probability that the hit is a violation in this context (feeds likelihood).
    score: float = Field(ge=0.0, le=1.0)
    # The rule's confidence before the context decided.
    confidence_before: float = 1.0
    # The deciding words and cues, in plain language, for the reviewer.
    reason: str = ""
    cues: tuple[str, ...] = ()


class Finding(_Frozen):
    rule_id: str
    category: str
    severity: int = Field(ge=1, le=5)
    field: DocumentField
    start: int
    end: int
    text: str
    message: str
    suggestion: str = ""
    # Words that can stand in place of the text as written (a lexicon term's replacement).
    replacement: str | None = None
    clause: str = ""
    pack: str = ""
    # The normalized term or pattern text that matched (what the rule knows it as).
    matched: str = ""
    evidence: Evidence = "exact"
    confidence: float = 1.0
    # Who spoke (the document's voice) and what the context made of the hit; optional, so older JSON loads.
    voice: Voice | None = None
    context: FindingContext | None = None
    # Obfuscations seen in the matched text: noise, number-style, pinyin, homophone, lookalike, repeat.
    obfuscation: tuple[str, ...] = ()


class ReportError(_Frozen):
    """Something that kept part of a document from being checked (the batch goes on)."""

    code: str
    message: str
    rule_id: str | None = None


class RulesetInfo(_Frozen):
    version: str
    hash: str  # a short fingerprint of the packs, matrix and settings, for reports
    packs: tuple[str, ...] = ()
    # The full SHA-256 of everything that decides a report: settings, packs, matrix, the whole
    # configuration and every shipped model's header (which pins its arrays' checksums).
    full_hash: str | None = None


class Risk(_Frozen):
    level: RiskLevel
    impact: int
    likelihood: int
    route: str
    explanation: str
    contributions: tuple[str, ...] = ()


class Report(_Frozen):
    id: str | None = None
    kind: str = "post"
    platform: str | None = None
    voice: Voice | None = None
    decision: Decision
    findings: tuple[Finding, ...] = ()
    # Hits the context stage judged harmless here (an ordinal, a name, a question, a quote …), each with
    # its context and reason: not findings, not graded, but never hidden.
    context_dropped: tuple[Finding, ...] = ()
    errors: tuple[ReportError, ...] = ()
    risk: Risk
    sentiment: Sentiment | None = None
    ruleset: RulesetInfo
    # What the public says, classed the plan's way (互动、咨询、投诉、建设性意见、无关; None for the
    # company's own documents), and how soon it must be answered (JSON: an ISO 8601 duration, PT2H).
    triage: str | None = None
    deadline: timedelta | None = None

    def categories(self) -> set[str]:
        """Top-level categories found (``sensitive.gambling`` counts as ``sensitive``)."""
        return {f.category.split(".", 1)[0] for f in self.findings}

    @classmethod
    def _trusted(cls, **fields) -> Report:
        """The pipeline's own report, every field given and every value already of its type (validated parts,
        tuples, literals the engine chose): the object ``Report(**fields)`` gives, built without validating
        again (1.1 instead of 2.6 µs a report, most of the cost a text without a hit has outside the stages,
        issue #13). What ``model_construct`` does, without its defaults pass (4.9 µs). A missing field is a
        KeyError; tests/test_batch.py holds it equal to the validated report."""
        report = cls.__new__(cls)
        _set = object.__setattr__
        _set(report, "__dict__", {name: fields[name] for name in _REPORT_FIELDS})
        _set(report, "__pydantic_fields_set__", set(_REPORT_FIELDS))
        _set(report, "__pydantic_extra__", None)
        _set(report, "__pydantic_private__", None)
        return report


_REPORT_FIELDS: tuple[str, ...] = tuple(Report.model_fields)


class BrandMention(_Frozen):
    """A document that names a watched brand, with its sentiment and risk (舆情 monitoring)."""

    id: str | None
    brands: tuple[str, ...]
    sentiment: str | None
    level: RiskLevel


class BatchSummary(_Frozen):
    """What a batch of reports adds up to: the monitoring view of a comment stream."""

    documents: int = 0
    decisions: dict[str, int] = Field(default_factory=dict)
    levels: dict[str, int] = Field(default_factory=dict)
    categories: dict[str, int] = Field(default_factory=dict)
    sentiments: dict[str, int] = Field(default_factory=dict)
    errors: int = 0
    brand_mentions: int = 0
    negative_brand_mentions: int = 0
    # Negative brand mentions at medium or high risk: the ones the policy escalates.
    escalated_brand_mentions: tuple[BrandMention, ...] = ()


BRAND_CATEGORY = "brand-mention"


class SummaryBuilder:
    """Adds up reports one at a time (a stream of any length), then builds the BatchSummary.

    Takes anything shaped like a Report (``id``, ``decision``, ``risk``, ``findings``,
    ``sentiment``, ``errors``): the command line feeds it its per-file results.
    """

    def __init__(self) -> None:
        self._decisions: Counter[str] = Counter()
        self._levels: Counter[str] = Counter()
        self._categories: Counter[str] = Counter()
        self._sentiments: Counter[str] = Counter()
        self._documents = self._errors = self._mentions = self._negative = 0
        self._escalated: list[BrandMention] = []

    def add(self, report: Report) -> None:
        self._documents += 1
        self._decisions[report.decision] += 1
        self._levels[report.risk.level] += 1
        self._errors += bool(report.errors)
        self._categories.update({f.category.split(".", 1)[0] for f in report.findings})
        if report.sentiment is not None:
            self._sentiments[report.sentiment.label] += 1
        brands = tuple(dict.fromkeys(f.text for f in report.findings if f.category == BRAND_CATEGORY))
        if not brands:
            return
        self._mentions += 1
        if report.sentiment is not None and report.sentiment.label == "negative":
            self._negative += 1
            if report.risk.level in ("medium", "high"):
                self._escalated.append(BrandMention(id=report.id, brands=brands, sentiment="negative",
                                                    level=report.risk.level))

    def build(self) -> BatchSummary:
        return BatchSummary(documents=self._documents, decisions=dict(self._decisions), levels=dict(self._levels),
                            categories=dict(self._categories), sentiments=dict(self._sentiments),
                            errors=self._errors, brand_mentions=self._mentions,
                            negative_brand_mentions=self._negative, escalated_brand_mentions=tuple(self._escalated))


def summarize(reports: Iterable[Report]) -> BatchSummary:
    """Count decisions, levels, categories and sentiment, and list escalated negative brand mentions."""
    builder = SummaryBuilder()
    for report in reports:
        builder.add(report)
    return builder.build()
