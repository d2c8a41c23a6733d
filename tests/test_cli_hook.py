"""The pre-commit hook, as a content repository uses it: `pre-commit try-repo` builds the hook's
virtual environment from this repository (its dependencies come from the package index) and
runs `contentguard scan --fail-on medium` on the files of a commit.

Slow by nature (one virtual environment is built), so it is one test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PACK = Path(__file__).parent / "data" / "cli" / "pack.yaml"


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _snapshot_of_the_project(destination: Path) -> Path:
    """The project's working tree (tracked and new files, ignored ones left out) as a one-commit
    repository: try-repo then tests the code as it is, and builds its environment once."""
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=PROJECT)
    for name in filter(None, listed.split("\0")):
        source = PROJECT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git("init", "-q", cwd=destination)
    _git("add", "-A", cwd=destination)
    _git("commit", "-q", "-m", "snapshot", cwd=destination)
    return destination


def test_pre_commit_try_repo_passes_clean_content_and_fails_violations(tmp_path):
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="contentguard tests", GIT_AUTHOR_EMAIL="tests@contentguard.invalid",
        GIT_COMMITTER_NAME="contentguard tests", GIT_COMMITTER_EMAIL="tests@contentguard.invalid",
        # A store of its own: the environment is built here, whatever the machine has cached.
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        # Package downloads can be slow; pip's cache (kept) makes a second run quick.
        PIP_DEFAULT_TIMEOUT="120", PIP_RETRIES="5", PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    hook_repo = _snapshot_of_the_project(tmp_path / "contentguard-src")

    content = tmp_path / "content"
    content.mkdir()
    # The content repository's configuration, found by the hook from the repository's root:
    # only the tests' own pack, so the outcome does not depend on the shipped packs.
    shutil.copy(PACK, content / "company-pack.yaml")
    (content / "contentguard.yaml").write_text("packs: []\nextra_packs: [company-pack.yaml]\n", encoding="utf-8")
    (content / "clean.md").write_text("---\ntitle: 秋季新品\n---\n# 秋季新品\n\n保温杯上新，欢迎选购。\n",
                                      encoding="utf-8")
    (content / "violation.md").write_text("---\ntitle: 秋季新品\n---\n# 秋季新品\n\n全网最低价，参与网赌。\n",
                                          encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=content, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=content, check=True, env=env)

    def try_repo(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "contentguard",
                               "--verbose", "--files", *files],
                              cwd=content, env=env, capture_output=True, text=True, timeout=1500)

    passed = try_repo("clean.md")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "contentguard" in passed.stdout and "Passed" in passed.stdout

    failed = try_repo("clean.md", "violation.md")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "violation.md:6:3: cli/absolute [4] 绝对化用语「最低价」" in failed.stdout
    assert "violation.md:6:9: cli/gambling [5] 涉赌内容「网赌」" in failed.stdout
    assert not any(line.lstrip().startswith("clean.md") for line in failed.stdout.splitlines())
    assert "FAIL: 1 document(s) at or above risk medium" in failed.stdout


def test_hook_file_types_leave_out_the_company_configuration_and_lexicons(tmp_path):
    """Which files of a commit the hook is given, by pre-commit's own file classifier."""
    import yaml
    from pre_commit.commands.run import Classifier

    hook = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    names = ["posts/a.md", "posts/b.html", "notes.txt", "comments.jsonl", "contentguard.yaml",
             "company-rules/lexicons/banned.txt", "lexicons/words.txt", "company-rules/packs/company.yaml",
             "rules/ruleset.yaml", ".contentguard-baseline.json", "README.md", "setup.py"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("内容\n", encoding="utf-8")
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        classifier = Classifier.from_config(names, hook.get("files", ""), hook.get("exclude", "^$"))
        chosen = list(classifier.by_types(classifier.filenames, hook.get("types", ["file"]),
                                          hook.get("types_or", []), hook.get("exclude_types", [])))
    finally:
        os.chdir(cwd)
    assert sorted(chosen) == ["README.md", "comments.jsonl", "notes.txt", "posts/a.md", "posts/b.html"]
