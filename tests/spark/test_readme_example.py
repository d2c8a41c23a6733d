"""The README's Spark example runs as written and gives check_batch's results."""

from __future__ import annotations

import json
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_spark_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Spark", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_spark_example(spark, tmp_path, default_guard, capsys):
    code = readme_spark_example()
    assert len(code.strip().splitlines()) == 5
    records = [{"id": "a", "body": "本品是全网最低价，加微*信领取", "kind": "post"},
               {"id": "b", "body": "这家店服务很好", "kind": "comment"}]
    (tmp_path / "comments.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                                             encoding="utf-8")
    # The JVM resolves a relative path against its own working folder, so the test names the file in full.
    code = code.replace('"comments.jsonl"', json.dumps(str(tmp_path / "comments.jsonl")))
    namespace: dict = {}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - the README's own example
    rows = {row["id"]: row for row in namespace["checked"].collect()}
    for record, report in zip(records, default_guard.check_batch(records), strict=True):
        assert rows[record["id"]]["decision"] == report.decision
        assert [f["text"] for f in rows[record["id"]]["findings"]] == [f.text for f in report.findings]
    assert "全网最低" in capsys.readouterr().out  # what .show() printed
