"""The Spark engine's fixed costs: jobs per file read, the workers' interpreter, shipped values."""

from __future__ import annotations

import os
import sys

import pytest

from netanalysis.ingest import load_case
from netanalysis.ingest.read import read_header

pytestmark = [pytest.mark.spark,
              pytest.mark.filterwarnings("ignore:.*PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore:.*copy.*keyword is deprecated:DeprecationWarning")]


def _jobs(spark, group, fn):
    """Run `fn()` under a job group; return its result and the number of Spark jobs it ran."""
    sc = spark.sparkContext
    sc.setJobGroup(group, group)
    try:
        out = fn()
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    return out, len(sc.statusTracker().getJobIdsForGroup(group))


def test_csv_file_parsed_and_validated_in_the_same_job(spark, tmp_path):
    """One CSV file (no multi-line record cut by a block boundary): the first pass, the parse
    with the validation, the problems (with the bad records), the rows taken and their count;
    the ledger as the embedded reader's."""
    from netanalysis.engines.spark.read import read_case_spark

    rows = "".join(f"P{i},Name {i},{'jefe' if i % 7 == 0 else 'associate'}\n" for i in range(300))
    (tmp_path / "persons.csv").write_text("id,name,role\n" + rows + "P1\nP2,dup,associate\n", encoding="utf-8")
    sc, n = _jobs(spark, "overhead-csv", lambda: read_case_spark(spark, tmp_path))
    emb = load_case(tmp_path)
    assert sc.rejects.values.tolist() == emb.rejects.values.tolist()
    assert sc.counts == emb.counts
    assert sc.counts["persons"]["rejected"] == 300 // 7 + 1 + 2  # bad roles, the short record, dup
    # first pass 1, parse + validation 1, problems 1 and their collect 1, rows taken 1 and
    # their count 1; the rest are the shuffle stages adaptive execution runs as jobs of their
    # own (the duplicate-id window, the anti-join, the registry of ids for later files).
    # 16 with pyspark 4.3 (18 before the parse and the validation shared a job)
    assert n <= 16, n


def test_plan_and_notes_give_read_csv_spark(spark, tmp_path):
    from netanalysis.engines.spark.csvfile import csv_notes, csv_plan, read_csv_spark, split_conf

    p = tmp_path / "t.csv"
    p.write_text('id,name\nP1,"Ana\nMaria"\nP2\nP3,Eva\n', encoding="utf-8")
    want = read_csv_spark(spark, p, read_header(p), split_bytes=12)
    plan = csv_plan(spark, p, read_header(p), split_bytes=12)
    assert plan.split == 12 and plan.blocks == want.blocks > 1
    with split_conf(spark, plan.split):
        rows = plan.frame.collect()
    assert spark.conf.get("spark.sql.files.maxPartitionBytes", None) != "12"  # restored
    bad, aligned = csv_notes([r.asDict() for r in rows if r["__kind"] != 0], p)
    assert (bad, aligned + len(bad)) == (want.bad, want.read)
    got = sorted((r["__line"], r["id"], r["name"]) for r in rows if r["__kind"] == 0)
    assert got == sorted(tuple(r) for r in want.data.select("__line", "id", "name").collect())


def test_local_workers_run_the_drivers_interpreter(spark):
    """pyspark starts workers with $PYSPARK_PYTHON, else `python3` on the PATH (which may lack
    numpy): a local session sets it to this interpreter unless the user set it."""
    assert os.environ.get("PYSPARK_PYTHON")
    got = spark.sparkContext.parallelize([0], 1).map(lambda _: __import__("sys").executable).collect()
    assert os.path.realpath(got[0]) == os.path.realpath(os.environ["PYSPARK_PYTHON"])
    if os.environ["PYSPARK_PYTHON"] == sys.executable:
        import numpy  # noqa: F401  (the workers then have the driver's packages)


def test_shipped_value_reaches_the_executors(spark):
    """A classic session broadcasts the value (and removes it after); a Spark Connect one
    (no SparkContext) gets a plain holder pickled with the function."""
    from netanalysis.engines.spark.resolve import _shipped

    value = {"ids": ["A", "B"], "n": 2}
    with _shipped(spark, value) as src:
        def names(rows):
            return [src.value["ids"][int(r)] for r in rows]

        got = spark.sparkContext.parallelize([1, 0], 2).mapPartitions(names).collect()
        assert type(src).__name__ == "Broadcast"
    assert got == ["B", "A"]
    connect = type("SparkSession", (), {"__module__": "pyspark.sql.connect.session"})()
    with _shipped(connect, value) as src:
        assert src.value is value and type(src).__module__ == "types"


#: Modules of the driver's side that a Python worker need not import (DuckDB, the graph
#: builders, the embedded inference, ``scipy.stats``: about 2 s a worker).
HEAVY = ("duckdb", "networkx", "scipy.stats", "netanalysis.resolve.infer",
         "netanalysis.resolve.entities", "netanalysis.model.graph",
         "netanalysis.engines.spark.infer")


def test_workers_unpickle_the_inference_functions_without_the_heavy_modules(spark, tmp_path):
    """What ``infer_links_spark`` ships to the executors (the key UDFs, the batch tests with
    the p-value function and its family) is unpickled in a fresh interpreter, as a Python
    worker does: none of :data:`HEAVY` is imported (`spark`: skips or fails as the other
    Spark tests without pyspark)."""
    import subprocess
    from functools import partial

    import pandas as pd
    from pyspark import cloudpickle

    from netanalysis.engines.spark import infer
    from netanalysis.resolve.significance import cooccurrence_family, cooccurrence_pvalues, identifier_pvalues

    persons = pd.DataFrame({"pid": ["A", "B", "C"], "s": [2.0, 2.0, 1.0], "d": [2, 2, 1],
                            "nb": [0, 0, 0], "f": [1, 1, 1]})
    level = cooccurrence_family(persons, fdr=0.05)
    shipped = [infer.phone_keys, infer.document_keys,
               infer.batch_tests(partial(cooccurrence_pvalues, family=level), ["s", "d", "nb", "f"],
                                 ["a", "b", "k"], {"a": None, "b": None, "k": 0}, 0.05),
               infer.batch_tests(partial(identifier_pvalues, rate=1e-8, records=5.0), ["d"],
                                 ["a", "b", "k", "u"], {"a": None, "b": None, "k": 0, "u": 0}, 0.05)]
    (tmp_path / "f.pkl").write_bytes(cloudpickle.dumps(shipped))
    code = ("import pickle, sys; fs = pickle.load(open(sys.argv[1], 'rb')); "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules) or '-')")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "f.pkl")], capture_output=True,
                         text=True, check=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert out.stdout.strip() == "-", out.stdout
    # and the check can fail: the driver's module itself pulls them in
    (tmp_path / "g.pkl").write_bytes(cloudpickle.dumps([infer.infer_links_spark]))
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "g.pkl")], capture_output=True,
                         text=True, check=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert "duckdb" in out.stdout
