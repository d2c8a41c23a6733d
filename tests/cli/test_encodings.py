"""Encoding detection on real bytes: UTF-8, GBK/GB18030 and Big5 (Taiwan CP950, Hong Kong Big5-HKSCS)
text read right as whole files and as streamed batches, and `fix --write` keeping a Big5 file Big5.
The bytes are made here by encoding real sentences with Python's codecs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentguard.cli import cli
from contentguard.inputs import NotText, decode_bytes
from contentguard.inputs.encodings import sniff_stream_encoding

DATA = Path(__file__).parent.parent / "data" / "cli"
PACK = str(DATA / "pack.yaml")

TAIWAN = "這款保溫杯是全台最好的，歡迎各位顧客蒞臨門市選購，營業時間週一至週五。"
HONG_KONG = "我哋間舖頭嘅嘢食真係最好，今日仲有八折優惠㗎！"
MAINLAND = "这款保温杯是全网最好的，欢迎各位顾客莅临门店选购，营业时间周一至周五。"
BIG5_FAMILY = {"big5", "cp950", "big5hkscs"}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("text, codec, family", [
    (TAIWAN, "big5", BIG5_FAMILY),
    (TAIWAN, "cp950", BIG5_FAMILY),
    (HONG_KONG, "big5hkscs", {"big5hkscs"}),  # 嘅 and 㗎 exist only in HKSCS
    (MAINLAND, "gbk", {"gb18030"}),
    (MAINLAND, "gb2312", {"gb18030"}),
    (MAINLAND + "𠮷", "gb18030", {"gb18030"}),  # a four-byte GB18030 character
    (TAIWAN, "utf-8", {"utf-8"}),
    (MAINLAND, "utf-8", {"utf-8"}),
])
def test_whole_files_decode_to_their_text(text, codec, family):
    decoded, encoding = decode_bytes(text.encode(codec))
    assert decoded == text
    assert encoding in family


@pytest.mark.parametrize("text", ["最好", "价格实惠", "本店全网最低价"])
def test_short_gbk_text_that_reads_as_well_in_big5_stays_gb18030(text):
    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")


def test_binary_bytes_without_nul_are_still_not_text():
    noise = bytes((i * 97 + 13) % 256 for i in range(4096)).replace(b"\x00", b"\x01")
    with pytest.raises(NotText):
        decode_bytes(noise)
    with pytest.raises(NotText):
        sniff_stream_encoding(noise)


def test_a_big5_post_is_scanned_with_positions_in_its_text():
    Path("tw.txt").write_bytes(f"第一行\n{TAIWAN}\n".encode("big5"))
    result = run("scan", "--packs", PACK, "--format", "json", "tw.txt")
    document = json.loads(result.stdout)["documents"][0]
    assert document["encoding"] in BIG5_FAMILY
    found = [(f["rule_id"], f["text"], f["line"], f["column"]) for f in document["findings"]]
    assert ("cli/absolute", "最好", 2, TAIWAN.index("最好") + 1) in found


def test_a_streamed_big5_batch_longer_than_the_sniffed_head_is_read_whole():
    # Each line is long and holds two-byte characters, so the 64 KiB head ends inside a record.
    lines = [json.dumps({"id": f"r{i}", "text": f"{HONG_KONG}第{i}則留言" * 20}, ensure_ascii=False)
             for i in range(200)]
    lines.append(json.dumps({"id": "last", "text": "參與網賭"}, ensure_ascii=False))
    data = "\n".join(lines).encode("big5hkscs") + b"\n"
    assert len(data) > 64 * 1024
    Path("hk.jsonl").write_bytes(data)
    result = run("scan", "--packs", PACK, "--format", "jsonl", "hk.jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["type"] for r in records] == ["document"] * 201
    assert records[0]["encoding"] == "big5hkscs"
    assert [f["text"] for f in records[-1]["findings"]] == ["網賭"]


def test_a_big5_csv_batch_is_read():
    Path("tw.csv").write_bytes(f"id,text\nr1,{TAIWAN}\nr2,參與網賭\n".encode("cp950"))
    result = run("scan", "--packs", PACK, "--format", "jsonl", "tw.csv")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["encoding"] in BIG5_FAMILY for r in records] == [True, True]
    assert [[f["text"] for f in r["findings"]] for r in records] == [["最好"], ["網賭"]]


def test_fix_write_keeps_a_big5_file_big5():
    Path("tw.txt").write_bytes(TAIWAN.encode("big5"))
    result = run("fix", "--packs", PACK, "--write", "tw.txt")
    assert "1 rewrite(s) applied" in result.stderr
    assert Path("tw.txt").read_bytes() == TAIWAN.replace("最好", "很好").encode("big5")


def test_fix_leaves_a_replacement_big5_cannot_hold_to_a_person(tmp_path):
    (tmp_path / "p.yaml").write_text(
        "pack: p\nrules:\n  - id: p/cheap\n    kind: lexicon\n    category: exaggeration\n    severity: 3\n"
        "    message: m\n    terms:\n      - {term: 最好, replacement: 这样}\n", encoding="utf-8")
    original = TAIWAN.encode("big5")
    Path("tw.txt").write_bytes(original)
    result = run("fix", "--packs", str(tmp_path / "p.yaml"), "--write", "tw.txt")
    assert Path("tw.txt").read_bytes() == original
    assert "cannot be written in the file's encoding (BIG5)" in result.stderr
