"""The ranking step of the main job: every measure, the groups, the scores, in one call.

:func:`run_analysis` works from the party-edge table straight to igraph (one
:class:`~netanalysis.analyze._kernels.Kernel` shared by every measure); no networkx graph of
the whole case is built, so a case of a million persons ranks in minutes. Only the support
network (and, when small enough, the communication ties) go through networkx, for the
Gould-Fernandez brokerage roles; with a backend that counts them where the case lives (the
Neo4j backend: ``Backend.brokerage``) they are counted there and no graph is built for them.
"""

from __future__ import annotations

import time
from contextlib import nullcontext

import igraph
import networkx as nx
import numpy as np
import pandas as pd

from netanalysis.analyze import centrality as C
from netanalysis.analyze._kernels import kernel_from_edges
from netanalysis.analyze.brokerage import (
    BROKERAGE_ROLES,
    brokerage_roles,
    structural_holes_arrays,
)
from netanalysis.analyze.communities import partition_modularity
from netanalysis.analyze.logistics import group_table, logistics_groups
from netanalysis.analyze.measures import (
    PartyGraph,
    check_measures,
    kernel_measures,
    start_kernels,
)
from netanalysis.analyze.parallel import fork_call, parallel_enabled
from netanalysis.analyze.result import TARGET_COLUMNS, Analysis
from netanalysis.analyze.targets import (
    explain_targets,
    fugitive_danger,
    score_targets,
    top_fraction,
)
from netanalysis.model.graph import filter_edges, party_edges, party_nodes
from netanalysis.model.vocab import SUPPORT_TYPES
from netanalysis.settings import load_settings, section_settings

__all__ = ["run_analysis", "rank_targets", "rank_settings", "COMMUNICATION_TYPES"]

#: Tie types read as communication for brokerage roles (reported and inferred).
COMMUNICATION_TYPES = ("communication", "calls")

#: Measure columns of ``targets`` after the contract columns, in order.
MEASURE_COLUMNS = [
    "danger", "fugitive_value", "support_value", "fugitives_direct", "fugitives_within",
    "services", "supported_by", "services_received", "top_fugitive",
    "danger_part", "support_part", "brokerage", "centrality",
    "group", "other_groups", "outside_ties", "bridged",
    *[f"gf_{r}" for r in BROKERAGE_ROLES], "gf_total",
    "degree", "weighted_degree", "betweenness", "betweenness_top", "pagerank", "pagerank_top",
    "eigenvector", "closeness", "harmonic", "core_number", "constraint", "effective_size",
]


def rank_settings(settings=None):
    """Return the typed ``rank`` section (:class:`~netanalysis.settings.RankSettings`).

    Parameters
    ----------
    settings : Settings, RankSettings, dict or None
        Full settings, the section itself, a dict of some ``rank`` keys (checked, defaults
        filled in) or None (defaults).

    Returns
    -------
    RankSettings

    See Also
    --------
    run_analysis : reads its parameters from this section.
    netanalysis.settings.section_settings : the same for any section.

    Examples
    --------
    >>> rank_settings({"betweenness": {"sample": 8}}).betweenness.sample
    8
    """
    return section_settings(settings, "rank")


def run_analysis(case, *, settings=None, filters=None, seed=0, measures=None, progress=None,
                 backend=None, alongside=None):
    """Rank the targets and logistics groups of `case`.

    Parameters
    ----------
    case : Case
        A loaded case (:func:`netanalysis.ingest.load_case`), resolved or not.
    settings : Settings, optional
        From :func:`netanalysis.settings.load_settings`; the ``rank`` section drives the
        score (see :mod:`netanalysis.analyze.targets`).
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges` (``link_types``,
        ``min_confidence``, ``include_inferred``, ``since``, ``until``): every measure,
        group and score is computed on the filtered ties.
    seed : int
        Seed of the betweenness source sample and of community detection.
    measures : DataFrame, optional
        The party measures of a backend (``Backend.measures``): the columns
        :data:`netanalysis.analyze.measures.MEASURE_COLUMNS` (degree, strength, betweenness,
        PageRank, community, component, support reach, group bridges). The ranking uses them
        as they are; None asks `backend` for them.
    progress : Progress, optional
    backend : Backend, optional
        Where the party measures are computed when `measures` is None
        (:func:`netanalysis.backends.base.get_backend`): its ``measures`` is handed the party
        graph built here (:class:`~netanalysis.analyze.measures.PartyGraph`), so the embedded
        backend computes on it and no graph is built twice; the Neo4j backend computes in the
        database. None: :func:`~netanalysis.analyze.measures.kernel_measures` here, as the
        embedded backend does.
    alongside : callable, optional
        Called with no argument in this process while the kernels run in forked children
        (on a graph of at least :data:`netanalysis.analyze.parallel.PARALLEL_MIN_NODES`
        parties; before the measures otherwise): the pipeline anticipates movements there.
        Its value is not kept; it should keep what it computes itself.

    Returns
    -------
    Analysis
        ``targets`` (contract columns then the measures), ``groups``, ``logistics``,
        ``measures`` (indexed by id), ``modularity``, ``meta`` (seed, betweenness sample
        size, kernels, timings, filters).

    See Also
    --------
    rank_targets : the targets alone.
    netanalysis.pipeline.analyze_case : the main job, writing the output files.

    Notes
    -----
    Measures run on the simple undirected party graph (parallel ties merged; see
    :func:`netanalysis.model.party_graph`). Betweenness is exact up to
    ``rank.betweenness.exact_max_nodes`` nodes and sampled from
    ``rank.betweenness.sample`` sources above; closeness and harmonic centrality (all-pairs)
    only up to ``rank.closeness_max_nodes`` (NaN above); Burt's constraint and effective
    size (not part of the score) while the graph has at most
    ``rank.structural_holes_max_two_paths`` two-paths (sum of squared degrees). Time is
    dominated by sampled betweenness, O(k m), and community detection, about O(m).

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.model.case import Case
    >>> persons = pd.DataFrame({"id": ["F1", "X", "Y", "Z"], "name": ["F", "X", "Y", "Z"],
    ...     "role": ["fugitive", "unknown", "unknown", "unknown"],
    ...     "notice": ["red", None, None, None], "_file": "persons.csv", "_line": [2, 3, 4, 5]})
    >>> links = pd.DataFrame({"from_id": ["X", "Y", "Y"], "to_id": ["F1", "Z", "F1"],
    ...     "type": ["documents", "family", "communication"], "grading": ["B2"] * 3,
    ...     "weight": [1.0] * 3, "start": [None] * 3, "end": [None] * 3,
    ...     "provenance": [None] * 3, "note": [None] * 3, "_file": "links.csv",
    ...     "_line": [2, 3, 4]})
    >>> a = run_analysis(Case(tables={"persons": persons, "links": links}))
    >>> a.targets[["rank", "id"]].head(2).to_dict("list")
    {'rank': [1, 2], 'id': ['F1', 'X']}
    >>> a.targets.loc[a.targets["id"] == "X", "why"].item()
    'supplies documents to fugitive F1 (red notice)'
    """
    rs = rank_settings(settings if settings is not None else load_settings())
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    timings = {}
    meta = {"seed": seed, "filters": filters}

    def step(label):
        return progress.step(label) if progress is not None else nullcontext()

    t0 = time.perf_counter()
    nodes = party_nodes(case)
    edges = party_edges(case, include_inferred=filters.get("include_inferred", True))
    if filters:
        edges = filter_edges(edges, **filters)
    K = kernel_from_edges(edges, nodes)
    ids = K.names
    n = len(ids)
    nodes = nodes.assign(id=nodes["id"].astype(str)).drop_duplicates("id").set_index("id")
    nodes = nodes.reindex(ids)
    roles = nodes["role"].fillna("unknown").astype(str).to_numpy(dtype=object) if "role" in nodes \
        else np.full(n, "unknown", dtype=object)
    names = nodes["name"].to_numpy(dtype=object) if "name" in nodes else ids.copy()
    timings["graph_s"] = _lap(t0)
    meta.update(nodes=n, ties=int(len(edges)), pairs=int(K.graph.ecount()),
                kernels=f"igraph {igraph.__version__}")

    weight = rs.centrality.weight
    danger = fugitive_danger(nodes.reset_index().assign(role=roles), rs)
    value = np.where(roles == "fugitive", rs.support.base_value + danger, 0.0)
    m = {}
    # on a large graph, betweenness, the partition, and eigenvector centrality with core
    # numbers run in forked children (before anything here runs networkit, OpenMP) while this
    # process runs `alongside`; the embedded measures collect them from K.pending
    fork = parallel_enabled(n)
    if fork and measures is None and getattr(backend, "name", "embedded") == "embedded":
        start_kernels(K, edges, settings=rs, seed=seed)
    eig_call = fork_call(_eigen_core, K, weight, fork=fork)
    if alongside is not None:
        with step("alongside the kernels"):
            t = time.perf_counter()
            alongside()
            timings["alongside_s"] = _lap(t)
    with step("party measures"):
        t = time.perf_counter()
        # the backend's measures frame, computed on the party graph K where it runs in process
        in_server = None  # the backend that computed the measures, when it counts roles too
        if measures is None and backend is None:
            frame = kernel_measures(K, edges, value, settings=rs, seed=seed)
        else:
            if measures is None:
                in_server = backend if callable(getattr(backend, "brokerage", None)) else None
                measures = backend.measures(case, filters=filters, seed=seed, settings=settings,
                                            progress=progress, graph=PartyGraph(K, edges, value))
            frame = check_measures(measures, ids=ids)
            frame.attrs.setdefault("betweenness_k", "precomputed")
            frame.attrs.setdefault("communities", "precomputed")
        for key in ("betweenness_k", "communities", "communities_circle"):
            if key in frame.attrs:
                meta[key] = frame.attrs[key]
        kernel_cpu = dict(frame.attrs.get("kernel_cpu_s", {}))
        forked = list(frame.attrs.get("kernel_forked", []))
        m["degree"] = frame["degree"].to_numpy()
        m["weighted_degree"] = frame["strength"].to_numpy()
        m["betweenness"] = frame["betweenness"].to_numpy()
        m["pagerank"] = frame["pagerank"].to_numpy()
        memb = frame["community"].to_numpy(np.int64)
        timings["measures_s"] = _lap(t)
    with step("centrality"):
        t = time.perf_counter()
        m["eigenvector"], m["core_number"] = eig_call.result()
        kernel_cpu["eigenvector+core_number"] = round(eig_call.cpu_s, 3)
        forked += ["eigenvector+core_number"] if eig_call.forked else []
        timings["kernel_cpu_s"] = kernel_cpu
        timings["kernels_forked"] = forked
        if n <= rs.closeness_max_nodes:
            m["closeness"] = C.closeness_array(K)
            m["harmonic"] = C.harmonic_array(K)
            meta["closeness"] = "computed"
        else:
            m["closeness"] = np.full(n, np.nan)
            m["harmonic"] = np.full(n, np.nan)
            meta["closeness"] = f"skipped: more than {rs.closeness_max_nodes} nodes"
        deg = np.asarray(K.graph.degree(), dtype=float)
        two_paths = float((deg * deg).sum())
        limit = rs.structural_holes_max_two_paths
        if two_paths <= limit:
            m["constraint"], m["effective_size"] = structural_holes_arrays(K)
            meta["structural_holes"] = "computed"
        else:
            m["constraint"] = np.full(n, np.nan)
            m["effective_size"] = np.full(n, np.nan)
            meta["structural_holes"] = (f"skipped: {two_paths:.3g} two-paths, more than "
                                        f"rank.structural_holes_max_two_paths = {limit:.3g}")
        timings["other_measures_s"] = _lap(t)
        modularity = partition_modularity(K, memb, weight, rs.communities.resolution) \
            if n else None
        if modularity is not None and modularity != modularity:
            modularity = None

    with step("support and brokerage"):
        t = time.perf_counter()
        sup = edges[edges["type"].isin(SUPPORT_TYPES)]
        reach = frame[["fugitives_direct", "fugitives_within", "support_value", "supported_by",
                       "services", "services_received", "top_fugitive"]]
        bridging = frame[["other_groups", "outside_ties", "bridged"]]
        if in_server is not None:
            # counted in the database holding the case, on the same ties and partition
            gf, meta["brokerage_graph"] = in_server.brokerage(
                ids, memb, filters=filters, max_two_paths=rs.brokerage.max_two_paths,
                settings=settings)
            meta["brokerage_where"] = "server"
        else:
            gf, meta["brokerage_graph"] = _gf_roles(edges, sup, ids, memb, rs, K.row_codes)
            meta["brokerage_where"] = "in process"
        timings["support_brokerage_s"] = _lap(t)

    with step("scores"):
        t = time.perf_counter()
        notices = nodes["notice"].to_numpy(dtype=object) if "notice" in nodes \
            else np.full(n, None, dtype=object)
        table = pd.DataFrame({"id": ids, "name": names, "role": roles})
        for c in ("notice", "wanted_by", "offences"):
            table[c] = nodes[c].to_numpy(dtype=object) if c in nodes else None
        table["danger"] = danger
        table["fugitive_value"] = value
        for c in reach.columns:
            table[c] = reach[c].to_numpy()
        tf = pd.Series(notices, index=ids)
        table["top_fugitive_notice"] = tf.reindex(table["top_fugitive"].astype(object)).to_numpy()
        table["group"] = memb
        table["other_groups"] = bridging["other_groups"].to_numpy()
        table["outside_ties"] = bridging["outside_ties"].to_numpy()
        table["bridged"] = bridging["bridged"].to_numpy()
        for c in gf.columns:
            table[f"gf_{c}"] = gf[c].to_numpy()
        for k_, v in m.items():
            table[k_] = v
        table["betweenness_top"] = top_fraction(m["betweenness"])
        table["pagerank_top"] = top_fraction(m["pagerank"])
        parts = score_targets(table, rs)
        for c in parts.columns:
            table[c] = parts[c].to_numpy()
        table = table.sort_values(["score", "id"], ascending=[False, True], kind="stable")
        table = table.reset_index(drop=True)
        table.insert(0, "rank", np.arange(1, n + 1))
        table["why"] = _explain(table, rs)
        targets = table[TARGET_COLUMNS + MEASURE_COLUMNS]
        timings["scores_s"] = _lap(t)

    with step("logistics groups"):
        t = time.perf_counter()
        groups = group_table(ids, names, roles, memb)
        logistics = logistics_groups(ids, roles, memb, sup, value, notices=notices)
        timings["logistics_s"] = _lap(t)

    measures_df = targets.set_index("id")[MEASURE_COLUMNS]
    timings["total_s"] = _lap(t0)
    meta["timings"] = timings
    meta["modularity"] = modularity
    return Analysis(targets=targets, groups=groups, logistics=logistics, measures=measures_df,
                    modularity=modularity, meta=meta)


def _eigen_core(K, weight):
    """Eigenvector centrality and core numbers of `K` (what run_analysis may send to a child)."""
    return C.eigenvector_array(K, weight=weight), C.core_number_array(K)


def _gf_roles(edges, sup, ids, memb, rs, codes=None):
    """Gould-Fernandez roles on support ties plus the communication ties of the people in
    the support network (when affordable).

    `codes` are the vertex indices (aligned with `ids`) of each row's source and target
    (:attr:`Kernel.row_codes`); without them they are looked up.
    """
    budget = rs.brokerage.max_two_paths
    n = len(ids)
    if codes is None:
        index = pd.Index(ids)
        codes = (index.get_indexer(edges["source"].astype(str)),
                 index.get_indexer(edges["target"].astype(str)))
    a_all, b_all = codes
    known = (a_all >= 0) & (b_all >= 0) & (a_all != b_all)
    is_sup = edges["type"].isin(SUPPORT_TYPES).to_numpy(dtype=bool) & known
    sa, sb = a_all[is_sup], b_all[is_sup]
    inside = np.zeros(n, dtype=bool)
    inside[sa] = True
    inside[sb] = True
    is_comm = edges["type"].isin(COMMUNICATION_TYPES).to_numpy(dtype=bool) & known
    is_comm &= inside[np.where(a_all >= 0, a_all, 0)] | inside[np.where(b_all >= 0, b_all, 0)]
    ca, cb = a_all[is_comm], b_all[is_comm]

    def cost(parts):
        outdeg = np.zeros(n)
        indeg = np.zeros(n)
        for a, b, both in parts:
            outdeg += np.bincount(a, minlength=n)
            indeg += np.bincount(b, minlength=n)
            if both:
                outdeg += np.bincount(b, minlength=n)
                indeg += np.bincount(a, minlength=n)
        return float((indeg * outdeg).sum())

    if len(ca) and cost([(sa, sb, False), (ca, cb, True)]) <= budget:
        parts = [(sa, sb, False), (ca, cb, True)]
        label = "support + communication of the support network"
    elif cost([(sa, sb, False)]) <= budget:
        parts, label = [(sa, sb, False)], "support"
    else:
        parts, label = [], f"skipped: more than {budget} two-paths"
    names = np.asarray([str(x) for x in ids], dtype=object) if len(parts) else ids
    D = nx.DiGraph()
    for a, b, both in parts:
        u = names[a].tolist()
        v = names[b].tolist()
        D.add_edges_from(zip(u, v))
        if both:
            D.add_edges_from(zip(v, u))
    out = pd.DataFrame(np.zeros((n, 6), dtype=np.int64), columns=list(BROKERAGE_ROLES) + ["total"],
                       index=pd.Index(ids, name="id"))
    if D.number_of_edges():
        used = np.unique(np.concatenate([np.concatenate([a, b]) for a, b, _ in parts]))
        g_of = dict(zip(names[used].tolist(), np.asarray(memb)[used].tolist()))
        brokers = [v for v in D if D.in_degree(v) and D.out_degree(v)]
        roles = brokerage_roles(D, g_of, nodes=brokers)
        out.loc[roles.index] = roles.to_numpy()
    return out, label


_WHY_COLUMNS = ["id", "role", "notice", "wanted_by", "offences", "fugitives_direct",
                "fugitives_within", "services", "top_fugitive", "top_fugitive_notice",
                "supported_by", "services_received", "group", "bridged", "gf_total",
                *[f"gf_{r}" for r in BROKERAGE_ROLES], "betweenness", "betweenness_top",
                "pagerank", "pagerank_top", "degree"]


def _explain(table, rs):
    """``why`` for every row: a sentence where something is notable, "N ties" otherwise."""
    top = rs.why.top_percent / 100.0
    nb = table["bridged"].map(len).to_numpy()
    notable = ((table["role"].to_numpy() == "fugitive")
               | (table["fugitives_within"].to_numpy() > 0)
               | ((nb >= 1) & (table["gf_total"].to_numpy() > 0)) | (nb >= 2)
               | ((table["betweenness_top"].to_numpy() <= top) & (table["betweenness"].to_numpy() > 0))
               | ((table["pagerank_top"].to_numpy() <= top) & (table["pagerank"].to_numpy() > 0)))
    deg = table["degree"].to_numpy().astype(np.int64)
    why = np.where(deg == 0, "no ties", pd.Series(deg).astype(str).to_numpy() + " ties").astype(object)
    idx = np.flatnonzero(notable)
    if len(idx):
        why[idx] = explain_targets(table.iloc[idx][_WHY_COLUMNS], rs)
    return why


def _lap(t):
    return round(time.perf_counter() - t, 4)



def rank_targets(case, *, settings=None, filters=None, seed=0, measures=None, progress=None,
                 backend=None):
    """Return the ranked targets of `case` (the ``targets`` table of :func:`run_analysis`).

    Columns: ``rank``, ``id``, ``name``, ``role``, ``score``, ``why``, then the measures
    behind the score; the formula is in :mod:`netanalysis.analyze.targets`.

    Parameters
    ----------
    case : Case
    settings, filters, seed, measures, progress, backend
        As in :func:`run_analysis`.

    Returns
    -------
    pandas.DataFrame

    See Also
    --------
    run_analysis : targets, groups and logistics in one pass.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> c = case_from_records(persons=[{"id": "F1", "name": "Ana", "role": "fugitive"},
    ...                                {"id": "S1", "name": "Luis"}, {"id": "X1", "name": "Eva"}],
    ...                       links=[{"from_id": "S1", "to_id": "F1", "type": "lodging"},
    ...                              {"from_id": "X1", "to_id": "S1", "type": "family"}])
    >>> rank_targets(c)["id"].tolist()
    ['F1', 'S1', 'X1']
    """
    return run_analysis(case, settings=settings, filters=filters, seed=seed, measures=measures,
                        progress=progress, backend=backend).targets
