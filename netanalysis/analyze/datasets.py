"""Read a published criminal network in the ``edges.csv`` / ``nodes.csv`` layout.

The folders of ``../shared/datasets`` (Montagna, CAVIAR, 9/11 hijackers, Noordin Top,
Oversize, London gang, Siren, Togo...) share one layout: ``edges.csv`` with ``source``,
``target``, ``weight`` and, where the data has several, a ``layer`` (or ``phase``) column;
``nodes.csv`` with ``id`` and attributes. See ``docs/datasets.md`` for how each is read in
the tests.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from netanalysis.errors import InputError

__all__ = ["load_published"]


def load_published(path, layer=None, *, directed=False, node_type=None, duplicates="last",
                   isolates=None):
    """Return a published network as a networkx graph.

    Parameters
    ----------
    path : str or Path
        The dataset folder (holding ``edges.csv`` and, optionally, ``nodes.csv``).
    layer : str, int or list, optional
        Keep only rows whose ``layer`` (or, without one, ``phase``) is this value or in this
        list. None keeps every row.
    directed : bool
        Return a ``DiGraph`` (row order source -> target) instead of a ``Graph``.
    node_type : str, optional
        Keep only nodes whose ``type`` in ``nodes.csv`` is this (e.g. ``"person"``), and ties
        between them.
    duplicates : {"last", "sum", "first"}
        What a pair listed more than once gets as ``weight``: the last row's (what
        Cavallaro et al.'s loader did for Montagna), the sum, or the first.
    isolates : bool, optional
        Add the nodes of ``nodes.csv`` that have no tie. Default: True when `layer` is None,
        False otherwise (a layer's network holds the nodes with a tie in it).

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Node ids as text, with the ``nodes.csv`` attributes; edges with ``weight`` and, when
        the rows have them, ``layer``/``phase`` (the last row's).

    Raises
    ------
    InputError
        If the folder has no ``edges.csv`` or a layer matches no row.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "edges.csv").write_text("source,target,weight,layer\\n1,2,1,a\\n2,1,3,a\\n2,3,1,b\\n")
    >>> G = load_published(d, layer="a")
    >>> sorted(G.nodes()), G["1"]["2"]["weight"]
    (['1', '2'], 3.0)
    """
    path = Path(path)
    ef = path / "edges.csv"
    if not ef.is_file():
        raise InputError("no edges.csv in the dataset folder", file=path)
    e = pd.read_csv(ef, dtype={"source": str, "target": str}, keep_default_na=False)
    key = "layer" if "layer" in e else ("phase" if "phase" in e else None)
    if layer is not None:
        if key is None:
            raise InputError("the dataset has no layer or phase column", file=ef)
        wanted = [str(x) for x in (layer if isinstance(layer, (list, tuple, set)) else [layer])]
        e = e[e[key].astype(str).isin(wanted)]
        if not len(e):
            raise InputError(f"no rows with {key} in {wanted}", file=ef)
    nodes = None
    nf = path / "nodes.csv"
    if nf.is_file():
        nodes = pd.read_csv(nf, dtype={"id": str}, keep_default_na=False)
        if node_type is not None and "type" in nodes:
            nodes = nodes[nodes["type"] == node_type]
            keep = set(nodes["id"])
            e = e[e["source"].isin(keep) & e["target"].isin(keep)]
    G = nx.DiGraph() if directed else nx.Graph()
    if isolates is None:
        isolates = layer is None
    attrs = {}
    if nodes is not None:
        cols = [c for c in nodes.columns if c != "id"]
        attrs = {r["id"]: {c: r[c] for c in cols if r[c] != ""} for r in nodes.to_dict("records")}
        if isolates:
            G.add_nodes_from((v, a) for v, a in attrs.items())
    w = pd.to_numeric(e["weight"], errors="coerce").fillna(1.0) if "weight" in e \
        else pd.Series(1.0, index=e.index)
    extra = key
    for s, t, wt, lay in zip(e["source"], e["target"], w, e[extra] if extra else [None] * len(e)):
        if s == t:
            continue
        d = {"weight": float(wt)}
        if extra:
            d[extra] = lay
        if G.has_edge(s, t):
            cur = G[s][t]
            if duplicates == "sum":
                d["weight"] += cur["weight"]
            elif duplicates == "first":
                continue
        G.add_edge(s, t, **d)
    for v in G:
        if v in attrs:
            G.nodes[v].update(attrs[v])
    return G
