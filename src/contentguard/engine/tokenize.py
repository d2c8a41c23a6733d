"""Stage 2 — tokenize: jieba word boundaries and part-of-speech tags, only where a stage asks for them.

Segmenting every document would cost more than all other stages together, so the match stage
asks for the boundaries of a small window around a candidate hit only, and the context stage for the
tags of a few words around a hit of a family with part-of-speech cues.

The cutting and the tagging are jieba's own code (jieba 0.42.1, MIT licence; pinned ``>=0.42.1,<0.43`` because
this module sets the attributes of its objects): ``jieba.Tokenizer.lcut(text, HMM=False)``,
``jieba.Tokenizer.add_word``, ``jieba.posseg.POSTokenizer.lcut(text, HMM=False)``. What is ours is where
they read the dictionary from (cold start, issue #13). jieba itself rebuilds its prefix dictionary from a
marshal file (some 0.8 s of CPU) and reads ``dict.txt`` again for each tagger's word→tag table (some 0.35 s), and
adding the ruleset's terms recomputes their frequencies word by word. Here, instead:

- :class:`JiebaDictionary` is jieba's ``dict.txt`` read once per machine into an NPZ file in the compile
  cache's folder (``jieba-<hash>.npz``, keyed by the dictionary file and this module; never pickle or
  marshal): every key of jieba's prefix table, sorted, with its count and its part-of-speech tag.
  Loading it takes milliseconds. Lookups bisect the stored bytes until a process has made many of them,
  then build the word list and the plain dict jieba uses (once, some 0.15 s), so a one-file scan never pays
  for them.
- :class:`Frequencies` is the mapping a ``jieba.Tokenizer`` gets as its ``FREQ`` (with ``total`` set and
  ``initialized`` on, so jieba never loads its own): the dictionary's counts, with the words ``add_word``
  writes kept over them. The shared tokenizer's is read-only, and once the plain dict exists it reads that.
  ``_Tags`` is the ``word_tag_tab`` of the ``POSTokenizer`` (made without its ``__init__``, which would read
  ``dict.txt``).
- :class:`WordSegmenter` adds the ruleset's terms with jieba's ``add_word`` over the shared dictionary; what
  it writes (the words, their prefixes, the new total) is kept in the compile cache, keyed by the dictionary
  and the terms, and put back into the mapping directly.

Imports: ``import jieba`` (some 20 ms: its ``finalseg`` HMM tables) happens at the first cut, without
``pkg_resources`` (``_jieba``); ``import jieba.posseg`` (some 30 ms: its HMM tables) at the first tag only,
without its module-level default tagger reading ``dict.txt`` (``_posseg``; that tagger gets the cached tags).
"""

from __future__ import annotations

import bisect
import hashlib
import io
import os
import re
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Iterable, Iterator, MutableMapping
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from . import compilecache

if TYPE_CHECKING:
    import numpy as np

_FORMAT = 1
# Lookups by bisecting the stored bytes (some 10 µs each) before the process builds the word list and jieba's
# plain dict (some 0.15 s of CPU and 40 MB): a scan of one file makes a few hundred, a batch of reviews millions.
_BYTE_LOOKUPS = 5_000


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
        self._last: tuple[str | None, int | None] = (None, None)
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

        # jieba's own readers: Tokenizer.gen_pfdict (counts, every prefix at 0, the total) and
        # POSTokenizer.load_word_tag (a word's last tag), each closing the file it is given
        freq, total = _jieba().Tokenizer.gen_pfdict(open(path, "rb"))  # noqa: SIM115 - jieba closes it
        posseg = _posseg()
        reader = posseg.POSTokenizer.__new__(posseg.POSTokenizer)
        reader.load_word_tag(open(path, "rb"))  # noqa: SIM115 - jieba closes it
        words = sorted(freq)
        tags = [reader.word_tag_tab.get(word, "") for word in words]
        freqs = [freq[word] for word in words]
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

    def find(self, word: str) -> int | None:
        """The word's count in jieba's prefix table (0 for a prefix only), ``None`` if it is not a key."""
        table = self._dict
        if table is not None:
            return table.get(word)
        last = self._last  # jieba asks ``frag in FREQ`` and then ``FREQ[frag]``: one bisection for both
        if last[0] == word:
            return last[1]
        self._lookups += 1
        if self._lookups > _BYTE_LOOKUPS:
            self._materialize()
            return self._dict.get(word)
        i = self._index(word)
        value = int(self.freqs[i]) if i >= 0 else None
        self._last = (word, value)
        return value

    def __contains__(self, word: str) -> bool:
        return self._index(word) >= 0

    def tag(self, word: str) -> str | None:
        """The word's tag in ``dict.txt`` (jieba's: n, v, a, ns …), ``None`` if it is not a word there."""
        i = self._index(word)
        return (self.tag_names[self.tag_codes[i]] or None) if i >= 0 else None


class Frequencies(MutableMapping):
    """jieba's ``Tokenizer.FREQ`` over a :class:`JiebaDictionary`: the dictionary's counts, and over them the
    words ``add_word`` writes (kept in :attr:`added`, never in the shared dictionary). ``frozen``: no writes.

    jieba reads it with ``frag in FREQ``, ``FREQ[frag]`` and ``FREQ.get(word, default)``."""

    __slots__ = ("dictionary", "added", "frozen", "_find")

    def __init__(self, dictionary: JiebaDictionary, added: dict[str, int] | None = None, frozen: bool = False):
        self.dictionary = dictionary
        self.added = dict(added or {})
        self.frozen = frozen
        self._find = dictionary.find

    def __contains__(self, word) -> bool:
        return word in self.added or self._find(word) is not None

    def __getitem__(self, word: str) -> int:
        value = self.added.get(word)
        if value is None:
            value = self._find(word)
            if value is None:
                raise KeyError(word)
        return value

    def get(self, word, default=None):
        value = self.added.get(word)
        if value is None:
            value = self._find(word)
        return default if value is None else value

    def __setitem__(self, word: str, value: int) -> None:
        if self.frozen:
            raise TypeError("the shared jieba tokenizer is read-only: add words to a WordSegmenter's own")
        self.added[word] = value

    def __delitem__(self, word: str) -> None:
        raise TypeError("words are not removed from a jieba dictionary here")

    def __len__(self) -> int:
        return len(self.dictionary.freqs) + sum(1 for word in self.added if word not in self.dictionary)

    def __iter__(self) -> Iterator[str]:
        yield from self.dictionary.words
        yield from (word for word in self.added if word not in self.dictionary)


class _Tags(MutableMapping):
    """``POSTokenizer.word_tag_tab`` over a :class:`JiebaDictionary`: a word's tag in ``dict.txt``, and over
    them the tags jieba writes (``makesure_userdict_loaded`` updates the table with ``load_userdict``'s)."""

    def __init__(self, dictionary: JiebaDictionary | None = None):
        self._dictionary = dictionary  # None: the shared one, on first use
        self.added: dict[str, str] = {}

    @property
    def dictionary(self) -> JiebaDictionary:
        if self._dictionary is None:
            self._dictionary = JiebaDictionary.shared()
        return self._dictionary

    def get(self, word, default=None):
        tag = self.added.get(word)
        if tag is None:
            tag = self.dictionary.tag(word)
        return default if tag is None else tag

    def __contains__(self, word) -> bool:
        return self.get(word) is not None

    def __getitem__(self, word: str) -> str:
        tag = self.get(word)
        if tag is None:
            raise KeyError(word)
        return tag

    def __setitem__(self, word: str, tag: str) -> None:
        self.added[word] = tag

    def __delitem__(self, word: str) -> None:
        raise TypeError("tags are not removed from a jieba dictionary here")

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __iter__(self) -> Iterator[str]:
        names = self.dictionary.tag_names
        yield from (word for word, code in zip(self.dictionary.words, self.dictionary.tag_codes, strict=True)
                    if names[code] and word not in self.added)
        yield from self.added


_IMPORT_LOCK = threading.Lock()


def _jieba():
    """``import jieba``, without ``pkg_resources`` if nothing has imported it yet: ``jieba._compat`` imports it
    (some 0.12 s) only to open its own data files, and opens the same files with ``open`` without it."""
    module = sys.modules.get("jieba")
    if module is not None:
        return module
    with _IMPORT_LOCK:
        hidden = "pkg_resources" not in sys.modules
        if hidden:
            sys.modules["pkg_resources"] = None  # import pkg_resources → ImportError, inside this import only
        try:
            import jieba
        finally:
            if hidden and sys.modules.get("pkg_resources", False) is None:
                del sys.modules["pkg_resources"]
    return jieba


def _posseg():
    """``import jieba.posseg``. Its module-level default tagger ``POSTokenizer(jieba.dt)`` reads ``dict.txt``
    for its word→tag table (some 0.35 s); if this is the first import, it reads an empty file instead and
    then gets the table from the cached dictionary (the same tags), so that ``jieba.posseg.cut`` still tags
    as jieba does for anyone else in the process."""
    module = sys.modules.get("jieba.posseg")
    if module is not None:
        return module
    jieba = _jieba()
    with _IMPORT_LOCK:
        first = "jieba.posseg" not in sys.modules
        if first:
            jieba.dt.get_dict_file = lambda: io.BytesIO()  # an instance attribute over the method, for the import
        try:
            import jieba.posseg as posseg
        finally:
            if first:
                del jieba.dt.get_dict_file
        if first and not posseg.dt.word_tag_tab:
            posseg.dt.word_tag_tab = _Tags()
    return posseg


class Tokenizer:
    """A ``jieba.Tokenizer`` over a :class:`JiebaDictionary` (and the words added over it), cut without HMM.

    ``lcut(text)`` is jieba's ``lcut(text, HMM=False)``; ``tag(text)`` the (word, tag) pairs of a
    ``jieba.posseg.POSTokenizer`` over the same tokenizer, ``lcut(text, HMM=False)``; ``add_word(word)``
    jieba's ``add_word(word)``. The jieba objects are set up here so that jieba never reads its marshal
    cache or ``dict.txt``: ``FREQ`` is a :class:`Frequencies`, ``total`` the dictionary's (or the cached
    total after added words), ``initialized`` is set.
    """

    def __init__(self, dictionary: JiebaDictionary, added: dict[str, int] | None = None, total: int | None = None,
                 frozen: bool = False):
        self.dictionary = dictionary
        self.frequencies = Frequencies(dictionary, added, frozen)
        self.jieba = _jieba().Tokenizer()
        self.jieba.FREQ = self.frequencies
        self.jieba.total = dictionary.total if total is None else total
        self.jieba.initialized = True
        self._tagger = None
        self._lock = threading.Lock()

    @property
    def added(self) -> dict[str, int]:
        return self.frequencies.added

    @property
    def total(self) -> int:
        return self.jieba.total

    def _freq(self) -> None:
        """A frozen tokenizer over a dictionary that has built its plain dict reads that dict itself."""
        if self.frequencies.frozen and not self.frequencies.added and self.dictionary._dict is not None:
            self.jieba.FREQ = self.dictionary._dict

    def lcut(self, sentence: str, HMM: bool = False) -> list[str]:  # noqa: N803 - jieba's keyword
        if HMM:
            raise ValueError("contentguard's tokenizer segments without HMM (HMM=False) only")
        if self.jieba.FREQ is self.frequencies:
            self._freq()
        return self.jieba.lcut(sentence, HMM=False)

    def tag(self, sentence: str) -> list[tuple[str, str]]:
        """(word, tag) pairs as ``jieba.posseg`` gives them without HMM (tags of the base dictionary).
        The first call imports ``jieba.posseg`` (see the module)."""
        tagger = self._tagger
        if tagger is None:
            with self._lock:
                if self._tagger is None:
                    POSTokenizer = _posseg().POSTokenizer  # noqa: N806 - jieba's class

                    tagger = POSTokenizer.__new__(POSTokenizer)  # its __init__ would read dict.txt for the tags
                    tagger.tokenizer = self.jieba
                    tagger.word_tag_tab = _Tags(self.dictionary)
                    self._tagger = tagger
                tagger = self._tagger
        if self.jieba.FREQ is self.frequencies:
            self._freq()
        return [(pair.word, pair.flag) for pair in tagger.lcut(sentence, HMM=False)]

    def add_word(self, word: str) -> None:
        """jieba's ``add_word(word)`` (its frequency from ``suggest_freq``), written into :attr:`added`."""
        if self.frequencies.frozen:
            raise TypeError("the shared jieba tokenizer is read-only: add words to a WordSegmenter's own")
        self.jieba.add_word(word)


_SHARED: Tokenizer | None = None
_SHARED_LOCK = threading.Lock()


def shared_tokenizer() -> Tokenizer:
    """One plain tokenizer per process over jieba's own dictionary, shared by every stage that reads it
    as it is (the context stage's tagger, the models' words). It refuses added words."""
    global _SHARED
    if _SHARED is None:
        with _SHARED_LOCK:
            if _SHARED is None:
                _SHARED = Tokenizer(JiebaDictionary.shared(), frozen=True)
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
        """What jieba's ``add_word`` writes for the terms (the words, their prefixes) and the new total."""
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
                        self._tokenizer = shared_tokenizer()
                    else:
                        # the dictionary's identity and the terms (this module's code and jieba's version are
                        # in the cache's name)
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


class TagScreen:
    """Whether ``jieba.posseg`` (no HMM, jieba's own dictionary: :func:`pos_tags`) *can* give ``text`` a word
    of two or more characters whose tag starts with one of ``prefixes``, answered without tagging it.

    The tagger's words of two or more characters are only (jieba 0.42.1, no HMM): words of the dictionary,
    with their ``dict.txt`` tag, found in the text; runs of ASCII letters and digits, tagged ``eng``; runs of
    whitespace (``x``, empty once stripped). So when no word of the dictionary with such a tag occurs in the
    text, and ``eng`` is not one of the tags or the text has no two ASCII letters or digits in a row, no such
    word can come out, and :meth:`may_tag` says ``False``: exact, the same answer as tagging. When it says
    ``True`` the text is tagged as before (the word it found may lose to a longer one on jieba's best path).

    The words are found by walking the dictionary's prefix table (every prefix of a word is a key, with
    count 0) from each character, so nothing is built; whether a word's tag has one of the prefixes is
    remembered per screen.
    """

    _ASCII_RUN = re.compile(r"[A-Za-z0-9]{2}")  # two ASCII letters or digits in a row: an eng word
    _MEMO_LIMIT = 200_000  # words remembered per screen: bounded memory on any stream

    def __init__(self, prefixes: Iterable[str]):
        self.prefixes = tuple(prefixes)
        self.eng = any("eng".startswith(prefix) for prefix in self.prefixes)
        self._memo: dict[str, bool] = {}

    def may_tag(self, text: str) -> bool:
        """``False`` only when no word of ``text`` of two or more characters can be tagged with one of the
        prefixes (see the class)."""
        if self.eng and self._ASCII_RUN.search(text):
            return True
        dictionary = JiebaDictionary.shared()
        find, memo, prefixes, n = dictionary.find, self._memo, self.prefixes, len(text)
        for start in range(n - 1):
            stop = start + 2
            count = find(text[start:stop])  # None: no word of the dictionary starts with these characters
            while count is not None:
                if count:
                    word = text[start:stop]
                    tagged = memo.get(word)
                    if tagged is None:
                        tagged = (dictionary.tag(word) or "").startswith(prefixes)
                        if len(memo) < self._MEMO_LIMIT:
                            memo[word] = tagged
                    if tagged:
                        return True
                stop += 1
                if stop > n:
                    break
                count = find(text[start:stop])
        return False


_SCREENS: dict[tuple[str, ...], TagScreen] = {}


def tag_screen(prefixes: Iterable[str]) -> TagScreen:
    """The process's one :class:`TagScreen` for these tag prefixes."""
    screen = _SCREENS.get(prefixes)  # a cue's own tuple: found without sorting
    if screen is None:
        key = tuple(sorted(set(prefixes)))
        screen = _SCREENS.get(key) or _SCREENS.setdefault(key, TagScreen(key))
        if isinstance(prefixes, tuple):
            _SCREENS[prefixes] = screen
    return screen
