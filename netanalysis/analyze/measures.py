"""The party measures the ranking consumes: one frame with fixed, documented columns.

Every backend (:mod:`netanalysis.backends.base`) returns this frame from
``Backend.measures``; :func:`netanalysis.analyze.run_analysis` ranks on it and on the case,
nothing else. The embedded backend computes it in process with :func:`kernel_measures` (igraph
kernels, the same code the ranking always ran); the Neo4j backend computes every column in the
database (:func:`netanalysis.backends.neo4j.neo4j_measures`).

The columns (:data:`MEASURE_DTYPES`, in this order):

==================== ======= ===========================================================
column               dtype   meaning
==================== ======= ===========================================================
``id``               object  party id (text)
``degree``           int64   distinct neighbouring parties
``strength``         float64 sum of weight x confidence over the party's ties
``betweenness``      float64 normalised as networkx does; exact up to
                             ``rank.betweenness.exact_max_nodes`` parties, else sampled
                             from :func:`sample_size` sources (seeded)
``pagerank``         float64 weighted by strength, sums to 1
``community``        int64   the partition the ranking uses (Leiden, and the support ties
                             and their circle partitioned apart when
                             ``rank.communities.graph`` is ``support_circle``), 1 = largest
``component``        int64   connected component, 1 = largest
``fugitives_direct`` int64   fugitives supplied directly (support reach,
                             :func:`~netanalysis.analyze.support_reach`)
``fugitives_within`` int64   fugitives reached within ``rank.support.hops`` steps
``support_value``    float64 sum of the fugitives' values, decayed by hop
``supported_by``     int64   distinct direct suppliers of the party
``services``         object  support types supplied directly to fugitives (sorted tuple)
``services_received`` object support types received (sorted tuple)
``top_fugitive``     object  most valuable fugitive supplied directly, or None
``other_groups``     int64   other communities the party's ties reach (group bridges,
                             :func:`~netanalysis.analyze.brokerage.group_bridging`)
``outside_ties``     int64   ties to other communities
``bridged``          object  the other communities it has most ties to (at most 3, tuple)
==================== ======= ===========================================================

``frame.attrs`` says how it was computed (``betweenness_k``, ``communities``,
``communities_circle``, ``method``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from netanalysis.analyze import centrality as C
from netanalysis.analyze._kernels import kernel_from_edges
from netanalysis.analyze.brokerage import group_bridging
from netanalysis.analyze.parallel import fork_call
from netanalysis.analyze.communities import (
    circle_membership,
    circle_resolution,
    membership_array,
    renumber,
    support_circle,
)
from netanalysis.analyze.targets import fugitive_danger, support_reach
from netanalysis.errors import BackendError
from netanalysis.model.graph import filter_edges, party_edges, party_nodes
from netanalysis.model.vocab import SUPPORT_TYPES
from netanalysis.settings import load_settings, section_settings

__all__ = ["MEASURE_DTYPES", "MEASURE_COLUMNS", "PartyGraph", "case_measures", "kernel_measures",
           "kernel_partition", "projection_measures", "start_kernels", "support_core",
           "fugitive_values", "check_measures", "empty_measures", "sample_size"]

#: The columns of the measures frame and their dtypes, in order (see the module docstring).
MEASURE_DTYPES = {
    "id": "object", "degree": "int64", "strength": "float64", "betweenness": "float64",
    "pagerank": "float64", "community": "int64", "component": "int64",
    "fugitives_direct": "int64", "fugitives_within": "int64", "support_value": "float64",
    "supported_by": "int64", "services": "object", "services_received": "object",
    "top_fugitive": "object", "other_groups": "int64", "outside_ties": "int64",
    "bridged": "object",
}
#: The column names of :data:`MEASURE_DTYPES`.
MEASURE_COLUMNS = tuple(MEASURE_DTYPES)
_TUPLES = ("services", "services_received", "bridged")


class PartyGraph(NamedTuple):
    """The in-process party graph of a case: the kernel, its edge table, the fugitives' values.

    What :func:`netanalysis.analyze.run_analysis` builds once and hands to the backend's
    ``measures`` (:meth:`netanalysis.backends.base.Backend.measures`): a backend that computes
    in process (the embedded one) runs :func:`kernel_measures` on it instead of building the
    same graph again; a backend that computes elsewhere (Neo4j) ignores it.

    Parameters
    ----------
    kernel : Kernel
        :func:`~netanalysis.analyze._kernels.kernel_from_edges` of `edges`.
    edges : pandas.DataFrame
        The (filtered) party edges.
    value : numpy.ndarray of float
        Value of each vertex of `kernel` as a fugitive (0 for everyone else).

    See Also
    --------
    kernel_measures : the measures frame of a party graph.
    case_measures : builds the party graph of a case, then its measures.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from netanalysis.analyze._kernels import kernel_from_edges
    >>> e = pd.DataFrame({"source": ["a"], "target": ["b"], "type": ["family"],
    ...                   "weight": [1.0], "confidence": [1.0]})
    >>> g = PartyGraph(kernel_from_edges(e), e, np.zeros(2))
    >>> kernel_measures(*g)["degree"].tolist()
    [1, 1]
    """

    kernel: object
    edges: pd.DataFrame
    value: np.ndarray


def case_measures(case, *, filters=None, seed=0, settings=None, graph=None):
    """Return the measures frame of `case`, computed in process.

    Parameters
    ----------
    case : Case
        A prepared case.
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.
    seed : int
        Seed of sampled betweenness and community detection.
    settings : Settings, optional
    graph : PartyGraph, optional
        The party graph of `case` under `filters`, already built (by
        :func:`~netanalysis.analyze.run_analysis`): used as it is, not built again.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MEASURE_COLUMNS` with :data:`MEASURE_DTYPES`, one row per party.

    See Also
    --------
    kernel_measures : the same on a kernel already built.
    netanalysis.backends.neo4j.neo4j_measures : the same columns computed in Neo4j.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> c = case_from_records(persons=[{"id": "F1", "name": "Ana", "role": "fugitive"},
    ...                                {"id": "S1", "name": "Luis"}, {"id": "X1", "name": "Eva"}],
    ...                       links=[{"from_id": "S1", "to_id": "F1", "type": "lodging"},
    ...                              {"from_id": "X1", "to_id": "S1", "type": "documents"}])
    >>> m = case_measures(c).set_index("id")
    >>> [m.loc["X1", c].item() for c in ("degree", "fugitives_within", "support_value")]
    [1, 1, 0.5]
    """
    settings = settings if settings is not None else load_settings()
    if graph is not None:
        return kernel_measures(*graph, settings=settings, seed=seed)
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    nodes = party_nodes(case)
    edges = party_edges(case, include_inferred=filters.get("include_inferred", True))
    if filters:
        edges = filter_edges(edges, **filters)
    K = kernel_from_edges(edges, nodes)
    value = fugitive_values(nodes, settings).reindex(K.names).fillna(0.0).to_numpy(float)
    return kernel_measures(K, edges, value, settings=settings, seed=seed)


def kernel_measures(K, edges, value, *, settings=None, seed=0):
    """Return the measures frame on kernel `K` of the party-edge table `edges`.

    Parameters
    ----------
    K : Kernel
        :func:`~netanalysis.analyze._kernels.kernel_from_edges` of `edges`.
    edges : pandas.DataFrame
        The (filtered) party edges.
    value : array of float
        Value of each vertex of `K` as a fugitive (0 for everyone else).
    settings : Settings or RankSettings, optional
    seed : int

    Returns
    -------
    pandas.DataFrame
        As :func:`case_measures`.

    See Also
    --------
    case_measures : builds `K`, `edges` and `value` from a case.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from netanalysis.analyze._kernels import kernel_from_edges
    >>> e = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "type": ["family"] * 2,
    ...                   "weight": [1.0, 1.0], "confidence": [0.5, 0.5]})
    >>> K = kernel_from_edges(e)
    >>> kernel_measures(K, e, np.zeros(3))[["id", "degree", "betweenness"]].values.tolist()
    [['a', 1, 0.0], ['b', 2, 1.0], ['c', 1, 0.0]]
    """
    rs = section_settings(settings if settings is not None else load_settings(), "rank")
    ids = K.names
    n = len(ids)
    weight = rs.centrality.weight
    attrs = {}
    k = sample_size(n, settings=rs, ties=K.graph.ecount())
    # started in forked children by run_analysis on a large graph (K.pending), else here
    bt_call = K.pending.pop(("betweenness", k, seed), None) \
        or fork_call(_betweenness_values, K, k, seed, fork=False)
    attrs["betweenness_k"] = k if k is not None else "exact"
    part_call = K.pending.pop(("partition", seed), None)
    if part_call is not None:
        memb, more = part_call.result()
    else:
        memb, more = kernel_partition(K, support_core(K, edges, K.row_codes),
                                       settings=rs, seed=seed)
    attrs.update(more)
    comp = K.graph.connected_components().membership if n else []
    sup = edges[edges["type"].isin(SUPPORT_TYPES)]
    reach = support_reach(sup, ids, value, hops=rs.support.hops, decay=rs.support.decay)
    bridging = group_bridging(K, memb)
    bt = bt_call.result()
    attrs["kernel_cpu_s"] = {"betweenness": round(bt_call.cpu_s, 3)}
    attrs["kernel_forked"] = ["betweenness"] if bt_call.forked else []
    if part_call is not None:
        attrs["kernel_cpu_s"]["partition"] = round(part_call.cpu_s, 3)
        attrs["kernel_forked"].append("partition")
    df = pd.DataFrame({
        "id": ids,
        "degree": C.degree_array(K),
        "strength": C.weighted_degree_array(K, weight=weight),
        "betweenness": bt,
        "pagerank": C.pagerank_array(K, weight=weight),
        "community": memb,
        "component": renumber(ids, comp) if n else np.zeros(0, dtype=np.int64),
    })
    for c in reach.columns:
        df[c] = reach[c].to_numpy()
    for c in ("other_groups", "outside_ties", "bridged"):
        df[c] = bridging[c].to_numpy()
    df = check_measures(df)
    df.attrs.update(attrs, method="in process (igraph)")
    return df


def _betweenness_values(K, k, seed):
    """The betweenness array of `K` (what run_analysis may send to a child)."""
    return C.betweenness_array(K, k=k, seed=seed)[0]


def start_kernels(K, edges, *, settings=None, seed=0):
    """Start the betweenness and the partition of :func:`kernel_measures` in forked children.

    They are left in ``K.pending``; :func:`kernel_measures` on the same `K`, `edges`,
    settings and seed collects them (the same values it would compute). Call it before
    anything in this process runs networkit (OpenMP), as the partition may.

    Parameters
    ----------
    K : Kernel
    edges : pandas.DataFrame
        The party edges `K` was built from.
    settings : Settings or RankSettings, optional
    seed : int

    Returns
    -------
    list of str
        What was started.

    See Also
    --------
    netanalysis.analyze.parallel.fork_call : runs each child.
    kernel_measures : collects them.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.analyze._kernels import kernel_from_edges
    >>> e = pd.DataFrame({"source": ["a"], "target": ["b"], "type": ["lodging"],
    ...                   "weight": [1.0], "confidence": [1.0]})
    >>> K = kernel_from_edges(e)
    >>> start_kernels(K, e), sorted(k[0] for k in K.pending)
    (['betweenness', 'partition'], ['betweenness', 'partition'])
    >>> int(kernel_measures(K, e, [0.0, 0.0])["degree"].sum()), K.pending
    (2, {})
    """
    rs = section_settings(settings if settings is not None else load_settings(), "rank")
    k = sample_size(len(K.names), settings=rs, ties=K.graph.ecount())
    K.pending[("betweenness", k, seed)] = fork_call(_betweenness_values, K, k, seed)
    K.pending[("partition", seed)] = fork_call(kernel_partition, K,
                                               support_core(K, edges, K.row_codes),
                                               settings=rs, seed=seed)
    return ["betweenness", "partition"]


def support_core(K, edges, codes=None):
    """Vertex indices of `K` at either end of a support tie of `edges` (the partition's core).

    Parameters
    ----------
    K : Kernel
    edges : pandas.DataFrame
        Party edges with ``source``, ``target``, ``type``.
    codes : tuple of two int arrays, optional
        The vertex index of each row's source and target, aligned with `edges` (-1 where
        not a vertex): :attr:`Kernel.row_codes` when `K` was built from `edges`. Without
        them the ids are looked up in ``K.names``.

    Returns
    -------
    numpy.ndarray of int64

    See Also
    --------
    kernel_partition : partitions the core's circle apart.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.analyze._kernels import kernel_from_edges
    >>> e = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"],
    ...                   "type": ["lodging", "family"], "weight": 1.0, "confidence": 1.0})
    >>> support_core(kernel_from_edges(e), e).tolist()
    [0, 1]
    """
    if codes is not None and len(codes[0]) == len(edges):
        sup = edges["type"].isin(SUPPORT_TYPES).to_numpy(dtype=bool)
        core = np.concatenate([np.asarray(codes[0])[sup], np.asarray(codes[1])[sup]])
        return core[core >= 0].astype(np.int64)
    s_ = edges[edges["type"].isin(SUPPORT_TYPES)]
    ix = pd.Index(K.names)
    core = np.concatenate([ix.get_indexer(s_["source"].astype(str)),
                           ix.get_indexer(s_["target"].astype(str))])
    return core[core >= 0]


def kernel_partition(K, core=(), *, settings=None, seed=0):
    """Return the partition the ranking uses on kernel `K`, and how it was made.

    Leiden (``rank.communities``) of the whole graph; when ``rank.communities.graph`` is
    ``support_circle``, the vertices at `core` (both ends of every support tie) and their
    neighbours are partitioned again on their own subgraph
    (:func:`~netanalysis.analyze.communities.circle_membership`).

    Parameters
    ----------
    K : Kernel
    core : array of int
        Vertex indices of the support network.
    settings : Settings or RankSettings, optional
    seed : int

    Returns
    -------
    membership : numpy.ndarray of int64
        Group numbers 1.. (largest first), aligned with the vertices of `K`.
    attrs : dict
        ``communities`` and, with the circle, ``communities_circle`` (for ``meta``).

    See Also
    --------
    kernel_measures : uses it for the ``community`` column.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.analyze._kernels import to_kernel
    >>> memb, attrs = kernel_partition(to_kernel(nx.barbell_graph(4, 0)))
    >>> sorted(set(memb.tolist())), attrs["communities"]
    ([1, 2], 'leiden (resolution 1.0)')
    """
    rs = section_settings(settings if settings is not None else load_settings(), "rank")
    weight = rs.centrality.weight
    com = rs.communities
    memb = membership_array(K, resolution=com.resolution, weight=weight, seed=seed,
                            method=com.method, n_iterations=com.n_iterations)
    attrs = {"communities": f"{com.method} (resolution {com.resolution})"}
    if com.graph == "support_circle":
        core = np.asarray(core, dtype=np.int64)
        m_c = K.graph.induced_subgraph(support_circle(K, core).tolist()).ecount()
        res_c = circle_resolution(m_c, resolution=float(com.circle_resolution),
                                  reference_ties=com.circle_reference_ties)
        memb = circle_membership(K, core, memb, resolution=res_c, weight=weight, seed=seed,
                                 n_iterations=com.n_iterations,
                                 objective=com.circle_objective,
                                 density=com.circle_density,
                                 split_alpha=com.circle_split_alpha)
        how = {"surprise": "surprise",
               "cpm": f"CPM, density {com.circle_density:g} x median strength"}.get(
            com.circle_objective, f"modularity, resolution {res_c:.3g}")
        if com.circle_split_alpha is not None:
            how += f"; splits kept when significant at {com.circle_split_alpha:g}"
        attrs["communities_circle"] = (f"support ties and their circle ({m_c:,} ties) "
                                       f"partitioned apart ({how})")
    return memb, attrs


def projection_measures(pairs, ids, core=(), *, settings=None, seed=0, k=None):
    """Return PageRank, betweenness, community and component of a pulled party projection.

    What a backend without a graph library computes in process: the projection holds only
    ids and tie strengths, one row per pair of parties.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``source``, ``target``, ``strength`` (sum of weight x confidence of the pair's ties).
    ids : sequence of str
        Every party (isolated ones included); the result follows this order.
    core : sequence of str
        Ids at either end of a support tie (for the support circle).
    settings : Settings or RankSettings, optional
    seed : int
    k : int, optional
        Betweenness sources (default: :func:`sample_size`).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``pagerank``, ``betweenness``, ``community``, ``component``; ``attrs`` as in
        :func:`kernel_partition` plus ``betweenness_k``.

    See Also
    --------
    kernel_measures : every column, from a case's party edges.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "strength": [1.0, 1.0]})
    >>> projection_measures(p, ["a", "b", "c", "d"])["betweenness"].tolist()
    [0.0, 0.3333333333333333, 0.0, 0.0]
    """
    rs = section_settings(settings if settings is not None else load_settings(), "rank")
    weight = rs.centrality.weight
    e = pd.DataFrame({"source": pairs["source"].astype(str), "target": pairs["target"].astype(str),
                      "weight": pd.to_numeric(pairs["strength"]).astype(float),
                      "confidence": 1.0})
    K = kernel_from_edges(e, list(map(str, ids)))
    n = len(K.names)
    kk = sample_size(n, k, rs, ties=K.graph.ecount())
    bt, _ = C.betweenness_array(K, k=kk, seed=seed)
    ix = pd.Index(K.names)
    core_ix = ix.get_indexer(pd.Index(list(map(str, core)), dtype=object))
    memb, attrs = kernel_partition(K, core_ix[core_ix >= 0], settings=rs, seed=seed)
    comp = K.graph.connected_components().membership if n else []
    df = pd.DataFrame({"id": K.names, "pagerank": C.pagerank_array(K, weight=weight),
                       "betweenness": bt, "community": memb,
                       "component": renumber(K.names, comp) if n else np.zeros(0, np.int64)})
    df.attrs.update(attrs, betweenness_k=kk if kk is not None else "exact")
    return df


def fugitive_values(nodes, settings=None):
    """Return each fugitive's value (``rank.support.base_value`` + danger), keyed by id.

    Parameters
    ----------
    nodes : pandas.DataFrame
        Parties: ``id``, ``role``, and ``notice``, ``wanted_by``, ``offences`` when known.
    settings : Settings or RankSettings, optional

    Returns
    -------
    pandas.Series
        Float values indexed by id; 0 for a party that is not a fugitive.

    See Also
    --------
    netanalysis.analyze.fugitive_danger : the danger term.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"id": ["F1", "A"], "role": ["fugitive", "unknown"],
    ...                   "notice": ["red", None]})
    >>> fugitive_values(p).tolist()
    [2.0, 0.0]
    """
    rs = section_settings(settings if settings is not None else load_settings(), "rank")
    nodes = nodes.assign(id=nodes["id"].astype(str)).drop_duplicates("id")
    role = nodes["role"].fillna("unknown").astype(str) if "role" in nodes \
        else pd.Series("unknown", index=nodes.index)
    danger = fugitive_danger(nodes.assign(role=role), rs)
    value = np.where(role.to_numpy() == "fugitive", rs.support.base_value + danger, 0.0)
    return pd.Series(value, index=pd.Index(nodes["id"].to_numpy(), name="id"), dtype=float)


def check_measures(df, ids=None):
    """Return `df` with the columns and dtypes of the contract, or raise naming what is wrong.

    Parameters
    ----------
    df : pandas.DataFrame
        A measures frame from a backend.
    ids : sequence of str, optional
        Reindex on these party ids (a party the backend did not see gets no ties: zero
        measures, a community and a component of its own).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MEASURE_COLUMNS` in order, typed as :data:`MEASURE_DTYPES`.

    Raises
    ------
    BackendError
        A column is missing.

    See Also
    --------
    empty_measures : the frame of no party.

    Examples
    --------
    >>> m = check_measures(empty_measures(), ids=["a"])
    >>> m["id"].item(), m["community"].item(), m["bridged"].item()
    ('a', 1, ())
    >>> check_measures(empty_measures().drop(columns="pagerank"))
    Traceback (most recent call last):
    ...
    netanalysis.errors.BackendError: the measures frame lacks column(s): pagerank
    """
    missing = [c for c in MEASURE_COLUMNS if c not in df]
    if missing:
        raise BackendError(f"the measures frame lacks column(s): {', '.join(missing)}")
    attrs = dict(df.attrs)
    df = df[list(MEASURE_COLUMNS)].copy()
    df["id"] = df["id"].astype(str)
    if ids is not None:
        df = df.drop_duplicates("id").set_index("id").reindex(pd.Index(ids, name="id"))
        df = df.reset_index()
        for c in ("community", "component"):
            raw = pd.to_numeric(df[c], errors="coerce")
            miss = raw.isna().to_numpy()
            if miss.any():
                start = int(raw.max()) + 1 if raw.notna().any() else 1
                arr = raw.fillna(0).to_numpy(np.int64)
                arr[miss] = start + np.arange(int(miss.sum()))
                df[c] = arr
    for c, t in MEASURE_DTYPES.items():
        if t == "object":
            if c in _TUPLES:
                df[c] = pd.Series([tuple(x) if isinstance(x, (tuple, list, np.ndarray)) else ()
                                   for x in df[c]], index=df.index, dtype=object)
            elif c == "top_fugitive":
                df[c] = pd.Series([None if x is None or x != x else str(x) for x in df[c]],
                                  index=df.index, dtype=object)
            else:
                df[c] = df[c].astype(object)
        elif t == "int64":
            df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0).round().astype(np.int64)
        else:
            df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0.0).astype(np.float64)
    df.attrs.update(attrs)
    return df


def empty_measures():
    """Return the measures frame of a case without parties.

    Returns
    -------
    pandas.DataFrame
        No rows; columns :data:`MEASURE_COLUMNS` typed as :data:`MEASURE_DTYPES`.

    See Also
    --------
    check_measures : fills the parties a backend did not return.

    Examples
    --------
    >>> empty_measures().dtypes["degree"].name
    'int64'
    """
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in MEASURE_DTYPES.items()})


def sample_size(n, k=None, settings=None, ties=None):
    """Return how many sources sampled betweenness uses on `n` parties, None for exact.

    Parameters
    ----------
    n : int
        Parties.
    k : int, optional
        Sources asked for; default: exact up to ``rank.betweenness.exact_max_nodes`` parties,
        else the rule below.
    settings : Settings or RankSettings, optional
    ties : int, optional
        Ties of the graph (the cost of one source). Without it the rule takes the smallest
        sample, ``rank.betweenness.sample_min``.

    Returns
    -------
    int or None

    See Also
    --------
    kernel_measures : applies the same rule in process.

    Notes
    -----
    The rule: as many sources as a fixed budget of work allows, within bounds,

    .. math:: k = \\min(\\text{sample}, \\max(\\text{sample\\_min},
              \\lfloor \\text{sample\\_work} / m \\rfloor))

    with ``rank.betweenness.sample`` = 1024, ``sample_min`` = 64 and ``sample_work`` =
    32,000,000 source x tie visits. One source costs one breadth-first search, O(m) (and
    more per tie on larger graphs, as the graph falls out of the CPU caches), so the sample
    costs O(k m): 1024 sources on the party graph of a 10k-person synth case (24k ties,
    about 0.7 CPU s), 440 at 30k persons (73k ties, about 1.3 CPU s), 131 at 100k persons
    (244k ties, 3.1 CPU s against 1.6 for 64 in the same run, load 19) and the floor of 64
    from 500k ties on, as before. The budget is
    set by the 100k pipeline (``benchmarks/scale.py pipeline --persons 100000 --baseline
    /work/main``, same run, load average 15-16): with a budget of 128M (about 520 sources)
    betweenness took 11.7 CPU s against 1.25 s for 64 sources, a quarter of the run's CPU.

    It is a cost bound, not an accuracy guarantee: the quality of the sample grows with the
    share of nodes sampled, so at a fixed `k` it falls as the graph grows. Against exact
    betweenness (``benchmarks/scale.py betweenness --persons 10000,30000 --ks
    64,128,256,512,1024 --blocks 10000:50000``; ``synth_case`` seed 0 dirty 0 and seed 1
    dirty 0.05, 3 sample seeds per k; load average 7-11 on 2 cores), the share of the exact
    top 1 % found in the sampled top 1 % (mean of the two settings, lowest single run) and
    the Spearman correlation on the exact top 5 %:

    ===== ====================== ====================== ====================== ===========
    k     synth 10k (9.3-9.8k    synth 30k (28-29k      planted blocks 10k     CPU s 30k
          nodes, 21-24k ties)    nodes, 63-73k ties)    nodes / 47k ties       (exact 78-101)
    ===== ====================== ====================== ====================== ===========
    64    38 % (35), rho 0.54    36 % (33), rho 0.52    10 % (8), rho 0.28     0.19
    128   43 % (40), rho 0.58    39 % (37), rho 0.57    14 % (11), rho 0.32    0.35
    256   52 % (48), rho 0.63    44 % (43), rho 0.61    26 % (25), rho 0.38    0.75
    512   68 % (66), rho 0.69    53 % (51), rho 0.65    40 % (38), rho 0.46    1.5
    1024  --                     68 % (65), rho 0.70    55 % (54), rho 0.58    2.8
    ===== ====================== ====================== ====================== ===========

    (exact betweenness: 5.6-6.6 CPU s at 10k, 78-101 at 30k; the last session measured
    36-38 % for 64 sources and 46-48 % for 256 at 100k persons). The old fixed 64 sources
    found about a third of the top 1 % at every size. The rule takes 1024 sources at 10k
    persons (at least the 68 % of 512), 440-510 at 30k (about half, 1.5 CPU s), 131 at
    100k (twice the old 64) and keeps
    64 where more breadth-first searches would dominate the run.

    At 100k persons (``benchmarks/scale.py betweenness --persons 100000 --settings 0:0 --ks
    64,rule,1024 --exact-procs 2``: party graph 98,314 nodes / 243,174 ties, exact 1,699 CPU
    s over 64 source chunks; 3 sample seeds per k; load average 8-10 on 2 cores), mean (min):

    ===== =============== =============== ================= ============== =========
    k     top-1 % recall  Spearman top 5% Spearman top 100  top-20 overlap CPU s
    ===== =============== =============== ================= ============== =========
    64    36.9 % (36.0)   0.511 (0.506)   0.284 (0.218)     17 % (15)      1.4
    131   37.7 % (35.5)   0.559 (0.544)   0.326 (0.233)     22 % (15)      3.0
    1024  50.2 % (49.6)   0.659 (0.657)   0.557 (0.463)     52 % (40)      19.5
    ===== =============== =============== ================= ============== =========

    So at this size the sampled ranking names about a fifth of the exact top 20 (131, the
    rule) and half with 1024 sources at 6.5 times the CPU: betweenness is a weak input
    of the score at 100k and above, whatever the affordable k. The sample is reported
    in ``meta["betweenness_k"]``;
    set ``sample`` (with ``sample_min`` at most as large) for a fixed number of sources.

    Examples
    --------
    >>> sample_size(100), sample_size(10_000, ties=30_000), sample_size(10, k=4)
    (None, 1024, 4)
    >>> sample_size(1_000_000, ties=250_000), sample_size(1_000_000, ties=10_000_000)
    (128, 64)
    """
    if k is not None:
        k = int(k)
        return None if k >= n else max(1, k)
    bt = section_settings(settings if settings is not None else load_settings(),
                          "rank").betweenness
    if n <= int(bt.exact_max_nodes):
        return None
    lo, hi = int(bt.sample_min), int(bt.sample)
    k = lo if ties is None else max(lo, int(bt.sample_work) // max(int(ties), 1))
    k = min(hi, k)
    return None if k >= n else k
