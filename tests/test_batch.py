"""check_batch: ordered, streaming, bad records become error reports, processes when asked."""

from __future__ import annotations

import itertools
import pickle
import threading

import contentguard
from contentguard import Document


def test_order_is_kept_and_bad_records_do_not_stop_the_batch(demo_guard):
    items = ["赌博", None, 42, {"id": "d1", "body": "我的世界"}, {"id": "d2", "bodyy": "x"}, "\ud800坏", "干净的文字",
             Document(id="d3", title="震惊", body="正文")]
    reports = list(demo_guard.check_batch(items))
    assert len(reports) == len(items)
    assert [r.findings[0].text if r.findings else None for r in reports] == [
        "赌博", None, None, "我的世界", None, None, None, "震惊"]
    errors = [r.errors[0].code if r.errors else None for r in reports]
    assert errors == [None, "invalid-document", "invalid-document", None, "invalid-document", "invalid-text",
                      None, None]
    assert "None" in reports[1].errors[0].message
    assert "int" in reports[2].errors[0].message
    assert "'d2'" in reports[4].errors[0].message and "bodyy" in reports[4].errors[0].message
    # Nothing unchecked passes silently: a record that could not be checked goes to a person.
    assert all(reports[i].decision == "review" for i in (1, 2, 4, 5))
    assert reports[3].id == "d1" and reports[7].id == "d3"


def test_two_workers_give_the_same_reports_in_the_same_order(demo_guard):
    docs = [f"第{i}条：{'赌博' if i % 3 == 0 else '天气很好'}，电话1381234{i:04d}" for i in range(300)]
    docs[7] = None
    single = [r.model_dump() for r in demo_guard.check_batch(docs, workers=1)]
    double = [r.model_dump() for r in demo_guard.check_batch(docs, workers=2, chunk_size=16)]
    assert single == double


def test_batch_streams_from_a_generator_without_reading_it_all(demo_guard):
    consumed = itertools.count()

    def endless():
        for i in consumed:
            yield f"文档{i}赌博"

    first = list(itertools.islice(demo_guard.check_batch(endless(), chunk_size=8), 5))
    assert [r.findings[0].text for r in first] == ["赌博"] * 5
    assert next(consumed) <= 16  # only the chunks needed were pulled from the generator


def test_guard_is_immutable_picklable_and_thread_safe(demo_guard):
    try:
        demo_guard.x = 1
        raise AssertionError("a Guard accepted an attribute")
    except AttributeError:
        pass
    clone = pickle.loads(pickle.dumps(demo_guard))
    text = "我的世界 最.好 13812345678"
    assert clone.check(text).model_dump() == demo_guard.check(text).model_dump()
    assert clone.ruleset == demo_guard.ruleset

    results: list[list[str]] = []

    def work():
        results.append([f.text for f in demo_guard.check(text).findings])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(r == results[0] for r in results)


def test_ruleset_hash_traces_the_rules(demo_guard):
    from tests.conftest import DEMO_PACK

    again = contentguard.load(packs=[DEMO_PACK])
    assert again.ruleset.hash == demo_guard.ruleset.hash
    changed = contentguard.load(packs=[DEMO_PACK], config={"severity": {"demo/banned": 5}})
    assert changed.ruleset.hash != demo_guard.ruleset.hash
    report = demo_guard.check("赌博")
    assert report.ruleset.hash.startswith("sha256:") and report.ruleset.packs == ("demo@1",)
    assert '"ruleset":{"version":' in report.model_dump_json()


def test_pipeline_reports_are_the_reports_validation_gives(default_guard):
    # The pipeline builds its reports without validating them again (Report._trusted, issue #13): each must be
    # the very report Report(...) validates from the same parts — equal, the same JSON, the same fields set —
    # for a text without a hit, findings, context drops, errors, a public comment's triage and deadline.
    from contentguard.report import Report

    documents = [
        "这家店的菜很好吃，下次还来",
        {"body": "全网最低价，加微信 abc12345 领券", "kind": "post"},
        {"body": "客服态度太差了，三天没人回复，我要投诉", "kind": "comment", "platform": "weibo"},
        {"title": "新品上市", "body": "国家级产品，第一品牌", "id": "p-1"},
        {"body": "x", "kind": "nonsense"},
        None,
    ]
    reports = list(default_guard.check_batch(documents))
    assert any(r.findings for r in reports) and any(r.errors for r in reports) and any(r.triage for r in reports)
    for report in reports:
        validated = Report(**{name: getattr(report, name) for name in report.model_fields_set})
        assert report == validated
        assert report.model_dump_json() == validated.model_dump_json()
        assert report.model_fields_set == validated.model_fields_set
        assert Report.model_validate_json(report.model_dump_json()) == report
    assert sum(report.model_fields_set == set(Report.model_fields) for report in reports) == 4  # the checked ones
    try:
        Report._trusted(id=None)
    except KeyError:
        pass
    else:
        raise AssertionError("a report without every field must not be built")
