"""Fixtures: the real PFOCR data in ../shared when present."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import SHARED


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the clone (CI has it; a user's fresh clone does not)."""
    if not (SHARED / "pfocr").is_dir():
        pytest.skip(f"real PFOCR data not present: {SHARED} is missing (only CI and developers have ../shared)")
    return SHARED
