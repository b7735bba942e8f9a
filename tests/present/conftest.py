"""Fixtures of the presentation tests: a small hand-made case and analysis."""

from __future__ import annotations

import pytest
from present_cases import make_analysis, make_case


@pytest.fixture
def case():
    return make_case()


@pytest.fixture
def analysis():
    return make_analysis()
