"""The Spark reader keeps the embedded reader's ledger: same rejects, counts and rows taken."""

from __future__ import annotations

import pandas as pd
import pytest

from netanalysis.errors import InputError, SchemaError
from netanalysis.ingest import load_case

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def both(spark, hostile_case):
    from netanalysis.engines.spark.read import read_case_spark

    return read_case_spark(spark, hostile_case), load_case(hostile_case)


def _rows(df):
    return [tuple(r) for r in df.itertuples(index=False)]


def test_hostile_rejects_are_identical(both):
    sc, emb = both
    assert len(emb.rejects) > 30  # the fixture does exercise the rules
    assert _rows(sc.rejects) == _rows(emb.rejects)
    assert sc.rejects["line"].dtype == emb.rejects["line"].dtype


def test_hostile_counts_reconcile_as_embedded(both):
    sc, emb = both
    assert sc.counts == emb.counts
    for c in sc.counts.values():
        assert c["read"] == c["taken"] + c["rejected"]


def test_hostile_rows_taken_are_identical(both):
    from netanalysis.engines.spark.reduce import to_pandas_table

    sc, emb = both
    assert sc.kinds() == [k for k in emb.counts if emb.counts[k]["file"]]
    for kind in sc.kinds():
        got = to_pandas_table(kind, sc.tables[kind])
        want = emb.tables[kind]
        assert list(got.columns) == list(want.columns), kind
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=kind)
        assert got["_line"].dtype == want["_line"].dtype


def test_parquet_is_validated_like_csv(spark, hostile_case, tmp_path):
    """The same rows in Parquet give the same rejects (line = row + 2, file = the Parquet file)."""
    from netanalysis.engines.spark.read import read_case_spark
    from netanalysis.ingest.read import read_csv_table

    d = tmp_path / "pq"
    d.mkdir()
    (d / "persons.csv").write_bytes((hostile_case / "persons.csv").read_bytes())
    t = read_csv_table(hostile_case / "travel.csv")  # regular file: row i is on line i + 2
    assert t.lines.tolist() == list(range(2, len(t.data) + 2))
    t.data.to_parquet(d / "travel.parquet", index=False)
    (tmp_path / "csv").mkdir()
    for name in ("persons.csv", "travel.csv"):
        (tmp_path / "csv" / name).write_bytes((hostile_case / name).read_bytes())
    got = read_case_spark(spark, d)
    want = load_case(tmp_path / "csv")
    exp = want.rejects.copy()
    exp["file"] = exp["file"].replace({"travel.csv": "travel.parquet"})
    assert _rows(got.rejects) == _rows(exp)
    assert {k: got.counts["travel"][k] for k in ("read", "taken", "rejected")} == \
        {k: want.counts["travel"][k] for k in ("read", "taken", "rejected")}
    assert got.counts["travel"]["file"] == "travel.parquet"


def test_whole_file_errors(spark, tmp_path):
    from netanalysis.engines.spark.read import read_case_spark

    with pytest.raises(InputError, match="no persons.csv"):
        read_case_spark(spark, tmp_path)
    (tmp_path / "persons.csv").write_text("id,nombre\nP1,Ana\n")
    with pytest.raises(SchemaError, match="missing required column name") as e:
        read_case_spark(spark, tmp_path)
    assert e.value.line == 1
