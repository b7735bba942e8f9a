"""``analyze --backend neo4j`` gives the same targets and groups as the embedded backend."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from netanalysis.pipeline import analyze_case, prepare_case
from netanalysis.synth import synth_case

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def _nmi(a, b):
    """Normalised mutual information of two labelings of the same items (arithmetic mean)."""
    n = len(a)
    ca, cb, cab = Counter(a), Counter(b), Counter(zip(a, b))
    mi = sum(c / n * math.log(c * n / (ca[x] * cb[y])) for (x, y), c in cab.items())
    ha = -sum(c / n * math.log(c / n) for c in ca.values())
    hb = -sum(c / n * math.log(c / n) for c in cb.values())
    return 1.0 if ha + hb == 0 else 2 * mi / (ha + hb)


def test_both_backends_agree(neo4j_conn, tmp_path):
    synth_case(tmp_path / "case", persons=300, seed=4)
    case = prepare_case(tmp_path / "case")
    kw = dict(write_map=False, write_report=False, seed=0)
    emb = analyze_case(case, tmp_path / "emb", backend="embedded", **kw)
    neo = analyze_case(case, tmp_path / "neo", backend="neo4j",
                       neo4j={k: v for k, v in neo4j_conn.items() if v}, **kw)
    assert neo.analysis.meta["backend"].startswith("neo4j")
    te = emb.analysis.targets.set_index("id")
    tn = neo.analysis.targets.set_index("id")
    assert list(te.index[:10]) == list(tn.index[:10])
    for col in ("degree", "betweenness", "pagerank"):
        diff = (te[col] - tn.loc[te.index, col]).abs().max()
        assert diff < 0.01, (col, diff)
    ge = emb.analysis.groups.set_index("id")["group"]
    gn = neo.analysis.groups.set_index("id")["group"].reindex(ge.index)
    assert _nmi(list(ge), list(gn)) > 0.8
