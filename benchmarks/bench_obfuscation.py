"""Throughput of the whole pipeline before and after a change, interleaved: each round runs one fresh
process per source tree, in turn, so both see the same load on a shared machine; medians printed.

    git archive <commit-before> src rules lexicons models | (mkdir -p /tmp/base && tar -x -C /tmp/base)
    python benchmarks/bench_obfuscation.py --base /tmp/base --data ../shared/data/realtext --rounds 7

Each process loads the shipped packs (sentiment off, so the figure is the rules' cost), warms up on
300 posts, then times ``check_batch`` over the Weibo posts of ``weibo2018_train.txt`` (and the news
headlines), and reports seconds. ``--base`` is a tree laid out like this repository (``src/``,
``rules/``, ``lexicons/``); the other tree is this repository.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_CHILD = r"""
import sys, time, gc
import contentguard
path = sys.argv[1]
texts = [line.split(",", 2)[2] for line in open(path + "/weibo2018_train.txt", encoding="utf-8").read().splitlines()
         if line.count(",") >= 2]
titles = [line.split("\t", 1)[0] for line in open(path + "/headlines.tsv", encoding="utf-8").read().splitlines()[1:]]
t0 = time.perf_counter()
guard = contentguard.load(config={"sentiment": "off"})
load = time.perf_counter() - t0
list(guard.check_batch(texts[:300]))
gc.collect()
t0 = time.perf_counter()
for _ in guard.check_batch(texts):
    pass
weibo = time.perf_counter() - t0
t0 = time.perf_counter()
for _ in guard.check_batch(titles):
    pass
print(load, weibo, time.perf_counter() - t0)
"""


def run(tree: Path, data: Path) -> tuple[float, float, float]:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    out = subprocess.run([sys.executable, "-c", _CHILD, str(data)], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench_obfuscation: the run in {tree} failed:\n{out.stderr[-2000:]}")
    load, weibo, titles = (float(x) for x in out.stdout.split())
    return load, weibo, titles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, required=True, help="the tree before the change (src/, rules/, lexicons/)")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "realtext")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not (args.data / "weibo2018_train.txt").is_file() or not (args.data / "headlines.tsv").is_file():
        sys.exit(f"bench_obfuscation: {args.data} lacks weibo2018_train.txt or headlines.tsv (pass --data DIR)")
    trees = {"before": args.base, "after": REPO}
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            samples[name].append(run(tree, args.data))
    medians = {}
    for name, values in samples.items():
        medians[name] = [statistics.median(v[i] for v in values) for i in range(3)]
        load, weibo, titles = medians[name]
        print(f"{name:6}: load {load:.2f} s; weibo check_batch {weibo:.2f} s; headlines {titles:.2f} s "
              f"(medians of {args.rounds})")
    for i, label in ((1, "weibo"), (2, "headlines"), (0, "load")):
        print(f"after / before, {label}: {medians['after'][i] / medians['before'][i]:.3f}")


if __name__ == "__main__":
    main()
