"""`contentguard serve` as a real process: it starts, answers, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ENTRY = "from contentguard.cli import main; main()"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


QUICK_PACK = """
pack: quick
rules:
  - id: quick/banned
    kind: lexicon
    category: platform.contact
    severity: 3
    message: "站外导流「{match}」"
    terms: [微信, 最好]
"""


@pytest.fixture()
def quick(tmp_path) -> tuple[str, ...]:
    # One small pack without word boundaries and no sentiment model: a process that starts in a second.
    config = tmp_path / "contentguard.yaml"
    config.write_text('sentiment: "off"\n', encoding="utf-8")
    pack = tmp_path / "quick.yaml"
    pack.write_text(QUICK_PACK, encoding="utf-8")
    return ("--packs", str(pack), "--config", str(config))


def serve(*args: str, env: dict | None = None) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", ENTRY, "serve", "--port", str(port), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early ({process.returncode}): {process.stderr.read()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process, port
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("serve did not answer /healthz within 90 s")


def stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("serve did not stop within 30 s of SIGTERM") from None
    return process.returncode, err


def test_serve_answers_with_a_token_file_and_stops_cleanly_on_sigterm(tmp_path, quick):
    token_file = tmp_path / "token"
    token_file.write_text("file-token\n", encoding="utf-8")
    process, port = serve(*quick, "--token-file", str(token_file))
    url = f"http://127.0.0.1:{port}"
    try:
        assert httpx.post(f"{url}/v1/check", json={"text": "加微信"}).status_code == 401
        answer = httpx.post(f"{url}/v1/check", json={"text": "这是最好的产品，加微信"},
                            headers={"authorization": "Bearer file-token"})
        assert answer.status_code == 200
        assert {f["rule_id"] for f in answer.json()["report"]["findings"]} >= {"quick/banned"}
    finally:
        code, err = stop(process)
    assert code == 0, err
    assert "Traceback" not in err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert lines[0]["event"] == "start" and lines[0]["url"] == url and lines[0]["token"] is True
    assert any(line.get("message", "").startswith("Finished server process") for line in lines)
    requests = [line for line in lines if line.get("event") == "request" and line["path"] == "/v1/check"]
    assert [r["status"] for r in requests] == [401, 200]
    assert all("最好" not in line for line in err.splitlines())


def test_two_workers_serve_and_all_stop_on_sigterm(quick):
    process, port = serve(*quick, "--workers", "2",
                          env={"CONTENTGUARD_TOKEN": ""})
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
            for _ in range(20):
                assert c.post("/v1/check", json={"documents": ["最好", "微信"]}).status_code == 200
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True,
                                  text=True).stdout.split()
        assert len(children) >= 2
    finally:
        code, err = stop(process)
    assert code == 0, err
    assert "Traceback" not in err
    # The workers (and multiprocessing's resource tracker) are gone with their parent.
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)


@pytest.mark.parametrize(("content", "words"), [
    ("max_batch: 0\n", "max_batch"),
    ("max_batch: [1\n", "cannot read"),
    ("unknown_key: 1\n", "unknown_key"),
])
def test_bad_limits_stop_the_command_with_exit_2(tmp_path, content, words):
    limits = tmp_path / "limits.yaml"
    limits.write_text(content, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", ENTRY, "serve", "--limits", str(limits)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr


def test_an_empty_token_file_stops_the_command_with_exit_2(tmp_path, quick):
    token = tmp_path / "token"
    token.write_text("\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", ENTRY, "serve", *quick, "--token-file", str(token)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "empty" in result.stderr and "Traceback" not in result.stderr


def test_importing_contentguard_does_not_import_the_web_stack():
    code = ("import sys, contentguard, contentguard.cli; "
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'jinja2') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
