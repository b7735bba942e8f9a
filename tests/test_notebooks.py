"""The notebooks run top to bottom (executed with nbclient, from the notebooks folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
pytestmark = [pytest.mark.notebook, pytest.mark.slow]


def _execute(name, env=None):
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    old = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def _outputs(nb):
    out = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            out.append(o.get("text") or o.get("data", {}).get("text/plain", ""))
    return "\n".join(out)


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown"  # each tells its investigation in prose
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, f"{name} has outputs"


def test_first_case():
    text = _outputs(_execute("01_first_case.ipynb"))
    assert "planted duplicates found" in text and "report.html" in text


def test_support_and_cotravel(example_case):
    if not example_case.is_dir():
        pytest.skip("examples/case is not in this checkout")
    text = _outputs(_execute("03_support_and_cotravel.ipynb"))
    assert "planted hidden companions" in text


@pytest.mark.datasets
def test_published_network(shared_datasets):
    text = _outputs(_execute("02_published_network.ipynb",
                             env={"NETANALYSIS_SHARED": str(shared_datasets.parent)}))
    assert "after 5 removals" in text and "GEXF round trip: 101 nodes, 256 edges" in text
