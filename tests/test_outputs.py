"""netanalysis.outputs: formula-safe cells, atomic files, the locked output folder, sanitisers."""

import csv
import hashlib
import json
import os

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netanalysis.errors import InputError
from netanalysis.outputs import (
    MANIFEST,
    OutputFolder,
    atomic_path,
    atomic_write_text,
    check_writable,
    csv_cell,
    csv_uncell,
    safe_frame,
    terminal_text,
    write_csv,
    xml_text,
)

DANGEROUS = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
             "\tx", "\rx", "=1+1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_cells_are_neutralised(text):
    assert csv_cell(text) == "'" + text
    assert csv_uncell(csv_cell(text)) == text


def test_numbers_are_not_text():
    assert csv_cell(-0.5) == -0.5
    df = safe_frame(pd.DataFrame({"score": [-0.5, 1.0], "n": [-1, 2], "name": ["-x", "a"]}))
    assert df["score"].tolist() == [-0.5, 1.0] and df["n"].tolist() == [-1, 2]
    assert df["name"].tolist() == ["'-x", "a"]


def test_column_names_from_data_are_neutralised():
    assert list(safe_frame(pd.DataFrame({"=cmd": ["a"]})).columns) == ["'=cmd"]


@given(st.text(alphabet="'=+-@\t\rab ", max_size=8))
def test_cell_rule_is_reversible(text):
    assert csv_uncell(csv_cell(text)) == text
    assert not str(csv_cell(text)).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_write_csv_cells_read_back_by_a_csv_reader(tmp_path):
    p = write_csv(pd.DataFrame({"name": DANGEROUS, "score": range(len(DANGEROUS))}),
                  tmp_path / "t.csv")
    with open(p, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["name"][0] for r in rows] == ["'"] * len(DANGEROUS)
    assert [csv_uncell(r["name"]) for r in rows] == DANGEROUS


def test_atomic_write_replaces_a_symlink_and_never_writes_its_target(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    atomic_write_text(link, "new")
    assert victim.read_text() == "precious"
    assert not link.is_symlink() and link.read_text() == "new"


def test_atomic_write_through_a_dangling_link_creates_nothing_elsewhere(tmp_path):
    target = tmp_path / "elsewhere" / "planted.txt"
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    atomic_write_text(link, "x")
    assert not target.exists() and not target.parent.exists()
    assert link.read_text() == "x" and not link.is_symlink()


def test_atomic_path_leaves_the_old_file_on_error(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(p) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert p.read_text() == "old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt"]


def test_atomic_write_reports_a_folder_in_the_way(tmp_path):
    (tmp_path / "x.csv").mkdir()
    with pytest.raises(InputError, match="folder is in the way") as e:
        atomic_write_text(tmp_path / "x.csv", "a")
    assert e.value.file == str(tmp_path / "x.csv")


def test_check_writable_refuses_a_file_and_a_path_under_a_file(tmp_path):
    f = tmp_path / "f"
    f.write_text("")
    with pytest.raises(InputError, match="is a file"):
        check_writable(f)
    with pytest.raises(InputError, match="not writable"):
        check_writable(f / "sub")


def test_check_writable_reports_a_failing_write(tmp_path, monkeypatch):
    def full(fd, data):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "write", full)
    with pytest.raises(InputError, match="No space left on device"):
        check_writable(tmp_path)


def test_output_folder_lock_refuses_a_second_run(tmp_path):
    with OutputFolder(tmp_path, known=["a.csv"]):
        with pytest.raises(InputError, match="another netanalysis run"):
            OutputFolder(tmp_path, known=["a.csv"]).open()
    with OutputFolder(tmp_path, known=["a.csv"]):  # released: a later run may start
        pass


def test_output_folder_commit_manifest_and_stale_files(tmp_path):
    (tmp_path / "b.html").write_text("old map")
    (tmp_path / "notes.txt").write_text("mine")
    with OutputFolder(tmp_path, known=["a.csv", "b.html"]) as out:
        out.path("a.csv").write_text("x\n1\n")
        assert not (tmp_path / "a.csv").exists()  # staged only until commit
        files = out.commit()
    assert list(files) == ["a.csv"]
    assert not (tmp_path / "b.html").exists()          # stale output of an earlier run
    assert (tmp_path / "notes.txt").read_text() == "mine"  # not ours: never touched
    m = json.loads((tmp_path / MANIFEST).read_text())
    assert m["complete"] and m["run_id"] and m["finished"]
    assert m["files"] == [{"name": "a.csv", "bytes": 4,
                           "sha256": hashlib.sha256(b"x\n1\n").hexdigest()}]
    assert not any(p.name.startswith(".netanalysis-staging") for p in tmp_path.iterdir())


def test_output_folder_without_commit_keeps_the_earlier_run(tmp_path):
    with OutputFolder(tmp_path, known=["a.csv"]) as out:
        out.path("a.csv").write_text("first")
        out.commit()
    before = (tmp_path / MANIFEST).read_text()
    with pytest.raises(KeyboardInterrupt), OutputFolder(tmp_path, known=["a.csv"]) as out:
        out.path("a.csv").write_text("")
        raise KeyboardInterrupt
    assert (tmp_path / "a.csv").read_text() == "first"
    assert (tmp_path / MANIFEST).read_text() == before


def test_output_folder_rejects_odd_names(tmp_path):
    with OutputFolder(tmp_path) as out:
        for bad in ("../x", "a/b", MANIFEST, ""):
            with pytest.raises(ValueError):
                out.path(bad)


def test_terminal_text_escapes_controls():
    assert terminal_text("A\x1b]0;pwned\x07B\x9b") == "A\\x1b]0;pwned\\x07B\\x9b"
    assert "\x1b" not in terminal_text("\x1b[2J")


def test_xml_text_makes_parseable_xml():
    from xml.etree import ElementTree

    name = "a\x0cb\x0bc\x1bd\x00e\ud800"
    ElementTree.fromstring(f"<n>{xml_text(name)}</n>")


def _pandas_csv(df):
    """What write_csv wrote before it had its own writer: pandas' to_csv of safe_frame."""
    safe = safe_frame(df)
    cr = any(isinstance(v, str) and "\r" in v for c in safe.columns if safe[c].dtype == object
             for v in safe[c]) or any("\r" in str(c) for c in safe.columns)
    return safe.to_csv(index=False, lineterminator="\r\n" if cr else "\n").encode()


TRICKY_FLOATS = [0.1 + 0.2, 1e-05, 1e16, 123456789012345678.0, -0.0, float("nan"), float("inf"),
                 -float("inf"), 5e-324, 1.7976931348623157e308, 15.0, 2.5e-7, -3.0]


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"x": TRICKY_FLOATS, "n": range(len(TRICKY_FLOATS)),
                  "b": [True, False] * 6 + [True]}),
    pd.DataFrame({"name": ["=1", "Ana", None, float("nan"), pd.NA, "'-x", "", "a,b", 'q"t', "l\nm"],
                  "s": pd.Series(["@x", None, "b", "c", "d", "+e", "f", "", "g", "h"], dtype="str")}),
    pd.DataFrame({"svc": [("a", "b"), (), None, ("=x",), {"z"}, ("l", "m"), ("-",), (), ("q",), ()],
                  "ids": [(1, 2), (), (3,), None, (-4,), (5,), (), (6, 7), (8,), (9,)],
                  "f": [(1.0,), (2.5,), (), None, (3.0,), (), (), (), (), ()],
                  "holes": [("a", None), ("b",), (), (), (), (), (), (), (), ()]}),
    pd.DataFrame({"mixed": ["=a", 1, 2.5, None, True, "b"], "t": ["x\ry"] + ["z"] * 5}),
    pd.DataFrame({"d": pd.to_datetime(["2024-01-02", None]), "i": pd.array([1, None], dtype="Int64"),
                  "f32": pd.Series([0.1, 0.2], dtype="float32")}),
    pd.DataFrame({"empty": pd.Series([], dtype=object), "n": pd.Series([], dtype=float)}),
    pd.DataFrame({"=cmd": ["a"], 3: ["b"]}),
], ids=["numbers", "texts", "lists", "mixed-cr", "fallback-types", "no-rows", "odd-names"])
def test_write_csv_bytes_equal_pandas_to_csv(tmp_path, frame):
    p = write_csv(frame, tmp_path / "t.csv")
    assert p.read_bytes() == _pandas_csv(frame)


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=20))
def test_write_csv_formats_any_float_as_pandas_does(tmp_path_factory, xs):
    frame = pd.DataFrame({"x": xs, "t": ["-a"] * len(xs)})
    p = write_csv(frame, tmp_path_factory.mktemp("f") / "t.csv")
    assert p.read_bytes() == _pandas_csv(frame)


def test_write_csv_neutralise_false_still_quotes_a_cr_in_a_str_column(tmp_path):
    p = write_csv(pd.DataFrame({"t": pd.Series(["a\rb", "c"], dtype="str")}), tmp_path / "t.csv",
                  neutralise=False)
    with open(p, encoding="utf-8", newline="") as fh:
        assert [r["t"] for r in csv.DictReader(fh)] == ["a\rb", "c"]
