"""The public-opinion watch over time: streams of comments, reviews and mentions grouped into events.

    monitor = contentguard.Monitor(guard)             # window and thresholds from the risk matrix
    for entry in monitor.run(documents):              # Event | StreamWarning | StreamError, in stream order
        print(entry.model_dump_json())
    html = render_period_report(monitor.period_report())

``windows.py`` keeps the sliding windows and baselines, ``events.py`` the types, ``html.py`` draws the
period report (月度 / 季度) from them.
"""

from __future__ import annotations

from .events import Bucket, Event, EventSummary, MonitorOutput, PeriodReport, StreamError, StreamWarning
from .html import render_period_report
from .watch import Monitor

__all__ = ["Bucket", "Event", "EventSummary", "Monitor", "MonitorOutput", "PeriodReport", "StreamError",
           "StreamWarning", "render_period_report"]
