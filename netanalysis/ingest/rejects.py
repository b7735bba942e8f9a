"""Rejects: writing ``rejects.csv`` and summarising them for a person at a terminal.

A reject is one problem of one input row: ``file``, ``line`` (as a text editor shows it,
header = line 1; sheet row for Excel; line for JSON-lines; record number for JSON arrays),
``column`` (the source column name; empty when the problem is the record's shape), ``value``
(the cell as read, stripped) and ``problem``. A problem starts with its category, then a
colon and the detail (``bad date: not an ISO 8601 date ...``), so rejects can be grouped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from netanalysis.model.case import REJECT_COLUMNS
from netanalysis.outputs import write_csv

__all__ = ["write_rejects", "rejects_summary", "problem_category", "counts_table"]


def problem_category(problem):
    """Return the category of a problem text (the part before the first colon).

    Parameters
    ----------
    problem : str
        The ``problem`` text of a reject.

    Returns
    -------
    str
        The text before the first colon, stripped (the whole text when it has none).

    See Also
    --------
    rejects_summary : counts rejects by this category.

    Examples
    --------
    >>> problem_category("bad date: not a valid date")
    'bad date'
    >>> problem_category("missing required value")
    'missing required value'
    """
    return str(problem).split(":", 1)[0].strip()


def write_rejects(case, path):
    """Write ``case.rejects`` to `path` as CSV (UTF-8, columns ``file,line,column,value,problem``).

    The file is written even when there are no rejects (header only), so its presence says
    that ingest ran. Text cells that a spreadsheet would run as a formula get a leading
    ``'`` (:func:`netanalysis.outputs.csv_cell`); the file is replaced atomically. Returns
    the path written.

    Parameters
    ----------
    case : Case
        The case whose ``rejects`` table is written (None is written as a header only).
    path : str or Path
        Destination file.

    Returns
    -------
    Path
        The path written.

    See Also
    --------
    rejects_summary : the same rejects summarised as text.
    netanalysis.outputs.write_csv : how the file is written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from netanalysis.model.case import Case
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "rejects.csv"
    >>> _ = write_rejects(Case(), out)
    >>> out.read_text()
    'file,line,column,value,problem\\n'
    """
    p = Path(path)
    rej = case.rejects
    if rej is None:
        rej = pd.DataFrame(columns=REJECT_COLUMNS)
    cols = REJECT_COLUMNS + [c for c in rej.columns if c not in REJECT_COLUMNS]
    # formula-safe cells (a value "=HYPERLINK(...)" is written "'=HYPERLINK(...)"), written
    # to a temporary file and renamed, so an interrupted run leaves no partial file
    return write_csv(rej[cols], p)


def rejects_summary(case, *, examples=5):
    """Return a short text about the rejects of `case`, for stderr ("" when there are none).

    One line per file with the rows rejected and the problems by category, then the first
    few problems with their location.

    Parameters
    ----------
    case : Case
        A loaded case, with its ``rejects`` and ``counts``.
    examples : int, default 5
        How many problems to list in full.

    Returns
    -------
    str
        Lines separated by ``\\n``, or ``""`` when the case has no rejects.

    See Also
    --------
    write_rejects : writes every reject to a file.
    problem_category : the grouping used per file.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.model.case import Case
    >>> c = Case(rejects=pd.DataFrame({"file": ["persons.csv"], "line": [3], "column": ["role"],
    ...     "value": ["boss"], "problem": ["bad enumeration value: expected one of fugitive"]}),
    ...     counts={"persons": {"file": "persons.csv", "read": 2, "taken": 1, "rejected": 1}})
    >>> print(rejects_summary(c))
    1 row rejected (1 problem); see rejects.csv
      persons.csv: 1 of 2 rows rejected (bad enumeration value: 1)
    first problems:
      persons.csv:3:role: bad enumeration value: expected one of fugitive (value 'boss')
    """
    rej = case.rejects
    if rej is None or not len(rej):
        return ""
    nrows = sum(int(c.get("rejected", 0)) for c in case.counts.values()) or \
        int(rej[["file", "line"]].drop_duplicates().shape[0])
    out = [f"{nrows:,} row{'s' if nrows != 1 else ''} rejected ({len(rej):,} "
           f"problem{'s' if len(rej) != 1 else ''}); see rejects.csv"]
    cats = rej["problem"].map(problem_category)
    by_file = {c["file"]: c for c in case.counts.values() if c.get("file")}
    for file, grp in cats.groupby(rej["file"], sort=False):
        counts = grp.value_counts()
        detail = ", ".join(f"{k}: {v:,}" for k, v in counts.items())
        c = by_file.get(file)
        if c:
            out.append(f"  {file}: {c['rejected']:,} of {c['read']:,} rows rejected ({detail})")
        else:
            out.append(f"  {file}: {detail}")
    out.append("first problems:")
    for r in rej.head(examples).itertuples(index=False):
        loc = ":".join(str(x) for x in (r.file, r.line, r.column) if x not in (None, ""))
        val = f" (value {r.value!r})" if r.value not in (None, "") else ""
        out.append(f"  {loc}: {r.problem}{val}")
    if len(rej) > examples:
        out.append(f"  ... and {len(rej) - examples:,} more")
    return "\n".join(out)


def counts_table(case):
    """Return the per-file counts as a DataFrame (files that were read only).

    Columns: ``file``, ``read``, ``taken``, ``rejected``, ``encoding``, ``delimiter``.

    Parameters
    ----------
    case : Case
        A loaded case; its ``counts`` give one row per kind whose file was read.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind``, ``file``, ``read``, ``taken``, ``rejected``, ``encoding`` and
        ``delimiter`` (a tab is shown as ``tab``).

    See Also
    --------
    rejects_summary : the rejects behind the ``rejected`` counts.

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> c = Case(counts={"persons": {"file": "persons.csv", "read": 3, "taken": 2, "rejected": 1,
    ...                              "encoding": "utf-8", "delimiter": "\\t"},
    ...                  "links": {"file": None, "read": 0, "taken": 0, "rejected": 0}})
    >>> counts_table(c).values.tolist()
    [['persons', 'persons.csv', 3, 2, 1, 'utf-8', 'tab']]
    """
    rows = []
    for kind, c in case.counts.items():
        if c.get("file"):
            d = c.get("delimiter")
            rows.append({"kind": kind, "file": c["file"], "read": c["read"], "taken": c["taken"],
                         "rejected": c["rejected"], "encoding": c.get("encoding") or "",
                         "delimiter": {"\t": "tab"}.get(d, d) or ""})
    return pd.DataFrame(rows, columns=["kind", "file", "read", "taken", "rejected", "encoding",
                                       "delimiter"])
