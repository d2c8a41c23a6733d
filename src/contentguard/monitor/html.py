"""The period report (the plan's 月度 / 季度 report) as one HTML file: an inline SVG chart of mention volume
and negative share over time, the events that reached medium or high, and the tallies. No JavaScript."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from importlib import resources
from string import Template

from .events import Bucket, PeriodReport

LEVEL_NAMES = {"none": "无风险", "low": "低风险", "medium": "中风险", "high": "高风险"}
BY_NAMES = {"brand": "品牌", "topic": "话题", "thread": "帖子", "stream": "全部提及"}
_WIDTH, _HEIGHT, _LEFT, _RIGHT, _TOP, _BOTTOM = 960, 320, 56, 56, 20, 48


def _template() -> Template:
    text = resources.files(__package__).joinpath("templates", "period_report.html").read_text(encoding="utf-8")
    return Template(text)


def _when(moment: datetime | None, step: timedelta | None = None) -> str:
    if moment is None:
        return "—"
    if step is not None and step >= timedelta(days=1):
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M")


# The chart shows the stretch that holds all but this share of the items at either end (a stray old
# post must not squeeze a month into a sliver), and draws the negative share only where a bucket holds
# enough items for a share to mean something.
_TAIL_SHARE = 0.005
_SHARE_MIN_COUNT = 3
# The events table lists the first this many (high first); the JSONL output has them all.
_MAX_ROWS = 60


def _shown(buckets: tuple[Bucket, ...]) -> tuple[tuple[Bucket, ...], int]:
    """The buckets the chart shows and how many items fall outside them."""
    total = sum(b.count for b in buckets)
    low, high, seen = 0, len(buckets) - 1, 0
    for i, bucket in enumerate(buckets):
        if seen + bucket.count > total * _TAIL_SHARE:
            low = i
            break
        seen += bucket.count
    seen = 0
    for i in range(len(buckets) - 1, -1, -1):
        if seen + buckets[i].count > total * _TAIL_SHARE:
            high = i
            break
        seen += buckets[i].count
    shown = buckets[low:high + 1]
    return shown, total - sum(b.count for b in shown)


def _filled(buckets: tuple[Bucket, ...], step: timedelta) -> list[Bucket]:
    """Every bucket of the stretch, the empty ones too (at most a few thousand)."""
    by_start = {b.start: b for b in buckets}
    out, moment = [], buckets[0].start
    while moment <= buckets[-1].start and len(out) < 5000:
        out.append(by_start.get(moment, Bucket(start=moment)))
        moment += step
    return out


def chart_svg(report: PeriodReport) -> str:
    """Bars of mention volume per bucket, a line of the negative share, markers where events reached high."""
    if not report.buckets:
        return '<p class="empty">没有带时间的公众内容，无法绘制趋势图。</p>'
    step = report.bucket
    shown, outside = _shown(report.buckets)
    buckets = _filled(shown, step)
    start, end = buckets[0].start, buckets[-1].start + step
    span = max((end - start).total_seconds(), 1.0)
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    top = max(b.count for b in buckets) or 1

    def x(moment: datetime) -> float:
        return _LEFT + (moment - start).total_seconds() / span * plot_w

    bar_w = max(plot_w * step.total_seconds() / span - 1, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" width="{_WIDTH}" '
             f'height="{_HEIGHT}" role="img" aria-label="提及量与负面占比">']
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = _TOP + plot_h * (1 - fraction)
        parts.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_WIDTH - _RIGHT}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">'
                     f'{round(top * fraction)}</text>')
        parts.append(f'<text x="{_WIDTH - _RIGHT + 6}" y="{y + 4:.1f}" class="axis neg">{int(fraction * 100)}%</text>')
    for bucket in buckets:
        height = plot_h * bucket.count / top
        parts.append(f'<rect x="{x(bucket.start):.1f}" y="{_TOP + plot_h - height:.1f}" width="{bar_w:.1f}" '
                     f'height="{height:.1f}" class="bar"><title>{escape(_when(bucket.start, step))}：'
                     f'{bucket.count} 条，负面 {bucket.negative} 条</title></rect>')
    runs: list[list[str]] = [[]]
    for b in buckets:
        if b.count >= _SHARE_MIN_COUNT:
            runs[-1].append(f"{x(b.start) + bar_w / 2:.1f},{_TOP + plot_h * (1 - b.negative / b.count):.1f}")
        elif runs[-1]:
            runs.append([])
    for run in runs:
        if len(run) > 1:
            parts.append(f'<polyline points="{" ".join(run)}" class="share"/>')
        elif run:
            cx, cy = run[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" class="dot"/>')
    for summary in report.events:
        reached = summary.reached_at or summary.first_at
        if summary.level == "high" and start <= reached < end:
            xe = x(reached)
            parts.append(f'<line x1="{xe:.1f}" y1="{_TOP}" x2="{xe:.1f}" y2="{_TOP + plot_h}" class="high">'
                         f'<title>{escape(summary.event)} {escape(summary.topic)}</title></line>')
    every = -(-len(buckets) // 8)  # at most 8 labels, on bucket starts
    for bucket in buckets[::every]:
        moment = bucket.start
        parts.append(f'<text x="{x(moment):.1f}" y="{_HEIGHT - _BOTTOM + 18}" class="axis" text-anchor="middle">'
                     f'{escape(_when(moment, step))}</text>')
    parts.append(f'<text x="{_LEFT}" y="{_HEIGHT - 8}" class="legend">■ 提及量（每{escape(_duration(step))}）</text>')
    parts.append(f'<text x="{_LEFT + 220}" y="{_HEIGHT - 8}" class="legend neg">— 负面占比</text>')
    parts.append(f'<line x1="{_LEFT + 360}" y1="{_HEIGHT - 20}" x2="{_LEFT + 360}" y2="{_HEIGHT - 6}" class="high"/>')
    parts.append(f'<text x="{_LEFT + 368}" y="{_HEIGHT - 8}" class="legend high">事件升至高风险</text>')
    parts.append("</svg>")
    if outside:
        parts.append(f'<p class="note">另有 {outside} 条内容在图示时段之外'
                     f'（{escape(_when(report.first_at))} 起）。</p>')
    return "\n".join(parts)


def _duration(step: timedelta) -> str:
    seconds = int(step.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400}天"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}小时"
    return f"{seconds // 60}分钟"


def render_period_report(report: PeriodReport, title: str = "舆情监测报告") -> str:
    """The period report as a self-contained HTML page."""
    negative_share = f"{report.negative / report.public_items:.1%}" if report.public_items else "—"
    rows = []
    for summary in report.events[:_MAX_ROWS]:
        rows.append(
            f'<tr class="{summary.level}"><td>{escape(summary.event)}</td><td>{LEVEL_NAMES[summary.level]}</td>'
            f"<td>{BY_NAMES.get(summary.by, summary.by)}：{escape(summary.topic)}</td>"
            f"<td>{summary.peak_count}</td><td>{summary.negative}</td>"
            f"<td>{escape(_when(summary.first_at))} – {escape(_when(summary.last_at))}</td>"
            f"<td>{'是' if summary.spike else ''}</td><td>{escape(summary.route)}</td></tr>")
    events = ("<table><thead><tr><th>事件</th><th>等级</th><th>对象</th><th>峰值条数</th><th>负面</th><th>时间</th>"
              "<th>突增</th><th>处理</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
              if rows else '<p class="empty">本期没有中、高风险事件。</p>')
    if len(report.events) > _MAX_ROWS:
        events += f'<p class="note">另有 {len(report.events) - _MAX_ROWS} 个中、高风险事件未列出（见 JSONL 输出）。</p>'


    def tally(counts: dict[str, int], names: dict[str, str] | None = None) -> str:
        return "".join(f"<li>{escape((names or {}).get(k, k))}：{v}</li>" for k, v in
                       sorted(counts.items(), key=lambda kv: -kv[1]))

    return _template().substitute(
        title=escape(title),
        period=f"{escape(_when(report.first_at))} 至 {escape(_when(report.last_at))}",
        items=report.items, public_items=report.public_items, negative=report.negative,
        negative_share=negative_share, warnings=report.warnings, errors=report.errors,
        high=report.event_levels.get("high", 0),
        medium=report.event_levels.get("medium", 0), low=report.low_events,
        chart=chart_svg(report), events=events, levels=tally(report.levels, LEVEL_NAMES),
        triage=tally(report.triage))
