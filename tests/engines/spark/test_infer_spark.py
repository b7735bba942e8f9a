"""``infer_links_spark`` gives the rows of ``infer_links`` (DuckDB) on the same case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netanalysis.engines.spark.infer import infer_links_spark
from netanalysis.model.case import Case
from netanalysis.resolve.infer import INFERRED_COLUMNS, infer_links

pytestmark = [pytest.mark.spark,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              # pyspark 4.3 calls pandas 3 with a deprecated keyword (its own notice: pandas 3
              # is not fully supported yet); not a warning about this project's code
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]


def assert_same_ties(want, got):
    """Same rows (sorted), scores within 1e-9, every other column exact."""
    key = ["type", "from_id", "to_id"]
    assert list(got.columns) == INFERRED_COLUMNS
    a = want.sort_values(key).reset_index(drop=True)
    b = got.sort_values(key).reset_index(drop=True)
    assert a[key].values.tolist() == b[key].values.tolist()
    for col in ("score", "confidence", "weight"):
        assert np.allclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=0, atol=1e-9), col
    for col in ("evidence", "start", "end"):
        assert a[col].tolist() == b[col].tolist(), col
    # the order of the rows is the contract too (type, then decreasing score)
    assert want[key].values.tolist() == got[key].values.tolist()


def _hostile():
    """Ids that sort differently as text and as numbers, blanks and white space, a flight
    written with and without its carrier, lower case, bookings, a journey over the size
    limit, numbers written several ways and shared by three, documents reached through
    travel.document_id, calls with missing durations and starts, non-ASCII ids."""
    rng = np.random.default_rng(3)
    travel = []
    for p in ("A10", "A9", "Émile"):
        for car, fl, day in (("AV", "85", "2024-03-05"), ("IB", "IB6500", "2024-04-01"),
                             ("ib", " 6501 ", "2024-04-09T08:00"), (" ", "CM7", "2024-04-20")):
            travel.append({"person_id": p, "carrier": car, "flight": fl, "depart": day,
                           "booking_ref": " qx7 " if p != "Émile" else None})
    travel.append({"person_id": "A9", "carrier": "AV", "flight": "", "depart": "2024-03-05"})
    travel.append({"person_id": "A9", "carrier": "AV", "flight": "85", "depart": "2024-03"})
    for i in range(40):          # a full journey: over max_passengers, not computed
        travel.append({"person_id": f"F{i}", "carrier": "XX", "flight": "1", "depart": "2024-01-01"})
        travel.append({"person_id": f"F{i}", "carrier": "XX", "flight": "2", "depart": "2024-01-02"})
    for i in range(600):
        travel.append({"person_id": f"X{i}", "carrier": "CM", "flight": str(i // 4),
                       "depart": f"2024-05-{1 + (i // 4) % 28:02d}", "booking_ref": f"B{i // 2}" if i % 7 == 0 else ""})
    phones = [{"number": "+57 300 111 2233", "person_id": "A10"}, {"number": "0057300111-2233", "person_id": "A9"},
              {"number": "+573001112233", "person_id": "Z"}, {"number": "555 01", "person_id": "A10"},
              {"number": "55501", "person_id": "A9"}, {"number": "(7) 7", "person_id": "A10"},
              {"number": "77", "person_id": "A9"}, {"number": "no digits", "person_id": "A9"}]
    phones += [{"number": f"+9{i // 2}", "person_id": f"X{i}"} for i in range(300)]
    documents = [{"id": "D1", "holder_id": "A10", "number": "AB-123", "kind": "passport", "issuing_country": "ve"},
                 {"id": "D2", "holder_id": "A9", "number": "ab123", "kind": "passport", "issuing_country": "VE"},
                 {"id": "D3", "holder_id": "A10", "number": "C9", "kind": "national_id"},
                 {"id": "D4", "holder_id": "A9", "number": "c 9", "kind": "other"},
                 {"id": "D5", "holder_id": "A10", "number": "E1"}]
    documents += [{"id": f"N{i}", "holder_id": f"X{i}", "number": f"N{i // 2}", "kind": "passport",
                   "issuing_country": "CO"} for i in range(200)]
    travel.append({"person_id": "A9", "carrier": "AV", "flight": "90", "depart": "2024-06-01",
                   "document_id": "D5"})
    x = rng.choice(300, (400, 2))
    calls = [{"caller": "+57 300 111 2233", "callee": "55501", "start": "2024-01-01", "duration_s": 60},
             {"caller": "55501", "callee": "+573001112233", "start": " 2024-01-02 ", "duration_s": None},
             {"caller": "77", "callee": "(7) 7", "start": "", "duration_s": 7200},
             {"caller": "555-01", "callee": "+57 300 111 2233", "start": None, "duration_s": 30}]
    calls += [{"caller": f"+9{a // 2}", "callee": f"+9{b // 2}", "start": "2024-02-01", "duration_s": 30}
              for a, b in x]
    persons = pd.DataFrame({"id": ["A10", "A9", "Émile", "Z"], "name": ["a", "b", "c", "d"],
                            "wanted_by": [[], ["ES"], [], []]})
    frames = {"persons": persons, "travel": travel, "phones": phones, "documents": documents,
              "calls": calls}
    return Case(tables={k: pd.DataFrame(v) for k, v in frames.items()})


def test_synth_case_gives_the_same_ties(spark, to_spark, synth_case):
    want = infer_links(synth_case)
    assert len(want) > 10 and want["type"].nunique() >= 2
    got = infer_links_spark(spark, to_spark(synth_case))
    assert_same_ties(want, got)


def test_hostile_case_gives_the_same_ties_seeded_and_not(spark, to_spark):
    case = _hostile()
    tables = to_spark(case)
    s = {"co_travel": {"max_passengers": 30, "max_evidence_items": 2}}
    want = infer_links(case, settings=s)
    assert {"co_travel", "shared_document", "calls"} <= set(want["type"])
    assert_same_ties(want, infer_links_spark(spark, tables, settings=s))
    s = {**s, "seed": "wanted"}
    want = infer_links(case, settings=s)
    # a smaller family: the shared phones pass too, and every pair has the person of interest
    assert "shared_phone" in set(want["type"])
    assert all("A9" in (a, b) for a, b in zip(want["from_id"], want["to_id"]))
    assert_same_ties(want, infer_links_spark(spark, tables, settings=s))
    # explicit seeds are the same seeded join
    assert_same_ties(want, infer_links_spark(spark, tables, settings=s, seeds=["A9"]))


def test_empty_tables_give_no_ties_without_a_probe(spark):
    """Tables with their columns and no rows (files with a header only) go through every rule
    (no ``isEmpty`` job probes them first) and give no ties, as in the embedded engine; a
    table without the columns a rule reads and no rows counts as absent."""
    from pyspark.sql import types as T

    def empty(*cols):
        return spark.createDataFrame([], T.StructType([T.StructField(c, T.StringType()) for c in cols]))

    tables = {"persons": empty("id", "name", "wanted_by"),
              "travel": empty("person_id", "carrier", "flight", "depart", "booking_ref", "document_id"),
              "phones": empty("number", "person_id"), "calls": empty("caller", "callee", "start"),
              "documents": empty("id", "holder_id", "number", "kind")}
    got = infer_links_spark(spark, tables, settings={"seed": "all"})
    assert list(got.columns) == INFERRED_COLUMNS and len(got) == 0
    assert len(infer_links_spark(spark, tables, settings={"seed": "wanted"})) == 0
    assert len(infer_links_spark(spark, {"travel": empty("note")})) == 0
    with pytest.raises(Exception, match="person_id"):   # a full table without it still fails
        infer_links_spark(spark, {"travel": spark.createDataFrame([("x",)], "note string")})


def test_lognormal_journeys_give_the_same_ties(spark):
    """A 20k-leg travel table of lognormal journey sizes (median 20, up to 400 seats: the
    one-journey cut and the size family at work) and 60 planted companions, given as a pandas
    table. The 100k-leg parity (read, rejects, every rule) is ``test_parity_100k.py``; this
    was a second 100k-leg run of the same rule (about 95 s) and checks the same at a fifth."""
    rng = np.random.default_rng(17)
    pax = np.clip(rng.lognormal(np.log(20), 1.0, 1200), 1, 400).astype(np.int64)
    pax = pax[np.cumsum(pax) <= 19_400]
    jid = np.repeat(np.arange(len(pax)), pax)
    who = rng.integers(0, 4_000, len(jid))
    rows = pd.DataFrame({"person_id": [f"P{w:06d}" for w in who], "carrier": "XX",
                         "flight": (jid % 180).astype(str),
                         "depart": [f"2022-{1 + (j // 180) % 12:02d}-{1 + (j // 2160) % 28:02d}" for j in jid]})
    comp = []
    for k in range(60):       # companions: three shared small journeys each
        for t in range(3):
            for p in (f"C{k:04d}a", f"C{k:04d}b"):
                comp.append({"person_id": p, "carrier": "YY", "flight": str(k * 3 + t), "depart": "2023-06-01"})
    tr = pd.concat([rows, pd.DataFrame(comp)], ignore_index=True)
    assert len(tr) >= 19_000 and pax.max() == 400
    case = Case(tables={"travel": tr})
    s = {"types": ["co_travel"]}
    want = infer_links(case, settings=s)
    assert len(want) >= 60
    got = infer_links_spark(spark, {"travel": spark.createDataFrame(tr)}, settings=s)
    assert_same_ties(want, got)


def test_co_travel_tables_are_the_embedded_pair_step(spark):
    """The pair and person tables handed to ``cooccurrence_tests`` are the DuckDB step's
    (ids in place of codes): every pair with a booking, the single-journey pairs kept by the
    ``lambda <= 2 fdr`` cut, bookings held counted over all bookings."""
    import duckdb

    from netanalysis.engines.spark.infer import co_travel_tables, event_incidences
    from netanalysis.resolve.infer import co_travel_pairs

    rows = [("A", "J", "x", "2024-01-01"), ("B", "J", "x", "2024-01-01"),
            ("A", "J", "y", "2024-01-02"), ("B", "J", "y", "2024-01-02"),
            ("C", "J", "y", "2024-01-02"), ("D", "J", "z", "2024-01-03"),
            ("E", "J", "z", "2024-01-03"), ("A", "B", "b1", "2024-01-01"),
            ("C", "B", "b1", "2024-01-02"), ("F", "B", "b2", "2024-01-05")]
    rows += [(f"X{i}", "J", f"w{i // 3}", "2024-02-01") for i in range(30)]
    inc = pd.DataFrame(rows, columns=["pid", "kind", "label", "day"])
    ids = sorted(inc["pid"].unique())
    con = duckdb.connect()
    ev, keys = pd.factorize(inc["kind"] + "|" + inc["label"])
    coded = inc.assign(pid=[ids.index(p) for p in inc["pid"]], ev=ev)[["pid", "ev", "kind", "day"]]
    events = pd.DataFrame({"ev": range(len(keys)), "kind": [k.split("|")[0] for k in keys],
                           "label": [k.split("|", 1)[1] for k in keys], "day": None})
    con.register("inc_df", coded)
    con.register("events_df", events)
    con.execute("CREATE TEMP TABLE inc AS SELECT * FROM inc_df")
    con.execute("CREATE TEMP TABLE events AS SELECT ev, kind, label, day::VARCHAR AS day "
                "FROM events_df")
    want_pairs, want_persons = co_travel_pairs(con, 500, fdr=0.05)
    sinc = spark.createDataFrame(inc, "pid string, kind string, label string, day string")
    us = event_incidences(sinc, 500)
    sp, persons = co_travel_tables(sinc, us, 0.05)
    pairs = sp.toPandas().sort_values(["a", "b"]).reset_index(drop=True)
    us.unpersist()
    named = want_pairs.assign(a=[ids[i] for i in want_pairs["a"]],
                              b=[ids[i] for i in want_pairs["b"]])
    cols = ["a", "b", "k", "kb", "ub"]
    assert pairs[cols].values.tolist() == named[cols].values.tolist()
    assert np.allclose(pairs["ls"], named["ls"], rtol=1e-12, atol=1e-12)   # sum ln(n - 1)
    assert ("A", "C") in set(zip(pairs["a"], pairs["b"]))      # a booking, no journey cut
    assert persons["pid"].tolist() == [ids[i] for i in want_persons["pid"]]
    for col in ("s", "d", "nb", "f"):
        assert persons[col].tolist() == want_persons[col].tolist(), col
    # each pair carries its persons' margins, for the tests on the executors
    by = persons.set_index("pid")
    for x in "ab":
        for col in ("s", "d", "nb", "f"):
            assert pairs[f"{x}_{col}"].tolist() == by.loc[pairs[x], col].tolist(), (x, col)


def test_seeded_co_travel_tables_are_the_seeds_rows_of_the_whole_table(spark):
    """Seeded, the codes and margins sent back to the pairs are those of the persons of
    interest and the persons who share an event with them only (not the whole persons'
    table); the pairs are still the unseeded table's rows that hold a person of interest,
    with the same codes (rows of the whole table) and margins."""
    from netanalysis.engines.spark.infer import co_travel_tables, event_incidences

    rows = [("A", "J", "x", "2024-01-01"), ("B", "J", "x", "2024-01-01"),
            ("A", "J", "y", "2024-01-02"), ("B", "J", "y", "2024-01-02"),
            ("C", "J", "y", "2024-01-02"), ("D", "J", "z", "2024-01-03"),
            ("E", "J", "z", "2024-01-03"), ("A", "B", "b1", "2024-01-01"),
            ("F", "B", "b1", "2024-01-02"), ("G", "B", "b2", "2024-01-05"),
            ("H", "B", "b2", "2024-01-05"), ("D", "J", "v", "2024-01-04"),
            ("G", "J", "v", "2024-01-04")]
    rows += [(f"X{i}", "J", f"w{i // 3}", "2024-02-01") for i in range(30)]
    inc = spark.createDataFrame(pd.DataFrame(rows, columns=["pid", "kind", "label", "day"]),
                                "pid string, kind string, label string, day string")
    us = event_incidences(inc, 500)
    whole, persons = co_travel_tables(inc, us, 0.05)
    whole = whole.toPandas()
    for seed_ids in (["A"], ["A", "G"], ["C", "X4", "Q"]):
        seeds = spark.createDataFrame(pd.DataFrame({"pid": seed_ids}), "pid string")
        for coded in (False, True):
            got, same = co_travel_tables(inc, us, 0.05, seeds, persons=persons, coded=coded)
            got = got.toPandas().sort_values(["a", "b"]).reset_index(drop=True)
            want = whole[whole["a"].isin(seed_ids) | whole["b"].isin(seed_ids)]
            if coded:
                at = {p: i for i, p in enumerate(persons["pid"])}
                want = want.assign(a=want["a"].map(at), b=want["b"].map(at))
            want = want.sort_values(["a", "b"]).reset_index(drop=True)
            assert len(want) > 0
            assert got[sorted(got.columns)].values.tolist() == want[sorted(got.columns)].values.tolist()
            assert same is persons
    us.unpersist()


@pytest.fixture
def tiny_driver_results(spark):
    """The session with ``spark.driver.maxResultSize`` at 1 MiB for one test: every job whose
    results sent to the driver exceed it fails. Set on the live SparkConf (read by each new
    task set), restored after the test."""
    conf = spark.sparkContext._jsc.sc().conf()
    key = "spark.driver.maxResultSize"
    before = conf.get(key) if conf.contains(key) else None
    conf.set(key, "1m")
    try:
        yield spark
    finally:
        if before is None:
            conf.remove(key)
        else:
            conf.set(key, before)


def _many_chance_pairs():
    """4,000 persons on 100 journeys of 40 (78,000 pairs sharing one journey, all under the
    ``lambda <= 2 fdr`` cut as the table is small), 400 of them on a second journey of 40,
    and 40 companion pairs on three journeys of two."""
    rows = [{"person_id": f"X{i:04d}", "carrier": "CM", "flight": str(i // 40), "depart": "2024-05-01"}
            for i in range(4000)]
    rows += [{"person_id": f"X{i:04d}", "carrier": "CM", "flight": str(500 + (i * 7) % 10),
              "depart": "2024-05-02"} for i in range(0, 4000, 10)]
    for k in range(40):
        for t in range(3):
            for p in (f"C{k:02d}a", f"C{k:02d}b"):
                rows.append({"person_id": p, "carrier": "YY", "flight": str(k * 3 + t),
                             "depart": "2024-06-01"})
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_the_pair_table_never_comes_to_the_driver(tiny_driver_results):
    """Regression: the pair table (~78,000 pairs, a few MiB) used to be collected before the
    significance step and failed past ``spark.driver.maxResultSize``; now only the pairs that
    can pass come back, and the ties are the embedded engine's."""
    spark = tiny_driver_results
    tr = _many_chance_pairs()
    s = {"types": ["co_travel"]}
    want = infer_links(Case(tables={"travel": tr}), settings=s)
    assert len(want) >= 40
    got = infer_links_spark(spark, {"travel": spark.createDataFrame(tr)}, settings=s)
    assert_same_ties(want, got)
    # the limit is in force: collecting the pair table itself fails
    from netanalysis.engines.spark.infer import co_travel_tables, event_incidences
    from pyspark.sql import functions as F
    inc = spark.createDataFrame(tr).select(
        F.col("person_id").alias("pid"), F.lit("J").alias("kind"),
        F.concat("carrier", "flight", F.lit(" "), "depart").alias("label"),
        F.col("depart").alias("day"))
    us = event_incidences(inc, 500)
    pairs, _ = co_travel_tables(inc, us, 0.05)
    with pytest.raises(Exception, match="maxResultSize"):
        pairs.toPandas()
    us.unpersist()


def test_the_pairs_join_the_margins_held_on_the_driver(spark):
    """Regression: the persons' margins (an aggregation by person over the incidences) were
    computed again for each of the four joins of the lazy pair job (8 aggregations by ``pid``
    in its plan: journeys and bookings, four times); now the joins read the table the driver
    already holds, and the plan aggregates only the pairs."""
    import re

    from netanalysis.engines.spark.infer import co_travel_tables, event_incidences, identifier_tables

    rows = [("A", "J", "x", "2024-01-01"), ("B", "J", "x", "2024-01-01"),
            ("A", "J", "y", "2024-01-02"), ("B", "J", "y", "2024-01-02"),
            ("C", "J", "y", "2024-01-02"), ("A", "B", "b1", "2024-01-01"),
            ("C", "B", "b1", "2024-01-02")]
    inc = spark.createDataFrame(pd.DataFrame(rows, columns=["pid", "kind", "label", "day"]),
                                "pid string, kind string, label string, day string")
    us = event_incidences(inc, 500)
    pairs, persons = co_travel_tables(inc, us, 0.05)
    ids = inc.where("kind = 'J'").selectExpr("pid", "'I' AS kind", "label", "day")
    ipairs, _ = identifier_tables(ids, us)

    def keys(df):
        plan = df._jdf.queryExecution().optimizedPlan().toString()
        # (``#12L``: an attribute of type long, the persons' codes of ``coded_pair_counts``)
        return [re.sub(r"#\d+L?", "", k) for k in re.findall(r"Aggregate \[([^\]]*)\]", plan)]

    # the journey pairs and the booking pairs, each from its events' arrays of persons
    # (``coded_pair_counts``); nothing by person
    assert keys(pairs) == ["a, b", "kind, label", "a, b", "kind, label"]
    assert keys(ipairs) == ["a, b"]
    got = pairs.toPandas().sort_values(["a", "b"])
    assert got[["a", "b", "k", "kb", "a_s", "b_s", "a_nb", "b_nb"]].values.tolist() == [
        ["A", "B", 2, 0, 3.0, 3.0, 1, 0], ["A", "C", 0, 1, 3.0, 2.0, 1, 1]]
    assert persons["pid"].tolist() == ["A", "B", "C"]
    us.unpersist()


def _frequent_travellers(big=100, n_bg=3000, seed=4):
    """A and B share three 3-seat journeys and a ``big``-seat one: their activity is high and
    their smallest journeys small, so only the size-aware family (``size_cut``) tests them;
    ``n_bg`` others on three random 3-seat journeys each (thousands of pairs sharing one
    journey, which the embedded engine's floor cut leaves out and Spark tests), a booking
    pair on a 30-seat flight, a pair on two 3-seat flights; A and E are wanted."""
    rng = np.random.default_rng(seed)
    rows = []

    def leg(p, fl, day, bk=None):
        rows.append({"person_id": p, "carrier": "CM", "flight": fl, "depart": day, "booking_ref": bk})

    for t in range(3):
        perm = rng.permutation(n_bg)
        for j in range(n_bg // 3):
            for i in perm[3 * j:3 * j + 3]:
                leg(f"X{i:04d}", str(100 + j), f"2024-01-{1 + t:02d}")
    for t in range(3):
        for p in ("A", "B", f"Y{t}"):
            leg(p, str(10 + t), "2024-02-01")
    for p in ["A", "B"] + [f"Z{i:03d}" for i in range(big - 2)]:
        leg(p, "1", "2024-03-01")
    for p in ["C", "D"] + [f"W{i:02d}" for i in range(28)]:
        leg(p, "2", "2024-03-02", "QX7" if p in "CD" else None)
    for t in range(2):
        for p in ("E", "F", f"V{t}"):
            leg(p, str(20 + t), "2024-03-03")
    tr = pd.DataFrame(rows)
    ids = sorted(tr["person_id"].unique())
    persons = pd.DataFrame({"id": ids, "name": ids,
                            "wanted_by": [["CO"] if p in ("A", "E") else [] for p in ids]})
    return Case(tables={"travel": tr, "persons": persons})


def test_size_cut_gives_the_embedded_ties_seeded_and_not(spark, to_spark):
    """``infer.co_travel.size_cut`` on Spark: the embedded engine prunes one-journey pairs by
    their p-value floor (``co_travel_pairs(prune=True)``), Spark by ``lambda <= 2 fdr`` only
    (a superset: every pair the floor cut keeps passes that cut too, see
    ``co_travel_tables``); the ties are the same with the size cut on and off, with and
    without seeds, and the size cut changes them (A-B is only tested with it)."""
    case = _frequent_travellers()
    tables = to_spark(case)
    got = {}
    for seed in ("all", "wanted"):
        for size_cut in (False, True):
            s = {"types": ["co_travel"], "seed": seed, "co_travel": {"size_cut": size_cut}}
            want = infer_links(case, settings=s)
            assert_same_ties(want, infer_links_spark(spark, tables, settings=s))
            got[seed, size_cut] = sorted(zip(want["from_id"], want["to_id"]))
    assert got["all", False] == [] and got["all", True] == [("A", "B")]
    assert got["wanted", True] == [("A", "B"), ("E", "F")]


def test_pair_partitions_follow_the_pair_rows(spark, monkeypatch):
    """The aggregation of the pairs gets ``n_pairs / PAIRS_PER_PARTITION`` shuffle partitions
    when that is more than the session's, and no partial aggregation: with a tiny bound
    (hundreds of partitions on the ~78,000 pair rows of ``_many_chance_pairs``) the ties are
    still the embedded engine's, and the session's settings are back afterwards."""
    import netanalysis.engines.spark.infer as sp

    seen = []
    real = sp.significant_pairs

    def spy(*a, **kw):
        seen.append((int(spark.conf.get("spark.sql.shuffle.partitions")),
                     spark.conf.get("spark.sql.execution.bypassPartialAggregation", None)))
        return real(*a, **kw)

    monkeypatch.setattr(sp, "PAIRS_PER_PARTITION", 500)
    monkeypatch.setattr(sp, "significant_pairs", spy)
    before = spark.conf.get("spark.sql.shuffle.partitions")
    tr = _many_chance_pairs()
    s = {"types": ["co_travel"]}
    want = infer_links(Case(tables={"travel": tr}), settings=s)
    got = infer_links_spark(spark, {"travel": spark.createDataFrame(tr)}, settings=s)
    assert_same_ties(want, got)
    assert seen and seen[0][0] > 100 > int(before) and seen[0][1] == "true"
    assert spark.conf.get("spark.sql.shuffle.partitions") == before
    assert spark.conf.get("spark.sql.execution.bypassPartialAggregation", None) in (None, "false")


def test_every_white_space_is_stripped_as_the_embedded_engine_does(spark):
    """The cells are stripped of what ``str.strip()`` strips (Unicode White_Space and the
    separators U+001C..U+001F, on either end) though the Spark engine runs its regular
    expression only where the first or last character is one of them: companions whose
    flights, carriers and dates are padded with each such character (and one not stripped,
    U+200B) give the embedded engine's ties."""
    import sys

    pads = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).strip() == ""] + ["\u200b"]
    assert len(pads) == 30
    rows = [{"person_id": f"X{i:03d}", "carrier": "CM", "flight": str(i // 4), "depart": "2024-05-01"}
            for i in range(400)]
    for k, pad in enumerate(pads):
        for t in range(3):
            for p, (lead, trail) in ((f"C{k:02d}a", (pad, "")), (f"C{k:02d}b", ("", pad))):
                rows.append({"person_id": p, "carrier": lead + "YY" + trail,
                             "flight": trail + str(k * 3 + t) + lead,
                             "depart": lead + "2024-06-01" + trail})
    tr = pd.DataFrame(rows)
    s = {"types": ["co_travel"]}
    want = infer_links(Case(tables={"travel": tr}), settings=s)
    assert 25 <= len(want) < 30      # U+200B is not stripped: that pair's journeys differ
    got = infer_links_spark(spark, {"travel": spark.createDataFrame(tr)}, settings=s)
    assert_same_ties(want, got)
