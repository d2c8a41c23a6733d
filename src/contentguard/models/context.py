"""The context classifier: does a hit claim, promote, threaten or insult, or does it only occur?

A logistic regression over the window around one hit of an ambiguous family (absolute and comparative
terms, productive forms, medical words, money figures, sensitive topics, violent words, insults):

- the hit itself and its family;
- the characters right before and after it, and the words and part-of-speech tags (jieba.posseg's, without HMM) on both
  sides (the three nearest as positions, the rest of the clause as a bag), the word that swallows the hit
  (最美: the hit opens an adjective);
- the cues of ``rules/context.yaml`` that fire on the same window (modal, ordinal, question …), alone and
  per family;
- question marks, quotation marks and sentence ends in the window.

Trained by ``benchmarks/train_context.py`` on the hand-labelled contexts in ``tests/data/context/``, shipped
as ``models/context/`` (JSON header + NPZ + MODEL_CARD.md, verified by
:func:`~contentguard.models.artifact.read_artifact`, never a pickle) and used by the context stage
(``contentguard.engine.context``), which passes the window and the fired cues to :meth:`ContextModel.probability`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pydantic

from contentguard.errors import ModelError
from contentguard.models.artifact import (
    ArtifactHeader,
    ShippedModel,
    load_cached,
    read_artifact,
    shipped_model_dir,
    write_artifact,
)
from contentguard.models.features import decode_vocabulary, encode_vocabulary, normalize_text

__all__ = ["CONTEXT_FEATURES_VERSION", "ContextExample", "ContextHeader", "ContextModel", "context_tokens",
           "load_context_model"]

#: Version of what :func:`context_tokens` makes of a context. Bump it whenever a change alters the tokens:
#: a model trained with other tokens is refused, not misread.
CONTEXT_FEATURES_VERSION = 1

_CLAUSE_BREAKS = set("。，,！!？?；;：:\n")
_SENTENCE_ENDS = set("。！!？?；;\n")
_QUOTES_OPEN = set("“\"「『《")
_QUOTES_CLOSE = set("”\"」』》")

@dataclass(frozen=True)
class ContextExample:
    """One hit in its window: ``window[offset:offset + len(hit)] == hit``."""

    window: str
    offset: int
    hit: str
    family: str
    cues: tuple[str, ...] = ()
    # The hand-weighted cue score of rules/context.yaml on the same window (0-1), if the model uses it.
    cue_score: float | None = None
    # Who speaks ("company", "public" or None): the public's voice is judged by its own standard (abuse
    # aimed at someone, not an expletive for a mood; see docs/context-guideline.md).
    voice: str | None = None


def _words(text: str) -> list[tuple[str, str]]:
    # jieba.posseg's words and tags without HMM, looked up in jieba's dictionary (contentguard.engine.tokenize)
    from contentguard.engine.tokenize import pos_tags

    return [(word, flag) for word, flag in pos_tags(text) if word.strip()]


def context_tokens(example: ContextExample, window: int = 20, chars: bool = False, voice: bool = False) -> list[str]:
    """Every feature token of one context (the reference for training and prediction alike).

    With ``voice``, a context in the public's voice gets, beside every token, a copy marked ``P|`` (and the
    token ``v:public``): the shared tokens learn what holds in every voice, the copies what differs in the
    public's (an expletive for a mood or a thing counts for a company, not for a member of the public)."""
    text = normalize_text(example.window)
    hit = normalize_text(example.hit)
    start = len(normalize_text(example.window[:example.offset]))
    end = start + len(hit)
    left, right = text[max(0, start - window):start], text[end:end + window]
    family = example.family
    tokens = [f"f:{family}", f"h:{hit}", f"fh:{family}|{hit}", f"h0:{hit[:1]}", f"hn:{min(len(hit), 4)}"]
    # characters at the hit's edges
    tokens.append(f"lc1:{left[-1:] or '^'}")
    tokens.append(f"lc2:{left[-2:] if len(left) >= 2 else '^'}")
    tokens.append(f"rc1:{right[:1] or '$'}")
    tokens.append(f"rc2:{right[:2] if len(right) >= 2 else '$'}")
    tokens.append(f"fr1:{family}|{right[:1] or '$'}")
    tokens.append(f"fl1:{family}|{left[-1:] or '^'}")
    # words and tags: the text before the hit, and the hit with what follows (so a word it opens is seen)
    before = _words(left)
    after = _words(hit + right)
    consumed = 0
    opening = []
    while after and consumed < len(hit):
        word, flag = after.pop(0)
        consumed += len(word)
        opening.append((word, flag))
    if opening and (len(opening[-1][0]) > len(hit) or consumed > len(hit)):
        word, flag = opening[-1]
        tokens += [f"hw:{word}", f"hp:{flag}", f"fhp:{family}|{flag}"]
    for side, words in (("l", list(reversed(before))), ("r", after)):
        clause = True
        for position, (word, flag) in enumerate(words):
            if position < 3:
                tokens += [f"{side}{position + 1}w:{word}", f"{side}{position + 1}p:{flag}"]
                if position == 0:
                    tokens.append(f"f{side}1p:{family}|{flag}")
            if word in _CLAUSE_BREAKS or all(ch in _CLAUSE_BREAKS for ch in word):
                clause = False
                continue
            if clause and len(word) >= 2:
                tokens.append(f"{side}w:{word}")
            if clause:
                tokens.append(f"{side}p:{flag}")
    # punctuation in the window
    if any(ch in "?？" for ch in right) or any(ch in "?？" for ch in left[-8:]):
        tokens.append("punct:question")
    last_open = max((i for i, ch in enumerate(left) if ch in _QUOTES_OPEN and ch != '"'), default=-1)
    last_close = max((i for i, ch in enumerate(left) if ch in _QUOTES_CLOSE and ch != '"'), default=-1)
    if last_open > last_close or left.count('"') % 2:
        tokens.append("punct:quoted")
    if not left or left[-1] in _SENTENCE_ENDS:
        tokens.append("punct:sentence-start")
    for cue in example.cues:
        tokens += [f"c:{cue}", f"fc:{family}|{cue}"]
    if chars:  # character n-grams at the hit's edges and character uni/bigrams of its clause on each side
        left_clause = left[max((i + 1 for i, ch in enumerate(left) if ch in _CLAUSE_BREAKS), default=0):]
        right_clause = right[:next((i for i, ch in enumerate(right) if ch in _CLAUSE_BREAKS), len(right))]
        tokens += [f"R{n}:{right[:n]}" for n in (1, 2, 3)] + [f"L{n}:{left[-n:]}" for n in (1, 2, 3)]
        tokens += [f"lb:{left_clause[i:i + 2]}" for i in range(len(left_clause) - 1)]
        tokens += [f"rb:{right_clause[i:i + 2]}" for i in range(len(right_clause) - 1)]
        tokens += [f"lu:{ch}" for ch in left_clause] + [f"ru:{ch}" for ch in right_clause]
    if example.cue_score is not None:  # cumulative bins: the model can learn a monotone correction
        tokens += [f"cs>={step / 10:.1f}" for step in range(1, 10) if example.cue_score >= step / 10 - 1e-9]
    if voice and example.voice == "public":
        tokens += ["v:public"] + [f"P|{token}" for token in tokens]
    return tokens


class ContextFeatureSettings(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")

    features_version: int = CONTEXT_FEATURES_VERSION
    window: int = pydantic.Field(20, ge=1, description="characters on each side of the hit")
    cue_score: bool = pydantic.Field(False, description="whether the hand cue score (binned) is a feature")
    chars: bool = pydantic.Field(False, description="whether character n-grams around the hit are features")
    cue_source: str = pydantic.Field("rules/context.yaml", description="where the cue features come from")
    voice: bool = pydantic.Field(False, description="whether the public's voice has its own copy of every feature")


class ContextHeader(ArtifactHeader):
    """The header of the context model."""

    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")

    features: ContextFeatureSettings
    n_features: int = pydantic.Field(ge=0)
    families: tuple[str, ...] = ()
    sklearn_version: str = ""
    metrics: dict[str, Any] = pydantic.Field(default_factory=dict)


class ContextModel(ShippedModel):
    """A loaded context model: immutable, thread-safe, pickles as a reference to its file."""

    cache_key = "context"

    __slots__ = ("header", "path", "header_sha256", "vocabulary", "_coefficients", "_intercept", "_frozen")

    def __init__(self, header: ContextHeader, path: Path, header_sha256: str, vocabulary: dict[str, int],
                 coefficients: np.ndarray, intercept: float) -> None:
        self.header = header
        self.path = path
        self.header_sha256 = header_sha256
        self.vocabulary = vocabulary
        self._coefficients = np.ascontiguousarray(coefficients, dtype=np.float64)
        self._coefficients.flags.writeable = False
        self._intercept = float(intercept)
        self._frozen = True



    def __repr__(self) -> str:
        return f"ContextModel(version={self.header.version!r}, path={str(self.path)!r})"


    @property
    def window(self) -> int:
        return self.header.features.window

    @property
    def uses_cue_score(self) -> bool:
        return self.header.features.cue_score

    @classmethod
    def load(cls, path: str | Path) -> ContextModel:
        artifact = read_artifact(path, ContextHeader, what="context model",
                                 retrain_hint="retrain it with benchmarks/train_context.py")
        header = artifact.header
        if header.features.features_version != CONTEXT_FEATURES_VERSION:
            raise ModelError(
                f"context model file {artifact.path} was trained with context features version "
                f"{header.features.features_version}, but this contentguard makes version "
                f"{CONTEXT_FEATURES_VERSION}; retrain it with benchmarks/train_context.py")
        what = f"context model file {artifact.folder / header.arrays_file}"
        try:
            vocabulary = decode_vocabulary(artifact.array("vocabulary_utf8"))
            coefficients = artifact.array("coefficients", np.float64)
            intercept = artifact.array("intercept", np.float64)
        except (ValueError, UnicodeDecodeError) as error:
            raise ModelError(f"{what} is corrupt: {error}") from None
        if len(vocabulary) != header.n_features or coefficients.shape != (header.n_features,) \
                or intercept.shape != (1,):
            raise ModelError(f"{what} is corrupt: array shapes do not match {header.n_features} features")
        return cls(header, artifact.path, artifact.header_sha256, vocabulary, coefficients, float(intercept[0]))

    @staticmethod
    def save(folder: str | Path, *, version: str, vocabulary: Sequence[str], coefficients: np.ndarray,
             intercept: float, settings: ContextFeatureSettings, families: Iterable[str],
             extra: dict[str, Any] | None = None) -> Path:
        arrays = {
            "vocabulary_utf8": encode_vocabulary(list(vocabulary)),
            "coefficients": np.asarray(coefficients, dtype=np.float32).reshape(-1),
            "intercept": np.asarray([intercept], dtype=np.float32),
        }
        header = {"name": "context", "version": version, "labels": ["occurs", "violates"],
                  "features": settings.model_dump(mode="json"), "n_features": len(vocabulary),
                  "families": sorted(families), **dict(extra or {})}
        return write_artifact(folder, header, arrays, header_file="context.json", arrays_file="context.npz",
                              header_type=ContextHeader)

    def logit(self, tokens: Iterable[str]) -> float:
        columns = {self.vocabulary[token] for token in tokens if token in self.vocabulary}
        return self._intercept + float(self._coefficients[list(columns)].sum()) if columns else self._intercept

    def probability(self, example: ContextExample) -> tuple[float, list[tuple[str, float]]]:
        """P(the hit violates) and the features that weighed most, strongest first."""
        features = self.header.features
        tokens = context_tokens(example, self.window, features.chars, features.voice)
        columns = sorted({self.vocabulary[t] for t in tokens if t in self.vocabulary})
        weights = self._coefficients[columns] if columns else np.zeros(0)
        logit = self._intercept + float(weights.sum())
        names = {self.vocabulary[t]: t for t in tokens if t in self.vocabulary}
        top = sorted(((names[c], float(w)) for c, w in zip(columns, weights, strict=True)), key=lambda p: -abs(p[1]))
        return 1.0 / (1.0 + np.exp(-logit)), top

    def predict_proba(self, examples: Sequence[ContextExample]) -> np.ndarray:
        """One row per context: (P(occurs), P(violates))."""
        features = self.header.features
        logits = np.array([self.logit(context_tokens(e, self.window, features.chars, features.voice))
                           for e in examples], dtype=float)
        positive = 1.0 / (1.0 + np.exp(-logits))
        return np.column_stack([1.0 - positive, positive]) if len(examples) else np.zeros((0, 2))


def load_context_model(name_or_path: str | Path = "context") -> ContextModel:
    """The shipped context model (``models/context/``) or a folder / header path: loaded once per process."""
    path = Path(name_or_path)
    if isinstance(name_or_path, str) and "/" not in name_or_path and not path.suffix and not path.exists():
        path = shipped_model_dir(name_or_path)
    if not path.exists():
        raise ModelError(f"context model {name_or_path!r} not found: no folder {path}")
    return load_cached("context", path, ContextModel.load)
