"""Reducing the national-size graph to the investigation graph, collected as a :class:`Case`.

The analyses that rank targets and find groups (Leiden, betweenness, support reach) run on one
machine, so the Spark engine hands them only what an investigation looks at:

1. **Persons of interest**: persons whose ``role`` is ``fugitive`` or who are wanted (a
   non-empty ``wanted_by``), plus any ids given as seeds.
2. **Support networks**: whoever supplies them (links of the support types ``documents``,
   ``transport``, ``lodging``, ``financial``, followed from receiver to supplier) up to
   ``rank.support.hops`` steps, as :func:`netanalysis.analyze.support.support_network` reads.
3. **The k-hop circle**: every party within ``spark.hops`` ties of a person of interest, over
   the stated links, calls between the persons' phones and the inferred ties given. Records
   merged into one identity count as one node: when one is reached, all are.

Every table is then cut to the parties kept (a link needs both ends kept; a call one number of
a kept person; travel, documents, phones and locations their person) and collected to the
driver with the same column types as :func:`netanalysis.ingest.load_case` gives. The rejects
and counts stay those of the whole read.
"""

from __future__ import annotations

import pandas as pd

from netanalysis.model.case import Case
from netanalysis.model.vocab import SUPPORT_TYPES, file_columns

__all__ = ["reduce_case", "persons_of_interest", "to_pandas_table"]


def persons_of_interest(persons):
    """Return the ids of the persons of interest of a Spark persons table.

    Parameters
    ----------
    persons : pyspark.sql.DataFrame
        The persons taken (:attr:`netanalysis.engines.spark.read.SparkCase.tables`).

    Returns
    -------
    pyspark.sql.DataFrame
        One column ``id``: fugitives (``role == "fugitive"``) and wanted persons (a
        non-empty ``wanted_by``).

    See Also
    --------
    reduce_case : grows the investigation graph from them.

    Examples
    --------
    >>> import pytest
    >>> from netanalysis.engines.spark.session import spark_available, spark_session
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> p = spark_session("local[2]").createDataFrame(
    ...     [("P1", "fugitive", []), ("P2", "associate", ["CO"]), ("P3", "unknown", [])],
    ...     "id string, role string, wanted_by array<string>")
    >>> sorted(r.id for r in persons_of_interest(p).collect())
    ['P1', 'P2']
    """
    from pyspark.sql import functions as F

    wanted = F.coalesce(F.size("wanted_by"), F.lit(0)) > 0
    return persons.where((F.col("role") == "fugitive") | wanted).select("id").distinct()


def reduce_case(spark_case, *, hops=2, support_hops=3, seeds=None, inferred=None, merges=None,
                progress=None):
    """Return the investigation graph of a case read into Spark, as a :class:`Case`.

    Parameters
    ----------
    spark_case : netanalysis.engines.spark.read.SparkCase
        From :func:`netanalysis.engines.spark.read.read_case_spark`.
    hops : int
        Radius of the circle kept around each person of interest (setting ``spark.hops``).
    support_hops : int
        Longest supply chain followed to each person of interest (``rank.support.hops``).
    seeds : iterable of str, optional
        More ids to grow the graph from (persons the analyst names).
    inferred : pandas.DataFrame, optional
        Inferred ties (``from_id``, ``to_id``...) found by the Spark jobs on the whole data;
        they widen the circle, and those with both ends kept become ``case.inferred``.
    merges : pandas.DataFrame, optional
        Merges (``kept_id``, ``merged_id``...) found on the whole data: the records of one
        identity are kept together, and the merges within the graph become ``case.merges``.
    progress : netanalysis.progress.Progress, optional

    Returns
    -------
    tuple of (Case, dict)
        The case: the tables cut to the parties kept, the rejects and counts of the whole
        read, ``case.path`` of the read. The dict: how much was kept (``persons_of_interest``,
        ``parties_kept``, ``persons_read``, ``persons_kept``, ``hops``, ``support_hops``).

    See Also
    --------
    persons_of_interest : where the graph grows from.
    netanalysis.engines.spark.pipeline.prepare_case_spark : the run that calls it.

    Examples
    --------
    >>> import pytest, tempfile
    >>> from pathlib import Path
    >>> from netanalysis.engines.spark.session import spark_available, spark_session
    >>> from netanalysis.engines.spark.read import read_case_spark
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "persons.csv").write_text("id,name,role\\nF,Fu,fugitive\\nA,Al,associate\\n"
    ...                                    "B,Bo,associate\\nZ,Zo,unknown\\n")
    >>> _ = (d / "links.csv").write_text("from_id,to_id,type\\nF,A,family\\nA,B,associate\\n")
    >>> c, info = reduce_case(read_case_spark(spark_session("local[2]"), d), hops=1)
    >>> sorted(c.persons["id"]), len(c.links), info["persons_read"]
    (['A', 'F'], 1, 4)
    """
    from pyspark.sql import functions as F

    spark_tables = spark_case.tables
    spark = next(iter(spark_tables.values())).sparkSession
    persons = spark_tables["persons"]
    start = {r.id for r in persons_of_interest(persons).collect()}
    if seeds:
        start |= {str(s) for s in seeds}
    clusters = _clusters(merges)

    def close(ids):
        out = set(ids)
        for i in ids:
            out |= clusters.get(i, set())
        return out

    ties = []
    if "links" in spark_tables:
        ties.append(spark_tables["links"].select(F.col("from_id").alias("a"), F.col("to_id").alias("b"),
                                                 F.col("type")))
    if "calls" in spark_tables and "phones" in spark_tables:
        ph = spark_tables["phones"].select("number", "person_id")
        c = spark_tables["calls"].select("caller", "callee")
        c = c.join(ph.select(F.col("number").alias("caller"), F.col("person_id").alias("a")), "caller") \
            .join(ph.select(F.col("number").alias("callee"), F.col("person_id").alias("b")), "callee")
        ties.append(c.select("a", "b", F.lit("communication").alias("type")))
    if inferred is not None and len(inferred):
        ties.append(spark.createDataFrame(
            pd.DataFrame({"a": inferred["from_id"].astype(str), "b": inferred["to_id"].astype(str),
                          "type": inferred["type"].astype(str)}), "a string, b string, type string"))
    if ties:
        all_ties = ties[0]
        for t in ties[1:]:
            all_ties = all_ties.unionByName(t)
        all_ties = all_ties.where(F.col("a").isNotNull() & F.col("b").isNotNull()).localCheckpoint()
    else:
        all_ties = None

    kept = close(start)
    if all_ties is not None:
        frontier = set(kept)
        for _ in range(max(0, int(hops))):
            if not frontier:
                break
            new = _neighbours(spark, all_ties, frontier) - kept
            new = close(new) - kept
            kept |= new
            frontier = new
        # support networks: from receivers to their suppliers, along support links only
        # (visited apart from the circle: a supplier already in the circle is followed further)
        support = all_ties.where(F.col("type").isin(list(SUPPORT_TYPES)))
        seen = close(start)
        frontier = set(seen)
        for _ in range(max(0, int(support_hops))):
            if not frontier:
                break
            new = close(_suppliers(spark, support, frontier)) - seen
            seen |= new
            kept |= new
            frontier = new
    if progress is not None:
        progress.say(f"investigation graph: {len(kept):,} parties around {len(start):,} persons "
                     "of interest")
    tables = _cut(spark, spark_tables, kept)
    case = Case(tables=tables, rejects=spark_case.rejects.copy(), counts=dict(spark_case.counts),
                path=spark_case.path)
    if merges is not None:
        m = merges[merges["kept_id"].isin(kept) & merges["merged_id"].isin(kept)]
        case.merges = m.reset_index(drop=True)
    if inferred is not None:
        inf = inferred[inferred["from_id"].isin(kept) & inferred["to_id"].isin(kept)]
        case.inferred = inf.reset_index(drop=True)
    info = {"persons_of_interest": len(start), "parties_kept": len(kept),
            "persons_read": int(spark_case.counts["persons"]["taken"]),
            "persons_kept": int(len(tables["persons"])), "hops": int(hops),
            "support_hops": int(support_hops)}
    return case, info


def to_pandas_table(kind, df):
    """Collect a Spark table of `kind` as the embedded reader would have built it.

    Parameters
    ----------
    kind : str
        The file kind (``"persons"``...).
    df : pyspark.sql.DataFrame
        Rows of that kind as :func:`netanalysis.engines.spark.read.read_case_spark` gives them.

    Returns
    -------
    pandas.DataFrame
        Object columns (lists as Python lists), floats for numbers, ``_line`` as int64, on a
        fresh ``RangeIndex``, rows in source order (file, line).

    See Also
    --------
    reduce_case : collects every table of the investigation graph with it.

    Examples
    --------
    >>> import pytest
    >>> from netanalysis.engines.spark.session import spark_available, spark_session
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> df = spark_session("local[2]").createDataFrame(
    ...     [("+571", "P1", "phones.csv", 2)], "number string, person_id string, _file string, _line long")
    >>> to_pandas_table("phones", df).values.tolist()
    [['+571', 'P1', 'phones.csv', 2]]
    """
    from netanalysis.engines.spark.session import pandas_interop

    with pandas_interop():
        pdf = df.orderBy("_file", "_line").toPandas()
    schema = file_columns(kind)
    cols = {}
    for c in pdf.columns:
        s = pdf[c]
        if c == "_line":
            cols[c] = s.astype("int64")
        elif c in schema and schema[c]["type"] in ("number", "integer"):
            cols[c] = s.astype(float)
        elif c in schema and schema[c]["type"] in ("list", "countries", "enum_list"):
            cols[c] = pd.Series([list(x) if x is not None else [] for x in s], dtype=object)
        else:
            v = s.to_numpy(dtype=object, copy=True)
            v[pd.isna(s).to_numpy()] = None
            cols[c] = pd.Series(v, dtype=object)
    return pd.DataFrame(cols, index=pd.RangeIndex(len(pdf)))


def _clusters(merges):
    """Map each id of a merge to every id of its identity."""
    if merges is None or not len(merges):
        return {}
    groups = {}
    for k, m in zip(merges["kept_id"], merges["merged_id"]):
        groups.setdefault(str(k), {str(k)}).add(str(m))
    out = {}
    for members in groups.values():
        for i in members:
            out[i] = members
    return out


def _ids_frame(spark, ids):
    from pyspark.sql import functions as F

    return F.broadcast(spark.createDataFrame([(i,) for i in sorted(ids)], "id string"))


def _neighbours(spark, ties, frontier):
    from pyspark.sql import functions as F

    f = _ids_frame(spark, frontier)
    a = ties.join(f, ties["a"] == f["id"], "left_semi").select(F.col("b").alias("n"))
    b = ties.join(f, ties["b"] == f["id"], "left_semi").select(F.col("a").alias("n"))
    return {r.n for r in a.union(b).distinct().collect()}


def _suppliers(spark, support, frontier):
    from pyspark.sql import functions as F

    f = _ids_frame(spark, frontier)
    return {r.n for r in support.join(f, support["b"] == f["id"], "left_semi")
            .select(F.col("a").alias("n")).distinct().collect()}


def _cut(spark, tables, kept):
    from pyspark.sql import functions as F

    keep = _ids_frame(spark, kept)
    out = {}

    def having(df, col):
        return df.join(keep, df[col] == keep["id"], "left_semi")

    for kind, df in tables.items():
        if kind in ("persons", "organizations"):
            sub = having(df, "id")
        elif kind == "links":
            sub = having(having(df, "from_id"), "to_id")
        elif kind in ("travel", "phones", "locations"):
            sub = having(df, "person_id")
        elif kind == "documents":
            sub = having(df, "holder_id")
        elif kind == "calls":
            nums = having(tables["phones"], "person_id").select(F.col("number").alias("id")).distinct() \
                if "phones" in tables else None
            if nums is None:
                sub = df.limit(0)
            else:
                nb = F.broadcast(nums)
                sub = df.join(nb, df["caller"] == nb["id"], "left_semi").unionByName(
                    df.join(nb, df["callee"] == nb["id"], "left_semi")).distinct()
        else:  # a kind this module does not know: nothing of it is kept
            sub = df.limit(0)
        out[kind] = to_pandas_table(kind, sub)
    return out
