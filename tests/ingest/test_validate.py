"""Column-wise validation gives every row the reasons it would get alone (hostile tables).

The converters of :mod:`netanalysis.ingest.validate` take whole-column shortcuts (a column
that is all ASCII, all canonical dates, all E.164 numbers, values converted once per distinct
text); a row's rejects and converted values must not depend on which other rows share its
table. Each hostile table is validated whole, then row by row, and the two must agree.
"""

from __future__ import annotations

import math

import pytest

from netanalysis.ingest.load import validate_table
from netanalysis.ingest.read import table_from_records

HOSTILE = {
    "persons": {
        "id": ["P1", " P2 ", "\u200bP3", "Jose\u0301", "P\u00a05", "", "  ", "P8\ufeff", "p9"],
        "name": ["Ana", " Jos\u00e9 ", "Jose\u0301", "", "\u00a0Luis\u00a0", "\u0130brahim",
                 "x\u200b", "Mu\u00f1oz", "  "],
        "aliases": ["a|b", " a | | b ", "", "|", "Jose\u0301|Jos\u00e9", "x"],
        "birth_date": ["1980", "1980-02-29", "1981-02-29", "1980-13", "\u0661\u0669\u0668\u0660",
                       "0000-01-01", "1980-7-5", "", "1980-02-28T10:00:60", "1980-02-28T10:00",
                       "1980-02-28T10:00:59", "１９８０"],
        "nationality": ["co", "COL", "xx", "co|ve", "", "CO|zz", "XK", " ve "],
        "role": ["fugitive", " Fugitive ", "FUGITIVE", "boss", "", "\u0130", "associate",
                 "f\u00fcgitive", "unknown"],
    },
    "links": {
        "from_id": ["P1", "P2", "", "P1", "Jose\u0301"],
        "to_id": ["P2", "P2", "P1", "", "Jos\u00e9"],
        "type": ["family", "FAMILY", "bogus", "", " associate "],
        "start": ["2020-01-01", "2020", "", "2020-02-30", "٢٠٢٠"],
        "weight": ["1", "1,5", "1.5", "", "inf", "-1", "0", "1e3", "\u0661", "abc",
                   "1000001", "nan"],
        "grading": ["b2", "B/2/1", "", "z9", "F6", "b21"],
    },
    "calls": {
        "caller": ["+573001234567", "+57 300 123 4567", "0057-300-123-4567", "300-123-4567",
                   "abc", "", "\u0663\u0660\u0660\u0661\u0662\u0663", "+5730012345678901234",
                   "(+57) 300.123.4567"],
        "callee": ["+573001234567", "+4915112345678", "", "x", "+1 (202) 555-0143"],
        "start": ["2021-03-04T05:06", "2021-03-04T05:06:07", "2021-03-04", "", "2021-13-04"],
        "duration_s": ["60", "-5", "1.5", "", "١٠", "abc"],
    },
    "travel": {
        "person_id": ["P1", "P2", ""],
        "depart": ["2021-03-04", "2021-03-04T05:06", "", "04/03/2021"],
        "origin": ["BOG", "bog", " C\u00facuta ,co", "Nowhere, XX", "", "ZZZ"],
        "destination": ["MAD", "Madrid, ES", "mad", "", "C\u00facuta, CO"],
        "mode": ["air", "AIR", "teleport", "", " land "],
    },
}


def _table(kind, order):
    cols = HOSTILE[kind]
    n = max(len(v) for v in cols.values()) * 3
    records = []
    for i in range(n):
        j = order(i, n)
        rec = {c: v[(j * (k + 1) + k) % len(v)] for k, (c, v) in enumerate(cols.items())}
        records.append((i + 2, rec))
    return records


def _reasons(rejects):
    out = {}
    for r in rejects.itertuples(index=False):
        out.setdefault(int(r.line), []).append((r.column, r.value, r.problem))
    return out


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("order", [lambda i, n: i, lambda i, n: n - 1 - i], ids=["fwd", "rev"])
def test_each_row_gets_the_reasons_it_gets_alone(kind, order):
    records = _table(kind, order)
    whole, whole_rej = validate_table(kind, table_from_records(records, file=f"{kind}.csv",
                                                               path=f"{kind}.csv"))
    reasons = _reasons(whole_rej)
    taken = {int(r["_line"]): r for _, r in whole.iterrows()}
    assert reasons, "the hostile table should have rejects"
    assert len(taken) + len(reasons) == len(records)
    for line, rec in records:
        one, one_rej = validate_table(kind, table_from_records([(line, rec)], file=f"{kind}.csv",
                                                               path=f"{kind}.csv"))
        got = _reasons(one_rej).get(line, [])
        want = [r for r in reasons.get(line, []) if not r[2].startswith("duplicate id")]
        assert got == want, (line, rec)
        if line in taken and not got:
            row = one.iloc[0]
            for c in one.columns:
                if c != "_file":
                    assert _same(row[c], taken[line][c]), (line, c, row[c], taken[line][c])
