"""Pull a graph out of Neo4j into networkx, with the attribute names of ``build_graph``.

A pushed case comes back as the ``networkx.MultiDiGraph`` :func:`netanalysis.model.build_graph`
makes: node ids as keys, ``kind`` from the node's label, relationship ``type`` in the lower
case of the vocabulary, and every stored property as an attribute (the merge ``key`` is
dropped; a document's ``case_id`` becomes ``id`` again).
"""

from __future__ import annotations

import networkx as nx

from netanalysis.backends.neo4j import queries
from netanalysis.backends.neo4j.connection import connect
from netanalysis.backends.neo4j.push import CASE_ID
from netanalysis.errors import BackendError, CypherError, UnknownEntityError
from netanalysis.model.vocab import NODE_KINDS

__all__ = ["pull_graph", "graph_from_records"]


def pull_graph(uri=None, user=None, password=None, database=None, *, fugitive=None, hops=2,
               block=None, params=None, settings=None, progress=None):
    """Return a graph read from Neo4j as a ``networkx.MultiDiGraph``.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Connection (default from the settings).
    fugitive : str, optional
        Return the neighbourhood of this node id: every node within `hops` steps along any
        relationship in either direction, and every relationship among them (the same as
        ``nx.ego_graph`` on the undirected view, then the induced subgraph).
    hops : int
        Radius of the neighbourhood.
    block : str, optional
        Name of a read block of ``cypher/`` whose result holds nodes, relationships or paths;
        the graph holds every node and relationship found in it.
    params : dict, optional
        Parameters of `block`.
    settings : Settings, optional
    progress : Progress, optional

    Without `fugitive` and `block`, the whole graph a push wrote is returned.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by their case id with their properties and ``kind``; relationships with
        their properties and ``type``.

    Raises
    ------
    UnknownEntityError
        `fugitive` is not a node in the database.
    CypherError
        `block` is unknown or `params` do not match its parameters.
    BackendError
        The server cannot be used.

    See Also
    --------
    graph_from_records : builds the graph from the driver's records.
    netanalysis.backends.neo4j.push.push_case : writes what this reads.

    Examples
    --------
    With a server holding a pushed case::

        G = pull_graph(uri="bolt://127.0.0.1:7687", fugitive="F1", hops=2)
    """
    if fugitive is not None and block is not None:
        raise BackendError("pull either a fugitive's neighbourhood or a block, not both")
    if block is not None:
        b = queries.block(block)
        queries.check_params(b, params or {})
    if hops is not None and int(hops) < 0:
        raise BackendError(f"hops must be 0 or more, not {hops}")
    with connect(uri, user, password, database, settings=settings) as conn:
        with conn.session() as s:
            if block is not None:
                G = _pull_block(s, block, params or {})
            elif fugitive is not None:
                G = _pull_neighbourhood(s, str(fugitive), int(hops))
            else:
                G = nx.MultiDiGraph()
                _add_nodes(G, _records(s, "all_nodes"))
                _add_rels(G, _records(s, "all_relationships"))
    if progress is not None:
        progress.say(f"pulled {G.number_of_nodes():,} nodes and {G.number_of_edges():,} "
                     "relationships")
    return G


def _pull_neighbourhood(s, fid, hops):
    if not _records(s, "node_exists", id=fid):
        raise UnknownEntityError(f"no node with id {fid!r} in the Neo4j database")
    seen = {fid}
    frontier = [fid]
    for _ in range(hops):
        if not frontier:
            break
        nxt = [r["id"] for r in _records(s, "neighbour_ids", ids=frontier)]
        frontier = [i for i in nxt if i not in seen]
        seen.update(frontier)
    ids = sorted(seen)
    G = nx.MultiDiGraph()
    _add_nodes(G, _records(s, "nodes_by_id", ids=ids))
    _add_rels(G, _records(s, "relationships_among", ids=ids))
    return G


def _pull_block(s, name, params):
    from neo4j import exceptions as nx_exc

    try:
        graph = queries.run(s, name, **params).graph()
    except nx_exc.Neo4jError as exc:
        b = queries.block(name)
        raise CypherError(f"block {name!r} failed: {exc.message or exc}", file=b.file,
                          line=b.line) from None
    return graph_from_records(graph.nodes, graph.relationships)


def graph_from_records(nodes, relationships):
    """Return a MultiDiGraph from driver ``Node`` and ``Relationship`` objects.

    Parameters
    ----------
    nodes : iterable of neo4j.graph.Node
        Nodes; each is keyed by its ``id`` property (its element id when it has none).
    relationships : iterable of neo4j.graph.Relationship
        Relationships; an end not among `nodes` is added from the relationship.

    Returns
    -------
    networkx.MultiDiGraph

    See Also
    --------
    pull_graph : reads the records from the server.

    Examples
    --------
    >>> class Node(dict):  # stand-ins for the driver's Node and Relationship
    ...     def __init__(self, element_id, labels, **props):
    ...         super().__init__(props)
    ...         self.element_id, self.labels = element_id, frozenset(labels)
    >>> class Rel(dict):
    ...     def __init__(self, start, end, type, **props):
    ...         super().__init__(props)
    ...         self.start_node, self.end_node, self.type = start, end, type
    >>> a = Node("4:x:1", ["Node", "Person"], id="P1", name="Ana")
    >>> b = Node("4:x:2", ["Node", "Person"], id="P2", name="Luis")
    >>> G = graph_from_records([a, b], [Rel(a, b, "family", grading="B2")])
    >>> G.nodes["P1"], list(G.edges(data=True))
    ({'name': 'Ana', 'kind': 'Person'}, [('P1', 'P2', {'grading': 'B2', 'type': 'family'})])
    """
    G = nx.MultiDiGraph()
    by_element = {}
    for n in nodes:
        nid = n.get("id", n.element_id)
        by_element[n.element_id] = nid
        G.add_node(nid, **_node_attrs(n.labels, dict(n)))
    for r in relationships:
        ends = []
        for end in (r.start_node, r.end_node):
            if end.element_id in by_element:
                ends.append(by_element[end.element_id])
            else:
                nid = end.get("id", end.element_id)
                if nid not in G:
                    G.add_node(nid, **_node_attrs(end.labels, dict(end)))
                ends.append(nid)
        G.add_edge(ends[0], ends[1], **_rel_attrs(r.type, dict(r)))
    return G


def _records(s, name, **params):
    from neo4j import exceptions as nx_exc

    try:
        return list(queries.run(s, name, **params))
    except nx_exc.Neo4jError as exc:
        raise BackendError(f"Neo4j refused block {name!r} ({queries.block(name).where}): "
                           f"{exc.message or exc}") from None


def _add_nodes(G, records):
    for r in records:
        G.add_node(r["id"], **_node_attrs(r["labels"], r["props"]))


def _add_rels(G, records):
    for r in records:
        G.add_edge(r["source"], r["target"], **_rel_attrs(r["type"], r["props"]))


def _node_attrs(labels, props):
    props = dict(props)
    props.pop("id", None)
    if CASE_ID in props:
        props["id"] = props.pop(CASE_ID)
    kind = next((k for k in NODE_KINDS if k in set(labels)), None)
    if kind is not None:
        props["kind"] = kind
    return props


def _rel_attrs(rtype, props):
    props = dict(props)
    props.pop("key", None)
    props["type"] = rtype.lower()
    return props
