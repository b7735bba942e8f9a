"""A real Neo4j 5.26 server with Graph Data Science, for tests and development.

The launcher ships inside the package (:data:`LAUNCHER_DIR`, ``launcher/`` beside this module):
``pom.xml`` (the Maven descriptor), ``fetch.sh`` (resolves the jars from Maven Central) and
``Launcher.java`` (started in Java's single-file source mode: Bolt on 127.0.0.1 at a free
port, no HTTP, authentication off unless ``auth_password`` is given, heap capped); see its
``README.md``. The jars are build products kept outside the package, in :data:`TOOLS_DIR`:
``$NETANALYSIS_NEO4J_JARS`` when set, else ``tools/neo4j`` of a source checkout (where
``bash tools/neo4j/fetch.sh`` puts them), else ``~/.cache/netanalysis/neo4j``.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path

from netanalysis.backends.neo4j.jars import TOOLS_DIR, java_available
from netanalysis.errors import BackendError

__all__ = ["LAUNCHER_DIR", "TOOLS_DIR", "PAGECACHE", "java_available", "jars_present",
           "fetch", "local_server", "can_run"]

#: The launcher shipped in the package: ``pom.xml``, ``fetch.sh``, ``Launcher.java``.
LAUNCHER_DIR = Path(str(resources.files("netanalysis.backends.neo4j").joinpath("launcher")))


_READY = "NEO4J_READY "

#: The page cache of a server :func:`local_server` starts, unless told otherwise.
PAGECACHE = "1g"


def jars_present(tools=None):
    """Return True when ``fetch.sh`` has resolved the jars.

    Parameters
    ----------
    tools : str or Path, optional
        The jars folder (default :data:`TOOLS_DIR`).

    Returns
    -------
    bool

    See Also
    --------
    fetch : resolves the jars.

    Examples
    --------
    >>> import tempfile
    >>> jars_present(tempfile.mkdtemp())
    False
    """
    tools = Path(tools or TOOLS_DIR)
    return (tools / "lib" / ".fetched").is_file() and any((tools / "lib").glob("neo4j-harness-*.jar"))


def can_run(tools=None, *, launcher=None):
    """Return ``(True, "")`` when a local server can be started, else ``(False, reason)``.

    `tools` is the jars folder (default :data:`TOOLS_DIR`), `launcher` the folder of
    ``Launcher.java`` (default :data:`LAUNCHER_DIR`).

    Parameters
    ----------
    tools : str or Path, optional
        The jars folder.
    launcher : str or Path, optional
        The folder of ``Launcher.java``.

    Returns
    -------
    tuple of (bool, str)
        Whether a server can start, and why not.

    See Also
    --------
    local_server : starts the server.
    java_available : one of the checks.

    Examples
    --------
    >>> import tempfile
    >>> ok, why = can_run(launcher=tempfile.mkdtemp())
    >>> ok, why.endswith("Launcher.java not found (a broken installation)")
    (False, True)
    """
    tools = Path(tools or TOOLS_DIR)
    launcher = Path(launcher or LAUNCHER_DIR)
    if not (launcher / "Launcher.java").is_file():
        return False, f"{launcher / 'Launcher.java'} not found (a broken installation)"
    if not java_available():
        return False, "Java 17+ is not installed (needed for the local Neo4j test server)"
    if jars_present(tools):
        return True, ""
    if shutil.which("mvn") is None:
        return False, (f"the Neo4j jars are not fetched into {tools} and Maven is not "
                       "installed (install Maven, or run fetch.sh where it is)")
    return True, ""


def fetch(tools=None, *, progress=None):
    """Run the launcher's ``fetch.sh`` into `tools` (does nothing when the jars are up to date).

    Parameters
    ----------
    tools : str or Path, optional
        The jars folder (default :data:`TOOLS_DIR`).
    progress : Progress, optional
        Told that the download starts.

    Returns
    -------
    str
        The script's output.

    Raises
    ------
    BackendError
        The script failed (its output is in the message).

    See Also
    --------
    jars_present : whether this has run.

    Examples
    --------
    Downloads about 170 MB from Maven Central the first time::

        fetch()
    """
    tools = Path(tools or TOOLS_DIR)
    cmd = ["bash", str(LAUNCHER_DIR / "fetch.sh"), "--dest", str(tools)]
    if progress is not None:
        progress.say("fetching Neo4j and Graph Data Science from Maven Central "
                     "(first time only; about 170 MB)")
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackendError(f"cannot run {cmd[1]}: {exc}") from None
    if out.returncode != 0:
        raise BackendError(f"{cmd[1]} failed (exit {out.returncode}):\n{out.stdout}{out.stderr}")
    return out.stdout.strip()


@contextlib.contextmanager
def local_server(home=None, timeout=180, *, heap="1536m", port=0, auth_password=None,
                 tools=None, launcher=None, progress=None, stream_log=None, config=None,
                 case=None, pagecache=None):
    """Start the local Neo4j test server; yield its Bolt URI; stop it on exit.

    With `case`, the new server's database is first loaded with Neo4j's bulk importer
    (:func:`netanalysis.backends.neo4j.bulk.import_graph`, into ``<home>/graph``), the server
    starts on it and gets the constraints and indexes of a push
    (:func:`netanalysis.backends.neo4j.push.create_schema`): the graph
    :func:`~netanalysis.backends.neo4j.push.push_case` would write, several times faster
    than through Bolt. A server that already holds data is loaded with the push instead.

    Parameters
    ----------
    home : str or Path, optional
        Folder for the server's data and logs (default: a temporary folder, removed after).
    timeout : float
        Seconds to wait for the server to answer.
    heap : str
        Maximum Java heap (``-Xmx``).
    port : int
        Bolt port on 127.0.0.1; 0 picks a free one.
    auth_password : str, optional
        Turn authentication on, with this password for the user ``neo4j`` (8 characters or
        more). It is passed to the server through its environment, never its command line.
    tools : Path, optional
        The jars folder (default :data:`TOOLS_DIR`).
    launcher : Path, optional
        The folder of ``Launcher.java`` (default :data:`LAUNCHER_DIR`).
    progress : Progress, optional
    stream_log : file, optional
        Where to copy the server's output as it comes (default: kept, printed on failure).
    config : dict, optional
        Neo4j settings by their ``neo4j.conf`` names, values as text there
        (``{"server.memory.pagecache.size": "2g"}``); a page cache given here wins over
        `pagecache`.
    case : Case, str, Path or networkx.MultiDiGraph, optional
        What to load before the start: a case, a case folder, or a property graph of
        :func:`netanalysis.model.build_graph` (inferred ties included, as the push does).
        `home` must not hold an imported graph yet.
    pagecache : str, optional
        Neo4j's page cache (``server.memory.pagecache.size``, e.g. ``"2g"``). Default: sized
        to the data: :data:`PAGECACHE` (1 GB) or, with `case`, 1.5 times the imported store
        if that is more. The launcher's own 256 MB is less than a 100k-person push touches
        (its property store file alone was 145 MB part-way through the relationships); a
        page cache smaller than the store makes the writes evict and read pages again.

    Yields
    ------
    str
        The Bolt URI, e.g. ``bolt://127.0.0.1:40123``.

    Raises
    ------
    BackendError
        Java or the jars are missing and cannot be fetched, the import of `case` failed,
        or the server did not answer in time (the message includes the server's log).

    See Also
    --------
    can_run : whether this can start a server here.
    netanalysis.backends.neo4j.bulk.import_graph : the load of `case`.

    Examples
    --------
    As ``tests/backends/neo4j`` does::

        with local_server() as uri:
            push_case("examples/case", uri=uri)

    or, loading a new server with the bulk importer::

        with local_server(case="examples/case") as uri:
            neo4j_measures(uri=uri)
    """
    tools = Path(tools or TOOLS_DIR)
    launcher = Path(launcher or LAUNCHER_DIR)
    ok, reason = can_run(tools, launcher=launcher)
    if not ok:
        raise BackendError(f"cannot start the local Neo4j server: {reason}")
    if not jars_present(tools):
        fetch(tools, progress=progress)
    tmp = None
    if home is None:
        tmp = tempfile.mkdtemp(prefix="netanalysis-neo4j-")
        home = tmp
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    imported = None
    if case is not None:
        try:
            imported = _import_case(case, home, tools, progress)
        except BaseException:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            raise
        config = {**(config or {}), "server.directories.data": str(home / "graph")}
    config = {"server.memory.pagecache.size": pagecache or _pagecache_for(home, imported),
              **(config or {})}
    env = dict(os.environ)
    cmd = [shutil.which("java"), f"-Xmx{heap}", "-XX:+UseSerialGC", "-Xss2m",
           "-cp", str(tools / "lib" / "*"), str(launcher / "Launcher.java"),
           "--home", str(home / "data"), "--plugins", str(tools / "plugins"), "--port", str(port)]
    for name, value in (config or {}).items():
        cmd.extend(["--config", f"{name}={value}"])
    if auth_password:
        cmd.append("--auth")
        env["NEO4J_TEST_PASSWORD"] = auth_password
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, bufsize=1)
    lines = []
    ready = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.append(line)
            if stream_log is not None:
                stream_log.write(line)
            if line.startswith(_READY):
                ready.put(line[len(_READY):].strip().rstrip("/"))
        ready.put(None)

    reader = threading.Thread(target=pump, name="neo4j-log", daemon=True)
    reader.start()
    try:
        uri = _wait_ready(proc, ready, timeout, lines, home)
        _wait_connect(uri, auth_password, deadline=t0 + timeout, lines=lines, home=home)
        if imported is not None:
            _finish_import(uri, auth_password, imported, progress)
        if progress is not None:
            progress.say(f"Neo4j test server at {uri} (started in {time.perf_counter() - t0:.1f} s)")
        yield uri
    finally:
        _stop(proc)
        reader.join(timeout=5)
        for f in (proc.stdin, proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _pagecache_for(home, imported):
    """The default page cache: :data:`PAGECACHE`, or 1.5 times an imported store if more."""
    size = _bytes(PAGECACHE)
    if imported is not None:
        store = sum(f.stat().st_size for f in (Path(home) / "graph").rglob("*") if f.is_file())
        size = max(size, int(1.5 * store))
    mb = -(-size // (1 << 20))
    return f"{mb}m"


def _bytes(text):
    """``"1g"`` -> bytes (``k``, ``m``, ``g`` suffixes, as neo4j.conf reads them)."""
    text = str(text).strip().lower()
    unit = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(text[-1:], 1)
    return int(float(text[:-1] if unit > 1 else text) * unit)


def _import_case(case, home, tools, progress):
    """Bulk-import `case` (a case, a folder or a property graph) into ``<home>/graph``."""
    from netanalysis.backends.neo4j.bulk import import_graph

    if hasattr(case, "tables"):
        from netanalysis.model.graph import build_graph

        G = build_graph(case, include_inferred=True)
    elif hasattr(case, "edges") and hasattr(case, "nodes"):
        G = case
    else:
        from netanalysis.ingest import load_case
        from netanalysis.model.graph import build_graph

        G = build_graph(load_case(case, progress=progress), include_inferred=True)
    return import_graph(G, home / "graph", tools=tools, progress=progress)


def _finish_import(uri, password, imported, progress):
    """The constraints and indexes of a push, built over the imported graph."""
    from netanalysis.backends.neo4j.connection import connect
    from netanalysis.backends.neo4j.push import create_schema

    t0 = time.perf_counter()
    with connect(uri, "neo4j" if password else None, password) as conn:
        create_schema(conn)
    if progress is not None:
        progress.say(f"imported {imported['rows']:,} rows in {imported['seconds']:.1f} s "
                     f"({imported['rows_per_s']:,.0f} rows/s); constraints and indexes in "
                     f"{time.perf_counter() - t0:.1f} s")


def _wait_ready(proc, ready, timeout, lines, home):
    try:
        uri = ready.get(timeout=timeout)
    except queue.Empty:
        uri = None
        why = f"did not report ready within {timeout:.0f} s"
    else:
        why = f"exited with code {proc.poll()}" if uri is None else ""
    if uri is None:
        _stop(proc)
        raise BackendError(f"the local Neo4j server {why}\n--- server output ---\n"
                           + "".join(lines[-200:]) + _log_tail(home))
    return uri


def _wait_connect(uri, password, deadline, lines, home):
    import neo4j

    auth = ("neo4j", password) if password else None
    last = None
    while time.perf_counter() < deadline:
        try:
            with neo4j.GraphDatabase.driver(uri, auth=auth, connection_timeout=5) as d:
                d.verify_connectivity()
            return
        except Exception as exc:  # noqa: BLE001 - retried until the deadline, then reported
            last = exc
            time.sleep(0.5)
    raise BackendError(f"the local Neo4j server at {uri} does not answer: {last}\n"
                       "--- server output ---\n" + "".join(lines[-200:]) + _log_tail(home))


def _log_tail(home):
    logs = sorted(Path(home).glob("**/neo4j.log")) + sorted(Path(home).glob("**/debug.log"))
    out = []
    for p in logs[:2]:
        try:
            text = p.read_text("utf-8", errors="replace").splitlines()[-60:]
        except OSError:
            continue
        out.append(f"--- {p} ---\n" + "\n".join(text))
    return ("\n" + "\n".join(out)) if out else ""


def _stop(proc, grace=30):
    if proc.poll() is not None:
        return
    try:
        proc.stdin.close()  # the launcher stops when its standard input closes
    except OSError:
        pass
    try:
        proc.wait(timeout=grace)
        return
    except subprocess.TimeoutExpired:
        pass
    if sys.platform != "win32":
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
