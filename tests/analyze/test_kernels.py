"""The igraph kernel built straight from a party-edge table."""

import numpy as np
import pandas as pd
import pytest

from netanalysis.analyze import _kernels
from netanalysis.analyze._kernels import kernel_from_edges


@pytest.mark.parametrize("n_ids, m", [(40, 3000), (3000, 20000)])
def test_parallel_ties_combined_exactly_as_one_groupby(n_ids, m, monkeypatch):
    monkeypatch.setattr(_kernels, "_CHUNK", 1000)  # several add_edges calls
    rng = np.random.default_rng(n_ids)
    ids = np.array([f"p{i}" for i in range(n_ids)], dtype=object)
    e = pd.DataFrame({"source": rng.choice(ids, m), "target": rng.choice(ids, m),
                      "weight": rng.choice([1.0, 0.3, 2.5], m),
                      "confidence": rng.choice([0.8, 0.6, 1.0, 0.2], m)})
    K = kernel_from_edges(e, np.r_[ids, ["lonely"]])
    n = len(K.names)
    assert n == n_ids + 1 and K.names[-1] == "lonely"
    a, b = K.row_codes
    assert (K.names[a] == e["source"].to_numpy(object)).all()
    assert (K.names[b] == e["target"].to_numpy(object)).all()
    keep = a != b
    a, b = a[keep], b[keep]
    w, c = e["weight"].to_numpy()[keep], e["confidence"].to_numpy()[keep]
    ref = pd.DataFrame({"k": np.minimum(a, b) * n + np.maximum(a, b), "w": w, "s": w * c,
                        "c": c}).groupby("k", sort=True).agg(w=("w", "sum"), s=("s", "sum"),
                                                              c=("c", "max"))
    k = ref.index.to_numpy()
    assert K.graph.ecount() == len(ref) < int(keep.sum())  # some pairs tied more than once
    assert np.array_equal(K.edge_array(), np.column_stack([k // n, k % n]))
    assert np.array_equal(np.asarray(K.graph.get_edgelist()), K.edge_array())
    for attr, col in (("weight", "w"), ("strength", "s"), ("confidence", "c")):
        assert np.array_equal(np.asarray(K.graph.es[attr]), ref[col].to_numpy())


def test_empty_edge_table():
    e = pd.DataFrame({"source": pd.Series([], dtype=str), "target": pd.Series([], dtype=str),
                      "weight": [], "confidence": []})
    K = kernel_from_edges(e, ["a", "b"])
    assert K.graph.vcount() == 2 and K.graph.ecount() == 0 and K.edge_array().shape == (0, 2)
