"""The README's review flow, command by command, as written (exit codes from its comments)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

from contentguard.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def readme_review_commands() -> list[tuple[list[str], int, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Review before publishing", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        code, _, comment = line.partition("  #")
        expected = re.search(r"exit (\d)", comment)
        commands.append((shlex.split(code), int(expected.group(1)) if expected else 0, comment))
    return commands


def test_the_readme_review_flow_runs_as_written(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTENTGUARD_REVIEW_KEY", raising=False)
    env: dict[str, str] = {}
    outputs = []
    commands = readme_review_commands()
    assert len(commands) >= 10
    for argv, expected, comment in commands:
        if argv[0] == "export":
            name, value = argv[1].split("=", 1)
            env[name] = value
            continue
        assert argv[0] == "contentguard"
        result = CliRunner().invoke(cli, argv[1:], env=env, catch_exceptions=False)
        assert result.exit_code == expected, (argv, result.output)
        outputs.append((argv, result.stdout, comment))
    assert (tmp_path / "reviews.db").is_file() and (tmp_path / "trail.csv").is_file()
    by_command = {" ".join(argv[2:4]): out for argv, out, _ in outputs}
    assert by_command["submit examples/launch-post.md"].startswith("S1  examples/launch-post.md  revision 1  risk high")
    assert "自审(待审) → 初审(待审) → 复审(待审) → 终审(待审)" in by_command["submit examples/launch-post.md"]
    assert "sent back to 王芳" in by_command["gate examples/launch-post.md"]
    assert "删去内部数据和最低价" in by_command["gate examples/launch-post.md"]
    assert by_command["submit examples/clean-post.md"].startswith("S2  examples/clean-post.md  revision 1  risk none")
    assert by_command["gate examples/clean-post.md"] == "examples/clean-post.md: approved\n"
    assert by_command["verify"].startswith("ok: 7 record(s); head 7 sha256:")
