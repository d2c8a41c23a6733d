"""extract_html on html.parser: what a reader sees, every character mapped back to the page, and the
guards around the parser (markup left open, `<![` sections, broken `&#`) in linear time."""

from __future__ import annotations

import time

import pytest

from contentguard.inputs import extract_html


def located(source: str, text: str, starts, ends, word: str) -> str:
    """The source span the characters of ``word`` in ``text`` come from."""
    at = text.index(word)
    return source[starts[at]:ends[at + len(word) - 1]]


def body_of(source: str) -> str:
    extracted = extract_html(source)
    assert len(extracted.body) == len(extracted.body_starts) == len(extracted.body_ends)
    return extracted.body


def test_inline_tags_join_block_tags_break_and_spans_point_into_the_source():
    source = "<DIV>\r\n<p>我们的产品是<b>最</b>好的</p><P>全网最低价<br/>欢迎</P></DIV>"
    extracted = extract_html(source)
    assert "最好的" in extracted.body and "全网最低价\n欢迎" in extracted.body
    assert located(source, extracted.body, extracted.body_starts, extracted.body_ends, "最好") == "最</b>好"
    assert located(source, extracted.body, extracted.body_starts, extracted.body_ends, "全网最低价") == "全网最低价"


def test_references_decode_to_their_span_even_at_the_end_of_the_page():
    source = "<p>价格&lt;100&nbsp;元 &#20320;&#x597D; AT&amp;T</p>售价&lt"
    extracted = extract_html(source)
    assert extracted.body == "\n价格<100\xa0元 你好 AT&T\n售价<"
    at = extracted.body.index("你")
    assert source[extracted.body_starts[at]:extracted.body_ends[at]] == "&#20320;"
    assert source[extracted.body_starts[-1]:extracted.body_ends[-1]] == "&lt"


def test_quoted_gt_in_an_attribute_and_a_closing_tag_inside_a_script_string():
    source = '<a title="价格>成本" href="x">最好</a><script>var s = "</p>网赌";</script><p>正文</p>'
    body = body_of(source)
    assert "价格>成本" in body and "最好" in body and "正文" in body
    assert "网赌" not in body and "var" not in body


def test_title_og_title_meta_description_and_hidden_elements():
    source = ('<html><head><title>震惊 &amp; 新品</title><meta property="og:description" content="全网最低">'
              '<style>p{}</style></head><body><template><p>模板</p><template>内</template>外</template>'
              '<noscript>赌博</noscript><p aria-label="亲们">看</p></body></html>')
    extracted = extract_html(source)
    assert extracted.title == "震惊 & 新品"
    body = extracted.body
    assert "全网最低" in body and "亲们" in body and "看" in body
    assert not any(hidden in body for hidden in ("模板", "内", "外", "赌博", "p{}"))


def test_comments_are_checked_bogus_comments_and_cdata_are_not():
    source = "<p>a</p><!-- 赌博 --><!-- contentguard: ignore --><!x 网赌><![CDATA[ 网赌 ]]><?php 网赌 ?>"
    body = body_of(source)
    assert "赌博" in body
    assert "网赌" not in body and "contentguard" not in body


def test_a_comment_never_closed_runs_to_the_end_and_is_checked():
    source = "<p>正文</p><!-- 参与网赌 <p>更多</p>"
    extracted = extract_html(source)
    assert "参与网赌" in extracted.body and "正文" in extracted.body
    assert located(source, extracted.body, extracted.body_starts, extracted.body_ends, "网赌") == "网赌"


def test_an_unclosed_comment_start_inside_a_script_does_not_hide_the_page():
    source = "<script>document.write('<!--');</script><p>全网最低价</p>"
    body = body_of(source)
    assert "全网最低价" in body and "document" not in body


def test_a_tag_never_closed_is_checked_as_the_text_it_is():
    source = "<p>正文</p><img alt='最低价"
    extracted = extract_html(source)
    assert "最低价" in extracted.body
    assert located(source, extracted.body, extracted.body_starts, extracted.body_ends, "最低价") == "最低价"


def test_a_broken_character_reference_does_not_turn_the_page_into_text():
    source = "<p>编号&#x;</p><script>var a = '网赌';</script><p>最低价</p>"
    body = body_of(source)
    assert "最低价" in body and "&#x" in body
    assert "网赌" not in body and "<p>" not in body


@pytest.mark.parametrize("source", ["<![ x>" * 20000, "<![if a>" * 20000, "<![CDATA[a>" * 20000, "<!--a>" * 20000,
                                    "<a x='>" * 20000, "&#;" * 20000 + ">", "<script><!--</script>" * 10000])
def test_html_reader_is_linear_on_what_the_parser_finds_hard(source):
    started = time.monotonic()
    body = body_of(source + "<p>最低价</p>")
    assert time.monotonic() - started < 5
    assert "最低价" in body


def test_every_character_from_the_source_maps_to_itself():
    source = ("<html><head><title> 标题 </title></head><body>\n<div class='a'>第一段&amp;<i>斜体</i></div>"
              "<img alt=\"图\t片\"><svg><text>画</text></svg><!-- 注 释 -->结尾<b")
    extracted = extract_html(source)
    for text, starts, ends in ((extracted.body, extracted.body_starts, extracted.body_ends),
                               (extracted.title, extracted.title_starts, extracted.title_ends)):
        for char, start, end in zip(text, starts, ends, strict=True):
            assert 0 <= start <= end <= len(source)
            if end == start + 1:
                assert char == source[start] or (char == " " and source[start] in "\t\n\r\f")
    assert extracted.title == "标题"
    assert "图 片" in extracted.body and "画" in extracted.body and "注 释" in extracted.body and "<b" in extracted.body
