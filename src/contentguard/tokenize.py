"""Stage 2 — tokenize: jieba word boundaries and part-of-speech tags, only where a stage asks for them.

Segmenting every document would cost more than all other stages together, so the match stage
asks for the boundaries of a small window around a candidate hit only, and the context stage for the
tags of a few words around a hit of a family with part-of-speech cues.

Cold start (issue #13). jieba itself rebuilds its prefix dictionary from a marshal file (some 0.8 s
of CPU), ``jieba.posseg`` imports its HMM tables (0.3 s) and reads ``dict.txt`` again for its word→tag
table (1.4 s, once per tagger), and adding the ruleset's terms to a tokenizer recomputes their
frequencies word by word. Here, instead:

- :class:`JiebaDictionary` is jieba's ``dict.txt`` read once per machine into an NPZ file in the compile
  cache's folder (``jieba-<hash>.npz``, keyed by the dictionary file and this module; never pickle or
  marshal): every key of jieba's prefix table, sorted, with its frequency and its part-of-speech tag.
  Loading it takes milliseconds. Lookups bisect the stored bytes until a process has made many of them,
  then build the word list and the plain dict jieba uses (once, some 0.15 s), so a one-file scan never pays
  for them.
- :class:`Tokenizer` is jieba's accurate mode without HMM (``jieba.Tokenizer.lcut(text, HMM=False)``) and
  :meth:`Tokenizer.tag` is ``jieba.posseg.POSTokenizer.lcut(text, HMM=False)``, the same algorithms over
  the same numbers (jieba 0.42.1, MIT licence: ``get_DAG``, ``calc``, ``__cut_DAG_NO_HMM`` and the block
  splitting are re-stated below); the tests compare both with jieba on real text. Neither imports jieba.
- :class:`WordSegmenter` puts the ruleset's terms over the shared dictionary the way ``add_word`` does;
  the words it adds (and their prefixes) and the new total are kept in the compile cache, keyed by the
  dictionary and the terms.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Iterable
from importlib.util import find_spec
from math import log
from pathlib import Path
from typing import TYPE_CHECKING

from .engine import compilecache

if TYPE_CHECKING:
    import numpy as np

_FORMAT = 1
# Lookups by bisecting the stored bytes (some 10 µs each) before the process builds the word list and jieba's
# plain dict (some 0.15 s of CPU and 40 MB): a scan of one file makes a few hundred, a batch of reviews millions.
_BYTE_LOOKUPS = 5_000

# jieba 0.42.1's block patterns (jieba/__init__.py and jieba/posseg/__init__.py), compiled on first use.
_PATTERNS: dict[str, re.Pattern] = {}
_PATTERN_TEXT = {
    "han_default": ("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U),
    "skip_default": ("(\r\n|\\s)", re.U),
    "eng": ("[a-zA-Z0-9]", re.U),
    "han_internal": ("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)", 0),
    "skip_internal": ("(\r\n|\\s)", 0),
    "eng_tag": ("[a-zA-Z0-9]+", 0),
    "num_tag": ("[\\.0-9]+", 0),
    "eng1_tag": ("^[a-zA-Z0-9]$", re.U),
}


def _patterns() -> dict[str, re.Pattern]:
    if not _PATTERNS:
        _PATTERNS.update({name: re.compile(text, flags) for name, (text, flags) in _PATTERN_TEXT.items()})
    return _PATTERNS


def jieba_dict_file() -> Path:
    """jieba's ``dict.txt``, found without importing jieba."""
    try:
        spec = find_spec("jieba")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        raise RuntimeError("contentguard needs the 'jieba' package (its dictionary): pip install jieba")
    path = Path(spec.origin).parent / "dict.txt"
    if not path.is_file():
        raise RuntimeError(f"jieba's dictionary is missing: {path}")
    return path


def _read_dict_txt(path: Path) -> tuple[list[str], list[int], list[str], int]:
    """Parse ``dict.txt`` as jieba does: ``Tokenizer.gen_pfdict`` (frequencies, every prefix at 0 unless a
    word of its own, the total over every line) and ``POSTokenizer.load_word_tag`` (the last tag of a word)."""
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    total = 0
    with open(path, "rb") as handle:
        for lineno, raw in enumerate(handle, 1):
            line = raw.strip().decode("utf-8")
            if not line:
                continue
            try:
                word, count, tag = line.split(" ")
                count = int(count)
            except ValueError:
                raise RuntimeError(f"invalid jieba dictionary entry in {path} at line {lineno}: {line}") from None
            freq[word] = count
            total += count
            tags[word] = tag
            for end in range(1, len(word)):
                freq.setdefault(word[:end], 0)
    words = sorted(freq)
    return words, [freq[w] for w in words], [tags.get(w, "") for w in words], total


class JiebaDictionary:
    """jieba's prefix table and word→tag table, sorted arrays loaded from an NPZ file (see the module).

    Lookups go through three stages, each paid for only by a process that looks up that much: bisection
    over the UTF-8 bytes of the sorted words as stored (no Python string per word), then, after
    ``_BYTE_LOOKUPS``, the words as a Python list (bisected for tags) with the plain dict jieba itself
    uses for frequencies.
    """

    _shared: JiebaDictionary | None = None
    _shared_lock = threading.Lock()

    def __init__(self, blob: bytes, freqs: np.ndarray, tag_codes: np.ndarray, tag_names: list[str], total: int):
        import numpy as np

        self.blob = blob  # the sorted words, UTF-8, one per line (byte order is code point order)
        self.freqs = freqs
        self.tag_codes = tag_codes
        self.tag_names = tag_names
        self.total = total
        ends = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 10)
        ends = np.append(ends, len(blob)).astype(np.int64)
        starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
        self._ends = array("q", ends.tobytes())
        self._starts = array("q", starts.tobytes())
        if not (len(self._ends) == len(freqs) == len(tag_codes)):
            raise ValueError("jieba dictionary arrays of different lengths")
        self._lookups = 0
        self._words: list[str] | None = None
        self._dict: dict[str, int] | None = None
        self._lock = threading.Lock()

    # ---- building and storing -----------------------------------------------------------------
    @classmethod
    def shared(cls) -> JiebaDictionary:
        """The process's one copy of jieba's dictionary (read from the cache file, or built and stored)."""
        if cls._shared is None:
            with cls._shared_lock:
                if cls._shared is None:
                    cls._shared = cls._load()
        return cls._shared

    @staticmethod
    def _cache_file(source: Path) -> Path | None:
        folder = compilecache.cache_dir()
        if folder is None:
            return None
        stat = source.stat()
        digest = hashlib.sha256(f"{_FORMAT}|{source}|{stat.st_size}|{stat.st_mtime_ns}".encode())
        digest.update(Path(__file__).read_bytes())
        return folder / f"jieba-{digest.hexdigest()[:20]}.npz"

    @classmethod
    def _load(cls) -> JiebaDictionary:
        import zipfile

        import numpy as np

        source = jieba_dict_file()
        path = cls._cache_file(source)
        if path is not None:
            try:
                with np.load(path, allow_pickle=False) as stored:
                    names = stored["tag_names"].tobytes().decode("utf-8").split("\n")
                    return cls(stored["words"].tobytes(), stored["freqs"], stored["tags"], names,
                               int(stored["total"]))
            except (OSError, ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile):
                pass  # missing or broken: built again below
        built = cls.from_dict_txt(source)
        if path is not None:
            built._store(path)
        return built

    @classmethod
    def from_dict_txt(cls, path: Path) -> JiebaDictionary:
        import numpy as np

        words, freqs, tags, total = _read_dict_txt(path)
        names = sorted(set(tags))  # "" (a prefix only, no tag) sorts first: code 0
        code = {name: index for index, name in enumerate(names)}
        return cls("\n".join(words).encode("utf-8"), np.array(freqs, dtype=np.int64),
                   np.array([code[t] for t in tags], dtype=np.uint8), names, total)

    def _store(self, path: Path) -> None:
        """Write the NPZ file atomically; a failure only costs the next process the build."""
        import numpy as np

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jieba-", suffix=".npz")
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, words=np.frombuffer(self.blob, dtype=np.uint8), freqs=self.freqs,
                         tags=self.tag_codes,
                         tag_names=np.frombuffer("\n".join(self.tag_names).encode("utf-8"), dtype=np.uint8),
                         total=np.array(self.total, dtype=np.int64))
            os.replace(temporary, path)
            now = time.time()
            for old in path.parent.glob("jieba-*.npz"):  # other versions' files, unused a week
                if old != path and now - old.stat().st_mtime > 7 * 86400:
                    old.unlink(missing_ok=True)
        except OSError:
            pass

    # ---- lookups ------------------------------------------------------------------------------
    @property
    def words(self) -> list[str]:
        """Every key of jieba's prefix table, sorted (built on first use)."""
        self._materialize()
        return self._words

    def _materialize(self) -> None:
        if self._dict is None:
            with self._lock:
                if self._dict is None:
                    words = self.blob.decode("utf-8").split("\n")
                    self._words = words
                    self._dict = dict(zip(words, self.freqs.tolist(), strict=True))

    def _index(self, word: str) -> int:
        words = self._words
        if words is not None:
            i = bisect.bisect_left(words, word)
            return i if i < len(words) and words[i] == word else -1
        key = word.encode("utf-8")
        blob, starts, ends = self.blob, self._starts, self._ends
        low, high = 0, len(ends)
        while low < high:
            middle = (low + high) >> 1
            if blob[starts[middle]:ends[middle]] < key:
                low = middle + 1
            else:
                high = middle
        return low if low < len(ends) and blob[starts[low]:ends[low]] == key else -1

    def _bisect_get(self, word: str) -> int | None:
        self._lookups += 1
        i = self._index(word)
        return int(self.freqs[i]) if i >= 0 else None

    def getter(self) -> Callable[[str], int | None]:
        """``FREQ.get`` of jieba's prefix table: bisection at first, the plain dict after many lookups."""
        table = self._dict
        if table is not None:
            return table.get
        if self._lookups >= _BYTE_LOOKUPS:
            self._materialize()
            return self._dict.get
        return self._bisect_get

    def __contains__(self, word: str) -> bool:
        return self._index(word) >= 0

    def tag(self, word: str) -> str:
        """The word's tag in ``dict.txt`` (jieba's: n, v, a, ns …), or ``x`` as ``jieba.posseg`` gives."""
        i = self._index(word)
        return (self.tag_names[self.tag_codes[i]] or "x") if i >= 0 else "x"


class Tokenizer:
    """jieba's accurate mode without HMM over a :class:`JiebaDictionary` (and words added over it).

    ``lcut(text)`` gives what ``jieba.Tokenizer.lcut(text, HMM=False)`` gives with the same dictionary;
    ``tag(text)`` the (word, tag) pairs of ``jieba.posseg.POSTokenizer.lcut(text, HMM=False)``.
    """

    def __init__(self, dictionary: JiebaDictionary, added: dict[str, int] | None = None, total: int | None = None):
        self.dictionary = dictionary
        self.added = dict(added or {})
        self.total = dictionary.total if total is None else total

    def _getter(self) -> Callable[[str], int | None]:
        base = self.dictionary.getter()
        added = self.added
        if not added:
            return base

        def get(word: str) -> int | None:
            value = added.get(word)
            return base(word) if value is None else value

        return get

    # jieba.Tokenizer.get_DAG and .calc, with FREQ.get as ``get``.
    @staticmethod
    def _route(sentence: str, get: Callable[[str], int | None], total: int) -> dict[int, tuple[float, int]]:
        n = len(sentence)
        dag: dict[int, list[int]] = {}
        for k in range(n):
            ends = []
            i = k
            fragment = sentence[k]
            while i < n:
                value = get(fragment)
                if value is None:
                    break
                if value:
                    ends.append(i)
                i += 1
                fragment = sentence[k:i + 1]
            if not ends:
                ends.append(k)
            dag[k] = ends
        route: dict[int, tuple[float, int]] = {n: (0, 0)}
        logtotal = log(total)
        for idx in range(n - 1, -1, -1):
            route[idx] = max((log(get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x) for x in dag[idx])
        return route

    def _cut_block(self, sentence: str, get) -> Iterable[str]:
        route = self._route(sentence, get, self.total)
        eng = _patterns()["eng"]
        x, n, buf = 0, len(sentence), ""
        while x < n:
            y = route[x][1] + 1
            word = sentence[x:y]
            if len(word) == 1 and eng.match(word):
                buf += word
            else:
                if buf:
                    yield buf
                    buf = ""
                yield word
            x = y
        if buf:
            yield buf

    def cut(self, sentence: str) -> Iterable[str]:
        get = self._getter()
        patterns = _patterns()
        han, skip = patterns["han_default"], patterns["skip_default"]
        for block in han.split(sentence):
            if not block:
                continue
            if han.match(block):
                yield from self._cut_block(block, get)
            else:
                for part in skip.split(block):
                    if skip.match(part):
                        yield part
                    else:
                        yield from part

    def lcut(self, sentence: str, HMM: bool = False) -> list[str]:  # noqa: N803 - jieba's keyword
        if HMM:
            raise ValueError("contentguard's tokenizer segments without HMM (HMM=False) only")
        return list(self.cut(sentence))

    def tag(self, sentence: str) -> list[tuple[str, str]]:
        """(word, tag) pairs as ``jieba.posseg`` gives them without HMM (tags of the base dictionary)."""
        get = self._getter()
        tag_of = self.dictionary.tag
        patterns = _patterns()
        han, skip, eng1 = patterns["han_internal"], patterns["skip_internal"], patterns["eng1_tag"]
        eng_tag, num_tag = patterns["eng_tag"], patterns["num_tag"]
        pairs: list[tuple[str, str]] = []
        for block in han.split(sentence):
            if han.match(block):
                route = self._route(block, get, self.total)
                x, n, buf = 0, len(block), ""
                while x < n:
                    y = route[x][1] + 1
                    word = block[x:y]
                    if eng1.match(word):
                        buf += word
                    else:
                        if buf:
                            pairs.append((buf, "eng"))
                            buf = ""
                        pairs.append((word, tag_of(word)))
                    x = y
                if buf:
                    pairs.append((buf, "eng"))
            else:
                for part in skip.split(block):
                    if skip.match(part):
                        pairs.append((part, "x"))
                    else:
                        eng = eng_tag.match(part)
                        for char in part:
                            pairs.append((char, "m" if num_tag.match(char) else "eng" if eng else "x"))
        return pairs

    # jieba.Tokenizer.add_word(word) with suggest_freq(word, tune=False).
    def add_word(self, word: str) -> None:
        get = self._getter()
        ftotal = float(self.total)
        freq = 1
        for segment in self.cut(word):
            value = get(segment)
            freq *= (1 if value is None else value) / ftotal
        known = get(word)
        freq = max(int(freq * self.total) + 1, 1 if known is None else known)
        self.added[word] = freq
        self.total += freq
        for end in range(1, len(word)):
            prefix = word[:end]
            if get(prefix) is None:
                self.added[prefix] = 0


_SHARED: Tokenizer | None = None
_SHARED_LOCK = threading.Lock()


def shared_tokenizer() -> Tokenizer:
    """One plain tokenizer per process over jieba's own dictionary, shared by every stage that reads it
    as it is (the context stage's tagger, the models' words). Nothing may add words to it."""
    global _SHARED
    if _SHARED is None:
        with _SHARED_LOCK:
            if _SHARED is None:
                _SHARED = Tokenizer(JiebaDictionary.shared())
    return _SHARED


def pos_tags(text: str) -> list[tuple[str, str]]:
    """(word, tag) pairs of ``text``: ``jieba.posseg`` without HMM, over jieba's own dictionary."""
    return shared_tokenizer().tag(text)


class WordSegmenter:
    """Lazily built tokenizer with the ruleset's terms as user words (over the shared dictionary)."""

    def __init__(self, user_words: Iterable[str]):
        self._user_words = tuple(sorted({w for w in user_words if len(w) >= 2}))
        self._lock = threading.Lock()
        self._tokenizer: Tokenizer | None = None

    def __getstate__(self):
        return {"user_words": self._user_words}

    def __setstate__(self, state):
        self.__init__(state["user_words"])

    @property
    def loaded(self) -> bool:
        return self._tokenizer is not None

    def _added(self, dictionary: JiebaDictionary) -> dict:
        """The words ``add_word`` puts over the dictionary (and their prefixes) and the new total, as JSON."""
        built = Tokenizer(dictionary)
        for word in self._user_words:
            built.add_word(word)
        return {"added": built.added, "total": built.total}

    def _get(self) -> Tokenizer:
        tokenizer = self._tokenizer
        if tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    dictionary = JiebaDictionary.shared()
                    if not self._user_words:
                        self._tokenizer = Tokenizer(dictionary)
                    else:
                        # the dictionary's identity and the terms (this module's code is in the cache's name)
                        key = hashlib.sha256("\n".join([str(dictionary.total), str(len(dictionary.freqs)),
                                                         *self._user_words]).encode()).hexdigest()
                        value = compilecache.cached("segmenter-words", key, lambda: self._added(dictionary))
                        compilecache.save()
                        self._tokenizer = Tokenizer(dictionary, value["added"], value["total"])
                tokenizer = self._tokenizer
        return tokenizer

    def tokens(self, text: str) -> list[str]:
        # HMM off: new-word guessing makes boundaries depend on distant characters.
        return self._get().lcut(text)

    def boundaries(self, text: str) -> tuple[frozenset[int], frozenset[int]]:
        """Token start offsets and token end offsets of ``text``."""
        starts, ends = [], []
        position = 0
        for token in self.tokens(text):
            starts.append(position)
            position += len(token)
            ends.append(position)
        return frozenset(starts), frozenset(ends)
