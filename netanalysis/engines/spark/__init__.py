"""The Spark engine: the stages that scale with national data, as Spark jobs.

- :func:`~netanalysis.engines.spark.session.spark_session`: a local or remote session
  (``local[N]``, ``spark://...``, ``yarn``, Spark Connect ``sc://...``).
- :func:`~netanalysis.engines.spark.read.read_case_spark`: case files (CSV, Parquet) into
  Spark DataFrames with the same validation and rejects ledger as the embedded reader.
- :func:`~netanalysis.engines.spark.components.connected_components`: large-star/small-star.
- :func:`~netanalysis.engines.spark.reduce.reduce_case`: the national graph reduced to the
  investigation graph (persons of interest, support networks, k-hop circle) as a
  :class:`~netanalysis.model.Case`.
- :func:`~netanalysis.engines.spark.pipeline.prepare_case_spark`: the engine's run, which
  ``analyze_case(engine="spark")`` calls.

pyspark is an optional dependency (``pip install 'netanalysis[spark]'``) and needs Java 17;
nothing here imports it until a function is called. Deployment: ``docs/spark.md``.
"""

__all__ = []
