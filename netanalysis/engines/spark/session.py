"""The Spark session of the engine: local mode by default, a cluster or Spark Connect when named.

``spark_session()`` gives ``local[N]`` (N = the CPU cores of this machine, or the setting
``spark.local_cores``), whose Python workers run the driver's interpreter (``sys.executable``,
unless ``PYSPARK_PYTHON`` is set: not the first ``python3`` on the ``PATH``, which may lack
numpy and pandas); ``spark_session("spark://host:7077")``, ``"yarn"``, ``"k8s://..."``
give a classic session on a cluster, ``spark_session("sc://host:15002")`` a Spark Connect
session (no local JVM: the server runs the jobs). Logging is quiet (errors only) and the
console progress bar is off. A session that needs a local JVM checks first that Java 17 or
newer is on the ``PATH`` (or ``JAVA_HOME``) and says so clearly when it is not.

See ``docs/spark.md`` for deployment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from contextlib import contextmanager

from netanalysis.errors import BackendError

__all__ = ["spark_session", "spark_available", "java_version", "pandas_interop", "is_connect",
           "start_connect_server"]

#: Oldest Java that Spark 4 runs on.
MIN_JAVA = 17

#: Settings of every session made here (the caller's `conf` takes precedence).
_DEFAULT_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.adaptive.enabled": "true",
    # a Python worker imports pandas, pyarrow and the task's module once, then serves the
    # next tasks (Spark's default, set here so that a cluster's defaults do not undo it)
    "spark.python.worker.reuse": "true",
}


def java_version(java=None):
    """Return the major version of the Java runtime Spark would start, or None.

    Parameters
    ----------
    java : str, optional
        The ``java`` executable; default ``$JAVA_HOME/bin/java``, else ``java`` on the PATH.

    Returns
    -------
    int or None
        The major version (``17``), None when no Java can be run.

    See Also
    --------
    spark_available : says whether a local session can start, and why not.

    Examples
    --------
    >>> v = java_version()
    >>> v is None or v >= 8
    True
    >>> java_version("/nonexistent/java") is None
    True
    """
    if java is None:
        home = os.environ.get("JAVA_HOME")
        java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java:
        return None
    try:
        res = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', res.stderr + res.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def spark_available(master=None):
    """Say whether a Spark session for `master` can start here: ``(ok, reason)``.

    Parameters
    ----------
    master : str, optional
        As for :func:`spark_session`; a Spark Connect URL (``sc://``) needs no local Java.

    Returns
    -------
    tuple of (bool, str)
        True and ``""``, or False and what is missing (pyspark, Java 17).

    See Also
    --------
    spark_session : starts the session.

    Examples
    --------
    >>> ok, reason = spark_available()
    >>> ok or reason.startswith(("pyspark", "Java"))
    True
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False, ("pyspark is not installed: pip install 'netanalysis[spark]' "
                       "(pyspark>=4.0 and pyarrow)")
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False, "pyspark needs pyarrow: pip install 'netanalysis[spark]'"
    if is_connect(master):
        return True, ""
    v = java_version()
    if v is None:
        return False, (f"Java {MIN_JAVA} is needed for Spark and none was found (install "
                       f"openjdk-{MIN_JAVA}-jdk-headless or set JAVA_HOME)")
    if v < MIN_JAVA:
        return False, (f"Java {MIN_JAVA} or newer is needed for Spark 4, found Java {v} "
                       "(set JAVA_HOME to a newer one)")
    return True, ""


def is_connect(master):
    """Return True when `master` names a Spark Connect server (``sc://host:port``).

    Parameters
    ----------
    master : str or None
        A Spark master URL.

    Returns
    -------
    bool

    See Also
    --------
    spark_session : uses ``builder.remote`` for such a URL.

    Examples
    --------
    >>> is_connect("sc://spark.example:15002"), is_connect("local[2]"), is_connect(None)
    (True, False, False)
    """
    return bool(master) and str(master).startswith("sc://")


def spark_session(master=None, *, app_name="netanalysis", conf=None):
    """Return a Spark session: ``local[N]`` by default, else the cluster `master` names.

    Parameters
    ----------
    master : str, optional
        ``local[N]``, ``spark://host:7077``, ``yarn``, ``k8s://...`` or a Spark Connect
        URL ``sc://host:15002``. Default: ``local[N]`` with N the cores of this machine.
    app_name : str
        The application name the cluster shows.
    conf : dict, optional
        Spark settings (``spark.driver.memory``, ``spark.sql.shuffle.partitions``...);
        they override the defaults of this module (UI off, Arrow on, UTC).

    Returns
    -------
    pyspark.sql.SparkSession
        The active session with these settings (an existing one in this process is reused;
        settings that can only be set at start-up then keep their first values).

    Raises
    ------
    BackendError
        pyspark or pyarrow is missing, or a local JVM is needed and Java 17 is not found.

    See Also
    --------
    spark_available : the same checks, without starting anything.

    Examples
    --------
    >>> import pytest
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> spark = spark_session("local[2]", conf={"spark.sql.shuffle.partitions": "4"})
    >>> spark.range(3).count()
    3
    """
    ok, reason = spark_available(master)
    if not ok:
        raise BackendError(f"cannot start Spark: {reason}")
    from pyspark.sql import SparkSession

    settings = dict(_DEFAULT_CONF)
    if not is_connect(master):
        cores = os.cpu_count() or 1
        master = master or f"local[{cores}]"
        if master.startswith("local"):
            n = re.match(r"local\[(\d+)", master)
            settings["spark.sql.shuffle.partitions"] = str(max(2, 2 * int(n.group(1)) if n else 2 * cores))
            settings.setdefault("spark.driver.memory", "2g")
            # pyspark starts the workers with $PYSPARK_PYTHON, else the first python3 on the
            # PATH: in local mode they run this interpreter (with its packages) instead
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings.update({str(k): str(v) for k, v in (conf or {}).items()})
    if is_connect(master):  # a Connect client sets only runtime (SQL) settings of its session
        settings = {k: v for k, v in settings.items() if k.startswith("spark.sql.")}
    builder = SparkSession.builder.appName(app_name)
    builder = builder.remote(master) if is_connect(master) else builder.master(master)
    for k, v in settings.items():
        builder = builder.config(k, v)
    try:
        with pandas_interop():
            spark = builder.getOrCreate()
    except Exception as exc:  # the JVM failed to start, or the server cannot be reached
        raise BackendError(f"cannot start Spark on {master}: {str(exc).splitlines()[0][:300]}") from None
    if not is_connect(master):
        spark.sparkContext.setLogLevel("ERROR")
    for k, v in settings.items():  # runtime settings of a session that already existed
        if k.startswith("spark.sql."):
            spark.conf.set(k, v)
    return spark


def start_connect_server(spark, *, host="127.0.0.1", port=0):
    """Start a Spark Connect server in the JVM of a classic session; return its URL.

    The server shares the session's SparkContext (its executors, its memory), so Connect
    clients -- other processes, notebooks, ``--spark-master sc://...`` -- run their jobs on it.
    On a cluster the usual way is ``sbin/start-connect-server.sh`` of the Spark distribution
    (also shipped in the pyspark package); this function serves one machine and the tests.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        A classic (not Connect) session, e.g. from :func:`spark_session`.
    host : str
        Address the server listens on (default: this machine only).
    port : int
        Port; 0 picks a free one.

    Returns
    -------
    str
        ``sc://host:port``, for :func:`spark_session` or ``SparkSession.builder.remote``.

    Raises
    ------
    BackendError
        `spark` is a Connect session, or the server cannot start.

    See Also
    --------
    spark_session : connects to the URL returned.

    Examples
    --------
    >>> import pytest
    >>> ok, why = spark_available()
    >>> if not ok:
    ...     pytest.skip(why)
    >>> url = start_connect_server(spark_session("local[2]"))
    >>> url.startswith("sc://127.0.0.1:")
    True
    """
    if not hasattr(spark, "sparkContext") or type(spark).__module__.startswith("pyspark.sql.connect"):
        raise BackendError("start_connect_server needs a classic Spark session, not a Connect one")
    sc = spark.sparkContext
    # pyspark has no public handle on the JVM: the server object is reached through py4j
    jconf = sc._jsc.sc().conf()
    svc = getattr(getattr(sc._jvm.org.apache.spark.sql.connect.service, "SparkConnectService$"), "MODULE$")
    try:
        if not svc.started():
            jconf.set("spark.connect.grpc.binding.address", str(host))
            jconf.set("spark.connect.grpc.binding.port", str(int(port)))
            svc.start(sc._jsc.sc())
        return f"sc://{jconf.get('spark.connect.grpc.binding.address', host)}:{int(svc.localPort())}"
    except Exception as exc:  # the server jar is missing, the port is taken
        raise BackendError(f"cannot start a Spark Connect server: {str(exc).splitlines()[0][:300]}") from None


@contextmanager
def pandas_interop():
    """Context in which pyspark's warning about pandas 3 is not raised.

    pyspark 4.3 warns (``FutureWarning``) that it "does not yet fully support pandas >= 3.0.0"
    each time pandas data crosses into Spark (``createDataFrame``, ``mapInPandas``,
    ``toPandas``), and its Arrow conversion passes pandas 3's deprecated ``copy`` keyword. The
    conversions used here (strings, floats, lists of strings) are exact, checked by the parity
    tests, so these two warnings are silenced around them only.

    Yields
    ------
    None
        Use with ``with``.

    See Also
    --------
    spark_session : the session the conversions run in.

    Examples
    --------
    >>> import warnings
    >>> with pandas_interop():
    ...     warnings.warn("PySpark does not yet fully support pandas >= 3.0.0.", FutureWarning)
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*PySpark does not yet fully support pandas",
                                category=FutureWarning)
        # pyspark 4.3's Arrow conversion passes pandas' deprecated ``copy`` keyword
        warnings.filterwarnings("ignore", message=r".*The copy keyword is deprecated")
        yield
