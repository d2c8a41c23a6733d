"""`contentguard review` through the real command: submit, decide, status, log, verify, export, prune,
gate; the database from --db or the configuration; exit codes 0/1/2."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner

from contentguard.cli import cli

from .conftest import REVIEW_PACK


@pytest.fixture
def workdir(tmp_path, monkeypatch, db_url):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTENTGUARD_REVIEW_DB", raising=False)
    monkeypatch.delenv("CONTENTGUARD_REVIEW_KEY", raising=False)
    (tmp_path / "pack.yaml").write_text(yaml.safe_dump(REVIEW_PACK, allow_unicode=True), encoding="utf-8")
    (tmp_path / "contentguard.yaml").write_text(
        yaml.safe_dump({"sentiment": "off", "extra_packs": [], "review": {"db": db_url}}), encoding="utf-8")
    (tmp_path / "post.md").write_text("# 新品上市\n\n全网最低价，欢迎选购。\n", encoding="utf-8")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, ["review", *args], catch_exceptions=False)


def submit(*args: str):
    return run("submit", "--packs", "pack.yaml", *args)


def test_the_review_flow(workdir):
    result = submit("post.md", "--author", "王芳")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "S1  post.md  revision 1  risk medium  pending"
    assert lines[1] == "  stages: 自审(待审) → 初审(待审) → 复审(待审)"
    assert "reviewtest/price  「最低价」" in lines[2]

    assert run("approve", "S1", "--stage", "自审", "--reviewer", "王芳").exit_code == 0
    refused = run("approve", "S1", "--stage", "复审", "--reviewer", "韩梅", "--role", "市场部")
    assert refused.exit_code == 2 and "comes after 初审" in refused.stderr
    assert run("approve", "S1", "--stage", "初审", "--reviewer", "李雷", "--role", "运营").exit_code == 0
    gate = run("gate", "--packs", "pack.yaml", "post.md")
    assert gate.exit_code == 1 and "lacks approval: 复审 still to sign" in gate.stdout
    back = run("reject", "S1", "--stage", "复审", "--reviewer", "韩梅", "--role", "市场部", "--comment", "删去最低价")
    assert back.exit_code == 0 and "feedback to 王芳: 复审 韩梅: 删去最低价" in back.stdout
    assert "sent back to 王芳" in run("gate", "--packs", "pack.yaml", "post.md").stdout

    (workdir / "post.md").write_text("# 新品上市\n\n价格实惠，欢迎选购。\n", encoding="utf-8")
    again = submit("post.md", "--author", "王芳")
    assert again.stdout.splitlines()[0] == "S1  post.md  revision 2  risk none  pending"
    assert "voided: revision 1 was edited after review" in again.stdout
    run("approve", "S1", "--stage", "自审", "--reviewer", "王芳")
    run("approve", "S1", "--stage", "初审", "--reviewer", "李雷", "--role", "运营")
    gate = run("gate", "--packs", "pack.yaml", "post.md")
    assert gate.exit_code == 0 and gate.stdout == "post.md: approved\n"

    status = run("status", "S1", "--format", "json")
    assert json.loads(status.stdout)["state"] == "approved"
    assert run("status").stdout.startswith("S1  approved  revision 2  王芳  post.md")
    log = run("log", "S1").stdout.splitlines()
    assert len(log) == 8 and "reject 复审 by 韩梅 (市场部): 删去最低价" in log[3] and "void:" in log[4]
    verify = run("verify")
    assert verify.exit_code == 0 and verify.stdout.startswith("ok: 8 record(s); head 8 sha256:")


def test_verify_exits_1_on_tampering(workdir, db_url):
    submit("post.md", "--author", "王芳")
    run("approve", "S1", "--stage", "自审", "--reviewer", "王芳")
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE review_records SET payload = replace(payload, '王芳', '赵总') WHERE seq = 2"))
    engine.dispose()
    result = run("verify")
    assert result.exit_code == 1 and "TAMPERED: record 2: its contents do not match its hash (edited)" in result.stdout


def test_export_and_prune(workdir):
    submit("post.md", "--author", "王芳")
    run("approve", "S1", "--stage", "自审", "--reviewer", "王芳")
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert [r["kind"] for r in rows] == ["check", "decision"]
    jsonl = [json.loads(line) for line in run("export", "--format", "jsonl").stdout.splitlines()]
    assert jsonl[1]["payload"]["reviewer"] == "王芳"
    assert run("prune", "--before", "2000-01-01").stdout == "nothing before 2000-01-01\n"
    pruned = run("prune", "--before", "2999-01-01")
    assert pruned.exit_code == 0 and pruned.stdout.startswith("pruned 2 record(s) (1-2)")
    assert run("verify").exit_code == 0
    assert run("prune", "--before", "yesterday").exit_code == 2


def test_usage_errors_exit_2(workdir):
    assert run("approve", "S9", "--stage", "自审", "--reviewer", "王芳").exit_code == 2
    result = run("reject", "S9", "--stage", "自审", "--reviewer", "王芳")
    assert result.exit_code == 2
    bad = CliRunner().invoke(cli, ["review", "--db", "sqlite:////no/such/folder/x.db", "status"])
    assert bad.exit_code == 2 and "does not exist" in bad.stderr and "Traceback" not in bad.output
    missing_author = run("submit", "post.md")
    assert missing_author.exit_code == 2
