"""Inferred links: ties between persons that no source stated, found in travel, documents,
phones and calls.

Every inferred tie is a row ``from_id, to_id, type, evidence, score, confidence, weight,
start, end`` (``from_id < to_id``: the ties are undirected), with a type from
``inferred_link_types`` of the case schema, an ``evidence`` text an analyst can check, and a
confidence kept below that of reported ties, so analyses can include or leave out inferred ties
(``include_inferred``) and never let them outweigh what a source reported.

Notes
-----
The rules, with the settings of ``schema/settings/infer.yaml``:

``co_travel``
    A *journey* is a carrier + flight (or voyage) number departing on one day, with the
    semantics of :func:`netanalysis.model.graph.journey_key` (``AV`` + ``85`` on 2024-03-05 is
    ``AV85|2024-03-05``); rows without a flight number or a full departure day are no shared
    journey. A journey with ``p`` distinct passengers in the data contributes
    ``1 / log2(1 + p)`` to every pair of its passengers: a flight with 8 passengers in the
    data gives 0.32, one with 300 gives 0.12, so rare shared journeys weigh more than busy
    ones (an IDF weight, as in [1]_). Journeys with more than ``max_passengers`` are ignored.
    A shared ``booking_ref`` (at most ``max_booking_size`` passengers) adds
    ``booking_weight``. A pair becomes a tie when it shares a booking, or at least
    ``min_shared_journeys`` journeys weighing ``min_score`` in all, or one journey that carried
    at most ``small_journey_passengers`` persons in the data (a private plane, a small boat;
    off by default, because a case rarely holds full manifests). One shared
    busy flight alone is a coincidence and gives no tie.
``shared_phone``
    Two persons using the same number (``phones.csv``). A number used by ``u`` persons
    contributes ``1 / log2(1 + u)``; numbers used by more than ``max_users`` persons
    (a switchboard, a hotel) are ignored.
``shared_document``
    Two persons holding a document with the same number from the same issuing country
    (``documents.csv``), or one travelling on a document another holds (``travel.document_id``).
    Weighted like phones. Records merged by resolution are one person by then and produce no
    tie.
``calls``
    Calls between numbers attributed to persons: ``score = count_weight x log2(1 + calls) +
    duration_weight x log2(1 + minutes)``. A number used by several persons is attributed to
    each of them (each gets the tie; the evidence says the number is shared).

For every type, ``confidence = max_confidence x (1 - exp(-score))`` < ``max_confidence``
(0.2 by default) < 0.25, the confidence of an ungraded reported tie (``F6``); ``weight`` is
the score.

Co-travel, shared identifiers and calls run as SQL in DuckDB (self-join per journey, grouped
by pair), which handles 10 million travel rows in minutes with bounded memory
(``co_travel.memory_limit``; DuckDB spills to a temporary folder beyond it).

References
----------
.. [1] Spärck Jones, K. (1972). A statistical interpretation of term specificity and its
   application in retrieval. *Journal of Documentation* 28(1): 11-21. doi:10.1108/eb026526
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile

import duckdb
import numpy as np
import pandas as pd

from netanalysis.model.vocab import INFERRED_LINK_TYPES
from netanalysis.progress import Progress
from netanalysis.resolve.blocking import normalize_document, normalize_phone
from netanalysis.resolve.entities import section_settings

__all__ = [
    "INFERRED_COLUMNS",
    "infer_links",
    "co_travel_links",
    "shared_phone_links",
    "shared_document_links",
    "call_links",
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

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> tr = pd.DataFrame({"person_id": ["A", "B", "A", "B", "C"],
    ...     "depart": ["2024-03-05T10:00", "2024-03-05T10:00", "2024-04-01", "2024-04-01", "2024-04-01"],
    ...     "carrier": ["AV", "AV", "IB", "IB", "IB"], "flight": ["85", "AV85", "6500", "6500", "6500"],
    ...     "origin": "BOG", "destination": "MAD", "_file": "travel.csv", "_line": [2, 3, 4, 5, 6]})
    >>> c = Case(tables={"persons": pd.DataFrame({"id": ["A", "B", "C"], "name": ["a", "b", "c"]}),
    ...                  "travel": tr})
    >>> t = infer_links(c)
    >>> t[["from_id", "to_id", "type"]].values.tolist()
    [['A', 'B', 'co_travel']]
    >>> t["evidence"][0]
    '2 shared journeys: AV85 2024-03-05 (2 passengers), IB6500 2024-04-01 (3 passengers)'
    >>> bool(t["confidence"][0] < 0.2)
    True
    """
    cfg = section_settings(settings, "infer")
    progress = progress or Progress(quiet=True)
    if not cfg.get("enabled", True):
        progress.say("inference: turned off (infer.enabled is false)")
        return _empty()
    types = list(cfg.get("types") or INFERRED_LINK_TYPES)
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
    """Return ``co_travel`` ties: shared journeys and shared bookings (see the module notes).

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> tr = pd.DataFrame({"person_id": ["A", "B"], "depart": ["2024-03-05", "2024-03-09"],
    ...     "flight": [None, None], "carrier": [None, None], "booking_ref": ["qx7y2", "QX7Y2"],
    ...     "origin": "BOG", "destination": "MAD", "_line": [2, 3]})
    >>> co_travel_links(Case(tables={"travel": tr}))[["from_id", "to_id", "evidence"]].values.tolist()
    [['A', 'B', 'shared booking QX7Y2']]
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
    sql = """
    WITH t AS (
        SELECT pid,
               upper(replace(coalesce(carrier, ''), ' ', '')) AS car,
               upper(replace(flight, ' ', '')) AS fl,
               substr(depart, 1, 10) AS day,
               upper(trim(booking)) AS bk
        FROM travel
    ),
    j AS (
        SELECT DISTINCT pid,
               CASE WHEN car <> '' AND NOT starts_with(fl, car) THEN car || fl ELSE fl END AS code,
               day
        FROM t
        WHERE fl IS NOT NULL AND fl <> '' AND length(day) = 10
    ),
    js AS (
        SELECT code, day, count(*) AS pax FROM j GROUP BY code, day
        HAVING count(*) BETWEEN 2 AND $max_pax
    ),
    jj AS (SELECT j.pid, j.code, j.day, js.pax FROM j JOIN js USING (code, day)),
    jp AS (
        SELECT a.pid AS a, b.pid AS b, count(*) AS n_j, sum(1.0 / log2(1 + a.pax)) AS jscore,
               min(a.pax) AS min_pax, min(a.day) AS first_day, max(a.day) AS last_day
        FROM jj a JOIN jj b ON a.code = b.code AND a.day = b.day AND a.pid < b.pid
        GROUP BY a.pid, b.pid
    ),
    bk AS (SELECT DISTINCT pid, bk, day FROM t WHERE bk IS NOT NULL AND bk <> ''),
    bs AS (SELECT bk, count(DISTINCT pid) AS pax FROM bk GROUP BY bk
           HAVING count(DISTINCT pid) BETWEEN 2 AND $max_bk),
    bb AS (SELECT bk.* FROM bk JOIN bs USING (bk)),
    bp AS (
        SELECT a.pid AS a, b.pid AS b, count(DISTINCT a.bk) AS n_b,
               min(least(a.day, b.day)) AS bfirst, max(greatest(a.day, b.day)) AS blast
        FROM bb a JOIN bb b ON a.bk = b.bk AND a.pid < b.pid
        GROUP BY a.pid, b.pid
    ),
    ties AS (
        SELECT coalesce(jp.a, bp.a) AS a, coalesce(jp.b, bp.b) AS b,
               coalesce(n_j, 0) AS n_j, coalesce(jscore, 0) AS jscore, min_pax,
               coalesce(n_b, 0) AS n_b,
               least(coalesce(first_day, bfirst), coalesce(bfirst, first_day)) AS first_day,
               greatest(coalesce(last_day, blast), coalesce(blast, last_day)) AS last_day
        FROM jp FULL OUTER JOIN bp ON jp.a = bp.a AND jp.b = bp.b
        WHERE coalesce(n_b, 0) >= 1
           OR (coalesce(n_j, 0) >= $min_j AND coalesce(jscore, 0) >= $min_score)
           OR (coalesce(n_j, 0) >= 1 AND min_pax <= $small)
    ),
    ji AS (
        SELECT t.a, t.b, list(x.code || ' ' || x.day || ' (' || x.pax || ' passengers)'
                              ORDER BY x.day, x.code)[1:$items] AS jitems
        FROM ties t JOIN jj x ON x.pid = t.a JOIN jj y ON y.pid = t.b AND y.code = x.code
             AND y.day = x.day
        WHERE t.n_j > 0
        GROUP BY t.a, t.b
    ),
    bi AS (
        SELECT t.a, t.b, list(DISTINCT x.bk ORDER BY x.bk)[1:$items] AS bitems
        FROM ties t JOIN bb x ON x.pid = t.a JOIN bb y ON y.pid = t.b AND y.bk = x.bk
        WHERE t.n_b > 0
        GROUP BY t.a, t.b
    )
    SELECT ties.*, ji.jitems, bi.bitems
    FROM ties LEFT JOIN ji ON ji.a = ties.a AND ji.b = ties.b
              LEFT JOIN bi ON bi.a = ties.a AND bi.b = ties.b
    """
    params = {"max_pax": int(ct["max_passengers"]), "max_bk": int(ct["max_booking_size"]),
              "items": int(ct["max_evidence_items"]), "min_j": int(ct["min_shared_journeys"]),
              "min_score": float(ct["min_score"]), "small": int(ct["small_journey_passengers"])}
    res = _run_sql(sql, {"travel": df}, params, ct.get("memory_limit"), ct.get("temp_directory"))
    if not len(res):
        return _empty()
    bw = float(ct["booking_weight"])
    score = res["jscore"].to_numpy(float) + bw * res["n_b"].to_numpy(float)
    ev = []
    for n_j, ji, n_b, bi in zip(res["n_j"], res["jitems"], res["n_b"], res["bitems"]):
        parts = []
        if n_j:
            items = list(ji)
            more = f", and {n_j - len(items)} more" if n_j > len(items) else ""
            parts.append(f"{n_j} shared journey{'s' if n_j > 1 else ''}: " + ", ".join(items) + more)
        if n_b:
            items = list(bi)
            more = f", and {n_b - len(items)} more" if n_b > len(items) else ""
            parts.append(f"shared booking{'s' if n_b > 1 else ''} " + ", ".join(items) + more)
        ev.append("; ".join(parts))
    names = np.asarray(uniq, dtype=object)
    return _finish(names[res["a"].to_numpy(np.int64)], names[res["b"].to_numpy(np.int64)],
                   "co_travel", ev, score, cfg, res["first_day"],
                   res["last_day"])


def shared_phone_links(case, *, settings=None):
    """Return ``shared_phone`` ties: two persons using the same number.

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> ph = pd.DataFrame({"number": ["+573001112233", "+57 300 111 2233", "+34600"],
    ...                    "person_id": ["A", "B", "A"]})
    >>> shared_phone_links(Case(tables={"phones": ph}))[["from_id", "to_id", "evidence"]].values.tolist()
    [['A', 'B', 'both use phone +573001112233']]
    """
    cfg = section_settings(settings, "infer")
    ph = case.tables["phones"]
    if not len(ph):
        return _empty()
    uses = pd.DataFrame({"pid": ph["person_id"].astype(str).to_numpy(dtype=object),
                         "key": [normalize_phone(x) for x in ph["number"].tolist()]})
    uses["label"] = uses["key"]
    return _shared(uses, "shared_phone", "both use phone", int(cfg["shared_phone"]["max_users"]),
                   cfg)


def shared_document_links(case, *, settings=None):
    """Return ``shared_document`` ties: the same document number (same issuing country) held
    by two persons, or a person travelling on a document another holds.

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> docs = pd.DataFrame({"id": ["D1", "D2"], "holder_id": ["A", "B"], "kind": ["passport"] * 2,
    ...     "number": ["AB123", "ab-123"], "issuing_country": ["VE", "VE"]})
    >>> shared_document_links(Case(tables={"documents": docs}))["evidence"].tolist()
    ['both use passport AB123 (VE)']
    """
    cfg = section_settings(settings, "infer")
    docs = case.tables["documents"]
    if not len(docs):
        return _empty()
    kind = [str(k).replace("_", " ") if _present(k) else "document" for k in _col(docs, "kind")]
    country = [str(c).upper() if _present(c) else "" for c in _col(docs, "issuing_country")]
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
    return _shared(uses, "shared_document", "both use", int(cfg["shared_document"]["max_users"]),
                   cfg)


def call_links(case, *, settings=None):
    """Return ``calls`` ties: calls between numbers attributed to persons.

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> ph = pd.DataFrame({"number": ["+1", "+2"], "person_id": ["A", "B"]})
    >>> calls = pd.DataFrame({"caller": ["+1", "+2", "+1"], "callee": ["+2", "+1", "+2"],
    ...     "start": ["2024-01-01", "2024-01-02", "2024-01-03"], "duration_s": [60, 120, None]})
    >>> t = call_links(Case(tables={"phones": ph, "calls": calls}))
    >>> t[["from_id", "to_id", "evidence", "start", "end"]].values.tolist()
    [['A', 'B', '3 calls, 3 min in all (A to B 2, B to A 1): +1 / +2', '2024-01-01', '2024-01-03']]
    """
    cfg = section_settings(settings, "infer")
    cc = cfg["calls"]
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
    res = res[res["n"] >= int(cc["min_calls"])]
    if not len(res):
        return _empty()
    numv = np.asarray(nums, dtype=object)
    pairs_ = x[["a", "b", "lo", "hi"]].drop_duplicates().groupby(["a", "b"]).head(5)
    labels = numv[pairs_["lo"].to_numpy()] + " / " + numv[pairs_["hi"].to_numpy()]
    lab = pd.DataFrame({"a": pairs_["a"].to_numpy(), "b": pairs_["b"].to_numpy(),
                        "label": labels.astype(object)})
    lab = lab.groupby(["a", "b"], sort=False)["label"].agg(list).rename("nums").reset_index()
    res = res.merge(lab, on=["a", "b"], how="left")
    pidv = np.asarray(pids, dtype=object)
    res["a"] = pidv[res["a"].to_numpy()]
    res["b"] = pidv[res["b"].to_numpy()]
    f, l_ = res["first"].to_numpy(), res["last"].to_numpy()
    res["first"] = [st_vals[v] if 0 <= v < len(st_vals) else None for v in f]
    res["last"] = [st_vals[v] if 0 <= v < len(st_vals) else None for v in l_]
    n = res["n"].to_numpy(float)
    minutes = res["dur"].to_numpy(float) / 60.0
    score = float(cc["count_weight"]) * np.log2(1 + n) + \
        float(cc["duration_weight"]) * np.log2(1 + minutes)
    ev = []
    for r in res.itertuples(index=False):
        txt = (f"{int(r.n)} call{'s' if r.n != 1 else ''}, {_minutes(r.dur)} in all "
               f"({r.a} to {r.b} {int(r.n_ab)}, {r.b} to {r.a} {int(r.n_ba)}): " + ", ".join(r.nums))
        if r.max_users > 1:
            txt += "; a number is used by several persons, attributed to each"
        ev.append(txt)
    return _finish(res["a"], res["b"], "calls", ev, score, cfg, res["first"], res["last"])


# --------------------------------------------------------------------------------------------
def _shared(uses, typ, verb, max_users, cfg):
    uses = uses[uses["key"] != ""].drop_duplicates(subset=["pid", "key"])
    if not len(uses):
        return _empty()
    sql = """
    WITH k AS (SELECT key, count(*) AS u, min(label) AS label FROM uses GROUP BY key
               HAVING count(*) BETWEEN 2 AND $max_users),
    p AS (SELECT a.pid AS a, b.pid AS b, k.key, k.u, k.label
          FROM uses a JOIN k USING (key) JOIN uses b ON b.key = a.key AND a.pid < b.pid)
    SELECT a, b, count(*) AS n, sum(1.0 / log2(1 + u)) AS score, max(u) AS max_u,
           list(label ORDER BY label)[1:5] AS labels
    FROM p GROUP BY a, b
    """
    res = _run_sql(sql, {"uses": uses}, {"max_users": max_users}, None)
    if not len(res):
        return _empty()
    ev = []
    for r in res.itertuples(index=False):
        txt = f"{verb} " + ", ".join(r.labels)
        if r.n > len(r.labels):
            txt += f", and {r.n - len(r.labels)} more"
        if r.max_u > 2:
            txt += f" (used by up to {int(r.max_u)} persons)"
        ev.append(txt)
    none = pd.Series([None] * len(res), dtype=object)
    return _finish(res["a"], res["b"], typ, ev, res["score"].to_numpy(float), cfg, none, none)


def _finish(a, b, typ, evidence, score, cfg, start, end):
    score = np.round(np.asarray(score, dtype=float), 4)
    mc = float(cfg["max_confidence"])
    conf = np.floor(mc * (1.0 - np.exp(-score)) * 1e4) / 1e4   # rounded down: < max_confidence
    return pd.DataFrame({
        "from_id": np.asarray(a, dtype=object), "to_id": np.asarray(b, dtype=object),
        "type": typ, "evidence": list(evidence), "score": score, "confidence": conf,
        "weight": score,
        "start": [s if _present(s) else None for s in start],
        "end": [e if _present(e) else None for e in end],
    })[INFERRED_COLUMNS].sort_values(["score", "from_id", "to_id"], ascending=[False, True, True],
                                     kind="stable").reset_index(drop=True)


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


def _run_sql(sql, tables, params, memory_limit, temp_directory=None):
    """Run one query on registered DataFrames; settings reach DuckDB as configuration values,
    never as SQL text (issue 14)."""
    from netanalysis.errors import InputError
    own_tmp = temp_directory is None or str(temp_directory).strip() == ""
    if not own_tmp and not isinstance(temp_directory, (str, os.PathLike)):
        raise InputError("infer.co_travel.temp_directory must be a folder path, "
                         f"not {type(temp_directory).__name__}")
    tmp = tempfile.mkdtemp(prefix="netanalysis-duckdb-") if own_tmp else os.fspath(temp_directory)
    config = {"temp_directory": tmp}
    if memory_limit:
        config["memory_limit"] = _duckdb_size(memory_limit)
    con = duckdb.connect(config=config)
    try:
        for name, df in tables.items():
            # pandas string columns (python storage) scan very slowly in DuckDB: pass objects
            strs = {c: object for c in df.columns if isinstance(df[c].dtype, pd.StringDtype)}
            con.register(name, df.astype(strs) if strs else df)
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        return con.execute(sql, used).df()
    finally:
        con.close()
        if own_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _str_col(df, col):
    """A column as an object array of str, None where missing or blank (vectorised)."""
    if col not in df:
        return np.full(len(df), None, dtype=object)
    s = df[col]
    ok = s.notna().to_numpy()
    out = np.full(len(s), None, dtype=object)
    if ok.any():
        v = s[ok].astype(str).str.strip()
        nz = (v != "").to_numpy()
        idx = np.flatnonzero(ok)[nz]
        out[idx] = v[nz].to_numpy(dtype=object)
    return out


def _phones(series):
    """Normalise a column of phone numbers (each distinct value once)."""
    codes, uniq = pd.factorize(series.astype(object), use_na_sentinel=False)
    norm = np.array([normalize_phone(v) for v in uniq], dtype=object)
    return norm[codes] if len(norm) else np.array([], dtype=object)


def _col(df, name):
    return df[name].tolist() if name in df else [None] * len(df)


def _minutes(seconds):
    m = seconds / 60.0
    if m < 1:
        return f"{int(round(seconds))} s"
    return f"{int(round(m))} min" if m < 120 else f"{m / 60:.1f} h"


def _empty():
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("score", "confidence", "weight")
                                      else object) for c in INFERRED_COLUMNS})


def _present(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return False
    if isinstance(v, float) and math.isnan(v):
        return False
    return not (isinstance(v, str) and v.strip() == "")
