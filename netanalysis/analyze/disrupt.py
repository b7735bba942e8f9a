r"""Disruption: simulate arrests and watch the network fall apart.

Follows the node-removal method of Cavallaro et al. (2020) on the Montagna Mafia networks:
nodes are removed one at a time by a centrality ranking, either **sequentially** (the ranking
is recomputed on what is left after every removal) or as a **block** (the top of the initial
ranking is removed in order), and after each removal the size of the largest connected
component (LCC) is recorded relative to the LCC before any removal:

.. math:: \rho_i = \frac{|\mathrm{LCC}_i|}{|\mathrm{LCC}_0|}

As in the paper, unweighted runs use the unweighted, undirected graph (tie weights and
directions are ignored). Ties in a ranking go to the smallest node id, so runs are
reproducible.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from netanalysis.analyze.centrality import betweenness_centrality, pagerank
from netanalysis.errors import UnknownEntityError

__all__ = ["simulate_disruption", "disruption_table", "STRATEGIES", "DISRUPT_COLUMNS",
           "lcc_size"]

#: Ranking strategies (a list of ids is also accepted).
STRATEGIES = ("betweenness", "degree", "pagerank")
#: Columns of :func:`simulate_disruption`.
DISRUPT_COLUMNS = ["step", "removed_id", "score", "lcc_size", "lcc_fraction", "components",
                   "fugitives_affected", "lost_support", "fugitives_unsupported"]


def lcc_size(G):
    """Return the number of nodes of the largest connected component (0 for an empty graph).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        A graph; a directed one counts weakly connected components.

    Returns
    -------
    int

    See Also
    --------
    simulate_disruption : follows this size as nodes are removed.

    Examples
    --------
    >>> import networkx as nx
    >>> lcc_size(nx.Graph([(1, 2), (3, 4), (4, 5)]))
    3
    """
    if G.number_of_nodes() == 0:
        return 0
    comps = nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G)
    return max(len(c) for c in comps)


def simulate_disruption(G, strategy="betweenness", *, mode="sequential", steps=5, weight=None,
                        support=None, fugitives=None, seed=0, k=None):
    """Remove nodes one by one and report the largest connected component after each removal.

    Parameters
    ----------
    G : networkx.Graph
        The network to disrupt (directions are ignored).
    strategy : {"betweenness", "degree", "pagerank"} or list of node ids
        How to pick whom to remove; a list removes those ids in that order.
    mode : {"sequential", "block"}
        ``"sequential"`` recomputes the ranking after each removal; ``"block"`` removes the
        top `steps` of the initial ranking.
    steps : int
        How many nodes to remove (at most the number of nodes; ignored for a list).
    weight : str, optional
        Edge attribute for a weighted run (betweenness reads it as a length, PageRank and
        degree as a strength). None (default): unweighted, as in Cavallaro et al.
    support : networkx.DiGraph, optional
        Support graph (supplier -> receiver, with ``services``) to report which fugitives
        lose which support when a supplier is removed.
    fugitives : iterable, optional
        Fugitive ids; default: nodes of `support` or `G` with ``role == "fugitive"``.
    seed : int
        Seed of the betweenness source sample (only when `k` is given).
    k : int, optional
        Sample `k` sources for betweenness (large graphs); None: exact.

    Returns
    -------
    DataFrame
        :data:`DISRUPT_COLUMNS`; row 0 is the network before any removal. ``score`` is the
        removed node's strategy score when it was picked; ``lost_support`` reads
        ``"F1 (documents, lodging); F2 (money)"``; ``fugitives_unsupported`` counts the
        fugitives who had a supplier at the start and have none left.

    Raises
    ------
    UnknownEntityError
        If a listed id is not in `G`.

    See Also
    --------
    lcc_size : the measure of fragmentation.
    netanalysis.analyze.keyplayer.key_players : the set whose removal fragments most.

    Notes
    -----
    Sequential betweenness costs one betweenness computation per step: O(steps n m).

    References
    ----------
    .. [1] Cavallaro, L., Ficara, A., De Meo, P., Fiumara, G., Catanese, S., Bagdasar, O.,
       Song, W., Liotta, A. (2020). Disrupting resilient criminal networks through data
       analysis: the case of Sicilian Mafia. PLOS ONE 15(8), e0236476.
       doi:10.1371/journal.pone.0236476
    .. [2] Albert, R., Jeong, H., Barabasi, A.-L. (2000). Error and attack tolerance of
       complex networks. Nature 406, 378-382. doi:10.1038/35019019

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.barbell_graph(4, 1)      # two cliques joined through node 4
    >>> df = simulate_disruption(G, "betweenness", steps=1)
    >>> df[["step", "removed_id", "lcc_size", "lcc_fraction"]].to_dict("records")
    [{'step': 0, 'removed_id': None, 'lcc_size': 9, 'lcc_fraction': 1.0}, {'step': 1, 'removed_id': 4, 'lcc_size': 4, 'lcc_fraction': 0.4444444444444444}]
    """  # noqa: E501
    if mode not in ("sequential", "block"):
        raise ValueError(f"unknown mode {mode!r}: use 'sequential' or 'block'")
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    if weight is None:
        H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    else:
        for u, v, d in G.edges(data=True):
            if u != v:
                H.add_edge(u, v, **{weight: d.get(weight, 1.0)})
    if isinstance(strategy, (list, tuple)):
        order = list(strategy)
        for v in order:
            if v not in H:
                raise UnknownEntityError(f"no party with id {v!r} in the network")
        steps = len(order)
    elif strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: use {', '.join(STRATEGIES)} or a list of ids")
    else:
        order = None
        steps = min(int(steps), H.number_of_nodes())

    fugs = _fugitives(G, support, fugitives)
    suppliers = {}
    if support is not None:
        for u, v, d in support.edges(data=True):
            if v in fugs and u != v:
                suppliers.setdefault(v, {})[u] = tuple(d.get("services", ()))
    had_support = {f for f, s in suppliers.items() if s}

    lcc0 = lcc_size(H)
    rows = [_row(0, None, None, H, lcc0, [], suppliers, had_support)]
    initial = None
    if order is None and mode == "block":
        initial = _ranking(H, strategy, weight, seed, k)
    for step in range(1, steps + 1):
        if order is not None:
            victim, score = order[step - 1], None
        elif mode == "block":
            victim, score = initial[step - 1]
        else:
            victim, score = _ranking(H, strategy, weight, seed, k)[0]
        lost = []
        for f, sups in suppliers.items():
            if victim in sups:
                lost.append((f, sups.pop(victim)))
        if victim in H:
            H.remove_node(victim)
        rows.append(_row(step, victim, score, H, lcc0, lost, suppliers, had_support))
    df = pd.DataFrame(rows, columns=DISRUPT_COLUMNS)
    df["removed_id"] = pd.Series([r["removed_id"] for r in rows], dtype=object)
    return df


def _ranking(H, strategy, weight, seed, k):
    if H.number_of_nodes() == 0:
        return []
    if strategy == "betweenness":
        sc = betweenness_centrality(H, k=k, weight=weight, seed=seed)
    elif strategy == "degree":
        sc = {v: float(d) for v, d in H.degree(weight=weight)}
    else:
        sc = pagerank(H, weight=weight)
    return sorted(sc.items(), key=lambda kv: (-kv[1], str(kv[0])))


def _row(step, victim, score, H, lcc0, lost, suppliers, had_support):
    size = lcc_size(H)
    unsupported = sum(1 for f in had_support if not suppliers.get(f))
    text = "; ".join(f"{f} ({', '.join(s) if s else 'support'})" for f, s in sorted(lost, key=lambda x: str(x[0])))
    return {"step": step, "removed_id": victim, "score": score, "lcc_size": size,
            "lcc_fraction": size / lcc0 if lcc0 else 0.0,
            "components": nx.number_connected_components(H) if H.number_of_nodes() else 0,
            "fugitives_affected": len(lost), "lost_support": text,
            "fugitives_unsupported": unsupported}


def _fugitives(G, support, fugitives):
    if fugitives is not None:
        return set(fugitives)
    out = {v for v, d in G.nodes(data=True) if d.get("role") == "fugitive"}
    if support is not None:
        out |= {v for v, d in support.nodes(data=True) if d.get("role") == "fugitive"}
    return out


def disruption_table(case, strategy=None, *, ids=None, mode=None, steps=None, seed=0,
                     filters=None, exact_up_to=None, sample=None, settings=None):
    """Simulate arrests in `case`: remove people and report the largest component each step.

    The network is the party graph of the ties that pass `filters`; which fugitives lose
    which support is read from the support ties that pass the same filters except
    ``link_types`` (a removed supplier is reported whatever ties the ranking used).

    Parameters
    ----------
    case : Case
        As prepared by :func:`netanalysis.pipeline.prepare_case`.
    strategy : {"betweenness", "degree", "pagerank"}, optional
        Whom to remove first (ignored when `ids` is given).
    ids : str or list of str, optional
        Ids to remove in this order instead of a strategy (a string is split on commas).
    mode : {"sequential", "block"}, optional
        Recompute the ranking after each removal, or remove the top of the first ranking.
    steps : int, optional
        How many removals.
    seed : int
        Seed of the betweenness sample on large graphs.
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.
    exact_up_to : int, optional
        Exact betweenness up to this many people; above, `sample` sources are sampled.
    sample : int, optional
        Sources sampled for betweenness above `exact_up_to` people.
    settings : Settings or dict, optional
        Full settings or the ``disrupt`` section (``schema/settings/disrupt.yaml``): where
        `strategy`, `mode`, `steps`, `exact_up_to` (``exact_max_nodes``) and `sample` come
        from when not given.

    Returns
    -------
    DataFrame
        :data:`DISRUPT_COLUMNS`, as :func:`simulate_disruption`.

    See Also
    --------
    simulate_disruption : the same on a graph.
    netanalysis.analyze.keyplayer.key_player_table : the best set to remove at once.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
    ...            {"from_id": "S2", "to_id": "S1", "type": "family", "grading": "C3"}])
    >>> t = disruption_table(case, steps=1)
    >>> t[["step", "removed_id", "lcc_size"]].values.tolist()
    [[0, None, 3], [1, 'S1', 1]]
    """
    from netanalysis.model import filter_edges, party_edges, party_graph, party_nodes, support_graph
    from netanalysis.model.filtered import active_filters
    from netanalysis.settings import section_settings

    cfg = section_settings(settings, "disrupt")
    strategy = cfg.strategy if strategy is None else strategy
    mode = cfg.mode if mode is None else mode
    steps = cfg.steps if steps is None else steps
    exact_up_to = cfg.exact_max_nodes if exact_up_to is None else exact_up_to
    sample = cfg.sample if sample is None else sample
    f = active_filters(filters)
    edges = party_edges(case)
    nodes = party_nodes(case)
    G = party_graph(filter_edges(edges, **f), nodes)
    S = support_graph(filter_edges(edges, **dict(f, link_types=None)), nodes)
    if isinstance(ids, str):
        ids = [x.strip() for x in ids.split(",") if x.strip()]
    return simulate_disruption(G, list(ids) if ids else strategy, mode=mode, steps=steps,
                               support=S, seed=seed,
                               k=None if G.number_of_nodes() <= exact_up_to else sample)
