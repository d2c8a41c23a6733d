"""Baselines (`baseline create`, `scan --baseline`) and suggested rewrites (`fix`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentguard.cli import cli
from contentguard.cli.baseline import Baseline

DATA = Path(__file__).parent / "data" / "cli"
PACK = str(DATA / "pack.yaml")

EXISTING = "# 旧文章\n\n本店全网最低价。\n\n联系13812345678咨询。\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def scan(*args: str):
    result = run("scan", "--packs", PACK, "--fail-on", "medium", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_a_baseline_accepts_existing_findings_and_only_new_ones_fail():
    Path("old.md").write_text(EXISTING, encoding="utf-8")
    created = run("baseline", "create", "--packs", PACK, "old.md")
    assert created.exit_code == 0
    assert "baseline: 2 finding(s) of 1 document(s) written to .contentguard-baseline.json" in created.stderr
    baseline = Baseline.model_validate_json(Path(".contentguard-baseline.json").read_text(encoding="utf-8"))
    assert [(e.rule_id, e.path, e.line) for e in baseline.entries] == [
        ("cli/absolute", "old.md", 3), ("cli/phone", "old.md", 5)]
    # No finding text is copied into the baseline: a phone number stays out of the repository.
    assert "13812345678" not in Path(".contentguard-baseline.json").read_text(encoding="utf-8")

    code, output = scan("--baseline", ".contentguard-baseline.json", "old.md")
    assert code == 0 and output["documents"][0]["findings"] == []
    assert {f["suppressed_by"] for f in output["documents"][0]["suppressed"]} == {"baseline"}
    assert scan("old.md")[0] == 1  # without the baseline it fails

    # Lines added above move the findings: they are still accepted (no line numbers in the hash).
    Path("old.md").write_text("# 旧文章\n\n新增的一段话。\n\n" + EXISTING.split("\n", 2)[2], encoding="utf-8")
    code, output = scan("--baseline", ".contentguard-baseline.json", "old.md")
    assert code == 0 and len(output["documents"][0]["suppressed"]) == 2

    # The same words written anew elsewhere are a new finding; so is a second copy of an old one.
    Path("old.md").write_text(EXISTING + "\n新品第一名。\n", encoding="utf-8")
    code, output = scan("--baseline", ".contentguard-baseline.json", "old.md")
    assert code == 1 and [f["text"] for f in output["documents"][0]["findings"]] == ["第一"]
    Path("old.md").write_text(EXISTING + EXISTING, encoding="utf-8")
    code, output = scan("--baseline", ".contentguard-baseline.json", "old.md")
    assert code == 1 and len(output["documents"][0]["findings"]) == 2
    assert len(output["documents"][0]["suppressed"]) == 2


def test_a_renamed_file_keeps_its_accepted_findings():
    Path("old.md").write_text(EXISTING, encoding="utf-8")
    run("baseline", "create", "--packs", PACK, "-o", "accepted.json", "old.md")
    Path("old.md").rename("renamed.md")
    code, output = scan("--baseline", "accepted.json", "renamed.md")
    assert code == 0 and output["summary"]["suppressed"] == {"baseline": 2}


def test_inline_suppressed_findings_are_not_put_in_a_baseline():
    Path("a.md").write_text("<!-- contentguard: ignore cli/absolute -- 已批准 -->\n全网最低价\n", encoding="utf-8")
    run("baseline", "create", "--packs", PACK, "a.md")
    assert Baseline.read(Path(".contentguard-baseline.json")).entries == []


def test_a_broken_baseline_file_is_a_usage_error():
    Path("a.md").write_text("正文", encoding="utf-8")
    Path("broken.json").write_text('{"format": "something-else"}', encoding="utf-8")
    result = run("scan", "--packs", PACK, "--baseline", "broken.json", "a.md")
    assert result.exit_code == 2
    assert "broken.json: not a contentguard baseline (format:" in result.stderr


def test_baseline_for_batch_records():
    Path("c.jsonl").write_text(json.dumps({"id": "1", "text": "网赌"}, ensure_ascii=False) + "\n", encoding="utf-8")
    run("baseline", "create", "--packs", PACK, "c.jsonl")
    code, _ = scan("--baseline", ".contentguard-baseline.json", "c.jsonl")
    assert code == 0


# ---- fix ------------------------------------------------------------------------------------------

def test_fix_prints_a_diff_with_term_replacements_and_masks():
    Path("post.md").write_text("# 新品\n\n这是最好的杯子，全网最低价。\n电话13812345678。\n", encoding="utf-8")
    result = run("fix", "--packs", PACK, "--mask", "post.md")
    assert result.exit_code == 0
    assert "--- a/post.md\n+++ b/post.md\n" in result.stdout
    diff = result.stdout.splitlines()
    assert "-这是最好的杯子，全网最低价。" in diff and "+这是很好的杯子，全网最低价。" in diff
    assert "-电话13812345678。" in diff and "+电话138****5678。" in diff
    # 最低价 has only the rule's advice: a person rewrites it.
    assert "post.md:3:11: cli/absolute: 绝对化用语「最低价」 — 改为客观表述" in result.stderr
    unmasked = run("fix", "--packs", PACK, "post.md").stdout
    assert "138****5678" not in unmasked and "post.md:4:3: cli/phone" in run("fix", "--packs", PACK, "post.md").stderr


def test_fix_write_rewrites_in_place_keeping_the_encoding():
    Path("post.txt").write_bytes("这是最好的杯子。\r\n电话13812345678。\r\n".encode("gbk"))
    result = run("fix", "--packs", PACK, "--mask", "--write", "post.txt")
    assert result.exit_code == 0 and "post.txt: 2 rewrite(s) applied" in result.stderr
    assert Path("post.txt").read_bytes().decode("gbk") == "这是很好的杯子。\r\n电话138****5678。\r\n"


def test_fix_in_html_rewrites_the_source_at_the_mapped_spans():
    Path("a.html").write_text("<p>这是<b>最好</b>的。</p><p>电话：13812345678</p>", encoding="utf-8")
    run("fix", "--packs", PACK, "--mask", "--write", "a.html")
    assert Path("a.html").read_text(encoding="utf-8") == "<p>这是<b>很好</b>的。</p><p>电话：138****5678</p>"


def test_fix_with_nothing_to_rewrite():
    Path("a.txt").write_text("价格公道", encoding="utf-8")
    result = run("fix", "--packs", PACK, "a.txt")
    assert result.exit_code == 0 and result.stdout == "" and "nothing to rewrite" in result.stderr


def test_mask_keeps_the_shape_of_personal_information():
    from contentguard.cli.formats import mask

    assert mask("13812345678") == "138****5678"
    assert mask("110101199003071234") == "110***********1234"
    assert mask("138-1234-5678") == "138-****-5678"
    assert mask("zhang.san@example.com") == "zha**.***@******e.com"
    assert mask("张三丰") == "张**"
    assert mask("京A12345") == "京*****5"


def test_fix_rewrites_only_replacements_never_advice():
    Path("post.txt").write_text("最佳选择，顶级做工，国家级品质，极品口感，至尊享受。\n", encoding="utf-8")
    result = run("fix", "--packs", str(DATA / "fix_pack.yaml"), "post.txt")
    assert "+较好选择，高品质做工，国家级品质，极品口感，至尊享受。" in result.stdout.splitlines()
    advice = result.stderr.splitlines()
    assert any(line.startswith("post.txt:1:11: fixes/superlatives") and '改为"优质""精选"' in line for line in advice)
    assert any(line.startswith("post.txt:1:17: fixes/superlatives") and "写明具体参数" in line for line in advice)
    assert any(line.startswith("post.txt:1:22: fixes/superlatives") and "删去“至尊”" in line for line in advice)
