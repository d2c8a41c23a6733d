"""docs/cli.md tells the truth: its sample output is a real run's, and its pre-commit hook examples
name nothing that does not exist (issue 12)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from contentguard.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "cli.md"


def sample_pattern(sample: str) -> re.Pattern:
    """A line ending in … matches a line starting with what comes before it; a line of … alone
    stands for one or more lines; every other line matches itself."""
    parts = []
    for line in sample.splitlines():
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)+?")
        elif line.endswith("…"):
            parts.append(re.escape(line[:-1]) + r"[^\n]*\n")
        else:
            parts.append(re.escape(line) + r"\n")
    return re.compile("".join(parts))


def test_the_sample_output_is_a_real_run(monkeypatch):
    text = DOC.read_text(encoding="utf-8")
    marker = re.search(r"<!-- sample: contentguard (.*?) \(", text)
    assert marker, "the sample names the command it shows"
    sample = text[marker.end():].split("```text\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, marker.group(1).split(), catch_exceptions=False)
    assert result.exit_code == 1
    assert sample_pattern(sample).fullmatch(result.stdout), (
        "docs/cli.md's sample no longer matches `contentguard " + marker.group(1) + "`; the real output:\n"
        + result.stdout)


def test_the_sample_pattern_can_fail():
    assert sample_pattern("a\n…\nc…\n").fullmatch("a\nb\nb\ncde\n")
    assert not sample_pattern("a\n…\nc…\n").fullmatch("a\ncde\n")  # … stands for at least one line
    assert not sample_pattern("a\nc\n").fullmatch("a\ncd\n")


def hook_blocks() -> list[str]:
    section = DOC.read_text(encoding="utf-8").split("## The pre-commit hook", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, re.S)


def test_the_local_hook_is_valid_and_the_shipped_hook(tmp_path):
    local = [b for b in hook_blocks() if "repo: local" in b]
    assert len(local) == 1
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(local[0], encoding="utf-8")
    checked = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(config)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    hook = yaml.safe_load(local[0])["repos"][0]["hooks"][0]
    shipped = next(h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
                   if h["id"] == "contentguard")
    for key in ("id", "entry", "types_or", "files", "exclude"):
        assert hook[key] == shipped[key], key
    words = hook["entry"].split()
    assert words[:2] == ["contentguard", "scan"]
    help_text = CliRunner().invoke(cli, ["scan", "--help"]).output
    for option in (w for w in words if w.startswith("--")):
        assert option in help_text


def test_no_hook_example_names_a_tag_or_branch_that_does_not_exist():
    tags = set(subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True).stdout.split())
    revs = re.findall(r"^[ \t#]*rev:[ \t]*(\S+)", DOC.read_text(encoding="utf-8") +
                      (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8") +
                      (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    assert revs
    for rev in revs:
        # a placeholder for the commit id the reader pins, or a tag the repository has
        assert rev.startswith("<") or rev in tags, f"rev: {rev} names nothing in this repository"
        assert rev not in ("main", "master", "HEAD"), "pre-commit does not support branch names as rev"
