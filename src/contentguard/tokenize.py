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

                    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" chatter
                    built = jieba.Tokenizer()
                    built.initialize()
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
