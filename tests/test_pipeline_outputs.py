"""The output folder of ``analyze``: formula-safe CSVs, symlinks, lock, stale files, manifest,
interrupted runs (SIGINT, SIGKILL in a subprocess), and a folder that cannot be written."""

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from netanalysis import pipeline
from netanalysis.cli import main
from netanalysis.errors import InputError
from netanalysis.outputs import MANIFEST, OutputFolder
from netanalysis.pipeline import OUTPUT_FILES, analyze_case

ROOT = Path(__file__).resolve().parents[1]
FORMULAS = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]


@pytest.fixture
def hostile_case(tmp_path):
    d = tmp_path / "case"
    d.mkdir()
    with open(d / "persons.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "role", "notice"])
        w.writerow(["P1", FORMULAS[0], "fugitive", "red"])
        w.writerow(["P2", FORMULAS[1], "facilitator", ""])
        w.writerow(["P3", FORMULAS[2], "associate", ""])
        w.writerow(["P4", FORMULAS[3], "associate", ""])
        w.writerow(["P5", "Ana", "=boss()", ""])  # rejected: its value goes to rejects.csv
    (d / "links.csv").write_text(
        "from_id,to_id,type,grading,weight,start,end,provenance,note\n"
        "P2,P1,lodging,B2,1,2023-01,,DIJIN,\nP3,P2,family,B2,1,,,DIJIN,\n"
        "P4,P3,communication,B2,1,2024-02,,DIJIN,\n", "utf-8")
    return d


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _visible(folder):
    return sorted(p.name for p in Path(folder).iterdir() if not p.name.startswith("."))


def _check_manifest(folder):
    m = json.loads((folder / MANIFEST).read_text("utf-8"))
    for f in m["files"]:
        data = (folder / f["name"]).read_bytes()
        assert len(data) == f["bytes"] and hashlib.sha256(data).hexdigest() == f["sha256"]
    return m


def test_csv_outputs_never_start_a_formula(hostile_case, tmp_path):
    out = tmp_path / "out"
    analyze_case(hostile_case, out, write_map=False, write_report=False)
    names = {r["name"] for r in _rows(out / "targets.csv")}
    assert {"'" + f for f in FORMULAS} <= names
    assert {"'" + f for f in FORMULAS} <= {r["name"] for r in _rows(out / "groups.csv")}
    rej = _rows(out / "rejects.csv")
    assert any(r["value"] == "'=boss()" for r in rej)
    for name in ("targets.csv", "groups.csv", "rejects.csv", "logistics.csv"):
        for row in _rows(out / name):
            for v in row.values():
                assert not v.startswith(("=", "+", "@", "\t", "\r")), (name, v)
    scores = [r["score"] for r in _rows(out / "targets.csv")]
    assert all(not s.startswith("'") for s in scores)  # numbers stay numbers


def test_symlinks_in_out_are_replaced_never_followed(hostile_case, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.csv"
    victim.write_text("do not overwrite", "utf-8")
    (out / "targets.csv").symlink_to(victim)
    planted = tmp_path / "planted" / "x.html"
    (out / "network.html").symlink_to(planted)
    analyze_case(hostile_case, out, write_report=False)
    assert victim.read_text("utf-8") == "do not overwrite"
    assert not planted.exists()
    assert not (out / "targets.csv").is_symlink() and not (out / "network.html").is_symlink()
    assert len(_rows(out / "targets.csv")) == 4


def test_stale_outputs_are_removed_and_manifest_lists_the_run(hostile_case, tmp_path):
    out = tmp_path / "out"
    analyze_case(hostile_case, out)
    assert (out / "network.html").exists()
    first = _check_manifest(out)
    assert [f["name"] for f in first["files"]] == list(OUTPUT_FILES)
    run = analyze_case(hostile_case, out, write_map=False)
    assert not (out / "network.html").exists()  # the old map does not pass for this run's
    second = _check_manifest(out)
    assert second["run_id"] != first["run_id"]
    assert "network.html" not in [f["name"] for f in second["files"]]
    assert set(run.files) == set(OUTPUT_FILES) - {"network.html"}
    assert _visible(out) == sorted(set(OUTPUT_FILES) - {"network.html"} | {MANIFEST})


def test_a_second_concurrent_run_fails_clearly(hostile_case, tmp_path, monkeypatch):
    out = tmp_path / "out"
    with OutputFolder(out, known=OUTPUT_FILES):
        monkeypatch.setattr(pipeline, "prepare_case", _must_not_run)
        with pytest.raises(InputError, match="another netanalysis run"):
            analyze_case(hostile_case, out)
        r = CliRunner().invoke(main, ["analyze", str(hostile_case), "--out", str(out), "-q"])
    assert r.exit_code == 2
    assert "another netanalysis run is writing to this output folder" in r.output
    assert "Traceback" not in r.output


def _must_not_run(*a, **k):
    raise AssertionError("the analysis ran before the output folder was checked")


def test_unwritable_out_fails_before_the_analysis(hostile_case, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "prepare_case", _must_not_run)
    f = tmp_path / "a_file"
    f.write_text("")
    with pytest.raises(InputError, match="is a file"):
        analyze_case(hostile_case, f)
    with pytest.raises(InputError, match="not writable"):
        analyze_case(hostile_case, f / "sub")
    r = CliRunner().invoke(main, ["analyze", str(hostile_case), "--out", str(f / "sub"), "-q"])
    assert r.exit_code == 2 and "not writable" in r.output and "Traceback" not in r.output


def test_full_disk_while_writing_leaves_the_earlier_run(hostile_case, tmp_path, monkeypatch):
    out = tmp_path / "out"
    analyze_case(hostile_case, out, write_map=False, write_report=False)
    before = _check_manifest(out)
    import netanalysis.outputs as outputs

    real = outputs.atomic_write_text

    def full(path, text, encoding="utf-8"):
        if Path(path).name == "summary.json":
            raise InputError("cannot write: No space left on device", file=path)
        return real(path, text, encoding)
    monkeypatch.setattr(pipeline, "atomic_write_text", full)
    with pytest.raises(InputError, match="No space left"):
        analyze_case(hostile_case, out, write_map=False, write_report=False)
    assert _check_manifest(out) == before


_KILLER = textwrap.dedent("""
    import os, signal, sys
    import netanalysis.present as present
    from netanalysis.cli import main

    def die(*a, **k):
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        raise SystemExit("signal not delivered")
    present.write_report = die  # the CSVs and the map are written by then
    main(["analyze", sys.argv[2], "--out", sys.argv[3], "-q"])
""")


def _killed_run(sig, case, out):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", _KILLER, sig, str(case), str(out)], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGINT"])
def test_an_interrupted_run_leaves_no_complete_looking_output(hostile_case, tmp_path, sig):
    fresh = tmp_path / "fresh"
    p = _killed_run(sig, hostile_case, fresh)
    if sig == "SIGKILL":
        assert p.returncode == -signal.SIGKILL
    else:
        assert p.returncode == 130 and "interrupted" in p.stderr
        assert "Traceback" not in p.stderr
    assert _visible(fresh) == []  # no targets.csv with 0 rows, no 0-byte network.html

    out = tmp_path / "out"
    analyze_case(hostile_case, out)
    before = _check_manifest(out)
    p = _killed_run(sig, hostile_case, out)
    assert p.returncode != 0
    assert _check_manifest(out) == before  # the earlier complete run, untouched
    assert _visible(out) == sorted(set(OUTPUT_FILES) | {MANIFEST})
    analyze_case(hostile_case, out, write_map=False, write_report=False)
    assert not any(x.name.startswith(".netanalysis-staging") for x in out.iterdir())
