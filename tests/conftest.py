"""Shared fixtures: where the published datasets are, tiny hand-made cases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_dir():
    env = os.environ.get("NETANALYSIS_SHARED")
    return Path(env) if env else REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_datasets():
    """Path of ``../shared/datasets``; skips the test with a reason when it is absent."""
    d = _shared_dir() / "datasets"
    if not d.is_dir():
        if os.environ.get("NETANALYSIS_REQUIRE_SHARED"):
            pytest.fail(f"NETANALYSIS_REQUIRE_SHARED is set but {d} does not exist")
        pytest.skip(f"published datasets not found at {d} (a user's checkout has no ../shared)")
    return d


@pytest.fixture(scope="session")
def example_case():
    """Path of the bundled example case."""
    return REPO / "examples" / "case"
