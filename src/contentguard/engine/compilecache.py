"""What compiling a ruleset works out once, kept between processes (cold start, issue #13).

Checking a pattern (it compiles, how many groups it has), the strings that gate it and the
spellings the obfuscation views derive from a term cost most of ``load()``; none of them depends on
anything but its input and the code and libraries that compute it. They are kept in one JSON
file in the user's cache folder (``$CONTENTGUARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/contentguard``,
else ``~/.cache/contentguard``), named by a hash of those versions (contentguard's own analysis code,
regex, pypinyin, OpenCC, jieba), so a change of either starts a new file. JSON, never pickle: a cache file is data
that is read, not code that runs. ``CONTENTGUARD_CACHE_DIR=off`` (or an unwritable folder) turns the
file off; everything is then worked out in the process, as before. A broken file is ignored.

The file does not only grow: every rule edit adds values that no later ruleset asks for. When a process
writes the file, the values it used go last, and the newest of the ones it did not use are kept, up to
``_KEEP_UNUSED`` times as many as it used, so a second configuration used beside the first survives, while
what no ruleset has asked for since many writes falls off the front.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

_FORMAT = 1
# How many values a write keeps that this process did not use, per value it used (per section). A cache
# size, not a rule: a value that falls off is only worked out again.
_KEEP_UNUSED = 3
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The code whose results are kept: a change to any of these files starts a new cache file.
_CODE = ("engine/compilecache.py", "engine/literals.py", "config/limits.py", "packs/schema.py", "packs/load.py",
         "engine/normalize.py", "engine/views.py", "engine/tokenize.py")


def cache_dir() -> Path | None:
    configured = os.environ.get("CONTENTGUARD_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "contentguard"


def _library_stamp(name: str) -> str:
    """A library's identity without importing it: where its package file is, its size and time."""
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return f"{name}:missing"
    origin = spec.origin if spec is not None else None
    if not origin:
        return f"{name}:missing"
    stat = os.stat(origin)
    return f"{name}:{origin}:{stat.st_size}:{stat.st_mtime_ns}"


class _Store:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sections: dict[str, dict[str, Any]] | None = None
        self._path: Path | None = None
        self._dirty = False
        self._used: defaultdict[str, set[str]] = defaultdict(set)  # per section, the keys this process asked for

    def _load(self) -> dict[str, dict[str, Any]]:
        sections = self._sections
        if sections is not None:
            return sections
        with self._lock:
            if self._sections is None:
                folder = cache_dir()
                sections = {}
                if folder is not None:
                    digest = hashlib.sha256(str(_FORMAT).encode())
                    for name in _CODE:
                        digest.update((_PACKAGE_DIR / name).read_bytes())
                    for library in ("regex", "pypinyin", "opencc", "jieba"):
                        digest.update(_library_stamp(library).encode())
                    self._path = folder / f"compiled-{digest.hexdigest()[:20]}.json"
                    try:
                        loaded = json.loads(self._path.read_text(encoding="utf-8"))
                        if isinstance(loaded, dict) and all(isinstance(v, dict) for v in loaded.values()):
                            sections = loaded
                    except (OSError, ValueError):
                        pass
                self._sections = sections
            return self._sections

    def get(self, section: str, key: str, compute: Callable[[], Any]) -> Any:
        sections = self._sections
        if sections is None:
            sections = self._load()
        values = sections.get(section)
        self._used[section].add(key)
        if values is None:
            values = sections.setdefault(section, {})
        else:  # the common case at load: some 10,000 values, each found
            value = values.get(key, _MISSING)
            if value is not _MISSING:
                return value
        value = compute()
        values[key] = value
        self._dirty = True
        return value

    def _pruned(self) -> dict[str, dict[str, Any]]:
        """The sections to write: the newest unused values (at most ``_KEEP_UNUSED`` per used one), then the used
        ones, so the file is ordered least recently used first and the oldest fall off."""
        assert self._sections is not None
        written: dict[str, dict[str, Any]] = {}
        for section, values in self._sections.items():
            used = self._used.get(section)  # .get: asking must not add an empty set
            if not used:  # a section this process never asked for (another command's): kept as it is
                written[section] = values
                continue
            unused = [key for key in values if key not in used]
            kept = unused[max(len(unused) - len(used) * _KEEP_UNUSED, 0):]
            ordered = {key: values[key] for key in kept}
            ordered.update((key, value) for key, value in values.items() if key in used)
            written[section] = ordered
        return written

    def save(self) -> None:
        """Write the file when something new was worked out (atomically; a failure only costs speed)."""
        if not self._dirty or self._path is None or self._sections is None:
            return
        with self._lock:
            self._dirty = False
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                fd, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=".compiled-", suffix=".json")
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(self._pruned(), handle, ensure_ascii=False, separators=(",", ":"))
                os.replace(temporary, self._path)
                now = time.time()
                for old in self._path.parent.glob("compiled-*.json"):  # other versions' files, unused a week
                    if old != self._path and now - old.stat().st_mtime > 7 * 86400:
                        old.unlink(missing_ok=True)
            except OSError:
                pass


_MISSING = object()
_STORE = _Store()


def cached(section: str, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, or the value it gave for ``key`` before (JSON values only)."""
    return _STORE.get(section, key, compute)


def save() -> None:
    _STORE.save()
