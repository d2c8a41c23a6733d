"""Sentiment stage: negative / neutral / positive with calibrated probabilities for Chinese short texts.

The model and its feature extraction live in :mod:`contentguard.models.sentiment` and load through the
shared model path (:mod:`contentguard.models.artifact`: JSON header + NPZ without pickle, checksums and a
model card). This module keeps the names it always exported, so ``from contentguard.engine.sentiment import
SentimentModel`` goes on working.
"""

from __future__ import annotations

from contentguard.errors import ModelError
from contentguard.models.artifact import FORMAT_VERSION
from contentguard.models.features import encode_vocabulary
from contentguard.models.sentiment import (
    EXTRACTOR_VERSION,
    HEADER_FILE_NAME,
    LABELS,
    SCORE_DECIMALS,
    FeatureCues,
    FeatureExtractor,
    FeatureSettings,
    ModelHeader,
    Sentiment,
    SentimentModel,
)

__all__ = [
    "EXTRACTOR_VERSION",
    "FORMAT_VERSION",
    "HEADER_FILE_NAME",
    "LABELS",
    "SCORE_DECIMALS",
    "FeatureCues",
    "FeatureExtractor",
    "FeatureSettings",
    "ModelError",
    "ModelHeader",
    "Sentiment",
    "SentimentModel",
    "encode_vocabulary",
]
