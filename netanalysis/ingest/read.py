"""Reading raw tables: encodings, delimiters, RFC 4180 quoting and editor line numbers.

This module turns one source file into a :class:`RawTable`: every cell as a string, keyed by
the normalised header name (stripped, lower case), with the line each record starts on as a
text editor shows it (header = line 1 when it is the first line). Nothing is validated here
except the shape of each record; the meaning of the cells is checked by
:mod:`netanalysis.ingest.validate`.

Rules
-----
- **Encoding.** A UTF-8 byte order mark means UTF-8 (``utf-8-sig``); a UTF-16 BOM means
  UTF-16. Otherwise the file is read as UTF-8 when it decodes cleanly as UTF-8. If it does not,
  charset-normalizer is asked; whenever Windows-1252 is among the encodings it finds plausible,
  the file is read as ``cp1252`` (the code page of Latin American and Western European
  exports; on short files charset-normalizer often ranks Central European ``cp1250`` first,
  which would turn "Muñoz" into "Muńoz"). Otherwise its best guess is used (``cp1251``
  Cyrillic, ``cp1253`` Greek...). A mapping file can name the encoding explicitly.
- **Binary content** (NUL bytes, an Excel workbook or PDF renamed ``.csv``) is not a CSV and
  stops the run with :class:`~netanalysis.errors.InputError`.
- **Delimiter.** Sniffed on the header line among ``,``, ``;`` and tab: the one that splits
  the header into the most fields wins, ``,`` on a tie. ``|`` is never a delimiter (it
  separates values inside a cell).
- **Header.** The first non-blank record. Names are stripped and lower-cased; an empty name
  becomes ``column_<n>`` (1-based position); a name that appears twice is a
  :class:`~netanalysis.errors.SchemaError`.
- **Records.** RFC 4180 quoting, embedded newlines included; a record's line is the line it
  *starts* on. Blank lines and records whose cells are all empty are skipped and not counted.
  A record with more cells than the header, where the extra cells are all empty (a trailing
  delimiter, common in spreadsheet exports), is trimmed; any other record with too many or
  too few cells is kept aside as a *bad record* and becomes a reject.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netanalysis.errors import InputError, SchemaError

__all__ = ["RawTable", "read_bytes", "read_header", "decode_bytes", "sniff_delimiter", "read_csv_table",
           "normalize_header", "table_from_records"]

#: Delimiters that are sniffed, in order of preference on a tie.
DELIMITERS = (",", ";", "\t")

_BINARY_SIGNATURES = [
    (b"PK\x03\x04", "an Excel workbook or other zip archive (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls) or other Office file"),
    (b"%PDF", "a PDF document"),
]


@dataclass
class RawTable:
    """The cells of one source table as strings, before validation.

    Attributes
    ----------
    file : str
        Name of the source as rejects show it (``persons.csv``, ``export.xlsx[Personas]``).
    path : Path
        The file read.
    header : list of str
        Normalised column names, in source order.
    data : DataFrame
        One object column of strings per header name; missing cells are ``""``.
    lines : ndarray of int
        The line (sheet row, record number) each record of `data` starts on.
    bad : list of tuple
        Records that could not be aligned with the header: ``(line, problem, value, cells)``.
    encoding, delimiter : str or None
        As detected or given (None where they do not apply, e.g. Excel).
    header_line : int
        The line of the header.
    stripped : bool
        True when no cell has surrounding spaces (so validation need not strip them).
    """

    file: str
    path: Path
    header: list
    data: pd.DataFrame
    lines: np.ndarray
    bad: list = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    header_line: int = 1
    stripped: bool = False

    @property
    def read(self):
        """Number of records read (aligned and bad)."""
        return len(self.lines) + len(self.bad)


def read_bytes(path):
    """Return the bytes of `path`, raising :class:`InputError` when it cannot be read."""
    p = Path(path)
    try:
        return p.read_bytes()
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=p) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=p) from None


def read_header(path, *, encoding=None, delimiter=None, sample=1 << 20):
    """Return a :class:`RawTable` with the header of a CSV file and no rows.

    Reads only the first `sample` bytes (cut at the last line end); used to find whole-file
    problems (binary content, no header, missing columns) before any row is read.
    """
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(sample)
            more = bool(f.read(1))
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=p) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=p) from None
    if more and b"\n" in data:
        data = data[:data.rindex(b"\n") + 1]
    text, enc = decode_bytes(data, p, encoding)
    if delimiter is None:
        first = next((ln for ln in io.StringIO(text, newline="") if ln.strip()), "")
        delimiter = sniff_delimiter(first.rstrip("\r\n"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    prev = 0
    try:
        for row in reader:
            start, prev = prev + 1, reader.line_num
            if any(f.strip() for f in row):
                names = normalize_header(row, p, start)
                return RawTable(file=p.name, path=p, header=names, data=_frame(names, []),
                                lines=np.zeros(0, dtype=np.int64), encoding=enc,
                                delimiter=delimiter, header_line=start)
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file: {exc}", file=p, line=reader.line_num) from None
    raise SchemaError("empty file: no header row (add the header, or delete the file "
                      "if it is optional)", file=p)


def decode_bytes(data, path, encoding=None):
    """Return ``(text, encoding)`` for the bytes of a text file.

    Parameters
    ----------
    data : bytes
    path : str or Path
        Named in error messages.
    encoding : str, optional
        Use this encoding instead of detecting one.

    Raises
    ------
    InputError
        When the content is binary or cannot be decoded with the given encoding.

    Examples
    --------
    >>> decode_bytes("id,name\\nP1,José Muñoz\\n".encode("cp1252"), "p.csv")
    ('id,name\\nP1,José Muñoz\\n', 'cp1252')
    >>> decode_bytes(b"\\xef\\xbb\\xbfid,name\\n", "p.csv")
    ('id,name\\n', 'utf-8-sig')
    """
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise InputError(f"cannot decode the file as {encoding} (byte {data[exc.start]:#04x}): "
                             "fix the encoding named in the mapping", file=path, line=line) from None
        return text.lstrip("\ufeff"), encoding
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise InputError("the file starts with a UTF-8 byte order mark but is not valid UTF-8: "
                             "save it again as UTF-8", file=path, line=line) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError("the file starts with a UTF-16 byte order mark but is not valid "
                             "UTF-16: save it again as UTF-8", file=path) from None
    _check_not_binary(data, path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    enc = _detect_legacy(data)
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin_1"), "latin_1"


def sniff_delimiter(line):
    """Return the delimiter of a header line: ``,``, ``;`` or tab.

    Examples
    --------
    >>> sniff_delimiter("id;nombre;rol")
    ';'
    >>> sniff_delimiter("id,name")
    ','
    """
    best, best_n = ",", 1
    for d in DELIMITERS:
        try:
            n = len(next(csv.reader([line], delimiter=d)))
        except (csv.Error, StopIteration):
            continue
        if n > best_n:
            best, best_n = d, n
    return best


def normalize_header(names, path, line=1):
    """Return header names stripped and lower-cased; raise on duplicates.

    Examples
    --------
    >>> normalize_header([" ID ", "Name", ""], "p.csv")
    ['id', 'name', 'column_3']
    """
    out = []
    seen = {}
    for i, raw in enumerate(names):
        name = str(raw if raw is not None else "").replace("\ufeff", "").strip().lower()
        if not name:
            name = f"column_{i + 1}"
        if name in seen:
            raise SchemaError(f"column '{name}' appears twice in the header (columns {seen[name] + 1} "
                              f"and {i + 1}): rename one of them", file=path, line=line)
        seen[name] = i
        out.append(name)
    return out


def read_csv_table(path, *, display=None, encoding=None, delimiter=None):
    """Read a CSV file into a :class:`RawTable` (see the module rules).

    Parameters
    ----------
    path : str or Path
    display : str, optional
        Name used in rejects (default: the file name).
    encoding, delimiter : str, optional
        Use these instead of detecting them.

    Raises
    ------
    InputError
        The file cannot be read, is binary, or cannot be decoded.
    SchemaError
        The file has no header row, or a header name appears twice.
    """
    p = Path(path)
    display = display or p.name
    data = read_bytes(p)
    text, enc = decode_bytes(data, p, encoding)
    utf8 = data[3:] if enc == "utf-8-sig" else data if enc == "utf-8" else None
    return parse_csv_text(text, p, display=display, encoding=enc, delimiter=delimiter, data=utf8)


def parse_csv_text(text, path, *, display, encoding, delimiter=None, data=None):
    """Parse decoded CSV text into a :class:`RawTable` (see :func:`read_csv_table`).

    `data`, when given, is `text` encoded as UTF-8 (saves encoding it again). Large regular
    files take a vectorised path (record boundaries and field counts found with numpy from the
    quote parity of each newline and delimiter, cells parsed by pandas); files it cannot
    prove regular (stray quotes, lone carriage returns) are read record by record with the
    csv module. Both give the same result.
    """
    if "\x00" in text:
        raise InputError("not a CSV file: it contains NUL characters (binary content)", file=path)
    if delimiter is None:
        first = next((ln for ln in io.StringIO(text, newline="") if ln.strip()), "")
        delimiter = sniff_delimiter(first.rstrip("\r\n"))
    if len(text) >= _FAST_MIN_CHARS:
        raw = _parse_fast(text if data is None else None, data, path, display, encoding,
                          delimiter)
        if raw is not None:
            return raw
    return _parse_slow(text, path, display, encoding, delimiter)


def _parse_slow(text, path, display, encoding, delimiter):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    prev = 0
    header = None
    header_line = 1
    try:
        for row in reader:
            start, prev = prev + 1, reader.line_num
            if any(f.strip() for f in row):
                header, header_line = row, start
                break
        if header is None:
            raise SchemaError("empty file: no header row (add the header, or delete the file "
                              "if it is optional)", file=path)
        names = normalize_header(header, path, header_line)
        ncols = len(names)
        rows, lines, bad = [], [], []
        append_row, append_line = rows.append, lines.append
        for row in reader:
            start, prev = prev + 1, reader.line_num
            n = len(row)
            if n == ncols:
                if any(row):
                    append_row(row)
                    append_line(start)
                continue
            if not any(f.strip() for f in row):
                continue
            if n > ncols and not any(f.strip() for f in row[ncols:]):
                append_row(row[:ncols])
                append_line(start)
                continue
            bad.append(_bad_record(start, prev, row, ncols, delimiter))
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file: {exc}", file=path, line=reader.line_num) from None
    data = _frame(names, rows)
    return RawTable(file=display, path=Path(path), header=names, data=data,
                    lines=np.asarray(lines, dtype=np.int64), bad=bad, encoding=encoding,
                    delimiter=delimiter, header_line=header_line)


def _bad_record(start, end, row, ncols, delimiter):
    n = len(row)
    problem = f"wrong number of fields: {n} fields, the header has {ncols}"
    if end > start:
        problem += f" (the record runs from line {start} to line {end}: an unclosed quote?)"
    value = delimiter.join(row)
    if len(value) > 200:
        value = value[:197] + "..."
    return (start, problem, value, list(row))


#: Files shorter than this (in characters) are always read with the csv module.
_FAST_MIN_CHARS = 1 << 20


def _parse_fast(text, data, path, display, encoding, delimiter):
    """Vectorised parse; returns None when the file is not provably regular."""
    if data is None:
        data = text.encode("utf-8")
    if data.count(b"\r") != data.count(b"\r\n"):
        return None  # lone carriage returns: let the csv module handle them
    arr = np.frombuffer(data, dtype=np.uint8)
    q = np.flatnonzero(arr == 34)
    if len(q) % 2 or _stray_quotes(arr, q, delimiter):
        return None
    nl = np.flatnonzero(arr == 10)
    if not len(nl) or nl[-1] != len(arr) - 1:
        nl = np.append(nl, len(arr))
    ends = nl[(np.searchsorted(q, nl) % 2) == 0] if len(q) else nl
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    seg_line = np.searchsorted(nl, starts) + 1
    seg_end = np.searchsorted(nl, ends) + 1
    # Blank segments: empty, or whitespace only (checked in Python for the few candidates).
    seglen = ends - starts
    first = np.where(seglen > 0, arr[np.minimum(starts, len(arr) - 1)], 10)
    cand = np.flatnonzero(np.isin(first, (32, 9, 13, 10)))
    blank = np.zeros(len(ends), dtype=bool)
    for i in cand:
        if not data[starts[i]:ends[i]].strip():
            blank[i] = True
    # Fields per segment: delimiters outside quotes, plus one.
    dp = np.flatnonzero(arr == ord(delimiter))
    if len(q):
        dp = dp[(np.searchsorted(q, dp) % 2) == 0]
    nfields = np.bincount(np.searchsorted(ends, dp), minlength=len(ends))[:len(ends)] + 1
    stripped = not _needs_strip(arr, data, delimiter)
    del dp, q, arr
    keep = ~blank
    seg_line, seg_end, nfields = seg_line[keep], seg_end[keep], nfields[keep]
    if not len(seg_line):
        raise SchemaError("empty file: no header row (add the header, or delete the file "
                          "if it is optional)", file=path)
    maxf = int(nfields.max())
    try:
        df = pd.read_csv(io.BytesIO(data), sep=delimiter, header=None, names=list(range(maxf)),
                         dtype=object, keep_default_na=False, na_filter=False,
                         skip_blank_lines=True, engine="c", encoding="utf-8", quotechar='"',
                         doublequote=True, index_col=False)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError):
        return None
    if len(df) != len(seg_line):
        return None
    header_line = int(seg_line[0])
    ncols = int(nfields[0])
    names = normalize_header([str(v) for v in df.iloc[0, :ncols]], path, header_line)
    body = df.iloc[1:].reset_index(drop=True)
    del df
    lines = seg_line[1:]
    end_lines = seg_end[1:]
    nf = nfields[1:]
    cells = body.iloc[:, :ncols]
    good = nf == ncols
    bad = []
    over = nf != ncols
    if over.any():
        # Extra cells that are all empty (a trailing delimiter) are trimmed, vectorised.
        extra_empty = nf > ncols
        for j in range(ncols, maxf):
            extra_empty &= body.iloc[:, j].to_numpy(dtype=object) == ""
        good |= extra_empty
        for i in np.flatnonzero(over & ~extra_empty):
            row = [str(v) for v in body.iloc[i, :nf[i]]]
            if nf[i] > ncols and not any(v.strip() for v in row[ncols:]):
                good[i] = True
                continue
            if not any(v.strip() for v in row):
                continue
            bad.append(_bad_record(int(lines[i]), int(end_lines[i]), row, ncols, delimiter))
    if len(cells.columns):
        allempty = np.ones(len(cells), dtype=bool)
        for j in range(ncols):
            allempty &= cells.iloc[:, j].to_numpy(dtype=object) == ""
        good &= ~allempty
    sel = np.flatnonzero(good)
    cols = {}
    for j, name in enumerate(names):
        col = cells.iloc[:, j].to_numpy(dtype=object)
        if len(sel) != len(col):
            col = col[sel]
        cols[name] = pd.Series(col, dtype=object)
    frame = pd.DataFrame(cols, index=pd.RangeIndex(len(sel)))
    return RawTable(file=display, path=Path(path), header=names, data=frame,
                    lines=lines[sel].astype(np.int64), bad=bad, encoding=encoding,
                    delimiter=delimiter, header_line=header_line, stripped=stripped)


def _stray_quotes(arr, q, delimiter):
    """Return True when a quote is neither opening nor closing a field (``a "b``, ``"a"b``).

    RFC 4180 quotes sit at a field's start (after a delimiter or line end) or its end (before
    one); inside a quoted field they are doubled. Any other quote makes the quote-parity
    model of the fast path unsafe.
    """
    if not len(q):
        return False
    d = ord(delimiter)
    prev = np.where(q > 0, arr[np.maximum(q - 1, 0)], 10)
    nxt = np.where(q < len(arr) - 1, arr[np.minimum(q + 1, len(arr) - 1)], 10)
    ok_prev = np.isin(prev, (d, 10, 34))
    ok_next = np.isin(nxt, (d, 10, 13, 34))
    return bool((~ok_prev & ~ok_next).any())


def _needs_strip(arr, data, delimiter):
    """Return True when some cell may have surrounding spaces.

    A cell has surrounding spaces only where a space or tab touches a delimiter, a quote, a
    line end or an end of the file (no-break spaces are rarer: any one means True).
    """
    if b"\xc2\xa0" in data:
        return True
    sp = np.flatnonzero((arr == 32) | (arr == 9))
    if not len(sp):
        return False
    if sp[0] == 0 or sp[-1] == len(arr) - 1:
        return True
    edge = np.array([ord(delimiter), 34, 10, 13], dtype=np.uint8)
    return bool(np.isin(arr[sp - 1], edge).any() or np.isin(arr[sp + 1], edge).any())


def table_from_records(records, *, file, path, header_line=1, encoding=None, delimiter=None,
                       bad=None):
    """Build a :class:`RawTable` from ``(line, {column: text})`` records (Excel, JSON).

    Column names are normalised; the columns are the union of the keys in order of first
    appearance; a key missing from a record is an empty cell.
    """
    order = {}
    for _, rec in records:
        for k in rec:
            if k not in order:
                order[k] = len(order)
    raw_names = list(order)
    names = normalize_header(raw_names, path, header_line)
    key_of = dict(zip(raw_names, names))
    cols = {n: [] for n in names}
    lines = []
    for line, rec in records:
        lines.append(line)
        for raw, n in key_of.items():
            cols[n].append(rec.get(raw, ""))
    data = pd.DataFrame({n: pd.Series(np.asarray(v, dtype=object), dtype=object)
                         for n, v in cols.items()}, index=pd.RangeIndex(len(lines)))
    return RawTable(file=file, path=Path(path), header=names, data=data,
                    lines=np.asarray(lines, dtype=np.int64), bad=list(bad or []),
                    encoding=encoding, delimiter=delimiter, header_line=header_line)


def _frame(names, rows):
    n = len(rows)
    if n:
        cols = list(zip(*rows))
    else:
        cols = [() for _ in names]
    return pd.DataFrame({name: pd.Series(np.fromiter(col, dtype=object, count=n), dtype=object)
                         for name, col in zip(names, cols)}, index=pd.RangeIndex(n))


def _check_not_binary(data, path):
    for sig, what in _BINARY_SIGNATURES:
        if data.startswith(sig):
            hint = ("save it as CSV (UTF-8), or load it through a mapping file "
                    "(source: the .xlsx file, sheet: the sheet name)") if "xlsx" in what else \
                "export the table as CSV (UTF-8)"
            raise InputError(f"not a CSV file: it looks like {what}; {hint}", file=path)
    sample = data[:65536]
    if b"\x00" in sample:
        raise InputError("not a CSV file: it contains NUL bytes (binary content); export the "
                         "table as CSV (UTF-8)", file=path)
    ctrl = len(re.findall(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f]", sample))
    if sample and ctrl > max(8, len(sample) // 100):
        raise InputError("not a CSV file: it contains binary content; export the table as "
                         "CSV (UTF-8)", file=path)


def _detect_legacy(data):
    """Return the encoding of bytes that are not UTF-8 (see the module rules)."""
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    candidates = set()
    for m in results:
        candidates.update(m.could_be_from_charset or [m.encoding])
    if "cp1252" in candidates or not len(results):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            if not len(results):
                return "latin_1"
    return results.best().encoding
