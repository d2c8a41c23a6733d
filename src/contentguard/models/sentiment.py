"""Sentiment stage: negative / neutral / positive with calibrated probabilities for Chinese short texts.

The model is a linear classifier over TF-IDF weighted features (character n-grams, jieba words,
Weibo emoticons and negation-scope marks) trained by ``benchmarks/train_sentiment.py``. It is stored
as plain data, never as pickle: a JSON header (format version, labels, feature settings, checksums,
provenance) beside an NPZ of arrays (vocabulary, idf, coefficients, intercepts) loaded with
``allow_pickle=False``, so loading a model file cannot execute code. Prediction is rebuilt here from
numpy primitives (scipy only for :meth:`SentimentModel.transform`'s matrix); feature extraction
(:class:`FeatureExtractor`) is the one implementation shared by training and prediction.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ahocorasick_rs
import numpy as np
import pydantic
import regex

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
    HASH_MULTIPLIER,
    TfIdfRows,
    decode_vocabulary,
    encode_vocabulary,
    extend_keys,
    normalize_text,
    tf_idf_rows,
    word_tokenizer,
)
from contentguard.report import LABELS, Sentiment

if TYPE_CHECKING:
    import scipy.sparse as sp

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
    pre_contrast_features: bool = pydantic.Field(
        False,
        description="the text before its last contrast cue also gives «-prefixed 1-2-grams and lexicon tokens, "
        "so the model can discount what a mixed review concedes before 但是 (needs contrast_features)",
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
PRE_CONTRAST_MARK = "«"
WORD_PREFIX = "w:"


class _LazyRe:
    """A stdlib ``re`` pattern compiled on first use: the reference path's big alternations (the lexicon, the
    negation cues) cost a few hundredths of a second to compile, and the batch path never runs them (#13)."""

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        compiled = self._compiled
        if compiled is None:  # two threads may both compile it: the same result
            compiled = self._compiled = re.compile(self.source)
        return compiled.finditer(text)


class _Literals:
    """Leftmost-longest, non-overlapping search for a list of literal words: the matches of the regex
    alternation of the words, longest first (what the per-text path runs), found by an Aho-Corasick
    automaton over the whole batch; the regex where the automaton cannot take the text (lone surrogates)."""

    __slots__ = ("words", "_automaton", "_pattern")

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(words, key=lambda word: (-len(word), word))
        self._automaton = ahocorasick_rs.AhoCorasick(self.words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self._pattern = _LazyRe("|".join(re.escape(word) for word in self.words))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of every match, in order; positions in code points."""
        try:
            found = self._automaton.find_matches_as_indexes(text)
        except UnicodeError:  # a lone surrogate: the automaton takes UTF-8 text only
            return [(m.start(), m.end(), m.group()) for m in self._pattern.finditer(text)]
        words = self.words
        return [(start, end, words[index]) for index, start, end in found]


class FeatureExtractor:
    """Turns a text into the list of feature tokens the model counts.

    Tokens: character n-grams of each whitespace-free segment; ``¬``-prefixed n-grams for the
    characters within a short window after a negator (so 并不好 and 不是很满意 carry a negated 好 /
    满意 even when the n-gram does not span the negator); bracket emoticons such as ``[哈哈]`` as
    whole tokens plus a shared ``<emo+>`` / ``<emo->`` token for cue-listed ones; and, optionally,
    jieba words (``w:`` prefix, ``w:¬`` inside a negation scope).
    """

    __slots__ = ("settings", "cues", "_cue_pattern", "_repeat", "_emoji", "_lexicon_pattern", "_contrast_pattern",
                 "_cue_literals", "_lexicon_literals", "_emoji_codes", "_emoji_positive_codes")

    def __init__(self, settings: FeatureSettings, cues: FeatureCues) -> None:
        self.settings = settings
        self.cues = cues
        # Longest alternatives first, so 没有 wins over 没 and 不错 (not a negation) over 不.
        alternatives = sorted(cues.not_negators | cues.negators | cues.scope_breaks, key=len, reverse=True)
        self._cue_pattern = _LazyRe("|".join(re.escape(cue) for cue in alternatives) or r"(?!)")
        self._repeat = re.compile(rf"(.)\1{{{settings.max_char_repeat},}}")
        # Emoji cues (single symbol characters) are looked for in the running text; the other
        # emoticon cues are bracket names such as 哈哈 in [哈哈], and must not fire on plain 开心 / 怒.
        emoji = sorted(
            cue
            for cue in cues.emoticons_positive | cues.emoticons_negative
            if len(cue) == 1 and unicodedata.category(cue) == "So"
        )
        self._emoji = re.compile("[" + "".join(re.escape(cue) for cue in emoji) + "]") if emoji else None
        self._emoji_codes = np.array([ord(cue) for cue in emoji], dtype=np.uint32)  # sorted, as _in_sorted needs
        self._emoji_positive_codes = np.array([ord(cue) for cue in emoji if cue in cues.emoticons_positive],
                                              dtype=np.uint32)
        lexicon = sorted(cues.positive_words | cues.negative_words, key=len, reverse=True)
        self._lexicon_pattern = (
            _LazyRe("|".join(re.escape(word) for word in lexicon)) if lexicon and settings.lexicon_features else None
        )
        contrasts = sorted(cues.contrasts, key=len, reverse=True)
        self._contrast_pattern = (
            re.compile("|".join(re.escape(cue) for cue in contrasts))
            if contrasts and settings.contrast_features else None
        )
        # The same searches for the batch path (FeatureExtractor.batch_keys).
        self._cue_literals = _Literals(alternatives) if alternatives else None
        self._lexicon_literals = _Literals(lexicon) if self._lexicon_pattern is not None else None

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
        tokens: list[str] = []
        text = self._strip_markup(normalize_text(text), 0, [], tokens)
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
        tokens = self._clause_tokens(text[last.end() :], CONTRAST_MARK)
        if self.settings.pre_contrast_features:
            tokens.extend(self._clause_tokens(text[: last.start()], PRE_CONTRAST_MARK))
        return tokens

    def _clause_tokens(self, clause: str, mark: str) -> list[str]:
        """``mark``-prefixed 1-2-grams and lexicon tokens of the segments of a clause."""
        tokens: list[str] = []
        for segment in clause.split():
            length = len(segment)
            for n in (1, 2):
                tokens.extend([mark + segment[i : i + n] for i in range(length - n + 1)])
            if self._lexicon_pattern is not None:
                positive_words = self.cues.positive_words
                tokens.extend(
                    mark + (POSITIVE_WORD_TOKEN if m.group() in positive_words else NEGATIVE_WORD_TOKEN)
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

    # ----------------------------------------------------------------------------------------------
    # The batch path: every token of a whole batch as integer keys, no token string built
    # ----------------------------------------------------------------------------------------------

    def batch_keys(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """(row, key) of every token :meth:`tokens` gives each text, for a whole batch at once.

        The keys are those of :func:`token_keys`, so ``sorted(zip(rows, keys))`` is the multiset of
        ``token_keys(tokens(text))`` over the batch. The texts are joined by newlines (a newline inside a
        text becomes a space: both are whitespace, and whitespace only ever separates segments) and every
        step runs once over the joined string: normalisation, the URL / mention / emoticon / digit / repeat
        substitutions and the cue searches (no cue, URL, mention or emoticon can span whitespace, so none
        spans two texts); character n-grams, negation scopes, contrast clauses and lexicon tokens are then
        keyed with numpy over the code points. None when the settings ask for jieba words (the per-text
        path counts those).
        """
        if self.settings.word_features:
            return None
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"sentiment input must be str, got {type(text).__name__}")
        cues = self.cues
        n_texts = len(texts)
        joined = normalize_text("\n".join([text.replace("\n", " ") for text in texts]))
        rows_parts: list[np.ndarray] = []
        keys_parts: list[np.ndarray] = []
        named_rows: list[int] = []  # tokens that are not n-grams of the cleaned text: (row, token string)
        named_tokens: list[str] = []
        if "http" in joined or "www." in joined or "@" in joined or "[" in joined:
            # URLs, mentions and bracket emoticons: text by text, only in the texts that have one.
            cleaned = joined.split("\n")
            for row, text in enumerate(cleaned):
                if "http" in text or "www." in text or "@" in text or "[" in text:
                    cleaned[row] = self._strip_markup(text, row, named_rows, named_tokens)
            joined = "\n".join(cleaned)
        if self._emoji is not None:
            codes = _codes(joined)
            at = np.flatnonzero(_in_sorted(codes, self._emoji_codes))
            if len(at):
                positive = _in_sorted(codes[at], self._emoji_positive_codes)
                named_rows.extend(_rows_at(joined, at).tolist())
                named_tokens.extend(EMOTICON_POSITIVE_TOKEN if flag else EMOTICON_NEGATIVE_TOKEN
                                    for flag in positive.tolist())
        joined = _DIGIT.sub("0", joined)
        joined = self._repeat.sub(r"\1" * self.settings.max_char_repeat, joined)

        codes = _codes(joined)
        if int(np.count_nonzero(codes == 10)) != max(n_texts - 1, 0):  # cannot happen (see above), but checked
            raise AssertionError("a substitution removed or added a text separator")
        row_of = np.zeros(len(codes), dtype=np.int64)
        if len(codes):
            row_of[1:] = np.cumsum(codes[:-1] == 10)
        space, boundary = _char_classes(codes)
        shifted = codes.astype(np.int64) + 1

        # Plain character n-grams of every segment.
        rows, keys = _ngram_keys(shifted, space, row_of, self.settings.char_ngram_max, prefix=None)
        rows_parts.append(rows)
        keys_parts.append(keys)

        # Negation scopes: [end of a negator, up to the window, the next negator or scope break, whitespace,
        # punctuation or a symbol).
        negated = np.zeros(len(codes) + 1, dtype=bool)
        if self.settings.negation_window:
            cue_matches = self._cue_literals.find(joined) if self._cue_literals is not None else []
            if cue_matches:
                negators, breaks = cues.negators, cues.scope_breaks
                starts = np.array([start for start, _, _ in cue_matches], dtype=np.int64)
                ends = np.array([end for _, end, _ in cue_matches], dtype=np.int64)
                is_negator = np.array([cue in negators for _, _, cue in cue_matches], dtype=bool)
                cuts = is_negator | np.array([cue in breaks for _, _, cue in cue_matches], dtype=bool)
                # The start of the next cutting match after each match (len(codes) when none).
                cut_starts = np.where(cuts, starts, len(codes))
                next_cut = np.minimum.accumulate(cut_starts[::-1])[::-1]
                next_cut = np.append(next_cut[1:], len(codes))
                scope_starts = ends[is_negator]
                limits = np.minimum(scope_starts + self.settings.negation_window, next_cut[is_negator])
                limits = np.minimum(limits, len(codes))
                lengths = np.zeros(len(scope_starts), dtype=np.int64)
                open_ = limits > scope_starts
                for offset in range(self.settings.negation_window):
                    position = scope_starts + offset
                    open_ &= position < limits
                    open_[open_] &= ~(boundary[position[open_]] | space[position[open_]])
                    lengths += open_
                kept = lengths > 0
                scope_starts, lengths = scope_starts[kept], lengths[kept]
                if len(scope_starts):
                    # Every position inside a scope, with its scope's end.
                    inside = np.repeat(scope_starts, lengths) + (
                        np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
                    )
                    scope_ends = np.repeat(scope_starts + lengths, lengths)
                    negated[inside] = True
                    for n in range(1, self.settings.negated_ngram_max + 1):
                        fits = inside + n <= scope_ends
                        firsts = inside[fits]
                        key = np.full(len(firsts), ord(NEGATION_MARK) + 1, dtype=np.int64)
                        for offset in range(n):
                            key = extend_keys(key, shifted[firsts + offset], offset + 1)
                        rows_parts.append(row_of[firsts])
                        keys_parts.append(key)

        # Lexicon tokens: <word+> / <word->, ¬-prefixed inside a negation scope.
        if self._lexicon_literals is not None:
            positive_words = cues.positive_words
            found = [(start, word in positive_words) for start, _, word in self._lexicon_literals.find(joined)]
            if found:
                starts = np.array([start for start, _ in found], dtype=np.int64)
                positive = np.array([is_positive for _, is_positive in found], dtype=bool)
                in_scope = negated[starts]
                lexicon = _lexicon_keys()
                keys_parts.append(lexicon[positive.astype(np.int64) * 2 + in_scope.astype(np.int64)])
                rows_parts.append(row_of[starts])

        # Contrast: the clause after each text's last contrast cue gives »-prefixed 1-2-grams and lexicon tokens
        # (and, with pre_contrast_features, the text before it «-prefixed ones).
        if self._contrast_pattern is not None:
            last: dict[int, tuple[int, int]] = {}
            spans = [(m.start(), m.end()) for m in self._contrast_pattern.finditer(joined)]
            if spans:
                for row, span in zip(row_of[[start for start, _ in spans]].tolist(), spans, strict=True):
                    last[row] = span  # later matches overwrite: the last one of each text
                text_ends = np.append(np.flatnonzero(codes == 10), len(codes))
                text_starts = np.concatenate([[0], text_ends[:-1] + 1])
                contrast_rows = list(last)
                row_map = np.asarray(contrast_rows, dtype=np.int64)
                after = [joined[last[row][1] : int(text_ends[row])] for row in contrast_rows]
                self._clause_keys(after, row_map, CONTRAST_MARK, 4, rows_parts, keys_parts)
                if self.settings.pre_contrast_features:
                    before = [joined[int(text_starts[row]) : last[row][0]] for row in contrast_rows]
                    self._clause_keys(before, row_map, PRE_CONTRAST_MARK, 6, rows_parts, keys_parts)

        if named_tokens:
            rows_parts.append(np.asarray(named_rows, dtype=np.int64))
            keys_parts.append(token_keys(named_tokens))
        if not keys_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows_parts), np.concatenate(keys_parts)

    def _clause_keys(self, clauses: list[str], row_map: np.ndarray, mark: str, lexicon_offset: int,
                     rows_parts: list[np.ndarray], keys_parts: list[np.ndarray]) -> None:
        """The keys of :meth:`_clause_tokens` for a clause of each text in ``row_map`` (batch path)."""
        joined = "\n".join(clauses)
        codes = _codes(joined)
        row_of = np.zeros(len(codes), dtype=np.int64)
        if len(codes):
            row_of[1:] = np.cumsum(codes[:-1] == 10)
        space, _ = _char_classes(codes)
        rows, keys = _ngram_keys(codes.astype(np.int64) + 1, space, row_of, 2, prefix=ord(mark) + 1)
        rows_parts.append(row_map[rows])
        keys_parts.append(keys)
        if self._lexicon_literals is not None:
            positive_words = self.cues.positive_words
            found = [(start, word in positive_words) for start, _, word in self._lexicon_literals.find(joined)]
            if found:
                positive = np.array([is_positive for _, is_positive in found], dtype=bool)
                keys_parts.append(_lexicon_keys()[lexicon_offset + positive.astype(np.int64)])
                rows_parts.append(row_map[row_of[[start for start, _ in found]]])

    def _strip_markup(self, text: str, row: int, rows: list[int], tokens: list[str]) -> str:
        """The URL, mention and bracket-emoticon steps on one normalized text, shared by :meth:`_text_tokens`
        and the batch path: the text without them, their tokens appended to ``tokens`` (``row`` to ``rows``)."""
        cues = self.cues
        found: list[str] = []
        if "http" in text or "www." in text:
            text, n_urls = _URL.subn(" ", text)
            found.extend([URL_TOKEN] * n_urls)
        if "@" in text:
            text = _MENTION.sub(" ", text)
        if "[" in text:
            for name in _BRACKET_EMOTICON.findall(text):
                found.append(f"[{name}]")
                if name in cues.emoticons_positive:
                    found.append(EMOTICON_POSITIVE_TOKEN)
                elif name in cues.emoticons_negative:
                    found.append(EMOTICON_NEGATIVE_TOKEN)
            text = _BRACKET_EMOTICON.sub(" ", text)
        tokens.extend(found)
        rows.extend([row] * len(found))
        return text

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


# --------------------------------------------------------------------------------------------------
# Helpers of the batch path (FeatureExtractor.batch_keys)
# --------------------------------------------------------------------------------------------------


def _codes(text: str) -> np.ndarray:
    """The code points of a text (lone surrogates included) as uint32."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _in_sorted(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """``np.isin(values, members)`` for sorted ``members``, by binary search: np.isin imports numpy.ma, which
    costs a one-file check more than the search (#13)."""
    if not len(members):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(members, values), len(members) - 1)
    return members[at] == values


def _rows_at(text: str, positions: Sequence[int]) -> np.ndarray:
    """The text (row) of each position of a newline-joined batch: the number of newlines before it."""
    newlines = np.flatnonzero(_codes(text) == 10)
    return np.searchsorted(newlines, np.asarray(positions, dtype=np.int64))


# Per code point, filled on first sight: known, whitespace (str.isspace: what separates segments) and
# scope boundary (_SCOPE_BOUNDARY: whitespace, punctuation, symbols). Filling races are benign: every
# thread writes the same values, and ``known`` is set last.
_CLASS_KNOWN = np.zeros(0x110000, dtype=bool)
_CLASS_SPACE = np.zeros(0x110000, dtype=bool)
_CLASS_BOUNDARY = np.zeros(0x110000, dtype=bool)


def _char_classes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whitespace, negation-scope boundary) for each code point, as boolean arrays."""
    unknown = codes[~_CLASS_KNOWN[codes]]
    if len(unknown):
        seen = np.zeros(len(_CLASS_KNOWN), dtype=bool)
        seen[unknown] = True
        fresh = np.flatnonzero(seen).tolist()  # np.unique, without its import of numpy.ma (#13)
        characters = [chr(code) for code in fresh]
        _CLASS_SPACE[fresh] = [character.isspace() for character in characters]
        _CLASS_BOUNDARY[fresh] = [_SCOPE_BOUNDARY.match(character) is not None for character in characters]
        _CLASS_KNOWN[fresh] = True
    return _CLASS_SPACE[codes], _CLASS_BOUNDARY[codes]


def _ngram_keys(
    shifted: np.ndarray, space: np.ndarray, row_of: np.ndarray, n_max: int, prefix: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) of every 1..n_max-gram of non-whitespace characters (code points + 1 in ``shifted``),
    as :func:`token_keys` keys the n-gram string, or the string with ``prefix`` (a code point + 1) before it."""
    rows_by_n, keys_by_n = [], []
    valid = ~space
    start = 0 if prefix is None else 1
    key = shifted if prefix is None else extend_keys(np.full(len(shifted), prefix, dtype=np.int64), shifted, 1)
    for n in range(1, n_max + 1):
        if n > 1:  # extend every (n-1)-gram by the next character
            key = extend_keys(key[:-1], shifted[n - 1 :], n - 1 + start)
            valid = valid[:-1] & ~space[n - 1 :]
        keys_by_n.append(key[valid])
        rows_by_n.append(row_of[: len(valid)][valid])
    if not keys_by_n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows_by_n), np.concatenate(keys_by_n)


@functools.cache
def _lexicon_keys() -> np.ndarray:
    """Keys of <word->, ¬<word->, <word+>, ¬<word+>, »<word->, »<word+>, «<word->, «<word+>, in that order."""
    return token_keys([
        NEGATIVE_WORD_TOKEN, NEGATION_MARK + NEGATIVE_WORD_TOKEN, POSITIVE_WORD_TOKEN,
        NEGATION_MARK + POSITIVE_WORD_TOKEN, CONTRAST_MARK + NEGATIVE_WORD_TOKEN, CONTRAST_MARK + POSITIVE_WORD_TOKEN,
        PRE_CONTRAST_MARK + NEGATIVE_WORD_TOKEN, PRE_CONTRAST_MARK + POSITIVE_WORD_TOKEN,
    ])



_MAX_CODE_POINT = 0x10FFFF


class SortedKeys:
    """The vocabulary as sorted int64 token keys: the lookup structure of the sentiment model.

    In a stored model the columns are in key order, so the column of a token is the position of its key
    and loading is ``np.load`` only (no dict, no hash table built); a model built from a token -> column
    dict keeps its columns, given in key order as ``columns``. A batch of keys is found with :meth:`find`:
    single characters (keys below 2**21) in a direct table of every code point, the rest in an
    open-addressing hash table; both are built when the keys looked up so far reach the vocabulary's size
    (building them costs about what a binary search of that many keys does, a few hundredths of a second).
    Until then a binary search of the sorted keys finds them: a one-file scan never builds the tables (#13).
    :meth:`lookup` gives the same hits in the order of ``keys``.
    """

    __slots__ = ("keys", "columns", "_tables", "_searched")

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
        self._tables: tuple[np.ndarray, np.ndarray, np.ndarray, np.uint64] | None = None
        self._searched = 0  # keys looked up by binary search so far

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``keys`` that are in the vocabulary, ascending, and their columns)."""
        positions, columns = self.find(keys)
        order = np.argsort(positions, kind="stable")
        return positions[order], columns[order]

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``keys`` that are in the vocabulary, in no particular order, and their columns)."""
        keys = np.asarray(keys, dtype=np.int64)
        if not len(self.keys) or not len(keys):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        tables = self._tables
        if tables is None:
            searched = self._searched + len(keys)
            if searched < len(self.keys):
                self._searched = searched  # racing threads may under-count: they only search longer
                return self._search(keys)
            tables = self._build()
        characters, slot_keys, slot_columns, shift = tables
        single = (keys > 0) & (keys < len(characters))  # the keys the direct table holds, or would hold
        single_positions = np.flatnonzero(single)
        single_columns = characters[keys[single_positions]]
        hit = single_columns >= 0
        found_positions = [single_positions[hit]]
        found_columns = [single_columns[hit].astype(np.int64)]
        pending = np.flatnonzero(~single & (keys != 0))  # 0: the empty token's key, and an empty slot's
        probe = keys[pending]
        slot = ((probe.view(np.uint64) * HASH_MULTIPLIER) >> shift).astype(np.int64)
        while pending.size:  # linear probing; every probe sequence ends at an empty slot (key 0)
            at = slot_keys[slot]
            match = at == probe
            found_positions.append(pending[match])
            found_columns.append(slot_columns[slot[match]])
            go_on = ~match & (at != 0)
            pending, probe, slot = pending[go_on], probe[go_on], slot[go_on] + 1
        return np.concatenate(found_positions), np.concatenate(found_columns)

    def _search(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`find` by binary search of the sorted keys (the same hits, no tables needed)."""
        at = np.searchsorted(self.keys, keys)
        inside = at < len(self.keys)
        positions = np.flatnonzero(inside)
        hit = (self.keys[at[positions]] == keys[positions]) & (keys[positions] != 0)
        positions, at = positions[hit], at[positions[hit]]
        return positions, (at if self.columns is None else self.columns[at])

    def _build(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.uint64]:
        """The direct table of single characters and the hash table of the other keys (see the class).

        The hash table is built without wrap-around (keys sorted by home slot, each in the first free slot at
        or after it) and ends with an empty slot, as :class:`~contentguard.models.features.NgramTable`."""
        keys = self.keys
        columns = np.arange(len(keys), dtype=np.int64) if self.columns is None else self.columns
        size = _MAX_CODE_POINT + 2  # the key of a character is its code point + 1
        single = (keys > 0) & (keys < size)
        characters = np.full(size if single.any() else 1, -1, dtype=np.int32)
        characters[keys[single]] = columns[single]
        other_keys, other_columns = keys[~single], columns[~single]
        bits = max(int(2 * len(other_keys)).bit_length(), 4)  # 2**bits >= 2 x keys slots: at most half full
        shift = np.uint64(64 - bits)
        home = ((other_keys.view(np.uint64) * HASH_MULTIPLIER) >> shift).astype(np.int64)
        order = np.argsort(home, kind="stable")
        home, other_keys, other_columns = home[order], other_keys[order], other_columns[order]
        steps = np.arange(len(other_keys), dtype=np.int64)
        slot = np.maximum.accumulate(home - steps) + steps if len(other_keys) else home
        size = max(1 << bits, int(slot[-1]) + 1 if len(other_keys) else 0) + 1
        slot_keys = np.zeros(size, dtype=np.int64)
        slot_columns = np.zeros(size, dtype=np.int64)
        slot_keys[slot] = other_keys
        slot_columns[slot] = other_columns
        for array in (characters, slot_keys, slot_columns):
            array.flags.writeable = False
        tables = (characters, slot_keys, slot_columns, shift)
        self._tables = tables  # racing threads build equal tables: harmless
        return tables


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
        coefficients = np.asfortranarray(coefficients, dtype=np.float64)
        for array in (idf, coefficients, intercepts):
            array.flags.writeable = False
        self._idf = idf
        self._coefficients = coefficients  # (n_features, n_labels), each column contiguous (TfIdfRows.dot)
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

        One pass per batch, no token string built: :meth:`FeatureExtractor.batch_keys` keys every token of
        every text with numpy over the joined batch, :meth:`SortedKeys.find` looks them all up at once. The
        result is identical to :meth:`_transform_reference`, which counts ``tokens()`` one by one through
        the vocabulary dict, and does not depend on how texts are batched.
        """
        return self._rows(texts).tocsr()

    def _rows(self, texts: Sequence[str]) -> TfIdfRows:
        """:meth:`transform` as :class:`TfIdfRows`: prediction uses these, and never imports scipy."""
        if isinstance(texts, str):
            raise TypeError("predict takes a sequence of texts; use predict_one for a single text")
        keyed = self._extractor.batch_keys(texts)
        if keyed is None:  # jieba word features: counted text by text
            return self._reference_rows(texts)
        rows, keys = keyed
        positions, columns = self._keys.find(keys)
        return tf_idf_rows(rows[positions], columns, len(texts), self._idf)

    def _transform_reference(self, texts: Sequence[str]) -> sp.csr_matrix:
        """:meth:`transform` the plain way: every token of ``FeatureExtractor.tokens`` through the dict.

        Kept as the reference the fast path is tested against, and for settings it does not cover.
        """
        return self._reference_rows(texts).tocsr()

    def _reference_rows(self, texts: Sequence[str]) -> TfIdfRows:
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
        return tf_idf_rows(rows, np.asarray(columns, dtype=np.int64), n_rows, self._idf)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in :data:`LABELS` order."""
        logits = self._rows(texts).dot(self._coefficients) + self._intercepts
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
