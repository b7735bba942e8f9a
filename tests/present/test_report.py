"""The case report: content, self-containment, escaping; and in a real browser."""

from __future__ import annotations

from html.parser import HTMLParser

import networkx as nx
import pandas as pd
import pytest
from present_cases import HOSTILE, HOSTILE2, HOSTILE3

from netanalysis.analyze.result import Analysis
from netanalysis.model import Case
from netanalysis.present import write_report
from netanalysis.present.svg import histogram_svg, network_svg, timeline_svg


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(path):
    p = _Tags()
    p.feed(path.read_text("utf-8"))
    return p


def test_report_content(tmp_path, case, analysis):
    out = tmp_path / "report.html"
    info = write_report(case, analysis, out)
    assert info == {"path": str(out), "targets": 7, "fugitives": 2, "groups": 1, "inferred": 1,
                    "rejects": 1, "merges": 1}
    p = _parse(out)
    text = " ".join(p.text)
    # what was read, rejected and merged
    assert "persons.csv" in text and "no person or organization with this id" in text
    assert "F1b" in text and "same name and birth date" in text
    # ranked targets with their why, fugitives with support, travel and last movements
    assert "red notice; supported by 2 facilitators" in text and "supplies documents and lodging" in text
    assert "Who supports Ana Pérez" in text and "DIJIN" in text
    assert "Travel timeline (2 legs)" in text and "MAD" in text and "IB6500" in text
    # logistics groups and services, inferred ties with evidence
    assert "documents, lodging, transport" in text and "Group 2" in text
    assert "same flight IB6500 on 2024-03-05" in text and "co_travel" in text
    svgs = [t for t, _ in p.tags if t == "svg"]
    # scores, all travel; network, timeline and "where next" map per fugitive
    assert len(svgs) == 1 + 1 + 2 * 3


def test_report_is_self_contained_and_escaped(tmp_path, case, analysis):
    out = tmp_path / "report.html"
    write_report(case, analysis, out, title=HOSTILE)
    html = out.read_text("utf-8")
    p = _parse(out)
    for tag, attrs in p.tags:
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
        assert tag not in ("script", "link", "img", "iframe", "object", "embed"), tag
    for bad in (HOSTILE, HOSTILE2, HOSTILE3, "<img", "<script", "onerror=alert(1)>"):
        assert bad not in html
    text = "".join(p.text)
    assert HOSTILE in text and HOSTILE2 in text and HOSTILE3 in text  # shown literally
    assert "default-src 'none'" in html


def test_report_without_fugitives_groups_or_travel(tmp_path):
    c = Case(tables={"persons": pd.DataFrame({"id": ["A"], "name": ["Solo"], "role": ["associate"],
                                              "_file": "persons.csv", "_line": [2]})})
    a = Analysis(targets=pd.DataFrame({"rank": [1], "id": ["A"], "name": ["Solo"],
                                       "role": ["associate"], "score": [0.0], "why": ["alone"]}),
                 groups=pd.DataFrame(columns=["group", "id", "name", "role"]),
                 logistics=pd.DataFrame(columns=["group", "rank", "score", "facilitators",
                                                 "fugitives_supported", "why"]),
                 measures=pd.DataFrame())
    out = tmp_path / "r.html"
    info = write_report(c, a, out)
    assert info["fugitives"] == 0 and info["groups"] == 0
    text = " ".join(_parse(out).text)
    assert "No fugitive among the ranked parties" in text and "No ties were inferred" in text


def test_svg_charts_escape_and_count():
    svg = histogram_svg([0.1, 0.5, 0.5, 0.9], bins=3, xlabel=HOSTILE)
    assert svg.count("<rect") == 1 + 3 and HOSTILE not in svg and "&lt;img" in svg
    svg = timeline_svg([{"lane": HOSTILE, "depart": "2024-01", "origin": "A", "destination": "B"},
                        {"lane": "x", "depart": "2024-03-02T10:00", "origin": HOSTILE2,
                         "destination": "C"},
                        {"lane": "x", "depart": None, "origin": "?", "destination": "?"}])
    assert svg.count("<circle") == 2 and "<img" not in svg and "<script" not in svg
    assert "no journeys" in timeline_svg([])
    G = nx.Graph([("a", "b"), ("b", "c")])
    nx.set_node_attributes(G, {"a": HOSTILE}, "name")
    svg = network_svg(G, center="b", colors={"fugitive": "#f00"})
    assert svg.count("<circle") == 3 and svg.count("<line") == 2 and "<img" not in svg


@pytest.mark.browser
def test_report_in_browser(tmp_path, case, analysis):
    from present_browser import Browser, chromium_binary, pixel_stats

    out = tmp_path / "report.html"
    write_report(case, analysis, out)
    b = Browser(chromium_binary())
    try:
        b.open(out, ready="document.readyState === 'complete'")
        b.pump(0.3)
        assert b.console_errors() == [] and b.requests() == [] and b.dialogs() == []
        assert b.eval("document.querySelectorAll('img, script, iframe').length") == 0
        assert b.eval("document.querySelectorAll('svg').length") == 8  # with 2 "where next" maps
        assert b.eval("document.querySelectorAll('svg.geo path').length") == 2  # world outline
        assert HOSTILE in b.eval("document.body.textContent")
        colours, variance = pixel_stats(b.screenshot())
        assert colours > 20 and variance > 50
    finally:
        b.close()


def test_report_shows_the_filtered_ties(case, analysis):
    """Before: the report listed every supporter and inferred tie whatever the filters."""
    from netanalysis.present.report import report_context

    def supporters(ctx):
        return {(f["id"], s["id"], s["service"]) for f in ctx["fugitives"]
                for s in f["supporters"]}

    everything = report_context(case, analysis)
    assert len(supporters(everything)) >= 2 and everything["inferred"]
    only = report_context(case, analysis, filters={"link_types": ["documents"],
                                                   "include_inferred": False})
    assert supporters(only) == {x for x in supporters(everything) if x[1] == "X1"
                                and x[0] == "F1"}
    assert only["inferred"] == []


# --- the report's sizes come from settings (issue 12: no literal defaults) -------------------

def test_report_sizes_default_to_the_yaml_and_a_settings_file_changes_them(tmp_path):
    from pathlib import Path

    import pandas as pd
    import yaml

    import netanalysis
    from netanalysis.analyze.result import Analysis
    from netanalysis.ingest import case_from_records
    from netanalysis.present.report import report_context
    from netanalysis.settings import load_settings
    folder = Path(netanalysis.__file__).parent / "schema" / "settings"
    yml = yaml.safe_load((folder / "map.yaml").read_text("utf-8"))["map"]
    n = max(yml["report_fugitives"], yml["report_targets"]) + 3
    ids = [f"F{k}" for k in range(n)]
    case = case_from_records(persons=[{"id": x, "name": x, "role": "fugitive"} for x in ids])
    a = Analysis(targets=pd.DataFrame({"rank": range(1, n + 1), "id": ids, "name": ids,
                                       "role": "fugitive", "score": 1.0, "why": ""}),
                 groups=pd.DataFrame(columns=["group", "id", "name", "role"]),
                 logistics=pd.DataFrame(), measures=pd.DataFrame())
    ctx = report_context(case, a)
    assert (len(ctx["fugitives"]), len(ctx["targets"])) == \
        (yml["report_fugitives"], yml["report_targets"])
    f = tmp_path / "s.yaml"
    f.write_text("map:\n  report_fugitives: 2\n  report_targets: 3\n", "utf-8")
    ctx = report_context(case, a, settings=load_settings(f, env={}))
    assert (len(ctx["fugitives"]), len(ctx["targets"])) == (2, 3)
    ctx = report_context(case, a, fugitives=1, settings=load_settings(f, env={}))
    assert len(ctx["fugitives"]) == 1
