"""Network maps in a real headless Chromium: loads offline, draws everything, stays inert."""

from __future__ import annotations

import time

import networkx as nx
import pandas as pd
import pytest
from present_browser import Browser, chromium_binary, pixel_stats
from present_cases import HOSTILE, HOSTILE2, HOSTILE3

from netanalysis.model import Case
from netanalysis.present import network_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    b = Browser(chromium_binary())
    yield b
    b.close()


def _assert_clean(browser):
    assert browser.console_errors() == []
    assert browser.requests() == []
    assert browser.dialogs() == []


def _assert_not_blank(png):
    colours, variance = pixel_stats(png)
    assert colours > 50 and variance > 100, (colours, variance)


def test_map_loads_offline_and_draws_everything(browser, tmp_path, case, analysis):
    out = tmp_path / "map.html"
    info = network_map(case, out, analysis=analysis)
    browser.open(out)
    assert browser.eval("[netanalysisMap.nodes.length, netanalysisMap.edges.length]") == [
        info["nodes"], info["edges"]]
    # vis-network placed every node on the canvas
    placed = browser.eval("Object.keys(netanalysisMap.network.getPositions()).length")
    assert placed == info["nodes"]
    browser.pump(0.3)
    _assert_clean(browser)
    _assert_not_blank(browser.screenshot())


def test_hostile_names_stay_inert(browser, tmp_path, case, analysis):
    out = tmp_path / "map.html"
    network_map(case, out, analysis=analysis, title=HOSTILE)
    browser.open(out)
    # hover and click the hostile node and the hostile tie: their facts show as text
    tip = browser.eval("""(function () {
        var em = netanalysisMap.network.body.emitter;
        em.emit('hoverNode', {node: netanalysisMap.vid('X2'), pointer: {DOM: {x: 20, y: 20}}});
        return document.getElementById('tooltip').textContent; })()""")
    assert HOSTILE in tip and HOSTILE3 in tip
    edge = browser.eval("netanalysisMap.edges.get({filter: function (e) { "
                        "return e.from === netanalysisMap.vid('H1'); }})[0].id")
    details = browser.eval(f"""(function () {{
        var em = netanalysisMap.network.body.emitter;
        em.emit('click', {{nodes: [], edges: ['{edge}'], pointer: {{DOM: {{x: 1, y: 1}}}}}});
        return document.getElementById('details').textContent; }})()""")
    assert HOSTILE in details and HOSTILE2 in details and HOSTILE3 in details
    assert browser.eval("document.title") == HOSTILE
    # nothing was parsed into elements: no img, svg or extra script anywhere in the page
    assert browser.eval("document.querySelectorAll('img, svg, iframe, object').length") == 0
    assert browser.eval("document.scripts.length") == 4  # data, vis, map, panel
    browser.pump(0.5)  # give an injected onerror the time to fire
    _assert_clean(browser)


@pytest.mark.slow
def test_five_thousand_node_map_opens_and_pans(browser, tmp_path):
    n = 5000
    G = nx.gnm_random_graph(n, 3 * n, seed=11)
    roles = ["fugitive", "facilitator", "associate", "unknown"]
    persons = pd.DataFrame({"id": [f"P{i}" for i in range(n)],
                            "name": [f"Person {i}" for i in range(n)],
                            "role": [roles[i % 4] for i in range(n)], "_file": "persons.csv",
                            "_line": list(range(2, n + 2))})
    m = G.number_of_edges()
    links = pd.DataFrame({"from_id": [f"P{u}" for u, v in G.edges()],
                          "to_id": [f"P{v}" for u, v in G.edges()], "type": "communication",
                          "grading": "B2", "weight": 1.0, "start": None, "end": None,
                          "provenance": "test", "note": None, "_file": "links.csv",
                          "_line": range(2, m + 2)})
    out = tmp_path / "big.html"
    t0 = time.perf_counter()
    info = network_map(Case(tables={"persons": persons, "links": links}), out)
    t_write = time.perf_counter() - t0
    assert info["physics"] is False and info["reduced"]
    t0 = time.perf_counter()
    browser.open(out)
    t_open = time.perf_counter() - t0
    assert browser.eval("[netanalysisMap.nodes.length, netanalysisMap.edges.length]") == [n, m]
    # pan and zoom: the view moves, nothing breaks
    before = browser.eval("netanalysisMap.network.getViewPosition()")
    browser.eval("netanalysisMap.network.moveTo({position: {x: 500, y: -300}, scale: 0.6})")
    browser.eval("new Promise(function (r) { netanalysisMap.network.once('afterDrawing', r); "
                 "netanalysisMap.network.redraw(); })")
    after = browser.eval("netanalysisMap.network.getViewPosition()")
    assert after != before
    _assert_clean(browser)
    _assert_not_blank(browser.screenshot())
    print(f"5,000-node map: written in {t_write:.1f} s, opened in {t_open:.1f} s")


def test_ids_that_look_like_javascript_internals(browser, tmp_path):
    persons = pd.DataFrame({"id": ["__proto__", "constructor", "toString"],
                            "name": ["proto", "ctor", HOSTILE], "role": "fugitive",
                            "_file": "persons.csv", "_line": [2, 3, 4]})
    links = pd.DataFrame({"from_id": ["__proto__"], "to_id": ["toString"], "type": "family",
                          "grading": "B2", "weight": 1.0, "start": None, "end": None,
                          "provenance": HOSTILE2, "note": None, "_file": "links.csv", "_line": [2]})
    out = tmp_path / "odd.html"
    network_map(Case(tables={"persons": persons, "links": links}), out)
    browser.open(out)
    tip = browser.eval("""(function () {
        var em = netanalysisMap.network.body.emitter;
        em.emit('hoverNode', {node: netanalysisMap.vid('__proto__'), pointer: {DOM: {x: 5, y: 5}}});
        var a = document.getElementById('tooltip').textContent;
        em.emit('hoverNode', {node: netanalysisMap.vid('toString'), pointer: {DOM: {x: 5, y: 5}}});
        return a + '|' + document.getElementById('tooltip').textContent; })()""")
    assert "proto" in tip and HOSTILE in tip
    assert browser.eval("[netanalysisMap.nodes.length, netanalysisMap.edges.length]") == [3, 1]
    _assert_clean(browser)
