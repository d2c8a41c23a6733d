"""`contentguard scan` through the real command (click's runner, and the installed entry point):
inputs, encodings, positions, formats, exit codes, progress, suppression."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentguard.cli import cli

DATA = Path(__file__).parent / "data" / "cli"
PACK = str(DATA / "pack.yaml")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    # Each test runs in its own folder: no configuration of the repository is discovered.
    monkeypatch.chdir(tmp_path)


def run(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def scan_json(*args: str, input: bytes | str | None = None) -> tuple[int, dict]:
    result = run("scan", "--packs", PACK, "--format", "json", *args, input=input)
    return result.exit_code, json.loads(result.stdout)


def line_col(source: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column (in characters) of the n-th occurrence of needle in source."""
    index = -1
    for _ in range(occurrence):
        index = source.index(needle, index + 1)
    line = source.count("\n", 0, index) + 1
    column = index - (source.rfind("\n", 0, index) + 1) + 1
    return line, column


def positions(document: dict) -> list[tuple[str, str, int, int]]:
    return [(f["rule_id"], f["text"], f["line"], f["column"]) for f in document["findings"]]


# ---- plain text, Markdown, HTML: spans and line:column ----------------------------------------

TXT = "开头这行没有问题。\n  我们的产品是全网最低价，欢迎选购。\n\n联系电话：13812345678，亲们快来！\n"


def test_txt_findings_point_at_line_and_column_and_index_the_document(tmp_path):
    Path("post.txt").write_text(TXT, encoding="utf-8")
    code, output = scan_json("post.txt")
    document = output["documents"][0]
    assert document["path"] == "post.txt" and document["encoding"] == "utf-8"
    assert positions(document) == [
        ("cli/absolute", "最低价", *line_col(TXT, "最低价")),
        ("cli/phone", "13812345678", *line_col(TXT, "13812345678")),
        ("cli/informal", "亲们", *line_col(TXT, "亲们")),
    ]
    for finding in document["findings"]:
        assert TXT[finding["start"]:finding["end"]] == finding["text"]
        end_line, end_column = line_col(TXT, finding["text"])
        assert (finding["end_line"], finding["end_column"]) == (end_line, end_column + len(finding["text"]))
    assert code == 1  # medium is at the default --fail-on medium


def test_text_format_prints_path_line_col_rule_severity_message(tmp_path):
    Path("post.txt").write_text(TXT, encoding="utf-8")
    result = run("scan", "--packs", PACK, "post.txt")
    line, column = line_col(TXT, "最低价")
    assert f"post.txt:{line}:{column}: cli/absolute [4] 绝对化用语「最低价」" in result.stdout
    assert "post.txt  review · risk medium" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour


MD = """---
layout: post
title: 震惊！全网最低价
tags: [新品]
---
# 新品发布

<!-- contentguard: ignore cli/absolute -- 已获法务批准：最好 -->
这是我们最好的产品。
这是第一次发布，亲们好。
"""


def test_markdown_front_matter_title_and_body_positions(tmp_path):
    Path("post.md").write_text(MD, encoding="utf-8")
    code, output = scan_json("post.md")
    document = output["documents"][0]
    found = positions(document)
    assert ("cli/clickbait", "震惊", *line_col(MD, "震惊")) in found
    assert ("cli/absolute", "最低价", *line_col(MD, "最低价")) in found
    assert ("cli/absolute", "第一", *line_col(MD, "第一次")) in found
    assert ("cli/informal", "亲们", *line_col(MD, "亲们")) in found
    title = next(f for f in document["findings"] if f["field"] == "title")
    assert "震惊！全网最低价"[title["start"]:title["end"]] == title["text"]
    # The directive's reason holds a banned word: comments are not published, so not checked.
    assert not any(f["line"] == 8 for f in document["findings"])
    suppressed = document["suppressed"]
    assert [(f["rule_id"], f["text"], f["line"], f["suppressed_by"], f["reason"]) for f in suppressed] == [
        ("cli/absolute", "最好", 9, "inline", "已获法务批准：最好")]


def test_markdown_with_crlf_line_endings_keeps_columns(tmp_path):
    source = MD.replace("\n", "\r\n")
    Path("post.md").write_bytes(source.encode("utf-8"))
    _, output = scan_json("post.md")
    found = positions(output["documents"][0])
    assert ("cli/informal", "亲们", *line_col(source, "亲们")) in found
    assert ("cli/clickbait", "震惊", *line_col(source, "震惊")) in found


HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>震惊 &amp; 新品</title>
<style>.x{content:"赌博"}</style><script>var s = "网赌";</script></head>
<body>
<div id="js_content"><p>我们的产品是<strong>最</strong>好的，<span>价格</span>&nbsp;全网最低价。</p>
<p>电话：<em>138</em>12345678</p><!-- 赌博 in a comment is not published -->
</div></body></html>
"""


def test_html_text_is_extracted_and_offsets_map_back_to_the_source(tmp_path):
    Path("article.html").write_text(HTML, encoding="utf-8")
    code, output = scan_json("article.html")
    document = output["documents"][0]
    found = positions(document)
    assert ("cli/clickbait", "震惊", *line_col(HTML, "震惊")) in found
    # 最<strong>最</strong>好: the tags are gone for matching, the position is the source's.
    best = next(f for f in document["findings"] if f["rule_id"] == "cli/absolute" and f["start"] is not None
                and f["field"] == "body" and f["line"] == 5 and f["column"] == line_col(HTML, "最</strong>")[1])
    assert (best["end_line"], best["end_column"]) == (5, line_col(HTML, "好的")[1] + 1)
    assert ("cli/absolute", "最低价", *line_col(HTML, "最低价")) in found
    phone = next(f for f in document["findings"] if f["rule_id"] == "cli/phone")
    assert (phone["line"], phone["column"]) == line_col(HTML, "138</em>")
    # Scripts and styles are not text; a comment is published in the page source (issue 12): checked.
    gambling = [f for f in document["findings"] if f["rule_id"] == "cli/gambling"]
    assert [(f["text"], f["line"]) for f in gambling] == [("赌博", 6)]
    assert code == 1  # two exaggerations agree: high


def test_html_finding_spans_index_the_extracted_text(tmp_path):
    from contentguard.inputs import extract_html

    extracted = extract_html(HTML)
    Path("article.html").write_text(HTML, encoding="utf-8")
    _, output = scan_json("article.html")
    for finding in output["documents"][0]["findings"]:
        text = extracted.title if finding["field"] == "title" else extracted.body
        assert text[finding["start"]:finding["end"]] == finding["text"]


# ---- encodings, binary, empty, huge --------------------------------------------------------------

@pytest.mark.parametrize("encoding, raw", [
    ("gb18030", lambda text: text.encode("gbk")),
    ("utf-8-sig", lambda text: text.encode("utf-8-sig")),
    ("utf-16", lambda text: text.encode("utf-16")),
    ("utf-16", lambda text: text.encode("utf-16-be").join([b"\xfe\xff", b""])),
    ("utf-8", lambda text: text.encode("utf-8")),
])
def test_encodings_are_detected_and_give_the_same_positions(tmp_path, encoding, raw):
    Path("post.txt").write_bytes(raw(TXT))
    _, output = scan_json("post.txt")
    document = output["documents"][0]
    assert document["encoding"] == encoding
    assert ("cli/phone", "13812345678", *line_col(TXT, "13812345678")) in positions(document)


def test_gbk_markdown_and_csv(tmp_path):
    Path("post.md").write_bytes(MD.encode("gbk"))
    Path("batch.csv").write_bytes("id,text\nr1,参与网赌\nr2,正常内容\n".encode("gbk"))
    code, output = scan_json("post.md", "batch.csv")
    assert [d["encoding"] for d in output["documents"]] == ["gb18030", "gb18030", "gb18030"]
    assert ("cli/informal", "亲们", *line_col(MD, "亲们")) in positions(output["documents"][0])
    assert positions(output["documents"][1]) == [("cli/gambling", "网赌", 2, 1)]
    assert code == 1  # 网赌 is severity 5: high


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256))


def test_binary_and_undecodable_files_are_skipped_with_their_reason_and_the_scan_goes_on(tmp_path):
    Path("a_image.txt").write_bytes(PNG)
    Path("b_latin.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    Path("c_post.txt").write_text("参与网赌", encoding="utf-8")
    code, output = scan_json("a_image.txt", "b_latin.txt", "c_post.txt")
    skipped = {s["path"]: s["reason"] for s in output["skipped"]}
    assert "NUL" in skipped["a_image.txt"]
    assert "not text in UTF-8, UTF-16 or GB18030" in skipped["b_latin.txt"] or "binary" in skipped["b_latin.txt"]
    assert [d["path"] for d in output["documents"]] == ["c_post.txt"]
    assert output["summary"]["skipped"] == 2 and output["summary"]["documents"] == 1
    assert code == 1
    text = run("scan", "--packs", PACK, "a_image.txt", "c_post.txt").stdout
    assert "a_image.txt: skipped: binary file (holds NUL bytes)" in text


def test_empty_file_is_a_clean_document(tmp_path):
    Path("empty.md").write_bytes(b"")
    Path("empty.jsonl").write_bytes(b"")
    code, output = scan_json("empty.md", "empty.jsonl")
    assert [(d["path"], d["decision"], d["findings"]) for d in output["documents"]] == [("empty.md", "pass", [])]
    assert output["skipped"] == [] and code == 0


def test_a_50_mb_file_is_skipped_quickly_and_the_rest_is_scanned(tmp_path):
    line = ("今天我们发布了新产品，欢迎大家关注。质量很好，价格公道。" * 4 + "\n").encode("utf-8")
    with open("huge.txt", "wb") as out:
        out.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert os.path.getsize("huge.txt") >= 50 * 1024 * 1024
    Path("small.txt").write_text("参与网赌", encoding="utf-8")
    started = time.monotonic()
    code, output = scan_json("huge.txt", "small.txt")
    assert time.monotonic() - started < 15
    assert output["skipped"][0]["path"] == "huge.txt"
    assert "50.0 MB, over the 10.0 MB limit" in output["skipped"][0]["reason"]
    assert "--max-file-size" in output["skipped"][0]["reason"]
    assert [d["path"] for d in output["documents"]] == ["small.txt"] and code == 1
    # The same limit holds for stdin, which cannot be measured before reading.
    code, output = scan_json("--max-file-size", "1KB", "-", input=b"x" * 2048)
    assert "over the 1.0 KB limit" in output["skipped"][0]["reason"] or "limit" in output["skipped"][0]["reason"]


def test_max_file_size_is_validated(tmp_path):
    Path("a.txt").write_text("x", encoding="utf-8")
    result = run("scan", "--packs", PACK, "--max-file-size", "lots", "a.txt")
    assert result.exit_code == 2 and "--max-file-size: 'lots' is not a size" in result.stderr


# ---- batches -------------------------------------------------------------------------------------

JSONL = "\n".join([
    json.dumps({"id": "c1", "body": "杯子很好用", "kind": "comment", "platform": "weibo"}, ensure_ascii=False),
    '{"id": "c2", "body": "加我参与网赌',  # broken JSON
    json.dumps({"id": "c3", "body": "客服电话13812345678"}),  # \u escapes: column still found
    json.dumps({"id": "c4", "comment": "没有正文字段"}, ensure_ascii=False),
    "",
    json.dumps({"id": 5, "body": "第二行\n网赌", "title": "震惊"}, ensure_ascii=False),
    "[1, 2]",
]) + "\n"


def test_jsonl_records_are_streamed_and_bad_lines_skipped_with_their_line(tmp_path):
    Path("comments.jsonl").write_text(JSONL, encoding="utf-8")
    code, output = scan_json("comments.jsonl")
    documents = output["documents"]
    assert [(d["id"], d["record"], d["kind"], d["platform"]) for d in documents] == [
        ("c1", 1, "comment", "weibo"), ("c3", 3, "post", None), ("5", 6, "post", None)]
    skipped = [(s["record"], s["reason"]) for s in output["skipped"]]
    assert skipped[0][0] == 2 and "invalid JSON" in skipped[0][1]
    assert skipped[1][0] == 4 and "none of text, body, content" in skipped[1][1] and "--text-field" in skipped[1][1]
    assert skipped[2][0] == 7 and "JSON object" in skipped[2][1]
    line3 = JSONL.splitlines()[2]
    phone = documents[1]["findings"][0]
    assert (phone["line"], phone["column"]) == (3, line3.index("13812345678") + 1)
    line6 = JSONL.splitlines()[5]
    gamble = next(f for f in documents[2]["findings"] if f["rule_id"] == "cli/gambling")
    assert (gamble["line"], gamble["column"]) == (6, line6.index("网赌") + 1)
    assert "第二行\n网赌"[gamble["start"]:gamble["end"]] == "网赌"
    assert code == 1


def test_jsonl_field_mapping_and_kind(tmp_path):
    Path("posts.jsonl").write_text(
        json.dumps({"post_id": "p9", "data": {"content": "亲们好"}, "headline": "震惊"}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    _, output = scan_json("posts.jsonl", "--id-field", "post_id", "--text-field", "data.content",
                          "--title-field", "headline", "--kind", "comment", "--platform", "douyin")
    document = output["documents"][0]
    assert (document["id"], document["kind"], document["platform"]) == ("p9", "comment", "douyin")
    assert {f["rule_id"] for f in document["findings"]} == {"cli/clickbait", "cli/informal"}


def test_csv_records_with_multiline_fields_keep_their_start_line(tmp_path):
    Path("posts.csv").write_text('id,title,text\nr1,,"第一行\n第二行"\nr2,震惊,参与网赌\nr3,short\n',
                                 encoding="utf-8")
    code, output = scan_json("posts.csv")
    assert [(d["id"], d["record"]) for d in output["documents"]] == [("r1", 2), ("r2", 4)]
    assert output["skipped"][0]["record"] == 5 and "no text field" in output["skipped"][0]["reason"]
    assert positions(output["documents"][1]) == [("cli/clickbait", "震惊", 4, 1), ("cli/gambling", "网赌", 4, 1)]
    result = run("scan", "--packs", PACK, "posts.csv", "--text-field", "message")
    assert "no column 'message' (columns: id, title, text)" in result.stdout


def test_tsv_batch(tmp_path):
    Path("posts.tsv").write_text("id\tbody\nt1\t全网最低价\n", encoding="utf-8")
    _, output = scan_json("posts.tsv")
    assert positions(output["documents"][0]) == [("cli/absolute", "最低价", 2, 1)]


# ---- stdin and folders ------------------------------------------------------------------------------

def test_stdin(tmp_path):
    code, output = scan_json("-", input="参与网赌".encode("gbk"))
    assert output["documents"][0]["path"] == "<stdin>" and output["documents"][0]["encoding"] == "gb18030"
    assert code == 1
    _, output = scan_json("-", "--stdin-filename", "draft.md", input=MD.encode("utf-8"))
    document = output["documents"][0]
    assert document["path"] == "draft.md" and any(f["field"] == "title" for f in document["findings"])


def test_folders_are_walked_with_include_exclude_and_ignore_files(tmp_path):
    for name in ["docs/a.md", "docs/sub/b.txt", "docs/sub/c.html", "docs/drafts/d.md", "docs/e.py", "docs/f.rst",
                 "docs/.git/g.md", "docs/build/h.md", "docs/skip-me.md"]:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("参与网赌", encoding="utf-8")
    Path("docs/.gitignore").write_text("build/\n", encoding="utf-8")
    Path("docs/sub/.contentguardignore").write_text("*.html\n", encoding="utf-8")
    _, output = scan_json("docs", "--exclude", "drafts/", "--exclude", "skip-*.md")
    assert [d["path"] for d in output["documents"]] == ["docs/a.md", "docs/sub/b.txt"]
    _, output = scan_json("docs", "--no-ignore")
    assert sorted(d["path"] for d in output["documents"]) == [
        "docs/a.md", "docs/build/h.md", "docs/drafts/d.md", "docs/skip-me.md", "docs/sub/b.txt", "docs/sub/c.html"]
    _, output = scan_json("docs", "--include", "*.rst", "--include", "*.py")
    assert [d["path"] for d in output["documents"]] == ["docs/e.py", "docs/f.rst"]
    # A file named on the command line is read whatever its suffix (as plain text), once.
    _, output = scan_json("docs/f.rst", "docs/f.rst", "docs/a.md", "docs")
    assert output["documents"][0]["findings"][0]["text"] == "网赌"
    assert [d["path"] for d in output["documents"]].count("docs/a.md") == 1
    assert [d["path"] for d in output["documents"]].count("docs/f.rst") == 1


def test_gitignore_above_the_scanned_folder_applies_inside_a_git_work_tree(tmp_path):
    (tmp_path / ".git").mkdir()
    Path(".gitignore").write_text("content/private/\n", encoding="utf-8")
    for name in ["content/public/a.md", "content/private/b.md"]:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("参与网赌", encoding="utf-8")
    _, output = scan_json("content")
    assert [d["path"] for d in output["documents"]] == ["content/public/a.md"]


# ---- exit codes and errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, fail_on, expected", [
    ("亲们好", "low", 1), ("亲们好", "medium", 0),
    ("全网最低价", "medium", 1), ("全网最低价", "high", 0),
    ("参与网赌", "high", 1), ("价格公道", "low", 0),
])
def test_fail_on_threshold_sets_the_exit_code(tmp_path, text, fail_on, expected):
    Path("post.txt").write_text(text, encoding="utf-8")
    result = run("scan", "--packs", PACK, "--fail-on", fail_on, "post.txt")
    assert result.exit_code == expected, result.output
    assert ("FAIL:" in result.stdout) == bool(expected)


def test_usage_and_configuration_errors_exit_2_with_one_message(tmp_path):
    Path("post.txt").write_text("正文", encoding="utf-8")
    Path("bad.yaml").write_text("packs: [nonexistent-pack]\n", encoding="utf-8")
    Path("typo.yaml").write_text("disable_rulez: [x]\n", encoding="utf-8")
    cases = [
        (["scan", "missing.md"], "does not exist"),
        (["scan", "--fail-on", "extreme", "post.txt"], "'extreme' is not one of"),
        (["scan", "--config", "bad.yaml", "post.txt"], "unknown pack 'nonexistent-pack'"),
        (["scan", "--config", "typo.yaml", "post.txt"], "key 'disable_rulez': unknown key"),
        (["scan", "--packs", str(DATA / "invalid_pack.yaml"), "post.txt"], "invalid/no-severity"),
        (["scan", "--packs", PACK, "--baseline", "nothing.json", "post.txt"], "baseline file not found"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_configuration_is_discovered_from_the_working_directory(tmp_path):
    Path("contentguard.yaml").write_text(f"packs: []\nextra_packs: ['{PACK}']\ndisable_rules: ['cli/gambling']\n",
                                         encoding="utf-8")
    Path("post.txt").write_text("参与网赌，亲们", encoding="utf-8")
    result = run("scan", "--format", "json", "post.txt")
    assert [f["rule_id"] for f in json.loads(result.stdout)["documents"][0]["findings"]] == ["cli/informal"]
    # --config names another file; --packs overrides the configured packs.
    Path("other.yaml").write_text("severity: {cli/informal: 5}\n", encoding="utf-8")
    result = run("scan", "--packs", PACK, "--config", "other.yaml", "--format", "json", "post.txt")
    severities = {f["rule_id"]: f["severity"] for f in json.loads(result.stdout)["documents"][0]["findings"]}
    assert severities == {"cli/gambling": 5, "cli/informal": 5}


def test_rules_folder_option(tmp_path):
    import shutil

    from contentguard.config.resources import data_dir

    shutil.copy(data_dir("rules") / "ruleset.yaml", "ruleset.yaml")
    shutil.copy(data_dir("rules") / "risk_matrix.yaml", "risk_matrix.yaml")
    Path("packs").mkdir()
    shutil.copy(PACK, "packs/cli.yaml")
    Path("post.txt").write_text("参与网赌", encoding="utf-8")
    result = run("scan", "--rules", ".", "--format", "json", "post.txt")
    assert json.loads(result.stdout)["ruleset"]["packs"] == ["cli@1"]
    assert result.exit_code == 1


# ---- outputs -----------------------------------------------------------------------------------------

def test_jsonl_streams_one_line_per_document_and_the_summary_goes_to_stderr(tmp_path):
    Path("a.txt").write_text("参与网赌", encoding="utf-8")
    Path("b.txt").write_bytes(PNG)
    Path("c.txt").write_text("价格公道", encoding="utf-8")
    result = run("scan", "--packs", PACK, "--format", "jsonl", "a.txt", "b.txt", "c.txt")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["type"], line["path"]) for line in lines] == [
        ("document", "a.txt"), ("skipped", "b.txt"), ("document", "c.txt")]
    assert lines[0]["findings"][0]["rule_id"] == "cli/gambling" and lines[0]["fails"] is True
    assert "Summary" in result.stderr and "documents   2 (1 skipped)" in result.stderr
    quiet = run("scan", "--packs", PACK, "--format", "jsonl", "-q", "a.txt")
    assert quiet.stderr == ""


def test_summary_counts_findings_by_category_and_risk_and_decisions(tmp_path):
    Path("a.txt").write_text("参与网赌，亲们", encoding="utf-8")   # high
    Path("b.txt").write_text("全网最低价", encoding="utf-8")       # medium
    Path("c.txt").write_text("亲们好", encoding="utf-8")           # low
    Path("d.txt").write_text("价格公道", encoding="utf-8")         # none
    _, output = scan_json("a.txt", "b.txt", "c.txt", "d.txt")
    summary = output["summary"]
    assert summary["documents"] == 4 and summary["findings"] == 4
    assert summary["findings_by_category"] == {"exaggeration": {"medium": 1}, "quality": {"high": 1, "low": 1},
                                               "sensitive": {"high": 1}}
    assert summary["risk_levels"] == {"none": 1, "low": 1, "medium": 1, "high": 1}
    assert summary["decisions"] == {"pass": 2, "review": 1, "block": 1}
    assert summary["failed"] == 2 and summary["fail_on"] == "medium"
    text = run("scan", "--packs", PACK, "a.txt", "b.txt", "c.txt", "d.txt").stdout
    assert "risk        none 1 · low 1 · medium 1 · high 1" in text
    assert "decisions   pass 2 · review 1 · block 1" in text
    assert "FAIL: 2 document(s) at or above risk medium" in text


def test_suggest_prints_suggestions_and_clauses(tmp_path):
    Path("a.txt").write_text("这是最好的产品", encoding="utf-8")
    text = run("scan", "--packs", PACK, "--suggest", "a.txt").stdout
    assert "suggestion: 很好" in text and "clause: 《广告法》第九条第（三）项" in text


def test_mask_hides_personal_information_in_every_format(tmp_path):
    Path("a.txt").write_text("电话13812345678", encoding="utf-8")
    for output_format in ("text", "json", "jsonl", "sarif"):
        result = run("scan", "--packs", PACK, "--mask", "--format", output_format, "a.txt")
        assert "13812345678" not in result.stdout, output_format
        assert "138****5678" in result.stdout, output_format
    assert "13812345678" in run("scan", "--packs", PACK, "a.txt").stdout


def test_colour_on_request(tmp_path):
    Path("a.txt").write_text("参与网赌", encoding="utf-8")
    assert "\x1b[" in run("scan", "--packs", PACK, "--color", "a.txt").stdout


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    Path("batch.jsonl").write_text("".join(json.dumps({"id": i, "text": f"第{i}条"}) + "\n" for i in range(300)),
                                   encoding="utf-8")
    shown = run("scan", "--packs", PACK, "--progress", "--format", "jsonl", "batch.jsonl")
    assert "\x1b[2Kscanning [" in shown.stderr and "%" in shown.stderr and " documents" in shown.stderr
    assert shown.stderr.count("\r") >= 2  # drawn, then cleared before the summary
    hidden = run("scan", "--packs", PACK, "--format", "jsonl", "batch.jsonl")  # stderr is not a terminal
    assert "scanning" not in hidden.stderr
    quiet = run("scan", "--packs", PACK, "--progress", "-q", "--format", "jsonl", "batch.jsonl")
    assert "scanning" not in quiet.stderr
    # Reading stdin, the total is unknown: a counter without a bar.
    piped = run("scan", "--packs", PACK, "--progress", "--format", "jsonl", "-", input="参与网赌")
    assert "\x1b[2Kscanning 1 documents" in piped.stderr


def test_two_workers_give_the_same_output_in_the_same_order(tmp_path):
    records = [{"id": f"r{i}", "text": ("参与网赌" if i % 7 == 0 else "天气很好") + f"，电话1381234{i:04d}"}
               for i in range(200)]
    Path("batch.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                   encoding="utf-8")
    single = run("scan", "--packs", PACK, "--format", "jsonl", "-q", "batch.jsonl").stdout
    double = run("scan", "--packs", PACK, "--format", "jsonl", "-q", "--workers", "2", "batch.jsonl").stdout
    assert single == double and len(single.splitlines()) == 200


# ---- inline suppression --------------------------------------------------------------------------------

def test_inline_directives_suppress_the_next_line_only_and_do_not_count(tmp_path):
    source = "\n".join([
        "<!-- contentguard: ignore cli/gambling -- 报道反赌新闻，已审核 -->",
        "警方打击网赌团伙，全网最低价。",
        "这里的网赌不被忽略。",
        "contentguard: ignore-next-line",
        "",
        "网赌和最好都被忽略。",
        "<!-- contentguard: ignore cli/* -->",
        "网赌。",
    ]) + "\n"
    Path("post.md").write_text(source, encoding="utf-8")
    code, output = scan_json("post.md", "--fail-on", "high")
    document = output["documents"][0]
    assert positions(document) == [
        ("cli/absolute", "最低价", 2, 12),
        ("cli/gambling", "网赌", 3, 4),
    ]
    assert [(f["rule_id"], f["line"], f["reason"]) for f in document["suppressed"]] == [
        ("cli/gambling", 2, "报道反赌新闻，已审核"),
        ("cli/gambling", 6, "inline directive on line 4 (no reason given)"),
        ("cli/absolute", 6, "inline directive on line 4 (no reason given)"),
        ("cli/gambling", 8, "inline directive on line 7 (no reason given)"),
    ]
    assert code == 1  # line 3 is not covered
    Path("post.md").write_text(source.replace("这里的网赌不被忽略。", "这一行没有问题。"), encoding="utf-8")
    code, output = scan_json("post.md", "--fail-on", "high")
    document = output["documents"][0]
    # Suppressed findings do not count: the risk is graded on what is left.
    assert code == 0 and document["risk"]["level"] == "medium" and document["decision"] == "review"
    assert output["summary"]["suppressed"] == {"inline": 4}
    text = run("scan", "--packs", PACK, "post.md").stdout
    assert "4 suppressed" in text and "suppressed: inline 4" in text


def test_directive_in_a_text_file_is_not_checked_itself(tmp_path):
    Path("post.txt").write_text("contentguard: ignore cli/gambling -- 网赌报道\n网赌新闻\n", encoding="utf-8")
    code, output = scan_json("post.txt")
    assert output["documents"][0]["findings"] == [] and code == 0


def test_front_matter_title_can_be_suppressed_with_a_yaml_comment(tmp_path):
    Path("post.md").write_text("---\n# contentguard: ignore cli/clickbait -- 栏目名\ntitle: 震惊部\n---\n正文\n",
                               encoding="utf-8")
    _, output = scan_json("post.md")
    document = output["documents"][0]
    assert document["findings"] == [] and document["suppressed"][0]["field"] == "title"


def test_broken_front_matter_is_reported_and_the_body_still_checked(tmp_path):
    Path("post.md").write_text("---\ntitle: [震惊\n---\n参与网赌\n", encoding="utf-8")
    _, output = scan_json("post.md")
    document = output["documents"][0]
    assert [f["rule_id"] for f in document["findings"]] == ["cli/gambling"]
    assert any(e["code"] == "input" and "front matter is not valid YAML" in e["message"] for e in document["errors"])


# ---- the installed command ---------------------------------------------------------------------------

def _entry_point() -> list[str]:
    script = Path(sys.executable).with_name("contentguard")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from contentguard.cli import main; main()"]


def test_the_installed_command_exit_codes_and_clean_errors(tmp_path):
    Path("clean.md").write_text("# 公告\n\n今天天气很好。\n", encoding="utf-8")
    Path("bad.md").write_text("# 公告\n\n参与网赌。\n", encoding="utf-8")
    command = [*_entry_point(), "scan", "--packs", PACK]
    clean = subprocess.run([*command, "clean.md"], capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stderr
    bad = subprocess.run([*command, "bad.md"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "bad.md:3:3: cli/gambling [5] 涉赌内容「网赌」" in bad.stdout
    broken = subprocess.run([*command, "--config", str(DATA / "invalid_pack.yaml"), "bad.md"], capture_output=True,
                            text=True, timeout=120)
    assert broken.returncode == 2 and broken.stderr.startswith("contentguard: error: ")
    assert "Traceback" not in broken.stderr and broken.stderr.count("\n") <= 3
    piped = subprocess.run([*command, "--format", "sarif", "bad.md"], capture_output=True, timeout=120)
    assert json.loads(piped.stdout)["version"] == "2.1.0"


def test_scanning_the_examples_with_the_default_packs(tmp_path):
    # Smoke test against the shipped packs: the README's first command.
    examples = Path(__file__).resolve().parents[1] / "examples"
    result = run("scan", "--format", "json", str(examples))
    output = json.loads(result.stdout)
    by_path = {Path(d["path"]).name: d for d in output["documents"]}
    assert by_path["launch-post.md"]["findings"], "the violating sample post has findings"
    assert result.exit_code in (0, 1)
    for document in output["documents"]:
        source = Path(document["path"]) if Path(document["path"]).is_absolute() else examples / document["path"]
        for finding in document["findings"]:
            assert finding["line"] >= 1 and finding["column"] >= 1, (source, finding)
