"""Reading YAML safely and fast: libyaml's C safe loader when PyYAML has it, else the Python one.

Both build only plain data (no tags that construct objects), exactly as ``yaml.safe_load``.
"""

from __future__ import annotations

from typing import Any

import yaml

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader, C or Python
