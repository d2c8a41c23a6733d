"""The review trail's operations: submit, decide, status, log, verify, export, prune, approval."""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..gate import PublishBlocked
from .chain import Row, SigningKey, content_hash, load_signing_key, verify_rows
from .policy import ApprovalPolicy
from .records import (
    CheckPayload,
    DecisionPayload,
    PrunePayload,
    Record,
    ReviewError,
    StageStatus,
    Submission,
    VerifyResult,
    VoidPayload,
)
from .store import ReviewStore, SubmissionIndex, Transaction, now_text

if TYPE_CHECKING:
    from ..document import Document
    from ..guard import Guard
    from ..report import Report

DECISIONS = ("approve", "reject", "request-changes")
_DECISION_STATE = {"reject": "rejected", "request-changes": "changes-requested"}


class NotApproved(PublishBlocked):
    """The document's current content lacks the approvals the review policy requires.

    ``report``: its check; ``submission``: where its review stands (None when it was never
    submitted); the message says what is missing, or the reviewer's comment when it was sent back.
    """

    def __init__(self, report: Report, submission: Submission | None, reason: str):
        self.report = report
        self.fail_on = "approval"
        self.submission = submission
        self.reason = reason
        Exception.__init__(self, reason)

    def __reduce__(self) -> tuple[Any, ...]:
        return (NotApproved, (self.report, self.submission, self.reason))


_PAYLOAD_TYPES = {"check": CheckPayload, "decision": DecisionPayload, "void": VoidPayload, "prune": PrunePayload}


@functools.lru_cache(maxsize=8192)
def _parse(kind: str, payload: str) -> Any:
    """A stored payload as its type (cached: a submission's check is read again for each decision)."""
    return _PAYLOAD_TYPES[kind].model_validate_json(payload)


def fold(rows: Sequence[Row], submission_id: str) -> Submission:
    """Where a submission stands, from its records in seq order."""
    check: CheckPayload | None = None
    check_text = ""
    first_at = last_at = None
    decisions: list[tuple[Row, DecisionPayload]] = []
    voided: list[str] = []
    for row in rows:
        at = datetime.fromisoformat(row.created_at)
        last_at = at
        if row.kind == "check":
            check, check_text = _parse("check", row.payload), row.payload
            first_at = first_at or at
        elif row.kind == "decision":
            decisions.append((row, _parse("decision", row.payload)))
        elif row.kind == "void":
            voided.append(_parse("void", row.payload).reason)
    if check is None:
        return Submission(id=submission_id, state="pruned", voided=tuple(voided), updated_at=last_at)
    current = [(row, d) for row, d in decisions
               if d.revision == check.revision and d.content_hash == check.content_hash]
    latest: dict[str, tuple[Row, DecisionPayload]] = {}
    for row, decision in current:
        latest[decision.stage] = (row, decision)
    stages = []
    for name in check.required_stages:
        if name in latest:
            row, d = latest[name]
            state = "approved" if d.decision == "approve" else _DECISION_STATE[d.decision]
            stages.append(StageStatus(stage=name, state=state, reviewer=d.reviewer, role=d.role,  # type: ignore[arg-type]
                                      comment=d.comment, at=datetime.fromisoformat(row.created_at)))
        else:
            stages.append(StageStatus(stage=name, state="waiting"))
    sent_back = [(row, d) for row, d in current if d.decision != "approve"]
    feedback = None
    if sent_back:
        row, d = sent_back[-1]
        state = _DECISION_STATE[d.decision]
        feedback = f"{d.stage} {d.reviewer}: {d.comment}" if d.comment else f"{d.stage} {d.reviewer}"
    elif all(s.state == "approved" for s in stages):
        state = "approved"
    else:
        state = "pending"
    next_stage = None if state != "pending" else next(s.stage for s in stages if s.state != "approved")
    return Submission(
        id=submission_id, document_id=check.document.get("id"), author=check.author, state=state,  # type: ignore[arg-type]
        revision=check.revision, content_hash=check.content_hash, risk_level=check.risk_level,
        categories=check.categories, required_stages=check.required_stages, stages=tuple(stages),
        next_stage=next_stage, feedback=feedback, voided=tuple(voided), findings=_findings(check_text),
        submitted_at=first_at, updated_at=last_at,
    )


_FINDING_KEYS = ("rule_id", "category", "severity", "field", "start", "end", "text", "message")


@functools.lru_cache(maxsize=8192)
def _findings(payload: str) -> tuple[dict[str, Any], ...]:
    """The findings of a check record (by its stored payload), in short."""
    check = _parse("check", payload)
    return tuple({key: f.get(key) for key in _FINDING_KEYS} for f in check.report.get("findings", ()))


def _index(submission: Submission, updated_at: str) -> SubmissionIndex:
    return SubmissionIndex(id=submission.id, document_id=submission.document_id, author=submission.author,
                           state=submission.state, revision=submission.revision,
                           content_hash=submission.content_hash, next_stage=submission.next_stage,
                           updated_at=updated_at)


def to_record(row: Row) -> Record:
    return Record(seq=row.seq, kind=row.kind, submission_id=row.submission_id,  # type: ignore[arg-type]
                  created_at=datetime.fromisoformat(row.created_at), payload=json.loads(row.payload),
                  prev_hash=row.prev_hash, hash=row.hash)


class ReviewTrail:
    """The review trail of one store under one approval policy. See the package docstring."""

    def __init__(self, store: ReviewStore | str | Path = "contentguard-review.db", guard: Guard | None = None,
                 policy: ApprovalPolicy | str | Path | None = None, key: SigningKey | str | Path | None = None):
        self.store = store if isinstance(store, ReviewStore) else ReviewStore(store)
        self._guard = guard
        self.policy = policy if isinstance(policy, ApprovalPolicy) else ApprovalPolicy.from_file(policy)
        if isinstance(key, SigningKey) or key is None:
            self.key = key if key is not None else load_signing_key()
        else:
            self.key = load_signing_key(key)

    @property
    def guard(self) -> Guard:
        if self._guard is None:
            from ..gate import _shared_default_guard

            self._guard = _shared_default_guard()
        return self._guard

    def close(self) -> None:
        self.store.close()

    # ---- submit ---------------------------------------------------------------------------------
    def submit(self, document: Document | str | Mapping[str, Any], author: str,
               submission_id: str | None = None) -> Submission:
        """Check ``document`` and record it for review: a new submission, or a new revision of the
        submission with the same ``submission_id`` / document id. Returns where it stands (its
        required stages and findings)."""
        return self.submit_many([document], author, submission_ids=[submission_id])[0]

    def submit_many(self, documents: Iterable[Document | str | Mapping[str, Any]], author: str,
                    submission_ids: Sequence[str | None] | None = None, batch_size: int = 500) -> list[Submission]:
        """Submit many documents by one author: checked in batches, each batch one transaction."""
        if not author or not str(author).strip():
            raise ReviewError("a submission needs an author (the writer the review's feedback goes to)")
        from ..guard import _coerce

        results: list[Submission] = []
        pending: list[tuple[Document, str | None]] = []
        ids = iter(submission_ids or ())
        for item in documents:
            document, problem = _coerce(item)
            if document is None:
                raise ReviewError(f"cannot submit: {problem.message if problem else 'not a document'}")
            pending.append((document, next(ids, None)))
            if len(pending) >= batch_size:
                results.extend(self._submit_batch(pending, author))
                pending = []
        if pending:
            results.extend(self._submit_batch(pending, author))
        return results

    def _submit_batch(self, items: list[tuple[Document, str | None]], author: str) -> list[Submission]:
        reports = self.guard._check_many([document for document, _ in items])
        ruleset = self.guard.ruleset
        ruleset_hash = ruleset.full_hash or ruleset.hash
        ruleset_json = ruleset.model_dump(mode="json")
        results = []
        with self.store.transaction() as tx:
            # Everything this batch may touch, read at once.
            by_id = tx.find_many(ids=[given for _, given in items if given])
            by_document = {doc_id: row.id for doc_id, row in tx.find_many(
                document_ids=[d.id for d, given in items if not given and d.id]).items()}
            histories = tx.rows_many([*by_id, *by_document.values()])
            known = set(by_id) | set(by_document.values())
            count = tx.count_submissions()
            taken = set(tx.find_many(ids=[f"S{count + i}" for i in range(1, len(items) + 1)]))
            index: dict[str, SubmissionIndex] = {}   # submissions touched in this batch
            new_ids: set[str] = set()
            for (document, given_id), report in zip(items, reports, strict=True):
                doc_json = document.model_dump(mode="json")
                digest = content_hash(doc_json)
                sid = given_id if given_id else (by_document.get(document.id) if document.id else None)
                entries: list[tuple[str, str, dict[str, Any]]] = []
                revision = 1
                if sid is not None and (sid in known or sid in index):
                    previous = fold(histories.get(sid, []), sid)
                    revision = max(previous.revision, 1)
                    if previous.content_hash is not None and previous.content_hash != digest:
                        revision = previous.revision + 1
                        if any(s.state != "waiting" for s in previous.stages):
                            entries.append(("void", sid, self._void(histories.get(sid, []), previous, digest)))
                else:
                    if sid is None:
                        count += 1
                        while f"S{count}" in taken:
                            count += 1
                        sid = f"S{count}"
                    new_ids.add(sid)
                    known.add(sid)
                if document.id and not given_id:
                    by_document[document.id] = sid
                categories = tuple(sorted({f.category for f in report.findings}))
                check = CheckPayload(
                    document=doc_json, content_hash=digest, ruleset_hash=ruleset_hash, ruleset=ruleset_json,
                    report=report.model_dump(mode="json"), author=author, risk_level=report.risk.level,
                    categories=categories, required_stages=self.policy.required_stages(report.risk.level, categories),
                    policy_version=self.policy.version, revision=revision)
                entries.append(("check", sid, check.model_dump(mode="json")))
                rows = tx.append(entries)
                histories[sid] = [*histories.get(sid, []), *rows]
                submission = fold(histories[sid], sid)
                index[sid] = _index(submission, rows[-1].created_at)
                results.append(submission)
            tx.save_submissions([row for sid, row in index.items() if sid in new_ids], new=True)
            tx.save_submissions([row for sid, row in index.items() if sid not in new_ids], new=False)
        return results

    def _void(self, history: Sequence[Row], previous: Submission, new_hash: str) -> dict[str, Any]:
        voided = tuple(row.seq for row in history if row.kind == "decision"
                       and _parse("decision", row.payload).revision == previous.revision)
        signed = ", ".join(f"{s.stage} {s.reviewer}" for s in previous.stages if s.state != "waiting")
        reason = (f"revision {previous.revision} was edited after review ({signed}): content "
                  f"{previous.content_hash} became {new_hash}; its decisions no longer count")
        return VoidPayload(reason=reason, voided=voided, old_content_hash=previous.content_hash or "",
                           new_content_hash=new_hash).model_dump(mode="json")

    # ---- decide ---------------------------------------------------------------------------------
    def decide(self, submission_id: str, stage: str, reviewer: str, decision: str, comment: str = "",
               role: str | None = None) -> Submission:
        """Record a reviewer's decision (approve, reject, request-changes) on one stage of the
        submission's current revision; refused with ReviewError when the policy does not allow it."""
        return self.decide_many([(submission_id, stage, reviewer, decision, comment, role)])[0]

    def decide_many(self, decisions: Iterable[tuple[str, str, str, str, str, str | None]]) -> list[Submission]:
        """Several decisions ``(submission_id, stage, reviewer, decision, comment, role)`` in one
        transaction: all recorded, or (on the first refusal) none."""
        results = []
        sign = self._sign if self.key is not None else None
        decisions = list(decisions)
        with self.store.transaction() as tx:
            updated: dict[str, SubmissionIndex] = {}
            histories = tx.rows_many(d[0] for d in decisions)
            states: dict[str, Submission] = {}
            for submission_id, stage, reviewer, decision, comment, role in decisions:
                rows = histories.get(submission_id)
                if not rows:
                    raise ReviewError(f"no submission {submission_id!r} in {self.store._shown_url()}")
                current = states.get(submission_id) or fold(rows, submission_id)
                payload = self._decision(current, stage, reviewer, decision, comment or "", role)
                appended = tx.append([("decision", submission_id, payload)], sign=sign)
                rows = [*rows, *appended]
                histories[submission_id] = rows
                after = states[submission_id] = fold(rows, submission_id)
                updated[submission_id] = _index(after, appended[-1].created_at)
                results.append(after)
            tx.save_submissions(updated.values(), new=False)
        return results

    def _sign(self, submission_id: str, created_at: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert self.key is not None
        return {**payload, "signature": self.key.sign(submission_id, created_at, payload)}

    def _decision(self, current: Submission, stage: str, reviewer: str, decision: str, comment: str,
                  role: str | None) -> dict[str, Any]:
        sid = current.id
        if current.content_hash is None:
            raise ReviewError(f"submission {sid!r}: its check was pruned; submit the document again")
        if decision not in DECISIONS:
            raise ReviewError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
        if not reviewer or not reviewer.strip():
            raise ReviewError("a decision needs a reviewer's name (签字确认)")
        policy = self.policy
        policy.stage(stage)
        if stage not in current.required_stages:
            raise ReviewError(f"submission {sid}: stage {stage} is not required for it (risk "
                              f"{current.risk_level}; it needs {', '.join(current.required_stages)})")
        if current.state in ("rejected", "changes-requested"):
            raise ReviewError(f"submission {sid}: revision {current.revision} was sent back ({current.feedback}); "
                              f"the writer submits a new revision first")
        if current.state == "approved":
            raise ReviewError(f"submission {sid}: revision {current.revision} is already approved")
        done = {s.stage: s for s in current.stages}
        if done[stage].state == "approved":
            raise ReviewError(f"submission {sid}: stage {stage} is already approved by {done[stage].reviewer}")
        if policy.in_order and stage != current.next_stage:
            raise ReviewError(f"submission {sid}: stage {stage} comes after {current.next_stage}, which is "
                              f"not approved yet")
        if decision in policy.comment_required_for and not comment.strip():
            raise ReviewError(f"a {decision} needs a comment: it goes back to the writer ({current.author})")
        signer_role = policy.signer_role(stage, reviewer, role, current.author)
        return DecisionPayload(stage=stage, reviewer=reviewer, role=signer_role, decision=decision,  # type: ignore[arg-type]
                               comment=comment, content_hash=current.content_hash,
                               revision=current.revision).model_dump(mode="json", exclude={"signature"})

    def approve(self, submission_id: str, stage: str, reviewer: str, comment: str = "",
                role: str | None = None) -> Submission:
        return self.decide(submission_id, stage, reviewer, "approve", comment, role)

    def reject(self, submission_id: str, stage: str, reviewer: str, comment: str,
               role: str | None = None) -> Submission:
        return self.decide(submission_id, stage, reviewer, "reject", comment, role)

    def request_changes(self, submission_id: str, stage: str, reviewer: str, comment: str,
                        role: str | None = None) -> Submission:
        return self.decide(submission_id, stage, reviewer, "request-changes", comment, role)

    # ---- read -----------------------------------------------------------------------------------
    def status(self, submission_id: str) -> Submission:
        rows = list(self.store.rows(submission_id))
        if not rows:
            raise ReviewError(f"no submission {submission_id!r} in {self.store._shown_url()}")
        return fold(rows, submission_id)

    def submissions(self, state: str | None = None, stage: str | None = None) -> list[SubmissionIndex]:
        """Every submission (or those in ``state``, or waiting for ``stage``): the index, oldest first."""
        return self.store.submission_rows(state=state, next_stage=stage)

    def queue(self, stage: str | None = None) -> list[SubmissionIndex]:
        """Submissions waiting for a decision (at ``stage``, when given)."""
        if stage is not None:
            self.policy.stage(stage)
        return self.store.submission_rows(state="pending", next_stage=stage)

    def log(self, submission_id: str | None = None) -> Iterator[Record]:
        for row in self.store.rows(submission_id):
            yield to_record(row)

    def verify(self) -> VerifyResult:
        """Walk the whole chain: hashes, links, head, signatures (when the key is known), and the
        submissions index against the records."""
        grouped: dict[str, list[Row]] = {}
        with self.store.snapshot() as conn:

            def rows() -> Iterator[Row]:
                for row in self.store.rows(connection=conn):
                    grouped.setdefault(row.submission_id, []).append(row)
                    yield row

            head = self.store.head_now(conn)
            check = verify_rows(rows(), head, self.key)
            indexed = self.store.submission_rows(connection=conn)
        problems = list(check.problems or ())
        for index in indexed:
            history = grouped.get(index.id)
            if not history:
                continue  # all its records were pruned
            try:
                truth = fold(history, index.id)
            except ValueError as exc:
                problems.append(f"submission {index.id}: its records cannot be read ({exc})")
                continue
            if truth.state == "pruned":
                continue
            if (truth.state, truth.revision, truth.content_hash) != (index.state, index.revision, index.content_hash):
                problems.append(f"submission {index.id}: the index says {index.state} (revision {index.revision}) "
                                f"but its records say {truth.state} (revision {truth.revision}) (edited)")
        return VerifyResult(ok=not problems, records=check.records, head_seq=check.head_seq,
                            head_hash=check.head_hash, signatures_checked=check.signatures_checked,
                            signatures_unchecked=check.signatures_unchecked, problems=tuple(problems))

    # ---- export, prune --------------------------------------------------------------------------
    def export(self, out: IO[str], format: str = "jsonl", submission_id: str | None = None) -> int:
        """Write the records (every field, the payload as JSON) as JSON Lines or CSV; returns the count."""
        if format not in ("jsonl", "csv"):
            raise ReviewError(f"export format must be jsonl or csv, not {format!r}")
        fields = ("seq", "kind", "submission_id", "created_at", "payload", "prev_hash", "hash")
        writer = csv.writer(out) if format == "csv" else None
        if writer is not None:
            writer.writerow(fields)
        count = 0
        for row in self.store.rows(submission_id):
            if writer is not None:
                writer.writerow([getattr(row, name) for name in fields])
            else:
                out.write(to_record(row).model_dump_json() + "\n")
            count += 1
        return count

    def prune(self, before: datetime) -> PrunePayload | None:
        """Delete the oldest records, those made before ``before``, up to the first record that is not;
        append a prune record naming the last deleted hash, where the chain now starts. Returns it, or
        None when nothing was old enough. The policies name no retention period: the company sets one."""
        if before.tzinfo is None:
            before = before.replace(tzinfo=timezone.utc)
        with self.store.transaction() as tx:
            first = last = None
            count = 0
            last_hash = ""
            for row in self.store.rows(connection=tx.connection):
                if datetime.fromisoformat(row.created_at) >= before:
                    break
                first = row.seq if first is None else first
                last, last_hash = row.seq, row.hash
                count += 1
            if last is None or first is None:
                return None
            payload = PrunePayload(before=before.isoformat(), first_seq=first, last_seq=last, count=count,
                                   last_hash=last_hash)
            tx.delete_through(last)
            tx.append([("prune", "-", payload.model_dump(mode="json"))])
        return payload

    # ---- the gate -------------------------------------------------------------------------------
    def approval(self, document: Document | str | Mapping[str, Any]) -> Submission | None:
        """The submission this document's current content belongs to (found by document id, else by
        content hash), or None."""
        from ..guard import _coerce

        coerced, _ = _coerce(document)
        if coerced is None:
            return None
        digest = content_hash(coerced.model_dump(mode="json"))
        with self.store.snapshot() as conn:
            tx = Transaction(self.store, conn)  # reads only
            index = tx.find_submission(document_id=coerced.id) if coerced.id else None
            if index is None:
                index = tx.find_submission(content_hash=digest)
            if index is None:
                return None
            return fold(tx.rows(index.id), index.id)

    def require_approval(self, document: Document | str | Mapping[str, Any], report: Report) -> Report:
        """``report`` when the document's current content is approved; otherwise NotApproved saying why."""
        from ..guard import _coerce

        coerced, _ = _coerce(document)
        name = f"document {report.id!r}" if report.id else "document"
        if coerced is None:
            raise NotApproved(report, None, f"publish blocked: {name} could not be checked")
        digest = content_hash(coerced.model_dump(mode="json"))
        submission = self.approval(coerced)
        if submission is None:
            raise NotApproved(report, None, f"publish blocked: {name} was never submitted for review "
                                            f"(contentguard review submit)")
        where = f"submission {submission.id}"
        if submission.content_hash != digest:
            raise NotApproved(report, submission,
                              f"publish blocked: {name} changed since {where} revision {submission.revision} was "
                              f"submitted ({submission.content_hash} → {digest}); approvals do not carry over: "
                              f"submit the new revision for review")
        if submission.state == "approved":
            return report
        if submission.feedback is not None:
            raise NotApproved(report, submission, f"publish blocked: {name} was sent back to "
                                                  f"{submission.author} ({where}): {submission.feedback}")
        missing = [s.stage for s in submission.stages if s.state != "approved"]
        raise NotApproved(report, submission, f"publish blocked: {name} ({where}) lacks approval: "
                                              f"{', '.join(missing)} still to sign")


def parse_time(value: str) -> datetime:
    """A date or time as the CLI takes it (2026-12-01, 2026-12-01T08:00, with or without a zone)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ReviewError(f"{value!r} is not a date (YYYY-MM-DD or an ISO time)") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


__all__ = ["NotApproved", "ReviewTrail", "fold", "now_text", "parse_time"]
