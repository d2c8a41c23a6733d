"""Every example in the README runs as written (issue 12: "keep the README's examples true").

Each fenced block carries a marker on the line above it, ``<!-- readme-test: ... -->``, that says
how this test treats it; a block without one fails the test, so a new example cannot slip in
untested:

- ``run``: shell commands run (``contentguard …`` through the real CLI, in a folder holding a copy
  of ``examples/``; ``exit N`` gives the expected exit code; ``pip install`` lines are checked
  against pyproject.toml, not run; ``python3 -m pytest`` is this suite itself). Python blocks run in
  one namespace, in README order, as a reader would paste them.
- ``help``: a synopsis or a command that needs a server: every ``contentguard`` command in it
  answers ``--help``, and every ``--option`` written for it is one it takes.
- ``compile``: Python that needs what CI may lack (Spark needs Java) is compiled here.
- ``run in tests/…``: the named test runs the block for real (the server, the review flow, Spark).
- ``pack`` / ``config``: YAML loaded as a rule pack (its examples must pass) or as contentguard.yaml
  (the files it names are created, as a company would have them).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import tomllib
from click.testing import CliRunner

import contentguard
from contentguard.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"(?:<!-- readme-test: (?P<marker>[^>]*?) -->\n)?```(?P<lang>[a-z]+)\n(?P<code>.*?)```", re.S)


def blocks() -> list[tuple[str, str, str, int]]:
    text = README.read_text(encoding="utf-8")
    return [(m.group("marker") or "", m.group("lang"), m.group("code"), text.count("\n", 0, m.start()) + 1)
            for m in BLOCK.finditer(text)]


def test_every_example_is_marked():
    found = blocks()
    assert len(found) >= 14
    unmarked = [f"README.md:{line} ({lang})" for marker, lang, _, line in found if not marker]
    assert unmarked == [], "add a <!-- readme-test: … --> marker above these blocks"
    for marker, _, _, line in found:
        for named in re.findall(r"run in (tests/\S+\.py)", marker):
            covering = ROOT / named
            assert covering.is_file(), f"README.md:{line}: {named} does not exist"
            assert "README" in covering.read_text(encoding="utf-8"), f"{named} does not read the README"


def shell_commands(code: str) -> list[list[str]]:
    commands = []
    for line in code.replace("\\\n", " ").splitlines():
        line = re.split(r"\s#\s|\s#$|^#", line, maxsplit=1)[0].strip()
        for part in filter(None, (p.strip() for p in line.split("&&"))):
            commands.append(shlex.split(part))
    return commands


def check_install(argv: list[str]) -> None:
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
                 .get("optional-dependencies", {}))
    target = argv[-1]
    match = re.fullmatch(r"\.(?:\[([\w,]+)\])?", target)
    assert argv[argv.index("install"):][1:2] == ["-e"] and match, f"not an install from this checkout: {argv}"
    for extra in (match.group(1) or "").split(","):
        assert not extra or extra in extras, f"pip install names the extra {extra!r}, which pyproject.toml lacks"


def subcommand(argv: list[str]):
    """The click command an argv names, and the argv up to it."""
    command, path = cli, []
    for word in argv:
        commands = getattr(command, "commands", None)
        if commands is None or word not in commands:
            break
        command, path = commands[word], [*path, word]
    return command, path


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTENTGUARD_REVIEW_DB", raising=False)
    monkeypatch.delenv("CONTENTGUARD_REVIEW_KEY", raising=False)
    return tmp_path


def test_shell_examples(workspace):
    ran = 0
    for marker, lang, code, line in blocks():
        if lang != "sh":
            continue
        expected = int(m.group(1)) if (m := re.search(r"exit (\d+)", marker)) else 0
        for argv in shell_commands(code):
            where = f"README.md:{line}: {shlex.join(argv)}"
            if argv[:3] == ["python3", "-m", "pip"] or argv[:1] == ["pip"]:
                check_install(argv)
            elif argv[:3] == ["python3", "-m", "pytest"]:
                assert (ROOT / "tests").is_dir()
            elif argv[0] in ("curl", "export"):
                assert "run in tests/" in marker, f"{where}: needs a server or a session: name the test that runs it"
            elif argv[0] == "contentguard":
                if re.search(r"\brun\b(?! in)", marker):
                    result = CliRunner().invoke(cli, argv[1:], catch_exceptions=False)
                    assert result.exit_code == expected, f"{where}: exit {result.exit_code}\n{result.output[-2000:]}"
                    ran += 1
                else:
                    assert "help" in marker, where
                    for segment in " ".join(argv[1:]).split(" | "):
                        words = segment.split()
                        command, path = subcommand(words)
                        assert path, f"{where}: {segment!r} names no contentguard command"
                        result = CliRunner().invoke(cli, [*path, "--help"], catch_exceptions=False)
                        assert result.exit_code == 0, where
                        for option in re.findall(r"(?<!\w)--[a-z][a-z-]*", segment):
                            assert option in result.output, f"{where}: {' '.join(path)} takes no {option}"
            else:
                pytest.fail(f"{where}: a command this test does not know how to check")
    assert ran >= 2


def test_python_examples(workspace):
    namespace: dict = {}
    ran = 0
    for marker, lang, code, line in blocks():
        if lang != "python":
            continue
        compiled = compile(code, f"README.md:{line}", "exec")
        if re.search(r"\brun\b(?! in)", marker):
            exec(compiled, namespace)  # noqa: S102 - the README's own examples
            ran += 1
        else:
            assert "compile" in marker, f"README.md:{line}"
    assert ran >= 3
    # what the comments of the API example say
    guard = namespace["guard"]
    report = guard.check("本品是全网最低价，加微*信领取")
    assert report.decision == "review" and report.risk.level == "medium" and report.risk.route == "风控与合规组"
    assert [(r.id, r.kind) for r in namespace["reports"]] == [("p1", "post"), ("c1", "comment"), (None, "post")]
    assert namespace["guard"].sentiment("质量太差了").label == "negative"
    assert namespace["trail"].status(namespace["sub"].id).state == "approved"


def test_yaml_examples(workspace):
    kinds = []
    for marker, lang, code, line in blocks():
        if lang != "yaml":
            continue
        if "pack" in marker:
            guard = contentguard.load(packs=[code])
            count, failures = guard.test_examples()
            assert failures == [], f"README.md:{line}: {failures}"
        elif "config" in marker:
            make_what_the_configuration_names(workspace, code)
            (workspace / "contentguard.yaml").write_text(code, encoding="utf-8")
            guard = contentguard.load(config="contentguard.yaml")
            assert "company/rival" in {c.rule.id for c in guard.rules}
            result = CliRunner().invoke(cli, ["rules"], catch_exceptions=False)
            assert result.exit_code == 0, result.output
        else:
            pytest.fail(f"README.md:{line}: yaml block marked {marker!r}")
        kinds.append(marker)
    assert "config" in kinds and kinds.count("pack") >= 2


def make_what_the_configuration_names(folder: Path, code: str) -> None:
    """The files the README's configuration names, as a company would have them."""
    (folder / "company-rules").mkdir()
    (folder / "company-rules" / "rival.yaml").write_text(
        "pack: company\nrules:\n  - {id: company/rival, kind: lexicon, category: custom.rival, severity: 3, "
        "message: 竞品名, terms: [对手牌]}\n", encoding="utf-8")
    (folder / "lists").mkdir()
    (folder / "lists" / "bought-gambling-terms.txt").write_text("# source: bought list\n菠菜台子\n", encoding="utf-8")
    shutil.copy(ROOT / "rules" / "risk_matrix.yaml", folder / "my-matrix.yaml")
    shutil.copy(ROOT / "rules" / "review_policy.yaml", folder / "my-review-policy.yaml")
    (folder / "review.key").write_text("k" * 32, encoding="utf-8")
    for name in ("company-rules/", "lists/bought-gambling-terms.txt", "my-matrix.yaml", "my-review-policy.yaml",
                 "review.key"):
        assert name in code, f"the configuration example no longer names {name}: update this test"
