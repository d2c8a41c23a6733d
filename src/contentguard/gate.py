"""The publishing gate for CMS pipelines: check a document, and stop it when its risk is too high.

    import contentguard
    try:
        report = contentguard.gate(document, fail_on="medium")
    except contentguard.PublishBlocked as blocked:
        send_to_review(blocked.report)
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from .errors import ContentGuardError

if TYPE_CHECKING:
    from .guard import DocumentLike, Guard
    from .report import Report

RISK_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}
THRESHOLDS = ("low", "medium", "high")
# Error codes meaning nothing of the document was checked: such a document never passes a gate.
UNCHECKED_ERRORS = frozenset({"invalid-document", "invalid-text", "worker-died", "internal-error"})


class PublishBlocked(ContentGuardError):
    """The document's risk is at or above the gate's threshold (or it could not be checked).

    ``report`` is the full report; ``fail_on`` the threshold it met.
    """

    def __init__(self, report: Report, fail_on: str):
        self.report = report
        self.fail_on = fail_on
        super().__init__(_describe(report, fail_on))

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across worker processes and task queues
        return (PublishBlocked, (self.report, self.fail_on))


def _describe(report: Report, fail_on: str) -> str:
    name = f"document {report.id!r}" if report.id else "document"
    unchecked = [e for e in report.errors if e.code in UNCHECKED_ERRORS]
    if unchecked:
        return f"publish blocked: {name} could not be checked: {unchecked[0].message}"
    shown = "; ".join(f"{f.rule_id}「{f.text}」" for f in report.findings[:5])
    more = f" and {len(report.findings) - 5} more" if len(report.findings) > 5 else ""
    return (f"publish blocked: {name} has risk {report.risk.level} (threshold {fail_on}, decision "
            f"{report.decision}): {shown}{more}")


def blocks(report: Report, fail_on: str) -> bool:
    """Whether a report's risk level is at or above ``fail_on`` (or nothing could be checked)."""
    if fail_on not in THRESHOLDS:
        raise ValueError(f"fail_on must be one of {', '.join(THRESHOLDS)}, not {fail_on!r}")
    if any(error.code in UNCHECKED_ERRORS for error in report.errors):
        return True
    return RISK_ORDER[report.risk.level] >= RISK_ORDER[fail_on]


_default_guard: Guard | None = None
_default_guard_lock = threading.Lock()


def _shared_default_guard() -> Guard:
    """The shipped default ruleset, compiled once per process on first use."""
    global _default_guard
    if _default_guard is None:
        with _default_guard_lock:
            if _default_guard is None:
                from .guard import load

                _default_guard = load()
    return _default_guard


def gate(document: DocumentLike, fail_on: str = "medium", guard: Guard | None = None, *,
         store: Any = None, require_approval: bool = False) -> Report:
    """Check ``document`` and return its report, or raise :class:`PublishBlocked` carrying it.

    ``fail_on``: the lowest risk level that blocks ("low", "medium" or "high"). ``guard``: the
    compiled ruleset to use; the shipped defaults (compiled once per process) when None. A
    document that could not be checked at all (not a document, undecodable text) is blocked:
    nothing passes the gate unseen.

    ``require_approval=True`` with ``store`` (a ``contentguard.review.ReviewTrail``): the document's
    current content must carry every approval the review policy requires, which then stands in for
    ``fail_on`` (the reviewers saw the findings); otherwise ``review.NotApproved`` (a PublishBlocked)
    says what is missing, or carries the reviewer's comment back when it was sent back.
    """
    if fail_on not in THRESHOLDS:
        raise ValueError(f"fail_on must be one of {', '.join(THRESHOLDS)}, not {fail_on!r}")
    if require_approval and store is None:
        raise ValueError("require_approval=True needs store= (a contentguard.review.ReviewTrail)")
    report = (guard or _shared_default_guard()).check(document)
    if require_approval:
        if any(error.code in UNCHECKED_ERRORS for error in report.errors):
            raise PublishBlocked(report, fail_on)
        return store.require_approval(document, report)
    if blocks(report, fail_on):
        raise PublishBlocked(report, fail_on)
    return report
