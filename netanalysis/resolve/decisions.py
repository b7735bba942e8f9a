"""Analysts' merge decisions: force or veto a merge, honoured by every later run.

The decisions file is a CSV (UTF-8, header row, column names case-insensitive)::

    id_a,id_b,decision,note
    P17,P9042,veto,"father and son, same name; confirmed by DIJIN 2024-05"
    P3,P88,merge,alias confirmed by fingerprints

- ``decision`` is ``merge`` (force: the two records become one person whatever the evidence)
  or ``veto`` (never put these two records in one person, however strong the evidence, even
  through a third record);
- ``note`` is optional free text, quoted in the merge reason.

A malformed file stops the run with an :class:`~netanalysis.errors.InputError` naming the file,
the line and the column, because a silently ignored veto would merge two people an analyst
has already told apart.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from netanalysis.errors import InputError

__all__ = ["DECISION_COLUMNS", "DECISIONS", "load_decisions"]

#: Columns of a decisions file (``note`` optional) and of the table :func:`load_decisions` returns
#: (plus ``_file`` and ``_line``).
DECISION_COLUMNS = ["id_a", "id_b", "decision", "note"]

#: The decisions an analyst can take.
DECISIONS = ("merge", "veto")


def load_decisions(path):
    """Read an analysts' decisions file.

    Parameters
    ----------
    path : str or Path
        CSV with ``id_a``, ``id_b``, ``decision`` (``merge`` or ``veto``) and optional ``note``.

    Returns
    -------
    DataFrame
        ``id_a``, ``id_b``, ``decision``, ``note``, ``_file``, ``_line`` (header = line 1).

    Raises
    ------
    InputError
        The file cannot be read, lacks a column, or a row has an empty id, the same id twice,
        an unknown decision, or decides the same pair both ways.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "decisions.csv"
    >>> _ = p.write_text("id_a,id_b,decision,note\\nP1,P2,veto,father and son\\nP3,P4,Merge,\\n")
    >>> load_decisions(p)[["id_a", "id_b", "decision", "_line"]].values.tolist()
    [['P1', 'P2', 'veto', 2], ['P3', 'P4', 'merge', 3]]
    >>> _ = p.write_text("id_a,id_b,decision\\nP1,P2,maybe\\n")
    >>> load_decisions(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netanalysis.errors.InputError: ...decisions.csv:2:decision: decision must be 'merge' or 'veto', not 'maybe'
    """
    p = Path(path)
    try:
        text = p.read_text("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read decisions file: {exc.strerror}", file=p) from None
    except UnicodeDecodeError:
        raise InputError("decisions file is not UTF-8", file=p) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("decisions file is empty (expected a header id_a,id_b,decision,note)",
                         file=p, line=1) from None
    cols = [h.strip().lower() for h in header]
    for need in ("id_a", "id_b", "decision"):
        if need not in cols:
            raise InputError(f"decisions file lacks the column {need!r} (columns: "
                             f"{', '.join(cols)})", file=p, line=1)
    at = {c: k for k, c in enumerate(cols)}
    rows, seen = [], {}
    prev = reader.line_num
    for row in reader:
        lineno, prev = prev + 1, reader.line_num   # first line of the record
        if not any(x.strip() for x in row):
            continue
        if len(row) > len(cols):
            raise InputError(f"row has {len(row)} fields, the header {len(cols)}", file=p,
                             line=lineno)
        get = {c: (row[k].strip() if k < len(row) else "") for c, k in at.items()}
        for c in ("id_a", "id_b"):
            if not get[c]:
                raise InputError("empty id", file=p, line=lineno, column=c)
        if get["id_a"] == get["id_b"]:
            raise InputError(f"a decision needs two different ids, got {get['id_a']!r} twice",
                             file=p, line=lineno, column="id_b")
        dec = get["decision"].lower()
        if dec not in DECISIONS:
            raise InputError(f"decision must be 'merge' or 'veto', not {get['decision']!r}",
                             file=p, line=lineno, column="decision")
        key = tuple(sorted((get["id_a"], get["id_b"])))
        if key in seen and seen[key][0] != dec:
            raise InputError(f"pair {key[0]}/{key[1]} is both merged and vetoed (line "
                             f"{seen[key][1]} says {seen[key][0]})", file=p, line=lineno,
                             column="decision")
        seen[key] = (dec, lineno)
        rows.append({"id_a": get["id_a"], "id_b": get["id_b"], "decision": dec,
                     "note": get.get("note") or None, "_file": p.name, "_line": lineno})
    out = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object)
                        for c in DECISION_COLUMNS + ["_file"]})
    out["_line"] = pd.Series([r["_line"] for r in rows], dtype="int64")
    return out
