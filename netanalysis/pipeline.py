"""The main job: case folder in, the output contract out.

``analyze_case`` runs ingest -> entity resolution -> link inference -> ranking and groups ->
outputs, and writes every file of the output contract of ``CASE_FORMAT.md``:

=====================  ==========================================================
``targets.csv``        ranked high-value targets with their ``why`` and measures
``groups.csv``         one row per member of each group (community)
``logistics.csv``      logistics groups ranked by the fugitives they support
``movements.csv``      where each fugitive is likely to go next, with probability and why
``inferred_links.csv`` ties found in the data that no source stated
``merges.csv``         records judged to be the same person
``review.csv``         pairs of records to check by hand (``resolve.model: fellegi_sunter``;
                       either model: merges refused for two passports of one country)
``rejects.csv``        every input row that was not taken, and why
``network.html``       the interactive network map (offline, self-contained)
``report.html``        the case report (offline, self-contained)
``summary.json``       counts of everything above, settings used and timings
``manifest.json``      written last: every file above with its size and sha256, the run
                       id and times; a folder without it is not a complete run
=====================  ==========================================================

The folder is checked writable and locked before the analysis starts; files are staged and
moved into place at the end, and outputs of an earlier run that this run does not write
(``network.html`` after ``write_map=False``) are removed (see
:class:`netanalysis.outputs.OutputFolder`). CSV cells are formula-safe
(:func:`netanalysis.outputs.csv_cell`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netanalysis.backends.base import get_backend
from netanalysis.engines import ENGINES
from netanalysis.errors import InputError
from netanalysis.model.case import REJECT_COLUMNS, Case
from netanalysis.model.filters import check_filters
from netanalysis.outputs import OutputFolder, atomic_write_text, write_csv
from netanalysis.progress import Progress
from netanalysis.settings import load_settings

__all__ = ["analyze_case", "prepare_case", "AnalysisRun", "OUTPUT_FILES"]

#: Every file ``analyze_case`` writes, in the order it writes them.
OUTPUT_FILES = ("rejects.csv", "merges.csv", "review.csv", "inferred_links.csv", "targets.csv", "groups.csv",
                "logistics.csv", "movements.csv", "network.html", "report.html", "summary.json")

_MERGE_COLUMNS = ["kept_id", "merged_id", "score", "reason"]
_INFERRED_COLUMNS = ["from_id", "to_id", "type", "evidence", "score"]


@dataclass
class AnalysisRun:
    """What :func:`analyze_case` did: the prepared case, the analysis and the files written.

    Parameters
    ----------
    case : Case
        The case as analysed (read, resolved, with inferred ties).
    analysis : Analysis
        From :func:`netanalysis.analyze.run_analysis` (targets, groups, logistics...).
    out : Path
        The output folder.
    files : dict of str to Path
        Each file written (:data:`OUTPUT_FILES`) by name.
    summary : dict
        What ``summary.json`` holds (rows read, taken and rejected, merges, timings...).

    See Also
    --------
    analyze_case : returns it.

    Examples
    --------
    >>> import tempfile
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"}])
    >>> run = analyze_case(case, tempfile.mkdtemp(), write_map=False, write_report=False)
    >>> run.analysis.targets["id"].tolist(), run.summary["rows"]
    (['F1', 'S1'], {'read': 3, 'taken': 3, 'rejected': 0})
    >>> run.files["targets.csv"].name
    'targets.csv'
    """

    case: Case
    analysis: object
    out: Path
    files: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)


def prepare_case(case, *, resolve=True, infer=True, decisions=None, mapping=None, settings=None,
                 progress=None, allow_outside=False):
    """Return a case read, resolved and with inferred ties, ready for analysis.

    Parameters
    ----------
    case : str, Path or Case
        A case folder, or a Case already loaded.
    resolve : bool
        Merge records judged to be the same person (:mod:`netanalysis.resolve`).
    infer : bool
        Add ties found in the data that no source stated (co-travel, shared identifiers,
        calls).
    decisions : str or Path, optional
        Analysts' merge decisions (force or veto) honoured by resolution.
    mapping : str or Path, optional
        Mapping file for a case that is not in case format v1.
    allow_outside : bool
        Read sources outside the case (see :func:`netanalysis.ingest.load_case`).
    settings : Settings, optional
        From :func:`netanalysis.settings.load_settings`.
    progress : Progress, optional

    Returns
    -------
    Case
        Records of one person folded into one (``case.merges`` says which), inferred ties in
        ``case.inferred``.

    See Also
    --------
    analyze_case : prepares the case this way, then analyses it and writes the outputs.
    netanalysis.resolve.resolve_entities : the resolution step.
    netanalysis.resolve.infer_links : the inference step.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "P1", "name": "José Pérez Gómez"}, {"id": "P2", "name": "JOSE PEREZ"}],
    ...     documents=[{"id": "D1", "holder_id": "P1", "kind": "passport", "number": "AB123456",
    ...                 "issuing_country": "CO"},
    ...                {"id": "D2", "holder_id": "P2", "kind": "passport", "number": "AB123456",
    ...                 "issuing_country": "CO"}])
    >>> c = prepare_case(case)
    >>> c.persons["id"].tolist(), c.merges[["kept_id", "merged_id"]].values.tolist()
    (['P1'], [['P1', 'P2']])
    """
    from netanalysis.ingest import load_case
    from netanalysis.resolve import apply_merges, infer_links, load_decisions, resolve_entities
    from netanalysis.resolve.names import clear_name_caches

    progress = progress or Progress(quiet=True)
    settings = settings or load_settings()
    if not isinstance(case, Case):
        with progress.step(f"reading case {case}"):
            case = load_case(case, mapping=mapping, progress=progress,
                             allow_outside=allow_outside,
                             phone_region=settings.ingest.phone_region)  # --settings too
            _share_strings(case)  # a case this call read: no one else holds its tables
    if resolve:
        with progress.step("resolving entities"):
            dec = load_decisions(decisions) if decisions else None
            merges = resolve_entities(case, settings=settings, decisions=dec, progress=progress)
            case = apply_merges(case, merges)
            clear_name_caches()  # up to 1.6 million entries nothing after resolution reads
    if infer:
        with progress.step("inferring ties"):
            case.inferred = infer_links(case, settings=settings, progress=progress)
    return case


def _share_strings(case):
    """Make equal texts of each text column of `case`'s tables one shared object, in place.

    A table read from a file holds one string object per cell, even where a column repeats
    a few values (``_file``, ``type``, dates, the ids of ``links``, ``calls`` and
    ``travel``): about 130 MB of the 470 MB a 100k-person synth case holds once read, and
    the case stays in memory to the end of the run. Only columns whose every present cell
    is a ``str`` are touched (not lists, not mixed numbers and texts, which factorizing
    could fold together), and only where the column has fewer distinct texts than cells;
    the missing cells keep their own value. Values, dtypes and order do not change.
    """
    for df in case.tables.values():
        if df is None or not len(df):
            continue
        for col in df.columns:
            if df[col].dtype != object:
                continue
            arr = df[col].to_numpy()
            if pd.api.types.infer_dtype(arr, skipna=True) != "string":
                continue
            codes, uniques = pd.factorize(arr)
            if len(uniques) >= 0.9 * len(arr):
                continue
            present = codes >= 0
            shared = arr.copy()
            shared[present] = np.asarray(uniques, dtype=object)[codes[present]]
            df[col] = pd.Series(shared, index=df.index, dtype=object, name=col)


def analyze_case(case, out, *, backend="embedded", resolve=True, infer=True, decisions=None,
                 mapping=None, settings=None, filters=None, seed=0, write_map=True,
                 write_report=True, progress=None, neo4j=None, allow_outside=False,
                 whole_map=False, robustness=False, engine="embedded", spark_master=None):
    """Run the main job on `case` and write the output contract into `out`.

    Parameters
    ----------
    case : str, Path or Case
        A case folder in case format v1 (or with `mapping`), or a loaded Case.
    out : str or Path
        Output folder, created if needed.
    backend : {"embedded", "neo4j"}
        Where the measures are computed: in process with networkx/igraph, or in a Neo4j
        server with Graph Data Science. With ``"neo4j"`` the case is pushed first and
        *replaces* the graph an earlier push wrote in that database (nodes labelled
        ``Node``), so use a database of its own for each case.
    resolve, infer, decisions, mapping, allow_outside
        See :func:`prepare_case`.
    settings : Settings, optional
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges` applied to every measure.
    seed : int
        Seed of every random choice (sampled betweenness, community detection).
    write_map, write_report : bool
        Write ``network.html`` and ``report.html``.
    progress : Progress, optional
    neo4j : dict, optional
        Connection overrides for the Neo4j backend (``uri``, ``user``, ``password``,
        ``database``).
    whole_map : bool
        Draw the full property graph in ``network.html`` instead of the investigation view.
    robustness : bool
        Rank again under perturbations (:func:`netanalysis.analyze.robustness.robustness`):
        ``targets.csv`` and ``logistics.csv`` get ``stability``, ``worst_rank`` and
        ``worst_without``, and the report a section on it.
    engine : {"embedded", "spark"}
        Where reading, resolution and inference run: in this process, or as Spark jobs
        (:mod:`netanalysis.engines.spark`, extra ``spark``, Java 17) that reduce the data to
        the investigation graph, which is then ranked here. See ``docs/spark.md``.
    spark_master : str, optional
        With ``engine="spark"``: ``local[N]``, ``spark://host:7077``, ``yarn`` or a Spark
        Connect URL ``sc://host:15002`` (default: setting ``spark.master``, else local).

    Returns
    -------
    AnalysisRun

    See Also
    --------
    prepare_case : the reading, resolution and inference steps alone.
    AnalysisRun : what it returns.

    Examples
    --------
    From the repository root (``tests/test_pipeline.py`` runs the same)::

        from netanalysis.pipeline import analyze_case
        run = analyze_case("examples/case", "out")
        run.files["targets.csv"]          # Path('out/targets.csv')
        run.summary["rows"]               # {'read': 3406, 'taken': 3406, 'rejected': 0}
    """
    progress = progress or Progress(quiet=True)
    settings = settings or load_settings()
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")
    run_engine = engine
    engine = get_backend(backend, **(neo4j or {}))  # options of another backend are ignored
    if filters:
        filters = check_filters(filters)
    out = Path(out)
    # checked writable and locked before the analysis; files staged, committed at the end
    folder = OutputFolder(out, known=OUTPUT_FILES).open()
    try:
        case, analysis, summary = _run(
            folder, case, engine=engine, resolve=resolve, infer=infer, decisions=decisions,
            mapping=mapping, settings=settings, filters=filters, seed=seed,
            write_map=write_map, write_report=write_report, progress=progress,
            allow_outside=allow_outside, whole_map=whole_map, robustness=robustness,
            run_engine=run_engine, spark_master=spark_master)
        with progress.step(f"writing outputs to {out}"):
            files = folder.commit()
    finally:
        folder.close()
    return AnalysisRun(case=case, analysis=analysis, out=out, files=files, summary=summary)


def _run(out, case, *, engine, resolve, infer, decisions, mapping, settings, filters, seed,
         write_map, write_report, progress, allow_outside, whole_map, robustness,
         run_engine="embedded", spark_master=None):
    """Analyse and write every output into the staging folder of `out` (an OutputFolder)."""
    from netanalysis.analyze import run_analysis
    from netanalysis.analyze.parallel import alongside_enabled, release_memory

    timings = {}
    t0 = time.perf_counter()
    engine_meta = None
    if run_engine == "spark":
        from netanalysis.engines.spark.pipeline import prepare_case_spark

        case, engine_meta = prepare_case_spark(
            case, resolve=resolve, infer=infer, decisions=decisions, mapping=mapping,
            settings=settings, progress=progress, allow_outside=allow_outside,
            spark_master=spark_master)
    else:
        case = prepare_case(case, resolve=resolve, infer=infer, decisions=decisions, mapping=mapping,
                            settings=settings, progress=progress, allow_outside=allow_outside)
    timings["prepare_s"] = round(time.perf_counter() - t0, 3)
    release_memory()  # resolution's candidate tables and the unmerged case are gone

    moves = {}
    beside = alongside_enabled(_persons(case))
    if not beside:
        # the movements do not depend on the ranking: anticipated first, their index (the
        # largest of the run after the case) is gone before the kernel graph and the ranking
        # tables are built, and the ranking's tables are not held while it is built
        t1 = time.perf_counter()
        with progress.step("anticipating movements"):
            moves["table"] = _movements(case, settings)
        release_memory()  # the movement index is gone
        timings["movements_s"] = round(time.perf_counter() - t1, 3)

    t1 = time.perf_counter()
    with progress.step("ranking targets and groups"):
        # the backend computes the party measures on the graph run_analysis builds (embedded)
        # or in its server (neo4j)
        # with NETANALYSIS_FORK=always the kernels run in forked children
        # (analyze/parallel.py) and this process anticipates the movements meanwhile
        alongside = (lambda: moves.setdefault("table", _movements(case, settings))) \
            if beside else None
        analysis = run_analysis(case, settings=settings, filters=filters, seed=seed,
                                backend=engine, progress=progress, alongside=alongside)
    release_memory()  # the kernel graph and its edge table are gone: give their pages back
    analysis.meta["backend"] = engine.describe()
    analysis.meta["engine"] = engine_meta or {"engine": "embedded"}
    timings["analysis_s"] = round(time.perf_counter() - t1, 3)
    timings["measures_s"] = analysis.meta["timings"]["measures_s"]  # inside analysis_s
    rob = _robustness(case, analysis, settings, filters, seed, progress) if robustness else None

    from netanalysis.analyze.movements import MOVEMENT_COLUMNS

    if "table" not in moves:  # the alongside call did not run (no forked kernels)
        t1 = time.perf_counter()
        with progress.step("anticipating movements"):
            moves["table"] = _movements(case, settings)
        release_memory()  # the movement index is gone
        timings["movements_s"] = round(time.perf_counter() - t1, 3)
    analysis.movements = moves["table"]
    timings.setdefault("movements_s", 0.0)  # inside analysis_s when beside the kernels
    timings["movements_alongside"] = beside and "alongside_s" in analysis.meta["timings"]

    t1 = time.perf_counter()
    _write_csv(case.rejects, out.path("rejects.csv"), REJECT_COLUMNS)
    _write_csv(case.merges, out.path("merges.csv"), _MERGE_COLUMNS)
    _write_csv(_review(case), out.path("review.csv"))  # rows with resolve.model: fellegi_sunter
    _write_csv(case.inferred, out.path("inferred_links.csv"), _INFERRED_COLUMNS)
    _write_csv(analysis.targets, out.path("targets.csv"))
    _write_csv(analysis.groups, out.path("groups.csv"))
    _write_csv(analysis.logistics, out.path("logistics.csv"))
    _write_csv(analysis.movements, out.path("movements.csv"), MOVEMENT_COLUMNS)
    timings["tables_s"] = round(time.perf_counter() - t1, 3)
    if write_map:
        from netanalysis.present import network_map

        t1 = time.perf_counter()
        network_map(case, out.path("network.html"), analysis=analysis, settings=settings,
                    whole=whole_map, progress=progress, filters=filters)  # what was analysed
        timings["map_s"] = round(time.perf_counter() - t1, 3)
    if write_report:
        from netanalysis.present import write_report as _report

        t1 = time.perf_counter()
        _report(case, analysis, out.path("report.html"), settings=settings, progress=progress,
                robustness=rob, filters=filters)
        timings["report_s"] = round(time.perf_counter() - t1, 3)
    timings["total_s"] = round(time.perf_counter() - t0, 3)
    summary = _summary(case, analysis, settings, filters, seed, engine.name, timings)
    atomic_write_text(out.path("summary.json"),
                      json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    return case, analysis, summary


def _movements(case, settings):
    """``movements.csv``'s table of `case` (what :func:`_run` may send to a child)."""
    from netanalysis.analyze.movements import anticipate

    return anticipate(case, settings=settings)


def _persons(case):
    persons = case.tables.get("persons") if case.tables is not None else None
    return 0 if persons is None else len(persons)


def _robustness(case, analysis, settings, filters, seed, progress):
    """Rank again under perturbations; stability columns go into the analysis tables."""
    from netanalysis.analyze.robustness import robustness, with_stability

    with progress.step("testing the robustness of the ranking"):
        rob = robustness(case, analysis=analysis, settings=settings, filters=filters, seed=seed,
                         progress=progress)
    analysis.targets = with_stability(analysis.targets, rob, key="id")
    analysis.logistics = with_stability(analysis.logistics, rob, key="group")
    return rob


def _review(case):
    """The review list of resolution (Fellegi-Sunter pairs, merges refused for conflicting
    documents: resolve/probabilistic.py); no rows else."""
    from netanalysis.resolve.probabilistic import REVIEW_COLUMNS

    rows = case.merges.attrs.get("review") if case.merges is not None else None
    return pd.DataFrame(rows or [], columns=REVIEW_COLUMNS)


def _write_csv(df, path, columns=None):
    if df is None:
        df = pd.DataFrame(columns=columns or [])
    if columns:
        extra = [c for c in df.columns if c not in columns]
        for c in columns:
            if c not in df.columns:
                df = df.assign(**{c: pd.Series(dtype="object")})
        df = df[columns + extra]
    # formula-safe cells (lists joined with "|"), written to a temporary file and renamed
    return write_csv(df, path)


def _summary(case, analysis, settings, filters, seed, backend, timings):
    inferred = case.inferred if case.inferred is not None else pd.DataFrame(columns=["type"])
    merges = case.merges if case.merges is not None else pd.DataFrame()
    return {
        "case": str(case.path) if case.path else None,
        "files": case.counts,
        "rows": {
            "read": int(sum(c.get("read", 0) for c in case.counts.values())),
            "taken": int(sum(c.get("taken", 0) for c in case.counts.values())),
            "rejected": int(sum(c.get("rejected", 0) for c in case.counts.values())),
        },
        "rejects": int(len(case.rejects)),
        "merges": int(len(merges)),
        "resolution_model": merges.attrs.get("model"),   # Fellegi-Sunter parameters, or None
        "inferred_links": {str(k): int(v) for k, v in inferred["type"].value_counts().items()},
        "persons": int(len(case.tables["persons"])),
        "organizations": int(len(case.tables["organizations"])),
        "targets": int(len(analysis.targets)),
        "groups": int(analysis.groups["group"].nunique()) if len(analysis.groups) else 0,
        "logistics_groups": int(len(analysis.logistics)),
        "modularity": analysis.modularity,
        "top_targets": analysis.targets.head(10)[["rank", "id", "name", "role", "score"]]
        .to_dict("records") if len(analysis.targets) else [],
        "backend": backend,
        "seed": seed,
        "filters": filters or {},
        "analysis": {k: v for k, v in analysis.meta.items() if k != "timings"},
        "timings": timings,
        "settings": settings.public(),
    }
