"""Issue 12, limits and security at load: lexicon paths confined, patterns that would take gigabytes
to compile refused, --workers capped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import contentguard
from contentguard.cli import cli
from contentguard.config.limits import default_limits, pattern_expansion


def pack_with_terms_file(name: str) -> str:
    return f"""pack: leak
rules:
  - id: leak/terms
    kind: lexicon
    category: custom.x
    severity: 3
    message: x
    terms_file: {name}
"""


@pytest.mark.parametrize("name", ["../../../../../../etc/passwd", "/etc/passwd"])
def test_terms_file_outside_the_lexicon_folders_is_a_pack_error(tmp_path, name):
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "leak.yaml").write_text(pack_with_terms_file(name), encoding="utf-8")
    with pytest.raises(contentguard.PackError, match="outside the lexicon folders"):
        contentguard.load(packs=[folder / "leak.yaml"])
    result = CliRunner().invoke(cli, ["explain", "leak/terms", "--packs", str(folder / "leak.yaml")])
    assert result.exit_code == 2 and "root:" not in result.output


def test_terms_file_inside_the_pack_folder_still_loads(tmp_path):
    (tmp_path / "words.txt").write_text("禁用词\n", encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(pack_with_terms_file("words.txt"), encoding="utf-8")
    guard = contentguard.load(packs=[tmp_path / "ok.yaml"])
    assert [f.text for f in guard.check("这是禁用词").findings] == ["禁用词"]


def test_pattern_that_repeats_too_much_is_refused_at_load_quickly():
    pack = {"pack": "big", "rules": [{"id": "big/x", "kind": "pattern", "category": "custom.x", "severity": 3,
                                      "message": "x", "patterns": ["(?:x{60000}){60000}"]}]}
    started = time.monotonic()
    with pytest.raises(contentguard.PackError, match="repeats too much"):
        contentguard.load(packs=[pack])
    assert time.monotonic() - started < 5
    assert pattern_expansion(r"1[3-9]\d{9}") == 11
    assert 360000 <= pattern_expansion("(?:x{600}){600}") < 361000  # an estimate: (?: counts one


def test_workers_999_is_capped_with_a_note(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("价格公道", encoding="utf-8")
    pack = str(Path(__file__).parent.parent / "data" / "cli" / "pack.yaml")
    result = CliRunner().invoke(cli, ["scan", "--packs", pack, "--workers", "999", "a.txt"])
    assert result.exit_code == 0
    cap = default_limits().workers.cap(999)
    assert f"--workers 999 lowered to {cap}" in result.stderr and cap <= default_limits().workers.max_workers
