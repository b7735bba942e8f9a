"""The Neo4j backend: push a case, pull graphs, compute measures in the database.

Every query it runs is a named block of ``cypher/*.cypher``
(:mod:`netanalysis.backends.neo4j.queries`). Connection settings come from
``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE`` or explicit arguments
(:mod:`netanalysis.backends.neo4j.connection`). A real server for tests and development is
started by :func:`netanalysis.backends.neo4j.server.local_server`.
"""

from netanalysis.backends.neo4j.analytics import gds_available, neo4j_measures
from netanalysis.backends.neo4j.connection import Connection, connect, connection_settings
from netanalysis.backends.neo4j.pull import pull_graph
from netanalysis.backends.neo4j.push import clear_database, push_case, push_graph
from netanalysis.backends.neo4j.rebuild import case_from_graph
from netanalysis.backends.neo4j.server import local_server

__all__ = [
    "Connection",
    "connect",
    "connection_settings",
    "push_case",
    "push_graph",
    "clear_database",
    "pull_graph",
    "case_from_graph",
    "neo4j_measures",
    "gds_available",
    "local_server",
]
