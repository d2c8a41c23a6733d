"""The JSON API through the real uvicorn server on a loopback port."""

from __future__ import annotations

import hashlib
import json
import re

import httpx
import pytest

from contentguard import Document, Report

from .conftest import TOKEN

POST = "本品是全网最低价，加微*信领取。"


def findings_hold_their_text(report: dict, document: Document) -> None:
    for finding in report["findings"]:
        field = document.title if finding["field"] == "title" else document.body
        assert field[finding["start"]:finding["end"]] == finding["text"], finding


def test_one_text_answers_the_report_and_the_ruleset_hash(client, default_guard):
    response = client.post("/v1/check", json={"text": POST})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert answer["ruleset_hash"] == default_guard.ruleset.hash
    assert answer["ruleset_version"] == default_guard.ruleset.version
    expected = default_guard.check(POST)
    assert Report.model_validate(answer["report"]) == expected
    assert answer["report"]["decision"] in ("pass", "review", "block")
    assert {f["rule_id"] for f in answer["report"]["findings"]} >= {"advertising/absolute-terms"}
    findings_hold_their_text(answer["report"], Document(body=POST))
    assert response.headers["x-request-id"]


def test_a_document_with_its_title_kind_and_platform(client, default_guard):
    document = {"id": "p-1", "title": "震惊！全网最低价", "body": "加微信领取优惠", "kind": "comment",
                "platform": "weibo", "created_at": "2026-12-01T08:00:00Z", "author": "u1", "thread": "t1"}
    answer = client.post("/v1/check", json={"document": document}).json()
    expected = default_guard.check(Document.model_validate(document))
    assert Report.model_validate(answer["report"]) == expected
    assert answer["report"]["id"] == "p-1" and answer["report"]["kind"] == "comment"
    findings_hold_their_text(answer["report"], Document.model_validate(document))


def test_a_batch_keeps_its_order_and_takes_strings_or_documents(client, default_guard):
    items = ["质量太差了，再也不买", {"id": "b", "body": "全网最低价"}, "今天天气不错", {"id": "d", "body": ""}]
    answer = client.post("/v1/check", json={"documents": items}).json()
    assert answer["ruleset_hash"] == default_guard.ruleset.hash
    reports = [Report.model_validate(r) for r in answer["reports"]]
    assert reports == list(default_guard.check_batch(items))
    assert [r.id for r in reports] == [None, "b", None, "d"]


def test_a_batch_of_the_limit_passes_and_one_more_is_refused_naming_the_field(client, test_limits):
    limit = test_limits.max_batch
    full = client.post("/v1/check", json={"documents": ["好"] * limit})
    assert full.status_code == 200 and len(full.json()["reports"]) == limit
    over = client.post("/v1/check", json={"documents": ["好"] * (limit + 1)})
    assert over.status_code == 422
    error = over.json()["error"]
    assert error["code"] == "invalid_request" and error["field"] == "documents"
    assert str(limit) in error["message"]


def test_a_text_over_the_length_limit_is_refused_naming_the_field(client, test_limits):
    long = "好" * (test_limits.max_text_chars + 1)
    error = client.post("/v1/check", json={"documents": ["短", {"body": long}]}).json()["error"]
    assert error["field"] == "documents[1].body", error
    assert str(test_limits.max_text_chars) in error["message"]
    error = client.post("/v1/check", json={"text": long}).json()["error"]
    assert error["field"] == "text"


@pytest.mark.parametrize(("body", "field", "words"), [
    (b"{not json", "body", "not valid JSON"),
    (b"", "body", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "body", "not valid JSON"),
    (b"[1, 2, 3]", "body", "object"),
    (b'{"documents": "abc"}', "documents", "array"),
    (b'{"documents": []}', "documents", "at least 1"),
    (b'{"document": {"body": 5}}', "document.body", "string"),
    (b'{"document": {"body": "x", "kind": "tweet"}}', "document.kind", "post"),
    (b'{"document": {"body": "x", "color": "red"}}', "document.color", "not permitted"),
    (b'{"text": null}', "body", "exactly one"),
    (b'{"text": "a", "documents": ["b"]}', "body", "exactly one"),
    (b'{"documents": [null]}', "documents[0]", ""),
])
def test_garbage_and_wrong_types_get_a_422_naming_the_field(client, body, field, words):
    response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["field"] == field, error
    assert words in error["message"], error


def test_the_body_is_json_whatever_the_content_type_says(client):
    response = client.post("/v1/check", content=json.dumps({"text": POST}).encode(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200 and response.json()["report"]["findings"]


def test_unpaired_surrogates_are_refused_as_invalid_json_not_a_crash(client):
    response = client.post("/v1/check", content=b'{"text": "abc\\ud800def"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body"
    assert client.post("/v1/check", json={"text": "abc"}).status_code == 200


def test_a_huge_body_is_refused_with_413_before_it_is_read(client, test_limits):
    big = b'{"text": "' + b"a" * (test_limits.max_body_bytes + 10) + b'"}'
    response = client.post("/v1/check", content=big)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large" and error["field"] == "body"
    assert str(test_limits.max_body_bytes) in error["message"]


def test_a_huge_chunked_body_without_length_is_cut_off_with_413(client, test_limits):
    def chunks():
        yield b'{"text": "'
        for _ in range(test_limits.max_body_bytes // 65536 + 2):
            yield b"a" * 65536
        yield b'"}'

    response = client.post("/v1/check", content=chunks())
    assert response.status_code == 413
    assert response.json()["error"]["field"] == "body"
    assert client.get("/healthz").status_code == 200


def test_wrong_method_and_unknown_path_answer_json(client):
    response = client.get("/v1/check")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"
    response = client.get("/v2/nothing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_rules_are_listed_and_one_is_shown_by_its_id(client, default_guard):
    listing = client.get("/v1/rules").json()
    assert listing["ruleset"]["hash"] == default_guard.ruleset.hash
    assert [r["id"] for r in listing["rules"]] == [c.rule.id for c in default_guard.rules]
    first = listing["rules"][0]
    assert {"pack", "enabled", "kind", "category", "severity", "message", "clause"} <= set(first)
    detail = client.get(f"/v1/rules/{first['id']}")
    assert detail.status_code == 200
    assert "/" in first["id"]  # rule ids hold a slash: the route takes it
    rule = detail.json()["rule"]
    assert rule == default_guard.rule(first["id"]).rule.model_dump(mode="json")
    missing = client.get("/v1/rules/no/such-rule")
    assert missing.status_code == 404
    assert "no/such-rule" in missing.json()["error"]["message"]


def test_healthz_names_the_ruleset(client, default_guard):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["ruleset"]["hash"] == default_guard.ruleset.hash


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line[:line.rindex("}")]))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_count_requests_latency_and_decisions(client):
    before = client.get("/metrics").text
    client.post("/v1/check", json={"documents": [POST, "今天天气不错"]})
    client.post("/v1/check", content=b"{oops")
    after = client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = after.text
    for name in ("contentguard_requests_total", "contentguard_request_duration_seconds",
                 "contentguard_decisions_total"):
        assert f"# TYPE {name} " in text
    assert _metric(text, "contentguard_requests_total", route="/v1/check", status="200") == \
        _metric(before, "contentguard_requests_total", route="/v1/check", status="200") + 1
    assert _metric(text, "contentguard_requests_total", route="/v1/check", status="422") >= 1
    assert _metric(text, "contentguard_decisions_total") == _metric(before, "contentguard_decisions_total") + 2
    count = _metric(text, "contentguard_request_duration_seconds_count", route="/v1/check")
    assert _metric(text, "contentguard_request_duration_seconds_bucket", route="/v1/check", le="+Inf") == count
    assert count == _metric(text, "contentguard_requests_total", route="/v1/check")


def test_the_access_log_holds_ids_and_hashes_never_the_text(client, access_log):
    secret = "蓝鲸计划下周发布，全网最低价"
    client.post("/v1/check", json={"documents": [{"id": "draft-42", "body": secret}]},
                headers={"x-request-id": "req-abc-1"})
    lines = [line for line in access_log.lines if "req-abc-1" in line]
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["status"] == 200 and record["route"] == "/v1/check"
    digest = hashlib.sha256(f"\n{secret}".encode()).hexdigest()
    assert record["documents"] == [{"id": "draft-42", "sha256": digest, "decision": record["documents"][0]["decision"]}]
    assert all("蓝鲸" not in line and "最低价" not in line for line in access_log.lines)


def test_a_bearer_token_guards_everything_but_healthz(guarded):
    with httpx.Client(base_url=guarded.url) as c:
        assert c.get("/healthz").status_code == 200
        for method, path in [("POST", "/v1/check"), ("GET", "/v1/rules"), ("GET", "/metrics"),
                             ("GET", "/openapi.json"), ("GET", "/static/page.js")]:
            response = c.request(method, path, json={"text": "x"})
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["error"]["code"] == "unauthorized"
        wrong = c.post("/v1/check", json={"text": "x"}, headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = c.post("/v1/check", json={"text": POST}, headers={"authorization": f"Bearer {TOKEN}"})
        assert right.status_code == 200 and right.json()["report"]["findings"]
        # The page sends a browser to the login form, which sets an HttpOnly cookie for the token.
        page = c.get("/", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert c.post("/login", data={"token": "nope"}).status_code == 401
        login = c.post("/login", data={"token": TOKEN}, follow_redirects=False)
        assert login.status_code == 303
        assert "httponly" in login.headers["set-cookie"].lower()
        assert c.get("/").status_code == 200


def test_the_committed_openapi_document_is_the_generated_one(client):
    from pathlib import Path

    from contentguard.serve.openapi import openapi_text

    committed = (Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text("utf-8")
    generated = openapi_text()
    assert committed == generated, "regenerate it: python -m contentguard.serve.openapi docs/openapi.json"
    served = client.get("/openapi.json").json()
    assert "/v1/check" in served["paths"] and "CheckRequest" in served["components"]["schemas"]
    assert served["paths"]["/healthz"]["get"]["security"] == []
    assert served["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
