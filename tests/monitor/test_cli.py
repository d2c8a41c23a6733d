"""`contentguard monitor`: the README's command, formats, the period report, exit codes."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from contentguard.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str, cwd: Path | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_the_readme_command_runs_as_written(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^contentguard monitor .*$", readme, re.M).group(0)
    args = shlex.split(command)[1:]
    monkeypatch.chdir(ROOT)
    args = [a if a != "report.html" else str(tmp_path / "report.html") for a in args]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any("升级" in line and "high" in line and "领导小组" in line and "帖子「p1」" in line for line in lines)
    assert any("opinion.escalation" in line and "风控与合规组" in line for line in lines)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "负面占比" in html and "<script" not in html
    assert "高风险事件" in html


def test_jsonl_events_carry_the_fields_and_fail_on_sets_the_exit_code(tmp_path):
    result = invoke("monitor", str(ROOT / "examples" / "stream.jsonl"), "--format", "jsonl", "--fail-on", "high")
    assert result.exit_code == 1
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    events = [e for e in entries if e["type"] == "event"]
    assert events and {"event", "level", "route", "deadline", "count", "negative", "first_at", "last_at", "topic",
                       "ids"} <= set(events[0])
    high = next(e for e in events if e["level"] == "high")
    assert high["route"] == "领导小组" and high["deadline"] == "PT1H" and "c7" in high["ids"]


def test_warnings_and_errors_do_not_stop_the_stream(tmp_path):
    stream = tmp_path / "s.jsonl"
    stream.write_text('{"id":"a","body":"差评，太难吃了","created_at":"2026-01-01T10:00:00+08:00"}\n'
                      "{broken\n"
                      '{"id":"b","body":"退钱","created_at":"2026-01-01T09:00:00+08:00"}\n'
                      '{"id":"c","body":"我要投诉","created_at":"soon"}\n', encoding="utf-8")
    result = invoke("monitor", str(stream))
    assert result.exit_code == 0
    assert "error: " in result.stderr and "s.jsonl:2" in result.stderr
    assert "out of order" in result.stderr and "'soon' is not a time" in result.stderr
    assert "3 public items" in result.stderr


def test_a_bad_window_is_a_usage_error():
    result = invoke("monitor", str(ROOT / "examples" / "stream.jsonl"), "--window", "soon")
    assert result.exit_code == 2 and "--window" in result.output
