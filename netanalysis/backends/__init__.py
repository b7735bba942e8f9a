"""Where the graph lives and the measures run: in process (networkx) or in a Neo4j server.

The embedded backend is the default and needs nothing beyond the package. The Neo4j backend
(:mod:`netanalysis.backends.neo4j`) pushes a case into a Neo4j 5 server as the same typed
property graph as :func:`netanalysis.model.build_graph`, pulls graphs back, and computes the
measures in the database with Graph Data Science when the server has it. A backend that
cannot run an analysis says why (:class:`netanalysis.errors.BackendError`).
"""

__all__ = []
