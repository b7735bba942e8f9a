"""Commands of the resolve family (see netanalysis.cli)."""

from netanalysis.cli._common import main  # noqa: F401
