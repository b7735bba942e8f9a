"""Connected components of a graph held as a Spark DataFrame of edges.

GraphFrames' JAR is not served by the registries this project installs from, so the components
are found with Spark DataFrame iterations: the large-star / small-star algorithm of Kiveris et
al. [1]_. Every step that needs connected components calls :func:`connected_components`, so a
cluster that has GraphFrames can replace this one function.

Notes
-----
Each node points at the smallest node of its neighbourhood. *Large-star* links every larger
neighbour of a node to the smallest node of its neighbourhood; *small-star* links a node and
its smaller neighbours to the smallest of them. Both keep the components; alternated, they
turn every component into a star around its smallest node in ``O(log^2 n)`` rounds (a few in
practice). Each round is a handful of joins and aggregations over the edges, checkpointed so
the plan does not grow with the rounds.

References
----------
.. [1] Kiveris, R., Lattanzi, S., Mirrokni, V., Rastogi, V., Vassilvitskii, S. (2014).
   Connected components in MapReduce and beyond. *Proceedings of the ACM Symposium on Cloud
   Computing* (SoCC '14). doi:10.1145/2670979.2670997
"""

from __future__ import annotations

__all__ = ["MAX_ROUNDS", "connected_components"]

#: Rounds of large-star and small-star after which :func:`connected_components` gives up.
MAX_ROUNDS = 200


def connected_components(edges):
    """Return the connected component of every node of an undirected graph.

    Parameters
    ----------
    edges : pyspark.sql.DataFrame
        Columns ``src`` and ``dst`` (any one comparable type, e.g. string ids); each row is an
        undirected edge. Self-loops and repeated edges are allowed; a node is a node of the
        graph when it appears in an edge.

    Returns
    -------
    pyspark.sql.DataFrame
        ``node, component``, one row per node: ``component`` is the smallest node of its
        component, so the answer does not depend on the partitioning or the order of rows.

    Raises
    ------
    RuntimeError
        The rounds did not converge within :data:`MAX_ROUNDS` (they always do; this guards
        against a broken comparison of the node type).

    See Also
    --------
    netanalysis.engines.spark.resolve.resolve_spark : clusters of identities with it.

    Examples
    --------
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> spark = SparkSession.builder.master("local[1]").getOrCreate()  # doctest: +SKIP
    >>> e = spark.createDataFrame([("b", "c"), ("a", "b"), ("x", "y")], ["src", "dst"])  # doctest: +SKIP
    >>> sorted(map(tuple, connected_components(e).collect()))  # doctest: +SKIP
    [('a', 'a'), ('b', 'a'), ('c', 'a'), ('x', 'x'), ('y', 'x')]

    The same example runs in ``tests/engines/spark/test_components.py`` (doctests cannot start
    a JVM in the quick test subset).
    """
    from pyspark.sql import functions as F

    e = edges.select(F.col("src").alias("u"), F.col("dst").alias("v"))
    nodes = e.select(F.col("u").alias("node")).union(e.select(F.col("v").alias("node"))) \
        .where(F.col("node").isNotNull()).distinct().localCheckpoint()
    # oriented u > v, no self-loops, no repeats
    e = e.where(F.col("u").isNotNull() & F.col("v").isNotNull() & (F.col("u") != F.col("v"))) \
        .select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")).distinct() \
        .localCheckpoint()
    for _ in range(MAX_ROUNDS):
        e = _small_star(_large_star(e)).localCheckpoint()
        if _is_stars(e):
            break
    else:   # pragma: no cover - the algorithm converges in O(log^2 n) rounds
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    # e: one row (u, v) per non-root node u, v its root (the smallest node of the component)
    return nodes.join(e.withColumnRenamed("u", "node"), "node", "left") \
        .select("node", F.coalesce(F.col("v"), F.col("node")).alias("component"))


# --------------------------------------------------------------------------------------------
def _large_star(e):
    """Edges (u > v) -> link each neighbour larger than a node to the node's smallest
    neighbour (itself included)."""
    from pyspark.sql import functions as F
    both = e.select(F.col("u").alias("n"), F.col("v").alias("w")) \
        .union(e.select(F.col("v").alias("n"), F.col("u").alias("w")))
    m = both.groupBy("n").agg(F.min("w").alias("m"))
    m = m.select("n", F.least("n", "m").alias("m"))
    return both.join(m, "n").where(F.col("w") > F.col("n")) \
        .select(F.col("w").alias("u"), F.col("m").alias("v")).distinct()


def _small_star(e):
    """Edges (u > v) -> link a node and its smaller neighbours to the smallest of them."""
    from pyspark.sql import functions as F
    m = e.groupBy("u").agg(F.min("v").alias("m"))
    j = e.join(m, "u")
    out = j.where(F.col("v") != F.col("m")).select(F.col("v").alias("u"), F.col("m").alias("v")) \
        .union(j.select(F.col("u"), F.col("m").alias("v")))
    return out.distinct()


def _is_stars(e):
    """True when every edge (u > v) points at a root: no v is itself the u of an edge, and
    each u has one edge."""
    from pyspark.sql import functions as F
    row = e.agg(F.count("*").alias("n"), F.countDistinct("u").alias("nu")).collect()[0]
    if row["n"] != row["nu"]:
        return False
    roots = e.select(F.col("v").alias("u")).distinct()
    return roots.join(e, "u", "left_semi").limit(1).count() == 0
