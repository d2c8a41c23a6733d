"""POST /v1/monitor: a batch of public items through contentguard.Monitor, on the real server."""

from __future__ import annotations

from contentguard import Document, Monitor

COMMENTS = ["好吃", "太难吃了，差评", "我要投诉", "再不退款我就打12315", "吃了拉肚子住院了", "不错"]


def items() -> list:
    return [{"id": f"c{i}", "kind": "comment", "body": body, "created_at": f"2026-01-01T08:{5 * i:02d}:00Z",
             "thread": "p1"} for i, body in enumerate(COMMENTS)]


def test_a_batch_of_comments_answers_the_monitors_events_and_period_report(client, default_guard):
    response = client.post("/v1/monitor", json={"items": [*items(), {"id": "bad", "body": "退钱！"}]})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["ruleset_hash"] == default_guard.ruleset.hash
    monitor = Monitor(default_guard)
    expected = [o.model_dump(mode="json") for o in
                monitor.run([*(Document.model_validate(i) for i in items()), Document(id="bad", body="退钱！")])]
    assert answer["outputs"] == expected
    assert any(o["type"] == "event" for o in answer["outputs"])
    assert answer["period"] == monitor.period_report().model_dump(mode="json")
    assert answer["period"]["items"] == len(COMMENTS) + 1


def test_monitor_requests_are_checked_like_check_requests(client, test_limits):
    assert client.post("/v1/monitor", json={"items": []}).json()["error"]["field"] == "items"
    wrong = client.post("/v1/monitor", json={"items": [{"body": "x", "created_at": "yesterday"}]})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "items[0].created_at"
    over = client.post("/v1/monitor", json={"items": ["好"] * (test_limits.max_monitor_items + 1)})
    assert over.status_code == 422 and str(test_limits.max_monitor_items) in over.json()["error"]["message"]
