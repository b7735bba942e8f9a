"""Tests of the resolve and infer commands (CliRunner)."""

import pandas as pd
import pytest
from click.testing import CliRunner

from netanalysis.cli import main


@pytest.fixture
def case_dir(tmp_path):
    d = tmp_path / "case"
    d.mkdir()
    (d / "persons.csv").write_text(
        "id,name,birth_date,nationality\n"
        "P1,José Luis Pérez Gómez,1980-07-12,CO\n"
        "P2,PEREZ GOMEZ JOSE LUIS,1980-07-12,CO\n"
        "P3,Ana Ríos,,VE\n"
        "P4,Luis Ramos,,VE\n"
        # 400 background travellers, one flight each, four a flight: what chance is measured on
        + "".join(f"Z{i},Persona Fondo {i},,PE\n" for i in range(400)), encoding="utf-8")
    (d / "links.csv").write_text("from_id,to_id,type\nP1,P2,associate\nP3,P1,lodging\n",
                                 encoding="utf-8")
    (d / "travel.csv").write_text(
        "person_id,depart,origin,destination,carrier,flight,booking_ref\n"
        "P3,2024-03-05T10:00,BOG,MAD,AV,AV10,\n"
        "P4,2024-03-05T10:00,BOG,MAD,AV,AV10,\n"
        "P3,2024-04-01T10:00,MAD,BOG,AV,AV11,\n"
        "P4,2024-04-01T10:00,MAD,BOG,AV,AV11,\n"
        "P3,2024-04-09T10:00,BOG,MAD,AV,AV12,\n"
        "P4,2024-04-09T10:00,BOG,MAD,AV,AV12,\n"
        "P2,2024-05-01,BOG,PTY,CM,CM1,QX7Y2\n"
        "P3,2024-05-01,BOG,PTY,CM,CM1,QX7Y2\n"
        "P2,2024-05-09,PTY,BOG,CM,CM2,QX7Y2\n"
        "P3,2024-05-09,PTY,BOG,CM,CM2,QX7Y2\n"
        + "".join(f"Z{i},2024-06-01,LIM,MAD,IB,IB{i // 4},\n" for i in range(400)),
        encoding="utf-8")
    return d


def test_resolve_writes_merges(case_dir, tmp_path):
    out = tmp_path / "o" / "merges.csv"
    res = CliRunner().invoke(main, ["resolve", str(case_dir), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert "404 person records: 1 merged into 1 persons; 403 persons remain" in res.output
    m = pd.read_csv(out, dtype=str)
    assert list(m.columns[:4]) == ["kept_id", "merged_id", "score", "reason"]
    assert m[["kept_id", "merged_id"]].values.tolist() == [["P1", "P2"]]
    assert "birth dates agree (1980-07-12)" in m["reason"][0]


def test_resolve_honours_decisions(case_dir, tmp_path):
    dec = tmp_path / "decisions.csv"
    dec.write_text("id_a,id_b,decision,note\nP1,P2,veto,brothers\nP3,P4,merge,same man\n")
    out = tmp_path / "merges.csv"
    res = CliRunner().invoke(main, ["resolve", str(case_dir), "--decisions", str(dec),
                                    "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    m = pd.read_csv(out, dtype=str)
    assert m[["kept_id", "merged_id", "decision"]].values.tolist() == [["P3", "P4", "forced"]]


def test_bad_decisions_file_is_an_error_naming_file_and_line(case_dir, tmp_path):
    dec = tmp_path / "decisions.csv"
    dec.write_text("id_a,id_b,decision\nP1,P2,maybe\n")
    res = CliRunner().invoke(main, ["resolve", str(case_dir), "--decisions", str(dec), "-q"])
    assert res.exit_code == 2
    assert f"error: {dec}:2:decision: decision must be 'merge' or 'veto', not 'maybe'" in res.output


def test_decision_naming_unknown_person_is_an_error(case_dir, tmp_path):
    dec = tmp_path / "decisions.csv"
    dec.write_text("id_a,id_b,decision\nP1,P99,veto\n")
    res = CliRunner().invoke(main, ["resolve", str(case_dir), "--decisions", str(dec), "-q",
                                    "--out", str(tmp_path / "m.csv")])
    assert res.exit_code == 1
    assert "decisions.csv:2: decision names 'P99', which is not a person of this case" in res.output


def test_infer_writes_ties_after_resolution(case_dir, tmp_path):
    out = tmp_path / "inferred.csv"
    res = CliRunner().invoke(main, ["infer", str(case_dir), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert "2 inferred ties (2 co_travel)" in res.output
    t = pd.read_csv(out, dtype=str)
    assert list(t.columns) == ["from_id", "to_id", "type", "evidence", "score", "confidence",
                               "weight", "start", "end"]
    assert sorted(zip(t["from_id"], t["to_id"])) == [("P1", "P3"), ("P3", "P4")]
    # P2 was merged into P1, so the shared booking of P2 and P3 is a tie of P1 and P3;
    # journeys by chance: max(S_P1 d_P3, S_P3 d_P1) / L = max(2 x 5, 5 x 2) / (2 + 5 + 3 + 400)
    assert t.set_index("to_id").loc["P3", "evidence"].startswith(
        "2 shared journeys: CM1 2024-05-01 (2 passengers), CM2 2024-05-09 (2 passengers); "
        f"shared booking QX7Y2; {10 / 410:.2g} expected by chance")


def test_infer_without_resolution_and_with_settings(case_dir, tmp_path):
    out = tmp_path / "inferred.csv"
    s = tmp_path / "settings.yaml"
    s.write_text("infer:\n  co_travel:\n    max_evidence_items: 1\n")
    res = CliRunner().invoke(main, ["infer", str(case_dir), "--out", str(out), "--no-resolve",
                                    "--settings", str(s), "-q"])
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out, dtype=str)
    assert sorted(zip(t["from_id"], t["to_id"])) == [("P2", "P3"), ("P3", "P4")]
    assert t.set_index("to_id").loc["P4", "evidence"].startswith(
        "3 shared journeys: AV10 2024-03-05 (2 passengers), and 2 more;")


def test_help_has_examples():
    for cmd in ("resolve", "infer"):
        res = CliRunner().invoke(main, [cmd, "--help"])
        assert res.exit_code == 0
        assert "Examples:" in res.output and f"netanalysis {cmd} " in res.output
