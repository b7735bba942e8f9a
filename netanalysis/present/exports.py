"""Exports to the graph formats of the ecosystem: GraphML, GEXF, JSON, CSV.

:func:`export_graph` writes any networkx graph;
:func:`netanalysis.ingest.graphml.import_graph` reads it back as the same graph (nodes,
edges with their keys, attributes). :func:`export_case` writes a case's
property graph, with the analysis (rank, score, why, group) on the parties, in any of the
formats, FollowTheMoney (:mod:`netanalysis.present.ftm`) and i2 Analyst's Notebook
(:mod:`netanalysis.present.anx`) included.

Attribute conventions, so that nothing is lost on the way out and back:

- missing values (None, NaN) are left out;
- lists, tuples, sets and dicts, which GraphML, GEXF and CSV cannot hold, are written as
  JSON text under the attribute name with the suffix ``:json`` (``nationality:json`` =
  ``["CO", "VE"]``) and decoded on import (tuples and sets come back as lists);
- GEXF reserves some names (``id``, ``label``, ``start``, ``end``, ``type``, ``pid``,
  ``viz``): those attributes are written as ``attr_<name>`` and renamed back on import; the
  GEXF ``label`` of a node is its ``name`` (for Gephi) and is dropped on import;
- CSV headers carry the type of each column (``confidence:float``, ``inferred:bool``,
  ``line:int``, ``name:str``, ``nationality:json``), as neo4j-admin import headers do, and
  node ids and edge keys are columns (``id``; ``source``, ``target``, ``key``);
- CSV text cells (and headers) that a spreadsheet would run as a formula are written with a
  leading ``'`` and read back without it (:func:`netanalysis.outputs.csv_cell`);
- GraphML and GEXF cannot hold some characters at all (form feed, vertical tab, ESC and
  other control characters): they are written as visible ``\\x0c``-style escapes
  (:func:`netanalysis.outputs.xml_text`), so the file is always well-formed XML;
- the analysis' facts (:data:`ANALYSIS_FACTS`: ``rank``, ``score``, ``why``, ``group``) are
  the analysis' own: a case column of the same name is kept as ``data_rank``,
  ``data_score``... so it can never pass for a result of the analysis;
- every file is written to a temporary file and renamed into place.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from netanalysis.errors import InputError
from netanalysis.ingest.graphml import GEXF_RESERVED, GRAPH_FORMATS, TABLE_RESERVED
from netanalysis.model.filtered import filter_case, filtered_graph
from netanalysis.model.graph import build_graph
from netanalysis.outputs import (
    atomic_path,
    atomic_write_text,
    csv_cell,
    write_csv,
    xml_text,
)
from netanalysis.progress import Progress

__all__ = ["FORMATS", "GRAPH_FORMATS", "ANALYSIS_FACTS", "export_graph", "export_case",
           "case_graph", "xml_safe_graph"]

#: Formats of :func:`export_case`.
FORMATS = GRAPH_FORMATS + ("ftm", "anx")

_GEXF_RESERVED = GEXF_RESERVED
_TABLE_RESERVED = TABLE_RESERVED
#: Node attributes that belong to the analysis; case columns of these names become ``data_*``.
ANALYSIS_FACTS = ("rank", "score", "why", "group")
_SUFFIXES = {".graphml": "graphml", ".gexf": "gexf", ".json": "json", ".csv": "csv",
             ".jsonl": "ftm", ".ftm": "ftm", ".anx": "anx"}


def case_graph(case, analysis=None, *, filters=None):
    """Return the property graph of `case` with the analysis on its parties.

    With `filters` (keyword arguments of :func:`netanalysis.model.filter_edges`) the graph
    is the one the analysis saw (:func:`netanalysis.model.filtered.filtered_graph`).
    Parties get ``rank``, ``score``, ``why`` and ``group`` from `analysis` when given; a
    case column of one of these names is renamed ``data_<name>`` (always, so that with or
    without an analysis these names mean the analysis' facts only).

    Parameters
    ----------
    case : Case
        The case (as prepared: merged, with inferred ties).
    analysis : Analysis, optional
        From :func:`netanalysis.analyze.run_analysis`: its facts go on the parties.
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.

    Returns
    -------
    networkx.MultiDiGraph
        The property graph (:func:`netanalysis.model.build_graph`), filtered when asked.

    See Also
    --------
    export_case : writes this graph.
    netanalysis.model.build_graph : the property graph without the analysis.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
    ...            {"from_id": "S2", "to_id": "S1", "type": "family", "grading": "B2"}])
    >>> G = case_graph(case)
    >>> G.number_of_nodes(), G.number_of_edges()
    (3, 2)
    >>> H = case_graph(case, filters={"link_types": ["lodging"]})
    >>> sorted(H.nodes), H.number_of_edges()
    (['F1', 'S1'], 1)
    """
    G = build_graph(case) if not filters else filtered_graph(case, filters)
    for _, d in G.nodes(data=True):  # a case column may not pass for the analysis' facts
        for c in ANALYSIS_FACTS:
            if c in d:
                d[f"data_{c}"] = d.pop(c)
    if analysis is not None:
        t = analysis.targets
        if t is not None and len(t):
            cols = [c for c in ("rank", "score", "why") if c in t.columns]
            for rec in t[["id", *cols]].to_dict("records"):
                nid = str(rec["id"])
                if nid in G:
                    for c in cols:
                        if _present(rec[c]):
                            G.nodes[nid][c] = _native(rec[c])
        g = analysis.groups
        if g is not None and len(g):
            for gid, nid in zip(g["group"], g["id"].astype(str)):
                if nid in G:
                    G.nodes[nid]["group"] = _native(gid)
    return G


def export_graph(G, path, format=None):
    """Write graph `G` to `path` in one of :data:`GRAPH_FORMATS`.

    Parameters
    ----------
    G : networkx graph
    path : str or Path
        A file; for ``csv`` a folder that receives ``nodes.csv`` and ``edges.csv``.
    format : str, optional
        Guessed from the file suffix when omitted.

    Returns
    -------
    list of Path
        The files written.

    See Also
    --------
    export_case : the same for a case and its analysis.
    netanalysis.ingest.graphml.import_graph : reads GraphML back.

    Examples
    --------
    >>> import tempfile, os
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", kind="Person", nationality=["CO", "VE"])
    >>> G.add_edge("a", "b", type="family", confidence=0.64)
    0
    >>> p = os.path.join(tempfile.mkdtemp(), "g.graphml")
    >>> _ = export_graph(G, p)
    >>> from netanalysis.ingest.graphml import import_graph
    >>> H = import_graph(p)
    >>> H.nodes["a"]["nationality"], H["a"]["b"][0]["confidence"]
    (['CO', 'VE'], 0.64)
    """
    path = Path(path)
    fmt = _format(path, format, GRAPH_FORMATS)
    if fmt == "csv":
        path.mkdir(parents=True, exist_ok=True)
        nodes, edges = _csv_tables(G)
        write_csv(_safe_table(nodes), path / "nodes.csv", neutralise=False)
        write_csv(_safe_table(edges), path / "edges.csv", neutralise=False)
        meta = {"directed": G.is_directed(), "multigraph": G.is_multigraph(),
                "graph": _plain(G.graph)}
        atomic_write_text(path / "graph.json", json.dumps(meta, ensure_ascii=False, indent=1))
        return [path / "nodes.csv", path / "edges.csv", path / "graph.json"]
    if fmt == "json":
        data = nx.node_link_data(_renamed_copy(G), edges="edges")
        atomic_write_text(path, json.dumps(_plain(data), ensure_ascii=False, allow_nan=False))
        return [path]
    H = xml_safe_graph(_flat_copy(G, gexf=(fmt == "gexf")))
    with atomic_path(path) as tmp:
        if fmt == "graphml":
            nx.write_graphml(H, tmp, named_key_ids=True)
        else:
            nx.write_gexf(H, tmp)
    return [path]


def export_case(case, path, format=None, *, analysis=None, progress=None, filters=None):
    """Write `case` (and its `analysis`) to `path` in one of :data:`FORMATS`.

    With `filters` (keyword arguments of :func:`netanalysis.model.filter_edges`) what is
    written is what the analysis saw: the graph formats get
    :func:`netanalysis.model.filtered.filtered_graph`, FollowTheMoney and i2 the case
    whose reported and inferred ties pass the filters
    (:func:`netanalysis.model.filtered.filter_case`).

    Parameters
    ----------
    case : Case
        The case (as prepared: merged, with inferred ties).
    path : str or Path
        The file to write (a folder for ``csv``).
    format : str, optional
        One of :data:`FORMATS`; guessed from the suffix of `path` when omitted.
    analysis : Analysis, optional
        Its facts (:data:`ANALYSIS_FACTS`) go on the parties.
    progress : Progress, optional
        Where to report the step.
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.

    Returns
    -------
    dict
        ``format``, ``files`` (paths written), ``nodes`` and ``edges`` (or ``entities``
        for FollowTheMoney, ``entities`` and ``links`` for i2).

    See Also
    --------
    export_graph : writes any graph in the graph formats.
    case_graph : the graph written for the graph formats.
    netanalysis.present.ftm.write_ftm : the FollowTheMoney format.

    Examples
    --------
    >>> import tempfile, os
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
    ...            {"from_id": "S2", "to_id": "S1", "type": "family", "grading": "B2"}])
    >>> path = os.path.join(tempfile.mkdtemp(), "case.graphml")
    >>> info = export_case(case, path)
    >>> info["format"], info["nodes"], info["edges"]
    ('graphml', 3, 2)
    >>> export_case(case, path, filters={"link_types": ["lodging"]})["nodes"]
    2
    """
    progress = progress or Progress(quiet=True)
    path = Path(path)
    fmt = _format(path, format, FORMATS)
    with progress.step(f"exporting the case as {fmt}"):
        if fmt in ("ftm", "anx"):
            case = filter_case(case, filters)
        if fmt == "ftm":
            from netanalysis.present.ftm import write_ftm

            return {"format": fmt, **write_ftm(case, path, analysis=analysis)}
        if fmt == "anx":
            from netanalysis.present.anx import write_anx

            return {"format": fmt, **write_anx(case, path, analysis=analysis)}
        G = case_graph(case, analysis, filters=filters)
        files = export_graph(G, path, fmt)
    return {"format": fmt, "files": [str(f) for f in files], "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges()}


def xml_safe_graph(G):
    """Return a copy of `G` whose text (ids, keys, names, values) XML 1.0 can hold.

    Characters XML forbids (form feed, vertical tab, ESC, NUL...) become visible escapes
    (:func:`netanalysis.outputs.xml_text`); everything else is unchanged.

    Parameters
    ----------
    G : networkx graph
        Any graph; not modified.

    Returns
    -------
    networkx graph
        A copy of the same class.

    See Also
    --------
    export_graph : writes GraphML and GEXF through it.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("a\\x0c", name="Ana\\x1b")
    >>> list(xml_safe_graph(G).nodes(data=True))
    [('a\\\\x0c', {'name': 'Ana\\\\x1b'})]
    """
    def t(v):
        return xml_text(v) if isinstance(v, str) else v

    def attrs(d):
        return {t(k): t(v) for k, v in d.items()}
    H = G.__class__()
    H.graph.update(attrs(G.graph))
    H.add_nodes_from((t(n), attrs(d)) for n, d in G.nodes(data=True))
    if G.is_multigraph():
        H.add_edges_from((t(u), t(v), t(k), attrs(d))
                         for u, v, k, d in G.edges(keys=True, data=True))
    else:
        H.add_edges_from((t(u), t(v), attrs(d)) for u, v, d in G.edges(data=True))
    return H


# --- private helpers ---------------------------------------------------------------------

def _safe_table(df):
    """Formula-safe cells of the text columns (``:str``, ``:json``) and headers of a table."""
    out = df.copy()
    for c in out.columns:
        if c.endswith((":str", ":json")):
            out[c] = out[c].map(csv_cell)
    out.columns = [csv_cell(c) for c in out.columns]
    return out


def _format(path, format, allowed):
    fmt = (format or _SUFFIXES.get(Path(path).suffix.lower()) or "").lower()
    if not fmt and Path(path).suffix == "":
        fmt = "csv"
    if fmt not in allowed:
        raise InputError(f"unknown export format {format or Path(path).suffix!r}: use one of "
                         f"{', '.join(allowed)}")
    return fmt


def _present(v):
    if v is None:
        return False
    if isinstance(v, float) and math.isnan(v):
        return False
    return not (isinstance(v, np.floating) and np.isnan(v))


def _native(v):
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def _plain(obj):
    """Return `obj` with numpy values made native, NaN dropped, tuples/sets as lists."""
    if isinstance(obj, dict):
        return {str(k) if not isinstance(k, (int, float)) else k: _plain(v)
                for k, v in obj.items() if _present(v)}
    if isinstance(obj, (list, tuple, set)):
        items = sorted(obj, key=str) if isinstance(obj, set) else obj
        return [_plain(v) for v in items]
    return _native(obj)


def _encode_attrs(data, gexf=False, reserved=None):
    reserved = _GEXF_RESERVED if gexf else (reserved or set())
    out = {}
    for k, v in data.items():
        if not _present(v):
            continue
        v = _native(v)
        if isinstance(v, (list, tuple, set, dict)):
            out[f"{k}:json"] = json.dumps(_plain(v), ensure_ascii=False)
            continue
        if not isinstance(v, (str, int, float, bool)):
            v = str(v)
        name = f"attr_{k}" if k in reserved else k
        out[name] = v
    return out


def _flat_copy(G, gexf=False):
    H = G.__class__()
    H.graph.update({k: v for k, v in _encode_attrs(G.graph).items()})
    if not gexf:
        H.graph["netanalysis_multigraph"] = G.is_multigraph()
    for n, d in G.nodes(data=True):
        attrs = _encode_attrs(d, gexf=gexf)
        if gexf:
            attrs["label"] = str(d.get("name") or n)
        H.add_node(str(n), **attrs)
    if G.is_multigraph():
        for u, v, k, d in G.edges(keys=True, data=True):
            H.add_edge(str(u), str(v), key=k, **_encode_attrs(d, gexf=gexf))
    else:
        for u, v, d in G.edges(data=True):
            H.add_edge(str(u), str(v), **_encode_attrs(d, gexf=gexf))
    _unify_types(H)
    return H


def _renamed_copy(G):
    """Return a copy of `G` whose attributes named like node-link keys are ``attr_``-prefixed."""
    H = G.__class__()
    H.graph.update(_plain(G.graph))

    def ren(d):
        return {(f"attr_{k}" if k in _TABLE_RESERVED else k): _plain(v) for k, v in d.items()
                if _present(v)}
    H.add_nodes_from((n, ren(d)) for n, d in G.nodes(data=True))
    if G.is_multigraph():
        H.add_edges_from((u, v, k, ren(d)) for u, v, k, d in G.edges(keys=True, data=True))
    else:
        H.add_edges_from((u, v, ren(d)) for u, v, d in G.edges(data=True))
    return H


def _unify_types(H):
    """Give each attribute one type across all nodes (edges), as GraphML/GEXF require."""
    for items in (list(H.nodes(data=True)),
                  [d for *_, d in (H.edges(keys=True, data=True) if H.is_multigraph()
                                   else H.edges(data=True))]):
        datas = [x[1] if isinstance(x, tuple) else x for x in items]
        kinds = {}
        for d in datas:
            for k, v in d.items():
                kinds.setdefault(k, set()).add(type(v))
        for k, ts in kinds.items():
            if len(ts) <= 1:
                continue
            target = float if ts <= {int, float} else str
            for d in datas:
                if k in d:
                    d[k] = target(d[k])


_CSV_TYPES = {bool: "bool", int: "int", float: "float", str: "str"}


def _csv_column(values):
    """Return (type name, encoded values) for one CSV column."""
    present = [_native(v) for v in values if _present(v)]
    types = {type(v) for v in present}
    if not types:
        return "str", ["" for _ in values]
    if types <= {list, tuple, set, dict} or len(types) > 1 and not types <= {int, float}:
        return "json", ["" if not _present(v) else json.dumps(_plain(v), ensure_ascii=False)
                        for v in values]
    if types <= {int, float} and len(types) == 2:
        return "float", ["" if not _present(v) else repr(float(v)) for v in values]
    t = next(iter(types))
    name = _CSV_TYPES.get(t, "str")
    enc = []
    for v in values:
        if not _present(v):
            enc.append("")
        elif name == "float":
            enc.append(repr(float(v)))
        else:
            enc.append(str(_native(v)))
    return name, enc


def _csv_tables(G):
    node_ids = list(G.nodes)
    keys = sorted({k for _, d in G.nodes(data=True) for k in d})
    ncols = {"id:str": [str(n) for n in node_ids]}
    for k in keys:
        t, enc = _csv_column([G.nodes[n].get(k) for n in node_ids])
        ncols[f"{_csv_name(k)}:{t}"] = enc
    if G.is_multigraph():
        rows = list(G.edges(keys=True, data=True))
    else:
        rows = [(u, v, None, d) for u, v, d in G.edges(data=True)]
    ecols = {"source:str": [str(r[0]) for r in rows], "target:str": [str(r[1]) for r in rows]}
    if G.is_multigraph():
        t, enc = _csv_column([r[2] for r in rows])
        ecols[f"key:{t}"] = enc
    ekeys = sorted({k for r in rows for k in r[3]})
    for k in ekeys:
        t, enc = _csv_column([r[3].get(k) for r in rows])
        ecols[f"{_csv_name(k)}:{t}"] = enc
    return pd.DataFrame(ncols, dtype=object), pd.DataFrame(ecols, dtype=object)


def _csv_name(k):
    return f"attr_{k}" if k in _TABLE_RESERVED else k


