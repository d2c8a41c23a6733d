"""The monitor: a stream of public items, in time order, grouped into events that open and change level.

Each item is checked by the Guard (graded, triaged), then joins the window of every brand, topic and
post it belongs to. An event is a key whose window holds something at risk; its level follows the
plan: one negative item low, several (or a threat to escalate) medium, a safety, legal, regulator
or media item, or a spike against the recent baseline, high. Thresholds come from the risk matrix
(``public_opinion.events``).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

import regex
from pydantic import ValidationError

from ..document import Document
from ..engine.assess import EventRules, _in_categories
from ..errors import ConfigError
from ..report import BRAND_CATEGORY, Report
from .events import Bucket, Event, EventSummary, MonitorOutput, PeriodReport, StreamError, StreamWarning
from .windows import LEVELS, RANK, Entry, KeyWindow

if TYPE_CHECKING:
    from ..guard import Guard

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The signals of the opinion pack are the topics an item is grouped by.
_SIGNAL_PREFIX = ("opinion",)


def _seconds(moment: datetime) -> float:
    if moment.tzinfo is None:  # a time without a zone is read as UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - _EPOCH).total_seconds()


def _moment(seconds: float, zone: tzinfo = timezone.utc) -> datetime:
    return (_EPOCH + timedelta(seconds=seconds)).astimezone(zone)


class Monitor:
    """Watch a stream of public items over time.

    ``Monitor(guard=None, window=None, bucket=None, workers=1)``: ``guard`` defaults to
    ``contentguard.load()``; ``window`` (a timedelta) overrides the matrix's; ``bucket`` is the
    period report's chart step. ``run(items)`` checks and watches a stream and yields events, warnings
    and errors; ``observe(document, report)`` watches one item already checked;
    ``period_report()`` sums up what was seen.
    """

    def __init__(self, guard: Guard | None = None, window: timedelta | None = None,
                 bucket: timedelta | None = None, workers: int = 1):
        if guard is None:
            from ..guard import load

            guard = load()
        opinion = guard.matrix.public_opinion
        if opinion is None or opinion.events is None:
            raise ConfigError("the risk matrix has no public_opinion.events section: the monitor needs its window "
                              "and thresholds")
        rules: EventRules = opinion.events
        if window is not None:
            if window <= timedelta(0):
                raise ConfigError(f"the window must be a positive duration, not {window}")
            rules = rules.model_copy(update={"window": window})
        self.guard = guard
        self.rules = rules
        self.workers = workers
        self._opinion = opinion
        self._window = rules.window.total_seconds()
        self._bucket = (bucket or rules.chart_bucket).total_seconds()
        if self._bucket <= 0:
            raise ConfigError(f"the chart bucket must be a positive duration, not {bucket}")
        self._topic = regex.compile(rules.topic_pattern) if rules.topic_pattern else None
        self._negative_at = opinion.negative.min_probability
        self._several_rank = RANK[rules.several_level]
        self._spike_rank = RANK[rules.spike.level]
        # Classes that owe no answer (无关: spam) are not grouped into events.
        triage = opinion.triage
        self._irrelevant = frozenset(name for name, response in triage.classes.items()
                                     if response.deadline is None and name != triage.default) if triage else frozenset()
        self._keys: dict[tuple[str, str], KeyWindow] = {}
        # Every item in some window, oldest first, with the windows it is in (expiry in one pass).
        self._live: deque[tuple[float, tuple[KeyWindow, ...]]] = deque()
        self._clock: float | None = None
        self._start_bucket: int | None = None
        self._last_prune: int | None = None
        self._next_event = 1
        # The period report's tallies.
        self._chart: dict[int, list[int]] = {}
        self._levels: Counter[str] = Counter()
        self._triage: Counter[str] = Counter()
        self._summaries: dict[str, EventSummary] = {}
        self._closed: Counter[str] = Counter()
        self._items = self._public = self._negative = self._warnings = self._errors = 0
        self._first: float | None = None
        # Times are shown in the offset of the stream's first timestamp (UTC when it has none).
        self._zone: tzinfo = timezone.utc
        self._offset = 0.0  # the zone's offset: a day's chart bucket starts at its midnight

    # ---- a whole stream ------------------------------------------------------------------------
    def run(self, items: Iterable[Any]) -> Iterator[MonitorOutput]:
        """Check every item with the Guard and watch it; yields events, warnings and errors in stream order.

        An item is a Document, a dict, a string, or what ``contentguard.inputs.read_items`` yields (a
        ``Unit``, or a ``Skipped`` record, which becomes an error entry).
        """
        pending: deque[tuple[Any, ...]] = deque()

        def documents() -> Iterator[Document]:
            for item in items:
                document, where, warnings, error = self._coerce(item)
                if error is not None:
                    pending.append(("error", error))
                    continue
                pending.append(("document", document, where, warnings))
                yield document

        for report in self.guard.check_batch(documents(), workers=self.workers):
            while pending and pending[0][0] == "error":
                yield self._count_error(pending.popleft()[1])
            _, document, where, warnings = pending.popleft()
            for warning in warnings:
                yield self._warn(document.id, where, warning)
            yield from self.observe(document, report, where)
        while pending:
            yield self._count_error(pending.popleft()[1])

    def _coerce(self, item: Any) -> tuple[Document | None, str | None, tuple[str, ...], StreamError | None]:
        from ..inputs import Skipped, Unit

        if isinstance(item, Unit):
            return item.document, item.where, item.warnings, None
        if isinstance(item, Skipped):
            return None, item.where, (), StreamError(where=item.where, message=item.reason)
        if isinstance(item, Document):
            return item, None, (), None
        if isinstance(item, str):
            return Document(body=item, kind="comment"), None, (), None
        if isinstance(item, Mapping):
            record = dict(item)
            record.setdefault("kind", "comment")
            try:
                return Document.model_validate(record), None, (), None
            except ValidationError as exc:
                first = exc.errors()[0]
                name = ".".join(str(p) for p in first["loc"])
                record_id = item.get("id")
                return None, None, (), StreamError(id=str(record_id) if record_id is not None else None,
                                                   message=f"field '{name}': {first['msg']}")
        return None, None, (), StreamError(message=f"record is a {type(item).__name__}, not a document")

    def _count_error(self, error: StreamError) -> StreamError:
        self._errors += 1
        return error

    def _warn(self, document_id: str | None, where: str | None, message: str) -> StreamWarning:
        self._warnings += 1
        return StreamWarning(id=document_id, where=where, message=message)

    # ---- one item ----------------------------------------------------------------------------------
    def observe(self, document: Document, report: Report, where: str | None = None) -> list[MonitorOutput]:
        """Watch one item already checked; returns the warnings and event changes it causes."""
        out: list[MonitorOutput] = []
        self._items += 1
        if any(error.code.startswith("invalid") for error in report.errors):
            self._errors += 1
            out.append(StreamError(id=document.id, where=where,
                                   message="; ".join(error.message for error in report.errors)))
            return out
        for error in report.errors:
            out.append(self._warn(document.id, where, error.message))
        now = self._place(document, where, out)
        if document.speaker != "public":
            return out  # the company's own posts are not watched as public opinion
        self._public += 1
        negative = report.sentiment is not None and report.sentiment.scores.get("negative", 0.0) >= self._negative_at
        self._negative += negative
        self._levels[report.risk.level] += 1
        if report.triage is not None:
            self._triage[report.triage] += 1
        chart = self._chart.setdefault(int((now + self._offset) // self._bucket), [0, 0, 0])
        chart[0] += 1
        chart[1] += negative
        chart[2] += report.risk.level != "none"
        if report.triage in self._irrelevant:
            return out
        bucket = int(now // self._window)
        out.extend(self._expire(now, bucket))
        entry = Entry(now, document.id or f"#{self._items}", negative, RANK[report.risk.level])
        windows = tuple(self._window_of(by, topic, bucket) for by, topic in self._keys_of(document, report))
        for window in windows:
            window.add(entry, bucket)
        self._live.append((now, windows))
        for window in windows:
            change = self._update(window, now, bucket)
            if change is not None:
                out.append(change)
        return out

    def _place(self, document: Document, where: str | None, out: list[MonitorOutput]) -> float:
        """The item's time on the stream clock; a missing or late timestamp is a warning."""
        if document.created_at is None:
            if self._clock is None:
                now = _seconds(datetime.now(timezone.utc))
                out.append(self._warn(document.id, where, f"no created_at: counted at the time it was read "
                                                          f"({self._at(now).isoformat(timespec='seconds')})"))
            else:
                now = self._clock
                out.append(self._warn(document.id, where, f"no created_at: counted at the stream's time "
                                                          f"{self._at(now).isoformat(timespec='seconds')}"))
        else:
            now = _seconds(document.created_at)
            if self._clock is None and document.created_at.tzinfo is not None:
                self._zone = document.created_at.tzinfo
                offset = document.created_at.utcoffset()
                self._offset = offset.total_seconds() if offset is not None else 0.0
            if self._clock is not None and now < self._clock:
                out.append(self._warn(document.id, where,
                                      f"created_at {document.created_at.isoformat()} is before the stream's time "
                                      f"{self._at(self._clock).isoformat(timespec='seconds')} (out of order): "
                                      f"counted at the stream's time"))
                now = self._clock
        if self._clock is None or now > self._clock:
            self._clock = now
        if self._first is None:
            self._first = now
            self._start_bucket = int(now // self._window)
        return now

    def _at(self, seconds: float) -> datetime:
        return _moment(seconds, self._zone)

    def _keys_of(self, document: Document, report: Report) -> list[tuple[str, str]]:
        keys: list[tuple[str, str]] = []
        if document.thread:
            keys.append(("thread", document.thread))
        brands = (("brand", f.text.casefold()) for f in report.findings if f.category == BRAND_CATEGORY)
        keys.extend(dict.fromkeys(brands))
        topics = dict.fromkeys(f.category for f in report.findings if _in_categories(f.category, _SIGNAL_PREFIX))
        if self._topic is not None:
            for field_text in (document.title or "", document.body):
                if "#" in field_text:
                    for match in self._topic.finditer(field_text):
                        topics[f"#{match.group(1)}#"] = None
        keys.extend(("topic", topic) for topic in topics)
        if not keys and report.risk.level != "none" and report.triage is not None \
                and document.kind in self.rules.unnamed_topic_kinds:
            # A complaint on the company's own account about nothing named: the complaints' topic.
            keys.append(("topic", report.triage))
        keys.append(("stream", "全部提及"))
        return keys

    def _window_of(self, by: str, topic: str, bucket: int) -> KeyWindow:
        window = self._keys.get((by, topic))
        if window is None:
            spike = self.rules.spike
            window = KeyWindow(by=by, topic=topic, baseline_windows=spike.thread_baseline_windows if by == "thread"
                               else spike.baseline_windows)
            # A post's baseline starts with the post; a brand's or topic's with the stream.
            window.since = bucket if by == "thread" else self._start_bucket
            self._keys[(by, topic)] = window
        return window

    def _expire(self, now: float, bucket: int) -> list[Event]:
        changed: dict[int, KeyWindow] = {}
        horizon = now - self._window
        live = self._live
        while live and live[0][0] <= horizon:
            _, windows = live.popleft()
            for window in windows:
                window.expire_one()
                changed[id(window)] = window
        out = []
        for window in changed.values():
            change = self._update(window, now, bucket)
            if change is not None:
                out.append(change)
        if self._last_prune is None or bucket > self._last_prune:
            self._last_prune = bucket
            for key in [k for k, w in self._keys.items() if w.idle(bucket)]:
                del self._keys[key]
        return out

    # ---- levels ---------------------------------------------------------------------------------------
    def _assess(self, window: KeyWindow, bucket: int) -> tuple[int, bool]:
        """The window's level (rank) and whether a spike set it; cheap, as it runs for every window an item
        touches. The words saying why are built by :meth:`_reason` only when an event is emitted."""
        rules = self.rules
        rank = 0
        if window.by != "stream":
            rank = window.top_rank
            if window.risky >= rules.several and self._several_rank > rank:
                rank = self._several_rank
        spike_rule = rules.spike
        negative = window.negative
        # A spike of negative items: volume with the usual share of complaints is no incident.
        if negative >= spike_rule.min_count and negative >= spike_rule.min_negative_share * window.count:
            baseline = window.baseline(bucket)
            if baseline is not None and negative >= spike_rule.factor * baseline[0]:
                return max(rank, self._spike_rank), True
        return rank, False

    def _reason(self, window: KeyWindow, bucket: int, spike: bool) -> str:
        rules = self.rules
        reasons = []
        if window.by != "stream":
            rank = window.top_rank
            if rank:
                reasons.append(f"最高单条风险 {LEVELS[rank]}")
            if window.risky >= rules.several and self._several_rank > rank:
                reasons.append(f"窗口内 {window.risky} 条风险内容（≥ {rules.several}）")
        if spike:
            baseline = window.baseline(bucket)
            assert baseline is not None
            reasons.append(f"负面提及突增：窗口内 {window.negative} 条负面（共 {window.count} 条），近 {baseline[1]} 个"
                           f"窗口平均 {baseline[0]:.1f} 条（≥ {rules.spike.factor:g} 倍）")
        return "；".join(reasons)

    def _update(self, window: KeyWindow, now: float, bucket: int) -> Event | None:
        rank, spike = self._assess(window, bucket)
        if window.event is None:
            if rank == 0:
                return None
            window.event = f"E{self._next_event}"
            self._next_event += 1
            window.first_at = window.entries[0].time if window.entries else now
            window.level, window.spike, window.peak, window.max_level = rank, spike, window.count, 0
            window.held_at = now
            event = self._event(window, "opened", now, self._reason(window, bucket, spike))
            self._record(event, window, now)
            return event
        if window.count > window.peak:
            window.peak = window.count
        if rank >= window.level:
            window.held_at = now
        elif window.entries and now - window.held_at < self._window:
            # Lowered (or closed) only once the level has not been met for a whole window: a level
            # that comes and goes with each item would flap. An empty window closes at once.
            return None
        if rank == window.level:
            return None
        status = "closed" if rank == 0 else ("raised" if rank > window.level else "lowered")
        window.level, window.spike = rank, spike
        event = self._event(window, status, now, self._reason(window, bucket, spike) or "窗口内已无风险内容")
        self._record(event, window, now)
        if rank == 0:
            window.event = None
        return event

    def _event(self, window: KeyWindow, status: str, now: float, reason: str) -> Event:
        level = LEVELS[window.level]
        route, deadline = self._response(level)
        ids = tuple(entry.id for entry in list(window.entries)[-self.rules.max_ids:])
        last = window.entries[-1].time if window.entries else now
        return Event(event=window.event, status=status, level=level, route=route,  # type: ignore[arg-type]
                     deadline=deadline if status != "closed" else None,
                     respond_by=self._at(now) + deadline if deadline is not None and status != "closed" else None,
                     by=window.by, topic=window.topic, count=window.count,  # type: ignore[arg-type]
                     negative=window.negative, risky=window.risky, first_at=self._at(window.first_at),
                     last_at=self._at(last), ids=ids, spike=window.spike, reason=reason)

    def _response(self, level: str) -> tuple[str, timedelta | None]:
        opinion = self._opinion
        escalated = opinion.escalation.get(level)  # type: ignore[call-overload]
        if escalated is not None:
            return escalated.route, escalated.deadline
        if opinion.triage is not None and level != "none":
            complaint = opinion.triage.classes[opinion.triage.complaint]
            return complaint.route, complaint.deadline
        return self.guard.matrix.routes[level], None  # type: ignore[index]

    def _record(self, event: Event, window: KeyWindow, now: float) -> None:
        """Keep what the period report lists: every event that reached medium or high, and a count of the rest."""
        if event.status == "closed":
            self._closed[LEVELS[window.max_level]] += 1
            return
        window.max_level = max(window.max_level, window.level)
        if window.max_level < 2:
            return
        previous = self._summaries.get(event.event)
        if previous is None and len(self._summaries) >= self.rules.report_events:
            # The report lists a bounded number of events (high ones first); the counts stay exact.
            if window.max_level < 3:
                return
            medium = next((key for key, s in self._summaries.items() if s.level == "medium"), None)
            if medium is None:
                return
            del self._summaries[medium]
        top = previous is None or RANK[event.level] > RANK[previous.level]
        reached = self._at(now) if top else previous.reached_at  # type: ignore[union-attr]
        self._summaries[event.event] = EventSummary(
            event=event.event, by=event.by, topic=event.topic, level=LEVELS[window.max_level],
            peak_count=window.peak, negative=max(event.negative, previous.negative if previous else 0),
            first_at=event.first_at, last_at=event.last_at, reached_at=reached,
            spike=event.spike or bool(previous and previous.spike),
            route=event.route if top else previous.route)  # type: ignore[union-attr]

    # ---- the period ----------------------------------------------------------------------------------
    def period_report(self) -> PeriodReport:
        """Mention volume, negative share, levels, triage and the medium/high events of the stream so far."""
        buckets = tuple(Bucket(start=self._at(index * self._bucket - self._offset), count=c[0], negative=c[1],
                               risky=c[2]) for index, c in sorted(self._chart.items()))
        return PeriodReport(
            first_at=self._at(self._first) if self._first is not None else None,
            last_at=self._at(self._clock) if self._clock is not None else None,
            items=self._items, public_items=self._public, negative=self._negative, levels=dict(self._levels),
            triage=dict(self._triage), warnings=self._warnings, errors=self._errors,
            bucket=timedelta(seconds=self._bucket), buckets=buckets,
            events=tuple(sorted(self._summaries.values(), key=lambda s: (-RANK[s.level], s.first_at))),
            event_levels=dict(self._event_levels()))

    def _event_levels(self) -> Counter[str]:
        """Events by the highest level they reached: the closed ones and those still open."""
        levels = Counter(self._closed)
        levels.update(LEVELS[w.max_level] for w in self._keys.values() if w.event is not None)
        return levels

    @property
    def open_windows(self) -> int:
        """How many brands, topics and posts the monitor keeps state for (bounded: windows expire)."""
        return len(self._keys)

    @property
    def live_items(self) -> int:
        return len(self._live)
