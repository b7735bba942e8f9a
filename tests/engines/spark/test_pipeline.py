"""analyze_case(engine="spark") writes the output contract, with the embedded engine's answers."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from netanalysis.pipeline import analyze_case

pytestmark = [pytest.mark.spark,
              # pyspark's own notices about pandas 3 (toPandas in resolve_spark and the
              # inference jobs), as in the other Spark test files; not this project's code
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]


@pytest.fixture(scope="module")
def runs(spark, hostile_case, tmp_path_factory):
    """Both engines on the hostile case; with 3 hops the investigation graph is the whole case
    (every party is within 3 ties of the fugitive P1), so every output must be the same."""
    from netanalysis.settings import load_settings

    out = tmp_path_factory.mktemp("runs")
    settings = load_settings(env={}, spark={"hops": 3})
    emb = analyze_case(hostile_case, out / "embedded", write_map=False, write_report=False,
                       settings=settings)
    spk = analyze_case(hostile_case, out / "spark", engine="spark", spark_master="local[2]",
                       write_map=False, write_report=False, settings=settings)
    return emb, spk


def test_same_rejects_merges_inferred_and_targets(runs):
    emb, spk = runs
    for name in ("rejects.csv", "merges.csv", "inferred_links.csv", "targets.csv", "groups.csv"):
        a = pd.read_csv(emb.files[name], keep_default_na=False)
        b = pd.read_csv(spk.files[name], keep_default_na=False)
        # same ids, ranks and texts; measures equal to the last bits of power iterations
        # (eigenvector differed in the 16th digit)
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, obj=name)
    assert len(pd.read_csv(emb.files["targets.csv"])) > 3
    meta = json.loads(spk.files["summary.json"].read_text())["analysis"]["engine"]
    assert meta["reduction"]["persons_kept"] == meta["reduction"]["persons_read"]


def test_summary_says_where_each_stage_ran(runs):
    _, spk = runs
    meta = json.loads(spk.files["summary.json"].read_text())["analysis"]["engine"]
    assert meta["engine"] == "spark" and meta["master"] == "local[2]"
    assert meta["stages"]["read"] == "spark" and meta["stages"]["reduce"] == "spark"
    for stage in ("resolve", "infer"):  # Spark jobs, or the embedded fallback, said so
        assert meta["stages"][stage] == "spark" or meta["stages"][stage].startswith(
            "embedded on the reduced case: ")
    assert meta["reduction"]["persons_read"] == spk.summary["files"]["persons"]["taken"]


def test_unknown_engine_and_mapping_are_refused(tmp_path, hostile_case):
    from netanalysis.errors import InputError

    with pytest.raises(InputError, match="unknown engine 'flink'"):
        analyze_case(hostile_case, tmp_path / "o", engine="flink")
    with pytest.raises(InputError, match="reads case files only"):
        analyze_case(hostile_case, tmp_path / "o2", engine="spark", mapping=hostile_case / "m.yaml")
