"""Issue 12: a fuzz suite over the readers (CSV, JSONL, HTML, Markdown, stdin) and the batch API.
Whatever the bytes, every record gets exactly one entry (a document or a skipped entry with its
reason), in order, and nothing raises. Bounded examples and no deadline flakiness on a busy CI box."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentguard import Document
from contentguard.inputs import InputOptions, Skipped, Unit, extract_html, read_items

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
OPTIONS = InputOptions()

text_pieces = st.sampled_from(["最低价", "网赌", "<", ">", "&", "&amp;", '"', "'", "\n", "\r\n", ",", "\t", "---",
                               "title:", "<!--", "-->", "<p>", "</p>", "<script>", "{", "}", "[", "]", "\\",
                               "\ud800", "\x00", "é", "　", "*a", "&a"])
texts = st.lists(st.one_of(text_pieces, st.text(max_size=8)), max_size=30).map("".join)
raw_bytes = st.one_of(st.binary(max_size=300), texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      texts.map(lambda t: t.encode("gb18030", "replace")))


def read(tmp_path: Path, name: str, data: bytes) -> list:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_items([str(path)], OPTIONS))


@FUZZ
@given(lines=st.lists(st.one_of(raw_bytes.map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" ")),
                                st.dictionaries(st.sampled_from(["id", "text", "title", "kind", "platform", "x"]),
                                                st.one_of(texts, st.integers(), st.none(), st.lists(st.integers())),
                                                max_size=5).map(lambda d: json.dumps(d).encode())),
                      max_size=12))
def test_jsonl_every_line_gets_one_entry_in_order(tmp_path_factory, lines):
    tmp_path = tmp_path_factory.mktemp("jsonl")
    items = read(tmp_path, "b.jsonl", b"\n".join(lines) + b"\n")
    if items and isinstance(items[0], Skipped) and items[0].record_line is None:
        assert len(items) == 1  # the whole file is not text: one entry says so
        return
    numbers = [item.record_line for item in items]
    assert numbers == sorted(set(numbers)) and set(numbers) <= set(range(1, len(lines) + 1))
    # every line with something on it that is JSON text has its entry (a document or the reason it is not one)
    for number, line in enumerate(lines, start=1):
        if line.strip() and line.isascii() and line.strip(b" \t\x0b\x0c\x1c\x1d\x1e\x1f\x85"):
            assert number in numbers, (number, line)
    for item in items:
        assert isinstance(item, (Unit, Skipped))


@FUZZ
@given(rows=st.lists(st.lists(st.one_of(texts, st.just("")), min_size=1, max_size=4), max_size=10),
       header=st.sampled_from([["id", "text"], ["id", "评论内容", "平台"], ["a", "b"], ["text"]]))
def test_csv_reads_without_raising_and_keeps_order(tmp_path_factory, rows, header):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    items = read(tmp_path_factory.mktemp("csv"), "c.csv", buffer.getvalue().encode("utf-8", "surrogatepass"))
    numbers = [item.record_line for item in items if item.record_line is not None]
    assert numbers == sorted(numbers)
    assert all(isinstance(item, (Unit, Skipped)) for item in items)


@FUZZ
@given(data=raw_bytes, suffix=st.sampled_from(["csv", "tsv", "jsonl"]))
def test_any_bytes_as_a_batch_never_raise(tmp_path_factory, data, suffix):
    items = read(tmp_path_factory.mktemp("bytes"), f"x.{suffix}", data)
    assert all(isinstance(item, (Unit, Skipped)) for item in items)


@FUZZ
@given(data=raw_bytes, suffix=st.sampled_from(["html", "md", "txt"]))
def test_one_document_files_give_exactly_one_entry(tmp_path_factory, data, suffix):
    items = read(tmp_path_factory.mktemp("doc"), f"x.{suffix}", data)
    assert len(items) == 1 and isinstance(items[0], (Unit, Skipped))
    if isinstance(items[0], Unit):
        unit = items[0]
        for name, value in unit.document.fields():
            assert isinstance(value, str)
            if value:
                unit.locator.locate(name, 0, len(value))  # positions resolve for the whole field


@FUZZ
@given(source=texts)
def test_html_extraction_maps_every_character_to_the_source(source):
    extracted = extract_html(source)
    assert len(extracted.body_starts) == len(extracted.body) == len(extracted.body_ends)
    assert all(0 <= start <= end <= len(source) for start, end in zip(extracted.body_starts, extracted.body_ends,
                                                                         strict=True))


@FUZZ
@given(data=raw_bytes, name=st.sampled_from([None, "draft.md", "page.html", "posts.jsonl", "c.csv"]))
def test_stdin_gives_entries_without_raising(data, name):
    options = InputOptions(stdin_filename=name)
    items = list(read_items(["-"], options, stdin=io.BufferedReader(io.BytesIO(data))))
    assert all(isinstance(item, (Unit, Skipped)) for item in items)
    if name is None or not name.endswith(("jsonl", "csv")):
        assert len(items) == 1


records = st.one_of(texts, st.none(), st.integers(), st.floats(allow_nan=True),
                    st.dictionaries(st.sampled_from(["id", "body", "title", "kind", "platform", "bad"]),
                                    st.one_of(texts, st.integers(), st.none()), max_size=4),
                    texts.map(lambda t: Document(body=t.replace("\ud800", ""))))


@FUZZ
@given(batch=st.lists(records, max_size=25))
def test_batch_api_gives_exactly_one_report_per_record_in_order(default_guard, batch):
    reports = list(default_guard.check_batch(batch, chunk_size=7))
    assert len(reports) == len(batch)
    for item, report in zip(batch, reports, strict=True):
        if isinstance(item, Document) and item.id is not None:
            assert report.id == item.id
        json.loads(report.model_dump_json())  # always serializable
