"""Counters and a latency histogram in the Prometheus text exposition format (version 0.0.4).

Written here rather than taken from ``prometheus_client``: three metric families are a few dozen
lines, and that library's multi-process mode shares a directory of mmapped files between the
workers, while each worker of ``contentguard serve`` keeps its own state (nothing mutable is
shared). Every series carries a ``worker`` label (the process id), so a scrape shows which worker
answered and sums across workers stay correct.
"""

from __future__ import annotations

import os
import threading
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(pairs: Iterable[tuple[str, str]]) -> str:
    inside = ",".join(f'{name}="{_escape(str(value))}"' for name, value in pairs)
    return "{" + inside + "}" if inside else ""


def _number(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class Metrics:
    """One worker's request, latency and decision counts; safe to update from many threads."""

    def __init__(self, buckets: Sequence[float], ruleset_version: str, ruleset_hash: str):
        self._buckets = tuple(buckets)
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, str, str]] = Counter()
        self._latency_counts: dict[str, list[int]] = {}
        self._latency_sums: Counter[str] = Counter()
        self._decisions: Counter[str] = Counter()
        self._documents = 0
        self._worker = str(os.getpid())
        self._ruleset = (ruleset_version, ruleset_hash)
        self._started = time.time()

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        index = bisect_left(self._buckets, seconds)
        with self._lock:
            self._requests[(method, route, str(status))] += 1
            counts = self._latency_counts.setdefault(route, [0] * (len(self._buckets) + 1))
            counts[index] += 1
            self._latency_sums[route] += seconds

    def observe_decisions(self, decisions: Iterable[str]) -> None:
        with self._lock:
            for decision in decisions:
                self._decisions[decision] += 1
                self._documents += 1

    def render(self) -> str:
        worker = ("worker", self._worker)
        with self._lock:
            requests = sorted(self._requests.items())
            latency = {route: list(counts) for route, counts in sorted(self._latency_counts.items())}
            sums = dict(self._latency_sums)
            decisions = sorted(self._decisions.items())
            documents = self._documents
        lines = [
            "# HELP contentguard_requests_total HTTP requests answered, by method, route and status.",
            "# TYPE contentguard_requests_total counter",
        ]
        for (method, route, status), count in requests:
            labels = _labels([worker, ("method", method), ("route", route), ("status", status)])
            lines.append(f"contentguard_requests_total{labels} {count}")
        lines += [
            "# HELP contentguard_request_duration_seconds Time from request to the end of the answer, by route.",
            "# TYPE contentguard_request_duration_seconds histogram",
        ]
        for route, counts in latency.items():
            cumulative = 0
            for bound, count in zip((*self._buckets, float("inf")), counts, strict=True):
                cumulative += count
                labels = _labels([worker, ("route", route), ("le", _number(bound))])
                lines.append(f"contentguard_request_duration_seconds_bucket{labels} {cumulative}")
            labels = _labels([worker, ("route", route)])
            lines.append(f"contentguard_request_duration_seconds_sum{labels} {sums[route]!r}")
            lines.append(f"contentguard_request_duration_seconds_count{labels} {cumulative}")
        lines += [
            "# HELP contentguard_decisions_total Documents checked, by the decision of their report.",
            "# TYPE contentguard_decisions_total counter",
        ]
        for decision, count in decisions:
            lines.append(f"contentguard_decisions_total{_labels([worker, ('decision', decision)])} {count}")
        ruleset = _labels([worker, ("version", self._ruleset[0]), ("hash", self._ruleset[1])])
        lines += [
            "# HELP contentguard_documents_checked_total Documents checked.",
            "# TYPE contentguard_documents_checked_total counter",
            f"contentguard_documents_checked_total{_labels([worker])} {documents}",
            "# HELP contentguard_ruleset_info The ruleset this worker compiled at start.",
            "# TYPE contentguard_ruleset_info gauge",
            f"contentguard_ruleset_info{ruleset} 1",
            "# HELP contentguard_start_time_seconds When this worker started (Unix time).",
            "# TYPE contentguard_start_time_seconds gauge",
            f"contentguard_start_time_seconds{_labels([worker])} {self._started!r}",
        ]
        return "\n".join(lines) + "\n"
