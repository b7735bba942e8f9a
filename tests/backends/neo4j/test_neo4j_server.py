"""The local test server helpers (the server itself is exercised by every neo4j test)."""

from __future__ import annotations

import pytest

from netanalysis.backends.neo4j.server import LAUNCHER_DIR, can_run, local_server
from netanalysis.errors import BackendError


def test_project_ships_the_launcher():
    for name in ("pom.xml", "fetch.sh", "Launcher.java", "README.md"):
        assert (LAUNCHER_DIR / name).is_file(), name
    assert LAUNCHER_DIR.parent.name == "neo4j" and LAUNCHER_DIR.parents[2].name == "netanalysis"


def test_cannot_run_without_the_launcher(tmp_path):
    ok, reason = can_run(launcher=tmp_path)
    assert not ok and "Launcher.java" in reason and "not found" in reason
    with pytest.raises(BackendError, match="cannot start the local Neo4j server: .*Launcher.java"):
        with local_server(launcher=tmp_path):
            pass


def test_package_data_ships_the_cypher_blocks_and_the_launcher():
    # issue 12: cypher/ and tools/neo4j/ outside the package broke an installed wheel
    import fnmatch
    import tomllib
    from pathlib import Path

    import netanalysis
    from netanalysis.backends.neo4j.queries import CYPHER_DIR

    pkg = Path(netanalysis.__file__).resolve().parent
    root = pkg.parent / "pyproject.toml"
    if not root.is_file():
        pytest.skip("not a source checkout (no pyproject.toml)")
    patterns = tomllib.loads(root.read_text("utf-8"))["tool"]["setuptools"]["package-data"][
        "netanalysis"]
    shipped = sorted(CYPHER_DIR.glob("*.cypher")) + [LAUNCHER_DIR / n for n in (
        "pom.xml", "fetch.sh", "Launcher.java", "README.md")]
    assert CYPHER_DIR.parent == pkg and len(shipped) > 4
    for f in shipped:
        rel = f.relative_to(pkg).as_posix()
        assert any(fnmatch.fnmatch(rel, p) for p in patterns), rel


@pytest.mark.neo4j
def test_local_server_refuses_an_unknown_setting():
    ok, reason = can_run()
    if not ok:
        pytest.skip(reason)
    with pytest.raises(BackendError, match=r"(?s)exited with code.*--config no\.such\.setting=1: "
                       "not NAME=VALUE of a Neo4j setting"):
        with local_server(timeout=600, config={"no.such.setting": "1"}):
            pass
