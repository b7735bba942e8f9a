"""The investigation view: what it keeps, what it folds into ties, its panel and layout."""

from __future__ import annotations

import math

import pandas as pd
from present_cases import make_analysis, make_case

from netanalysis.present.investigation import investigation_graph, investigation_layout
from netanalysis.present.maps import map_data


def _case_with_shared_passport():
    c = make_case()
    docs = c.tables["documents"]
    extra = pd.DataFrame({"id": ["D2"], "holder_id": ["X1"], "kind": ["passport"],
                          "number": ["CO 123"], "issuing_country": ["CO"], "status": ["valid"],
                          "provenance": ["DIJIN"], "_file": "documents.csv", "_line": [3]})
    c.tables["documents"] = pd.concat([docs, extra], ignore_index=True)
    return c


def test_keeps_parties_and_folds_phones_documents_journeys():
    G, panel = investigation_graph(_case_with_shared_passport(), make_analysis())
    assert {d["kind"] for _, d in G.nodes(data=True)} <= {"Person", "Organization"}
    assert {"F1", "F2", "X1", "H1", "X2"} <= set(G.nodes)
    # X1 supplies documents to F1: one tie, from supplier to receiver, that also says the
    # two calls between their phones and the passport number they share
    tie = G["X1"]["F1"]
    assert tie["type"] == "documents" and not tie["inferred"]
    assert "2 calls" in tie["evidence"] and "shared passport CO123" in tie["evidence"]
    # F1 and X2 flew IB6500 together: the journey is folded into their tie
    tie = G["F1"]["X2"] if G.has_edge("F1", "X2") else G["X2"]["F1"]
    assert "1 shared journey" in tie["evidence"]
    assert set(tie["ties"].split(", ")) >= {"family", "co_travel"}
    # the panel: the logistics group and each fugitive with its supporters
    assert panel["groups"][0]["label"] == "group 2: 2 facilitators for 2 fugitives"
    assert set(panel["groups"][0]["nodes"]) == {"X1", "H1", "F1", "F2"}
    f1 = next(e for e in panel["fugitives"] if e["label"].startswith("#1 F1"))
    assert f1["label"].endswith("(red notice)") and f1["nodes"][0] == "F1"
    assert "X1" in f1["nodes"]


def test_map_defaults_to_the_investigation_view():
    d = map_data(make_case(), analysis=make_analysis())
    assert d["info"]["selection"] == "investigation" and d["panel"]["fugitives"]
    assert set(d["info"]["kinds"]) <= {"Person", "Organization"}
    edge = next(e for e in d["edges"] if e["from"] == "X1" and e["to"] == "F1")
    assert dict(edge["info"])["evidence"] == "2 calls" and edge["arrows"] == "to"
    assert all(n["physics"] is False and "x" in n for n in d["nodes"])
    whole = map_data(make_case(), analysis=make_analysis(), whole=True)
    assert whole["panel"] is None and whole["info"]["selection"] == "all"
    assert "Phone" in whole["info"]["kinds"]
    # any explicit selection keeps the property graph
    assert map_data(make_case(), analysis=make_analysis(), top=2)["panel"] is None


def test_layout_keeps_support_networks_apart():
    import networkx as nx

    G = nx.DiGraph()
    for f in range(6):  # six fugitives, each with four supporters, a few ties between them
        for s in range(4):
            G.add_edge(f"S{f}.{s}", f"F{f}")
            G.nodes[f"S{f}.{s}"]["cluster"] = f"F{f}"
        G.nodes[f"F{f}"]["cluster"] = f"F{f}"
        if f:
            G.add_edge(f"F{f - 1}", f"F{f}")
    pos = investigation_layout(G)
    for f in range(6):
        own = [pos[f"S{f}.{s}"] for s in range(4)]
        near = max(math.dist(p, pos[f"F{f}"]) for p in own)
        others = min(math.dist(pos[n], pos[f"F{f}"]) for n in G
                     if G.nodes[n]["cluster"] != f"F{f}")
        assert near < others


def test_settings_declare_the_investigation_defaults():
    from netanalysis.present.investigation import INVESTIGATION_DEFAULTS
    from netanalysis.settings import load_settings

    assert load_settings().section("map")["investigation"] == INVESTIGATION_DEFAULTS


def test_settings_limit_the_view():
    d = map_data(make_case(), analysis=make_analysis(),
                 settings={"investigation": {"fugitives": 1, "top_targets": 1,
                                             "logistics_groups": 0, "panel_fugitives": 1}})
    assert [e["label"].split()[1] for e in d["panel"]["fugitives"]] == ["F1"]
    assert d["panel"]["groups"] == []
    assert "F2" not in {n["id"] for n in d["nodes"]}  # the second fugitive is left out
