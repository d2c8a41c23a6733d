"""Learned models: one way to ship, load, batch and evaluate them.

Shipping a model (see README "Models"): a folder ``models/<name>/`` at the top of the repository with

- ``<something>.json``: the header (:class:`~contentguard.models.artifact.ArtifactHeader`: format_version,
  name, version, labels, features, arrays_file + arrays_sha256, files = companion name -> sha256, provenance);
- the NPZ it names (plain numeric / byte arrays, read with ``allow_pickle=False``);
- ``MODEL_CARD.md`` (source, license, measured figures, limits): a folder without one is refused;
- a seeded training script in ``benchmarks/train_<name>.py`` that writes the folder with
  :func:`~contentguard.models.artifact.write_artifact`.

Loading: :func:`~contentguard.models.artifact.read_artifact` verifies everything (a clear
:class:`~contentguard.errors.ModelError` naming the file otherwise);
:func:`~contentguard.models.artifact.load_cached` keeps one loaded model per process.

Predicting: every predictor follows :class:`Predictor`: ``labels`` and ``predict_proba(texts)``, a
pure function of a batch of texts returning an ``(n_texts, n_labels)`` float array (rows sum to one).
The sentiment model (:class:`contentguard.models.sentiment.SentimentModel`) is one;
:class:`contentguard.models.linear.LinearTextModel` is the ready-made one for any new binary or multi-class
text model (offensive language, context): TF-IDF over :class:`contentguard.models.features.TextFeaturizer`
features (character n-grams, optional jieba words / bigrams, cue tokens from a checksummed cue file) times
stored coefficients. To ship one::

    featurizer = TextFeaturizer(TextFeatureSettings(char_ngram_max=4)).fit(train_texts)
    classifier = LogisticRegression(...).fit(featurizer.transform(train_texts), labels)   # scikit-learn
    LinearTextModel.save("models/<name>", name="<name>", version="1.0", labels=("no", "yes"),
                         featurizer=featurizer, coefficients=classifier.coef_.T, intercepts=classifier.intercept_)
    # + models/<name>/MODEL_CARD.md, then: load_model("<name>").predict_proba(texts)

A pack rule of kind ``model`` (``contentguard.engine.kinds.model``) uses a shipped model by name.

Evaluating: :mod:`contentguard.models.evaluate` (precision / recall / F1 / accuracy, calibration,
threshold for a target precision), shared by benchmarks/ and tests.

The submodules import numpy; this package module does not, so ``import contentguard`` stays light. Prediction
never imports scipy (``features.TfIdfRows``: the CSR product in plain numpy); only ``transform()``'s scipy
matrix, for training and scikit-learn, does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Predictor"]


@runtime_checkable
class Predictor(Protocol):
    """What every model offers the stages: its labels and batched, pure probabilities."""

    @property
    def labels(self) -> tuple[str, ...]: ...

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per label (in ``labels`` order), each row summing to one."""
        ...


def __getattr__(name: str) -> Any:  # pragma: no cover - convenience re-exports, loaded on demand
    if name in ("Artifact", "ArtifactHeader", "read_artifact", "write_artifact", "load_cached"):
        from contentguard.models import artifact

        return getattr(artifact, name)
    raise AttributeError(f"module 'contentguard.models' has no attribute {name!r}")
