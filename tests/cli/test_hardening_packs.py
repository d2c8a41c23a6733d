"""Issue 12: `test-rules company-rules/` inside the company's repository, whose contentguard.yaml
names the same folder in `extra_packs`, loads each pack file once (it said "defined by more than
one pack"). Two different files defining one rule id are still an error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import contentguard
from contentguard.cli import cli

BRAND = """pack: brand
rules:
  - id: brand/rival
    kind: lexicon
    category: custom.rival
    severity: 3
    message: 竞品名「{match}」
    terms: [对手牌]
    examples: {match: [对手牌更差], no_match: [我们的牌子]}
"""


@pytest.fixture()
def company(tmp_path, monkeypatch):
    (tmp_path / "company-rules").mkdir()
    (tmp_path / "company-rules" / "brand.yaml").write_text(BRAND, encoding="utf-8")
    (tmp_path / "contentguard.yaml").write_text("extra_packs:\n  - company-rules/\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("where, argument", [(".", "company-rules/"), (".", "company-rules"),
                                             (".", "company-rules/brand.yaml"), ("company-rules", ".")])
def test_test_rules_on_the_configured_company_folder(company, monkeypatch, where, argument):
    monkeypatch.chdir(company / where)
    result = CliRunner().invoke(cli, ["test-rules", argument], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 examples of 1 rules: 2 passed, 0 failed" in result.output


def test_scan_with_the_folder_given_twice_loads_it_once(company):
    guard = contentguard.load(packs=[], extra_packs=["company-rules/", str(company / "company-rules" / "brand.yaml")],
                              config=company / "contentguard.yaml")
    assert [c.rule.id for c in guard.rules] == ["brand/rival"]


def test_two_files_defining_one_rule_id_still_clash(company):
    (company / "company-rules" / "copy.yaml").write_text(BRAND.replace("pack: brand", "pack: copy"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["test-rules", "company-rules/"])
    assert result.exit_code == 2 and "defined by more than one pack" in result.output
