"""Engines: where the stages that scale with national data run.

The default, embedded engine runs every stage in this process (pandas, DuckDB, igraph).
The Spark engine (:mod:`netanalysis.engines.spark`, extra ``spark``) runs reading, validation,
resolution, inference and connected components as Spark jobs, reduces the national graph to
the investigation graph and hands that to the embedded ranking. Choose one with
``analyze_case(..., engine=...)`` or ``netanalysis analyze --engine``.
"""

__all__ = ["ENGINES"]

#: The engines ``analyze_case(engine=...)`` accepts.
ENGINES = ("embedded", "spark")
