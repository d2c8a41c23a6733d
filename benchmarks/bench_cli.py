"""Start-up cost of the command as a pre-commit hook pays it: `contentguard scan small.md`, end to end.

    python benchmarks/bench_cli.py [--runs 10] [--packs NAMES] [--against OTHER/src]

Each run is a fresh process (interpreter start, imports, compiling the packs, jieba and the
sentiment model on first use, the check, the output), timed by wall clock and by CPU time. Two posts
(one that needs the word segmenter) × the hook's flags and the defaults; prints median and maximum. The
target is under 1 second for one small file as the hook runs it.

``--against OTHER/src`` times another checkout's code too (``PYTHONPATH=OTHER/src``, e.g. an export of main:
``git archive main src rules lexicons models | tar -x -C /tmp/main``), interleaved run by run with this one
(A B A B …, so both see the same load), and prints both medians.
"""

from __future__ import annotations

import argparse
import os
import resource
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

# The same post with everyday words that look like absolute terms (最近, 第一次): allow terms settle them.
SEGMENTED_POST = SMALL_POST.replace("欢迎到门店选购", "最近第一次到店的顾客可领取赠品")

# A post the word segmenter must judge (第一 in 行业第一): jieba's dictionary loads.
BOUNDARY_POST = SMALL_POST.replace("保温效果出色", "保温效果行业第一")

# The hook's own flags (.pre-commit-hooks.yaml) and the command's defaults.
MODES = {"hook (--sentiment comments)": ["--sentiment", "comments"], "default (sentiment for all)": []}


def command() -> list[str]:
    script = shutil.which("contentguard") or str(Path(sys.executable).with_name("contentguard"))
    if Path(script).exists():
        return [script]
    return [sys.executable, "-c", "from contentguard.cli import main; main()"]


def _children_cpu() -> float:
    """CPU seconds of the finished child processes: steadier than the wall clock on a busy shared machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--packs", default=None, help="--packs passed to the scan (default: the shipped packs)")
    parser.add_argument("--against", default=None, help="another checkout's src folder, timed interleaved")
    args = parser.parse_args()
    environments = {"": None}
    if args.against:
        here = Path(__file__).resolve().parents[1] / "src"
        environments = {"this  ": {**os.environ, "PYTHONPATH": str(here)},
                        "other ": {**os.environ, "PYTHONPATH": str(Path(args.against).resolve())}}

    worst_of_all = 0.0
    with tempfile.TemporaryDirectory() as folder:
        posts = (("small.md", SMALL_POST), ("small-everyday.md", SEGMENTED_POST), ("small-boundary.md", BOUNDARY_POST))
        for post_name, post in posts:
            small = Path(folder) / post_name
            small.write_text(post, encoding="utf-8")
            for mode, flags in MODES.items():
                argv = [*command(), "scan", "--fail-on", "high", "-q", *flags, str(small)]
                if args.packs:
                    packs = ",".join(str(Path(p).resolve()) if Path(p).exists() else p for p in args.packs.split(","))
                    argv[len(command()) + 1:len(command()) + 1] = ["--packs", packs]
                # One untimed run: the caches (jieba's dictionary, the compile cache) are written on first use.
                for env in environments.values():
                    subprocess.run(argv, cwd=folder, capture_output=True, check=False, env=env)
                timings = {name: [] for name in environments}
                cpu = {name: [] for name in environments}
                for _ in range(args.runs):
                    for name, env in environments.items():
                        started, children = time.perf_counter(), _children_cpu()
                        result = subprocess.run(argv, cwd=folder, capture_output=True, text=True, check=False, env=env)
                        timings[name].append(time.perf_counter() - started)
                        cpu[name].append(_children_cpu() - children)
                        if result.returncode not in (0, 1):
                            sys.exit(f"contentguard scan failed (exit {result.returncode}):\n{result.stderr}")
                for name in environments:
                    median, worst = statistics.median(timings[name]), max(timings[name])
                    if mode.startswith("hook") and name in ("", "this  "):
                        worst_of_all = max(worst_of_all, worst)
                    print(f"{name}{post_name:20} {mode:28} median {median:.3f} s  max {worst:.3f} s  "
                          f"({args.runs} runs)  CPU median {statistics.median(cpu[name]):.3f} s")
    print(f"the hook's worst run: {worst_of_all:.3f} s ({'under' if worst_of_all < 1 else 'OVER'} the 1 s budget)")


if __name__ == "__main__":
    main()
