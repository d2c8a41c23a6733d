"""Four reviewer processes deciding at once lose no decision and never fork the chain."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from contentguard.review import ApprovalPolicy, ReviewTrail

# Four stages any order, one per reviewer process: every process writes to every submission.
POLICY = {
    "version": "test",
    "stages": [{"name": f"stage{i}", "roles": [f"role{i}"]} for i in range(4)],
    "levels": {level: [f"stage{i}" for i in range(4)] for level in ("none", "low", "medium", "high")},
    "in_order": False,
}
SUBMISSIONS = 8

REVIEWER = textwrap.dedent("""
    import random, sys, time
    from contentguard.review import ApprovalPolicy, ReviewTrail
    url, number, start, policy, count = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    import json
    trail = ReviewTrail(url, policy=ApprovalPolicy.from_data(json.loads(policy)))
    ids = [f"S{i}" for i in range(1, count + 1)]
    random.Random(number).shuffle(ids)
    while time.time() < start:
        time.sleep(0.005)
    for sid in ids:
        trail.approve(sid, f"stage{number}", f"reviewer{number}", role=f"role{number}")
    trail.close()
""")


def test_four_reviewer_processes_lose_no_decision(db_url, review_guard):
    import json
    import time

    policy = ApprovalPolicy.from_data(POLICY)
    trail = ReviewTrail(db_url, guard=review_guard, policy=policy)
    trail.submit_many([f"第{i}篇稿件" for i in range(SUBMISSIONS)], author="writer")
    start = time.time() + 1.5  # all four start together, after their imports
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    workers = [subprocess.Popen([sys.executable, "-c", REVIEWER, db_url, str(n), str(start), json.dumps(POLICY),
                                 str(SUBMISSIONS)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(4)]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    records = list(trail.log())
    assert [r.seq for r in records] == list(range(1, SUBMISSIONS * 5 + 1))
    decisions = [r for r in records if r.kind == "decision"]
    assert sorted((r.submission_id, r.payload["stage"]) for r in decisions) == sorted(
        (f"S{i}", f"stage{n}") for i in range(1, SUBMISSIONS + 1) for n in range(4))
    assert all(trail.status(f"S{i}").approved for i in range(1, SUBMISSIONS + 1))
    assert len(trail.submissions(state="approved")) == SUBMISSIONS
    result = trail.verify()
    assert result.ok, result.problems
    trail.close()
