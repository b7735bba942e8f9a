"""Connection settings and errors: one clear message, never the password."""

from __future__ import annotations

import socket

import pytest

from netanalysis.backends.neo4j import connect
from netanalysis.backends.neo4j.connection import connection_settings
from netanalysis.errors import AuthenticationError, BackendError, ServerUnreachableError
from netanalysis.settings import load_settings

SECRET = "s3cret-Pa55word"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_settings_then_environment_then_arguments():
    s = load_settings(env={"NEO4J_URI": "bolt://env:7687", "NEO4J_USER": "ana",
                           "NEO4J_PASSWORD": SECRET, "NEO4J_DATABASE": "cases"})
    c = connection_settings(settings=s)
    assert (c["uri"], c["user"], c["password"], c["database"]) == (
        "bolt://env:7687", "ana", SECRET, "cases")
    c = connection_settings(uri="bolt://arg:7687", database="other", settings=s)
    assert (c["uri"], c["database"], c["user"]) == ("bolt://arg:7687", "other", "ana")
    assert SECRET not in repr(s)


def test_unreachable_server_is_one_clear_error():
    uri = f"bolt://127.0.0.1:{_free_port()}"
    with pytest.raises(BackendError) as err:
        connect(uri, "neo4j", SECRET, timeout=3)
    msg = str(err.value)
    assert msg.startswith(f"cannot reach Neo4j at {uri}")
    assert "is the server running?" in msg and "\n" not in msg
    assert SECRET not in msg
    assert err.value.exit_code == 3
    assert isinstance(err.value, ServerUnreachableError)


def test_invalid_address():
    with pytest.raises(BackendError, match="invalid Neo4j address 'http://x:1'"):
        connect("http://x:1", timeout=1)


@pytest.mark.neo4j
def test_unknown_database(neo4j_server):
    with pytest.raises(BackendError, match="has no database 'nosuchdb'"):
        connect(neo4j_server["uri"], neo4j_server["user"], neo4j_server["password"],
                database="nosuchdb")


@pytest.mark.neo4j
@pytest.mark.slow
def test_wrong_password_against_a_server_with_authentication(own_server, capfd):
    conn = own_server.start()  # authentication on, with the password OWN_PASSWORD
    uri, secret = conn["uri"], conn["password"]
    with connect(uri, "neo4j", secret) as c, c.session() as s:
        assert s.run("RETURN 1 AS x").single()["x"] == 1
    with pytest.raises(AuthenticationError) as err:
        connect(uri, "neo4j", "wrong-password-123")
    msg = str(err.value)
    assert msg == (f"Neo4j at {uri} refused the credentials of user 'neo4j': wrong user or "
                   "password (set NEO4J_USER / NEO4J_PASSWORD)")
    assert "wrong-password-123" not in msg
    out = capfd.readouterr()
    assert secret not in out.out + out.err


@pytest.mark.neo4j
def test_local_server_takes_neo4j_settings(own_server):
    """``own_server`` was started with ``config={OWN_SETTING}`` (``local_server(config=)``)."""
    conn = own_server.start()
    with connect(**conn) as c, c.session() as s:
        rows = [dict(r) for r in s.run("CALL dbms.listConfig('db.relationship_grouping') "
                                       "YIELD name, value RETURN name, value")]
    assert rows == [{"name": "db.relationship_grouping_threshold", "value": "77"}]  # default 50


@pytest.mark.neo4j
def test_local_server_sizes_the_page_cache(own_server):
    """A server started by local_server gets PAGECACHE (1 GB), not the launcher's 256 MB,
    unless told otherwise (``config=`` keeps the other settings of own_server)."""
    import re

    from netanalysis.backends.neo4j.server import PAGECACHE

    conn = own_server.start()
    with connect(**conn) as c, c.session() as s:
        value = s.run("CALL dbms.listConfig('server.memory.pagecache.size') YIELD name, value "
                      "RETURN value").single()["value"]
    units = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}
    number, unit = re.fullmatch(r"([0-9.]+)\s*([kmg]?)i?b?", value.strip().lower()).groups()
    want = re.fullmatch(r"([0-9.]+)([kmg]?)", PAGECACHE).groups()
    assert float(number) * units[unit] == float(want[0]) * units[want[1]] == 2**30, value


# --- issue 14: a password inside the address ----------------------------------------------

def _tiny_case(folder):
    folder.mkdir()
    (folder / "persons.csv").write_text("id,name,role\nP1,Ana Ruiz,fugitive\nP2,Luis Gomez,"
                                        "facilitator\nP3,Marta Diaz,associate\n")
    (folder / "links.csv").write_text("from_id,to_id,type\nP1,P2,family\nP2,P3,associate\n")
    return folder


def test_password_in_the_address_is_never_shown():
    port = _free_port()
    with pytest.raises(ServerUnreachableError) as err:
        connect(f"bolt://ana:{SECRET}@127.0.0.1:{port}", timeout=3)
    msg = str(err.value)
    assert msg.startswith(f"cannot reach Neo4j at bolt://127.0.0.1:{port}")
    assert SECRET not in msg


def test_password_in_an_invalid_address_is_never_shown():
    with pytest.raises(BackendError) as err:
        connect(f"http://ana:{SECRET}@x:1", timeout=1)
    assert SECRET not in str(err.value) and "'http://x:1'" in str(err.value)


def test_settings_public_redacts_the_address():
    s = load_settings(env={"NEO4J_URI": f"bolt://ana:{SECRET}@db:7687"})
    assert s.public()["neo4j"]["uri"] == "bolt://ana:***@db:7687"
    assert SECRET not in repr(s)
    assert s.section("neo4j")["uri"] == f"bolt://ana:{SECRET}@db:7687"   # still usable


def test_no_output_of_analyze_contains_the_password_in_neo4j_uri(tmp_path):
    from click.testing import CliRunner

    from netanalysis.cli import main

    case = _tiny_case(tmp_path / "case")
    env = {"NEO4J_URI": f"bolt://ana:{SECRET}@127.0.0.1:{_free_port()}"}
    # the Neo4j backend: progress line and error
    runner = CliRunner()
    res = runner.invoke(main, ["analyze", str(case), "--out", str(tmp_path / "o1"), "--backend",
                               "neo4j", "--no-map"], env=env)
    assert res.exit_code == 3, res.output
    assert "cannot reach Neo4j at bolt://127.0.0.1:" in res.output
    assert "pushing the case to Neo4j at bolt://ana:***@127.0.0.1:" in res.output
    assert SECRET not in res.output + (res.stderr if res.stderr_bytes is not None else "")
    # the embedded backend with NEO4J_URI set: summary.json keeps the settings
    res = runner.invoke(main, ["analyze", str(case), "--out", str(tmp_path / "o2"), "--no-map"],
                        env=env)
    assert res.exit_code == 0, res.output
    assert SECRET not in res.output
    written = list((tmp_path / "o2").rglob("*")) + list((tmp_path / "o1").rglob("*"))
    assert any(p.name == "summary.json" for p in written)
    for p in written:
        if p.is_file():
            assert SECRET.encode() not in p.read_bytes(), p
