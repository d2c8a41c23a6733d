"""Required literals of a regular expression, used to skip patterns that cannot match (stage match).

A pattern such as ``(?:采购价|进货价)\\s*\\d+`` can only match a text that contains 采购价 or
进货价. Compiling the ruleset works out such a set of strings for each pattern; the strings join
the one Aho-Corasick automaton, and a field runs a pattern only when the scan has seen one of
them. A pattern needs every required part of its sequence (``(?:同事|客服)[^。]{0,16}?(?:住院|确诊)``
needs one string of each end), so it gets a gate per part and runs only when all are open; an
alternation as a whole (``a…|b…``) also runs only when every gate of some branch is open. The analysis
is conservative: when it cannot be sure (syntax only the ``regex`` module knows, a class too large to
list) it gives no set and the pattern always runs.
"""

from __future__ import annotations

import functools
import re
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        from re import _constants as sre_constants  # Python >= 3.11
        from re import _parser as sre_parse
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants  # type: ignore[no-redef]
        import sre_parse  # type: ignore[no-redef]

_PROPERTY = re.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Z]")

# Larger sets select little and cost automaton entries: a cap for the strings a run of
# classes multiplies out to, and a looser one for the branches of an alternation.
_MAX_STRINGS = 64
_MAX_ALTERNATIVES = 512
_MAX_CLASS = 16
# A larger class (a list of provinces, of symbols) still gates a pattern on its own: one character of
# it must be in the text, a C-level set test.
_MAX_CHAR_GATE = 4096
# A Unicode property of at most this many characters (Extended_Pictographic: 3,537) is written out as
# the class of its characters for the analysis; a larger one (Han) is "some character".
_MAX_PROPERTY = 4096
# The required parts of one pattern that gate it together (each one more key or class to look for).
_MAX_GATES = 3
# An alternation of at most this many branches is gated branch by branch (branch_literal_sets).
_MAX_BRANCHES = 64


def _property_class(match: re.Match) -> str:
    """``\\p{X}`` as the characters it stands for (a class body inside ``[...]``, a class outside), or
    ``\\w`` when it is negated, unknown or too large to list."""
    written = match.group()
    if written[1] == "P":
        return r"\w"
    chars = _property_chars(written)
    if chars is None:
        return r"\w"
    body = "".join(f"\\U{ord(ch):08x}" for ch in chars)
    return body if _in_class(match.string, match.start()) else f"[{body}]"


def _in_class(pattern: str, position: int) -> bool:
    """Whether ``position`` of ``pattern`` is inside a character class ``[...]`` (escapes skipped)."""
    inside = False
    i = 0
    while i < position:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if not inside and ch == "[":
            inside = True
            i += 1
            if i < position and pattern[i] == "^":
                i += 1
            if i < position and pattern[i] == "]":  # a ] first in a class is a character
                i += 1
            continue
        if inside and ch == "]":
            inside = False
        i += 1
    return inside


_ALL_CHARACTERS: str | None = None


@functools.lru_cache(maxsize=64)
def _property_chars(written: str) -> str | None:
    """Every character of a property (as the regex module reads it), or None past _MAX_PROPERTY."""
    global _ALL_CHARACTERS
    import regex

    try:
        compiled = regex.compile(written)
    except regex.error:
        return None
    if _ALL_CHARACTERS is None:
        _ALL_CHARACTERS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    found = compiled.findall(_ALL_CHARACTERS)
    if not found or len(found) > _MAX_PROPERTY:
        return None
    return "".join(found)

@functools.lru_cache(maxsize=1)
def _decimal_digits() -> str:
    """Every character ``\\d`` matches in the regex module (Unicode decimal digits, \\p{Nd}: 770 of them,
    fewer than _MAX_CHAR_GATE), so that a pattern needing a digit is gated on one, a C-level class search."""
    found = _property_chars(r"\p{Nd}")
    if found is None:  # pragma: no cover - Nd is far below _MAX_PROPERTY
        raise RuntimeError("the decimal digits could not be listed")
    return found


Literals = frozenset[str]


def required_literals(pattern: str) -> Literals | None:
    """Strings of which every match of ``pattern`` contains at least one, or None if unknown."""
    sets = required_literal_sets(pattern, 1)
    return sets[0] if sets else None


def required_literal_sets(pattern: str, most: int = _MAX_GATES) -> tuple[Literals, ...]:
    """Sets of strings of which every match of ``pattern`` contains at least one string *of each*: the
    required parts of the pattern's top-level sequence (``(?:同事|客服)[^。]{0,16}?(?:住院|确诊)`` needs
    one of its first two strings and one of its last two), the most selective first, at most ``most`` of
    them; a set that another one implies is left out. Empty if unknown."""
    # Unicode properties (\p{Han}) are the regex module's: for this analysis any one of them is
    # just "some character", which \w stands for (a class is never a required literal anyway).
    pattern = _PROPERTY.sub(_property_class, pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - syntax of the regex module that re does not know
        return ()
    return _chosen(_candidates(list(parsed)), most)


def branch_literal_sets(pattern: str, most: int = _MAX_GATES) -> tuple[tuple[Literals, ...], ...]:
    """For a pattern that is an alternation as a whole (``a…|b…|c…``, at most _MAX_BRANCHES branches): the
    required literal sets of each branch (see required_literal_sets). A match is a match of one branch, so
    the pattern can match only a text that holds a string of each set of some branch. Empty when the
    pattern is no such alternation or a branch needs no literal."""
    pattern = _PROPERTY.sub(_property_class, pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            items = list(sre_parse.parse(pattern))
    except Exception:  # noqa: BLE001 - syntax of the regex module that re does not know
        return ()
    while len(items) == 1 and items[0][0] is sre_constants.SUBPATTERN:  # (?:a|b) or (a|b) alone
        items = list(items[0][1][-1])
    if len(items) != 1 or items[0][0] is not sre_constants.BRANCH or len(items[0][1][1]) > _MAX_BRANCHES:
        return ()
    branches = []
    for branch in items[0][1][1]:
        sets = _chosen(_candidates(list(branch)), most)
        if not sets:
            return ()
        branches.append(sets)
    return tuple(branches)


def _chosen(candidates: list[set[str]], most: int) -> tuple[Literals, ...]:
    """The most selective sets first, at most ``most``, leaving out a set that one chosen before implies."""
    chosen: list[frozenset[str]] = []
    for strings in sorted(candidates, key=_selectivity, reverse=True):
        if "" in strings:
            continue
        # A set is implied by one already chosen when each string of that one contains a string of it.
        if any(all(any(part in whole for part in strings) for whole in other) for other in chosen):
            continue
        chosen.append(frozenset(strings))
        if len(chosen) == most:
            break
    return tuple(chosen)


def _selectivity(strings: set[str]) -> tuple[int, int]:
    """The most selective set: the longest shortest string, then the fewest strings."""
    return min(map(len, strings)), -len(strings)


def _sequence(items: list) -> set[str] | None:
    candidates = _candidates(items)
    return max(candidates, key=_selectivity) if candidates else None


def _candidates(items: list) -> list[set[str]]:
    """Each set of strings a sequence needs one of (see required_literal_sets)."""
    candidates: list[set[str]] = []
    run: set[str] = {""}

    def flush() -> None:
        nonlocal run
        if run != {""}:
            candidates.append(run)
        run = {""}

    for op, value in items:
        chars = _characters(op, value)
        if chars is not None and len(chars) > _MAX_CLASS:
            flush()  # too many to multiply into strings: one of these characters on its own
            candidates.append(chars)
            continue
        if chars is not None:
            extended = {prefix + ch for prefix in run for ch in chars}
            if len(extended) > _MAX_STRINGS:
                flush()
                run = set(chars)
            else:
                run = extended
            continue
        flush()
        inner = _mandatory(op, value)
        if inner:
            candidates.append(inner)
    flush()
    return candidates


def _characters(op, value) -> set[str] | None:
    """The characters one fixed-width item may be, when it is a literal or a small class."""
    if op is sre_constants.LITERAL:
        return {chr(value)}
    if op is sre_constants.IN:
        chars: set[str] = set()
        for kind, item in value:
            if kind is sre_constants.LITERAL:
                chars.add(chr(item))
            elif kind is sre_constants.RANGE and item[1] - item[0] < _MAX_CHAR_GATE:
                chars.update(chr(c) for c in range(item[0], item[1] + 1))
            elif kind is sre_constants.CATEGORY and item is sre_constants.CATEGORY_DIGIT:
                chars.update(_decimal_digits())  # \d: one of the digits the regex module's \d matches
            else:
                return None
            if len(chars) > _MAX_CHAR_GATE:
                return None
        return chars
    return None


def _mandatory(op, value) -> set[str] | None:
    """Required strings of a group, an alternation or a repeat that must occur at least once."""
    if op is sre_constants.SUBPATTERN:
        return _sequence(list(value[-1]))
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            strings = _sequence(list(branch))
            if not strings:
                return None
            union |= strings
        return union if len(union) <= _MAX_ALTERNATIVES else None
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) or op is getattr(
            sre_constants, "POSSESSIVE_REPEAT", None):
        minimum, _, body = value
        return _sequence(list(body)) if minimum >= 1 else None
    return None


def _parse(pattern: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sre_parse.parse(_PROPERTY.sub(r"\\w", pattern))


def minimum_length(pattern: str) -> int:
    """The fewest characters a match of ``pattern`` can have (0 when unknown); a shorter text is not searched."""
    try:
        low = _parse(pattern).getwidth()[0]
    except Exception:  # noqa: BLE001 - syntax of the regex module that re does not know
        return 0
    return low if isinstance(low, int) and 0 <= low < sre_constants.MAXREPEAT else 0


def repeat_gate(pattern: str) -> tuple[int, int] | None:
    """``(width, times)`` when every match holds some string of ``width`` characters ``times`` times:
    a pattern such as ``(\\w\\w\\w+)\\1{2,}`` (a unit repeated) matches only a text in which a
    ``width``-gram occurs ``times`` times. None when the pattern is not of that form."""
    try:
        items = list(_parse(pattern))
    except Exception:  # noqa: BLE001
        return None
    best: tuple[int, int] | None = None
    for (op, value), (next_op, next_value) in zip(items, items[1:], strict=False):
        if op is not sre_constants.SUBPATTERN or value[0] is None:
            continue
        if next_op not in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and next_op is not getattr(
                sre_constants, "POSSESSIVE_REPEAT", None):
            continue
        minimum, _, body = next_value
        body = list(body)
        if minimum < 1 or len(body) != 1 or body[0] != (sre_constants.GROUPREF, value[0]):
            continue
        try:
            width = value[-1].getwidth()[0]
        except Exception:  # noqa: BLE001
            continue
        if 1 <= width < sre_constants.MAXREPEAT:
            gate = (min(width, 8), minimum + 1)
            if best is None or gate[1] > best[1]:
                best = gate
    return best


# ---- how long a pattern may search without a time limit -------------------------------------------------
# The regex module's time limit reads the process clock (a system call of a few microseconds) around every
# search: more than the search itself costs on a short text. A search whose worst case is small needs no
# limit. The bound below counts the steps a backtracking matcher can take at most — every way each part of
# the pattern can match, tried at every start — and a search runs without a limit only when that bound, for
# the text's length, stays under _UNTIMED_STEPS: a hundredth or less of the shortest time limit a ruleset
# sets (0.25 s), so a limit could never have fired. What the analysis cannot read (syntax only the regex
# module knows, fuzzy matching, recursion) always runs with the limit.
_UNTIMED_STEPS = 200_000
_LONGEST_UNTIMED = 1 << 20
_SATURATED = 1 << 62
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
_POSSESSIVE = getattr(sre_constants, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)
_ONE_CHARACTER = (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN,
                  sre_constants.CATEGORY, sre_constants.AT)
# Escapes that take braces, and every brace pair that is a counted repeat ({3}, {1,}, {,8}, {2,5}): any
# other brace may be the regex module's fuzzy matching ({e<=1}), which re would read as literal text.
_BRACED_ESCAPE = re.compile(r"\\[NpPxuU]\{[^}]*\}|\\.", re.DOTALL)
_COUNTED = re.compile(r"\{\s*\d*\s*(?:,\s*\d*\s*)?\}")


def _saturating(value: int) -> int:
    return value if value < _SATURATED else _SATURATED


def _steps(items, n: int) -> tuple[int, int]:
    """(ways a sequence can match from one start, steps to try them all) for a text of ``n`` characters."""
    ways, steps = 1, 0
    for op, value in items:
        item_ways, item_steps = _item_steps(op, value, n)
        steps = _saturating(steps + ways * item_steps)
        ways = _saturating(ways * item_ways)
    return ways, max(steps, 1)


def _item_steps(op, value, n: int) -> tuple[int, int]:
    if op in _ONE_CHARACTER:
        return 1, 1
    if op is sre_constants.SUBPATTERN:
        return _steps(value[-1], n)
    if op is sre_constants.BRANCH:
        ways = steps = 0
        for branch in value[1]:
            branch_ways, branch_steps = _steps(branch, n)
            ways, steps = _saturating(ways + branch_ways), _saturating(steps + branch_steps)
        return ways, steps
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return 1, _steps(value[1], n)[1]  # tried, then done with: one way on
    if op is _ATOMIC and _ATOMIC is not None:
        return 1, _steps(value, n)[1]
    if op is sre_constants.GROUPREF:
        return 1, n + 1  # compares the group's text, at most the whole text
    if op is sre_constants.GROUPREF_EXISTS:
        yes = _steps(value[1], n)
        no = _steps(value[2], n) if value[2] is not None else (1, 1)
        return _saturating(yes[0] + no[0]), _saturating(yes[1] + no[1])
    if op in _REPEATS or (_POSSESSIVE is not None and op is _POSSESSIVE):
        low, high, body = value
        most = min(n + 1, high if isinstance(high, int) and high < sre_constants.MAXREPEAT else n + 1)
        low = min(low, most)
        body_ways, body_steps = _steps(body, n)
        if body_ways == 1:
            ways, steps = most - low + 1, _saturating(body_steps * most + 1)
        elif most >= 62:
            return _SATURATED, _SATURATED
        else:
            ways = _saturating(body_ways ** most * (most + 1))
            steps = _saturating(body_steps * most * body_ways ** most + 1)
        return (1 if op is _POSSESSIVE else ways), steps
    raise ValueError(f"no step bound for {op}")


def untimed_length(pattern: str) -> int:
    """The longest text ``pattern`` may search without a time limit (0: always with one), see above."""
    stripped = _BRACED_ESCAPE.sub("", _PROPERTY.sub("", pattern))
    if "{" in _COUNTED.sub("", stripped):
        return 0  # a brace that is no counted repeat: perhaps fuzzy matching
    try:
        items = _parse(pattern)
    except Exception:  # noqa: BLE001 - syntax of the regex module that re does not know
        return 0

    def within(n: int) -> bool:
        try:
            return (n + 1) * _steps(items, n)[1] <= _UNTIMED_STEPS
        except (ValueError, TypeError, RecursionError):
            return False

    if not within(0):
        return 0
    low, high = 0, _LONGEST_UNTIMED  # the bound grows with n: the longest n within it, by halving
    if within(high):
        return high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if within(middle) else (low, middle)
    return low
