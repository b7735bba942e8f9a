"""Reading a case into Spark DataFrames with the embedded reader's validation and rejects ledger.

:func:`read_case_spark` reads the files of case format v1, CSV or Parquet, in the schema's
load order, and returns a :class:`SparkCase`: one Spark DataFrame of the rows taken per kind,
the rejects (file, line, column, value, problem) and the counts, with
``read == taken + rejected`` checked for every file, as :func:`netanalysis.ingest.load_case`
does. The same code decides: every column is converted and checked by
:func:`netanalysis.ingest.validate.convert_column`, run over each partition with
``mapInPandas``; what needs the whole table runs as Spark joins and windows with the same
rules and messages as :mod:`netanalysis.ingest.load` (duplicate ids, the shared id namespace
of persons and organizations, references to rows taken or rejected, self-links).

Files
-----
- ``persons.csv`` (names compared without regard to case) is parsed by Spark tasks, block by
  block, with the embedded CSV reader's rules (:mod:`netanalysis.engines.spark.csvfile`:
  encodings, delimiters, RFC 4180 quoting with multi-line fields, editor line numbers, bad
  records); only its header and a few numbers per block come to the driver. Its cells are
  then validated in Spark. (UTF-16/UTF-32 files are read on the driver.)
- ``persons.parquet`` (a file, or a folder of part files as Spark writes them) is read by
  Spark at any size. Every column is read as text (a Parquet date as ``YYYY-MM-DD``, a
  number as written by Spark's cast) and validated as a CSV cell would be. A row's *line* is
  its row number in its part file plus 2 (the line it would have in a CSV export with a
  header), and its *file* is ``persons.parquet`` (a single file) or
  ``persons.parquet/<part file>``.
- When a kind has both, the Parquet file is read. Mapping files are not supported by this
  engine (convert the sources with ``netanalysis validate`` first).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netanalysis.errors import InputError, SchemaError
from netanalysis.ingest.load import SELF_LINK, IngestCountError, id_namespace, whole_table_message
from netanalysis.engines.spark.csvfile import csv_notes, csv_plan, split_conf
from netanalysis.ingest.read import normalize_header, printable, read_header
from netanalysis.ingest.validate import Problems, TableOptions, convert_column, normalize_id
from netanalysis.model.case import REJECT_COLUMNS, empty_rejects
from netanalysis.model.vocab import LOAD_ORDER, case_schema, file_columns

__all__ = ["SparkCase", "read_case_spark", "spark_type_of", "case_files"]

# stages of a problem, in the order the embedded loader adds them (see _order)
_CONVERT, _UNIQUE, _NAMESPACE, _REF, _SELF, _RECORD = range(6)


@dataclass
class SparkCase:
    """A case read into Spark: the rows taken per kind, the rejects and the counts.

    Parameters
    ----------
    tables : dict of str to pyspark.sql.DataFrame
        Per kind read, its rows taken: the schema's columns (converted, lists as arrays),
        the extra columns of the source as text, ``_file`` and ``_line``.
    rejects : pandas.DataFrame
        Every problem (columns :data:`netanalysis.model.case.REJECT_COLUMNS`), ordered as
        :func:`netanalysis.ingest.load_case` orders them.
    counts : dict of str to dict
        Per kind (all kinds): ``file``, ``read``, ``taken``, ``rejected``, ``encoding``,
        ``delimiter``, as in :attr:`netanalysis.model.Case.counts`.
    path : Path
        The case folder.

    See Also
    --------
    read_case_spark : makes one.
    netanalysis.engines.spark.reduce.reduce_case : turns one into a Case.

    Examples
    --------
    >>> c = SparkCase(tables={}, rejects=empty_rejects(), counts={}, path=Path("case"))
    >>> c.kinds()
    []
    """

    tables: dict
    rejects: pd.DataFrame
    counts: dict
    path: Path
    meta: dict = field(default_factory=dict)

    def kinds(self):
        """Return the kinds read, in load order."""
        return [k for k in LOAD_ORDER if k in self.tables]


def spark_type_of(column_type):
    """Return the Spark SQL type (as DDL text) a column of case format `column_type` gets.

    Parameters
    ----------
    column_type : str
        A column type of ``case_v1.yaml`` (``str``, ``date``, ``number``, ``list``...).

    Returns
    -------
    str
        ``"string"``, ``"double"`` or ``"array<string>"``.

    See Also
    --------
    read_case_spark : builds its table schemas with it.

    Examples
    --------
    >>> spark_type_of("date"), spark_type_of("number"), spark_type_of("countries")
    ('string', 'double', 'array<string>')
    """
    if column_type in ("number", "integer"):
        return "double"
    if column_type in ("list", "countries", "enum_list"):
        return "array<string>"
    return "string"


def case_files(folder, *, allow_outside=False):
    """Return the file of each kind in `folder`: ``{kind: Path}``, Parquet before CSV.

    Parameters
    ----------
    folder : str or Path
        The case folder.
    allow_outside : bool
        Accept files that are symbolic links leading outside `folder`.

    Returns
    -------
    dict of str to Path
        Kinds present, each with its ``.parquet`` file or folder, else its ``.csv`` file.

    Raises
    ------
    InputError
        Two files for one kind that differ only in case, or a link outside the folder.

    See Also
    --------
    read_case_spark : reads them.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "Persons.CSV").write_text("id,name\\n")
    >>> (d / "travel.parquet").mkdir()
    >>> {k: p.name for k, p in sorted(case_files(d).items())}
    {'persons': 'Persons.CSV', 'travel': 'travel.parquet'}
    """
    folder = Path(folder)
    root = folder.resolve()
    by_name = {}
    for p in folder.iterdir():
        by_name.setdefault(p.name.lower(), []).append(p)
    out = {}
    for kind, spec in case_schema()["files"].items():
        stem = spec["file"].lower().rsplit(".", 1)[0]
        for name in (stem + ".parquet", spec["file"].lower()):
            hits = [h for h in by_name.get(name, []) if h.is_file() or (name.endswith(".parquet") and h.is_dir())]
            if len(hits) > 1:
                raise InputError(f"two files for {name}: {', '.join(sorted(h.name for h in hits))}; "
                                 "keep one", file=folder)
            if hits:
                if not allow_outside and not hits[0].resolve().is_relative_to(root):
                    raise InputError("is a symbolic link to a file outside the case folder; copy "
                                     "the file into the folder, or allow it explicitly "
                                     "(allow_outside=True, --allow-outside-sources)", file=hits[0])
                out[kind] = hits[0]
                break
    return out


def read_case_spark(spark, path, *, phone_region=None, allow_outside=False, progress=None,
                    split_bytes=None):
    """Read and validate a case folder into Spark, with the embedded reader's rejects.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        From :func:`netanalysis.engines.spark.session.spark_session`.
    path : str or Path
        The case folder: CSV and/or Parquet files of case format v1.
    phone_region : str, optional
        As for :func:`netanalysis.ingest.load_case` (default: setting ``ingest.phone_region``).
    allow_outside : bool
        Read files that are symbolic links outside the folder.
    progress : netanalysis.progress.Progress, optional
        Reports each file as it is read.
    split_bytes : int, optional
        The most bytes of a CSV file one Spark task parses (default: Spark's
        ``spark.sql.files.maxPartitionBytes``); see :mod:`netanalysis.engines.spark.csvfile`.

    Returns
    -------
    SparkCase
        Rows taken per kind (Spark DataFrames, cached), rejects and counts.

    Raises
    ------
    InputError
        The folder or ``persons`` is missing, a file is unreadable or not a CSV/Parquet file.
    SchemaError
        A file lacks a required column or has no header.

    See Also
    --------
    netanalysis.ingest.load_case : the embedded reader, whose ledger this one reproduces.
    case_files : which file of a kind is read.

    Examples
    --------
    >>> import pytest, tempfile
    >>> from netanalysis.engines.spark.session import spark_available, spark_session
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "persons.csv").write_text("ID,Name,Role\\nP1,Ana,fugitive\\nP2,Luis,boss\\n")
    >>> c = read_case_spark(spark_session("local[2]"), d)
    >>> [r.id for r in c.tables["persons"].collect()]
    ['P1']
    >>> c.rejects[["line", "column"]].values.tolist()
    [[3, 'role']]
    """
    from netanalysis.engines.spark.session import pandas_interop

    folder = Path(path)
    if not folder.exists():
        raise InputError("case folder not found", file=folder)
    if not folder.is_dir():
        raise InputError("not a folder: a case is a folder of CSV files (persons.csv, links.csv...)",
                         file=folder)
    if phone_region is None:
        from netanalysis.settings import load_settings

        phone_region = load_settings().ingest.phone_region
    files = case_files(folder, allow_outside=allow_outside)
    schema = case_schema()["files"]
    for kind, spec in schema.items():
        if spec.get("required_file") and kind not in files:
            found = ", ".join(sorted(p.name for p in folder.iterdir())) or "no files"
            raise InputError(f"no {spec['file']} in the case folder (found: {found}); a case needs "
                             f"at least {spec['file']} with columns "
                             f"{', '.join(c for c, d in spec['columns'].items() if d.get('required'))}",
                             file=folder)
    # whole-file problems first, before any row is read (as load_case)
    headers = {}
    for kind in LOAD_ORDER:
        if kind in files:
            headers[kind] = _header(spark, files[kind])
            _check_columns(kind, headers[kind], files[kind])
    registry = _Registry(present=set(files))
    tables, rejects, counts = {}, [], {}
    with pandas_interop():
        for kind in LOAD_ORDER:
            if kind not in files:
                counts[kind] = {"file": None, "read": 0, "taken": 0, "rejected": 0,
                                "encoding": None, "delimiter": None}
                continue
            src = files[kind]
            if progress is not None:
                progress.say(f"reading {src.name} (Spark)")
            table, rej, count = _read_kind(spark, kind, src, headers[kind], phone_region, registry,
                                           split_bytes)
            tables[kind] = table
            counts[kind] = count
            if len(rej):
                rejects.append(rej)
    rej_all = pd.concat(rejects, ignore_index=True) if rejects else empty_rejects()
    rej_all["line"] = rej_all["line"].astype("int64")
    return SparkCase(tables=tables, rejects=rej_all[REJECT_COLUMNS], counts=counts, path=folder)


# ---------------------------------------------------------------- one kind

class _Registry:
    """Per kind read: taken ids, first line of each id, rejected ids with their line, file."""

    def __init__(self, present):
        self.present = present
        self.taken = {}      # kind -> DataFrame(id)
        self.first = {}      # kind -> DataFrame(id, line)
        self.rejected = {}   # kind -> DataFrame(id, line)
        self.files = {}


def _header(spark, src):
    """``(display name, header names, header line, kind of source)`` without reading rows."""
    if src.name.lower().endswith(".parquet"):
        try:
            names = spark.read.parquet(str(src)).columns
        except Exception as exc:  # not a Parquet file, unreadable
            raise InputError(f"not a readable Parquet file: {printable(str(exc).splitlines()[0])}",
                             file=src) from None
        return src.name, normalize_header(names, src, 1), 1, "parquet", None
    h = read_header(src)
    return h.file, h.header, h.header_line, "csv", h


def _check_columns(kind, header, src):
    _, names, line, _, _ = header
    missing = [c for c, d in file_columns(kind).items() if d.get("required") and c not in names]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise SchemaError(f"missing required column{plural} {', '.join(missing)} "
                          f"(found: {printable(', '.join(names), 500)}); rename the header or load the file "
                          "through a mapping", file=src, line=line)


def _raw_frame(spark, src, header, split_bytes=None):
    """The raw cells as a lazy Spark DataFrame of strings plus ``__file``, ``__line`` (a CSV
    file's also ``__kind``, ``__bp``, ``__bv``, ``__bk``: its bad records and counts, see
    :class:`~netanalysis.engines.spark.csvfile.CsvPlan`); and the CSV file's plan (None for
    Parquet)."""
    from pyspark.sql import functions as F

    display, names, _, fmt, head = header
    if fmt == "parquet":
        df = spark.read.parquet(str(src))
        single = src.is_file()
        cols = [F.coalesce(F.col(_q(c)).cast("string"), F.lit("")).alias(n)
                for c, n in zip(df.columns, names)]
        fname = F.lit(display) if single else F.concat(F.lit(display + "/"), F.col("_metadata.file_name"))
        raw = df.select(*cols, fname.alias("__file"),
                        (F.col("_metadata.row_index") + F.lit(2)).cast("long").alias("__line"))
        return raw, None
    plan = csv_plan(spark, src, head, split_bytes=split_bytes)
    return plan.frame, plan


def _read_kind(spark, kind, src, header, phone_region, registry, split_bytes=None):
    """Validate one file in Spark: the parse (CSV) and the validation in one job, then the
    problems with the bad records and counts (materialised, one job collects them), the rows
    taken (materialised and counted)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    display, names, _, fmt, _ = header
    raw, plan = _raw_frame(spark, src, header, split_bytes)
    delimiter = plan.delimiter if plan is not None else None
    encoding = plan.encoding if plan is not None else None
    opts = TableOptions(decimal_comma=delimiter not in (None, ","), phone_region=phone_region)
    schema = file_columns(kind)
    spec = case_schema()["files"][kind]
    extras = [n for n in names if n not in schema and n not in ("_file", "_line")]
    out_ddl = ", ".join([f"{_q(c)} {spark_type_of(d['type'])}" for c, d in schema.items()]
                        + [f"{_q(c)} string" for c in extras]
                        + ["__file string", "__line long", "__bad boolean", "__pcol array<string>",
                           "__pval array<string>", "__pmsg array<string>", "__pstage array<int>",
                           "__kind int", "__bp string", "__bv string", "__bk array<string>"])
    fn = functools.partial(_validate_partitions, kind, list(names), extras, opts)
    # materialised once (a CSV file is parsed and validated in the same Python task, once per
    # block) and cut from its plan, so that the plans of the later steps and kinds stay small;
    # rows of __kind 0 are records, the others the parse's bad records (1), a csv error (3)
    # and per batch the number of its records (4, in __line)
    with split_conf(spark, plan.split if plan is not None else None):
        vall = raw.mapInPandas(fn, out_ddl).localCheckpoint()
    v = vall.where(F.col("__kind") == 0)

    # every problem of the file as one table (one job collects it): conversion and self-link
    # problems from the partitions, then duplicate ids, the shared namespace and references
    def part(df, column, value, stage, seq, tag, n1=None, rk=None, msg=None):
        return df.select("__file", "__line", F.lit(column).cast("string").alias("column"),
                         F.col(value).cast("string").alias("value") if isinstance(value, str) else value,
                         (msg if msg is not None else F.lit(None)).cast("string").alias("msg"),
                         (stage if not isinstance(stage, int) else F.lit(stage)).cast("int").alias("stage"),
                         (seq if not isinstance(seq, int) else F.lit(seq)).cast("int").alias("seq"),
                         F.lit(tag).alias("tag"),
                         (n1 if n1 is not None else F.lit(None)).cast("long").alias("n1"),
                         (rk if rk is not None else F.lit(None)).cast("string").alias("rk"),
                         F.lit(None).cast("array<string>").alias("cells"))

    z = v.where(F.size("__pcol") > 0).select(
        "__file", "__line", F.posexplode(F.arrays_zip("__pcol", "__pval", "__pmsg", "__pstage")))
    parts = [z.select("__file", "__line", F.col("col.__pcol").alias("column"),
                      F.col("col.__pval").alias("value"), F.col("col.__pmsg").alias("msg"),
                      F.col("col.__pstage").alias("stage"), F.col("pos").cast("int").alias("seq"),
                      F.lit("conv").alias("tag"), F.lit(None).cast("long").alias("n1"),
                      F.lit(None).cast("string").alias("rk"), F.lit(None).cast("array<string>").alias("cells")),
             # the parse's notes and the counts, collected with the problems (tag note<kind>)
             vall.where(F.col("__kind") != 0).select(
                 "__file", "__line", F.lit("").alias("column"), F.col("__bv").alias("value"),
                 F.col("__bp").alias("msg"), F.lit(_RECORD).alias("stage"), F.lit(0).alias("seq"),
                 F.concat(F.lit("note"), F.col("__kind").cast("string")).alias("tag"),
                 F.lit(None).cast("long").alias("n1"), F.lit(None).cast("string").alias("rk"),
                 F.col("__bk").alias("cells"))]
    key = spec.get("key")
    keyed = None
    if key:
        kc = F.col(_q(key))
        w = Window.partitionBy(kc).orderBy("__file", "__line")
        whole = w.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
        keyed = v.where(kc.isNotNull()).select(kc.alias("id"), "__file", "__line") \
            .withColumn("__rn", F.row_number().over(w)) \
            .withColumn("__first", F.first("__line").over(whole))
    if key and schema[key].get("unique"):
        parts.append(part(keyed.where(F.col("__rn") > 1), key, "id", _UNIQUE, 0, "dup",
                          n1=F.col("__first")))
        for other in id_namespace(kind):
            if other in registry.first:
                prior = registry.first[other].select("id", F.col("line").alias("__prior"))
                hits = keyed.where(F.col("__rn") == 1).join(prior, "id")
                parts.append(part(hits, key, "id", _NAMESPACE, 0, "ns:" + other, n1=F.col("__prior")))
    for j, (col, decl) in enumerate(schema.items()):
        if decl["type"] != "ref":
            continue
        targets = list(decl["refs"])
        if not decl.get("required") and not any(k in registry.present for k in targets):
            continue
        cc = F.col(_q(col))
        miss = v.where(cc.isNotNull()).select(cc.alias("id"), "__file", "__line")
        known = [registry.taken[k] for k in targets if k in registry.taken]
        if known:
            ids = functools.reduce(lambda a, b: a.union(b), known).distinct()
            miss = miss.join(ids, "id", "left_anti")
        rks, rls = [], []
        for i, k in enumerate(targets):  # the first target that rejected the id names it
            if k in registry.rejected:
                r = registry.rejected[k].select("id", F.col("line").alias(f"__r{i}"))
                miss = miss.join(r, "id", "left")
                rks.append(F.when(F.col(f"__r{i}").isNotNull(), F.lit(k)))
                rls.append(F.col(f"__r{i}"))
        parts.append(part(miss, col, "id", _REF, j, "ref",
                          n1=F.coalesce(*rls) if rls else None, rk=F.coalesce(*rks) if rks else None))
    problems_df = functools.reduce(lambda a, b: a.unionByName(b), parts).localCheckpoint()

    targets_of = {c: list(d["refs"]) for c, d in schema.items() if d["type"] == "ref"}
    problems, notes = [], []
    for r in problems_df.collect():
        tag, val = r["tag"], r["value"]
        if tag.startswith("note"):
            notes.append({"__kind": int(tag[4:]), "__line": r["__line"], "__bp": r["msg"], "__bv": val,
                          "__bk": r["cells"]})
            continue
        if tag == "conv":
            msg = r["msg"]
        elif tag == "dup":
            msg = whole_table_message("duplicate", val, line=r["n1"])
        elif tag.startswith("ns:"):
            msg = whole_table_message("namespace", val, kind=kind, other=tag[3:],
                                      file=registry.files[tag[3:]], line=r["n1"])
        else:
            rk = r["rk"]
            msg = whole_table_message("reference", val, targets=targets_of[r["column"]], other=rk,
                                      file=None if rk is None else registry.files[rk], line=r["n1"])
        problems.append({"file": r["__file"], "line": int(r["__line"]), "column": r["column"],
                         "value": val, "problem": msg, "stage": int(r["stage"]), "seq": int(r["seq"])})
    counted = sum(int(n["__line"]) for n in notes if n["__kind"] == 4)  # records validated
    if plan is not None and plan.bad is not None:  # a file read on the driver
        bad_records = plan.bad
    elif plan is not None:
        bad_records, _ = csv_notes(notes, src)  # raises a csv error
    else:
        bad_records = []
    nread = counted + len(bad_records)
    for rec in bad_records:
        problems.append({"file": display, "line": int(rec[0]), "column": "", "value": rec[2],
                         "problem": rec[1], "stage": _RECORD, "seq": 0})

    keep = [F.col(_q(c)) for c in schema] + [F.col(_q(c)) for c in extras] + \
        [F.col("__file").alias("_file"), F.col("__line").alias("_line")]
    bad_lines = problems_df.where(~F.col("tag").startswith("note")).select("__file", "__line").distinct()
    taken = v.join(bad_lines, ["__file", "__line"], "left_anti") \
        .select(*keep).localCheckpoint()
    ntaken = taken.count()

    rej = _order(problems, names)
    nrej = int(rej[["file", "line"]].drop_duplicates().shape[0]) if len(rej) else 0
    count = {"file": display, "read": int(nread), "taken": int(ntaken), "rejected": nrej,
             "encoding": encoding, "delimiter": delimiter}
    if count["read"] != ntaken + nrej:
        raise IngestCountError(f"{display}: read {nread} rows but took {ntaken} and rejected {nrej}; "
                               "this is a bug in netanalysis, please report it")

    if key:
        kc = F.col(_q(key))
        registry.taken[kind] = taken.where(kc.isNotNull()).select(kc.alias("id")) \
            .localCheckpoint(eager=False)
        registry.first[kind] = keyed.where(F.col("__rn") == 1) \
            .select("id", F.col("__line").alias("line")).localCheckpoint(eager=False)
        rej_ids = keyed.join(taken.select(kc.alias("id"), F.col("_file").alias("__file"),
                                          F.col("_line").alias("__line")),
                             ["id", "__file", "__line"], "left_anti") \
            .groupBy("id").agg(F.min("__line").alias("line"))
        if key in names:  # ids of records that could not be aligned with the header
            pos = names.index(key)
            first = {}
            for line, _, _, cells in bad_records:
                if pos < len(cells) and normalize_id(cells[pos]):
                    first.setdefault(normalize_id(cells[pos]), int(line))
            if first:
                more = spark.createDataFrame(list(first.items()), "id string, line long")
                rej_ids = rej_ids.unionByName(more.join(rej_ids.select("id"), "id", "left_anti"))
        registry.rejected[kind] = rej_ids.join(registry.taken[kind], "id", "left_anti") \
            .localCheckpoint(eager=False)
        registry.files[kind] = display
    return taken, rej, count


def _order(problems, header):
    """Rejects ordered as the embedded loader orders them: by line, header position, stage."""
    if not problems:
        return empty_rejects()
    df = pd.DataFrame(problems)
    pos = {name: i for i, name in enumerate(header)}
    df["_pos"] = df["column"].map(lambda c: pos.get(c, -1 if c == "" else len(pos)))
    df = df.sort_values(["file", "line", "_pos", "stage", "seq"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({c: pd.Series(df[c].to_numpy(dtype=object), dtype=object) for c in REJECT_COLUMNS})
    out["line"] = df["line"].astype("int64")
    return out


def _validate_partitions(kind, names, extras, options, batches):
    """mapInPandas body: convert and check every column of each batch, file by file; the
    parse's bad records and csv errors (``__kind`` 1 and 3) pass through, and each batch adds
    one row of ``__kind`` 4 with its number of records in ``__line``."""
    schema = file_columns(kind)
    out_cols = list(schema) + list(extras)
    for pdf in batches:
        if not len(pdf):
            continue
        if "__kind" in pdf.columns:
            k = pdf["__kind"].to_numpy(dtype=np.int64)
            notes = pdf[(k == 1) | (k == 3)]
            pdf = pdf[k == 0]
            if len(notes):
                yield _notes_frame(out_cols, notes["__file"].to_numpy(dtype=object),
                                   notes["__line"].to_numpy(dtype=np.int64), notes["__kind"].to_numpy(dtype=np.int32),
                                   notes["__bp"], notes["__bv"], notes["__bk"])
        for fname, g in pdf.groupby("__file", sort=False):
            res = _validate_batch(kind, schema, names, extras, options, fname, g.reset_index(drop=True))
            res["__kind"] = pd.Series(np.zeros(len(res), dtype=np.int32))
            for c in ("__bp", "__bv", "__bk"):
                res[c] = pd.Series([None] * len(res), dtype=object)
            yield res
            yield _notes_frame(out_cols, [fname], [len(g)], [4], [None], [None], [None])


def _notes_frame(out_cols, files, lines, kinds, bp, bv, bk):
    """Rows of the validated schema that are not records (their cells null)."""
    n = len(lines)
    res = {c: pd.Series([None] * n, dtype=object) for c in out_cols}
    res["__file"] = pd.Series(list(files), dtype=object)
    res["__line"] = pd.Series(np.asarray(lines, dtype=np.int64))
    res["__bad"] = pd.Series(np.zeros(n, dtype=bool))
    for c in ("__pcol", "__pval", "__pmsg", "__pstage"):
        res[c] = pd.Series([None] * n, dtype=object)
    res["__kind"] = pd.Series(np.asarray(kinds, dtype=np.int32))
    res["__bp"] = pd.Series(list(bp), dtype=object)
    res["__bv"] = pd.Series(list(bv), dtype=object)
    res["__bk"] = pd.Series([None if x is None else list(x) for x in bk], dtype=object)
    return pd.DataFrame(res)


def _validate_batch(kind, schema, names, extras, options, fname, g):
    n = len(g)
    lines = g["__line"].to_numpy(dtype=np.int64)
    probs = Problems(n, lines, fname)
    stripped = {c: g[c].astype(object).str.strip() for c in names}
    out = {col: convert_column(kind, col, stripped.get(col), probs, options) for col in schema}
    selfp = Problems(n, lines, fname)
    refs = [c for c, d in schema.items() if d["type"] == "ref" and d.get("required")]
    for i, a in enumerate(refs):
        for b in refs[i + 1:]:
            if schema[a].get("refs") != schema[b].get("refs"):
                continue
            same = (out[a].notna() & (out[a] == out[b])).to_numpy()
            selfp.add(same, options.name(b), out[b].to_numpy(dtype=object),
                      f"{SELF_LINK}: {a} and {b} are the same")
    per_line = {}
    for stage, p in ((_CONVERT, probs), (_SELF, selfp)):
        f = p.frame()
        if f is None:
            continue
        for line, c, val, msg in zip(f["line"], f["column"], f["value"], f["problem"]):
            per_line.setdefault(int(line), []).append((c, None if val is None else str(val), msg, stage))
    res = {}
    for col in schema:
        s = out[col]
        if schema[col]["type"] in ("list", "countries", "enum_list"):
            s = pd.Series([list(x) if x is not None else None for x in s], dtype=object)
        res[col] = s
    for c in extras:
        s = stripped[c].to_numpy(dtype=object, copy=True)
        s[stripped[c].to_numpy(dtype=object) == ""] = None
        res[c] = pd.Series(s, dtype=object)
    res["__file"] = pd.Series([fname] * n, dtype=object)
    res["__line"] = pd.Series(lines, dtype="int64")
    res["__bad"] = pd.Series(probs.bad | selfp.bad, dtype=bool)
    # the problems of each row as four lists; the rows without any share one empty list
    none = []
    cols = {k: np.empty(n, dtype=object) for k in ("__pcol", "__pval", "__pmsg", "__pstage")}
    for arr in cols.values():
        arr.fill(none)
    if per_line:
        for i in np.flatnonzero(np.isin(lines, np.fromiter(per_line, dtype=np.int64, count=len(per_line)))):
            ps = per_line[int(lines[i])]
            for j, k in enumerate(("__pcol", "__pval", "__pmsg", "__pstage")):
                cols[k][i] = [p[j] for p in ps]
    for k, arr in cols.items():
        res[k] = pd.Series(arr, dtype=object)
    return pd.DataFrame(res)


def _q(name):
    """A column name quoted for Spark (dots, spaces and backticks taken literally)."""
    return "`" + str(name).replace("`", "``") + "`"
