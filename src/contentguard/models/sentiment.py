"""Sentiment stage: negative / neutral / positive with calibrated probabilities for Chinese short texts.

The model is a linear classifier over TF-IDF weighted features (character n-grams, jieba words,
Weibo emoticons and negation-scope marks) trained by ``benchmarks/train_sentiment.py``. It is stored
as plain data, never as pickle: a JSON header (format version, labels, feature settings, checksums,
provenance) beside an NPZ of arrays (vocabulary, idf, coefficients, intercepts) loaded with
``allow_pickle=False``, so loading a model file cannot execute code. Prediction is rebuilt here from
numpy/scipy primitives; feature extraction (:class:`FeatureExtractor`) is the one implementation
shared by training and prediction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pydantic
import regex
import scipy.sparse as sp

from contentguard.errors import ModelError
from contentguard.models.artifact import (
    FORMAT_VERSION,
    Artifact,
    ArtifactHeader,
    ShippedModel,
    read_artifact,
    shipped_model_dir,
)
from contentguard.models.features import (
    MAX_KEYED_NGRAM,
    decode_vocabulary,
    encode_vocabulary,
    extend_keys,
    ngram_hits,
    normalize_text,
    tf_idf,
    word_tokenizer,
)
from contentguard.report import LABELS, Sentiment

__all__ = [
    "EXTRACTOR_VERSION",
    "FORMAT_VERSION",
    "LABELS",
    "FeatureCues",
    "FeatureExtractor",
    "FeatureSettings",
    "ModelError",
    "ModelHeader",
    "encode_vocabulary",
    "Sentiment",
    "SentimentModel",
    "SortedKeys",
    "token_keys",
]

HEADER_FILE_NAME = "sentiment_model.json"
#: Decimal places kept in :attr:`Sentiment.scores`.
SCORE_DECIMALS = 4


# --------------------------------------------------------------------------------------------------
# Feature extraction (shared by training and prediction)
# --------------------------------------------------------------------------------------------------


#: Version of what FeatureExtractor does with given settings and cues. Bump it whenever a code change
#: alters the tokens of any text: a model trained with other tokens is then refused, not misread.
EXTRACTOR_VERSION = 3


class FeatureSettings(pydantic.BaseModel):
    """How texts become features; stored in the model header so prediction matches training."""

    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")

    extractor_version: int = pydantic.Field(EXTRACTOR_VERSION, description="see EXTRACTOR_VERSION")
    char_ngram_max: int = pydantic.Field(3, ge=1, le=5, description="character n-grams of length 1..n")
    negation_window: int = pydantic.Field(
        3, ge=0, le=8, description="characters after a negator that get negated features (0 = off)"
    )
    negated_ngram_max: int = pydantic.Field(2, ge=1, le=3, description="negated character n-grams 1..n")
    word_features: bool = pydantic.Field(False, description="add jieba words of two or more characters")
    lexicon_features: bool = pydantic.Field(
        True, description="add shared tokens for cue-listed positive / negative words, negated in scope"
    )
    max_char_repeat: int = pydantic.Field(3, ge=1, description="runs of one character are cut to this")
    contrast_features: bool = pydantic.Field(
        False,
        description="the clause after the text's last contrast cue (但是, 不过…) also gives »-prefixed 1-2-grams "
        "and lexicon tokens, so a mixed review can lean on its final clause as people read it",
    )


class FeatureCues(pydantic.BaseModel):
    """Negation, emoticon and sentiment-word cues read from the cue file beside the model (see its header)."""

    model_config = pydantic.ConfigDict(frozen=True)

    negators: frozenset[str]
    not_negators: frozenset[str]
    scope_breaks: frozenset[str]
    emoticons_positive: frozenset[str]
    emoticons_negative: frozenset[str]
    positive_words: frozenset[str]
    negative_words: frozenset[str]
    contrasts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str, source: str) -> FeatureCues:
        kinds: dict[str, set[str]] = {
            "negator": set(),
            "not_negator": set(),
            "scope_break": set(),
            "emoticon_positive": set(),
            "emoticon_negative": set(),
            "positive_word": set(),
            "negative_word": set(),
            "contrast": set(),
        }
        for line_number, raw_line in enumerate(text.splitlines(), start=1):
            line = raw_line.strip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            kind, separator, cue = line.partition("\t")
            if not separator or kind not in kinds or not cue.strip():
                raise ValueError(f"{source}:{line_number}: expected '<kind><TAB><cue>', got {line!r}")
            kinds[kind].add(normalize_text(cue.strip()))
        return cls(
            negators=frozenset(kinds["negator"]),
            not_negators=frozenset(kinds["not_negator"]),
            scope_breaks=frozenset(kinds["scope_break"]),
            emoticons_positive=frozenset(kinds["emoticon_positive"]),
            emoticons_negative=frozenset(kinds["emoticon_negative"]),
            positive_words=frozenset(kinds["positive_word"]),
            negative_words=frozenset(kinds["negative_word"]),
            contrasts=frozenset(kinds["contrast"]),
        )


# The stdlib ``re`` where it will do (it is faster on these short patterns); ``regex`` for \p classes.
_URL = re.compile(r"https?://\S+|www\.\S+")
# "//@name:" (repost chain) and "@name" mentions: the names are noise for sentiment.
_MENTION = re.compile(r"(?://)?@[\w\-·]{1,30}:?")
_BRACKET_EMOTICON = re.compile(r"\[([^\[\]\s]{1,12})\]")
_DIGIT = re.compile(r"\d")  # any Unicode decimal digit
# Characters that end a negation scope: whitespace, punctuation and symbols.
_SCOPE_BOUNDARY = regex.compile(r"[\s\p{P}\p{S}]")

URL_TOKEN = "<url>"
EMOTICON_POSITIVE_TOKEN = "<emo+>"
EMOTICON_NEGATIVE_TOKEN = "<emo->"
POSITIVE_WORD_TOKEN = "<word+>"
NEGATIVE_WORD_TOKEN = "<word->"
NEGATION_MARK = "¬"
CONTRAST_MARK = "»"
WORD_PREFIX = "w:"


class FeatureExtractor:
    """Turns a text into the list of feature tokens the model counts.

    Tokens: character n-grams of each whitespace-free segment; ``¬``-prefixed n-grams for the
    characters within a short window after a negator (so 并不好 and 不是很满意 carry a negated 好 /
    满意 even when the n-gram does not span the negator); bracket emoticons such as ``[哈哈]`` as
    whole tokens plus a shared ``<emo+>`` / ``<emo->`` token for cue-listed ones; and, optionally,
    jieba words (``w:`` prefix, ``w:¬`` inside a negation scope).
    """

    __slots__ = ("settings", "cues", "_cue_pattern", "_repeat", "_emoji", "_lexicon_pattern", "_contrast_pattern")

    def __init__(self, settings: FeatureSettings, cues: FeatureCues) -> None:
        self.settings = settings
        self.cues = cues
        # Longest alternatives first, so 没有 wins over 没 and 不错 (not a negation) over 不.
        alternatives = sorted(cues.not_negators | cues.negators | cues.scope_breaks, key=len, reverse=True)
        self._cue_pattern = re.compile("|".join(re.escape(cue) for cue in alternatives) or r"(?!)")
        self._repeat = re.compile(rf"(.)\1{{{settings.max_char_repeat},}}")
        # Emoji cues (single symbol characters) are looked for in the running text; the other
        # emoticon cues are bracket names such as 哈哈 in [哈哈], and must not fire on plain 开心 / 怒.
        emoji = sorted(
            cue
            for cue in cues.emoticons_positive | cues.emoticons_negative
            if len(cue) == 1 and unicodedata.category(cue) == "So"
        )
        self._emoji = re.compile("[" + "".join(re.escape(cue) for cue in emoji) + "]") if emoji else None
        lexicon = sorted(cues.positive_words | cues.negative_words, key=len, reverse=True)
        self._lexicon_pattern = (
            re.compile("|".join(re.escape(word) for word in lexicon)) if lexicon and settings.lexicon_features else None
        )
        contrasts = sorted(cues.contrasts, key=len, reverse=True)
        self._contrast_pattern = (
            re.compile("|".join(re.escape(cue) for cue in contrasts))
            if contrasts and settings.contrast_features else None
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (FeatureExtractor, (self.settings, self.cues))

    def tokens(self, text: str) -> list[str]:
        tokens, text = self._text_tokens(text)
        char_ngram_max = self.settings.char_ngram_max
        for segment in text.split():
            length = len(segment)
            for n in range(1, char_ngram_max + 1):
                tokens.extend([segment[i : i + n] for i in range(length - n + 1)])
            tokens.extend(self._segment_tokens(segment))
        return tokens

    def _text_tokens(self, text: str) -> tuple[list[str], str]:
        """The whole-text tokens (URLs, emoticons, emoji) and the cleaned text whose segments give the rest.

        The first half of :meth:`tokens`, shared with the batch path of :meth:`SentimentModel.transform`.
        """
        if not isinstance(text, str):
            raise TypeError(f"sentiment input must be str, got {type(text).__name__}")
        cues = self.cues
        text = normalize_text(text)
        tokens: list[str] = []
        if "http" in text or "www." in text:
            text, n_urls = _URL.subn(" ", text)
            tokens.extend([URL_TOKEN] * n_urls)
        if "@" in text:
            text = _MENTION.sub(" ", text)
        if "[" in text:
            for name in _BRACKET_EMOTICON.findall(text):
                tokens.append(f"[{name}]")
                if name in cues.emoticons_positive:
                    tokens.append(EMOTICON_POSITIVE_TOKEN)
                elif name in cues.emoticons_negative:
                    tokens.append(EMOTICON_NEGATIVE_TOKEN)
            text = _BRACKET_EMOTICON.sub(" ", text)
        if self._emoji is not None:
            for emoji in self._emoji.findall(text):
                positive = emoji in cues.emoticons_positive
                tokens.append(EMOTICON_POSITIVE_TOKEN if positive else EMOTICON_NEGATIVE_TOKEN)
        text = _DIGIT.sub("0", text)
        text = self._repeat.sub(r"\1" * self.settings.max_char_repeat, text)
        if self._contrast_pattern is not None:
            tokens.extend(self._contrast_tokens(text))
        return tokens, text

    def _contrast_tokens(self, text: str) -> list[str]:
        """»-prefixed 1-2-grams and lexicon tokens of the clause after the text's last contrast cue.

        People label "位置不错，但是早餐太差" by what follows 但是; these tokens let the model learn that weight.
        """
        last = None
        for match in self._contrast_pattern.finditer(text):  # type: ignore[union-attr]
            last = match
        if last is None:
            return []
        tokens: list[str] = []
        for segment in text[last.end() :].split():
            length = len(segment)
            for n in (1, 2):
                tokens.extend([CONTRAST_MARK + segment[i : i + n] for i in range(length - n + 1)])
            if self._lexicon_pattern is not None:
                positive_words = self.cues.positive_words
                tokens.extend(
                    CONTRAST_MARK + (POSITIVE_WORD_TOKEN if m.group() in positive_words else NEGATIVE_WORD_TOKEN)
                    for m in self._lexicon_pattern.finditer(segment)
                )
        return tokens

    def _segment_tokens(self, segment: str) -> list[str]:
        """A segment's tokens other than its plain character n-grams: negated n-grams, lexicon and word tokens."""
        settings = self.settings
        tokens: list[str] = []
        negated = self._negation_scopes(segment) if settings.negation_window else []
        negated_ngram_max = settings.negated_ngram_max
        for start, end in negated:
            for n in range(1, negated_ngram_max + 1):
                tokens.extend([NEGATION_MARK + segment[i : i + n] for i in range(start, end - n + 1)])
        if self._lexicon_pattern is not None:
            tokens.extend(self._lexicon_tokens(segment, negated))
        if settings.word_features:
            tokens.extend(self._words(segment, negated))
        return tokens

    def _lexicon_tokens(self, segment: str, negated: list[tuple[int, int]]) -> list[str]:
        """One shared token per cue-listed sentiment word: <word+> / <word->, ¬-prefixed in a negation scope.

        So 省心 or 变好, rare in the training data, still count through what the model learned for
        the cue list as a whole; 不好用 gives ¬<word+>.
        """
        tokens = []
        positive_words = self.cues.positive_words
        for match in self._lexicon_pattern.finditer(segment):  # type: ignore[union-attr]
            token = POSITIVE_WORD_TOKEN if match.group() in positive_words else NEGATIVE_WORD_TOKEN
            start = match.start()
            in_scope = any(scope_start <= start < scope_end for scope_start, scope_end in negated)
            tokens.append(NEGATION_MARK + token if in_scope else token)
        return tokens

    def _negation_scopes(self, segment: str) -> list[tuple[int, int]]:
        """Character spans [start, end) that follow a negator, up to the window or a boundary."""
        cues = self.cues
        window = self.settings.negation_window
        matches = [(m.start(), m.end(), m.group()) for m in self._cue_pattern.finditer(segment)]
        scopes: list[tuple[int, int]] = []
        for index, (_start, end, cue) in enumerate(matches):
            if cue not in cues.negators:
                continue
            limit = min(end + window, len(segment))
            for next_start, _next_end, next_cue in matches[index + 1 :]:
                if next_start >= limit:
                    break
                if next_cue in cues.negators or next_cue in cues.scope_breaks:
                    limit = next_start  # another negator or a 但/却 ends this scope
                    break
            boundary = _SCOPE_BOUNDARY.search(segment, end, limit)
            if boundary is not None:
                limit = boundary.start()
            if limit > end:
                scopes.append((end, limit))
        return scopes

    @staticmethod
    def _words(segment: str, negated: list[tuple[int, int]]) -> Iterable[str]:
        position = 0
        for word in word_tokenizer().lcut(segment, HMM=False):
            start = position
            position += len(word)
            if len(word) < 2:  # single characters are already character unigrams
                continue
            in_scope = any(scope_start <= start < scope_end for scope_start, scope_end in negated)
            yield (WORD_PREFIX + NEGATION_MARK + word) if in_scope else (WORD_PREFIX + word)


# --------------------------------------------------------------------------------------------------
# Model file
# --------------------------------------------------------------------------------------------------


class ModelHeader(ArtifactHeader):
    """The JSON header of the sentiment model: the common artifact fields and the sentiment model's own."""

    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")

    name: str = "sentiment"
    features: FeatureSettings
    cues_file: str = pydantic.Field(description="the companion file (listed in 'files') holding the feature cues")
    n_features: int
    temperature: float = pydantic.Field(gt=0, description="logits are divided by this (calibration)")
    sklearn_version: str

    @pydantic.model_validator(mode="after")
    def _cues_listed(self) -> ModelHeader:
        if self.cues_file not in self.files:
            raise ValueError(f"cues_file {self.cues_file!r} is not among the checksummed 'files'")
        return self


def _header_path(path: Path | None) -> Path:
    if path is None:
        return shipped_model_dir("sentiment") / HEADER_FILE_NAME
    path = Path(path)
    return path / HEADER_FILE_NAME if path.is_dir() else path


_RETRAIN = "retrain it with benchmarks/train_sentiment.py"


def token_keys(tokens: Sequence[str]) -> np.ndarray:
    """One int64 key per token, computed for the whole list at once (no Python loop over characters).

    Tokens of 1..3 characters get the exact key of :class:`~contentguard.models.features.NgramTable` (the
    21-bit fields of their code points + 1), the very key :func:`ngram_hits` computes for a plain character
    n-gram, so a token and the same n-gram of a text share a column. Longer tokens get the 64-bit hash of
    :func:`~contentguard.models.features.extend_keys` (two distinct tokens collide with a chance of about
    2**-64; the trainer refuses a vocabulary with a collision). The empty token has key 0, never used.
    """
    if not tokens:
        return np.zeros(0, dtype=np.int64)
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    codes = np.frombuffer("".join(tokens).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = codes.astype(np.int64) + 1
    starts = np.cumsum(lengths) - lengths
    keys = np.zeros(len(tokens), dtype=np.int64)
    for position in range(int(lengths.max())):
        present = np.flatnonzero(lengths > position)
        keys[present] = extend_keys(keys[present], codes[starts[present] + position], position)
    return keys


class SortedKeys:
    """The vocabulary as sorted int64 token keys: the lookup structure of the sentiment model.

    In a stored model the columns are in key order, so the column of a token is the position of its key
    and loading is ``np.load`` only (no dict, no hash table built); a model built from a token -> column
    dict keeps its columns, given in key order as ``columns``. A batch of keys is looked up with one
    ``np.searchsorted``. Same interface as :class:`~contentguard.models.features.NgramTable` for
    :func:`ngram_hits`.
    """

    __slots__ = ("keys", "columns")

    def __init__(self, keys: np.ndarray, columns: np.ndarray | None = None) -> None:
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        if len(keys) > 1 and not bool(np.all(keys[1:] > keys[:-1])):
            raise ValueError("token keys must be strictly increasing (sorted, no duplicates)")
        if columns is not None:
            columns = np.ascontiguousarray(columns, dtype=np.int64)
            if columns.shape != keys.shape:
                raise ValueError("token keys and columns differ in length")
            columns.flags.writeable = False
        keys.flags.writeable = False
        self.keys = keys
        self.columns = columns

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``keys`` that are in the vocabulary, their columns)."""
        table = self.keys
        if not len(table) or not len(keys):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        found = np.searchsorted(table, keys)
        np.minimum(found, len(table) - 1, out=found)
        positions = np.flatnonzero(table[found] == keys)
        found = found[positions]
        return positions, found if self.columns is None else self.columns[found]


class SentimentModel(ShippedModel):
    """A loaded sentiment model. Immutable, thread-safe, and cheap to pickle (it reloads from its file).

    Columns are in the order of their token keys (:func:`token_keys`), so the stored sorted keys are the
    whole lookup structure. The token strings (``vocabulary_utf8``) are decoded only when the reference
    path (:meth:`_transform_reference`) or a caller asks for :attr:`vocabulary`.
    """

    cache_key = "sentiment"

    __slots__ = (
        "header",
        "path",
        "_header_sha256",
        "_extractor",
        "_vocabulary_blob",
        "_vocabulary_cache",
        "_keys",
        "_idf",
        "_coefficients",
        "_intercepts",
        "_frozen",
    )

    def __init__(
        self,
        header: ModelHeader,
        path: Path,
        header_sha256: str,
        extractor: FeatureExtractor,
        vocabulary: dict[str, int] | np.ndarray,
        idf: np.ndarray,
        coefficients: np.ndarray,
        intercepts: np.ndarray,
        keys: np.ndarray | None = None,
    ) -> None:
        """``vocabulary``: token -> column (keyed here), or the stored UTF-8 blob of the tokens in column
        order, with ``keys`` their keys, sorted (the columns are in key order: the fast load)."""
        if isinstance(vocabulary, dict):
            tokens = [""] * len(vocabulary)
            for token, column in vocabulary.items():
                tokens[column] = token
            token_key_array = token_keys(tokens)
            order = np.argsort(token_key_array, kind="stable")
            keys = token_key_array[order]
            if len(keys) > 1 and not bool(np.all(keys[1:] > keys[:-1])):
                raise ModelError("two vocabulary tokens share a key; the vocabulary cannot be keyed")
            table = SortedKeys(keys, order)
            blob = encode_vocabulary(tokens)
            cache: dict[str, int] | None = dict(vocabulary)
        else:
            if keys is None:
                raise TypeError("a vocabulary blob needs its sorted keys")
            table = SortedKeys(keys)
            blob, cache = vocabulary, None
        self.header = header
        self.path = path
        self._header_sha256 = header_sha256
        self._extractor = extractor
        self._vocabulary_blob = blob
        self._vocabulary_cache = cache
        self._keys = table
        idf = np.ascontiguousarray(idf, dtype=np.float64)
        coefficients = np.ascontiguousarray(coefficients, dtype=np.float64)
        for array in (idf, coefficients, intercepts):
            array.flags.writeable = False
        self._idf = idf
        self._coefficients = coefficients  # (n_features, n_labels), C order for a fast sparse product
        self._intercepts = intercepts
        self._frozen = True




    def __repr__(self) -> str:
        return f"SentimentModel(path={str(self.path)!r}, n_features={self.header.n_features})"


    @property
    def feature_extractor(self) -> FeatureExtractor:
        return self._extractor

    @property
    def header_sha256(self) -> str:
        return self._header_sha256

    @property
    def vocabulary(self) -> dict[str, int]:
        """Token -> column, decoded from the stored tokens on first use (the prediction path never needs it)."""
        cache = self._vocabulary_cache
        if cache is None:
            cache = decode_vocabulary(self._vocabulary_blob)
            object.__setattr__(self, "_vocabulary_cache", cache)  # a cache of immutable data: safe to race
        return cache

    @property
    def keys(self) -> SortedKeys:
        return self._keys

    @classmethod
    def load(cls, path: Path | None = None) -> SentimentModel:
        """Load a model: a header file, a folder holding one, or None for the shipped model.

        Read through :func:`contentguard.models.artifact.read_artifact` (checksums, model card, no pickle).
        Loading is ``np.load`` and a few shape checks: no dict or table is built from the vocabulary.
        """
        artifact: Artifact[ModelHeader] = read_artifact(
            _header_path(path), ModelHeader, what="sentiment model", labels=LABELS, retrain_hint=_RETRAIN
        )
        header, header_path = artifact.header, artifact.path
        if header.features.extractor_version != EXTRACTOR_VERSION:
            raise ModelError(
                f"sentiment model file {header_path} was trained with feature extraction version "
                f"{header.features.extractor_version}, but this contentguard extracts version "
                f"{EXTRACTOR_VERSION}; {_RETRAIN}"
            )
        cues_path = artifact.file(header.cues_file)
        arrays_path = artifact.folder / header.arrays_file
        try:
            cues = FeatureCues.parse(cues_path.read_text(encoding="utf-8"), str(cues_path))
            blob = artifact.array("vocabulary_utf8")
            keys = np.ascontiguousarray(artifact.array("token_keys"), dtype=np.int64)
            idf = np.ascontiguousarray(artifact.array("idf"), dtype=np.float64)
            coefficients = np.ascontiguousarray(artifact.array("coefficients"), dtype=np.float64)
            intercepts = np.ascontiguousarray(artifact.array("intercepts"), dtype=np.float64)
        except (OSError, ValueError, UnicodeDecodeError) as error:
            raise ModelError(f"sentiment model file {arrays_path} is corrupt: {error}") from None
        n_features, n_labels = header.n_features, len(LABELS)
        if (
            keys.shape != (n_features,)
            or idf.shape != (n_features,)
            or coefficients.shape != (n_features, n_labels)
            or intercepts.shape != (n_labels,)
            or (n_features and blob.size and int(np.count_nonzero(blob == 10)) != n_features - 1)
        ):
            raise ModelError(
                f"sentiment model file {arrays_path} is corrupt: array shapes do not match "
                f"{n_features} features x {n_labels} labels"
            )
        try:
            return cls(
                header=header,
                path=header_path,
                header_sha256=artifact.header_sha256,
                extractor=FeatureExtractor(header.features, cues),
                vocabulary=blob,
                idf=idf,
                coefficients=coefficients,
                intercepts=intercepts,
                keys=keys,
            )
        except ValueError as error:
            raise ModelError(f"sentiment model file {arrays_path} is corrupt: {error}") from None

    # ----------------------------------------------------------------------------------------------
    # Prediction
    # ----------------------------------------------------------------------------------------------

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF rows (sublinear tf, smoothed idf, L2 norm), the same as the training vectorizer.

        Counts the tokens of :meth:`FeatureExtractor.tokens` without building most of them: the plain
        character n-grams of the whole batch are encoded as integer keys and looked up in one vectorized
        pass; the other tokens (negated n-grams, emoticons, cue tokens…) of the whole batch are keyed by
        :func:`token_keys` and looked up in one more pass. The result is identical to
        :meth:`_transform_reference`, which counts ``tokens()`` one by one through the vocabulary dict.
        """
        if isinstance(texts, str):
            raise TypeError("predict takes a sequence of texts; use predict_one for a single text")
        n_max = self.header.features.char_ngram_max
        if n_max > MAX_KEYED_NGRAM:  # plain n-grams of 4+ characters are hashed differently by ngram_hits
            return self._transform_reference(texts)
        text_tokens = self._extractor._text_tokens
        segment_tokens = self._extractor._segment_tokens
        other: list[str] = []  # the tokens that are not plain character n-grams, whole batch
        row_lengths: list[int] = []
        cleaned: list[str] = []  # per text: its segments joined by single spaces
        for text in texts:
            tokens, text = text_tokens(text)
            segments = text.split()
            for segment in segments:
                tokens.extend(segment_tokens(segment))
            other.extend(tokens)
            row_lengths.append(len(tokens))
            cleaned.append(" ".join(segments))
        n_rows = len(row_lengths)
        table = self._keys
        positions, columns = table.lookup(token_keys(other))
        rows = np.repeat(np.arange(n_rows), row_lengths)[positions]
        ngram_rows, ngram_columns = ngram_hits(cleaned, table, n_max)  # type: ignore[arg-type]
        return self._tf_idf(np.concatenate([rows, ngram_rows]), np.concatenate([columns, ngram_columns]), n_rows)

    def _transform_reference(self, texts: Sequence[str]) -> sp.csr_matrix:
        """:meth:`transform` the plain way: every token of ``FeatureExtractor.tokens`` through the dict.

        Kept as the reference the fast path is tested against, and for settings it does not cover.
        """
        if isinstance(texts, str):
            raise TypeError("predict takes a sequence of texts; use predict_one for a single text")
        vocabulary_get = self.vocabulary.get
        tokens = self._extractor.tokens
        columns: list[int] = []
        row_lengths: list[int] = []
        for text in texts:
            indices = [index for index in map(vocabulary_get, tokens(text)) if index is not None]
            columns.extend(indices)
            row_lengths.append(len(indices))
        n_rows = len(row_lengths)
        rows = np.repeat(np.arange(n_rows), row_lengths)
        return self._tf_idf(rows, np.asarray(columns, dtype=np.int64), n_rows)

    def _tf_idf(self, rows: np.ndarray, columns: np.ndarray, n_rows: int) -> sp.csr_matrix:
        """TF-IDF rows from one (row, column) pair per counted token, in any order."""
        return tf_idf(rows, columns, n_rows, self._idf)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in :data:`LABELS` order."""
        features = self.transform(texts)
        logits = np.asarray(features @ self._coefficients) + self._intercepts
        logits /= self.header.temperature
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return probabilities

    def predict(self, texts: Sequence[str]) -> list[Sentiment]:
        """Sentiment of every text, in order (one vectorized pass)."""
        probabilities = self.predict_proba(texts)
        best = probabilities.argmax(axis=1).tolist()
        rounded = _rounded(probabilities).tolist()
        # Built without re-validation: the scores are valid by construction (three labels, sum 1).
        return [
            Sentiment.model_construct(label=LABELS[label_index], scores=dict(zip(LABELS, row, strict=True)))
            for label_index, row in zip(best, rounded, strict=True)
        ]

    def predict_one(self, text: str) -> Sentiment:
        return self.predict([text])[0]


def _rounded(probabilities: np.ndarray) -> np.ndarray:
    """Round rows to SCORE_DECIMALS places so that each rounded row still sums to one.

    Largest-remainder rounding in integer units of 10**-SCORE_DECIMALS (rounding each value on its
    own can give rows summing to 0.9999 or 1.0001).
    """
    unit = 10**SCORE_DECIMALS
    scaled = probabilities * unit
    units = np.floor(scaled).astype(np.int64)
    shortfall = unit - units.sum(axis=1, keepdims=True)  # 0 .. n_labels - 1 units per row
    remainder_rank = np.argsort(np.argsort(units - scaled, axis=1, kind="stable"), axis=1)
    units += remainder_rank < shortfall  # one more unit to the largest remainders
    return units / unit
