"""The ``netanalysis`` command line: a thin mirror of the Python API.

Commands live in modules by family and register themselves on :data:`main`.
"""

from netanalysis.cli._common import main
from netanalysis.cli import core  # noqa: F401  (registers commands)
from netanalysis.cli import ingest  # noqa: F401
from netanalysis.cli import synth  # noqa: F401
from netanalysis.cli import resolve  # noqa: F401
from netanalysis.cli import analytics  # noqa: F401
from netanalysis.cli import present  # noqa: F401
from netanalysis.cli import neo4j  # noqa: F401
from netanalysis.cli import watch  # noqa: F401
from netanalysis.cli import movements  # noqa: F401

__all__ = ["main"]
