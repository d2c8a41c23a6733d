"""Issue 12: one document with many findings is linear, not quadratic.

``'最好用' * 20000`` has no punctuation, so it is one clause of 60,000 characters with 20,000 hits.
The context stage used to fold and segment (jieba) that whole clause once per hit and took minutes
(1,000 repeats: about a minute; 20,000: hours). It now finds the clause breaks once per document and
reads at most ``limits.yaml context.max_clause_chars`` on each side of a hit.

The run is a subprocess with a generous timeout: no timing assertion beyond "finishes within N s".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from contentguard.config.limits import Limits, default_limits

SRC = Path(__file__).resolve().parents[2] / "src"

SCRIPT = """
import json, contentguard
report = contentguard.load().check('最好用' * 20000)
spans = sorted({(f.start, f.end) for f in report.findings})
print(json.dumps({"findings": len(report.findings), "spans": len(spans), "first": spans[0], "last": spans[-1],
                  "level": report.risk.level}))
"""


def test_twenty_thousand_hits_finish_within_the_timeout():
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # every hit is still reported, each at its own span
    assert result["spans"] == 20000
    assert result["first"] == [0, 3] and result["last"] == [59997, 60000]
    assert result["level"] != "low"


def test_the_clause_reach_is_data():
    assert default_limits().context.max_clause_chars >= 20
    assert Limits.model_validate({"context": {"max_clause_chars": 7}}).context.max_clause_chars == 7


def test_a_bounded_clause_still_sees_nearby_cues(default_guard):
    # the same hit decides the same way whether the text around it is short or very long
    short = default_guard.check("这是最好用的手机")
    long = default_guard.check("这是最好用的手机" + "啊" * 5000)
    assert [(f.rule_id, f.start, f.end, f.confidence) for f in short.findings] == \
        [(f.rule_id, f.start, f.end, f.confidence) for f in long.findings]
