"""How long network maps take to write and to open, at 1,000 and 5,000 persons.

Prints seconds and, as the figure to compare across machines, the ratio of the map's time to
the time of building the property graph it draws (measured in the same run). With Chromium
installed it also opens each map headless and times the first frame and full redraws.

    python benchmarks/present_maps.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
import tempfile

import networkx as nx
import pandas as pd

from netanalysis.model import Case, build_graph
from netanalysis.present import network_map

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "present"))


def _case(n, seed=11):
    G = nx.gnm_random_graph(n, 3 * n, seed=seed)
    roles = ["fugitive", "facilitator", "associate", "unknown"]
    persons = pd.DataFrame({"id": [f"P{i}" for i in range(n)], "name": [f"Person {i}" for i in range(n)],
                            "role": [roles[i % 4] for i in range(n)], "_file": "persons.csv",
                            "_line": list(range(2, n + 2))})
    m = G.number_of_edges()
    links = pd.DataFrame({"from_id": [f"P{u}" for u, v in G.edges()],
                          "to_id": [f"P{v}" for u, v in G.edges()], "type": "communication",
                          "grading": "B2", "weight": 1.0, "start": None, "end": None,
                          "provenance": "bench", "note": None, "_file": "links.csv",
                          "_line": range(2, m + 2)})
    return Case(tables={"persons": persons, "links": links})


def main():
    out = Path(tempfile.mkdtemp(prefix="netanalysis-bench-maps-"))
    try:
        from present_browser import Browser, chromium_binary
        import shutil
        browser = Browser(chromium_binary()) if shutil.which("chromium") else None
    except Exception:  # no pytest, no websocket-client or no chromium: write times only
        browser = None
    network_map(_case(700), out / "warmup.html")  # imports and caches out of the figures
    for n in (1000, 5000):
        case = _case(n)
        t0 = time.perf_counter()
        build_graph(case)
        t_graph = time.perf_counter() - t0
        t0 = time.perf_counter()
        info = network_map(case, out / f"map{n}.html")
        t_map = time.perf_counter() - t0
        size = (out / f"map{n}.html").stat().st_size / 1e6
        print(f"{n:>5} persons, {info['edges']:,} ties: map written in {t_map:.2f} s "
              f"({t_map / t_graph:.1f}x build_graph), {size:.1f} MB, physics={info['physics']}")
        if browser is not None:
            t0 = time.perf_counter()
            browser.open(out / f"map{n}.html")
            t_open = time.perf_counter() - t0
            times = sorted(browser.eval("""new Promise(function (resolve) {
              var net = netanalysisMap.network, times = [], i = 0;
              function step() {
                var t0 = performance.now();
                net.once('afterDrawing', function () { times.push(performance.now() - t0); i++;
                  if (i < 15) { net.moveTo({position: {x: i * 40, y: i * 25}});
                                requestAnimationFrame(step); } else { resolve(times); } });
                net.redraw();
              }
              step(); })"""))
            print(f"       opened (ready) in {t_open:.2f} s; full redraw median "
                  f"{times[len(times) // 2]:.0f} ms (headless, software rendering)")
    if browser is not None:
        browser.close()


if __name__ == "__main__":
    main()
