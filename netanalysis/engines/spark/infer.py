"""Inferred links as Spark jobs: co-travel, shared phones and documents, calls.

:func:`infer_links_spark` gives the same rows as :func:`netanalysis.resolve.infer.infer_links`
on the same case, with the heavy part -- normalising the records, grouping them into events,
the self-join of each event's persons and the count per pair -- run in Spark, so the travel
table can be national (hundreds of millions of legs) and live in a cluster.

Notes
-----
The work is split where the data becomes small:

1. **In Spark**: the events (journeys, bookings, numbers, documents) of 2 to ``max_size``
   persons, each person's activity ``S`` (the sum of the sizes of its events minus one), the
   number of pairs that co-occur at least once (the family tested, ``m``), ``2W`` (the sum of
   the activities) and one row per pair co-occurring at least twice: :data:`PAIR_COLUMNS`. A
   pair that co-occurs once is never a tie (its conditional p-value is 1), so only those rows
   are collected; with a seed set only the pairs with a person of interest are counted.
2. **On the driver**: the p-values and Benjamini-Hochberg of
   :mod:`netanalysis.resolve.significance` (the same pure functions as the embedded engine,
   so a change to the model reaches both engines), then, in Spark again, the events shared by
   the pairs kept, which make their evidence text.

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

import numpy as np
import pandas as pd

from netanalysis.errors import InputError
from netanalysis.model.values import present
from netanalysis.model.vocab import INFERRED_LINK_TYPES
from netanalysis.resolve.blocking import normalize_document, phone_key
from netanalysis.resolve.infer import INFERRED_COLUMNS
from netanalysis.resolve.significance import (benjamini_hochberg, cooccurrence_pvalue,
                                              expected_cooccurrence, surprise)
from netanalysis.settings import section_settings

__all__ = ["PAIR_COLUMNS", "infer_links_spark", "pair_counts", "significant_pairs"]

#: Columns of the pair aggregation (:func:`pair_counts`) handed to the significance model:
#: the pair ``a < b``, its co-occurrences ``k`` and both activities ``sa``, ``sb``.
PAIR_COLUMNS = ["a", "b", "k", "sa", "sb"]


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
        return _empty()
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
        return _empty()
    out = pd.concat(frames, ignore_index=True)
    order = {t: k for k, t in enumerate(INFERRED_LINK_TYPES)}
    out["_o"] = out["type"].map(order)
    out = out.sort_values(["_o", "score", "from_id", "to_id"], ascending=[True, False, True, True])
    return out.drop(columns="_o").reset_index(drop=True)[INFERRED_COLUMNS]


def pair_counts(inc, max_size, seeds=None):
    """Count co-occurrences per pair from incidences, in Spark.

    Parameters
    ----------
    inc : pyspark.sql.DataFrame
        ``pid, kind, label, day``: one row per person and event (an event is ``kind, label``).
    max_size : int
        Events of more persons are not computed.
    seeds : pyspark.sql.DataFrame, optional
        ``pid`` of the persons of interest: only pairs with one of them are counted.

    Returns
    -------
    pairs : pyspark.sql.DataFrame
        :data:`PAIR_COLUMNS`, the pairs co-occurring at least twice.
    m : int
        Pairs co-occurring at least once (the family tested).
    two_w : float
        Sum of the activities.
    us : pyspark.sql.DataFrame
        ``pid, kind, label, n, day, day2``: the incidences of the events computed (cached;
        the evidence of the pairs kept is read from it).

    See Also
    --------
    significant_pairs : the significance model over ``pairs``.

    Examples
    --------
    >>> inc = spark.createDataFrame([("A", "J", "x", None), ("B", "J", "x", None)],
    ...                             "pid string, kind string, label string, day string")  # doctest: +SKIP
    >>> pairs, m, two_w, us = pair_counts(inc, 10)  # doctest: +SKIP
    >>> pairs.count(), m, two_w  # doctest: +SKIP
    (0, 1, 2.0)
    """
    from pyspark.sql import functions as F
    evs = inc.groupBy("kind", "label").agg(F.count(F.lit(1)).alias("n"), F.min("day").alias("day"),
                                           F.max("day").alias("day2")) \
        .where((F.col("n") >= 2) & (F.col("n") <= int(max_size)))
    us = inc.select("pid", "kind", "label").join(evs, ["kind", "label"]).cache()
    deg = us.groupBy("pid").agg(F.sum(F.col("n") - 1).cast("double").alias("s"))
    a = us.select(F.col("pid").alias("pa"), "kind", "label")
    b = us.select(F.col("pid").alias("pb"), "kind", "label")
    if seeds is None:
        j = a.join(b, ["kind", "label"]).where(F.col("pa") < F.col("pb")) \
            .select(F.col("pa").alias("a"), F.col("pb").alias("b"))
    else:   # only pairs with a person of interest, each pair once
        sd = F.broadcast(seeds.select(F.col("pid").alias("pa")).distinct())
        sb = seeds.select(F.col("pid").alias("pb"), F.lit(True).alias("b_seed")).distinct()
        j = a.join(sd, "pa").join(b, ["kind", "label"]).where(F.col("pa") != F.col("pb")) \
            .join(F.broadcast(sb), "pb", "left") \
            .where(F.col("b_seed").isNull() | (F.col("pa") < F.col("pb"))) \
            .select(F.least("pa", "pb").alias("a"), F.greatest("pa", "pb").alias("b"))
    pr = j.groupBy("a", "b").agg(F.count(F.lit(1)).alias("k")).cache()
    m = pr.count()
    two_w = deg.agg(F.sum("s")).collect()[0][0]
    da = deg.select(F.col("pid").alias("a"), F.col("s").alias("sa"))
    db = deg.select(F.col("pid").alias("b"), F.col("s").alias("sb"))
    pairs = pr.where(F.col("k") >= 2).join(da, "a").join(db, "b").select(*PAIR_COLUMNS)
    return pairs, int(m or 0), float(two_w or 0.0), us


def significant_pairs(pairs, m, two_w, settings=None):
    """Return the pairs passing Benjamini-Hochberg at ``infer.fdr``, with ``lam`` and ``p``.

    Parameters
    ----------
    pairs : pandas.DataFrame
        :data:`PAIR_COLUMNS` (collected from :func:`pair_counts`).
    m : int
        Size of the family tested.
    two_w : float
        Sum of the activities.
    settings : Settings or dict, optional
        Full settings or the ``infer`` section.

    Returns
    -------
    pandas.DataFrame
        The rows kept, with ``lam`` (co-occurrences expected by chance) and ``p``.

    Raises
    ------
    InputError
        ``infer.fdr`` is not a rate between 0 and 1.

    See Also
    --------
    netanalysis.resolve.significance.cooccurrence_pvalue
    netanalysis.resolve.significance.benjamini_hochberg

    Examples
    --------
    >>> pr = pd.DataFrame({"a": ["A", "C"], "b": ["B", "D"], "k": [3, 2],
    ...                    "sa": [3.0, 40.0], "sb": [3.0, 40.0]})
    >>> significant_pairs(pr, m=1000, two_w=2000.0)[["a", "b"]].values.tolist()
    [['A', 'B']]
    """
    cfg = section_settings(settings, "infer")
    fdr = float(cfg.fdr)
    if not 0 < fdr < 1:
        raise InputError(f"infer.fdr must be a rate between 0 and 1, not {fdr}")
    if not len(pairs):
        return pairs.assign(lam=[], p=[])
    lam = expected_cooccurrence(pairs["sa"].to_numpy(float), pairs["sb"].to_numpy(float), two_w)
    p = cooccurrence_pvalue(pairs["k"].to_numpy(np.int64), lam)
    keep = np.asarray(benjamini_hochberg(p, m, fdr), dtype=bool)
    return pairs.assign(lam=lam, p=p)[keep].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# the rules

def _co_travel(spark, tables, cfg, seed_ids):
    from pyspark.sql import functions as F
    tr = _table(tables, "travel")
    if tr is None:
        return _empty()
    ct = cfg["co_travel"]
    car = F.upper(F.regexp_replace(F.coalesce(_clean(tr, "carrier"), F.lit("")), " ", ""))
    fl = F.upper(F.regexp_replace(_clean(tr, "flight"), " ", ""))
    t = tr.select(F.col("person_id").cast("string").alias("pid"), car.alias("car"), fl.alias("fl"),
                  F.substring(_clean(tr, "depart"), 1, 10).alias("day"),
                  F.upper(F.trim(_clean(tr, "booking_ref"))).alias("bk"))
    label = F.when((F.col("car") != "") & ~F.col("fl").startswith(F.col("car")),
                   F.concat("car", "fl")).otherwise(F.col("fl"))
    j = t.where(F.col("fl").isNotNull() & (F.col("fl") != "") & (F.length("day") == 10)) \
        .select("pid", F.lit("J").alias("kind"), F.concat(label, F.lit(" "), "day").alias("label"),
                "day").distinct()
    b = t.where(F.col("bk").isNotNull() & (F.col("bk") != "")).groupBy("pid", "bk") \
        .agg(F.min("day").alias("day")) \
        .select("pid", F.lit("B").alias("kind"), F.col("bk").alias("label"), "day")
    inc = j.unionByName(b)
    kept, items = _kept_and_items(spark, inc, int(ct["max_passengers"]), cfg, seed_ids)
    if not len(kept):
        return _empty()
    n_items = int(ct["max_evidence_items"])
    ev, first, last = [], [], []
    for r in kept.itertuples(index=False):
        its = items.get((r.a, r.b), [])
        js = [x for x in its if x[0] == "J"]
        bs = sorted(x[1] for x in its if x[0] == "B")
        parts = []
        if js:
            shown = [f"{x[1]} ({x[2]} passengers)" for x in js[:n_items]]
            more = f", and {len(js) - len(shown)} more" if len(js) > len(shown) else ""
            parts.append(f"{len(js)} shared journey{'s' if len(js) > 1 else ''}: "
                         + ", ".join(shown) + more)
        if bs:
            shown = bs[:n_items]
            more = f", and {len(bs) - len(shown)} more" if len(bs) > len(shown) else ""
            parts.append(f"shared booking{'s' if len(bs) > 1 else ''} " + ", ".join(shown) + more)
        parts.append(_chance(r.lam, r.p))
        ev.append("; ".join(parts))
        days = [x[3] for x in its if x[3] is not None]
        days2 = [x[4] for x in its if x[4] is not None]
        first.append(min(days) if days else None)
        last.append(max(days2) if days2 else None)
    return _finish(kept["a"], kept["b"], "co_travel", ev, surprise(kept["p"]), cfg, first, last)


def _shared_phone(spark, tables, cfg, seed_ids):
    from pyspark.sql import functions as F
    ph = _table(tables, "phones")
    if ph is None:
        return _empty()
    key = _udf(_phone_keys)(F.col("number").cast("string"))
    uses = ph.select(F.col("person_id").cast("string").alias("pid"), key.alias("key"),
                     key.alias("label"), _order(ph).alias("o"))
    return _shared(spark, uses, "shared_phone", "both use phone",
                   int(cfg["shared_phone"]["max_users"]), cfg, seed_ids)


def _shared_document(spark, tables, cfg, seed_ids):
    from pyspark.sql import functions as F
    docs = _table(tables, "documents")
    if docs is None:
        return _empty()
    kind = F.col("kind").cast("string") if "kind" in docs.columns else F.lit(None).cast("string")
    country = F.col("issuing_country").cast("string") if "issuing_country" in docs.columns \
        else F.lit(None).cast("string")
    kl = _udf(_document_keys, "struct<key:string,label:string>")(
        kind, country, F.col("number").cast("string"))
    d = docs.select(F.col("holder_id").cast("string").alias("pid"),
                    F.col("id").cast("string").alias("document_id"), kl.alias("kl"),
                    _order(docs).alias("o")) \
        .select("pid", "document_id", "kl.key", "kl.label", "o")
    uses = d.select("pid", "key", "label",
                    F.struct(F.lit(0).alias("f"), F.col("o").alias("r")).alias("o"))
    tr = _table(tables, "travel")
    if tr is not None and "document_id" in tr.columns:
        t = tr.where(F.col("document_id").isNotNull()).select(
            F.col("person_id").cast("string").alias("pid"),
            F.col("document_id").cast("string").alias("document_id"), _order(tr).alias("o2"))
        extra = t.join(d.select("document_id", "key", "label", "o"), "document_id") \
            .select("pid", "key", "label", F.struct(F.lit(1).alias("f"), F.col("o2").alias("r")).alias("o"))
        uses = uses.unionByName(extra)
    return _shared(spark, uses, "shared_document", "both use",
                   int(cfg["shared_document"]["max_users"]), cfg, seed_ids)


def _shared(spark, uses, typ, verb, max_users, cfg, seed_ids):
    from pyspark.sql import functions as F
    uses = uses.where(F.col("key").isNotNull() & (F.col("key") != ""))
    inc = uses.select("pid", F.lit("I").alias("kind"), F.col("key").alias("label"),
                      F.lit(None).cast("string").alias("day")).distinct()
    kept, items = _kept_and_items(spark, inc, max_users, cfg, seed_ids)
    if not len(kept):
        return _empty()
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
        ev.append(txt + "; " + _chance(r.lam, r.p))
    none = [None] * len(kept)
    return _finish(kept["a"], kept["b"], typ, ev, surprise(kept["p"]), cfg, none, none)


def _calls(spark, tables, cfg, seed_ids):
    from pyspark.sql import functions as F
    ph, calls = _table(tables, "phones"), _table(tables, "calls")
    if ph is None or calls is None:
        return _empty()
    key = _udf(_phone_keys)
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
        .groupBy("p").agg(F.sum("n").cast("double").alias("s"))
    two_w = act.agg(F.sum("s")).collect()[0][0]
    res = res.join(act.select(F.col("p").alias("a"), F.col("s").alias("sa")), "a") \
        .join(act.select(F.col("p").alias("b"), F.col("s").alias("sb")), "b") \
        .withColumn("k", F.col("n"))
    if seed_ids is not None:
        sd = sorted(seed_ids)
        res = res.where(F.col("a").isin(sd) | F.col("b").isin(sd))
    res = res.cache()
    m = res.count()
    cand = res.where(F.col("k") >= 2).toPandas()
    kept = significant_pairs(cand, m, float(two_w or 0.0), cfg)
    if not len(kept):
        return _empty()
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
        txt = (f"{int(r.n)} call{'s' if r.n != 1 else ''}, {_minutes(r.dur)} in all "
               f"({r.a} to {r.b} {int(r.n_ab)}, {r.b} to {r.a} {int(r.n_ba)}): "
               + ", ".join(nums[(r.a, r.b)]))
        if r.max_users > 1:
            txt += "; a number is used by several persons, attributed to each"
        ev.append(txt + "; " + _chance(r.lam, r.p))
    return _finish(kept["a"], kept["b"], "calls", ev, surprise(kept["p"]), cfg, kept["first"],
                   kept["last"])


# --------------------------------------------------------------------------------------------
# shared steps

def _kept_and_items(spark, inc, max_size, cfg, seed_ids):
    """Pairs kept by the significance model, and the events each shares, as
    ``{(a, b): [(kind, label, n, day, day2), ...]}`` ordered by day (missing last), label."""
    from pyspark.sql import functions as F
    seeds = None
    if seed_ids is not None:
        seeds = spark.createDataFrame(pd.DataFrame({"pid": sorted(seed_ids)}, dtype=object),
                                      "pid string")
    pairs, m, two_w, us = pair_counts(inc, max_size, seeds)
    kept = significant_pairs(pairs.toPandas(), m, two_w, cfg)
    if not len(kept):
        us.unpersist()
        return kept, {}
    kp = F.broadcast(spark.createDataFrame(kept[["a", "b"]].astype(str)))
    x = us.select(F.col("pid").alias("a"), "kind", "label", "n", "day", "day2")
    y = us.select(F.col("pid").alias("b"), "kind", "label")
    rows = kp.join(x, "a").join(y, ["b", "kind", "label"]) \
        .select("a", "b", "kind", "label", "n", "day", "day2").toPandas()
    us.unpersist()
    items = {}
    for r in rows.itertuples(index=False):
        items.setdefault((r.a, r.b), []).append(
            (r.kind, r.label, int(r.n), _none(r.day), _none(r.day2)))
    for v in items.values():
        v.sort(key=lambda x: (x[3] is None, x[3] or "", x[1]))
    return kept, items


def _seed_ids(tables, cfg):
    """None (``infer.seed: all``) or the ids of the persons with a ``wanted_by``."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    seed = cfg.seed
    if seed in (None, "all"):
        return None
    if seed != "wanted":
        raise InputError(f'infer.seed must be "all" or "wanted", not "{seed}"')
    p = _table(tables, "persons")
    if p is None or "wanted_by" not in p.columns:
        return set()
    if isinstance(p.schema["wanted_by"].dataType, T.ArrayType):
        rows = p.where(F.size("wanted_by") > 0).select(F.col("id").cast("string")).collect()
        return {r[0] for r in rows}
    rows = p.where(F.col("wanted_by").isNotNull()) \
        .select(F.col("id").cast("string"), F.col("wanted_by").cast("string")).collect()
    return {r[0] for r in rows if present(r[1])}


def _table(tables, name):
    """The Spark DataFrame `name` of `tables`, or None when absent or empty."""
    t = tables.get(name)
    if t is None or t.isEmpty():
        return None
    return t


def _clean(df, col):
    """A column as stripped text, null where missing or blank (the embedded engine's
    ``str(v).strip()``: Unicode white space and the separators U+001C..U+001F)."""
    from pyspark.sql import functions as F
    if col not in df.columns:
        return F.lit(None).cast("string")
    s = F.regexp_replace(F.col(col).cast("string"), r"(?U)^[\s\x1c-\x1f]+|[\s\x1c-\x1f]+$", "")
    return F.when(s == "", F.lit(None)).otherwise(s)


def _order(df):
    """Row order: the ``_line`` of the case file when the table has one, else read order."""
    from pyspark.sql import functions as F
    if "_line" in df.columns:
        return F.col("_line").cast("long")
    return F.monotonically_increasing_id()


def _udf(fn, returns="string"):
    from pyspark.sql import functions as F
    return F.pandas_udf(fn, returns)


def _phone_keys(s: pd.Series) -> pd.Series:
    return s.map(phone_key)


def _document_keys(kind: pd.Series, country: pd.Series, number: pd.Series) -> pd.DataFrame:
    """Key and label of each document, as ``shared_document_links`` makes them."""
    k = [str(v).replace("_", " ") if present(v) else "document" for v in kind]
    c = [str(v).upper() if present(v) else "" for v in country]
    n = [normalize_document(v) for v in number]
    return pd.DataFrame({"key": [f"{ci}|{ni}" if ni else "" for ci, ni in zip(c, n)],
                         "label": [f"{ki} {ni}" + (f" ({ci})" if ci else "")
                                   for ki, ni, ci in zip(k, n, c)]})


def _none(v):
    return v if isinstance(v, str) else None


def _chance(lam, p):
    return f"{lam:.2g} expected by chance (p = {p:.1e})"


def _minutes(seconds):
    m = seconds / 60.0
    if m < 1:
        return f"{int(round(seconds))} s"
    return f"{int(round(m))} min" if m < 120 else f"{m / 60:.1f} h"


def _finish(a, b, typ, evidence, score, cfg, start, end):
    """The embedded engine's rows: score rounded, confidence below ``max_confidence``."""
    score = np.round(np.asarray(score, dtype=float), 4)
    mc = float(cfg["max_confidence"])
    conf = np.floor(mc * (1.0 - np.exp(-score)) * 1e4) / 1e4
    conf = np.minimum(conf, (np.ceil(mc * 1e4) - 1) / 1e4)
    return pd.DataFrame({
        "from_id": np.asarray(a, dtype=object), "to_id": np.asarray(b, dtype=object),
        "type": typ, "evidence": list(evidence), "score": score, "confidence": conf,
        "weight": score,
        "start": [s if present(s) else None for s in start],
        "end": [e if present(e) else None for e in end],
    })[INFERRED_COLUMNS].sort_values(["score", "from_id", "to_id"], ascending=[False, True, True],
                                     kind="stable").reset_index(drop=True)


def _empty():
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("score", "confidence", "weight")
                                      else object) for c in INFERRED_COLUMNS})
