"""Issue 12: Ctrl-C ends `contentguard scan` with exit 130 and one clean line: no traceback from the
parent or from a worker, no "Aborted!", no hang.

The test cannot hang: the command runs in its own session (process group), the test waits for its
first output line (the checks are running) with a deadline, sends SIGINT to the whole group as a
terminal does, waits at most 60 s, and on any time-out kills the group and fails.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACK = str(Path(__file__).resolve().parent.parent / "data" / "cli" / "pack.yaml")
ENTRY = "from contentguard.cli import main; main()"


def _reset_sigint() -> None:
    # A test runner (or CI without a terminal) may start us with SIGINT ignored; a terminal would not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _first_line(process: subprocess.Popen, deadline: float) -> bytes:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    data = b""
    while b"\n" not in data:
        left = deadline - time.monotonic()
        if left <= 0 or process.poll() is not None:
            break
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
    return data


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.parametrize("workers", ["2", "1"])
def test_ctrl_c_exits_130_with_one_line(tmp_path, workers):
    rows = "".join(json.dumps({"id": str(i), "text": f"第{i}条评论，服务很好，最低价" * 5}, ensure_ascii=False) + "\n"
                   for i in range(30000))
    source = tmp_path / "many.jsonl"
    source.write_text(rows, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONUNBUFFERED": "1"}
    env.pop("CONTENTGUARD_DEBUG", None)
    command = [sys.executable, "-c", ENTRY, "scan", "--packs", PACK, "--workers", workers, "--format", "jsonl",
               "--no-progress", str(source)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               start_new_session=True, preexec_fn=_reset_sigint, cwd=tmp_path)
    try:
        first = _first_line(process, time.monotonic() + 120)
        assert b"\n" in first, f"no output line before the deadline (exit {process.poll()})"
        assert process.poll() is None, "the scan ended before it could be interrupted"
        os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole process group
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("the scan did not end within 60 s of Ctrl-C")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    text = stderr.decode("utf-8", "replace")
    assert process.returncode == 130, text[-2000:]
    assert text.strip().splitlines() == ["contentguard: interrupted"], text[-2000:]
    # no worker outlives the command
    for _ in range(50):
        if not _group_members(process.pid):
            break
        time.sleep(0.1)
    assert _group_members(process.pid) == []
