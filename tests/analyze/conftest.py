"""Hand-made cases for the analytics tests, and the ``backend`` fixture.

``backend`` runs a test once per backend: ``embedded`` (measures computed in process by
:func:`netanalysis.analyze.measures.case_measures`) and ``neo4j`` (marked ``neo4j``; the case is pushed
into the session's test server, replacing what an earlier push wrote there, and the measures
come back from Graph Data Science). :func:`analyse` runs the analysis with the measures of a
backend, as the pipeline does.
"""

from __future__ import annotations

import pytest

from netanalysis.analyze import run_analysis
from netanalysis.backends.base import get_backend
from netanalysis.ingest import case_from_records


def make_case(persons, links):
    """Build a Case from lists of dicts (persons: id, name, role...; links: from_id, to_id, type...).

    Links are graded B2 and reported by "test" unless they say otherwise.
    """
    links = [{"grading": "B2", "provenance": "test", **r} for r in links]
    return case_from_records(persons=persons, links=links)


def analyse(backend, case, *, filters=None, seed=0, settings=None):
    """Run :func:`run_analysis` on `case` with the party measures of `backend`.

    Both backends return the measures frame of :mod:`netanalysis.analyze.measures`: the
    embedded one computed in process, the Neo4j one computed in the server after a push.
    """
    measures = backend.measures(case, filters=filters, seed=seed, settings=settings)
    assert measures is not None and len(measures) == len(case.tables["persons"])
    return run_analysis(case, settings=settings, filters=filters, seed=seed, measures=measures)


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def backend(request):
    """Each backend in turn: ``embedded``, then ``neo4j`` on the session's test server."""
    if request.param == "embedded":
        return get_backend("embedded")
    server = request.getfixturevalue("neo4j_server")
    return get_backend("neo4j", uri=server["uri"], user=server["user"],
                       password=server["password"])


@pytest.fixture
def hub_case():
    """Two fugitives, a facilitator serving both, a forger behind him, a bridging courier,
    and a popular background person (HUB) with 30 friends and no support ties."""
    persons = [
        {"id": "F1", "name": "Fugitive One", "role": "fugitive", "notice": "red",
         "wanted_by": ["CO", "US"], "offences": ["drug_trafficking"]},
        {"id": "F2", "name": "Fugitive Two", "role": "fugitive", "notice": "blue",
         "wanted_by": ["ES"], "offences": ["fraud"]},
        {"id": "FAC", "name": "Facilitator", "role": "unknown"},
        {"id": "FORGER", "name": "Forger", "role": "unknown"},
        {"id": "COURIER", "name": "Courier", "role": "unknown"},
        {"id": "HUB", "name": "Popular Person", "role": "unknown"},
    ]
    links = [
        {"from_id": "FAC", "to_id": "F1", "type": "documents"},
        {"from_id": "FAC", "to_id": "F2", "type": "lodging"},
        {"from_id": "FORGER", "to_id": "FAC", "type": "documents"},
        {"from_id": "COURIER", "to_id": "F2", "type": "transport"},
        {"from_id": "F1", "to_id": "F2", "type": "co_offender"},
    ]
    # background: HUB with 30 friends in two clusters, who also know each other a little
    for i in range(30):
        persons.append({"id": f"B{i:02d}", "name": f"Background {i}", "role": "unknown"})
        links.append({"from_id": "HUB", "to_id": f"B{i:02d}", "type": "associate"})
        if i % 3:
            links.append({"from_id": f"B{i:02d}", "to_id": f"B{i - 1:02d}", "type": "family"})
    links.append({"from_id": "HUB", "to_id": "FORGER", "type": "communication"})
    links.append({"from_id": "COURIER", "to_id": "B05", "type": "communication"})
    return make_case(persons, links)
