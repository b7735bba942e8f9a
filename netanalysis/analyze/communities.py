"""Communities: the groups people form, with stable numbering and modularity.

:func:`leiden_communities` returns a list of sets of node ids, largest first, like
networkx's ``louvain_communities``; :func:`group_membership` turns it into group numbers
(1 = the largest group; ties broken by the smallest member id), so the same partition gets
the same numbers on every run, and analysts can quote "group 3" across reports.
"""

from __future__ import annotations

import heapq
import math
import random

import igraph as ig
import networkx as nx
import numpy as np

from netanalysis.analyze._kernels import kernel_engine, to_kernel

__all__ = [
    "leiden_communities",
    "component_array",
    "louvain_communities",
    "group_membership",
    "modularity",
    "membership_array",
    "renumber",
    "partition_modularity",
    "merge_group_splits",
    "circle_membership",
    "support_circle",
    "circle_resolution",
    "split_significance",
    "merge_insignificant_splits",
]


def leiden_communities(G, *, resolution=1.0, weight="weight", seed=0, n_iterations=-1,
                       method="leiden"):
    r"""Return the communities of `G` found by Leiden (or Louvain), largest first.

    Optimises the Reichardt-Bornholdt configuration-model quality (modularity with a
    resolution parameter :math:`\gamma`):

    .. math:: Q = \frac{1}{2m} \sum_{ij} \Big(A_{ij} - \gamma \frac{k_i k_j}{2m}\Big)
              \delta(c_i, c_j)

    Parameters
    ----------
    G : networkx.Graph or Kernel
        Undirected.
    resolution : float
        :math:`\gamma`; above 1 gives more, smaller groups.
    weight : str or None
        Edge attribute used as tie strength.
    seed : int
        Seed of the random node order; the same seed gives the same partition.
    n_iterations : int
        Leiden iterations; negative runs until the partition no longer changes.
    method : {"leiden", "leidenalg", "louvain"}
        ``"leiden"``: igraph's C implementation of Leiden (modularity objective, the
        fastest); ``"leidenalg"``: the ``leidenalg`` package (RBConfiguration partition);
        ``"louvain"``: networkx's Louvain.

    Returns
    -------
    list of set
        Sorted by decreasing size, then by smallest member id (as text).

    See Also
    --------
    louvain_communities : the older method Leiden improves on.
    modularity : quality of a partition.

    Notes
    -----
    Leiden guarantees connected communities and runs in about O(m) per iteration. Isolated
    nodes form groups of their own.

    References
    ----------
    .. [1] Traag, V. A., Waltman, L., van Eck, N. J. (2019). From Louvain to Leiden:
       guaranteeing well-connected communities. Scientific Reports 9, 5233.
       doi:10.1038/s41598-019-41695-z
    .. [2] Blondel, V. D., Guillaume, J.-L., Lambiotte, R., Lefebvre, E. (2008). Fast
       unfolding of communities in large networks. J. Stat. Mech. P10008.
       doi:10.1088/1742-5468/2008/10/P10008
    .. [3] Reichardt, J., Bornholdt, S. (2006). Statistical mechanics of community
       detection. Physical Review E 74, 016110. doi:10.1103/PhysRevE.74.016110

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.barbell_graph(4, 0)
    >>> [sorted(c) for c in leiden_communities(G, seed=1)]
    [[0, 1, 2, 3], [4, 5, 6, 7]]
    """
    if method not in ("leiden", "leidenalg", "louvain"):
        raise ValueError(f"unknown method {method!r}: use 'leiden', 'leidenalg' or 'louvain'")
    K = to_kernel(G)
    memb = membership_array(K, resolution=resolution, weight=weight, seed=seed,
                            n_iterations=n_iterations, method=method)
    return _sets(K, memb)


def louvain_communities(G, *, resolution=1.0, weight="weight", seed=0):
    """Return Louvain communities (networkx), largest first; see :func:`leiden_communities`.

    References
    ----------
    .. [1] Blondel, V. D. et al. (2008). Fast unfolding of communities in large networks.
       J. Stat. Mech. P10008. doi:10.1088/1742-5468/2008/10/P10008

    Parameters
    ----------
    G : networkx.Graph
        The graph (directions ignored).
    resolution : float, default 1.0
        Modularity resolution; higher gives smaller groups.
    weight : str or None, default "weight"
        Edge attribute of tie weights; None counts every tie as 1.
    seed : int, default 0
        Seed of the algorithm.

    Returns
    -------
    list of set
        The communities, largest first, ties broken by the smallest member.

    See Also
    --------
    leiden_communities : the default algorithm, of which this is ``method="louvain"``.
    group_membership : numbers the communities.

    Examples
    --------
    >>> import networkx as nx
    >>> [sorted(c) for c in louvain_communities(nx.barbell_graph(4, 0), seed=1)]
    [[0, 1, 2, 3], [4, 5, 6, 7]]
    """
    return leiden_communities(G, resolution=resolution, weight=weight, seed=seed,
                              method="louvain")


def group_membership(communities):
    """Return ``{node id: group number}``, numbering the groups 1, 2, ... in list order.

    Pass the output of :func:`leiden_communities` (already sorted by size then smallest
    member), so numbering is stable between runs that find the same partition.

    Parameters
    ----------
    communities : list of set
        Communities in the order they are numbered.

    Returns
    -------
    dict
        Node id to group number (1 for the first community).

    See Also
    --------
    leiden_communities : the communities usually passed.
    renumber : the same numbering from raw labels.

    Examples
    --------
    >>> group_membership([{"c", "d", "e"}, {"a", "b"}])
    {'c': 1, 'd': 1, 'e': 1, 'a': 2, 'b': 2}
    """
    out = {}
    for i, comm in enumerate(communities, start=1):
        for v in sorted(comm, key=str):
            out[v] = i
    return out


def modularity(G, communities, *, weight="weight", resolution=1.0):
    r"""Return the modularity of a partition of `G` (networkx's definition).

    .. math:: Q = \frac{1}{2m} \sum_{ij} \Big(A_{ij} - \gamma \frac{k_i k_j}{2m}\Big)
              \delta(c_i, c_j)

    Parameters
    ----------
    G : networkx.Graph or Kernel
    communities : list of set, or dict node -> group
    weight : str or None
    resolution : float

    Returns
    -------
    float
        NaN for a graph without ties.

    See Also
    --------
    leiden_communities : find a partition of high modularity.
    partition_modularity : the same on a kernel.

    References
    ----------
    .. [1] Newman, M. E. J., Girvan, M. (2004). Finding and evaluating community structure
       in networks. Physical Review E 69, 026113. doi:10.1103/PhysRevE.69.026113

    Examples
    --------
    >>> import networkx as nx
    >>> round(modularity(nx.barbell_graph(4, 0), [set(range(4)), set(range(4, 8))]), 4)
    0.4231
    """
    K = to_kernel(G)
    if isinstance(communities, dict):
        memb_of = communities
    else:
        memb_of = group_membership(communities)
    memb = np.asarray([memb_of[v] for v in K.names.tolist()], dtype=np.int64)
    return partition_modularity(K, memb, weight, resolution)


def membership_array(K, *, resolution=1.0, weight="weight", seed=0, n_iterations=-1,
                     method="leiden", engine="auto"):
    """Group numbers (1 = largest) aligned with the vertex indices of Kernel `K`.

    Parameters
    ----------
    K : Kernel
        The graph, as ``netanalysis.analyze._kernels.to_kernel`` builds it.
    resolution : float, default 1.0
        Modularity resolution.
    weight : str or None, default "weight"
        Edge attribute of tie weights; None counts every tie as 1.
    seed : int, default 0
        Seed of the algorithm.
    n_iterations : int, default -1
        Leiden iterations; negative runs until the partition is stable.
    method : {"leiden", "leidenalg", "louvain"}, default "leiden"
        igraph's Leiden, the ``leidenalg`` package, or networkx's Louvain.
    engine : {"auto", "igraph", "networkit"}, default "auto"
        For ``method="leiden"``: igraph's Leiden or networkit's ``ParallelLeiden``
        (:func:`~netanalysis.analyze._kernels.kernel_engine` picks). networkit runs on one
        thread, the only way its result is reproducible from `seed`; ``n_iterations`` < 1
        runs its default of 3 rounds.

    Returns
    -------
    numpy.ndarray of int64
        Group number of each vertex of `K`, numbered by :func:`renumber`.

    See Also
    --------
    leiden_communities : the same partition as sets of node ids.
    renumber : the numbering used.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import kernel_engine, to_kernel
    >>> membership_array(to_kernel(nx.barbell_graph(4, 0))).tolist()
    [1, 1, 1, 1, 2, 2, 2, 2]
    """
    g = K.graph
    n = g.vcount()
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    w = K.weight_arg(weight)  # the attribute's name: igraph reads it without a copy
    raw = None
    if method == "leiden" and kernel_engine(K, "leiden", engine) == "networkit":
        raw = _nk_leiden(K, resolution, weight, seed, n_iterations)
    elif method == "leiden":
        # igraph's C implementation of Leiden (Traag's), run with a private seeded RNG
        rng = random.Random(int(seed or 0))
        ig.set_random_number_generator(rng)
        try:
            part = g.community_leiden(objective_function="modularity", weights=w,
                                      resolution=resolution, n_iterations=n_iterations)
        finally:
            ig.set_random_number_generator(random)
        raw = np.asarray(part.membership, dtype=np.int64)
    elif method == "leidenalg":
        import leidenalg

        part = leidenalg.find_partition(
            g, leidenalg.RBConfigurationVertexPartition, weights=w,
            resolution_parameter=resolution, seed=int(seed or 0), n_iterations=n_iterations)
        raw = np.asarray(part.membership, dtype=np.int64)
    if raw is None:
        G = nx.Graph()
        G.add_nodes_from(range(n))
        el = g.get_edgelist()
        w = K.weights(weight)
        if w is None:
            G.add_edges_from(el)
            wkey = None
        else:
            G.add_weighted_edges_from((u, v, x) for (u, v), x in zip(el, w))
            wkey = "weight"
        comms = nx.community.louvain_communities(G, weight=wkey, resolution=resolution,
                                                 seed=seed)
        raw = np.empty(n, dtype=np.int64)
        for i, c in enumerate(comms):
            raw[list(c)] = i
    return renumber(K.names, raw)


def component_array(K, *, engine="auto"):
    """Connected-component numbers (1 = largest) aligned with the vertex indices of Kernel `K`.

    Parameters
    ----------
    K : Kernel
        An undirected graph (a directed one gives its weakly connected components).
    engine : {"auto", "igraph", "networkit"}, default "auto"
        Kernel library (:func:`~netanalysis.analyze._kernels.kernel_engine`).

    Returns
    -------
    numpy.ndarray of int64
        Component number of each vertex, numbered by :func:`renumber` (largest first, ties
        by smallest node id), so both engines number alike.

    See Also
    --------
    membership_array : communities instead of components.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> G = nx.Graph([("a", "b"), ("c", "d"), ("d", "e")])
    >>> component_array(to_kernel(G)).tolist()
    [2, 2, 1, 1, 1]
    """
    n = K.graph.vcount()
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if kernel_engine(K, "components", engine) == "networkit":
        import networkit as nk

        cc = nk.components.ConnectedComponents(K.networkit_graph(None))
        cc.run()
        raw = np.asarray(cc.getPartition().getVector(), dtype=np.int64)
    else:
        raw = np.asarray(K.graph.connected_components(mode="weak").membership, dtype=np.int64)
    return renumber(K.names, raw)


def renumber(names, labels):
    """Return group numbers 1, 2, ... by decreasing size, ties broken by the smallest member id.

    One numbering for every grouping netanalysis reports (communities in process or from
    Neo4j, components), so that group 1 is always the largest and the numbers do not depend
    on the order an algorithm happened to produce.

    Parameters
    ----------
    names : sequence
        Member ids (compared as text), one per member.
    labels : sequence of int
        Raw group label of each member, aligned with `names`.

    Returns
    -------
    numpy.ndarray of int64
        The new group number of each member.

    See Also
    --------
    membership_array : communities of a kernel, numbered this way.

    Examples
    --------
    >>> renumber(["c", "a", "b", "d"], [7, 7, 3, 3]).tolist()
    [1, 1, 2, 2]
    """
    raw = np.asarray(labels)
    n = len(raw)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    labels_, inv = np.unique(raw, return_inverse=True)
    sizes = np.bincount(inv)
    names = [str(x) for x in (names.tolist() if hasattr(names, "tolist") else names)]
    if any(x.endswith("\x00") for x in names):  # fixed-width text would drop trailing NULs
        order_ids = np.argsort(np.asarray(names, dtype=object), kind="stable")
    else:  # fixed-width unicode sorts by code point, as str does, without Python compares
        order_ids = np.argsort(np.asarray(names, dtype=str), kind="stable")
    first = np.full(len(labels_), n, dtype=np.int64)
    # rank of the smallest member id of each group
    rank_of = np.empty(n, dtype=np.int64)
    rank_of[order_ids] = np.arange(n)
    np.minimum.at(first, inv, rank_of)
    order = np.lexsort((first, -sizes))
    newnum = np.empty(len(labels_), dtype=np.int64)
    newnum[order] = np.arange(1, len(labels_) + 1)
    return newnum[inv]


def support_circle(K, core):
    """Return the sorted vertex indices of `core` and their neighbours in `K`.

    Parameters
    ----------
    K : Kernel
        The graph.
    core : sequence of int
        Vertex indices of the core (fugitives).

    Returns
    -------
    numpy.ndarray of int64
        The core and its neighbours, sorted, without repeats.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import kernel_engine, to_kernel
    >>> K = to_kernel(nx.path_graph(5))
    >>> support_circle(K, [K.index[0]]).size
    2

    See Also
    --------
    circle_membership
    """
    core = np.unique(np.asarray(core, dtype=np.int64))
    if not len(core):
        return core
    return np.unique(np.concatenate([core] + [np.asarray(x, dtype=np.int64) for x in
                                              K.graph.neighborhood(core.tolist(), order=1)]))


def circle_resolution(n_ties, *, resolution=1.0, reference_ties=None):
    """Return the resolution for a circle of `n_ties` ties: `resolution`, times
    ``sqrt(n_ties / reference_ties)`` when the circle is larger than `reference_ties`.

    Modularity's resolution limit grows with the number of ties; scaling the resolution with
    the square root of the circle's size keeps the group size it resolves close to the one it
    resolves on a circle of `reference_ties` (chosen on synthetic cases, see the report).

    Parameters
    ----------
    n_ties : int
        Number of ties of the circle.
    resolution : float, default 1.0
        The resolution at the reference size.
    reference_ties : int, optional
        Size up to which `resolution` is used as it is; None never scales.

    Returns
    -------
    float

    Examples
    --------
    >>> circle_resolution(500, reference_ties=2000), circle_resolution(8000, reference_ties=2000)
    (1.0, 2.0)

    See Also
    --------
    circle_membership
    """
    if not reference_ties or n_ties <= reference_ties:
        return float(resolution)
    return float(resolution) * float(np.sqrt(n_ties / float(reference_ties)))


def circle_membership(K, core, membership, *, resolution=1.0, weight="weight", seed=0,
                      n_iterations=-1, objective="modularity", density=0.25, split_alpha=None):
    """Group numbers where the persons at `core` and their immediate circle are partitioned on
    their own subgraph, and everyone else keeps `membership`.

    Modularity has a resolution limit: in a graph of ``m`` ties it merges groups with fewer
    than about ``sqrt(2m)`` internal ties [1]_, so on a national background small logistics
    cells melt into large groups. Computed on the support ties and their immediate circle
    (the core and its neighbours), ``m`` is the size of that circle, not of the background.

    Parameters
    ----------
    K : Kernel
    core : array of int
        Vertex indices of the core (e.g. both ends of every support tie).
    membership : array of int
        The partition of the whole graph (:func:`membership_array`), kept outside the circle.
    resolution, weight, seed, n_iterations
        As in :func:`membership_array` (igraph's Leiden); `resolution` is used by the
        modularity objective only.
    objective : {"modularity", "surprise", "cpm"}, default "modularity"
        What Leiden optimises on the circle. ``"surprise"`` (the setting's default):
        asymptotical surprise [3]_ (``leidenalg.SurpriseVertexPartition``, weighted), the
        Kullback-Leibler divergence between the share of tie weight inside groups and the share
        of pairs inside groups. It has no parameter and no resolution limit in practice, so
        small cells stay apart however large the circle is (about ten times slower than
        igraph's modularity Leiden). ``"cpm"``: the constant Potts model [2]_ with resolution
        ``density`` x the median tie weight of the circle (igraph's C Leiden): a set stays one
        group when its tie weight per pair exceeds that; size-free too and fast, but it pairs
        each member with a private contact rather than keep a sparse cell whole.
        ``"modularity"``: with `resolution` (which the caller scales).
    density : float, default 0.25
        For ``"cpm"``: the share of a group's pairs tied (at the median weight) that keeps it
        together.
    split_alpha : float, optional
        When given, a split of the circle must be significant at this level: adjacent groups
        whose separation is not (:func:`merge_insignificant_splits`, the exact surprise of
        splitting their union in two) are merged back. None keeps the objective's partition
        as it is.

    Returns
    -------
    ndarray of int
        Group numbers 1.. (largest first), aligned with the vertices of `K`.

    Examples
    --------
    Two triangles of suppliers joined by one tie, inside a ring of 200 background persons that
    links to each:

    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import kernel_engine, to_kernel
    >>> G = nx.cycle_graph(200)
    >>> G.add_edges_from([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"),
    ...                   ("x", "z"), ("c", "x"), ("a", 0), ("x", 100)])
    >>> K = to_kernel(G)
    >>> core = [K.index[v] for v in "abcxyz"]
    >>> memb = circle_membership(K, core, membership_array(K))
    >>> m = dict(zip(K.names.tolist(), memb.tolist()))
    >>> m["a"] == m["b"] == m["c"], m["x"] == m["y"] == m["z"], m["a"] != m["x"]
    (True, True, True)

    A path of three persons is one circle: surprise alone splits it, but that split is not
    significant (its exact surprise p-value is 2/3), so with `split_alpha` it stays whole:

    >>> P = to_kernel(nx.path_graph(["F1", "S1", "X1"]))
    >>> alone = circle_membership(P, [0, 1, 2], np.ones(3), objective="surprise")
    >>> tested = circle_membership(P, [0, 1, 2], np.ones(3), objective="surprise",
    ...                            split_alpha=0.05)
    >>> len(set(alone.tolist())), len(set(tested.tolist()))
    (2, 1)

    References
    ----------
    .. [1] Fortunato, S., Barthelemy, M. (2007). Resolution limit in community detection.
       *PNAS* 104(1): 36-41. doi:10.1073/pnas.0605965104
    .. [2] Traag, V. A., Van Dooren, P., Nesterov, Y. (2011). Narrow scope for
       resolution-limit-free community detection. *Physical Review E* 84(1): 016114.
       doi:10.1103/PhysRevE.84.016114
    .. [3] Traag, V. A., Aldecoa, R., Delvenne, J.-C. (2015). Detecting communities using
       asymptotical surprise. *Physical Review E* 92(2): 022816.
       doi:10.1103/PhysRevE.92.022816

    See Also
    --------
    membership_array
    """
    if objective not in ("modularity", "cpm", "surprise"):
        raise ValueError(f"unknown objective {objective!r}: use 'modularity', 'cpm' or "
                         "'surprise'")
    g = K.graph
    n = g.vcount()
    memb = np.asarray(membership, dtype=np.int64)
    core = np.unique(np.asarray(core, dtype=np.int64))
    if n == 0 or not len(core):
        return memb.copy()
    circle = support_circle(K, core)
    sub = g.induced_subgraph(circle.tolist())
    w = K.weight_arg(weight)
    raw = memb + int(len(circle))           # outside the circle: the whole-graph groups
    if objective == "surprise":
        import leidenalg

        part = leidenalg.find_partition(sub, leidenalg.SurpriseVertexPartition, weights=w,
                                        seed=int(seed or 0), n_iterations=n_iterations)
        raw[circle] = _tested(sub, part.membership, split_alpha)
        return renumber(K.names, raw)
    objective_function = "modularity"
    if objective == "cpm":
        objective_function = "CPM"
        ws = np.asarray(sub.es[w], dtype=float) if w is not None else np.ones(sub.ecount())
        # igraph's CPM sums over ordered pairs (each tie twice): twice the density per pair
        resolution = 2.0 * float(density) * (float(np.median(ws)) if len(ws) else 1.0)
    rng = random.Random(int(seed or 0))
    ig.set_random_number_generator(rng)
    try:
        part = sub.community_leiden(objective_function=objective_function, weights=w,
                                    resolution=resolution, n_iterations=n_iterations)
    finally:
        ig.set_random_number_generator(random)
    raw[circle] = _tested(sub, part.membership, split_alpha)
    return renumber(K.names, raw)


def split_significance(size_a, size_b, ties_a, ties_b, ties_between):
    r"""Return the p-value of splitting the union of two groups into the two: the exact surprise
    of the split, P(at most `ties_between` of the union's ties fall between the two groups).

    If the union were one group, its ``n = ties_a + ties_b + ties_between`` ties would lie on
    ``n`` of its ``N = C(a + b, 2)`` pairs at random; the ties between the groups are then
    hypergeometric with ``a b`` of the ``N`` pairs between them:

    .. math:: p = P(X \le x), \quad X \sim \mathrm{Hypergeometric}(N, ab, n)

    This is the surprise of Arnau et al. [1]_ and Aldecoa and Marin [2]_ (the tail of the
    ties inside groups, which is the tail of the ties between them) for the two-group
    partition of the union. Ties are counted (a tied pair is one tie, whatever its strength).

    Parameters
    ----------
    size_a, size_b : int
        Members of each group.
    ties_a, ties_b : int
        Tied pairs inside each group.
    ties_between : int
        Tied pairs with one member in each group.

    Returns
    -------
    float
        The p-value, in [0, 1]; small when the groups have fewer ties between them than
        chance would put there.

    See Also
    --------
    merge_insignificant_splits : merges the groups whose split this does not support.

    References
    ----------
    .. [1] Arnau, V., Mars, S., Marin, I. (2005). Iterative cluster analysis of protein
       interaction data. *Bioinformatics* 21(3): 364-378. doi:10.1093/bioinformatics/bti021
    .. [2] Aldecoa, R., Marin, I. (2011). Deciphering network community structure by surprise.
       *PLoS ONE* 6(9): e24195. doi:10.1371/journal.pone.0024195

    Examples
    --------
    A path of three split into a tied pair and the third person: 2 of the 3 ways of placing
    two ties on three pairs put one between them, so the split has p = 2/3. Two triangles
    joined by one tie: only 9 of the C(15, 7) = 6,435 ways put at most one tie between them.

    >>> round(split_significance(2, 1, 1, 0, 1), 4), round(split_significance(3, 3, 3, 3, 1), 6)
    (0.6667, 0.001399)
    """
    a, b = int(size_a), int(size_b)
    x, n = int(ties_between), int(ties_a) + int(ties_b) + int(ties_between)
    pairs = (a + b) * (a + b - 1) // 2
    cross = a * b
    if (min(a, b, x, ties_a, ties_b) < 0 or x > cross or ties_a > a * (a - 1) // 2
            or ties_b > b * (b - 1) // 2):
        raise ValueError(f"impossible groups: sizes {a}, {b} cannot hold {ties_a}, {ties_b} "
                         f"ties inside and {x} between")
    return _hypergeom_cdf(x, pairs, cross, n)


def merge_insignificant_splits(G, membership, *, alpha=0.05):
    """Return `membership` with adjacent groups merged while their split is not significant.

    A community detection method always returns a partition, even of a graph without any
    group structure (a path of three persons, a star). This keeps a split only where the data
    support it: for every two groups tied to each other, :func:`split_significance` tests
    whether they have fewer ties between them than if they were one group; the pair with the
    largest p-value above `alpha` is merged, the merged group is tested against its
    neighbours again, until every remaining split has p <= `alpha`. Groups are never merged
    with groups they have no tie to.

    Parameters
    ----------
    G : networkx.Graph or Kernel
        Undirected; tied pairs are counted, weights are not used.
    membership : sequence of int
        Group label of each vertex (in `G`'s vertex order for a Kernel, node order for a
        networkx graph).
    alpha : float, default 0.05
        Level at which a split must be significant to stand.

    Returns
    -------
    numpy.ndarray of int64
        Group numbers 1.. (:func:`renumber`), aligned with `membership`.

    See Also
    --------
    split_significance : the test of one split.
    circle_membership : applies it to the support circle (``rank.communities.circle_split_alpha``).

    Notes
    -----
    The groups tested were chosen by an optimiser to be apart, so the p-value of a split
    Leiden found is optimistic (smaller than for a split fixed in advance): a split that fails
    the test is certainly not supported, one that passes is supported at about `alpha` or
    weaker. Cost: O(m + merges x neighbouring groups x log), the hypergeometric tail summed
    from the observed count down (a few terms).

    Examples
    --------
    >>> import networkx as nx
    >>> merge_insignificant_splits(nx.path_graph(3), [1, 1, 2]).tolist()
    [1, 1, 1]
    >>> merge_insignificant_splits(nx.barbell_graph(3, 0), [1, 1, 1, 2, 2, 2]).tolist()
    [1, 1, 1, 2, 2, 2]
    """
    K = to_kernel(G)
    merged = _merge_splits(K.graph, membership, alpha)
    return renumber(K.names, merged)


def partition_modularity(K, memb, weight=None, resolution=1.0):
    """Return the modularity of the partition `memb` (numbers 1..) of kernel `K`, NaN without ties.

    Parameters
    ----------
    K : Kernel
        The party graph kernel.
    memb : array of int
        Group number (1..) of each node of `K`.
    weight : str, optional
        Edge weight attribute.
    resolution : float
        Resolution parameter (1 = Newman-Girvan modularity).

    Returns
    -------
    float

    See Also
    --------
    membership_array, renumber

    Examples
    --------
    >>> from netanalysis.analyze._kernels import kernel_engine, to_kernel
    >>> import networkx as nx
    >>> K = to_kernel(nx.Graph([("a", "b"), ("c", "d")]))
    >>> round(partition_modularity(K, np.array([1, 1, 2, 2])), 3)
    0.5
    """
    g = K.graph
    if g.ecount() == 0:
        return float("nan")
    return float(g.modularity((np.asarray(memb) - 1).tolist(), weights=K.weight_arg(weight),
                              resolution=resolution, directed=False))


def _sets(K, memb):
    out = [set() for _ in range(int(memb.max()) if len(memb) else 0)]
    for name, m in zip(K.names.tolist(), memb.tolist()):
        out[m - 1].add(name)
    return out



def _nk_leiden(K, resolution, weight, seed, n_iterations):
    """Raw ParallelLeiden labels of Kernel `K`, on one thread, seeded."""
    import networkit as nk

    g = K.networkit_graph(weight)
    threads = nk.getCurrentNumberOfThreads()
    nk.setNumberOfThreads(1)
    try:
        nk.setSeed(int(seed or 0), False)
        alg = nk.community.ParallelLeiden(g, randomize=True,
                                          iterations=int(n_iterations) if n_iterations > 0 else 3,
                                          gamma=float(resolution))
        alg.run()
        return np.asarray(alg.getPartition().getVector(), dtype=np.int64)
    finally:
        nk.setNumberOfThreads(threads)


def merge_group_splits(sizes, inner, between, *, alpha=0.05):
    """Return the group each group of a partition is merged into, from the partition's counts.

    :func:`merge_insignificant_splits` on counts alone: what a server that holds the graph
    (Neo4j, ``netanalysis.backends.neo4j.analytics``) returns about a partition it computed,
    without the ties themselves.

    Parameters
    ----------
    sizes : sequence of int
        Members of each group 0..g-1.
    inner : sequence of int
        Tied pairs of members inside each group.
    between : dict
        ``(u, v) -> tied pairs`` between groups u and v (each pair of groups once).
    alpha : float, default 0.05

    Returns
    -------
    numpy.ndarray of int64
        For each group, the group it belongs to after the merges (a root group, 0..g-1).

    See Also
    --------
    merge_insignificant_splits : the same on a graph and its membership.

    Examples
    --------
    A path of three persons split 2 + 1 (its split is not significant), and two triangles
    joined by one tie (their split is):

    >>> merge_group_splits([2, 1], [1, 0], {(0, 1): 1}).tolist()
    [0, 0]
    >>> merge_group_splits([3, 3], [3, 3], {(0, 1): 1}).tolist()
    [0, 1]
    """
    ng = len(sizes)
    adj = [dict() for _ in range(ng)]
    for (u, v), c in between.items():
        if u != v and c:
            adj[u][v] = adj[u].get(v, 0) + int(c)
            adj[v][u] = adj[u][v]
    return _merge_counts([int(x) for x in sizes], [int(x) for x in inner], adj, alpha)


def _tested(sub, labels, alpha):
    """Labels of the circle's partition, with unsupported splits merged when `alpha` is set."""
    labels = np.asarray(labels, dtype=np.int64)
    if alpha is None:
        return labels
    return _merge_splits(sub, labels, alpha)


def _hypergeom_cdf(x, pairs, cross, n):
    """P(X <= x) for X hypergeometric: `n` draws from `pairs` of which `cross` are marked."""
    lo, hi = max(0, n - (pairs - cross)), min(cross, n)
    if x < lo:
        return 0.0
    if x >= hi:
        return 1.0

    def lchoose(m, k):
        return math.lgamma(m + 1) - math.lgamma(k + 1) - math.lgamma(m - k + 1)

    if x < n * cross / pairs:  # below the mean: the lower tail, summed down from x
        term = math.exp(lchoose(cross, x) + lchoose(pairs - cross, n - x) - lchoose(pairs, n))
        total, k = term, x
        while k > lo and term > total * 1e-17:
            term *= k * (pairs - cross - n + k) / ((cross - k + 1) * (n - k + 1))
            total += term
            k -= 1
        return min(total, 1.0)
    # at or above the mean: one minus the upper tail, summed up from x + 1
    k = x + 1
    term = math.exp(lchoose(cross, k) + lchoose(pairs - cross, n - k) - lchoose(pairs, n))
    total = term
    while k < hi and term > total * 1e-17:
        term *= (cross - k) * (n - k) / ((k + 1) * (pairs - cross - n + k + 1))
        total += term
        k += 1
    return max(0.0, 1.0 - total)


def _merge_splits(g, labels, alpha):
    """Raw labels of igraph graph `g` after merging adjacent groups whose split has p > alpha."""
    labels = np.asarray(labels, dtype=np.int64)
    if not len(labels):
        return labels.copy()
    _, inv = np.unique(labels, return_inverse=True)
    ng = int(inv.max()) + 1
    size = np.bincount(inv, minlength=ng).tolist()
    adj = [dict() for _ in range(ng)]
    el = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    el = el[el[:, 0] != el[:, 1]]
    if len(el):
        el = np.unique(np.sort(el, axis=1), axis=0)   # a tied pair counts once
    gu, gv = inv[el[:, 0]], inv[el[:, 1]]
    same = gu == gv
    inner = np.bincount(gu[same], minlength=ng).tolist()
    pu, pv = np.minimum(gu[~same], gv[~same]), np.maximum(gu[~same], gv[~same])
    if len(pu):
        pairs, counts = np.unique(np.stack([pu, pv], axis=1), axis=0, return_counts=True)
        for (u, v), c in zip(pairs.tolist(), counts.tolist()):
            adj[u][v] = c
            adj[v][u] = c
    return _merge_counts(size, inner, adj, alpha)[inv]


def _merge_counts(size, inner, adj, alpha):
    """Root group of every group after merging adjacent groups whose split has p > alpha.

    `size`, `inner`: members and tied pairs inside each group 0..ng-1 (lists, changed in
    place); `adj`: one dict per group, neighbouring group -> tied pairs between them (changed
    in place). The group counts are all the test needs, so a partition computed elsewhere
    (Neo4j: ``netanalysis.backends.neo4j.analytics``) is tested on its counts alone.
    """
    ng = len(size)
    heap = []
    # many adjacent pairs of groups have the same sizes and tie counts (two pairs of a single
    # tie, a pair and a triangle, ...): each distinct test is computed once
    tails = {}

    def push(u, v):
        x = adj[u][v]
        key = (x, (size[u] + size[v]) * (size[u] + size[v] - 1) // 2, size[u] * size[v],
               inner[u] + inner[v] + x)
        p = tails.get(key)
        if p is None:
            p = tails[key] = _hypergeom_cdf(*key)
        if p > alpha:
            heapq.heappush(heap, (-p, min(u, v), max(u, v), size[u] + size[v]))

    for u in range(ng):
        for v in adj[u]:
            if u < v:
                push(u, v)
    parent = list(range(ng))
    while heap:
        _, u, v, s = heapq.heappop(heap)
        # stale: a group merged away, or grown since (sizes only grow)
        if parent[u] != u or parent[v] != v or size[u] + size[v] != s:
            continue
        parent[v] = u
        inner[u] += inner[v] + adj[u].pop(v)
        del adj[v][u]
        size[u] += size[v]
        for k, c in adj[v].items():
            del adj[k][v]
            adj[u][k] = adj[u].get(k, 0) + c
            adj[k][u] = adj[u][k]
        adj[v] = {}
        for k in adj[u]:
            push(u, k)
    root = np.arange(ng)
    for u in range(ng):
        r = u
        while parent[r] != r:
            r = parent[r]
        root[u] = r
    return root
