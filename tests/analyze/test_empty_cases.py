"""Empty and tiny cases (issue 14): ``analyze`` writes every output, with no traceback.

A header-only persons.csv, or a case whose rows are all rejected, used to crash in
:func:`~netanalysis.analyze.brokerage.structural_holes_arrays` (scipy cannot reduce a 0 x 0
matrix), so not even rejects.csv was written.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from click.testing import CliRunner

from netanalysis.analyze.brokerage import structural_holes_arrays
from netanalysis.cli import main
from netanalysis.pipeline import OUTPUT_FILES

OUTPUTS = sorted(OUTPUT_FILES + ("manifest.json",))

CASES = {
    # name: (files, persons taken, rejects)
    "header only": ({"persons.csv": "id,name,role\n"}, 0, 0),
    "all rejected": ({"persons.csv": "id,name,role\nP1,,fugitive\nP2,Luis,bogus\n",
                      "links.csv": "from_id,to_id,type\nP1,P2,associate\n"}, 0, 4),  # link: 2
    "one person": ({"persons.csv": "id,name,role\nP1,Ana,fugitive\n"}, 1, 0),
    "two, no links": ({"persons.csv": "id,name,role\nP1,Ana,fugitive\nP2,Luis,associate\n"}, 2, 0),
    "two, one link": ({"persons.csv": "id,name,role\nP1,Ana,fugitive\nP2,Luis,associate\n",
                       "links.csv": "from_id,to_id,type\nP1,P2,associate\n"}, 2, 0),
}


@pytest.mark.parametrize("name", list(CASES))
def test_analyze_writes_every_output_on_empty_and_tiny_cases(tmp_path, name):
    files, persons, nrej = CASES[name]
    case = tmp_path / "case"
    case.mkdir()
    for f, text in files.items():
        (case / f).write_text(text)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["analyze", str(case), "--out", str(out), "-q"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code == 0, res.output
    # the folder's lock file (hidden) stays; every output and the manifest are written
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == OUTPUTS
    with open(out / "rejects.csv", newline="", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == nrej
    with open(out / "targets.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows and len(rows) - 1 <= persons  # a header, then at most one row per person
    json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_structural_holes_of_an_empty_kernel():
    import pandas as pd

    from netanalysis.analyze._kernels import kernel_from_edges
    from netanalysis.model.graph import EDGE_COLUMNS

    K = kernel_from_edges(pd.DataFrame({c: pd.Series(dtype=object) for c in EDGE_COLUMNS}))
    con, eff = structural_holes_arrays(K)
    assert con.shape == (0,) and eff.shape == (0,)
    con, eff = structural_holes_arrays(K, which=("constraint",))
    assert isinstance(con, np.ndarray) and eff is None
