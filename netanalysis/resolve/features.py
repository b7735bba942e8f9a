"""Features: what entity resolution compares of each person record, and birth date agreement.

The first stage of entity resolution (:mod:`netanalysis.resolve.entities`):
:func:`person_features` reads each record's names, birth date, nationality, documents,
phones and contacts into arrays once; :func:`birth_levels` says how partial birth dates of
pairs of records agree (one of the ``BIRTH_*`` levels).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netanalysis.model.values import as_list, present
from netanalysis.resolve.blocking import normalize_document, phone_key
from netanalysis.resolve.names import name_tokens

__all__ = ["MAX_COMPARED_NAMES", "BIRTH_UNKNOWN", "BIRTH_YEAR", "BIRTH_MONTH", "BIRTH_SWAP",
           "BIRTH_DAY", "BIRTH_CONFLICT", "person_features", "birth_agreement", "parse_birth",
           "birth_levels", "birth_level"]

#: Names of a record used for comparison and blocking: its name, then its first aliases. A
#: record with more (a hostile or broken export with hundreds of aliases) is compared on these
#: only, and the merge reason says so; apply_merges keeps every alias.
MAX_COMPARED_NAMES = 20


# birth date agreement levels
BIRTH_UNKNOWN, BIRTH_YEAR, BIRTH_MONTH, BIRTH_SWAP, BIRTH_DAY, BIRTH_CONFLICT = 0, 1, 2, 3, 4, -1


def birth_agreement(a, b):
    """Return how two partial birth dates agree: ``"day"``, ``"swap"``, ``"month"``, ``"year"``,
    ``"conflict"`` or None (one is unknown).

    Parameters
    ----------
    a, b : str or None
        Birth dates, full (``1980-07-12``) or partial (``1980-07``, ``1980``).

    Returns
    -------
    str or None
        The agreement level in words (:func:`birth_level` gives it as a ``BIRTH_*`` code).

    See Also
    --------
    birth_levels : the same for arrays of parsed dates.
    parse_birth : parses birth dates into year, month and day arrays.

    Examples
    --------
    >>> birth_agreement("1980-07-12", "1980-07")
    'month'
    >>> birth_agreement("1980-07-12", "1980-12-07")
    'swap'
    >>> birth_agreement("1980", "1981-02-03")
    'conflict'
    >>> birth_agreement(None, "1980") is None
    True
    """
    y, m, d = parse_birth([a, b])
    lvl = int(birth_levels(y[:1], m[:1], d[:1], y[1:], m[1:], d[1:])[0])
    return {BIRTH_UNKNOWN: None, BIRTH_YEAR: "year", BIRTH_MONTH: "month", BIRTH_SWAP: "swap", BIRTH_DAY: "day",
            BIRTH_CONFLICT: "conflict"}[lvl]


def person_features(case, *, rare_name_max=2):
    """Return the per-record features resolution compares.

    Parameters
    ----------
    case : Case
        The case whose person records are compared.
    rare_name_max : int
        A full name (3+ tokens) carried by at most this many records is rare (setting
        ``resolve.rare_name_max``).

    Returns
    -------
    dict
        ``ids`` (list), ``n``, ``names`` (name and aliases per record, the first
        :data:`MAX_COMPARED_NAMES`), ``tokens`` (their
        :func:`~netanalysis.resolve.names.name_tokens`, one tuple per name, computed once
        per distinct name), ``names_total`` (how many distinct ones each has),
        ``birth``, ``y``/``m``/``d`` (int arrays, 0 = unknown), ``nat`` (sets), ``docs``
        (DataFrame ``i``, ``key``, ``kind``, ``country``, ``number``), ``phones`` (``i``,
        ``key``), ``contacts`` (``i``, ``node``), ``degree`` (int array), ``linked`` (set of
        ``(i, j)``), ``sex``, ``name_key``, ``name_count`` and ``rare``. Records are
        referred to by their position ``i`` in ``ids``.

    See Also
    --------
    netanalysis.resolve.blocking.candidate_pairs : pairs records on these features.
    netanalysis.resolve.compare.compare_pairs : scores pairs on them.
    birth_agreement : how two birth dates agree.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "P1", "name": "Ana Gómez", "birth_date": "1980-03",
    ...               "aliases": ["La Flaca"]}, {"id": "P2", "name": "Luis"}],
    ...     phones=[{"id": "T1", "person_id": "P2", "number": "+573001234567"}])
    >>> f = person_features(case)
    >>> f["ids"], f["names"], f["y"].tolist(), f["m"].tolist()
    (['P1', 'P2'], [['Ana Gómez', 'La Flaca'], ['Luis']], [1980, 0], [3, 0])
    >>> f["phones"]["i"].tolist()
    [1]
    """
    persons = case.tables["persons"]
    ids = persons["id"].astype(str).tolist()
    pos = _Positions(ids)
    n = len(ids)
    names, names_total = [], []
    aliases = persons["aliases"] if "aliases" in persons else pd.Series([None] * n)
    for nm, al in zip(persons["name"].tolist(), aliases.tolist()):
        v = {str(nm): None} if present(nm) else {}
        if al is not None and not (isinstance(al, float) and al != al):   # most have none
            for a in as_list(al):
                v.setdefault(a, None)
        names_total.append(len(v))
        names.append(list(v)[:MAX_COMPARED_NAMES])
    birth = [b if present(b) else None for b in persons["birth_date"].tolist()] \
        if "birth_date" in persons else [None] * n
    y, m, d = parse_birth(birth)
    nat = _per_distinct(lambda x: frozenset(as_list(x)), persons["nationality"].tolist()) \
        if "nationality" in persons else [frozenset()] * n

    sex = _per_distinct(_sex, _col(persons, "sex")) if "sex" in persons else \
        _per_distinct(_sex, _col(persons, "gender"))
    docs = case.tables["documents"]
    if len(docs):
        di = pos.map(docs["holder_id"].astype(str))
        ok = di.notna()
        dd = docs[ok]
        docs_f = pd.DataFrame({
            "i": di[ok].astype(np.int64).to_numpy(),
            "key": _per_distinct(normalize_document, dd["number"].tolist()),
            "kind": _per_distinct(lambda k: str(k) if present(k) else "", _col(dd, "kind")),
            "country": _per_distinct(lambda c: str(c).upper() if present(c) else "",
                                     _col(dd, "issuing_country")),
            "number": dd["number"].astype(str).to_numpy(),
        })
    else:
        docs_f = pd.DataFrame({"i": pd.Series(dtype=np.int64), "key": [], "kind": [],
                               "country": [], "number": []})
    ph = case.tables["phones"]
    if len(ph):
        pi = pos.map(ph["person_id"].astype(str))
        ok = pi.notna()
        phones_f = pd.DataFrame({"i": pi[ok].astype(np.int64).to_numpy(),
                                 "key": _per_distinct(phone_key, ph.loc[ok, "number"].tolist())})
    else:
        phones_f = pd.DataFrame({"i": pd.Series(dtype=np.int64), "key": []})
    links = case.tables["links"]
    linked = set()
    if len(links):
        a = links["from_id"].astype(str)
        b = links["to_id"].astype(str)
        both = pd.DataFrame({"a": a.to_numpy(), "b": b.to_numpy()})
        both = both[both["a"] != both["b"]]
        ai = pos.map(both["a"])
        bi = pos.map(both["b"])
        c1 = pd.DataFrame({"i": ai, "node": both["b"]})
        c2 = pd.DataFrame({"i": bi, "node": both["a"]})
        contacts = pd.concat([c1, c2], ignore_index=True).dropna(subset=["i"])
        contacts = contacts.astype({"i": np.int64}).drop_duplicates()
        both_in = ai.notna().to_numpy() & bi.notna().to_numpy()
        x = ai.to_numpy()[both_in].astype(np.int64)
        z = bi.to_numpy()[both_in].astype(np.int64)
        linked = set(zip(np.minimum(x, z).tolist(), np.maximum(x, z).tolist()))
    else:
        contacts = pd.DataFrame({"i": pd.Series(dtype=np.int64), "node": pd.Series(dtype=object)})
    # full-name keys (sorted tokens) and how many records carry each: rare names count more
    # the tokens of every name (names.name_tokens), normalised once per distinct name
    seen = {}
    tokens = []
    for v in names:
        row = []
        for x in v:
            t = seen.get(x)
            if t is None:
                t = seen[x] = name_tokens(x)
            row.append(t)
        tokens.append(row)
    keys = [" ".join(sorted(t[0])) if t else "" for t in tokens]
    nk, uniq = pd.factorize(pd.Series(keys, dtype=object))
    counts = np.bincount(nk)
    ntok = np.array([len(k.split()) for k in keys], dtype=np.int64)
    rare_max = int(rare_name_max)
    rare = (counts[nk] <= rare_max) & (ntok >= 3)
    degree = np.bincount(contacts["i"].to_numpy(np.int64), minlength=n) if len(contacts) \
        else np.zeros(n, dtype=np.int64)
    return {"ids": ids, "n": n, "names": names, "tokens": tokens, "names_total": names_total, "birth": birth,
            "y": y, "m": m, "d": d,
            "nat": nat, "sex": sex, "docs": docs_f, "phones": phones_f, "contacts": contacts,
            "degree": degree, "linked": linked, "name_key": nk.astype(np.int64),
            "name_count": counts[nk], "rare": rare}


def parse_birth(values):
    """Return year, month and day arrays of partial ISO birth dates (0 where unknown).

    Parameters
    ----------
    values : sequence
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` strings; anything else is unknown.

    Returns
    -------
    tuple of numpy.ndarray
        ``(year, month, day)``, int32 arrays as long as `values`.

    See Also
    --------
    birth_levels : compares the parsed dates of pairs.

    Examples
    --------
    >>> [a.tolist() for a in parse_birth(["1980-07-12", "1981", None])]
    [[1980, 1981, 0], [7, 0, 0], [12, 0, 0]]
    """
    s = pd.Series([v if isinstance(v, str) else "" for v in values], dtype=object)
    n = len(s)
    y = np.zeros(n, dtype=np.int32)
    m = np.zeros(n, dtype=np.int32)
    d = np.zeros(n, dtype=np.int32)
    if n == 0:
        return y, m, d
    lens = s.str.len().to_numpy()
    has_y = lens >= 4
    has_m = lens >= 7
    has_d = lens >= 10
    if has_y.any():
        y[has_y] = pd.to_numeric(s[has_y].str[:4], errors="coerce").fillna(0).astype(int).to_numpy()
    if has_m.any():
        m[has_m] = pd.to_numeric(s[has_m].str[5:7], errors="coerce").fillna(0).astype(int).to_numpy()
    if has_d.any():
        d[has_d] = pd.to_numeric(s[has_d].str[8:10], errors="coerce").fillna(0).astype(int).to_numpy()
    return y, m, d


def birth_level(y1, m1, d1, y2, m2, d2):
    """Return the agreement level of two parsed birth dates (the scalar :func:`birth_levels`).

    Parameters
    ----------
    y1, m1, d1, y2, m2, d2 : int
        Year, month and day of each date, 0 where unknown (:func:`parse_birth`).

    Returns
    -------
    int
        One of ``BIRTH_UNKNOWN``, ``BIRTH_YEAR``, ``BIRTH_MONTH``, ``BIRTH_SWAP``,
        ``BIRTH_DAY``, ``BIRTH_CONFLICT``.

    See Also
    --------
    birth_levels : the same over arrays of pairs.

    Examples
    --------
    >>> birth_level(1980, 7, 12, 1980, 12, 7) == BIRTH_SWAP
    True
    """
    if not y1 or not y2:
        return BIRTH_UNKNOWN
    if y1 != y2:
        return BIRTH_CONFLICT
    if not m1 or not m2:
        return BIRTH_YEAR
    if m1 != m2:
        return BIRTH_SWAP if (d1 and d2 and d1 == m2 and m1 == d2) else BIRTH_CONFLICT
    if not d1 or not d2:
        return BIRTH_MONTH
    return BIRTH_DAY if d1 == d2 else BIRTH_CONFLICT


def birth_levels(y1, m1, d1, y2, m2, d2):
    """Return the agreement levels of pairs of parsed birth dates, element by element.

    Parameters
    ----------
    y1, m1, d1, y2, m2, d2 : numpy.ndarray
        Year, month and day arrays of the first and second date of each pair, 0 where
        unknown (:func:`parse_birth`).

    Returns
    -------
    numpy.ndarray
        int8 levels: ``BIRTH_DAY`` (same date), ``BIRTH_SWAP`` (day and month swapped),
        ``BIRTH_MONTH``, ``BIRTH_YEAR`` (agree as far as both are known),
        ``BIRTH_CONFLICT`` or ``BIRTH_UNKNOWN`` (a year is unknown).

    See Also
    --------
    birth_level : the scalar form.
    birth_agreement : the level of two date strings, by name.

    Examples
    --------
    >>> y, m, d = parse_birth(["1980-07-12", "1980-07", "1980-07-12", "1979"])
    >>> birth_levels(y[:2], m[:2], d[:2], y[2:], m[2:], d[2:]).tolist() == [BIRTH_DAY, BIRTH_CONFLICT]
    True
    """
    lvl = np.full(len(y1), BIRTH_UNKNOWN, dtype=np.int8)
    known = (y1 > 0) & (y2 > 0)
    yc = known & (y1 != y2)
    same_y = known & (y1 == y2)
    no_m = same_y & ((m1 == 0) | (m2 == 0))
    both_m = same_y & (m1 > 0) & (m2 > 0)
    swap = both_m & (m1 != m2) & (d1 > 0) & (d2 > 0) & (d1 == m2) & (m1 == d2)
    mc = both_m & (m1 != m2) & ~swap
    same_m = both_m & (m1 == m2)
    no_d = same_m & ((d1 == 0) | (d2 == 0))
    day = same_m & (d1 > 0) & (d2 > 0) & (d1 == d2)
    dc = same_m & (d1 > 0) & (d2 > 0) & (d1 != d2)
    lvl[no_m] = BIRTH_YEAR
    lvl[no_d] = BIRTH_MONTH
    lvl[swap] = BIRTH_SWAP
    lvl[day] = BIRTH_DAY
    lvl[yc | mc | dc] = BIRTH_CONFLICT
    return lvl


class _Positions(dict):
    """``{id: position}`` (the last position of a repeated id), whose :meth:`map` gives the
    positions of a Series of ids as floats, NaN where unknown (as ``Series.map(dict)``)."""

    def __init__(self, ids):
        super().__init__((pid, i) for i, pid in enumerate(ids))
        self.index = pd.Index(ids, dtype=object)
        self.unique = self.index.is_unique

    def map(self, s):
        if not self.unique:        # repeated ids: the dict's last position, as before
            return s.map(self)
        at = self.index.get_indexer(s.astype(object).to_numpy())
        return pd.Series(np.where(at >= 0, at, np.nan), index=s.index)


def _per_distinct(fn, values):
    """``[fn(v) for v in values]``, calling `fn` once per distinct value (of the same type;
    lists are looked up as tuples; unhashable values are computed each time)."""
    cache, out = {}, []
    for v in values:
        key = (type(v), tuple(v)) if type(v) is list else (type(v), v)
        try:
            r = cache[key]
        except KeyError:
            r = cache[key] = fn(v)
        except TypeError:
            r = fn(v)
        out.append(r)
    return out


def _sex(v):
    """``"M"``, ``"F"`` or None from an extra ``sex``/``gender`` column."""
    if not present(v):
        return None
    t = str(v).strip().upper()[:1]
    return {"M": "M", "H": "M", "F": "F", "W": "F"}.get(t)


def _col(df, name):
    return df[name].tolist() if name in df else [None] * len(df)
