"""The investigation view in headless Chromium: the top fugitive's support network stands apart
on the screen, and the side panel focuses the map on click.

Screenshots are written next to the map (``tmp_path``); set ``NETANALYSIS_SCREENSHOTS`` to a
folder to keep them.
"""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import pytest
from present_browser import Browser, chromium_binary, pixel_stats

from netanalysis.analyze import run_analysis
from netanalysis.pipeline import prepare_case
from netanalysis.present import network_map
from netanalysis.synth import synth_case

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "case"


@pytest.fixture(scope="module")
def browser():
    b = Browser(chromium_binary(), timeout=120)
    yield b
    b.close()


def _keep(png, name):
    folder = os.environ.get("NETANALYSIS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(folder) / name)


def _screen_positions(browser):
    """``{case id: (x, y)}`` of every node, in screen pixels of the canvas."""
    return browser.eval("""(function () {
        var m = netanalysisMap, pos = m.network.getPositions(), out = {};
        for (var v in pos) {
            var d = m.network.canvasToDOM(pos[v]);
            out[m.facts.nodes[v].id] = [d.x, d.y];
        }
        return out; })()""")


def separation(pos, members):
    """How far the `members` stand apart from the rest of the map.

    Returns ``(spread, inside)``: the members' mean distance to their centroid divided by the
    mean distance of all nodes to the map's centroid (small = a tight cluster), and the
    fraction of the other nodes that fall inside the members' disc (centroid, radius = mean
    member distance x 1.5).
    """
    pts = [pos[m] for m in members if m in pos]
    cx = sum(p[0] for p in pts) / len(pts)
    cy = sum(p[1] for p in pts) / len(pts)
    r = sum(math.dist(p, (cx, cy)) for p in pts) / len(pts)
    allp = list(pos.values())
    gx = sum(p[0] for p in allp) / len(allp)
    gy = sum(p[1] for p in allp) / len(allp)
    g = sum(math.dist(p, (gx, gy)) for p in allp) / len(allp)
    others = [p for k, p in pos.items() if k not in set(members)]
    inside = sum(math.dist(p, (cx, cy)) <= 1.5 * max(r, 1.0) for p in others) / max(len(others), 1)
    return r / g, inside


def _check_view(browser, out, name, tmp_path):
    info_nodes = browser.eval("netanalysisMap.nodes.length")
    assert browser.eval("document.querySelectorAll('#panel-fugitives button').length") > 0
    members = browser.eval("JSON.parse(document.getElementById('map-data').textContent)"
                           ".panel.fugitives[0].nodes")
    assert len(members) >= 2  # the top fugitive and at least one supporter
    browser.eval("netanalysisMap.network.fit()")
    pos = _screen_positions(browser)
    assert len(pos) == info_nodes
    spread, inside = separation(pos, members)
    png = tmp_path / f"{name}.png"
    png.write_bytes(browser.screenshot())
    _keep(png, f"{name}.png")
    colours, variance = pixel_stats(png.read_bytes())
    assert colours > 50 and variance > 100
    assert spread < 0.5, spread     # the support network is a tight cluster...
    assert inside < 0.15, inside    # ...with few strangers inside it

    # click the top fugitive in the panel: the map zooms onto its support network
    scale0 = browser.eval("netanalysisMap.network.getScale()")
    label = browser.eval("""(function () {
        var b = document.querySelector('#panel-fugitives button'); b.click();
        return b.textContent; })()""")
    browser.pump(0.8)  # the fit animation
    assert browser.eval("window.netanalysisFocus.label") == label
    assert browser.eval("window.netanalysisFocus.nodes") == members
    rect = browser.eval("(function () { var r = document.getElementById('mynetwork')"
                        ".getBoundingClientRect(); return [r.width, r.height]; })()")
    pos = _screen_positions(browser)
    for m in members:  # every member is on screen
        x, y = pos[m]
        assert 0 <= x <= rect[0] and 0 <= y <= rect[1], (m, x, y)
    assert browser.eval("netanalysisMap.network.getScale()") >= scale0
    dim = browser.eval("netanalysisMap.nodes.get().filter(function (n) { "
                       "return n.opacity < 1; }).length")
    assert dim == info_nodes - len(set(members))
    faint = browser.eval("""(function () { var m = netanalysisMap, keep = {};
        window.netanalysisFocus.nodes.forEach(function (x) { keep[m.vid(x)] = true; });
        return m.edges.get().filter(function (e) {
            return !(keep[e.from] && keep[e.to]) && e.color.opacity > 0.05; }).length; })()""")
    assert faint == 0  # ties outside the focused network fade too
    selected = browser.eval("netanalysisMap.network.getSelectedNodes().length")
    assert selected == len(set(members))
    png = tmp_path / f"{name}-focus.png"
    png.write_bytes(browser.screenshot())
    _keep(png, f"{name}-focus.png")
    # "Show everything" brings every node back
    browser.eval("document.getElementById('panel-all').click()")
    assert browser.eval("netanalysisMap.nodes.get().filter(function (n) { "
                        "return n.opacity < 1; }).length") == 0
    assert browser.eval("window.netanalysisFocus") is None
    # a logistics group entry focuses on its members too
    browser.eval("document.querySelector('#panel-groups button').click()")
    group = browser.eval("window.netanalysisFocus.nodes")
    assert browser.eval("netanalysisMap.network.getSelectedNodes().length") == len(set(group))
    assert browser.console_errors() == [] and browser.requests() == []


def test_example_case_investigation_view(browser, tmp_path):
    if not EXAMPLE.is_dir():
        pytest.skip("examples/case is absent")
    case = prepare_case(EXAMPLE)
    analysis = run_analysis(case)
    out = tmp_path / "network.html"
    info = network_map(case, out, analysis=analysis)
    assert info["selection"] == "investigation"
    assert set(info["kinds"]) <= {"Person", "Organization"}  # phones, documents... folded
    browser.open(out)
    _check_view(browser, out, "example", tmp_path)


@pytest.mark.slow
def test_ten_thousand_person_case_investigation_view(browser, tmp_path):
    synth_case(tmp_path / "case", persons=10_000, seed=7)
    case = prepare_case(tmp_path / "case")
    analysis = run_analysis(case)
    out = tmp_path / "network.html"
    info = network_map(case, out, analysis=analysis)
    assert info["selection"] == "investigation" and info["nodes"] < 1000
    browser.open(out)
    _check_view(browser, out, "synth10k", tmp_path)


def test_panel_labels_from_hostile_data_stay_text(browser, tmp_path):
    from present_cases import HOSTILE, make_analysis, make_case

    case = make_case()
    case.tables["persons"].loc[case.tables["persons"]["id"] == "F1", "name"] = HOSTILE
    out = tmp_path / "hostile.html"
    network_map(case, out, analysis=make_analysis())
    browser.open(out)
    labels = browser.eval("Array.prototype.map.call(document.querySelectorAll("
                          "'#panel-fugitives button'), function (b) { return b.textContent; })")
    assert any(HOSTILE in x for x in labels)
    browser.eval("document.querySelector('#panel-fugitives button').click()")
    browser.pump(0.5)  # an injected onerror would fire now
    assert browser.eval("document.querySelectorAll('img, svg, iframe, object').length") == 0
    assert browser.dialogs() == [] and browser.console_errors() == [] and browser.requests() == []
