"""Report sections of the analyst's day: co-travel as evidence, robustness, open alerts."""

from __future__ import annotations

import re

import pandas as pd
from present_cases import HOSTILE, make_analysis, make_case

from netanalysis.present import write_report
from netanalysis.present.report import analyst_sections, report_context


def _travel_case():
    """F1 flew three times with C (same bookings twice), once with each of S1..S4."""
    c = make_case()
    rows = []
    for i, day in enumerate(["2024-01-05", "2024-02-05", "2024-03-05"]):
        for pid, booking in (("F1", f"BK{i}"), ("X1", f"BK{i}" if i < 2 else None)):
            rows.append({"person_id": pid, "depart": day, "origin": "BOG", "destination": "MAD",
                         "carrier": "IB", "flight": f"70{i}", "booking_ref": booking})
    for k in range(4):
        rows.append({"person_id": "F1", "depart": f"2024-05-0{k + 1}", "origin": "MAD",
                     "destination": "BOG", "carrier": "AV", "flight": f"1{k}", "booking_ref": None})
        rows.append({"person_id": ["B1", "H1", "X2", "F2"][k], "depart": f"2024-05-0{k + 1}",
                     "origin": "MAD", "destination": "BOG", "carrier": "AV", "flight": f"1{k}",
                     "booking_ref": None})
    tr = pd.DataFrame(rows)
    for col in c.tables["travel"].columns:
        if col not in tr:
            tr[col] = None
    tr["_file"] = "travel.csv"
    tr["_line"] = range(2, 2 + len(tr))
    c.tables["travel"] = tr[c.tables["travel"].columns]
    c.inferred = pd.DataFrame({"from_id": ["F1", "X2"], "to_id": ["X1", "F1"],
                               "type": ["co_travel", "co_travel"],
                               "evidence": ["3 shared journeys; shared bookings BK0, BK1",
                                            "1 shared journey " + HOSTILE],
                               "score": [4.2, 0.3]})
    return c


def test_travelled_with_ranks_companions_by_tie_strength():
    ctx = report_context(_travel_case(), make_analysis())
    f1 = next(f for f in ctx["fugitives"] if f["id"] == "F1")
    main = [r["id"] for r in f1["co_travellers"]]
    # X1 (three journeys, two bookings, strongest tie) first; X2 has a (weak) inferred tie
    assert main == ["X1", "X2"]
    x1 = f1["co_travellers"][0]
    assert (x1["journeys"], x1["bookings"], x1["score"]) == (3, 2, 4.2)
    assert (x1["first"], x1["last"]) == ("2024-01-05", "2024-03-05")
    # one shared flight, no booking, no inferred tie: out of the main table
    assert sorted(r["id"] for r in f1["one_off_travellers"]) == ["B1", "F2", "H1"]


def test_travelled_with_in_the_page(tmp_path):
    write_report(_travel_case(), make_analysis(), tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text("utf-8")
    section = html.split("<h4>Travelled with</h4>", 1)[1].split("</details>", 1)[0]
    table = section.split("</table>", 1)[0]
    assert table.index("(X1)") < table.index("(X2)")
    assert "(B1)" not in table and "(H1)" not in table
    assert re.search(r"3 other passengers shared a single journey with", section)
    assert HOSTILE not in html  # the evidence text is escaped


def test_robustness_and_alerts_sections(tmp_path):
    from netanalysis.analyze.robustness import Robustness

    rob = Robustness(
        targets=pd.DataFrame({"id": ["F1", "X1"], "rank": [1, 2], "rank:without:DIJIN": [1, 9],
                              "stability": [1.0, 0.2222], "worst_rank": [1, 9],
                              "worst_without": [None, "without:DIJIN"]}),
        logistics=pd.DataFrame(),
        scenarios=[{"key": "without:DIJIN", "label": "without the reports of DIJIN",
                    "dropped": 3}])
    alerts = pd.DataFrame({"rule": ["doc", "doc", "old"], "time": ["2024-03-05"] * 3,
                           "persons": ["F1", "X2", "B1"], "why": [HOSTILE, "b", "c"],
                           "evidence": ["travel.csv:2", "travel.csv:3", "travel.csv:4"],
                           "status": ["new", "open", "dismissed"], "hits": [1, 2, 1]})
    write_report(make_case(), make_analysis(), tmp_path / "r.html", robustness=rob,
                 alerts=alerts)
    html = (tmp_path / "r.html").read_text("utf-8")
    assert "How robust is the ranking" in html
    assert "F1 stays first without the reports of DIJIN." in html
    assert "X1 falls from 2 to 9 without the reports of DIJIN." in html
    assert "Open alerts (2)" in html and "travel.csv:4" not in html
    assert HOSTILE not in html
    # without them, neither section appears
    write_report(make_case(), make_analysis(), tmp_path / "plain.html")
    plain = (tmp_path / "plain.html").read_text("utf-8")
    assert "How robust is the ranking" not in plain and "Open alerts" not in plain
    assert analyst_sections() == {"robustness": None, "alerts": None}
