"""What a reader is told: input formats, the record fields it looks for, and its options."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..config.limits import InputLimits, default_limits
from ..config.resources import data_dir
from ..document import Kind


@dataclass(frozen=True)
class FieldNames:
    """Which record fields hold the text, title, id, platform and kind when not told
    (``rules/fields.yaml``: English and common Chinese column headers). The first one present wins."""

    text: tuple[str, ...] = ("text", "body", "content")
    title: tuple[str, ...] = ("title",)
    id: tuple[str, ...] = ("id",)
    platform: tuple[str, ...] = ("platform",)
    kind: tuple[str, ...] = ("kind",)

    @classmethod
    def shipped(cls) -> FieldNames:
        from ..config.yamlio import load_yaml, read_text_file

        path = data_dir("rules") / "fields.yaml"
        if not path.is_file():
            return cls()
        data = load_yaml(read_text_file(path)) or {}
        return cls(**{key: tuple(str(v) for v in value) for key, value in data.items()})


FIELD_NAMES = FieldNames.shipped()
# Fields looked for, in order, when no --text-field is given.
TEXT_FIELD_CANDIDATES = FIELD_NAMES.text

Format = Literal["txt", "md", "html", "jsonl", "csv", "tsv"]
FORMAT_BY_SUFFIX: dict[str, Format] = {
    ".txt": "txt", ".text": "txt",
    ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "tsv",
}
BATCH_FORMATS: frozenset[str] = frozenset({"jsonl", "csv", "tsv"})
# Folders of version control systems are never content.
ALWAYS_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn"})
IGNORE_FILE_NAMES = (".gitignore", ".contentguardignore")
DEFAULT_MAX_FILE_SIZE = default_limits().input.max_file_bytes
# How much of a streamed batch file is read to decide its encoding.
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class InputOptions:
    """How paths are walked and files turned into documents (the scan command's input flags)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    use_ignore_files: bool = True
    id_field: str = "id"
    title_field: str = "title"
    text_field: str | None = None
    kind: Kind | None = None
    # The kind of a record that names none (the monitor reads comments; scan reads posts).
    default_kind: Kind = "post"
    platform: str | None = None
    # Files read whole as one document larger than this are skipped (batches are streamed).
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    stdin_filename: str | None = None
    limits: InputLimits = field(default_factory=lambda: default_limits().input)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
