"""Stage 2 — tokenize: jieba word boundaries, only where a rule asks for them.

Segmenting every document would cost more than all other stages together, so the match stage
asks for the boundaries of a small window around a candidate hit only. The jieba tokenizer is
built once per process, on first use, with every lexicon term added as a user word so that
terms stay whole; it is left out when the ruleset is pickled for a worker process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

_SHARED = None
_SHARED_LOCK = threading.Lock()


def shared_tokenizer():
    """One plain jieba tokenizer per process — jieba's own dictionary, read from jieba's cache file —
    shared by every stage that reads it as it is (the context stage's tagger, the sentiment model's words)
    and under the ruleset's segmenter's own words. A jieba dictionary takes some 60 MB: one, not three.
    Never the global ``jieba.dt``, which an application may change. Nothing may add words to it."""
    global _SHARED
    if _SHARED is None:
        with _SHARED_LOCK:
            if _SHARED is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" chatter
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _SHARED = tokenizer
    return _SHARED


class _OverlayFreq(dict):
    """A jieba word-frequency table: the words added here over a shared table that stays unchanged
    (what ``add_word`` writes lands here; a word not here is looked up below)."""

    def __init__(self, base: dict):
        super().__init__()
        self.base = base

    def __missing__(self, key):
        return self.base[key]

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or key in self.base

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return self.base.get(key, default)


class WordSegmenter:
    """Lazily built jieba tokenizer with the ruleset's terms as user words."""

    def __init__(self, user_words: Iterable[str]):
        self._user_words = tuple(sorted({w for w in user_words if len(w) >= 2}))
        self._lock = threading.Lock()
        self._tokenizer = None

    def __getstate__(self):
        return {"user_words": self._user_words}

    def __setstate__(self, state):
        self.__init__(state["user_words"])

    @property
    def loaded(self) -> bool:
        return self._tokenizer is not None

    def _get(self):
        tokenizer = self._tokenizer
        if tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    import jieba

                    shared = shared_tokenizer()
                    built = jieba.Tokenizer()
                    # The shared dictionary with the terms over it, not a copy of its 500,000 entries.
                    built.FREQ = _OverlayFreq(shared.FREQ)
                    built.total = shared.total
                    built.initialized = True
                    for word in self._user_words:
                        built.add_word(word)
                    self._tokenizer = built
                tokenizer = self._tokenizer
        return tokenizer

    def tokens(self, text: str) -> list[str]:
        # HMM off: new-word guessing makes boundaries depend on distant characters.
        return self._get().lcut(text, HMM=False)

    def boundaries(self, text: str) -> tuple[frozenset[int], frozenset[int]]:
        """Token start offsets and token end offsets of ``text``."""
        starts, ends = [], []
        position = 0
        for token in self.tokens(text):
            starts.append(position)
            position += len(token)
            ends.append(position)
        return frozenset(starts), frozenset(ends)
