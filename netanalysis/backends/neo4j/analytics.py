"""The party measures computed inside Neo4j: plain Cypher and Graph Data Science.

:func:`neo4j_measures` returns the measures frame of :mod:`netanalysis.analyze.measures`
(the same columns and dtypes as the embedded backend) computed where the case lives:

- in plain Cypher (``cypher/measures.cypher``): degree (distinct neighbouring parties),
  strength (sum of weight x confidence), support reach (a breadth-first search back from the
  fugitives along the support ties, one query per hop, with the same decay and value as
  :func:`netanalysis.analyze.support_reach`) and group bridges (for the partition below);
- with Graph Data Science (``cypher/gds.cypher``) on the party graph projected undirected, one
  relationship per pair of parties weighted by strength: PageRank, betweenness (exact up to
  ``rank.betweenness.exact_max_nodes`` parties, sampled from ``rank.betweenness.sample``
  seeded sources above), Leiden (or Louvain) communities, the support ties and their circle
  partitioned again on their own projection as the ranking does
  (``rank.communities.graph: support_circle``), and weakly connected components;
- the circle's splits tested for significance (``rank.communities.circle_split_alpha``) on
  the tie counts inside and between its groups, aggregated in Cypher
  (``circle_group_ties``: one row per pair of adjacent groups) and merged by
  :func:`~netanalysis.analyze.communities.merge_group_splits`, as the embedded backend
  merges them on its graph. GDS has no surprise or CPM objective: the circle is partitioned
  by Leiden's modularity whatever ``rank.communities.circle_objective`` says (``attrs``
  name it).

Only result columns come back (one row per party, and the (party, fugitive) pairs of the
support frontier while it is searched); the graph is never pulled. Scores follow networkx's
conventions as the embedded backend does: ``pagerank`` sums to 1, ``betweenness`` is
normalised by (n - 1)(n - 2) / 2 and scaled up from a sample of k sources to n.

Without GDS the Cypher measures still run in the server; PageRank, betweenness, community and
component are computed in process on the party *projection* pulled from the server (ids and
tie strengths, one row per pair; ``party_projection``), and ``attrs["method"]`` says so. With
``use_gds=True`` a server without GDS raises :class:`~netanalysis.errors.GDSMissingError`
naming those measures.

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

import numpy as np
import pandas as pd

from netanalysis.analyze.communities import circle_resolution, merge_group_splits, renumber
from netanalysis.analyze.measures import (
    MEASURE_COLUMNS,
    check_measures,
    empty_measures,
    fugitive_values,
    projection_measures,
    sample_size,
)
from netanalysis.backends.neo4j import queries
from netanalysis.backends.neo4j.connection import connect, connection_settings
from netanalysis.errors import BackendError, GDSMissingError, InputError
from netanalysis.model.vocab import INFERRED_LINK_TYPES, LINK_TYPES, SUPPORT_TYPES, neo4j_rel_type
from netanalysis.settings import load_settings, section_settings

__all__ = ["MEASURE_COLUMNS", "GDS_MEASURES", "neo4j_measures", "gds_available", "gds_params"]

#: The measures only Graph Data Science computes in the server (the rest is plain Cypher).
GDS_MEASURES = ("pagerank", "betweenness", "community", "component")
_FILTER_KEYS = {"link_types", "min_confidence", "include_inferred", "since", "until",
                "keep_undated"}
_SUPPORT = [neo4j_rel_type(t) for t in SUPPORT_TYPES]


def neo4j_measures(uri=None, user=None, password=None, database=None, *, filters=None, seed=0,
                   k=None, community=None, use_gds=None, settings=None, progress=None,
                   support_core=None):
    """Return the measures frame of the case in Neo4j, computed in the database.

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
        Community detection in GDS (default ``neo4j.gds.community``).
    use_gds : bool, optional
        True: require GDS; False: compute :data:`GDS_MEASURES` in process on the pulled
        party projection; default: GDS when installed, else the projection.
    settings : Settings, optional
    progress : Progress, optional
        Says which way the measures were computed.
    support_core : set, optional
        Filled with the ids of the support network's parties (the ends of a support tie
        under `filters`), which the measures query once; pass it to
        :func:`~netanalysis.backends.neo4j.brokerage.neo4j_brokerage` with the same filters
        so that the roles do not query it again.

    Returns
    -------
    DataFrame
        Columns :data:`netanalysis.analyze.measures.MEASURE_COLUMNS` with their dtypes, one
        row per party, sorted by id. ``attrs``: ``method`` (``"cypher + gds <version>"`` or
        what was computed in process and why), ``betweenness_k``, ``communities``.

    Raises
    ------
    BackendError
        The server cannot be used (:class:`~netanalysis.errors.ServerUnreachableError`,
        :class:`~netanalysis.errors.AuthenticationError`...), or a query fails.
    GDSMissingError
        `use_gds` is True and GDS is not installed (the message names the measures).

    See Also
    --------
    netanalysis.analyze.measures.case_measures : the same frame computed in process.
    gds_available : whether GDS computes them in the server.

    Examples
    --------
    With a server holding a pushed case (``tests/backends/neo4j`` runs the same)::

        df = neo4j_measures(uri="bolt://127.0.0.1:7687", seed=1)
        df.attrs["method"]   # 'cypher + gds 2.13.2'
    """
    settings = settings if settings is not None else load_settings()
    conf = connection_settings(uri, user, password, database, settings)
    g = section_settings(settings, "neo4j").gds
    rs = section_settings(settings, "rank")
    community = community or g.community
    if community not in ("leiden", "louvain"):
        raise InputError(f"unknown community method {community!r}: use leiden or louvain")
    fp = gds_params(filters)
    from neo4j import exceptions as nx_exc

    with connect(conf.get("uri"), conf.get("user"), conf.get("password"), conf.get("database"),
                 settings=settings) as conn:
        with conn.session() as s:
            version = gds_available(s)
            if use_gds and version is None:
                raise GDSMissingError(
                    f"Graph Data Science is not installed in Neo4j at {conn.uri}: "
                    f"{', '.join(GDS_MEASURES)} cannot be computed in the database; install "
                    "the plugin, or compute them in process on the party projection "
                    "(use_gds=False)")
            try:
                df = _cypher_measures(s, fp, rs)
                if not len(df):
                    out = empty_measures()
                    out.attrs["method"] = "cypher (no party)"
                    return out
                core = [r["id"] for r in queries.run(s, "support_core", support=_SUPPORT, **fp)]
                if support_core is not None:
                    support_core.update(core)
                if version is not None and use_gds is not False:
                    more, attrs = _gds_measures(s, fp, df["id"], core, seed, k, community, g, rs)
                    attrs["method"] = f"cypher + gds {version}"
                else:
                    why = "GDS not installed" if version is None else "GDS not used"
                    verb = "is not installed in" if version is None else "is not used with"
                    if progress is not None:
                        progress.say(f"Graph Data Science {verb} Neo4j at {conn.uri}: pulling "
                                     "the party projection (ids and strengths) to compute "
                                     + ", ".join(GDS_MEASURES) + " in process")
                    pairs = pd.DataFrame([dict(r) for r in queries.run(s, "party_projection",
                                                                       **fp)],
                                         columns=["source", "target", "strength"])
                    more = projection_measures(pairs, df["id"], core, settings=rs, seed=seed,
                                               k=k)
                    attrs = dict(more.attrs)
                    attrs["method"] = (f"cypher; {', '.join(GDS_MEASURES)} in process on the "
                                       f"pulled party projection ({why})")
                df = df.merge(more, on="id", how="left")
                groups = dict(zip(df["id"], df["community"].astype(int).tolist()))
                df = df.merge(_bridges(s, fp, groups), on="id", how="left")
            except nx_exc.Neo4jError as exc:
                raise BackendError(f"Neo4j failed computing the measures: "
                                   f"{exc.message or exc}") from None
    df["other_groups"] = df["other_groups"].fillna(0)
    df["outside_ties"] = df["outside_ties"].fillna(0)
    df = check_measures(df.sort_values("id").reset_index(drop=True))
    df.attrs.update(attrs)
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


def _cypher_measures(s, fp, rs):
    """Degree, strength and support reach in plain Cypher, one row per party."""
    rows = [dict(r) for r in queries.run(s, "party_degree_strength", **fp)]
    df = pd.DataFrame(rows, columns=["id", "degree", "strength"])
    if not len(df):
        return df
    df["id"] = df["id"].astype(str)
    fug = pd.DataFrame([dict(r) for r in queries.run(s, "party_fugitives")],
                       columns=["id", "role", "notice", "wanted_by", "offences"])
    values = fugitive_values(fug, rs) if len(fug) else pd.Series(dtype=float)
    values = values[values > 0]
    reach = _support_reach(s, fp, values, hops=rs.support.hops, decay=rs.support.decay)
    return df.merge(reach, on="id", how="left")


def _support_reach(s, fp, values, *, hops, decay):
    """Breadth-first search back from every fugitive at once, one Cypher query per hop.

    The frontier is the set of (party, fugitive) pairs first reached at the last hop; a
    fugitive never supports himself. The sums are those of
    :func:`netanalysis.analyze.support_reach`.
    """
    vmap = {str(k): float(v) for k, v in values.items()}
    direct, within, worth = {}, {}, {}
    reached = {(f, f) for f in vmap}
    frontier = [{"node": f, "fugitive": f} for f in vmap]
    for h in range(1, int(hops) + 1):
        if not frontier:
            break
        nxt = []
        for r in queries.run(s, "support_step", frontier=frontier, support=_SUPPORT, **fp):
            pair = (r["node"], r["fugitive"])
            if pair in reached:
                continue
            reached.add(pair)
            nxt.append({"node": pair[0], "fugitive": pair[1]})
            within[pair[0]] = within.get(pair[0], 0) + 1
            worth[pair[0]] = worth.get(pair[0], 0.0) + vmap[pair[1]] * decay ** (h - 1)
            if h == 1:
                direct[pair[0]] = direct.get(pair[0], 0) + 1
        frontier = nxt
    recv = {r["id"]: (r["supported_by"], tuple(sorted(set(r["services_received"]))))
            for r in queries.run(s, "support_received", support=_SUPPORT, **fp)}
    given = {r["id"]: (r["top_fugitive"], tuple(sorted(set(r["services"]))))
             for r in queries.run(s, "support_given", values=vmap, support=_SUPPORT, **fp)}
    ids = sorted(set(within) | set(recv) | set(given))
    return pd.DataFrame({
        "id": ids,
        "fugitives_direct": [direct.get(i, 0) for i in ids],
        "fugitives_within": [within.get(i, 0) for i in ids],
        "support_value": [worth.get(i, 0.0) for i in ids],
        "supported_by": [recv.get(i, (0, ()))[0] for i in ids],
        "services": [given.get(i, (None, ()))[1] for i in ids],
        "services_received": [recv.get(i, (0, ()))[1] for i in ids],
        "top_fugitive": [given.get(i, (None, ()))[0] for i in ids],
    }, columns=["id", "fugitives_direct", "fugitives_within", "support_value", "supported_by",
                "services", "services_received", "top_fugitive"])


def _bridges(s, fp, groups):
    rows = [dict(r) for r in queries.run(s, "party_bridges", groups=groups, **fp)]
    df = pd.DataFrame(rows, columns=["id", "other_groups", "outside_ties", "bridged"])
    df["bridged"] = [tuple(int(x) for x in b) for b in df["bridged"]]
    return df


def _gds_measures(s, fp, ids, core, seed, k, community, g, rs):
    """PageRank, betweenness, communities (with the support circle) and components in GDS."""
    from neo4j import exceptions as nx_exc

    name = f"netanalysis_{uuid.uuid4().hex[:12]}"
    made = []
    com = rs.communities
    attrs = {}
    try:
        proj = queries.run(s, "gds_project_party", graph=name, **fp).single()
        made.append(name)
        n = int(proj["nodes"])
        cols = {}
        cols["pagerank"] = _stream(
            s, "gds_pagerank_stream", "pagerank", graph=name, damping=g.damping,
            max_iterations=g.max_iterations, tolerance=g.tolerance)
        # the same rule as in process (measures.kernel_measures): the undirected projection
        # stores each tie in both directions, so it reports twice the ties
        kk = sample_size(n, k, rs, ties=int(proj["relationships"]) // 2)
        if kk:
            cols["betweenness"] = _stream(s, "gds_betweenness_sampled_stream", "betweenness",
                                          graph=name, sampling_size=int(kk), seed=int(seed))
        else:
            cols["betweenness"] = _stream(s, "gds_betweenness_stream", "betweenness", graph=name)
        attrs["betweenness_k"] = kk if kk is not None else "exact"
        memb = _communities(s, name, int(proj["relationships"]), community, seed, com.resolution,
                            ids)
        attrs["communities"] = f"gds {community} (resolution {com.resolution})"
        if com.graph == "support_circle" and core:
            circle = sorted({r["id"] for r in queries.run(s, "party_neighbours", ids=core,
                                                          **fp)})
            sub = f"{name}_circle"
            cp = queries.run(s, "gds_project_circle", graph=sub, ids=circle,
                             member={i: True for i in circle}, **fp).single()
            made.append(sub)
            m_c = int(cp["relationships"]) // 2  # an undirected projection counts both ways
            res_c = circle_resolution(m_c, resolution=float(com.circle_resolution),
                                      reference_ties=com.circle_reference_ties)
            inner = _communities(s, sub, int(cp["relationships"]), community, seed, res_c, circle)
            if com.circle_split_alpha is not None:
                inner = _tested_splits(s, fp, inner.reindex(circle), com.circle_split_alpha)
            # as circle_membership: the whole-graph groups outside, the circle's inside
            raw = memb.reindex(ids).to_numpy(np.int64) + len(circle)
            pos = pd.Index(ids).get_indexer(circle)
            raw[pos] = inner.reindex(circle).to_numpy(np.int64)
            memb = pd.Series(raw, index=ids)
            how = f"gds {community}, modularity, resolution {res_c:.3g}"
            if com.circle_objective != "modularity":
                how += f"; circle_objective {com.circle_objective} has no GDS counterpart"
            if com.circle_split_alpha is not None:
                how += f"; splits kept when significant at {com.circle_split_alpha:g}"
            attrs["communities_circle"] = (f"support ties and their circle ({m_c:,} ties) "
                                           f"partitioned apart ({how})")
        cols["community"] = memb
        cols["component"] = _stream(s, "gds_wcc_stream", "component", graph=name)
    except nx_exc.Neo4jError as exc:
        raise BackendError(f"Graph Data Science failed: {exc.message or exc}") from None
    finally:
        for graph in made:
            try:
                queries.run(s, "gds_drop", graph=graph).consume()
            except nx_exc.Neo4jError:
                pass
    df = pd.DataFrame({c: pd.Series(v) for c, v in cols.items()})
    df.index = df.index.astype(str)
    df = df.reindex(pd.Index(list(ids), name="id")).reset_index()
    total = df["pagerank"].sum()
    df["pagerank"] = df["pagerank"] / total if total > 0 else 1.0 / n
    # GDS counts each pair once (networkx's unnormalised undirected value); normalise as
    # networkx does, and scale a sample of k sources up to all n as networkx does.
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if kk:
        scale *= n / kk
    df["betweenness"] = df["betweenness"].astype(float) * scale
    for c in ("community", "component"):
        df[c] = renumber(df["id"].tolist(), df[c].to_numpy(np.int64))
    return df, attrs


def _communities(s, graph, relationships, community, seed, resolution, ids):
    """Raw community labels of the parties of `graph` (a Series keyed by id)."""
    if relationships == 0:
        # GDS Leiden fails on a graph without relationships: each party a group of its own
        return pd.Series(np.arange(len(ids)), index=list(ids))
    if community == "leiden":
        got = _stream(s, "gds_leiden_stream", "community", graph=graph, seed=int(seed),
                      resolution=float(resolution))
    else:
        got = _stream(s, "gds_louvain_stream", "community", graph=graph)
    return pd.Series(got).astype(np.int64)


def _tested_splits(s, fp, labels, alpha):
    """`labels` (a Series keyed by id) with the splits that are not significant merged.

    The server counts the tied pairs inside and between the groups (``circle_group_ties``);
    :func:`~netanalysis.analyze.communities.merge_group_splits` tests the splits on those
    counts, as the embedded backend does on its graph. Only one row per pair of adjacent
    groups comes back.
    """
    codes, uniq = pd.factorize(labels.to_numpy(np.int64), sort=True)
    groups = {str(i): int(c) for i, c in zip(labels.index, codes)}
    sizes = np.bincount(codes, minlength=len(uniq))
    inner = np.zeros(len(uniq), dtype=np.int64)
    between = {}
    for r in queries.run(s, "circle_group_ties", groups=groups, **fp):
        lo, hi, ties = int(r["low"]), int(r["high"]), int(r["ties"])
        if lo == hi:
            inner[lo] += ties
        else:
            between[(lo, hi)] = ties
    root = merge_group_splits(sizes.tolist(), inner.tolist(), between, alpha=alpha)
    return pd.Series(root[codes].astype(np.int64), index=labels.index)


def _stream(s, name, column, **params):
    return {str(r["id"]): r[column] for r in queries.run(s, name, **params)}


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


