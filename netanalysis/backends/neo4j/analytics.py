"""Measures computed inside Neo4j with Graph Data Science, or in process when it is absent.

The party graph (persons and organizations) is projected undirected, one relationship per
pair of parties, with ``strength`` = sum of weight x confidence over the ties that pass the
filters: the graph :func:`netanalysis.model.party_graph` builds in process. On it GDS streams
degree, weighted degree, PageRank, betweenness (exact, or sampled from ``k`` sources with a
seed on large graphs), Leiden or Louvain communities and weakly connected components.

Scores follow networkx's conventions so both backends can be compared and ranked alike:
``degree`` is the number of neighbouring parties (as in
:func:`netanalysis.analyze.run_analysis`; ``degree_centrality`` = degree / (n - 1) follows),
``pagerank`` sums to 1, ``betweenness`` is normalised by (n - 1)(n - 2) / 2 (each pair counted
once), as networkx does.

When the server has no GDS, :func:`neo4j_measures` says so through `progress` and computes
the same measures with networkx on the party graph pulled from the database.

References
----------
.. [1] Page, L., Brin, S., Motwani, R., Winograd, T. (1999). The PageRank citation ranking:
   bringing order to the web. Stanford InfoLab.
.. [2] Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of
   Mathematical Sociology 25(2), 163-177. https://doi.org/10.1080/0022250X.2001.9990249
.. [3] Brandes, U., Pich, C. (2007). Centrality estimation in large networks. International
   Journal of Bifurcation and Chaos 17(7), 2303-2318. https://doi.org/10.1142/S0218127407018403
.. [4] Traag, V. A., Waltman, L., van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
   well-connected communities. Scientific Reports 9, 5233.
   https://doi.org/10.1038/s41598-019-41695-z
"""

from __future__ import annotations

import uuid

import networkx as nx
import pandas as pd

from netanalysis.analyze.communities import renumber
from netanalysis.backends.neo4j import queries
from netanalysis.backends.neo4j.connection import connect, connection_settings
from netanalysis.errors import BackendError, GDSMissingError, InputError
from netanalysis.model.graph import EDGE_COLUMNS, filter_edges, party_graph
from netanalysis.model.vocab import INFERRED_LINK_TYPES, LINK_TYPES, neo4j_rel_type
from netanalysis.settings import load_settings, section_settings

__all__ = ["MEASURE_COLUMNS", "neo4j_measures", "gds_available", "party_measures",
           "pull_party_edges", "gds_params"]

#: The columns of :func:`neo4j_measures`; ``degree_centrality``, ``strength`` and
#: ``component`` follow them.
MEASURE_COLUMNS = ["id", "degree", "pagerank", "betweenness", "community"]
_EXTRA = ["degree_centrality", "strength", "component"]
_FILTER_KEYS = {"link_types", "min_confidence", "include_inferred", "since", "until",
                "keep_undated"}


def neo4j_measures(uri=None, user=None, password=None, database=None, *, filters=None, seed=0,
                   k=None, community=None, use_gds=None, settings=None, progress=None):
    """Return the party measures of the case in Neo4j as a DataFrame keyed by ``id``.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Connection (default from the settings).
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`: ``link_types``,
        ``min_confidence``, ``include_inferred``, ``since``, ``until``, ``keep_undated``.
    seed : int
        Seed of sampled betweenness and of Leiden.
    k : int, optional
        Sample betweenness from `k` sources. Default: exact up to
        ``rank.betweenness.exact_max_nodes`` parties, else ``rank.betweenness.sample``.
    community : {"leiden", "louvain"}, optional
        Community detection (default ``neo4j.gds.community``).
    use_gds : bool, optional
        Force (True) or refuse (False) GDS; default: use it when installed.
    settings : Settings, optional
    progress : Progress, optional
        Says which way the measures were computed.

    Returns
    -------
    DataFrame
        Columns ``id, degree, pagerank, betweenness, community`` then
        ``degree_centrality``, ``strength``, ``component``; one row per party, sorted by id. ``df.attrs["method"]``
        is ``"gds <version>"`` or ``"networkx (GDS not installed)"``.

    Raises
    ------
    BackendError
        The server cannot be used (:class:`~netanalysis.errors.ServerUnreachableError`,
        :class:`~netanalysis.errors.AuthenticationError`...).
    GDSMissingError
        `use_gds` is True and GDS is not installed.

    See Also
    --------
    party_measures : the same measures computed with networkx.
    gds_available : whether GDS computes them in the server.

    Examples
    --------
    With a server holding a pushed case (``tests/backends/neo4j`` runs the same)::

        df = neo4j_measures(uri="bolt://127.0.0.1:7687", seed=1)
        df.attrs["method"]   # 'gds 2.6.0' or 'networkx (GDS not installed)'
    """
    settings = settings if settings is not None else load_settings()
    conf = connection_settings(uri, user, password, database, settings)
    g = section_settings(settings, "neo4j").gds
    bt = section_settings(settings, "rank").betweenness  # the same rule on both backends
    community = community or g.community
    if community not in ("leiden", "louvain"):
        raise InputError(f"unknown community method {community!r}: use leiden or louvain")
    filters = _check_filters(filters)
    with connect(conf.get("uri"), conf.get("user"), conf.get("password"), conf.get("database"),
                 settings=settings) as conn:
        with conn.session() as s:
            version = gds_available(s)
            if use_gds and version is None:
                raise GDSMissingError(f"Graph Data Science is not installed in Neo4j at "
                                      f"{conn.uri}: install the plugin, or compute the "
                                      "measures in process (use_gds=False)")
            if version is not None and use_gds is not False:
                df = _gds_measures(s, filters, seed, k, community, g, bt)
                df.attrs["method"] = f"gds {version}"
                return df
            if progress is not None:
                why = "is not installed in" if version is None else "is not used with"
                progress.say(f"Graph Data Science {why} Neo4j at {conn.uri}: pulling the party "
                             "graph and computing the measures in process with networkx")
            nodes, edges = pull_party_edges(s)
    df = party_measures(party_graph(filter_edges(edges, **filters), nodes), seed=seed, k=k,
                        community=community, exact_max=bt.exact_max_nodes,
                        default_k=bt.sample, weight="strength")
    df.attrs["method"] = ("networkx (GDS not installed)" if version is None
                          else "networkx (GDS not used)")
    return df


def gds_available(session):
    """Return the GDS version installed in the server, or None.

    Parameters
    ----------
    session : neo4j.Session
        An open session (anything with ``run(query, parameters)``).

    Returns
    -------
    str or None
        The version GDS reports, None when the server does not know ``gds.version()``.

    See Also
    --------
    neo4j_measures : uses GDS when this finds it.

    Examples
    --------
    >>> class Session:  # a stand-in for a neo4j.Session whose server has GDS
    ...     def run(self, query, parameters):
    ...         class Result:
    ...             def single(self):
    ...                 return {"version": "2.6.0"}
    ...         return Result()
    >>> gds_available(Session())
    '2.6.0'
    """
    from neo4j import exceptions as nx_exc

    try:
        return queries.run(session, "gds_version").single()["version"]
    except nx_exc.ClientError:
        return None


def gds_params(filters):
    """Return the parameters of ``gds_project_party`` for :func:`filter_edges` keywords.

    Parameters
    ----------
    filters : dict or None
        Keywords of :func:`netanalysis.model.filter_edges`, checked.

    Returns
    -------
    dict
        ``types`` (Neo4j relationship types, or None for all), ``min_confidence``,
        ``include_inferred``, ``since``, ``until`` and ``keep_undated``.

    See Also
    --------
    neo4j_measures : projects the party graph with these parameters.

    Examples
    --------
    >>> p = gds_params({"link_types": ["family"], "min_confidence": 0.5})
    >>> p["types"], p["min_confidence"], p["include_inferred"]
    (['FAMILY'], 0.5, True)
    """
    f = _check_filters(filters)
    types = f.get("link_types")
    return {
        "types": None if types is None else [neo4j_rel_type(t) for t in types],
        "min_confidence": None if f.get("min_confidence") is None else float(f["min_confidence"]),
        "include_inferred": bool(f.get("include_inferred", True)),
        "since": f.get("since") or None,
        "until": f.get("until") or None,
        "keep_undated": bool(f.get("keep_undated", True)),
    }


def pull_party_edges(session):
    """Return ``(nodes, edges)``: the parties and the party-edge table stored in Neo4j.

    `edges` has the columns :data:`netanalysis.model.graph.EDGE_COLUMNS`, as
    :func:`netanalysis.model.party_edges` returns them for the case.

    Parameters
    ----------
    session : neo4j.Session
        An open session on a database a push wrote.

    Returns
    -------
    nodes : pandas.DataFrame
        One row per party, its properties and ``kind`` (``Person`` or ``Organization``).
    edges : pandas.DataFrame
        The party edges, typed as the case's.

    See Also
    --------
    party_measures : measures computed on these edges.

    Examples
    --------
    With a session on a pushed database::

        nodes, edges = pull_party_edges(conn.session())
    """
    rows = []
    for r in queries.run(session, "party_nodes"):
        props = dict(r["props"])
        labels = set(r["labels"])
        props["kind"] = "Person" if "Person" in labels else "Organization"
        rows.append(props)
    nodes = pd.DataFrame(rows) if rows else pd.DataFrame({"id": pd.Series(dtype=object)})
    recs = [dict(r) for r in queries.run(session, "party_edges")]
    edges = pd.DataFrame(recs, columns=EDGE_COLUMNS)
    if len(edges):
        edges["weight"] = edges["weight"].astype(float)
        edges["confidence"] = edges["confidence"].astype(float)
        edges["inferred"] = edges["inferred"].astype(bool)
        edges["directed"] = edges["directed"].astype(bool)
    return nodes, edges


def party_measures(G, *, seed=0, k=None, community="leiden", exact_max=None, default_k=None,
                   weight="strength"):
    """Return the measures of :func:`neo4j_measures` computed with networkx on `G`.

    Parameters
    ----------
    G : networkx.Graph
        A party graph (:func:`netanalysis.model.party_graph`).
    seed, k, community
        As in :func:`neo4j_measures`.
    exact_max, default_k : int, optional
        Betweenness is exact up to `exact_max` nodes, else sampled from `default_k` sources
        (defaults: ``rank.betweenness.exact_max_nodes`` and ``rank.betweenness.sample``).
    weight : str
        Edge attribute of tie strength.

    Returns
    -------
    pandas.DataFrame
        As :func:`neo4j_measures` returns it.

    See Also
    --------
    neo4j_measures : the same in the server, with GDS when installed.
    pull_party_edges : reads the party graph this runs on.

    Examples
    --------
    >>> import networkx as nx
    >>> df = party_measures(nx.path_graph(["a", "b", "c"]), weight=None)
    >>> df.set_index("id").loc["b", ["degree", "degree_centrality", "betweenness"]].tolist()
    [2.0, 1.0, 1.0]
    """
    ids = sorted(G.nodes, key=str)
    n = len(ids)
    if n == 0:
        return _empty()
    deg = nx.degree_centrality(G) if n > 1 else {v: 0.0 for v in ids}
    strength = dict(G.degree(weight=weight))
    pr = nx.pagerank(G, weight=weight) if G.number_of_edges() else {v: 1.0 / n for v in ids}
    rb = section_settings(None, "rank").betweenness
    kk = _sample_size(n, k, rb.exact_max_nodes if exact_max is None else exact_max,
                      rb.sample if default_k is None else default_k)
    bt = nx.betweenness_centrality(G, k=kk, seed=seed if kk else None)
    if community == "leiden":
        comms = _leiden(G, weight, seed)
    else:
        comms = nx.community.louvain_communities(G, weight=weight, seed=seed)
    memb = _renumber({v: i for i, c in enumerate(comms) for v in c})
    comp = _renumber({v: i for i, c in enumerate(nx.connected_components(G)) for v in c})
    return pd.DataFrame({
        "id": ids,
        "degree": [int(G.degree(v)) for v in ids],
        "pagerank": [float(pr[v]) for v in ids],
        "betweenness": [float(bt[v]) for v in ids],
        "community": [memb[v] for v in ids],
        "degree_centrality": [float(deg[v]) for v in ids],
        "strength": [float(strength[v]) for v in ids],
        "component": [comp[v] for v in ids],
    })


def _gds_measures(s, filters, seed, k, community, g, bt):
    from neo4j import exceptions as nx_exc

    name = f"netanalysis_{uuid.uuid4().hex[:12]}"
    params = gds_params(filters)
    try:
        proj = queries.run(s, "gds_project_party", graph=name, **params).single()
        n = int(proj["nodes"])
        if n == 0:
            return _empty()
        cols = {}
        cols["degree"] = _stream(s, "gds_degree_stream", "degree", graph=name)
        cols["strength"] = _stream(s, "gds_strength_stream", "strength", graph=name)
        cols["pagerank"] = _stream(
            s, "gds_pagerank_stream", "pagerank", graph=name,
            damping=g.damping,
            max_iterations=g.max_iterations,
            tolerance=g.tolerance)
        kk = _sample_size(n, k, bt.exact_max_nodes, bt.sample)
        if kk:
            bt = _stream(s, "gds_betweenness_sampled_stream", "betweenness", graph=name,
                         sampling_size=int(kk), seed=int(seed))
        else:
            bt = _stream(s, "gds_betweenness_stream", "betweenness", graph=name)
        cols["betweenness"] = bt
        if int(proj["relationships"]) == 0:
            # GDS Leiden fails on a graph without relationships (e.g. every tie filtered out):
            # each party is a community of its own, as in process
            cols["community"] = {i: c for c, i in enumerate(sorted(cols["degree"]), 1)}
        elif community == "leiden":
            cols["community"] = _stream(s, "gds_leiden_stream", "community", graph=name,
                                        seed=int(seed))
        else:
            cols["community"] = _stream(s, "gds_louvain_stream", "community", graph=name)
        cols["component"] = _stream(s, "gds_wcc_stream", "component", graph=name)
    except nx_exc.Neo4jError as exc:
        raise BackendError(f"Graph Data Science failed: {exc.message or exc}") from None
    finally:
        try:
            queries.run(s, "gds_drop", graph=name).consume()
        except nx_exc.Neo4jError:
            pass
    df = pd.DataFrame(cols)
    df.index.name = "id"
    df = df.sort_index().reset_index()
    df["id"] = df["id"].astype(str)
    df["degree"] = df["degree"].round().astype(int)
    df["degree_centrality"] = df["degree"] / (n - 1) if n > 1 else 0.0
    total = df["pagerank"].sum()
    df["pagerank"] = df["pagerank"] / total if total > 0 else 1.0 / n
    # GDS counts each pair once (networkx's unnormalised undirected value); normalise as
    # networkx does, and scale a sample of k sources up to all n as networkx does.
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if kk:
        scale *= n / kk
    df["betweenness"] = df["betweenness"].astype(float) * scale
    df["community"] = df["id"].map(_renumber(dict(zip(df["id"], df["community"]))))
    df["component"] = df["id"].map(_renumber(dict(zip(df["id"], df["component"]))))
    return df[MEASURE_COLUMNS + _EXTRA]


def _stream(s, name, column, **params):
    return {r["id"]: r[column] for r in queries.run(s, name, **params)}


def _sample_size(n, k, exact_max, default_k):
    if k is not None:
        k = int(k)
        return None if k >= n else max(1, k)
    if n <= int(exact_max):
        return None
    return min(int(default_k), n)


def _renumber(memb):
    """Number groups 1, 2, ... as :func:`netanalysis.analyze.communities.renumber` does."""
    keys = list(memb)
    return dict(zip(keys, renumber(keys, [memb[k] for k in keys]).tolist()))


def _leiden(G, weight, seed):
    import igraph as ig
    import leidenalg

    nodes = list(G.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges]
    g = ig.Graph(n=len(nodes), edges=edges)
    weights = [float(d.get(weight, 1.0)) if weight else 1.0 for _, _, d in G.edges(data=True)]
    part = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition,
                                    weights=weights if edges else None, seed=int(seed))
    return [{nodes[i] for i in c} for c in part]


def _check_filters(filters):
    f = dict(filters or {})
    unknown = set(f) - _FILTER_KEYS
    if unknown:
        raise InputError(f"unknown filter(s): {', '.join(sorted(unknown))}")
    types = f.get("link_types")
    if types is not None:
        known = set(LINK_TYPES) | set(INFERRED_LINK_TYPES)
        bad = [t for t in types if t not in known]
        if bad:
            raise InputError(f"unknown link type(s): {', '.join(map(str, bad))}; known: "
                             + ", ".join(sorted(known)))
        f["link_types"] = list(types)
    return f


def _empty():
    return pd.DataFrame({c: pd.Series(dtype=float if c not in ("id",) else object)
                         for c in MEASURE_COLUMNS + _EXTRA})
