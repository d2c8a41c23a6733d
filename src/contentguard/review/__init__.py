"""The review trail: 自审 → 初审 → 复审 → 终审, kept as tamper-evident records in a database.

The policies ask for it: 「所有发布的内容均需经过审核方可上线」, 「撰稿人自审、运营团队初审、审核人员终审」,
「对审核结果签字确认，并留存审核记录」, 「审核过程应有记录可查」 (see ``rules/review_policy.yaml``).

    from contentguard.review import ReviewTrail

    trail = ReviewTrail("reviews.db")               # a SQLite file; or "postgresql+psycopg://user@host/db"
    sub = trail.submit(document, author="王芳")      # checks it; sub.id, sub.required_stages, sub.findings
    trail.approve(sub.id, "自审", "王芳")            # the writer's own check (role "author")
    trail.approve(sub.id, "初审", "李雷", role="运营")
    trail.reject(sub.id, "复审", "韩梅", "第二段数据需注明来源", role="市场部")
    trail.status(sub.id)                             # Submission: state, stages, next_stage, feedback
    trail.queue("初审")                              # submissions waiting for that stage
    trail.log(sub.id)                                # its records, oldest first
    trail.verify()                                   # VerifyResult: ok, problems, head hash
    contentguard.gate(document, store=trail, require_approval=True)   # the report, or NotApproved

- ``submit`` checks the document with the trail's Guard (the shipped rules unless one is given) and
  records the check: the document, its content hash, the full ruleset hash, the report and the time. A
  document whose id (or given ``submission_id``) was submitted before becomes a new revision; when its
  content changed, the decisions on the old content are voided by a record that says why.
- ``decide`` (``approve``, ``reject``, ``request_changes``) records a reviewer's decision on one stage
  of the current revision. The policy decides which stages are required (risk level and categories),
  their order and who may sign them (by role); a refusal is a ``ReviewError`` naming the reason. A
  reject or request for changes carries its comment back to the writer (``Submission.feedback``).
- Records are append-only and hash-chained (``chain.py``); ``verify`` finds any edited, deleted or
  reordered record. With a signing key (``CONTENTGUARD_REVIEW_KEY`` or a key file) each sign-off also
  carries an HMAC signature.
- ``export(out, "jsonl"|"csv")`` writes the records; ``prune(before)`` deletes the oldest ones and
  leaves a record anchoring the chain where it now starts.
- Everything is plain JSON in the database: no pickle.
"""

from .chain import SigningKey, content_hash, load_signing_key
from .policy import ApprovalPolicy, Stage
from .records import Record, ReviewError, StageStatus, Submission, VerifyResult
from .store import ReviewStore, SubmissionIndex
from .trail import NotApproved, ReviewTrail, parse_time

__all__ = [
    "ApprovalPolicy", "NotApproved", "Record", "ReviewError", "ReviewStore", "ReviewTrail", "SigningKey",
    "Stage", "StageStatus", "Submission", "SubmissionIndex", "VerifyResult", "content_hash", "load_signing_key",
    "parse_time",
]
