"""The scan's progress bar (drawn by tqdm): on stderr after its delay, cleared when done, fitted to
the terminal's width (Chinese file names take two columns a character), shown on a real terminal
without being asked. See tests/test_cli.py for --progress, -q and stdin."""

from __future__ import annotations

import io
import json
import os
import select
import struct
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from contentguard.cli import Progress
from contentguard.cli.formats import SkippedResult
from contentguard.inputs import ReadProgress

PACK = str(Path(__file__).parent.parent / "data" / "cli" / "pack.yaml")
SRC = str(Path(__file__).parent.parent.parent / "src")


def skipped(path: str) -> SkippedResult:
    return SkippedResult(path=path, reason="binary file")


def test_nothing_is_drawn_before_the_delay_then_the_bar_is_drawn_and_cleared():
    stream = io.StringIO()
    reading = ReadProgress()
    reading.total_bytes, reading.finished_bytes = 1000, 250
    bar = Progress(stream, enabled=True, reading=reading, delay=0.5)
    bar.update(skipped("a.bin"))
    assert stream.getvalue() == ""
    time.sleep(0.6)
    bar.update(skipped("b.bin"))
    drawn = stream.getvalue()
    assert "\x1b[2Kscanning [" in drawn and " 25%" in drawn and "0 documents, 2 skipped" in drawn and "b.bin" in drawn
    bar.close()
    # The line is cleared for what comes next: the last thing drawn holds nothing visible.
    last = [piece for piece in stream.getvalue().split("\r") if piece][-1]
    assert last.replace("\x1b[2K", "").strip() == ""


def test_a_disabled_bar_counts_but_never_draws():
    stream = io.StringIO()
    bar = Progress(stream, enabled=False, delay=0)
    for name in ("a", "b", "c"):
        bar.update(skipped(name))
    bar.close()
    assert stream.getvalue() == "" and bar.skipped == 3


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_on_a_narrow_terminal_the_bar_shows_unasked_and_fits_its_width(tmp_path):
    import fcntl
    import termios

    name = tmp_path / "第一批评论数据_很长的文件名字_用来看截断.jsonl"
    name.write_text("".join(json.dumps({"id": i, "text": f"第{i}条评论，全网最低价"}, ensure_ascii=False) + "\n"
                            for i in range(3000)), encoding="utf-8")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 50, 0, 0))
    env = dict(os.environ, PYTHONPATH=SRC)
    process = subprocess.Popen([sys.executable, "-c", "from contentguard.cli import main; main()", "scan",
                                "--packs", PACK, "--format", "jsonl", str(name)],
                               stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    received = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            received += chunk
        elif process.poll() is not None:
            break
    process.wait(timeout=60)
    os.close(master)
    drawn = [line for line in received.decode("utf-8", "replace").split("\r") if "scanning [" in line]
    assert drawn, received[:500]
    for line in drawn:
        visible = line.replace("\x1b[2K", "").replace("\x1b[0m", "")
        assert columns(visible) <= 50, visible
    assert "Summary" in received.decode("utf-8", "replace")
