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


# --- issue 14: hostile decisions files ------------------------------------------------------

def test_duplicate_decision_column_is_an_error_not_a_merge(tmp_path):
    # "P0001,P0002,veto,merge" under "decision" twice used to apply the last one: a merge
    p = write(tmp_path, "id_a,id_b,decision,decision\nP0001,P0002,veto,merge\n")
    with pytest.raises(InputError, match="column 'decision' appears twice") as exc:
        load_decisions(p)
    assert str(exc.value).startswith(f"{p}:1:decision: ")


def test_duplicate_header_is_case_and_space_insensitive(tmp_path):
    p = write(tmp_path, "id_a,id_b,decision, ID_B \nA,B,veto,C\n")
    with pytest.raises(InputError, match="column 'id_b' appears twice"):
        load_decisions(p)


def test_unclosed_quote_at_end_of_file_names_the_line(tmp_path):
    p = write(tmp_path, 'id_a,id_b,decision,note\nA,B,merge,"alias confirmed\nC,D,veto,x\nE,F,veto,y\n')
    with pytest.raises(InputError, match="unclosed quote") as exc:
        load_decisions(p)
    assert str(exc.value).startswith(f"{p}:2:note: ")


def test_unclosed_quote_that_swallows_decisions_up_to_a_later_quote(tmp_path):
    p = write(tmp_path, 'id_a,id_b,decision,note\nA,B,merge,"alias confirmed\nC,D,veto,x\n'
                        'E,F,veto,""\n')
    with pytest.raises(InputError, match="unclosed quote") as exc:
        load_decisions(p)
    assert str(exc.value).startswith(f"{p}:2:note: ")
    assert "line 3" in str(exc.value)


def test_multi_line_note_is_still_allowed(tmp_path):
    d = load_decisions(write(tmp_path, 'id_a,id_b,decision,note\nA,B,veto,"father\nand son"\n'
                                       "C,D,merge,\n"))
    assert d[["id_a", "note", "_line"]].values.tolist() == [["A", "father\nand son", 2],
                                                             ["C", None, 4]]


@pytest.mark.parametrize("size", [20_000, 200_000])
def test_huge_note_is_a_clear_error(tmp_path, size):
    # 200 KB used to be a traceback (_csv.Error: field larger than field limit)
    p = write(tmp_path, "id_a,id_b,decision,note\nA,B,veto,ok\nC,D,merge," + "x" * size + "\n")
    with pytest.raises(InputError, match="longer than") as exc:
        load_decisions(p)
    assert str(exc.value).startswith(f"{p}:3:note: ")


def test_huge_id_is_a_clear_error(tmp_path):
    p = write(tmp_path, "id_a,id_b,decision\n" + "P" * 5000 + ",B,veto\n")
    with pytest.raises(InputError, match="longer than") as exc:
        load_decisions(p)
    assert str(exc.value).startswith(f"{p}:2:id_a: ")


def test_not_utf8_and_nul_bytes_are_clear_errors(tmp_path):
    p = tmp_path / "decisions.csv"
    p.write_bytes(b"id_a,id_b,decision\nA,B,veto\x00\n")
    with pytest.raises(InputError, match="NUL"):
        load_decisions(p)
    p.write_bytes("id_a,id_b,decision\nA,Mu\xf1oz,veto\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_decisions(p)


def test_huge_header_field_is_a_clear_error(tmp_path):
    # found by the fuzz test: naming the column of a huge header field was a traceback
    p = write(tmp_path, "y" * 140_000 + "\nA,B,veto\n")
    with pytest.raises(InputError, match="longer than") as exc:
        load_decisions(p)
    assert str(exc.value).startswith(f"{p}:1:1: ")
