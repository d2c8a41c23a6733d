"""The hash chain and the sign-off signatures.

Each record's hash is the SHA-256 of its sequence number, kind, submission, time, payload (canonical
JSON, exactly as stored) and the previous record's hash. Editing a record changes its hash; deleting
or reordering records breaks the link to the next one; deleting the newest record leaves the store's
head (kept beside the records, updated in the same transaction) pointing at a record that is gone.

Someone who can write to the database *and* recompute hashes can rewrite the whole chain: publish
the head hash that ``verify`` prints (a ticket, an e-mail) to pin it. Reviewers' sign-offs can also be
signed with an HMAC key (``CONTENTGUARD_REVIEW_KEY`` or a key file) that the database never holds:
without the key, a forged or altered sign-off fails ``verify``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .records import ReviewError

GENESIS = "sha256:" + "0" * 64
KEY_ENV = "CONTENTGUARD_REVIEW_KEY"
KEY_FILE_ENV = "CONTENTGUARD_REVIEW_KEY_FILE"
# The fields of a decision that its signature covers (with the submission and the time).
SIGNED_FIELDS = ("stage", "reviewer", "role", "decision", "comment", "content_hash", "revision")
# The parts of a Document that are published: a change to any of them is a new revision.
CONTENT_FIELDS = ("title", "body", "kind", "platform", "voice")


def canonical_json(value: Any) -> str:
    """One text for one value: sorted keys, no spaces, UTF-8 kept (control characters escaped)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(document: Mapping[str, Any]) -> str:
    """The hash of what a document publishes (title, body, kind, platform, voice); its id, author and
    time are not content."""
    return sha256_text(canonical_json({name: document.get(name) for name in CONTENT_FIELDS}))


@dataclass(frozen=True)
class Row:
    """A record as stored: every field as text, exactly what the hash covers."""

    seq: int
    kind: str
    submission_id: str
    created_at: str
    payload: str
    prev_hash: str
    hash: str


def record_hash(seq: int, kind: str, submission_id: str, created_at: str, payload: str, prev_hash: str) -> str:
    # The unit separator cannot occur unescaped in any field: the payload is JSON (control characters
    # escaped), the others are ids, names and times.
    material = "\x1f".join((str(seq), kind, submission_id, created_at, payload, prev_hash))
    return sha256_text(material)


def row_hash(row: Row) -> str:
    return record_hash(row.seq, row.kind, row.submission_id, row.created_at, row.payload, row.prev_hash)


# ---- signing ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SigningKey:
    """An HMAC-SHA256 key for sign-offs. ``key_id`` (8 hex digits of its hash) is stored with each
    signature so ``verify`` knows which key made it; the key itself never enters the database."""

    secret: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"contentguard-review-key\x00" + self.secret).hexdigest()[:8]

    def sign(self, submission_id: str, created_at: str, fields: Mapping[str, Any]) -> str:
        mac = hmac.new(self.secret, _signed_message(submission_id, created_at, fields), hashlib.sha256)
        return f"hmac-sha256:{self.key_id}:{mac.hexdigest()}"

    def check(self, signature: str, submission_id: str, created_at: str, fields: Mapping[str, Any]) -> bool:
        return hmac.compare_digest(signature, self.sign(submission_id, created_at, fields))

    def __repr__(self) -> str:  # never show the secret
        return f"SigningKey(key_id={self.key_id!r})"


def _signed_message(submission_id: str, created_at: str, fields: Mapping[str, Any]) -> bytes:
    body = {name: fields.get(name) for name in SIGNED_FIELDS}
    return canonical_json({"submission_id": submission_id, "created_at": created_at, **body}).encode("utf-8")


def load_signing_key(key_file: str | Path | None = None, environ: Mapping[str, str] | None = None
                     ) -> SigningKey | None:
    """The sign-off key: the file given, else ``$CONTENTGUARD_REVIEW_KEY`` (the key as text), else the
    file named by ``$CONTENTGUARD_REVIEW_KEY_FILE``; None when none is set (sign-offs unsigned)."""
    env = os.environ if environ is None else environ
    if key_file is None and env.get(KEY_ENV):
        return SigningKey(env[KEY_ENV].encode("utf-8"))
    path = key_file if key_file is not None else env.get(KEY_FILE_ENV) or None
    if path is None:
        return None
    try:
        secret = Path(path).read_bytes().strip()
    except OSError as exc:
        raise ReviewError(f"review signing key file {path}: cannot be read ({exc.strerror or exc})") from None
    if len(secret) < 16:
        raise ReviewError(f"review signing key file {path}: the key is shorter than 16 bytes")
    return SigningKey(secret)


# ---- verification ----------------------------------------------------------------------------------

@dataclass
class ChainCheck:
    """The outcome of walking the chain."""

    records: int = 0
    head_seq: int | None = None
    head_hash: str | None = None
    signatures_checked: int = 0
    signatures_unchecked: int = 0
    problems: list[str] | None = None

    def __post_init__(self) -> None:
        if self.problems is None:
            self.problems = []


def verify_rows(rows: Iterable[Row], head: tuple[int, str] | None, key: SigningKey | None = None) -> ChainCheck:
    """Walk the records in seq order: every hash recomputed, every link and number checked, the last
    record compared with the stored head, and each signature checked when ``key`` is given.

    The chain may begin after a prune: then its first record links to the anchor the newest prune
    record names (the hash of the last pruned record).
    """
    check = ChainCheck()
    problems = check.problems
    assert problems is not None
    previous: Row | None = None
    anchors: dict[int, str] = {}  # first seq after a prune -> the pruned chain's last hash
    first: Row | None = None
    for row in rows:
        check.records += 1
        if row_hash(row) != row.hash:
            problems.append(f"record {row.seq}: its contents do not match its hash (edited)")
        if previous is None:
            first = row
        else:
            if row.seq != previous.seq + 1:
                problems.append(f"record {row.seq}: follows record {previous.seq} (records "
                                f"{previous.seq + 1}-{row.seq - 1} missing or reordered)")
            if row.prev_hash != previous.hash:
                problems.append(f"record {row.seq}: does not link to record {previous.seq} "
                                f"(a record before it was edited, deleted or moved)")
        if row.kind == "prune":
            try:
                payload = json.loads(row.payload)
                anchors[int(payload["last_seq"]) + 1] = str(payload["last_hash"])
            except (ValueError, KeyError, TypeError):
                problems.append(f"record {row.seq}: a prune record without a readable anchor")
        if row.kind == "decision":
            _check_signature(row, key, check)
        previous = row
    if first is not None:
        if first.seq == 1:
            if first.prev_hash != GENESIS:
                problems.append("record 1: does not start the chain (edited)")
        elif anchors.get(first.seq) != first.prev_hash:
            problems.append(f"record {first.seq}: the chain starts here but no prune record anchors it "
                            f"(records before it deleted)")
    if previous is None:
        if head is not None:
            problems.append(f"the store's head names record {head[0]}, but there are no records (deleted)")
    else:
        check.head_seq, check.head_hash = previous.seq, previous.hash
        if head is None:
            problems.append("the store has records but no head (edited)")
        elif head != (previous.seq, previous.hash):
            problems.append(f"the store's head names record {head[0]}, but the last record is {previous.seq} "
                            f"(records deleted or the head edited)")
    return check


def _check_signature(row: Row, key: SigningKey | None, check: ChainCheck) -> None:
    try:
        payload = json.loads(row.payload)
    except ValueError:
        check.problems.append(f"record {row.seq}: its payload is not JSON")  # type: ignore[union-attr]
        return
    signature = payload.get("signature") if isinstance(payload, dict) else None
    if not signature:
        return
    if key is None or not str(signature).startswith(f"hmac-sha256:{key.key_id}:"):
        check.signatures_unchecked += 1
        return
    check.signatures_checked += 1
    if not key.check(str(signature), row.submission_id, row.created_at, payload):
        check.problems.append(f"record {row.seq}: the sign-off's signature does not match (forged or altered)")  # type: ignore[union-attr]
