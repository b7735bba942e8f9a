"""The Spark engine's run: read -> resolve + infer -> reduce -> the case the embedded ranking takes.

:func:`prepare_case_spark` is what ``analyze_case(engine="spark")`` calls instead of
:func:`netanalysis.pipeline.prepare_case`:

=======================  ===============================================================
stage                    where it runs
=======================  ===============================================================
reading + validation     Spark (:mod:`netanalysis.engines.spark.read`; CSV parsed on the
                         driver, Parquet by the executors), the same rejects ledger
resolution               Spark (``netanalysis.engines.spark.resolve.resolve_spark``) on
                         every person read, when that module is installed; otherwise the
                         embedded resolution on the reduced case, and the run says so
inference                Spark (``netanalysis.engines.spark.infer.infer_links_spark``) on
                         every journey, phone and document, when installed; otherwise the
                         embedded inference on the reduced case, and the run says so
reduction                Spark (:mod:`netanalysis.engines.spark.reduce`), collected as a Case
ranking, groups, maps    this process, on the reduced case (Leiden, betweenness...)
=======================  ===============================================================

The returned ``meta`` dict says, stage by stage, where each ran, and why a fallback was taken;
``analyze_case`` writes it into ``summary.json`` (``analysis.engine``).
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path

from netanalysis.errors import InputError

__all__ = ["prepare_case_spark", "spark_conf", "spark_stage"]


def spark_conf(settings):
    """Return the Spark settings of the section ``spark`` as a ``conf`` dict.

    Parameters
    ----------
    settings : Settings
        From :func:`netanalysis.settings.load_settings`.

    Returns
    -------
    dict of str to str
        ``spark.driver.memory`` and, when set, ``spark.sql.shuffle.partitions``.

    See Also
    --------
    prepare_case_spark : starts its session with it.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> spark_conf(load_settings(env={}))
    {'spark.driver.memory': '2g'}
    """
    s = settings.spark
    conf = {"spark.driver.memory": str(s.driver_memory)}
    if s.shuffle_partitions:
        conf["spark.sql.shuffle.partitions"] = str(int(s.shuffle_partitions))
    return conf


def spark_stage(name):
    """Return the Spark job `name` (``"resolve"`` or ``"infer"``) when installed, else the reason.

    Parameters
    ----------
    name : {"resolve", "infer"}
        The stage.

    Returns
    -------
    tuple of (callable or None, str)
        ``(resolve_spark, "")`` / ``(infer_links_spark, "")``, or ``(None, why)`` when the
        module ``netanalysis.engines.spark.<name>`` or the function is absent.

    See Also
    --------
    prepare_case_spark : falls back to the embedded stage, saying so, when it is absent.

    Examples
    --------
    >>> fn, why = spark_stage("infer")
    >>> fn is not None or "not installed" in why
    True
    """
    func = {"resolve": "resolve_spark", "infer": "infer_links_spark"}[name]
    mod = f"netanalysis.engines.spark.{name}"
    try:
        m = importlib.import_module(mod)
    except ModuleNotFoundError as exc:
        if exc.name != mod:
            raise
        return None, f"{mod} is not installed"
    fn = getattr(m, func, None)
    if fn is None:
        return None, f"{mod} has no {func}"
    return fn, ""


def prepare_case_spark(case, *, resolve=True, infer=True, decisions=None, mapping=None, settings=None,
                       progress=None, allow_outside=False, spark_master=None, seeds=None):
    """Read, resolve, infer and reduce a case with Spark; return the case to rank, and where each
    stage ran.

    Parameters
    ----------
    case : str or Path
        A case folder (CSV and/or Parquet files of case format v1).
    resolve, infer, decisions, allow_outside
        As for :func:`netanalysis.pipeline.prepare_case`.
    mapping : None
        Not supported by this engine (:class:`~netanalysis.errors.InputError` when given).
    settings : Settings, optional
        Sections ``spark`` (master, hops, memory), ``rank.support.hops`` and those of the stages.
    progress : netanalysis.progress.Progress, optional
    spark_master : str, optional
        Overrides ``spark.master``: ``local[N]``, ``spark://...``, ``yarn``, ``sc://...``.
    seeds : iterable of str, optional
        More ids the investigation graph grows from.

    Returns
    -------
    tuple of (Case, dict)
        The reduced case (merges applied, inferred ties set) and the meta: ``engine``,
        ``master``, ``stages`` (stage -> ``"spark"`` or ``"embedded on the reduced case: ..."``),
        ``reduction`` and ``timings``.

    Raises
    ------
    InputError
        `case` is not a folder, or a mapping is given.
    BackendError
        Spark cannot start (pyspark or Java 17 missing).

    See Also
    --------
    netanalysis.pipeline.prepare_case : the embedded engine's preparation.
    spark_stage : which Spark stages are installed.

    Examples
    --------
    >>> import pytest
    >>> from netanalysis.engines.spark.session import spark_available
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "persons.csv").write_text("id,name,role\\nF,Fu,fugitive\\nZ,Zo,unknown\\n")
    >>> c, meta = prepare_case_spark(d, resolve=False, infer=False, spark_master="local[2]")
    >>> meta["engine"], meta["stages"]["read"], list(c.persons["id"]), c.counts["persons"]["read"]
    ('spark', 'spark', ['F'], 2)
    """
    from netanalysis.engines.spark.read import read_case_spark
    from netanalysis.engines.spark.reduce import reduce_case
    from netanalysis.engines.spark.session import spark_session
    from netanalysis.progress import Progress
    from netanalysis.resolve import apply_merges, infer_links, load_decisions, resolve_entities
    from netanalysis.settings import load_settings

    progress = progress or Progress(quiet=True)
    settings = settings or load_settings()
    if mapping is not None:
        raise InputError("the Spark engine reads case files only (CSV or Parquet in case format v1); "
                         "convert the sources through the mapping first (netanalysis validate) or use "
                         "--engine embedded", file=mapping)
    if not isinstance(case, (str, Path)):
        raise InputError("the Spark engine reads a case folder, not a case already loaded")
    master = spark_master or settings.spark.master
    timings, stages = {}, {}
    t0 = time.perf_counter()
    with progress.step(f"starting Spark ({master or 'local'})"):
        spark = spark_session(master, conf=spark_conf(settings))
    timings["session_s"] = round(time.perf_counter() - t0, 3)

    t = time.perf_counter()
    with progress.step(f"reading case {case} (Spark)"):
        sc = read_case_spark(spark, case, allow_outside=allow_outside, progress=progress)
    stages["read"] = "spark"
    timings["read_s"] = round(time.perf_counter() - t, 3)

    dec = load_decisions(decisions) if (resolve and decisions) else None
    merges = None
    if resolve:
        fn, why = spark_stage("resolve")
        if fn is not None:
            t = time.perf_counter()
            with progress.step("resolving entities (Spark)"):
                res = fn(spark, sc.tables, settings=settings, decisions=dec)
            first = res[0] if isinstance(res, tuple) else res
            if first is not None and {"kept_id", "merged_id"} <= set(first.columns):
                merges = first
                stages["resolve"] = "spark"
            else:
                why = "resolve_spark returned no merges table (kept_id, merged_id)"
            timings["resolve_s"] = round(time.perf_counter() - t, 3)
        if merges is None:
            stages["resolve"] = f"embedded on the reduced case: {why}"
    inferred = None
    if infer:
        fn, why = spark_stage("infer")
        if fn is not None:
            t = time.perf_counter()
            with progress.step("inferring ties (Spark)"):
                inferred = fn(spark, sc.tables, settings=settings, seeds=seeds)
            stages["infer"] = "spark"
            timings["infer_s"] = round(time.perf_counter() - t, 3)
        else:
            stages["infer"] = f"embedded on the reduced case: {why}"

    t = time.perf_counter()
    with progress.step("reducing to the investigation graph (Spark)"):
        reduced, info = reduce_case(sc, hops=settings.spark.hops,
                                    support_hops=settings.rank.support.hops, seeds=seeds,
                                    inferred=inferred, merges=merges, progress=progress)
    stages["reduce"] = "spark"
    timings["reduce_s"] = round(time.perf_counter() - t, 3)

    t = time.perf_counter()
    if resolve:
        if merges is None:
            with progress.step("resolving entities (embedded, reduced case)"):
                merges = resolve_entities(reduced, settings=settings, decisions=dec, progress=progress)
        else:
            merges = reduced.merges
        inf = reduced.inferred
        reduced = apply_merges(reduced, merges)
        reduced.inferred = inf
    if infer:
        if inferred is None:
            with progress.step("inferring ties (embedded, reduced case)"):
                reduced.inferred = infer_links(reduced, settings=settings, progress=progress)
        elif merges is not None and len(merges):
            reduced.inferred = _remap(reduced.inferred, merges)
    else:
        reduced.inferred = None
    timings["embedded_s"] = round(time.perf_counter() - t, 3)
    for df in sc.tables.values():
        df.unpersist()
    meta = {"engine": "spark", "master": spark.conf.get("spark.master", master or "local"),
            "stages": stages, "reduction": info, "timings": timings}
    return reduced, meta


def _remap(inferred, merges):
    """Inferred ties found on records, moved to the identities they were merged into."""
    if inferred is None or not len(inferred):
        return inferred
    m = dict(zip(merges["merged_id"].astype(str), merges["kept_id"].astype(str)))
    out = inferred.copy()
    out["from_id"] = out["from_id"].map(lambda v: m.get(v, v))
    out["to_id"] = out["to_id"].map(lambda v: m.get(v, v))
    return out[out["from_id"] != out["to_id"]].reset_index(drop=True)
