from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark():
    """One real local Spark session (two cores) for every Spark test: starting a JVM takes seconds."""
    from contentguard.spark import local_session

    session = local_session("local[2]", app_name="contentguard-tests")
    yield session
    session.stop()
