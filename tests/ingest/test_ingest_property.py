"""Property: random corruption of a valid case never loses a row silently.

Rows of a small valid case are corrupted at random (a required cell blanked, a date or an
enumeration replaced by garbage, a reference pointed at an id that does not exist, a field
added). After loading, for every file ``read == taken + rejected``, every data line is either
taken or rejected (never both, never neither), and every corrupted line is rejected.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netanalysis.ingest import load_case

BASE = {
    "persons.csv": [["id", "name", "birth_date", "role", "nationality"]] + [
        [f"P{i}", f"Persona {i}", f"19{60 + i}-0{1 + i % 9}", ["fugitive", "associate",
                                                            "facilitator"][i % 3], "CO"]
        for i in range(8)],
    "organizations.csv": [["id", "name", "kind"], ["O1", "Clan", "criminal_group"],
                          ["O2", "Transportes SA", "company"]],
    "documents.csv": [["id", "holder_id", "kind", "number", "status"]] + [
        [f"D{i}", f"P{i}", "passport", f"AB{i}", "valid"] for i in range(4)],
    "links.csv": [["from_id", "to_id", "type", "start", "grading"]] + [
        [f"P{i}", f"P{(i + 1) % 8}", "associate", "2020-01", "B2"] for i in range(8)] + [
        ["O1", "P1", "financial", "", ""]],
    "travel.csv": [["person_id", "depart", "origin", "destination", "document_id", "mode"]] + [
        [f"P{i}", f"2024-03-0{1 + i}", "BOG", "MAD", f"D{i}", "air"] for i in range(4)],
    "phones.csv": [["number", "person_id"]] + [[f"+57300111{i:04d}", f"P{i}"] for i in range(5)],
    "calls.csv": [["caller", "callee", "start", "duration_s"]] + [
        [f"+57300111{i:04d}", f"+57300111{i + 1:04d}", f"2024-03-0{1 + i}T10:00", "60"]
        for i in range(4)],
}

# For each file: the corruptions that apply, as (operation, column).
CORRUPTIONS = {
    "persons.csv": [("blank", "id"), ("blank", "name"), ("date", "birth_date"), ("enum", "role"),
                    ("extra", None)],
    "organizations.csv": [("blank", "name"), ("enum", "kind"), ("extra", None)],
    "documents.csv": [("blank", "number"), ("ref", "holder_id"), ("enum", "status"),
                      ("extra", None)],
    "links.csv": [("blank", "type"), ("ref", "from_id"), ("ref", "to_id"), ("date", "start"),
                  ("enum", "type"), ("extra", None)],
    "travel.csv": [("blank", "origin"), ("ref", "person_id"), ("date", "depart"),
                   ("enum", "mode"), ("extra", None)],
    "phones.csv": [("blank", "person_id"), ("ref", "person_id"), ("extra", None)],
    "calls.csv": [("blank", "caller"), ("date", "start"), ("extra", None)],
}

GARBAGE = {"date": "31/31/31", "enum": "zzz", "ref": "NOPE99", "blank": "   "}


@st.composite
def corruptions(draw):
    out = []
    for name, rows in BASE.items():
        n = len(rows) - 1
        picks = draw(st.lists(st.tuples(st.integers(0, n - 1),
                                        st.sampled_from(CORRUPTIONS[name])),
                              max_size=3, unique_by=lambda t: t[0]))
        out.extend((name, i, op) for i, op in picks)
    return out


def write(folder, corrupted):
    lines_hit = {}
    for name, rows in BASE.items():
        rows = [list(r) for r in rows]
        header = rows[0]
        for fname, i, (op, col) in corrupted:
            if fname != name:
                continue
            row = rows[i + 1]
            if op == "extra":
                row.append("surplus")
            else:
                row[header.index(col)] = GARBAGE[op]
            lines_hit.setdefault(name, set()).add(i + 2)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        (folder / name).write_text(buf.getvalue())
    return lines_hit


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corruptions())
def test_no_row_is_lost_silently(corrupted):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hit = write(folder, corrupted)
        case = load_case(folder)
    rej = case.rejects
    for kind, c in case.counts.items():
        name = c["file"]
        if name is None:  # a kind without a file in this case (locations.csv)
            assert c["read"] == c["taken"] == c["rejected"] == 0
            continue
        assert c["read"] == c["taken"] + c["rejected"]
        assert c["read"] == len(BASE[name]) - 1
        taken = set(case.tables[kind]["_line"])
        rejected = set(rej.loc[rej["file"] == name, "line"])
        assert taken.isdisjoint(rejected)
        assert taken | rejected == set(range(2, len(BASE[name]) + 1))
        assert hit.get(name, set()) <= rejected, (name, hit.get(name), rejected)
