"""The analytics commands, driven through click's CliRunner on a small case folder."""

import csv
import json

import pytest
from click.testing import CliRunner

from netanalysis.cli import main


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("case")
    persons = [
        ("F1", "Fugitive One", "fugitive", "red", "CO|US", "drug_trafficking"),
        ("F2", "Fugitive Two", "fugitive", "blue", "ES", "fraud"),
        ("FAC", "Facilitator", "unknown", "", "", ""),
        ("FORGER", "Forger", "unknown", "", "", ""),
        ("COURIER", "Courier", "unknown", "", "", ""),
        ("HUB", "Popular Person", "unknown", "", "", ""),
    ] + [(f"B{i:02d}", f"Background {i}", "unknown", "", "", "") for i in range(12)]
    with open(d / "persons.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "role", "notice", "wanted_by", "offences"])
        w.writerows(persons)
    links = [
        ("FAC", "F1", "documents", "2023-01", "", "B2"),
        ("FAC", "F2", "lodging", "2023-03", "", "B2"),
        ("FORGER", "FAC", "documents", "2022-11", "", "C3"),
        ("COURIER", "F2", "transport", "2023-08", "", "A1"),
        ("F1", "F2", "co_offender", "2021", "", "B2"),
        ("HUB", "FORGER", "communication", "2023-02", "", "B2"),
        ("COURIER", "B05", "communication", "2023-09", "", "B2"),
    ] + [("HUB", f"B{i:02d}", "associate", "2022" if i % 2 else "2023", "", "C3") for i in range(12)]
    with open(d / "links.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["from_id", "to_id", "type", "start", "end", "grading"])
        w.writerows(links)
    return str(d)


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_rank_table_and_csv(case_dir):
    r = _run("rank", case_dir, "-q")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0].split()[:6] == ["rank", "id", "name", "role", "score", "why"]
    r = _run("rank", case_dir, "-q", "--format", "csv", "--top", "0")
    rows = list(csv.DictReader(r.output.splitlines()))
    assert len(rows) == 18 and "betweenness" in rows[0]
    ranks = {x["id"]: int(x["rank"]) for x in rows}
    assert ranks["FAC"] < ranks["HUB"] and ranks["FORGER"] < ranks["HUB"]


def test_rank_honours_filters(case_dir):
    r = _run("rank", case_dir, "-q", "--format", "json", "--top", "0", "--link-types",
             "associate,communication")
    data = {x["id"]: x for x in json.loads(r.output)}
    assert data["FAC"]["support_value"] == 0


def test_groups(case_dir):
    r = _run("groups", case_dir, "-q", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(r.output.splitlines()))
    assert rows and rows[0]["rank"] == "1" and "FAC" in rows[0]["facilitator_ids"]
    r = _run("groups", case_dir, "-q", "--members", "--format", "csv")
    assert r.output.splitlines()[0].startswith("group,id,name,role")


def test_support(case_dir):
    r = _run("support", case_dir, "F1", "-q", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(r.output.splitlines()))
    assert [(x["supplier"], x["hops"]) for x in rows] == [("FAC", "1"), ("FORGER", "2")]
    r = _run("support", case_dir, "NOBODY", "-q")
    assert r.exit_code != 0 and "NOBODY" in r.output and "Traceback" not in r.output


def test_path(case_dir):
    r = _run("path", case_dir, "FORGER", "F2", "-q", "--alternatives", "2", "--format", "json")
    assert r.exit_code == 0, r.output
    p = json.loads(r.output)
    assert p[0]["nodes"] == "FORGER > FAC > F2" and len(p) == 2
    r = _run("path", case_dir, "FORGER", "F2", "-q", "--by-confidence")
    assert r.exit_code == 0 and "FORGER > FAC > F2" in r.output


def test_connect(case_dir):
    r = _run("connect", case_dir, "FORGER", "F2", "B05", "-q", "--format", "csv")
    assert r.exit_code == 0, r.output
    assert "through:" in r.output


def test_disrupt(case_dir):
    r = _run("disrupt", case_dir, "--strategy", "betweenness", "--mode", "sequential",
             "--steps", "2", "--format", "csv", "-q")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(r.output.splitlines()))
    assert [x["step"] for x in rows] == ["0", "1", "2"]
    assert rows[1]["removed_id"] == "HUB" and float(rows[1]["lcc_fraction"]) < 1
    r = _run("disrupt", case_dir, "--ids", "FAC", "--format", "json", "-q")
    d = json.loads(r.output)
    assert d[1]["lost_support"] == "F1 (documents); F2 (lodging)"
    r = _run("disrupt", case_dir, "--link-types", "communication", "--steps", "1", "-q")
    assert r.exit_code == 0


def test_keyplayers(case_dir):
    r = _run("keyplayers", case_dir, "-k", "1", "--format", "csv", "-q")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(r.output.splitlines()))
    assert rows[0]["id"] == "FAC"
    assert "fragmentation" in r.output


def test_snapshots_and_diff(case_dir):
    r = _run("snapshots", case_dir, "--window", "1Y", "--format", "csv", "-q")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(r.output.splitlines()))
    assert [x["since"] for x in rows] == ["2021-01-01", "2022-01-01", "2023-01-01"]
    r = _run("diff", case_dir, "2022-01..2022-12", "2023-01..2023-12", "--top", "3", "-q",
             "--format", "csv")
    assert r.exit_code == 0, r.output
    ch = {x["id"]: x["change"] for x in csv.DictReader(r.output.splitlines())}
    assert ch["COURIER"] == "joined" and ch["FAC"] == "became central"  # FORGER -> FAC since 2022-11
    r = _run("diff", case_dir, "2022", "2023", "-q")
    assert r.exit_code != 0 and "SINCE..UNTIL" in r.output


def test_bad_window_is_an_error(case_dir):
    r = _run("snapshots", case_dir, "--window", "soon", "-q")
    assert r.exit_code != 0 and "not a time window" in r.output
