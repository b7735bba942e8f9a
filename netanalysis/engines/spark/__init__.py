"""The Spark engine: the stages that scale with national data as Spark jobs.

Submodules are imported by name (``netanalysis.engines.spark.infer``): importing this package
does not import pyspark.
"""

__all__: list[str] = []
