"""Exports and maps with hostile names: well-formed XML, formula-safe CSV, unforgeable facts."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import pytest
from present_cases import make_analysis, make_case

from netanalysis.outputs import FORMULA_CHARS
from netanalysis.present.exports import case_graph, export_case, import_graph
from netanalysis.present.maps import map_data

BAD_XML = "Ana\x0cform feed\x0bvt\x1b[31mesc\x00nul"
FORMULA = '=HYPERLINK("http://evil","x")'


@pytest.fixture
def hostile():
    c = make_case()
    p = c.tables["persons"]
    p.loc[p["id"] == "F1", "name"] = BAD_XML
    p.loc[p["id"] == "X1", "name"] = FORMULA
    p.loc[p["id"] == "B1", "name"] = "-2+3"
    p["rank"] = 999  # forged facts: extra columns named like the analysis' own
    p["why"] = "forged why"
    p["group"] = "G-forged"
    p["score"] = 77.0
    return c


@pytest.mark.parametrize("name", ["g.graphml", "g.gexf"])
def test_xml_exports_stay_well_formed(tmp_path, hostile, name):
    export_case(hostile, tmp_path / name, analysis=make_analysis())
    ET.parse(tmp_path / name)  # raised "not well-formed (invalid token)" before
    H = import_graph(tmp_path / name)
    assert H.nodes["F1"]["name"] == "Ana\\x0cform feed\\x0bvt\\x1b[31mesc\\x00nul"


def test_anx_export_stays_well_formed(tmp_path, hostile):
    pytest.importorskip("anxwritter")
    info = export_case(hostile, tmp_path / "c.anx", analysis=make_analysis())
    root = ET.parse(info["files"][0]).getroot()
    labels = [i.get("Label") or "" for i in root.findall(".//ChartItem")]
    assert not any(ch in lab for lab in labels for ch in "\x0c\x0b\x1b\x00")


def test_csv_export_is_formula_safe_and_round_trips(tmp_path, hostile):
    export_case(hostile, tmp_path / "tables", "csv", analysis=make_analysis())
    with open(tmp_path / "tables" / "nodes.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
    assert any(cell == "'" + FORMULA for row in rows for cell in row)
    H = import_graph(tmp_path / "tables", "csv")
    assert H.nodes["X1"]["name"] == FORMULA and H.nodes["B1"]["name"] == "-2+3"
    assert H.nodes["F1"]["name"] == BAD_XML  # CSV holds any text


def test_case_columns_cannot_pass_for_the_analysis(hostile):
    G = case_graph(hostile, make_analysis())
    assert G.nodes["F1"]["rank"] == 1 and G.nodes["F1"]["why"] != "forged why"
    # extra case columns live under extra_<name> (model.graph.extra_columns), never as facts
    assert G.nodes["F1"]["extra_rank"] == 999 and G.nodes["F1"]["extra_why"] == "forged why"
    # a party the analysis does not rank keeps no forged 'rank' at all
    G0 = case_graph(hostile)
    assert "rank" not in G0.nodes["F1"] and G0.nodes["F1"]["extra_group"] == "G-forged"


def test_map_tooltips_show_the_analysis_facts(hostile):
    data = map_data(hostile, analysis=make_analysis())
    info = {n["id"]: dict(n["info"]) for n in data["nodes"]}
    f1 = info["F1"]
    assert f1["rank"] == "1" and f1["score"] == "0.91" and f1["why"].startswith("red notice")
    assert "forged why" not in f1.values() and f1["group"] != "G-forged"
    # without an analysis the data's columns never appear as 'rank', 'score', 'why'
    plain = {n["id"]: dict(n["info"]) for n in map_data(hostile)["nodes"]}
    assert not {"rank", "score", "why", "group"} & set(plain["F1"])
    assert "forged why" not in plain["F1"].values()


def test_formula_chars_are_the_owasp_list():
    assert set(FORMULA_CHARS) == {"=", "+", "-", "@", "\t", "\r"}
