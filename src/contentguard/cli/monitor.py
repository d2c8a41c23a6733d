"""``contentguard monitor``: watch a stream of public comments, reviews and mentions over time.

    contentguard monitor comments.jsonl --window 1h --format jsonl --report report.html

Reads JSONL/CSV records in time order (``created_at``, ``thread``, ``author``, ``kind``; a record
without a kind is a comment), groups them into events and prints each event as it opens or changes
level. Exit codes: 0 done (or nothing reached --fail-on); 1 an event reached --fail-on; 2 usage error.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from . import EXIT_FINDINGS, EXIT_OK, CliError, _input_options, _workers, input_options, load_guard, ruleset_options

_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}
_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3}
_BY = {"brand": "品牌", "topic": "话题", "thread": "帖子", "stream": "全部提及"}
_STATUS = {"opened": "新事件", "raised": "升级", "lowered": "降级", "closed": "结束"}


def parse_duration(value: str, option: str) -> timedelta:
    """30m, 1h, 2d, 1w, 90s, or an ISO 8601 duration (PT1H)."""
    text = value.strip().lower()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)", text)
    if match:
        result = timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    else:
        from pydantic import TypeAdapter, ValidationError

        try:
            result = TypeAdapter(timedelta).validate_python(value.strip())
        except ValidationError:
            raise CliError(f"{option}: {value!r} is not a duration (e.g. 30m, 1h, 2d or PT1H)") from None
    if result <= timedelta(0):
        raise CliError(f"{option}: {value!r} must be longer than zero")
    return result


def _hours(deadline: timedelta | None) -> str:
    if deadline is None:
        return ""
    minutes = int(deadline.total_seconds() // 60)
    return f"{minutes // 60}小时内" if minutes % 60 == 0 else f"{minutes}分钟内"


def format_event(event: Any) -> str:
    when = event.last_at.strftime("%Y-%m-%d %H:%M")
    line = (f"{when}  {event.event:<5} {_STATUS[event.status]:<3} {event.level:<6} {_BY[event.by]}「{event.topic}」 "
            f"{event.count}条（负面{event.negative}）")
    if event.status != "closed":
        line += f" → {event.route} {_hours(event.deadline)}"
    if event.spike:
        line += " 【突增】"
    if event.reason and event.status != "closed":
        line += f"  {event.reason}"
    return line


@click.command("monitor")
@input_options
@ruleset_options
@click.option("--window", default=None, metavar="DURATION",
              help="Sliding window of an event (30m, 1h, 2d, PT1H; default: the risk matrix's, 1h).")
@click.option("--bucket", default=None, metavar="DURATION",
              help="Step of the period report's chart (default: the risk matrix's, 1h).")
@click.option("--format", "output_format", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="text: one line per event change (warnings on stderr); jsonl: one JSON object per event, "
                   "warning or error.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, writable=True), default=None,
              metavar="FILE", help="Write the period report (月度/季度): an HTML page with a chart of mention "
                                   "volume and negative share over time.")
@click.option("--title", default="舆情监测报告", show_default=True, help="Title of the period report.")
@click.option("--fail-on", type=click.Choice(["none", "low", "medium", "high"]), default="none", show_default=True,
              help="Exit 1 when an event reaches this level.")
@click.option("--workers", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes for the checks (0: one per core).")
@click.option("-q", "--quiet", is_flag=True, help="No closing summary on stderr.")
def command(paths: tuple[str, ...], window: str | None, bucket: str | None, output_format: str,
            report_file: str | None, title: str, fail_on: str, workers: int, quiet: bool,
            packs: tuple[str, ...], rules_dir: str | None, config_file: str | None, **kwargs: Any) -> None:
    """Watch public comments, reviews and mentions over time: events, levels, routes, deadlines.

    Reads JSONL / CSV / TSV files (or '-') in time order. Each record may carry created_at (ISO 8601 or
    Unix seconds), thread (the post it belongs to), author and kind (default: comment). A record out of
    order or without a time is counted with a warning; a bad record is an error entry; the stream goes on.
    """
    options = dataclasses.replace(_input_options(kwargs), default_kind="comment")
    window_value = parse_duration(window, "--window") if window else None
    bucket_value = parse_duration(bucket, "--bucket") if bucket else None
    guard = load_guard(packs, rules_dir, config_file)
    from ..errors import ContentGuardError
    from ..inputs import read_items
    from ..monitor import Event, Monitor, render_period_report

    try:
        monitor = Monitor(guard, window=window_value, bucket=bucket_value, workers=_workers(workers))
    except ContentGuardError as exc:
        raise CliError(str(exc)) from None
    out, err = sys.stdout, sys.stderr
    worst = 0
    events = 0
    for entry in monitor.run(read_items(paths, options)):
        if isinstance(entry, Event):
            events += 1
            worst = max(worst, _RANK[entry.level])
        if output_format == "jsonl":
            out.write(entry.model_dump_json() + "\n")
        elif isinstance(entry, Event):
            out.write(format_event(entry) + "\n")
        else:
            where = entry.where or entry.id or "?"
            err.write(f"{entry.type}: {where}: {entry.message}\n")
    period = monitor.period_report()
    if report_file:
        try:
            Path(report_file).write_text(render_period_report(period, title), encoding="utf-8")
        except OSError as exc:
            raise CliError(f"--report: cannot write {report_file}: {exc.strerror or exc}") from None
    if not quiet:
        high = period.event_levels.get("high", 0)
        medium = period.event_levels.get("medium", 0)
        err.write(f"{period.public_items} public items, {period.negative} negative; events: {high} high, "
                  f"{medium} medium, {period.low_events} low; {period.warnings} warnings, {period.errors} errors"
                  + (f"; report: {report_file}" if report_file else "") + "\n")
    sys.exit(EXIT_FINDINGS if fail_on != "none" and worst >= _RANK[fail_on] else EXIT_OK)
