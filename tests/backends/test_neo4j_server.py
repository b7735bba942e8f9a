"""The local test server helpers (the server itself is exercised by every neo4j test)."""

from __future__ import annotations

import pytest

from netanalysis.backends.neo4j.server import TOOLS_DIR, can_run, local_server
from netanalysis.errors import BackendError


def test_project_ships_the_launcher():
    for name in ("pom.xml", "fetch.sh", "Launcher.java", "README.md"):
        assert (TOOLS_DIR / name).is_file(), name


def test_cannot_run_without_the_launcher(tmp_path):
    ok, reason = can_run(tmp_path)
    assert not ok and "Launcher.java" in reason and "not found" in reason
    with pytest.raises(BackendError, match="cannot start the local Neo4j server: .*Launcher.java"):
        with local_server(tools=tmp_path):
            pass
