"""Issue 12, `contentguard fix`: rewrites that leave nothing new flagged and change nothing outside
the replaced spans (byte for byte: CRLF, BOM, UTF-16, GBK), no broken phrases (优惠价价), no rewrite
that is still flagged (很顶级), one replacement per term, and YAML-escaped titles left alone."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

import contentguard
from contentguard.cli import cli

FIX_PACK = """pack: t
rules:
  - id: t/abs
    kind: lexicon
    category: exaggeration
    severity: 3
    message: "「{match}」"
    terms:
      - {term: 最顶级, replacement: 很顶级}
      - {term: 顶级, replacement: 高品质}
      - {term: 最好, replacement: 很好}
      - {term: 全网最低, replacement: 优惠价}
      - {term: 最低价, replacement: 低价}
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_shipped_lexicon_never_writes_broken_or_still_flagged_words():
    Path("a.txt").write_text("本店全网最低价，最顶级的服务，最低价促销。\n", encoding="utf-8")
    result = run("fix", "--write", "a.txt")
    text = Path("a.txt").read_text(encoding="utf-8")
    # 全网最低 is a match inside 全网最低价: left to a person, and said; 最顶级 → 高品质; 最低价 → 优惠价
    assert text == "本店全网最低价，高品质的服务，优惠价促销。\n", result.stderr
    assert "优惠价价" not in text and "很顶级" not in text
    assert "a.txt:1:3: advertising/absolute-terms" in result.stderr and "cuts the word 「最低价」" in result.stderr
    report = contentguard.load().check(contentguard.Document(body=text, kind="post"))
    assert [f.text for f in report.findings if f.category.startswith("exaggeration")] == ["全网最低"]


def test_every_shipped_replacement_is_itself_clean(default_guard):
    flagged = []
    for compiled in default_guard.rules:
        for term in getattr(compiled.rule, "terms", ()):
            if term.replacement:
                report = default_guard.check(contentguard.Document(body=term.replacement, kind="post"))
                if report.findings:
                    flagged.append((compiled.rule.id, term.term, term.replacement,
                                    [(f.rule_id, f.text) for f in report.findings]))
    assert flagged == []


def test_a_term_listed_twice_with_different_replacements_does_not_load(tmp_path):
    pack = tmp_path / "dup.yaml"
    pack.write_text("pack: dup\nrules:\n  - id: dup/x\n    kind: lexicon\n    category: c\n    severity: 3\n"
                    "    message: m\n    terms_file: dup.txt\n", encoding="utf-8")
    (tmp_path / "dup.txt").write_text("最低价\t\t\t很低价\n最低价\t\t\t优惠价\n", encoding="utf-8")
    with pytest.raises(contentguard.PackError, match="最低价.*different replacements"):
        contentguard.load(packs=[pack])
    result = CliRunner().invoke(cli, ["test-rules", str(pack)])
    assert result.exit_code == 2 and "different replacements" in result.output


def test_a_rewrite_that_would_still_be_flagged_is_not_applied_and_said(tmp_path):
    Path("pack.yaml").write_text(FIX_PACK, encoding="utf-8")
    Path("b.txt").write_text("最顶级的服务，最好的。\n", encoding="utf-8")
    result = run("fix", "--packs", "pack.yaml", "--write", "b.txt")
    assert Path("b.txt").read_text(encoding="utf-8") == "最顶级的服务，很好的。\n"
    assert "not rewritten: 「最顶级」 → 「很顶级」 would still be flagged (t/abs「顶级」)" in result.stderr


def test_a_match_that_cuts_a_word_is_not_auto_fixable():
    # 全网最低 in 全网最低价: replacing it would leave 价 behind (优惠价价), flagged or not
    Path("pack.yaml").write_text(FIX_PACK, encoding="utf-8")
    Path("c.txt").write_text("本店全网最低价。\n", encoding="utf-8")
    result = run("fix", "--packs", "pack.yaml", "--write", "c.txt")
    assert "优惠价价" not in Path("c.txt").read_text(encoding="utf-8")
    assert "c.txt:1:3: t/abs: 「全网最低」 (not auto-fixable: 「全网最低」 cuts the word 「最低价」" in result.stderr


OVERLAP_PACK = """pack: o
rules:
  - {id: o/a, kind: lexicon, category: exaggeration, severity: 3, message: a,
     terms: [{term: 最好用, replacement: 很好用}]}
  - {id: o/b, kind: lexicon, category: exaggeration, severity: 3, message: b,
     terms: [{term: 用的, replacement: 使用的}]}
"""


def test_overlapping_findings_without_one_covering_rewrite_are_not_auto_fixable():
    Path("pack.yaml").write_text(OVERLAP_PACK, encoding="utf-8")
    Path("c.txt").write_text("最好用的。\n", encoding="utf-8")
    result = run("fix", "--packs", "pack.yaml", "c.txt")
    assert result.stdout == ""
    assert result.stderr.count("not auto-fixable: overlaps another finding") == 2
    assert "nothing to rewrite automatically" in result.stderr


TEXT = "第一行没问题\r\n这是最好的杯子，最好用。\r\n最后一行\r\n"
EXPECTED = "第一行没问题\r\n这是很好的杯子，很好用。\r\n最后一行\r\n"


@pytest.mark.parametrize("name, encode", [
    ("crlf-utf8", lambda t: t.encode("utf-8")),
    ("bom-utf8", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    ("utf16-le", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")),
    ("utf16-be", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be")),
    ("gbk", lambda t: t.encode("gbk")),
])
def test_fix_write_changes_only_the_replaced_bytes(name, encode):
    path = Path(f"{name}.txt")
    path.write_bytes(encode(TEXT))
    result = run("fix", "--write", str(path))
    assert "2 rewrite(s) applied" in result.stderr
    assert path.read_bytes() == encode(EXPECTED)


# (A title holding a lone quote mark, "a\"b 最好", no longer works here: the context reads 最好 after an
# open quote as quoted, so nothing in the title is flagged; a backslash escape is used instead.)
# ("a\\b 最好" with nothing after it is no longer a finding either: the context model reads a bare 最好 after
# Latin text as no claim; "最好的杯子" describes a product.)
@pytest.mark.parametrize("title", [r'"\u6700\u597d的杯子"', r'"a\\b 最好的杯子"', r"'它''最好'"])
def test_fix_write_leaves_an_escaped_front_matter_title_alone(title):
    source = f"---\ntitle: {title}\n---\n\n正文最好\n"
    Path("p.md").write_text(source, encoding="utf-8")
    result = run("fix", "--write", "p.md")
    assert Path("p.md").read_text(encoding="utf-8") == source.replace("正文最好", "正文很好")
    assert "p.md:2:" in result.stderr and "not auto-fixable" in result.stderr


def test_fix_write_rewrites_a_plain_title_in_place():
    Path("q.md").write_text("---\ntitle: 最好的杯子\n---\n\n正文\n", encoding="utf-8")
    run("fix", "--write", "q.md")
    assert Path("q.md").read_text(encoding="utf-8") == "---\ntitle: 很好的杯子\n---\n\n正文\n"
