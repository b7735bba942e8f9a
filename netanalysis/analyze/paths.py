r"""Paths: how two people are connected, and the network that connects a set of people.

Cost of a path: 1 per tie (``by_confidence=False``), or :math:`\sum 1/c_e` over its ties
with :math:`c_e` the tie's confidence from grading (``by_confidence=True``), so that a path
through well-graded ties beats a shorter one through rumours.
"""

from __future__ import annotations

from itertools import combinations, islice

import networkx as nx
import pandas as pd

from netanalysis.errors import UnknownEntityError

__all__ = ["shortest_paths", "path_table", "connecting_network", "tie_cost", "paths_between",
           "connection_table", "CONNECTION_COLUMNS"]

#: Columns of :func:`connection_table`.
CONNECTION_COLUMNS = ["source", "target", "types", "confidence"]


def tie_cost(u, v, d):
    """Return the cost of one tie for confidence-weighted paths: ``1 / confidence``.

    A tie without a confidence costs 1; a zero confidence costs infinity (never used).

    Parameters
    ----------
    u, v : hashable
        The ends of the tie (unused; the signature networkx passes a weight function).
    d : dict
        The tie's attributes.

    Returns
    -------
    float

    See Also
    --------
    shortest_paths : uses this as its weight when paths go by confidence.
    path_table : adds up these costs.

    Examples
    --------
    >>> tie_cost("a", "b", {"confidence": 0.25})
    4.0
    """
    c = d.get("confidence", 1.0)
    return float("inf") if not c or c <= 0 else 1.0 / float(c)


def shortest_paths(G, source, target, k=1, *, by_confidence=False):
    """Return the `k` shortest simple paths from `source` to `target`, cheapest first.

    Parameters
    ----------
    G : networkx.Graph
        Usually :func:`netanalysis.model.party_graph` of a (filtered) case.
    source, target : node ids
    k : int
        1 for the shortest path, more for alternatives (Yen's algorithm).
    by_confidence : bool
        Cost ``1 / confidence`` per tie instead of 1 per tie.

    Returns
    -------
    list of list
        Each path as the list of node ids from `source` to `target`; empty when they are
        not connected.

    Raises
    ------
    UnknownEntityError
        If `source` or `target` is not in `G`.

    See Also
    --------
    connecting_network : every short path between several people at once.
    path_table : the paths as a table.

    Notes
    -----
    Yen's algorithm, O(k n (m + n log n)).

    References
    ----------
    .. [1] Yen, J. Y. (1971). Finding the k shortest loopless paths in a network.
       Management Science 17(11), 712-716. doi:10.1287/mnsc.17.11.712

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge("A", "X", confidence=0.25); G.add_edge("X", "B", confidence=0.25)
    >>> G.add_edge("A", "Y", confidence=1.0); G.add_edge("Y", "Z", confidence=1.0)
    >>> G.add_edge("Z", "B", confidence=1.0)
    >>> shortest_paths(G, "A", "B")
    [['A', 'X', 'B']]
    >>> shortest_paths(G, "A", "B", by_confidence=True)
    [['A', 'Y', 'Z', 'B']]
    >>> shortest_paths(G, "A", "B", k=2)
    [['A', 'X', 'B'], ['A', 'Y', 'Z', 'B']]
    """
    for v in (source, target):
        if v not in G:
            raise UnknownEntityError(f"no party with id {v!r} in the network")
    if source == target:
        return [[source]]
    weight = tie_cost if by_confidence else None
    try:
        return [list(p) for p in islice(nx.shortest_simple_paths(G, source, target, weight=weight),
                                        max(int(k), 1))]
    except nx.NetworkXNoPath:
        return []


def path_table(G, paths, *, by_confidence=False):
    """Return one row per path: ``path``, ``hops``, ``cost``, ``min_confidence``, ``nodes``,
    ``types`` (the tie types along the path, ``|`` between ties).

    Parameters
    ----------
    G : networkx.Graph
        The graph the paths run in; ties carry ``confidence`` and ``types``.
    paths : iterable of list
        Each path as its node ids, from one end to the other.
    by_confidence : bool, default False
        Cost ties with :func:`tie_cost`; otherwise a path costs its number of hops.

    Returns
    -------
    pandas.DataFrame
        One row per path, numbered from 1 in the order given.

    See Also
    --------
    shortest_paths : finds the paths.
    tie_cost : the cost of each tie.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge("A", "B", confidence=0.5, types=("family",))
    >>> path_table(G, [["A", "B"]], by_confidence=True).to_dict("records")
    [{'path': 1, 'hops': 1, 'cost': 2.0, 'min_confidence': 0.5, 'nodes': 'A > B', 'types': 'family'}]
    """
    rows = []
    for i, p in enumerate(paths, start=1):
        ds = [G[u][v] for u, v in zip(p, p[1:])]
        cost = sum(tie_cost(u, v, d) for (u, v), d in zip(zip(p, p[1:]), ds)) if by_confidence \
            else float(len(ds))
        confs = [d.get("confidence") for d in ds if d.get("confidence") is not None]
        rows.append({"path": i, "hops": len(ds), "cost": cost,
                     "min_confidence": min(confs) if confs else None,
                     "nodes": " > ".join(str(x) for x in p),
                     "types": " | ".join(",".join(d.get("types", ()) or ()) for d in ds)})
    cols = ["path", "hops", "cost", "min_confidence", "nodes", "types"]
    return pd.DataFrame(rows, columns=cols)


def connecting_network(G, ids, *, by_confidence=False, method="paths"):
    """Return the subgraph that connects a set of people.

    Parameters
    ----------
    G : networkx.Graph
    ids : iterable of node ids
    by_confidence : bool
        Cost ``1 / confidence`` per tie instead of 1.
    method : {"paths", "steiner"}
        ``"paths"``: union of the shortest paths between every pair of `ids` (every
        connection an analyst would look at). ``"steiner"``: an approximate minimum Steiner
        tree (Kou-Markowsky-Berman; fewer extra people), per connected component.

    Returns
    -------
    networkx.Graph
        A subgraph view copied out of `G`, with node attribute ``terminal`` (True for
        `ids`). `ids` that are not connected to any other appear alone.

    Raises
    ------
    UnknownEntityError
        If an id is not in `G`.

    See Also
    --------
    shortest_paths : the paths between two people.
    tie_cost : how a tie's confidence becomes a distance.

    Notes
    -----
    ``"paths"``: O(t^2) shortest-path searches for t ids.

    References
    ----------
    .. [1] Kou, L., Markowsky, G., Berman, L. (1981). A fast algorithm for Steiner trees.
       Acta Informatica 15, 141-145. doi:10.1007/BF00288961

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(["a", "b", "c", "d", "e"])
    >>> sorted(connecting_network(G, ["a", "c"]).nodes())
    ['a', 'b', 'c']
    """
    ids = list(dict.fromkeys(ids))
    for v in ids:
        if v not in G:
            raise UnknownEntityError(f"no party with id {v!r} in the network")
    if method not in ("paths", "steiner"):
        raise ValueError(f"unknown method {method!r}: use 'paths' or 'steiner'")
    keep = set(ids)
    weight = tie_cost if by_confidence else None
    if method == "paths":
        for a, b in combinations(ids, 2):
            try:
                keep.update(nx.shortest_path(G, a, b, weight=weight))
            except nx.NetworkXNoPath:
                continue
        H = G.subgraph(keep).copy()
        # keep only the ties on the paths, not every tie among the kept people
        on_path = set()
        for a, b in combinations(ids, 2):
            try:
                p = nx.shortest_path(G, a, b, weight=weight)
            except nx.NetworkXNoPath:
                continue
            on_path.update(frozenset(e) for e in zip(p, p[1:]))
        H.remove_edges_from([e for e in list(H.edges()) if frozenset(e) not in on_path])
    else:
        H = nx.Graph()
        H.add_nodes_from((v, G.nodes[v]) for v in ids)
        by_comp = {}
        for v in ids:
            key = min(nx.node_connected_component(G, v), key=str)
            by_comp.setdefault(key, []).append(v)
        for terms in by_comp.values():
            if len(terms) < 2:
                continue
            sub = G.subgraph(nx.node_connected_component(G, terms[0])).copy()
            for u, v, d in sub.edges(data=True):
                d["_cost"] = tie_cost(u, v, d) if by_confidence else 1.0
            T = nx.algorithms.approximation.steiner_tree(sub, terms, weight="_cost")
            H.add_nodes_from((v, G.nodes[v]) for v in T.nodes())
            H.add_edges_from((u, v, dict(G[u][v])) for u, v in T.edges())
    for v in H:
        H.nodes[v]["terminal"] = v in set(ids)
    return H


def paths_between(case, a, b, *, alternatives=1, by_confidence=False, filters=None):
    """Return the shortest (and alternative) paths connecting `a` and `b` in `case`.

    Parameters
    ----------
    case : Case
        As prepared by :func:`netanalysis.pipeline.prepare_case`.
    a, b : str
        Party ids.
    alternatives : int
        How many paths, shortest first.
    by_confidence : bool
        Cost ``1 / confidence`` per tie instead of 1.
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.

    Returns
    -------
    DataFrame
        As :func:`path_table`; empty when `a` and `b` are not connected.

    See Also
    --------
    shortest_paths, path_table : the same on a graph.
    connection_table : the network joining more than two people.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "A", "name": "Ana"}, {"id": "B", "name": "Bo"},
    ...              {"id": "C", "name": "Cy"}],
    ...     links=[{"from_id": "A", "to_id": "B", "type": "family"},
    ...            {"from_id": "B", "to_id": "C", "type": "communication"}])
    >>> paths_between(case, "A", "C")["nodes"].tolist()
    ['A > B > C']
    >>> len(paths_between(case, "A", "C", filters={"link_types": ["family"]}))
    0
    """
    from netanalysis.model.filtered import filtered_party_graph

    G = filtered_party_graph(case, filters)
    paths = shortest_paths(G, a, b, k=alternatives, by_confidence=by_confidence)
    return path_table(G, paths, by_confidence=by_confidence)


def connection_table(case, ids, *, method="paths", by_confidence=False, filters=None):
    """Return the ties of the network connecting a set of people of `case`.

    Parameters
    ----------
    case : Case
        As prepared by :func:`netanalysis.pipeline.prepare_case`.
    ids : iterable of str
        The people to connect.
    method : {"paths", "steiner"}
        See :func:`connecting_network`.
    by_confidence : bool
        Cost ``1 / confidence`` per tie instead of 1.
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.

    Returns
    -------
    DataFrame
        :data:`CONNECTION_COLUMNS`, one row per tie (``types`` joined with ``|``), the
        smaller id as ``source``, sorted by ``source`` then ``target``.
        ``attrs`` holds ``nodes``, ``edges`` and ``through`` (the sorted ids of the people
        on the network who are not among `ids`).

    See Also
    --------
    connecting_network : the same on a graph.
    paths_between : the paths between two people.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "A", "name": "Ana"}, {"id": "B", "name": "Bo"},
    ...              {"id": "C", "name": "Cy"}],
    ...     links=[{"from_id": "A", "to_id": "B", "type": "family"},
    ...            {"from_id": "B", "to_id": "C", "type": "communication"}])
    >>> t = connection_table(case, ["A", "C"])
    >>> len(t), t.attrs["through"]
    (2, ['B'])
    """
    from netanalysis.model.filtered import filtered_party_graph

    G = filtered_party_graph(case, filters)
    H = connecting_network(G, ids, method=method, by_confidence=by_confidence)
    # one row per tie, smaller id first, sorted: the same table on every run
    ends = sorted(((*sorted((u, v), key=str), d) for u, v, d in H.edges(data=True)),
                  key=lambda r: (str(r[0]), str(r[1])))
    rows = [{"source": u, "target": v, "types": "|".join(d.get("types", ())),
             "confidence": d.get("confidence")} for u, v, d in ends]
    df = pd.DataFrame(rows, columns=CONNECTION_COLUMNS)
    df.attrs.update(nodes=H.number_of_nodes(), edges=H.number_of_edges(),
                    through=sorted(str(v) for v in H if not H.nodes[v].get("terminal")))
    return df
