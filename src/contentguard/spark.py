"""The same Guard on Apache Spark: check a DataFrame of posts or comments, one report per row.

    from contentguard.spark import check_frame
    checked = check_frame(spark.read.parquet("comments/"), text="body", kind="kind")
    checked.where("decision != 'pass'").write.parquet("flagged/")

Needs the ``spark`` extra (pyspark, pyarrow, pandas); ``import contentguard`` does not import it.

How it runs: the driver compiles the Guard once and broadcasts it. Each executor's Python worker
unpickles it once, keeps it in a module-level cache keyed by the ruleset (pickled rules and
configuration), and reuses it, with the jieba dictionary and the sentiment model it loads on first
use, for every Arrow batch of every task that worker runs (Spark reuses Python workers by default).
Rows travel as Arrow record batches (``mapInArrow``), are checked in chunks by ``Guard.check_batch``'s
own code path, and come back as new columns beside the input columns. A row that is not a valid
document (a null or non-string text, an unknown kind) gets an ``errors`` entry and decision
``review``, exactly as in ``Guard.check_batch``; a task never fails because of a row.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .guard import Guard, load
from .report import Report, ReportError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pyarrow as pa
    from pyspark.sql import DataFrame

#: The columns ``check_frame`` adds, in this order.
RESULT_COLUMNS: tuple[str, ...] = ("decision", "risk_level", "impact", "likelihood", "route", "sentiment",
                                   "findings", "errors", "ruleset_hash")
#: The Document fields a column can feed, as ``check_frame``'s keyword names them.
DOCUMENT_FIELDS: tuple[str, ...] = ("body", "title", "kind", "id", "platform")
#: Rows checked together inside one Arrow batch: big enough for the batched sentiment model, small
#: enough that a batch's reports stay a few MB.
CHUNK_ROWS = 1024
#: Arrow records per batch between the JVM and the Python worker (``spark-scan`` and the benchmark
#: set ``spark.sql.execution.arrow.maxRecordsPerBatch`` to it): fewer round trips, bounded memory.
ARROW_BATCH_ROWS = 4096

_FINDING_FIELDS = (("rule_id", "string"), ("category", "string"), ("severity", "int"), ("field", "string"),
                   ("start", "int"), ("end", "int"), ("text", "string"), ("message", "string"))
_ERROR_FIELDS = (("code", "string"), ("message", "string"), ("rule_id", "string"))

# Per Python process: the Guards this worker has unpickled, by ruleset key. A Spark Python worker
# is reused across tasks, so each Guard (and the jieba dictionary and model it loads lazily) is
# built once per worker, never per task, batch or row.
_GUARDS: dict[str, Guard] = {}
_GUARDS_LOCK = threading.Lock()


def result_ddl() -> str:
    """The Spark DDL of the columns ``check_frame`` adds."""
    finding = ", ".join(f"`{name}`: {kind}" for name, kind in _FINDING_FIELDS)
    error = ", ".join(f"`{name}`: {kind}" for name, kind in _ERROR_FIELDS)
    return (f"decision string, risk_level string, impact int, likelihood int, route string, sentiment string, "
            f"findings array<struct<{finding}>>, errors array<struct<{error}>>, ruleset_hash string")


def check_frame(df: DataFrame, text: str = "body", title: str | None = None, kind: str | None = None,
                id: str | None = None, platform: str | None = None,  # noqa: A002 - the issue's name
                config: Any = None, packs: Sequence[Any] | None = None, guard: Guard | None = None) -> DataFrame:
    """``df`` with the input columns plus decision, risk_level, impact, likelihood, route, sentiment,
    findings (rule_id, category, severity, field, start, end, text, message), errors (code, message,
    rule_id) and ruleset_hash.

    ``text``, ``title``, ``kind``, ``id`` and ``platform`` name the columns that feed the Document
    fields (``id`` is cast to a string; a null title, kind, id or platform counts as absent, a null
    text is an error). ``config`` and ``packs`` are what :func:`contentguard.load` takes; or give a
    compiled ``guard``. Lazy, like any transformation: nothing runs until an action.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    if guard is None:
        guard = load(packs=packs, config=config)
    elif config is not None or packs is not None:
        raise ConfigError("check_frame: give either a guard or config/packs, not both")
    columns = {"body": text, "title": title, "kind": kind, "id": id, "platform": platform}
    missing = [f"{name}={column!r}" for name, column in columns.items()
               if column is not None and column not in df.columns]
    if missing:
        raise ConfigError(f"check_frame: no such column: {', '.join(missing)}; the DataFrame has "
                          f"{', '.join(df.columns) or 'no columns'}")
    clashes = [name for name in RESULT_COLUMNS if name in df.columns]
    if clashes:
        raise ConfigError(f"check_frame: the DataFrame already has column(s) {', '.join(clashes)}, "
                          f"which the results would replace; rename them first")

    # The fields travel in hidden columns so that any input column keeps its type untouched.
    hidden = {name: f"__contentguard_{name}" for name, column in columns.items() if column is not None}
    staged = df.select("*", *[(F.col(columns[name]).cast("string") if name == "id" else F.col(columns[name]))
                              .alias(alias) for name, alias in hidden.items()])
    results = StructType.fromDDL(result_ddl())
    output = StructType(list(df.schema.fields) + list(results.fields))

    payload = pickle.dumps(guard, protocol=pickle.HIGHEST_PROTOCOL)
    key = hashlib.sha256(payload).hexdigest()
    broadcast = staged.sparkSession.sparkContext.broadcast(guard)
    keep = list(df.columns)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield from check_arrow_batches(batches, key, broadcast, hidden, keep)

    return staged.mapInArrow(run, output)


def _guard_for(key: str, broadcast: Any) -> Guard:
    """This process's Guard for ``key``, unpickled from the broadcast on first use only."""
    guard = _GUARDS.get(key)
    if guard is None:
        with _GUARDS_LOCK:
            guard = _GUARDS.get(key)
            if guard is None:
                guard = broadcast.value if not isinstance(broadcast, Guard) else broadcast
                _GUARDS[key] = guard
    return guard


def check_arrow_batches(batches: Iterator[pa.RecordBatch], key: str, broadcast: Any, hidden: Mapping[str, str],
                        keep: Sequence[str]) -> Iterator[pa.RecordBatch]:
    """Runs in the executor: Arrow batches in, the same rows plus the result columns out."""
    import pyarrow as pa

    guard = _guard_for(key, broadcast)
    types = _arrow_result_types()
    for batch in batches:
        for offset in range(0, batch.num_rows, CHUNK_ROWS):
            part = batch.slice(offset, CHUNK_ROWS)
            fields = {name: part.column(alias).to_pylist() for name, alias in hidden.items()}
            records = [_record(fields, row) for row in range(part.num_rows)]
            columns = _result_columns(check_records(guard, records))
            arrays = [part.column(name) for name in keep]
            arrays += [pa.array(columns[name], type=types[name]) for name in RESULT_COLUMNS]
            yield pa.RecordBatch.from_arrays(arrays, names=[*keep, *RESULT_COLUMNS])


def _record(fields: Mapping[str, list[Any]], row: int) -> dict[str, Any]:
    """One row as the mapping ``Guard.check_batch`` takes: a null text stays (an error), other nulls are absent."""
    record = {}
    for name, values in fields.items():
        value = values[row]
        if value is not None or name == "body":
            record[name] = value
    return record


def check_records(guard: Guard, records: Sequence[Any]) -> list[Report]:
    """``guard.check_batch(records)``, except that nothing a record does can fail the batch: should
    the pipeline raise, the records are checked one by one and the culprit gets an error report."""
    try:
        return list(guard.check_batch(records, chunk_size=len(records) or 1))
    except Exception:  # noqa: BLE001 - a row must never fail a Spark task
        reports = []
        for index, record in enumerate(records):
            try:
                reports.append(guard.check(record))
            except Exception as exc:  # noqa: BLE001
                record_id = record.get("id") if isinstance(record, Mapping) else None
                reports.append(guard._error_report(ReportError(
                    code="internal-error",
                    message=f"record {record_id!r} (row {index} of its batch): {type(exc).__name__}: {exc}")))
        return reports


def _result_columns(reports: Sequence[Report]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [] for name in RESULT_COLUMNS}
    for report in reports:
        risk = report.risk
        columns["decision"].append(report.decision)
        columns["risk_level"].append(risk.level)
        columns["impact"].append(risk.impact)
        columns["likelihood"].append(risk.likelihood)
        columns["route"].append(risk.route)
        columns["sentiment"].append(report.sentiment.label if report.sentiment is not None else None)
        columns["findings"].append([
            {"rule_id": f.rule_id, "category": f.category, "severity": f.severity, "field": f.field,
             "start": f.start, "end": f.end, "text": f.text, "message": f.message} for f in report.findings])
        columns["errors"].append([{"code": e.code, "message": e.message, "rule_id": e.rule_id}
                                  for e in report.errors])
        columns["ruleset_hash"].append(report.ruleset.hash)
    return columns


def _arrow_result_types() -> dict[str, pa.DataType]:
    import pyarrow as pa

    kinds = {"string": pa.string(), "int": pa.int32()}
    finding = pa.struct([(name, kinds[kind]) for name, kind in _FINDING_FIELDS])
    error = pa.struct([(name, kinds[kind]) for name, kind in _ERROR_FIELDS])
    return {"decision": pa.string(), "risk_level": pa.string(), "impact": pa.int32(), "likelihood": pa.int32(),
            "route": pa.string(), "sentiment": pa.string(), "findings": pa.list_(finding),
            "errors": pa.list_(error), "ruleset_hash": pa.string()}


def report_row(report: Report) -> dict[str, Any]:
    """A report as the row ``check_frame`` gives it (the result columns only): for comparing and testing."""
    return {name: values[0] for name, values in _result_columns([report]).items()}


def local_session(master: str = "local[2]", app_name: str = "contentguard", conf: Mapping[str, str] | None = None):
    """A SparkSession for a run on this machine (the command line, tests, the benchmark): the Python
    workers run this interpreter and Arrow batches are sized for throughput. On a cluster, build the
    session as the cluster wants it and set ``spark.sql.execution.arrow.maxRecordsPerBatch`` there."""
    import os
    import sys
    import warnings

    from pyspark.sql import SparkSession

    # pyspark warns about any pandas newer than it was tested with; mapInArrow does not use pandas.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    settings = {"spark.sql.execution.arrow.maxRecordsPerBatch": str(ARROW_BATCH_ROWS),
                "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                "spark.sql.shuffle.partitions": "4", **(conf or {})}
    builder = SparkSession.builder.master(master).appName(app_name)
    for name, value in settings.items():
        builder = builder.config(name, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
