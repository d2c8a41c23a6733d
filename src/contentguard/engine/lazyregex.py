"""Regular expressions compiled on first use (cold start, issue #13)."""

from __future__ import annotations

import re
from typing import Any

import regex

# The parts of a pattern that matter to where its top-level alternation splits: escapes, classes (a ] first
# in a class is a character), parentheses and bars.
_TOKENS = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|[()|]", re.DOTALL)
# Groups that neither capture nor set flags: renumbering or dropping a branch cannot change another's meaning.
_PLAIN_GROUP = re.compile(r"\((?:\?:|\?=|\?!|\?<=|\?<!|\?>)")


def top_level_branches(pattern: str) -> tuple[str, ...]:
    """The branches of a pattern that is an alternation as a whole (``a…|b…|c…``), as text, in order; empty
    when it is not one, or when it has a capturing or named group or an inline flag (a branch alone might
    then mean something else)."""
    depth = 0
    cuts = []
    for token in _TOKENS.finditer(pattern):
        text = token.group()
        if text == "(":
            if not _PLAIN_GROUP.match(pattern, token.start()):
                return ()
            depth += 1
        elif text == ")":
            depth -= 1
        elif text == "|" and depth == 0:
            cuts.append(token.start())
    if not cuts or depth != 0:
        return ()
    bounds = [0, *(cut + 1 for cut in cuts)]
    ends = [*cuts, len(pattern)]
    return tuple(pattern[start:end] for start, end in zip(bounds, ends, strict=True))


class BranchSubsets:
    """The alternation of some branches of a pattern, compiled on first use, at most ``most`` of them: a text
    in which only some branches can match (their gates open) is searched for those alone. Leftmost-first
    alternation tries the branches in order at each position, and a branch that can match nowhere in the
    text never wins: the matches are those of the whole pattern (issue #13)."""

    __slots__ = ("branches", "flags", "most", "_compiled")

    def __init__(self, branches: tuple[str, ...], flags: int, most: int = 64):
        self.branches = branches
        self.flags = flags
        self.most = most
        self._compiled: dict[tuple[int, ...], regex.Pattern] = {}

    def get(self, chosen: tuple[int, ...]) -> regex.Pattern | None:
        """The compiled alternation of the ``chosen`` branches (indexes, in order), or None past ``most``."""
        compiled = self._compiled.get(chosen)
        if compiled is None:
            if len(self._compiled) >= self.most:
                return None
            compiled = self._compiled[chosen] = regex.compile("|".join(self.branches[i] for i in chosen), self.flags)
        return compiled

    def __getstate__(self):
        return (self.branches, self.flags, self.most)

    def __setstate__(self, state):
        self.branches, self.flags, self.most = state
        self._compiled = {}


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
