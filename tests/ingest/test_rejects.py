"""rejects.csv and the stderr summary."""

from __future__ import annotations

import csv

from netanalysis.ingest import counts_table, load_case, rejects_summary, write_rejects


def test_write_rejects_round_trips_awkward_values(write_case, tmp_path):
    d = write_case({"persons.csv": 'id,name,birth_date\nP1,Ana,"1980\n-07"\nP2,"Luis, ""el Mono""",31/02\n'})
    case = load_case(d)
    out = write_rejects(case, tmp_path / "sub" / "rejects.csv")
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["file"], r["line"], r["column"], r["value"]) for r in rows] == [
        ("persons.csv", "2", "birth_date", "1980\n-07"),
        ("persons.csv", "4", "birth_date", "31/02"),
    ]
    assert all(r["problem"].startswith("bad date: ") for r in rows)


def test_summary_groups_by_file_and_problem(write_case):
    d = write_case({"persons.csv": "id,name,role\nP1,Ana,x\nP2,,y\nP3,Juan,fugitive\n",
                    "links.csv": "from_id,to_id,type\nP1,P3,family\n"})
    text = rejects_summary(load_case(d), examples=2)
    assert text.splitlines() == [
        "3 rows rejected (4 problems); see rejects.csv",
        "  persons.csv: 2 of 3 rows rejected (bad enumeration value: 2, missing required value: 1)",
        "  links.csv: 1 of 1 rows rejected (bad reference: 1)",
        "first problems:",
        "  persons.csv:2:role: bad enumeration value: expected one of fugitive, associate, "
        "facilitator, unknown (value 'x')",
        "  persons.csv:3:name: missing required value",
        "  ... and 2 more",
    ]


def test_summary_empty_without_rejects(write_case):
    assert rejects_summary(load_case(write_case({}))) == ""


def test_counts_table(write_case):
    t = counts_table(load_case(write_case({"links.csv": "from_id;to_id;type\nP1;P2;family\n"})))
    assert t.values.tolist() == [["persons", "persons.csv", 3, 3, 0, "utf-8", ","],
                                 ["links", "links.csv", 1, 1, 0, "utf-8", ";"]]


def test_phone_region_from_environment(write_case, monkeypatch):
    d = write_case({"phones.csv": "number,person_id\n300 123 4567,P1\n"})
    assert load_case(d).phones["number"].tolist() == ["3001234567"]
    monkeypatch.setenv("NETANALYSIS_INGEST__PHONE_REGION", "CO")
    assert load_case(d).phones["number"].tolist() == ["+573001234567"]
