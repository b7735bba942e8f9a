"""The main job end to end on the bundled example case, through the API and the CLI."""

import csv
import json
import shutil

import pytest
from click.testing import CliRunner

from netanalysis.cli import main
from netanalysis.pipeline import OUTPUT_FILES, analyze_case

CONTRACT = {
    "targets.csv": ["rank", "id", "name", "role", "score", "why"],
    "groups.csv": ["group", "id", "name", "role"],
    "logistics.csv": ["group", "rank", "score", "facilitators", "fugitives_supported", "why"],
    "inferred_links.csv": ["from_id", "to_id", "type", "evidence", "score"],
    "merges.csv": ["kept_id", "merged_id", "score", "reason"],
    "rejects.csv": ["file", "line", "column", "value", "problem"],
}


def _header(path):
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def run(example_case, tmp_path_factory):
    return analyze_case(example_case, tmp_path_factory.mktemp("out"))


def test_every_contract_file_is_written(run):
    for name in OUTPUT_FILES:
        assert (run.out / name).is_file(), name
    for name, cols in CONTRACT.items():
        header = _header(run.out / name)
        assert header[: len(cols)] == cols, name


def test_summary_counts_reconcile(run):
    s = json.loads((run.out / "summary.json").read_text("utf-8"))
    for kind, c in s["files"].items():
        assert c["read"] == c["taken"] + c["rejected"], kind
    assert s["rows"]["rejected"] == 0  # the example case is clean
    assert s["merges"] == len(_rows(run.out / "merges.csv"))
    assert sum(s["inferred_links"].values()) == len(_rows(run.out / "inferred_links.csv"))
    assert s["persons"] + s["organizations"] == s["targets"]


def test_targets_are_ranked_and_explained(run):
    rows = _rows(run.out / "targets.csv")
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(r["why"].strip() for r in rows[:20])
    # the example case plants facilitators who serve several fugitives: they must lead the
    # non-fugitives, above any popular member of the background population
    truth = _rows(run.case.path / "truth" / "facilitators.csv")
    multi = {r[next(iter(r))] for r in truth if r.get("multi_fugitive", "").lower() in ("1", "true")}
    non_fugitives = [r for r in rows if r["role"] not in ("fugitive", "organization")]
    top = {r["id"] for r in non_fugitives[: max(len(multi), 1)]}
    assert multi and top & multi


def test_merged_records_disappear_from_targets(run):
    merged = {r["merged_id"] for r in _rows(run.out / "merges.csv")}
    assert merged, "the example case plants duplicates"
    assert not merged & {r["id"] for r in _rows(run.out / "targets.csv")}


def test_cli_analyze(example_case, tmp_path):
    out = tmp_path / "cli-out"
    res = CliRunner().invoke(main, ["analyze", str(example_case), "--out", str(out), "--quiet",
                                    "--no-map", "--no-report"])
    assert res.exit_code == 0, res.output
    assert f"wrote 9 files to {out}" in res.output  # movements.csv and review.csv included
    assert (out / "targets.csv").is_file() and not (out / "network.html").exists()


def test_cli_analyze_bad_case_exits_nonzero(tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    (case / "persons.csv").write_text("id,nombre\nP1,Ana\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["analyze", str(case), "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code != 0
    assert "persons.csv" in res.output and "name" in res.output
    assert "Traceback" not in res.output


def test_rejects_flow_to_the_output(example_case, tmp_path):
    case = tmp_path / "case"
    shutil.copytree(example_case, case)
    header = _header(case / "links.csv")
    with open(case / "links.csv", "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writerow({"from_id": "NOBODY", "to_id": "ALSO_NOBODY", "type": "family"})
    run = analyze_case(case, tmp_path / "o", write_map=False, write_report=False)
    rej = _rows(run.out / "rejects.csv")
    assert any(r["file"] == "links.csv" and r["value"] == "NOBODY" for r in rej)
    c = run.case.counts["links"]
    assert c["read"] == c["taken"] + c["rejected"] and c["rejected"] >= 1


def test_prepare_case_reads_phone_numbers_with_the_settings_phone_region(tmp_path):
    # before: load_case read ingest.phone_region from the default settings (and environment)
    # only, so `--settings` with ingest.phone_region changed nothing
    from netanalysis.pipeline import prepare_case
    from netanalysis.settings import load_settings
    case = tmp_path / "case"
    case.mkdir()
    (case / "persons.csv").write_text("id,name\nP1,Ana\n", "utf-8")
    (case / "phones.csv").write_text("id,person_id,number\nT1,P1,3001234567\n", "utf-8")
    s = tmp_path / "s.yaml"
    s.write_text("ingest:\n  phone_region: CO\n", "utf-8")
    plain = prepare_case(case, settings=load_settings(env={}))
    assert plain.tables["phones"]["number"].tolist() == ["3001234567"]
    c = prepare_case(case, settings=load_settings(s, env={}))
    assert c.tables["phones"]["number"].tolist() == ["+573001234567"]


def test_a_case_read_by_prepare_case_shares_repeated_texts_and_keeps_every_value(example_case):
    # a table read from a file held one string object per cell (the same "links.csv" in
    # each row of _file): the case stays in memory for the whole run
    import pandas as pd

    from netanalysis.ingest import load_case
    from netanalysis.pipeline import prepare_case

    read = load_case(example_case)
    files = read.tables["links"]["_file"].tolist()
    assert len(files) > 1 and len({id(x) for x in files}) == len(files)  # before: one each
    c = prepare_case(example_case, resolve=False, infer=False)
    for name, df in read.tables.items():
        if df is not None:
            pd.testing.assert_frame_equal(c.tables[name], df)  # values, dtypes, order, NaN/None
    shared = c.tables["links"]["_file"].tolist()
    assert shared == files and len({id(x) for x in shared}) == 1
    ids = c.tables["links"]["from_id"].tolist()
    assert len({id(x) for x in ids}) == len(set(ids)) < len(ids)


def test_share_strings_leaves_lists_mixed_columns_and_missing_cells_alone():
    import numpy as np
    import pandas as pd

    from netanalysis.model.case import Case
    from netanalysis.pipeline import _share_strings

    mixed = np.array(["1", 1, True, "1"], dtype=object)  # factorize would fold 1 and True
    a1, a2 = "".join(["a", "b"]), "".join(["a", "b"])
    assert a1 == a2 and a1 is not a2
    df = pd.DataFrame({"t": pd.Series([a1, None, a2, np.nan], dtype=object),
                       "lists": pd.Series([["x"], ["x"], [], ["x"]], dtype=object),
                       "mixed": pd.Series(mixed, dtype=object)})
    assert all(t == np.dtype(object) for t in df.dtypes)
    case = Case(tables={"links": df})
    lists = df["lists"].tolist()
    _share_strings(case)
    out = case.tables["links"]
    assert out["t"].dtype == object and out["t"][0] is out["t"][2]
    assert out["t"][1] is None and out["t"][3] != out["t"][3]  # None and NaN kept as they were
    assert [id(x) for x in out["lists"]] == [id(x) for x in lists]
    assert [type(x) for x in out["mixed"]] == [str, int, bool, str]


def test_the_pipeline_asks_the_backend_for_its_measures_whatever_its_name(
        example_case, tmp_path, monkeypatch):
    # before: pipeline._run skipped Backend.measures when the backend was named "embedded"
    # (a name test bypassing the protocol); now run_analysis asks the backend, handing it the
    # party graph it built, and ranks on the frame the backend returns
    import netanalysis.pipeline as P
    from netanalysis.analyze.measures import PartyGraph
    from netanalysis.backends.base import EmbeddedBackend

    calls = []

    class Spy(EmbeddedBackend):
        def measures(self, case, *, graph=None, **kw):
            frame = super().measures(case, graph=graph, **kw)
            calls.append((graph, frame))
            return frame.assign(degree=frame["degree"] + 1000)  # visible in targets.csv

        def describe(self):
            return "spy"

    monkeypatch.setattr(P, "get_backend", lambda name, **options: Spy())
    run = analyze_case(example_case, tmp_path / "o", write_map=False, write_report=False)
    assert len(calls) == 1
    graph, frame = calls[0]
    assert isinstance(graph, PartyGraph) and list(graph.kernel.names) == frame["id"].tolist()
    assert (run.analysis.targets["degree"] >= 1000).all()
    assert run.analysis.meta["backend"] == "spy"
    assert run.summary["timings"]["measures_s"] >= 0


def test_the_embedded_run_builds_the_party_graph_once_with_the_backends_measures(
        example_case, tmp_path, monkeypatch):
    # before: analyze_case asked the embedded backend for its measures (one party graph and
    # kernel) and run_analysis then built the same graph again
    import pandas as pd

    from netanalysis.analyze import measures as M
    from netanalysis.analyze import run as R
    from netanalysis.analyze.measures import MEASURE_COLUMNS
    from netanalysis.backends.base import get_backend
    built = []
    real = R.kernel_from_edges

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(R, "kernel_from_edges", counting)
    monkeypatch.setattr(M, "kernel_from_edges", counting)
    run = analyze_case(example_case, tmp_path / "o", write_map=False, write_report=False)
    assert len(built) == 1
    # the frame run_analysis computed is the one the backend returns
    expected = get_backend("embedded").measures(run.case)
    cols = [c for c in MEASURE_COLUMNS if c != "id"]
    expected = expected.set_index("id") if "id" in expected.columns else expected
    got = run.analysis.measures
    assert len(got) == len(expected) > 0
    for c in [c for c in cols if c in got.columns]:
        def plain(values):
            return [None if pd.isna(v) else v for v in values]

        assert plain(got[c].reindex(expected.index)) == plain(expected[c]), c
