"""Fast kernels: an igraph view of a party graph, built once and reused by every measure.

The public measures take a networkx graph (``G`` first, networkx keywords). When the graph is
large, or when the caller passes a :class:`Kernel` directly, they run on igraph's C code
instead and rescale the results to networkx's conventions, so the two engines agree within
floating-point tolerance (``tests/analyze/test_centrality.py`` checks every measure).

A :class:`Kernel` is built either from a ``networkx`` graph or straight from a party-edge table
(:func:`netanalysis.model.party_edges`) without ever building a networkx graph, which is what
the ranking fast path does on large cases: parallel ties are combined exactly as
:func:`netanalysis.model.party_graph` does (``weight`` summed, ``strength`` = sum of
weight x confidence, ``confidence`` = max, ``distance`` = 1 / strength).
"""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["Kernel", "to_kernel", "kernel_from_edges", "AUTO_IGRAPH_NODES", "use_igraph",
           "FASTEST", "AUTO_NETWORKIT_NODES", "ENGINES", "kernel_engine",
           "networkit_available"]

#: Graphs with more nodes than this run on igraph when ``engine="auto"``.
AUTO_IGRAPH_NODES = 2000

#: Engines a measure can be asked to run on (``"auto"`` picks from :data:`FASTEST`).
ENGINES = ("auto", "networkx", "igraph", "networkit")

#: The kernel library ``engine="auto"`` runs each measure on, measured side by side by
#: ``benchmarks/scale.py kernels`` on this project's 2-core machine under load (same-run speed
#: of networkit against igraph, 2 threads: PageRank 0.68-0.75x at 20k/200k and 100k/1M, exact
#: betweenness 0.38x and sampled 0.45x, Leiden 1.0x at 20k/200k, closeness 1.9x at 3k/30k,
#: components 1.3x; at 100k/1M Leiden 2.5x, same modularity, PageRank 0.75x): networkit only
#: where it was faster, and only past :data:`AUTO_NETWORKIT_NODES` nodes. networkit is used only where it is
#: installed (the ``fast`` extra) and the graph is undirected; igraph otherwise.
FASTEST = {
    "pagerank": "igraph",
    "betweenness": "igraph",
    "betweenness_sampled": "igraph",
    "closeness": "networkit",
    "leiden": "networkit",
    "components": "networkit",
    "eigenvector": "igraph",
    "core_number": "igraph",
}

#: ``engine="auto"`` runs :data:`FASTEST`'s networkit choices only on graphs with more nodes
#: than this (at 20k nodes networkit's Leiden was no faster; below, results stay igraph's).
AUTO_NETWORKIT_NODES = 50_000

_EDGE_ATTRS = ("weight", "strength", "confidence", "distance")


class Kernel:
    """An igraph graph plus the mapping between igraph vertex indices and node ids.

    Attributes
    ----------
    graph : igraph.Graph
        Simple graph (no self-loops, no parallel edges); undirected unless built from a
        directed networkx graph. Numeric edge attributes: ``weight``, ``strength``,
        ``confidence``, ``distance`` where known.
    names : ndarray of object
        Node id of each vertex index.
    row_codes : tuple of two int64 arrays or None
        Set by :func:`kernel_from_edges`: the vertex indices of the source and target of
        every row of the edge table it was given (-1 for a missing id).
    pending : dict
        Kernels already started on this graph in forked children
        (:class:`~netanalysis.analyze.parallel.ForkedCall`, keyed by measure and parameters),
        which :func:`~netanalysis.analyze.measures.kernel_measures` collects instead of
        computing them again.
    """

    def __init__(self, graph, names):
        self.graph = graph
        self.names = np.asarray(names, dtype=object)
        self._index = None
        self._edges = None
        self.row_codes = None
        self.pending = {}
        self._nk = {}

    def edge_array(self):
        """Return the edge list as an (m, 2) int64 array (cached; the graph is not changed)."""
        if self._edges is None or len(self._edges) != self.graph.ecount():
            self._edges = np.asarray(self.graph.get_edgelist(),
                                     dtype=np.int64).reshape(-1, 2)
        return self._edges

    @property
    def index(self):
        """Dict node id -> vertex index (built on first use)."""
        if self._index is None:
            self._index = {n: i for i, n in enumerate(self.names)}
        return self._index

    def number_of_nodes(self):
        return self.graph.vcount()

    def number_of_edges(self):
        return self.graph.ecount()

    def is_directed(self):
        return self.graph.is_directed()

    def weights(self, weight):
        """Return the edge attribute `weight` as a list, or None (every tie counts 1).

        As in networkx, a missing attribute means 1: None is returned when `weight` is None
        or no edge has it.
        """
        if weight is None or weight not in self.graph.es.attributes():
            return None
        return self.graph.es[weight]

    def weight_arg(self, weight):
        """Return what igraph takes as ``weights=``: the attribute's name, or None.

        The same values as :meth:`weights` without copying them into a Python list (igraph
        reads a named attribute directly).
        """
        if weight is None or weight not in self.graph.es.attributes():
            return None
        return weight

    def to_dict(self, values):
        """Return ``{node id: value}`` for an array aligned with the vertex indices."""
        return dict(zip(self.names.tolist(), np.asarray(values).tolist()))

    def networkit_graph(self, weight=None):
        """Return a networkit graph of the same vertices and edges (cached per `weight`).

        Parameters
        ----------
        weight : str or None
            Edge attribute copied as networkit's edge weight; None (or an attribute no edge
            has) builds an unweighted graph.

        Returns
        -------
        networkit.Graph
            Vertex ``i`` is vertex ``i`` of :attr:`graph`; directed when :attr:`graph` is.

        Examples
        --------
        >>> import networkx as nx
        >>> K = to_kernel(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 1.0})]))
        >>> g = K.networkit_graph("weight")                  # doctest: +SKIP
        >>> g.numberOfNodes(), g.numberOfEdges(), g.totalEdgeWeight()  # doctest: +SKIP
        (3, 2, 3.0)
        """
        key = self.weight_arg(weight)
        if key not in self._nk:
            import networkit as nk

            el = self.edge_array()
            g = nk.Graph(self.graph.vcount(), weighted=key is not None,
                         directed=self.is_directed())
            if len(el):
                ij = (el[:, 0].astype(np.uint64), el[:, 1].astype(np.uint64))
                if key is None:
                    g.addEdges(ij)
                else:
                    g.addEdges((np.asarray(self.graph.es[key], dtype=float), ij))
            self._nk[key] = g
        return self._nk[key]

    def __len__(self):
        return self.graph.vcount()

    def __repr__(self):
        kind = "directed" if self.is_directed() else "undirected"
        return f"<Kernel {kind}: {self.graph.vcount()} nodes, {self.graph.ecount()} edges>"


def use_igraph(G, engine="auto"):
    """Return True when a measure on `G` should run on igraph.

    ``engine`` is ``"networkx"``, ``"igraph"``, ``"networkit"`` or ``"auto"`` (a kernel for a
    :class:`Kernel` or a graph of more than :data:`AUTO_IGRAPH_NODES` nodes). True means "run
    on a :class:`Kernel`"; which library then runs the measure is :func:`kernel_engine`'s
    choice.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use 'auto', 'networkx', 'igraph' or "
                         "'networkit'")
    if isinstance(G, Kernel):
        if engine == "networkx":
            raise ValueError("a Kernel runs on igraph only; pass a networkx graph for engine='networkx'")
        return True
    if engine == "auto":
        return G.number_of_nodes() > AUTO_IGRAPH_NODES
    return engine != "networkx"


def networkit_available():
    """Return True when networkit can be imported (the ``fast`` extra).

    Returns
    -------
    bool

    See Also
    --------
    kernel_engine : where it is used.

    Examples
    --------
    >>> isinstance(networkit_available(), bool)
    True
    """
    global _HAVE_NK
    if _HAVE_NK is None:
        try:
            import networkit  # noqa: F401
        except ImportError:
            _HAVE_NK = False
        else:
            _HAVE_NK = True
    return _HAVE_NK


def kernel_engine(K, measure, engine="auto"):
    """Return the library (``"igraph"`` or ``"networkit"``) that runs `measure` on Kernel `K`.

    Parameters
    ----------
    K : Kernel
    measure : str
        A key of :data:`FASTEST`.
    engine : {"auto", "igraph", "networkit"}
        ``"auto"`` takes :data:`FASTEST` on graphs of more than :data:`AUTO_NETWORKIT_NODES`
        nodes; networkit is used only on undirected graphs and where it is installed, igraph
        otherwise. ``"networkit"`` raises when it cannot run.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown engine, or ``"networkit"`` on a directed graph.
    ImportError
        For ``"networkit"`` when it is not installed.

    See Also
    --------
    use_igraph : whether a measure runs on a kernel at all.

    Examples
    --------
    >>> import networkx as nx
    >>> kernel_engine(to_kernel(nx.path_graph(3)), "betweenness", "igraph")
    'igraph'
    >>> kernel_engine(to_kernel(nx.path_graph(3, create_using=nx.DiGraph)), "pagerank")
    'igraph'
    """
    if engine in ("auto", "networkx"):
        choice = FASTEST.get(measure, "igraph")
        if choice == "networkit" and (K.is_directed() or not networkit_available()
                                      or K.graph.vcount() <= AUTO_NETWORKIT_NODES):
            choice = "igraph"
        return choice
    if engine == "igraph":
        return "igraph"
    if engine == "networkit":
        if K.is_directed():
            raise ValueError("the networkit kernels take undirected graphs; use engine='igraph'")
        if not networkit_available():
            raise ImportError("engine='networkit' needs networkit: pip install 'netanalysis[fast]'")
        return "networkit"
    raise ValueError(f"unknown engine {engine!r}: use 'auto', 'igraph' or 'networkit'")


_HAVE_NK = None


def to_kernel(G):
    """Return a :class:`Kernel` for a networkx graph (or `G` itself when already one).

    Examples
    --------
    >>> import networkx as nx
    >>> K = to_kernel(nx.path_graph(["a", "b", "c"]))
    >>> K.graph.vcount(), K.graph.ecount(), list(K.names)
    (3, 2, ['a', 'b', 'c'])
    """
    if isinstance(G, Kernel):
        return G
    names = list(G.nodes())
    idx = {n: i for i, n in enumerate(names)}
    edges = [(idx[u], idx[v]) for u, v in G.edges() if u != v]
    g = ig.Graph(n=len(names), edges=edges, directed=G.is_directed())
    if edges:
        data = [d for u, v, d in G.edges(data=True) if u != v]
        keys = set()
        for d in data[:1000]:
            keys.update(k for k, val in d.items() if isinstance(val, (int, float)) and not isinstance(val, bool))
        for key in sorted(keys):
            g.es[key] = [float(d.get(key, 1.0)) for d in data]
    return Kernel(g, names)


def kernel_from_edges(edges, nodes=None):
    """Return an undirected :class:`Kernel` straight from a party-edge table.

    Parameters
    ----------
    edges : DataFrame
        With at least ``source``, ``target``, ``weight``, ``confidence``.
    nodes : iterable of str or DataFrame, optional
        Every party id (isolated ones included); a DataFrame gives its ``id`` column. Ids
        found only in `edges` are appended after them.

    Notes
    -----
    Vectorised: ids are factorised once, the integer pair keys sorted, and only the pairs
    tied more than once combined with a ``groupby`` (sums exactly as one ``groupby`` over
    every tie gives). O(m log m) for m ties; no Python loop over ties or nodes. The vertex
    indices of each row's ends are kept as :attr:`Kernel.row_codes`, the edge list as
    :meth:`Kernel.edge_array`, so later steps need not look ids up again.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"],
    ...                   "weight": [1.0, 2.0, 1.0], "confidence": [0.5, 1.0, 1.0]})
    >>> K = kernel_from_edges(e, nodes=["a", "b", "c", "d"])
    >>> K.graph.vcount(), K.graph.ecount()
    (4, 2)
    >>> K.graph.es["weight"], K.graph.es["strength"]
    ([3.0, 1.0], [2.5, 1.0])
    """
    if nodes is None:
        base = np.empty(0, dtype=object)
    elif isinstance(nodes, pd.DataFrame):
        base = nodes["id"].astype(str).to_numpy(dtype=object)
    else:
        base = np.asarray(list(nodes), dtype=object)
    src = _str_array(edges["source"])
    dst = _str_array(edges["target"])
    allv = np.concatenate([base, src, dst])
    codes, uniques = pd.factorize(allv, sort=False)
    nb, m = len(base), len(src)
    # factorize keeps first-appearance order, so the node table's order comes first
    a = codes[nb:nb + m].astype(np.int64)
    b = codes[nb + m:].astype(np.int64)
    keep = a != b
    a, b = a[keep], b[keep]
    w = pd.to_numeric(edges["weight"], errors="coerce").fillna(1.0).to_numpy(float)[keep] \
        if "weight" in edges else np.ones(len(a))
    c = pd.to_numeric(edges["confidence"], errors="coerce").fillna(1.0).to_numpy(float)[keep] \
        if "confidence" in edges else np.ones(len(a))
    n = len(uniques)
    lo = np.minimum(a, b)
    hi = np.maximum(a, b)
    key = lo * n + hi
    if len(key):
        # sort the pair keys; only pairs tied more than once need a groupby, run on those
        # rows in table order (its compensated sums are then the same as on every row)
        s_ = w * c
        order = np.argsort(key, kind="stable")
        ks = key[order]
        first = np.r_[True, ks[1:] != ks[:-1]]
        gid = np.cumsum(first) - 1
        k = ks[first]
        wsum, ssum, cmax = w[order][first], s_[order][first], c[order][first]
        dup = np.empty(len(key), dtype=bool)
        dup[order] = np.bincount(gid)[gid] > 1
        if dup.any():
            df = pd.DataFrame({"k": key[dup], "w": w[dup], "s": s_[dup], "c": c[dup]})
            g = df.groupby("k", sort=True).agg(w=("w", "sum"), s=("s", "sum"),
                                                c=("c", "max"))
            at = np.searchsorted(k, g.index.to_numpy(np.int64))
            wsum[at], ssum[at], cmax[at] = g["w"].to_numpy(), g["s"].to_numpy(), g["c"].to_numpy()
        eu, ev = k // n, k % n
    else:
        eu = ev = np.empty(0, dtype=np.int64)
        wsum = ssum = cmax = np.empty(0)
    # igraph reads a list of int pairs about twice as fast as a numpy array; in chunks, to
    # bound the memory of the Python tuples
    graph = ig.Graph(n=n, directed=False)
    for lo_ in range(0, len(eu), _CHUNK):
        graph.add_edges(list(zip(eu[lo_:lo_ + _CHUNK].tolist(), ev[lo_:lo_ + _CHUNK].tolist())))
    if len(eu):
        graph.es["weight"] = wsum.tolist()
        graph.es["strength"] = ssum.tolist()
        graph.es["confidence"] = cmax.tolist()
        with np.errstate(divide="ignore"):
            graph.es["distance"] = np.where(ssum > 0, 1.0 / np.where(ssum > 0, ssum, 1.0),
                                            np.inf).tolist()
    K = Kernel(graph, np.asarray(uniques, dtype=object))
    K._edges = np.column_stack([eu, ev]).astype(np.int64, copy=False).reshape(-1, 2)
    K.row_codes = (codes[nb:nb + m].astype(np.int64), codes[nb + m:].astype(np.int64))
    return K


#: Edges handed to igraph per call when a Kernel is built.
_CHUNK = 1 << 21


def _str_array(col):
    """Column `col` as an object array of str (no per-value conversion when already str)."""
    if isinstance(col.dtype, pd.StringDtype):
        return col.to_numpy(dtype=object)  # as astype(str) does: NaN stays NaN
    return col.astype(str).to_numpy(dtype=object)


def nx_from_kernel(K):
    """Return the networkx graph equivalent of a :class:`Kernel` (for small graphs and tests)."""
    G = nx.DiGraph() if K.is_directed() else nx.Graph()
    G.add_nodes_from(K.names.tolist())
    attrs = [a for a in K.graph.es.attributes() if a in _EDGE_ATTRS]
    names = K.names
    for e in K.graph.es:
        G.add_edge(names[e.source], names[e.target], **{a: e[a] for a in attrs})
    return G
