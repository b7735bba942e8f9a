"""Gould-Fernandez brokerage roles counted inside Neo4j.

:func:`neo4j_brokerage` gives the ``gf_*`` columns of the ranking
(:func:`netanalysis.analyze.run_analysis`) for a case pushed to Neo4j, computed on the same
arcs as the embedded backend: the support ties from supplier to receiver, plus the
communication ties of the parties of the support network read both ways while the number of
two-paths stays within ``rank.brokerage.max_two_paths`` (support alone above it; nothing
above that). Two named blocks of ``cypher/measures.cypher`` do the work:
``gf_two_path_cost`` (one row: the two-path counts that choose the arcs) and ``gf_roles``
(one row per broker: the five role counts for the partition passed as a parameter). No tie
comes back and no graph is built in process.

References
----------
.. [1] Gould, R. V., Fernandez, R. M. (1989). Structures of mediation: a formal approach to
   brokerage in transaction networks. Sociological Methodology 19, 89-126.
   doi:10.2307/270949
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netanalysis.analyze.brokerage import BROKERAGE_ROLES
from netanalysis.analyze.run import COMMUNICATION_TYPES
from netanalysis.backends.neo4j import queries
from netanalysis.backends.neo4j.analytics import gds_params
from netanalysis.backends.neo4j.connection import connect, connection_settings
from netanalysis.errors import BackendError
from netanalysis.model.vocab import SUPPORT_TYPES, neo4j_rel_type
from netanalysis.settings import load_settings, section_settings

__all__ = ["neo4j_brokerage", "brokerage_in_session"]

_SUPPORT = [neo4j_rel_type(t) for t in SUPPORT_TYPES]


def neo4j_brokerage(ids, groups, uri=None, user=None, password=None, database=None, *,
                    filters=None, max_two_paths=None, settings=None, support_core=None):
    """Return the Gould-Fernandez role counts of the parties of the case in Neo4j.

    Parameters
    ----------
    ids : sequence of str
        The party ids of the rows to return, in order.
    groups : sequence of int
        The group of each of `ids` (the ranking's communities), sent as a parameter.
    uri, user, password, database : str, optional
        Connection (default from the settings).
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`, as for the measures.
    max_two_paths : int, optional
        Most two-paths counted (default ``rank.brokerage.max_two_paths``).
    settings : Settings, optional
    support_core : iterable of str, optional
        The ids of the support network's parties under the same `filters`, as
        :func:`~netanalysis.backends.neo4j.neo4j_measures` collects them (its
        `support_core`); default: queried here (block ``support_core``).

    Returns
    -------
    roles : DataFrame
        Indexed by `ids`: integer columns
        :data:`~netanalysis.analyze.brokerage.BROKERAGE_ROLES` and ``total`` (0 for a party
        that brokers nothing).
    label : str
        Which ties were counted (``"support + communication of the support network"``,
        ``"support"`` or ``"skipped: ..."``), as the embedded backend says.

    Raises
    ------
    BackendError
        The server cannot be used or a query fails.

    See Also
    --------
    netanalysis.analyze.brokerage_roles : the same counts on an in-process graph.

    Examples
    --------
    With a server holding a pushed case (``tests/backends/neo4j`` runs the same)::

        roles, label = neo4j_brokerage(["A", "B", "C"], [1, 1, 2],
                                       uri="bolt://127.0.0.1:7687")
    """
    settings = settings if settings is not None else load_settings()
    if max_two_paths is None:
        max_two_paths = section_settings(settings, "rank").brokerage.max_two_paths
    conf = connection_settings(uri, user, password, database, settings)
    from neo4j import exceptions as nx_exc

    with connect(conf.get("uri"), conf.get("user"), conf.get("password"), conf.get("database"),
                 settings=settings) as conn, conn.session() as s:
        try:
            return brokerage_in_session(s, ids, groups, filters=filters,
                                        max_two_paths=max_two_paths, support_core=support_core)
        except nx_exc.Neo4jError as exc:
            raise BackendError(f"Neo4j failed counting the brokerage roles: "
                               f"{exc.message or exc}") from None


def brokerage_in_session(session, ids, groups, *, filters=None, max_two_paths, support_core=None):
    """:func:`neo4j_brokerage` in an open session (the same arguments and result).

    Parameters
    ----------
    session : neo4j.Session
    ids : sequence of str
    groups : sequence of int
    filters : dict, optional
    max_two_paths : int
    support_core : iterable of str, optional

    Returns
    -------
    roles : DataFrame
    label : str

    See Also
    --------
    neo4j_brokerage : opens the connection.

    Examples
    --------
    In a session on a server holding a pushed case (``tests/backends/neo4j`` runs the same)::

        with driver.session() as s:
            roles, label = brokerage_in_session(s, ids, groups, max_two_paths=10_000_000)
    """
    fp = gds_params(filters)
    ids = [str(i) for i in ids]
    gmap = {i: int(g) for i, g in zip(ids, np.asarray(groups, dtype=np.int64).tolist())}
    comm = [neo4j_rel_type(t) for t in COMMUNICATION_TYPES]
    if support_core is None:
        support_core = [r["id"] for r in queries.run(session, "support_core", support=_SUPPORT,
                                                     **fp)]
    inside = dict.fromkeys(map(str, support_core), True)
    cost = queries.run(session, "gf_two_path_cost", support=_SUPPORT, communication=comm,
                       inside=inside, **fp).single()
    c_sup = float(cost["support"] or 0) if cost is not None else 0.0
    c_all = float(cost["with_communication"] or 0) if cost is not None else 0.0
    n_comm = int(cost["communication"] or 0) if cost is not None else 0
    if n_comm and c_all <= max_two_paths:
        with_comm, label = True, "support + communication of the support network"
    elif c_sup <= max_two_paths:
        with_comm, label = False, "support"
    else:
        with_comm, label = None, f"skipped: more than {max_two_paths} two-paths"
    cols = list(BROKERAGE_ROLES)
    out = pd.DataFrame(np.zeros((len(ids), 6), dtype=np.int64), columns=cols + ["total"],
                       index=pd.Index(ids, name="id"))
    if with_comm is None or not inside:
        return out, label
    rows = [dict(r) for r in queries.run(session, "gf_roles", groups=gmap, inside=inside,
                                         support=_SUPPORT, communication=comm,
                                         with_communication=with_comm, **fp)]
    got = pd.DataFrame(rows, columns=["id"] + cols)
    got = got[got["id"].isin(out.index)]
    if len(got):
        vals = got[cols].to_numpy(np.int64)
        out.loc[got["id"].astype(str).tolist(), cols] = vals
        out.loc[got["id"].astype(str).tolist(), "total"] = vals.sum(axis=1)
    return out, label
