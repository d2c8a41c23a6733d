"""verify finds every single edited, deleted or reordered record, in memory and in both databases."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from contentguard.review import ReviewTrail, SigningKey
from contentguard.review.chain import GENESIS, Row, record_hash, verify_rows


def chain(n: int) -> list[Row]:
    rows, previous = [], GENESIS
    for seq in range(1, n + 1):
        payload = json.dumps({"n": seq, "text": "审核"}, ensure_ascii=False)
        at = f"2026-12-07T00:00:{seq:02d}.000000+00:00"
        digest = record_hash(seq, "check", f"S{seq % 3}", at, payload, previous)
        rows.append(Row(seq, "check", f"S{seq % 3}", at, payload, previous, digest))
        previous = digest
    return rows


def head(rows: list[Row]) -> tuple[int, str]:
    return rows[-1].seq, rows[-1].hash


FIELDS = ("seq", "kind", "submission_id", "created_at", "payload", "prev_hash", "hash")


@st.composite
def tampered(draw):
    """A chain, its stored head, and one edit, deletion or reordering of its records."""
    rows = chain(draw(st.integers(2, 12)))
    stored_head = head(rows)
    action = draw(st.sampled_from(["edit", "delete", "swap", "move"]))
    i = draw(st.integers(0, len(rows) - 1))
    if action == "edit":
        field = draw(st.sampled_from(FIELDS))
        old = getattr(rows[i], field)
        if field == "seq":
            new = draw(st.integers(0, 100).filter(lambda v: v != old))
        else:
            new = draw(st.text(min_size=0, max_size=8).filter(lambda v: v != old))
        rows[i] = dataclasses.replace(rows[i], **{field: new})
    elif action == "delete":
        del rows[i]
    elif action == "swap":  # two records exchange their places (and numbers)
        j = draw(st.integers(0, len(rows) - 1).filter(lambda v: v != i))
        a, b = rows[i], rows[j]
        rows[i], rows[j] = dataclasses.replace(b, seq=a.seq), dataclasses.replace(a, seq=b.seq)
    else:  # a record moved elsewhere in the order, numbers kept
        j = draw(st.integers(0, len(rows) - 1).filter(lambda v: v != i))
        rows.insert(j, rows.pop(i))
    return rows, stored_head


def test_an_untouched_chain_verifies():
    rows = chain(10)
    assert verify_rows(rows, head(rows)).problems == []


@settings(max_examples=400, deadline=None)
@given(tampered())
def test_every_single_tampering_is_found(case):
    rows, stored_head = case
    assert verify_rows(rows, stored_head).problems


# ---- in the databases ------------------------------------------------------------------------------

@pytest.fixture
def filled(db_url, review_guard):
    trail = ReviewTrail(db_url, guard=review_guard, key=SigningKey(b"0123456789abcdef-test-key"))
    for i in range(3):
        sub = trail.submit(f"第{i}篇：全网最低价", author="王芳")
        trail.approve(sub.id, "自审", "王芳")
    yield trail
    trail.close()


def _sql(trail: ReviewTrail, statement: str, **params) -> None:
    with trail.store.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


@pytest.mark.parametrize("tamper", [
    "UPDATE review_records SET payload = replace(payload, '最低价', '最高价') WHERE seq = 1",
    "UPDATE review_records SET created_at = '2020-01-01T00:00:00.000000+00:00' WHERE seq = 3",
    "UPDATE review_records SET submission_id = 'S9' WHERE seq = 4",
    "DELETE FROM review_records WHERE seq = 2",
    "DELETE FROM review_records WHERE seq = 1",
    "DELETE FROM review_records WHERE seq = 6",
    "UPDATE review_records SET seq = -1 WHERE seq = 3; UPDATE review_records SET seq = 3 WHERE seq = 5; "
    "UPDATE review_records SET seq = 5 WHERE seq = -1",
    "UPDATE review_submissions SET state = 'approved' WHERE id = 'S1'",
])
def test_tampering_in_the_database_is_found(filled, tamper):
    assert filled.verify().ok
    for statement in tamper.split("; "):
        _sql(filled, statement)
    result = filled.verify()
    assert not result.ok and result.problems


def test_a_forged_sign_off_fails_with_the_key_and_is_unchecked_without_it(filled, review_guard):
    result = filled.verify()
    assert result.ok and result.signatures_checked == 3
    # Someone rewrites a decision's reviewer and recomputes the whole chain, but has no key.
    with filled.store.engine.begin() as conn:
        rows = [Row(*r) for r in conn.execute(sa.text("SELECT * FROM review_records ORDER BY seq"))]
        previous = GENESIS
        for row in rows:
            payload = row.payload.replace('"王芳"', '"赵总"') if row.seq == 2 else row.payload
            digest = record_hash(row.seq, row.kind, row.submission_id, row.created_at, payload, previous)
            conn.execute(sa.text("UPDATE review_records SET payload = :p, prev_hash = :ph, hash = :h WHERE seq = :s"),
                         {"p": payload, "ph": previous, "h": digest, "s": row.seq})
            previous = digest
        conn.execute(sa.text("UPDATE review_head SET hash = :h"), {"h": previous})
    result = filled.verify()
    assert not result.ok and any("signature does not match" in p for p in result.problems)
    unkeyed = ReviewTrail(filled.store, guard=review_guard, key=None)
    unkeyed.key = None
    assert unkeyed.verify().signatures_unchecked == 3


def test_prune_leaves_an_anchor_and_the_chain_still_verifies(filled):
    later = datetime.now(timezone.utc) + timedelta(seconds=1)
    pruned = filled.prune(later)
    assert pruned is not None and pruned.count == 6 and pruned.first_seq == 1 and pruned.last_seq == 6
    records = list(filled.log())
    assert [(r.seq, r.kind) for r in records] == [(7, "prune")]
    assert records[0].payload["last_hash"] == pruned.last_hash
    assert filled.verify().ok
    sub = filled.submit("新稿件", author="王芳")
    assert sub.id == "S4"
    assert filled.verify().ok
    # A second prune removes the first prune record too; its own record anchors the chain.
    again = filled.prune(datetime.now(timezone.utc) + timedelta(seconds=1))
    assert again is not None and (again.first_seq, again.last_seq) == (7, 8)
    assert [r.kind for r in filled.log()] == ["prune"] and filled.verify().ok
    # Deleting the record right after a prune is still found.
    filled.submit("又一篇", author="王芳")
    _sql(filled, "DELETE FROM review_records WHERE seq = 10")
    assert not filled.verify().ok


def test_prune_of_nothing_old_changes_nothing(filled):
    assert filled.prune(datetime(2000, 1, 1, tzinfo=timezone.utc)) is None
    assert len(list(filled.log())) == 6


def test_export_jsonl_and_csv_hold_every_record(filled):
    out = io.StringIO()
    assert filled.export(out, "jsonl") == 6
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3, 4, 5, 6]
    assert lines[1]["payload"]["signature"].startswith("hmac-sha256:")
    out = io.StringIO()
    assert filled.export(out, "csv") == 6
    import csv

    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["kind"] for row in table] == ["check", "decision"] * 3
    assert json.loads(table[0]["payload"])["document"]["body"] == "第0篇：全网最低价"


def test_nothing_in_the_store_is_a_pickle():
    from pathlib import Path

    import contentguard.review as review

    for path in Path(review.__file__).parent.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "pickle" not in source.replace("never a pickle", "").replace("no pickle", ""), path
