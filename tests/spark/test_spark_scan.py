"""contentguard spark-scan: a JSON Lines archive in, Parquet / JSON Lines with the results out."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from contentguard.cli import cli


def test_spark_scan_writes_what_check_batch_reports(spark, tmp_path, default_guard):
    records = [{"id": f"c{i}", "body": body, "kind": "comment"}
               for i, body in enumerate(["本品是全网最低价，加微*信领取", "质量太差了，再也不买", "", "天气很好"])]
    records.append({"id": "c9", "body": None, "kind": "comment"})
    source = tmp_path / "comments.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    result = CliRunner().invoke(cli, ["spark-scan", str(source), str(tmp_path / "out"), "--master", "local[2]"])
    assert result.exit_code == 0, result.output
    reports = list(default_guard.check_batch(records))
    counts = {d: sum(r.decision == d for r in reports) for d in ("pass", "review", "block")}
    assert f"5 rows checked (pass {counts['pass']}, review {counts['review']}, block {counts['block']})" \
        in result.output
    table = pq.read_table(tmp_path / "out").to_pylist()
    got = {row["id"]: row for row in table}
    for record, report in zip(records, reports, strict=True):
        row = got[record["id"]]
        assert (row["decision"], row["risk_level"], row["sentiment"], row["ruleset_hash"]) == (
            report.decision, report.risk.level, report.sentiment and report.sentiment.label, report.ruleset.hash)
        assert [(f["rule_id"], f["start"], f["end"], f["text"]) for f in row["findings"]] == [
            (f.rule_id, f.start, f.end, f.text) for f in report.findings]
    assert got["c9"]["errors"][0]["code"] == "invalid-document"

    again = CliRunner().invoke(cli, ["spark-scan", str(source), str(tmp_path / "out")])
    assert again.exit_code == 2 and "already exists" in again.output
    missing = CliRunner().invoke(cli, ["spark-scan", str(source), str(tmp_path / "out2"), "--text-field", "text",
                                       "--format", "jsonl"])
    assert missing.exit_code == 2 and "no such column: body='text'" in missing.output
