"""Stage 6 — report: the public result types, pydantic models with stable JSON."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .document import Field as DocumentField
from .score import Sentiment

Decision = Literal["pass", "review", "block"]
RiskLevel = Literal["none", "low", "medium", "high"]
# How a hit was found: the text as written, after folding (traditional, full width, case),
# only by skipping inserted noise characters, or by a pattern and a passed checksum.
Evidence = Literal["exact", "folded", "obfuscated", "pattern", "validated", "combination"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


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
    clause: str = ""
    pack: str = ""
    # The normalized term or pattern text that matched (what the rule knows it as).
    matched: str = ""
    evidence: Evidence = "exact"
    confidence: float = 1.0


class ReportError(_Frozen):
    """Something that kept part of a document from being checked (the batch goes on)."""

    code: str
    message: str
    rule_id: str | None = None


class RulesetInfo(_Frozen):
    version: str
    hash: str
    packs: tuple[str, ...] = ()


class RiskCell(_Frozen):
    """What put the report in its matrix cell."""

    impact: int
    likelihood: int
    level: RiskLevel


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
    decision: Decision
    findings: tuple[Finding, ...] = ()
    errors: tuple[ReportError, ...] = ()
    risk: Risk
    sentiment: Sentiment | None = None
    ruleset: RulesetInfo

    @property
    def max_severity(self) -> int:
        return max((f.severity for f in self.findings), default=0)

    def categories(self) -> set[str]:
        """Top-level categories found (``sensitive.gambling`` counts as ``sensitive``)."""
        return {f.category.split(".", 1)[0] for f in self.findings}
