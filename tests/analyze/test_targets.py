"""The target score: facilitators of fugitives above the popular background."""

import numpy as np
import pandas as pd
import pytest

from netanalysis.analyze import run_analysis
from netanalysis.analyze.result import TARGET_COLUMNS
from netanalysis.analyze.targets import fugitive_danger, percentile, support_reach
from netanalysis.settings import load_settings
from tests.analyze.conftest import analyse


def test_contract_columns_first_and_ranks(hub_case, backend):
    a = analyse(backend, hub_case)
    t = a.targets
    assert list(t.columns[:6]) == TARGET_COLUMNS
    assert t["rank"].tolist() == list(range(1, len(t) + 1))
    assert t["score"].is_monotonic_decreasing
    assert t["why"].str.len().gt(0).all()
    assert set(t["id"]) == {p for p in hub_case.tables["persons"]["id"]}


def test_facilitator_and_forger_outrank_the_popular_hub(hub_case, backend):
    t = analyse(backend, hub_case).targets.set_index("id")
    hub = t.loc["HUB"]
    # the hub is the most central person of the case...
    assert hub["betweenness"] == t["betweenness"].max()
    assert hub["degree"] == t["degree"].max()
    # ...but everyone who supports a fugitive ranks above
    for who in ("FAC", "COURIER", "FORGER"):
        assert t.loc[who, "rank"] < hub["rank"], who
    assert t.loc["FAC", "rank"] < t.loc["COURIER", "rank"]  # two fugitives beat one
    assert t.loc["FAC", "fugitives_direct"] == 2
    assert t.loc["FORGER", "fugitives_direct"] == 0 and t.loc["FORGER", "fugitives_within"] == 2


def test_why_sentences(hub_case, backend):
    t = analyse(backend, hub_case).targets.set_index("id")
    assert t.loc["FAC", "why"].startswith(
        "supplies documents and lodging to 2 fugitives incl. F1 (red notice)")
    assert "supports 2 more fugitives through others" in t.loc["FORGER", "why"]
    assert t.loc["F1", "why"].startswith("fugitive, red notice, wanted by CO, US, drug trafficking")
    assert "supported by 1 (documents)" in t.loc["F1", "why"]
    assert "betweenness top" in t.loc["HUB", "why"]


def test_fugitives_are_ranked_by_danger(hub_case, backend):
    t = analyse(backend, hub_case).targets.set_index("id")
    assert t.loc["F1", "danger"] > t.loc["F2", "danger"] > 0
    assert t.loc["F1", "rank"] < t.loc["F2", "rank"]
    assert t.loc["HUB", "danger"] == 0


def test_weights_come_from_settings(hub_case, backend):
    s = load_settings(rank={"weights": {"support": 0.0, "danger": 0.0, "brokerage": 0.0}})
    t = analyse(backend, hub_case, settings=s).targets
    assert t.iloc[0]["id"] == "HUB"  # without the support terms, centrality wins


def test_brokerage_weight_lifts_the_facilitator(hub_case):
    # FAC brokers between the groups of the support circle (partitioned apart): brokerage
    # alone lifts him above the hub
    s = load_settings(rank={"weights": {"support": 0.0, "danger": 0.0}})
    assert run_analysis(hub_case, settings=s).targets.iloc[0]["id"] == "FAC"
    s = load_settings(rank={"weights": {"support": 0.0, "danger": 0.0},
                            "communities": {"graph": "all"}})
    assert run_analysis(hub_case, settings=s).targets.iloc[0]["id"] == "HUB"


def test_filters_are_honoured(hub_case, backend):
    a = analyse(backend, hub_case, filters={"link_types": ["associate", "family", "communication"]})
    t = a.targets.set_index("id")
    assert t.loc["FAC", "support_value"] == 0 and t.loc["FAC", "degree"] == 0
    assert a.meta["filters"]["link_types"] == ["associate", "family", "communication"]
    b = analyse(backend, hub_case, filters={"min_confidence": 0.9}).targets  # B2 = 0.64
    assert b["degree"].max() == 0


def test_time_window_filter():
    from tests.analyze.conftest import make_case

    c = make_case([{"id": "F", "name": "F", "role": "fugitive", "notice": "red"},
                   {"id": "X", "name": "X"}, {"id": "Y", "name": "Y"}],
                  [{"from_id": "X", "to_id": "F", "type": "lodging", "start": "2019", "end": "2019"},
                   {"from_id": "Y", "to_id": "F", "type": "lodging", "start": "2023-01"}])
    t = run_analysis(c, filters={"since": "2022"}).targets.set_index("id")
    assert t.loc["Y", "fugitives_direct"] == 1 and t.loc["X", "fugitives_direct"] == 0


def test_backend_measures_are_used_as_they_are(hub_case):
    from netanalysis.analyze.measures import case_measures

    m = case_measures(hub_case)
    m["betweenness"] = 0.25
    m["degree"] = 7
    m["community"] = [1 + i % 2 for i in range(len(m))]
    m.attrs.clear()
    a = run_analysis(hub_case, measures=m)
    assert (a.targets["betweenness"] == 0.25).all() and (a.targets["degree"] == 7).all()
    assert a.meta["betweenness_k"] == "precomputed" and a.meta["communities"] == "precomputed"
    # the backend's partition is the one ranked: no second partition of the support circle
    assert set(a.groups["group"]) == {1, 2}


def test_embedded_measures_frame_is_what_the_ranking_computes(hub_case):
    from netanalysis.analyze.measures import case_measures

    a = run_analysis(hub_case, seed=2)
    b = run_analysis(hub_case, seed=2, measures=case_measures(hub_case, seed=2))
    pd.testing.assert_frame_equal(a.targets, b.targets)
    pd.testing.assert_frame_equal(a.logistics, b.logistics)
    assert a.meta["betweenness_k"] == b.meta["betweenness_k"] == "exact"


def test_measures_frame_lacking_a_column_is_refused(hub_case):
    from netanalysis.analyze.measures import case_measures
    from netanalysis.errors import BackendError

    m = case_measures(hub_case).drop(columns=["support_value"])
    with pytest.raises(BackendError, match="support_value"):
        run_analysis(hub_case, measures=m)


def test_seed_reproducible_and_meta(hub_case):
    a = run_analysis(hub_case, seed=5)
    b = run_analysis(hub_case, seed=5)
    pd.testing.assert_frame_equal(a.targets, b.targets)
    assert a.meta["seed"] == 5 and a.meta["betweenness_k"] == "exact"
    assert "measures_s" in a.meta["timings"] and a.meta["kernels"].startswith("igraph")


def test_sampled_betweenness_reports_k(hub_case):
    s = load_settings(rank={"betweenness": {"exact_max_nodes": 10, "sample": 8}})
    a = run_analysis(hub_case, settings=s)
    assert a.meta["betweenness_k"] == 8


def test_fugitive_danger_reads_lists_and_text():
    s = load_settings().rank
    p = pd.DataFrame({"id": ["a", "b", "c"], "role": ["fugitive", "fugitive", "associate"],
                      "notice": ["red", "none", "red"], "wanted_by": ["CO|US|MX|ES", None, "CO"],
                      "offences": [["terrorism"], "unlisted_offence", None]})
    d = fugitive_danger(p, s)
    assert d[0] == pytest.approx(1.0 + 1.0 + 0.5)
    assert d[1] == pytest.approx(0.5)
    assert d[2] == 0


def test_support_reach_decays_and_ignores_self_support():
    e = pd.DataFrame({"source": ["A", "B", "F1", "C"], "target": ["B", "F1", "F2", "A"],
                      "type": ["documents", "transport", "lodging", "financial"]})
    ids = np.array(["F1", "F2", "A", "B", "C"])
    r = support_reach(e, ids, np.array([2.0, 1.0, 0, 0, 0]), hops=3, decay=0.5)
    r.index = ids
    assert r.loc["B", "support_value"] == pytest.approx(2.0 + 0.5 * 1.0)
    assert r.loc["A", "support_value"] == pytest.approx(0.5 * 2.0 + 0.25 * 1.0)
    assert r.loc["C", "support_value"] == pytest.approx(0.25 * 2.0)  # F2 is 4 hops away
    assert r.loc["F1", "support_value"] == pytest.approx(1.0)  # supplies F2, not himself
    assert r.loc["F1", "supported_by"] == 1 and r.loc["B", "services"] == ("transport",)


def test_percentile_zero_and_ties():
    assert percentile([0, 0, 1, 1, 2]).tolist() == [0.0, 0.0, 0.5, 0.5, 1.0]


def _why_table(n, seed):
    """A random scored table with every kind of row _why distinguishes."""
    rng = np.random.default_rng(seed)
    role = rng.choice(["fugitive", "facilitator", "unknown", "associate"], n, p=[.1, .1, .6, .2])
    nd = np.where(rng.random(n) < 0.15, rng.integers(1, 4, n), 0)
    bridged = [tuple(int(g) for g in rng.choice(50, rng.integers(0, 4), replace=False))
               for _ in range(n)]
    t = pd.DataFrame({
        "id": [f"P{i}" for i in range(n)], "role": role,
        "notice": rng.choice(["red", "blue", "none", None], n),
        "wanted_by": [["CO", "US"][: rng.integers(0, 3)] for _ in range(n)],
        "offences": rng.choice(["fraud|drug_trafficking", "", None], n),
        "fugitives_direct": nd, "fugitives_within": nd + rng.integers(0, 3, n),
        "services": [("documents", "lodging")[: rng.integers(1, 3)] for _ in range(n)],
        "top_fugitive": np.where(nd > 0, "F1", None),
        "top_fugitive_notice": rng.choice(["red", "none", None], n),
        "supported_by": rng.integers(0, 3, n),
        "services_received": [("transport",)] * n,
        "group": rng.integers(1, 50, n), "bridged": bridged,
        "gf_total": rng.integers(0, 3, n),
        "betweenness": rng.choice([0.0, 0.3], n), "betweenness_top": rng.random(n) / 5,
        "pagerank": rng.random(n), "pagerank_top": rng.random(n) / 5,
        "degree": rng.integers(0, 9, n),
    })
    for r in ("coordinator", "itinerant", "representative", "gatekeeper", "liaison"):
        t[f"gf_{r}"] = rng.integers(0, 3, n)
    return t


@pytest.mark.parametrize("seed", [0, 1])
def test_vectorised_why_equals_row_by_row(seed):
    from netanalysis.analyze.targets import _why, explain_targets

    t = _why_table(400, seed)
    fast = explain_targets(t, {"why": {"top_percent": 5}})
    slow = [_why(r, 5.0) for r in t.to_dict("records")]
    assert fast == slow
    assert any(s.startswith("broker between groups") for s in fast)
    assert any(s.endswith(" ties") for s in fast)
    # a table without the optional columns: missing counts read as 0, missing measures as 1
    small = t[["id", "role", "fugitives_within", "bridged", "group", "betweenness_top",
               "degree"]]
    assert explain_targets(small, {}) == [_why(r, 5.0) for r in small.to_dict("records")]
    assert explain_targets(t, {}, limit=3)[3:] == [""] * 397
