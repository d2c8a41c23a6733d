"""Slow clients and many connections at once, against the real server on the loopback."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import httpx


def _raw(port: int, payload: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(payload)
    return sock


def _read_response(sock: socket.socket) -> bytes:
    """One HTTP response: the head, then Content-Length bytes (or up to the close)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            length = [line.split(b":", 1)[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")]
            if length and len(body) >= int(length[0]):
                break
    return data


def test_a_client_that_never_finishes_its_body_gets_408_and_others_are_served(live, test_limits):
    slow = _raw(live.port, b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 100\r\n\r\n{\"text\": \"")
    started = time.monotonic()
    with httpx.Client(base_url=live.url) as c:
        # Meanwhile the server answers everyone else at once.
        assert c.post("/v1/check", json={"text": "全网最低价"}).status_code == 200
        assert time.monotonic() - started < test_limits.body_timeout_seconds
    answer = _read_response(slow)
    slow.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer[:200]
    assert json.loads(body)["error"]["code"] == "timeout"
    assert time.monotonic() - started >= test_limits.body_timeout_seconds * 0.9


def test_a_client_stuck_in_its_headers_does_not_block_the_server(live):
    stuck = [_raw(live.port, b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Le") for _ in range(20)]
    try:
        with httpx.Client(base_url=live.url) as c:
            for _ in range(5):
                assert c.post("/v1/check", json={"text": "加微信领取"}).status_code == 200
    finally:
        for sock in stuck:
            sock.close()


def test_a_malformed_request_line_gets_400_and_the_server_lives_on(live):
    sock = _raw(live.port, b"\x16\x03\x01 garbage that is not HTTP\r\n\r\n")
    answer = _read_response(sock)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 400") or answer == b""
    with httpx.Client(base_url=live.url) as c:
        assert c.get("/healthz").status_code == 200


def test_a_thousand_concurrent_connections_are_all_answered(live):
    """1,000 connections open at once, each sending one check: every one gets a 200 (or, past the
    server's concurrency limit, a clear 503), and the server is healthy afterwards."""
    body = json.dumps({"text": "本品是全网最低价，加微*信领取"}).encode()
    request = (b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

    async def one() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
        writer.write(request)
        await writer.drain()
        answer = await reader.read()
        writer.close()
        return answer

    async def all_at_once() -> list[bytes]:
        return await asyncio.wait_for(asyncio.gather(*(one() for _ in range(1000))), timeout=120)

    answers = asyncio.run(all_at_once())
    statuses = [a.split(b" ", 2)[1] for a in answers]
    assert set(statuses) <= {b"200", b"503"}, set(statuses)
    assert statuses.count(b"200") >= 900
    for answer in answers:
        if answer.split(b" ", 2)[1] == b"200":
            assert json.loads(answer.partition(b"\r\n\r\n")[2])["report"]["findings"]
    with httpx.Client(base_url=live.url) as c:
        assert c.get("/healthz").status_code == 200
