"""The review trail over HTTP (submit, decide, status, queue), on the real server with a SQLite trail."""

from __future__ import annotations

import json

import httpx
import pytest

from contentguard.review import ReviewTrail
from contentguard.serve import create_app
from contentguard.serve.openapi import openapi_text

from .conftest import start_server

POST = "本品是全网最低价，加微*信领取。"


@pytest.fixture(scope="module")
def trail(default_guard, tmp_path_factory):
    trail = ReviewTrail(tmp_path_factory.mktemp("review") / "reviews.db", guard=default_guard)
    yield trail
    trail.close()


@pytest.fixture(scope="module")
def review_server(default_guard, trail, test_limits, access_log):
    server = start_server(create_app(default_guard, trail, limits=test_limits, token=""), test_limits)
    yield server
    server.stop()


@pytest.fixture()
def api(review_server):
    with httpx.Client(base_url=review_server.url, timeout=30) as client:
        yield client


def test_submit_decide_and_follow_a_post_through_its_stages(api, trail, access_log):
    submitted = api.post("/v1/review/submissions", json={"document": {"id": "post-1", "body": POST},
                                                         "author": "王芳"})
    assert submitted.status_code == 200, submitted.text
    sub = submitted.json()
    sid = sub["id"]
    assert sub["document_id"] == "post-1" and sub["state"] == "pending" and sub["author"] == "王芳"
    assert sub["required_stages"][:2] == ["自审", "初审"] and sub["next_stage"] == "自审"
    assert sub["findings"]
    assert api.get(f"/v1/review/submissions/{sid}").json() == sub
    assert sid in [s["id"] for s in api.get("/v1/review/queue").json()["submissions"]]
    assert sid in [s["id"] for s in api.get("/v1/review/queue", params={"stage": "自审"}).json()["submissions"]]

    own = api.post(f"/v1/review/submissions/{sid}/decisions",
                   json={"stage": "自审", "reviewer": "王芳", "decision": "approve"})
    assert own.status_code == 200 and own.json()["next_stage"] == "初审"

    # The policy's refusals are 409s that say why: the writer may not sign 初审; a reject needs a comment.
    four_eyes = api.post(f"/v1/review/submissions/{sid}/decisions",
                         json={"stage": "初审", "reviewer": "王芳", "decision": "approve", "role": "运营"})
    assert four_eyes.status_code == 409 and four_eyes.json()["error"]["code"] == "conflict"
    silent = api.post(f"/v1/review/submissions/{sid}/decisions",
                      json={"stage": "初审", "reviewer": "李雷", "decision": "reject", "role": "运营"})
    assert silent.status_code == 409 and "comment" in silent.json()["error"]["message"]

    rejected = api.post(f"/v1/review/submissions/{sid}/decisions",
                        json={"stage": "初审", "reviewer": "李雷", "decision": "reject", "role": "运营",
                              "comment": "绝对化用语请改掉"})
    assert rejected.status_code == 200
    assert rejected.json()["state"] == "rejected" and "绝对化用语请改掉" in rejected.json()["feedback"]
    assert sid not in [s["id"] for s in api.get("/v1/review/queue").json()["submissions"]]
    assert trail.status(sid).state == "rejected"
    assert trail.verify().ok

    logged = [json.loads(line) for line in access_log.lines if '"/v1/review/submissions"' in line]
    assert logged and logged[-1]["documents"][0]["submission"] == sid
    assert all("全网最低价" not in line for line in access_log.lines)


def test_review_errors_name_the_problem(api):
    missing = api.get("/v1/review/submissions/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["error"]["message"]
    assert api.post("/v1/review/submissions/nope/decisions",
                    json={"stage": "自审", "reviewer": "x", "decision": "approve"}).status_code == 404
    wrong = api.post("/v1/review/submissions", json={"document": {"body": 5}, "author": "x"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "document.body"
    no_author = api.post("/v1/review/submissions", json={"document": {"body": "好"}})
    assert no_author.status_code == 422 and no_author.json()["error"]["field"] == "author"
    submitted = api.post("/v1/review/submissions", json={"document": {"id": "post-2", "body": "好"}, "author": "x"})
    assert submitted.status_code == 200
    bad = api.post(f"/v1/review/submissions/{submitted.json()['id']}/decisions",
                   json={"stage": "自审", "reviewer": "x", "decision": "maybe"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "decision"
    unknown_stage = api.get("/v1/review/queue", params={"stage": "五审"})
    assert unknown_stage.status_code == 409 and "五审" in unknown_stage.json()["error"]["message"]


def test_the_served_openapi_document_has_the_review_routes(api):
    served = api.get("/openapi.json").json()
    assert "/v1/review/submissions/{submission_id}/decisions" in served["paths"]
    assert served == json.loads(openapi_text())


def test_without_a_store_there_are_no_review_routes(client):
    assert client.get("/v1/review/queue").status_code == 404
