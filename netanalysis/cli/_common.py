"""Shared pieces of the command line: the root group, error handling, common options.

Each command is a few lines around one public function of the library. Library exceptions
are turned into one line on stderr and a non-zero exit code here, in one place; ``--debug``
shows the traceback instead.
"""

from __future__ import annotations

import sys

import click

from netanalysis.errors import InputError, NetanalysisError
from netanalysis.outputs import terminal_text

__all__ = ["main", "case_argument", "filter_options", "quiet_option", "settings_option",
           "filters_from_options", "fail"]


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except NetanalysisError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(terminal_text(f"error: {exc}"), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"],
                                           "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="netanalysis")
@click.pass_context
def main(ctx, debug):
    """netanalysis: link analysis of fugitive support networks.

    Read a case folder (case format v1), resolve who is who, find the high-value targets
    and the logistics groups behind them, and write tables, maps and reports.

    \b
    Examples:
      netanalysis analyze examples/case --out out
      netanalysis synth --out /tmp/case --persons 10000 --seed 7
      netanalysis COMMAND --help
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def fail(message, code=1):
    """Print `message` on stderr and exit with `code` (for CLI-only checks)."""
    click.echo(terminal_text(f"error: {message}"), err=True)
    sys.exit(code)


case_argument = click.argument("case", type=click.Path(exists=True, file_okay=False, path_type=str))

quiet_option = click.option("--quiet", "-q", is_flag=True, help="Print no progress.")

settings_option = click.option("--settings", "settings_path", type=click.Path(dir_okay=False),
                               help="YAML settings file overriding the defaults.")


def _checked(key):
    """Click callback: check one filter option with the model's ``check_filters``."""
    from netanalysis.model.filters import check_filters

    def callback(ctx, param, value):
        if value is None:
            return value
        v = value
        if key == "link_types":
            v = [t.strip() for t in value.split(",") if t.strip()] or None
        try:
            check_filters({key: v})
        except InputError as exc:
            raise click.BadParameter(terminal_text(exc.message.split(": ", 1)[-1]),
                                     ctx=ctx, param=param) from None
        return value
    return callback


def filter_options(f):
    """Add the filters every measure honours: link types, confidence, inferred, time window.

    Each value is checked when the command line is parsed, before the case is read
    (:func:`netanalysis.model.filters.check_filters`).
    """
    opts = [
        click.option("--link-types", default=None, callback=_checked("link_types"),
                     help="Comma-separated relationship types to keep (e.g. communication,family)."),
        click.option("--min-confidence", type=float, default=None,
                     callback=_checked("min_confidence"),
                     help="Keep ties whose confidence (from grading) is at least this."),
        click.option("--no-inferred", is_flag=True, help="Leave out ties that no source stated."),
        click.option("--since", default=None, callback=_checked("since"),
                     help="Start of the time window (ISO date, may be partial)."),
        click.option("--until", default=None, callback=_checked("until"),
                     help="End of the time window (ISO date, may be partial)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def filters_from_options(link_types=None, min_confidence=None, no_inferred=False, since=None,
                         until=None):
    """Return the keyword arguments of :func:`netanalysis.model.filter_edges` from CLI options.

    Raises :class:`InputError` for invalid values (checked by
    :func:`netanalysis.model.filters.check_filters`).
    """
    from netanalysis.model.filters import check_filters

    return check_filters({
        "link_types": [t.strip() for t in link_types.split(",") if t.strip()] if link_types else None,
        "min_confidence": min_confidence,
        "include_inferred": not no_inferred,
        "since": since,
        "until": until,
    })
