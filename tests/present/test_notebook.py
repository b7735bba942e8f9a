"""Maps, reports and analyses display inline in a notebook (executed with nbclient)."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest
from present_cases import HOSTILE, make_analysis, make_case

from netanalysis.present import network_map, write_report
from netanalysis.present.notebook import iframe_html

ROOT = Path(__file__).resolve().parents[2]


def test_iframe_escapes_the_page_into_the_attribute():
    page = '<!DOCTYPE html><p class="x">' + html.escape(HOSTILE) + '</p><script>var a = "&";</script>'
    frame = iframe_html(page)
    attr = frame.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
    assert '"' not in attr and "<" not in attr and ">" not in attr
    assert html.unescape(attr) == page
    assert 'sandbox="allow-scripts"' in frame and "allow-same-origin" not in frame


def test_map_and_report_display_inline(tmp_path):
    m = network_map(make_case(), tmp_path / "m.html", analysis=make_analysis())
    r = write_report(make_case(), make_analysis(), tmp_path / "r.html")
    for page, path in ((m, tmp_path / "m.html"), (r, tmp_path / "r.html")):
        frame = page._repr_html_()
        assert frame.startswith("<iframe srcdoc=")
        attr = frame.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
        assert html.unescape(attr) == path.read_text("utf-8")
    assert m["nodes"] > 0 and r["targets"] > 0  # still the dicts they were


def test_analysis_renders_as_tables():
    text = make_analysis()._repr_html_()
    assert text.count("<table") == 2 and "F1" in text
    assert HOSTILE not in text and html.escape(HOSTILE) in text


@pytest.mark.notebook
@pytest.mark.slow
def test_notebook_displays_map_report_and_analysis(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    setup = (
        "import sys\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests' / 'present')!r}]\n"
        "from present_cases import make_case, make_analysis\n"
        "from netanalysis.present import network_map, write_report\n"
        "case, analysis = make_case(), make_analysis()")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(setup),
        nbformat.v4.new_code_cell("network_map(case, 'm.html', analysis=analysis)"),
        nbformat.v4.new_code_cell("write_report(case, analysis, 'r.html')"),
        nbformat.v4.new_code_cell("analysis"),
    ])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    old = os.environ.copy()
    os.environ.update(env)
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    outs = [c.outputs for c in nb.cells[1:]]
    for cell in outs[:2]:
        data = cell[0]["data"]
        assert "iframe" in data["text/html"] and "srcdoc=" in data["text/html"]
        assert 'sandbox="allow-scripts"' in data["text/html"]
    assert "vis.Network" in html.unescape(outs[0][0]["data"]["text/html"])
    table = outs[2][0]["data"]["text/html"]
    assert "<table" in table and "Top targets" in table
