"""What the monitor emits: plain data first (pydantic, stable JSON); the HTML is drawn from it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..report import RiskLevel


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Event(_Frozen):
    """An event — public items on one brand, topic or post within the window — as it opens or changes level.

    One JSON object a line in ``contentguard monitor --format jsonl``.
    """

    type: Literal["event"] = "event"
    # The event's id (E1, E2 …): the same while the event stays open, through its level changes.
    event: str
    # opened: its first item; raised / lowered: its level changed; closed: its window emptied.
    status: Literal["opened", "raised", "lowered", "closed"]
    level: RiskLevel
    route: str
    # How soon it must be answered (ISO 8601 duration in JSON) and by when (the change + deadline).
    deadline: timedelta | None = None
    respond_by: datetime | None = None
    # What groups the items: a watched brand, a topic (an opinion signal or a #话题#) or a post (thread).
    by: Literal["brand", "topic", "thread", "stream"]
    topic: str
    # Items within the window, how many of them are negative, and at risk >= low.
    count: int
    negative: int
    risky: int = 0
    first_at: datetime
    last_at: datetime
    # The documents (the latest ones, at most max_ids; ``count`` is the full number).
    ids: tuple[str, ...] = ()
    spike: bool = False
    # Why it has this level, in plain words.
    reason: str = ""


class StreamWarning(_Frozen):
    """Something odd about one item that did not stop it from being counted (a missing or late timestamp)."""

    type: Literal["warning"] = "warning"
    id: str | None = None
    where: str | None = None
    message: str


class StreamError(_Frozen):
    """A record that could not be read or checked; the stream goes on."""

    type: Literal["error"] = "error"
    id: str | None = None
    where: str | None = None
    message: str


MonitorOutput = Event | StreamWarning | StreamError


class Bucket(_Frozen):
    """Mention volume in one stretch of time (the period report's chart)."""

    start: datetime
    count: int = 0
    negative: int = 0
    risky: int = 0


class EventSummary(_Frozen):
    """An event as the period report lists it: its highest level and its size at the peak."""

    event: str
    by: str
    topic: str
    level: RiskLevel
    peak_count: int
    negative: int
    first_at: datetime
    last_at: datetime
    # When it reached its highest level.
    reached_at: datetime | None = None
    spike: bool = False
    route: str = ""


class PeriodReport(_Frozen):
    """What a stream adds up to over its period (the plan's 月度 / 季度 report)."""

    first_at: datetime | None = None
    last_at: datetime | None = None
    items: int = 0
    public_items: int = 0
    negative: int = 0
    levels: dict[str, int] = Field(default_factory=dict)
    triage: dict[str, int] = Field(default_factory=dict)
    warnings: int = 0
    errors: int = 0
    bucket: timedelta
    buckets: tuple[Bucket, ...] = ()
    # Events that reached medium or high (at most the matrix's report_events of them, high first), and
    # every event counted by the highest level it reached.
    events: tuple[EventSummary, ...] = ()
    event_levels: dict[str, int] = Field(default_factory=dict)

    @property
    def low_events(self) -> int:
        return self.event_levels.get("low", 0)
