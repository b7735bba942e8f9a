"""One local Spark session for the Spark engine's tests (``local[2]``, small shuffles).

The tests skip with the reason when pyspark or Java is missing, unless
``NETANALYSIS_REQUIRE_SPARK=1`` (CI), where they fail instead. Until the engine's own
``netanalysis.engines.spark.session.spark_session`` is merged, this fixture builds the session
itself.
"""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest


def _unavailable(reason):
    if os.environ.get("NETANALYSIS_REQUIRE_SPARK") == "1":
        pytest.fail(f"NETANALYSIS_REQUIRE_SPARK=1 but Spark cannot run: {reason}")
    pytest.skip(f"no Spark: {reason} (pip install 'pyspark>=4.0' and install Java 17)")


@pytest.fixture(scope="session")
def spark():
    """A ``local[2]`` SparkSession shared by all Spark tests."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _unavailable("pyspark is not installed")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        _unavailable("no java on PATH and JAVA_HOME unset")
    s = (SparkSession.builder.master("local[2]").appName("netanalysis-tests")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.default.parallelism", "2")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         .config("spark.driver.memory", "2g")
         .config("spark.sql.session.timeZone", "UTC")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def spark_tables(spark, case, names=None):
    """The tables of a pandas `case` as Spark DataFrames (list cells stay arrays of strings)."""
    from pyspark.sql import types as T
    out = {}
    for name, df in case.tables.items():
        if names is not None and name not in names:
            continue
        fields, cols = [], {}
        for c in df.columns:
            s = df[c]
            if s.map(lambda v: isinstance(v, (list, tuple))).any():
                cols[c] = [None if v is None or (isinstance(v, float) and v != v) else
                           [str(x) for x in v] for v in s]
                fields.append(T.StructField(c, T.ArrayType(T.StringType()), True))
            elif pd.api.types.is_float_dtype(s):
                cols[c] = [None if v != v else float(v) for v in s]
                fields.append(T.StructField(c, T.DoubleType(), True))
            elif pd.api.types.is_integer_dtype(s):
                cols[c] = [int(v) for v in s]
                fields.append(T.StructField(c, T.LongType(), True))
            else:
                cols[c] = [None if v is None or (isinstance(v, float) and v != v) else str(v)
                           for v in s]
                fields.append(T.StructField(c, T.StringType(), True))
        rows = list(zip(*[cols[c] for c in df.columns])) if len(df.columns) else []
        out[name] = spark.createDataFrame(rows, T.StructType(fields))
    return out


@pytest.fixture(scope="session")
def to_spark(spark):
    """``to_spark(case)`` -> dict of Spark DataFrames named like the case files."""
    return lambda case, names=None: spark_tables(spark, case, names)
