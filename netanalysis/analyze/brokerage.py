"""Brokerage: who spans structural holes and links otherwise separate groups.

- :func:`constraint` and :func:`effective_size`: Burt's structural-hole measures, the same
  numbers as networkx (vectorised with sparse matrices on large graphs).
- :func:`brokerage_roles`: Gould and Fernandez's five brokerage roles with respect to groups,
  counted on a directed graph (the support graph, supplier -> receiver; or support plus
  communication). Undirected ties are read as two reciprocal arcs.
- :func:`group_bridging` and :func:`bridge_edges`: how many other groups a person's ties
  reach, and the ties that join groups (flagging those whose loss would split the network).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netanalysis.analyze._kernels import to_kernel, use_igraph

__all__ = [
    "constraint",
    "effective_size",
    "brokerage_roles",
    "group_bridging",
    "bridge_edges",
    "BROKERAGE_ROLES",
    "structural_holes_arrays",
]

#: The five Gould-Fernandez roles, in the order of the columns of :func:`brokerage_roles`.
BROKERAGE_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


def constraint(G, nodes=None, weight=None, *, engine="auto"):
    r"""Return Burt's constraint of the nodes of an undirected graph.

    .. math:: c(v) = \sum_{w \in N(v)} \Big(p_{vw} + \sum_{q \in N(v)} p_{vq}\, p_{qw}\Big)^2,
              \qquad p_{vw} = \frac{w_{vw}}{\sum_{x} w_{vx}}

    Low constraint = many non-redundant contacts = a broker.

    Parameters
    ----------
    G : networkx.Graph or Kernel
        Undirected.
    nodes : iterable, optional
        Only these nodes (default all).
    weight : str, optional
        Edge attribute used as tie strength; None: every tie 1.
    engine : {"auto", "networkx", "igraph"}
        ``"igraph"`` runs the vectorised sparse-matrix form.

    Returns
    -------
    dict
        Node id -> constraint; NaN for isolated nodes (as networkx).

    See Also
    --------
    effective_size : the other half of Burt's structural holes.
    brokerage_roles : Gould-Fernandez roles between groups.

    Notes
    -----
    Vectorised form: :math:`C = P + (P P) \circ A`, constraint = row sums of :math:`C^2`,
    computed in row blocks; time and memory O(sum of degree x neighbour degree).

    References
    ----------
    .. [1] Burt, R. S. (1992). Structural Holes: The Social Structure of Competition.
       Harvard University Press. doi:10.4159/9780674029095
    .. [2] Burt, R. S. (2004). Structural holes and good ideas. American Journal of
       Sociology 110(2), 349-399. doi:10.1086/421787

    Examples
    --------
    >>> import networkx as nx
    >>> c = constraint(nx.star_graph(3))
    >>> round(c[0], 4), round(c[1], 4)
    (0.3333, 1.0)
    """
    if G.is_directed():
        raise ValueError("constraint here is defined for undirected graphs")
    if not use_igraph(G, engine):
        return nx.constraint(G, nodes=nodes, weight=weight)
    K = to_kernel(G)
    c, _ = structural_holes_arrays(K, weight=weight, which=("constraint",))
    out = K.to_dict(c)
    return out if nodes is None else {v: out[v] for v in nodes}


def effective_size(G, nodes=None, weight=None, *, engine="auto"):
    r"""Return Burt's effective size of the nodes of an undirected graph.

    .. math:: e(v) = \sum_{u \in N(v)} \Big(1 - \sum_{w \in N(v)} p_{vw}\, m_{uw}\Big),
              \qquad m_{uw} = \frac{w_{uw}}{\max_x w_{ux}}

    Unweighted, this is Borgatti's :math:`e(v) = \deg(v) - 2t(v)/\deg(v)` with
    :math:`t(v)` the ties among `v`'s neighbours.

    Parameters
    ----------
    G : networkx.Graph or Kernel
        Undirected.
    nodes : iterable, optional
    weight : str, optional
    engine : {"auto", "networkx", "igraph"}

    Returns
    -------
    dict
        Node id -> effective size; NaN for isolated nodes (as networkx).

    See Also
    --------
    constraint : how much a node's contacts are tied to each other.
    brokerage_roles

    Notes
    -----
    Same block-sparse computation as :func:`constraint`.

    References
    ----------
    .. [1] Burt, R. S. (1992). Structural Holes. Harvard University Press.
       doi:10.4159/9780674029095
    .. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures.
       Connections 20(1), 35-38.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("a", "d")])
    >>> effective_size(G)["a"]
    2.3333333333333335
    """
    if G.is_directed():
        raise ValueError("effective_size here is defined for undirected graphs")
    if not use_igraph(G, engine):
        return nx.effective_size(G, nodes=nodes, weight=weight)
    K = to_kernel(G)
    _, e = structural_holes_arrays(K, weight=weight, which=("effective_size",))
    out = K.to_dict(e)
    return out if nodes is None else {v: out[v] for v in nodes}


def brokerage_roles(G, groups, nodes=None):
    r"""Return the Gould-Fernandez brokerage counts of each node with respect to groups.

    For every open two-path :math:`a \to v \to c` (:math:`a \ne c`, no tie
    :math:`a \to c`), broker `v` plays one role, by the groups :math:`g(\cdot)`:

    ===============  =======================================
    coordinator      :math:`g(a) = g(v) = g(c)`
    itinerant        :math:`g(a) = g(c) \ne g(v)` (consultant)
    representative   :math:`g(a) = g(v) \ne g(c)`
    gatekeeper       :math:`g(a) \ne g(v) = g(c)`
    liaison          :math:`g(a), g(v), g(c)` all different
    ===============  =======================================

    Parameters
    ----------
    G : networkx.DiGraph or networkx.Graph
        On the support graph arcs run from supplier to receiver. An undirected graph is
        read as reciprocal arcs, so every open pair {a, c} around `v` counts twice (once
        each way): representative and gatekeeper counts are then equal.
    groups : dict
        Node id -> group; nodes without a group form a group of their own each.
    nodes : iterable, optional
        Only these brokers (default all).

    Returns
    -------
    DataFrame
        Indexed by node id, integer columns :data:`BROKERAGE_ROLES` and ``total``.

    See Also
    --------
    group_bridging : groups a node's ties reach.
    constraint

    Notes
    -----
    O(sum over v of in-degree x out-degree) set look-ups: meant for the support network
    (or support plus communication on cases where that sum stays moderate).

    References
    ----------
    .. [1] Gould, R. V., Fernandez, R. M. (1989). Structures of mediation: a formal approach
       to brokerage in transaction networks. Sociological Methodology 19, 89-126.
       doi:10.2307/270949

    Examples
    --------
    >>> import networkx as nx
    >>> D = nx.DiGraph([("forger", "courier"), ("courier", "fugitive")])
    >>> roles = brokerage_roles(D, {"forger": 1, "courier": 2, "fugitive": 3})
    >>> int(roles.loc["courier", "liaison"]), int(roles.loc["courier", "total"])
    (1, 1)
    """
    directed = G.is_directed()
    pred = G.pred if directed else G.adj
    succ = G.succ if directed else G.adj
    has = G.has_edge
    todo = list(G.nodes()) if nodes is None else list(nodes)
    rows = np.zeros((len(todo), 5), dtype=np.int64)
    for i, v in enumerate(todo):
        ins, outs = pred[v], succ[v]
        if not ins or not outs:
            continue
        gv = groups.get(v, ("_self", v))
        for a in ins:
            if a == v:
                continue
            ga = groups.get(a, ("_self", a))
            for c in outs:
                if c == a or c == v or has(a, c):
                    continue
                gc = groups.get(c, ("_self", c))
                if ga == gv:
                    rows[i, 0 if gc == gv else 2] += 1
                elif gc == gv:
                    rows[i, 3] += 1
                elif ga == gc:
                    rows[i, 1] += 1
                else:
                    rows[i, 4] += 1
    df = pd.DataFrame(rows, columns=list(BROKERAGE_ROLES), index=pd.Index(todo, name="id"))
    df["total"] = rows.sum(axis=1)
    return df


def group_bridging(G, groups):
    """Return, for each node, how many other groups its ties reach.

    Parameters
    ----------
    G : networkx.Graph or Kernel
        Undirected.
    groups : dict or array
        Node id -> group number (or an array aligned with a Kernel's vertices).

    Returns
    -------
    DataFrame
        Indexed by node id: ``group``, ``other_groups`` (distinct groups among neighbours,
        own group excluded), ``outside_ties`` (ties to other groups), ``bridged`` (the
        other groups it has most ties to, at most 3, most ties first, as a tuple).

    See Also
    --------
    brokerage_roles : roles on directed support flows.
    bridge_edges : ties between groups.

    Notes
    -----
    Vectorised over the edge list: O(m log m).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("b", "d")])
    >>> df = group_bridging(G, {"a": 1, "b": 1, "c": 2, "d": 3})
    >>> int(df.loc["b", "other_groups"]), df.loc["b", "bridged"]
    (2, (2, 3))
    """
    K = to_kernel(G)
    n = K.graph.vcount()
    memb = _membership(K, groups)
    el = K.edge_array()
    u = np.concatenate([el[:, 0], el[:, 1]])
    v = np.concatenate([el[:, 1], el[:, 0]])
    gu, gv = memb[u], memb[v]
    cross = gu != gv
    outside = np.bincount(u[cross], minlength=n)
    pairs = pd.DataFrame({"u": u[cross], "g": gv[cross]})
    other = np.zeros(n, dtype=np.int64)
    bridged = np.empty(n, dtype=object)
    bridged[:] = [()] * n
    if len(pairs):
        cnt = pairs.groupby(["u", "g"], sort=False).size().reset_index(name="n")
        other = np.bincount(cnt["u"].to_numpy(), minlength=n)
        top = cnt.sort_values(["u", "n", "g"], ascending=[True, False, True])
        top = top[top.groupby("u").cumcount().to_numpy() < 3]
        us = top["u"].to_numpy()
        gs = top["g"].to_numpy().tolist()
        starts = np.flatnonzero(np.r_[True, us[1:] != us[:-1]])
        ends = np.r_[starts[1:], len(us)]
        for a, b in zip(starts.tolist(), ends.tolist()):
            bridged[us[a]] = tuple(gs[a:b])
    return pd.DataFrame({"group": memb, "other_groups": other, "outside_ties": outside,
                         "bridged": bridged}, index=pd.Index(K.names, name="id"))


def bridge_edges(G, groups):
    """Return the ties that join two groups.

    Parameters
    ----------
    G : networkx.Graph or Kernel
        Undirected.
    groups : dict or array
        Node id -> group number.

    Returns
    -------
    DataFrame
        ``source``, ``target``, ``group_source``, ``group_target``, ``is_bridge`` (True when
        removing the tie disconnects its component: a bridge in the graph-theoretic sense).

    See Also
    --------
    group_bridging : groups each node reaches.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.barbell_graph(3, 0)
    >>> bridge_edges(G, {0: 1, 1: 1, 2: 1, 3: 2, 4: 2, 5: 2}).to_dict("records")
    [{'source': 2, 'target': 3, 'group_source': 1, 'group_target': 2, 'is_bridge': True}]
    """
    K = to_kernel(G)
    memb = _membership(K, groups)
    el = np.asarray(K.graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    bridges = np.zeros(len(el), dtype=bool)
    if len(el):
        bridges[K.graph.bridges()] = True
    cross = memb[el[:, 0]] != memb[el[:, 1]]
    e = el[cross]
    return pd.DataFrame({
        "source": K.names[e[:, 0]], "target": K.names[e[:, 1]],
        "group_source": memb[e[:, 0]], "group_target": memb[e[:, 1]],
        "is_bridge": bridges[cross],
    })


def structural_holes_arrays(K, weight=None, which=("constraint", "effective_size"),
                            block_paths=20_000_000):
    """Constraint and effective size as arrays aligned with Kernel `K` (None when not asked).

    Computed in row blocks so that no block holds more than about `block_paths` two-paths.

    Parameters
    ----------
    K : Kernel
        The graph, as ``netanalysis.analyze._kernels.to_kernel`` builds it.
    weight : str, optional
        Edge attribute holding tie weights; None counts every tie as 1.
    which : collection of str, default ("constraint", "effective_size")
        The measures to compute.
    block_paths : int, default 20_000_000
        Most two-paths held in memory at once.

    Returns
    -------
    constraint, effective_size : numpy.ndarray of float or None
        One value per vertex of `K` (NaN for an isolated vertex); None for a measure not in
        `which`.

    See Also
    --------
    constraint : the same measure by node id.
    effective_size : the same measure by node id.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> c, e = structural_holes_arrays(to_kernel(nx.star_graph(3)))
    >>> c.round(3).tolist(), e.tolist()
    ([0.333, 1.0, 1.0, 1.0], [3.0, 1.0, 1.0, 1.0])
    >>> structural_holes_arrays(to_kernel(nx.star_graph(3)), which=("constraint",))[1] is None
    True
    """
    g = K.graph
    n = g.vcount()
    want_c = "constraint" in which
    want_e = "effective_size" in which
    if n == 0:  # an empty case: scipy cannot reduce a 0 x 0 matrix
        return (np.zeros(0) if want_c else None), (np.zeros(0) if want_e else None)
    el = K.edge_array()
    w = np.asarray(K.weights(weight), dtype=float) if K.weights(weight) is not None \
        else np.ones(len(el))
    rows = np.concatenate([el[:, 0], el[:, 1]])
    cols = np.concatenate([el[:, 1], el[:, 0]])
    vals = np.concatenate([w, w])
    W = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    s = np.asarray(W.sum(axis=1)).ravel()
    deg = np.diff(W.indptr)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_s = np.where(s > 0, 1.0 / np.where(s > 0, s, 1.0), 0.0)
        P = sp.diags(inv_s) @ W
        rowmax = W.max(axis=1).toarray().ravel()
        # m_wu = w_wu / max_x w_ux: scale column u by 1 / (row max of u); W is symmetric
        M = W @ sp.diags(np.where(rowmax > 0, 1.0 / np.where(rowmax > 0, rowmax, 1.0), 0.0))
    P = P.tocsr()
    M = M.tocsr()
    Abin = W.copy()
    Abin.data[:] = 1.0
    con = np.full(n, np.nan) if want_c else None
    eff = np.full(n, np.nan) if want_e else None
    two_paths = Abin @ deg.astype(float)
    bounds = _blocks(two_paths, block_paths)
    for lo, hi in bounds:
        Pr = P[lo:hi]
        mask = Abin[lo:hi]
        if want_c:
            Q = (Pr @ P).multiply(mask)
            C = (Pr + Q).tocsr()
            C.data **= 2
            con[lo:hi] = np.asarray(C.sum(axis=1)).ravel()
        if want_e:
            R = (Pr @ M).multiply(mask)
            eff[lo:hi] = deg[lo:hi] - np.asarray(R.sum(axis=1)).ravel()
    iso = deg == 0
    if want_c:
        con[iso] = np.nan
    if want_e:
        eff[iso] = np.nan
    return con, eff


def _blocks(cost, budget):
    n = len(cost)
    if n == 0:
        return []
    cum = np.cumsum(cost)
    out = []
    lo = 0
    while lo < n:
        base = cum[lo - 1] if lo else 0.0
        hi = int(np.searchsorted(cum, base + budget, side="right"))
        hi = max(hi, lo + 1)
        out.append((lo, min(hi, n)))
        lo = hi
    return out


def _membership(K, groups):
    n = K.graph.vcount()
    if isinstance(groups, dict):
        missing = -np.arange(1, n + 1)  # a node without a group is a group of its own
        return np.asarray([groups.get(v, missing[i]) for i, v in enumerate(K.names.tolist())],
                          dtype=np.int64)
    memb = np.asarray(groups, dtype=np.int64)
    if len(memb) != n:
        raise ValueError("a group array must have one entry per vertex")
    return memb

