"""Centrality: who is well placed in the network.

Every function takes the graph first and returns a dict keyed by node id, with networkx's
keywords and conventions (``normalized``, ``weight``, ``k``, ``seed``). ``engine="auto"``
runs networkx on small graphs and igraph (through :mod:`netanalysis.analyze._kernels`) on
large ones or when `G` is a :class:`~netanalysis.analyze._kernels.Kernel`; results are
rescaled so that both engines agree within floating-point tolerance.

The ``*_array`` helpers at the bottom return numpy arrays aligned with a Kernel's vertex
indices: the ranking fast path uses them to avoid dicts of a million entries.
"""

from __future__ import annotations

import random
import warnings

import igraph
import networkx as nx
import numpy as np

from netanalysis.analyze._kernels import Kernel, kernel_engine, to_kernel, use_igraph

__all__ = [
    "degree_centrality",
    "weighted_degree",
    "betweenness_centrality",
    "betweenness_sources",
    "closeness_centrality",
    "harmonic_centrality",
    "eigenvector_centrality",
    "pagerank",
    "core_number",
    "degree_array",
    "weighted_degree_array",
    "betweenness_array",
    "closeness_array",
    "harmonic_array",
    "eigenvector_array",
    "pagerank_array",
    "core_number_array",
]


def degree_centrality(G, *, engine="auto"):
    r"""Return the degree centrality of every node: its number of neighbours over ``n - 1``.

    .. math:: C_D(v) = \frac{\deg(v)}{n - 1}

    Parameters
    ----------
    G : networkx.Graph or Kernel
    engine : {"auto", "networkx", "igraph"}

    Returns
    -------
    dict
        Node id -> degree centrality (networkx's :func:`~networkx.degree_centrality`).

    See Also
    --------
    weighted_degree : the same, summing tie weights.
    core_number : the k-core a node belongs to.

    Notes
    -----
    O(n). Parallel ties count once: the party graph is simple.

    References
    ----------
    .. [1] Freeman, L. C. (1978). Centrality in social networks: conceptual clarification.
       Social Networks 1(3), 215-239. doi:10.1016/0378-8733(78)90021-7

    Examples
    --------
    >>> import networkx as nx
    >>> degree_centrality(nx.star_graph(3))
    {0: 1.0, 1: 0.3333333333333333, 2: 0.3333333333333333, 3: 0.3333333333333333}
    """
    if not use_igraph(G, engine):
        return nx.degree_centrality(G)
    K = to_kernel(G)
    return K.to_dict(degree_array(K, normalized=True))


def weighted_degree(G, *, weight="weight", engine="auto"):
    r"""Return the weighted degree (strength) of every node: the sum of its tie weights.

    .. math:: s(v) = \sum_{u \in N(v)} w_{uv}

    Parameters
    ----------
    G : networkx.Graph or Kernel
    weight : str or None
        Edge attribute; None counts every tie as 1 (plain degree). On a party graph
        ``"weight"`` is the summed tie weight and ``"strength"`` the sum of weight x
        confidence.
    engine : {"auto", "networkx", "igraph"}

    Returns
    -------
    dict
        Node id -> strength.

    See Also
    --------
    degree_centrality : neighbour counts, normalised.
    pagerank : importance of the neighbours too.

    Notes
    -----
    O(m).

    References
    ----------
    .. [1] Barrat, A., Barthelemy, M., Pastor-Satorras, R., Vespignani, A. (2004). The
       architecture of complex weighted networks. PNAS 101(11), 3747-3752.
       doi:10.1073/pnas.0400087101

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b", {"weight": 2.0}), ("a", "c", {"weight": 0.5})])
    >>> weighted_degree(G)
    {'a': 2.5, 'b': 2.0, 'c': 0.5}
    """
    if not use_igraph(G, engine):
        return {v: float(d) for v, d in G.degree(weight=weight)}
    K = to_kernel(G)
    return K.to_dict(weighted_degree_array(K, weight=weight))


def betweenness_sources(G, k, seed=None):
    """Return the `k` source nodes sampled the way networkx samples them for `seed`.

    networkx draws ``random.Random(seed).sample(list(G), k)``; drawing the same positions
    here makes sampled betweenness identical on both engines.

    Parameters
    ----------
    G : networkx.Graph or Kernel
        The graph whose nodes are sampled (in node order).
    k : int
        Number of sources.
    seed : int, random.Random or None
        Seed of the draw, as networkx takes it.

    Returns
    -------
    list
        The `k` node ids drawn.

    See Also
    --------
    betweenness_centrality : sampled betweenness from these sources.

    Examples
    --------
    >>> import networkx as nx
    >>> betweenness_sources(nx.path_graph(10), 3, seed=1)
    [2, 1, 4]
    """
    names = list(G.names) if isinstance(G, Kernel) else list(G.nodes())
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    return rng.sample(names, k)


def betweenness_centrality(G, k=None, normalized=True, weight=None, endpoints=False, seed=None,
                           *, engine="auto"):
    r"""Return the shortest-path betweenness of every node, exact or sampled from `k` sources.

    .. math:: c_B(v) = \sum_{s \ne v \ne t} \frac{\sigma(s, t \mid v)}{\sigma(s, t)}

    where :math:`\sigma(s, t)` is the number of shortest s-t paths and
    :math:`\sigma(s, t \mid v)` those through `v`.

    Parameters
    ----------
    G : networkx.Graph or Kernel
    k : int, optional
        Estimate from `k` sampled source nodes (Brandes-Pich). None: exact. ``k >= n``
        is exact.
    normalized : bool
        networkx's convention: divide by the number of (s, t) pairs, ``(n-1)(n-2)`` for
        directed graphs and ``(n-1)(n-2)/2`` for undirected ones, with networkx 3.6's
        correction for sampled sources.
    weight : str, optional
        Edge attribute used as a length (a *distance*, e.g. ``"distance"`` = 1/strength on
        a party graph). None: hop counts.
    endpoints : bool
        Count the endpoints of paths (networkx engine only).
    seed : int or random.Random, optional
        Seed of the source sample; the same seed samples the same sources on networkx and
        igraph. networkit samples its own sources from the seed (reproducible, but another
        sample: the values agree with the others' within sampling error, see Notes).
    engine : {"auto", "networkx", "igraph", "networkit"}
        ``"auto"``: networkx up to ``AUTO_IGRAPH_NODES`` nodes, then the library
        ``FASTEST`` names for this measure (:func:`kernel_engine`).

    Returns
    -------
    dict
        Node id -> betweenness.

    See Also
    --------
    betweenness_sources : the sources a seed samples.
    closeness_centrality, harmonic_centrality : distance-based centralities.

    Notes
    -----
    Brandes' algorithm: O(nm) unweighted, O(nm + n^2 log n) weighted; sampled, O(km).
    On igraph the sampled estimate runs igraph's source-subset betweenness once (it counts
    each unordered pair once, so it is doubled to networkx's ordered count) and is then
    rescaled with networkx's factors. Report the sample size with the figures. On networkit
    the exact count runs in parallel (Brandes) and the sampled one is networkit's
    ``EstimateBetweenness`` (Sanders, Geisberger and Schultes' pivot estimate, seeded by
    `seed`), normalised like networkx's.

    References
    ----------
    .. [1] Freeman, L. C. (1977). A set of measures of centrality based on betweenness.
       Sociometry 40(1), 35-41. doi:10.2307/3033543
    .. [2] Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of
       Mathematical Sociology 25(2), 163-177. doi:10.1080/0022250X.2001.9990249
    .. [3] Brandes, U., Pich, C. (2007). Centrality estimation in large networks.
       International Journal of Bifurcation and Chaos 17(7), 2303-2318.
       doi:10.1142/S0218127407018403

    Examples
    --------
    >>> import networkx as nx
    >>> betweenness_centrality(nx.path_graph(["a", "b", "c"]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    >>> bc = betweenness_centrality(nx.path_graph(["a", "b", "c"]), engine="igraph")
    >>> bc == {'a': 0.0, 'b': 1.0, 'c': 0.0}
    True
    """
    n = G.number_of_nodes()
    if k is not None and k >= n:
        k = None
    if endpoints or not use_igraph(G, engine):
        if isinstance(G, Kernel):
            raise ValueError("endpoints=True needs a networkx graph")
        return nx.betweenness_centrality(G, k=k, normalized=normalized, weight=weight,
                                         endpoints=endpoints, seed=seed)
    K = to_kernel(G)
    vals, _ = betweenness_array(K, k=k, normalized=normalized, weight=weight, seed=seed,
                                engine=engine)
    return K.to_dict(vals)


def closeness_centrality(G, distance=None, wf_improved=True, *, engine="auto"):
    r"""Return the closeness of every node (Wasserman-Faust form for disconnected graphs).

    .. math:: C(u) = \frac{r(u) - 1}{n - 1} \cdot \frac{r(u) - 1}{\sum_{v} d(u, v)}

    where :math:`r(u)` is the number of nodes reachable from `u` (itself included) and the
    sum runs over them. With ``wf_improved=False`` the first factor is dropped.

    Parameters
    ----------
    G : networkx.Graph or Kernel
        Undirected for the igraph engine.
    distance : str, optional
        Edge attribute used as a length; None: hop counts.
    wf_improved : bool
    engine : {"auto", "networkx", "igraph", "networkit"}
        ``"auto"``: networkx up to ``AUTO_IGRAPH_NODES`` nodes, then the library
        ``FASTEST`` names for this measure (:func:`kernel_engine`).

    Returns
    -------
    dict
        Node id -> closeness (0 for an isolated node).

    See Also
    --------
    harmonic_centrality : the same idea, defined on disconnected graphs.
    betweenness_centrality : brokerage along shortest paths.

    Notes
    -----
    One BFS (or Dijkstra) per node: O(nm). Too slow for whole large cases; the ranking
    step computes it only up to ``rank.closeness_max_nodes`` nodes.

    References
    ----------
    .. [1] Freeman, L. C. (1978). Centrality in social networks: conceptual clarification.
       Social Networks 1(3), 215-239. doi:10.1016/0378-8733(78)90021-7
    .. [2] Wasserman, S., Faust, K. (1994). Social Network Analysis. Cambridge University
       Press. doi:10.1017/CBO9780511815478

    Examples
    --------
    >>> import networkx as nx
    >>> closeness_centrality(nx.path_graph(["a", "b", "c"]))
    {'a': 0.6666666666666666, 'b': 1.0, 'c': 0.6666666666666666}
    """
    if G.is_directed() or not use_igraph(G, engine):
        if isinstance(G, Kernel):
            raise ValueError("closeness on a directed Kernel is not supported; use networkx")
        return nx.closeness_centrality(G, distance=distance, wf_improved=wf_improved)
    K = to_kernel(G)
    return K.to_dict(closeness_array(K, distance=distance, wf_improved=wf_improved,
                                     engine=engine))


def harmonic_centrality(G, distance=None, *, engine="auto"):
    r"""Return the harmonic centrality of every node: the sum of inverse distances.

    .. math:: H(u) = \sum_{v \ne u} \frac{1}{d(u, v)}, \qquad 1/\infty = 0

    Parameters
    ----------
    G : networkx.Graph or Kernel
    distance : str, optional
        Edge attribute used as a length; None: hop counts.
    engine : {"auto", "networkx", "igraph"}

    Returns
    -------
    dict
        Node id -> harmonic centrality (not normalised, as in networkx).

    See Also
    --------
    closeness_centrality : inverse of the mean distance.
    betweenness_centrality

    Notes
    -----
    O(nm); well defined on disconnected graphs, unlike closeness.

    References
    ----------
    .. [1] Marchiori, M., Latora, V. (2000). Harmony in the small-world. Physica A 285,
       539-546. doi:10.1016/S0378-4371(00)00311-3
    .. [2] Boldi, P., Vigna, S. (2014). Axioms for centrality. Internet Mathematics 10,
       222-262. doi:10.1080/15427951.2013.865686

    Examples
    --------
    >>> import networkx as nx
    >>> sorted(harmonic_centrality(nx.path_graph(["a", "b", "c"])).items())
    [('a', 1.5), ('b', 2.0), ('c', 1.5)]
    """
    if not use_igraph(G, engine):
        return nx.harmonic_centrality(G, distance=distance)
    K = to_kernel(G)
    return K.to_dict(harmonic_array(K, distance=distance))


def eigenvector_centrality(G, weight=None, *, max_iter=100, tol=1e-06, engine="auto"):
    r"""Return the eigenvector centrality of every node (unit Euclidean norm, as networkx).

    .. math:: \lambda x_v = \sum_{u} a_{vu} x_u

    Parameters
    ----------
    G : networkx.Graph or Kernel
    weight : str, optional
        Edge attribute used as tie strength; None: every tie 1.
    max_iter, tol : networkx power-iteration settings (networkx engine).
    engine : {"auto", "networkx", "igraph"}

    Returns
    -------
    dict
        Node id -> centrality; the vector has Euclidean norm 1.

    See Also
    --------
    pagerank : a damped variant that also suits directed graphs.
    degree_centrality

    Notes
    -----
    Power iteration (networkx) or ARPACK (igraph), O(m) per iteration. On a disconnected
    graph the leading eigenvector lives on the component with the largest eigenvalue;
    nodes elsewhere get (near) zero, so compare it within one component.

    References
    ----------
    .. [1] Bonacich, P. (1987). Power and centrality: a family of measures. American
       Journal of Sociology 92(5), 1170-1182. doi:10.1086/228631

    Examples
    --------
    >>> import networkx as nx
    >>> ec = eigenvector_centrality(nx.star_graph(2))
    >>> {v: round(x, 4) for v, x in ec.items()}
    {0: 0.7071, 1: 0.5, 2: 0.5}
    """
    if not use_igraph(G, engine):
        return nx.eigenvector_centrality(G, max_iter=max_iter, tol=tol, weight=weight)
    K = to_kernel(G)
    return K.to_dict(eigenvector_array(K, weight=weight))


def pagerank(G, alpha=0.85, weight="weight", *, engine="auto"):
    r"""Return the PageRank of every node.

    .. math:: PR(v) = \frac{1 - \alpha}{n} + \alpha \sum_{u \to v} \frac{w_{uv}}{s(u)} PR(u)

    with the mass of nodes without ties spread uniformly (networkx's default).

    Parameters
    ----------
    G : networkx.Graph or Kernel
    alpha : float
        Damping factor.
    weight : str or None
        Edge attribute used as tie strength.
    engine : {"auto", "networkx", "igraph", "networkit"}
        ``"auto"``: networkx up to ``AUTO_IGRAPH_NODES`` nodes, then the library
        ``FASTEST`` names for this measure (:func:`kernel_engine`).

    Returns
    -------
    dict
        Node id -> PageRank; the values sum to 1.

    See Also
    --------
    eigenvector_centrality : the undamped variant.
    weighted_degree

    Notes
    -----
    networkx: power iteration, O(m) per iteration; igraph: PRPACK (direct solve).

    References
    ----------
    .. [1] Brin, S., Page, L. (1998). The anatomy of a large-scale hypertextual Web search
       engine. Computer Networks and ISDN Systems 30, 107-117.
       doi:10.1016/S0169-7552(98)00110-X

    Examples
    --------
    >>> import networkx as nx
    >>> pr = pagerank(nx.star_graph(2))
    >>> {v: round(x, 3) for v, x in pr.items()}
    {0: 0.486, 1: 0.257, 2: 0.257}
    """
    if not use_igraph(G, engine):
        return nx.pagerank(G, alpha=alpha, weight=weight)
    K = to_kernel(G)
    return K.to_dict(pagerank_array(K, alpha=alpha, weight=weight, engine=engine))


def core_number(G, *, engine="auto"):
    r"""Return the core number of every node: the largest k of a k-core containing it.

    A k-core is a maximal subgraph in which every node has at least k neighbours.

    Parameters
    ----------
    G : networkx.Graph or Kernel
    engine : {"auto", "networkx", "igraph"}

    Returns
    -------
    dict
        Node id -> core number.

    See Also
    --------
    degree_centrality : local connectedness.
    eigenvector_centrality

    Notes
    -----
    Batagelj-Zaversnik bucket algorithm, O(m).

    References
    ----------
    .. [1] Seidman, S. B. (1983). Network structure and minimum degree. Social Networks
       5(3), 269-287. doi:10.1016/0378-8733(83)90028-X
    .. [2] Batagelj, V., Zaversnik, M. (2011). Fast algorithms for determining (generalized)
       core groups in social networks. Advances in Data Analysis and Classification 5,
       129-145. doi:10.1007/s11634-010-0079-y

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.complete_graph(["a", "b", "c"])
    >>> G.add_edge("c", "d")
    >>> core_number(G)
    {'a': 2, 'b': 2, 'c': 2, 'd': 1}
    """
    if not use_igraph(G, engine):
        return nx.core_number(G)
    K = to_kernel(G)
    return K.to_dict(core_number_array(K))


# ---------------------------------------------------------------- array kernels (igraph)

def degree_array(K, normalized=False):
    """Degrees aligned with the vertex indices of Kernel `K`.

    Parameters
    ----------
    K : Kernel
        The party graph kernel (:func:`netanalysis.analyze._kernels.to_kernel`).
    normalized : bool
        Divide by n - 1 (degree centrality).

    Returns
    -------
    numpy.ndarray
        One value per vertex index of `K` (``K.names`` gives the node ids).

    See Also
    --------
    degree_centrality : the same, keyed by node id.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> K = to_kernel(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 1.0})]))
    >>> degree_array(K).tolist()
    [1.0, 2.0, 1.0]
    """
    d = np.asarray(K.graph.degree(), dtype=float)
    n = K.graph.vcount()
    if normalized:
        return d / (n - 1) if n > 1 else np.ones(n)
    return d


def weighted_degree_array(K, weight="weight"):
    """Strengths (sums of tie weights) aligned with the vertex indices of Kernel `K`.

    Parameters
    ----------
    K : Kernel
    weight : str or None
        Edge attribute of tie strength; None counts ties.

    Returns
    -------
    numpy.ndarray
        One value per vertex index of `K` (``K.names`` gives the node ids).

    See Also
    --------
    weighted_degree : the same, keyed by node id.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> K = to_kernel(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 1.0})]))
    >>> weighted_degree_array(K).tolist()
    [2.0, 3.0, 1.0]
    """
    return np.asarray(K.graph.strength(weights=K.weight_arg(weight)), dtype=float)


def betweenness_array(K, k=None, normalized=True, weight=None, seed=None, engine="auto"):
    """Betweenness aligned with the vertex indices of Kernel `K`, exact or sampled from `k` sources.

    Parameters
    ----------
    K : Kernel
    k : int, optional
        Sample this many sources (seeded as :func:`betweenness_sources` draws them); None is exact.
    normalized : bool
        Scale as networkx does.
    weight : str, optional
        Edge attribute read as a distance.
    seed : int, optional
        Seed of the source sample.
    engine : {"auto", "igraph", "networkit"}
        Kernel library (:func:`~netanalysis.analyze._kernels.kernel_engine`).

    Returns
    -------
    values : numpy.ndarray
        One value per vertex index of `K` (``K.names`` gives the node ids).
    sources : list of int or None
        The vertex indices sampled as sources (None when exact, or sampled by networkit).

    See Also
    --------
    betweenness_centrality : the same, keyed by node id.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> K = to_kernel(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 1.0})]))
    >>> values, sources = betweenness_array(K)
    >>> values.tolist(), sources
    ([0.0, 1.0, 0.0], None)
    """
    g = K.graph
    n = g.vcount()
    directed = g.is_directed()
    w = K.weight_arg(weight)
    if k is not None and k >= n:
        k = None
    if n < 3:
        return np.zeros(n), None
    lib = kernel_engine(K, "betweenness" if k is None else "betweenness_sampled", engine)
    if lib == "networkit":
        return _nk_betweenness(K, k, normalized, weight, seed), None
    if k is None:
        raw = np.asarray(g.betweenness(directed=directed, weights=w), dtype=float)
        # igraph: each unordered pair once (undirected) or each ordered pair (directed)
        if normalized:
            factor = (2.0 if not directed else 1.0) / ((n - 1) * (n - 2))
        else:
            factor = 1.0
        return raw * factor, None
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    src = rng.sample(range(n), k)
    raw = np.asarray(g.betweenness(directed=directed, weights=w, sources=src), dtype=float)
    if not directed:
        raw *= 2.0  # igraph's subset count is half networkx's ordered (s, t) count
    N = n - 1
    if normalized:
        s_src = 1.0 / ((k - 1) * (N - 1)) if k > 1 else np.nan
        s_non = 1.0 / (k * (N - 1))
    else:
        corr = 1.0 if directed else 2.0
        s_src = N / ((k - 1) * corr) if k > 1 else np.nan
        s_non = N / (k * corr)
    scale = np.full(n, s_non)
    scale[src] = s_src
    return raw * scale, src


def closeness_array(K, distance=None, wf_improved=True, engine="auto"):
    """Closeness aligned with the vertex indices of Kernel `K`.

    Parameters
    ----------
    K : Kernel
    distance : str, optional
        Edge attribute read as a distance.
    wf_improved : bool
        Scale by the reachable fraction (Wasserman-Faust), as networkx does.
    engine : {"auto", "igraph", "networkit"}
        Kernel library (:func:`~netanalysis.analyze._kernels.kernel_engine`); networkit's
        closeness is used for hop counts only (``distance=None``).

    Returns
    -------
    numpy.ndarray
        One value per vertex index of `K` (``K.names`` gives the node ids).

    See Also
    --------
    closeness_centrality : the same, keyed by node id.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> K = to_kernel(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 1.0})]))
    >>> closeness_array(K).round(3).tolist()
    [0.667, 1.0, 0.667]
    """
    g = K.graph
    n = g.vcount()
    if n == 0:
        return np.zeros(0)
    if distance is None and wf_improved and kernel_engine(K, "closeness", engine) == "networkit":
        import networkit as nk

        # networkit's generalized closeness is the Wasserman-Faust form networkx computes
        cl = nk.centrality.Closeness(K.networkit_graph(None), True,
                                     nk.centrality.ClosenessVariant.GENERALIZED)
        cl.run()
        return np.asarray(cl.scores(), dtype=float)
    c = np.asarray(g.closeness(weights=K.weight_arg(distance), normalized=True), dtype=float)
    c = np.nan_to_num(c, nan=0.0)
    if wf_improved and n > 1:
        memb = np.asarray(g.connected_components().membership)
        sizes = np.bincount(memb)
        r = sizes[memb].astype(float)
        c = c * (r - 1) / (n - 1)
    return c


def harmonic_array(K, distance=None):
    """Harmonic centrality aligned with the vertex indices of Kernel `K`.

    Parameters
    ----------
    K : Kernel
    distance : str, optional
        Edge attribute read as a distance.

    Returns
    -------
    numpy.ndarray
        One value per vertex index of `K` (``K.names`` gives the node ids).

    See Also
    --------
    harmonic_centrality : the same, keyed by node id.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> K = to_kernel(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 1.0})]))
    >>> harmonic_array(K).tolist()
    [1.5, 2.0, 1.5]
    """
    return np.asarray(K.graph.harmonic_centrality(weights=K.weight_arg(distance), normalized=False),
                      dtype=float)


def eigenvector_array(K, weight=None, engine="auto"):
    """Eigenvector centrality aligned with the vertex indices of Kernel `K` (unit Euclidean norm).

    Parameters
    ----------
    K : Kernel
    weight : str, optional
        Edge attribute of tie strength.
    engine : {"auto", "igraph", "networkit"}
        Kernel library (:func:`~netanalysis.analyze._kernels.kernel_engine`): igraph's ARPACK
        (Lanczos) or networkit's parallel power iteration (to a change of 1e-9 per step;
        on a bipartite component, whose leading eigenvalues are ``+l`` and ``-l``, power
        iteration does not settle, so its values there can differ).

    Returns
    -------
    numpy.ndarray
        One value per vertex index of `K` (``K.names`` gives the node ids).

    See Also
    --------
    eigenvector_centrality : the same, keyed by node id.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> K = to_kernel(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 1.0})]))
    >>> eigenvector_array(K).round(3).tolist()
    [0.5, 0.707, 0.5]
    """
    g = K.graph
    if g.ecount() == 0:
        n = g.vcount()
        return np.full(n, 1.0 / np.sqrt(n)) if n else np.zeros(0)
    if kernel_engine(K, "eigenvector", engine) == "networkit":
        import networkit as nk

        ev = nk.centrality.EigenvectorCentrality(K.networkit_graph(weight), tol=1e-9)
        ev.run()
        x = np.abs(np.asarray(ev.scores(), dtype=float))
        norm = np.linalg.norm(x)
        return x / norm if norm > 0 else x
    # ARPACK's start vector comes from igraph's RNG (Python's `random`, seeded differently in
    # every process): a private seeded one makes the values the same in every run
    igraph.set_random_number_generator(random.Random(0))
    try:
        with warnings.catch_warnings():
            # igraph warns on disconnected graphs; the docstring says what the values mean there
            warnings.simplefilter("ignore", RuntimeWarning)
            x = np.asarray(g.eigenvector_centrality(scale=True, weights=K.weight_arg(weight)),
                           dtype=float)
    finally:
        igraph.set_random_number_generator(random)
    x = np.abs(x)
    norm = np.linalg.norm(x)
    return x / norm if norm > 0 else x


def pagerank_array(K, alpha=0.85, weight="weight", engine="auto"):
    """PageRank aligned with the vertex indices of Kernel `K` (sums to 1).

    Parameters
    ----------
    K : Kernel
    alpha : float
        Damping factor.
    weight : str or None
        Edge attribute of tie strength.
    engine : {"auto", "igraph", "networkit"}
        Kernel library (:func:`~netanalysis.analyze._kernels.kernel_engine`): igraph's PRPACK
        (direct solve) or networkit's parallel power iteration (to a residual of 1e-12).

    Returns
    -------
    numpy.ndarray
        One value per vertex index of `K` (``K.names`` gives the node ids).

    See Also
    --------
    pagerank : the same, keyed by node id.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> K = to_kernel(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 1.0})]))
    >>> round(float(pagerank_array(K).sum()), 6)
    1.0
    """
    g = K.graph
    if g.vcount() == 0:
        return np.zeros(0)
    if kernel_engine(K, "pagerank", engine) == "networkit":
        import networkit as nk

        # the mass of tie-less nodes leaks in networkit; spread evenly, as networkx does, it
        # gives the same vector once rescaled to sum 1
        pr_ = nk.centrality.PageRank(K.networkit_graph(weight), damp=alpha, tol=1e-12)
        pr_.run()
        pr = np.asarray(pr_.scores(), dtype=float)
        return pr / pr.sum()
    from threadpoolctl import threadpool_limits

    # igraph's PRPACK sums in OpenMP threads in the order they finish: on one thread the
    # vector is the same in every run (otherwise it varies in the last digits)
    with threadpool_limits(1, user_api="openmp"):
        pr = np.asarray(g.pagerank(damping=alpha, weights=K.weight_arg(weight),
                                   directed=g.is_directed()), dtype=float)
    return pr / pr.sum()


def core_number_array(K, engine="auto"):
    """Core numbers aligned with the vertex indices of Kernel `K`.

    Parameters
    ----------
    K : Kernel
    engine : {"auto", "igraph", "networkit"}
        Kernel library (:func:`~netanalysis.analyze._kernels.kernel_engine`); both give the
        same integers.

    Returns
    -------
    numpy.ndarray
        One value per vertex index of `K` (``K.names`` gives the node ids).

    See Also
    --------
    core_number : the same, keyed by node id.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> K = to_kernel(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 1.0})]))
    >>> core_number_array(K).tolist()
    [1, 1, 1]
    """
    if K.graph.vcount() and kernel_engine(K, "core_number", engine) == "networkit":
        import networkit as nk

        cd = nk.centrality.CoreDecomposition(K.networkit_graph(None))
        cd.run()
        return np.asarray(cd.scores(), dtype=float).round().astype(np.int64)
    return np.asarray(K.graph.coreness(), dtype=np.int64)


def _nk_betweenness(K, k, normalized, weight, seed):
    """Betweenness of Kernel `K` on networkit, scaled as :func:`betweenness_array` scales it."""
    import networkit as nk

    n = K.graph.vcount()
    g = K.networkit_graph(weight)
    if k is None:
        b = nk.centrality.Betweenness(g, normalized=False)
    else:
        s = seed.randrange(1 << 62) if isinstance(seed, random.Random) else int(seed or 0)
        nk.setSeed(s, False)
        b = nk.centrality.EstimateBetweenness(g, int(k), False, True)
    b.run()
    raw = np.asarray(b.scores(), dtype=float)  # ordered (s, t) pairs, as networkx counts
    if normalized:
        return raw / ((n - 1) * (n - 2))
    return raw / 2.0  # networkx: each unordered pair once on an undirected graph
