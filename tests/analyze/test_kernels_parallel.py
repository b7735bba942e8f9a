"""Kernels and movements in forked children give the values of a plain call in process."""

import os

import numpy as np
import pandas as pd
import pytest

from netanalysis.analyze import parallel as P
from netanalysis.analyze import run_analysis
from netanalysis.analyze._kernels import kernel_from_edges
from netanalysis.analyze.centrality import core_number_array, eigenvector_array

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _boom(x):
    raise ValueError(f"bad value {x}")


def test_fork_call_returns_the_childs_value_and_cpu():
    call = P.fork_call(np.arange, 5)
    assert call.forked
    assert call.result().tolist() == [0, 1, 2, 3, 4]
    assert call.cpu_s is not None and call.cpu_s >= 0
    assert call.result().tolist() == [0, 1, 2, 3, 4]  # asked twice, waited once


def test_fork_call_raises_the_childs_exception():
    call = P.fork_call(_boom, 7)
    with pytest.raises(ValueError, match="bad value 7"):
        call.result()


def test_without_fork_the_call_waits_for_result():
    seen = []
    call = P.fork_call(seen.append, 1, fork=False)
    assert seen == [] and not call.forked
    call.result()
    assert seen == [1]


def test_parallel_enabled_follows_size_and_environment(monkeypatch):
    monkeypatch.delenv("NETANALYSIS_FORK", raising=False)
    assert not P.parallel_enabled(P.PARALLEL_MIN_NODES - 1)
    assert P.parallel_enabled(P.PARALLEL_MIN_NODES) == ((os.cpu_count() or 1) > 1)
    monkeypatch.setenv("NETANALYSIS_FORK", "0")
    assert not P.parallel_enabled(10 * P.PARALLEL_MIN_NODES)
    monkeypatch.setenv("NETANALYSIS_FORK", "always")
    assert P.parallel_enabled(3)


@pytest.fixture(scope="module")
def small_case(tmp_path_factory):
    from netanalysis.pipeline import prepare_case
    from netanalysis.synth import synth_case

    folder = tmp_path_factory.mktemp("synth")
    synth_case(folder, persons=600, seed=3)
    return prepare_case(folder)


def test_run_analysis_forked_equals_in_process(small_case, monkeypatch):
    monkeypatch.setenv("NETANALYSIS_FORK", "0")
    plain = run_analysis(small_case, seed=1)
    monkeypatch.setenv("NETANALYSIS_FORK", "always")
    forked = run_analysis(small_case, seed=1)
    assert forked.meta["timings"]["kernels_forked"] == ["betweenness", "partition",
                                                        "eigenvector+core_number"]
    assert plain.meta["timings"]["kernels_forked"] == []
    pd.testing.assert_frame_equal(plain.targets, forked.targets)
    pd.testing.assert_frame_equal(plain.groups, forked.groups)
    pd.testing.assert_frame_equal(plain.logistics, forked.logistics)


def test_pipeline_outputs_are_the_same_bytes_forked(tmp_path, monkeypatch):
    from netanalysis.pipeline import analyze_case
    from netanalysis.synth import synth_case

    synth_case(tmp_path / "case", persons=600, seed=4)
    outs = {}
    for how in ("0", "always"):
        monkeypatch.setenv("NETANALYSIS_FORK", how)
        run = analyze_case(tmp_path / "case", tmp_path / f"out_{how}", write_map=False,
                           write_report=False)
        assert run.summary["timings"]["movements_alongside"] is (how == "always")
        outs[how] = run.out
    for name in ("targets.csv", "groups.csv", "logistics.csv", "movements.csv",
                 "inferred_links.csv", "merges.csv"):
        assert (outs["0"] / name).read_bytes() == (outs["always"] / name).read_bytes(), name


def _blocks(n=3000, m=15000, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, m)
    b = np.where(rng.random(m) < 0.7, (a // 50) * 50 + rng.integers(0, 50, m), rng.integers(0, n, m))
    b = np.minimum(b, n - 1)
    ids = np.array([f"p{i}" for i in range(n)], dtype=object)
    e = pd.DataFrame({"source": ids[a], "target": ids[b], "weight": rng.integers(1, 5, m) * 1.0,
                      "confidence": 1.0})
    return kernel_from_edges(e, ids)


def test_networkit_eigenvector_and_cores_agree_with_igraph():
    pytest.importorskip("networkit")
    K = _blocks()
    ig_ = eigenvector_array(K, weight="weight", engine="igraph")
    nk_ = eigenvector_array(K, weight="weight", engine="networkit")
    assert np.isclose(np.linalg.norm(nk_), 1.0)
    assert np.abs(ig_ - nk_).max() < 1e-4
    assert set(np.argsort(-ig_)[:10]) == set(np.argsort(-nk_)[:10])
    assert np.array_equal(core_number_array(K, engine="igraph"),
                          core_number_array(K, engine="networkit"))
