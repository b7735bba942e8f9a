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
``rejects.csv``        every input row that was not taken, and why
``network.html``       the interactive network map (offline, self-contained)
``report.html``        the case report (offline, self-contained)
``summary.json``       counts of everything above, settings used and timings
=====================  ==========================================================
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netanalysis.errors import BackendError, InputError
from netanalysis.model.case import REJECT_COLUMNS, Case
from netanalysis.progress import Progress
from netanalysis.settings import load_settings

__all__ = ["analyze_case", "prepare_case", "AnalysisRun", "OUTPUT_FILES"]

#: Every file ``analyze_case`` writes, in the order it writes them.
OUTPUT_FILES = ("rejects.csv", "merges.csv", "inferred_links.csv", "targets.csv", "groups.csv",
                "logistics.csv", "movements.csv", "network.html", "report.html", "summary.json")

_MERGE_COLUMNS = ["kept_id", "merged_id", "score", "reason"]
_INFERRED_COLUMNS = ["from_id", "to_id", "type", "evidence", "score"]


@dataclass
class AnalysisRun:
    """What :func:`analyze_case` did: the prepared case, the analysis and the files written."""

    case: Case
    analysis: object
    out: Path
    files: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)


def prepare_case(case, *, resolve=True, infer=True, decisions=None, mapping=None, settings=None,
                 progress=None):
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
    settings : Settings, optional
        From :func:`netanalysis.settings.load_settings`.
    progress : Progress, optional
    """
    from netanalysis.ingest import load_case
    from netanalysis.resolve import apply_merges, infer_links, load_decisions, resolve_entities

    progress = progress or Progress(quiet=True)
    settings = settings or load_settings()
    if not isinstance(case, Case):
        with progress.step(f"reading case {case}"):
            case = load_case(case, mapping=mapping, progress=progress)
    if resolve:
        with progress.step("resolving entities"):
            dec = load_decisions(decisions) if decisions else None
            merges = resolve_entities(case, settings=settings, decisions=dec, progress=progress)
            case = apply_merges(case, merges)
    if infer:
        with progress.step("inferring ties"):
            case.inferred = infer_links(case, settings=settings, progress=progress)
    return case


def analyze_case(case, out, *, backend="embedded", resolve=True, infer=True, decisions=None,
                 mapping=None, settings=None, filters=None, seed=0, write_map=True,
                 write_report=True, progress=None, neo4j=None):
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
    resolve, infer, decisions, mapping
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

    Returns
    -------
    AnalysisRun

    Examples
    --------
    From the repository root (``tests/test_pipeline.py`` runs the same)::

        from netanalysis.pipeline import analyze_case
        run = analyze_case("examples/case", "out")
        run.files["targets.csv"]          # Path('out/targets.csv')
        run.summary["rows"]               # {'read': 3406, 'taken': 3406, 'rejected': 0}
    """
    from netanalysis.analyze import run_analysis

    progress = progress or Progress(quiet=True)
    settings = settings or load_settings()
    if backend not in ("embedded", "neo4j"):
        raise InputError(f"unknown backend {backend!r}: use 'embedded' or 'neo4j'")
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output folder: {exc.strerror}", file=out) from None
    timings = {}
    t0 = time.perf_counter()
    case = prepare_case(case, resolve=resolve, infer=infer, decisions=decisions, mapping=mapping,
                        settings=settings, progress=progress)
    timings["prepare_s"] = round(time.perf_counter() - t0, 3)

    measures = None
    backend_note = "embedded (networkx/igraph in process)"
    if backend == "neo4j":
        t1 = time.perf_counter()
        measures, backend_note = _neo4j_measures(case, settings, neo4j, filters, seed, progress)
        timings["neo4j_s"] = round(time.perf_counter() - t1, 3)

    t1 = time.perf_counter()
    with progress.step("ranking targets and groups"):
        analysis = run_analysis(case, settings=settings, filters=filters, seed=seed,
                                measures=measures, progress=progress)
    analysis.meta["backend"] = backend_note
    timings["analysis_s"] = round(time.perf_counter() - t1, 3)
    t1 = time.perf_counter()
    with progress.step("anticipating movements"):
        from netanalysis.analyze.movements import MOVEMENT_COLUMNS, anticipate

        analysis.movements = anticipate(case, settings=settings)
    timings["movements_s"] = round(time.perf_counter() - t1, 3)

    files = {}
    with progress.step(f"writing outputs to {out}"):
        files["rejects.csv"] = _write_csv(case.rejects, out / "rejects.csv", REJECT_COLUMNS)
        files["merges.csv"] = _write_csv(case.merges, out / "merges.csv", _MERGE_COLUMNS)
        files["inferred_links.csv"] = _write_csv(case.inferred, out / "inferred_links.csv",
                                                 _INFERRED_COLUMNS)
        files["targets.csv"] = _write_csv(analysis.targets, out / "targets.csv")
        files["groups.csv"] = _write_csv(analysis.groups, out / "groups.csv")
        files["logistics.csv"] = _write_csv(analysis.logistics, out / "logistics.csv")
        files["movements.csv"] = _write_csv(analysis.movements, out / "movements.csv",
                                            MOVEMENT_COLUMNS)
    if write_map:
        from netanalysis.present import network_map

        network_map(case, out / "network.html", analysis=analysis, progress=progress)
        files["network.html"] = out / "network.html"
    if write_report:
        from netanalysis.present import write_report as _report

        _report(case, analysis, out / "report.html", progress=progress)
        files["report.html"] = out / "report.html"
    timings["total_s"] = round(time.perf_counter() - t0, 3)
    summary = _summary(case, analysis, settings, filters, seed, backend, timings)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False,
                                                 default=str), "utf-8")
    files["summary.json"] = out / "summary.json"
    return AnalysisRun(case=case, analysis=analysis, out=out, files=files, summary=summary)


def _neo4j_measures(case, settings, overrides, filters, seed, progress):
    try:
        from netanalysis.backends.neo4j import neo4j_measures, push_case
    except ImportError as exc:  # pragma: no cover - the backend ships with the package
        raise BackendError(f"the Neo4j backend is not available: {exc}") from None
    conn = dict(settings.section("neo4j"))
    conn.update({k: v for k, v in (overrides or {}).items() if v is not None})
    kw = {k: conn.get(k) for k in ("uri", "user", "password", "database")}
    with progress.step(f"pushing the case to Neo4j at {kw['uri']}"):
        # replace: measures must describe this case only, not what an earlier push left
        push_case(case, progress=progress, batch_size=conn.get("batch_size", 5000),
                  replace=True, settings=settings, **kw)
    with progress.step("computing measures in Neo4j"):
        measures = neo4j_measures(filters=filters, seed=seed, progress=progress,
                                  settings=settings, **kw)
    note = measures.attrs.get("method", "measures computed in Neo4j")
    progress.say(f"Neo4j measures: {note}")
    return measures, f"neo4j: {note}"


def _write_csv(df, path, columns=None):
    if df is None:
        df = pd.DataFrame(columns=columns or [])
    if columns:
        extra = [c for c in df.columns if c not in columns]
        for c in columns:
            if c not in df.columns:
                df = df.assign(**{c: pd.Series(dtype="object")})
        df = df[columns + extra]
    df = df.copy()
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(_cell)
    df.to_csv(path, index=False, encoding="utf-8")
    return path


def _cell(v):
    if isinstance(v, (list, tuple, set)):
        return "|".join(str(x) for x in v)
    return v


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
