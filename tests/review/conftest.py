"""Review-trail fixtures: a small ruleset, and the two databases the trail runs on.

PostgreSQL is a real server: ``$CONTENTGUARD_TEST_PG_URL`` when set, otherwise one started here from
Debian's ``postgresql`` package (initdb + pg_ctl from /usr/lib/postgresql/*/bin, trust auth, a free
loopback port, a temporary folder; as root it runs as the ``postgres`` user, since initdb refuses
root). Each test gets its own fresh schema.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import contentguard

PG_URL_ENV = "CONTENTGUARD_TEST_PG_URL"

REVIEW_PACK = {
    "pack": "reviewtest",
    "rules": [
        {"id": "reviewtest/price", "kind": "lexicon", "category": "exaggeration.absolute", "severity": 3,
         "message": "绝对化用语「{match}」", "terms": ["最低价"]},
        {"id": "reviewtest/secret", "kind": "lexicon", "category": "confidentiality", "severity": 1,
         "message": "内部代号「{match}」", "terms": ["蓝鲸计划"]},
        {"id": "reviewtest/finance", "kind": "lexicon", "category": "exaggeration.financial", "severity": 1,
         "message": "金融承诺「{match}」", "terms": ["保本保息"]},
        {"id": "reviewtest/gambling", "kind": "lexicon", "category": "sensitive.gambling", "severity": 5,
         "message": "赌博「{match}」", "terms": ["网络赌博"]},
    ],
}


@pytest.fixture(scope="session")
def review_guard() -> contentguard.Guard:
    return contentguard.load(packs=[REVIEW_PACK], config={"sentiment": "off"})


# ---- PostgreSQL ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = found[-1] if found else shutil.which("initdb")
    if not initdb:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql, or set "
                           f"{PG_URL_ENV} to a server's URL)")
    return Path(initdb).parent


class PostgresServer:
    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="contentguard-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stdout}{result.stderr}")

    def start(self) -> str:
        self._run(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync", "--locale=C")
        options = f"-p {self.port} -h 127.0.0.1 -k {self.root} -F -c max_connections=60"
        self._run(self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.root / "server.log", "-w",
                  "-t", "60", "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    given = os.environ.get(PG_URL_ENV)
    if given:
        yield given
        return
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()


def _fresh_pg_schema(admin_url: str) -> str:
    """A new, empty schema on the server, and a URL whose connections use it (CREATE DATABASE takes a
    second; a schema is instant)."""
    import sqlalchemy as sa

    from contentguard.review.store import normalize_url

    name = "cg_" + uuid.uuid4().hex[:16]
    engine = sa.create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    engine.dispose()
    url = sa.engine.make_url(normalize_url(admin_url)).update_query_dict({"options": f"-csearch_path={name}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty review database: a SQLite file, or a new schema on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.db'}"
    return _fresh_pg_schema(request.getfixturevalue("pg_admin_url"))
