"""A case from rows written in Python: for notebooks, doctests and the tests' small cases.

:func:`case_from_records` writes the rows as the CSV files of case format v1 into a temporary
folder and reads them with :func:`netanalysis.ingest.load_case`, so a hand-built case is typed,
validated and cross-checked exactly as a case folder is: there is one way into a
:class:`~netanalysis.model.Case`, not a second, looser one.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from netanalysis.errors import InputError
from netanalysis.model.vocab import FILE_KINDS, case_schema

__all__ = ["case_from_records"]


def case_from_records(*, strict=True, **kinds):
    """Return the case made of `kinds`: ``persons=[{...}, ...]``, ``links=[...]``...

    Parameters
    ----------
    strict : bool
        Raise when any row is rejected (the default, for cases meant to be clean); with
        False the rejects are kept in ``case.rejects`` as for a folder.
    **kinds : list of dict or pandas.DataFrame
        Rows of each file kind of case format v1 (``persons``, ``organizations``, ``links``,
        ``travel``, ``documents``, ``phones``, ``calls``, ``locations``). A list value of a
        cell is written ``|``-separated; None is an empty cell; columns beyond the schema are
        kept as in a CSV file. ``persons`` is required.

    Returns
    -------
    Case
        As :func:`netanalysis.ingest.load_case` returns it, with ``path`` None.

    Raises
    ------
    InputError
        An unknown kind, or (with `strict`) a rejected row: the message gives its first reject.

    See Also
    --------
    netanalysis.ingest.load_case : the same, from a folder.

    Examples
    --------
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive", "wanted_by": ["CO", "ES"]},
    ...              {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"}])
    >>> case.tables["persons"]["wanted_by"].tolist()
    [['CO', 'ES'], []]
    >>> case.tables["links"][["type", "grading", "weight"]].values.tolist()
    [['lodging', 'B2', 1.0]]
    >>> try:
    ...     case_from_records(persons=[{"id": "P1", "name": "Ana", "role": "boss"}])
    ... except InputError as exc:
    ...     print(str(exc).split(":")[0])
    persons.csv, line 2, column role
    """
    from netanalysis.ingest.load import load_case

    unknown = sorted(set(kinds) - set(FILE_KINDS))
    if unknown:
        raise InputError(f"unknown file kind {', '.join(unknown)}: use {', '.join(FILE_KINDS)}")
    files = case_schema()["files"]
    with tempfile.TemporaryDirectory(prefix="netanalysis-records-") as tmp:
        folder = Path(tmp)
        for kind, rows in kinds.items():
            if rows is None:
                continue
            records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
            header = list(files[kind]["columns"])
            for r in records:
                header += [k for k in r if k not in header]
            with open(folder / files[kind]["file"], "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(header)
                for r in records:
                    w.writerow([_cell(r.get(c)) for c in header])
        case = load_case(folder)
    case.path = None
    if strict and len(case.rejects):
        r = case.rejects.iloc[0]
        raise InputError(f"{r['file']}, line {r['line']}, column {r['column']}: {r['problem']} "
                         f"(value {r['value']!r})")
    return case


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, (list, tuple, set)):
        return "|".join(str(x) for x in v)
    if isinstance(v, float) and v != v:
        return ""
    return str(v)
