"""Inferred links: ties between persons that no source stated, found in travel, documents,
phones and calls.

Every inferred tie is a row ``from_id, to_id, type, evidence, score, confidence, weight,
start, end`` (``from_id < to_id``: the ties are undirected), with a type from
``inferred_link_types`` of the case schema, an ``evidence`` text an analyst can check, and a
confidence kept below that of reported ties, so analyses can include or leave out inferred ties
(``include_inferred``) and never let them outweigh what a source reported.

Notes
-----
Every rule counts *co-occurrences* of pairs and keeps a pair when its count is unlikely by
chance, under the null models of :mod:`netanalysis.resolve.significance`. Each rule is two
steps with one table between them: the *pair aggregation* (SQL in DuckDB here, or another
engine) gives one row per pair with its co-occurrences and a table of every person's activity
(:func:`co_travel_pairs`); the *significance step* (pure functions,
:func:`~netanalysis.resolve.significance.cooccurrence_tests` and
:func:`~netanalysis.resolve.significance.identifier_tests`) turns them into p-values and keep
flags. The p-value is ``P(K >= k)``; the family is every pair that could be tested (``n (n -
1) / 2``, or persons of interest x the others with ``infer.seed: wanted``), cut to the pairs
that can reach significance at all (Tarone-Gilbert), and the pairs kept pass
Benjamini-Hochberg at ``infer.fdr`` (0.05 by default), so at most about 5 % of the ties kept
are expected to be chance. ``evidence`` gives what is shared, the count expected by chance and
the p-value; ``score`` is the surprise ``-log10 p``.

``co_travel``
    Events are *journeys* -- a carrier + flight (or voyage) number departing on one day, with
    the semantics of :func:`netanalysis.model.graph.journey_key` (``AV`` + ``85`` on
    2024-03-05 is ``AV85|2024-03-05``; rows without a flight number or a full departure day
    are no journey) -- tested under the bipartite null ``lambda = max(S_a d_b, S_b d_a) / L``:
    rarity and small craft enter through it (a person on small journeys has few fellow
    passengers, so sharing with them is rarer by chance), and a big flight shared once is
    never a tie. *Booking references* are joint acts, tested under the joint-act null
    (``co_travel.booking_collision_rate``) and combined with the journeys by a weighted
    Bonferroni (``min(p_journeys / 0.9, p_bookings / 0.1)``). Events of more than
    ``max_passengers`` persons are not computed (their cost grows as the square of their size);
    a booking shared on such a journey still counts.
``shared_phone``
    Numbers (``phones.csv``) are joint acts: a number held by two persons is a tie where a
    chance collision (``shared_phone.collision_rate``) is unlikely among the persons of the
    case, with a score that falls as the number's users grow. Numbers used by more than
    ``max_users`` persons are not computed.
``shared_document``
    Documents, as numbers: the same number from the same issuing country held by two persons
    (``documents.csv``), or one travelling on a document another holds
    (``travel.document_id``). Records merged by resolution are one person by then.
``calls``
    Calls between numbers attributed to persons, under the bipartite null with each call an
    event (a person's activity is its calls with other persons): a pair is kept when it calls
    more than both persons' volume explains. A number used by several persons is attributed to
    each of them (the evidence says so).

For every type, ``confidence = max_confidence x (1 - exp(-score))`` < ``max_confidence``
(0.2 by default) < 0.25, the confidence of an ungraded reported tie (``F6``); ``weight`` is
the score.

Pair counting runs as SQL in DuckDB (self-join per event, grouped by pair; the pairs that
cannot be kept -- outside the Tarone-Gilbert family, or sharing one journey whose p-value
floor is above what Benjamini-Hochberg can reach -- never leave DuckDB) with bounded
memory (``co_travel.memory_limit``; DuckDB spills to ``temp_directory`` beyond it); settings
reach DuckDB as configuration values, never as SQL.

References
----------
.. [1] Neal, Z. (2014). The backbone of bipartite projections. *Social Networks* 39: 84-97.
   doi:10.1016/j.socnet.2014.06.001
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile

import duckdb
import numpy as np
import pandas as pd

from netanalysis.model.values import present
from netanalysis.model.vocab import INFERRED_LINK_TYPES
from netanalysis.progress import Progress
from netanalysis.resolve.blocking import normalize_document, phone_key
from netanalysis.settings import section_settings
from netanalysis.resolve.significance import (
    HISTOGRAM_COLUMNS,
    SIZE_BINS,
    bh_rejections,
    cooccurrence_family,
    cooccurrence_tests,
    identifier_tests,
    surprise,
)

__all__ = ["co_travel_evidence", "with_histogram", "register_legs",
    "INFERRED_COLUMNS",
    "infer_links",
    "co_travel_links",
    "co_travel_pairs",
    "match_seeds",
    "shared_phone_links",
    "shared_document_links",
    "call_links",
    "chance_text",
    "minutes_text",
    "finish_ties",
    "empty_ties",
]

#: Columns of the table :func:`infer_links` returns.
INFERRED_COLUMNS = ["from_id", "to_id", "type", "evidence", "score", "confidence", "weight",
                    "start", "end"]


def infer_links(case, *, settings=None, progress=None):
    """Return the ties found in the data that no source stated.

    Parameters
    ----------
    case : Case
        Usually after :func:`netanalysis.resolve.apply_merges`, so that one person is one id.
    settings : Settings or dict, optional
        Full settings or the ``infer`` section (defaults: ``schema/settings/infer.yaml``).
        ``enabled: false`` returns no ties; ``types`` chooses the rules that run.
    progress : Progress, optional

    Returns
    -------
    DataFrame
        :data:`INFERRED_COLUMNS`, one row per pair and type, sorted by type, then decreasing
        score.

    Raises
    ------
    netanalysis.errors.InputError
        ``infer.types`` names a type the case schema does not know.

    See Also
    --------
    co_travel_links, shared_phone_links, shared_document_links, call_links : the rules.
    netanalysis.resolve.significance : the null models and the false-discovery-rate control.

    Examples
    --------
    A and B share three small flights (written two ways); 300 others fly once, four a flight:

    >>> from netanalysis.ingest import case_from_records
    >>> rows = [(p, car, fl, day) for p in "AB" for car, fl, day in
    ...         [("AV", "85", "2024-03-05"), ("IB", "6500", "2024-04-01"), ("IB", "6501", "2024-04-09")]]
    >>> rows[3] = ("B", "", "AV85", "2024-03-05T10:00")
    >>> rows += [(f"X{i}", "CM", str(i // 4), "2024-05-01") for i in range(300)]
    >>> c = case_from_records(
    ...     persons=[{"id": p, "name": p} for p in sorted({r[0] for r in rows})],
    ...     travel=[{"person_id": p, "carrier": car, "flight": fl, "depart": day,
    ...              "origin": "BOG", "destination": "MAD"} for p, car, fl, day in rows])
    >>> t = infer_links(c)
    >>> t[["from_id", "to_id", "type"]].values.tolist()
    [['A', 'B', 'co_travel']]
    >>> print(t["evidence"][0])  # doctest: +NORMALIZE_WHITESPACE
    3 shared journeys: AV85 2024-03-05 (2 passengers), IB6500 2024-04-01 (2 passengers),
    IB6501 2024-04-09 (2 passengers); 0.029 expected by chance (p = 9.4e-07)
    >>> bool(t["confidence"][0] < 0.2)
    True

    Several rules at once: C and D use the same number, A and B call each other three times,
    20 others call the next one once each. ``types`` chooses the rules:

    >>> ids = ["A", "B", "C", "D"] + [f"X{i}" for i in range(20)]
    >>> num = {p: f"+34 600 {k:06d}" for k, p in enumerate(ids)}
    >>> num["D"] = num["C"]
    >>> calls = [("A", "B"), ("B", "A"), ("A", "B")] + [(f"X{i}", f"X{(i + 1) % 20}") for i in range(20)]
    >>> c = case_from_records(
    ...     persons=[{"id": p, "name": p} for p in ids],
    ...     phones=[{"number": num[p], "person_id": p} for p in ids],
    ...     calls=[{"caller": num[a], "callee": num[b], "start": "2024-01-01"} for a, b in calls])
    >>> infer_links(c)[["from_id", "to_id", "type"]].values.tolist()
    [['C', 'D', 'shared_phone'], ['A', 'B', 'calls']]
    >>> infer_links(c, settings={"types": ["calls"]})[["from_id", "to_id", "type"]].values.tolist()
    [['A', 'B', 'calls']]
    """
    cfg = section_settings(settings, "infer")
    progress = progress or Progress(quiet=True)
    if not cfg.enabled:
        progress.say("inference: turned off (infer.enabled is false)")
        return _empty()
    types = list(cfg.types or INFERRED_LINK_TYPES)
    unknown = [t for t in types if t not in INFERRED_LINK_TYPES]
    if unknown:
        from netanalysis.errors import InputError
        raise InputError(f"infer.types names unknown inferred link types: {', '.join(unknown)} "
                         f"(known: {', '.join(INFERRED_LINK_TYPES)})")
    rules = {"co_travel": co_travel_links, "shared_phone": shared_phone_links,
             "shared_document": shared_document_links, "calls": call_links}
    frames = []
    for t in types:
        with progress.step(f"inferring {t} ties"):
            f = rules[t](case, settings=cfg)
        progress.say(f"{t}: {len(f):,} ties")
        if len(f):
            frames.append(f)
    if not frames:
        return _empty()
    out = pd.concat(frames, ignore_index=True)
    order = {t: k for k, t in enumerate(INFERRED_LINK_TYPES)}
    out["_o"] = out["type"].map(order)
    out = out.sort_values(["_o", "score", "from_id", "to_id"], ascending=[True, False, True, True])
    return out.drop(columns="_o").reset_index(drop=True)[INFERRED_COLUMNS]


def co_travel_links(case, *, settings=None):
    """Return ``co_travel`` ties: pairs sharing more journeys and bookings than chance explains.

    Journeys and bookings are the events of one co-occurrence model
    (:mod:`netanalysis.resolve.significance`); a pair is kept when its conditional p-value
    passes Benjamini-Hochberg at ``infer.fdr`` over the pairs that share at least one event.

    Parameters
    ----------
    case : Case
    settings : Settings or dict, optional
        ``co_travel.max_passengers`` bounds the events computed, ``max_evidence_items`` the
        journeys listed, ``memory_limit`` and ``temp_directory`` configure DuckDB.

    Returns
    -------
    DataFrame
        :data:`INFERRED_COLUMNS`.

    Examples
    --------
    Two persons on the same booking and its two flights, among 400 others on 100 flights:

    >>> from netanalysis.model.case import Case
    >>> rows = [("A", "AV85", "2024-03-05", "QX7"), ("B", "AV85", "2024-03-05", "QX7"),
    ...         ("A", "AV86", "2024-03-19", "QX7"), ("B", "AV86", "2024-03-19", "QX7")]
    >>> rows += [(f"X{i}", f"IB{i % 100}", "2024-05-01", None) for i in range(400)]
    >>> tr = pd.DataFrame(rows, columns=["person_id", "flight", "depart", "booking_ref"])
    >>> t = co_travel_links(Case(tables={"travel": tr}))
    >>> t[["from_id", "to_id"]].values.tolist()
    [['A', 'B']]
    >>> print(t["evidence"][0])  # doctest: +NORMALIZE_WHITESPACE
    2 shared journeys: AV85 2024-03-05 (2 passengers), AV86 2024-03-19 (2 passengers);
    shared booking QX7; 0.0099 expected by chance (p = 1.0e-07)

    See Also
    --------
    netanalysis.resolve.significance.cooccurrence_pvalue
    """
    cfg = section_settings(settings, "infer")
    ct = cfg["co_travel"]
    tr = case.tables["travel"]
    if not len(tr):
        return _empty()
    codes, uniq = pd.factorize(tr["person_id"].astype(str), sort=True)
    df = pd.DataFrame({
        "pid": codes.astype(np.int64),
        "carrier": _str_col(tr, "carrier"),
        "flight": _str_col(tr, "flight"),
        "depart": _str_col(tr, "depart"),
        "booking": _str_col(tr, "booking_ref"),
    })
    seeds = _seed_ids(case, cfg)
    seed_codes = None
    if seeds is not None:
        at = pd.Index(uniq).get_indexer(sorted(seeds))
        seed_codes = at[at >= 0].astype(np.int64)
    with _connect(ct.memory_limit, ct.temp_directory) as con:
        register_legs(con, df, events=False)
        return _co_travel_ties(con, cfg, seed_codes, np.asarray(uniq, dtype=object))


#: Journeys: each distinct raw (carrier, flight, depart) of ``keys_src`` cleaned and labelled
#: once (a few hundred thousand keys for 10M legs), so no string work is done per leg.
_JKEYS = """
    CREATE TEMP TABLE jkeys AS
    WITH r AS (SELECT DISTINCT carrier, flight, depart FROM keys_src),
    c AS (SELECT carrier, flight, depart,
                 upper(replace(coalesce(nullif(trim(carrier), ''), ''), ' ', '')) AS car,
                 upper(replace(nullif(trim(flight), ''), ' ', '')) AS fl,
                 substr(nullif(trim(depart), ''), 1, 10) AS day
          FROM r)
    SELECT carrier, flight, depart,
           CASE WHEN car <> '' AND NOT starts_with(fl, car) THEN car || fl ELSE fl END
           || ' ' || day AS label, day
    FROM c
    WHERE fl IS NOT NULL AND fl <> '' AND length(day) = 10
    """
#: Every event once, with an integer id: journeys (the label holds the day) and bookings.
_EVENTS = """
    CREATE TEMP TABLE events AS
    SELECT (row_number() OVER ())::BIGINT AS ev, kind, label, day FROM (
        SELECT 'J' AS kind, label, min(day) AS day FROM jkeys GROUP BY label
        UNION ALL
        SELECT DISTINCT 'B' AS kind, upper(trim(booking)) AS label, NULL AS day FROM legs
        WHERE booking IS NOT NULL AND trim(booking) <> '')
    """
_JMAP = """
    CREATE TEMP TABLE jmap AS
    SELECT k.carrier, k.flight, k.depart, e.ev
    FROM jkeys k JOIN events e ON e.kind = 'J' AND e.label = k.label
    """
#: One row per person and event (integer codes only): ``inc(pid, ev, kind, day)``; the day
#: of a journey is its event's, that of a booking the person's first leg on it.
_INC = """
    CREATE TEMP TABLE inc AS
    SELECT pid, ev, 'J' AS kind, NULL::VARCHAR AS day FROM (
        SELECT DISTINCT t.pid, m.ev
        FROM legs t JOIN jmap m ON m.carrier IS NOT DISTINCT FROM t.carrier
                               AND m.flight = t.flight AND m.depart = t.depart)
    UNION ALL
    SELECT t.pid, e.ev, 'B' AS kind, min(substr(nullif(trim(t.depart), ''), 1, 10)) AS day
    FROM legs t JOIN events e ON e.kind = 'B' AND e.label = upper(trim(t.booking))
    WHERE t.booking IS NOT NULL AND trim(t.booking) <> ''
    GROUP BY t.pid, e.ev
    """


def register_legs(con, df, events=True):
    """Register a frame of legs on a DuckDB connection as the views the co-travel queries
    read: ``keys_src(carrier, flight, depart)`` and ``legs(pid, carrier, flight, depart,
    booking)``, all as text but ``pid``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection (its frame ``travel_df`` and the two views are temporary).
    df : DataFrame
        One row per leg: ``pid`` (an integer code), ``carrier``, ``flight``, ``depart``,
        ``booking`` (null where none).
    events : bool, default True
        Also build the tables ``events`` and ``inc`` from the views, as
        :func:`co_travel_pairs` reads them.

    Returns
    -------
    None

    See Also
    --------
    co_travel_pairs, co_travel_links

    Examples
    --------
    >>> import duckdb
    >>> df = pd.DataFrame({"pid": [0, 1], "carrier": ["AV", "AV"], "flight": ["85", "85"],
    ...                    "depart": ["2024-03-05"] * 2, "booking": [None, None]})
    >>> con = duckdb.connect()
    >>> register_legs(con, df)
    >>> con.execute("SELECT count(*) FROM legs").fetchone()[0]
    2
    """
    con.register("travel_df", df)
    con.execute("CREATE TEMP VIEW keys_src AS SELECT carrier::VARCHAR AS carrier, "
                "flight::VARCHAR AS flight, depart::VARCHAR AS depart FROM travel_df")
    con.execute("CREATE TEMP VIEW legs AS SELECT pid, carrier::VARCHAR AS carrier, "
                "flight::VARCHAR AS flight, depart::VARCHAR AS depart, "
                "booking::VARCHAR AS booking FROM travel_df")
    if events:
        _prep_events(con)


def _prep_events(con):
    """Build ``events(ev, kind, label, day)`` and ``inc(pid, ev, kind, day)`` on `con` from
    the views ``keys_src(carrier, flight, depart)`` (every leg) and ``legs(pid, carrier,
    flight, depart, booking)`` (the legs of a person)."""
    for q in (_JKEYS, _EVENTS, _JMAP, _INC):
        con.execute(q)


def _co_travel_ties(con, cfg, seed_codes, names):
    """co_travel ties from the views ``keys_src`` and ``legs`` of :func:`_prep_events` on
    `con` (``pid`` integer codes; `names` the id of each code, or a callable giving them)."""
    ct = cfg["co_travel"]
    _prep_events(con)
    if seed_codes is not None:
        con.register("seeds", pd.DataFrame({"pid": np.asarray(seed_codes, dtype=np.int64)}))
    fdr = float(cfg.fdr)
    rate = float(ct["booking_collision_rate"])
    size_cut = bool(ct["size_cut"])
    pairs, persons = co_travel_pairs(con, int(ct["max_passengers"]), seed_codes is not None, fdr,
                                     booking_rate=rate, prune=True, size_cut=size_cut)
    res = cooccurrence_tests(pairs, persons, fdr=fdr, seeds=seed_codes, booking_rate=rate,
                             size_cut=size_cut)
    kept = res[res["keep"]].reset_index(drop=True)
    if not len(kept):
        return _empty()
    items = _event_items(con, kept)
    res = kept.merge(items, on=["a", "b"], how="left")
    n_items = int(ct["max_evidence_items"])
    ev = []
    for r in res.itertuples(index=False):
        ev.append(co_travel_evidence([(x["label"], x["n"]) for x in r.items if x["kind"] == "J"],
                                     [x["label"] for x in r.items if x["kind"] == "B"],
                                     r.lam, r.p, n_items))
    if callable(names):
        names = names(np.union1d(res["a"], res["b"]))
    na = names[res["a"].to_numpy(np.int64)]
    nb = names[res["b"].to_numpy(np.int64)]
    swap = na > nb            # codes need not follow the ids' order: the pair as from < to
    return _finish(np.where(swap, nb, na), np.where(swap, na, nb), "co_travel", ev,
                   surprise(res["p"]), cfg, res["first_day"], res["last_day"])




def co_travel_evidence(journeys, bookings, lam, p, max_items):
    """Return the ``evidence`` text of a co-travel tie (the same words for every engine).

    Parameters
    ----------
    journeys : list of (str, int)
        The shared journeys in the order to list them: label and number of passengers.
    bookings : list of str
        The shared booking references (listed sorted).
    lam, p : float
        Events expected by chance and the p-value.
    max_items : int
        Most journeys (and bookings) listed; the rest are counted.

    Returns
    -------
    str

    See Also
    --------
    chance_text : the last part, what chance explains.
    co_travel_links : writes it for every co-travel tie.

    Examples
    --------
    >>> print(co_travel_evidence([("AV85 2024-03-05", 2), ("AV86 2024-03-19", 3)], ["QX7"],
    ...                          0.01, 1e-7, 1))  # doctest: +NORMALIZE_WHITESPACE
    2 shared journeys: AV85 2024-03-05 (2 passengers), and 1 more; shared booking QX7;
    0.01 expected by chance (p = 1.0e-07)
    """
    parts = []
    if journeys:
        shown = [f"{label} ({n} passengers)" for label, n in journeys[:max_items]]
        more = f", and {len(journeys) - len(shown)} more" if len(journeys) > len(shown) else ""
        parts.append(f"{len(journeys)} shared journey{'s' if len(journeys) > 1 else ''}: "
                     + ", ".join(shown) + more)
    if bookings:
        bs = sorted(bookings)
        shown = bs[:max_items]
        more = f", and {len(bs) - len(shown)} more" if len(bs) > len(shown) else ""
        parts.append(f"shared booking{'s' if len(bs) > 1 else ''} " + ", ".join(shown) + more)
    parts.append(chance_text(lam, p))
    return "; ".join(parts)


def co_travel_pairs(con, max_passengers, seeded=False, fdr=0.05, *, booking_rate=None,
                    prune=False, size_cut=False):
    """Return the pair and person tables of co-travel, the input of
    :func:`netanalysis.resolve.significance.cooccurrence_tests`.

    This is the *pair aggregation* step, in DuckDB; another engine computing the same two
    tables gets the same ties from the significance step.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Holding the tables ``events(ev, kind, label, day)`` (every event once, integer ``ev``;
        kind ``'J'`` a journey, ``'B'`` a booking reference) and ``inc(pid, ev, kind, day)``
        (one row per person and event; ``day`` where the event has none of its own); with
        `seeded`, a table ``seeds(pid)``. Leaves the tables ``evs`` and ``us`` on it (events of 2 to
        `max_passengers` persons and their incidences).
    max_passengers : int
        Events with more persons are not computed.
    seeded : bool
        Only pairs with a person of ``seeds``.
    fdr : float
        Pairs sharing one journey and no booking are left out where they cannot pass this level.
    booking_rate : float, optional
        Collision rate of booking references, as given to ``cooccurrence_tests`` (used with
        `prune`).
    prune : bool
        Leave out, inside DuckDB, every pair that ``cooccurrence_tests`` can never keep: the
        pairs outside its Tarone-Gilbert family
        (:func:`~netanalysis.resolve.significance.cooccurrence_family`, margins only), and
        the pairs sharing one journey and no booking whose p-value floor
        (:func:`~netanalysis.resolve.significance.one_shared_floor`) exceeds ``q R / m``,
        ``R`` a bound of the rejections (:func:`~netanalysis.resolve.significance.bh_rejections`
        over the p-values of the other pairs and a histogram of those floors). The ties are
        the same; only the pairs that reach pandas are fewer. False: today's table.
    size_cut : bool
        With `prune`: the family of ``cooccurrence_tests(size_cut=True)``.

    Returns
    -------
    pairs : DataFrame
        ``a, b, k, kb, ub, ls``: journeys and bookings shared, most holders of a shared
        booking, ``sum ln(n - 1)`` over the journeys shared (``n`` persons on each).
    persons : DataFrame
        ``pid, s, d, nb, f``: activity and journeys (events of 2 to `max_passengers` persons),
        bookings held (all), fewest fellow passengers on one journey (1 without journeys).

    Examples
    --------
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> events = pd.DataFrame({"ev": [0, 1, 2], "kind": ["J", "J", "B"],
    ...                        "label": ["x", "y", "b"], "day": "2024-01-01"})
    >>> inc = pd.DataFrame({"pid": [1, 2, 1, 2, 3, 1, 2], "ev": [0, 0, 1, 1, 1, 2, 2],
    ...                     "kind": ["J"] * 5 + ["B"] * 2, "day": None})
    >>> _ = con.execute("CREATE TABLE events AS SELECT * FROM events")
    >>> con.execute("CREATE TABLE inc AS SELECT pid, ev, kind, day::VARCHAR AS day FROM inc"
    ...             ).fetchall()
    [(7,)]
    >>> pairs, persons = co_travel_pairs(con, 500)
    >>> pairs[["a", "b", "k", "kb", "ub"]].values.tolist(), round(float(pairs["ls"][0]), 4)
    ([[1, 2, 2, 1, 2]], 0.6931)
    >>> persons["pid"].tolist(), persons["s"].tolist(), persons["d"].tolist(), persons["nb"].tolist()
    ([1, 2, 3], [3.0, 3.0, 2.0], [2, 2, 1], [1, 1, 0])
    >>> persons["f"].tolist()
    [1, 1, 2]

    See Also
    --------
    netanalysis.resolve.significance.cooccurrence_tests
    """
    _cooccur(con, max_passengers, seeded)
    con.execute("""
    CREATE TEMP TABLE deg AS
    WITH j AS (SELECT pid, sum(n - 1)::DOUBLE AS s, count(*)::BIGINT AS d,
                      (min(n) - 1)::BIGINT AS f FROM us
               WHERE kind = 'J' GROUP BY pid),
         b AS (SELECT pid, count(DISTINCT ev)::BIGINT AS nb FROM inc WHERE kind = 'B'
               GROUP BY pid)
    SELECT coalesce(j.pid, b.pid) AS pid, coalesce(j.s, 0)::DOUBLE AS s,
           coalesce(j.d, 0)::BIGINT AS d, coalesce(b.nb, 0)::BIGINT AS nb,
           coalesce(j.f, 1)::BIGINT AS f
    FROM j FULL JOIN b ON j.pid = b.pid
    """)
    persons = _deg_persons(con)       # once: the pruning and the tests use the same table
    pb = _pairs(con, "B", seeded)[["a", "b", "k", "u"]].rename(columns={"k": "kb", "u": "ub"})
    if prune:
        pj = _pruned_journey_pairs(con, pb, seeded, float(fdr), booking_rate, size_cut,
                                   persons=persons)
    else:
        pj = _pairs(con, "J", seeded, lam_max=2 * float(fdr))[["a", "b", "k", "ls"]]
    pairs = pj.merge(pb, on=["a", "b"], how="outer").sort_values(["a", "b"])
    pairs = pairs.assign(k=pairs["k"].fillna(0).astype(np.int64),
                         kb=pairs["kb"].fillna(0).astype(np.int64),
                         ub=pairs["ub"].fillna(0).astype(np.int64),
                         ls=pairs["ls"].fillna(0.0).astype(float)).reset_index(drop=True)
    return pairs[["a", "b", "k", "kb", "ub", "ls"]], persons


#: Each person's journeys per size bin (:func:`~netanalysis.resolve.significance.size_histogram`:
#: an event of ``n`` persons in bin ``floor(log2((n - 1)^2))``, capped at the last).
_HIST = """
    SELECT pid, least(floor(log2(((n - 1) * (n - 1))::DOUBLE) + 1e-9), $top)::BIGINT AS bin,
           count(*)::BIGINT AS c
    FROM us WHERE kind = 'J' GROUP BY ALL
"""


def _deg_persons(con):
    """The persons of ``deg`` (``pid, s, d, nb, f``) with their size histograms
    (:data:`~netanalysis.resolve.significance.HISTOGRAM_COLUMNS`, from ``us``)."""
    persons = con.execute("SELECT pid, s, d, nb, f FROM deg ORDER BY pid").df()
    rows = con.execute(_HIST, {"top": SIZE_BINS - 1}).df()
    return with_histogram(persons, rows["pid"], rows["bin"], rows["c"])


def with_histogram(persons, pid, bins, counts):
    """Return `persons` with the size-histogram columns filled from rows ``(pid, bin,
    count)`` (0 where a person has no event in a bin), as both engines compute them.

    Parameters
    ----------
    persons : DataFrame
        ``pid`` and the other margins.
    pid, bins, counts : array_like
        One row per person and bin: events of that person in that bin.

    Returns
    -------
    DataFrame
        `persons` and :data:`~netanalysis.resolve.significance.HISTOGRAM_COLUMNS`.

    Examples
    --------
    >>> p = with_histogram(pd.DataFrame({"pid": [1, 2]}), [2, 2], [0, 15], [3, 1])
    >>> p[["h0", "h15"]].values.tolist()
    [[0, 0], [3, 1]]

    See Also
    --------
    netanalysis.resolve.significance.size_histogram
    """
    h = np.zeros((len(persons), SIZE_BINS), dtype=np.int64)
    at = pd.Index(persons["pid"]).get_indexer(np.asarray(pid))
    ok = at >= 0
    np.add.at(h, (at[ok], np.asarray(bins, dtype=np.int64)[ok]),
              np.asarray(counts, dtype=np.int64)[ok])
    base = persons.drop(columns=[c for c in HISTOGRAM_COLUMNS if c in persons])
    return pd.concat([base.reset_index(drop=True), pd.DataFrame(h, columns=HISTOGRAM_COLUMNS)],
                     axis=1)


def _pruned_journey_pairs(con, pb, seeded, fdr, booking_rate, size_cut=False, persons=None):
    """The journey pairs of :func:`co_travel_pairs` with ``prune``: ``a, b, k, ls`` of the
    pairs ``cooccurrence_tests`` can keep (every pair of `pb`, the booking pairs, kept as
    today so its journeys count)."""
    if persons is None:
        persons = _deg_persons(con)
    seeds = con.execute("SELECT pid FROM seeds").df()["pid"].to_numpy(np.int64) if seeded \
        else None
    fam = cooccurrence_family(persons, fdr=fdr, seeds=seeds, booking_rate=booking_rate,
                              size_cut=size_cut)
    con.register("cut_j", fam.journeys)
    books = fam.bookings if fam.bookings is not None else \
        pd.DataFrame({"nb": pd.Series(dtype=np.int64), "cut": pd.Series(dtype=float)})
    con.register("cut_b", books)
    n_inc = max(fam.n_inc, 1.0)
    m = max(fam.m, 1)
    # Benjamini-Hochberg over N values rejects R = max{i : p_(i) <= q i / m} <= N, so a value
    # above q N / m is never below its bound and never changes R: the pairs sharing one
    # journey whose floor exceeds it (over the histogram's bin width) are left out in the
    # same pass as the aggregation, instead of being written out and counted (most pairs of
    # a national table). N bounds the values given to bh_rejections below: the pairs (at most
    # one per pair of passengers of a journey), the booking pairs and the zero bin.
    n_rows = con.execute(
        "SELECT coalesce(sum(n * (n - 1) / 2), 0)::DOUBLE FROM evs WHERE kind = 'J'" if not seeded
        else "SELECT coalesce(sum(n - 1), 0)::DOUBLE FROM us WHERE kind = 'J' "
             "AND pid IN (SELECT pid FROM seeds)").fetchall()[0][0]
    t_cap = fdr * (float(n_rows) + len(pb) + 1.0) / m * 10.0 ** (1.0 / 256) * (1 + 1e-6)
    # the family (margins only, the formulas of cooccurrence_tests), the old lambda cut of
    # pairs sharing one journey, and the floor of the p-value of a single shared journey,
    # computed on the pair aggregation as it streams (no table of every pair)
    con.execute("DROP TABLE IF EXISTS prf")
    con.execute(_PRF[bool(seeded)], {"n_inc": n_inc, "lim": 2 * fdr * fam.n_inc, "kind": "J",
                                     "t_cap": t_cap,
                                     "r2": fam.r2 if fam.r2 is not None else 0.0})
    strong = con.execute("SELECT a, b, k, ls FROM prf WHERE k >= 2").df()
    if len(pb):    # the journeys of the booking pairs count as today, in or out of the family
        con.register("pb_df", pb[["a", "b"]])
        booked = con.execute("""
        WITH ja AS (SELECT pid, ev, n FROM us WHERE kind = 'J' AND pid IN
                        (SELECT a FROM pb_df UNION SELECT b FROM pb_df)),
             pr AS (SELECT x.pid AS a, y.pid AS b, count(*)::INTEGER AS k,
                           sum(ln(x.n - 1))::DOUBLE AS ls
                    FROM ja x JOIN ja y ON x.ev = y.ev AND x.pid < y.pid
                         JOIN pb_df p ON p.a = x.pid AND p.b = y.pid
                    GROUP BY 1, 2)
        SELECT pr.a, pr.b, pr.k, pr.ls
        FROM pr JOIN deg da ON da.pid = pr.a JOIN deg db ON db.pid = pr.b
        WHERE pr.k >= 2 OR greatest(da.s * db.d, db.s * da.d) <= $lim
        """, {"lim": 2 * fdr * fam.n_inc}).df()
        strong = pd.concat([strong, booked]).drop_duplicates(["a", "b"])
    hist = con.execute("SELECT floor(log10(pfloor) * 256) AS bin, count(*) AS n FROM prf "
                       "WHERE k = 1 AND pfloor > 0 GROUP BY 1").df()
    zero = con.execute("SELECT count(*) FROM prf WHERE k = 1 AND pfloor <= 0").fetchall()[0][0]
    if len(strong):
        st = strong.merge(pb, on=["a", "b"], how="left") if len(pb) else \
            strong.assign(kb=0, ub=0)
        known = cooccurrence_tests(st, persons, fdr=fdr, seeds=seeds, booking_rate=booking_rate,
                                   size_cut=size_cut)["p"].to_numpy(float)
    else:
        known = np.zeros(0)
    # an upper bound of the rejections: the p-values known, the floors of the others (the
    # lower edge of their histogram bin); a pair whose floor exceeds q R / m is never kept
    edges = 10.0 ** (hist["bin"].to_numpy(float) / 256) * (1 - 1e-9)
    r_up = bh_rejections(np.concatenate([known, edges, [0.0]]), m, fdr,
                         np.concatenate([np.ones(len(known), dtype=np.int64),
                                         hist["n"].to_numpy(np.int64), [int(zero)]]))
    weak = con.execute("SELECT a, b, k, ls FROM prf WHERE k = 1 AND pfloor <= $t",
                       {"t": fdr * r_up / m * (1 + 1e-9)}).df()
    return pd.concat([strong, weak], ignore_index=True).drop_duplicates(["a", "b"])


def match_seeds(travel, seeds, *, settings=None, progress=None, rejects=None):
    """Return the significant co-travellers of persons of interest in a large travel table.

    The travel table is read by DuckDB where it lies (CSV or Parquet, never loaded into
    pandas): journeys and bookings are the events of :func:`co_travel_links`, every person's
    activity is counted over the whole table, and only pairs with a person of interest are
    formed and tested (the family: persons of interest x the others). Journeys of more than
    ``infer.co_travel.max_passengers`` persons are pruned; a booking shared on such a journey
    still counts (bookings are events of their own).

    Parameters
    ----------
    travel : str, Path or DataFrame
        A ``.csv`` or ``.parquet`` file (or a DataFrame) with ``person_id``, ``flight``,
        ``depart`` and optionally ``carrier`` and ``booking_ref``.
    seeds : str, Path or iterable of str
        Ids of the persons of interest, or a file of them (one per line, or a CSV with a
        ``person_id`` or ``id`` column).
    settings : Settings or dict, optional
        The ``infer`` section (``fdr``, ``co_travel``) applies.
    progress : Progress, optional
    rejects : str or Path, optional
        Where to write the rows not taken (no person id), in the ledger format of the case
        reader (``file, line, column, value, problem``; header only when none): rows in =
        rows taken + rows rejected. Lines are as a text editor shows them (header = line 1)
        for CSV, row numbers (1 = first row) for Parquet and DataFrames.

    Returns
    -------
    DataFrame
        :data:`INFERRED_COLUMNS`, type ``co_travel``, sorted by decreasing score.

    Raises
    ------
    netanalysis.errors.InputError
        A file that is missing, of another kind, or without the columns needed.

    Examples
    --------
    A (of interest) and B share three small flights; 400 others fly once, four a flight:

    >>> rows = [(p, "AV", f, d) for p in "AB" for f, d in
    ...         [("85", "2024-03-05"), ("86", "2024-03-09"), ("87", "2024-04-01")]]
    >>> rows += [(f"X{i}", "CM", str(i // 4), "2024-05-01") for i in range(400)]
    >>> tr = pd.DataFrame(rows, columns=["person_id", "carrier", "flight", "depart"])
    >>> t = match_seeds(tr, ["A"])
    >>> t[["from_id", "to_id", "type"]].values.tolist()
    [['A', 'B', 'co_travel']]

    See Also
    --------
    co_travel_links, netanalysis.resolve.significance.cooccurrence_tests
    """
    from netanalysis.errors import InputError
    cfg = section_settings(settings, "infer")
    ct = cfg["co_travel"]
    progress = progress or Progress(quiet=True)
    seed_ids = _read_seeds(seeds)
    with _connect(ct.memory_limit, ct.temp_directory) as con:
        if isinstance(travel, pd.DataFrame):
            src = con.from_df(travel)
            where = "travel table"
        else:
            path = os.fspath(travel)
            if not os.path.isfile(path):
                raise InputError("travel table not found", file=path)
            low = path.lower()
            if low.endswith(".parquet"):
                src = con.read_parquet(path)
            elif low.endswith(".csv") or low.endswith(".csv.gz"):
                src = con.read_csv(path, all_varchar=True, header=True)
            else:
                raise InputError("the travel table must be a .csv or .parquet file", file=path)
            where = path
        cols = {c.lower(): c for c in src.columns}
        missing = [c for c in ("person_id", "flight", "depart") if c not in cols]
        if missing:
            raise InputError(f"{where} lacks the column(s) {', '.join(missing)}")
        # the file's own column names reach DuckDB as column expressions (quoted by DuckDB),
        # never as SQL text; the view has the fixed names below
        text = duckdb.sqltypes.VARCHAR if hasattr(duckdb, "sqltypes") else duckdb.typing.VARCHAR
        src = src.select(*[
            (duckdb.ColumnExpression(cols[c]) if c in cols else duckdb.ConstantExpression(None))
            .cast(text).alias(c)
            for c in ("person_id", "carrier", "flight", "depart", "booking_ref")])
        src.create_view("src")
        # persons coded once (one pass, which also counts the legs taken); legs joined to the
        # codes inside the one query that builds the incidences
        con.execute("""
        CREATE TEMP TABLE ids AS
        SELECT name, (row_number() OVER () - 1)::BIGINT AS pid, legs
        FROM (SELECT trim(person_id) AS name, count(*) AS legs FROM src GROUP BY 1)
        WHERE name <> ''
        """)
        con.execute("CREATE TEMP VIEW keys_src AS SELECT carrier, flight, depart FROM src")
        con.execute("""
        CREATE TEMP VIEW legs AS
        SELECT ids.pid, src.carrier, src.flight, src.depart, src.booking_ref AS booking
        FROM src JOIN ids ON ids.name = trim(src.person_id)
        """)
        n_rows, n_taken = con.execute(
            "SELECT (SELECT count(*) FROM src), (SELECT coalesce(sum(legs), 0) FROM ids)"
        ).fetchall()[0]
        if rejects is not None:
            _write_match_rejects(con, travel, where, cols["person_id"], n_rows - n_taken,
                                 rejects)
        con.register("seed_names", pd.DataFrame({"name": sorted(seed_ids)}, dtype=object))
        codes = con.execute("SELECT pid FROM ids JOIN seed_names USING (name) ORDER BY pid"
                            ).df()["pid"].to_numpy(np.int64)
        progress.say(f"match: {n_rows:,} legs ({n_rows - n_taken:,} without a person id), "
                     f"{len(codes):,} of {len(seed_ids):,} persons of interest travel")

        def names(used):
            con.register("used", pd.DataFrame({"pid": np.asarray(used, dtype=np.int64)}))
            got = con.execute("SELECT pid, name FROM ids JOIN used USING (pid)").df()
            out = np.empty(int(got["pid"].max()) + 1 if len(got) else 0, dtype=object)
            out[got["pid"].to_numpy(np.int64)] = got["name"].to_numpy(dtype=object)
            return out

        return _co_travel_ties(con, cfg, codes, names)


def _write_match_rejects(con, travel, where, column, n_rejected, path):
    """Write the legs of `travel` without a person id (`column`) to `path`, in the case
    reader's ledger."""
    from netanalysis.model.case import REJECT_COLUMNS
    from netanalysis.outputs import write_csv
    lines = []
    if n_rejected and isinstance(travel, pd.DataFrame):
        col = travel[column]
        blank = col.isna().to_numpy() | (col.astype(str).str.strip() == "").to_numpy()
        lines = [(int(i) + 1, col.iloc[i]) for i in np.flatnonzero(blank)]
    elif n_rejected and os.fspath(travel).lower().endswith(".parquet"):
        text = duckdb.sqltypes.VARCHAR if hasattr(duckdb, "sqltypes") else duckdb.typing.VARCHAR
        con.read_parquet(os.fspath(travel), file_row_number=True).select(
            duckdb.ColumnExpression("file_row_number").alias("n"),
            duckdb.ColumnExpression(column).cast(text).alias("v")).create_view("rej_src")
        got = con.execute("SELECT n + 1, v FROM rej_src WHERE nullif(trim(v), '') IS NULL "
                          "ORDER BY 1").fetchall()
        lines = [(int(n), v) for n, v in got]
    elif n_rejected:      # CSV: the line a text editor shows (quoted newlines counted)
        import csv
        import gzip
        opener = gzip.open if os.fspath(travel).lower().endswith(".gz") else open
        with opener(os.fspath(travel), "rt", encoding="utf-8-sig", newline="") as f:
            rd = csv.reader(f)
            at = [h.strip() for h in next(rd)].index(column)
            start = rd.line_num + 1
            for row in rd:
                v = row[at] if at < len(row) else ""
                if not v.strip():
                    lines.append((start, v))
                start = rd.line_num + 1
    rows = [{"file": where, "line": n, "column": column,
             "value": v if isinstance(v, str) else "", "problem": "missing person id"}
            for n, v in lines]
    write_csv(pd.DataFrame(rows, columns=REJECT_COLUMNS), path)


def _read_seeds(seeds):
    """The ids of a seeds argument: an iterable of ids, or a file of them."""
    from netanalysis.errors import InputError
    if isinstance(seeds, (str, os.PathLike)):
        path = os.fspath(seeds)
        if not os.path.isfile(path):
            raise InputError("seeds file not found", file=path)
        with open(path, encoding="utf-8-sig") as f:
            lines = [ln.strip() for ln in f.read().splitlines()]
        lines = [ln for ln in lines if ln]
        if not lines:
            raise InputError("seeds file holds no person id", file=path)
        head = [h.strip().strip('"') for h in lines[0].split(",")]
        if "person_id" in head or "id" in head:
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
            name = "person_id" if "person_id" in df else "id"
            ids = df[name].str.strip()
        else:
            ids = pd.Series(lines)
        return {i for i in ids if i}
    return {str(i).strip() for i in seeds if present(i) and str(i).strip()}


def shared_phone_links(case, *, settings=None):
    """Return ``shared_phone`` ties: two persons using the same number.

    A number held by two persons is a joint act (the joint-act null of
    :mod:`netanalysis.resolve.significance`): with the collision rate
    ``infer.shared_phone.collision_rate`` (1e-8) a chance collision is unlikely among the
    persons of a case, so one shared number is a tie. Each further user of a number makes it
    weaker evidence for each pair; numbers of more than ``max_users`` persons are not computed.

    Parameters
    ----------
    case : Case
        Its ``phones`` table (``number``, ``person_id``); numbers are compared normalised
        (:func:`netanalysis.resolve.blocking.phone_key`). Usually after
        :func:`netanalysis.resolve.apply_merges`, so that one person is one id.
    settings : Settings or dict, optional
        Full settings or the ``infer`` section: ``fdr``, ``seed``, ``max_confidence`` and
        ``shared_phone`` (``collision_rate``, ``max_users``) apply.

    Returns
    -------
    DataFrame
        :data:`INFERRED_COLUMNS`, type ``shared_phone``, sorted by decreasing score; ``start``
        and ``end`` are empty (the phones table has no dates).

    See Also
    --------
    shared_document_links : the same rule for document numbers.
    call_links : calls between the numbers of the phones table.
    infer_links : every rule at once.
    netanalysis.resolve.significance.identifier_tests : the test of each pair.

    Examples
    --------
    A and B share two numbers (one written two ways), C and D one, and E, F and G use one
    switchboard number:

    >>> from netanalysis.ingest import case_from_records
    >>> ph = [("+57 300 111 2233", "A"), ("+573001112233", "B"), ("+57 310 555 0101", "A"),
    ...       ("+57 310 555 0101", "B"), ("+34 600 000 007", "C"), ("+34 600 000 007", "D"),
    ...       ("+34 910 000 000", "E"), ("+34 910 000 000", "F"), ("+34 910 000 000", "G")]
    >>> c = case_from_records(persons=[{"id": p, "name": p} for p in "ABCDEFG"],
    ...                       phones=[{"number": n, "person_id": p} for n, p in ph])
    >>> t = shared_phone_links(c)
    >>> t[["from_id", "to_id", "score"]].values.tolist()
    [['A', 'B', 15.0969], ['C', 'D', 8.0], ['E', 'F', 7.699], ['E', 'G', 7.699], ['F', 'G', 7.699]]
    >>> print(t["evidence"][0])
    both use phone +573001112233, +573105550101; 4e-08 expected by chance (p = 8.0e-16)
    >>> print(t["evidence"][2])
    both use phone +34910000000 (used by up to 3 persons); 2e-08 expected by chance (p = 2.0e-08)
    """
    cfg = section_settings(settings, "infer")
    ph = case.tables["phones"]
    if not len(ph):
        return _empty()
    uses = pd.DataFrame({"pid": ph["person_id"].astype(str).to_numpy(dtype=object),
                         "key": [phone_key(x) for x in ph["number"].tolist()]})
    uses["label"] = uses["key"]
    return _shared(uses, "shared_phone", "both use phone", cfg["shared_phone"], cfg,
                   _seed_ids(case, cfg))


def shared_document_links(case, *, settings=None):
    """Return ``shared_document`` ties: the same document number (same issuing country) held
    by two persons, or a person travelling on a document another holds.

    Documents are identifiers under the joint-act null of
    :mod:`netanalysis.resolve.significance`, with the collision rate
    ``infer.shared_document.collision_rate`` (1e-9): one document shared by two persons is a
    tie. Numbers are compared normalised (:func:`netanalysis.resolve.blocking.normalize_document`);
    the same number from two issuing countries is two documents.

    Parameters
    ----------
    case : Case
        Its ``documents`` table (``id``, ``holder_id``, ``number``, ``kind``,
        ``issuing_country``) and the ``document_id`` of its ``travel`` table. Usually after
        :func:`netanalysis.resolve.apply_merges`: records merged by resolution are one person.
    settings : Settings or dict, optional
        Full settings or the ``infer`` section: ``fdr``, ``seed``, ``max_confidence`` and
        ``shared_document`` (``collision_rate``, ``max_users``) apply.

    Returns
    -------
    DataFrame
        :data:`INFERRED_COLUMNS`, type ``shared_document``, sorted by decreasing score;
        ``start`` and ``end`` are empty.

    See Also
    --------
    shared_phone_links : the same rule for phone numbers.
    co_travel_links : ties from the journeys of the travel table.
    infer_links : every rule at once.
    netanalysis.resolve.significance.identifier_tests : the test of each pair.

    Examples
    --------
    A and B hold the same Venezuelan passport (written two ways), C a Peruvian one with the
    same number, and E travels on D's passport:

    >>> from netanalysis.ingest import case_from_records
    >>> docs = [("A", "AB123", "VE"), ("B", "ab-123", "VE"), ("C", "AB123", "PE"), ("D", "K77", "CO")]
    >>> c = case_from_records(
    ...     persons=[{"id": p, "name": p} for p in "ABCDE"],
    ...     documents=[{"id": f"D{i}", "holder_id": h, "kind": "passport", "number": n,
    ...                 "issuing_country": k} for i, (h, n, k) in enumerate(docs)],
    ...     travel=[{"person_id": "E", "depart": "2024-03-05", "origin": "BOG",
    ...              "destination": "MAD", "document_id": "D3"}])
    >>> t = shared_document_links(c)
    >>> t[["from_id", "to_id", "evidence"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['A', 'B', 'both use passport AB123 (VE); 1e-09 expected by chance (p = 1.0e-09)'],
     ['D', 'E', 'both use passport K77 (CO); 1e-09 expected by chance (p = 1.0e-09)']]
    """
    cfg = section_settings(settings, "infer")
    docs = case.tables["documents"]
    if not len(docs):
        return _empty()
    kind = [str(k).replace("_", " ") if present(k) else "document" for k in _col(docs, "kind")]
    country = [str(c).upper() if present(c) else "" for c in _col(docs, "issuing_country")]
    num = [normalize_document(x) for x in docs["number"].tolist()]
    key = [f"{c}|{n}" if n else "" for c, n in zip(country, num)]
    label = [f"{k} {n}" + (f" ({c})" if c else "") for k, n, c in zip(kind, num, country)]
    uses = pd.DataFrame({"pid": docs["holder_id"].astype(str).to_numpy(dtype=object), "key": key,
                         "label": label})
    tr = case.tables["travel"]
    if len(tr) and "document_id" in tr and tr["document_id"].notna().any():
        by_id = pd.DataFrame({"document_id": docs["id"].astype(str).to_numpy(dtype=object),
                              "key": key, "label": label})
        t = tr.loc[tr["document_id"].notna(), ["person_id", "document_id"]].astype(str)
        t = t.merge(by_id, on="document_id")
        if len(t):
            extra = pd.DataFrame({"pid": t["person_id"].to_numpy(dtype=object),
                                  "key": t["key"].to_numpy(dtype=object),
                                  "label": t["label"].to_numpy(dtype=object)})
            uses = pd.concat([uses, extra], ignore_index=True)
    return _shared(uses, "shared_document", "both use", cfg["shared_document"], cfg,
                   _seed_ids(case, cfg))


def call_links(case, *, settings=None):
    """Return ``calls`` ties: calls between numbers attributed to persons.

    Calls are the events of the bipartite null of :mod:`netanalysis.resolve.significance`
    (a person's activity is its calls with other persons): a pair is kept when it calls more
    than both persons' volume explains. A number that several persons use is attributed to
    each of them, and the evidence says so.

    Parameters
    ----------
    case : Case
        Its ``calls`` table (``caller``, ``callee``, ``start``, ``duration_s``) and its
        ``phones`` table, which attributes numbers to persons; calls of numbers that no person
        uses, and calls between numbers of one person, count for no pair.
    settings : Settings or dict, optional
        Full settings or the ``infer`` section: ``fdr``, ``seed`` and ``max_confidence``
        apply.

    Returns
    -------
    DataFrame
        :data:`INFERRED_COLUMNS`, type ``calls``, sorted by decreasing score; ``start`` and
        ``end`` are the first and last call of the pair.

    See Also
    --------
    shared_phone_links : ties from the numbers themselves.
    co_travel_links : the same null model, with journeys as the events.
    infer_links : every rule at once.
    netanalysis.resolve.significance.cooccurrence_tests : the test of each pair.

    Examples
    --------
    A and B call each other three times; 20 others each call the next one once (a single
    call is no tie):

    >>> from netanalysis.ingest import case_from_records
    >>> ids = ["A", "B"] + [f"X{i}" for i in range(20)]
    >>> num = {p: f"+34 600 {k:06d}" for k, p in enumerate(ids)}
    >>> calls = [("A", "B", "2024-01-01", 60), ("B", "A", "2024-01-02", 120),
    ...          ("A", "B", "2024-01-03", None)]
    >>> calls += [(f"X{i}", f"X{(i + 1) % 20}", "2024-02-01", 30) for i in range(20)]
    >>> c = case_from_records(
    ...     persons=[{"id": p, "name": p} for p in ids],
    ...     phones=[{"number": num[p], "person_id": p} for p in ids],
    ...     calls=[{"caller": num[a], "callee": num[b], "start": s, "duration_s": d}
    ...            for a, b, s, d in calls])
    >>> t = call_links(c)
    >>> t[["from_id", "to_id", "start", "end"]].values.tolist()
    [['A', 'B', '2024-01-01', '2024-01-03']]
    >>> print(t["evidence"][0])  # doctest: +NORMALIZE_WHITESPACE
    3 calls, 3 min in all (A to B 2, B to A 1): +34600000000 / +34600000001;
    0.2 expected by chance (p = 1.1e-03)
    """
    cfg = section_settings(settings, "infer")
    ph, calls = case.tables["phones"], case.tables["calls"]
    if not len(ph) or not len(calls):
        return _empty()
    # integer codes throughout: pandas string columns aggregate slowly
    pnum, cer, cee = _phones(ph["number"]), _phones(calls["caller"]), _phones(calls["callee"])
    num_codes, nums = pd.factorize(np.concatenate([pnum, cer, cee]).astype(object), sort=True)
    k1, k2 = len(pnum), len(pnum) + len(cer)
    pid_codes, pids = pd.factorize(ph["person_id"].astype(str).astype(object), sort=True)
    start = _str_col(calls, "start")
    has_start = np.array([v is not None for v in start], dtype=bool)
    st_codes = np.full(len(start), -1, dtype=np.int64)
    st_vals = np.array([], dtype=object)
    if has_start.any():
        sc, st_vals = pd.factorize(start[has_start].astype(object), sort=True)
        st_codes[has_start] = sc
    st_vals = np.asarray(st_vals, dtype=object)
    empty_num = np.searchsorted(np.asarray(nums, dtype=object), "") \
        if "" in set(nums) else -2
    phones = pd.DataFrame({"num": num_codes[:k1], "pid": pid_codes}).drop_duplicates()
    phones = phones[phones["num"] != empty_num]
    dur = pd.to_numeric(calls["duration_s"], errors="coerce").to_numpy(float) \
        if "duration_s" in calls else np.full(len(calls), np.nan)
    c = pd.DataFrame({"caller": num_codes[k1:k2], "callee": num_codes[k2:], "dur": dur,
                      "first": np.where(st_codes >= 0, st_codes, np.iinfo(np.int64).max),
                      "last": st_codes})
    c = c[(c["caller"] != empty_num) & (c["callee"] != empty_num)]
    users = phones.groupby("num").size()
    agg = c.groupby(["caller", "callee"], sort=False).agg(
        n=("dur", "size"), dur=("dur", "sum"), first=("first", "min"), last=("last", "max"))
    agg = agg.reset_index()
    x = agg.merge(phones.rename(columns={"num": "caller", "pid": "pa"}), on="caller")
    x = x.merge(phones.rename(columns={"num": "callee", "pid": "pb"}), on="callee")
    x = x[x["pa"] != x["pb"]]
    if not len(x):
        return _empty()
    fwd = (x["pa"] < x["pb"]).to_numpy()
    lo = np.minimum(x["caller"].to_numpy(), x["callee"].to_numpy())
    hi = np.maximum(x["caller"].to_numpy(), x["callee"].to_numpy())
    x = x.assign(
        a=np.where(fwd, x["pa"], x["pb"]), b=np.where(fwd, x["pb"], x["pa"]),
        n_ab=np.where(fwd, x["n"], 0), n_ba=np.where(fwd, 0, x["n"]), lo=lo, hi=hi,
        users=np.maximum(x["caller"].map(users).to_numpy(), x["callee"].map(users).to_numpy()))
    res = x.groupby(["a", "b"], sort=True).agg(
        n=("n", "sum"), dur=("dur", "sum"), n_ab=("n_ab", "sum"), n_ba=("n_ba", "sum"),
        first=("first", "min"), last=("last", "max"), max_users=("users", "max")).reset_index()
    # activity of a person = its calls with other persons; family = pairs with >= 1 call
    act = pd.concat([res[["a", "n"]].rename(columns={"a": "p"}),
                     res[["b", "n"]].rename(columns={"b": "p"})]).groupby("p")["n"].sum()
    res = res.assign(k=res["n"], sa=res["a"].map(act).to_numpy(float),
                     sb=res["b"].map(act).to_numpy(float))
    seeds = _seed_ids(case, cfg)
    sc = None
    if seeds is not None:
        sc = pd.Index(pids).get_indexer(sorted(seeds))
        sc = sc[sc >= 0]
        res = res[res["a"].isin(sc) | res["b"].isin(sc)]
    # a call is one co-occurrence: a pair shares at most min(S_a, S_b) calls
    persons = pd.DataFrame({"pid": act.index.to_numpy(), "s": act.to_numpy(float),
                            "d": act.to_numpy(np.int64)})
    res = cooccurrence_tests(res, persons, fdr=float(cfg.fdr), seeds=sc)
    res = res[res["keep"]].reset_index(drop=True)
    if not len(res):
        return _empty()
    numv = np.asarray(nums, dtype=object)
    pairs_ = x[["a", "b", "lo", "hi"]].drop_duplicates().groupby(["a", "b"]).head(5)
    labels = numv[pairs_["lo"].to_numpy()] + " / " + numv[pairs_["hi"].to_numpy()]
    lab = _labels_by_pair(pairs_["a"].to_numpy(), pairs_["b"].to_numpy(), labels.astype(object))
    res = res.merge(lab, on=["a", "b"], how="left")
    pidv = np.asarray(pids, dtype=object)
    res["a"] = pidv[res["a"].to_numpy()]
    res["b"] = pidv[res["b"].to_numpy()]
    f, l_ = res["first"].to_numpy(), res["last"].to_numpy()
    res["first"] = [st_vals[v] if 0 <= v < len(st_vals) else None for v in f]
    res["last"] = [st_vals[v] if 0 <= v < len(st_vals) else None for v in l_]
    ev = []
    for r in res.itertuples(index=False):
        txt = (f"{int(r.n)} call{'s' if r.n != 1 else ''}, {_minutes(r.dur)} in all "
               f"({r.a} to {r.b} {int(r.n_ab)}, {r.b} to {r.a} {int(r.n_ba)}): " + ", ".join(r.nums))
        if r.max_users > 1:
            txt += "; a number is used by several persons, attributed to each"
        ev.append(txt + "; " + _chance(r.lam, r.p))
    return _finish(res["a"], res["b"], "calls", ev, surprise(res["p"]), cfg, res["first"],
                   res["last"])


# --------------------------------------------------------------------------------------------
def _shared(uses, typ, verb, sub, cfg, seeds=None):
    uses = uses[uses["key"] != ""].drop_duplicates(subset=["pid", "key"])
    if not len(uses):
        return _empty()
    labels = uses.drop_duplicates("key").set_index("key")["label"]
    ev, keys = pd.factorize(uses["key"].to_numpy(dtype=object), sort=True)
    inc = pd.DataFrame({"pid": uses["pid"].to_numpy(dtype=object), "ev": ev.astype(np.int64),
                        "kind": "I", "day": None})
    events = pd.DataFrame({"ev": np.arange(len(keys), dtype=np.int64), "kind": "I",
                           "label": np.asarray(keys, dtype=object), "day": None})
    persons = inc.groupby("pid", sort=True).size().rename("d").reset_index()
    with _connect(None, None) as con:
        con.register("inc_df", inc)
        con.register("events_df", events)
        con.execute("CREATE TEMP TABLE inc AS SELECT pid, ev, kind, day::VARCHAR AS day "
                    "FROM inc_df")
        con.execute("CREATE TEMP TABLE events AS SELECT ev, kind, label, day::VARCHAR AS day "
                    "FROM events_df")
        if seeds is not None:
            con.register("seeds", pd.DataFrame({"pid": sorted(seeds)}, dtype=object))
        _cooccur(con, int(sub["max_users"]), seeds is not None)
        pairs = _pairs(con, "I", seeds is not None)
        res = identifier_tests(pairs, persons, fdr=float(cfg.fdr),
                               rate=float(sub["collision_rate"]), seeds=seeds)
        kept = res[res["keep"]].reset_index(drop=True)
        if not len(kept):
            return _empty()
        items = _event_items(con, kept)
    res = kept.merge(items, on=["a", "b"], how="left")
    ev = []
    for r in res.itertuples(index=False):
        its = sorted(r.items, key=lambda x: labels[x["label"]])
        txt = f"{verb} " + ", ".join(labels[x["label"]] for x in its[:5])
        if len(its) > 5:
            txt += f", and {len(its) - 5} more"
        top = max(int(x["n"]) for x in its)
        if top > 2:
            txt += f" (used by up to {top} persons)"
        ev.append(txt + "; " + _chance(r.lam, r.p))
    none = pd.Series([None] * len(res), dtype=object)
    return _finish(res["a"], res["b"], typ, ev, surprise(res["p"]), cfg, none, none)


@contextlib.contextmanager
def _connect(memory_limit, temp_directory):
    """A DuckDB connection; settings reach DuckDB as configuration values, never as SQL text
    (issue 14)."""
    from netanalysis.errors import InputError
    own_tmp = temp_directory is None or str(temp_directory).strip() == ""
    if not own_tmp and not isinstance(temp_directory, (str, os.PathLike)):
        raise InputError("infer.co_travel.temp_directory must be a folder path, "
                         f"not {type(temp_directory).__name__}")
    if not own_tmp and not os.path.isdir(temp_directory):
        raise InputError("infer.co_travel.temp_directory: folder not found", file=temp_directory)
    config = {}
    if memory_limit:
        config["memory_limit"] = _duckdb_size(memory_limit)
    tmp = tempfile.mkdtemp(prefix="netanalysis-duckdb-") if own_tmp else os.fspath(temp_directory)
    config["temp_directory"] = tmp
    config["preserve_insertion_order"] = False     # no query here relies on it: less memory
    con = duckdb.connect(config=config)
    try:    # our own progress lines replace DuckDB's bar; in Jupyter without ipywidgets
        con.execute("SET enable_progress_bar = false")   # DuckDB refuses to change it
    except duckdb.Error:
        pass
    try:
        yield con
    finally:
        con.close()
        if own_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _cooccur(con, max_size, seeded=False):
    """Build the events of 2 to `max_size` persons from the tables ``inc(pid, ev, kind, day)``
    (one row per person and event) and ``events(ev, kind, label, day)``: tables ``evs(ev,
    kind, label, n, day, day2)`` and ``us(pid, ev, kind, n)`` on `con` (integer joins only)."""
    con.execute("""
    CREATE TEMP TABLE evs AS
    SELECT e.ev, e.kind, e.label, c.n, coalesce(c.day, e.day) AS day,
           coalesce(c.day2, e.day) AS day2
    FROM (SELECT ev, count(*)::INTEGER AS n, min(day) AS day, max(day) AS day2
          FROM inc GROUP BY ev HAVING count(*) BETWEEN 2 AND $max_size) c
         JOIN events e USING (ev)
    """, {"max_size": int(max_size)})
    con.execute("""
    CREATE TEMP TABLE us AS
    SELECT i.pid, e.ev, e.kind, e.n FROM inc i JOIN evs e USING (ev)
    """)


_PAIRS_HEAD = """
    CREATE TEMP TABLE pr AS
    SELECT least(a.pid, b.pid) AS a, greatest(a.pid, b.pid) AS b, count(*)::INTEGER AS k,
           max(a.n)::INTEGER AS u, sum(ln(a.n - 1))::DOUBLE AS ls
"""
#: Pairs of the events of one kind, each once: every pair, or those with a person of ``seeds``.
_PAIRS_ALL = _PAIRS_HEAD + """
    FROM (SELECT * FROM us WHERE kind = $kind) a
         JOIN (SELECT * FROM us WHERE kind = $kind) b ON a.ev = b.ev AND a.pid < b.pid
    GROUP BY 1, 2
"""
_PAIRS_SEEDED = _PAIRS_HEAD + """
    FROM (SELECT * FROM us WHERE kind = $kind AND pid IN (SELECT pid FROM seeds)) a
         JOIN (SELECT * FROM us WHERE kind = $kind) b ON a.ev = b.ev AND a.pid <> b.pid
    WHERE b.pid NOT IN (SELECT pid FROM seeds) OR a.pid < b.pid
    GROUP BY 1, 2
"""
#: The candidate pairs of :func:`_pruned_journey_pairs` (every pair, or seeded): the pair
#: aggregation of ``_PAIRS_ALL`` / ``_PAIRS_SEEDED`` as a subquery, filtered as it streams.
#: Both texts are fixed when the module loads; values travel as parameters.
_PRF_TEMPLATE = """
    CREATE TEMP TABLE prf AS
    SELECT * FROM (
    SELECT pr.a, pr.b, pr.k, pr.ls,
           least(lam / (1 + lam), greatest(da_d, db_d) * (pr.u - 1) / $n_inc) * (1 - 1e-9)
               AS pfloor
    FROM (SELECT pr.a, pr.b, pr.k, pr.ls, pr.u, da.d::DOUBLE AS da_d, db.d::DOUBLE AS db_d,
                 greatest(da.s * db.d, db.s * da.d) AS lam_l,
                 greatest(da.s * db.d, db.s * da.d) / $n_inc AS lam,
                 (da.s * da.d) * (db.s * db.d) AS xx, da.nb::DOUBLE AS na, db.nb::DOUBLE AS nbb,
                 least(da.d, db.d) AS dmin, least(da.nb, db.nb) AS nmin,
                 greatest(greatest(da.f, 1)::DOUBLE * da.d, greatest(db.f, 1)::DOUBLE * db.d)
                     AS yy
          FROM (@PAIRS@) pr JOIN deg da ON da.pid = pr.a JOIN deg db ON db.pid = pr.b) pr
         LEFT JOIN cut_j cj ON cj.d = pr.dmin
         LEFT JOIN cut_b cb ON cb.nb = pr.nmin
    WHERE (pr.k >= 2 OR pr.lam_l <= $lim)
      AND ((pr.dmin > 0 AND (pr.xx <= cj.cut OR pr.yy <= cj.ycut))
           OR (pr.na > 0 AND pr.nbb > 0 AND pr.na * pr.nbb * $r2 <= cb.cut))
    ) WHERE k >= 2 OR pfloor <= $t_cap
"""
_PRF = {seeded: _PRF_TEMPLATE.replace(
            "@PAIRS@", (_PAIRS_SEEDED if seeded else _PAIRS_ALL).replace(
                "CREATE TEMP TABLE pr AS", ""))
        for seeded in (False, True)}


def _pairs(con, kind, seeded, lam_max=None):
    """The pair table of the events of `kind`: ``a, b, k`` (events shared), ``u`` (most persons
    of an event shared); with `lam_max`, pairs sharing one event only where ``lambda <=
    lam_max`` (the others cannot pass; see :func:`cooccurrence_tests`). Each pair once; seeded:
    only pairs with a person of the table ``seeds``."""
    con.execute("DROP TABLE IF EXISTS pr")
    con.execute(_PAIRS_SEEDED if seeded else _PAIRS_ALL, {"kind": kind})
    if lam_max is None:
        return con.execute("SELECT a, b, k, u, ls FROM pr ORDER BY a, b").df()
    return con.execute("""
    SELECT pr.a, pr.b, pr.k, pr.u, pr.ls
    FROM pr JOIN deg da ON da.pid = pr.a JOIN deg db ON db.pid = pr.b
    WHERE pr.k >= 2 OR greatest(da.s * db.d, db.s * da.d) <= $lim * (SELECT sum(d) FROM deg)
    ORDER BY pr.a, pr.b
    """, {"lim": float(lam_max)}).df()


def _seed_ids(case, cfg):
    """None (``infer.seed: all``: every pair is tested) or the ids of the persons of interest
    (``wanted``: persons with a ``wanted_by``): then only their pairs form the family tested."""
    seed = cfg.seed
    if seed in (None, "all"):
        return None
    if seed != "wanted":
        from netanalysis.errors import InputError
        raise InputError(f'infer.seed must be "all" or "wanted", not "{seed}"')
    p = case.tables["persons"]
    if not len(p) or "wanted_by" not in p:
        return set()
    return {str(i) for i, w in zip(p["id"], p["wanted_by"])
            if (len(w) > 0 if isinstance(w, (list, tuple, np.ndarray)) else present(w))}


def _event_items(con, kept):
    """The events each kept pair shares, ordered by day and label, with first and last day."""
    con.register("kept", kept[["a", "b"]])
    return con.execute("""
    SELECT k.a, k.b, list({'kind': e.kind, 'label': e.label, 'n': e.n} ORDER BY e.day, e.label)
               AS items,
           min(e.day) AS first_day, max(e.day2) AS last_day
    FROM kept k JOIN us x ON x.pid = k.a JOIN us y ON y.pid = k.b AND y.ev = x.ev
         JOIN evs e ON e.ev = x.ev
    GROUP BY k.a, k.b
    """).df()


def chance_text(lam, p):
    """Return the end of every inferred tie's evidence: the count expected by chance and the
    p-value.

    Parameters
    ----------
    lam : float
        Co-occurrences expected by chance.
    p : float
        p-value.

    Returns
    -------
    str

    Examples
    --------
    >>> chance_text(0.0291, 4.07e-06)
    '0.029 expected by chance (p = 4.1e-06)'

    See Also
    --------
    finish_ties
    """
    return f"{lam:.2g} expected by chance (p = {p:.1e})"


_chance = chance_text


def finish_ties(a, b, typ, evidence, score, cfg, start, end):
    """Return the rows of one rule's ties: score rounded, confidence below
    ``infer.max_confidence``, sorted by decreasing score.

    Parameters
    ----------
    a, b : array_like of str
        The pair (``a < b``).
    typ : str
        The inferred link type.
    evidence : list of str
    score : array_like of float
        Surprise ``-log10 p``.
    cfg : Settings section
        The ``infer`` section (``max_confidence``).
    start, end : array_like
        First and last day of the evidence, None where unknown.

    Returns
    -------
    DataFrame
        :data:`INFERRED_COLUMNS`.

    Examples
    --------
    >>> t = finish_ties(["A"], ["B"], "calls", ["3 calls"], [5.0], {"max_confidence": 0.2},
    ...                 ["2024-01-01"], [None])
    >>> t[["from_id", "to_id", "score", "confidence", "end"]].values.tolist()
    [['A', 'B', 5.0, 0.1986, None]]

    See Also
    --------
    empty_ties, chance_text
    """
    score = np.round(np.asarray(score, dtype=float), 4)
    mc = float(cfg["max_confidence"])
    conf = np.floor(mc * (1.0 - np.exp(-score)) * 1e4) / 1e4   # rounded down: < max_confidence
    conf = np.minimum(conf, (np.ceil(mc * 1e4) - 1) / 1e4)      # even where exp(-score) is 0
    return pd.DataFrame({
        "from_id": np.asarray(a, dtype=object), "to_id": np.asarray(b, dtype=object),
        "type": typ, "evidence": list(evidence), "score": score, "confidence": conf,
        "weight": score,
        "start": [s if present(s) else None for s in start],
        "end": [e if present(e) else None for e in end],
    })[INFERRED_COLUMNS].sort_values(["score", "from_id", "to_id"], ascending=[False, True, True],
                                     kind="stable").reset_index(drop=True)


_finish = finish_ties


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*", re.IGNORECASE)


def _duckdb_size(value, key="infer.co_travel.memory_limit"):
    """Return a DuckDB size literal from a setting, or raise InputError naming `key`.

    Examples
    --------
    >>> _duckdb_size("2GB"), _duckdb_size(" 512 mb"), _duckdb_size(1024)
    ('2GB', '512MB', '1024B')
    >>> _duckdb_size("1GB'; COPY (SELECT 1) TO '/tmp/x'; --")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netanalysis.errors.InputError: infer.co_travel.memory_limit must be a size such as 2GB ...
    """
    from netanalysis.errors import InputError
    m = _SIZE.fullmatch(str(value)) if isinstance(value, (str, int)) and \
        not isinstance(value, bool) else None
    if m is None:
        raise InputError(f'{key} must be a size such as 2GB or 512MB, not "{value}"')
    return m.group(1) + (m.group(2) or "B").upper()


def _str_col(df, col):
    """A column as an object array of str, None where missing or blank (vectorised)."""
    if col not in df:
        return np.full(len(df), None, dtype=object)
    codes, uniq = pd.factorize(df[col])        # each distinct value cleaned once
    vals = np.array([None] + [v if v != "" else None for v in (str(u).strip() for u in uniq)],
                    dtype=object)
    return vals[codes + 1]


def _phones(series):
    """Normalise a column of phone numbers (each distinct value once)."""
    codes, uniq = pd.factorize(series.astype(object), use_na_sentinel=False)
    norm = np.array([phone_key(v) for v in uniq], dtype=object)
    return norm[codes] if len(norm) else np.array([], dtype=object)


def _col(df, name):
    return df[name].tolist() if name in df else [None] * len(df)


def minutes_text(seconds):
    """Return a duration as the evidence of calls writes it.

    Parameters
    ----------
    seconds : float

    Returns
    -------
    str
        Seconds under a minute, minutes under two hours, else hours.

    Examples
    --------
    >>> minutes_text(30), minutes_text(180), minutes_text(7200)
    ('30 s', '3 min', '2.0 h')

    See Also
    --------
    chance_text
    """
    m = seconds / 60.0
    if m < 1:
        return f"{int(round(seconds))} s"
    return f"{int(round(m))} min" if m < 120 else f"{m / 60:.1f} h"


def empty_ties():
    """Return a table of no ties, with the columns and dtypes of :func:`infer_links`.

    Returns
    -------
    DataFrame
        :data:`INFERRED_COLUMNS`, no rows.

    Examples
    --------
    >>> list(empty_ties().columns) == INFERRED_COLUMNS, len(empty_ties())
    (True, 0)

    See Also
    --------
    finish_ties
    """
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("score", "confidence", "weight")
                                      else object) for c in INFERRED_COLUMNS})


_minutes = minutes_text
_empty = empty_ties


def _labels_by_pair(a, b, labels):
    """``a``, ``b``, ``nums``: the labels of each pair as a list, in their order (one sort).

    What ``groupby(["a", "b"])["label"].agg(list)`` gives, without a Python call per group.
    """
    if not len(a):
        return pd.DataFrame({"a": a, "b": b, "nums": pd.Series([], dtype=object)})
    codes, _ = pd.factorize(pd.MultiIndex.from_arrays([a, b]), sort=False)
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    first = order[starts]
    vals = labels[order].tolist()
    ends = np.r_[starts[1:], len(order)].tolist()
    nums = [vals[i:j] for i, j in zip(starts.tolist(), ends)]
    return pd.DataFrame({"a": a[first], "b": b[first], "nums": pd.Series(nums, dtype=object)})

