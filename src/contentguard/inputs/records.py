"""Batches: .jsonl and .csv/.tsv records streamed one by one; a bad record is an error entry."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO, get_args

from pydantic import TypeAdapter

from ..config.limits import InputLimits
from ..document import Document, Kind, Voice
from ..engine.normalize import escape_surrogates
from .encodings import _UNDECODED, sniff_stream_encoding
from .options import _SNIFF_BYTES, FIELD_NAMES, TEXT_FIELD_CANDIDATES, Format, InputOptions, _megabytes
from .positions import RecordLocator
from .units import Item, NotText, Skipped, Unit


def _field_value(record: dict[str, Any], name: str) -> Any:
    """A record's field; ``a.b`` reaches into nested objects."""
    if name in record:
        return record[name]
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


class _RecordProblem(Exception):
    pass


def _first_present(record: dict[str, Any], given: str | None, default: str, candidates: tuple[str, ...]) -> Any:
    """The value of field ``given``; when it is the default name and absent, of the first candidate present."""
    name = given or default
    value = _field_value(record, name)
    if value is None and name == default:
        value = next((record[c] for c in candidates if c in record and record[c] is not None), None)
    return value


_TIME: TypeAdapter[datetime] = TypeAdapter(datetime)
# Fields of a record that say when it was said (ISO 8601 or Unix seconds), tried in this order.
TIME_FIELD_CANDIDATES = ("created_at", "time", "timestamp", "date")


def _record_context(record: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """created_at, author, thread and voice of a record (the public-opinion watch reads them).

    A timestamp that cannot be read is a warning, not a lost record: the document is still checked.
    """
    extra: dict[str, Any] = {}
    name = next((n for n in TIME_FIELD_CANDIDATES if record.get(n) not in (None, "")), None)
    if name is not None:
        value = record[name]
        try:
            extra["created_at"] = _TIME.validate_python(value)
        except ValueError:
            warnings.append(f"field {name!r}: {str(value)[:40]!r} is not a time (ISO 8601 or Unix seconds); "
                            f"read without one")
    for field_name in ("author", "thread"):
        value = record.get(field_name)
        if value not in (None, ""):
            extra[field_name] = str(value)
    voice = record.get("voice")
    if voice in get_args(Voice):
        extra["voice"] = voice
    elif voice not in (None, ""):
        warnings.append(f"field 'voice': {str(voice)[:20]!r} is none of {', '.join(get_args(Voice))}; ignored")
    return extra


def record_document(record: dict[str, Any], options: InputOptions, fallback_id: str,
                    warnings: list[str] | None = None) -> tuple[Document, dict[str, str]]:
    """A Document from one batch record, by the field mapping. Raises _RecordProblem.

    Problems that do not stop the record (a timestamp that is not one) are added to ``warnings``.
    """
    text_field = options.text_field
    if text_field is None:
        text_field = next((name for name in TEXT_FIELD_CANDIDATES if name in record), None)
        if text_field is None:
            raise _RecordProblem(f"no text field: none of {', '.join(TEXT_FIELD_CANDIDATES)} is present "
                                 f"(fields: {', '.join(map(str, record)) or 'none'}); give --text-field")
    body = _field_value(record, text_field)
    if body is None:
        raise _RecordProblem(f"field {text_field!r} is missing or null (fields: {', '.join(map(str, record))})")
    if not isinstance(body, str):
        raise _RecordProblem(f"field {text_field!r} is a {type(body).__name__}, not text")
    title = _first_present(record, options.title_field, "title", FIELD_NAMES.title)
    if title is not None and not isinstance(title, str):
        title = str(title)
    record_id = _first_present(record, options.id_field, "id", FIELD_NAMES.id)
    kind = options.kind or _first_present(record, None, "kind", FIELD_NAMES.kind) or options.default_kind
    if kind not in get_args(Kind):
        raise _RecordProblem(f"field 'kind' is {kind!r}: use one of {', '.join(get_args(Kind))} (or give --kind)")
    platform = options.platform or _first_present(record, None, "platform", FIELD_NAMES.platform)
    context = _record_context(record, warnings if warnings is not None else [])
    document = Document(id=escape_surrogates(str(record_id)) if record_id is not None else fallback_id,
                        title=title or None, body=body, kind=kind,
                        platform=escape_surrogates(str(platform)) if platform is not None else None, **context)
    values = {"body": body}
    if title:
        values["title"] = title
    return document, values


def _start_batch(path: str, stream: BinaryIO) -> str | Skipped:
    """The encoding of a batch file, its byte-order mark read past; or why it is skipped."""
    try:
        codec, bom_length = sniff_stream_encoding(_peek(stream))
    except NotText as exc:
        return Skipped(path, str(exc))
    stream.read(bom_length)
    return codec


def _record_unit(record: dict[str, Any], options: InputOptions, path: str, number: int, fmt: str, codec: str,
                 line: str | None = None) -> Unit | Skipped:
    """One batch record as a Unit, or a Skipped naming the record and what is wrong with it (JSONL and CSV alike;
    a JSONL record's ``line`` lets its locator point into the record's fields)."""
    warnings: list[str] = []
    try:
        document, values = record_document(record, options, f"{path}:{number}", warnings)
    except _RecordProblem as exc:
        return Skipped(path, str(exc), number)
    except ValueError as exc:  # pydantic validation
        return Skipped(path, f"not a document: {exc}", number)
    locator = RecordLocator(number) if line is None else RecordLocator(number, line, values)
    return Unit(path=path, document=document, locator=locator, format=fmt, encoding=codec,
                record_line=number, warnings=tuple(warnings))


def read_jsonl(path: str, stream: BinaryIO, options: InputOptions) -> Iterator[Item]:
    """Stream a JSON Lines batch: one record a line; a bad line is skipped with its reason.

    A line longer than ``limits.max_record_bytes`` is skipped without being held in memory; a
    record nested deeper than ``max_json_depth`` or with an integer longer than ``max_int_digits``
    is skipped before Python's parser could fail on it.
    """
    codec = _start_batch(path, stream)
    if isinstance(codec, Skipped):
        yield codec
        return
    limits = options.limits
    if codec.startswith(("utf-16", "utf-32")):
        lines: Iterator[tuple[int, str | None, str]] = _text_lines(stream, codec, limits.max_record_bytes)
    else:
        lines = _byte_lines(stream, codec, limits.max_record_bytes)
    for number, line, problem in lines:
        if line is None:
            yield Skipped(path, problem, number)
            if problem.startswith("undecodable"):
                return
            continue
        if not line.strip():
            continue
        try:
            record = _parse_json_record(line, limits)
        except json.JSONDecodeError as exc:
            yield Skipped(path, f"invalid JSON: {exc.msg} (column {exc.colno})", number)
            continue
        except _RecordProblem as exc:
            yield Skipped(path, str(exc), number)
            continue
        if not isinstance(record, dict):
            yield Skipped(path, f"a record must be a JSON object, not {type(record).__name__}", number)
            continue
        yield _record_unit(record, options, path, number, "jsonl", codec, line)


_JSON_NESTING_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_depth(line: str) -> int:
    """How deeply a JSON text nests arrays and objects (brackets inside strings do not count)."""
    depth = deepest = 0
    for token in _JSON_NESTING_TOKEN.finditer(line):
        char = token.group()
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _parse_json_record(line: str, limits: InputLimits) -> Any:
    """One JSONL record, within the depth and integer-size limits. Raises JSONDecodeError or _RecordProblem."""
    if line.count("[") + line.count("{") > limits.max_json_depth:
        depth = _json_depth(line)
        if depth > limits.max_json_depth:
            raise _RecordProblem(f"record nested {depth} levels deep, over the limit of {limits.max_json_depth}")

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > limits.max_int_digits:
            raise _RecordProblem(f"a number of {len(digits.lstrip('-')):,} digits, over the limit of "
                                 f"{limits.max_int_digits:,}")
        return int(digits)

    try:
        return json.loads(line, parse_int=parse_int)
    except RecursionError:
        raise _RecordProblem("record nested too deeply to read") from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # a float or number Python cannot represent
        raise _RecordProblem(f"invalid JSON: {exc}") from None


def _peek(stream: BinaryIO) -> bytes:
    if hasattr(stream, "peek"):
        return stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    raise TypeError("a buffered stream is needed")


def _too_long(limit: int) -> str:
    return f"record longer than the {_megabytes(limit)} limit for one record (limits.yaml input.max_record_bytes)"


def _byte_lines(stream: BinaryIO, codec: str, limit: int) -> Iterator[tuple[int, str | None, str]]:
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            _drain_line(stream)
            yield number, None, _too_long(limit)
            continue
        try:
            yield number, raw.decode(codec).rstrip("\r\n"), ""
        except UnicodeDecodeError as exc:
            yield number, None, f"not valid {codec.upper()} text ({exc.reason} at byte {exc.start} of the line)"


def _drain_line(stream: Any) -> None:
    """Read past the rest of an over-long line in pieces, never holding it whole."""
    while True:
        piece = stream.readline(1 << 20)
        if not piece or piece.endswith(b"\n" if isinstance(piece, bytes) else "\n"):
            return


def _text_lines(stream: BinaryIO, codec: str, limit: int) -> Iterator[tuple[int, str | None, str]]:
    reader = io.TextIOWrapper(stream, encoding=codec, errors="strict", newline=None)
    number = 0
    try:
        while True:
            line = reader.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) > limit and not line.endswith("\n"):
                _drain_line(reader)
                yield number, None, _too_long(limit)
                continue
            yield number, line.rstrip("\n"), ""
    except UnicodeDecodeError as exc:
        yield number + 1, None, f"undecodable {codec.upper()} ({exc.reason}); the rest of the file was skipped"
    finally:
        reader.detach()


class _CsvLines:
    """The physical lines of a CSV file for the csv module: counted, each at most ``limit``
    characters (a longer one is read past and noted, and the csv module sees an empty line)."""

    def __init__(self, text: io.TextIOWrapper, limit: int):
        self.text = text
        self.limit = limit
        self.number = 0
        self.too_long: list[int] = []

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > self.limit and not line.endswith(("\n", "\r")):
            _drain_line(self.text)
            self.too_long.append(self.number)
            return "\n"
        return line



def read_csv(path: str, stream: BinaryIO, options: InputOptions, delimiter: str = ",") -> Iterator[Item]:
    """Stream a CSV/TSV batch with a header row. A bad row (malformed, too long, not valid text in
    the file's encoding, the wrong number of fields) is skipped with its reason and the rows after
    it are read."""
    codec = _start_batch(path, stream)
    if isinstance(codec, Skipped):
        yield codec
        return
    limit = options.limits.max_record_bytes
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)
    text = io.TextIOWrapper(stream, encoding=codec, errors="surrogateescape", newline="")
    lines = _CsvLines(text, limit)
    fmt: Format = "csv" if delimiter == "," else "tsv"
    try:
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            yield Skipped(path, f"cannot read the header row: {exc}")
            return
        if not header:
            return  # an empty file: nothing to check
        if lines.too_long or any(_UNDECODED.search(name) for name in header):
            yield Skipped(path, f"the header row is not valid {codec.upper()} text or is too long")
            return
        header = [name.strip() for name in header]
        if options.text_field is not None and options.text_field not in header:
            yield Skipped(path, f"no column {options.text_field!r} (columns: {', '.join(header)}); give --text-field")
            return
        if options.text_field is None and not any(name in header for name in TEXT_FIELD_CANDIDATES):
            yield Skipped(path, f"no text column: none of {', '.join(TEXT_FIELD_CANDIDATES)} "
                                f"(columns: {', '.join(header)}); give --text-field")
            return
        previous_end = lines.number
        while True:
            reported = len(lines.too_long)
            try:
                row = next(reader)
                error = None
            except StopIteration:
                row, error = None, None
            except csv.Error as exc:
                row, error = [], str(exc)
            number, previous_end = previous_end + 1, lines.number
            for line in lines.too_long[reported:]:
                yield Skipped(path, _too_long(limit), line)
            if row is None:
                return
            if error is not None:
                yield Skipped(path, f"malformed {fmt.upper()} row: {error}", number)
                continue
            if not row or (len(row) == 1 and not row[0] and number in lines.too_long):
                continue  # a blank line, or the stand-in for a line that was too long
            if any(_UNDECODED.search(value) for value in row):
                yield Skipped(path, f"row is not valid {codec.upper()} text (undecodable bytes)", number)
                continue
            if len(row) > len(header):
                yield Skipped(path, f"{len(row)} fields where the header has {len(header)}", number)
                continue
            record = dict(zip(header, row, strict=False))
            yield _record_unit(record, options, path, number, fmt, codec)
    finally:
        text.detach()
