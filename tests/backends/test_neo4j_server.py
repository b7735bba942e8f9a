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
