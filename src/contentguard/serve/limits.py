"""What one server process accepts: request size, batch size, text length, timeouts.

The shipped values are data (``limits.yaml`` beside this module); ``contentguard serve --limits FILE``
replaces any of them.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..config.yamlio import load_yaml
from ..errors import ConfigError

SHIPPED = Path(__file__).with_name("limits.yaml")


class Limits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_body_bytes: int = Field(ge=1)
    max_batch: int = Field(ge=1)
    max_text_chars: int = Field(ge=1)
    max_monitor_items: int = Field(ge=1)
    body_timeout_seconds: float = Field(gt=0)
    max_concurrency: int = Field(ge=1)
    keep_alive_seconds: float = Field(gt=0)
    graceful_shutdown_seconds: float = Field(ge=0)
    review_queue_shown: int = Field(ge=1)
    latency_buckets: tuple[float, ...] = Field(min_length=1)

    @field_validator("latency_buckets")
    @classmethod
    def _increasing(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(b <= a for a, b in zip(value, value[1:], strict=False)) or value[0] <= 0:
            raise ValueError("latency buckets must be positive and increasing")
        return value


def _read(path: Path) -> dict:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the server limits: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the server limits must be a mapping of key: value")
    return data


def load_limits(path: str | Path | None = None) -> Limits:
    """The shipped limits, with the keys of ``path`` (if given) in their place."""
    data = _read(SHIPPED)
    source = SHIPPED
    if path is not None:
        source = Path(path)
        data.update(_read(source))
    try:
        return Limits.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'limits'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{source}: invalid server limits: {problems}") from None
