"""Where the shipped data lives: rules/, lexicons/ and models/.

In an installed wheel they are package data under ``contentguard/_data``; in a source
checkout (editable install, tests) they are the folders at the repository's top.
"""

from __future__ import annotations

from pathlib import Path

# This module lives in contentguard/config/; the package folder is one level up.
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """Return the folder of shipped data called ``name`` ("rules", "lexicons" or "models")."""
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"contentguard's shipped '{name}' folder is missing: looked in {installed} and {checkout}"
    )
