"""A push killed mid-way completes correctly when run again (issue 6).

The command ``netanalysis neo4j push`` runs in its own process against the test server and is
killed with SIGKILL once some batches are committed: no ``finally``, no clean close of the
Bolt connection, the open transaction dies with the client. Running the command again must
leave exactly what one clean push leaves: the same nodes and relationships, with the same
properties, no duplicate ``id`` and no duplicate relationship ``key``. A server killed with
SIGKILL mid-push makes the command fail on one line that says to run it again.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from netanalysis.backends.neo4j import connect

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

BATCH = 100


@pytest.fixture(scope="module")
def synth_folder(tmp_path_factory):
    """A synthetic case big enough for well over a hundred batches of `BATCH` rows."""
    from netanalysis.synth import synth_case

    out = tmp_path_factory.mktemp("killed-push") / "case"
    synth_case(out, persons=1000, seed=1)
    return out


def _push_cmd(case, conn):
    cmd = [sys.executable, "-m", "netanalysis", "neo4j", "push", str(case),
           "--uri", conn["uri"], "--batch-size", str(BATCH), "--quiet"]
    if conn.get("user"):
        cmd += ["--user", conn["user"]]
    env = dict(os.environ)
    if conn.get("password"):
        env["NEO4J_PASSWORD"] = conn["password"]
    return cmd, env


def _push(case, conn):
    cmd, env = _push_cmd(case, conn)
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def _count(conn, query):
    with connect(**conn) as c, c.session() as s:
        return s.run(query).single()[0]


def _snapshot(conn):
    """Counts, duplicates and a digest of every node and relationship with its properties."""
    with connect(**conn) as c, c.session() as s:
        nodes = s.run("MATCH (n) RETURN count(n)").single()[0]
        rels = s.run("MATCH ()-[r]->() RETURN count(r)").single()[0]
        dup_ids = s.run("MATCH (n:Node) WITH n.id AS id, count(*) AS c WHERE c > 1 "
                        "RETURN count(*)").single()[0]
        dup_keys = s.run("MATCH (a)-[r]->(b) WITH a.id AS a, b.id AS b, type(r) AS t, "
                         "r.key AS k, count(*) AS c WHERE c > 1 RETURN count(*)").single()[0]
        no_key = s.run("MATCH ()-[r]->() WHERE r.key IS NULL RETURN count(r)").single()[0]
        node_rows = sorted(repr((r["id"], sorted(r["labels"]), sorted(r["p"].items())))
                           for r in s.run("MATCH (n) RETURN n.id AS id, labels(n) AS labels, "
                                          "properties(n) AS p"))
        rel_rows = sorted(repr((r["a"], r["t"], r["b"], sorted(r["p"].items())))
                          for r in s.run("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, "
                                         "b.id AS b, properties(r) AS p"))
    digest = hashlib.sha256("\n".join(node_rows + ["--"] + rel_rows).encode()).hexdigest()
    return {"nodes": nodes, "relationships": rels, "duplicate_ids": dup_ids,
            "duplicate_keys": dup_keys, "relationships_without_key": no_key, "digest": digest}


def _clear(conn):
    with connect(**conn) as c, c.session() as s:
        s.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


@pytest.fixture(scope="module")
def expected(synth_folder):
    """Node and relationship counts computed without Neo4j, as the command prepares the case."""
    from netanalysis.backends.neo4j.push import graph_rows
    from netanalysis.model.graph import build_graph
    from netanalysis.pipeline import prepare_case
    from netanalysis.settings import load_settings

    c = prepare_case(synth_folder, resolve=True, infer=True, mapping=None, settings=load_settings(None))
    nodes, rels, dangling = graph_rows(build_graph(c))
    return sum(map(len, nodes.values())), sum(map(len, rels.values())), dangling


def _kill_mid_push(case, conn, query, at_least, *, timeout=300):
    """Start the push command; SIGKILL it once `query` counts `at_least` committed items."""
    cmd, env = _push_cmd(case, conn)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        with connect(**conn) as c:
            while time.monotonic() < deadline and proc.poll() is None:
                with c.session() as s:
                    n = s.run(query).single()[0]
                if n >= at_least:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
                time.sleep(0.02)
    finally:
        if proc.poll() is None and time.monotonic() >= deadline:
            os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, (
        f"the push was not killed mid-way (exit {proc.returncode}):\n{out}{err}")


@pytest.fixture(scope="module")
def clean(neo4j_server, synth_folder, expected):
    """The database after one clean push of the case (its :func:`_snapshot`)."""
    conn = dict(neo4j_server)
    _clear(conn)
    want_nodes, want_rels, dangling = expected
    assert dangling == 0
    assert want_nodes + want_rels > 100 * BATCH  # many batches, so a kill lands mid-way
    out = _push(synth_folder, conn)
    assert f"pushed {want_nodes:,} nodes and {want_rels:,} relationships" in out
    snap = _snapshot(conn)
    assert (snap["nodes"], snap["relationships"]) == (want_nodes, want_rels)
    assert snap["duplicate_ids"] == snap["duplicate_keys"] == 0
    assert snap["relationships_without_key"] == 0
    return snap


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_push_killed_while_loading_relationships_completes_when_run_again(
        neo4j_conn, synth_folder, expected, clean):
    want_nodes, want_rels, _ = expected
    _clear(neo4j_conn)
    _kill_mid_push(synth_folder, neo4j_conn, "MATCH ()-[r]->() RETURN count(r)", BATCH)
    partial = _snapshot(neo4j_conn)
    assert partial["nodes"] == want_nodes  # nodes are pushed before relationships
    assert BATCH <= partial["relationships"] < want_rels
    assert partial["duplicate_ids"] == partial["duplicate_keys"] == 0
    # Run the command again: it completes, and the database is that of the clean push.
    out = _push(synth_folder, neo4j_conn)
    assert f"pushed {want_nodes:,} nodes and {want_rels:,} relationships" in out
    assert _snapshot(neo4j_conn) == clean


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_push_killed_while_loading_nodes_completes_when_run_again(
        neo4j_conn, synth_folder, expected, clean):
    want_nodes, _, _ = expected
    _clear(neo4j_conn)
    _kill_mid_push(synth_folder, neo4j_conn, "MATCH (n) RETURN count(n)", 2 * BATCH)
    partial = _snapshot(neo4j_conn)
    assert 2 * BATCH <= partial["nodes"] < want_nodes
    assert partial["relationships"] == 0
    assert partial["duplicate_ids"] == 0
    _push(synth_folder, neo4j_conn)
    assert _snapshot(neo4j_conn) == clean


def _server_pid(home):
    """The process id of the local server JVM whose command line names `home`."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"Launcher.java") for a in args) and str(home).encode() in b" ".join(
                args):
            return int(entry)
    raise AssertionError(f"no local Neo4j server process for {home}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the server in /proc")
def test_push_fails_cleanly_when_the_server_is_killed_mid_way(own_server, synth_folder):
    """SIGKILL the server JVM mid-push: the command says so on one line and exits non-zero.

    Only the client side of a server crash is tested here: the local test server
    (neo4j-harness) keeps each run's store in a new random folder under its home, so a server
    restarted on the same home starts empty and a re-push would be a clean push (tested above).
    The server killed is ``own_server`` (authentication on: the command gets the user and
    the password), discarded after, so a later user gets a new one.
    """
    if os.environ.get("NETANALYSIS_NEO4J_URI"):
        pytest.skip("needs the local test server, which this test kills")
    out = err = ""
    try:
        conn = own_server.start()
        with connect(**conn) as c, c.session() as s:  # the imported graph: a new push CREATEs
            s.run("MATCH (n) DETACH DELETE n").consume()
        pid = _server_pid(own_server.home)
        cmd, env = _push_cmd(synth_folder, conn)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        killed = False
        deadline = time.monotonic() + 300
        try:
            with connect(**conn) as c:
                while time.monotonic() < deadline and proc.poll() is None:
                    with c.session() as s:
                        n = s.run("MATCH ()-[r]->() RETURN count(r)").single()[0]
                    if n >= BATCH:
                        os.kill(pid, signal.SIGKILL)
                        killed = True
                        break
                    time.sleep(0.02)
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.communicate(timeout=60)
    finally:
        own_server.discard()  # the JVM is gone (or holds this case): the next user gets a new one
    assert killed, f"the push ended before the server was killed:\n{out}{err}"
    assert proc.returncode not in (0, -signal.SIGKILL), (proc.returncode, out, err)
    assert "Traceback" not in err, err
    assert "lost the connection to Neo4j" in err and "run the push again" in err, err
    assert "pushed" not in out, out
