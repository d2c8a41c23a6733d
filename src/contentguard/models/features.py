"""Shared featurizers for contentguard's models: one implementation used by training and prediction.

- :func:`normalize_text`: full-width to half-width, lower case, no emoji variation selectors;
- :func:`word_tokenizer`: a private jieba tokenizer (never the global one), built once per process;
- :func:`encode_vocabulary` / :func:`decode_vocabulary`: a vocabulary (tokens in column order) as one
  UTF-8 byte array inside the NPZ, so no pickle is needed;
- :class:`NgramTable`: the vocabulary's short character n-grams as an integer-keyed hash table, so a
  batch's character n-grams are looked up in one vectorized pass instead of one string at a time;
- :func:`tf_idf`: sublinear TF-IDF rows with L2 norm from (row, column) pairs, as scikit-learn's
  ``TfidfVectorizer(sublinear_tf=True)`` computes them.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    import jieba

__all__ = [
    "CODE_BITS",
    "MAX_KEYED_NGRAM",
    "NgramTable",
    "decode_vocabulary",
    "encode_vocabulary",
    "normalize_text",
    "tf_idf",
    "word_tokenizer",
]


def normalize_text(text: str) -> str:
    """Full-width to half-width, lower case, no emoji variation selectors."""
    return unicodedata.normalize("NFKC", text).lower().replace("\ufe0f", "")


_jieba_tokenizer: jieba.Tokenizer | None = None
_jieba_lock = threading.Lock()


def word_tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer (never the global one), built once per process on first use."""
    global _jieba_tokenizer
    if _jieba_tokenizer is None:
        with _jieba_lock:
            if _jieba_tokenizer is None:
                import jieba

                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _jieba_tokenizer = tokenizer
    return _jieba_tokenizer


def encode_vocabulary(tokens: Sequence[str]) -> np.ndarray:
    """Vocabulary tokens (in column order) as one UTF-8 byte array, newline separated."""
    if any("\n" in token for token in tokens):
        raise ValueError("vocabulary tokens must not contain newlines")
    return np.frombuffer("\n".join(tokens).encode("utf-8"), dtype=np.uint8)


def decode_vocabulary(blob: np.ndarray) -> dict[str, int]:
    tokens = blob.tobytes().decode("utf-8").split("\n") if blob.size else []
    return {token: index for index, token in enumerate(tokens)}


#: Bits per character in an n-gram key: every code point (< 0x110000) + 1 fits in 21 bits.
CODE_BITS = 21
#: Longest plain character n-gram an int64 key holds (3 x 21 = 63 bits).
MAX_KEYED_NGRAM = 3
#: Fibonacci hashing multiplier (2**64 / golden ratio) for the n-gram hash table.
HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


class NgramTable:
    """The vocabulary's tokens of 1..n_max characters as an integer-keyed hash table, for vectorized lookups.

    The key of characters c1..cn is the concatenation of the 21-bit fields (c1 + 1) .. (cn + 1): no
    field is zero, so distinct strings (of any lengths 1..3) have distinct keys, and 0 marks an empty
    slot. Every vocabulary token of those lengths is keyed, special or not (¬好 is also the plain bigram
    of a text holding ¬好): the sentiment model looks up only plain character n-grams
    here, and every other token in the vocabulary dict, so each token is counted once, as before.

    Open addressing with linear probing, at most half full; built without wrap-around (keys sorted by
    home slot, each placed in the first free slot at or after it), with a trailing empty slot so
    every probe sequence ends.
    """

    __slots__ = ("keys", "columns", "shift")

    def __init__(self, vocabulary: dict[str, int], n_max: int) -> None:
        lengths = np.fromiter(map(len, vocabulary), dtype=np.int64, count=len(vocabulary))
        columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))
        codes = np.frombuffer("".join(vocabulary).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        starts = np.cumsum(lengths) - lengths
        keyed = (lengths >= 1) & (lengths <= n_max)
        lengths, columns, starts = lengths[keyed], columns[keyed], starts[keyed]
        keys = np.zeros(len(lengths), dtype=np.int64)
        for position in range(n_max):
            present = lengths > position
            keys[present] = (keys[present] << CODE_BITS) | (codes[starts[present] + position].astype(np.int64) + 1)
        bits = max(int(2 * len(keys)).bit_length(), 4)  # table of 2**bits >= 2 x keys slots
        self.shift = np.uint64(64 - bits)
        home = self.slots(keys)
        order = np.argsort(home)  # any order among keys sharing a home slot will do
        home, keys, columns = home[order], keys[order], columns[order]
        steps = np.arange(len(keys), dtype=np.int64)
        # slot[i] = max(home[i], slot[i - 1] + 1): the first free slot at or after home[i].
        slot = np.maximum.accumulate(home - steps) + steps if len(keys) else home
        size = max(1 << bits, int(slot[-1]) + 1 if len(keys) else 0) + 1
        self.keys = np.zeros(size, dtype=np.int64)
        self.columns = np.zeros(size, dtype=np.int32 if len(vocabulary) < 2**31 else np.int64)
        self.keys[slot] = keys
        self.columns[slot] = columns
        self.keys.flags.writeable = False
        self.columns.flags.writeable = False

    def slots(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.view(np.uint64) * HASH_MULTIPLIER) >> self.shift).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``keys`` that are in the table, their columns); keys must be valid (non-zero)."""
        slot = self.slots(keys)
        table_keys = self.keys
        found_positions = []
        found_slots = []
        pending = np.arange(len(keys))
        while pending.size:
            slot_keys = table_keys[slot]
            match = slot_keys == keys
            found_positions.append(pending[match])
            found_slots.append(slot[match])
            go_on = ~match & (slot_keys != 0)  # occupied by another key: probe the next slot
            pending, keys, slot = pending[go_on], keys[go_on], slot[go_on] + 1
        positions = np.concatenate(found_positions) if found_positions else np.zeros(0, dtype=np.int64)
        slots = np.concatenate(found_slots) if found_slots else np.zeros(0, dtype=np.int64)
        return positions, self.columns[slots]



def tf_idf(rows: np.ndarray, columns: np.ndarray, n_rows: int, idf: np.ndarray) -> sp.csr_matrix:
    """TF-IDF rows (sublinear tf, idf, L2 norm) from one (row, column) pair per counted token, in any order."""
    counts = sp.csr_matrix(
        (np.ones(len(columns)), (rows, columns)),
        shape=(n_rows, len(idf)),
    )  # duplicates are summed (exactly: counts of ones) and indices sorted, whatever the input order
    counts.data = (np.log(counts.data) + 1.0) * idf[counts.indices]
    squared_norms = np.asarray(counts.multiply(counts).sum(axis=1)).ravel()
    norms = np.sqrt(squared_norms)
    norms[norms == 0.0] = 1.0
    counts.data /= np.repeat(norms, np.diff(counts.indptr))
    return counts
