"""The shipped rules, lexicons and models are package data: they travel inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_rules_lexicons_and_model(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("contentguard-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("rules", "lexicons", "models"):
        shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert shipped, f"{folder}/ is empty"
        prefix = f"contentguard/_data/{folder}/"
        packaged = {n.removeprefix("contentguard/_data/") for n in names if n.startswith(prefix)}
        assert shipped <= packaged, f"missing from the wheel: {sorted(shipped - packaged)[:5]}"
    assert "contentguard/config/resources.py" in names
