"""The in-memory form of a case: validated tables, rejects and counts.

A :class:`Case` is what ingest produces and what every later stage reads. Its tables are
pandas DataFrames, one per file kind of case format v1, with:

- every column the schema declares (absent optional columns filled with missing values),
  plus every extra column of the source, kept as a property;
- values normalised by type: ``list``/``countries`` columns hold Python lists, dates hold
  normalised ISO strings (:mod:`netanalysis.model.dates`), ``grading`` holds a canonical
  Admiralty code, ``number`` holds floats, ``enum`` holds lower-case values;
- ``_file`` and ``_line``: the source file name and the line it came from (header = 1),
  so every fact can be traced back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netanalysis.model.vocab import FILE_KINDS, file_columns

__all__ = ["Case", "REJECT_COLUMNS", "empty_table", "empty_rejects"]

#: The columns of ``rejects.csv``.
REJECT_COLUMNS = ["file", "line", "column", "value", "problem"]


def empty_table(kind):
    """Return an empty DataFrame with the schema columns of `kind` plus ``_file``/``_line``.

    Parameters
    ----------
    kind : str
        A file kind of case format v1 (``"persons"``, ``"links"``...).

    Returns
    -------
    pandas.DataFrame

    See Also
    --------
    empty_rejects : the same for ``rejects``.

    Examples
    --------
    >>> list(empty_table("phones").columns)
    ['number', 'person_id', '_file', '_line']
    """
    cols = list(file_columns(kind)) + ["_file", "_line"]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


def empty_rejects():
    """Return an empty rejects DataFrame (columns :data:`REJECT_COLUMNS`).

    Returns
    -------
    pandas.DataFrame

    See Also
    --------
    empty_table : the same for a file kind.

    Examples
    --------
    >>> list(empty_rejects().columns)
    ['file', 'line', 'column', 'value', 'problem']
    """
    return pd.DataFrame({c: pd.Series(dtype="object") for c in REJECT_COLUMNS})


@dataclass
class Case:
    """A validated case.

    Attributes
    ----------
    tables : dict of str to DataFrame
        One table per file kind (``persons``, ``organizations``, ``links``, ``travel``,
        ``documents``, ``phones``, ``calls``); a kind whose file was absent has an empty table.
    rejects : DataFrame
        Every input row that was not taken: ``file``, ``line``, ``column``, ``value``,
        ``problem``. One row per problem; a row rejected for two problems appears twice.
    counts : dict of str to dict
        Per file kind: ``file``, ``read``, ``taken``, ``rejected`` (rows, not problems), and
        ``encoding`` and ``delimiter`` as detected. ``read == taken + rejected`` always.
    path : Path or None
        The folder the case was read from.
    merges : DataFrame or None
        Set by entity resolution: ``kept_id``, ``merged_id``, ``score``, ``reason``.
    inferred : DataFrame or None
        Set by link inference: ``from_id``, ``to_id``, ``type``, ``evidence``, ``score``,
        ``confidence``.

    Parameters
    ----------
    tables, rejects, counts, path, merges, inferred
        The attributes above; a kind missing from `tables` gets an empty table.

    See Also
    --------
    netanalysis.ingest.load_case : a case from a folder.
    netanalysis.ingest.case_from_records : a case from rows written in Python.
    empty_table : the table of a kind without a file.

    Examples
    --------
    >>> c = Case()
    >>> len(c.persons), list(c.tables)[:3]
    (0, ['persons', 'organizations', 'links'])
    """

    tables: dict = field(default_factory=dict)
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    counts: dict = field(default_factory=dict)
    path: Path | None = None
    merges: pd.DataFrame | None = None
    inferred: pd.DataFrame | None = None

    def __post_init__(self):
        for kind in FILE_KINDS:
            if kind not in self.tables or self.tables[kind] is None:
                self.tables[kind] = empty_table(kind)

    def __getattr__(self, name):
        # case.persons, case.links, ... as shorthands for case.tables[...]
        if name in FILE_KINDS:
            return self.__dict__["tables"][name]
        raise AttributeError(name)

    def __repr__(self):
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items() if len(v))
        return f"<Case {self.path or '(in memory)'}: {sizes}; rejects={len(self.rejects)}>"

    @property
    def party_ids(self):
        """Set of the ids of persons and organizations."""
        return set(self.tables["persons"]["id"]) | set(self.tables["organizations"]["id"])
