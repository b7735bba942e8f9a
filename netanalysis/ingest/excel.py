"""Excel (``.xlsx``/``.xlsm``) sources of a mapping, read with bounded time and memory.

A workbook is a zip archive of XML parts. Before :mod:`openpyxl` opens one, the archive is
checked so that a small hostile file cannot exhaust memory or time:

- **Archive.** Every member's uncompressed size is at most :data:`MAX_MEMBER_BYTES`, all of
  them together at most :data:`MAX_TOTAL_BYTES`, and a member over 1 MiB expands at most
  :data:`MAX_RATIO` times its compressed size (a zip bomb expands about a thousand times).
  The shared strings part, which openpyxl loads whole, is at most
  :data:`MAX_SHARED_STRINGS_BYTES` and holds at most :data:`MAX_SHARED_STRINGS` strings.
- **XML.** Every XML part is scanned as a stream before it is used: it must be well formed
  (a truncated sheet is a clear error, not a traceback), declare no DTD or entity, and no
  text of a sheet or of the shared strings may exceed :data:`MAX_CELL_CHARS` characters
  (Excel's own limit for a cell).
- **Size of the sheet.** The dimension a sheet declares (``<dimension ref="A1:XFD1048576"/>``)
  is not trusted: rows are read as they come. The sheet read may have at most
  :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns and :data:`MAX_CELLS` cells
  (counting the empty cells before a row's last value).

A violation raises :class:`~netanalysis.errors.InputError` naming the workbook.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from xml.parsers import expat

import numpy as np
import pandas as pd

from netanalysis.errors import InputError
from netanalysis.ingest.read import RawTable, normalize_header

__all__ = ["read_xlsx_table", "read_xlsx_header", "check_xlsx_archive", "archive_signature",
           "cell_text",
           "MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES", "MAX_RATIO", "MAX_SHARED_STRINGS_BYTES",
           "MAX_SHARED_STRINGS", "MAX_CELL_CHARS", "MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS"]

#: Largest uncompressed size of one member of the archive.
MAX_MEMBER_BYTES = 1 << 30
#: Largest uncompressed size of all members together.
MAX_TOTAL_BYTES = 2 << 30
#: Largest expansion (uncompressed / compressed size) of a member over 1 MiB.
MAX_RATIO = 200
#: Largest uncompressed size of ``xl/sharedStrings.xml`` (loaded whole by openpyxl).
MAX_SHARED_STRINGS_BYTES = 256 << 20
#: Most shared strings.
MAX_SHARED_STRINGS = 2_000_000
#: Longest text of a cell (Excel's limit).
MAX_CELL_CHARS = 32_767
#: Longest text of any other XML element.
_MAX_OTHER_CHARS = 1 << 20
#: Most rows of the sheet read (Excel's limit).
MAX_ROWS = 1_048_576
#: Most columns of the sheet read.
MAX_COLUMNS = 1_024
#: Most cells of the sheet read (each row counted up to its last value).
MAX_CELLS = 20_000_000

_RATIO_FROM = 1 << 20
_SHARED = "xl/sharedstrings.xml"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_COLUMN = re.compile(r"\$?([A-Za-z]{1,3})\$?\d*$")


def check_xlsx_archive(path):
    """Check a workbook's archive and XML parts (see the module docstring).

    Every XML part is scanned, each sheet too (openpyxl opens every one), with the limits of
    the module docstring.

    Parameters
    ----------
    path : str or Path
        The workbook.

    Raises
    ------
    InputError
        The archive is not a zip file, a limit is exceeded or an XML part is broken.

    See Also
    --------
    archive_signature : identifies a checked file so it is not checked twice.
    read_xlsx_table : checks the archive before reading.

    Examples
    --------
    >>> import tempfile, pathlib, zipfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bomb.xlsx"
    >>> with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("xl/sharedStrings.xml", "<sst><si><t>" + "A" * 3_000_000 + "</t></si></sst>")
    >>> try:
    ...     check_xlsx_archive(p)
    ... except InputError as e:
    ...     print(e.message.split(":")[0])  # doctest: +ELLIPSIS
    xl/sharedStrings.xml expands ... times its compressed size (at most 200)
    """
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"not a readable Excel workbook (not a zip archive: {exc})",
                         file=path) from None
    with zf:
        infos = zf.infolist()
        total = 0
        for info in infos:
            _check_member_size(path, info)
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise InputError(f"the workbook expands to more than {MAX_TOTAL_BYTES >> 20:,} MiB "
                                 "when unpacked; it is refused as a possible zip bomb", file=path)
        for info in infos:
            name = info.filename.lower()
            if not name.endswith(_XML_SUFFIXES):
                continue
            _XmlScan(path, zf, info, kind=("shared" if name == _SHARED else "sheet"
                                          if name.startswith("xl/worksheets/") else "other")).run()


def archive_signature(path):
    """Return ``(size, modification time in ns)`` of `path`, or None when it cannot be read.

    Passed as ``checked`` to the readers, it spares a second check of a workbook that has
    not changed since it was checked.

    Parameters
    ----------
    path : str or Path
        The workbook.

    Returns
    -------
    tuple of (int, int) or None
        Size in bytes and modification time in nanoseconds.

    See Also
    --------
    check_xlsx_archive : the check a matching signature spares.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "w.xlsx"
    >>> _ = p.write_bytes(b"PK")
    >>> archive_signature(p)[0], archive_signature(p.with_name("absent.xlsx"))
    (2, None)
    """
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def read_xlsx_header(path, sheet, *, checked=None):
    """Return ``(header names, sheet title)``: the first non-empty row of the sheet.

    The archive is checked first (:func:`check_xlsx_archive`) unless `checked` equals its
    :func:`archive_signature`; no data row is read.

    Parameters
    ----------
    path : str or Path
        The workbook.
    sheet : str, int or None
        The sheet's name, or its 1-based position; None is the first sheet.
    checked : tuple, optional
        The :func:`archive_signature` of the file when it was last checked.

    Returns
    -------
    tuple of (list of str, str)
        The normalised header names and the title of the sheet read.

    See Also
    --------
    read_xlsx_table : reads the whole sheet.
    archive_signature : what `checked` compares.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> p = Path(tempfile.mkdtemp()) / "case.xlsx"
    >>> wb = openpyxl.Workbook(); wb.active.title = "Personas"
    >>> wb.active.append(["ID", "Name"]); wb.save(p)
    >>> read_xlsx_header(p, None, checked=archive_signature(p))
    (['id', 'name'], 'Personas')
    """
    with _open_sheet(path, sheet, checked) as ws:
        for cells in _rows(ws, path):
            if any(c.strip() for c in cells):
                while cells and not cells[-1].strip():
                    cells.pop()
                return normalize_header(cells, path), ws.title
        return [], ws.title


def read_xlsx_table(path, sheet, display, *, checked=None):
    """Read one sheet into a :class:`~netanalysis.ingest.read.RawTable`.

    The first non-empty row is the header; lines are the sheet's row numbers; a row with a
    value beyond the header's columns is a bad record (a reject). The archive is checked first
    (:func:`check_xlsx_archive`) unless `checked` equals its :func:`archive_signature`.

    Parameters
    ----------
    path : str or Path
        The workbook.
    sheet : str, int or None
        The sheet's name, or its 1-based position; None is the first sheet.
    display : str
        Name of the source in rejects (``export.xlsx[Personas]``).
    checked : tuple, optional
        The :func:`archive_signature` of the file when it was last checked.

    Returns
    -------
    RawTable
        The header, the rows as text (:func:`cell_text`) and the rejected rows in ``bad``.

    Raises
    ------
    InputError
        The archive fails its check, the workbook cannot be read, the sheet does not exist
        or is empty.

    See Also
    --------
    read_xlsx_header : reads the header row only.
    netanalysis.ingest.read.read_csv_table : the same for CSV files.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> p = Path(tempfile.mkdtemp()) / "case.xlsx"
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Personas"
    >>> for row in (["ID", "Name"], ["P1", "Ana"], ["P2", "Luis", "x"]):
    ...     ws.append(row)
    >>> wb.save(p)
    >>> t = read_xlsx_table(p, "Personas", "case.xlsx[Personas]")
    >>> t.header, t.data.values.tolist(), t.lines.tolist(), [b[0] for b in t.bad]
    (['id', 'name'], [['P1', 'Ana']], [2], [3])
    """
    with _open_sheet(path, sheet, checked) as ws:
        header = None
        header_line = 1
        names = []
        rows, lines, bad = [], [], []
        for rownum, cells in enumerate(_rows(ws, path), start=1):
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                while cells and not cells[-1].strip():
                    cells.pop()
                header, header_line = cells, rownum
                names = normalize_header(header, path, rownum)
                continue
            n = len(names)
            if len(cells) > n:
                extra = cells[n:]
                if any(c.strip() for c in extra):
                    bad.append((rownum, f"wrong number of fields: a value beyond the {n} header "
                                f"columns", "\t".join(cells)[:200], cells))
                    continue
                cells = cells[:n]
            elif len(cells) < n:
                cells = cells + [""] * (n - len(cells))
            rows.append(cells)
            lines.append(rownum)
    if header is None:
        raise InputError("the sheet is empty: no header row", file=path)
    cols = list(zip(*rows)) if rows else [() for _ in names]
    data = pd.DataFrame({n: pd.Series(np.asarray(c, dtype=object), dtype=object)
                         for n, c in zip(names, cols)}, index=pd.RangeIndex(len(rows)))
    return RawTable(file=display, path=Path(path), header=names, data=data,
                    lines=np.asarray(lines, dtype=np.int64), bad=bad, encoding=None,
                    delimiter=None, header_line=header_line)


def cell_text(v):
    """Return the text of a cell value as openpyxl gives it.

    Parameters
    ----------
    v : object
        A cell value: None, text, number, boolean, date, time or date-time.

    Returns
    -------
    str
        ``""`` for an empty cell; whole numbers without ``.0``; booleans as ``true`` /
        ``false``; dates in ISO 8601 (a date-time at midnight as a day).

    See Also
    --------
    read_xlsx_table : reads every cell through this.

    Examples
    --------
    >>> from datetime import datetime
    >>> cell_text(3.0), cell_text(2.5), cell_text(True), cell_text(datetime(2020, 1, 2))
    ('3', '2.5', 'true', '2020-01-02')
    """
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        if v.time() == time(0, 0):
            return v.date().isoformat()
        return v.isoformat(timespec="seconds" if v.second else "minutes")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, time):
        return v.isoformat()
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return repr(v)
    return str(v)


# ---------------------------------------------------------------- helpers

def _check_member_size(path, info):
    name = info.filename
    if info.file_size > MAX_MEMBER_BYTES:
        raise InputError(f"{name} expands to {info.file_size:,} bytes (at most "
                         f"{MAX_MEMBER_BYTES:,}); it is refused as a possible zip bomb",
                         file=path)
    if name.lower() == _SHARED and info.file_size > MAX_SHARED_STRINGS_BYTES:
        raise InputError(f"{name} expands to {info.file_size:,} bytes (at most "
                         f"{MAX_SHARED_STRINGS_BYTES:,} of shared strings); it is refused as a "
                         "possible zip bomb", file=path)
    if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise InputError(f"{name} expands {ratio:,} times its compressed size (at most "
                         f"{MAX_RATIO}): it is refused as a possible zip bomb", file=path)


class _XmlScan:
    """Stream one XML member through expat, checking the limits; no tree is built."""

    def __init__(self, path, zf, info, kind):
        self.path, self.zf, self.info, self.kind = path, zf, info, kind
        self.limit = MAX_CELL_CHARS if kind in ("sheet", "shared") else _MAX_OTHER_CHARS
        self.text = 0
        self.rows = self.cells = self.col = self.width = self.strings = 0
        p = expat.ParserCreate(namespace_separator="}")
        p.buffer_text = True
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.chars
        p.StartDoctypeDeclHandler = self.doctype
        p.EntityDeclHandler = self.doctype
        self.parser = p

    def fail(self, message):
        p = self.parser
        raise InputError(f"{self.info.filename} line {p.CurrentLineNumber}, column "
                         f"{p.CurrentColumnNumber + 1}: {message}", file=self.path)

    def run(self):
        try:
            with self.zf.open(self.info) as f:
                while True:
                    chunk = f.read(1 << 16)
                    if not chunk:
                        break
                    self.parser.Parse(chunk, False)
                self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise InputError(f"{self.info.filename} is not well-formed XML (line {exc.lineno}, "
                             f"column {exc.offset + 1}: {expat.ErrorString(exc.code)}); the "
                             "workbook is damaged or truncated: save it again from Excel",
                             file=self.path) from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
                RuntimeError, ValueError) as exc:  # RuntimeError: an encrypted member
            raise InputError(f"cannot unpack {self.info.filename} ({exc}); the workbook is "
                             "damaged: save it again from Excel", file=self.path) from None

    def doctype(self, *args):
        self.fail("a document type or entity declaration is not allowed in a workbook")

    def chars(self, data):
        self.text += len(data)
        if self.text > self.limit:
            self.fail(f"a text longer than {self.limit:,} characters (Excel's limit for a cell "
                      "is 32,767)")

    def start(self, name, attrs):
        self.text = 0
        if self.kind == "shared":
            if name.endswith("}si") or name == "si":
                self.strings += 1
                if self.strings > MAX_SHARED_STRINGS:
                    self.fail(f"more than {MAX_SHARED_STRINGS:,} shared strings")
            return
        if self.kind != "sheet":
            return
        local = name.rpartition("}")[2]
        if local == "row":
            self.rows += 1
            r = attrs.get("r")
            idx = int(r) if r is not None and r.isdigit() else self.rows
            if self.rows > MAX_ROWS or idx > MAX_ROWS:
                self.fail(f"the sheet has more than {MAX_ROWS:,} rows")
            self.col = self.width = 0
        elif local == "c":
            r = attrs.get("r")
            m = _COLUMN.match(r) if r else None
            if m:
                col = 0
                for ch in m.group(1).upper():
                    col = col * 26 + ord(ch) - 64
            else:
                col = self.col + 1
            self.col = col
            if col > MAX_COLUMNS:
                self.fail(f"a cell in column {col:,} ({r or 'no reference'}): a sheet may have "
                          f"at most {MAX_COLUMNS:,} columns")
            self.width = max(self.width, col)

    def end(self, name):
        self.text = 0
        if self.kind == "sheet" and name.rpartition("}")[2] == "row":
            self.cells += self.width
            if self.cells > MAX_CELLS:
                self.fail(f"the sheet has more than {MAX_CELLS:,} cells")


@contextmanager
def _open_sheet(path, sheet, checked=None):
    """Check the archive, open the workbook read-only and yield the sheet; close both."""
    import warnings

    import openpyxl

    path = Path(path)
    if checked is None or archive_signature(path) != checked:
        check_xlsx_archive(path)  # before openpyxl reads anything
    with open(path, "rb") as fh:
        try:
            with warnings.catch_warnings():
                # e.g. "Workbook contains no default style": noise about formatting, not data
                warnings.simplefilter("ignore", UserWarning)
                wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFile...)
            raise InputError(f"not a readable Excel workbook: {type(exc).__name__}",
                             file=path) from None
        try:
            ws = _pick_sheet(wb, sheet, path)
            ws.reset_dimensions()  # never trust the declared dimension
            yield ws
        finally:
            wb.close()


def _pick_sheet(wb, sheet, path):
    if not wb.worksheets:
        raise InputError("the workbook has no worksheet", file=path)
    if sheet is None:
        return wb.worksheets[0]
    if sheet in wb.sheetnames:
        return wb[sheet]
    if str(sheet).isdigit() and 1 <= int(sheet) <= len(wb.worksheets):
        return wb.worksheets[int(sheet) - 1]
    raise InputError(f"no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})", file=path)


def _rows(ws, path):
    """Yield each row of `ws` as a list of texts; openpyxl failures become InputError."""
    it = ws.iter_rows(min_row=1, values_only=True)
    while True:
        try:
            row = next(it)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl: ValueError, KeyError, TypeError on odd cells
            # the exception's text may quote a cell: name only its kind
            raise InputError(f"not a readable Excel sheet ({type(exc).__name__})",
                             file=path) from None
        yield [cell_text(v) for v in row] if row else []
