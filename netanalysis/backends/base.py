"""The backend contract: where a case lives and where its party measures are computed.

A backend has a ``name``, says whether it can run (:meth:`Backend.unavailable` returns the
reason it cannot, or None), and computes the party measures the ranking needs as a DataFrame
with the fixed columns :data:`MEASURE_COLUMNS` and dtypes :data:`MEASURE_DTYPES`
(:meth:`Backend.measures`; documented in :mod:`netanalysis.analyze.measures`): degree,
strength, betweenness, PageRank, community, component, support reach and group bridges.
:func:`netanalysis.analyze.run_analysis` ranks on that frame and nothing else from the backend.
One lookup,
:func:`get_backend`, chooses a backend by name, so the pipeline and the command line name the
same backends with the same words.

Two backends exist:

- ``embedded`` (the default): the case stays in process; the measures are computed on the
  igraph kernel (:func:`netanalysis.analyze.measures.case_measures`), the one
  :func:`~netanalysis.analyze.run_analysis` built and hands over (``graph=``), so the party
  graph is built once. Nothing to install or start.
- ``neo4j``: the case is pushed into a Neo4j 5 server (replacing what an earlier push wrote in
  that database) and the measures are computed there, in Cypher and Graph Data Science; only
  result columns come back (:func:`netanalysis.backends.neo4j.neo4j_measures`).

The in-process kernel choice inside the embedded backend (networkx or igraph) is a different
thing, named ``engine=`` in :mod:`netanalysis.analyze.centrality`.

Examples
--------
>>> get_backend("embedded").name
'embedded'
>>> get_backend("embedded").unavailable() is None
True
>>> get_backend("neoj")
Traceback (most recent call last):
...
netanalysis.errors.InputError: unknown backend 'neoj': use one of embedded, neo4j (did you mean neo4j?)
"""

from __future__ import annotations

import difflib
import inspect
from abc import ABC, abstractmethod

from netanalysis.analyze.measures import MEASURE_COLUMNS, MEASURE_DTYPES
from netanalysis.errors import InputError

__all__ = ["Backend", "EmbeddedBackend", "Neo4jBackend", "BACKENDS", "MEASURE_COLUMNS",
           "MEASURE_DTYPES", "get_backend"]


class Backend(ABC):
    """Where a case lives and its party measures are computed.

    Subclasses set :attr:`name` and implement :meth:`unavailable`, :meth:`measures` and
    :meth:`describe`.

    See Also
    --------
    get_backend : choose a backend by name.
    EmbeddedBackend, Neo4jBackend : the two implementations.

    Examples
    --------
    >>> b = get_backend("embedded")
    >>> isinstance(b, Backend), b.name
    (True, 'embedded')
    """

    #: The name users give (``--backend NAME``).
    name = ""

    @abstractmethod
    def unavailable(self):
        """Return why this backend cannot run here, or None when it can.

        Returns
        -------
        str or None
        """

    @abstractmethod
    def measures(self, case, *, filters=None, seed=0, settings=None, progress=None, graph=None):
        """Return the party measures of `case`: the frame the ranking consumes.

        Parameters
        ----------
        case : netanalysis.model.Case
            A prepared case (resolved, with inferred ties).
        filters : dict, optional
            Keyword arguments of :func:`netanalysis.model.filter_edges`.
        seed : int
            Seed of sampled betweenness and community detection.
        settings : Settings, optional
        progress : Progress, optional
        graph : netanalysis.analyze.measures.PartyGraph, optional
            The in-process party graph of `case` under `filters`, when the caller has built
            it (:func:`netanalysis.analyze.run_analysis` does): a backend that computes in
            process uses it instead of building its own; one that computes elsewhere ignores
            it.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`MEASURE_COLUMNS` typed as :data:`MEASURE_DTYPES`, one row per
            party; ``attrs`` say how it was computed (``method``, ``betweenness_k``,
            ``communities``).
        """

    @abstractmethod
    def describe(self):
        """Return one line saying where the measures were computed (for reports and logs).

        Returns
        -------
        str
        """


class EmbeddedBackend(Backend):
    """The default: the case stays in process; the measures run on the igraph kernel.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> c = case_from_records(persons=[{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
    ...                       links=[{"from_id": "A", "to_id": "B", "type": "family"}])
    >>> b = EmbeddedBackend()
    >>> b.measures(c)["degree"].tolist(), b.describe()
    ([1, 1], 'embedded (networkx/igraph in process)')

    See Also
    --------
    Neo4jBackend : the server backend.
    """

    name = "embedded"

    def unavailable(self):
        return None

    def measures(self, case, *, filters=None, seed=0, settings=None, progress=None, graph=None):
        from netanalysis.analyze.measures import case_measures

        return case_measures(case, filters=filters, seed=seed, settings=settings, graph=graph)

    def describe(self):
        return "embedded (networkx/igraph in process)"


class Neo4jBackend(Backend):
    """Push the case into a Neo4j 5 server and compute the measures there with GDS.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Connection; default from the settings section ``neo4j`` and ``NEO4J_*`` variables.
    batch_size : int, optional
        Rows per transaction of the push (default ``neo4j.batch_size``).
    use_gds : bool, optional
        True: refuse to run without Graph Data Science (:meth:`unavailable` says why);
        False: never use it; default: use it when installed.

    Notes
    -----
    :meth:`measures` *replaces* what an earlier push wrote in that database (nodes labelled
    ``Node``): give each case a database of its own. Degree, strength, support reach and group
    bridges always run in Cypher; without GDS, PageRank, betweenness, community and component
    are computed in process on the pulled party projection (ids and strengths), and
    :meth:`describe` says so.

    See Also
    --------
    netanalysis.backends.neo4j.push_case, netanalysis.backends.neo4j.neo4j_measures
    EmbeddedBackend : the default backend.

    Examples
    --------
    >>> Neo4jBackend(uri="bolt://localhost:7687").name
    'neo4j'
    """

    name = "neo4j"

    def __init__(self, uri=None, user=None, password=None, database=None, batch_size=None,
                 use_gds=None):
        self.options = {"uri": uri, "user": user, "password": password, "database": database,
                        "batch_size": batch_size}
        self.use_gds = use_gds
        self._note = "neo4j"
        self._core = None  # (filters, ids of the support network) of the last measures

    def unavailable(self, settings=None):
        """Return why this backend cannot run, or None.

        Without ``use_gds=True`` only the driver is checked; with it the server is asked
        whether Graph Data Science is installed, and the reason names the measures that
        cannot be computed in the database.

        Parameters
        ----------
        settings : Settings, optional
            Connection defaults (section ``neo4j``).

        Returns
        -------
        str or None
        """
        try:
            import neo4j  # noqa: F401
        except ImportError as exc:  # pragma: no cover - a core dependency
            return f"the neo4j driver is not installed: {exc}"
        if self.use_gds:
            from netanalysis.backends.neo4j import connect, gds_available
            from netanalysis.backends.neo4j.analytics import GDS_MEASURES
            from netanalysis.errors import BackendError
            from netanalysis.redact import redact_uri

            kw = self._connection(settings)
            try:
                with connect(kw["uri"], kw["user"], kw["password"], kw["database"],
                             settings=settings) as conn, conn.session() as s:
                    version = gds_available(s)
            except BackendError as exc:
                return str(exc)
            if version is None:
                return (f"Graph Data Science is not installed in Neo4j at "
                        f"{redact_uri(kw['uri'])}: {', '.join(GDS_MEASURES)} cannot be "
                        "computed in the database")
        return None

    def _connection(self, settings=None):
        from netanalysis.settings import load_settings

        settings = settings or load_settings()
        conn = dict(settings.section("neo4j"))
        conn.update({k: v for k, v in self.options.items() if v is not None})
        return conn

    def measures(self, case, *, filters=None, seed=0, settings=None, progress=None, graph=None):
        # computed in the database: the in-process party graph (`graph`) is not needed
        from netanalysis.backends.neo4j import neo4j_measures, push_case
        from netanalysis.progress import Progress
        from netanalysis.redact import redact_uri
        from netanalysis.settings import load_settings

        progress = progress or Progress(quiet=True)
        settings = settings or load_settings()
        conn = self._connection(settings)
        kw = {k: conn.get(k) for k in ("uri", "user", "password", "database")}
        with progress.step(f"pushing the case to Neo4j at {redact_uri(kw['uri'])}"):
            # replace: measures must describe this case only, not what an earlier push left
            push_case(case, progress=progress, batch_size=conn["batch_size"],
                      replace=True, settings=settings, **kw)
        core = set()
        with progress.step("computing measures in Neo4j"):
            m = neo4j_measures(filters=filters, seed=seed, progress=progress, settings=settings,
                               use_gds=self.use_gds, support_core=core, **kw)
        # the roles (brokerage) need the same support network: queried once
        self._core = (_core_key(filters, kw), core)
        note = m.attrs.get("method", "measures computed in Neo4j")
        progress.say(f"Neo4j measures: {note}")
        self._note = f"neo4j: {note}"
        return m

    def brokerage(self, ids, groups, *, filters=None, max_two_paths=None, settings=None):
        """Return the Gould-Fernandez role counts, counted in the server that holds the case.

        Parameters
        ----------
        ids : sequence of str
            Party ids, in the order of the rows returned.
        groups : sequence of int
            The group of each of `ids`.
        filters : dict, optional
        max_two_paths : int, optional
        settings : Settings, optional

        Returns
        -------
        roles : DataFrame
        label : str
            See :func:`netanalysis.backends.neo4j.brokerage.neo4j_brokerage`.
        """
        from netanalysis.backends.neo4j.brokerage import neo4j_brokerage
        from netanalysis.settings import load_settings

        settings = settings or load_settings()
        conn = self._connection(settings)
        kw = {k: conn.get(k) for k in ("uri", "user", "password", "database")}
        core = None
        if self._core is not None and self._core[0] == _core_key(filters, kw):
            core = self._core[1]
        return neo4j_brokerage(ids, groups, filters=filters, max_two_paths=max_two_paths,
                               settings=settings, support_core=core, **kw)

    def describe(self):
        return self._note


def _core_key(filters, conn):
    """What the support network of the last measures depends on: filters, server, database."""
    return repr(sorted((filters or {}).items())), conn.get("uri"), conn.get("database")


#: Backends by name.
BACKENDS = {"embedded": EmbeddedBackend, "neo4j": Neo4jBackend}


def get_backend(name, **options):
    """Return the backend called `name`, built with `options`.

    Parameters
    ----------
    name : {"embedded", "neo4j"}
    **options
        Keyword arguments of the backend's class (e.g. ``uri=`` for ``neo4j``); None values
        are ignored, and so are the options of another backend (callers pass the Neo4j
        connection whatever the backend), so no caller looks at the name.

    Returns
    -------
    Backend

    Raises
    ------
    InputError
        `name` is not a backend (the message suggests the nearest one), an option is no
        backend's, or the backend cannot run here (the message says why).

    See Also
    --------
    Backend : the contract.

    Examples
    --------
    >>> get_backend("neo4j", uri="bolt://localhost:7687").options["uri"]
    'bolt://localhost:7687'
    >>> get_backend("embedded", uri="bolt://localhost:7687").name
    'embedded'
    >>> get_backend("embedded", url="bolt://localhost:7687")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netanalysis.errors.InputError: unknown backend option(s): url (options: batch_size, ...)
    """
    cls = BACKENDS.get(name)
    if cls is None:
        near = difflib.get_close_matches(str(name), list(BACKENDS), n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise InputError(f"unknown backend {name!r}: use one of {', '.join(BACKENDS)}{hint}")
    known = set().union(*(_options(c) for c in BACKENDS.values()))
    unknown = sorted(set(options) - known)
    if unknown:
        raise InputError(f"unknown backend option(s): {', '.join(unknown)} "
                         f"(options: {', '.join(sorted(known))})")
    takes = _options(cls)
    backend = cls(**{k: v for k, v in options.items() if v is not None and k in takes})
    why = backend.unavailable()
    if why:
        raise InputError(f"the {name} backend cannot run: {why}")
    return backend


def _options(cls):
    """The keyword options the constructor of backend class `cls` takes."""
    sig = inspect.signature(cls.__init__)
    return {p.name for p in list(sig.parameters.values())[1:]
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
