"""Commands of the neo4j family (see netanalysis.cli)."""

from netanalysis.cli._common import main  # noqa: F401
