"""The warm worker pool (contentguard.pool): reused across batches, and a worker killed with
SIGKILL (as by the OOM killer) does not end the batch: exactly one report per record, in order."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import contentguard
from contentguard import Document
from contentguard.gate import blocks

PACK = Path(__file__).parent.parent / "data" / "cli" / "pack.yaml"


class KillsItsWorker(Document):
    """A record whose unpickling ends the worker process that receives it, as a crash in native code or
    the OOM killer would: it is sent to the worker like any Document, and the worker dies for real."""

    def __reduce__(self):
        return (os._exit, (137,))


def documents(count: int, prefix: str = "d") -> list[Document]:
    return [Document(id=f"{prefix}{i}", body="全网最低价" if i % 7 == 0 else f"普通内容 {i}") for i in range(count)]


def test_pool_is_reused_across_batches_and_keeps_order():
    guard = contentguard.load(packs=[PACK])
    with guard.pool(2) as pool:
        first = list(pool.check_batch(documents(300), chunk_size=16))
        pids = pool.pids()
        second = list(pool.check_batch(documents(200, "e"), chunk_size=16))
        assert pool.pids() == pids and len(pids) == 2  # the same warm processes
    assert [r.id for r in first] == [f"d{i}" for i in range(300)]
    assert [r.id for r in second] == [f"e{i}" for i in range(200)]
    assert [bool(r.findings) for r in first] == [i % 7 == 0 for i in range(300)]


def test_a_worker_killed_mid_batch_is_replaced_and_its_chunk_retried():
    guard = contentguard.load(packs=[PACK])
    with guard.pool(2, warm=False) as pool:
        list(pool.check_batch(documents(4), chunk_size=2))  # the workers are up
        reports = []
        killed = False
        for report in pool.check_batch(documents(3000), chunk_size=8):
            reports.append(report)
            if not killed:
                os.kill(pool.pids()[0], signal.SIGKILL)
                killed = True
        assert pool.restarts >= 1
        assert [r.id for r in reports] == [f"d{i}" for i in range(3000)]
        assert all(not r.errors for r in reports)  # retried on a fresh worker: nothing lost
        assert [bool(r.findings) for r in reports] == [i % 7 == 0 for i in range(3000)]
        # the replaced pool goes on serving
        assert [r.id for r in pool.check_batch(documents(20, "z"), chunk_size=4)] == [f"z{i}" for i in range(20)]


def test_a_record_that_always_kills_its_worker_gets_an_error_report_and_the_batch_goes_on():
    guard = contentguard.load(packs=[PACK])
    batch: list = documents(40)
    batch[13] = KillsItsWorker(id="poison", body="x")
    with guard.pool(2, warm=False) as pool:
        reports = list(pool.check_batch(batch, chunk_size=8))
    assert [r.id for r in reports] == [d.id for d in batch]
    poisoned = reports[13]
    assert poisoned.decision == "review" and [e.code for e in poisoned.errors] == ["worker-died"]
    assert all(not r.errors for i, r in enumerate(reports) if i != 13)
    assert blocks(poisoned, "high")  # nothing unchecked passes a gate


def test_check_batch_with_workers_uses_a_pool_and_reports_every_record():
    guard = contentguard.load(packs=[PACK])
    items = ["全网最低价", None, 42, {"id": "x", "body": "好"}, Document(id="y", body="参与网赌")] * 30
    reports = list(guard.check_batch(items, workers=2, chunk_size=7))
    assert len(reports) == len(items)
    assert [r.decision for r in reports[:5]] == [r.decision for r in guard.check_batch(items[:5])]


def test_chunks_end_at_the_document_or_the_character_budget_and_keep_every_record():
    from contentguard.pool import _chunks

    long_posts = ["长" * 60_000] * 5
    assert [len(chunk) for chunk in _chunks(long_posts, 256, 100_000)] == [2, 2, 1]
    assert [len(chunk) for chunk in _chunks(["短"] * 600, 256, 100_000)] == [256, 256, 88]
    mixed = [{"body": "长" * 150_000}, Document(title="标题", body="正文"), "短评"]
    assert [len(chunk) for chunk in _chunks(mixed, 256, 100_000)] == [1, 2]  # one oversized record is a chunk
    assert [item for chunk in _chunks(mixed, 256, 100_000) for item in chunk] == mixed


def test_very_long_posts_go_through_the_pool_in_chunks_and_keep_their_order():
    guard = contentguard.load(packs=[PACK])
    posts = [Document(id=f"p{i}", body=("全网最低价。" if i == 3 else "") + "普通内容。" * 45_000) for i in range(6)]
    with guard.pool(2) as pool:
        reports = list(pool.check_batch(posts))
    assert [r.id for r in reports] == [f"p{i}" for i in range(6)]
    assert [bool(r.findings) for r in reports] == [i == 3 for i in range(6)]
