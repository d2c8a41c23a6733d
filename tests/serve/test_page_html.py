"""The review page as served HTML: the marks are cut at the report's spans (the browser test looks at it too)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from contentguard import Document
from contentguard.serve.page import segments


class Marks(HTMLParser):
    """The text of every <mark> with its attributes, per field container."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[dict] = []
        self._open: dict | None = None
        self._field: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("data-field"):
            self._field = attrs["data-field"]
        if tag == "mark":
            self._open = {**attrs, "field": self._field, "text": ""}

    def handle_endtag(self, tag):
        if tag == "mark" and self._open is not None:
            self.marks.append(self._open)
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data


def test_segments_cut_overlapping_spans_without_nesting():
    text = "abcdefgh"
    pieces = segments(text, [(1, 1, 5), (2, 3, 7)])
    assert [(p.text, p.findings) for p in pieces] == [("a", ()), ("bc", (1,)), ("de", (1, 2)), ("fg", (2,)),
                                                      ("h", ())]
    assert "".join(p.text for p in pieces) == text


def test_the_page_marks_each_finding_on_its_own_characters(client, default_guard):
    title, body = "全网最低价！", "本品是全网最低价，加微*信领取。\n<b>不是标签</b> 联系 13812345678"
    response = client.post("/", data={"title": title, "body": body, "kind": "post", "platform": "weibo"})
    assert response.status_code == 200
    assert "<b>不是标签</b>" not in response.text  # the post's own markup is escaped
    report = default_guard.check(Document(title=title, body=body, platform="weibo"))
    assert report.findings
    parser = Marks()
    parser.feed(response.text)
    fields = {"title": title, "body": body}
    for mark in parser.marks:
        start, end = int(mark["data-start"]), int(mark["data-end"])
        assert fields[mark["field"]][start:end] == mark["text"]
    for number, finding in enumerate(report.findings, 1):
        covering = [m for m in parser.marks if str(number) in m["data-findings"].split()]
        assert "".join(m["text"] for m in covering) == finding.text, finding
        assert covering[0]["field"] == finding.field and int(covering[0]["data-start"]) == finding.start
    decision = re.search(r'id="decision">([^<]+)<', response.text).group(1)
    assert decision == {"pass": "通过", "review": "人工复核", "block": "拦截"}[report.decision]
    cell = re.search(r'id="risk-cell">([^<]+)<', response.text).group(1)
    assert f"影响 {report.risk.impact} × 可能性 {report.risk.likelihood}" in cell


def test_the_page_refuses_empty_and_overlong_input_in_chinese(client, test_limits):
    empty = client.post("/", data={"body": "  "})
    assert empty.status_code == 422 and "请粘贴或上传" in empty.text
    long = client.post("/", data={"body": "好" * (test_limits.max_text_chars + 1)})
    assert long.status_code == 422 and "超过" in long.text


def test_an_uploaded_file_is_checked_and_a_binary_one_refused(client):
    text = "加微信领取，全网最低价".encode("gb18030")
    upload = client.post("/", data={"kind": "post"}, files={"file": ("post.txt", text)})
    assert upload.status_code == 200 and "<mark" in upload.text
    binary = client.post("/", data={"kind": "post"}, files={"file": ("x.bin", b"\x00\x01\x02" * 100)})
    assert binary.status_code == 422 and "无法读取" in binary.text
