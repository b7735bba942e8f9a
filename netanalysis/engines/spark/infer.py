"""Inferred links as Spark jobs: co-travel, shared phones and documents, calls.

:func:`infer_links_spark` gives the same rows as :func:`netanalysis.resolve.infer.infer_links`
on the same case, with the heavy part -- normalising the records, grouping them into events,
the self-join of each event's persons and the count per pair -- run in Spark, so the travel
table can be national (hundreds of millions of legs) and live in a cluster.

Notes
-----
The work is split where the data becomes small:

1. **In Spark**: the events (journeys, bookings, numbers, documents) of 2 to ``max_size``
   persons (:func:`event_incidences`), the self-join of each event's persons counted per pair
   (:func:`pair_counts`), and the two tables of the embedded engine's pair step: for
   co-travel and calls ``pairs[a, b, k, kb, ub, ls]`` and ``persons[pid, s, d, nb, f]``
   (:func:`co_travel_tables`, the same as
   :func:`netanalysis.resolve.infer.co_travel_pairs`), for phones and documents
   ``pairs[a, b, k, u]`` and ``persons[pid, d]`` (:func:`identifier_tables`): every pair
   sharing two events or more, or a booking, and those sharing one event whose
   ``lambda <= 2 fdr`` (the others cannot pass). With a seed set only the pairs with a person
   of interest are formed. The pair table stays in Spark; the persons (margins) come to the
   driver, and that copy is what the pairs join (sent back once, not aggregated again). The
   embedded engine cuts the one-journey pairs further (by a floor of their p-value); the
   ties are the same (:func:`co_travel_tables`, Notes).
2. **The significance step, split where it can be**: the family of the tests (the
   Tarone-Gilbert level, :func:`~netanalysis.resolve.significance.cooccurrence_family`)
   depends on the margins only and is computed once on the driver; each pair's test
   (:func:`~netanalysis.resolve.significance.cooccurrence_pvalues`,
   :func:`~netanalysis.resolve.significance.identifier_pvalues`) runs on the executors, on
   each batch of pairs with its persons' margins joined in (:func:`significant_pairs`), and
   only the pairs in the family with ``p <= fdr`` come back, with the number of tests; then
   Benjamini-Hochberg on the driver. These are the functions
   :func:`~netanalysis.resolve.significance.cooccurrence_tests` and
   :func:`~netanalysis.resolve.significance.identifier_tests` of the embedded engine are made
   of, so a change to the model reaches both engines and the ties are the same. The driver
   holds the persons and ``O(family)`` pairs, never the pair table (which grows as the sum of
   ``n^2`` over events). Then, in Spark again, the events shared by the pairs kept, which
   make their evidence text.

Normalisation uses the same Python functions as the embedded engine where there is one
(:func:`~netanalysis.resolve.blocking.phone_key`,
:func:`~netanalysis.resolve.blocking.normalize_document`,
:func:`~netanalysis.model.values.present`), run over partitions as pandas UDFs; the journey
key is the same SQL expression as the DuckDB query, written with Spark's functions. Where the
embedded engine takes "the first row" (the label of a document, the numbers listed for calls),
row order is the ``_line`` column when the table has one, else the order Spark reads the rows.

Cost: each rule is a few shuffles over the incidences (one row per person and event); the
self-join costs ``sum(n^2)`` over events of ``n <= max_size`` persons, spread over the cluster.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from functools import partial

import numpy as np
import pandas as pd

from netanalysis.errors import InputError
from netanalysis.engines.spark.udfs import batch_tests, document_keys, phone_keys
from netanalysis.model.values import present
from netanalysis.model.vocab import INFERRED_LINK_TYPES
from netanalysis.resolve.infer import (INFERRED_COLUMNS, chance_text, co_travel_evidence, empty_ties, finish_ties,
                                       minutes_text, with_histogram)
from netanalysis.resolve.significance import (HISTOGRAM_COLUMNS, SIZE_BINS, benjamini_hochberg,
                                              cooccurrence_family,
                                              cooccurrence_pvalues, identifier_pvalues,
                                              identifier_tests, surprise)
from netanalysis.settings import section_settings

__all__ = ["infer_links_spark", "event_incidences", "pair_counts", "coded_pair_counts", "co_travel_tables",
           "identifier_tables", "significant_pairs", "BROADCAST_PERSONS", "BROADCAST_SEEDS",
           "CO_TRAVEL_MARGINS",
           "PAIRS_PER_PARTITION"]

#: The person columns of co-travel a pair carries for both persons (``a_<m>``, ``b_<m>``): the
#: margins and the size histogram of :func:`netanalysis.resolve.significance.shared_size_pvalue`.
CO_TRAVEL_MARGINS = ["s", "d", "nb", "f", *HISTOGRAM_COLUMNS]

#: Rows of the pair table (before its count per pair) a shuffle partition is given at most:
#: the hash aggregation of one task holds about that many pairs.
PAIRS_PER_PARTITION = 4_000_000

#: Up to this many persons of interest, their incidences are broadcast to every incidence of
#: the table (a seeded join streams the national table once instead of sorting it by event).
BROADCAST_SEEDS = 200_000

#: Up to this many persons with an activity, their table is broadcast to the pairs (a hash
#: table of about 100 bytes a person on every executor) instead of shuffling the pairs to it.
BROADCAST_PERSONS = 2_000_000


def infer_links_spark(spark, tables, *, settings=None, seeds=None):
    """Return the ties found in the data that no source stated, computed with Spark.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
    tables : dict of str to pyspark.sql.DataFrame
        The case's tables named like its files (``persons``, ``travel``, ``phones``,
        ``documents``, ``calls``), columns as in the case format; a missing table has no rows.
    settings : Settings or dict, optional
        Full settings or the ``infer`` section, as for
        :func:`netanalysis.resolve.infer.infer_links`.
    seeds : iterable of str, optional
        Ids of the persons of interest: only their pairs are tested (a seeded join; the cost of
        a national travel table falls to their journeys). Default: ``infer.seed`` decides
        (``wanted``: the persons with a ``wanted_by``; ``all``: every pair).

    Returns
    -------
    pandas.DataFrame
        :data:`netanalysis.resolve.infer.INFERRED_COLUMNS`, the same rows as ``infer_links``,
        sorted by type, then decreasing score.

    Raises
    ------
    InputError
        ``infer.types`` names an unknown type, ``infer.seed`` or ``infer.fdr`` is invalid.

    See Also
    --------
    netanalysis.resolve.infer.infer_links : the embedded engine.
    pair_counts : the aggregation run in Spark.

    Examples
    --------
    A and B share three small flights; 300 others fly once, four a flight (the same case as
    ``infer_links``' example; it runs in ``tests/engines/spark/test_infer_spark.py``, as
    doctests do not start a JVM):

    >>> rows = [(p, "AV", fl, "2024-03-05") for p in "AB" for fl in ("85", "86", "87")]
    >>> rows += [(f"X{i}", "CM", str(i // 4), "2024-05-01") for i in range(300)]
    >>> tr = spark.createDataFrame(rows, ["person_id", "carrier", "flight", "depart"])  # doctest: +SKIP
    >>> infer_links_spark(spark, {"travel": tr})[["from_id", "to_id"]].values.tolist()  # doctest: +SKIP
    [['A', 'B']]
    """
    cfg = section_settings(settings, "infer")
    if not cfg.enabled:
        return empty_ties()
    types = list(cfg.types or INFERRED_LINK_TYPES)
    unknown = [t for t in types if t not in INFERRED_LINK_TYPES]
    if unknown:
        raise InputError(f"infer.types names unknown inferred link types: {', '.join(unknown)} "
                         f"(known: {', '.join(INFERRED_LINK_TYPES)})")
    seed_ids = {str(s) for s in seeds} if seeds is not None else _seed_ids(tables, cfg)
    rules = {"co_travel": _co_travel, "shared_phone": _shared_phone,
             "shared_document": _shared_document, "calls": _calls}
    frames = []
    for t in types:
        f = rules[t](spark, tables, cfg, seed_ids)
        if len(f):
            frames.append(f)
    if not frames:
        return empty_ties()
    out = pd.concat(frames, ignore_index=True)
    order = {t: k for k, t in enumerate(INFERRED_LINK_TYPES)}
    out["_o"] = out["type"].map(order)
    out = out.sort_values(["_o", "score", "from_id", "to_id"], ascending=[True, False, True, True])
    return out.drop(columns="_o").reset_index(drop=True)[INFERRED_COLUMNS]


def event_incidences(inc, max_size):
    """Return the incidences of the events of 2 to `max_size` persons, in Spark.

    The Spark form of the embedded engine's tables ``evs`` and ``us``
    (:func:`netanalysis.resolve.infer.co_travel_pairs`).

    Parameters
    ----------
    inc : pyspark.sql.DataFrame
        ``pid, kind, label, day``: one row per person and event (an event is ``kind, label``).
    max_size : int
        Events of more persons are not computed.

    Returns
    -------
    pyspark.sql.DataFrame
        ``pid, kind, label, n, day, day2`` (``n`` persons of the event, its first and last
        day), cached: the pairs and the evidence of the pairs kept are read from it.

    See Also
    --------
    pair_counts : the pairs of the events.

    Examples
    --------
    >>> inc = spark.createDataFrame([("A", "J", "x", None), ("B", "J", "x", None)],
    ...                             "pid string, kind string, label string, day string")  # doctest: +SKIP
    >>> event_incidences(inc, 10).select("pid", "n").collect()  # doctest: +SKIP
    [Row(pid='A', n=2), Row(pid='B', n=2)]
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    # one shuffle (by event) instead of an aggregate joined back to the incidences; the
    # result stays partitioned by event, so the pair self-join needs no other shuffle
    w = Window.partitionBy("kind", "label")
    return inc.select("pid", "kind", "label", F.count(F.lit(1)).over(w).alias("n"),
                      F.min("day").over(w).alias("day"), F.max("day").over(w).alias("day2")) \
        .where((F.col("n") >= 2) & (F.col("n") <= int(max_size))).cache()


def pair_counts(us, kind, seeds=None):
    """Count the events of `kind` each pair shares, in Spark (the embedded engine's pair
    self-join).

    Parameters
    ----------
    us : pyspark.sql.DataFrame
        Incidences from :func:`event_incidences`.
    kind : str
        ``"J"`` (journeys), ``"B"`` (bookings) or ``"I"`` (identifiers).
    seeds : pyspark.sql.DataFrame, optional
        ``pid`` of the persons of interest: only pairs with one of them are counted.

    Returns
    -------
    pyspark.sql.DataFrame
        ``a, b, k, u, ls``: each pair ``a < b`` once, its shared events ``k``, the most persons
        ``u`` of an event it shares and ``ls = sum ln(n - 1)`` over them (``n`` persons each).

    See Also
    --------
    event_incidences, co_travel_tables, identifier_tables

    Examples
    --------
    >>> us = event_incidences(inc, 10)  # doctest: +SKIP
    >>> pair_counts(us, "J").collect()  # doctest: +SKIP
    [Row(a='A', b='B', k=1, u=2, ls=0.0)]
    """
    from pyspark.sql import functions as F
    x = us.where(F.col("kind") == kind)
    # joined on the event key the incidences are partitioned by: no shuffle before the join
    a = x.select(F.col("pid").alias("pa"), "kind", "label", "n")
    b = x.select(F.col("pid").alias("pb"), "kind", "label")
    if seeds is None:
        j = a.join(b, ["kind", "label"]).where(F.col("pa") < F.col("pb"))
    else:   # only pairs with a person of interest, each pair once
        sd = F.broadcast(seeds.select(F.col("pid").alias("pa")).distinct())
        sb = seeds.select(F.col("pid").alias("pb"), F.lit(True).alias("b_seed")).distinct()
        j = a.join(sd, "pa").join(b, ["kind", "label"]).where(F.col("pa") != F.col("pb")) \
            .join(F.broadcast(sb), "pb", "left") \
            .where(F.col("b_seed").isNull() | (F.col("pa") < F.col("pb")))
    return j.select(F.least("pa", "pb").alias("a"), F.greatest("pa", "pb").alias("b"), "n") \
        .groupBy("a", "b").agg(F.count(F.lit(1)).alias("k"), F.max("n").alias("u"),
                               F.sum(F.log(F.col("n") - 1)).cast("double").alias("ls"))


def coded_pair_counts(us, kind, codes, seeds=None, broadcast=True, broadcast_seeds=True):
    """Count the events of `kind` each pair shares, as :func:`pair_counts` does, with the
    persons as integer codes: the self-join and the count per pair run on two ``long``
    columns instead of two strings.

    Parameters
    ----------
    us : pyspark.sql.DataFrame
        Incidences from :func:`event_incidences`.
    kind : str
        ``"J"``, ``"B"`` or ``"I"``.
    codes : pyspark.sql.DataFrame
        ``pid, c``: one code per person (``c`` in the order of ``pid``, so that ``a < b``
        means the same for codes and ids), e.g. the row numbers of the persons' table the
        driver holds, sorted by ``pid``.
    seeds : pyspark.sql.DataFrame, optional
        ``pid`` of the persons of interest: only pairs with one of them are counted.
    broadcast : bool
        Broadcast `codes` to the incidences (the incidences keep their partitioning by event,
        so forming the pairs adds no shuffle); False joins by shuffling both.
    broadcast_seeds : bool
        With `seeds`: broadcast the seeds' incidences to the others (True, for up to
        :data:`BROADCAST_SEEDS` persons of interest), or join them by event (False).

    Returns
    -------
    pyspark.sql.DataFrame
        ``a, b, k, u, ls`` as :func:`pair_counts`, ``a`` and ``b`` the codes (``a < b``).

    See Also
    --------
    pair_counts : the same counts keyed by id.

    Notes
    -----
    Without seeds, each event's codes are collected into one sorted array where the
    incidences lie (they are partitioned by event) and each code is paired with the codes
    after it (``posexplode`` and ``slice``): ``n (n - 1) / 2`` rows an event, where a
    self-join on the event forms ``n^2`` candidates after sorting the incidences by event.
    The pair table is the largest intermediate of the engine (``sum(n^2) / 2`` rows over the
    events); its shuffle and hash aggregation keyed by two ``long`` values move and hash fixed-
    width rows, about half the bytes of the same rows keyed by two ids of 9 characters, and
    the joins of the margins that follow are joins on a ``long`` key.

    Examples
    --------
    >>> codes = spark.createDataFrame([("A", 0), ("B", 1)], "pid string, c bigint")  # doctest: +SKIP
    >>> coded_pair_counts(event_incidences(inc, 10), "J", codes).collect()  # doctest: +SKIP
    [Row(a=0, b=1, k=1, u=2, ls=0.0)]
    """
    from pyspark.sql import functions as F
    cs = F.broadcast(codes) if broadcast else codes
    x = us.where(F.col("kind") == kind).join(cs.select("pid", "c"), "pid")
    if seeds is None:
        # each event's codes as one sorted array (grouped where the incidences are already
        # partitioned by event: no shuffle), then each code with the codes after it: every
        # pair a < b once, n (n - 1) / 2 rows an event, without a self-join's n^2 candidates
        # and its sort by event
        ev = x.groupBy("kind", "label").agg(
            F.array_sort(F.array_distinct(F.collect_list("c"))).alias("cs"), F.max("n").alias("n"))
        j = ev.select("cs", "n", F.posexplode("cs").alias("i", "pa")) \
            .select(F.col("pa"), F.explode(F.slice("cs", F.col("i") + 2, F.size("cs"))).alias("pb"), "n")
    else:   # only pairs with a person of interest, each pair once
        sc = codes.select("pid", "c").join(F.broadcast(seeds.select("pid").distinct()), "pid")
        sd = F.broadcast(sc.select(F.col("c").alias("pa")))
        sb = F.broadcast(sc.select(F.col("c").alias("pb"), F.lit(True).alias("b_seed")))
        a = x.select(F.col("c").alias("pa"), "kind", "label", "n").join(sd, "pa")
        b = x.select(F.col("c").alias("pb"), "kind", "label")
        # the seeds' incidences are few (persons of interest x their events): broadcast to
        # every incidence, so the national table is streamed once, not sorted by event
        j = b.join(F.broadcast(a) if broadcast_seeds else a, ["kind", "label"]) \
            .where(F.col("pa") != F.col("pb")).join(sb, "pb", "left") \
            .where(F.col("b_seed").isNull() | (F.col("pa") < F.col("pb")))
    return j.select(F.least("pa", "pb").alias("a"), F.greatest("pa", "pb").alias("b"), "n") \
        .groupBy("a", "b").agg(F.count(F.lit(1)).alias("k"), F.max("n").alias("u"),
                               F.sum(F.log(F.col("n") - 1)).cast("double").alias("ls"))


def co_travel_tables(inc, us, fdr, seeds=None, floor_cap=None, persons=None, coded=False):
    """Return the pair and person tables of co-travel, computed in Spark: the input of
    :func:`netanalysis.resolve.significance.cooccurrence_tests`, the same tables as
    :func:`netanalysis.resolve.infer.co_travel_pairs` (ids instead of integer codes).

    Parameters
    ----------
    inc : pyspark.sql.DataFrame
        ``pid, kind, label, day``, kinds ``"J"`` and ``"B"`` (all bookings: a person's
        bookings held count them all).
    us : pyspark.sql.DataFrame
        :func:`event_incidences` of `inc`.
    fdr : float
        A pair's single shared journey is left out where ``lambda > 2 fdr`` (it cannot pass;
        a pair that also shares a booking stays, with ``k = 0``, as in the embedded engine).
    seeds : pyspark.sql.DataFrame, optional
        ``pid`` of the persons of interest.
    floor_cap : (float, float), optional
        ``(cap, L)``: leave out the pairs sharing one journey and no booking whose p-value
        floor (:func:`~netanalysis.resolve.significance.one_shared_floor` with ``L`` the
        family's ``n_inc``) exceeds ``cap``. With ``cap = q N / m`` (``N`` at least the pairs
        tested, ``m`` the family's size) no tie changes: Benjamini-Hochberg over at most
        ``N`` p-values never rejects through one above ``q N / m``, nor does such a value
        change the rank of a smaller one (see :func:`_co_travel`).
    persons : pandas.DataFrame, optional
        The `persons` this function returned for the same `inc` and `us` (not computed again).
    coded : bool
        Give the pairs' persons as their row in `persons` (``long`` codes, in the order of
        the ids) instead of their ids: what :func:`infer_links_spark` tests, the ids looked up
        on the driver for the pairs kept only.

    Returns
    -------
    pairs : pyspark.sql.DataFrame
        ``a, b, k, kb, ub, ls`` and the margins of both persons (:data:`CO_TRAVEL_MARGINS`:
        ``a_s, a_d, a_nb, a_f, a_h0 .. a_h19``, ``b_s, ...``), not computed
        yet: it stays in Spark (:func:`significant_pairs` tests it
        there), as it can hold far more rows than the driver. The pairs are counted on
        integer codes (:func:`coded_pair_counts`) either way.
    persons : pandas.DataFrame
        ``pid, s, d, nb, f`` and the size histogram (``h0`` .. ``h19``), sorted by ``pid``.

    See Also
    --------
    identifier_tables, significant_pairs, netanalysis.resolve.infer.co_travel_pairs

    Notes
    -----
    Why the ties are the embedded engine's with ``infer.co_travel.size_cut`` true or false,
    although that engine cuts further (``co_travel_pairs(prune=True)``: the family and the
    floor of a single shared journey,
    :func:`~netanalysis.resolve.significance.one_shared_floor`): the pruned table is the
    union of (1) the family's pairs with ``k >= 2``, (2) the journeys of every booking pair
    and (3) the family's one-journey pairs whose floor is at most ``q R / m``; each is taken
    under the predicate used here, ``k >= 2 or max(s_a d_b, s_b d_a) <= 2 fdr L`` (``L`` the
    sum of ``d``, the family's ``n_inc``: a person without journeys has ``d = 0``), with the
    same ``k`` and ``ls``, and the booking pairs are all kept in both. So this table holds
    every row of the pruned one, unchanged: it is ``co_travel_pairs(prune=False)``. Its other
    rows are never kept by the tests: outside the family they are not testable, and below
    the floor cut their p-value exceeds ``q R / m`` with ``R`` an upper bound of the
    rejections (:func:`~netanalysis.resolve.significance.bh_rejections`); Benjamini-Hochberg
    takes ``m`` from the family (margins only,
    :func:`~netanalysis.resolve.significance.cooccurrence_family`, the same ``size_cut`` in
    both engines), not from the rows.
    With `floor_cap` (as :func:`infer_links_spark` calls it) the floor prunes here too,
    before the executors test the pairs: the same ties, less work.

    Examples
    --------
    >>> pairs, persons = co_travel_tables(inc, event_incidences(inc, 500), 0.05)  # doctest: +SKIP
    >>> pairs.select("a", "b", "k", "kb", "ub", "ls").collect()  # doctest: +SKIP
    [Row(a='1', b='2', k=2, kb=1, ub=2, ls=0.6931471805599453)]
    """
    from pyspark.sql import functions as F
    # the persons come to the driver (the family of the tests needs every margin); the side
    # the pairs join (four times: a and b, before and after the one-journey cut) is built once
    # from that table, not recomputed from the incidences for each join. (Caching ``deg``
    # instead of sending it back was measured: 3 jobs and 42 tasks more at 100k legs, as
    # adaptive execution runs the cached relation's stages as jobs of their own.)
    if persons is None:
        persons = _co_travel_persons(inc, us)
    n_inc = int(persons["d"].sum()) if len(persons) else 0
    few = seeds is not None and seeds.count() <= BROADCAST_SEEDS
    # the persons' codes are their rows in the driver's table (sorted by id): the pairs are
    # formed, counted and joined to the margins on ``long`` codes, not on the ids
    coded_persons = persons.assign(c=np.arange(len(persons), dtype=np.int64))
    if few:
        # seeded: every pair holds a person of interest and one who shares an event with
        # them, so the codes and margins sent back are those of these persons only (their
        # rows and codes in the whole table, which the family was computed from), not the
        # national table's: a broadcast of thousands of rows instead of millions
        coded_persons = coded_persons[coded_persons["pid"].isin(_seed_partners(us, seeds))]
    small = len(coded_persons) <= BROADCAST_PERSONS
    side = _driver_margins(inc.sparkSession, coded_persons,
                           {"c": "bigint", "s": "double", "d": "bigint", "nb": "bigint", "f": "bigint",
                            **{h: "bigint" for h in HISTOGRAM_COLUMNS}})
    codes = side.select("pid", "c")
    side = side.drop("pid").withColumnRenamed("c", "pid")
    da = side.select(F.col("pid").alias("a"), F.col("s").alias("sa"), F.col("d").alias("da"))
    db = side.select(F.col("pid").alias("b"), F.col("s").alias("sb"), F.col("d").alias("db"))
    if small:
        da, db = F.broadcast(da), F.broadcast(db)
    pj = coded_pair_counts(us, "J", codes, seeds, small, few).join(da, "a").join(db, "b") \
        .where((F.col("k") >= 2) | (F.greatest(F.col("sa") * F.col("db"), F.col("sb") * F.col("da"))
                                    <= F.lit(2 * float(fdr)) * F.lit(float(n_inc)))) \
        .select("a", "b", "k", "ls", "u")
    pb = coded_pair_counts(us, "B", codes, seeds, small, few).select(
        "a", "b", F.col("k").alias("kb"), F.col("u").alias("ub"))
    pairs = pj.join(pb, ["a", "b"], "full").select(
        "a", "b", F.coalesce("k", F.lit(0)).cast("long").alias("k"),
        F.coalesce("kb", F.lit(0)).cast("long").alias("kb"),
        F.coalesce("ub", F.lit(0)).cast("long").alias("ub"),
        F.coalesce("ls", F.lit(0.0)).cast("double").alias("ls"),
        F.coalesce("u", F.lit(0)).cast("long").alias("u"))
    pairs = _with_margins(pairs, side, CO_TRAVEL_MARGINS, small)
    if floor_cap is not None:
        # pairs sharing one journey and no booking whose p-value floor exceeds the cap
        # (``one_shared_floor``, the formula of the embedded engine) are never kept
        cap, l_ = float(floor_cap[0]), max(float(floor_cap[1]), 1.0)
        lam = F.greatest(F.col("a_s") * F.col("b_d"), F.col("b_s") * F.col("a_d")) / F.lit(l_)
        floor = F.least(lam / (F.lit(1.0) + lam),
                        F.greatest(F.col("a_d"), F.col("b_d")) * (F.col("u") - 1) / F.lit(l_)) \
            * (1 - 1e-9)
        pairs = pairs.where((F.col("k") >= 2) | (F.col("kb") > 0) | (floor <= F.lit(cap)))
    pairs = pairs.drop("u")
    if not coded:
        for x in "ab":
            ids = codes.select(F.col("c").alias(x), F.col("pid").alias(f"_{x}"))
            pairs = pairs.join(F.broadcast(ids) if small else ids, x)
        pairs = pairs.select(F.col("_a").alias("a"), F.col("_b").alias("b"),
                             *[c for c in pairs.columns if c not in ("a", "b", "_a", "_b")])
    return pairs, persons


def identifier_tables(inc, us, seeds=None):
    """Return the pair and person tables of shared identifiers, computed in Spark: the input of
    :func:`netanalysis.resolve.significance.identifier_tests`.

    Parameters
    ----------
    inc : pyspark.sql.DataFrame
        ``pid, kind, label, day``: one row per person and value held (kind ``"I"``).
    us : pyspark.sql.DataFrame
        :func:`event_incidences` of `inc`.
    seeds : pyspark.sql.DataFrame, optional
        ``pid`` of the persons of interest.

    Returns
    -------
    pairs : pyspark.sql.DataFrame
        ``a, b, k, u`` and the values each person holds (``a_d``, ``b_d``), not computed yet.
    persons : pandas.DataFrame
        ``pid, d``: every holder and the values held, sorted by ``pid``.

    See Also
    --------
    co_travel_tables, significant_pairs

    Examples
    --------
    >>> pairs, persons = identifier_tables(inc, event_incidences(inc, 50))  # doctest: +SKIP
    >>> pairs.select("a", "b", "k", "u").collect()  # doctest: +SKIP
    [Row(a='A', b='B', k=1, u=2)]
    """
    from pyspark.sql import functions as F
    deg = inc.groupBy("pid").agg(F.count(F.lit(1)).cast("long").alias("d"))
    persons = deg.toPandas()
    persons = persons.sort_values("pid").reset_index(drop=True)
    persons = persons.assign(d=persons["d"].astype(np.int64))
    # both joins read the driver's copy: the holders are not counted again for each
    side = _driver_margins(inc.sparkSession, persons, {"d": "bigint"})
    pairs = pair_counts(us, "I", seeds).select("a", "b", F.col("k").cast("long").alias("k"),
                                               F.col("u").cast("long").alias("u"))
    return _with_margins(pairs, side, ["d"], len(persons) <= BROADCAST_PERSONS), persons


def significant_pairs(pairs, margins, pvalues, fdr):
    """Test every pair of a Spark pair table on the executors and return only those that can
    pass Benjamini-Hochberg, with the number of tests that go to it.

    Each batch of `pairs` (an Arrow batch of a partition) becomes a pandas table of its pairs
    and of the margins of their persons (columns ``a_<m>`` and ``b_<m>``), `pvalues` tests it
    there, and a pair comes back only when it is in the family and its p-value is at most
    `fdr`: a pair with ``p > q`` can never pass Benjamini-Hochberg at level ``q``, and
    dropping it changes neither the ranks of the others nor the test (``m`` is counted, not
    the pairs brought back). The driver receives ``O(family)`` rows, not the pair table.

    Parameters
    ----------
    pairs : pyspark.sql.DataFrame
        ``a, b``, the columns `pvalues` needs (kept) and ``a_<m>``, ``b_<m>`` for each margin.
    margins : list of str
        Names of the person columns (``["s", "d", "nb", "f"]``).
    pvalues : callable
        ``pvalues(pairs, persons) -> DataFrame`` with ``lam``, ``p`` and, optionally,
        ``testable`` (default: every pair is a test), e.g.
        :func:`~netanalysis.resolve.significance.cooccurrence_pvalues` with the family's
        level bound; `persons` holds ``pid`` and the margins of the batch's persons. It runs
        in the executors' Python workers (netanalysis must be importable there).
    fdr : float
        Level ``q``.

    Returns
    -------
    kept : pandas.DataFrame
        The pairs' columns (without the margins), ``lam`` and ``p``: the testable pairs with
        ``p <= fdr``, sorted by ``a, b``.
    m : int
        The testable pairs, all batches together.

    See Also
    --------
    co_travel_tables, identifier_tables, netanalysis.resolve.significance.cooccurrence_pvalues

    Examples
    --------
    >>> from functools import partial
    >>> from netanalysis.resolve.significance import identifier_pvalues
    >>> pairs, persons = identifier_tables(inc, event_incidences(inc, 50))  # doctest: +SKIP
    >>> fn = partial(identifier_pvalues, rate=1e-8, records=float(persons["d"].sum()))  # doctest: +SKIP
    >>> kept, m = significant_pairs(pairs, ["d"], fn, 0.05)  # doctest: +SKIP
    >>> kept[["a", "b"]].values.tolist(), m  # doctest: +SKIP
    ([['A', 'B']], 1)
    """
    from pyspark.sql import types as T
    side = [f"{x}_{m}" for x in "ab" for m in margins]
    keep_cols = [c for c in pairs.columns if c not in side]
    fields = [f for f in pairs.schema.fields if f.name in keep_cols]
    out_schema = T.StructType([T.StructField(f.name, f.dataType, True) for f in fields] + [
        T.StructField("lam", T.DoubleType(), True), T.StructField("p", T.DoubleType(), True),
        T.StructField("_m", T.LongType(), True)])
    q = float(fdr)
    summary = {f.name: (0 if isinstance(f.dataType, T.NumericType) else None) for f in fields}

    run = batch_tests(pvalues, margins, keep_cols, summary, q)
    res = pairs.mapInPandas(run, out_schema).toPandas()
    is_sum = res["_m"].to_numpy(np.int64) >= 0
    m = int(res["_m"].to_numpy(np.int64)[is_sum].sum())
    kept = res[~is_sum].drop(columns="_m").sort_values(["a", "b"]).reset_index(drop=True)
    return kept, m


def _cooccurrence_kept(pairs, persons, margins, seed_ids, fdr, booking_rate, size_cut=False,
                       level=None):
    """The pairs :func:`~netanalysis.resolve.significance.cooccurrence_tests` keeps, with the
    family's level from the margins on the driver (or `level`, that family computed already),
    the tests on the executors (:func:`significant_pairs`) and Benjamini-Hochberg on the
    driver over what came back."""
    seeds = None if seed_ids is None else sorted(seed_ids)
    if "nb" not in margins:
        booking_rate = None
    if level is None:
        level = cooccurrence_family(persons, fdr=fdr, seeds=seeds, booking_rate=booking_rate,
                                    size_cut=size_cut)
    cand, m = significant_pairs(pairs, margins, partial(cooccurrence_pvalues, family=level), fdr)
    keep = benjamini_hochberg(cand["p"].to_numpy(float), max(level.m, m), fdr)
    return cand[keep].reset_index(drop=True)


@contextmanager
def _pair_job_conf(spark, rows):
    """Run the block with at least ``rows / PAIRS_PER_PARTITION`` shuffle partitions (the
    session's setting when that is more) and without the partial aggregation before the
    shuffle (``spark.sql.execution.bypassPartialAggregation``, Spark 4.1+; ignored before);
    nothing changes when `rows` is None. The session's settings are restored after.

    Almost every pair is formed once in a partition (its events lie in different partitions,
    and 99 % of the pairs share one event), so a partial count before the shuffle reduces
    nothing and costs a second hash table of every row."""
    if rows is None:
        yield
        return
    keys = ("spark.sql.shuffle.partitions", "spark.sql.execution.bypassPartialAggregation")
    before = {k: spark.conf.get(k, None) for k in keys}
    want = int(math.ceil(float(rows) / PAIRS_PER_PARTITION))
    if want > int(before[keys[0]]):
        spark.conf.set(keys[0], str(want))
    spark.conf.set(keys[1], "true")
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                spark.conf.unset(k)
            else:
                spark.conf.set(k, v)


def _co_travel_persons(inc, us):
    """The persons' margins of co-travel on the driver: ``pid, s, d, nb, f`` and the size
    histogram (``h0`` .. ``h19``), sorted by ``pid`` (:func:`co_travel_tables`' `persons`)."""
    from pyspark.sql import functions as F
    j = us.where(F.col("kind") == "J").groupBy("pid").agg(
        F.sum(F.col("n") - 1).cast("double").alias("s"), F.count(F.lit(1)).alias("d"),
        (F.min("n") - 1).cast("long").alias("f"))
    bk = inc.where(F.col("kind") == "B").groupBy("pid").agg(F.countDistinct("label").alias("nb"))
    deg = j.join(bk, "pid", "full").select(
        "pid", F.coalesce("s", F.lit(0.0)).cast("double").alias("s"),
        F.coalesce("d", F.lit(0)).cast("long").alias("d"),
        F.coalesce("nb", F.lit(0)).cast("long").alias("nb"),
        F.coalesce("f", F.lit(1)).cast("long").alias("f"))
    persons = deg.toPandas().sort_values("pid").reset_index(drop=True)
    persons = persons[["pid", "s", "d", "nb", "f"]]
    # the size histograms (the bins of ``significance.size_histogram``, as in DuckDB)
    g = (F.col("n") - 1).cast("double")
    hist = us.where(F.col("kind") == "J").select(
        "pid", F.least(F.floor(F.log2(g * g) + F.lit(1e-9)),
                       F.lit(SIZE_BINS - 1)).cast("long").alias("bin")) \
        .groupBy("pid", "bin").count().toPandas()
    return with_histogram(persons, hist["pid"], hist["bin"], hist["count"])


def _seed_partners(us, seeds):
    """The ids of the persons of interest who hold an event of `us` and of everyone who
    shares one (of any kind) with them, as a numpy array: the only persons a seeded pair can
    hold. One job: the seeds' incidences (broadcast), then their events (broadcast) joined to
    `us`."""
    from pyspark.sql import functions as F
    own = us.join(F.broadcast(seeds.select("pid").distinct()), "pid").select("kind", "label").distinct()
    both = us.join(F.broadcast(own), ["kind", "label"]).select("pid").distinct()
    # a person of interest in a pair holds an event of `us`, so is among these ids too
    return both.toPandas()["pid"].to_numpy(dtype=object)


def _driver_margins(spark, persons, types):
    """The persons' margins held on the driver (a pandas table, ``pid`` and the columns of
    `types`, name to Spark SQL type) as a Spark DataFrame: the pairs join it without the
    margins' aggregation being run again (sent once through Arrow; a plan of its own)."""
    cols = ["pid", *types]
    schema = ", ".join(["pid string"] + [f"{c} {t}" for c, t in types.items()])
    data = persons[cols].astype({"pid": object})
    return spark.createDataFrame(data, schema)


def _with_margins(pairs, persons, margins, broadcast):
    """`pairs` with the columns `margins` of `persons` (keyed by ``pid``) for both persons,
    as ``a_<m>`` and ``b_<m>``."""
    from pyspark.sql import functions as F
    for x in "ab":
        side = persons.select(F.col("pid").alias(x), *[F.col(m).alias(f"{x}_{m}") for m in margins])
        pairs = pairs.join(F.broadcast(side) if broadcast else side, x)
    return pairs


def _tested(test, pairs, persons, seed_ids, **kw):
    """Run a significance function of :mod:`netanalysis.resolve.significance` on tables keyed
    by id: persons, pairs and seeds become integer codes (the order of the ids), and the pairs
    kept come back keyed by id."""
    ids = pd.Index(persons["pid"].to_numpy(dtype=object))
    codes = persons.assign(pid=np.arange(len(ids), dtype=np.int64))
    pr = pairs.assign(a=ids.get_indexer(pairs["a"]).astype(np.int64),
                      b=ids.get_indexer(pairs["b"]).astype(np.int64))
    sc = None
    if seed_ids is not None:
        at = ids.get_indexer(sorted(seed_ids))
        sc = at[at >= 0].astype(np.int64)
    res = test(pr, codes, seeds=sc, **kw)
    kept = res[res["keep"]].reset_index(drop=True)
    idv = np.asarray(ids, dtype=object)
    return kept.assign(a=idv[kept["a"].to_numpy(np.int64)], b=idv[kept["b"].to_numpy(np.int64)])


# --------------------------------------------------------------------------------------------
# the rules

def _co_travel(spark, tables, cfg, seed_ids):
    from pyspark.sql import functions as F
    tr = _table(tables, "travel", ("person_id", "flight"))
    if tr is None:
        return empty_ties()
    ct = cfg["co_travel"]
    # spaces removed as text (``replace``), not by a regular expression
    car = F.upper(F.replace(F.coalesce(_clean(tr, "carrier"), F.lit("")), F.lit(" "), F.lit("")))
    fl = F.upper(F.replace(_clean(tr, "flight"), F.lit(" "), F.lit("")))
    t = tr.select(F.col("person_id").cast("string").alias("pid"), car.alias("car"), fl.alias("fl"),
                  F.substring(_clean(tr, "depart"), 1, 10).alias("day"),
                  F.upper(F.trim(_clean(tr, "booking_ref"))).alias("bk"))
    label = F.when((F.col("car") != "") & ~F.col("fl").startswith(F.col("car")),
                   F.concat("car", "fl")).otherwise(F.col("fl"))
    j = t.where(F.col("fl").isNotNull() & (F.col("fl") != "") & (F.length("day") == 10)) \
        .select("pid", F.lit("J").alias("kind"), F.concat(label, F.lit(" "), "day").alias("label"),
                "day")
    b = t.where(F.col("bk").isNotNull() & (F.col("bk") != "")) \
        .select("pid", F.lit("B").alias("kind"), F.col("bk").alias("label"), "day")
    # one shuffle, by event: each person once an event (a journey's label holds its day; a
    # booking's day is the first), and the events' sizes (event_incidences' window) read the
    # same partitions, so the pairs are formed without another shuffle
    inc = j.unionByName(b).repartition("kind", "label").groupBy("kind", "label", "pid") \
        .agg(F.min("day").alias("day")).select("pid", "kind", "label", "day")
    us = event_incidences(inc, int(ct["max_passengers"]))
    fdr = float(cfg.fdr)
    rate, size_cut = float(ct["booking_collision_rate"]), bool(ct["size_cut"])
    seeds_df = _seeds_df(spark, seed_ids)
    # the family first (margins only), so that the pairs sharing one journey that can never
    # pass are left out before the executors test them: N bounds the pairs tested (every
    # pair of passengers of an event, journeys and bookings), so Benjamini-Hochberg over them
    # at level q never rejects through a p-value above q N / m
    persons = _co_travel_persons(inc, us)
    level = cooccurrence_family(persons, fdr=fdr,
                                seeds=None if seed_ids is None else sorted(seed_ids),
                                booking_rate=rate, size_cut=size_cut)
    n_pairs = us.agg(F.sum((F.col("n") - 1) / 2)).collect()[0][0] or 0.0
    cap = fdr * (float(n_pairs) + 1.0) / max(level.m, 1) * (1 + 1e-6)
    pairs, _ = co_travel_tables(inc, us, fdr, seeds_df, floor_cap=(cap, level.n_inc),
                                persons=persons, coded=True)
    # the pair rows (``n_pairs``, known now) set the partitions of their aggregation, so that
    # each task's hash table stays about PAIRS_PER_PARTITION rows (no spill to disk), counted
    # once after the shuffle (no partial count before it: the pairs are almost all distinct)
    with _pair_job_conf(spark, None if seed_ids is not None else n_pairs):
        kept = _cooccurrence_kept(pairs, persons, CO_TRAVEL_MARGINS, seed_ids, fdr, rate,
                                  size_cut, level=level)
    # the codes are rows of the driver's persons (sorted by id, so a < b holds for the ids)
    idv = persons["pid"].to_numpy(dtype=object)
    kept = kept.assign(a=idv[kept["a"].to_numpy(np.int64)], b=idv[kept["b"].to_numpy(np.int64)])
    items = _items(spark, us, kept) if len(kept) else {}
    us.unpersist()
    if not len(kept):
        return empty_ties()
    n_items = int(ct["max_evidence_items"])
    ev, first, last = [], [], []
    for r in kept.itertuples(index=False):
        its = items.get((r.a, r.b), [])
        ev.append(co_travel_evidence([(x[1], x[2]) for x in its if x[0] == "J"],
                                     [x[1] for x in its if x[0] == "B"], r.lam, r.p, n_items))
        days = [x[3] for x in its if x[3] is not None]
        days2 = [x[4] for x in its if x[4] is not None]
        first.append(min(days) if days else None)
        last.append(max(days2) if days2 else None)
    return finish_ties(kept["a"], kept["b"], "co_travel", ev, surprise(kept["p"]), cfg, first, last)


def _shared_phone(spark, tables, cfg, seed_ids):
    from pyspark.sql import functions as F
    ph = _table(tables, "phones", ("person_id", "number"))
    if ph is None:
        return empty_ties()
    key = _udf(phone_keys)(F.col("number").cast("string"))
    uses = ph.select(F.col("person_id").cast("string").alias("pid"), key.alias("key"),
                     key.alias("label"), _order(ph).alias("o"))
    return _shared(spark, uses, "shared_phone", "both use phone",
                   int(cfg["shared_phone"]["max_users"]),
                   float(cfg["shared_phone"]["collision_rate"]), cfg, seed_ids)


def _shared_document(spark, tables, cfg, seed_ids):
    from pyspark.sql import functions as F
    docs = _table(tables, "documents", ("id", "holder_id", "number"))
    if docs is None:
        return empty_ties()
    kind = F.col("kind").cast("string") if "kind" in docs.columns else F.lit(None).cast("string")
    country = F.col("issuing_country").cast("string") if "issuing_country" in docs.columns \
        else F.lit(None).cast("string")
    kl = _udf(document_keys, "struct<key:string,label:string>")(
        kind, country, F.col("number").cast("string"))
    d = docs.select(F.col("holder_id").cast("string").alias("pid"),
                    F.col("id").cast("string").alias("document_id"), kl.alias("kl"),
                    _order(docs).alias("o")) \
        .select("pid", "document_id", "kl.key", "kl.label", "o")
    uses = d.select("pid", "key", "label",
                    F.struct(F.lit(0).alias("f"), F.col("o").alias("r")).alias("o"))
    tr = _table(tables, "travel", ("person_id",))
    if tr is not None and "document_id" in tr.columns:
        t = tr.where(F.col("document_id").isNotNull()).select(
            F.col("person_id").cast("string").alias("pid"),
            F.col("document_id").cast("string").alias("document_id"), _order(tr).alias("o2"))
        extra = t.join(d.select("document_id", "key", "label", "o"), "document_id") \
            .select("pid", "key", "label", F.struct(F.lit(1).alias("f"), F.col("o2").alias("r")).alias("o"))
        uses = uses.unionByName(extra)
    return _shared(spark, uses, "shared_document", "both use",
                   int(cfg["shared_document"]["max_users"]),
                   float(cfg["shared_document"]["collision_rate"]), cfg, seed_ids)


def _shared(spark, uses, typ, verb, max_users, rate, cfg, seed_ids):
    from pyspark.sql import functions as F
    uses = uses.where(F.col("key").isNotNull() & (F.col("key") != ""))
    inc = uses.select("pid", F.lit("I").alias("kind"), F.col("key").alias("label"),
                      F.lit(None).cast("string").alias("day")).distinct()
    us = event_incidences(inc, max_users)
    pairs, persons = identifier_tables(inc, us, _seeds_df(spark, seed_ids))
    fdr = float(cfg.fdr)
    fn = partial(identifier_pvalues, rate=rate, records=float(persons["d"].sum()))
    cand, _ = significant_pairs(pairs, ["d"], fn, fdr)
    # Benjamini-Hochberg on the driver: identifier_tests' family (n (n - 1) / 2, or seeds x
    # (n - 1)) holds every pair computed, so the pairs with p > q are not needed for it
    kept = _tested(identifier_tests, cand[["a", "b", "k", "u"]], persons, seed_ids, fdr=fdr,
                   rate=rate)
    items = _items(spark, us, kept) if len(kept) else {}
    us.unpersist()
    if not len(kept):
        return empty_ties()
    needed = sorted({x[1] for its in items.values() for x in its})
    lab = uses.where(F.col("key").isin(needed)).groupBy("key") \
        .agg(F.min_by("label", "o").alias("label")).toPandas()
    labels = dict(zip(lab["key"], lab["label"]))
    ev = []
    for r in kept.itertuples(index=False):
        its = sorted(items[(r.a, r.b)], key=lambda x: labels[x[1]])
        txt = f"{verb} " + ", ".join(labels[x[1]] for x in its[:5])
        if len(its) > 5:
            txt += f", and {len(its) - 5} more"
        top = max(int(x[2]) for x in its)
        if top > 2:
            txt += f" (used by up to {top} persons)"
        ev.append(txt + "; " + chance_text(r.lam, r.p))
    none = [None] * len(kept)
    return finish_ties(kept["a"], kept["b"], typ, ev, surprise(kept["p"]), cfg, none, none)


def _calls(spark, tables, cfg, seed_ids):
    from pyspark.sql import functions as F
    ph = _table(tables, "phones", ("person_id", "number"))
    calls = _table(tables, "calls", ("caller", "callee"))
    if ph is None or calls is None:
        return empty_ties()
    key = _udf(phone_keys)
    phones = ph.select(key(F.col("number").cast("string")).alias("num"),
                       F.col("person_id").cast("string").alias("pid"), _order(ph).alias("po")) \
        .groupBy("num", "pid").agg(F.min("po").alias("po")).where(F.col("num") != "").cache()
    users = phones.groupBy("num").agg(F.count(F.lit(1)).alias("users"))
    dur = F.col("duration_s").cast("double") if "duration_s" in calls.columns else F.lit(None)
    c = calls.select(key(F.col("caller").cast("string")).alias("caller"),
                     key(F.col("callee").cast("string")).alias("callee"),
                     dur.cast("double").alias("dur"), _clean(calls, "start").alias("start"),
                     _order(calls).alias("co")) \
        .where((F.col("caller") != "") & (F.col("callee") != ""))
    agg = c.groupBy("caller", "callee").agg(
        F.count(F.lit(1)).alias("n"), F.coalesce(F.sum("dur"), F.lit(0.0)).alias("dur"),
        F.min("start").alias("first"), F.max("start").alias("last"), F.min("co").alias("co"))
    pa = phones.select(F.col("num").alias("caller"), F.col("pid").alias("pa"),
                       F.col("po").alias("poa"))
    pb = phones.select(F.col("num").alias("callee"), F.col("pid").alias("pb"),
                       F.col("po").alias("pob"))
    ua = users.select(F.col("num").alias("caller"), F.col("users").alias("ua"))
    ub = users.select(F.col("num").alias("callee"), F.col("users").alias("ub"))
    fwd = F.col("pa") < F.col("pb")
    x = agg.join(pa, "caller").join(pb, "callee").where(F.col("pa") != F.col("pb")) \
        .join(ua, "caller").join(ub, "callee").select(
            F.when(fwd, F.col("pa")).otherwise(F.col("pb")).alias("a"),
            F.when(fwd, F.col("pb")).otherwise(F.col("pa")).alias("b"),
            "n", "dur", "first", "last",
            F.when(fwd, F.col("n")).otherwise(F.lit(0)).alias("n_ab"),
            F.when(fwd, F.lit(0)).otherwise(F.col("n")).alias("n_ba"),
            F.least("caller", "callee").alias("lo"), F.greatest("caller", "callee").alias("hi"),
            F.greatest("ua", "ub").alias("users"), F.struct("co", "poa", "pob").alias("xo")) \
        .cache()
    res = x.groupBy("a", "b").agg(
        F.sum("n").alias("n"), F.sum("dur").alias("dur"), F.sum("n_ab").alias("n_ab"),
        F.sum("n_ba").alias("n_ba"), F.min("first").alias("first"), F.max("last").alias("last"),
        F.max("users").alias("max_users"))
    # activity of a person = its calls with other persons; family = pairs with >= 1 call
    act = res.select(F.col("a").alias("p"), "n").unionByName(res.select(F.col("b").alias("p"), "n")) \
        .groupBy("p").agg(F.sum("n").cast("double").alias("s")).cache()
    n_inc = act.agg(F.sum("s")).collect()[0][0] or 0.0
    margins = act.select(F.col("p").alias("pid"), "s", F.col("s").cast("long").alias("d"))
    res = res.withColumn("k", F.col("n"))
    if seed_ids is not None:
        sd = sorted(seed_ids)
        res = res.where(F.col("a").isin(sd) | F.col("b").isin(sd))
    # a call is one co-occurrence (d = s): the pairs of one call that cannot pass are left out
    fdr = float(cfg.fdr)
    act_p = act.toPandas()
    small = len(act_p) <= BROADCAST_PERSONS
    res = _with_margins(res, margins, ["s", "d"], small)
    res = res.where((F.col("k") >= 2) | (F.col("a_s") * F.col("b_s")
                                          <= F.lit(2 * fdr) * F.lit(float(n_inc))))
    persons = pd.DataFrame({"pid": act_p["p"].to_numpy(dtype=object),
                            "s": act_p["s"].to_numpy(float),
                            "d": act_p["s"].to_numpy(float).astype(np.int64)})
    persons = persons.sort_values("pid").reset_index(drop=True)
    kept = _cooccurrence_kept(res, persons, ["s", "d"], seed_ids, fdr, None)
    act.unpersist()
    if not len(kept):
        return empty_ties()
    kp = spark.createDataFrame(kept[["a", "b"]].astype(str))
    # the numbers listed: the first five in the embedded engine's row order (calls, then phones)
    xs = x.join(F.broadcast(kp), ["a", "b"]).select("a", "b", "lo", "hi", "xo.co", "xo.poa",
                                                     "xo.pob").toPandas()
    xs = xs.sort_values(["co", "poa", "pob"], kind="stable").drop_duplicates(["a", "b", "lo", "hi"])
    xs = xs.groupby(["a", "b"], sort=False).head(5)
    nums = {}
    for a, b, lo, hi in zip(xs["a"], xs["b"], xs["lo"], xs["hi"]):
        nums.setdefault((a, b), []).append(f"{lo} / {hi}")
    ev = []
    for r in kept.itertuples(index=False):
        txt = (f"{int(r.n)} call{'s' if r.n != 1 else ''}, {minutes_text(r.dur)} in all "
               f"({r.a} to {r.b} {int(r.n_ab)}, {r.b} to {r.a} {int(r.n_ba)}): "
               + ", ".join(nums[(r.a, r.b)]))
        if r.max_users > 1:
            txt += "; a number is used by several persons, attributed to each"
        ev.append(txt + "; " + chance_text(r.lam, r.p))
    return finish_ties(kept["a"], kept["b"], "calls", ev, surprise(kept["p"]), cfg, kept["first"],
                   kept["last"])


# --------------------------------------------------------------------------------------------
# shared steps

def _seeds_df(spark, seed_ids):
    if seed_ids is None:
        return None
    return spark.createDataFrame(pd.DataFrame({"pid": sorted(seed_ids)}, dtype=object),
                                 "pid string")


def _items(spark, us, kept):
    """The events each kept pair shares, as ``{(a, b): [(kind, label, n, day, day2), ...]}``
    ordered by day (missing last), label."""
    from pyspark.sql import functions as F
    kp = F.broadcast(spark.createDataFrame(kept[["a", "b"]].astype(str)))
    x = us.select(F.col("pid").alias("a"), "kind", "label", "n", "day", "day2")
    # the incidences of the pairs' second persons only (a broadcast semi-join): the join on
    # the event then shuffles thousands of rows, not the whole table
    y = us.select(F.col("pid").alias("b"), "kind", "label") \
        .join(F.broadcast(kp.select("b").distinct()), "b", "left_semi")
    rows = kp.join(x, "a").join(y, ["b", "kind", "label"]) \
        .select("a", "b", "kind", "label", "n", "day", "day2").toPandas()
    items = {}
    for r in rows.itertuples(index=False):
        items.setdefault((r.a, r.b), []).append(
            (r.kind, r.label, int(r.n), _none(r.day), _none(r.day2)))
    for v in items.values():
        v.sort(key=lambda x: (x[3] is None, x[3] or "", x[1]))
    return items


def _seed_ids(tables, cfg):
    """None (``infer.seed: all``) or the ids of the persons with a ``wanted_by``."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    seed = cfg.seed
    if seed in (None, "all"):
        return None
    if seed != "wanted":
        raise InputError(f'infer.seed must be "all" or "wanted", not "{seed}"')
    p = _table(tables, "persons", ("id",))
    if p is None or "wanted_by" not in p.columns:
        return set()
    if isinstance(p.schema["wanted_by"].dataType, T.ArrayType):
        rows = p.where(F.size("wanted_by") > 0).select(F.col("id").cast("string")).collect()
        return {r[0] for r in rows}
    rows = p.where(F.col("wanted_by").isNotNull()) \
        .select(F.col("id").cast("string"), F.col("wanted_by").cast("string")).collect()
    return {r[0] for r in rows if present(r[1])}


def _table(tables, name, needs=()):
    """The Spark DataFrame `name` of `tables`, or None when it is absent, or empty and without
    a column of `needs`.

    A table with its columns is taken as it is, empty or not (an empty one gives no rows at
    each step): no job probes it. Only a table that lacks a column the rule reads is counted,
    so that an empty one (a file with a header only) is treated as absent and a full one fails
    where the column is read, as before."""
    t = tables.get(name)
    if t is None:
        return None
    if any(c not in t.columns for c in needs) and t.isEmpty():
        return None
    return t


def _clean(df, col):
    """A column as stripped text, null where missing or blank (the embedded engine's
    ``str(v).strip()``: Unicode white space and the separators U+001C..U+001F)."""
    from pyspark.sql import functions as F
    if col not in df.columns:
        return F.lit(None).cast("string")
    v = F.col(col).cast("string")
    # the regular expression runs only on a value that starts or ends with one of its
    # characters (a set lookup of the first and last character): most cells are clean, and
    # a regular expression per cell was a large part of the reading of a travel table
    ends = F.substring(v, 1, 1).isin(*_STRIPPED) | F.substring(v, -1, 1).isin(*_STRIPPED)
    s = F.when(ends, F.regexp_replace(v, r"(?U)^[\s\x1c-\x1f]+|[\s\x1c-\x1f]+$", "")).otherwise(v)
    return F.when(s == "", F.lit(None)).otherwise(s)


#: The characters ``_clean`` strips: Java's ``(?U)\s`` (the Unicode property White_Space) and
#: the separators U+001C..U+001F, the same as Python's ``str.strip()``.
_STRIPPED = tuple(chr(c) for c in [*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680,
                                   *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])


def _order(df):
    """Row order: the ``_line`` of the case file when the table has one, else read order."""
    from pyspark.sql import functions as F
    if "_line" in df.columns:
        return F.col("_line").cast("long")
    return F.monotonically_increasing_id()


def _udf(fn, returns="string"):
    from pyspark.sql import functions as F
    return F.pandas_udf(fn, returns)


def _none(v):
    return v if isinstance(v, str) else None
