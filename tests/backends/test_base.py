"""The backend contract: one lookup by name, a reason when a backend cannot run."""

from __future__ import annotations

import pytest

from netanalysis.backends.base import (
    BACKENDS,
    MEASURE_COLUMNS,
    MEASURE_DTYPES,
    Backend,
    EmbeddedBackend,
    Neo4jBackend,
    get_backend,
)
from netanalysis.errors import InputError
from netanalysis.ingest import case_from_records


@pytest.fixture
def hub_case():
    """A fugitive, two suppliers (one behind the other), a family tie and an isolate."""
    return case_from_records(
        persons=[{"id": "F1", "name": "F", "role": "fugitive", "notice": "red"},
                 {"id": "S1", "name": "S"}, {"id": "S2", "name": "T"}, {"id": "X", "name": "X"},
                 {"id": "Z", "name": "Z"}],
        links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
               {"from_id": "S2", "to_id": "S1", "type": "documents", "grading": "A1"},
               {"from_id": "X", "to_id": "S2", "type": "family", "grading": "C3"}])


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


def test_embedded_measures_are_the_contract_frame(hub_case):
    b = get_backend("embedded")
    assert isinstance(b, EmbeddedBackend)
    m = b.measures(hub_case)
    assert tuple(m.columns) == MEASURE_COLUMNS
    assert {c: m[c].dtype.name for c in m} == MEASURE_DTYPES
    assert len(m) == len(hub_case.tables["persons"]) and m["id"].is_unique
    assert m["pagerank"].sum() == pytest.approx(1.0)
    assert "in process" in b.describe()


def test_embedded_measures_on_a_graph_already_built_are_the_same(hub_case, monkeypatch):
    from netanalysis.analyze import measures as M
    from netanalysis.analyze._kernels import kernel_from_edges
    from netanalysis.model.graph import party_edges, party_nodes

    edges, nodes = party_edges(hub_case), party_nodes(hub_case)
    K = kernel_from_edges(edges, nodes)
    value = M.fugitive_values(nodes).reindex(K.names).fillna(0.0).to_numpy(float)
    expected = get_backend("embedded").measures(hub_case)
    monkeypatch.setattr(M, "kernel_from_edges", None)  # building a graph again would fail
    got = get_backend("embedded").measures(hub_case, graph=M.PartyGraph(K, edges, value))
    assert got.equals(expected)


def test_get_backend_ignores_another_backends_options_and_refuses_unknown_ones():
    # the pipeline passes the Neo4j connection whatever the backend, without testing the name
    assert isinstance(get_backend("embedded", uri="bolt://x", user=None), EmbeddedBackend)
    assert get_backend("neo4j", uri="bolt://x").options["uri"] == "bolt://x"
    with pytest.raises(InputError, match="unknown backend option.s.: urll"):
        get_backend("neo4j", urll="bolt://x")


def test_embedded_measures_follow_the_filters(hub_case):
    m = get_backend("embedded").measures(hub_case, filters={"link_types": ["family"]})
    assert (m["fugitives_within"] == 0).all() and (m["support_value"] == 0).all()


def test_neo4j_measures_use_the_same_contract():
    from netanalysis.backends.neo4j.analytics import MEASURE_COLUMNS as NEO

    assert tuple(NEO) == MEASURE_COLUMNS


def test_pipeline_rejects_an_unknown_backend(tmp_path):
    from netanalysis.pipeline import analyze_case

    (tmp_path / "persons.csv").write_text("id,name\nP1,Ana\n")
    with pytest.raises(InputError, match="unknown backend 'sql'"):
        analyze_case(tmp_path, tmp_path / "out", backend="sql")
