"""The case as an analysis saw it: the shared filters applied to a case and to its graph.

Measures read the party ties through :func:`netanalysis.model.filter_edges`; maps, exports
and the report take the same ties from here, so that what is drawn is what was analysed.
"""

from __future__ import annotations

import dataclasses

from netanalysis.model.filters import check_filters
from netanalysis.model.graph import (
    build_graph,
    filter_edges,
    party_edges,
    party_graph,
    party_nodes,
)

__all__ = ["active_filters", "filter_case", "filtered_graph", "filtered_party_graph"]


def active_filters(filters):
    """Return the filters of `filters` that leave out something, checked; {} if none does.

    Parameters
    ----------
    filters : dict or None
        Keyword arguments of :func:`netanalysis.model.filter_edges`.

    Returns
    -------
    dict
        The keys whose value differs from "keep everything" (``link_types`` given,
        ``min_confidence`` given, ``include_inferred`` false, ``since``/``until`` given,
        ``keep_undated`` false when there is a window).

    See Also
    --------
    filter_case : apply them to a case.
    netanalysis.model.filters.check_filters : the checks.

    Examples
    --------
    >>> active_filters({"link_types": None, "include_inferred": True, "since": None})
    {}
    >>> active_filters({"link_types": "family", "include_inferred": False})
    {'link_types': ('family',), 'include_inferred': False}
    """
    f = check_filters(dict(filters or {}))
    out = {}
    if f.get("link_types") is not None:
        out["link_types"] = tuple(f["link_types"])
    if f.get("min_confidence") is not None:
        out["min_confidence"] = f["min_confidence"]
    if f.get("include_inferred", True) is False:
        out["include_inferred"] = False
    for k in ("since", "until"):
        if f.get(k):
            out[k] = f[k]
    if ("since" in out or "until" in out) and f.get("keep_undated", True) is False:
        out["keep_undated"] = False
    return out


def filter_case(case, filters=None):
    """Return a copy of `case` whose reported and inferred ties pass `filters`.

    The rows of ``links`` and ``case.inferred`` that :func:`netanalysis.model.filter_edges`
    leaves out of :func:`netanalysis.model.party_edges` are dropped; every other table is
    shared with `case` (not copied). Without active filters `case` itself is returned.

    Parameters
    ----------
    case : Case
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.

    Returns
    -------
    Case

    See Also
    --------
    filtered_graph : the property graph of the filtered case.
    netanalysis.model.filter_edges : the same filters on the tie table.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
    ...            {"from_id": "S1", "to_id": "F1", "type": "family", "grading": "C3"}])
    >>> filter_case(case, {"link_types": ["family"]}).links["type"].tolist()
    ['family']
    >>> filter_case(case) is case
    True
    """
    f = active_filters(filters)
    if not f:
        return case
    edges = party_edges(case)
    kept = filter_edges(edges, **f).index
    n = len(case.tables["links"])
    tables = dict(case.tables)
    tables["links"] = case.tables["links"].iloc[[i for i in kept if i < n]]
    inferred = case.inferred
    if inferred is not None:
        inferred = inferred.iloc[[i - n for i in kept if i >= n]]
    return dataclasses.replace(case, tables=tables, inferred=inferred)


def filtered_graph(case, filters=None):
    """Return the property graph of `case` as an analysis with `filters` sees it.

    Without active filters this is :func:`netanalysis.model.build_graph`. With filters, the
    ties between parties are those that pass them. With ``link_types`` the graph holds only
    ties of those types and the parties they join: documents, phones and journeys are not
    relationship types, so they are left out. Other filters (confidence, inferred, time
    window) keep every node and the structural ties.

    Parameters
    ----------
    case : Case
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.

    Returns
    -------
    networkx.MultiDiGraph

    See Also
    --------
    filter_case : the filtered case.
    netanalysis.model.build_graph : the graph without filters.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
    ...            {"from_id": "S2", "to_id": "F1", "type": "family", "grading": "C3"}])
    >>> G = filtered_graph(case, {"link_types": ["family"]})
    >>> sorted(G.nodes), G.number_of_edges()
    (['F1', 'S2'], 1)
    >>> filtered_graph(case).number_of_nodes()
    3
    """
    f = active_filters(filters)
    G = build_graph(filter_case(case, f))
    if "link_types" in f:
        types = set(f["link_types"])
        keep = [(u, v, k) for u, v, k, t in G.edges(keys=True, data="type") if t in types]
        G = G.edge_subgraph(keep).copy()
    return G


def filtered_party_graph(case, filters=None, *, nodes=True):
    """Return the party graph of the ties of `case` that pass `filters`.

    Parameters
    ----------
    case : Case
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.
    nodes : bool
        Add every party, isolated ones included, with its attributes (else only the parties
        the kept ties join).

    Returns
    -------
    networkx.Graph
        As :func:`netanalysis.model.party_graph`.

    See Also
    --------
    filtered_graph : the whole property graph under the same filters.
    netanalysis.model.party_graph : the graph built.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
    ...            {"from_id": "S2", "to_id": "F1", "type": "family", "grading": "C3"}])
    >>> G = filtered_party_graph(case, {"link_types": ["family"]})
    >>> G.number_of_nodes(), G.number_of_edges()
    (3, 1)
    >>> filtered_party_graph(case, {"link_types": ["family"]}, nodes=False).number_of_nodes()
    2
    """
    f = active_filters(filters)
    return party_graph(filter_edges(party_edges(case), **f), party_nodes(case) if nodes else None)
