"""Issue 12, unchecked content must not pass: what could not be checked fails the run or is checked
as plain text; published fields of HTML and Markdown are checked; the HTML reader is linear."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentguard.cli import cli
from contentguard.inputs import extract_html

DATA = Path(__file__).parent.parent / "data" / "cli"
PACK = str(DATA / "pack.yaml")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def scan(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(cli, ["scan", "--packs", PACK, "--format", "json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), result.stderr


def texts(output: dict) -> list[str]:
    return [f["text"] for d in output["documents"] for f in d["findings"]]


def test_oversize_and_binary_files_fail_the_run_and_are_never_ok():
    Path("big.txt").write_text("价格公道" * 1000, encoding="utf-8")
    Path("bin.txt").write_bytes(b"\x00\x01\x02binary")
    Path("clean.txt").write_text("价格公道", encoding="utf-8")
    for args in (["--max-file-size", "1KB", "big.txt", "clean.txt"], ["bin.txt", "clean.txt"]):
        code, output, _ = scan(*args)
        assert code == 1 and output["summary"]["skipped"] == 1
        text = CliRunner().invoke(cli, ["scan", "--packs", PACK, *args]).stdout
        assert "FAIL: 1 input(s) could not be checked" in text and "ok:" not in text


def test_csv_with_a_chinese_text_header_is_checked():
    Path("c.csv").write_text("id,评论内容,平台\n1,全网最低价,weibo\n2,价格公道,weibo\n", encoding="utf-8")
    code, output, _ = scan("c.csv")
    assert [d["id"] for d in output["documents"]] == ["1", "2"]
    assert output["documents"][0]["platform"] == "weibo" and texts(output) == ["最低价"]
    assert code == 1


def test_csv_whose_text_column_is_unknown_fails_the_run():
    Path("c.csv").write_text("id,说明\n1,全网最低价\n", encoding="utf-8")
    code, output, _ = scan("c.csv")
    assert code == 1 and output["skipped"] and "text column" in output["skipped"][0]["reason"]


def test_invalid_front_matter_is_checked_as_plain_text_with_an_error():
    Path("post.md").write_text("---\ntitle: [全网最低价\nauthor: x\n---\n价格公道\n", encoding="utf-8")
    code, output, _ = scan("post.md")
    document = output["documents"][0]
    assert texts(output) == ["最低价"] and code == 1
    assert any("not valid YAML" in e["message"] for e in document["errors"])


def test_billion_laughs_front_matter_is_refused_quickly_and_checked_as_text():
    laughs = "a: &a [最低价, 最低价]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]\n"
                                            for i in range(20)) + "title: *u\n"
    Path("post.md").write_text(f"---\n{laughs}---\n正文\n", encoding="utf-8")
    started = time.monotonic()
    code, output, _ = scan("post.md")
    assert time.monotonic() - started < 30
    document = output["documents"][0]
    assert document["errors"] and code == 1
    assert "最低价" in texts(output)


def test_front_matter_description_and_markdown_comments_are_checked():
    source = "---\ntitle: 新品\ndescription: 全网最低价\n---\n价格公道\n<!-- 参与网赌 -->\n"
    Path("post.md").write_text(source, encoding="utf-8")
    code, output, _ = scan("post.md")
    found = output["documents"][0]["findings"]
    assert sorted(f["text"] for f in found) == ["最低价", "网赌"]
    for finding in found:  # positions point at the words in the file
        line = source.splitlines()[finding["line"] - 1]
        assert line[finding["column"] - 1:finding["end_column"] - 1] == finding["text"]


HTML = ('<html><head><title>新品</title><meta property="og:title" content="全网最低价">'
        '<meta name="description" content="参与网赌"><meta property="og:description" content="亲们好"></head>'
        '<body><p>价格公道</p><img alt="最低价" src="a.png"><svg><text>网赌</text></svg>'
        '<math><mi>亲们</mi></math><!-- 网赌 --></body></html>')


def test_html_published_fields_are_checked_with_exact_positions():
    Path("page.html").write_text(HTML, encoding="utf-8")
    code, output, _ = scan("page.html")
    found = output["documents"][0]["findings"]
    assert sorted(f["text"] for f in found) == sorted(["最低价", "网赌", "亲们", "最低价", "网赌", "亲们", "网赌"])
    for finding in found:
        assert HTML[finding["column"] - 1:finding["end_column"] - 1] == finding["text"]
    assert code == 1


@pytest.mark.parametrize("source", ["<a " * 20000, '<a "' * 20000, "<" * 60000, '<a x="' * 20000,
                                    "<!" * 30000, "&#" * 30000])
def test_html_reader_is_linear_on_unclosed_markup(source):
    started = time.monotonic()
    extracted = extract_html(source + "最低价")
    assert time.monotonic() - started < 5
    assert "最低价" in extracted.body or source.startswith("<!")


def test_review_outcome_is_never_printed_as_ok():
    Path("b.txt").write_text("全网最低价", encoding="utf-8")   # medium: decision review
    result = CliRunner().invoke(cli, ["scan", "--packs", PACK, "--fail-on", "high", "b.txt"])
    assert result.exit_code == 0
    assert "ok:" not in result.stdout and "1 document(s) need review" in result.stdout


def test_mask_hides_personal_information_inside_every_finding_in_every_format():
    import contentguard

    source = "有问题加微信13812345678，或QQ 12345678 联系，电话13812345678"
    Path("post.txt").write_text(source, encoding="utf-8")
    for output in ("json", "jsonl", "sarif", "text"):
        result = CliRunner().invoke(cli, ["scan", "--mask", "--suggest", "--format", output, "post.txt"])
        assert "13812345678" not in result.output, output
        assert "138****5678" in result.output or output == "sarif"
    report = contentguard.load().check(source)
    assert any(f.category.startswith("privacy") for f in report.findings)
