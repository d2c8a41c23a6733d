"""One way to ship a model: a JSON header beside an NPZ of arrays and a MODEL_CARD.md, never a pickle.

A model folder (the shipped ones live in the repository's top-level ``models/<name>/``) holds:

- a JSON **header** (the only ``*.json`` in the folder): ``format_version``, ``name``, ``version``,
  ``labels``, ``features`` (the featurizer settings the model was trained with), ``arrays_file`` and
  its ``arrays_sha256``, ``files`` (companion files such as cue lists, name → sha256), provenance
  (``trained_at``, ``training_data``) and any fields of the model's own (a subclass of
  :class:`ArtifactHeader` declares them);
- the **NPZ** named by ``arrays_file``, read with ``allow_pickle=False``: loading a model can never run code;
- a **MODEL_CARD.md**: source, license, measured figures, limits. A folder without one is refused;
- the companion files, each checked against its recorded checksum.

:func:`read_artifact` checks all that and returns an :class:`Artifact`, or raises a :class:`ModelError`
that names the file and the problem. :func:`write_artifact` writes a folder the same way (training
scripts call it). :func:`load_cached` keeps one loaded model per (loader, header path) per process.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np
import pydantic

from contentguard.config.resources import data_dir
from contentguard.errors import ModelError

__all__ = [
    "FORMAT_VERSION",
    "MODEL_CARD_FILE_NAME",
    "Artifact",
    "ArtifactHeader",
    "find_header",
    "load_cached",
    "read_artifact",
    "reload_cached",
    "sha256_file",
    "shipped_model_dir",
    "write_artifact",
]

#: Version of the folder layout and the common header fields. Bump on any incompatible change.
FORMAT_VERSION = 2
MODEL_CARD_FILE_NAME = "MODEL_CARD.md"


class ArtifactHeader(pydantic.BaseModel):
    """The header fields every model has. A model's own header subclasses it (with ``extra="forbid"``)."""

    model_config = pydantic.ConfigDict(frozen=True, extra="allow")

    format_version: int
    name: str = pydantic.Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str = pydantic.Field(min_length=1)
    labels: tuple[str, ...] = pydantic.Field(min_length=1)
    features: Any = pydantic.Field(description="featurizer settings, as the training script used them")
    arrays_file: str
    arrays_sha256: str = pydantic.Field(pattern=r"^[0-9a-f]{64}$")
    files: dict[str, str] = pydantic.Field(default_factory=dict, description="companion file name -> sha256")
    trained_at: str = ""
    training_data: list[str] = pydantic.Field(default_factory=list)


H = TypeVar("H", bound=ArtifactHeader)


@dataclass(frozen=True)
class Artifact(Generic[H]):
    """A model folder, read and verified: its header, its arrays (read-only) and its companion files."""

    header: H
    path: Path  # the header file, resolved
    header_sha256: str
    arrays: Mapping[str, np.ndarray] = field(repr=False)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def file(self, name: str) -> Path:
        """A companion file listed in the header (its checksum was verified on load)."""
        if name not in self.header.files:
            raise ModelError(f"model file {self.path} lists no companion file {name!r}")
        return self.folder / name

    def array(self, name: str, dtype: Any = None) -> np.ndarray:
        """One array of the NPZ; a missing one is a corrupt model file."""
        try:
            value = self.arrays[name]
        except KeyError:
            raise ModelError(
                f"{self.header.name} model file {self.folder / self.header.arrays_file} is corrupt: "
                f"it has no array {name!r}"
            ) from None
        if dtype is not None and value.dtype != dtype:
            value = value.astype(dtype)
            value.flags.writeable = False
        return value


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shipped_model_dir(name: str) -> Path:
    """The folder of a model shipped with contentguard (top-level ``models/<name>/``)."""
    return data_dir("models") / name


def find_header(path: str | Path, what: str = "model") -> Path:
    """The header file: ``path`` itself, or the only ``*.json`` in the folder ``path``."""
    path = Path(path)
    if not path.is_dir():
        return path
    headers = sorted(path.glob("*.json"))
    if len(headers) != 1:
        found = ", ".join(p.name for p in headers) or "none"
        raise ModelError(f"{what} folder {path} must hold exactly one JSON header file (found: {found})")
    return headers[0]


def read_artifact(
    path: str | Path,
    header_type: type[H] = ArtifactHeader,  # type: ignore[assignment]
    *,
    what: str = "model",
    labels: Iterable[str] | None = None,
    retrain_hint: str = "",
) -> Artifact[H]:
    """Read and verify a model folder (or its header file). Every problem is a ModelError naming the file.

    ``what`` names the model in messages ("sentiment model file …"); ``labels``, when given, must equal
    the header's; ``retrain_hint`` (e.g. "retrain it with benchmarks/train_x.py") ends version messages.
    """
    header_path = find_header(path, what).resolve()
    hint = f"; {retrain_hint}" if retrain_hint else ""
    if not header_path.is_file():
        raise ModelError(f"{what} file {header_path} is missing")
    try:
        header_bytes = header_path.read_bytes()
        raw = json.loads(header_bytes.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{what} file {header_path} is corrupt: not readable JSON ({error})") from None
    if not isinstance(raw, dict):
        raise ModelError(f"{what} file {header_path} is corrupt: the header is not an object")
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{what} file {header_path} has format version {version!r}, but this contentguard "
            f"reads format version {FORMAT_VERSION}{hint}"
        )
    try:
        header = header_type.model_validate(raw)
    except pydantic.ValidationError as error:
        raise ModelError(f"{what} file {header_path} is corrupt: bad header ({error})") from None
    if labels is not None and tuple(header.labels) != tuple(labels):
        raise ModelError(f"{what} file {header_path} has labels {header.labels}, expected {tuple(labels)}")

    folder = header_path.parent
    card = folder / MODEL_CARD_FILE_NAME
    if not card.is_file():
        raise ModelError(
            f"{what} folder {folder} has no {MODEL_CARD_FILE_NAME}: every model ships a card "
            "(source, license, measured figures, limits)"
        )
    arrays_path = folder / header.arrays_file
    for companion in (arrays_path, *(folder / name for name in header.files)):
        if not companion.is_file():
            raise ModelError(f"{what} file {companion} (named by {header_path}) is missing")
    for name, recorded in header.files.items():
        if sha256_file(folder / name) != recorded:
            raise ModelError(
                f"{what} file {folder / name} differs from the one the model was trained with "
                f"(checksum recorded in {header_path}); retrain the model after editing it"
            )
    if sha256_file(arrays_path) != header.arrays_sha256:
        raise ModelError(f"{what} file {arrays_path} is corrupt: its checksum does not match {header_path}")
    try:
        with np.load(arrays_path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}  # each read into an array of its own
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise ModelError(f"{what} file {arrays_path} is corrupt: {error}") from None
    for array in arrays.values():
        array.flags.writeable = False
    return Artifact(
        header=header,
        path=header_path,
        header_sha256=hashlib.sha256(header_bytes).hexdigest(),
        arrays=arrays,
    )


#: A member of a model's NPZ is deflated only when that makes it smaller than this share of its size.
#: Every process that checks a text reads the model; inflating costs time in proportion to the bytes it
#: gives back, so an array that hardly shrinks (a model's float coefficients: to 95%) is stored as it is.
#: For the sentiment model that is a third less time reading the file, and it stays under 4 MB (#13).
_DEFLATE_BELOW = 0.75


def _write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """An NPZ (loadable by np.load) with fixed timestamps, so equal arrays give equal bytes; each member
    deflated or stored (see :data:`_DEFLATE_BELOW`)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
            data = buffer.getvalue()
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            shrinks = len(zlib.compress(data)) < _DEFLATE_BELOW * len(data)
            entry.compress_type = zipfile.ZIP_DEFLATED if shrinks else zipfile.ZIP_STORED
            archive.writestr(entry, data)


def _same_arrays(path: Path, arrays: Mapping[str, np.ndarray]) -> bool:
    if not path.is_file():
        return False
    try:
        with np.load(path, allow_pickle=False) as stored:
            return set(stored.files) == set(arrays) and all(
                stored[name].dtype == np.asanyarray(array).dtype and np.array_equal(stored[name], array)
                for name, array in arrays.items()
            )
    except (OSError, ValueError, zipfile.BadZipFile):
        return False


def write_artifact(
    folder: str | Path,
    header: Mapping[str, Any],
    arrays: Mapping[str, np.ndarray],
    *,
    header_file: str = "model.json",
    arrays_file: str = "model.npz",
    files: Iterable[str] = (),
    header_type: type[ArtifactHeader] = ArtifactHeader,
) -> Path:
    """Write a model folder: the NPZ (object arrays refused), then the header with both checksums.

    ``header`` holds the fields other than ``format_version``, ``arrays_file``, ``arrays_sha256`` and
    ``files``, which are filled in here; ``files`` names companion files already in ``folder``. An NPZ
    holding exactly these arrays already is left as it is (no churn in git). The model card is the
    caller's to write; :func:`read_artifact` refuses a folder without one.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays_path = folder / arrays_file
    if not _same_arrays(arrays_path, arrays):
        _write_npz(arrays_path, arrays)
    fields = {
        **dict(header),
        "format_version": FORMAT_VERSION,
        "arrays_file": arrays_file,
        "arrays_sha256": sha256_file(arrays_path),
        "files": {name: sha256_file(folder / name) for name in files},
    }
    validated = header_type.model_validate(fields)
    header_path = folder / header_file
    text = json.dumps(validated.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    header_path.write_text(text, encoding="utf-8")
    return header_path


_T = TypeVar("_T")
_cache: dict[tuple[str, str], Any] = {}
_cache_lock = threading.Lock()


def load_cached(key: str, path: str | Path, loader: Callable[[Path], _T]) -> _T:
    """``loader(path)`` once per process for each (key, resolved header path); later calls share it.

    A failed load is not cached (the error is raised to the caller, who may cache it).
    """
    header_path = find_header(path).resolve()
    cache_key = (key, str(header_path))
    model = _cache.get(cache_key)
    if model is None:
        with _cache_lock:
            model = _cache.get(cache_key)
            if model is None:
                model = loader(header_path)
                _cache[cache_key] = model
    return model


class ShippedModel:
    """What every shipped predictor shares: immutable once ``__init__`` sets ``_frozen``, its ``labels``
    from the header, and pickled as a reference to its file (see :func:`reload_cached`). A subclass
    names its load-cache key in ``cache_key`` and has ``path``, ``header`` and ``header_sha256``."""

    __slots__ = ()
    cache_key: str = ""

    def __setattr__(self, name: str, value: object) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError(f"{type(self).__name__} is immutable; cannot set {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (reload_cached, (type(self).load, self.cache_key, str(self.path), self.header_sha256))  # type: ignore[attr-defined]

    @property
    def labels(self) -> tuple[str, ...]:
        return self.header.labels  # type: ignore[attr-defined]


def reload_cached(loader: Callable[[Path], _T], key: str, path: str, header_sha256: str) -> _T:
    """Unpickle a model: load it from its file once per process, refusing a file changed since pickling.

    Predictors pickle as ``(reload_cached, (type(self).load, key, path, header_sha256))``, so a Guard sent to
    worker processes carries a file name, not megabytes of arrays.
    """
    model = load_cached(key, path, loader)
    if getattr(model, "header_sha256", header_sha256) != header_sha256:
        raise ModelError(f"model file {path} changed since the model was pickled; reload it instead of unpickling")
    return model
