"""Monitoring a comment stream: spam and abuse checks, sentiment, brand watchlist, batch summary."""

from __future__ import annotations

import contentguard
from contentguard import Document


def test_every_report_carries_sentiment_and_risk(default_guard):
    report = default_guard.check(Document(body="这个产品太差了，用了两天就坏了，非常失望", kind="comment"))
    assert report.sentiment is not None and report.sentiment.label == "negative"
    assert abs(sum(report.sentiment.scores.values()) - 1) < 1e-6
    data = report.model_dump(mode="json")
    assert set(data["sentiment"]) == {"label", "scores"} and set(data["risk"]) >= {"level", "route", "explanation"}


def test_sentiment_policy_comments_only_skips_posts():
    guard = contentguard.load(packs=[], config={"sentiment": "comments"})
    assert guard.check(Document(body="很好")).sentiment is None
    assert guard.check(Document(body="很好", kind="comment")).sentiment is not None


def test_brand_watchlist_and_batch_summary():
    guard = contentguard.load(config={"watchlist": {"brands": ["好味来"]}})
    comments = [
        Document(id="c1", kind="comment", body="好味来的蛋糕真好吃，推荐大家去买"),
        Document(id="c2", kind="comment", body="好味来太垃圾了，吃坏肚子还不退款，一群骗子，傻逼商家"),
        Document(id="c3", kind="comment", body="好味来的面包不好吃，有点失望"),
        Document(id="c4", kind="comment", body="今天天气不错"),
        Document(id="p1", kind="post", body="好味来新店开业"),
    ]
    reports = list(guard.check_batch(comments))
    mentions = [[f.text for f in r.findings if f.category == "brand-mention"] for r in reports]
    assert mentions == [["好味来"], ["好味来"], ["好味来"], [], []]  # posts are not brand-watched
    summary = contentguard.summarize(reports)
    assert summary.documents == 5 and summary.brand_mentions == 3
    assert summary.negative_brand_mentions == 2
    assert [m.id for m in summary.escalated_brand_mentions] == ["c2"]
    assert summary.escalated_brand_mentions[0].level in ("medium", "high")
    assert reports[2].risk.level == "low"  # a single bad review: the operator handles it


def test_command_line_summary_reports_brand_monitoring(tmp_path):
    import json
    import subprocess
    import sys

    (tmp_path / "contentguard.yaml").write_text("watchlist:\n  brands: [好味来]\n", encoding="utf-8")
    comments = [{"id": "c1", "kind": "comment", "body": "好味来太垃圾了，吃坏肚子还不退款，一群骗子，傻逼商家"},
                {"id": "c2", "kind": "comment", "body": "好味来的面包很好吃，推荐"}]
    (tmp_path / "comments.jsonl").write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in comments),
                                             encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", "from contentguard.cli import main; main()", "scan",
                             "comments.jsonl", "--format", "json"], cwd=tmp_path, capture_output=True, text=True)
    # 吃坏肚子 is a safety incident the public reports: high, at the default --fail-on.
    assert result.returncode == 1, result.stderr
    monitoring = json.loads(result.stdout)["summary"]["monitoring"]
    assert monitoring["brand_mentions"] == 2 and monitoring["negative_brand_mentions"] == 1
    assert [m["id"] for m in monitoring["escalated_brand_mentions"]] == ["c1"]
