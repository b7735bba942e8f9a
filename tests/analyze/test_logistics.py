import pandas as pd

from netanalysis.analyze.logistics import group_profiles, group_table, logistics_groups
from netanalysis.analyze.result import GROUP_COLUMNS, LOGISTICS_COLUMNS
from tests.analyze.conftest import analyse


def test_logistics_groups_rank_by_fugitive_value():
    ids = ["x", "y", "z", "f1", "f2", "f3"]
    roles = ["unknown", "unknown", "unknown", "fugitive", "fugitive", "fugitive"]
    memb = [1, 1, 2, 3, 3, 3]
    e = pd.DataFrame({"source": ["x", "y", "z", "f1"], "target": ["f1", "f2", "f3", "f2"],
                      "type": ["documents", "lodging", "transport", "financial"]})
    value = [0, 0, 0, 3.0, 1.0, 1.5]
    L = logistics_groups(ids, roles, memb, e, value, notices=[None, None, None, "red", None, None])
    assert list(L.columns[:6]) == LOGISTICS_COLUMNS
    assert L["group"].tolist() == [1, 2]  # group 3 holds only fugitives supplying each other
    assert L.loc[0, "score"] == 4.0 and L.loc[0, "facilitators"] == 2
    assert L.loc[0, "fugitives_supported"] == 2
    assert L.loc[0, "why"] == "documents (x), lodging (y) for 2 fugitives: f1 (red notice), f2"
    assert L["rank"].tolist() == [1, 2]


def test_no_support_gives_empty_table_with_contract_columns():
    L = logistics_groups(["a"], ["unknown"], [1], pd.DataFrame(columns=["source", "target", "type"]), [0.0])
    assert L.empty and list(L.columns[:6]) == LOGISTICS_COLUMNS


def test_group_table_and_profiles():
    g = group_table(["b", "a"], ["B", "A"], ["facilitator", "fugitive"], [2, 1])
    assert list(g.columns[:4]) == GROUP_COLUMNS and g["id"].tolist() == ["a", "b"]
    e = pd.DataFrame({"source": ["b"], "target": ["a"], "type": ["lodging"]})
    p = group_profiles(["b", "a"], ["facilitator", "fugitive"], [2, 1], e)
    assert p.loc[2, "facilitators"] == 1 and p.loc[2, "services"] == ("lodging",)
    assert p.loc[1, "fugitives"] == 1 and p.loc[1, "support_ties"] == 0


def test_run_analysis_groups_cover_every_party(hub_case, backend):
    a = analyse(backend, hub_case)
    assert set(a.groups["id"]) == set(a.targets["id"])
    assert a.groups["group"].min() == 1
    assert len(a.logistics) >= 1
    top = a.logistics.iloc[0]
    assert "FAC" in top["facilitator_ids"] and top["fugitives_supported"] >= 1
    assert a.modularity is not None and 0 < a.modularity < 1
