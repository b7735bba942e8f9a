"""The engine over Spark Connect: the same rejects, counts, ties and components as embedded.

A Connect server is started in the JVM of the test run's local session
(:func:`~netanalysis.engines.spark.session.start_connect_server`) and a second Python process
-- a pure Connect client, without a JVM or a SparkContext -- runs the engine against it. The
client is this file run as a script; what it computes comes back as a pickle and is compared
with the embedded engine here. A separate process is needed: pyspark switches its functions to
Connect mode for the whole process once a Connect session exists.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import warnings

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]


def _rows(df):
    return [tuple(r) for r in df.itertuples(index=False)]


@pytest.fixture(scope="module")
def synth_folder(tmp_path_factory):
    from netanalysis.synth import synth_case as make
    out = tmp_path_factory.mktemp("synth")
    make(out, persons=400, seed=11)
    return out


@pytest.fixture(scope="module")
def over_connect(spark, hostile_case, synth_folder, tmp_path_factory):
    """What the Connect client computed, and its session's class."""
    pytest.importorskip("grpc", reason="Spark Connect needs pyspark[connect] (grpcio, zstandard)")
    from netanalysis.engines.spark.session import start_connect_server

    url = start_connect_server(spark)
    out = tmp_path_factory.mktemp("connect") / "result.pickle"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    res = subprocess.run([sys.executable, __file__, url, str(hostile_case), str(synth_folder), str(out)],
                         capture_output=True, text=True, timeout=1500, env=env)
    assert res.returncode == 0, res.stderr[-4000:]
    with open(out, "rb") as f:
        return pickle.load(f)


def test_client_is_a_connect_session(over_connect):
    assert over_connect["session"].startswith("pyspark.sql.connect")


def test_rejects_and_counts_over_connect_are_embedded_ones(over_connect, hostile_case):
    from netanalysis.ingest import load_case

    emb = load_case(hostile_case)
    assert len(emb.rejects) > 30
    assert _rows(over_connect["rejects"]) == _rows(emb.rejects)
    assert over_connect["counts"] == emb.counts


def test_merges_and_ties_over_connect_are_embedded_ones(over_connect, synth_folder):
    import pandas as pd

    from netanalysis.ingest import load_case
    from netanalysis.resolve.entities import resolve_entities
    from netanalysis.resolve.infer import infer_links

    case = load_case(synth_folder)
    want = resolve_entities(case)
    assert len(want) > 2
    pd.testing.assert_frame_equal(want.reset_index(drop=True), over_connect["merges"].reset_index(drop=True))
    ties = infer_links(case)
    got = over_connect["ties"]
    key = ["type", "from_id", "to_id"]
    assert len(ties) > 0
    assert ties[key].values.tolist() == got[key].values.tolist()
    assert ties["evidence"].tolist() == got["evidence"].tolist()


def test_components_over_connect(over_connect):
    assert over_connect["components"] == [("a", "a"), ("b", "a"), ("c", "a"), ("x", "x"), ("y", "x")]


def _client(url, hostile, synth, out):
    """The Connect client: read, resolve, infer and components over `url`; pickle to `out`."""
    warnings.filterwarnings("ignore")
    from netanalysis.engines.spark.components import connected_components
    from netanalysis.engines.spark.infer import infer_links_spark
    from netanalysis.engines.spark.read import read_case_spark
    from netanalysis.engines.spark.resolve import resolve_spark
    from netanalysis.engines.spark.session import spark_session

    def say(what):  # progress on stderr: a failure or a timeout shows how far the client got
        print(f"connect client: {what}", file=sys.stderr, flush=True)

    spark = spark_session(url)
    say("session")
    hc = read_case_spark(spark, hostile)
    say("hostile case read")
    sc = read_case_spark(spark, synth)
    say("synth case read")
    merges, _, _ = resolve_spark(spark, sc.tables)
    say("resolved")
    ties = infer_links_spark(spark, sc.tables)
    say("inferred")
    e = spark.createDataFrame([("b", "c"), ("c", "a"), ("x", "y")], "src string, dst string")
    comps = sorted(tuple(r) for r in connected_components(e).collect())
    with open(out, "wb") as f:
        pickle.dump({"session": type(spark).__module__, "rejects": hc.rejects, "counts": hc.counts,
                     "ties": ties, "merges": merges, "components": comps}, f)


if __name__ == "__main__":
    _client(*sys.argv[1:5])
