"""JSON and JSON-lines sources of a mapping.

Rules
-----
- **JSON** (``.json``): one document; ``records`` names the array of records with a dotted
  path. A record's line in rejects is its position in the array (1 = first record).
- **JSON lines** (``.jsonl``/``.ndjson``): one record per line, lines split on ``\\n`` only
  (U+2028, form feed and other separators are text, as JSON says); a record's line is its
  physical line. A line that is not valid JSON is a reject.
- **Values.** A string, number, ``true``/``false`` or ``null`` (an empty cell) is a value. An
  array of such values is a list (``["a", "b"]`` is read as ``a|b``) where the column holds a
  list or is not a column of the schema. A record is rejected, naming the key, when a value is
  an object, an array of objects or arrays, an array in a column of one value (an id, a
  name...), ``NaN`` or ``Infinity`` (or a number too large for a float), or a text longer than
  :data:`MAX_VALUE_CHARS` characters; or when a key appears twice in it. Integers are kept
  digit for digit, however long.
- **Whole-document problems** raise :class:`~netanalysis.errors.InputError` naming the file,
  line and column: not valid JSON, nested deeper than the parser allows (about a thousand
  levels; the error points where the nesting passes :data:`MAX_DEPTH` levels), a key twice in
  an object outside the records, no array at ``records``.
"""

from __future__ import annotations

import json
import math
import re

from netanalysis.errors import InputError
from netanalysis.ingest.read import decode_bytes, read_bytes, table_from_records

__all__ = ["read_json_table", "MAX_DEPTH", "MAX_VALUE_CHARS"]

#: Depth of nesting an error about too deep a document points at.
MAX_DEPTH = 200
#: Longest text of one value.
MAX_VALUE_CHARS = 131_072

_NOT_OBJECT = "not a JSON object (a record must be {\"column\": value, ...})"
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def read_json_table(path, fmt, display, records_path=None, encoding=None, *,
                    scalar_columns=()):
    """Read a JSON or JSON-lines source into a :class:`~netanalysis.ingest.read.RawTable`.

    Parameters
    ----------
    path : str or Path
        The source file.
    fmt : {"json", "jsonl"}
    display : str
        The name of the file in rejects.
    records_path : str, optional
        JSON only: dotted path to the array of records (``data.items``; a number picks an
        array element).
    encoding : str, optional
        Encoding of the file; detected when absent.
    scalar_columns : collection of str, optional
        Keys (compared stripped, lower case) whose value must be a single value: an array
        there is a reject.

    Returns
    -------
    RawTable
        One row per record taken; records that cannot be a row are in ``bad``.

    Raises
    ------
    InputError
        A whole-document problem (see the module docstring).

    See Also
    --------
    netanalysis.ingest.read.table_from_records : builds the table from the records read.
    netanalysis.ingest.read.read_csv_table : the same for CSV files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.jsonl"
    >>> _ = p.write_text('{"id": "A1", "n": 12345678901234567890123}\\n{"id": NaN}\\n'
    ...                  '{"id": "A2", "id": "A3"}\\n{"id": {"x": 1}}\\n')
    >>> t = read_json_table(p, "jsonl", "p.jsonl", scalar_columns={"id"})
    >>> t.data.values.tolist(), t.lines.tolist()
    ([['A1', '12345678901234567890123']], [1])
    >>> [(line, problem) for line, problem, _, _ in t.bad]  # doctest: +NORMALIZE_WHITESPACE
    [(2, "key 'id': NaN is not a value (JSON has no NaN or Infinity)"),
     (3, "key 'id' appears twice in the record"),
     (4, "key 'id': an object is not a value")]
    """
    text, enc = decode_bytes(read_bytes(path), path, encoding)
    scalar = {str(c).strip().lower() for c in scalar_columns}
    recs, bad = [], []
    if fmt == "jsonl":
        for i, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            try:
                obj = _loads(line)
            except json.JSONDecodeError as exc:
                bad.append((i, f"not valid JSON: {exc.msg} (column {exc.colno})", line[:200], []))
                continue
            except _TooDeep:
                bad.append((i, "nested too deeply (more than about a thousand levels)", line[:200],
                            []))
                continue
            _record(i, obj, scalar, recs, bad, line)
        return table_from_records(recs, file=display, path=path, encoding=enc, bad=bad)
    try:
        doc = _loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=path, line=exc.lineno,
                         column=exc.colno) from None
    except _TooDeep:
        line, col = _deep_position(text)
        raise InputError("the JSON document is nested too deeply (more than about a thousand "
                         f"levels; here it passes {MAX_DEPTH})",
                         file=path, line=line, column=col) from None
    node = doc
    _check_container(node, path)
    if records_path:
        for part in records_path.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise InputError(f"no {records_path!r} in the JSON document (missing {part!r}); "
                                 "fix `records:` in the mapping", file=path)
            _check_container(node, path)
    if not isinstance(node, list):
        raise InputError("the JSON records are not an array; name the array with `records:` in the "
                         "mapping (a dotted path such as data.items)", file=path)
    for i, obj in enumerate(node, start=1):
        _record(i, obj, scalar, recs, bad, None)
    return table_from_records(recs, file=display, path=path, encoding=enc, bad=bad)


# ---------------------------------------------------------------- helpers

class _TooDeep(Exception):
    pass


class _Bad:
    """A JSON value that cannot be a cell (NaN, Infinity, a float overflow)."""

    def __init__(self, text):
        self.text = text


class _Obj(dict):
    """A JSON object that remembers the first key it had twice."""

    dup = None


def _pairs(pairs):
    obj = _Obj()
    for k, v in pairs:
        if k in obj and obj.dup is None:
            obj.dup = k
        obj[k] = v
    return obj


def _float(s):
    f = float(s)
    return f if math.isfinite(f) else _Bad(s[:40])


def _loads(text):
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_Bad, parse_float=_float,
                          parse_int=str)
    except RecursionError:
        raise _TooDeep() from None


def _deep_position(text):
    """Return ``(line, column)`` where nesting first exceeds :data:`MAX_DEPTH`."""
    depth = 0
    for m in _TOKENS.finditer(text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                start = m.start()
                line = text.count("\n", 0, start) + 1
                return line, start - (text.rfind("\n", 0, start) + 1) + 1
        elif tok in "]}":
            depth -= 1
    return None, None


def _check_container(node, path):
    if isinstance(node, _Obj) and node.dup is not None:
        raise InputError(f"the key {node.dup[:100]!r} appears twice in an object of the JSON "
                         "document", file=path)


def _record(i, obj, scalar, recs, bad, line):
    def shown():
        return line[:200] if line is not None else _dump(obj)

    if not isinstance(obj, dict):
        bad.append((i, _NOT_OBJECT, shown(), []))
        return
    if obj.dup is not None:
        bad.append((i, f"key {obj.dup[:100]!r} appears twice in the record", shown(), []))
        return
    rec = {}
    for k, v in obj.items():
        value, problem = _value(v, k.strip().lower() in scalar)
        if problem is not None:
            bad.append((i, f"key {k[:100]!r}: {problem}", shown(), []))
            return
        rec[k] = value
    recs.append((i, rec))


def _value(v, scalar):
    """Return ``(text, None)`` or ``(None, problem)`` for one value of a record."""
    if isinstance(v, list):
        if scalar:
            return None, "an array is not a single value"
        parts = []
        for x in v:
            text, problem = _value(x, True)
            if problem is not None:
                return None, "an array of objects or arrays is not a value" if isinstance(
                    x, (dict, list)) else problem
            parts.append(text)
        text = "|".join(parts)
    elif isinstance(v, dict):
        return None, "an object is not a value"
    elif isinstance(v, _Bad):
        return None, f"{v.text} is not a value (JSON has no NaN or Infinity)"
    elif v is None:
        text = ""
    elif isinstance(v, bool):
        text = "true" if v else "false"
    elif isinstance(v, float):
        text = str(int(v)) if v.is_integer() else repr(v)
    else:
        text = str(v)
    if len(text) > MAX_VALUE_CHARS:
        return None, f"a value of {len(text):,} characters (at most {MAX_VALUE_CHARS:,})"
    return text, None


def _dump(obj):
    def default(o):
        return o.text if isinstance(o, _Bad) else str(o)

    try:
        return json.dumps(obj, ensure_ascii=False, default=default)[:200]
    except (RecursionError, ValueError):
        return ""
