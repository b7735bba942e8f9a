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
has already told apart. Malformed means: not UTF-8 or holding NUL characters; a column name
twice in the header (``id_a,id_b,decision,decision`` would otherwise let one cell veto and the
next merge); strict RFC 4180 quoting broken (an unclosed quote in a note would swallow the
decisions after it: the error names the line the quote opens on and the first decision it
swallows); an id over :data:`MAX_ID_CHARS` or a field over :data:`MAX_FIELD_CHARS` characters;
a file over :data:`MAX_FILE_BYTES`. The file is read with the :mod:`csv` module rather than
the ingest reader: decisions are all-or-nothing (no row may be rejected and skipped), so
every problem is an error, never a reject.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from netanalysis.errors import InputError

__all__ = ["DECISION_COLUMNS", "DECISIONS", "MAX_FIELD_CHARS", "MAX_ID_CHARS", "MAX_FILE_BYTES",
           "load_decisions"]

#: Columns of a decisions file (``note`` optional) and of the table :func:`load_decisions` returns
#: (plus ``_file`` and ``_line``).
DECISION_COLUMNS = ["id_a", "id_b", "decision", "note"]

#: The decisions an analyst can take.
DECISIONS = ("merge", "veto")

#: Longest field (a note) a decisions file may hold, in characters.
MAX_FIELD_CHARS = 10_000

#: Longest id a decision may name, in characters.
MAX_ID_CHARS = 256

#: Largest decisions file read, in bytes (about a million decisions).
MAX_FILE_BYTES = 64 << 20

# a continuation line of a quoted field that reads like a decision row: an unclosed quote
_DECISION_ROW = re.compile(r"^[^,\n]*,[^,\n]*,\s*(merge|veto)\s*(,|$)", re.IGNORECASE)


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
        The file cannot be read, is not UTF-8, lacks a column or has one twice, breaks the
        quoting rules, has a field over the size bounds, or a row has an empty id, the same id
        twice, an unknown decision, or decides the same pair both ways.

    See Also
    --------
    netanalysis.resolve.entities.resolve_entities : applies the decisions.

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
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"decisions file is {size:,} bytes, more than the "
                             f"{MAX_FILE_BYTES:,} a decisions file may have", file=p)
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read decisions file: {exc.strerror}", file=p) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError("decisions file is not UTF-8 (save it as UTF-8)", file=p,
                         line=line) from None
    if "\x00" in text:
        raise InputError("decisions file contains NUL characters: not a text CSV", file=p,
                         line=text[:text.index("\x00")].count("\n") + 1)
    records = _records(text, p)
    try:
        header = next(records)[1]
    except StopIteration:
        raise InputError("decisions file is empty (expected a header id_a,id_b,decision,note)",
                         file=p, line=1) from None
    cols = [h.strip().lower() for h in header]
    for k, c in enumerate(cols):
        if c and c in cols[:k]:
            raise InputError(f"column {c!r} appears twice in the header (columns "
                             f"{cols.index(c) + 1} and {k + 1}); which one holds the decision "
                             "would be a guess", file=p, line=1, column=c)
    for need in ("id_a", "id_b", "decision"):
        if need not in cols:
            raise InputError(f"decisions file lacks the column {need!r} (columns: "
                             f"{', '.join(cols)})", file=p, line=1)
    at = {c: k for k, c in enumerate(cols) if c}
    rows, seen = [], {}
    for lineno, row in records:
        if not any(x.strip() for x in row):
            continue
        if len(row) > len(cols):
            raise InputError(f"row has {len(row)} fields, the header {len(cols)}", file=p,
                             line=lineno)
        get = {c: (row[k].strip() if k < len(row) else "") for c, k in at.items()}
        for c in ("id_a", "id_b"):
            if not get[c]:
                raise InputError("empty id", file=p, line=lineno, column=c)
            if len(get[c]) > MAX_ID_CHARS or "\n" in get[c]:
                raise InputError(f"id is longer than {MAX_ID_CHARS} characters or spans lines "
                                 "(an unclosed quote?)", file=p, line=lineno, column=c)
        if get["id_a"] == get["id_b"]:
            raise InputError(f"a decision needs two different ids, got {get['id_a']!r} twice",
                             file=p, line=lineno, column="id_b")
        dec = get["decision"].lower()
        if dec not in DECISIONS:
            raise InputError(f"decision must be 'merge' or 'veto', not {get['decision'][:40]!r}",
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


def _records(text, path):
    """Yield ``(line, fields)`` per record of `text`, `line` being the line it starts on.

    Strict RFC 4180 quoting: an unclosed quote, text after a closing quote, a quoted field
    that goes on with lines reading like decision rows, or a field over
    :data:`MAX_FIELD_CHARS` is an :class:`InputError` naming the line the record starts on.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    prev = 0
    while True:
        start = prev + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            lines = text.split("\n")
            if "field limit" in str(exc):
                raw = lines[start - 1] if start <= len(lines) else ""
                long_ = [k for k, part in enumerate(raw.split(",")) if len(part) > MAX_FIELD_CHARS]
                raise InputError(f"a field is longer than {MAX_FIELD_CHARS:,} characters",
                                 file=path, line=start,
                                 column=_header_name(text, long_[0]) if long_ else None) from None
            swallowed = [n for n in range(start + 1, min(reader.line_num, len(lines)) + 1)
                         if _DECISION_ROW.match(lines[n - 1])]
            what = (f"; it swallows line {swallowed[0]} ({lines[swallowed[0] - 1][:60]!r})"
                    + (f" and {len(swallowed) - 1} more" if len(swallowed) > 1 else "")
                    if swallowed else "")
            raise InputError(f"unclosed quote or text after a closing quote in the record "
                             f"starting at line {start} (the CSV breaks at line "
                             f"{reader.line_num}: {exc}){what}; close the quote, and double "
                             "a quote inside a quoted note", file=path, line=start,
                             column=_open_column(text, start)) from None
        prev = reader.line_num
        for k, cell in enumerate(row):
            if len(cell) > MAX_FIELD_CHARS:
                raise InputError(f"field {k + 1} is longer than {MAX_FIELD_CHARS:,} characters "
                                 f"({len(cell):,})", file=path, line=start,
                                 column=_header_name(text, k))
            if "\n" in cell or "\r" in cell:
                for off, part in enumerate(cell.splitlines()[1:], start=1):
                    if _DECISION_ROW.match(part):
                        raise InputError(
                            f"unclosed quote: the quoted field starting at line {start} "
                            f"goes on into line {start + off}, which reads like a decision "
                            f"({part[:60]!r}); close the quote", file=path, line=start,
                            column=_header_name(text, k))
        yield start, row


def _header_name(text, k):
    """Name of the `k`-th (0-based) header column, or its 1-based number."""
    try:
        first = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    except csv.Error:             # the header itself is broken: say the position
        return k + 1
    name = first[k].strip().lower() if k < len(first) else ""
    return name if name and len(name) <= MAX_ID_CHARS else k + 1


def _open_column(text, line):
    """The column (header name) holding the first quote of `line`, when it can be told."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return None
    raw = lines[line - 1]
    q = raw.find('"')
    return None if q < 0 else _header_name(text, raw[:q].count(","))
