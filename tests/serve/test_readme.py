"""The README's `contentguard serve` + curl example, sent to the real server: its answer is as shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## HTTP API and review page"):]


def test_the_readme_curl_example_answers_what_the_readme_shows(client):
    section = _section()
    command = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    assert "contentguard serve" in command
    assert re.search(r"curl -s http://127\.0\.0\.1:8080(/v1/check)", command)
    payload = re.search(r"-d '(\{.*?\})'", command).group(1)
    shown = re.search(r"```json\n(.*?)```", section, re.S).group(1)
    answer = client.post("/v1/check", content=payload.encode(), headers={"content-type": "application/json"})
    assert answer.status_code == 200
    report = answer.json()["report"]
    assert set(answer.json()) == {"ruleset_hash", "ruleset_version", "report"}
    assert f'"decision": "{report["decision"]}"' in shown
    assert f'"level": "{report["risk"]["level"]}"' in shown
    first = report["findings"][0]
    shown_first = json.dumps({k: first[k] for k in ("rule_id", "start", "end", "text")}, ensure_ascii=False)[:-1]
    assert shown_first in shown
