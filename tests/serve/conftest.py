"""A real uvicorn server on a free loopback port, in a thread of the test process, for the API tests."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from contentguard.serve import create_app, load_limits

TOKEN = "s3cret-token-for-tests"


@dataclass
class LiveServer:
    url: str
    port: int
    server: uvicorn.Server
    thread: threading.Thread
    app: object

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(app, limits) -> LiveServer:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on",
                            limit_concurrency=limits.max_concurrency,
                            timeout_keep_alive=int(limits.keep_alive_seconds), backlog=2048)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    return LiveServer(f"http://127.0.0.1:{port}", port, server, thread, app)


class LogRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="session")
def test_limits(tmp_path_factory):
    # The shipped limits, but a slow client is given up on sooner (the tests wait for it).
    path = tmp_path_factory.mktemp("limits") / "limits.yaml"
    path.write_text("body_timeout_seconds: 1\n", encoding="utf-8")
    return load_limits(path)


@pytest.fixture(scope="session")
def access_log() -> Iterator[LogRecords]:
    handler = LogRecords()
    logger = logging.getLogger("contentguard.serve")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.fixture(scope="session")
def live(default_guard, test_limits, access_log) -> Iterator[LiveServer]:
    """The API without a token."""
    server = start_server(create_app(default_guard, limits=test_limits, token=""), test_limits)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def guarded(default_guard, test_limits) -> Iterator[LiveServer]:
    """The API with a bearer token."""
    server = start_server(create_app(default_guard, limits=test_limits, token=TOKEN), test_limits)
    yield server
    server.stop()


@pytest.fixture()
def client(live) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c
