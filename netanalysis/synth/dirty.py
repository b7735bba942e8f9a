"""Planted errors: corrupt a fraction of a synthetic file's rows in documented ways.

Used by :func:`netanalysis.synth.synth_case` with ``dirty > 0`` to make cases for ingest
tests and benchmarks. Every corrupted row is reported with its file, line (header = line 1,
as a text editor shows it), column, the value written and the kind of problem, so a reader
can be checked for losing nothing silently: each listed line must come back as a reject.
A reader may reject more rows than are listed, as a consequence: a person row that is
rejected takes the links, travel, documents and phones that name it along, and a rejected
document takes the travel rows that name it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CORRUPTIONS", "corrupt_table"]

#: Per file kind: (column, value written, problem). ``<previous id>`` writes the id of an
#: earlier row (a duplicate id); ``<same as from_id>`` makes a self-link.
CORRUPTIONS = {
    "persons": [
        ("name", "", "missing required value"),
        ("role", "fugitivo", "not an allowed value"),
        ("notice", "rojo", "not an allowed value"),
        ("birth_date", "31/02/1980", "not a valid date"),
        ("id", "<previous id>", "duplicate id"),
    ],
    "organizations": [
        ("name", "", "missing required value"),
        ("kind", "cartel", "not an allowed value"),
    ],
    "links": [
        ("from_id", "", "missing required value"),
        ("to_id", "P9999999", "unknown id"),
        ("to_id", "<same as from_id>", "self-link"),
        ("type", "amigo", "not an allowed value"),
        ("grading", "Z9", "not an Admiralty grading"),
        ("start", "2020-13-45", "not a valid date"),
        ("weight", "heavy", "not a number"),
    ],
    "travel": [
        ("person_id", "P9999999", "unknown id"),
        ("depart", "", "missing required value"),
        ("depart", "ayer", "not a valid date"),
        ("mode", "plane", "not an allowed value"),
        ("document_id", "D9999999", "unknown id"),
    ],
    "documents": [
        ("number", "", "missing required value"),
        ("holder_id", "P9999999", "unknown id"),
        ("kind", "licence", "not an allowed value"),
        ("status", "forged", "not an allowed value"),
    ],
    "phones": [
        ("person_id", "P9999999", "unknown id"),
        ("number", "", "missing required value"),
    ],
    "calls": [
        ("caller", "", "missing required value"),
        ("start", "nunca", "not a valid date"),
        ("duration_s", "long", "not a number"),
    ],
    "locations": [
        ("person_id", "P9999999", "unknown id"),
        ("place", "", "missing required value"),
        ("kind", "casa", "not an allowed value"),
        ("grading", "Z9", "not an Admiralty grading"),
    ],
}


def corrupt_table(kind, cols, rate, rng):
    """Corrupt about ``rate * n`` rows of the table of file `kind`.

    Parameters
    ----------
    kind : str
        File kind (``"persons"``, ``"links"``...).
    cols : dict of str to list
        The table as columns, rows in the order they will be written.
    rate : float
        Fraction of rows to corrupt (at least one row when `rate` > 0 and there are two rows).
    rng : numpy.random.Generator

    Returns
    -------
    cols : dict of str to list
        A corrupted copy (the input is left alone).
    errors : list of tuple
        ``(file, line, column, value, problem)`` for every corrupted row; ``line`` counts the
        header as line 1.

    See Also
    --------
    netanalysis.synth.core.synth_case : writes a case with ``dirty`` rows made this way.

    Examples
    --------
    >>> cols = {"caller": ["+1", "+2", "+3"], "callee": ["+2", "+3", "+1"],
    ...         "start": ["2024", "2024", "2024"], "duration_s": [1, 2, 3]}
    >>> bad, errs = corrupt_table("calls", cols, 0.5, np.random.default_rng(0))
    >>> len(errs), errs[0][0]
    (2, 'calls.csv')
    >>> cols["caller"]
    ['+1', '+2', '+3']
    """
    n = len(next(iter(cols.values())))
    k = int(round(rate * n))
    if rate > 0 and n >= 2:
        k = max(k, 1)
    if k == 0:
        return cols, []
    choices = CORRUPTIONS[kind]
    rows = np.sort(rng.choice(n, k, replace=False))
    pick = rng.integers(0, len(choices), k)
    out = dict(cols)
    copied = set()
    touched = set(rows.tolist())
    errors = []
    for r, j in zip(rows.tolist(), pick.tolist()):
        col, value, problem = choices[j]
        if value == "<previous id>":
            if r == 0 or (r - 1) in touched:
                col, value, problem = choices[0]
            else:
                value = out["id"][r - 1]
        elif value == "<same as from_id>":
            value = out["from_id"][r]
        if col not in copied:
            out[col] = list(out[col])
            copied.add(col)
        out[col][r] = value
        errors.append((f"{kind}.csv", r + 2, col, value, problem))
    return out, errors
