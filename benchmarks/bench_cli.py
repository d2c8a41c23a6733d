"""Start-up cost of the command as a pre-commit hook pays it: `contentguard scan small.md`, end to end.

    python benchmarks/bench_cli.py [--runs 10] [--packs NAMES]

Each run is a fresh process (interpreter start, imports, compiling the packs, jieba and the
sentiment model on first use, the check, the output), timed by wall clock. Prints every run,
the median and the maximum; the target is under 1 second for one small file.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMALL_POST = """---
title: 秋季新品发布
---
# 秋季新品发布

我们的新款保温杯采用双层真空工艺，保温效果出色，欢迎到门店选购。

活动时间：十月一日至十月七日。详情请关注官方账号。
"""


def command() -> list[str]:
    script = shutil.which("contentguard") or str(Path(sys.executable).with_name("contentguard"))
    if Path(script).exists():
        return [script]
    return [sys.executable, "-c", "from contentguard.cli import main; main()"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--packs", default=None, help="--packs passed to the scan (default: the shipped packs)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "small.md"
        small.write_text(SMALL_POST, encoding="utf-8")
        argv = [*command(), "scan", "--fail-on", "high", "-q", str(small)]
        if args.packs:
            packs = ",".join(str(Path(p).resolve()) if Path(p).exists() else p for p in args.packs.split(","))
            argv[len(command()) + 1:len(command()) + 1] = ["--packs", packs]
        # One untimed run: jieba writes its dictionary cache on the very first use on a machine.
        subprocess.run(argv, cwd=folder, capture_output=True, check=False)
        timings = []
        for run in range(1, args.runs + 1):
            started = time.perf_counter()
            result = subprocess.run(argv, cwd=folder, capture_output=True, text=True, check=False)
            elapsed = time.perf_counter() - started
            if result.returncode not in (0, 1):
                sys.exit(f"contentguard scan failed (exit {result.returncode}):\n{result.stderr}")
            timings.append(elapsed)
            print(f"run {run:>2}: {elapsed:.3f} s")
    median, worst = statistics.median(timings), max(timings)
    print(f"contentguard scan small.md: median {median:.3f} s, max {worst:.3f} s over {len(timings)} runs "
          f"({'under' if worst < 1 else 'OVER'} the 1 s budget)")


if __name__ == "__main__":
    main()
