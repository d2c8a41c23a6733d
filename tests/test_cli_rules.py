"""`contentguard rules`, `explain` and `test-rules` through the command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentguard.cli import cli

DATA = Path(__file__).parent / "data" / "cli"
PACK = str(DATA / "pack.yaml")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_rules_lists_packs_and_rules_enabled_or_not():
    result = run("rules", "--packs", PACK)
    assert result.exit_code == 0
    assert "pack cli (6 rules)" in result.stdout
    lines = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("  ")}
    assert lines["cli/absolute"].split()[0] == "on"
    assert lines["cli/off-by-default"].split()[0] == "off"
    assert "exaggeration" in lines["cli/absolute"] and "S4" in lines["cli/absolute"]


def test_rules_as_json_and_with_a_configuration_switching_rules():
    Path("contentguard.yaml").write_text("disable_rules: ['cli/gambling']\nenable_rules: ['cli/off-by-default']\n",
                                         encoding="utf-8")
    listing = json.loads(run("rules", "--packs", PACK, "--format", "json").stdout)
    enabled = {rule["id"]: rule["enabled"] for rule in listing["rules"]}
    assert enabled["cli/gambling"] is False and enabled["cli/off-by-default"] is True
    assert listing["ruleset"]["packs"] == ["cli@1"]


def test_rules_with_the_shipped_packs():
    result = run("rules")
    assert result.exit_code == 0 and result.stdout.startswith("ruleset ")


def test_explain_shows_message_clause_suggestion_and_examples():
    result = run("explain", "cli/absolute", "--packs", PACK)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("cli/absolute  (enabled)")
    for expected in ("category    exaggeration", "severity    4", "message     绝对化用语「{match}」",
                     "suggestion  改为客观表述", "clause      《广告法》第九条第（三）项",
                     "terms       最好、最低价、第一", "matches     全网最低价", "no match    价格实惠"):
        assert expected in out, expected
    pattern = run("explain", "cli/phone", "--packs", PACK).stdout
    assert "pattern     (?<!\\d)1[3-9]\\d{9}(?!\\d)" in pattern


def test_explain_an_unknown_rule_exits_2_with_near_names():
    result = run("explain", "cli/absolut", "--packs", PACK)
    assert result.exit_code == 2
    assert "unknown rule 'cli/absolut'; did you mean cli/absolute?" in result.stderr


def test_test_rules_passes_on_a_good_pack_and_fails_on_wrong_examples():
    good = run("test-rules", PACK)
    assert good.exit_code == 0
    assert "6 examples of 6 rules: 6 passed, 0 failed" in good.stdout
    assert "have no match example: cli/informal, cli/off-by-default" in good.stderr
    bad = run("test-rules", str(DATA / "failing_pack.yaml"))
    assert bad.exit_code == 1
    fails = [line for line in bad.stdout.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 2
    assert any("'failing/absolute': match example '质量上乘' -> found nothing" in line for line in fails)
    assert any("no_match example '最好的时光' -> found 最好" in line for line in fails)
    assert "3 examples of 1 rules: 1 passed, 2 failed" in bad.stdout


def test_test_rules_on_a_folder_of_packs_and_on_a_rules_folder(tmp_path):
    Path("packs").mkdir()
    shutil.copy(PACK, "packs/cli.yaml")
    shutil.copy(DATA / "failing_pack.yaml", "packs/failing.yaml")
    assert run("test-rules", "packs").exit_code == 1
    from contentguard.config.resources import data_dir

    Path("company/packs").mkdir(parents=True)
    shutil.copy(data_dir("rules") / "ruleset.yaml", "company/ruleset.yaml")
    shutil.copy(data_dir("rules") / "risk_matrix.yaml", "company/risk_matrix.yaml")
    shutil.copy(PACK, "company/packs/cli.yaml")
    result = run("test-rules", "company")
    assert result.exit_code == 0 and "6 passed, 0 failed" in result.stdout


def test_test_rules_on_an_invalid_pack_names_the_file_rule_and_field():
    result = run("test-rules", str(DATA / "invalid_pack.yaml"))
    assert result.exit_code == 2
    assert "invalid_pack.yaml" in result.stderr and "invalid/no-severity" in result.stderr
    assert "severity" in result.stderr and "Traceback" not in result.stderr


def test_test_rules_on_the_shipped_packs():
    result = run("test-rules")
    assert result.exit_code in (0, 1)  # the packs' own tests hold them to 0
    assert " examples of " in result.stdout
