from __future__ import annotations

from pathlib import Path

import pytest

import contentguard

DATA = Path(__file__).parent / "data"
DEMO_PACK = DATA / "demo_pack.yaml"


@pytest.fixture(scope="session")
def demo_guard() -> contentguard.Guard:
    return contentguard.load(packs=[DEMO_PACK])


@pytest.fixture(scope="session")
def default_guard() -> contentguard.Guard:
    return contentguard.load()
