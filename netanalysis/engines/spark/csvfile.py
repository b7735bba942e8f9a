"""Parsing a CSV case file in Spark, block by block, with the embedded reader's rules.

:func:`read_csv_spark` turns one CSV file into a Spark DataFrame of its cells (strings, one
column per header name, plus ``__file`` and ``__line``) and the list of its bad records,
exactly as :func:`netanalysis.ingest.read.read_csv_table` reads it on one machine: the same
encodings, delimiter, RFC 4180 quoting with embedded newlines, editor line numbers (``\\n``,
``\\r\\n`` and a lone ``\\r`` each end a line), blank and all-empty records skipped, trailing
empty cells trimmed, bad records for the wrong number of fields, over-long fields and lines
that are not UTF-8. Only the header (the first MiB, as :func:`~netanalysis.ingest.read.read_header`
reads it) and a few numbers per block come to the driver.

How
---
Spark's text source splits the file into blocks (``spark.sql.files.maxPartitionBytes``; by
default at most the file's size over the session's cores, so that every core reads a part) and
reads each as *chunks*: the bytes between two ``\\n`` (a ``\\r`` before the ``\\n`` stays in the
chunk). Two passes over the file: the first is one Spark job; the second is a lazy DataFrame
(:func:`csv_plan`) that :func:`read_csv_spark` runs in one job that also collects the bad
records, and that :func:`netanalysis.engines.spark.read.read_case_spark` runs in the job that
validates the cells (the bad records come back with the problems):

1. Each task decodes its chunks (UTF-8; a chunk that is not UTF-8 is read as Windows-1252 and
   marked, as the embedded reader does) and gives per block only a few numbers: its chunks,
   its editor lines (one plus the lone ``\\r`` of each chunk) and its *quote function*: for a
   block entered outside a quoted field and for one entered inside one, whether it ends inside
   one. Whether a chunk ends inside a quoted field is found by running :mod:`csv` itself on
   the chunk (chunks without a ``"`` leave the state as it is), so stray quotes (``a "b``)
   read as the csv module reads them.
2. The driver composes the blocks' functions in file order (a prefix scan over a few numbers
   per block) and so knows the line each block starts on and whether it starts inside a
   quoted field. The encoding is decided here as :func:`~netanalysis.ingest.read.decode_bytes`
   decides it for the whole file (UTF-8; mostly UTF-8 with bad lines; else a legacy code
   page, and then pass 1 runs again in that code page).
3. Each task reads and decodes its block again (cheaper than keeping the decoded chunks in
   Spark between the passes) and parses its records with
   :func:`netanalysis.ingest.read.read_records` (the embedded reader's own record rules). A
   quoted field that runs past the end of a block (a multi-line field cut by the split) is
   completed by grouping the pieces of that record by the line it starts on; only such
   records move between tasks (then, and only then, the parse is materialised, since it is
   read twice). The bad records and each task's count of rows are rows of the same
   DataFrame (``__kind`` 1 and 4), collected with the caller's results.

Multi-line quoted fields are therefore supported at any position, across block boundaries
included, and an unclosed quote reads as it does in the embedded reader (the record runs to
the end of the file and is rejected naming the line it starts on and the line it ends on).

Limits: UTF-16 and UTF-32 files (with a byte order mark) cannot be split into lines by bytes
and are read by the embedded reader on the driver. For files over 1 MiB whose text is not
UTF-8, the legacy code page is detected on the first MiB (or on the chunks that are not UTF-8)
rather than on the whole file. One record is parsed by one task: a record of gigabytes (an
unclosed quote near the top of a huge file) needs that much memory in one executor.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netanalysis.errors import InputError
from netanalysis.ingest.read import decode_bytes, parse_csv_text, printable, read_csv_table, read_records

__all__ = ["SparkRawTable", "CsvPlan", "read_csv_spark", "csv_plan", "csv_notes", "split_conf",
           "quote_state_after"]

_END, _IN = 0, 1  # outside / inside a quoted field at the end of a chunk
_CSV_LIMIT = 2 ** 31 - 1
_MIN_SPLIT = 1 << 16  # the least bytes per task of the default split
_FAST_MIN = 1 << 20  # blocks of this many characters or more take the vectorised parse
_LINES_NAMED = " (the record runs from line "  # a bad record message naming its lines


@dataclass
class SparkRawTable:
    """The cells of a CSV file in Spark, before validation (the Spark form of a RawTable).

    Parameters
    ----------
    data : pyspark.sql.DataFrame
        One string column per header name (missing cells ``""``), ``__file`` and ``__line``
        (the line each record starts on).
    bad : list of tuple
        The records that could not be aligned with the header: ``(line, problem, value,
        cells)``, where `cells` holds the record's first cells up to the key column.
    read : int
        Records read (aligned and bad).
    encoding, delimiter : str
        As detected.
    file : str
        The name rejects show.

    See Also
    --------
    read_csv_spark : makes one.
    netanalysis.ingest.read.RawTable : the embedded reader's table.

    Examples
    --------
    >>> t = SparkRawTable(data=None, bad=[], read=0, encoding="utf-8", delimiter=",", file="p.csv")
    >>> t.read, t.file
    (0, 'p.csv')
    """

    data: object
    bad: list
    read: int
    encoding: str
    delimiter: str
    file: str
    blocks: int = 0
    meta: dict = field(default_factory=dict)


def quote_state_after(text, inside, delimiter):
    """Return whether a chunk of CSV text ends inside a quoted field, as :mod:`csv` reads it.

    Parameters
    ----------
    text : str
        The text between two ``\\n`` of a file (lone ``\\r`` in it end lines too).
    inside : bool
        Whether the chunk starts inside a quoted field.
    delimiter : str
        The file's delimiter.

    Returns
    -------
    bool
        True when the line end after the chunk falls inside a quoted field.

    See Also
    --------
    read_csv_spark : composes these states over the blocks of a file.

    Examples
    --------
    >>> quote_state_after('P1,"Ana', False, ","), quote_state_after('x",y', True, ",")
    (True, False)
    >>> quote_state_after('P1,a "b', False, ","), quote_state_after('"a"b,"', False, ",")
    (False, True)
    """
    lines = io.StringIO(('"' if inside else "") + text + "\n", newline="").readlines()
    n = len(lines)
    reader = csv.reader(itertools.chain(lines, ["\n"]), delimiter=delimiter)
    old = csv.field_size_limit()
    csv.field_size_limit(_CSV_LIMIT)
    try:
        for _ in reader:
            if reader.line_num >= n:
                break
    finally:
        csv.field_size_limit(old)
    return reader.line_num > n


def read_csv_spark(spark, path, header, *, split_bytes=None):
    """Read a CSV file into Spark as :func:`netanalysis.ingest.read.read_csv_table` reads it.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        A classic or Spark Connect session; the file must be readable at `path` by the
        executors (a shared file system in a cluster).
    path : str or Path
        The CSV file.
    header : netanalysis.ingest.read.RawTable
        Its header, from :func:`netanalysis.ingest.read.read_header`.
    split_bytes : int, optional
        The most bytes of the file one task reads (default: Spark's
        ``spark.sql.files.maxPartitionBytes``, at most the file's size over the cores).

    Returns
    -------
    SparkRawTable
        The cells in Spark (materialised), the bad records and the counts.

    Raises
    ------
    InputError
        The file holds NUL characters, starts with a UTF-8 byte order mark but is not UTF-8,
        or the csv module cannot read it.

    See Also
    --------
    netanalysis.engines.spark.read.read_case_spark : validates the cells.
    netanalysis.ingest.read.read_records : the record rules both readers apply.

    Examples
    --------
    >>> import pytest, tempfile
    >>> from netanalysis.engines.spark.session import spark_available, spark_session
    >>> from netanalysis.ingest.read import read_header
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> p = Path(tempfile.mkdtemp()) / "persons.csv"
    >>> _ = p.write_text('id,name\\nP1,"Ana\\nMaria"\\nP2\\n', encoding="utf-8")
    >>> t = read_csv_spark(spark_session("local[2]"), p, read_header(p), split_bytes=16)
    >>> [tuple(r) for r in t.data.select("id", "name", "__line").collect()]
    [('P1', 'Ana\\nMaria', 2)]
    >>> [b[:2] for b in t.bad], t.read
    ([(4, 'wrong number of fields: 1 fields, the header has 2')], 2)
    """
    from netanalysis.engines.spark.session import pandas_interop

    plan = csv_plan(spark, path, header, split_bytes=split_bytes)
    if plan.bad is not None:  # read on the driver
        return SparkRawTable(data=plan.frame.select(*[_q(n) for n in header.header], "__file", "__line"),
                             bad=plan.bad, read=plan.read, encoding=plan.encoding, delimiter=plan.delimiter,
                             file=plan.file, blocks=plan.blocks)
    with pandas_interop(), split_conf(spark, plan.split):
        parsed = plan.frame.localCheckpoint()
        # one job brings back what is not a row: the bad records, a csv error, and per task
        # output the number of its rows (kind 4, in __line)
        notes = parsed.where("__kind <> 0").select("__kind", "__line", "__bp", "__bv", "__bk").collect()
    bad, nrows = csv_notes(notes, plan.path)
    data = parsed.where("__kind = 0").select(*[_q(n) for n in header.header], "__file", "__line")
    return SparkRawTable(data=data, bad=bad, read=nrows + len(bad), encoding=plan.encoding,
                         delimiter=plan.delimiter, file=plan.file, blocks=plan.blocks)


@dataclass
class CsvPlan:
    """A CSV file's parse as a lazy Spark DataFrame, for a caller that runs it in its own job.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        One string column per header name, ``__file``, ``__line`` and the kind of each row in
        ``__kind``: 0 a record aligned with the header; 1 a bad record (``__line``, problem in
        ``__bp``, value in ``__bv``, first cells in ``__bk``); 3 a csv error (message in
        ``__bp``); 4 per task, its number of aligned records (in ``__line``).
    split : int or None
        The ``spark.sql.files.maxPartitionBytes`` to hold (:func:`split_conf`) while `frame`
        is computed: Spark splits the file when the job runs, not when the plan is made.
    encoding, delimiter, file : str
        As detected; the name rejects show.
    blocks : int
        Blocks the file was cut into (one task each).
    path : Path
        The file.
    bad, read : list and int, or None
        Set only for a file read on the driver (UTF-16, UTF-32): its bad records and its
        records read; `frame` then holds its aligned records only.

    See Also
    --------
    csv_plan : makes one.
    csv_notes : reads the rows of kinds 1, 3 and 4 once collected.

    Examples
    --------
    >>> CsvPlan(frame=None, split=None, encoding="utf-8", delimiter=",", file="t.csv", blocks=0,
    ...         path=Path("t.csv")).bad is None
    True
    """

    frame: object
    split: object
    encoding: str
    delimiter: str
    file: str
    blocks: int
    path: Path
    bad: list = None
    read: int = None


def csv_plan(spark, path, header, *, split_bytes=None):
    """Return the parse of a CSV file as a lazy Spark DataFrame (:class:`CsvPlan`).

    The first pass (per block: lines, quote states, encoding; one Spark job) runs here; the
    parse itself runs in whatever job the caller starts on ``plan.frame``, inside
    ``split_conf(spark, plan.split)``, so that a caller can parse and validate in one job and
    collect the bad records with its own results (:func:`netanalysis.engines.spark.read.read_case_spark`).

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        A classic or Spark Connect session.
    path : str or Path
        The CSV file.
    header : netanalysis.ingest.read.RawTable
        Its header, from :func:`netanalysis.ingest.read.read_header`.
    split_bytes : int, optional
        As for :func:`read_csv_spark`.

    Returns
    -------
    CsvPlan

    Raises
    ------
    InputError
        As :func:`read_csv_spark` (a csv error is raised by :func:`csv_notes`).

    See Also
    --------
    read_csv_spark : the plan run and its notes collected.

    Examples
    --------
    >>> import pytest, tempfile
    >>> from netanalysis.engines.spark.session import spark_available, spark_session
    >>> from netanalysis.ingest.read import read_header
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> p = Path(tempfile.mkdtemp()) / "persons.csv"
    >>> _ = p.write_text("id,name\\nP1,Ana\\nP2\\n", encoding="utf-8")
    >>> spark = spark_session("local[2]")
    >>> plan = csv_plan(spark, p, read_header(p))
    >>> with split_conf(spark, plan.split):
    ...     rows = plan.frame.where("__kind < 2").select("__kind", "__line", "id").collect()
    >>> sorted(tuple(r) for r in rows)
    [(0, 2, 'P1'), (1, 3, None)]
    """
    from pyspark.sql import functions as F

    from netanalysis.engines.spark.session import pandas_interop

    src = Path(path)
    enc, delim, names = header.encoding, header.delimiter, list(header.header)
    if enc in ("utf-16", "utf-32"):  # not splittable by bytes: the embedded reader on the driver
        return _on_driver(spark, src, header)
    key_pos = len(names)  # cells of bad records kept up to the last column (the key is among them)
    split = split_bytes if split_bytes is not None else _default_split(spark, src)
    with pandas_interop(), split_conf(spark, split):
        blocks = _summaries(spark, src, "utf-8", delim)
        nbad = sum(b["n_bad"] for b in blocks)
        if any(b["nul"] for b in blocks):
            raise InputError("not a CSV file: it contains NUL characters (binary content)", file=src)
        if nbad:
            if enc == "utf-8-sig":
                first = _first_bad(blocks)
                raise InputError("the file starts with a UTF-8 byte order mark but is not valid UTF-8: "
                                 "save it again as UTF-8", file=src, line=first)
            good = sum(b["n_good_non_ascii"] for b in blocks)
            if good <= nbad:  # not mostly UTF-8: a legacy code page, decoded again
                enc = enc if enc not in ("utf-8", "utf-8-sig") else _detect(spark, src, delim)
                blocks = _summaries(spark, src, enc, delim)
                if any(b["n_bad"] for b in blocks):
                    enc = "latin_1"
                    blocks = _summaries(spark, src, enc, delim)
                nbad = 0
            else:
                enc = "utf-8"
        starts = _scan(blocks)
        if blocks and _ends_with_newline(src):  # the empty chunk after the last \n
            starts[int(blocks[-1]["__block"])]["final_newline"] = True
        fn = functools.partial(_decode_parse, enc, names, delim, int(header.header_line), starts, key_pos,
                               bool(nbad))
        parsed = _text(spark, src).mapInPandas(fn, _parsed_ddl(names))
        if starts and any(s["open"] is not None for s in starts.values()):
            # records cut by a block boundary: the parse is read twice (its pieces are grouped
            # by the line their record starts on), so it is materialised once here
            parsed = parsed.localCheckpoint()
            fn2 = functools.partial(_parse_spill, names, delim, int(header.header_line), key_pos)
            joined = parsed.where("__kind = 2").groupBy("__key").applyInPandas(fn2, _parsed_ddl(names)) \
                .localCheckpoint()
            parsed = parsed.where("__kind <> 2").unionByName(joined)
    frame = parsed.select(*[_q(n) for n in names], F.lit(src.name).alias("__file"), "__line", "__kind",
                          "__bp", "__bv", "__bk")
    return CsvPlan(frame=frame, split=split, encoding=enc, delimiter=delim, file=src.name,
                   blocks=len(blocks), path=src)


def csv_notes(notes, path):
    """Return the bad records and the aligned records' count from the rows of kinds 1, 3, 4.

    Parameters
    ----------
    notes : iterable of Row or dict
        Rows of a :class:`CsvPlan` frame with ``__kind`` 1, 3 or 4 (``__line``, ``__bp``,
        ``__bv``, ``__bk``); rows of other kinds are ignored.
    path : Path
        The file, named by the error.

    Returns
    -------
    bad : list of tuple
        ``(line, problem, value, cells)`` in line order.
    aligned : int
        Records aligned with the header.

    Raises
    ------
    InputError
        A csv error (kind 3): the first one, with its line.

    See Also
    --------
    csv_plan

    Examples
    --------
    >>> notes = [{"__kind": 4, "__line": 5, "__bp": None, "__bv": None, "__bk": None},
    ...          {"__kind": 1, "__line": 3, "__bp": "wrong", "__bv": "x", "__bk": ["P1"]}]
    >>> csv_notes(notes, Path("t.csv"))
    ([(3, 'wrong', 'x', ['P1'])], 5)
    """
    notes = list(notes)
    errors = sorted((r for r in notes if r["__kind"] == 3), key=lambda r: r["__line"])
    if errors:
        raise InputError(f"not a readable CSV file: {printable(errors[0]['__bp'])}", file=path,
                         line=int(errors[0]["__line"]))
    nrows = sum(int(r["__line"]) for r in notes if r["__kind"] == 4)
    bad = sorted(((int(r["__line"]), r["__bp"], r["__bv"], list(r["__bk"] or [])) for r in notes
                  if r["__kind"] == 1), key=lambda b: b[0])
    return bad, nrows


# ---------------------------------------------------------------- jobs

class split_conf:
    """Context: ``spark.sql.files.maxPartitionBytes`` set to `n` for the jobs inside, restored after
    (nothing is set when `n` is None).

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session.
    n : int or None
        Bytes per task.

    See Also
    --------
    csv_plan : gives the `n` its frame is to be computed under.

    Examples
    --------
    >>> with split_conf(None, None):
    ...     pass
    """

    def __init__(self, spark, n):
        self.spark, self.n, self.old = spark, n, None

    def __enter__(self):
        if self.n is not None:
            self.old = self.spark.conf.get("spark.sql.files.maxPartitionBytes", None)
            self.spark.conf.set("spark.sql.files.maxPartitionBytes", str(int(self.n)))
        return self

    def __exit__(self, *exc):
        if self.n is not None:
            if self.old is None:
                self.spark.conf.unset("spark.sql.files.maxPartitionBytes")
            else:
                self.spark.conf.set("spark.sql.files.maxPartitionBytes", self.old)
        return False


def _default_split(spark, src):
    """Bytes per task so that every core of the session reads a part of `src` (None: Spark's
    own split, for files of more than ``spark.sql.files.maxPartitionBytes`` per core)."""
    try:
        cores = int(spark.sparkContext.defaultParallelism)
    except Exception:  # Spark Connect has no SparkContext: Spark's own split
        return None
    try:
        size = src.stat().st_size
    except OSError:
        return None
    most = _bytes(spark.conf.get("spark.sql.files.maxPartitionBytes", None)) or 128 << 20
    n = max(_MIN_SPLIT, -(-size // max(1, cores)))
    return n if n < most else None


def _bytes(text):
    """Spark's size text (``134217728b``, ``128m``...) in bytes; None when not readable."""
    if text is None:
        return None
    t = str(text).strip().lower()
    units = {"b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "g": 1 << 30, "gb": 1 << 30}
    for suffix in sorted(units, key=len, reverse=True):
        if t.endswith(suffix) and t[:-len(suffix)].isdigit():
            return int(t[:-len(suffix)]) * units[suffix]
    return int(t) if t.isdigit() else None


def _text(spark, src):
    """The file's chunks as bytes (``b``) with the start of their block (``block``)."""
    from pyspark.sql import functions as F

    return spark.read.text(str(src), lineSep="\n").select(
        F.col("value").cast("binary").alias("b"), F.col("_metadata.file_block_start").alias("block"))


def _summaries(spark, src, encoding, delimiter):
    """Job 1: per block, in file order: chunks, lines, quote function, last segment starts,
    flags (the chunks are decoded in the task and only these numbers come back)."""
    fn = functools.partial(_decode_summary, encoding, delimiter)
    ddl = ("__block long, n_chunks long, n_lines long, g0 int, g1 int, last0 long, last1 long, "
           "n_bad long, n_good_non_ascii long, nul boolean, first_bad long")
    rows = _text(spark, src).mapInPandas(fn, ddl).collect()
    out = {}
    for r in rows:  # a block is read by one task; merge defensively all the same
        out.setdefault(int(r["__block"]), []).append(r.asDict())
    blocks = []
    for b in sorted(out):
        parts = out[b]
        if len(parts) != 1:
            raise RuntimeError(f"block {b} read by {len(parts)} tasks; this is a bug in netanalysis")
        blocks.append(parts[0])
    return blocks


def _scan(blocks):
    """The driver's prefix scan: per block its first line, entry state and open segment."""
    state, line, ordinal, carry = _END, 1, 0, None
    starts = {}
    for b in blocks:
        entry = state
        starts[int(b["__block"])] = {"line": line, "inside": entry, "carry": carry, "ordinal": ordinal,
                                     "open": None}
        last = b["last0"] if entry == _END else b["last1"]
        state = b["g0"] if entry == _END else b["g1"]
        if last >= 0:
            carry = line + int(last) if state == _IN else None
        elif state == _END:
            carry = None
        starts[int(b["__block"])]["open"] = carry if state == _IN else None
        line += int(b["n_lines"])
        ordinal += int(b["n_chunks"])
    return starts


def _first_bad(blocks):
    """The line (counting ``\\n`` only, as the embedded message does) of the first chunk that
    is not UTF-8."""
    ordinal = 0
    for b in blocks:
        if b["first_bad"] >= 0:
            return ordinal + int(b["first_bad"]) + 1
        ordinal += int(b["n_chunks"])
    return None


def _detect(spark, src, delimiter):
    """The legacy code page of a file that is not mostly UTF-8, from its chunks that are not."""
    fn = functools.partial(_bad_texts, delimiter)
    rows = _text(spark, src).mapInPandas(fn, "text string").limit(20000).collect()
    sample, size = [], 0
    for r in rows:
        sample.append(r["text"].encode("cp1252", errors="replace"))
        size += len(sample[-1])
        if size > 1 << 20:
            break
    _, enc = decode_bytes(b"\n".join(sample), src)
    return enc


def _ends_with_newline(src):
    try:
        with open(src, "rb") as f:
            f.seek(0, 2)
            if f.tell() == 0:
                return False
            f.seek(-1, 2)
            return f.read(1) == b"\n"
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=src) from None


def _on_driver(spark, src, header):
    """A :class:`CsvPlan` of a file read by the embedded reader on the driver (its aligned
    records in Spark, as kind 0; its bad records and count on the plan)."""
    t = read_csv_table(src)
    pdf = t.data.copy()
    pdf["__file"] = t.file
    pdf["__line"] = t.lines.astype("int64")
    ddl = ", ".join([f"{_q(n)} string" for n in t.header] + ["__file string", "__line long"])
    data = spark.createDataFrame(pdf, ddl) if len(pdf) else spark.createDataFrame([], ddl)
    from pyspark.sql import functions as F

    frame = data.select("*", F.lit(0).cast("int").alias("__kind"), F.lit(None).cast("string").alias("__bp"),
                        F.lit(None).cast("string").alias("__bv"), F.lit(None).cast("array<string>").alias("__bk"))
    return CsvPlan(frame=frame, split=None, encoding=t.encoding, delimiter=t.delimiter, file=t.file, blocks=0,
                   path=src, bad=list(t.bad), read=t.read)


# ---------------------------------------------------------------- task bodies

def _decode_summary(encoding, delimiter, batches):
    """mapInPandas body of job 1: the chunks decoded, then summarised per block."""
    yield from _block_summary(_decode_chunks(encoding, delimiter, batches))


def _decode_parse(encoding, names, delimiter, header_line, starts, key_pos, marks_bad, batches):
    """mapInPandas body of job 2: the chunks decoded (as in job 1), then parsed per block."""
    yield from _parse_blocks(names, delimiter, header_line, starts, key_pos, marks_bad,
                             _decode_chunks(encoding, delimiter, batches))


def _bad_texts(delimiter, batches):
    """mapInPandas body: the text of the chunks that are not UTF-8 (read as Windows-1252)."""
    for pdf in _decode_chunks("utf-8", delimiter, batches):
        if pdf["bad"].any():
            yield pdf.loc[pdf["bad"].to_numpy(dtype=bool), ["text"]]


def _decode_chunks(encoding, delimiter, batches):
    """mapInPandas body of job 1: decode each chunk, count its lines, find its quote states."""
    counters = {}
    for pdf in batches:
        if not len(pdf):
            continue
        raw = [bytes(b) for b in pdf["b"]]
        texts, bad, nonascii, ncr, ends_cr, quoted, nul = _decode_batch(raw, encoding)
        nl = 1 + ncr - ends_cr.astype("int64")
        f0 = np.full(len(raw), _END, dtype="int32")
        f1 = np.full(len(raw), _IN, dtype="int32")
        for j in quoted.nonzero()[0]:
            f0[j] = int(quote_state_after(texts[j], False, delimiter))
            f1[j] = int(quote_state_after(texts[j], True, delimiter))
        blocks = pdf["block"].to_numpy()
        idx = []
        for blk in blocks:
            k = counters.get(blk, 0)
            counters[blk] = k + 1
            idx.append(k)
        yield pd.DataFrame({"__block": blocks.astype("int64"), "__i": pd.Series(idx, dtype="int64"),
                            "text": pd.Series(texts, dtype=object), "nl": nl.astype("int64"),
                            "f0": f0, "f1": f1, "bad": bad, "nonascii": nonascii, "nul": nul})


def _decode_batch(raw, encoding):
    """Texts and per-chunk flags of a batch of chunks: the batch decoded at once when it is
    UTF-8 throughout, else chunk by chunk (a chunk that is not in `encoding` is read as
    Windows-1252, or Latin-1, and marked bad)."""
    n = len(raw)
    joined = b"\n".join(raw)
    whole = None
    if encoding == "utf-8":
        try:
            whole = joined.decode("utf-8")
        except UnicodeDecodeError:
            whole = None
    if whole is not None:
        if "\ufeff" in whole:
            whole = whole.replace("\ufeff", "")
        texts = whole.split("\n")
        bad = np.zeros(n, dtype=bool)
    else:
        texts, badl = [], []
        for b in raw:
            try:
                t = b.decode(encoding)
                badl.append(False)
            except UnicodeDecodeError:
                badl.append(True)
                try:
                    t = b.decode("cp1252")
                except UnicodeDecodeError:
                    t = b.decode("latin_1")
            texts.append(t.replace("\ufeff", "") if "\ufeff" in t else t)
        bad = np.asarray(badl, dtype=bool)
    nonascii = np.zeros(n, dtype=bool) if joined.isascii() else \
        np.fromiter((not b.isascii() for b in raw), dtype=bool, count=n)
    # \r, " and NUL are single ASCII bytes in UTF-8 and in the code pages read here: counted
    # on the bytes, each byte's chunk found from the positions of the \n that join them
    arr = np.frombuffer(joined, dtype=np.uint8)
    seps = np.flatnonzero(arr == 10)

    def rows_of(byte):
        return np.searchsorted(seps, np.flatnonzero(arr == byte))

    cr = rows_of(13)
    ncr = np.bincount(cr, minlength=n)[:n].astype("int64") if len(cr) else np.zeros(n, dtype="int64")
    ends_cr = np.fromiter((b.endswith(b"\r") for b in raw), dtype=bool, count=n) if len(cr) else \
        np.zeros(n, dtype=bool)
    quoted = np.zeros(n, dtype=bool)
    quoted[rows_of(34)] = True
    nul = np.zeros(n, dtype=bool)
    nul[rows_of(0)] = True
    return texts, bad, nonascii, ncr, ends_cr, quoted, nul


def _block_summary(batches):
    """mapInPandas body: one summary row per block of the task (chunks come in file order)."""
    acc = {}
    order = []
    for pdf in batches:
        for blk, g in pdf.groupby("__block", sort=False):
            if blk not in acc:
                acc[blk] = {"n_chunks": 0, "n_lines": 0, "g0": _END, "g1": _IN, "last0": -1, "last1": -1,
                            "n_bad": 0, "n_good_non_ascii": 0, "nul": False, "first_bad": -1}
                order.append(blk)
            a = acc[blk]
            nl = g["nl"].to_numpy()
            f0, f1 = g["f0"].to_numpy(), g["f1"].to_numpy()
            badv = g["bad"].to_numpy()
            if a["first_bad"] < 0 and badv.any():
                a["first_bad"] = a["n_chunks"] + int(badv.nonzero()[0][0])
            a["n_bad"] += int(badv.sum())
            a["n_good_non_ascii"] += int((g["nonascii"].to_numpy() & ~badv).sum())
            a["nul"] = a["nul"] or bool(g["nul"].any())
            # the state after each chunk, for both entry states of the block; and the line
            # (within the block) of the last chunk entered outside a quoted field
            cum = a["n_lines"] + (nl.cumsum() - nl)
            changing = ((f0 != _END) | (f1 != _IN)).nonzero()[0].tolist()
            for key_state, key_last in (("g0", "last0"), ("g1", "last1")):
                st, last, prev = a[key_state], a[key_last], 0
                for j in changing + [len(nl)]:
                    if st == _END and j > prev:  # chunks prev..j-1 keep the state
                        last = int(cum[j - 1])
                    if j == len(nl):
                        break
                    if st == _END:
                        last = int(cum[j])
                    st = int(f0[j]) if st == _END else int(f1[j])
                    prev = j + 1
                a[key_state], a[key_last] = st, last
            a["n_lines"] += int(nl.sum())
            a["n_chunks"] += len(g)
    if order:
        yield pd.DataFrame([{"__block": int(b), **acc[b]} for b in order])


def _parsed_ddl(names):
    return ", ".join([f"{_q(n)} string" for n in names]
                     + ["__file string", "__line long", "__kind int", "__key long", "__text string",
                        "__bp string", "__bv string", "__bk array<string>", "__badl array<long>"])


def _parse_blocks(names, delimiter, header_line, starts, key_pos, marks_bad, batches):
    """mapInPandas body of job 3: the records of each block; pieces of records that run past
    a block's end (or began in an earlier block) come out as kind-2 rows keyed by the line
    their record starts on."""
    groups = {}
    order = []
    for pdf in batches:
        for blk, g in pdf.groupby("__block", sort=False):
            if blk not in groups:
                groups[blk] = []
                order.append(blk)
            groups[blk].append(g[["text", "nl", "f0", "f1", "bad"]])
    for blk in order:
        g = pd.concat(groups.pop(blk), ignore_index=True)
        yield _parse_block(names, delimiter, header_line, starts[int(blk)], key_pos, marks_bad, g)


def _parse_block(names, delimiter, header_line, start, key_pos, marks_bad, g):
    if start.get("final_newline"):  # the text ends with \n: one more (empty) chunk, as embedded
        g = pd.concat([g, pd.DataFrame({"text": [""], "nl": [1], "f0": [_END], "f1": [_IN], "bad": [False]})],
                      ignore_index=True)
    texts = g["text"].tolist()
    nl = g["nl"].to_numpy()
    f0, f1 = g["f0"].to_numpy(), g["f1"].to_numpy()
    badv = g["bad"].to_numpy().astype(bool)
    line0 = start["line"]
    first_line = line0 + (nl.cumsum() - nl)  # editor line of each chunk
    # entry state of each chunk
    n = len(texts)
    entry = [0] * n
    st = start["inside"]
    for j in range(n):
        entry[j] = st
        st = int(f0[j]) if st == _END else int(f1[j])
    seg = [j for j in range(n) if entry[j] == _END]
    pieces = []
    lead_end = seg[0] if seg else n
    if lead_end > 0:  # continuation of a record opened in an earlier block
        pieces.append((start["carry"], 0, lead_end))
    body_end = n
    if st == _IN and seg:  # the last segment runs past the end of the block
        body_end = seg[-1]
        pieces.append((int(first_line[seg[-1]]), seg[-1], n))
    out = []
    if seg and seg[0] < body_end:
        parts = [(seg[0], body_end)]
        if first_line[seg[0]] <= header_line:  # the header's block: the lines above it apart
            k = next((j for j in seg if first_line[j] > header_line), None)
            if k is not None and k < body_end:
                parts = [(seg[0], k), (k, body_end)]
        for lo, hi in parts:
            text = "\n".join(texts[lo:hi])
            fast = None
            if not badv[lo:hi].any():
                fast = _parse_fast_text(names, delimiter, header_line, key_pos, text, int(first_line[lo]))
            out.append(fast if fast is not None else
                       _parse_text(names, delimiter, header_line, key_pos, text, int(first_line[lo]),
                                   _bad_lines(first_line, nl, badv, lo, hi) if marks_bad else frozenset()))
    for key, lo, hi in pieces:
        bl = _bad_lines(first_line, nl, badv, lo, hi) if marks_bad else frozenset()
        out.append(_full(names, 1, __kind=[2], __key=[key], __line=[int(first_line[lo])],
                         __text=["\n".join(texts[lo:hi])], __badl=[sorted(bl)]))
    if not out:
        return _counted(names, _frame(names, [], [], [], []))
    return _counted(names, pd.concat(out, ignore_index=True))


def _parse_spill(names, delimiter, header_line, key_pos, pdf):
    """applyInPandas body: one record whose pieces came from several blocks."""
    pdf = pdf.sort_values("__line", kind="stable")
    bad = frozenset(x for v in pdf["__badl"] for x in (v if v is not None else []))
    first = int(pdf["__key"].iloc[0])
    return _counted(names, _parse_text(names, delimiter, header_line, key_pos, "\n".join(pdf["__text"]),
                                       first, bad))


def _counted(names, frame):
    """`frame` with one more row (kind 4) holding its number of aligned rows in ``__line``."""
    n = int((frame["__kind"] == 0).sum())
    return pd.concat([frame, _full(names, 1, __kind=[4], __line=[n])], ignore_index=True)


def _bad_lines(first_line, nl, badv, lo, hi):
    out = set()
    for j in badv[lo:hi].nonzero()[0]:
        j = lo + int(j)
        out.update(range(int(first_line[j]), int(first_line[j]) + int(nl[j])))
    return frozenset(out)


def _parse_fast_text(names, delimiter, header_line, key_pos, text, first_line):
    """The records of a large block by :func:`netanalysis.ingest.read.parse_csv_text` (its
    vectorised path) under the file's header; None where that cannot be used as it is (the
    block holds the header, or a bad record whose message names lines)."""
    if len(text) < _FAST_MIN or first_line <= header_line:
        return None
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(names)
    try:
        t = parse_csv_text(buf.getvalue() + text, "block", display="block", encoding="utf-8",
                           delimiter=delimiter)
    except (InputError, csv.Error):
        return None
    if t.header != list(names) or any(_LINES_NAMED in b[1] for b in t.bad):
        return None
    shift = first_line - 2  # the block's first line is line 2 under the header
    bad = [(b[0] + shift, b[1], b[2], b[3][:key_pos]) for b in t.bad]
    n, m = len(t.data), len(bad)
    data = {c: np.concatenate([t.data[c].to_numpy(dtype=object), np.full(m, None, dtype=object)])
            for c in names}
    def tail(values):
        out = np.full(n + m, None, dtype=object)
        out[n:] = values if m else out[n:]
        return out

    lines = np.concatenate([t.lines.astype(np.int64) + shift, np.array([b[0] for b in bad], dtype=np.int64)])
    kind = np.concatenate([np.zeros(n, dtype=np.int32), np.ones(m, dtype=np.int32)])
    bk = np.full(n + m, None, dtype=object)
    for i, b in enumerate(bad):
        bk[n + i] = list(b[3])
    return _full(names, n + m, data, __line=lines, __kind=kind, __bp=tail([b[1] for b in bad]),
                 __bv=tail([b[2] for b in bad]), __bk=bk)


def _parse_text(names, delimiter, header_line, key_pos, text, first_line, bad_lines):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    old = csv.field_size_limit()
    csv.field_size_limit(_CSV_LIMIT)
    try:
        rows, lines, bad = read_records(reader, names, delimiter, offset=first_line - 1,
                                        after=header_line, bad_lines=bad_lines)
    except csv.Error as exc:
        return _full(names, 1, __kind=[3], __line=[first_line - 1 + reader.line_num], __bp=[str(exc)])
    finally:
        csv.field_size_limit(old)
    return _frame(names, rows, lines, bad, [b[3][:key_pos] for b in bad])


def _frame(names, rows, lines, bad, bad_cells):
    n, m = len(rows), len(bad)
    cols = list(zip(*rows)) if n else [() for _ in names]
    data = {name: list(col) + [None] * m for name, col in zip(names, cols)}
    return _full(names, n + m, data, __line=list(lines) + [b[0] for b in bad],
                 __kind=[0] * n + [1] * m, __bp=[None] * n + [b[1] for b in bad],
                 __bv=[None] * n + [b[2] for b in bad], __bk=[None] * n + [list(c) for c in bad_cells])


def _full(names, n, data=None, **cols):
    """A frame of `n` rows with every column of :func:`_parsed_ddl` (missing ones null)."""
    out = {}
    data = data or {}
    for name in names:
        out[name] = pd.Series(data.get(name, [None] * n), dtype=object)
    for c in ("__file", "__text", "__bp", "__bv", "__bk", "__badl"):
        out[c] = pd.Series(cols.get(c, [None] * n), dtype=object)
    for c, dt in (("__line", "Int64"), ("__kind", "int32"), ("__key", "Int64")):
        out[c] = pd.Series(cols.get(c, [None] * n), dtype=dt)
    return pd.DataFrame(out)


def _q(name):
    """A column name quoted for Spark (dots, spaces and backticks taken literally)."""
    return "`" + str(name).replace("`", "``") + "`"
