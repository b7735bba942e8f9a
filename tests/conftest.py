"""Shared fixtures: where the published datasets are, the example case, a Neo4j server.

``neo4j_server`` / ``neo4j_uri`` give a real Neo4j server, started once per session and shared
by ``tests/backends/neo4j/`` and the analysis tests run on both backends: the one named by
``NETANALYSIS_NEO4J_URI`` (with ``NETANALYSIS_NEO4J_USER`` / ``NETANALYSIS_NEO4J_PASSWORD``),
else the local test server that ``bash tools/neo4j/fetch.sh`` assembles from Maven Central
(launcher in ``netanalysis/backends/neo4j/launcher``). Without Java and the jars (or Maven to
fetch them) the tests skip with the reason; with ``NETANALYSIS_REQUIRE_NEO4J=1`` (set by
``.ci/run``) they fail instead.
"""

from __future__ import annotations

import os
import sys
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


def _unavailable(reason):
    if os.environ.get("NETANALYSIS_REQUIRE_NEO4J") == "1":
        pytest.fail(f"NETANALYSIS_REQUIRE_NEO4J=1 but no Neo4j server can be used: {reason}")
    pytest.skip(f"no Neo4j server: {reason} (set NETANALYSIS_NEO4J_URI, or install Java 17 "
                "and run: bash tools/neo4j/fetch.sh)")


@pytest.fixture(scope="session")
def neo4j_server():
    """``dict(uri=, user=, password=)`` of the Neo4j server the tests use."""
    uri = os.environ.get("NETANALYSIS_NEO4J_URI")
    if uri:
        yield {"uri": uri, "user": os.environ.get("NETANALYSIS_NEO4J_USER", "neo4j"),
               "password": os.environ.get("NETANALYSIS_NEO4J_PASSWORD")}
        return
    from netanalysis.backends.neo4j.server import can_run, local_server
    from netanalysis.errors import BackendError

    ok, reason = can_run()
    if not ok:
        _unavailable(reason)
    try:
        cm = local_server(timeout=180)
        started = cm.__enter__()
    except BackendError as exc:
        _unavailable(f"the local test server did not start: {exc}")
    try:
        yield {"uri": started, "user": None, "password": None}
    finally:
        cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_server):
    """The Bolt URI of the test server."""
    return neo4j_server["uri"]


def pytest_configure(config):
    """Spark's Python workers run the interpreter of the test run.

    pyspark starts its workers with ``PYSPARK_PYTHON``, else ``python3`` on the PATH: with a
    virtualenv that is not activated (``/path/.venv/bin/python -m pytest``) that is another
    Python, without numpy or this package, and every Spark job with a Python function fails.
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def pytest_collection_modifyitems(config, items):
    """The doctests of the Spark engine start Spark: they carry the marker ``spark`` too."""
    spark_dir = Path(__file__).resolve().parent.parent / "netanalysis" / "engines" / "spark"
    for item in items:
        if item.__class__.__name__ == "DoctestItem" and Path(str(item.fspath)).resolve().is_relative_to(spark_dir):
            item.add_marker(pytest.mark.spark)
