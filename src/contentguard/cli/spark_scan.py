"""``contentguard spark-scan INPUT OUTPUT``: check a Parquet / JSON Lines / CSV archive on Spark.

For a batch job without a notebook: reads INPUT (a file or a folder of part files), runs
:func:`contentguard.spark.check_frame` over every row and writes the input columns plus the result
columns to OUTPUT (a folder of part files, as Spark writes). Prints the decision counts.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import CliError, load_guard, ruleset_options

_READERS = {".parquet": "parquet", ".jsonl": "json", ".json": "json", ".ndjson": "json", ".csv": "csv"}


def input_format(path: Path) -> str | None:
    """parquet, json or csv from a file's suffix, or from the part files of a folder."""
    if path.is_file():
        return _READERS.get(path.suffix.lower())
    found = {_READERS[p.suffix.lower()] for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _READERS}
    return found.pop() if len(found) == 1 else None


@click.command("spark-scan")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True))
@click.argument("output_path", metavar="OUTPUT", type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["parquet", "jsonl"]), default="parquet",
              show_default=True, help="How OUTPUT is written (a folder of part files).")
@click.option("--input-format", type=click.Choice(["auto", "parquet", "json", "csv"]), default="auto",
              show_default=True, help="How INPUT is read: JSON Lines records, Parquet, or CSV with a header row.")
@click.option("--master", default="local[2]", show_default=True,
              help="Spark master: local[N] on this machine, or a cluster's URL (spark://…, yarn).")
@click.option("--text-field", default="body", show_default=True, help="The column holding the text.")
@click.option("--title-field", default=None, help="The title column (default: 'title' when there is one).")
@click.option("--id-field", default=None, help="The id column (default: 'id' when there is one).")
@click.option("--kind-field", default=None,
              help="The column holding each row's kind: post, comment … (default: 'kind' when there is one).")
@click.option("--platform-field", default=None, help="The platform column (default: 'platform' when there is one).")
@click.option("--partitions", type=click.IntRange(min=1), default=None,
              help="Spread the rows over this many partitions (default: at least the cluster's cores).")
@click.option("--sentiment", type=click.Choice(["all", "comments", "off"]), default=None,
              help="Which rows get a sentiment score (default: the configuration's, else all).")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT when it exists.")
@ruleset_options
def command(input_path: str, output_path: str, output_format: str, input_format: str, master: str,
            text_field: str, title_field: str | None, id_field: str | None, kind_field: str | None,
            platform_field: str | None, partitions: int | None, sentiment: str | None, overwrite: bool,
            packs: tuple[str, ...], rules_dir: str | None, config_file: str | None) -> None:
    """Check INPUT (Parquet, JSON Lines or CSV; a file or a folder) on Spark and write OUTPUT."""
    source, target = Path(input_path), Path(output_path)
    reader = input_format if input_format != "auto" else _detect(source)
    if target.exists() and not overwrite:
        raise CliError(f"{target}: already exists (give --overwrite to replace it)")
    guard = load_guard(packs, rules_dir, config_file, sentiment=sentiment)
    counts = spark_scan(guard, source, target, reader=reader, output_format=output_format, master=master,
                        fields={"text": text_field, "title": title_field, "id": id_field, "kind": kind_field,
                                "platform": platform_field}, partitions=partitions)
    total = sum(counts.values())
    shown = ", ".join(f"{decision} {counts.get(decision, 0)}" for decision in ("pass", "review", "block"))
    click.echo(f"contentguard: {total} rows checked ({shown}), ruleset {guard.ruleset.hash}; "
               f"written to {target} ({output_format})", err=True)


def _detect(source: Path) -> str:
    found = input_format(source)
    if found is None:
        raise CliError(f"{source}: cannot tell the input format from the file names (.parquet, .jsonl, .json, "
                       f".csv); give --input-format")
    return found


def spark_scan(guard, source: Path, target: Path, reader: str, output_format: str, master: str,
               fields: dict[str, str | None], partitions: int | None = None) -> dict[str, int]:
    """Read, check, write; the decision counts of what was written. Spark problems become CliError."""
    try:
        from ..spark import check_frame, local_session
    except ImportError as exc:
        raise CliError(f"spark-scan needs the spark extra (pip install 'contentguard[spark]'): {exc}") from None
    from pyspark.sql import SparkSession

    from ..errors import ContentGuardError

    # In a process that has a session already (a notebook, the tests), use it and leave it running.
    owned = SparkSession.getActiveSession() is None
    try:
        spark = local_session(master=master, app_name="contentguard spark-scan")
    except Exception as exc:  # noqa: BLE001 - the JVM's failure to start, told in one line
        raise CliError(f"could not start Spark at {master!r} (is Java installed and JAVA_HOME set?): "
                       f"{_first_line(exc)}") from None
    try:
        frame = _read(spark, source, reader)
        wanted = max(partitions or 0, spark.sparkContext.defaultParallelism)
        if partitions is not None or frame.rdd.getNumPartitions() < wanted:
            frame = frame.repartition(wanted)
        columns = {name: column if column is not None or name == "text" else (name if name in frame.columns else None)
                   for name, column in fields.items()}
        checked = check_frame(frame, guard=guard, **columns)
        writer = checked.write.mode("overwrite")
        if output_format == "parquet":
            writer.parquet(str(target))
            decisions = spark.read.parquet(str(target)).select("decision")
        else:
            writer.json(str(target))
            decisions = spark.read.schema("decision string").json(str(target))
        return {row["decision"]: row["count"] for row in decisions.groupBy("decision").count().collect()}
    except ContentGuardError as exc:
        raise CliError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - Spark's own errors (unreadable input…), without the JVM trace
        raise CliError(f"{source}: {_first_line(exc)}") from None
    finally:
        if owned:
            spark.stop()


def _read(spark, source: Path, reader: str):
    if reader == "parquet":
        return spark.read.parquet(str(source))
    if reader == "csv":
        return spark.read.option("header", "true").option("multiLine", "true").csv(str(source))
    return spark.read.json(str(source))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
