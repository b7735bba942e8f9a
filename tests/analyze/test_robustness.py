"""Robustness of the rankings: ranks under perturbations, stability, sentences, CLI, report."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from netanalysis.analyze import run_analysis
from netanalysis.analyze.robustness import STABILITY_COLUMNS, robustness, with_stability
from netanalysis.model import Case


def _case():
    """F1 is supported by S1 (well graded, two sources) and by W (only an E5 from AGENCY-X);
    W also supplies F2."""
    persons = pd.DataFrame({
        "id": ["F1", "F2", "S1", "W", "A", "B", "C"],
        "name": ["Fe", "Fi", "Su", "Wu", "Al", "Bo", "Cy"],
        "role": ["fugitive", "fugitive", "facilitator", "facilitator", "unknown", "unknown",
                 "unknown"],
        "notice": ["red", "blue", None, None, None, None, None],
        "_file": "persons.csv", "_line": range(2, 9)})
    rows = [("S1", "F1", "lodging", "A1", "DIJIN"), ("S1", "F1", "documents", "B2", "Europol"),
            ("W", "F1", "documents", "E5", "AGENCY-X"), ("W", "F2", "transport", "E5", "AGENCY-X"),
            ("W", "F2", "lodging", "D4", "AGENCY-X"), ("A", "S1", "family", "B2", "DIJIN"),
            ("B", "A", "associate", "B2", "DIJIN"), ("C", "F2", "family", "B2", "Europol")]
    links = pd.DataFrame({"from_id": [r[0] for r in rows], "to_id": [r[1] for r in rows],
                          "type": [r[2] for r in rows], "grading": [r[3] for r in rows],
                          "provenance": [r[4] for r in rows], "weight": 1.0, "start": None,
                          "end": None, "note": None, "_file": "links.csv",
                          "_line": range(2, 2 + len(rows))})
    inferred = pd.DataFrame({"from_id": ["B"], "to_id": ["F1"], "type": ["co_travel"],
                             "evidence": ["2 shared journeys"], "score": [2.0],
                             "confidence": [0.2]})
    return Case(tables={"persons": persons, "links": links}, inferred=inferred)


def test_scenarios_and_ranks():
    case = _case()
    a = run_analysis(case)
    r = robustness(case, analysis=a)
    keys = [s["key"] for s in r.scenarios]
    assert keys == ["below:C3", "without:DIJIN", "without:AGENCY-X", "without:Europol",
                    "no_inferred"]
    dropped = {s["key"]: s["dropped"] for s in r.scenarios}
    assert dropped == {"below:C3": 3, "without:DIJIN": 3, "without:AGENCY-X": 3,
                       "without:Europol": 2, "no_inferred": 1}
    t = r.targets.set_index("id")
    # the base ranks are the analysis' ranks
    assert t["rank"].to_dict() == dict(zip(a.targets["id"], a.targets["rank"]))
    # W rests only on AGENCY-X's weak reports: both scenarios drop it, and it falls
    w = t.loc["W"]
    assert w["rank:below:C3"] > w["rank"] and w["rank:without:AGENCY-X"] > w["rank"]
    assert w["worst_without"] in ("below:C3", "without:AGENCY-X")
    assert w["stability"] == pytest.approx(w["rank"] / w["worst_rank"], abs=1e-4)
    assert w["stability"] < 1
    # each scenario's rank is that of a fresh analysis of the perturbed case
    links = case.tables["links"]
    sub = Case(tables={**case.tables, "links": links[links["provenance"] != "DIJIN"]},
               inferred=case.inferred)
    again = run_analysis(sub).targets.set_index("id")["rank"]
    assert t["rank:without:DIJIN"].astype(int).to_dict() == again.to_dict()
    # stable rows have stability 1 and no worst scenario
    stable = t[t["worst_without"].isna()]
    assert (stable["stability"] == 1.0).all() and (stable["worst_rank"] == stable["rank"]).all()


def test_threshold_accepts_any_grading_system_and_can_be_skipped():
    case = _case()
    r = robustness(case, threshold="C/3/1", provenances=[], inferred=False)
    assert [s["key"] for s in r.scenarios] == ["below:C/3/1"]
    assert r.scenarios[0]["label"] == "without any report graded below C/3/1"
    r = robustness(case, threshold=None, provenances=["Europol"], inferred=False)
    assert [s["key"] for s in r.scenarios] == ["without:Europol"]
    with pytest.raises(ValueError, match="not a grading"):
        robustness(case, threshold="Z9")


def test_sentences_say_who_holds_up_and_who_falls():
    case = _case()
    r = robustness(case)
    lines = r.sentences(top=10, kinds=("targets",))
    t = r.targets.set_index("id")
    for line in lines:
        pid = line.split()[0]
        if t.loc[pid, "worst_without"] is None or t.loc[pid, "worst_without"] != t.loc[pid, "worst_without"]:
            assert " stays " in line
        else:
            worst = int(t.loc[pid, "worst_rank"])
            assert f"falls from {t.loc[pid, 'rank']} to {worst} " in line
    w_line = next(x for x in lines if x.startswith("W "))
    assert "without any report graded below C3" in w_line or "AGENCY-X" in w_line
    first = lines[0]
    assert first.startswith(f"{t.index[0]} stays first") or " falls from 1 " in first


def test_with_stability_adds_the_columns():
    case = _case()
    a = run_analysis(case)
    r = robustness(case, analysis=a, provenances=[])
    t = with_stability(a.targets, r)
    assert t.columns.tolist()[-3:] == STABILITY_COLUMNS and len(t) == len(a.targets)
    assert t["id"].tolist() == a.targets["id"].tolist()
    lg = with_stability(a.logistics, r, key="group")
    assert lg.columns.tolist()[-3:] == STABILITY_COLUMNS


def test_logistics_group_that_breaks_up_is_not_found():
    case = _case()
    r = robustness(case, provenances=["AGENCY-X"], threshold=None, inferred=False)
    # W's group exists only through AGENCY-X; S1's group is found again (and moves up)
    lg = r.logistics.set_index("group")
    base = run_analysis(case).logistics.set_index("group")
    w_group = next(g for g, ids in base["facilitator_ids"].items() if "W" in ids)
    s_group = next(g for g, ids in base["facilitator_ids"].items() if "S1" in ids)
    assert pd.isna(lg.loc[w_group, "rank:without:AGENCY-X"])
    assert lg.loc[w_group, "stability"] == 0.0
    assert lg.loc[s_group, "rank:without:AGENCY-X"] == 1.0 and lg.loc[s_group, "stability"] == 1.0
    lines = r.sentences(kinds=("logistics",))
    assert lines == [f"Logistics group {w_group} (rank 1) is no longer found without the reports "
                     "of AGENCY-X.",
                     f"Logistics group {s_group} stays second or better without the reports of "
                     "AGENCY-X."]


@pytest.mark.slow
def test_cli_rank_and_groups_with_robustness(tmp_path):
    from netanalysis.cli import main
    from netanalysis.pipeline import analyze_case

    folder = _write(tmp_path / "case")
    r = CliRunner().invoke(main, ["rank", str(folder), "--robustness", "--no-infer", "-q"])
    assert r.exit_code == 0, r.output
    assert "stability" in r.output and "worst_rank" in r.output
    assert " stays " in r.output or " falls from " in r.output
    r = CliRunner().invoke(main, ["rank", str(folder), "--robustness", "--format", "csv", "-q"])
    assert r.exit_code == 0 and r.output.splitlines()[0].endswith("stability,worst_rank,worst_without")
    r = CliRunner().invoke(main, ["groups", str(folder), "--robustness", "--format", "csv", "-q"])
    assert r.exit_code == 0, r.output
    assert "stability" in r.output.splitlines()[0]
    run = analyze_case(folder, tmp_path / "out", robustness=True, write_map=False)
    head = (tmp_path / "out" / "targets.csv").read_text("utf-8").splitlines()[0]
    assert "stability" in head and "worst_without" in head
    html = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "How robust is the ranking" in html and "without any report graded below C3" in html
    assert run.analysis.targets["stability"].notna().all()


def _write(folder):
    from netanalysis.model.vocab import file_columns

    folder.mkdir(parents=True)
    c = _case()
    for kind in ("persons", "links"):
        df = c.tables[kind]
        cols = [x for x in file_columns(kind) if x in df.columns]
        df[cols].to_csv(folder / f"{kind}.csv", index=False)
    return folder
