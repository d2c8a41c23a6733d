"""A bad pack gives one clear error line naming the file, the rule and the field."""

from __future__ import annotations

import pytest

import contentguard
from contentguard import PackError
from contentguard.packs import shipped_pack_names

GOOD_RULE = """
  - id: demo/banned
    kind: lexicon
    category: sensitive
    severity: 3
    message: "命中「{match}」"
    terms: [赌博]
"""


def write_pack(tmp_path, body: str):
    path = tmp_path / "company.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def load_error(tmp_path, body: str) -> str:
    path = write_pack(tmp_path, body)
    with pytest.raises(PackError) as caught:
        contentguard.load(packs=[path])
    message = str(caught.value)
    assert str(path) in message
    return message


def test_the_smallest_pack_from_the_issue_works_as_is():
    pack = """
pack: demo
rules:
  - id: demo/banned
    kind: lexicon
    category: sensitive
    severity: 3
    message: "命中敏感词「{match}」"
    terms: [fuck, 赌博, 五星红旗]
    allow: [三黄片]
"""
    guard = contentguard.load(packs=[pack])
    assert [f.message for f in guard.check("网上赌博").findings] == ["命中敏感词「赌博」"]


def test_yaml_syntax_error_names_line(tmp_path):
    message = load_error(tmp_path, "pack: demo\nrules:\n  - id: [unclosed\n")
    assert "YAML syntax error" in message and "line" in message
    assert len(message.splitlines()) == 1


def test_unknown_field_names_rule_and_field(tmp_path):
    message = load_error(tmp_path, "pack: demo\nrules:" + GOOD_RULE + "    severty: 3\n")
    assert message.endswith("rule 'demo/banned': field 'severty': unknown field")


def test_invalid_regex_names_rule_and_field(tmp_path):
    body = ("pack: demo\nrules:\n  - id: demo/p\n    kind: pattern\n    category: privacy\n    severity: 2\n"
            "    message: x\n    patterns: ['(unclosed']\n")
    message = load_error(tmp_path, body)
    assert "rule 'demo/p': field 'patterns'" in message and "invalid regex" in message
    assert len(message.splitlines()) == 1


def test_missing_lexicon_file_names_the_file(tmp_path):
    body = "pack: demo\nrules:" + GOOD_RULE.replace("terms: [赌博]", "terms_file: nowhere/terms.txt")
    message = load_error(tmp_path, body)
    assert "rule 'demo/banned': field 'terms_file': lexicon file 'nowhere/terms.txt' not found" in message


def test_severity_out_of_range_and_unknown_validator(tmp_path):
    message = load_error(tmp_path, "pack: demo\nrules:" + GOOD_RULE.replace("severity: 3", "severity: 9"))
    assert "field 'severity'" in message
    body = ("pack: demo\nrules:\n  - id: demo/p\n    kind: pattern\n    category: privacy\n    severity: 2\n"
            "    message: x\n    patterns: ['\\d+']\n    validator: crc99\n")
    assert "unknown validator 'crc99'" in load_error(tmp_path, body)


def test_duplicate_rule_ids_across_packs_are_refused(tmp_path):
    first = write_pack(tmp_path, "pack: demo\nrules:" + GOOD_RULE)
    second = tmp_path / "other.yaml"
    second.write_text("pack: other\nrules:" + GOOD_RULE, encoding="utf-8")
    with pytest.raises(PackError, match="defined by more than one pack"):
        contentguard.load(packs=[first, second])


def test_lexicon_file_formats(tmp_path):
    (tmp_path / "plain.txt").write_text("# source: test\n赌博\n\n网上赌场\t线上娱乐\t注释\n", encoding="utf-8")
    (tmp_path / "jieba.txt").write_text("裸聊 10 n\n冰毒 5\n", encoding="utf-8")
    body = "pack: demo\nrules:" + GOOD_RULE.replace("terms: [赌博]", "terms_file: [plain.txt, jieba.txt]")
    guard = contentguard.load(packs=[write_pack(tmp_path, body)])
    report = guard.check("网上赌场 裸聊 冰毒")
    assert [f.text for f in report.findings] == ["网上赌场", "裸聊", "冰毒"]
    assert report.findings[0].suggestion == "线上娱乐"


def test_extra_pack_directory_loads_beside_the_shipped_ones(tmp_path):
    folder = tmp_path / "company"
    folder.mkdir()
    (folder / "a.yaml").write_text("pack: company\nrules:" + GOOD_RULE.replace("demo/", "company/"),
                                   encoding="utf-8")
    guard = contentguard.load(extra_packs=[folder])
    assert "company/banned" in {r.rule.id for r in guard.rules}
    assert {r.pack for r in guard.rules} == set(shipped_pack_names()) | {"company"}


def test_lexicon_replacement_column_reaches_the_finding(tmp_path):
    (tmp_path / "terms.txt").write_text("最好用\t改为“很好用”\t绝对化用语\t很好用\n顶级\t删去该词\n", encoding="utf-8")
    body = "pack: demo\nrules:" + GOOD_RULE.replace("terms: [赌博]", "terms_file: terms.txt")
    guard = contentguard.load(packs=[write_pack(tmp_path, body)])
    first, second = guard.check("最好用的顶级杯子").findings
    assert (first.text, first.suggestion, first.replacement) == ("最好用", "改为“很好用”", "很好用")
    assert (second.text, second.suggestion, second.replacement) == ("顶级", "删去该词", None)
