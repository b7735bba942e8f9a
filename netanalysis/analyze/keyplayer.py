r"""Key players: the set of k people whose removal fragments a network most (KPP-Neg).

Borgatti's fragmentation of a graph with components of sizes :math:`s_c` and :math:`n` nodes:

.. math:: F = 1 - \frac{\sum_c s_c (s_c - 1)}{n (n - 1)}

the share of pairs of people who can no longer reach each other (0 = connected, 1 = all
isolated). :func:`key_players` searches the set :math:`S`, :math:`|S| = k`, maximising the
fragmentation of :math:`G - S` with Borgatti's greedy swap heuristic from several seeded
random starts.
"""

from __future__ import annotations

import random
from itertools import combinations

import networkx as nx
import numpy as np

from netanalysis.analyze._kernels import to_kernel

__all__ = ["fragmentation", "key_players", "key_players_exact", "key_player_table",
           "KEY_PLAYER_COLUMNS"]

#: Columns of :func:`key_player_table`.
KEY_PLAYER_COLUMNS = ["order", "id", "fragmentation_without"]


def fragmentation(G, removed=()):
    """Return Borgatti's fragmentation of `G` after removing the nodes `removed`.

    Parameters
    ----------
    G : networkx.Graph
        Directions are ignored.
    removed : iterable of node ids

    Returns
    -------
    float
        In [0, 1]; 1.0 when fewer than two nodes remain.

    See Also
    --------
    key_players : choose the nodes that maximise it.

    References
    ----------
    .. [1] Borgatti, S. P. (2006). Identifying sets of key players in a social network.
       Computational and Mathematical Organization Theory 12, 21-34.
       doi:10.1007/s10588-006-7084-x

    Examples
    --------
    >>> import networkx as nx
    >>> fragmentation(nx.path_graph(3)), fragmentation(nx.path_graph(3), [1])
    (0.0, 1.0)
    """
    H = G.to_undirected(as_view=True) if G.is_directed() else G
    removed = set(removed)
    keep = [v for v in H if v not in removed]
    n = len(keep)
    if n < 2:
        return 1.0
    sizes = np.array([len(c) for c in nx.connected_components(H.subgraph(keep))], dtype=float)
    return float(1.0 - (sizes * (sizes - 1)).sum() / (n * (n - 1)))


def key_players(G, k, *, seed=0, restarts=5, candidates=None, max_iter=1000):
    """Return the `k` nodes whose removal fragments `G` most, and the fragmentation reached.

    Parameters
    ----------
    G : networkx.Graph
        Directions are ignored (a support network is usually passed undirected).
    k : int
        Size of the set.
    seed : int
        Seed of the random starting sets; the same seed gives the same answer.
    restarts : int
        Random starts; the best set found wins.
    candidates : int, optional
        Consider only the `candidates` highest-degree nodes (for large graphs). None: all.
    max_iter : int
        Most swap rounds per start.

    Returns
    -------
    ids : list
        The key players, each listed by how much fragmentation is lost when it alone is put
        back (most important first; ties by id).
    F : float
        Fragmentation of `G` without them.

    See Also
    --------
    key_players_exact : brute force on small graphs.
    fragmentation : the objective.

    Notes
    -----
    Greedy swap (Borgatti 2006): from a starting set, make the best improving swap of a
    member and a non-member until none improves. The first start is built greedily (add the
    node that fragments most, k times); the others are seeded random sets. Each round evaluates k(n-k) sets at
    O(n + m) each (component sizes on igraph). Not guaranteed optimal;
    :func:`key_players_exact` checks small cases by brute force.

    References
    ----------
    .. [1] Borgatti, S. P. (2006). Identifying sets of key players in a social network.
       Computational and Mathematical Organization Theory 12, 21-34.
       doi:10.1007/s10588-006-7084-x

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.barbell_graph(4, 1)
    >>> key_players(G, 1)
    ([4], 0.5714285714285714)
    """
    H = G.to_undirected(as_view=True) if G.is_directed() else G
    K = to_kernel(nx.Graph(H))
    n = K.graph.vcount()
    k = int(k)
    if k <= 0:
        return [], fragmentation(H)
    if k >= n:
        return sorted(K.names.tolist(), key=str), 1.0
    pool = np.arange(n)
    if candidates is not None and candidates < n:
        deg = np.asarray(K.graph.degree())
        pool = np.lexsort((np.arange(n), -deg))[:max(int(candidates), k)]
    pool = sorted(pool.tolist())
    rng = random.Random(seed)
    f = _frag_fn(K.graph)
    best_set, best_f = None, -1.0
    for r in range(max(int(restarts), 1)):
        if r == 0:  # first start: greedy construction, adding the best node one at a time
            S = set()
            for _ in range(k):
                S.add(max((v for v in pool if v not in S), key=lambda v: (f(S | {v}), -v)))
        else:
            S = set(rng.sample(pool, k))
        cur = f(S)
        for _ in range(max_iter):
            move, move_f = None, cur
            for u in sorted(S):
                for v in pool:
                    if v in S:
                        continue
                    T = (S - {u}) | {v}
                    fv = f(T)
                    if fv > move_f + 1e-12:
                        move, move_f = (u, v), fv
            if move is None:
                break
            S = (S - {move[0]}) | {move[1]}
            cur = move_f
        if cur > best_f + 1e-12 or (abs(cur - best_f) <= 1e-12 and best_set is not None
                                    and sorted(S) < sorted(best_set)):
            best_set, best_f = set(S), cur
    order = sorted(best_set, key=lambda u: (f(best_set - {u}), str(K.names[u])))
    return [K.names[u] for u in order], float(best_f)


def key_players_exact(G, k):
    """Return the optimal key-player set by brute force (all k-subsets), and its F.

    For checking :func:`key_players` on small graphs: O(C(n, k) (n + m)).

    Parameters
    ----------
    G : networkx.Graph
        A small graph; directions are ignored.
    k : int
        Size of the set.

    Returns
    -------
    nodes : list
        The best set, sorted as text.
    fragmentation : float
        Its fragmentation.

    See Also
    --------
    key_players : the heuristic this checks.
    fragmentation : the measure maximised.

    Examples
    --------
    >>> import networkx as nx
    >>> key_players_exact(nx.barbell_graph(4, 1), 1)
    ([4], 0.5714285714285714)
    """
    H = G.to_undirected(as_view=True) if G.is_directed() else G
    K = to_kernel(nx.Graph(H))
    f = _frag_fn(K.graph)
    best, bf = None, -1.0
    for S in combinations(range(K.graph.vcount()), int(k)):
        x = f(set(S))
        if x > bf + 1e-12:
            best, bf = S, x
    return sorted((K.names[u] for u in best), key=str), float(bf)


def _frag_fn(g):
    n = g.vcount()
    allv = np.arange(n)

    def f(S):
        keep = np.setdiff1d(allv, np.fromiter(S, dtype=np.int64, count=len(S)))
        m = len(keep)
        if m < 2:
            return 1.0
        sizes = np.asarray(g.induced_subgraph(keep.tolist(), implementation="create_from_scratch")
                           .connected_components().sizes(), dtype=float)
        return float(1.0 - (sizes * (sizes - 1)).sum() / (m * (m - 1)))

    return f



def key_player_table(case, k=None, *, restarts=None, seed=0, filters=None,
                     all_candidates_up_to=None, candidates=None, max_iter=None, settings=None):
    """Find the `k` people of `case` whose removal fragments its support network most.

    The network is the party graph of the ties that pass `filters`, parties without such
    ties left out; without ``link_types`` in `filters` only the support ties (documents,
    transport, lodging, money) are used.

    Parameters
    ----------
    case : Case
        As prepared by :func:`netanalysis.pipeline.prepare_case`.
    k : int, optional
        Size of the set.
    restarts : int, optional
        Random starts of the greedy search.
    seed : int
        Seed of the random starts.
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.
    all_candidates_up_to : int, optional
        Every person is a candidate up to this many; above, only the `candidates`
        highest-degree ones.
    candidates : int, optional
        Candidates considered on large networks.
    max_iter : int, optional
        Swap rounds per start, at most.
    settings : Settings or dict, optional
        Full settings or the ``keyplayers`` section (``schema/settings/keyplayers.yaml``):
        where `k`, `restarts`, `all_candidates_up_to` (``all_candidates_max_nodes``),
        `candidates` and `max_iter` come from when not given.

    Returns
    -------
    DataFrame
        :data:`KEY_PLAYER_COLUMNS`: ``order`` (1 = most important), ``id``,
        ``fragmentation_without`` (of the network without that person alone). ``attrs``
        holds ``fragmentation_before``, ``fragmentation_after`` (without the whole set),
        ``nodes`` and ``edges`` of the network.

    See Also
    --------
    key_players : the same on a graph.
    netanalysis.analyze.disrupt.disruption_table : removals one at a time.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
    ...            {"from_id": "S2", "to_id": "S1", "type": "documents", "grading": "C3"}])
    >>> t = key_player_table(case, 1)
    >>> t["id"].tolist(), t.attrs["fragmentation_after"]
    (['S1'], 1.0)
    """
    import pandas as pd

    from netanalysis.model.filtered import active_filters, filtered_party_graph
    from netanalysis.model.vocab import SUPPORT_TYPES
    from netanalysis.settings import section_settings

    cfg = section_settings(settings, "keyplayers")
    k = cfg.k if k is None else k
    restarts = cfg.restarts if restarts is None else restarts
    all_candidates_up_to = cfg.all_candidates_max_nodes if all_candidates_up_to is None \
        else all_candidates_up_to
    candidates = cfg.candidates if candidates is None else candidates
    max_iter = cfg.max_iter if max_iter is None else max_iter
    f = active_filters(filters)
    f.setdefault("link_types", tuple(SUPPORT_TYPES))
    G = filtered_party_graph(case, f, nodes=False)
    ids, F = key_players(G, k, seed=seed, restarts=restarts, max_iter=max_iter,
                         candidates=None if G.number_of_nodes() <= all_candidates_up_to
                         else candidates)
    rows = [{"order": i, "id": v, "fragmentation_without": fragmentation(G, [v])}
            for i, v in enumerate(ids, start=1)]
    df = pd.DataFrame(rows, columns=KEY_PLAYER_COLUMNS)
    df.attrs.update(fragmentation_before=fragmentation(G), fragmentation_after=F,
                    nodes=G.number_of_nodes(), edges=G.number_of_edges())
    return df
