"""Shared fixtures: the example article, the shared corpora, a loaded spaCy model."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscope.config import PROJ_ROOT

SHARED_DATA = PROJ_ROOT.parent / "shared" / "data"
EXAMPLE_ARTICLE = PROJ_ROOT / "data" / "raw" / "000_96fb6b5f81bae034.txt"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests using it skip with a reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared corpora not found at {SHARED_DATA} (they live beside the repository, not in it)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def nlp():
    from newscope.model import load_model

    return load_model()
