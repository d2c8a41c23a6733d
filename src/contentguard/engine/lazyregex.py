"""Regular expressions compiled on first use (cold start, issue #13)."""

from __future__ import annotations

from typing import Any

import regex


class LazyPattern:
    """A regex compiled on first use: most patterns of a ruleset never run in a short-lived process (a
    pre-commit hook, a CLI scan of one file), and compiling all of them was most of ``load()``. Packs
    check every pattern when they load (packs.pattern_info), so compiling later cannot fail."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int):
        self.pattern = pattern
        self.flags = flags
        self._compiled: regex.Pattern | None = None

    def compiled(self) -> regex.Pattern:
        compiled = self._compiled
        if compiled is None:  # two threads may both compile it: the same result
            compiled = self._compiled = regex.compile(self.pattern, self.flags)
        return compiled

    def finditer(self, *args, **kwargs):
        return self.compiled().finditer(*args, **kwargs)

    def search(self, *args, **kwargs):
        return self.compiled().search(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not set yet (while unpickling): no compiled pattern to ask
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __getstate__(self):
        return (self.pattern, self.flags)

    def __setstate__(self, state):
        self.pattern, self.flags = state
        self._compiled = None

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags})"
