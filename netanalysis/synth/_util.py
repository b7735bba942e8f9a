"""Shared constants and vectorised helpers of the synthetic case generator."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netanalysis.synth import places as PL

__all__ = []  # private helpers of netanalysis.synth

# internal person categories
_FUG, _FAM, _ASC, _FAC, _BG, _DUP, _SSO = range(7)
_LINK_TYPES = ("family", "associate", "co_offender", "member_of", "communication", "financial",
               "documents", "transport", "lodging", "employment", "unknown")
_LT = {t: i for i, t in enumerate(_LINK_TYPES)}
_SUPPORT = ("documents", "transport", "lodging", "financial")
_OFFENCES = ("drug_trafficking", "money_laundering", "homicide", "kidnapping", "extortion",
             "arms_trafficking", "fraud", "human_trafficking", "migrant_smuggling",
             "criminal_association")
_OFFENCE_W = (30, 18, 10, 6, 8, 6, 6, 4, 5, 7)
_GRADINGS = ("A1", "A2", "B1", "B2", "B3", "C2", "C3", "C4", "D3", "D4", "E5", "F6", "")
_GRADING_W = (3, 5, 5, 25, 10, 8, 15, 4, 3, 2, 1, 9, 10)
_SECOND_SOURCE = "Guardia Civil"
_DAY0 = np.datetime64("2022-01-01")
_WINDOW = 1096  # days of travel and calls: 2022-01-01 .. 2024-12-31
_PNR_ALPHABET = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
_CHUNK = 200_000
#: Most people one journey (flight or voyage on one day) carries in the data.
_CAPACITY = 300


def _width(count, least=4):
    """Digits of zero-padded ids for `count` records (``P0001`` for hundreds)."""
    return max(least, len(str(int(count))))


def _fmt_ids(prefix, numbers, width):
    s = np.char.zfill(np.asarray(numbers).astype(str), width)
    return np.char.add(prefix, s)


def _partial_dates(days, prec):
    """Format datetime64[D] values at precision 0 (day), 1 (month), 2 (year), 3 (unknown).

    Formats each distinct (day, precision) once: a few thousand strings for millions of rows.
    """
    key = days.astype("datetime64[D]").astype(np.int64) * 4 + prec
    u, inv = np.unique(key, return_inverse=True)
    s = np.datetime_as_string((u // 4).astype("datetime64[D]"), unit="D")
    p = u % 4
    txt = np.select([p == 0, p == 1, p == 2], [s, s.astype("U7"), s.astype("U4")], "")
    return txt.astype(object)[inv]


def _lookup(values, fn):
    """Apply `fn` to each distinct value once and spread the results (an object array)."""
    values = np.asarray(values, dtype=object)
    if not len(values):
        return np.empty(0, dtype=object)
    inv, u = pd.factorize(values)  # hashing: no sort of text
    res = np.empty(len(u), dtype=object)
    res[:] = [fn(x) for x in u]
    return res[inv]


def _as_strs(v):
    """Return a column as a list of str."""
    if isinstance(v, list):
        return [x if isinstance(x, str) else str(x) for x in v]
    a = np.asarray(v)
    if a.dtype.kind in "biuf":
        return a.astype(str).tolist()
    return a.tolist()


def _quoted(col):
    """Quote the values of a column that need it (RFC 4180); others are left as they are."""
    probe = "\x00".join(col)
    if not any(ch in probe for ch in ',"\n\r'):
        return col
    return [('"' + x.replace('"', '""') + '"') if (',' in x or '"' in x or "\n" in x or "\r" in x)
            else x for x in col]


def _rank_within(labels):
    """Return, for each entry, how many earlier entries carry the same label (0, 1, 2...)."""
    inv, _ = pd.factorize(np.asarray(labels, dtype=object))
    order = np.argsort(inv, kind="stable")
    first = np.searchsorted(inv[order], inv[order])
    rank = np.empty(len(labels), np.int64)
    rank[order] = np.arange(len(labels)) - first
    return rank, inv


def _degrees(a, b, size):
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = np.unique(lo * size + hi)
    lo, hi = key // size, key % size
    return np.bincount(lo, minlength=size) + np.bincount(hi, minlength=size)


def _bijection(rank, modulus, salt):
    """Map ranks 0..modulus-1 onto distinct pseudo-random values below `modulus`."""
    return (rank.astype(np.int64) * 7_919 + 12_345 * salt + 977) % modulus  # 7919: prime


_ES_LETTERS = np.array(list("TRWAGMYFPDXBNJZSQVHLCKE"))


def _doc_numbers(rng, kind, cc, salt=1):
    """Return unique document numbers in each issuing country's pattern."""
    n = len(kind)
    out = np.empty(n, dtype=object)
    group = np.asarray(kind, dtype=object) + ":" + np.asarray(cc, dtype=object)
    rank, inv = _rank_within(group)
    for gi, g in enumerate(pd.factorize(group)[1]):
        m = inv == gi
        k, c = g.split(":")
        if k == "passport":
            pre, digits = PL.PASSPORT_PREFIX.get(c, ("X", 8))
            num = 10 ** (digits - 1) + _bijection(rank[m], 9 * 10 ** (digits - 1), salt)
            out[m] = np.char.add(pre, num.astype(str))
        else:
            digits = {"CO": 10, "EC": 10, "BR": 11, "DO": 11, "HT": 10, "FR": 12, "MX": 13,
                      "NL": 9, "JM": 9}.get(c, 8)
            num = 10 ** (digits - 1) + _bijection(rank[m], 9 * 10 ** (digits - 1), salt + 3)
            s = num.astype(str)
            if c == "ES":
                s = np.char.add(s, _ES_LETTERS[num % 23])
            elif c == "VE":
                s = np.char.add("V-", s)
            elif c == "IT":
                s = np.char.add("CA", s)
            out[m] = s
    return out


def _phone_numbers(rng, cc):
    """Return distinct E.164 mobile numbers, one per entry of `cc` (country codes).

    The last digits are a bijection of the person's rank within the country, so numbers never
    repeat whatever national prefix was drawn.
    """
    n = len(cc)
    out = np.empty(n, dtype=object)
    rank, inv = _rank_within(np.asarray(cc, dtype=object))
    for ci, c in enumerate(pd.factorize(np.asarray(cc, dtype=object))[1]):
        m = inv == ci
        k = int(m.sum())
        code, prefixes, length = PL.MOBILE_PLANS[c]
        pre = np.array(prefixes)[rng.integers(0, len(prefixes), k)]
        rest = length - np.char.str_len(pre)
        width = int(rest.min())
        salt = 31 * ord(c[0]) + ord(c[1])
        suffix = np.char.zfill(_bijection(rank[m], 10 ** width, salt).astype(str), width)
        filler = np.array(["", "5", "25", "125"])[rest - width]
        out[m] = np.char.add(np.char.add(np.char.add("+" + code, pre), filler), suffix).astype(object)
    return out
