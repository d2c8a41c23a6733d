"""Sliding windows over a stream, one per brand, topic or post, each with the baseline a spike is measured against.

Memory stays bounded: an item leaves every window once it is older than the window, and a key whose
window is empty and whose baseline has gone quiet is forgotten.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

LEVELS = ("none", "low", "medium", "high")
RANK = {name: rank for rank, name in enumerate(LEVELS)}


@dataclass(slots=True)
class Entry:
    """One item in a window: when (seconds), which document, and what it weighs."""

    time: float
    id: str
    negative: bool
    rank: int  # the item's risk level, 0-3


@dataclass(slots=True)
class KeyWindow:
    """The items of one brand, topic or post within the window, and its event's state."""

    by: str
    topic: str
    baseline_windows: int
    entries: deque = field(default_factory=deque)
    negative: int = 0
    # How many items in the window at each level (none, low, medium, high).
    ranks: list = field(default_factory=lambda: [0, 0, 0, 0])
    # Tumbling buckets of one window's length: negative items in the current one and the completed ones.
    bucket: int | None = None
    bucket_count: int = 0
    history: deque = field(default_factory=deque)
    # Windows elapsed since the baseline started counting (a post's own life, or the stream's).
    since: int | None = None
    # The open event: its id, level, whether the last level came from a spike, and its peak.
    event: str | None = None
    level: int = 0
    spike: bool = False
    first_at: float = 0.0
    peak: int = 0
    max_level: int = 0
    # When the window last met its event's level (a level is lowered a whole window later).
    held_at: float = 0.0
    # The baseline of the current bucket, computed once per bucket.
    _baseline: tuple | None = None

    def add(self, entry: Entry, bucket: int) -> None:
        self._advance(bucket)
        self.entries.append(entry)
        self.negative += entry.negative
        self.ranks[entry.rank] += 1
        self.bucket_count += entry.negative  # the baseline is of negative items

    def expire_one(self) -> Entry:
        entry = self.entries.popleft()
        self.negative -= entry.negative
        self.ranks[entry.rank] -= 1
        return entry

    def _advance(self, bucket: int) -> None:
        if self.bucket is None:
            self.bucket = bucket
            if self.since is None:
                self.since = bucket
            return
        if bucket <= self.bucket:
            return
        self.history.append(self.bucket_count)
        # Buckets with nothing in them count as zeros (at most a baseline's worth).
        for _ in range(min(bucket - self.bucket - 1, self.baseline_windows)):
            self.history.append(0)
        while len(self.history) > self.baseline_windows:
            self.history.popleft()
        self.bucket, self.bucket_count = bucket, 0

    def baseline(self, bucket: int) -> tuple[float, int] | None:
        cached = self._baseline
        if cached is not None and cached[0] == bucket:
            return cached[1]
        value = self._compute_baseline(bucket)
        self._baseline = (bucket, value)
        return value

    def _compute_baseline(self, bucket: int) -> tuple[float, int] | None:
        """The mean negative count of the completed windows the baseline covers, and how many; None without one."""
        start = self.since if self.since is not None else bucket
        elapsed = min(bucket - start, self.baseline_windows)
        if elapsed < 1:
            return None
        # The history holds the windows since this key's state began; earlier ones in the span were empty.
        completed = list(self.history)[-elapsed:]
        if self.bucket is not None and self.bucket < bucket:
            completed = (completed + [self.bucket_count])[-elapsed:]
        return sum(completed) / elapsed, elapsed

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def risky(self) -> int:
        return self.count - self.ranks[0]

    @property
    def top_rank(self) -> int:
        for rank in (3, 2, 1):
            if self.ranks[rank]:
                return rank
        return 0

    def idle(self, bucket: int) -> bool:
        """Nothing in the window, no open event, and no baseline worth keeping."""
        return (not self.entries and self.event is None
                and (self.bucket is None or bucket - self.bucket > self.baseline_windows))
