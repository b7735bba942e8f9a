"""Network maps: selection, visual grammar, self-containment and safety of the HTML."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from present_cases import HOSTILE, HOSTILE2, HOSTILE3, make_analysis, make_case

from netanalysis.errors import UnknownEntityError
from netanalysis.model import build_graph
from netanalysis.present.maps import json_for_html, map_data, network_map, select_nodes


class _Tags(HTMLParser):
    """Collect every tag with its attributes, and the text of script elements."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self.scripts[-1][1] += data


def _parse(path):
    p = _Tags()
    p.feed(path.read_text("utf-8"))
    return p


def _payload(path):
    for attrs, text in _parse(path).scripts:
        if attrs.get("id") == "map-data":
            return json.loads(text)
    raise AssertionError("no map data in the page")


def test_map_is_self_contained(tmp_path, case, analysis):
    out = tmp_path / "map.html"
    network_map(case, out, analysis=analysis)
    p = _parse(out)
    # every element that could fetch something: no src or href at all, no <link>, no <img>
    for tag, attrs in p.tags:
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
        assert tag not in ("link", "img", "iframe", "object", "embed")
    assert len(p.scripts) == 4  # data, vis-network, the map, the investigation panel
    assert len(_parse(Path(network_map(case, tmp_path / "w.html", analysis=analysis,
                                       whole=True)["path"])).scripts) == 3
    html = out.read_text("utf-8")
    assert "default-src 'none'" in html
    # stylesheets fetch nothing either: every url(...) is inline data
    urls = re.findall(r"url\(\s*['\"]?([^'\")]*)", html.split('<script id="map-data"')[0])
    assert urls and all(u.startswith("data:") for u in urls)
    assert "@import" not in html
    assert "vis.Network" in html and "DataSet" in html  # vis-network inlined


def test_hostile_text_never_becomes_markup(tmp_path, case, analysis):
    out = tmp_path / "map.html"
    network_map(case, out, analysis=analysis, title=HOSTILE)
    html = out.read_text("utf-8")
    for bad in (HOSTILE, HOSTILE2, HOSTILE3, "<img src=x", "<svg onload", "alert(2)</script>"):
        assert bad not in html
    # the title is escaped text, the data are intact once parsed as JSON
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    data = _payload(out)
    names = {n["id"]: dict(n["info"]).get("name") for n in data["nodes"]}
    assert names["X2"] == HOSTILE and names["H1"] == HOSTILE2
    assert dict(next(n for n in data["nodes"] if n["id"] == "X2")["info"])["aliases"] == HOSTILE3
    # no vis 'title' (vis-network would render a string title as HTML)
    assert all("title" not in n for n in data["nodes"])
    assert all("title" not in e for e in data["edges"])
    # tooltips are built with textContent only
    script = [t for a, t in _parse(out).scripts if not a and "factBox" in t][0]
    assert "textContent" in script and "innerHTML" not in script
    panel = [t for a, t in _parse(out).scripts if not a and "panel-groups" in t][0]
    assert "textContent" in panel and "innerHTML" not in panel


def test_json_for_html_escapes_script_breakers():
    text = json_for_html({"a": "</script><!--", "b": "x\u2028y", "c": "&amp;"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!--", "b": "x\u2028y", "c": "&amp;"}


def test_visual_grammar(case, analysis):
    d = map_data(case, analysis=analysis, whole=True)
    nodes = {n["id"]: n for n in d["nodes"]}
    assert nodes["F1"]["color"]["background"] == "#d62728"  # fugitive red
    assert nodes["X1"]["color"]["background"] == "#ff7f0e"  # facilitator orange
    assert nodes["G1"]["shape"] == "square" and nodes["F1"]["shape"] == "dot"
    assert nodes["phone:+573001112233"]["shape"] == "triangle" and nodes["doc:D1"]["shape"] == "diamond"
    assert nodes["F1"]["size"] > nodes["X1"]["size"] > nodes["B1"]["size"]  # size follows score
    info = dict(nodes["F1"]["info"])
    assert info["notice"] == "red" and info["rank"] == "1" and info["score"] == "0.91"
    assert info["why"].startswith("red notice") and info["source record"] == "persons.csv:2"
    edges = d["edges"]
    inferred = [e for e in edges if e["type"] == "co_travel"]
    assert len(inferred) == 1 and inferred[0]["dashes"] is True
    assert dict(inferred[0]["info"])["inferred"].startswith("yes")
    faint = [e for e in edges if e["type"] == "associate"][0]  # graded E5
    assert faint["faint"] and faint["color"]["opacity"] < 0.5
    solid = [e for e in edges if e["type"] == "lodging"][0]  # graded A1
    assert not solid["faint"] and solid["arrows"] == "to" and not solid["dashes"]
    einfo = dict(solid["info"])
    assert einfo["grading"] == "A1" and einfo["provenance"] == "Europol"
    assert [e for e in edges if e["type"] == "family"][0]["arrows"] == ""
    assert {x["label"] for x in d["legend"]["colour"]} >= {"fugitive", "facilitator", "associate"}
    assert d["info"]["nodes"] == len(build_graph(case)) and d["info"]["edges"] == build_graph(case).number_of_edges()


def test_color_by_group(case, analysis):
    d = map_data(case, analysis=analysis, color_by="group", whole=True)
    nodes = {n["id"]: n for n in d["nodes"]}
    assert nodes["F1"]["color"]["background"] == nodes["X2"]["color"]["background"]  # group 1
    assert nodes["F1"]["color"]["background"] != nodes["X1"]["color"]["background"]  # group 2
    assert [x["label"] for x in d["legend"]["colour"]] == ["group 1", "group 2", "group 3"]
    with pytest.raises(ValueError, match="needs the analysis"):
        map_data(case, color_by="group")
    with pytest.raises(ValueError, match="color_by"):
        map_data(case, color_by="kind")


def test_focus_top_group_selections(case, analysis):
    G = build_graph(case)
    nodes, sel = select_nodes(G, focus="F2", hops=1)
    assert sel == "focus" and nodes == {"F2", "X1", "H1", "journey:CM221|2024-04-10"}
    d = map_data(case, analysis=analysis, focus="F2", hops=1)
    assert {n["id"] for n in d["nodes"]} == nodes
    # top 2 = F1 and X1, joined directly by a documents tie
    nodes, sel = select_nodes(G, analysis=analysis, top=2)
    assert nodes == {"F1", "X1"}
    # top 3 adds F2, joined to X1 by lodging
    assert select_nodes(G, analysis=analysis, top=3)[0] == {"F1", "X1", "F2"}
    nodes, sel = select_nodes(G, analysis=analysis, group=2)
    assert nodes == {"X1", "F2", "H1"}
    with pytest.raises(UnknownEntityError, match="no node 'NOPE'"):
        select_nodes(G, focus="NOPE")
    with pytest.raises(UnknownEntityError, match="no group"):
        select_nodes(G, analysis=analysis, group=99)
    with pytest.raises(ValueError, match="at most one"):
        select_nodes(G, analysis=analysis, focus="F1", top=3)
    with pytest.raises(ValueError, match="needs the analysis"):
        select_nodes(G, top=3)


def test_kinds_filter_and_party_graph(case, analysis):
    d = map_data(case, analysis=analysis, kinds=["Person", "Organization"])
    assert {n["kind"] for n in d["nodes"]} == {"Person", "Organization"}
    assert d["info"]["nodes"] == 7
    # a simple party graph (edges with 'types') can be drawn too
    from netanalysis.model import party_edges, party_graph, party_nodes
    P = party_graph(party_edges(case), party_nodes(case))
    d = map_data(case, graph=P)
    assert d["info"]["edges"] == P.number_of_edges()
    types = {e["type"] for e in d["edges"]}
    assert "documents" in types and "associate+co_travel+communication+family" in types


@pytest.mark.slow
def test_large_map_is_laid_out_in_python(tmp_path):
    n = 1500
    G = nx.gnm_random_graph(n, 3 * n, seed=3)
    persons = pd.DataFrame({"id": [f"P{i}" for i in range(n)], "name": [f"Person {i}" for i in range(n)],
                            "role": ["associate"] * n, "_file": "persons.csv",
                            "_line": list(range(2, n + 2))})
    links = pd.DataFrame({"from_id": [f"P{u}" for u, v in G.edges()],
                          "to_id": [f"P{v}" for u, v in G.edges()], "type": "associate",
                          "grading": "B2", "weight": 1.0, "start": None, "end": None,
                          "provenance": "test", "note": None, "_file": "links.csv",
                          "_line": range(2, G.number_of_edges() + 2)})
    from netanalysis.model import Case
    c = Case(tables={"persons": persons, "links": links})
    out = tmp_path / "big.html"
    info = network_map(c, out, max_physics_nodes=1000)
    assert info["nodes"] == n and info["edges"] == G.number_of_edges()
    assert info["physics"] is False and info["reduced"] is True
    assert "physics turned off" in info["reductions"][0]
    data = _payload(out)
    assert data["options"]["physics"]["enabled"] is False
    xy = {(node["x"], node["y"]) for node in data["nodes"]}
    assert len(xy) > n * 0.95  # real positions, not a pile
    assert all(node["physics"] is False for node in data["nodes"])
    # and a cap on the number of nodes keeps the highest-scoring
    info = network_map(c, out, max_physics_nodes=1000, max_nodes=100)
    assert info["nodes"] == 100 and info["dropped_nodes"] == n - 100
    assert any("left out" in r for r in info["reductions"])
    assert "Reduced:" in out.read_text("utf-8")


def test_progress_reports_reductions(tmp_path, case):
    import io

    from netanalysis.progress import Progress
    buf = io.StringIO()
    network_map(case, tmp_path / "m.html", max_physics_nodes=5, progress=Progress(stream=buf))
    text = buf.getvalue()
    assert "drawing the network map" in text and "map reduced:" in text


def test_map_doctest_style_minimal(tmp_path):
    c = make_case()
    info = network_map(c, tmp_path / "sub" / "m.html", analysis=make_analysis(), focus="F1", hops=0)
    assert info["nodes"] == 1 and info["edges"] == 0
    assert re.search(r"F1 within 0 ties|Network map: F1", (tmp_path / "sub" / "m.html").read_text("utf-8"))


def test_browser_tests_skip_or_fail_without_chromium(monkeypatch):
    import present_browser

    monkeypatch.setattr(present_browser.shutil, "which", lambda name: None)
    monkeypatch.delenv("NETANALYSIS_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="headless Chromium not found"):
        present_browser.chromium_binary()
    monkeypatch.setenv("NETANALYSIS_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="NETANALYSIS_REQUIRE_BROWSER=1"):
        present_browser.chromium_binary()


def test_case_or_graph_required():
    with pytest.raises(ValueError, match="give a case or a graph"):
        map_data(None)


# --- the focus radius comes from settings (issue 12: no literal defaults) --------------------

def _chain_case():
    from netanalysis.ingest import case_from_records
    ids = ["A", "B", "C", "D", "E"]
    return case_from_records(
        persons=[{"id": x, "name": f"Person {x}"} for x in ids],
        links=[{"from_id": a, "to_id": b, "type": "family", "grading": "B2"}
               for a, b in zip(ids, ids[1:])])


def test_focus_hops_default_is_the_yaml_value_and_a_settings_file_changes_it(tmp_path):
    from pathlib import Path

    import yaml

    import netanalysis
    from netanalysis.present.maps import map_data, select_nodes
    from netanalysis.settings import load_settings
    folder = Path(netanalysis.__file__).parent / "schema" / "settings"
    hops = yaml.safe_load((folder / "map.yaml").read_text("utf-8"))["map"]["focus_hops"]
    case = _chain_case()
    persons = lambda d: sorted(n["id"] for n in d["nodes"] if n["id"] in "ABCDE")  # noqa: E731
    assert persons(map_data(case, focus="A")) == list("ABCDE")[:hops + 1]
    G = nx.path_graph(list("ABCDE"))
    assert sorted(select_nodes(G, focus="A")[0]) == list("ABCDE")[:hops + 1]
    f = tmp_path / "s.yaml"
    f.write_text("map:\n  focus_hops: 3\n", "utf-8")
    assert persons(map_data(case, focus="A", settings=load_settings(f, env={}))) == list("ABCD")
    # the argument wins
    assert persons(map_data(case, focus="A", hops=1, settings=load_settings(f, env={}))) == ["A", "B"]
