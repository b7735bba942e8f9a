"""Where the jars of the local Neo4j server are, and whether Java can run them.

The jars are build products kept outside the package (see
:mod:`netanalysis.backends.neo4j.server`): ``$NETANALYSIS_NEO4J_JARS`` when set, else
``tools/neo4j`` of a source checkout (where ``bash tools/neo4j/fetch.sh`` puts them), else
``~/.cache/netanalysis/neo4j``. Both the server launcher and the bulk importer
(:mod:`netanalysis.backends.neo4j.bulk`) run Java on them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import netanalysis

__all__ = ["TOOLS_DIR", "java_available"]


def _jars_dir():
    env = os.environ.get("NETANALYSIS_NEO4J_JARS")
    if env:
        return Path(env)
    checkout = Path(netanalysis.__file__).resolve().parents[1] / "tools" / "neo4j"
    if (checkout / "fetch.sh").is_file():
        return checkout
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "netanalysis" / "neo4j"


#: Where the jars are (``lib/`` class path, ``plugins/`` GDS): see the module docstring.
TOOLS_DIR = _jars_dir()


def java_available():
    """Return True when ``java`` (17 or newer) is on the PATH.

    Returns
    -------
    bool

    See Also
    --------
    netanalysis.backends.neo4j.server.can_run : checks Java, the jars and the launcher together.

    Examples
    --------
    >>> isinstance(java_available(), bool)
    True
    """
    java = shutil.which("java")
    if not java:
        return False
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    text = out.stderr + out.stdout
    m = re.search(r'version "(\d+)', text)
    return bool(m) and int(m.group(1)) >= 17
