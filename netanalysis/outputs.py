"""Safe output writing: formula-safe CSV cells, atomic files, the output folder of a run.

Everything netanalysis writes for a person to open goes through this module, so that the
same rules hold for every file:

CSV cells (:func:`csv_cell`, :func:`write_csv`)
    A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    (the OWASP list of characters a spreadsheet takes as the start of a formula) is written
    with a leading apostrophe: ``=HYPERLINK("x")`` becomes ``'=HYPERLINK("x")``. Numbers
    stored as numbers (a score of ``-0.5``) are not text and are left alone. The rule is
    reversible: a text that already starts with apostrophes followed by one of those
    characters gets one more apostrophe, and :func:`csv_uncell` removes exactly one from any
    text that matches ``'+[=+\\-@\\t\\r]``. Our own CSV readers of our own outputs (the CSV
    graph export) apply :func:`csv_uncell`.

Files (:func:`atomic_write_text`, :func:`atomic_path`)
    A file is written to a temporary file in the folder of its destination and moved into
    place with :func:`os.replace`. A reader never sees a half-written file; an interrupted
    run leaves the earlier file (or none). A symbolic link at the destination is *replaced*
    by the new file: the link's target is never written, and a dangling link never creates
    a file elsewhere.

The output folder (:class:`OutputFolder`)
    ``analyze`` writes all its files through one :class:`OutputFolder`: the folder is checked
    writable before the analysis starts, a lock refuses a second concurrent run, every file
    is staged in a private temporary folder, and :meth:`OutputFolder.commit` moves them into
    place, removes outputs of an earlier run that this run did not write (the old
    ``network.html`` after ``--no-map``) and writes ``manifest.json`` last (files, sizes,
    sha256, run id, start and finish times). A folder without a ``manifest.json`` that lists
    its files is not a complete run; an interrupted run leaves the earlier complete run as
    it was.

Terminal and XML text (:func:`terminal_text`, :func:`xml_text`)
    Control characters (and the Unicode bidirectional overrides) from data are shown as
    ``\\x1b``-style escapes on a terminal; characters XML 1.0 cannot hold are written as
    the same visible escapes in GraphML and GEXF.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from netanalysis.errors import InputError

__all__ = ["FORMULA_CHARS", "csv_cell", "csv_uncell", "safe_frame", "write_csv",
           "atomic_write_text", "atomic_path", "check_writable", "OutputFolder",
           "MANIFEST", "terminal_text", "xml_text"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
#: Name of the completion manifest written last into an output folder.
MANIFEST = "manifest.json"

_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_FORMULA_OR_QUOTE = frozenset("'=+-@\t\r")  # the first characters _NEEDS_QUOTE can match
_PLAIN_TYPES = frozenset({float, int, bool, type(None), type(pd.NA)})  # csv_cell keeps them
#: infer_dtype kinds of an object column that holds no text: csv_cell leaves every cell as is
_NOT_TEXT = frozenset({"integer", "floating", "mixed-integer-float", "decimal", "complex",
                       "boolean", "datetime64", "datetime", "date", "timedelta64", "timedelta",
                       "time", "period", "interval", "empty"})
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
_LOCK = ".netanalysis.lock"
_STAGE_PREFIX = ".netanalysis-staging-"
_TMP_PREFIX = ".netanalysis-tmp-"
_STALE_TMP_S = 3600


def csv_cell(value):
    """Return `value` made safe for a spreadsheet: text starting a formula gets a ``'``.

    Lists, tuples and sets are joined with ``|`` first. Anything that is not text (numbers,
    booleans, missing values) is returned unchanged.

    Parameters
    ----------
    value : object
        A cell value: text, a number, a missing value, or a list, tuple or set of values.

    Returns
    -------
    object
        The text with a leading ``'`` when it would start a formula, else `value` (lists
        joined with ``|``).

    See Also
    --------
    csv_uncell : undoes this on text read back.
    safe_frame : applies this to every text cell of a table.

    Examples
    --------
    >>> csv_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_cell("-2+3"), csv_cell("Ana"), csv_cell(-0.5)
    ("'-2+3", 'Ana', -0.5)
    >>> csv_cell("'=x")   # already quoted text keeps its own apostrophe
    "''=x"
    >>> csv_cell(["@a", "b"])
    "'@a|b"
    """
    if isinstance(value, (list, tuple, set)):
        value = "|".join(str(x) for x in value)
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def csv_uncell(value):
    """Undo :func:`csv_cell` on a text read back from one of our CSV files.

    Parameters
    ----------
    value : object
        A cell read back from a CSV file written through :func:`csv_cell`.

    Returns
    -------
    object
        The text with one leading apostrophe removed when it quotes a formula character,
        else `value` unchanged.

    See Also
    --------
    csv_cell : the quoting this undoes.

    Examples
    --------
    >>> csv_uncell("'=SUM(1)"), csv_uncell("''=x"), csv_uncell("'quoted'"), csv_uncell(3)
    ('=SUM(1)', "'=x", "'quoted'", 3)
    >>> all(csv_uncell(csv_cell(s)) == s for s in ["=1", "'=1", "''-", "'a", "", "+", "x"])
    True
    """
    if isinstance(value, str) and _QUOTED.match(value):
        return value[1:]
    return value


def safe_frame(df):
    """Return a copy of `df` whose text cells went through :func:`csv_cell`.

    Columns of numbers, booleans and dates are left as they are; only object (text) columns
    are changed, so a number inside a text column stays a number. A column that holds only
    text (and missing values) is checked at once with a pyarrow regular expression; a column
    of mixed values (lists, numbers among texts) cell by cell.
    Column names are data too (extra columns of a case file) and are made safe as well.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to make safe; it is not changed.

    Returns
    -------
    pandas.DataFrame
        A copy with text cells and column names quoted by :func:`csv_cell`.

    See Also
    --------
    csv_cell : the rule applied to each cell.
    write_csv : writes a table made safe this way.

    Examples
    --------
    >>> safe_frame(pd.DataFrame({"name": ["@SUM(1)", "Ana"], "score": [-0.5, 1.0]})).to_dict("list")
    {'name': ["'@SUM(1)", 'Ana'], 'score': [-0.5, 1.0]}
    """
    return _safe_frame(df)[0]


def write_csv(df, path, *, lineterminator="\n", neutralise=True):
    """Write `df` to `path` as UTF-8 CSV, formula-safe (:func:`safe_frame`) and atomically.

    Rows end with `lineterminator`, except in a table where a text holds a carriage return:
    that file is written with CRLF rows so the cell is quoted and stays one cell.
    ``neutralise=False`` is for a table whose cells the caller has made safe itself (one
    that holds numbers as text, like the typed CSV graph export).

    Returns the path written.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to write (without its index).
    path : str or Path
        Destination file; its folder is created if needed.
    lineterminator : str, default "\\n"
        End of each row (CRLF is used instead when a cell holds a carriage return).
    neutralise : bool, default True
        Pass the table through :func:`safe_frame` first.

    Returns
    -------
    Path
        The path written.

    See Also
    --------
    safe_frame : the formula-safe copy written.
    atomic_write_text : how the file is put in place.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_csv(pd.DataFrame({"name": ["=1+1"], "score": [-1]}), p)
    >>> p.read_text()
    "name,score\\n'=1+1,-1\\n"
    """
    safe, has_cr = _safe_frame(df) if neutralise else (df, _has_cr(df))
    if lineterminator == "\n" and has_cr:
        # the csv module quotes a field only for characters of the line terminator: a bare
        # CR inside a cell would be written unquoted and split the row for most readers
        lineterminator = "\r\n"
    with atomic_path(path) as tmp:  # written once, straight into the temporary file
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            _write_rows(safe, fh, lineterminator)
    return Path(path)


def _write_rows(df, fh, lineterminator):
    """Write `df` as ``df.to_csv(fh, index=False)`` writes it, faster where the types allow.

    pandas formats each float column with ``numpy.ndarray.astype(str)`` before its csv
    writer runs; Python's :mod:`csv` writer formats a float with ``repr``, which is the same
    shortest round-trip text for float64 and several times faster. Frames of text labels and
    columns of float64, integers, booleans and objects (texts, missing values) go straight to
    the csv writer with missing values as empty cells, as pandas writes them; anything else
    (dates, categories, nullable extension types, float32) is written by pandas.
    """
    cols = [] if len(df.columns) and all(isinstance(c, str) for c in df.columns) else None
    for c in df.columns if cols is not None else ():
        s = df[c]
        dtype = s.dtype
        if dtype == np.float64:
            v = s.to_numpy()
            o = v.astype(object)
            o[np.isnan(v)] = None
        elif isinstance(dtype, np.dtype) and dtype.kind in "iub":
            o = s.to_numpy().astype(object)
        elif _is_text_dtype(dtype):
            o = s.to_numpy(dtype=object, copy=True)
            o[pd.isna(o)] = None
        else:
            cols = None
            break
        cols.append(o)
    if cols is None:
        df.to_csv(fh, index=False, lineterminator=lineterminator)
        return
    w = csv.writer(fh, lineterminator=lineterminator)
    w.writerow(list(df.columns))
    w.writerows(zip(*cols))


def _safe_values(values):
    """:func:`csv_cell` over an object array, calling it only where it can change a cell."""
    first = _FORMULA_OR_QUOTE
    plain = _PLAIN_TYPES
    out = values.copy()
    for i, v in enumerate(values):
        if v.__class__ is str:
            if v and v[0] in first:
                out[i] = csv_cell(v)
        elif v.__class__ not in plain:
            out[i] = csv_cell(v)
    return out


def _safe_frame(df):
    """:func:`safe_frame` of `df`, and whether a text cell or column name holds a CR."""
    out = df.copy()
    has_cr = False
    for c in out.columns:
        if _is_text_dtype(out[c].dtype):
            values, mask, cr = _text_mask(out[c])
            if mask is None:  # mixed values: csv_cell where it can change a cell
                values = _safe_values(values)
                cr = any(isinstance(v, str) and "\r" in v for v in values)
            elif mask.any():
                values = values.copy()
                values[mask] = "'" + values[mask]
            has_cr = has_cr or cr
            out[c] = pd.Series(values, index=out.index, dtype=object)
    out.columns = [csv_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out, has_cr or any(isinstance(c, str) and "\r" in c for c in out.columns)


def _text_mask(s):
    """Object values of column `s` (lists joined), which quote a formula, whether one holds a CR.

    A column of text alone, or of lists (tuples, sets) of texts or of integers alone, is done
    at once by pyarrow: lists joined with ``|`` as :func:`csv_cell` joins them, the formula
    characters matched with one regular expression. The mask is None when the column is
    anything else (numbers among texts, lists of floats or with missing items, text pyarrow
    cannot encode): the caller then goes cell by cell. A column without text (numbers,
    dates, all missing) gets an all-false mask.
    """
    values = s.to_numpy(dtype=object)
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in _NOT_TEXT:
        return values, np.zeros(len(values), dtype=bool), False
    if kind not in ("string", "mixed"):
        return values, None, False
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(values, type=pa.string() if kind == "string" else None, from_pandas=True)
        if kind == "mixed":  # lists: only of texts or of integers, none missing
            t = arr.type
            if not (pa.types.is_list(t) or pa.types.is_large_list(t)) or arr.values.null_count \
                    or not (pa.types.is_string(t.value_type) or pa.types.is_integer(t.value_type)):
                return values, None, False
            lists = arr.is_valid().to_numpy(zero_copy_only=False)
            arr = pc.binary_join(pc.cast(arr, pa.list_(pa.string())), "|")
            joined = np.asarray(arr.to_pylist(), dtype=object)
            values = values.copy()
            values[lists] = joined[lists]
    except (pa.ArrowException, UnicodeError, TypeError, ValueError, OverflowError):
        return values, None, False
    mask = pc.fill_null(pc.match_substring_regex(arr, _NEEDS_QUOTE.pattern), False)
    cr = pc.any(pc.match_substring(arr, "\r")).as_py() or False
    return values, mask.to_numpy(zero_copy_only=False), cr


def _has_cr(df):
    """Whether a text cell or a column name of `df` holds a carriage return."""
    for c in df.columns:
        if _is_text_dtype(df[c].dtype):
            values, mask, cr = _text_mask(df[c])
            if cr or (mask is None and any(isinstance(v, str) and "\r" in v for v in values)):
                return True
    return any(isinstance(c, str) and "\r" in c for c in df.columns)


def _is_text_dtype(dtype):
    return dtype == np.dtype(object) or isinstance(dtype, pd.StringDtype)


def atomic_write_text(path, text, encoding="utf-8"):
    """Write `text` to `path` through a temporary file in the same folder and a rename.

    A symbolic link at `path` is replaced by the file (its target is not touched). Errors
    (read-only folder, full disk, a folder in the way) raise :class:`InputError` naming the
    file, and leave the earlier file, if any, as it was.

    Parameters
    ----------
    path : str or Path
        Destination file; its folder is created if needed.
    text : str
        The whole content, written without newline translation.
    encoding : str, default "utf-8"
        Encoding of the file.

    Returns
    -------
    Path
        The path written.

    See Also
    --------
    atomic_path : the same for writers that want a file name.
    write_csv : writes a table this way.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = atomic_write_text(p, "hello")
    >>> p.read_text()
    'hello'
    """
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
    return Path(path)


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path`; on success it is moved onto `path`.

    For writers that want a file name (an XML library, a chart writer): they write the
    temporary path, and the destination appears complete or not at all. On an exception the
    temporary file is removed and the destination is left as it was.

    Parameters
    ----------
    path : str or Path
        Destination file; its folder is created if needed.

    Yields
    ------
    Path
        A temporary file beside `path` to write; moved onto `path` when the block ends
        without an exception.

    See Also
    --------
    atomic_write_text : writes a text this way in one call.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "b.txt"
    >>> with atomic_path(p) as tmp:
    ...     _ = tmp.write_text("x")
    >>> p.read_text()
    'x'
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror or exc}", file=path) from None
    tmp = Path(name)
    try:
        yield tmp
        if path.is_dir() and not path.is_symlink():
            raise InputError("a folder is in the way of this output file", file=path)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=path) from None
    finally:
        if tmp.exists():
            tmp.unlink()


def check_writable(folder):
    """Create `folder` if needed and check a file can be written in it, before any work.

    Raises :class:`InputError` with the reason (not a folder, read-only, no space...).

    Parameters
    ----------
    folder : str or Path
        The output folder; created with its parents if missing.

    Returns
    -------
    Path
        `folder` as a :class:`~pathlib.Path`.

    See Also
    --------
    OutputFolder : checks its folder this way when it opens.

    Examples
    --------
    >>> import tempfile
    >>> check_writable(Path(tempfile.mkdtemp()) / "new")   # doctest: +ELLIPSIS
    PosixPath('.../new')
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError("the output folder is a file, not a folder", file=folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=folder)
        try:
            os.write(fd, b"0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(name)
    except OSError as exc:
        raise InputError(f"the output folder is not writable: {exc.strerror or exc}",
                         file=folder) from None
    return folder


class OutputFolder:
    """The output folder of one run: checked, locked, staged, committed with a manifest.

    Parameters
    ----------
    folder : str or Path
        Created if needed.
    known : iterable of str
        Every file name a run of this kind may write (``pipeline.OUTPUT_FILES``). Those of
        them present in the folder but not written by this run are removed at commit, so
        the folder never mixes runs. Other files in the folder are never touched.

    See Also
    --------
    check_writable : the check made when the folder opens.
    write_csv : writes a table into :meth:`OutputFolder.path`.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with OutputFolder(d, known=["a.csv", "b.html"]) as out:
    ...     _ = write_csv(pd.DataFrame({"x": [1]}), out.path("a.csv"))
    ...     files = out.commit()
    >>> sorted(p.name for p in d.iterdir() if not p.name.startswith("."))
    ['a.csv', 'manifest.json']
    >>> json.loads((d / "manifest.json").read_text())["files"][0]["name"]
    'a.csv'
    """

    def __init__(self, folder, known=()):
        self.folder = Path(folder)
        self.known = tuple(known)
        self.run_id = uuid.uuid4().hex
        self.started = None
        self._lock_fd = None
        self._stage = None
        self._names = []

    # -- context manager --------------------------------------------------------------
    def __enter__(self):
        self.open()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False

    def open(self):
        """Check the folder is writable, take its lock and make the staging folder."""
        check_writable(self.folder)
        self._lock()
        self.started = _now()
        for p in self.folder.glob(_STAGE_PREFIX + "*"):  # left by a killed run
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
        for p in self.folder.glob(_TMP_PREFIX + "*"):  # a killed single-file write; not one
            try:                                        # another command is writing now
                if p.is_file() and not p.is_symlink() and \
                        time.time() - p.stat().st_mtime > _STALE_TMP_S:
                    p.unlink()
            except OSError:
                pass
        try:
            self._stage = Path(tempfile.mkdtemp(prefix=_STAGE_PREFIX, dir=self.folder))
        except OSError as exc:
            self._unlock()
            raise InputError(f"the output folder is not writable: {exc.strerror or exc}",
                             file=self.folder) from None
        return self

    def path(self, name):
        """Return where to write output `name` now (inside the staging folder)."""
        if self._stage is None:
            raise RuntimeError("OutputFolder.path() before open()")
        if "/" in name or "\\" in name or name in ("", ".", "..", MANIFEST):
            raise ValueError(f"not an output file name: {name!r}")
        if name not in self._names:
            self._names.append(name)
        return self._stage / name

    def commit(self):
        """Move the staged files into the folder, drop stale outputs, write the manifest.

        Returns ``{name: final path}`` of the files written, in the order they were named.
        """
        names = [n for n in self._names if (self._stage / n).is_file()]
        entries = [{"name": n, "bytes": (self._stage / n).stat().st_size,
                    "sha256": _sha256(self._stage / n)} for n in names]
        manifest = self.folder / MANIFEST
        try:
            if manifest.exists() or manifest.is_symlink():
                manifest.unlink()  # from here the folder is not a complete run
            for n in names:
                dest = self.folder / n
                if dest.is_dir() and not dest.is_symlink():
                    raise InputError("a folder is in the way of this output file", file=dest)
                os.replace(self._stage / n, dest)
            for n in self.known:
                dest = self.folder / n
                if n not in names and (dest.is_file() or dest.is_symlink()):
                    dest.unlink()
            body = {"format": "netanalysis-outputs/1", "run_id": self.run_id,
                    "started": self.started, "finished": _now(), "complete": True,
                    "files": entries}
            atomic_write_text(manifest, json.dumps(body, indent=2) + "\n")
        except OSError as exc:
            raise InputError(f"cannot write the outputs: {exc.strerror or exc}",
                             file=self.folder) from None
        return {n: self.folder / n for n in names}

    def close(self):
        """Remove the staging folder (what was not committed is dropped) and unlock."""
        if self._stage is not None:
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None
        self._unlock()

    # -- lock -------------------------------------------------------------------------
    def _lock(self):
        p = self.folder / _LOCK
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(p, flags, 0o644)
        except OSError as exc:
            raise InputError(f"cannot lock the output folder: {exc.strerror or exc}",
                             file=p) from None
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - not POSIX: no lock, the manifest remains
            pass
        except OSError:
            os.close(fd)
            raise InputError("another netanalysis run is writing to this output folder; wait "
                             "for it to finish or choose another --out", file=self.folder) from None
        self._lock_fd = fd

    def _unlock(self):
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None


_TERMINAL_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                           "\u2066-\u2069\u2028\u2029]")
_TERMINAL_BAD_NL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                              "\u2066-\u2069\u2028\u2029]")
_XML_BAD = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def terminal_text(text, *, newlines=True, json=False):
    """Return `text` with control characters shown as escapes, for printing on a terminal.

    C0 and C1 control characters (ESC, bell, backspace, CR...), DEL, and the Unicode
    direction overrides and line separators become ``\\x1b``/``\\u202e`` escapes. Tab and
    newline stay unless ``newlines=False`` (for one cell of a table). With ``json=True``
    the escapes are JSON's own (``\\u001b``), so JSON text stays valid and means the same.

    Parameters
    ----------
    text : object
        The text to show (converted with :func:`str`).
    newlines : bool, default True
        Keep newlines and tabs as they are; ``False`` escapes them too.
    json : bool, default False
        Write the escapes the JSON way (``\\u001b``).

    Returns
    -------
    str
        The text with control and direction characters escaped.

    See Also
    --------
    xml_text : the same for text written into XML.

    Examples
    --------
    >>> terminal_text("Ana\\x1b[2J\\x07")
    'Ana\\\\x1b[2J\\\\x07'
    >>> terminal_text("a\\nb"), terminal_text("a\\nb", newlines=False)
    ('a\\nb', 'a\\\\nb')
    >>> terminal_text("evil\\u202etxt.exe")
    'evil\\\\u202etxt.exe'
    >>> terminal_text('"a\\x9b"', json=True)
    '"a\\\\u009b"'
    """
    pat = _TERMINAL_BAD if newlines else _TERMINAL_BAD_NL
    if json:
        return pat.sub(lambda m: f"\\u{ord(m.group(0)):04x}", str(text))
    return pat.sub(_escape, str(text))


def xml_text(text):
    """Return `text` with the characters XML 1.0 cannot hold written as visible escapes.

    Form feed, vertical tab, ESC, NUL and other C0 controls, lone surrogates, U+FFFE and
    U+FFFF are not allowed in XML documents at all, not even as character references; they
    become ``\\x0c``-style text. Tab, newline and carriage return are kept.

    Parameters
    ----------
    text : str
        Text from data to write into an XML document.

    Returns
    -------
    str
        The text with characters XML 1.0 forbids written as visible escapes.

    See Also
    --------
    terminal_text : the same for text printed on a terminal.

    Examples
    --------
    >>> xml_text("Ana\\x0cMaría\\x1b")
    'Ana\\\\x0cMaría\\\\x1b'
    """
    return _XML_BAD.sub(_escape, text)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m):
    c = m.group(0)
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _now():
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
