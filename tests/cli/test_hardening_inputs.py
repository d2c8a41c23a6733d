"""Issue 12, data loss and crashes in the readers and the command line: every input gets a report
(a document or a skipped entry naming the file and record), the rest is read, no traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentguard.cli import cli

DATA = Path(__file__).parent.parent / "data" / "cli"
PACK = str(DATA / "pack.yaml")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def scan_lines(*args: str) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(cli, ["scan", "--packs", PACK, "--format", "jsonl", *args], catch_exceptions=False)
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def entries(lines: list[dict]) -> list[tuple[str, int | None]]:
    return [(line["type"], line.get("record")) for line in lines]


def write_csv(path: str, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    Path(path).write_text(buffer.getvalue(), encoding="utf-8")


def test_csv_huge_cell_is_read_not_lost_and_the_rows_after_it_are_checked():
    write_csv("c.csv", [["id", "text"], ["1", "a"], ["2", "好" * 200000], ["3", "最低价"]])
    code, lines, _ = scan_lines("c.csv")
    assert entries(lines) == [("document", 2), ("document", 3), ("document", 4)]
    assert [line["id"] for line in lines] == ["1", "2", "3"]
    assert lines[2]["findings"] and code == 1


def test_csv_row_over_the_record_limit_is_an_error_entry_and_reading_goes_on():
    limit = 10 * 1024 * 1024
    write_csv("c.csv", [["id", "text"], ["1", "a"], ["2", "x" * (limit + 10)], ["3", "最低价"]])
    code, lines, _ = scan_lines("c.csv")
    assert entries(lines) == [("document", 2), ("skipped", 3), ("document", 4)]
    assert "limit" in lines[1]["reason"] and code == 1


def test_csv_invalid_utf8_row_loses_only_that_row():
    rows = [f"{i},好评第{i}条\n".encode() for i in range(1, 240)]
    rows.insert(100, b"bad,\xff\xfe\xfd broken\n")
    Path("u.csv").write_bytes(b"id,text\n" + b"".join(rows) + "999,最低价\n".encode())
    code, lines, _ = scan_lines("u.csv")
    skipped = [line for line in lines if line["type"] == "skipped"]
    assert len(skipped) == 1 and skipped[0]["record"] == 102 and "UTF-8" in skipped[0]["reason"]
    assert sum(line["type"] == "document" for line in lines) == 240
    assert lines[-1]["id"] == "999" and lines[-1]["findings"]
    assert code == 1


def test_csv_row_with_too_many_fields_is_reported_and_the_rest_read():
    Path("m.csv").write_text("id,text\n1,a\n2,b,c,d\n3,最低价\n", encoding="utf-8")
    code, lines, _ = scan_lines("m.csv")
    assert entries(lines) == [("document", 2), ("skipped", 3), ("document", 4)]
    assert "4 fields" in lines[1]["reason"] and lines[2]["findings"]


@pytest.mark.parametrize("line", [
    '{"id": "deep", "text": ' + "[" * 100000 + "]" * 100000 + "}",
    '{"id": "big", "text": "a", "n": ' + "9" * 5000 + "}",
    '{"id": "deep2", "text": "a", "x": ' + "{\"a\":" * 5000 + "1" + "}" * 5000 + "}",
])
def test_jsonl_deep_nesting_and_huge_ints_are_error_entries(line):
    Path("b.jsonl").write_text('{"id": "1", "text": "a"}\n' + line + '\n{"id": "3", "text": "最低价"}\n',
                               encoding="utf-8")
    code, lines, _ = scan_lines("b.jsonl")
    assert entries(lines) == [("document", 1), ("skipped", 2), ("document", 3)]
    assert "limit" in lines[1]["reason"]
    assert code == 1


def test_jsonl_line_over_the_record_limit_is_skipped_without_holding_it(tmp_path):
    limit = 10 * 1024 * 1024
    with open("big.jsonl", "wb") as out:
        out.write(b'{"id": "1", "text": "a"}\n{"id": "2", "text": "')
        block = b"x" * (1024 * 1024)
        for _ in range(limit // len(block) + 2):
            out.write(block)
        out.write(b'"}\n{"id": "3", "text": "\xe6\x9c\x80\xe4\xbd\x8e\xe4\xbb\xb7"}\n')
    code, lines, _ = scan_lines("big.jsonl")
    assert entries(lines) == [("document", 1), ("skipped", 2), ("document", 3)]
    assert "limit" in lines[1]["reason"] and code == 1


def test_symlink_loop_and_fifo_in_a_folder_are_skipped_with_a_reason():
    folder = Path("site")
    folder.mkdir()
    (folder / "ok.txt").write_text("最低价", encoding="utf-8")
    os.symlink("b.txt", folder / "a.txt")
    os.symlink("a.txt", folder / "b.txt")
    os.mkfifo(folder / "pipe.txt")
    started = time.monotonic()
    code, lines, _ = scan_lines("site")
    assert time.monotonic() - started < 60
    by_path = {line["path"]: line for line in lines}
    assert by_path["site/pipe.txt"]["type"] == "skipped" and "named pipe" in by_path["site/pipe.txt"]["reason"]
    assert by_path["site/a.txt"]["type"] == "skipped" and by_path["site/b.txt"]["type"] == "skipped"
    assert by_path["site/ok.txt"]["type"] == "document"
    assert code == 1


def test_lone_surrogates_in_ids_platforms_and_file_names_serialize(tmp_path):
    Path("s.jsonl").write_text('{"id": "a\\ud800b", "platform": "we\\udc00", "text": "最低价"}\n', encoding="utf-8")
    name = os.fsencode("bad") + b"\xff" + b".txt"
    with open(os.path.join(os.fsencode(str(tmp_path)), name), "wb") as out:
        out.write("最低价".encode())
    for output in ("json", "jsonl", "sarif", "text"):
        result = CliRunner().invoke(cli, ["scan", "--packs", PACK, "--format", output, "s.jsonl", "."],
                                    catch_exceptions=False)
        assert result.exit_code == 1, result.stderr
        assert "\\udcff" in result.stdout or output == "sarif"
    import contentguard

    report = contentguard.load(packs=[PACK]).check({"id": "a\ud800", "platform": "x\udc00", "body": "最低价"})
    assert json.loads(report.model_dump_json())["id"] == "a\\ud800"
    assert report.findings


def test_gbk_encoded_config_pack_and_risk_matrix_load(tmp_path):
    rules = Path("rules")
    shutil_copy = __import__("shutil").copytree
    from contentguard.config.resources import data_dir

    shutil_copy(data_dir("rules"), rules)
    matrix = (rules / "risk_matrix.yaml").read_text(encoding="utf-8")
    (rules / "risk_matrix.yaml").write_bytes(matrix.encode("gb18030"))
    Path("pack.yaml").write_bytes("""pack: gbk
rules:
  - id: gbk/word
    kind: lexicon
    category: custom.word
    severity: 4
    message: 公司禁用词「{match}」
    terms: [禁用词]
""".encode("gbk"))
    Path("contentguard.yaml").write_bytes("# 公司配置\nextra_packs: [pack.yaml]\nallowlist: [最好吃]\n".encode("gbk"))
    Path("post.txt").write_text("这是禁用词", encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", "--rules", "rules", "--format", "json", "post.txt"],
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert [f["rule_id"] for f in json.loads(result.stdout)["documents"][0]["findings"]] == ["gbk/word"]


PATTERN_GROUP_2 = """pack: grp
rules:
  - id: grp/bad-group
    kind: pattern
    category: custom.x
    severity: 3
    message: x
    patterns: ['(a)b']
    group: 2
    examples: {match: [ab]}
"""


def test_pattern_group_that_does_not_exist_fails_at_load_and_in_test_rules():
    Path("grp.yaml").write_text(PATTERN_GROUP_2, encoding="utf-8")
    for args in (["test-rules", "grp.yaml"], ["scan", "--packs", "grp.yaml", "-"]):
        result = CliRunner().invoke(cli, args, input="ab", catch_exceptions=False)
        assert result.exit_code == 2
        assert "group 2 does not exist" in result.stderr and "grp/bad-group" in result.stderr


def test_sentiment_off_unquoted_in_yaml_works():
    Path("contentguard.yaml").write_text("sentiment: off\n", encoding="utf-8")
    code, lines, _ = scan_lines("-")
    assert code == 0 and lines[0]["sentiment"] is None

