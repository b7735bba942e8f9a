"""Graphs in: GraphML, GEXF, node-link JSON and typed CSV tables, as networkx graphs.

:func:`import_graph` reads what :func:`netanalysis.present.exports.export_graph` writes (and
what Gephi, yEd or networkx write) back as the same graph: nodes, edges with their keys,
attributes. The conventions of the way out are undone here: attributes with the suffix
``:json`` are decoded (lists come back as lists), GEXF's and the tables' reserved names
(``attr_<name>``, :data:`GEXF_RESERVED`, :data:`TABLE_RESERVED`) renamed back, CSV cells a
spreadsheet would have run read back without their leading ``'``. Node ids are strings.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd

from netanalysis.errors import InputError
from netanalysis.outputs import csv_uncell

__all__ = ["GRAPH_FORMATS", "GEXF_RESERVED", "TABLE_RESERVED", "import_graph"]

#: Formats of :func:`import_graph` (and of ``export_graph``).
GRAPH_FORMATS = ("graphml", "gexf", "json", "csv")
#: Attribute names GEXF keeps for itself: written as ``attr_<name>``.
GEXF_RESERVED = frozenset({"id", "label", "start", "end", "type", "pid", "viz", "key"})
#: Names node-link JSON and the CSV tables use for themselves: written as ``attr_<name>``.
TABLE_RESERVED = frozenset({"id", "source", "target", "key"})
_SUFFIXES = {".graphml": "graphml", ".gexf": "gexf", ".json": "json", ".csv": "csv"}


def import_graph(path, format=None):
    """Read a graph written by ``export_graph`` (or by Gephi, yEd, networkx...).

    Attributes with the ``:json`` suffix are decoded, GEXF's renamed attributes restored.
    Node ids are strings.

    Parameters
    ----------
    path : str or Path
        A file; for ``csv`` the folder holding ``nodes.csv``, ``edges.csv`` (and
        ``graph.json``).
    format : {"graphml", "gexf", "json", "csv"}, optional
        Guessed from the suffix when omitted (a path without suffix is a csv folder).

    Returns
    -------
    networkx graph
        Of the class that was written (a MultiDiGraph for a case's property graph).

    Raises
    ------
    InputError
        If the file is missing or cannot be read in that format (naming the file).

    See Also
    --------
    netanalysis.present.exports.export_graph : the way out.
    GRAPH_FORMATS : the formats.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "g.graphml")
    >>> nx.write_graphml(nx.MultiDiGraph([("a", "b", {"type": "family"})]), p)
    >>> H = import_graph(p)
    >>> list(H.edges(data="type"))
    [('a', 'b', 'family')]
    """
    path = Path(path)
    fmt = _format(path, format)
    if not path.exists():
        raise InputError("no such file or folder", file=path)
    if fmt == "csv":
        return _read_csv_graph(path)
    if fmt == "json":
        try:
            data = json.loads(path.read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", file=path, line=exc.lineno,
                             column=exc.colno) from None
        key = "edges" if "edges" in data else "links"
        G = nx.node_link_graph(data, edges=key)
        for _, d in G.nodes(data=True):
            d.update(_decode({k: d.pop(k) for k in list(d)}))
        for *_, d in G.edges(data=True):
            d.update(_decode({k: d.pop(k) for k in list(d)}))
        return G
    try:
        if fmt == "graphml":
            G = nx.read_graphml(path)
            if G.graph.get("netanalysis_multigraph") and not G.is_multigraph():
                G = nx.read_graphml(path, force_multigraph=True)
        else:
            G = nx.read_gexf(path)
    except Exception as exc:  # the XML readers raise several kinds of errors
        raise InputError(f"cannot read {fmt.upper()}: {exc}", file=path) from None
    return _restore(G, gexf=(fmt == "gexf"))


def _decode(data, gexf=False, reserved=None):
    reserved = GEXF_RESERVED if gexf else (reserved or TABLE_RESERVED)
    out = {}
    for k, v in data.items():
        if isinstance(k, str) and k.endswith(":json"):
            out[k[:-5]] = json.loads(v) if isinstance(v, str) else v
        elif isinstance(k, str) and k.startswith("attr_") and k[5:] in reserved:
            out[k[5:]] = v
        else:
            out[k] = v
    return out


def _restore(G, gexf=False):
    H = G.__class__()
    H.graph.update(_decode({k: v for k, v in G.graph.items()
                            if k not in ("node_default", "edge_default", "mode",
                                         "netanalysis_multigraph")}))
    for n, d in G.nodes(data=True):
        d = dict(d)
        if gexf:
            d.pop("label", None)
        H.add_node(str(n), **_decode(d, gexf=gexf))
    rows = (G.edges(keys=True, data=True) if G.is_multigraph()
            else ((u, v, None, d) for u, v, d in G.edges(data=True)))
    for u, v, k, d in rows:
        d = dict(d)
        key = k
        if gexf:
            d.pop("id", None)
            key = d.pop("networkx_key", k)
            d.pop("label", None)
        if H.is_multigraph():
            H.add_edge(str(u), str(v), key=key, **_decode(d, gexf=gexf))
        else:
            H.add_edge(str(u), str(v), **_decode(d, gexf=gexf))
    return H


def _parse_cell(text, t):
    if text == "":
        return None
    if t == "int":
        return int(text)
    if t == "float":
        return float(text)
    if t == "bool":
        return text == "True"
    if t == "json":
        return json.loads(text)
    return text


def _read_table(path):
    if not path.exists():
        raise InputError("missing file of a CSV graph export", file=path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = []
    for c in df.columns:
        name, _, t = csv_uncell(c).rpartition(":")
        if not name or t not in ("str", "int", "float", "bool", "json"):
            name, t = csv_uncell(c), "str"
        cols.append((c, name, t))
        if t in ("str", "json"):
            df[c] = df[c].map(csv_uncell)
    return df, cols


def _read_csv_graph(folder):
    meta_path = folder / "graph.json"
    meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
    directed, multi = meta.get("directed", True), meta.get("multigraph", True)
    G = (nx.MultiDiGraph() if directed else nx.MultiGraph()) if multi else (
        nx.DiGraph() if directed else nx.Graph())
    G.graph.update(meta.get("graph", {}))
    df, cols = _read_table(folder / "nodes.csv")
    for rec in df.itertuples(index=False):
        d = {name: _parse_cell(val, t) for (c, name, t), val in zip(cols, rec)}
        nid = d.pop("id")
        G.add_node(nid, **_decode({k: v for k, v in d.items() if v is not None}))
    df, cols = _read_table(folder / "edges.csv")
    for rec in df.itertuples(index=False):
        d = {name: _parse_cell(val, t) for (c, name, t), val in zip(cols, rec)}
        u, v = d.pop("source"), d.pop("target")
        attrs = _decode({k: x for k, x in d.items() if x is not None and k != "key"})
        if multi:
            G.add_edge(u, v, key=d.get("key"), **attrs)
        else:
            G.add_edge(u, v, **attrs)
    return G


def _format(path, format):
    fmt = (format or _SUFFIXES.get(Path(path).suffix.lower()) or "").lower()
    if not fmt and Path(path).suffix == "":
        fmt = "csv"
    if fmt not in GRAPH_FORMATS:
        raise InputError(f"unknown export format {format or Path(path).suffix!r}: use one of "
                         f"{', '.join(GRAPH_FORMATS)}")
    return fmt
