"""The review trail's types: what is recorded and what a submission's state is.

Every record is plain JSON (pydantic models with a stable dump), never a pickle. A record's
``payload`` is one of :class:`CheckPayload`, :class:`DecisionPayload`, :class:`VoidPayload` or
:class:`PrunePayload`, chosen by ``kind``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import ContentGuardError

RecordKind = Literal["check", "decision", "void", "prune"]
DecisionKind = Literal["approve", "reject", "request-changes"]
SubmissionState = Literal["pending", "approved", "rejected", "changes-requested", "pruned"]


class ReviewError(ContentGuardError):
    """A review operation was refused: unknown submission, a stage out of order, a role that may
    not sign, a store that cannot be opened. The message says which and why."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CheckPayload(_Frozen):
    """One check of one revision of a document: what was checked, by which rules, with what result."""

    document: dict[str, Any]                 # the Document as JSON
    content_hash: str                        # sha256 of what is published (see chain.content_hash)
    ruleset_hash: str                        # the full ruleset hash: packs, matrix, configuration, models
    ruleset: dict[str, Any]                  # RulesetInfo as JSON (version, short hash, packs)
    report: dict[str, Any]                   # the Report as JSON
    author: str
    risk_level: str
    categories: tuple[str, ...] = ()
    required_stages: tuple[str, ...] = ()
    policy_version: str = ""
    revision: int = 1


class DecisionPayload(_Frozen):
    """A reviewer's sign-off on one stage of one revision (its content hash)."""

    stage: str
    reviewer: str
    role: str | None = None
    decision: DecisionKind
    comment: str = ""
    content_hash: str
    revision: int = 1
    # "hmac-sha256:<key id>:<hex>" over the decision's fields when a signing key is configured.
    signature: str | None = None


class VoidPayload(_Frozen):
    """Decisions that no longer count, and why (the content changed after they were given)."""

    reason: str
    voided: tuple[int, ...]                   # the seq numbers of the decisions voided
    old_content_hash: str
    new_content_hash: str


class PrunePayload(_Frozen):
    """Records before ``before`` were removed; the chain goes on from ``last_hash`` (the anchor)."""

    before: str
    first_seq: int
    last_seq: int
    count: int
    last_hash: str


class Record(_Frozen):
    """One link of the chain. ``hash`` covers every other field; ``prev_hash`` is the hash of the
    record before it (``GENESIS`` for the first)."""

    seq: int
    kind: RecordKind
    submission_id: str
    created_at: datetime
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class StageStatus(_Frozen):
    stage: str
    state: Literal["approved", "rejected", "changes-requested", "waiting"]
    reviewer: str | None = None
    role: str | None = None
    comment: str = ""
    at: datetime | None = None


class Submission(_Frozen):
    """Where a submission stands, worked out from its records (the records are the truth)."""

    id: str
    document_id: str | None = None
    author: str = ""
    state: SubmissionState
    revision: int = 0
    content_hash: str | None = None
    risk_level: str | None = None
    categories: tuple[str, ...] = ()
    required_stages: tuple[str, ...] = ()
    stages: tuple[StageStatus, ...] = ()
    next_stage: str | None = None
    # The reviewer's word back to the writer when the current revision was rejected or sent
    # back: 「应及时反馈给内容创作者进行修改，直至审核通过」.
    feedback: str | None = None
    # Why earlier approvals stopped counting (the content changed after them).
    voided: tuple[str, ...] = ()
    findings: tuple[dict[str, Any], ...] = ()
    submitted_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def approved(self) -> bool:
        return self.state == "approved"


class VerifyResult(_Frozen):
    """What ``verify`` found: ok, or every problem with the seq of the record it concerns."""

    ok: bool
    records: int
    head_seq: int | None = None
    head_hash: str | None = None
    signatures_checked: int = 0
    signatures_unchecked: int = 0
    problems: tuple[str, ...] = Field(default_factory=tuple)
