"""The backend contract: one lookup by name, a reason when a backend cannot run."""

from __future__ import annotations

import pytest

from netanalysis.backends.base import (
    BACKENDS,
    MEASURE_COLUMNS,
    Backend,
    EmbeddedBackend,
    Neo4jBackend,
    get_backend,
)
from netanalysis.errors import InputError


def test_every_backend_implements_the_contract():
    assert set(BACKENDS) == {"embedded", "neo4j"}
    for name, cls in BACKENDS.items():
        assert issubclass(cls, Backend)
        assert cls.name == name


def test_unknown_backend_names_the_nearest():
    with pytest.raises(InputError, match="did you mean embedded"):
        get_backend("embeded")


def test_a_backend_that_cannot_run_says_why(monkeypatch):
    monkeypatch.setattr(Neo4jBackend, "unavailable", lambda self: "no driver here")
    with pytest.raises(InputError, match="neo4j backend cannot run: no driver here"):
        get_backend("neo4j")


def test_embedded_measures_are_computed_by_the_ranking():
    b = get_backend("embedded")
    assert isinstance(b, EmbeddedBackend)
    assert b.measures(None) is None
    assert "in process" in b.describe()


def test_measure_columns_match_the_neo4j_measures():
    from netanalysis.backends.neo4j.analytics import _EXTRA, MEASURE_COLUMNS as NEO

    assert list(MEASURE_COLUMNS) == list(NEO) + list(_EXTRA)


def test_pipeline_rejects_an_unknown_backend(tmp_path):
    from netanalysis.pipeline import analyze_case

    (tmp_path / "persons.csv").write_text("id,name\nP1,Ana\n")
    with pytest.raises(InputError, match="unknown backend 'sql'"):
        analyze_case(tmp_path, tmp_path / "out", backend="sql")
