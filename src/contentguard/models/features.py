"""Shared featurizers for contentguard's models: one implementation used by training and prediction.

- :func:`normalize_text`: full-width to half-width, lower case, no emoji variation selectors;
- :func:`word_tokenizer`: jieba's words without HMM (:mod:`contentguard.engine.tokenize`, never the global jieba),
  one tokenizer per process;
- :func:`encode_vocabulary` / :func:`decode_vocabulary`: a vocabulary (tokens in column order) as one
  UTF-8 byte array inside the NPZ, so no pickle is needed;
- :class:`NgramTable`: the vocabulary's short character n-grams as an integer-keyed hash table, so a
  batch's character n-grams are looked up in one vectorized pass instead of one string at a time;
- :class:`TextFeaturizer`: character 1..n-grams, jieba words and word bigrams, cue tokens → TF-IDF rows,
  the featurizer of :class:`~contentguard.models.linear.LinearTextModel`;
- :func:`tf_idf`: sublinear TF-IDF rows with L2 norm from (row, column) pairs, as scikit-learn's
  ``TfidfVectorizer(sublinear_tf=True)`` computes them.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pydantic

if TYPE_CHECKING:
    import scipy.sparse as sp

    from ..engine.tokenize import Tokenizer

__all__ = [
    "CODE_BITS",
    "MAX_KEYED_NGRAM",
    "NgramTable",
    "TextFeatureSettings",
    "TextFeaturizer",
    "decode_vocabulary",
    "encode_vocabulary",
    "extend_keys",
    "ngram_hits",
    "read_cues",
    "normalize_text",
    "TfIdfRows",
    "tf_idf",
    "tf_idf_rows",
    "word_tokenizer",
]


def normalize_text(text: str) -> str:
    """Full-width to half-width, lower case, no emoji variation selectors."""
    return unicodedata.normalize("NFKC", text).lower().replace("\ufe0f", "")


_jieba_tokenizer: Tokenizer | None = None
_jieba_lock = threading.Lock()


def word_tokenizer() -> Tokenizer:
    """jieba's accurate mode without HMM (contentguard.engine.tokenize, never the global jieba), one per process."""
    global _jieba_tokenizer
    if _jieba_tokenizer is None:
        with _jieba_lock:
            if _jieba_tokenizer is None:
                from ..engine.tokenize import shared_tokenizer  # one jieba dictionary for the process (cf. #13)

                _jieba_tokenizer = shared_tokenizer()
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


def extend_keys(keys: np.ndarray, codes: np.ndarray, position: int) -> np.ndarray:
    """The keys of n-grams one character longer: ``keys`` (of ``position`` characters) extended by ``codes``.

    ``codes`` are code points + 1 (never 0). Up to :data:`MAX_KEYED_NGRAM` characters the key is exact: the
    concatenation of 21-bit fields. Longer n-grams get a 64-bit multiplicative hash of the shorter key and
    the next code (never 0); two distinct strings then share a key with a chance of about 2**-64 per pair.
    """
    if position < MAX_KEYED_NGRAM:
        return (keys << CODE_BITS) | codes
    mixed = (keys.view(np.uint64) * HASH_MULTIPLIER) ^ codes.astype(np.uint64)
    mixed = mixed.view(np.int64)
    mixed[mixed == 0] = 1
    return mixed


class NgramTable:
    """The vocabulary's tokens of 1..n_max characters as an integer-keyed hash table, for vectorized lookups.

    The key of characters c1..cn is the concatenation of the 21-bit fields (c1 + 1) .. (cn + 1): no
    field is zero, so distinct strings (of any lengths 1..3) have distinct keys, and 0 marks an empty
    slot; n-grams of four characters or more get hashed keys (:func:`extend_keys`).
    Every vocabulary token of those lengths is keyed, special or not (¬好 is also the plain bigram
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
            next_codes = codes[starts[present] + position].astype(np.int64) + 1
            keys[present] = extend_keys(keys[present], next_codes, position)
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



class TfIdfRows:
    """TF-IDF rows in CSR order, held as plain numpy arrays: what prediction needs, without scipy.

    ``row_of[i]``, ``indices[i]`` and ``data[i]`` are the row, column and value of the i-th stored cell, rows
    ascending and columns ascending within a row (the order of a canonical CSR matrix). :meth:`dot` is the
    matrix product with a dense array, the sums taken in the order scipy's CSR product takes them, so the
    result is the same to the last bit; :meth:`tocsr` gives the scipy matrix (for training and tests).
    Prediction goes through :meth:`dot`, so checking a text never imports scipy (its import costs more than
    a small file's whole check, #13).
    """

    __slots__ = ("row_of", "indices", "data", "shape")

    def __init__(self, row_of: np.ndarray, indices: np.ndarray, data: np.ndarray, shape: tuple[int, int]) -> None:
        self.row_of = row_of
        self.indices = indices
        self.data = data
        self.shape = shape

    def dot(self, dense: np.ndarray) -> np.ndarray:
        """``self @ dense`` for a 2-D float array of ``shape[1]`` rows: one row per TF-IDF row.

        Each output column is a ``np.bincount`` of value × coefficient, which adds cell by cell in storage
        order starting from 0.0, the same sums scipy's ``csr_matvecs`` makes row by row. Give ``dense`` in
        Fortran order (each column contiguous, as the models keep their coefficients): the gather of a
        column is then one pass over a small array, about twice scipy's time on a batch of 20,000 reviews
        (0.12 against 0.06 s) and far less than importing scipy for a small one."""
        n_rows = self.shape[0]
        result = np.empty((n_rows, dense.shape[1]), dtype=np.float64)
        for column in range(dense.shape[1]):  # one column at a time: one temporary of nnz floats, not k
            weights = dense[:, column].take(self.indices).astype(np.float64, copy=False)
            weights *= self.data
            result[:, column] = np.bincount(self.row_of, weights=weights, minlength=n_rows)
        return result

    def tocsr(self) -> sp.csr_matrix:
        import scipy.sparse as sp  # only here: prediction does not need it (#13)

        indptr = np.zeros(self.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.row_of, minlength=self.shape[0]), out=indptr[1:])
        return sp.csr_matrix((self.data, self.indices, indptr), shape=self.shape)


def tf_idf_rows(rows: np.ndarray, columns: np.ndarray, n_rows: int, idf: np.ndarray) -> TfIdfRows:
    """TF-IDF rows (sublinear tf, idf, L2 norm) from one (row, column) pair per counted token, in any order.

    The pairs are counted by one sort of their row-major cell numbers (np.unique), which also leaves them in
    CSR order: no sparse-matrix conversion or per-row index sort is needed."""
    n_columns = len(idf)
    cells, counts = np.unique(
        np.asarray(rows, dtype=np.int64) * n_columns + np.asarray(columns, dtype=np.int64), return_counts=True
    )
    row_of, indices = np.divmod(cells, n_columns)
    data = (np.log(counts) + 1.0) * idf[indices]
    norms = np.sqrt(np.bincount(row_of, weights=data * data, minlength=n_rows))
    norms[norms == 0.0] = 1.0
    data /= norms[row_of]
    return TfIdfRows(row_of, indices, data, (n_rows, n_columns))


def tf_idf(rows: np.ndarray, columns: np.ndarray, n_rows: int, idf: np.ndarray) -> sp.csr_matrix:
    """:func:`tf_idf_rows` as a scipy CSR matrix (what training and scikit-learn take)."""
    return tf_idf_rows(rows, columns, n_rows, idf).tocsr()


# --------------------------------------------------------------------------------------------------
# TextFeaturizer: character n-grams, jieba words and cue features, for any linear text model
# --------------------------------------------------------------------------------------------------

#: Version of what TextFeaturizer does with given settings. Bump it whenever a code change alters the
#: tokens of any text: a model trained with other tokens is then refused, not misread.
TEXT_FEATURIZER_VERSION = 1

_DIGITS = re.compile(r"\d")
_URLS = re.compile(r"https?://\S+|www\.\S+")
_MENTIONS = re.compile(r"(?://)?@[\w\-·]{1,30}:?")
WORD_TOKEN_PREFIX = "w:"
WORD_BIGRAM_JOINER = "|"
CUE_TOKEN_FORMAT = "<cue:{}>"


class TextFeatureSettings(pydantic.BaseModel):
    """How :class:`TextFeaturizer` turns texts into tokens; stored in the model header."""

    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")

    featurizer_version: int = pydantic.Field(TEXT_FEATURIZER_VERSION, description="see TEXT_FEATURIZER_VERSION")
    char_ngram_max: int = pydantic.Field(4, ge=1, le=6, description="character n-grams of length 1..n")
    word_ngram_max: int = pydantic.Field(
        0, ge=0, le=2, description="jieba words: 0 none, 1 words of two or more characters, 2 also word bigrams"
    )
    max_char_repeat: int = pydantic.Field(3, ge=1, description="runs of one character are cut to this")
    cues_file: str | None = pydantic.Field(
        None, description="companion file of '<name><TAB><cue>' lines; each cue found gives a <cue:name> token"
    )


def read_cues(path: Path) -> dict[str, tuple[str, ...]]:
    """A cue file: '<name><TAB><cue>' lines ('#' comments, blank lines skipped) as name -> normalized cues."""
    cues: dict[str, list[str]] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, cue = line.partition("\t")
        if not separator or not name.strip() or not cue.strip():
            raise ValueError(f"{path}:{number}: expected '<name><TAB><cue>', got {raw!r}")
        cues.setdefault(name.strip(), []).append(normalize_text(cue.strip()))
    return {name: tuple(values) for name, values in cues.items()}


class TextFeaturizer:
    """Texts → TF-IDF rows over character 1..n-grams, optional jieba words / word bigrams and cue tokens.

    Text is NFKC-normalized and lower-cased, URLs and @mentions dropped, digits read as 0 and runs of
    one character cut to ``max_char_repeat``; n-grams never cross whitespace. :meth:`tokens` is the
    reference (every token as a string); :meth:`transform` gives the same matrix faster, looking the
    character n-grams of a whole batch up in one vectorized pass (:class:`NgramTable`).

    Training: ``fit(texts)`` chooses the vocabulary and idf (scikit-learn's smoothed idf); prediction
    rebuilds the featurizer from the stored vocabulary and idf with :meth:`from_arrays`.
    """

    __slots__ = ("settings", "cues", "vocabulary", "idf", "_table", "_repeat", "_cue_pattern", "_cue_names")

    def __init__(self, settings: TextFeatureSettings, cues: dict[str, tuple[str, ...]] | None = None) -> None:
        if settings.featurizer_version != TEXT_FEATURIZER_VERSION:
            raise ValueError(
                f"features were made by text featurizer version {settings.featurizer_version}, "
                f"this contentguard makes version {TEXT_FEATURIZER_VERSION}"
            )
        self.settings = settings
        self.cues = dict(cues or {})
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0)
        self._table: NgramTable | None = None
        self._repeat = re.compile(rf"(.)\1{{{settings.max_char_repeat},}}")
        by_cue = {cue: name for name, values in sorted(self.cues.items()) for cue in values}
        self._cue_names = by_cue
        alternatives = sorted(by_cue, key=len, reverse=True)
        self._cue_pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    @classmethod
    def from_arrays(
        cls, settings: TextFeatureSettings, cues: dict[str, tuple[str, ...]] | None, vocabulary: dict[str, int],
        idf: np.ndarray,
    ) -> TextFeaturizer:
        featurizer = cls(settings, cues)
        featurizer._set_vocabulary(vocabulary, idf)
        return featurizer

    def _set_vocabulary(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = np.ascontiguousarray(idf, dtype=np.float64)
        self._table = NgramTable(vocabulary, self.settings.char_ngram_max)

    # ---- tokens -----------------------------------------------------------------------------
    def clean(self, text: str) -> str:
        """The normalized text whose whitespace-free segments give the n-grams, segments joined by one space."""
        if not isinstance(text, str):
            raise TypeError(f"model input must be str, got {type(text).__name__}")
        text = normalize_text(text)
        if "http" in text or "www." in text:
            text = _URLS.sub(" ", text)
        if "@" in text:
            text = _MENTIONS.sub(" ", text)
        text = _DIGITS.sub("0", text)
        text = self._repeat.sub(r"\1" * self.settings.max_char_repeat, text)
        return " ".join(text.split())

    def _other_tokens(self, cleaned: str) -> list[str]:
        """Every token but the plain character n-grams: words, word bigrams, cues."""
        tokens: list[str] = []
        if self._cue_pattern is not None:
            names = self._cue_names
            tokens.extend(CUE_TOKEN_FORMAT.format(names[m.group()]) for m in self._cue_pattern.finditer(cleaned))
        if self.settings.word_ngram_max and cleaned:
            bigrams = self.settings.word_ngram_max >= 2
            lcut = word_tokenizer().lcut
            for segment in cleaned.split(" "):
                words = lcut(segment, HMM=False)
                tokens.extend(WORD_TOKEN_PREFIX + word for word in words if len(word) > 1)
                if bigrams:
                    tokens.extend(
                        WORD_TOKEN_PREFIX + first + WORD_BIGRAM_JOINER + second
                        for first, second in zip(words, words[1:], strict=False)
                    )
        return tokens

    def tokens(self, text: str) -> list[str]:
        """Every feature token of a text, as strings (the reference for :meth:`transform`)."""
        cleaned = self.clean(text)
        tokens = []
        for segment in cleaned.split(" ") if cleaned else []:
            for n in range(1, self.settings.char_ngram_max + 1):
                tokens.extend(segment[i : i + n] for i in range(len(segment) - n + 1))
        tokens.extend(self._other_tokens(cleaned))
        return tokens

    # ---- training ------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], min_df: int = 2, max_features: int | None = None) -> TextFeaturizer:
        """Choose the vocabulary (tokens in >= min_df texts; the max_features most frequent) and the idf."""
        document_frequency: dict[str, int] = {}
        for text in texts:
            for token in set(self.tokens(text)):
                document_frequency[token] = document_frequency.get(token, 0) + 1
        kept = [(count, token) for token, count in document_frequency.items() if count >= min_df]
        kept.sort(key=lambda item: (-item[0], item[1]))
        if max_features is not None:
            kept = kept[:max_features]
        kept.sort(key=lambda item: item[1])  # columns in token order: the same vocabulary gives the same file
        vocabulary = {token: index for index, (_, token) in enumerate(kept)}
        counts = np.array([count for count, _ in kept], dtype=np.float64)
        idf = np.log((1.0 + len(texts)) / (1.0 + counts)) + 1.0
        self._set_vocabulary(vocabulary, idf)
        return self

    # ---- transform -----------------------------------------------------------------------------
    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF rows (sublinear tf, idf, L2 norm): the same matrix as :meth:`transform_reference`."""
        return self.transform_rows(texts).tocsr()

    def transform_rows(self, texts: Sequence[str]) -> TfIdfRows:
        """:meth:`transform` as :class:`TfIdfRows` (no scipy): what prediction uses."""
        if isinstance(texts, str):
            raise TypeError("transform takes a sequence of texts")
        table = self._table
        if table is None:
            raise ValueError("the featurizer has no vocabulary: fit it or build it with from_arrays")
        vocabulary_get = self.vocabulary.get
        cleaned = [self.clean(text) for text in texts]
        columns: list[int] = []
        row_lengths: list[int] = []
        for text in cleaned:
            indices = [index for index in map(vocabulary_get, self._other_tokens(text)) if index is not None]
            columns.extend(indices)
            row_lengths.append(len(indices))
        rows = np.repeat(np.arange(len(cleaned)), row_lengths)
        ngram_rows, ngram_columns = ngram_hits(cleaned, table, self.settings.char_ngram_max)
        return tf_idf_rows(
            np.concatenate([rows, ngram_rows]),
            np.concatenate([np.asarray(columns, dtype=np.int64), ngram_columns]),
            len(cleaned),
            self.idf,
        )

    def transform_reference(self, texts: Sequence[str]) -> sp.csr_matrix:
        """:meth:`transform` the plain way: every token of :meth:`tokens` through the vocabulary dict."""
        vocabulary_get = self.vocabulary.get
        columns: list[int] = []
        row_lengths: list[int] = []
        for text in texts:
            indices = [index for index in map(vocabulary_get, self.tokens(text)) if index is not None]
            columns.extend(indices)
            row_lengths.append(len(indices))
        rows = np.repeat(np.arange(len(row_lengths)), row_lengths)
        return tf_idf(rows, np.asarray(columns, dtype=np.int64), len(row_lengths), self.idf)


def ngram_hits(cleaned: Sequence[str], table: NgramTable, n_max: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every character 1..n_max-gram of the texts that is in the table.

    ``cleaned`` holds each text's segments joined by one space (no other whitespace). All texts are joined
    by one space too, so a space marks every segment and text boundary; no n-gram may contain one.
    """
    if not cleaned:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    text_lengths = np.fromiter(map(len, cleaned), dtype=np.int64, count=len(cleaned))
    codes = np.frombuffer(" ".join(cleaned).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = codes.astype(np.int64)
    boundary = codes == 32
    codes += 1
    codes[boundary] = 0
    inside = ~boundary
    position_rows = np.repeat(np.arange(len(cleaned)), text_lengths + 1)[: len(codes)]
    keys_by_n = []
    rows_by_n = []
    key = codes
    valid = inside
    for n in range(1, n_max + 1):
        if n > 1:  # extend every (n-1)-gram by the next character
            key = extend_keys(key[:-1], codes[n - 1 :], n - 1)
            valid = valid[:-1] & inside[n - 1 :]
        keys_by_n.append(key[valid])
        rows_by_n.append(position_rows[: len(valid)][valid])
    positions, columns = table.lookup(np.concatenate(keys_by_n))
    return np.concatenate(rows_by_n)[positions], columns.astype(np.int64)
