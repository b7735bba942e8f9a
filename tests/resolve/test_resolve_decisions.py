"""Tests of netanalysis.resolve.decisions.load_decisions."""

import pytest

from netanalysis.errors import InputError
from netanalysis.resolve import load_decisions


def write(tmp_path, text, name="decisions.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_merge_and_veto_with_lines_and_notes(tmp_path):
    p = write(tmp_path, 'ID_A,Id_B,Decision,Note\nP1,P2,veto,"father, son"\n\nP3,P4,MERGE,\n')
    d = load_decisions(p)
    assert d[["id_a", "id_b", "decision", "note", "_line"]].values.tolist() == [
        ["P1", "P2", "veto", "father, son", 2], ["P3", "P4", "merge", None, 4]]
    assert set(d["_file"]) == {"decisions.csv"}


def test_note_column_is_optional(tmp_path):
    d = load_decisions(write(tmp_path, "id_a,id_b,decision\nA,B,veto\n"))
    assert d["note"].tolist() == [None]


@pytest.mark.parametrize("text,where,msg", [
    ("id_a,decision\nA,veto\n", ":1", "lacks the column 'id_b'"),
    ("id_a,id_b,decision\nA,B,perhaps\n", ":2:decision", "must be 'merge' or 'veto'"),
    ("id_a,id_b,decision\nA,,veto\n", ":2:id_b", "empty id"),
    ("id_a,id_b,decision\nA,A,merge\n", ":2:id_b", "two different ids"),
    ("id_a,id_b,decision\nA,B,merge\nB,A,veto\n", ":3:decision", "both merged and vetoed"),
    ("id_a,id_b,decision\nA,B,merge,x,y\n", ":2", "fields"),
    ("", ":1", "empty"),
])
def test_errors_name_file_line_and_column(tmp_path, text, where, msg):
    p = write(tmp_path, text)
    with pytest.raises(InputError, match=msg) as exc:
        load_decisions(p)
    assert str(exc.value).startswith(f"{p}{where}: ")


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read decisions file"):
        load_decisions(tmp_path / "nope.csv")
