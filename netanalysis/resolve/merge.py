"""Merging: fold the person records of one person into one, keeping every record's provenance.

The last stage of entity resolution (:mod:`netanalysis.resolve.entities`): given the merges
table :func:`netanalysis.resolve.entities.resolve_entities` returns, :func:`apply_merges`
builds a new case in which every merged record is folded into the record kept for its person.
"""

from __future__ import annotations

import copy

import pandas as pd

from netanalysis.model.case import Case
from netanalysis.model.values import as_list, present

__all__ = ["apply_merges"]

_ROLE_RANK = {"fugitive": 4, "facilitator": 3, "associate": 2, "unknown": 1}
_NOTICE_RANK = {"red": 5, "diffusion": 4, "blue": 3, "yellow": 2, "none": 1}


def apply_merges(case, merges):
    """Return a new case in which merged person records are folded into the kept ones.

    Parameters
    ----------
    case : Case
        Not modified.
    merges : DataFrame
        From :func:`resolve_entities` (at least ``kept_id`` and ``merged_id``).

    Returns
    -------
    Case
        A new case where

        - each kept person has the names of its merged records (and their aliases) among its
          ``aliases``, the union of every list column (nationality, offences...), the most
          precise birth date, the strongest role and notice, and missing fields filled from
          the merged records;
        - every person has ``merged_ids`` (list of the ids folded into it, empty for most)
          and ``sources`` (``file:line`` of every record behind it), so both ids stay
          findable;
        - every reference in links, travel, documents and phones names the kept id;
        - a link that became a self-link is dropped and recorded in ``rejects`` (file, line,
          problem) and in ``counts["links"]`` (``taken`` down, ``rejected`` up,
          ``dropped_by_merge``), so nothing is lost silently;
        - ``merges`` is set to `merges`.

    See Also
    --------
    netanalysis.resolve.entities.resolve_entities : finds the merges.

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> c = Case(tables={"persons": pd.DataFrame({"id": ["P1", "P2"], "name": ["Ana Ríos", "ANA RIOS"],
    ...     "aliases": [[], ["La Flaca"]], "_file": "persons.csv", "_line": [2, 3]}),
    ...     "links": pd.DataFrame({"from_id": ["P1"], "to_id": ["P2"], "type": ["associate"],
    ...     "_file": "links.csv", "_line": [2]})})
    >>> m = pd.DataFrame({"kept_id": ["P1"], "merged_id": ["P2"], "score": [1.0], "reason": ["x"]})
    >>> c2 = apply_merges(c, m)
    >>> c2.persons[["id", "aliases", "merged_ids"]].values.tolist()
    [['P1', ['ANA RIOS', 'La Flaca'], ['P2']]]
    >>> len(c2.links), c2.rejects["problem"].tolist()
    (0, ['self-link after merging person P2 into P1'])
    """
    persons = case.tables["persons"]
    tables = {k: v.copy() for k, v in case.tables.items()}
    counts = copy.deepcopy(case.counts)
    rejects = case.rejects.copy()
    mapping = {} if merges is None or not len(merges) else \
        dict(zip(merges["merged_id"].astype(str), merges["kept_id"].astype(str)))
    for merged in list(mapping):          # chains (A -> B -> C) resolve to the last kept id
        seen, kept = {merged}, mapping[merged]
        while kept in mapping and kept not in seen:
            seen.add(kept)
            kept = mapping[kept]
        mapping[merged] = kept
    p = persons.copy()
    if "aliases" not in p:
        p["aliases"] = [[] for _ in range(len(p))]
    p["id"] = p["id"].astype(str)
    src = [f"{f}:{ln}" if present(f) else f"persons:{ln}"
           for f, ln in zip(p["_file"].tolist() if "_file" in p else [None] * len(p),
                            p["_line"].tolist() if "_line" in p else [None] * len(p))]
    p["sources"] = [[s] for s in src]
    p["merged_ids"] = [[] for _ in range(len(p))]
    if not mapping:
        tables["persons"] = p
        out = Case(tables=tables, rejects=rejects, counts=counts, path=case.path,
                   merges=merges, inferred=case.inferred)
        return out
    ids = p["id"].tolist()
    rows = {pid: k for k, pid in enumerate(ids)}
    groups = {}
    for merged, kept in mapping.items():
        if merged in rows and kept in rows:
            groups.setdefault(kept, []).append(merged)
    # column by column: only the records of merged persons become dicts (a 1M-record table
    # read row by row costs more than the whole merge)
    columns = {c: p[c].tolist() for c in p.columns}
    list_cols = [c for c in p.columns if c not in ("aliases", "sources", "merged_ids")
                 and any(isinstance(v, list) for v in columns[c])]
    names = list(p.columns)

    def record(k):
        return {c: columns[c][k] for c in names}

    for kept, merged_ids in groups.items():
        k = record(rows[kept])
        others = [record(rows[m]) for m in sorted(merged_ids)]
        aliases = dict.fromkeys(as_list(k.get("aliases")))      # ordered set: linear
        for o in others:
            for nm in [o.get("name")] + list(as_list(o.get("aliases"))):
                if present(nm) and nm != k.get("name"):
                    aliases.setdefault(nm, None)
        k["aliases"] = list(aliases)
        for col in list_cols:
            vals = as_list(k.get(col), strings=False)
            seen = set(map(_hashable, vals))
            for o in others:
                for v in as_list(o.get(col), strings=False):
                    if _hashable(v) not in seen:
                        seen.add(_hashable(v))
                        vals.append(v)
            k[col] = vals
        births = [b for b in [k.get("birth_date")] + [o.get("birth_date") for o in others]
                  if present(b)]
        if births:
            k["birth_date"] = max(births, key=lambda b: (len(str(b)), b == k.get("birth_date")))
        for col, rank in (("role", _ROLE_RANK), ("notice", _NOTICE_RANK)):
            if col in k:
                cands = [r.get(col) for r in [k] + others if present(r.get(col))]
                if cands:
                    k[col] = max(cands, key=lambda v: rank.get(v, 0))
        for col in k:
            if col in list_cols or col in ("aliases", "sources", "merged_ids", "_file", "_line"):
                continue
            if not present(k[col]):
                for o in others:
                    if present(o.get(col)):
                        k[col] = o[col]
                        break
        k["merged_ids"] = sorted(merged_ids)
        k["sources"] = k["sources"] + [s for o in others for s in o["sources"]]
        at = rows[kept]
        for c in names:
            columns[c][at] = k[c]
    keep = [k for k, pid in enumerate(ids) if pid not in mapping]
    tables["persons"] = pd.DataFrame({c: [columns[c][k] for k in keep] for c in names},
                                     columns=p.columns).reset_index(drop=True)

    def remap(s):
        s = s.astype(object)
        new = s.map(mapping)
        return new.where(new.notna(), s)

    for kind, cols in (("links", ["from_id", "to_id"]), ("travel", ["person_id"]),
                       ("documents", ["holder_id"]), ("phones", ["person_id"])):
        t = tables[kind]
        if len(t):
            for c in cols:
                if c in t:
                    t[c] = remap(t[c])
    links = tables["links"]
    if len(links):
        orig_from = case.tables["links"]["from_id"].astype(str)
        orig_to = case.tables["links"]["to_id"].astype(str)
        self_new = (links["from_id"].astype(str) == links["to_id"].astype(str)).to_numpy() & \
            (orig_from != orig_to).to_numpy()
        if self_new.any():
            dropped = links[self_new]
            rej = pd.DataFrame({
                "file": dropped["_file"].to_numpy() if "_file" in dropped else "links.csv",
                "line": dropped["_line"].to_numpy() if "_line" in dropped else None,
                "column": "from_id",
                "value": orig_from[self_new].to_numpy(),
                "problem": [f"self-link after merging person {m} into {k}" for m, k in zip(
                    [a if a in mapping else b for a, b in zip(orig_from[self_new], orig_to[self_new])],
                    dropped["from_id"].astype(str))],
            })
            rejects = pd.concat([rejects, rej], ignore_index=True) if len(rejects) else rej
            tables["links"] = links[~self_new].reset_index(drop=True)
            k = int(self_new.sum())
            lc = counts.setdefault("links", {})
            if "taken" in lc:
                lc["taken"] = int(lc["taken"]) - k
            lc["rejected"] = int(lc.get("rejected", 0)) + k
            lc["dropped_by_merge"] = int(lc.get("dropped_by_merge", 0)) + k
    return Case(tables=tables, rejects=rejects, counts=counts, path=case.path, merges=merges,
                inferred=case.inferred)


def _hashable(v):
    try:
        hash(v)
    except TypeError:
        return repr(v)
    return v
