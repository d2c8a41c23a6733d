"""Where the review trail is kept: a SQLite file by default, PostgreSQL by URL.

SQLAlchemy 2 Core (not the ORM): one code path for both databases, its URL parsing and connection
pool, and the SQL stays visible. The schema is versioned in a one-row table ``review_schema`` and
brought up to date on open by the numbered steps in ``MIGRATIONS`` — two tables and an index do not
need Alembic's script folder and ini file, and a store opens itself with no extra command.

Appends are serialized so that concurrent reviewers (threads or processes) never lose a decision
and the chain never forks: SQLite transactions begin with ``BEGIN IMMEDIATE`` (the write lock is
taken before the head is read); PostgreSQL transactions take a transaction-scoped advisory lock.

Tables: ``review_records`` (the chain: seq, kind, submission, time, payload JSON, prev_hash, hash),
``review_head`` (one row: the newest seq and hash, updated with every append), and
``review_submissions`` (an index of where each submission stands, derived from the records and
checked against them by ``verify``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .chain import GENESIS, Row, canonical_json, record_hash
from .records import ReviewError

SCHEMA_VERSION = 1
# Any fixed number: the key of PostgreSQL's advisory lock that serializes appends.
_PG_LOCK_KEY = 0x636F6E74656E74  # "content"


def normalize_url(url: str | Path) -> str:
    """A database URL from what a user types: a URL, or a file path meaning a SQLite file.

    ``postgresql://`` and ``postgres://`` use the psycopg (3) driver, the one contentguard installs.
    """
    text = str(url)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser()}"
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix):]
    return text


def now_text() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class SubmissionIndex:
    """One row of ``review_submissions``."""

    id: str
    document_id: str | None
    author: str
    state: str
    revision: int
    content_hash: str | None
    next_stage: str | None
    updated_at: str


class ReviewStore:
    """The records and their head in a database. ``url``: a SQLAlchemy URL or a SQLite file path."""

    def __init__(self, url: str | Path = "contentguard-review.db"):
        try:
            import sqlalchemy as sa
        except ImportError:  # pragma: no cover - the review extra installs it
            raise ReviewError("the review trail needs SQLAlchemy: pip install 'contentguard[review]'") from None
        self.url = normalize_url(url)
        self._sa = sa
        try:
            self.engine = sa.create_engine(self.url, future=True, **self._engine_options())
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise ReviewError(f"review database {self._shown_url()}: {exc}") from None
        self.dialect = self.engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise ReviewError(f"review database {self._shown_url()}: {self.dialect} is not supported "
                              f"(SQLite or PostgreSQL)")
        if self.dialect == "sqlite":
            self._serialize_sqlite()
        self._local = threading.local()
        self._define_tables()
        self._migrate()

    # ---- set-up ---------------------------------------------------------------------------------
    def _shown_url(self) -> str:
        try:
            return self._sa.engine.make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - only for messages
            return "<url>"

    def _engine_options(self) -> dict[str, Any]:
        if self.url.startswith("sqlite"):
            database = self.url.split(":///", 1)[-1]
            if database and database != ":memory:":
                parent = Path(database).parent
                if not parent.is_dir():
                    raise ReviewError(f"review database {database}: folder {parent} does not exist")
            # Wait for another writer's transaction instead of failing at once.
            return {"connect_args": {"timeout": 60}}
        return {"pool_pre_ping": True}

    def _serialize_sqlite(self) -> None:
        sa = self._sa

        @sa.event.listens_for(self.engine, "connect")
        def _connect(dbapi_connection, _record):  # pragma: no branch
            # Let SQLAlchemy's "begin" below issue the BEGIN, not the sqlite3 module.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        @sa.event.listens_for(self.engine, "begin")
        def _begin(connection):
            if connection.get_execution_options().get("contentguard_read"):
                connection.exec_driver_sql("BEGIN")  # a reader: a consistent snapshot, no lock
            else:
                # Take the write lock before reading the head: concurrent appends queue up here.
                connection.exec_driver_sql("BEGIN IMMEDIATE")

    def _define_tables(self) -> None:
        sa = self._sa
        self.metadata = sa.MetaData()
        self.schema_table = sa.Table("review_schema", self.metadata, sa.Column("version", sa.Integer, nullable=False))
        self.records = sa.Table(
            "review_records", self.metadata,
            sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
                      autoincrement=False),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("submission_id", sa.String(200), nullable=False),
            sa.Column("created_at", sa.String(40), nullable=False),
            sa.Column("payload", sa.Text, nullable=False),
            sa.Column("prev_hash", sa.String(80), nullable=False),
            sa.Column("hash", sa.String(80), nullable=False),
        )
        self.head = sa.Table(
            "review_head", self.metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("seq", sa.BigInteger, nullable=False),
            sa.Column("hash", sa.String(80), nullable=False),
        )
        self.submissions = sa.Table(
            "review_submissions", self.metadata,
            sa.Column("id", sa.String(200), primary_key=True),
            sa.Column("document_id", sa.String(500)),
            sa.Column("author", sa.String(200), nullable=False),
            sa.Column("state", sa.String(32), nullable=False),
            sa.Column("revision", sa.Integer, nullable=False),
            sa.Column("content_hash", sa.String(80)),
            sa.Column("next_stage", sa.String(64)),
            sa.Column("updated_at", sa.String(40), nullable=False),
        )

    def _migrate(self) -> None:
        sa = self._sa
        try:
            with self.transaction() as tx:
                conn = tx.connection
                self.schema_table.create(conn, checkfirst=True)
                version = conn.execute(sa.select(self.schema_table.c.version)).scalar()
                if version is None:
                    conn.execute(self.schema_table.insert().values(version=0))
                    version = 0
                if version > SCHEMA_VERSION:
                    raise ReviewError(f"review database {self._shown_url()} has schema version {version}; this "
                                      f"contentguard knows up to {SCHEMA_VERSION}: upgrade contentguard")
                for number, step in enumerate(MIGRATIONS, start=1):
                    if number > version:
                        step(self, conn)
                        conn.execute(self.schema_table.update().values(version=number))
        except sa.exc.OperationalError as exc:
            raise ReviewError(f"review database {self._shown_url()} cannot be opened: "
                              f"{str(exc.orig).strip() or exc}") from None

    # ---- transactions ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One serialized transaction: appends made in it are committed together or not at all."""
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(self._sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            tx = Transaction(self, connection)
            yield tx
            tx.flush()

    def schema_version(self) -> int:
        with self.snapshot() as conn:
            return int(conn.execute(self._sa.select(self.schema_table.c.version)).scalar_one())

    def close(self) -> None:
        self.engine.dispose()

    # ---- reading ----------------------------------------------------------------------------------
    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        """A read-only connection that sees one consistent state of the store (no write lock taken)."""
        with self.engine.connect() as conn:
            options: dict[str, Any] = {"contentguard_read": True}
            if self.dialect == "postgresql":
                options["isolation_level"] = "REPEATABLE READ"
            conn.execution_options(**options)
            with conn.begin():
                yield conn

    def rows(self, submission_id: str | None = None, batch: int = 5000, connection: Any = None) -> Iterator[Row]:
        """Every record (or one submission's), in seq order, read in pages (in ``connection``, or
        in a snapshot of their own)."""
        if connection is None:
            with self.snapshot() as conn:
                yield from self.rows(submission_id, batch, conn)
            return
        sa = self._sa
        last = -(2 ** 62)
        while True:
            query = sa.select(self.records).where(self.records.c.seq > last).order_by(self.records.c.seq).limit(batch)
            if submission_id is not None:
                query = query.where(self.records.c.submission_id == submission_id)
            page = [Row(*r) for r in connection.execute(query)]
            yield from page
            if len(page) < batch:
                return
            last = page[-1].seq

    def head_now(self, connection: Any = None) -> tuple[int, str] | None:
        if connection is None:
            with self.snapshot() as conn:
                return self.head_now(conn)
        row = connection.execute(self._sa.select(self.head.c.seq, self.head.c.hash)).first()
        return (int(row[0]), str(row[1])) if row is not None else None

    def submission_rows(self, state: str | None = None, next_stage: str | None = None,
                        connection: Any = None) -> list[SubmissionIndex]:
        if connection is None:
            with self.snapshot() as conn:
                return self.submission_rows(state, next_stage, conn)
        sa = self._sa
        query = sa.select(self.submissions).order_by(self.submissions.c.updated_at, self.submissions.c.id)
        if state is not None:
            query = query.where(self.submissions.c.state == state)
        if next_stage is not None:
            query = query.where(self.submissions.c.next_stage == next_stage)
        return [SubmissionIndex(*r) for r in connection.execute(query)]


class Transaction:
    """The operations of one serialized transaction (see :meth:`ReviewStore.transaction`).

    Appended records are chained at once and written together (one multi-row insert) before any
    read of the records and at the end of the transaction.
    """

    def __init__(self, store: ReviewStore, connection: Any):
        self.store = store
        self.connection = connection
        self._head: tuple[int, str] | None | bool = False  # False: not read yet
        self._head_stored = False
        self._pending: list[Row] = []

    def head(self) -> tuple[int, str] | None:
        if self._head is False:
            store = self.store
            row = self.connection.execute(store._sa.select(store.head.c.seq, store.head.c.hash)).first()
            self._head = (int(row[0]), str(row[1])) if row is not None else None
            self._head_stored = row is not None
        return self._head  # type: ignore[return-value]

    def rows(self, submission_id: str) -> list[Row]:
        return self.rows_many([submission_id]).get(submission_id, [])

    def rows_many(self, submission_ids: Iterable[str]) -> dict[str, list[Row]]:
        """The records of each submission, in seq order."""
        self.flush()
        store = self.store
        table = store.records
        grouped: dict[str, list[Row]] = {}
        wanted = sorted(set(submission_ids))
        for start in range(0, len(wanted), 500):
            query = (store._sa.select(table).where(table.c.submission_id.in_(wanted[start:start + 500]))
                     .order_by(table.c.seq))
            for r in self.connection.execute(query):
                row = Row(*r)
                grouped.setdefault(row.submission_id, []).append(row)
        return grouped

    def append(self, entries: Sequence[tuple[str, str, dict[str, Any]]],
               sign: Callable[[str, str, dict[str, Any]], dict[str, Any]] | None = None) -> list[Row]:
        """Chain records ``(kind, submission_id, payload)``; returns them as they will be stored.

        ``sign(submission_id, created_at, payload)``, when given, returns a decision's payload with
        its signature (which covers the record's time, known only here)."""
        head = self.head()
        seq, previous = head if head is not None else (0, GENESIS)
        rows: list[Row] = []
        for kind, submission_id, payload in entries:
            seq += 1
            created_at = now_text()
            if sign is not None and kind == "decision":
                payload = sign(submission_id, created_at, payload)
            text = canonical_json(payload)
            digest = record_hash(seq, kind, submission_id, created_at, text, previous)
            rows.append(Row(seq, kind, submission_id, created_at, text, previous, digest))
            previous = digest
        if rows:
            self._pending.extend(rows)
            self._head = (seq, previous)
        return rows

    def flush(self) -> None:
        """Write the appended records and the new head."""
        if not self._pending:
            return
        store = self.store
        self.connection.execute(store.records.insert(), [row.__dict__ for row in self._pending])
        self._pending = []
        seq, digest = self._head  # type: ignore[misc]
        if self._head_stored:
            self.connection.execute(store.head.update().where(store.head.c.id == 1).values(seq=seq, hash=digest))
        else:
            self.connection.execute(store.head.insert().values(id=1, seq=seq, hash=digest))
            self._head_stored = True

    def find_submission(self, submission_id: str | None = None, document_id: str | None = None,
                        content_hash: str | None = None) -> SubmissionIndex | None:
        store = self.store
        table = store.submissions
        query = store._sa.select(table)
        if submission_id is not None:
            query = query.where(table.c.id == submission_id)
        elif document_id is not None:
            query = query.where(table.c.document_id == document_id)
        elif content_hash is not None:
            query = query.where(table.c.content_hash == content_hash)
        else:
            return None
        found = [SubmissionIndex(*r) for r in self.connection.execute(query.order_by(table.c.updated_at.desc()))]
        return found[0] if found else None

    def find_many(self, ids: Iterable[str] = (), document_ids: Iterable[str] = ()) -> dict[str, SubmissionIndex]:
        """Submissions by id (keyed by id) or by document id (keyed by document id, the latest)."""
        store = self.store
        table = store.submissions
        found: dict[str, SubmissionIndex] = {}
        for column, values in ((table.c.id, ids), (table.c.document_id, document_ids)):
            wanted = sorted(set(values))
            for start in range(0, len(wanted), 500):
                query = store._sa.select(table).where(column.in_(wanted[start:start + 500])).order_by(
                    table.c.updated_at)
                for r in self.connection.execute(query):
                    row = SubmissionIndex(*r)
                    found[row.id if column is table.c.id else str(row.document_id)] = row
        return found

    def count_submissions(self) -> int:
        store = self.store
        return int(self.connection.execute(store._sa.select(store._sa.func.count()).select_from(
            store.submissions)).scalar_one())

    def save_submissions(self, rows: Iterable[SubmissionIndex], new: bool) -> None:
        rows = list(rows)
        if not rows:
            return
        store = self.store
        table = store.submissions
        values = [row.__dict__ for row in rows]
        if new:
            self.connection.execute(table.insert(), values)
            return
        sa = store._sa
        statement = table.update().where(table.c.id == sa.bindparam("b_id")).values(
            {name: sa.bindparam(f"b_{name}") for name in ("document_id", "author", "state", "revision",
                                                         "content_hash", "next_stage", "updated_at")})
        self.connection.execute(statement, [{f"b_{k}": v for k, v in value.items()} for value in values])

    def delete_through(self, last_seq: int) -> int:
        self.flush()
        store = self.store
        result = self.connection.execute(store.records.delete().where(store.records.c.seq <= last_seq))
        return int(result.rowcount or 0)


def _migration_1(store: ReviewStore, conn: Any) -> None:
    sa = store._sa
    for table in (store.records, store.head, store.submissions):
        table.create(conn, checkfirst=True)
    sa.Index("ix_review_records_submission", store.records.c.submission_id, store.records.c.seq).create(
        conn, checkfirst=True)
    sa.Index("ix_review_submissions_document", store.submissions.c.document_id).create(conn, checkfirst=True)
    sa.Index("ix_review_submissions_content", store.submissions.c.content_hash).create(conn, checkfirst=True)


# Schema steps, applied in order to bring an older store up to SCHEMA_VERSION; append, never edit.
MIGRATIONS = (_migration_1,)
