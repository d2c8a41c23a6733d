"""Stage 1 — normalize: fold text to one canonical form and keep the way back to the original.

Three views of every field are built:

* ``original`` — the text as the user gave it; every reported span indexes this string.
* ``folded`` — NFKC (full width → half width), case folding and traditional → simplified
  (OpenCC ``t2s``). Almost always the same length as ``original``; when a character expands
  (``㎏`` → ``kg``) a per-character map is kept instead of the identity.
* ``compact`` — ``folded`` without the interference characters that people insert inside a term
  to slip past filters (``微*信``, ``赌 博``, ``最.好``, zero-width characters, emoji; ``+ % ¥ $``
  only between two CJK characters: ``狗+东西``). Which characters count as noise and which are
  hard breaks is data (``rules/ruleset.yaml``).
* ``keyed`` — the view the automaton reads, and the form every automaton key takes: ``compact``
  with number styles folded to one character each (``下三滥``, ``下叁滥``, ``下3滥`` all read
  ``下3滥``; table ``lexicons/obfuscation/numbers.tsv``), and, when the ruleset asks for it, runs
  of one repeated letter collapsed (``ffffuuuucccckkk`` → ``fuck``). Terms are keyed the same way,
  so a term without a number is matched exactly as before, and one with a number in any style.
  Number folding is one character for one, so ``keyed`` indexes ``compact`` unless repeats collapse.

Mapping back is done per hit with a block table and ``bisect``, never per character, so the
common case costs a few C-level passes over the text.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

import regex

from ..config.settings import NormalizationSettings


class _FoldTable(dict):
    """``str.translate`` table: code point → NFKC + casefold of that character, filled on demand.

    Filling on a miss keeps the table small (only characters ever seen) while every later
    lookup is a C-level dict hit. Racing threads may both fill a key with the same value: harmless.
    ``overridden`` finds a character folded otherwise than NFKC (None: there is none).
    """

    overridden: re.Pattern | None = None

    def __missing__(self, code_point: int) -> str:
        folded = unicodedata.normalize("NFKC", chr(code_point)).casefold()
        self[code_point] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold_table(overrides: dict[str, str]) -> dict[int, str]:
    """A folding table with some characters folded otherwise than NFKC (number styles: Ⅱ → 2, ❶ → 1)."""
    if not overrides:
        return _FOLD_TABLE
    table = _FoldTable()
    for character, folded in overrides.items():
        table[ord(character)] = folded
    table.overridden = re.compile("[" + "".join(re.escape(c) for c in sorted(overrides)) + "]")
    return table


def _translate(text: str, table: dict[int, str]) -> str:
    """``text.translate(table)``, without the per-character lookups when folding would change nothing: a
    text that is in NFKC as a whole has no character NFKC changes (such a character cannot occur in
    one), case folding is one character at a time, and the table's own exceptions are searched for.
    Most texts are such texts, and these C-level tests cost a tenth of the translation."""
    if type(table) is _FoldTable and unicodedata.is_normalized("NFKC", text) and text.casefold() == text:
        overridden = table.overridden
        if overridden is None or overridden.search(text) is None:
            return text
    return text.translate(table)


class _T2S:
    """Process-wide, lazily built OpenCC converter (the C object is neither picklable nor cheap)."""

    _lock = threading.Lock()
    _converter = None

    _chars: frozenset[str] | None = None

    @classmethod
    def convert(cls, text: str) -> str:
        chars = cls._chars
        if chars is None:
            chars = cls._load_chars()
        if chars and chars.isdisjoint(text):
            return text  # no character of any t2s dictionary key: OpenCC would return the text as it is
        converter = cls._converter
        if converter is None:
            with cls._lock:
                if cls._converter is None:
                    import opencc

                    cls._converter = opencc.OpenCC("t2s")
                converter = cls._converter
        return converter.convert(text)

    @classmethod
    def _load_chars(cls) -> frozenset[str]:
        """The characters of every key of OpenCC's t2s dictionaries (lexicons/obfuscation/opencc_t2s_chars.txt);
        empty when the file is missing, and then every text goes through OpenCC."""
        from ..config.resources import data_dir

        try:
            text = (data_dir("lexicons") / "obfuscation" / "opencc_t2s_chars.txt").read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):
            chars: frozenset[str] = frozenset()
        else:
            chars = frozenset("".join(line.strip() for line in text.splitlines() if not line.startswith("#")))
        cls._chars = chars
        return chars


@dataclass(frozen=True, slots=True)
class _Blocks:
    """Piecewise-linear map from one string's indices to another's.

    ``starts[k]`` is the first index (in the source string) of block k and ``targets[k]`` the
    index it maps to; inside a block indices advance together. Arrays, not lists: a long
    document has a block per run of noise.
    """

    starts: array
    targets: array

    def map(self, index: int) -> int:
        k = bisect_right(self.starts, index) - 1
        return self.targets[k] + (index - self.starts[k])


@dataclass(frozen=True, slots=True)
class _FoldMap:
    """Folded index → original span, for texts where folding changed the length.

    Segment k starts at folded index ``starts[k]`` and comes from original index ``origins[k]``.
    A linear segment advances with the original one character for one; an expansion segment
    (``linear[k]`` false: ㎏ → kg) maps every character to the one original character.
    """

    starts: array
    origins: array
    linear: bytearray

    def span(self, start: int, end: int) -> tuple[int, int]:
        k = bisect_right(self.starts, start) - 1
        o_start = self.origins[k] + (start - self.starts[k] if self.linear[k] else 0)
        k = bisect_right(self.starts, end - 1) - 1
        o_end = self.origins[k] + (end - 1 - self.starts[k] if self.linear[k] else 0) + 1
        return o_start, o_end


# Chunks for the slow folding path; a chunk whose length changes is halved until the characters
# that change length stand alone, so a long text costs a few conversions per such character.
_FOLD_CHUNK = 2048


def _fold_with_map(original: str, table: dict[int, str] = _FOLD_TABLE) -> tuple[str, _FoldMap]:
    """Fold a text in which some character changes length, keeping a segment map."""
    parts: list[str] = []
    starts, origins, linear = array("q"), array("q"), bytearray()
    folded_length = 0

    def segment(is_linear: bool, origin: int) -> None:
        if is_linear and linear and linear[-1] and folded_length - starts[-1] == origin - origins[-1]:
            return  # continues the previous linear segment
        starts.append(folded_length)
        origins.append(origin)
        linear.append(is_linear)

    def fold_range(start: int, end: int) -> None:
        """Fold original[start:end] whole when that keeps its length, else its halves apart."""
        nonlocal folded_length
        text = original[start:end]
        folded = _T2S.convert(text.translate(table))
        if len(folded) == len(text) or end - start == 1:
            if folded:
                segment(len(folded) == len(text), start)
                parts.append(folded)
                folded_length += len(folded)
            return
        middle = (start + end) // 2
        fold_range(start, middle)
        fold_range(middle, end)

    for offset in range(0, len(original), _FOLD_CHUNK):
        fold_range(offset, min(offset + _FOLD_CHUNK, len(original)))
    return "".join(parts), _FoldMap(starts, origins, linear)


_NOISE_CANDIDATES: dict[tuple[str, str | None], re.Pattern | None] = {}
# Syntax with which a pattern may match a character in a text and not alone (a lookbehind, \B): no candidate
# set then. Anchors and lookaheads that hold alone or at the end of a partial match only widen the set.
_CONTEXT_SYNTAX = ("(?<", "\\B")


def warm_noise_candidates(settings: NormalizationSettings) -> None:
    """Work out the characters that can begin noise (see _noise_candidates) when the compile cache keeps them
    for the next process; with the cache off, texts are searched for noise as before (the same views)."""
    from .compilecache import cache_dir

    if (settings.noise, settings.noise_between_cjk) not in _NOISE_CANDIDATES and cache_dir() is not None:
        _noise_candidates(settings)


def _noise_candidates(settings: NormalizationSettings) -> re.Pattern | None:
    """A class of every character of the Basic Multilingual Plane that can begin a noise match (one that the
    ``noise`` or ``noise_between_cjk`` pattern matches on its own, or begins to match), or None when the
    patterns look at the characters around them. Worked out once per process and pair of patterns
    (65,536 tests) and kept in the compile cache."""
    key = (settings.noise, settings.noise_between_cjk)
    if key in _NOISE_CANDIDATES:
        return _NOISE_CANDIDATES[key]
    patterns = [p for p in key if p]
    candidates = None
    if not any(syntax in p for p in patterns for syntax in _CONTEXT_SYNTAX):
        from .compilecache import cached

        def compute() -> list[list[int]]:
            compiled = [regex.compile(f"(?:{p})", regex.V1) for p in patterns]
            ranges: list[list[int]] = []
            for code_point in range(0x10000):
                if 0xD800 <= code_point <= 0xDFFF:
                    continue
                character = chr(code_point)
                if any(p.match(character, partial=True) is not None for p in compiled):
                    if ranges and ranges[-1][1] == code_point - 1:
                        ranges[-1][1] = code_point
                    else:
                        ranges.append([code_point, code_point])
            return ranges

        ranges = cached("noise-candidates", "\0".join(patterns), compute)
        body = "".join(re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "") for low, high in ranges)
        candidates = re.compile(f"[{body}]") if body else re.compile("(?!)")
    _NOISE_CANDIDATES[key] = candidates
    return candidates


class NormalizedText:
    """One field of a document in its three views, with exact maps back to the original."""

    __slots__ = ("original", "folded", "compact", "keyed", "_fold_map", "_compact_blocks", "_keyed_blocks",
                 "_settings", "__dict__")

    def __init__(self, original: str, settings: NormalizationSettings):
        self.original = original
        self._settings = settings
        table = settings.fold_table
        translated = _translate(original, table)
        folded = _T2S.convert(translated) if len(translated) == len(original) else ""
        self._fold_map: _FoldMap | None = None
        if len(folded) != len(original):
            # A character expanded (㎏ → kg, ß → ss) or OpenCC changed the length of a phrase.
            folded, self._fold_map = _fold_with_map(original, table)
        self.folded = folded

        compact_parts: list[str] = []
        block_starts, block_targets = array("q"), array("q")
        position = 0
        compact_length = 0
        # Most texts hold no character that can start noise: a C-level search says so, and the noise
        # pattern (a class of Unicode properties, a few lookarounds) is not run over them.
        candidates = _NOISE_CANDIDATES.get((settings.noise, settings.noise_between_cjk))
        no_noise = candidates is not None and (not folded or max(folded) <= "\uffff") \
            and candidates.search(folded) is None
        for noise in () if no_noise else settings.noise_regex.finditer(folded):
            if noise.start() > position:
                block_starts.append(compact_length)
                block_targets.append(position)
                compact_parts.append(folded[position:noise.start()])
                compact_length += noise.start() - position
            position = noise.end()
        if position < len(folded) or not block_starts:
            block_starts.append(compact_length)
            block_targets.append(position)
            compact_parts.append(folded[position:])
        self.compact = "".join(compact_parts)
        self._compact_blocks = _Blocks(block_starts, block_targets)
        self.keyed, self._keyed_blocks = _keyed(self.compact, settings)

    # ---- maps -------------------------------------------------------------------------------
    def compact_to_folded(self, start: int, end: int) -> tuple[int, int]:
        """Folded span of the compact span ``[start, end)``; starts and ends on a real character."""
        blocks = self._compact_blocks
        if len(blocks.starts) == 1 and not blocks.targets[0]:
            return start, end  # no noise anywhere: the compact view is the folded one
        return blocks.map(start), blocks.map(end - 1) + 1

    def folded_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original span of the folded span ``[start, end)`` (``end > start``)."""
        if self._fold_map is None:
            return start, end
        return self._fold_map.span(start, end)

    def keyed_to_compact(self, start: int, end: int) -> tuple[int, int]:
        """Compact span of the keyed span ``[start, end)``: a collapsed run maps back to the whole run."""
        blocks = self._keyed_blocks
        if blocks is None:
            return start, end
        k = bisect_right(blocks.starts, end - 1) - 1
        if k + 1 < len(blocks.starts) and blocks.starts[k + 1] == end:
            compact_end = blocks.targets[k + 1]  # the repeats deleted after the last character
        else:
            compact_end = blocks.targets[k] + (end - blocks.starts[k])
        return blocks.map(start), compact_end

    def compact_to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.folded_to_original(*self.compact_to_folded(start, end))

    # ---- context ----------------------------------------------------------------------------
    @cached_property
    def _clause_breaks(self) -> array:
        return array("q", (m.start() for m in self._settings.hard_break_regex.finditer(self.folded)))

    @cached_property
    def _sentence_breaks(self) -> array:
        return array("q", (m.start() for m in self._settings.sentence_end_regex.finditer(self.folded)))

    def clause_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The folded span of the clause (between hard breaks) that holds ``[start, end)``."""
        return self._bounds(self._clause_breaks, start, end)

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The folded span of the sentence (between sentence ends) that holds ``[start, end)``."""
        return self._bounds(self._sentence_breaks, start, end)

    def _bounds(self, breaks: array, start: int, end: int) -> tuple[int, int]:
        k = bisect_right(breaks, start - 1)
        sentence_start = breaks[k - 1] + 1 if k > 0 else 0
        j = bisect_right(breaks, end - 1)
        sentence_end = breaks[j] if j < len(breaks) else len(self.folded)
        return sentence_start, sentence_end

    def is_verbatim(self, folded_start: int, folded_end: int) -> bool:
        """True when the folded span is the original span unchanged (no folding, no noise)."""
        o_start, o_end = self.folded_to_original(folded_start, folded_end)
        return self.original[o_start:o_end] == self.folded[folded_start:folded_end]


def _keyed(compact_text: str, settings: NormalizationSettings) -> tuple[str, _Blocks | None]:
    """The keyed view of a compact text, and its map back when repeats were collapsed."""
    key_regex = settings.key_regex
    keyed = key_regex.sub(settings.key_replacement, compact_text) if key_regex is not None else compact_text
    if not settings.collapse_repeats:
        return keyed, None
    parts: list[str] = []
    starts, targets = array("q"), array("q")
    position = length = 0
    for run in settings.repeat_regex.finditer(keyed):
        keep = run.start() + 1  # the first character of the run stays
        if keep > position:
            starts.append(length)
            targets.append(position)
            parts.append(keyed[position:keep])
            length += keep - position
        position = run.end()
    # Always a last block, empty when the text ends in a run: a hit's end maps to the run's end.
    starts.append(length)
    targets.append(position)
    parts.append(keyed[position:])
    return "".join(parts), _Blocks(starts, targets)


def fold(text: str, settings: NormalizationSettings | None = None) -> str:
    """The folded form of a term or context word, as text is folded (no noise removal)."""
    return _T2S.convert(_translate(text, settings.fold_table if settings is not None else _FOLD_TABLE))


def compact(text: str, settings: NormalizationSettings) -> str:
    """The compact form of a term: folded, noise removed."""
    return settings.noise_regex.sub("", fold(text, settings))


def key_of_compact(compact_text: str, settings: NormalizationSettings) -> str:
    """The keyed form of text that is compact already."""
    return _keyed(compact_text, settings)[0]


def keyed(text: str, settings: NormalizationSettings) -> str:
    """The keyed form of a term — compact, number styles folded, repeats collapsed if asked: the key
    the automaton stores."""
    return _keyed(compact(text, settings), settings)[0]


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def escape_surrogates(text: str) -> str:
    """The text with unpaired surrogates (undecodable bytes of a file name, a broken JSON escape)
    written as ``\\udcff``, so that it can be printed and serialized as UTF-8 JSON."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


_SURROGATE = regex.compile(r"[\ud800-\udfff]")
