"""Parity at size: a 100,000-leg travel table read, validated and linked by both engines.

Generator: :func:`netanalysis.synth.cotravel.cotravel_case` (8,600 persons, 1-50 journeys
each, 60 planted companion pairs, seed 11), cut to exactly 100,000 legs, with 1 % of the legs
made hostile (a bad date, an unknown person, an unknown place, in turn). The persons are a CSV
file; the travel is Parquet for the Spark engine (the format of national data) and CSV for the
embedded one. Run in Spark local mode; CI runs it (markers slow and spark).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netanalysis.ingest import load_case

pytestmark = [pytest.mark.spark, pytest.mark.slow,
              # pyspark 4.3's own notices about pandas 3 (as in the other Spark test files)
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

LEGS = 100_000


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    from netanalysis.synth.cotravel import cotravel_case

    travel, persons, _ = cotravel_case(8600, legs_per_person=(1, 50), n_companions=60, seed=11)
    assert len(travel) >= LEGS
    travel = travel.iloc[:LEGS].reset_index(drop=True)
    rng = np.random.default_rng(11)
    bad = rng.choice(LEGS, LEGS // 100, replace=False)
    for i, row in enumerate(sorted(bad)):
        col, val = [("depart", "2024-13-01"), ("person_id", "NOBODY"), ("origin", "Atlantis, XX")][i % 3]
        travel.loc[row, col] = val
    persons = persons.assign(wanted_by=persons["wanted_by"].map("|".join))
    spark_dir = tmp_path_factory.mktemp("p100k_spark")
    csv_dir = tmp_path_factory.mktemp("p100k_csv")
    for d in (spark_dir, csv_dir):
        persons.to_csv(d / "persons.csv", index=False)
    travel.to_parquet(spark_dir / "travel.parquet", index=False)
    travel.to_csv(csv_dir / "travel.csv", index=False)
    return spark_dir, csv_dir


@pytest.fixture(scope="module")
def read_both(spark, folders):
    from netanalysis.engines.spark.read import read_case_spark

    spark_dir, csv_dir = folders
    return read_case_spark(spark, spark_dir), load_case(csv_dir)


def test_rejects_and_counts(read_both):
    sc, emb = read_both
    exp = emb.rejects.copy()
    exp["file"] = exp["file"].replace({"travel.csv": "travel.parquet"})
    assert len(exp) >= LEGS // 100
    pd.testing.assert_frame_equal(sc.rejects, exp)
    for k in ("read", "taken", "rejected"):
        assert sc.counts["travel"][k] == emb.counts["travel"][k]
    assert sc.counts["travel"]["read"] == LEGS


def test_inferred_ties_are_identical(spark, read_both):
    from netanalysis.engines.spark.pipeline import spark_stage
    from netanalysis.resolve import infer_links
    from netanalysis.settings import load_settings

    fn, why = spark_stage("infer")
    if fn is None:
        pytest.skip(f"the Spark inference job is not in this tree: {why}")
    sc, emb = read_both
    settings = load_settings(env={})
    got = fn(spark, sc.tables, settings=settings)
    want = infer_links(emb, settings=settings)
    cols = ["from_id", "to_id", "type"]
    key = lambda df: df.sort_values(cols).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(key(got)[cols], key(want)[cols])
    np.testing.assert_allclose(key(got)["score"], key(want)["score"], rtol=1e-9)


def test_csv_parsed_in_spark_gives_the_embedded_ledger(spark, folders, read_both):
    """The same CSV folder parsed by Spark tasks (the travel file cut into 1 MiB blocks):
    identical rejects, counts and rows taken."""
    from netanalysis.engines.spark.read import read_case_spark
    from netanalysis.engines.spark.reduce import to_pandas_table

    _, csv_dir = folders
    _, emb = read_both
    sc = read_case_spark(spark, csv_dir, split_bytes=1 << 20)
    pd.testing.assert_frame_equal(sc.rejects, emb.rejects)
    assert sc.counts == emb.counts
    got = to_pandas_table("travel", sc.tables["travel"])
    pd.testing.assert_frame_equal(got, emb.tables["travel"], check_dtype=False)
