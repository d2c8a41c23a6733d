"""Walking paths: files, folders (with ignore files) and stdin, each read by its format's reader."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from ..engine.normalize import escape_surrogates
from .options import (
    ALWAYS_SKIPPED_DIRS,
    BATCH_FORMATS,
    FORMAT_BY_SUFFIX,
    IGNORE_FILE_NAMES,
    Format,
    InputOptions,
    _megabytes,
)
from .records import read_csv, read_jsonl
from .text import read_text_document
from .units import Item, Skipped


def format_of(path: str) -> Format:
    return FORMAT_BY_SUFFIX.get(os.path.splitext(path)[1].lower(), "txt")


def _resolve(path: Path) -> Path:
    """The path with symbolic links resolved; a loop of links (which cannot be) is left as given."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return path.absolute()


def display_path(path: Path) -> str:
    """The path as people see it: relative to the working directory when under it."""
    try:
        return _resolve(path).relative_to(_resolve(Path.cwd())).as_posix()
    except ValueError:
        return path.as_posix()


def _gitignore_spec(lines: Sequence[str]):
    """A ``.gitignore``-style matcher; pathspec (some 45 ms to import) is imported only when there are patterns."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


class _IgnoreRules:
    """``.gitignore``-style ignore files of a folder tree, each relative to its own folder."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._specs: dict[Path, Any] = {}

    def _spec(self, folder: Path):
        if folder not in self._specs:
            lines: list[str] = []
            for name in IGNORE_FILE_NAMES:
                candidate = folder / name
                if self.enabled and candidate.is_file():
                    lines.extend(candidate.read_text(encoding="utf-8", errors="replace").splitlines())
            self._specs[folder] = _gitignore_spec(lines) if lines else None
        return self._specs[folder]

    def ignored(self, path: Path, is_dir: bool, folders: Sequence[Path]) -> bool:
        """Whether any ignore file of ``folders`` (the path's ancestors, outermost first) ignores it."""
        if not self.enabled:
            return False
        for folder in folders:
            spec = self._spec(folder)
            if spec is None:
                continue
            relative = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            if spec.match_file(relative):
                return True
        return False


def _ancestor_ignore_folders(root: Path) -> list[Path]:
    """Folders above ``root`` up to its git work tree's top, whose ignore files apply to it."""
    resolved = _resolve(root)
    chain = [resolved]
    for parent in resolved.parents:
        if (chain[-1] / ".git").exists():
            break
        chain.append(parent)
    else:
        return [resolved]  # not inside a git work tree: only the root's own ignore files
    return list(reversed(chain))


def iter_paths(paths: Sequence[str], options: InputOptions) -> Iterator[tuple[str, Path | None]]:
    """(display path, file) for every file to read; ``-`` gives ("-", None)."""
    include = _gitignore_spec(options.include) if options.include else None
    exclude = _gitignore_spec(options.exclude) if options.exclude else None
    ignore = _IgnoreRules(options.use_ignore_files)
    seen: set[Path] = set()
    for given in paths:
        if given == "-":
            yield "-", None
            continue
        root = Path(given)
        if not root.is_dir():
            if exclude is not None and exclude.match_file(display_path(root)):
                continue
            if _resolve(root) not in seen:  # a file named twice, or named and inside a folder given
                seen.add(_resolve(root))
                yield display_path(root), root
            continue
        ancestors = _ancestor_ignore_folders(root)
        resolved_root = _resolve(root)
        for folder, dirnames, filenames in os.walk(root):
            folder_path = Path(folder)
            chain = ancestors + [resolved_root / p for p in _prefixes(folder_path.relative_to(root))]
            kept = []
            for name in sorted(dirnames):
                candidate = folder_path / name
                relative = candidate.relative_to(root).as_posix() + "/"
                if name in ALWAYS_SKIPPED_DIRS or (exclude is not None and exclude.match_file(relative)):
                    continue
                if ignore.ignored(_resolve(candidate), True, chain):
                    continue
                kept.append(name)
            dirnames[:] = kept
            for name in sorted(filenames):
                candidate = folder_path / name
                relative = candidate.relative_to(root).as_posix()
                if name in IGNORE_FILE_NAMES:
                    continue
                if include is not None:
                    if not include.match_file(relative):
                        continue
                elif os.path.splitext(name)[1].lower() not in FORMAT_BY_SUFFIX:
                    continue
                if exclude is not None and exclude.match_file(relative):
                    continue
                if ignore.ignored(_resolve(candidate), False, chain):
                    continue
                if _resolve(candidate) in seen:
                    continue
                seen.add(_resolve(candidate))
                yield display_path(candidate), candidate


def _prefixes(relative: Path) -> list[Path]:
    parts = relative.parts
    return [Path(*parts[: i + 1]) for i in range(len(parts))]


class ReadProgress:
    """How far reading has got, in bytes of the input files, for a progress bar."""

    def __init__(self) -> None:
        self.total_bytes: int | None = 0  # None when unknown (stdin)
        self.finished_bytes = 0
        self._stream: BinaryIO | None = None

    @property
    def fraction(self) -> float | None:
        if not self.total_bytes:
            return None
        done = self.finished_bytes
        if self._stream is not None:
            try:
                done += self._stream.tell()
            except (OSError, ValueError):  # closed, or not seekable
                pass
        return min(1.0, done / self.total_bytes)


def read_items(paths: Sequence[str], options: InputOptions, stdin: BinaryIO | None = None,
               progress: ReadProgress | None = None) -> Iterator[Item]:
    """Every document (or skipped file/record) of the given paths, in order, streaming.

    With ``progress``, the paths are listed first so that their total size is known.
    """
    listed: Iterable[tuple[str, Path | None]] = iter_paths(paths, options)
    if progress is not None:
        listed = list(listed)
        progress.total_bytes = None if any(path is None for _, path in listed) else sum(
            _size(path) for _, path in listed if path is not None)
    named = {Path(given) for given in paths if given != "-"}
    for shown, path in listed:
        if path is None:
            name = options.stdin_filename or "<stdin>"
            yield from _read_stream(name, format_of(options.stdin_filename or "stdin.txt"),
                                    stdin or sys.stdin.buffer, options)
            continue
        yield from read_file(escape_surrogates(shown), path, options, progress, named=path in named)
        if progress is not None:
            progress.finished_bytes += _size(path)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_file(shown: str, path: Path, options: InputOptions, progress: ReadProgress | None = None,
              named: bool = False) -> Iterator[Item]:
    """The documents of one file. A FIFO, socket or device met while walking a folder is skipped (reading
    it could block forever); one named on the command line (``<(command)``) is read."""
    fmt = format_of(path.name)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            if not (named and (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode))):
                yield Skipped(shown, f"not a regular file ({_file_type(info.st_mode)}): not read")
                return
        if fmt not in BATCH_FORMATS and stat.S_ISREG(info.st_mode):
            size = info.st_size
            if size > options.max_file_size:
                yield Skipped(shown, f"file is {_megabytes(size)}, over the {_megabytes(options.max_file_size)} limit "
                                     f"for one document (raise it with --max-file-size)")
                return
        with open(path, "rb") as stream:
            if progress is not None:
                progress._stream = stream
            try:
                yield from _read_stream(shown, fmt, stream, options)
            finally:
                if progress is not None:
                    progress._stream = None
    except IsADirectoryError:
        yield Skipped(shown, "is a directory")
    except OSError as exc:
        yield Skipped(shown, f"cannot read: {exc.strerror or exc}")


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a file"


def _read_stream(shown: str, fmt: Format, stream: BinaryIO, options: InputOptions) -> Iterator[Item]:
    if fmt in BATCH_FORMATS:
        buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
        if fmt == "jsonl":
            yield from read_jsonl(shown, buffered, options)
        else:
            yield from read_csv(shown, buffered, options, delimiter="," if fmt == "csv" else "\t")
        return
    data = stream.read(options.max_file_size + 1)
    if len(data) > options.max_file_size:
        yield Skipped(shown, f"input is over the {_megabytes(options.max_file_size)} limit for one document "
                             f"(raise it with --max-file-size)")
        return
    yield read_text_document(shown, data, fmt, options)
