"""A persistent pool of warm worker processes that check batches for one Guard.

    guard = contentguard.load()
    with guard.pool(workers=4) as pool:          # processes start once; jieba and models load once
        for report in pool.check_batch(documents):
            ...
        for report in pool.check_batch(more_documents):   # the same warm processes
            ...

Guarantees, whatever happens to a worker:

* exactly one report per input record, in input order, streaming in bounded memory;
* a worker that dies (OOM killer, ``kill -9``, a crash in native code) is replaced, and the
  chunks it may have been working on are run again, one at a time so that a crash names its
  chunk; a chunk that fails again (``limits.yaml`` ``workers.chunk_retries``) is run record by
  record, and a record that still kills its worker gets an error report (code ``worker-died``,
  decision ``review``: nothing unchecked passes);
* an unexpected exception while checking gives error reports (code ``internal-error``) for the
  records it hit, never a lost batch;
* Ctrl-C reaches only the parent: workers ignore SIGINT, and closing the pool after an
  interrupt ends them without their tracebacks. The command line does not even unwind: its
  SIGINT handler kills the workers of every live pool (:func:`kill_live_workers`) and exits 130,
  so that no lock held by the executor at that moment can make the exit wait.

The pool is thread-compatible but not thread-safe: use one pool per thread, or serialize
``check_batch`` calls (the HTTP server wraps it in a lock or an executor).
"""

from __future__ import annotations

import gc
import os
import signal
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .document import Document
from .report import ReportError

if TYPE_CHECKING:
    from .guard import Guard
    from .report import Report

# Chunks in flight per worker: enough to keep each busy, few enough to bound memory.
_IN_FLIGHT_PER_WORKER = 3


@dataclass
class _Task:
    items: list[Any]
    future: Future | None = None
    reports: list[Report] | None = None


class WorkerPool:
    """Worker processes holding one Guard, started once and reused by every :meth:`check_batch`."""

    def __init__(self, guard: Guard, workers: int, chunk_retries: int | None = None, warm: bool = True):
        from .config.limits import default_limits

        limits = default_limits().workers
        self.guard = guard
        self.workers = max(1, workers)
        self.chunk_retries = limits.chunk_retries if chunk_retries is None else chunk_retries
        self.chunk_documents, self.chunk_characters = limits.chunk_documents, limits.chunk_characters
        self.warm = warm
        self.restarts = 0  # how many times a dead worker's pool was replaced
        self._executor: ProcessPoolExecutor | None = None
        self._start()

    # ---- life cycle ---------------------------------------------------------------------------
    def _start(self) -> None:
        self._executor = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                             initargs=(self.guard, self.warm))
        _LIVE_POOLS.add(self)

    def _restart(self) -> None:
        self.restarts += 1
        self._shutdown(kill=True)
        self._start()

    def _shutdown(self, kill: bool) -> None:
        executor, self._executor = self._executor, None
        _LIVE_POOLS.discard(self)
        if executor is None:
            return
        if kill:
            # The executor keeps its processes in a private map; ending them is the only way not to
            # wait for the chunks they are working on (after Ctrl-C, or when the pool is broken).
            for process in list(getattr(executor, "_processes", {}).values()):
                try:
                    process.kill()
                except (OSError, AttributeError):
                    pass
        executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """End the worker processes (waiting for none of their work)."""
        self._shutdown(kill=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def pids(self) -> list[int]:
        """The process ids of the live workers (started on first use)."""
        executor = self._executor
        return sorted(getattr(executor, "_processes", {}) or {}) if executor is not None else []

    # ---- work --------------------------------------------------------------------------------------
    def check_batch(self, documents: Iterable[Any], chunk_size: int | None = None) -> Iterator[Report]:
        """Reports for ``documents`` (str, dict or Document, as :meth:`Guard.check_batch`), in order."""
        if self._executor is None:
            raise RuntimeError("the worker pool is closed")
        size = chunk_size or self.chunk_documents
        pending: deque[_Task] = deque()
        try:
            for chunk in _chunks(documents, size, self.chunk_characters):
                pending.append(self._submit(chunk))
                while len(pending) >= self.workers * _IN_FLIGHT_PER_WORKER:
                    yield from self._next_result(pending)
            while pending:
                yield from self._next_result(pending)
        except GeneratorExit:  # the caller stopped reading: drop what it will not read
            for task in pending:
                if task.future is not None:
                    task.future.cancel()
            raise
        except BaseException:
            # Interrupted (Ctrl-C): do not leave workers busy with chunks nobody will read.
            if pending and self._executor is not None:
                self._restart()
            raise

    def _submit(self, chunk: list[Any]) -> _Task:
        items = [_portable(item) for item in chunk]
        task = _Task(items)
        try:
            assert self._executor is not None
            task.future = self._executor.submit(_check_in_worker, items)
        except BrokenProcessPool:
            task.future = None  # run again once the pool is replaced
        return task

    def _next_result(self, pending: deque[_Task]) -> list[Report]:
        task = pending[0]
        if task.reports is None:
            try:
                if task.future is None:
                    raise BrokenProcessPool("the pool broke before the chunk was sent")
                task.reports = task.future.result()
            except BrokenProcessPool:
                # Some worker died: every chunk in flight may have been on it. Replace the processes
                # and run those chunks again one at a time, so that a crash now names its chunk.
                self._restart()
                for suspect in pending:
                    if suspect.reports is None:
                        suspect.reports = self._run_alone(suspect.items, self.chunk_retries)
            except Exception as exc:  # noqa: BLE001 - a bug in a check must not lose the batch
                task.reports = self._run_each(task.items, f"internal error while checking: {exc!r}")
        pending.popleft()
        assert task.reports is not None
        return task.reports

    def _run_alone(self, items: list[Any], retries: int) -> list[Report]:
        for _ in range(retries):
            try:
                assert self._executor is not None
                return self._executor.submit(_check_in_worker, items).result()
            except BrokenProcessPool:
                self._restart()
            except Exception as exc:  # noqa: BLE001
                return self._run_each(items, f"internal error while checking: {exc!r}")
        return self._run_each(items, None)

    def _run_each(self, items: list[Any], problem: str | None) -> list[Report]:
        """Each record on its own: the ones that still kill a worker or raise get error reports."""
        reports: list[Report] = []
        for item in items:
            try:
                assert self._executor is not None
                reports.extend(self._executor.submit(_check_in_worker, [item]).result())
            except BrokenProcessPool:
                self._restart()
                reports.append(error_report(self.guard, item, "worker-died",
                                            "the worker process died while checking this record "
                                            f"(tried {self.chunk_retries + 1} times: out of memory, or killed)"))
            except Exception as exc:  # noqa: BLE001
                reports.append(error_report(self.guard, item, "internal-error",
                                            problem or f"internal error while checking: {exc!r}"))
        return reports


_LIVE_POOLS: weakref.WeakSet[WorkerPool] = weakref.WeakSet()


def kill_live_workers() -> bool:
    """Kill (SIGKILL) the worker processes of every open pool of this process; whether one was open.

    Safe in a signal handler: it takes no lock of the executor and waits for nothing.
    """
    pools = list(_LIVE_POOLS)
    for pool in pools:
        executor = pool._executor
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            try:
                if process.pid is not None:
                    os.kill(process.pid, signal.SIGKILL)
            except (OSError, AttributeError):
                pass
    return bool(pools)


def error_report(guard: Guard, item: Any, code: str, message: str) -> Report:
    """The report of a record that could not be checked: decision ``review``, the reason as an error."""
    report = guard._error_report(ReportError(code=code, message=message))
    record_id = _record_id(item)
    return report.model_copy(update={"id": record_id}) if record_id is not None else report


def _record_id(item: Any) -> str | None:
    if isinstance(item, tuple) and item and isinstance(item[0], Document):
        item = item[0]
    value = item.id if isinstance(item, Document) else item.get("id") if isinstance(item, dict) else None
    if value is None:
        return None
    from .engine.normalize import escape_surrogates

    return escape_surrogates(str(value))


# ---- inside a worker -------------------------------------------------------------------------------

_WORKER_GUARD: Guard | None = None


def _init_worker(guard: Guard, warm: bool) -> None:
    """Runs once in each worker: keep the Guard, leave Ctrl-C to the parent, load what is heavy now."""
    global _WORKER_GUARD
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_GUARD = guard
    if warm:
        try:  # one check loads jieba's dictionary and the models a first real chunk would wait for
            guard.check(Document(id="warm-up", body="预热：最好的产品，欢迎咨询。", kind="post"))
            guard.check(Document(id="warm-up", body="预热评论", kind="comment"))
            guard._matcher.compile_patterns()  # patterns compile on first use elsewhere; here, all now
        except Exception:  # noqa: BLE001 - a model that cannot load reports itself on real documents
            pass
    # The Guard's ~120k objects live as long as the worker: left out of the collector's full passes, which
    # otherwise walk them all each time a chunk's reports pile up (the overhead branch measured 7-12 us a text
    # with collections against 4.8 us after freezing, issue #13). The worker is ours, so its state is too.
    gc.collect()
    gc.freeze()


def _chunks(documents: Iterable[Any], size: int, characters: int) -> Iterator[list[Any]]:
    """``documents`` in lists of at most ``size`` items, each ended early once it holds ``characters``
    characters of text (a list always takes at least one item)."""
    chunk: list[Any] = []
    held = 0
    for item in documents:
        chunk.append(item)
        held += _text_length(item)
        if len(chunk) >= size or held >= characters:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def _text_length(item: Any) -> int:
    """Characters of text in one record, as far as it can be told without validating it."""
    if isinstance(item, str):
        return len(item)
    if isinstance(item, Document):
        return len(item.title or "") + len(item.body or "")
    if isinstance(item, dict):
        return sum(len(value) for value in item.values() if isinstance(value, str))
    return 0


def _portable(item: Any) -> Any:
    """What is sent to a worker for one record: strings and Documents as they are (the worker
    validates them, sparing the parent process), anything else checked here so that a record
    that cannot be pickled cannot break the pool."""
    from .guard import _coerce

    if isinstance(item, (str, Document)):
        return item
    return _coerce(item)


def _check_in_worker(chunk: list[Any]) -> list[Report]:
    from .guard import _coerce

    guard = _WORKER_GUARD
    assert guard is not None, "worker not initialised"
    coerced = [item if isinstance(item, tuple) else _coerce(item) for item in chunk]
    return guard._check_coerced(coerced)


def worker_count(requested: int) -> tuple[int, str | None]:
    """Workers to start for ``--workers requested`` (0: one per core), capped by ``limits.yaml``;
    with the message to show when the request was lowered."""
    from .config.limits import default_limits

    limits = default_limits().workers
    actual = limits.cap(requested)
    cores = os.cpu_count() or 1
    if requested > actual:
        return actual, (f"--workers {requested} lowered to {actual}: the limit is {limits.max_workers} "
                        f"(limits.yaml workers.max_workers) and twice the {cores} core(s); each worker holds "
                        f"the ruleset and models in memory")
    return actual, None
