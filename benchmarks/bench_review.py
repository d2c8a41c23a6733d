"""The review trail's speed on SQLite: 10,000 submissions and 30,000 decisions (target: <= 30 s).

    python benchmarks/bench_review.py [--submissions 10000] [--db PATH-or-URL] [--sentiment all|off]

One Guard (the shipped packs) is built once and reused. Submissions go through
``ReviewTrail.submit_many`` (each batch of 500 checked together and recorded in one transaction);
decisions through ``decide_many`` (1,000 per transaction), every stage each submission's policy
requires, in order, until there are three decisions per submission on average. Prints the time of
the checks alone (the same documents through ``Guard.check_batch``, run before and after the trail
so that a warm cache favours neither), the submissions (checks included), the decisions, ``verify``
over the whole chain, and the database size. Figures, not pass/fail.

Documents are generated from templates (posts with and without findings, at each risk level), so
the benchmark needs no data set.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

import contentguard  # noqa: E402
from contentguard.review import ReviewTrail  # noqa: E402

TEMPLATES = [
    # none / low: 自审 + 初审
    "{n}号门店本周上新秋季保温杯，欢迎到店选购。",
    "感谢大家对第{n}期活动的支持，获奖名单将在周五公布。",
    # medium: adds 复审
    "本品是全网最低价，第{n}批限量发售，先到先得！",
    "国家级专利产品，第{n}代升级版，效果最好。",
    # high: adds 终审
    "第{n}期内部经营数据：本季度营收同比增长，净利润率保持稳定，仅限内部传阅。",
    "加微信领取第{n}期福利，网络赌博稳赚不赔，保本保息。",
]


def documents(count: int, seed: int = 7) -> list[contentguard.Document]:
    rng = random.Random(seed)
    return [contentguard.Document(id=f"post-{i}", title=f"第{i}期推文",
                                  body=rng.choice(TEMPLATES).format(n=i) + rng.choice(["", "欢迎留言。", "详见官网。"]))
            for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--decisions-per-submission", type=float, default=3.0)
    parser.add_argument("--db", default=None, help="A SQLite file or URL (default: a new file in a temp folder).")
    parser.add_argument("--sentiment", choices=["all", "comments", "off"], default="all")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="contentguard-bench-review-")
    db = args.db or os.path.join(workdir, "review.db")
    started = time.perf_counter()
    guard = contentguard.load(config={"sentiment": args.sentiment})
    docs = documents(args.submissions)
    guard.check(docs[0])  # the sentiment model and jieba load once, outside the timings
    load_time = time.perf_counter() - started

    def checks_only() -> float:
        began = time.perf_counter()
        for _ in guard.check_batch(docs):
            pass
        return time.perf_counter() - began

    check_before = checks_only()
    trail = ReviewTrail(db, guard=guard)

    began = time.perf_counter()
    submissions = trail.submit_many(docs, author="王芳")
    submit_time = time.perf_counter() - began

    # Decisions: round by round (自审 for all, then 初审 ...), as a team works through a queue.
    target = int(args.submissions * args.decisions_per_submission)
    reviewers = {"自审": ("王芳", None), "初审": ("李雷", "运营"), "复审": ("韩梅", "风控与合规组"),
                 "终审": ("赵总", "总经办")}
    planned = []
    for depth in range(4):
        for sub in submissions:
            if depth < len(sub.required_stages) and len(planned) < target:
                stage = sub.required_stages[depth]
                reviewer, role = reviewers[stage]
                planned.append((sub.id, stage, reviewer, "approve", "", role))
    began = time.perf_counter()
    for start in range(0, len(planned), 1000):
        trail.decide_many(planned[start:start + 1000])
    decide_time = time.perf_counter() - began

    began = time.perf_counter()
    result = trail.verify()
    verify_time = time.perf_counter() - began
    check_after = checks_only()
    approved = len(trail.submissions(state="approved"))
    trail.close()

    levels: dict[str, int] = {}
    for sub in submissions:
        levels[sub.risk_level or "?"] = levels.get(sub.risk_level or "?", 0) + 1
    total = submit_time + decide_time
    size = Path(db).stat().st_size if Path(db).is_file() else 0
    print(f"database: {trail.store.url} ({size / 1e6:.1f} MB), sentiment {args.sentiment}")
    print(f"guard load + warm-up: {load_time:.2f} s (not counted)")
    print(f"risk levels: {dict(sorted(levels.items()))}")
    print(f"checks alone (check_batch, before / after): {check_before:.2f} s / {check_after:.2f} s")
    print(f"{len(submissions):,} submissions (checks included): {submit_time:.2f} s "
          f"({len(submissions) / submit_time:,.0f}/s)")
    print(f"{len(planned):,} decisions: {decide_time:.2f} s ({len(planned) / decide_time:,.0f}/s)")
    print(f"total submissions + decisions: {total:.2f} s (target <= 30 s)")
    print(f"verify: {result.records:,} records in {verify_time:.2f} s, ok={result.ok}; approved {approved:,}")


if __name__ == "__main__":
    main()
