"""A linear text classifier over :class:`~contentguard.models.features.TextFeaturizer` features.

The ready-made :class:`~contentguard.models.Predictor` for offensive language, context and any other
binary or multi-class text model: TF-IDF rows times stored coefficients, then a sigmoid (one coefficient
column, two labels) or a softmax (one column per label), with an optional temperature. Train it with
scikit-learn on ``TextFeaturizer.fit(...).transform(...)`` (any feature scaling such as NB weights folded
into the coefficients), then :meth:`LinearTextModel.save` writes the model folder through
:func:`~contentguard.models.artifact.write_artifact`; :func:`load_model` loads a shipped one once per process.

    from contentguard.models.linear import load_model
    model = load_model("offensive")          # models/offensive/, verified and cached
    model.predict_proba(["你真是个好人"])      # array([[p_safe, p_offensive]])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from contentguard.models.features import (
    TextFeatureSettings,
    TextFeaturizer,
    decode_vocabulary,
    encode_vocabulary,
    read_cues,
)

__all__ = ["LinearHeader", "LinearTextModel", "load_model"]


class LinearHeader(ArtifactHeader):
    """The header of a linear text model."""

    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")

    features: TextFeatureSettings
    n_features: int = pydantic.Field(ge=0)
    temperature: float = pydantic.Field(1.0, gt=0, description="logits are divided by this (calibration)")
    sklearn_version: str = ""
    metrics: dict[str, Any] = pydantic.Field(default_factory=dict, description="figures measured at training")

    @pydantic.model_validator(mode="after")
    def _cues_listed(self) -> LinearHeader:
        cues = self.features.cues_file
        if cues is not None and cues not in self.files:
            raise ValueError(f"features.cues_file {cues!r} is not among the checksummed 'files'")
        return self


class LinearTextModel(ShippedModel):
    """A loaded linear text model: immutable, thread-safe, pickles as a reference to its file."""

    cache_key = "linear"

    __slots__ = ("header", "path", "header_sha256", "featurizer", "_coefficients", "_intercepts", "_frozen")

    def __init__(self, header: LinearHeader, path: Path, header_sha256: str, featurizer: TextFeaturizer,
                 coefficients: np.ndarray, intercepts: np.ndarray) -> None:
        self.header = header
        self.path = path
        self.header_sha256 = header_sha256
        self.featurizer = featurizer
        self._coefficients = np.asfortranarray(coefficients, dtype=np.float64)  # columns contiguous: TfIdfRows.dot
        self._intercepts = np.ascontiguousarray(intercepts, dtype=np.float64)
        for array in (self._coefficients, self._intercepts):
            array.flags.writeable = False
        self._frozen = True



    def __repr__(self) -> str:
        return f"LinearTextModel(name={self.header.name!r}, version={self.header.version!r}, path={str(self.path)!r})"


    @property
    def name(self) -> str:
        return self.header.name

    # ---- loading / saving ---------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> LinearTextModel:
        """Load a model folder (or its header file), verified by :func:`read_artifact`."""
        artifact = read_artifact(path, LinearHeader, what="model")
        header = artifact.header
        what = f"{header.name} model file {artifact.folder / header.arrays_file}"
        settings = header.features
        if settings.featurizer_version != TextFeatureSettings().featurizer_version:
            raise ModelError(
                f"{header.name} model file {artifact.path} was trained with text featurizer version "
                f"{settings.featurizer_version}, but this contentguard makes version "
                f"{TextFeatureSettings().featurizer_version}; retrain it"
            )
        try:
            cues = read_cues(artifact.file(settings.cues_file)) if settings.cues_file else None
            vocabulary = decode_vocabulary(artifact.array("vocabulary_utf8"))
            idf = artifact.array("idf", np.float64)
            coefficients = artifact.array("coefficients", np.float64)
            intercepts = artifact.array("intercepts", np.float64)
        except (OSError, ValueError, UnicodeDecodeError) as error:
            raise ModelError(f"{what} is corrupt: {error}") from None
        n_labels = len(header.labels)
        n_out = 1 if n_labels == 2 and coefficients.ndim == 2 and coefficients.shape[1] == 1 else n_labels
        if (len(vocabulary) != header.n_features or idf.shape != (header.n_features,)
                or coefficients.shape != (header.n_features, n_out) or intercepts.shape != (n_out,)):
            raise ModelError(f"{what} is corrupt: array shapes do not match {header.n_features} features x "
                             f"{n_labels} labels")
        featurizer = TextFeaturizer.from_arrays(settings, cues, vocabulary, idf)
        return cls(header, artifact.path, artifact.header_sha256, featurizer, coefficients, intercepts)

    @staticmethod
    def save(folder: str | Path, *, name: str, version: str, labels: Sequence[str], featurizer: TextFeaturizer,
             coefficients: np.ndarray, intercepts: np.ndarray, temperature: float = 1.0,
             extra: Mapping[str, Any] | None = None, dtype: Any = np.float32) -> Path:
        """Write a model folder (header ``<name>.json``, ``<name>.npz``, the cue file if any must already be
        in ``folder``). ``coefficients``: (n_features, 1) for a binary sigmoid model or (n_features, n_labels).
        ``extra``: more header fields (trained_at, training_data, sklearn_version, metrics)."""
        tokens = [""] * len(featurizer.vocabulary)
        for token, index in featurizer.vocabulary.items():
            tokens[index] = token
        arrays = {
            "vocabulary_utf8": encode_vocabulary(tokens),
            "idf": featurizer.idf.astype(dtype),
            "coefficients": np.ascontiguousarray(np.asarray(coefficients).reshape(len(tokens), -1), dtype=dtype),
            "intercepts": np.asarray(intercepts, dtype=dtype).reshape(-1),
        }
        header = {"name": name, "version": version, "labels": list(labels),
                  "features": featurizer.settings.model_dump(mode="json"), "n_features": len(tokens),
                  "temperature": temperature, **dict(extra or {})}
        cues = featurizer.settings.cues_file
        return write_artifact(folder, header, arrays, header_file=f"{name}.json", arrays_file=f"{name}.npz",
                              files=[cues] if cues else [], header_type=LinearHeader)

    # ---- prediction ---------------------------------------------------------------------------
    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Logits (before temperature): one column for a binary model, one per label otherwise."""
        return self.featurizer.transform_rows(texts).dot(self._coefficients) + self._intercepts

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per label, each row summing to one."""
        logits = self.decision_function(texts) / self.header.temperature
        if logits.shape[1] == 1:
            positive = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return probabilities


def load_model(name_or_path: str | Path) -> LinearTextModel:
    """A shipped model by name (``models/<name>/``) or a folder / header path: loaded once per process."""
    path = Path(name_or_path)
    if isinstance(name_or_path, str) and "/" not in name_or_path and "\\" not in name_or_path \
            and not path.suffix and not path.exists():
        path = shipped_model_dir(name_or_path)
    if not path.exists():
        raise ModelError(f"model {name_or_path!r} not found: no folder {path}")
    return load_cached("linear", path, LinearTextModel.load)
