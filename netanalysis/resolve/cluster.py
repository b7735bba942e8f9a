"""Clustering: accepted pairs of person records grouped into persons, analysts' decisions applied.

The fourth stage of entity resolution (:mod:`netanalysis.resolve.entities`), after the
comparison of candidate pairs (:mod:`netanalysis.resolve.compare`) and before the records of a
person are folded into one (:mod:`netanalysis.resolve.merge`). :func:`decision_pairs` reads
the analysts' decisions into forced merges and vetoes; :func:`cluster_pairs` joins records
(union-find, forced merges first, then accepted pairs by decreasing score), refuses a union
that would put two vetoed records in one person, or two passports (national ids) of one
country with no number in common, and picks the record each person keeps.

Notes
-----
Forced merges are clustered before any scored pair, so only the decisions themselves can make
a forced merge impossible (``A=B``, ``B=C``, ``A!=C``): that is an error naming both decisions'
lines, never a silent refusal.

**Conflicting documents.** A scored pair is judged on its own two records; joined through a
third record, a cluster can end up holding two passports (or two national ids) of one
country with different numbers that no pair ever compared (``A-B`` shares a phone, ``B-C``
a birth date, ``A`` and ``C`` hold passports ``X`` and ``Y`` of Colombia). Such a union is
refused when, for some kind (``passport``, ``national_id``) and issuing country, both sides
hold numbers and none in common; the refused pair is returned in ``attrs["refused"]`` (for
the review list, :func:`netanalysis.resolve.probabilistic.conflict_review_rows`), with the
two records and numbers that conflict. Documents without a country or number never
conflict. The analysts' forced merges are not checked (a ``merge`` decision is
authoritative: two passports of one person exist, renewed or second ones), and a cluster
they built is checked as a whole against the next scored union. On ``person_records``
at 300,000 records (``benchmarks/resolve_fs.py``, Fellegi-Sunter), every cluster that held
two passport numbers of one country joined different persons: 13 of 13 at seed 7
(duplicate share 0.3, phone and document rates 0.5) and 13 of 13 at seed 11 (0.5, 0.2);
refusing such unions leaves none, and false automatic merges 64 -> 56 and 121 -> 114, with
recall unchanged to three places (0.849, 0.721).

Each person keeps the record with the most information (filled
fields, list items, documents, phones; a precise birth date counts a little more than a
year), then the smallest id. Time is near-linear in the pairs (sorting them by score).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netanalysis.errors import InputError, UnknownEntityError
from netanalysis.model.values import present

__all__ = ["MERGE_COLUMNS", "REFUSED_COLUMNS", "CONFLICT_KINDS", "decision_pairs",
           "cluster_pairs"]

#: Columns of the table :func:`cluster_pairs` returns (the first four are the contract).
MERGE_COLUMNS = ["kept_id", "merged_id", "score", "reason", "via_id", "name_score", "evidence",
                 "decision"]

#: Keys of each union refused for conflicting documents (``attrs["refused"]`` of
#: :func:`cluster_pairs`): the pair (record positions ``i`` < ``j``, its ``score`` and
#: ``reason``), the ``kind`` and ``country`` of the documents that conflict, and a record of
#: each side holding one (``holder_a``, ``number_a``; ``holder_b``, ``number_b``; positions).
REFUSED_COLUMNS = ["i", "j", "score", "reason", "kind", "country", "holder_a", "number_a",
                   "holder_b", "number_b"]

#: Document kinds a person holds one number of per issuing country (at a time).
CONFLICT_KINDS = ("passport", "national_id")


def decision_pairs(feat, decisions):
    """Return the analysts' decisions as forced merges and vetoes of record positions.

    Parameters
    ----------
    feat : dict
        Record features from :func:`netanalysis.resolve.features.person_features` (its
        ``ids``).
    decisions : DataFrame or str or Path or None
        As :func:`netanalysis.resolve.decisions.load_decisions` reads them (``id_a``,
        ``id_b``, ``decision``, ``note``, ``_file``, ``_line``), or the file to read.

    Returns
    -------
    forced : DataFrame
        One row per ``merge`` decision, in file order: ``i`` < ``j`` (record positions),
        ``forced_by`` (the words the merge reason starts with: file, line and note),
        ``_file``, ``_line``.
    vetoes : DataFrame
        One row per ``veto`` decision: ``i``, ``j``, ``_file``, ``_line``.

    Raises
    ------
    UnknownEntityError
        A decision names an id that is not a person of the case (with its file and line).

    See Also
    --------
    cluster_pairs : applies them.
    netanalysis.resolve.decisions.load_decisions : reads a decisions file.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(persons=[{"id": "P1", "name": "Ana"}, {"id": "P2", "name": "Eva"},
    ...                                   {"id": "P3", "name": "Ana"}])
    >>> dec = pd.DataFrame({"id_a": ["P2", "P1"], "id_b": ["P1", "P3"],
    ...                     "decision": ["merge", "veto"], "note": ["same photo", None],
    ...                     "_file": "decisions.csv", "_line": [2, 3]})
    >>> forced, vetoes = decision_pairs(person_features(case), dec)
    >>> forced[["i", "j", "forced_by"]].values.tolist()
    [[0, 1, 'forced by analyst decision (decisions.csv:2: same photo); ']]
    >>> vetoes[["i", "j"]].values.tolist()
    [[0, 2]]
    """
    dec = _decisions_frame(decisions)
    pos = {pid: k for k, pid in enumerate(feat["ids"])}
    forced, vetoes = [], []
    for rec in dec.to_dict("records"):
        for col in ("id_a", "id_b"):
            if rec[col] not in pos:
                raise UnknownEntityError(f"decision names {rec[col]!r}, which is not a person "
                                         "of this case", file=rec.get("_file"), line=rec.get("_line"))
        i, j = sorted((pos[rec["id_a"]], pos[rec["id_b"]]))
        if i == j:
            continue
        if rec["decision"] == "veto":
            vetoes.append({"i": i, "j": j, "_file": rec.get("_file"), "_line": rec.get("_line")})
        else:
            where = f"{rec.get('_file') or 'decisions'}:{rec.get('_line') or ''}".rstrip(":")
            note = f": {rec['note']}" if present(rec.get("note")) else ""
            forced.append({"i": i, "j": j,
                           "forced_by": f"forced by analyst decision ({where}{note}); ",
                           "_file": rec.get("_file"), "_line": rec.get("_line")})
    return _frame(forced, ["i", "j", "forced_by", "_file", "_line"]), \
        _frame(vetoes, ["i", "j", "_file", "_line"])


def cluster_pairs(case, feat, scored, *, forced=None, vetoes=None, document_conflicts=True):
    """Return the merges that group the accepted pairs into persons, one row per merged record.

    Parameters
    ----------
    case : Case
        The case resolved (its ``persons`` table: the kept record is the fullest one).
    feat : dict
        Record features from :func:`netanalysis.resolve.features.person_features`.
    scored : DataFrame or list of dict
        Pairs scored by :func:`netanalysis.resolve.compare.compare_pairs` (``i``, ``j``,
        ``score``, ``name_score``, ``reason``, ``evidence``, ``accept``), as a table or as
        one dict per pair; only accepted ones are clustered.
    forced : DataFrame, optional
        Forced merges (:func:`decision_pairs`) scored by ``compare_pairs(...,
        prefilter=False)``: joined first, whatever their score, with ``decision`` ``forced``.
    vetoes : DataFrame, optional
        Vetoed pairs (``i``, ``j``, ``_file``, ``_line``): never in one person.
    document_conflicts : bool
        Refuse a scored union that would put two passports (or two national ids) of one
        country with no number in common in one person (setting
        ``resolve.document_conflict_blocks``); forced merges are never refused.

    Returns
    -------
    DataFrame
        :data:`MERGE_COLUMNS`, sorted by ``kept_id``, ``merged_id``; ``via_id`` is the record
        the merged one matched directly (the kept one when they matched each other).
        ``attrs["refused"]``: the unions refused for conflicting documents, one dict of
        :data:`REFUSED_COLUMNS` each, in the order they were tried.

    Raises
    ------
    InputError
        Forced merges would put two vetoed records in one person (through a third record).

    See Also
    --------
    decision_pairs : the forced merges and vetoes.
    netanalysis.resolve.merge.apply_merges : folds each person's records into one node.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(persons=[{"id": "P1", "name": "Ana"},
    ...     {"id": "P2", "name": "Ana", "birth_date": "1980"}, {"id": "P3", "name": "Ana"}])
    >>> scored = pd.DataFrame({"i": [0, 1], "j": [1, 2], "score": [1.5, 1.2],
    ...     "name_score": [1.0, 1.0], "reason": ["a", "b"], "evidence": ["phone", "phone"],
    ...     "accept": [True, True]})
    >>> m = cluster_pairs(case, person_features(case), scored)
    >>> m[["kept_id", "merged_id", "via_id", "reason"]].values.tolist()
    [['P2', 'P1', 'P2', 'a'], ['P2', 'P3', 'P2', 'b']]
    >>> vetoes = pd.DataFrame({"i": [0], "j": [2], "_file": None, "_line": None})
    >>> cluster_pairs(case, person_features(case), scored, vetoes=vetoes)["merged_id"].tolist()
    ['P1']

    P1 and P3 hold different Colombian passports: P2 joins the one it matches better, and the
    union with the other is refused.

    >>> case = case_from_records(persons=[{"id": "P1", "name": "Ana"},
    ...     {"id": "P2", "name": "Ana", "birth_date": "1980"}, {"id": "P3", "name": "Ana"}],
    ...     documents=[{"id": "D1", "holder_id": "P1", "kind": "passport", "number": "AA1",
    ...                 "issuing_country": "CO"}, {"id": "D2", "holder_id": "P3",
    ...                 "kind": "passport", "number": "BB2", "issuing_country": "CO"}])
    >>> m = cluster_pairs(case, person_features(case), scored)
    >>> m["merged_id"].tolist(), [(r["i"], r["j"], r["number_a"], r["number_b"])
    ...                           for r in m.attrs["refused"]]
    (['P1'], [(1, 2, 'AA1', 'BB2')])
    """
    if isinstance(scored, list):      # rows as dicts (the Fellegi-Sunter scorer's)
        accepted = [{**r, "i": int(r["i"]), "j": int(r["j"])} for r in scored if r["accept"]]
    else:
        accepted = _records(scored[scored["accept"].astype(bool)]) if len(scored) else []
    for r in accepted:
        r["decision"] = "auto"
    forced_recs, forced_at = [], []
    if forced is not None and len(forced):
        for r in _records(forced):
            r["reason"] = r.get("forced_by", "") + r["reason"]
            r["decision"] = "forced"
            forced_recs.append(r)
            forced_at.append((r.get("_file"), r.get("_line")))
    veto_list, veto_at = [], {}
    if vetoes is not None:
        for v in vetoes.to_dict("records"):
            key = (int(v["i"]), int(v["j"]))
            veto_list.append(key)
            veto_at.setdefault(key, (v.get("_file"), v.get("_line")))
    _check_decisions(forced_recs, forced_at, veto_at, feat["ids"])
    held = _held_documents(feat) if document_conflicts else {}
    refused = []
    out = _clusters(feat, forced_recs, accepted, veto_list, case, held, refused)
    out.attrs["refused"] = refused
    return out


# --------------------------------------------------------------------------------------------
def _frame(rows, cols):
    """`rows` (dicts) as a DataFrame: ``i``, ``j`` as int64, the rest kept as given (object)."""
    return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=np.int64 if c in ("i", "j")
                                      else object) for c in cols})


def _records(frame):
    """The rows of `frame` as dicts with ``i`` and ``j`` as Python ints."""
    out = frame.to_dict("records")
    for r in out:
        r["i"], r["j"] = int(r["i"]), int(r["j"])
    return out


def _check_decisions(forced, forced_at, veto_at, ids):
    """Raise InputError when forced merges join two vetoed records (through a third one).

    Forced merges are clustered before any scored pair, so only the decisions themselves can
    make a forced merge impossible; refusing it silently would leave the analyst believing
    two records were folded into one person.
    """
    if not forced or not veto_at:
        return
    parent = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x] = parent.get(parent[x], parent[x])
        return x

    members = {}
    for r, (file, line) in zip(forced, forced_at):
        ra, rb = find(r["i"]), find(r["j"])
        if ra == rb:
            continue
        ma, mb = members.get(ra, {ra}), members.get(rb, {rb})
        for x in ma:
            for y in mb:
                hit = veto_at.get((min(x, y), max(x, y)))
                if hit is not None:
                    vf, vl = hit
                    raise InputError(
                        f"decisions contradict each other: the merge of {ids[r['i']]} and "
                        f"{ids[r['j']]} would put {ids[x]} and {ids[y]} in one person (through "
                        f"the forced merges before it), which the veto at "
                        f"{vf or 'decisions'}:{vl} forbids; remove the merge or the veto",
                        file=file, line=line, column="decision")
        parent[rb] = ra
        members[ra] = ma | mb
        members.pop(rb, None)


def _held_documents(feat):
    """``{record: {(kind, country): frozenset of numbers}}`` of the passports and national ids
    with an issuing country and a number (normalised keys)."""
    docs = feat.get("docs")
    if docs is None or not len(docs):
        return {}
    g = docs[docs["kind"].isin(CONFLICT_KINDS) & (docs["country"] != "") & (docs["key"] != "")]
    held = {}
    for i, kind, country, key in zip(g["i"].tolist(), g["kind"].tolist(),
                                     g["country"].tolist(), g["key"].tolist()):
        held.setdefault(int(i), {}).setdefault((kind, country), set()).add(key)
    return {i: {k: frozenset(v) for k, v in d.items()} for i, d in held.items()}


def _document_conflict(da, db):
    """The first (kind, country) both sides hold numbers of with none in common, or None."""
    if len(da) > len(db):
        da, db = db, da
    for k in sorted(da):
        other = db.get(k)
        if other is not None and not (da[k] & other):
            return k
    return None


def _conflict_row(r, group, ma, mb, held, feat):
    """The refused pair `r` with a record of each side holding a number of `group`."""
    def holder(mem, first):
        # the record of the pair itself when it holds one, else the smallest id's
        x = first if group in held.get(first, {}) else \
            min((x for x in mem if group in held.get(x, {})), key=lambda x: feat["ids"][x])
        return x, _number(feat, x, group)

    a, b = (r["i"], r["j"]) if r["i"] in ma else (r["j"], r["i"])
    xa, na = holder(ma, a)
    xb, nb = holder(mb, b)
    if xa > xb:
        xa, na, xb, nb = xb, nb, xa, na
    return {"i": min(r["i"], r["j"]), "j": max(r["i"], r["j"]), "score": r["score"],
            "reason": r.get("reason", ""), "kind": group[0], "country": group[1],
            "holder_a": xa, "number_a": na, "holder_b": xb, "number_b": nb}


def _number(feat, x, group):
    """The document number of `group` (kind, country) record `x` holds, as recorded."""
    d = feat["docs"]
    sel = d[(d["i"] == x) & (d["kind"] == group[0]) & (d["country"] == group[1])
            & (d["key"] != "")]
    return str(sorted(sel["number"].tolist())[0])


def _clusters(feat, forced, scored, vetoes, case, held=None, refused=None):
    ids = feat["ids"]
    parent = {}
    members = {}
    held = held or {}
    docs_of = dict(held)    # root -> {(kind, country): numbers} of its cluster

    def find(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    veto_of = {}
    for a, b in vetoes:
        veto_of.setdefault(a, set()).add(b)
        veto_of.setdefault(b, set()).add(a)
    vetoed_pairs = set(vetoes)
    tree = []
    order = forced + sorted(scored, key=lambda r: (-r["score"], ids[r["i"]], ids[r["j"]]))
    for r in order:
        a, b = r["i"], r["j"]
        if (min(a, b), max(a, b)) in vetoed_pairs:
            continue
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, mb = members.get(ra, {ra}), members.get(rb, {rb})
        if any(veto_of.get(x, set()) & mb for x in ma if x in veto_of):
            continue
        da, db = docs_of.get(ra), docs_of.get(rb)
        if da and db and r["decision"] != "forced":
            group = _document_conflict(da, db)
            if group is not None:
                if refused is not None:
                    refused.append(_conflict_row(r, group, ma, mb, held, feat))
                continue
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
            da, db = db, da
        parent[rb] = ra
        members[ra] = ma | mb
        members.pop(rb, None)
        if db:
            merged = dict(da or {})
            for k, v in db.items():
                merged[k] = merged[k] | v if k in merged else v
            docs_of[ra] = merged
            docs_of.pop(rb, None)
        tree.append(r)
    if not tree:
        return _empty_merges()
    info = _information(case, feat, sorted(x for mem in members.values() for x in mem))
    rows = []
    by_node = {}
    for r in tree:
        by_node.setdefault(r["i"], []).append(r)
        by_node.setdefault(r["j"], []).append(r)
    for _root, mem in members.items():
        kept = min(mem, key=lambda x: (-info(x), ids[x]))
        for x in sorted(mem, key=lambda x: ids[x]):
            if x == kept:
                continue
            edges = by_node[x]
            direct = [e for e in edges if kept in (e["i"], e["j"])]
            e = direct[0] if direct else max(edges, key=lambda e: e["score"])
            via = e["j"] if e["i"] == x else e["i"]
            rows.append({"kept_id": ids[kept], "merged_id": ids[x], "score": e["score"],
                         "reason": e["reason"], "via_id": ids[via], "name_score": e["name_score"],
                         "evidence": e["evidence"], "decision": e["decision"]})
    out = pd.DataFrame(rows, columns=MERGE_COLUMNS)
    return out.sort_values(["kept_id", "merged_id"]).reset_index(drop=True)


def _information(case, feat, needed):
    """Return how much each record in `needed` tells: filled fields, list items, documents,
    phones (a precise birth date counts a little more than a year)."""
    persons = case.tables["persons"]
    cols = [c for c in persons.columns if not c.startswith("_") and c != "id"]
    ndocs = np.bincount(feat["docs"]["i"].to_numpy(np.int64), minlength=feat["n"]) \
        if len(feat["docs"]) else np.zeros(feat["n"], dtype=np.int64)
    nph = np.bincount(feat["phones"]["i"].to_numpy(np.int64), minlength=feat["n"]) \
        if len(feat["phones"]) else np.zeros(feat["n"], dtype=np.int64)
    sub = persons.iloc[needed]
    filled = np.zeros(len(needed))
    for c in cols:     # column by column, added in column order (the same float sums)
        filled = filled + np.fromiter(
            (len(v) if isinstance(v, (list, tuple, np.ndarray)) else
             (1 + (len(str(v)) / 100 if c == "birth_date" else 0)) if present(v) else 0
             for v in sub[c].tolist()), dtype=float, count=len(needed))
    idx = np.asarray(needed, dtype=np.int64)
    total = filled + ndocs[idx] + nph[idx]
    return dict(zip(needed, total.tolist())).__getitem__


def _decisions_frame(decisions):
    if decisions is None:
        return pd.DataFrame(columns=["id_a", "id_b", "decision", "note", "_file", "_line"])
    if isinstance(decisions, pd.DataFrame):
        return decisions
    from netanalysis.resolve.decisions import load_decisions
    return load_decisions(decisions)


def _empty_merges():
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("score", "name_score") else object)
                         for c in MERGE_COLUMNS})
