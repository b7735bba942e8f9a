"""notebooks/04_neo4j_backend.ipynb runs top to bottom against the test server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "04_neo4j_backend.ipynb"
pytestmark = [pytest.mark.notebook, pytest.mark.slow, pytest.mark.neo4j]


def test_neo4j_notebook(neo4j_conn):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = {"NETANALYSIS_NEO4J_URI": neo4j_conn["uri"],
           "NETANALYSIS_NEO4J_USER": neo4j_conn["user"] or "",
           "NETANALYSIS_NEO4J_PASSWORD": neo4j_conn["password"] or ""}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    text = "\n".join(o.get("text") or o.get("data", {}).get("text/plain", "")
                     for c in nb.cells for o in c.get("outputs", []))
    assert "identical after a second push: True" in text
    assert "same graph as build_graph on the whole case: True" in text
    assert "computed with cypher + gds 2.13" in text
    assert "degree and betweenness equal: True True" in text
    assert "finished" in text
