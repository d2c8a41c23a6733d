"""The one way to ship a model: header + NPZ + model card, checksums verified, never a pickle."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

import contentguard.models
from contentguard.errors import ModelError
from contentguard.models.artifact import (
    FORMAT_VERSION,
    MODEL_CARD_FILE_NAME,
    read_artifact,
    shipped_model_dir,
    write_artifact,
)
from contentguard.models.sentiment import SentimentModel

HEADER = {"name": "toy", "version": "0.1", "labels": ["no", "yes"], "features": {"char_ngram_max": 2},
          "training_data": ["written by the test"]}


def _toy(folder: Path, card: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cues.txt").write_text("cue\t不应该\n", encoding="utf-8")
    if card:
        (folder / MODEL_CARD_FILE_NAME).write_text("# toy\n", encoding="utf-8")
    arrays = {"weights": np.arange(6, dtype=np.float32).reshape(3, 2), "bias": np.zeros(2, dtype=np.float32)}
    return write_artifact(folder, HEADER, arrays, files=["cues.txt"])


def test_written_folder_reads_back_with_its_arrays_and_files(tmp_path: Path) -> None:
    header_path = _toy(tmp_path / "toy")
    artifact = read_artifact(tmp_path / "toy")  # a folder with one header works like the header itself
    assert artifact.path == header_path.resolve()
    assert artifact.header.format_version == FORMAT_VERSION
    assert artifact.header.name == "toy" and artifact.header.labels == ("no", "yes")
    assert artifact.header.features == {"char_ngram_max": 2}
    np.testing.assert_array_equal(artifact.array("weights"), np.arange(6).reshape(3, 2))
    assert not artifact.array("weights").flags.writeable
    assert artifact.file("cues.txt").read_text(encoding="utf-8").startswith("cue")


def test_writing_the_same_arrays_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    _toy(tmp_path / "a")
    _toy(tmp_path / "b")
    assert (tmp_path / "a" / "model.npz").read_bytes() == (tmp_path / "b" / "model.npz").read_bytes()


def test_checksum_mismatch_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    _toy(tmp_path / "toy")
    npz = tmp_path / "toy" / "model.npz"
    data = bytearray(npz.read_bytes())
    data[len(data) // 2] ^= 0xFF
    npz.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum does not match") as error:
        read_artifact(tmp_path / "toy", what="toy model")
    assert str(npz.resolve()) in str(error.value) and "toy model" in str(error.value)


def test_edited_companion_file_is_refused(tmp_path: Path) -> None:
    _toy(tmp_path / "toy")
    (tmp_path / "toy" / "cues.txt").write_text("cue\t歧视\n", encoding="utf-8")
    with pytest.raises(ModelError, match="cues.txt.*retrain"):
        read_artifact(tmp_path / "toy")


def test_a_model_without_its_card_is_refused(tmp_path: Path) -> None:
    _toy(tmp_path / "toy", card=False)
    with pytest.raises(ModelError, match=MODEL_CARD_FILE_NAME):
        read_artifact(tmp_path / "toy")


def test_object_arrays_are_never_loaded(tmp_path: Path) -> None:
    """An NPZ holding a pickled object array (checksum recorded, so only allow_pickle stops it) is refused."""
    header_path = _toy(tmp_path / "toy")
    npz = tmp_path / "toy" / "model.npz"
    np.savez(npz, weights=np.array([{"evil": 1}], dtype=object))
    header = json.loads(header_path.read_text(encoding="utf-8"))
    import hashlib

    header["arrays_sha256"] = hashlib.sha256(npz.read_bytes()).hexdigest()
    header_path.write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(ModelError, match="corrupt") as error:
        read_artifact(header_path)
    assert "model.npz" in str(error.value)


def test_wrong_labels_and_format_version_name_the_file(tmp_path: Path) -> None:
    header_path = _toy(tmp_path / "toy")
    with pytest.raises(ModelError, match="labels"):
        read_artifact(header_path, labels=("safe", "offensive"))
    header = json.loads(header_path.read_text(encoding="utf-8"))
    header["format_version"] = 1
    header_path.write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(ModelError, match="format version 1") as error:
        read_artifact(header_path)
    assert "model.json" in str(error.value)


def test_a_folder_with_two_headers_is_refused(tmp_path: Path) -> None:
    _toy(tmp_path / "toy")
    (tmp_path / "toy" / "other.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="exactly one JSON header"):
        read_artifact(tmp_path / "toy")


def test_shipped_models_all_load_through_the_shared_path() -> None:
    shipped = sorted(path.parent.name for path in shipped_model_dir("sentiment").parent.glob("*/*.json"))
    assert "sentiment" in shipped
    for name in shipped:
        artifact = read_artifact(shipped_model_dir(name))
        assert artifact.header.name == name
        assert (artifact.folder / MODEL_CARD_FILE_NAME).stat().st_size > 500  # a real card, not a stub


def test_sentiment_model_is_a_predictor_and_pickles_as_a_file_reference() -> None:
    model = SentimentModel.load()
    assert isinstance(model, contentguard.models.Predictor)
    payload = pickle.dumps(model)
    assert len(payload) < 2_000  # the arrays stay behind: the receiver loads the file once
    restored = pickle.loads(payload)
    assert restored is pickle.loads(payload)  # once per process
    texts = ["物流很快，好评", "太差了，再也不买", "周一闭馆"]
    np.testing.assert_array_equal(restored.predict_proba(texts), model.predict_proba(texts))


def test_a_changed_file_is_not_unpickled_as_the_old_model(tmp_path: Path) -> None:
    folder = tmp_path / "sentiment"
    shutil.copytree(shipped_model_dir("sentiment"), folder)
    payload = pickle.dumps(SentimentModel.load(folder))
    header_path = folder / "sentiment_model.json"
    header = json.loads(header_path.read_text(encoding="utf-8"))
    header["version"] = "changed"
    header_path.write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(ModelError, match="changed since"):
        pickle.loads(payload)


def test_arrays_that_hardly_shrink_are_stored_and_the_rest_deflated(tmp_path: Path) -> None:
    """Reading a model is paid by every process that checks a text: a member deflate cannot shrink by a
    quarter (random float coefficients) is stored as it is, so loading does not inflate it (#13)."""
    import zipfile

    folder = tmp_path / "toy"
    folder.mkdir()
    (folder / MODEL_CARD_FILE_NAME).write_text("# toy\n", encoding="utf-8")
    noise = np.random.default_rng(0).standard_normal(20_000).astype(np.float32)
    arrays = {"coefficients": noise, "keys": np.arange(20_000, dtype=np.int64)}
    write_artifact(folder, HEADER, arrays)
    members = {entry.filename: entry for entry in zipfile.ZipFile(folder / "model.npz").infolist()}
    assert members["coefficients.npy"].compress_type == zipfile.ZIP_STORED
    assert members["keys.npy"].compress_type == zipfile.ZIP_DEFLATED
    assert members["keys.npy"].compress_size < members["keys.npy"].file_size // 4
    artifact = read_artifact(folder)
    assert np.array_equal(artifact.array("coefficients"), noise)
    assert np.array_equal(artifact.array("keys"), arrays["keys"])
    shipped = zipfile.ZipFile(shipped_model_dir("sentiment") / "sentiment_model.npz")
    assert shipped.getinfo("coefficients.npy").compress_type == zipfile.ZIP_STORED
