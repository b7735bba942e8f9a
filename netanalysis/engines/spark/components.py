"""Connected components of a Spark edge table, by the large-star/small-star algorithm.

GraphFrames' JAR is not available from the package registries this project installs from, so
components run as plain Spark DataFrame iterations: the alternating large-star and small-star
operations of Kiveris et al. (2014), which turn any graph into a forest of stars, one per
component, centred on the component's smallest node. Everything that needs components
(clusters of identities in resolution, the pieces of the investigation graph) calls
:func:`connected_components`, so a cluster that has GraphFrames can swap it in here.
"""

from __future__ import annotations

__all__ = ["connected_components", "MAX_ROUNDS"]

#: Most rounds (one large-star and one small-star each) before giving up; the algorithm needs
#: O(log^2 n) rounds, about 10 on a billion nodes.
MAX_ROUNDS = 100


def connected_components(edges, *, src="src", dst="dst", checkpoint=True):
    """Return the connected component of every node of an undirected edge table.

    Parameters
    ----------
    edges : pyspark.sql.DataFrame
        One row per edge, node ids in columns `src` and `dst` (strings or integers; a
        self-loop ``(a, a)`` makes `a` a component of its own; nulls are dropped).
    src, dst : str
        The names of the two node columns.
    checkpoint : bool
        Cut the query plan after each round (``localCheckpoint``), so that the plan does not
        grow with the rounds; turn it off only for tiny inputs.

    Returns
    -------
    pyspark.sql.DataFrame
        Columns ``node`` and ``component`` (the smallest node id of the node's component, in
        the order of the id column's type), one row per node.

    Raises
    ------
    RuntimeError
        When the stars have not formed after :data:`MAX_ROUNDS` rounds (a bug, not an input
        problem).

    See Also
    --------
    netanalysis.engines.spark.reduce.reduce_case : uses it for the pieces of the circle.

    Notes
    -----
    Large-star links every neighbour *larger* than a node to the smallest node of its
    neighbourhood; small-star links a node and its *smaller* neighbours to the smallest of
    them. Both keep the components; alternating them converges to one star per component in
    O(log^2 n) rounds, each a few joins and aggregations over the edges. The stop test
    checks that the edge set is a star forest: no centre is a leaf and every leaf has one
    centre.

    References
    ----------
    R. Kiveris, S. Lattanzi, V. Mirrokni, V. Rastogi, S. Vassilvitskii, "Connected Components
    in MapReduce and Beyond", Proc. ACM SoCC 2014. doi:10.1145/2670979.2670997

    Examples
    --------
    >>> import pytest
    >>> from netanalysis.engines.spark.session import spark_available, spark_session
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> spark = spark_session("local[2]")
    >>> e = spark.createDataFrame([("b", "c"), ("c", "a"), ("x", "y"), ("z", "z")], "src string, dst string")
    >>> sorted(tuple(r) for r in connected_components(e).collect())
    [('a', 'a'), ('b', 'a'), ('c', 'a'), ('x', 'x'), ('y', 'x'), ('z', 'z')]
    """
    from pyspark.sql import functions as F

    e = edges.select(F.col(src).alias("u"), F.col(dst).alias("v")).where(
        F.col("u").isNotNull() & F.col("v").isNotNull())
    nodes = e.select(F.col("u").alias("node")).union(e.select(F.col("v").alias("node"))).distinct()
    # oriented (larger, smaller), self-loops dropped
    cur = e.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")) \
        .where(F.col("u") != F.col("v")).distinct()
    if checkpoint:
        nodes = nodes.localCheckpoint()
        cur = cur.localCheckpoint()
    for _ in range(MAX_ROUNDS):
        if _is_star_forest(cur):
            break
        cur = _small_star(_large_star(cur))
        if checkpoint:
            cur = cur.localCheckpoint()
    else:
        raise RuntimeError(f"connected components: no star forest after {MAX_ROUNDS} rounds")
    return nodes.join(cur.select(F.col("u").alias("node"), F.col("v").alias("component")),
                      "node", "left") \
        .select("node", F.coalesce("component", "node").alias("component"))


def _large_star(cur):
    """Each node u: link every neighbour larger than u to the smallest of N(u) and u."""
    from pyspark.sql import functions as F

    both = cur.union(cur.select(F.col("v").alias("u"), F.col("u").alias("v")))
    mins = both.groupBy("u").agg(F.least(F.min("v"), F.first("u")).alias("m"))
    out = both.where(F.col("v") > F.col("u")).join(mins, "u") \
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
    return out.distinct()


def _small_star(cur):
    """Each node u: link u and its smaller neighbours to the smallest of them."""
    from pyspark.sql import functions as F

    mins = cur.groupBy("u").agg(F.min("v").alias("m"))
    leaves = cur.join(mins, "u").select(F.col("v").alias("u"), F.col("m").alias("v"))
    centre = mins.select("u", F.col("m").alias("v"))
    out = leaves.union(centre).where(F.col("u") != F.col("v"))
    return out.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")).distinct()


def _is_star_forest(cur):
    """True when no edge's smaller end is another edge's larger end, and leaves have one centre."""
    from pyspark.sql import functions as F

    centres = cur.select(F.col("v").alias("u")).distinct()
    chained = cur.join(centres, "u", "left_semi").limit(1).count()
    if chained:
        return False
    return cur.groupBy("u").count().where(F.col("count") > 1).limit(1).count() == 0
