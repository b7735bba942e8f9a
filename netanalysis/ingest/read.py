"""Reading raw tables: encodings, delimiters, RFC 4180 quoting and editor line numbers.

This module turns one source file into a :class:`RawTable`: every cell as a string, keyed by
the normalised header name (stripped, lower case), with the line each record starts on as a
text editor shows it (header = line 1 when it is the first line). Nothing is validated here
except the shape of each record; the meaning of the cells is checked by
:mod:`netanalysis.ingest.validate`.

Rules
-----
- **Encoding.** A UTF-8 byte order mark means UTF-8 (``utf-8-sig``); a UTF-32 BOM means
  UTF-32 and a UTF-16 BOM UTF-16 (UTF-16 or UTF-32 *without* a BOM is refused with a message
  saying so). Otherwise the file is read as UTF-8 when it decodes cleanly as UTF-8.
- **Mostly UTF-8.** A file whose non-ASCII lines are mostly valid UTF-8 but with some lines
  that are not (one row pasted from a Windows-1252 export) stays UTF-8: it is never
  re-decoded as a whole in another code page. Each line that is not UTF-8 is read as
  Windows-1252 only to show it, and every record that touches such a line is a *bad record*
  (a reject saying ``bad encoding`` and how the line reads in Windows-1252), so the analyst
  sees it and can fix the file.
- **Legacy code pages.** A file that is not UTF-8 at all goes to charset-normalizer;
  whenever Windows-1252 is among the encodings it finds plausible, the file is read as
  ``cp1252`` (the code page of Latin American and Western European exports; on short files
  charset-normalizer often ranks Central European ``cp1250`` first, which would turn "Muñoz"
  into "Muńoz"). Otherwise its best guess is used (``cp1251``
  Cyrillic, ``cp1253`` Greek...). A mapping file can name the encoding explicitly.
- **Byte order marks inside the text** (U+FEFF, e.g. where two exports were concatenated)
  are removed wherever they are: they are never part of an id or a name.
- **Binary content** (NUL bytes, an Excel workbook or PDF renamed ``.csv``) is not a CSV and
  stops the run with :class:`~netanalysis.errors.InputError`.
- **Delimiter.** Sniffed on the header line among ``,``, ``;`` and tab: the one that splits
  the header into the most fields wins, ``,`` on a tie. ``|`` is never a delimiter (it
  separates values inside a cell).
- **Header.** The first non-blank record. Names are stripped, put in Unicode NFC without
  format characters (zero-width spaces...) and lower-cased; an empty name
  becomes ``column_<n>`` (1-based position); a name that appears twice is a
  :class:`~netanalysis.errors.SchemaError`.
- **Records.** RFC 4180 quoting, embedded newlines included; a record's line is the line it
  *starts* on. Blank lines and records whose cells are all empty are skipped and not counted.
  A record with more cells than the header, where the extra cells are all empty (a trailing
  delimiter, common in spreadsheet exports), is trimmed; any other record with too many or
  too few cells is kept aside as a *bad record* and becomes a reject.
- **Bounds.** A header of more than :data:`MAX_COLUMNS` columns stops the run
  (:class:`~netanalysis.errors.InputError` naming file and line). A field of more than
  :data:`MAX_FIELD_CHARS` characters makes its record a bad record (naming the column), in
  files of every size; a record of more cells than the header is a bad record, of which at
  most ``MAX_COLUMNS + 1`` cells are kept.
- **Messages** never print control characters from the file: header names and values in
  messages go through :func:`printable`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netanalysis.errors import InputError, SchemaError
from netanalysis.ingest.validate import normalize_id

__all__ = ["RawTable", "DecodedText", "read_bytes", "read_header", "decode_bytes", "sniff_delimiter",
           "read_csv_table", "parse_csv_text", "normalize_header", "table_from_records", "printable",
           "MAX_COLUMNS", "MAX_FIELD_CHARS", "read_records"]

#: Delimiters that are sniffed, in order of preference on a tie.
DELIMITERS = (",", ";", "\t")

#: Most columns a header may have (a case file has about ten; wide agency exports a few
#: hundred). More stops the run: such a file is not a table of a case.
MAX_COLUMNS = 1_000

#: Longest field, in characters. A longer one makes its record a bad record (a reject).
MAX_FIELD_CHARS = 131_072

BAD_ENCODING = "bad encoding"
FIELD_TOO_LONG = "field too long"


class DecodedText(str):
    r"""Text decoded from a file, with the lines that were not in the file's encoding.

    A plain ``str`` everywhere; :func:`parse_csv_text` reads `bad_lines` (editor line
    numbers, 1-based) and turns every record touching one of them into a bad record.

    See Also
    --------
    decode_bytes : decodes the bytes of a file.
    parse_csv_text : reads the bad lines.

    Examples
    --------
    >>> t = DecodedText("id\nP1\n", bad_lines={2})
    >>> t == "id\nP1\n", sorted(t.bad_lines)
    (True, [2])
    """

    bad_lines: frozenset

    def __new__(cls, text, bad_lines=()):
        obj = super().__new__(cls, text)
        obj.bad_lines = frozenset(bad_lines)
        return obj


def printable(text, limit=200):
    r"""Return `text` safe to print in a message: control characters shown as ``\xNN``.

    Characters of Unicode categories Cc (control, NUL included) and Cf (format: zero-width,
    bidirectional overrides) are escaped; the result is cut to about `limit` characters.

    Parameters
    ----------
    text : object
        What to show (converted with :func:`str`).
    limit : int, default 200
        Length after which the text is cut and ends with ``...``.

    Returns
    -------
    str

    See Also
    --------
    netanalysis.outputs.terminal_text : the escaping of text printed by the CLI.

    Examples
    --------
    >>> printable("a\x00b\x1b[31m")
    'a\\x00b\\x1b[31m'
    >>> printable("x" * 10, limit=5)
    'xx...'
    """
    s = str(text)
    if not s.isprintable():
        s = "".join(c if c.isprintable() or c == " " else
                    (f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}") for c in s)
    if len(s) > limit:
        s = s[:max(limit - 3, 0)] + "..."
    return s


_BINARY_SIGNATURES = [
    (b"PK\x03\x04", "an Excel workbook or other zip archive (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls) or other Office file"),
    (b"%PDF", "a PDF document"),
]


@dataclass
class RawTable:
    """The cells of one source table as strings, before validation.

    Parameters
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

    See Also
    --------
    read_csv_table : makes one from a CSV file.
    table_from_records : makes one from records (Excel, JSON).

    Examples
    --------
    >>> t = RawTable(file="p.csv", path=Path("p.csv"), header=["id"],
    ...              data=pd.DataFrame({"id": ["P1"]}), lines=np.array([2]),
    ...              bad=[(3, "wrong number of fields", "P2,x", ["P2", "x"])])
    >>> t.read
    2
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
    """Return the bytes of `path`, raising :class:`InputError` when it cannot be read.

    Parameters
    ----------
    path : str or Path
        The file to read.

    Returns
    -------
    bytes
        The whole content.

    See Also
    --------
    decode_bytes : turns the bytes into text.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "persons.csv"
    >>> _ = p.write_bytes(b"id\\nP1\\n")
    >>> read_bytes(p)
    b'id\\nP1\\n'
    """
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

    Parameters
    ----------
    path : str or Path
        The CSV file.
    encoding, delimiter : str, optional
        Use these instead of detecting them.
    sample : int, default 1 MiB
        How many bytes to read at most.

    Returns
    -------
    RawTable
        With `header`, `encoding` and `delimiter` set and an empty `data`.

    See Also
    --------
    read_csv_table : reads the whole file.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "persons.csv"
    >>> _ = p.write_text("ID;Name\\nP1;Ana\\n", encoding="utf-8")
    >>> h = read_header(p)
    >>> h.header, h.delimiter, len(h.data)
    (['id', 'name'], ';', 0)
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
    header = None
    try:
        with _field_limit(len(text) + 1):
            for row in reader:
                start, prev = prev + 1, reader.line_num
                if any(f.strip() for f in row):
                    header = row
                    break
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file: {printable(exc)}", file=p,
                         line=reader.line_num) from None
    if header is not None:
        names = normalize_header(header, p, start)
        return RawTable(file=p.name, path=p, header=names, data=_frame(names, []),
                        lines=np.zeros(0, dtype=np.int64), encoding=enc,
                        delimiter=delimiter, header_line=start)
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

    Returns
    -------
    tuple of (str, str)
        The text (byte order marks removed; a :class:`DecodedText` when some lines were
        not in the detected encoding) and the name of the encoding used.

    Raises
    ------
    InputError
        When the content is binary or cannot be decoded with the given encoding.

    See Also
    --------
    read_bytes : reads the bytes of a file.
    DecodedText : text that remembers its undecodable lines.

    Examples
    --------
    >>> decode_bytes("id,name\\nP1,José Muñoz\\n".encode("cp1252"), "p.csv")
    ('id,name\\nP1,José Muñoz\\n', 'cp1252')
    >>> decode_bytes(b"\\xef\\xbb\\xbfid,name\\n", "p.csv")
    ('id,name\\n', 'utf-8-sig')
    """
    text, enc = _decode(data, path, encoding)
    if "\ufeff" in text:
        bad = getattr(text, "bad_lines", None)
        text = text.replace("\ufeff", "")
        if bad:
            text = DecodedText(text, bad)
    return text, enc


def _decode(data, path, encoding):
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except LookupError:  # not a codec, or not a text codec (rot13, base64, hex...)
            raise InputError(f"unknown text encoding {printable(encoding, 60)!r}: name one such "
                             "as utf-8, cp1252 or latin-1", file=path) from None
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise InputError(f"cannot decode the file as {encoding} (byte {data[exc.start]:#04x}): "
                             "fix the encoding named in the mapping", file=path, line=line) from None
        return text, encoding
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise InputError("the file starts with a UTF-8 byte order mark but is not valid UTF-8: "
                             "save it again as UTF-8", file=path, line=line) from None
    # UTF-32 LE's mark starts with UTF-16 LE's: look for UTF-32 first.
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                name = codec.upper()
                raise InputError(f"the file starts with a {name} byte order mark but is not valid "
                                 f"{name}: save it again as UTF-8", file=path) from None
    _check_not_binary(data, path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _decode_mostly_utf8(data)
    if mixed is not None:
        return mixed, "utf-8"
    enc = _detect_legacy(data)
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin_1"), "latin_1"


def _decode_mostly_utf8(data):
    """Decode a file that is UTF-8 but for some lines; None when it is not mostly UTF-8.

    Each line (split on LF) that is not UTF-8 is decoded as Windows-1252 (Latin-1 for the
    five bytes Windows-1252 leaves undefined) and its editor line numbers are recorded. The
    file counts as mostly UTF-8 when more of its non-ASCII lines are valid UTF-8 than not.
    """
    chunks = data.split(b"\n")
    parts = []
    bad_lines = []
    good_non_ascii = 0
    n_bad = 0
    line = 1
    for chunk in chunks:
        # Lone carriage returns are line ends too, as the csv module counts them.
        lone_cr = chunk.count(b"\r") - (1 if chunk.endswith(b"\r") else 0)
        try:
            parts.append(chunk.decode("utf-8"))
            if not chunk.isascii():
                good_non_ascii += 1
        except UnicodeDecodeError:
            n_bad += 1
            try:
                parts.append(chunk.decode("cp1252"))
            except UnicodeDecodeError:
                parts.append(chunk.decode("latin_1"))
            bad_lines.extend(range(line, line + lone_cr + 1))
        line += lone_cr + 1
    if good_non_ascii <= n_bad:
        return None
    return DecodedText("\n".join(parts), bad_lines)


def sniff_delimiter(line):
    """Return the delimiter of a header line: ``,``, ``;`` or tab.

    Parameters
    ----------
    line : str
        The header line of a file.

    Returns
    -------
    str
        The delimiter of :data:`DELIMITERS` that splits the line (quotes respected) into
        the most fields; the first of them on a tie, ``,`` when none splits it.

    See Also
    --------
    read_csv_table : sniffs the delimiter unless one is given.

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

    Parameters
    ----------
    names : list of str
        The header cells as read.
    path : str or Path
        The file, named in errors.
    line : int, default 1
        The line of the header, named in errors.

    Returns
    -------
    list of str
        The names stripped and lower-cased; an empty name becomes ``column_N`` (its
        1-based position).

    See Also
    --------
    read_csv_table : normalises the header this way.

    Examples
    --------
    >>> normalize_header([" ID ", "Name", ""], "p.csv")
    ['id', 'name', 'column_3']

    Raises
    ------
    InputError
        When there are more than :data:`MAX_COLUMNS` names.
    SchemaError
        When a name appears twice.
    """
    if len(names) > MAX_COLUMNS:
        raise InputError(f"the header has {len(names):,} columns, more than the {MAX_COLUMNS:,} "
                         "a table may have: is this the right file, and the right delimiter?",
                         file=path, line=line)
    out = []
    seen = {}
    for i, raw in enumerate(names):
        name = normalize_id(str(raw if raw is not None else "")).lower()
        if not name:
            name = f"column_{i + 1}"
        if name in seen:
            raise SchemaError(f"column '{printable(name)}' appears twice in the header (columns {seen[name] + 1} "
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

    Returns
    -------
    RawTable
        The header, the aligned records as strings and the records that could not be aligned
        (`bad`).

    See Also
    --------
    parse_csv_text : the parsing of decoded text.
    read_header : reads only the header.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "persons.csv"
    >>> _ = p.write_text("ID;Name\\nP1;Ana\\nP2;Luis;extra\\n", encoding="utf-8")
    >>> t = read_csv_table(p)
    >>> t.header, t.data.values.tolist(), t.lines.tolist(), t.delimiter
    (['id', 'name'], [['P1', 'Ana']], [2], ';')
    >>> t.bad[0][:2], t.read
    ((3, 'wrong number of fields: 3 fields, the header has 2'), 2)

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
    quote parity of each newline and delimiter, cells parsed by ``pyarrow.csv`` when every
    record has the same number of fields, else by pandas' C parser); files it cannot
    prove regular (stray quotes, lone carriage returns) are read record by record with the
    csv module. Both give the same result.

    Parameters
    ----------
    text : str
        The decoded text (a :class:`DecodedText` marks undecodable lines).
    path : str or Path
        The file the text came from, named in errors.
    display : str
        Name of the source in rejects.
    encoding : str
        The encoding the text was decoded with (recorded in the table).
    delimiter : str, optional
        The delimiter; sniffed from the header line when None.
    data : bytes, optional
        `text` encoded as UTF-8.

    Returns
    -------
    RawTable
        As :func:`read_csv_table` returns it.

    See Also
    --------
    read_csv_table : reads and decodes a file, then calls this.

    Examples
    --------
    >>> t = parse_csv_text("id,name\\nP1,Ana\\n", "p.csv", display="p.csv", encoding="utf-8")
    >>> t.header, t.data.values.tolist(), t.lines.tolist()
    (['id', 'name'], [['P1', 'Ana']], [2])
    """
    if "\x00" in text:
        raise InputError("not a CSV file: it contains NUL characters (binary content)", file=path)
    bad_lines = getattr(text, "bad_lines", None) or frozenset()
    if delimiter is None:
        first = next((ln for ln in io.StringIO(text, newline="") if ln.strip()), "")
        delimiter = sniff_delimiter(first.rstrip("\r\n"))
    if len(text) >= _FAST_MIN_CHARS and not bad_lines:
        raw = _parse_fast(text if data is None else None, data, path, display, encoding,
                          delimiter)
        if raw is not None:
            return raw
    return _parse_slow(text, path, display, encoding, delimiter, bad_lines)


@contextmanager
def _field_limit(n):
    """Let the csv module read fields of up to `n` characters (restored afterwards)."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, n))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _parse_slow(text, path, display, encoding, delimiter, bad_lines=frozenset()):
    # Field lengths are checked here, record by record, against MAX_FIELD_CHARS; the csv
    # module's own limit is lifted so that an over-long field is a reject, not a stop.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    prev = 0
    header = None
    header_line = 1
    with _field_limit(len(text) + 1):
        try:
            for row in reader:
                start, prev = prev + 1, reader.line_num
                if any(f.strip() for f in row):
                    header, header_line = row, start
                    break
            if header is None:
                raise SchemaError("empty file: no header row (add the header, or delete the "
                                  "file if it is optional)", file=path)
            names = normalize_header(header, path, header_line)
            rows, lines, bad = read_records(reader, names, delimiter, prev=prev, bad_lines=bad_lines)
        except csv.Error as exc:
            raise InputError(f"not a readable CSV file: {printable(exc)}", file=path,
                             line=reader.line_num) from None
    data = _frame(names, rows)
    return RawTable(file=display, path=Path(path), header=names, data=data,
                    lines=np.asarray(lines, dtype=np.int64), bad=bad, encoding=encoding,
                    delimiter=delimiter, header_line=header_line)


def read_records(reader, names, delimiter, *, prev=0, offset=0, after=0, bad_lines=frozenset()):
    """Read the records of a :func:`csv.reader` into aligned rows and bad records.

    The rules of :func:`read_csv_table` for the records after the header: blank records are
    skipped, a trailing empty cell is trimmed, a record with the wrong number of fields, a
    field over :data:`MAX_FIELD_CHARS` or a line that was not in the file's encoding makes a
    bad record. Both the embedded reader (the whole file) and the Spark engine (one block of
    a file per task, see :mod:`netanalysis.engines.spark.read`) call this.

    Parameters
    ----------
    reader : csv reader
        Positioned at the start of a record.
    names : list of str
        The normalised header.
    delimiter : str
        The delimiter (shown in the value of a bad record).
    prev : int
        The reader's ``line_num`` before its next record.
    offset : int
        Added to the reader's line numbers (the line before the reader's first line).
    after : int
        Records starting on this line or before it are skipped (the header and the blank
        lines above it).
    bad_lines : frozenset of int
        Lines (with `offset` added) that were not in the file's encoding.

    Returns
    -------
    tuple of (list, list, list)
        The aligned rows (lists of strings), the line each starts on, and the bad records
        ``(line, problem, value, cells)``.

    See Also
    --------
    read_csv_table : reads a whole file with it.

    Examples
    --------
    >>> r = csv.reader(io.StringIO("P1,Ana\\nP2\\n\\nP3,Eva,\\n", newline=""))
    >>> rows, lines, bad = read_records(r, ["id", "name"], ",", offset=4)
    >>> rows, lines, [b[:2] for b in bad]
    ([['P1', 'Ana'], ['P3', 'Eva']], [5, 8], [(6, 'wrong number of fields: 1 fields, the header has 2')])
    """
    ncols = len(names)
    rows, lines, bad = [], [], []
    append_row, append_line = rows.append, lines.append
    limit = MAX_FIELD_CHARS
    for row in reader:
        start, prev = prev + 1, reader.line_num
        if start + offset <= after:
            continue
        n = len(row)
        if bad_lines and not bad_lines.isdisjoint(range(start + offset, prev + offset + 1)):
            if any(f.strip() for f in row):
                bad.append(_encoding_record(start + offset, prev + offset, row, ncols, delimiter,
                                            bad_lines))
            continue
        if n == ncols:
            if not any(row):  # all cells empty
                continue
        elif not any(f.strip() for f in row):  # blank
            continue
        elif n < ncols or any(f.strip() for f in row[ncols:]):
            bad.append(_bad_record(start + offset, prev + offset, row, ncols, delimiter))
            continue
        else:  # trailing empty fields: trimmed to the header's width
            row = row[:ncols]
        if max(map(len, row)) > limit:
            bad.append(_long_record(start + offset, row, names, delimiter))
            continue
        append_row(row)
        append_line(start + offset)
    return rows, lines, bad


def _bad_record(start, end, row, ncols, delimiter):
    n = len(row)
    problem = f"wrong number of fields: {n:,} fields, the header has {ncols}"
    if end > start:
        problem += f" (the record runs from line {start} to line {end}: an unclosed quote?)"
    return (start, problem, _shown(row, delimiter), list(row[:MAX_COLUMNS + 1]))


def _long_record(start, row, names, delimiter):
    j = max(range(len(row)), key=lambda k: len(row[k]))
    problem = (f"{FIELD_TOO_LONG}: column {printable(names[j])} has {len(row[j]):,} characters, "
               f"more than the {MAX_FIELD_CHARS:,} a field may have")
    return (start, problem, _shown(row, delimiter), list(row[:MAX_COLUMNS + 1]))


def _encoding_record(start, end, row, ncols, delimiter, bad_lines):
    which = [ln for ln in range(start, end + 1) if ln in bad_lines]
    where = f"line {which[0]}" if len(which) == 1 else f"lines {which[0]}-{which[-1]}"
    problem = (f"{BAD_ENCODING}: {where} is not valid UTF-8 although the rest of the file is; "
               "the value shows it read as Windows-1252: save the file again as UTF-8")
    return (start, problem, _shown(row, delimiter), list(row[:MAX_COLUMNS + 1]))


def _shown(row, delimiter):
    """The cells of a bad record as a reject shows them (joined, cut to 200 characters)."""
    value = delimiter.join(row[:201])
    if len(value) > 200:
        value = value[:197] + "..."
    return value


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
    if len(nfields) and int(nfields.max()) > MAX_COLUMNS:
        return None  # the record-by-record path bounds the columns and says where
    if len(seglen) and int(seglen.max()) > MAX_FIELD_CHARS:
        # Some record is longer than a field may be: find the longest field (in bytes, an
        # upper bound of its characters) between delimiters and line ends.
        bounds = np.concatenate((np.array([-1], dtype=np.int64), dp, ends))
        bounds.sort()
        if int(np.diff(bounds).max()) - 1 > MAX_FIELD_CHARS:
            return None  # a field may be too long: the record-by-record path checks each
    stripped = not _needs_strip(arr, data, delimiter)
    del dp, q, arr
    keep = ~blank
    seg_line, seg_end, nfields = seg_line[keep], seg_end[keep], nfields[keep]
    if not len(seg_line):
        raise SchemaError("empty file: no header row (add the header, or delete the file "
                          "if it is optional)", file=path)
    maxf = int(nfields.max())
    fields = _read_fields(data, delimiter, maxf, len(seg_line), bool((nfields == maxf).all()))
    if fields is None:
        return None
    header_line = int(seg_line[0])
    ncols = int(nfields[0])
    names = normalize_header([str(f[0]) for f in fields[:ncols]], path, header_line)
    body = [f[1:] for f in fields]
    del fields
    lines = seg_line[1:]
    end_lines = seg_end[1:]
    nf = nfields[1:]
    good = nf == ncols
    bad = []
    over = nf != ncols
    if over.any():
        # Extra cells that are all empty (a trailing delimiter) are trimmed, vectorised.
        extra_empty = nf > ncols
        for j in range(ncols, maxf):
            extra_empty &= body[j] == ""
        good |= extra_empty
        for i in np.flatnonzero(over & ~extra_empty):
            row = [str(body[j][i]) for j in range(nf[i])]
            if nf[i] > ncols and not any(v.strip() for v in row[ncols:]):
                good[i] = True
                continue
            if not any(v.strip() for v in row):
                continue
            bad.append(_bad_record(int(lines[i]), int(end_lines[i]), row, ncols, delimiter))
    if ncols:
        allempty = np.ones(len(nf), dtype=bool)
        for j in range(ncols):
            allempty &= body[j] == ""
        good &= ~allempty
    sel = np.flatnonzero(good)
    cols = {}
    for j, name in enumerate(names):
        col = body[j]
        if len(sel) != len(col):
            col = col[sel]
        cols[name] = pd.Series(col, dtype=object)
    frame = pd.DataFrame(cols, index=pd.RangeIndex(len(sel)))
    return RawTable(file=display, path=Path(path), header=names, data=frame,
                    lines=lines[sel].astype(np.int64), bad=bad, encoding=encoding,
                    delimiter=delimiter, header_line=header_line, stripped=stripped)


def _read_fields(data, delimiter, maxf, nrecords, uniform):
    """Return the cells of regular CSV bytes as `maxf` object arrays (field j of each record,
    ``""`` where a record has fewer fields), or None when the parsers disagree with the record
    count found by :func:`_parse_fast`.

    A file whose records all have `maxf` fields is parsed by ``pyarrow.csv`` (several times
    faster than pandas' C parser), any other (or one pyarrow refuses) by pandas' C parser.
    """
    if uniform:
        try:
            import pyarrow as pa
            import pyarrow.csv as pacsv
        except ImportError:
            pa = None
        if pa is not None:
            names = [f"f{j}" for j in range(maxf)]
            try:
                tb = pacsv.read_csv(
                    io.BytesIO(data),
                    read_options=pacsv.ReadOptions(column_names=names, use_threads=False,
                                                   block_size=1 << 24),
                    parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"',
                                                     double_quote=True, escape_char=False,
                                                     newlines_in_values=True,
                                                     ignore_empty_lines=True),
                    convert_options=pacsv.ConvertOptions(
                        column_types={n: pa.large_string() for n in names},
                        strings_can_be_null=False, quoted_strings_can_be_null=False,
                        null_values=[], check_utf8=True))
            except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
                tb = None
            if tb is not None and tb.num_rows == nrecords:
                return [_arrow_to_objects(tb.column(j)) for j in range(maxf)]
    try:
        df = pd.read_csv(io.BytesIO(data), sep=delimiter, header=None, names=list(range(maxf)),
                         dtype=object, keep_default_na=False, na_filter=False,
                         skip_blank_lines=True, engine="c", encoding="utf-8", quotechar='"',
                         doublequote=True, index_col=False)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError):
        return None
    if len(df) != nrecords:
        return None
    return [df[j].to_numpy(dtype=object) for j in range(maxf)]


def _arrow_to_objects(col):
    """Return a pyarrow string column as an object array of ``str``.

    A column with few distinct values (kinds, roles, dates, places) is dictionary-encoded
    first, so each distinct text becomes one Python string shared by its cells: fewer objects
    made, less memory, and faster comparisons later. Distinctness is judged on a sample.
    """
    col = col.combine_chunks()
    n = len(col)
    sample = col.slice(0, 20000)
    if n > 1000 and len(sample.unique()) * 4 < len(sample):
        enc = col.dictionary_encode()
        return enc.dictionary.to_numpy(zero_copy_only=False)[enc.indices.to_numpy()]
    return col.to_numpy(zero_copy_only=False)


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

    Parameters
    ----------
    records : list of tuple of (int, dict)
        The line (sheet row, record number) of each record and its cells as text.
    file : str
        Name of the source in rejects.
    path : str or Path
        The file read.
    header_line : int, default 1
        The line of the header (for errors about the header).
    encoding, delimiter : str, optional
        Recorded in the table when they apply.
    bad : list of tuple, optional
        Records already rejected, as in :attr:`RawTable.bad`.

    Returns
    -------
    RawTable

    See Also
    --------
    read_csv_table : the same for a CSV file.

    Examples
    --------
    >>> t = table_from_records([(2, {"ID": "P1", "Name": "Ana"}), (3, {"ID": "P2"})],
    ...                        file="p.json", path="p.json")
    >>> t.header, t.data.values.tolist(), t.lines.tolist()
    (['id', 'name'], [['P1', 'Ana'], ['P2', '']], [2, 3])
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
        if len(sample) >= 8 and (sample[0::2].count(0) > len(sample) // 4
                                 or sample[1::2].count(0) > len(sample) // 4):
            raise InputError("not readable: it looks like UTF-16 or UTF-32 text without a byte "
                             "order mark; save it again as UTF-8", file=path)
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
