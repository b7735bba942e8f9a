"""Shared pieces of the command line: the root group, error handling, common options.

Each command is a few lines around one public function of the library: the commands that
read a case take the same options (:func:`case_options`) and prepare it the same way
(:func:`prepared_case`, with the ``--settings`` given). Library exceptions
are turned into one line on stderr and a non-zero exit code here, in one place; ``--debug``
shows the traceback instead.
"""

from __future__ import annotations

import sys
from typing import NamedTuple

import click

from netanalysis.errors import InputError, NetanalysisError
from netanalysis.outputs import terminal_text

__all__ = ["main", "case_argument", "filter_options", "quiet_option", "settings_option",
           "filters_from_options", "fail", "allow_outside_option", "allow_outside",
           "case_options", "prepared_case", "Prepared", "PREPARE_OPTIONS", "FILTER_OPTIONS",
           "CLI_TO_LIBRARY"]


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

_ALLOW_OUTSIDE = "netanalysis.allow_outside"
allow_outside_option = click.option(
    "--allow-outside-sources", is_flag=True, expose_value=False,
    callback=lambda ctx, param, value: ctx.meta.__setitem__(_ALLOW_OUTSIDE, bool(value)),
    help="Read mapping sources outside the case and mapping folders, and case files that are "
         "symbolic links leading outside the case folder (refused by default).")


def allow_outside():
    """Return whether the running command was given ``--allow-outside-sources``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_ALLOW_OUTSIDE))


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


def filter_options(f=None, *, window=True):
    """Add the filters every measure honours: link types, confidence, inferred, time window.

    Each value is checked when the command line is parsed, before the case is read
    (:func:`netanalysis.model.filters.check_filters`). ``window=False`` leaves out
    ``--since`` and ``--until``.
    """
    if f is None:
        return lambda g: filter_options(g, window=window)
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
    if not window:
        opts = opts[:3]
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


#: Names of the options that prepare a case (keywords of ``pipeline.prepare_case``).
PREPARE_OPTIONS = ("mapping", "allow_outside_sources", "decisions", "no_resolve", "no_infer",
                   "settings_path")
#: Names of the filter options (together the ``filters`` keyword of library functions).
FILTER_OPTIONS = ("link_types", "min_confidence", "no_inferred", "since", "until")
#: How a shared CLI option is spelt as a keyword of the library.
CLI_TO_LIBRARY = {"no_resolve": "resolve", "no_infer": "infer", "settings_path": "settings",
                  "allow_outside_sources": "allow_outside",
                  **{k: "filters" for k in FILTER_OPTIONS}}


def case_options(f=None, *, mapping=True, decisions=True, resolve=True, infer=True,
                 filters=True, window=True, settings=True, quiet=True):
    """Add the options of every command that reads a case, the same everywhere.

    ``--mapping`` and ``--allow-outside-sources``, ``--decisions``, ``--no-resolve``,
    ``--no-infer`` (how the case is prepared, as :func:`netanalysis.pipeline.prepare_case`),
    the filters (:func:`filter_options`; ``window=False`` leaves out ``--since`` and
    ``--until``), ``--settings`` and ``--quiet``. Read them back with :func:`prepared_case`.
    Used bare (``@case_options``) or with keywords (``@case_options(filters=False)``).
    """
    def decorate(f):
        opts = []
        if mapping:
            opts.append(click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
                                     help="Mapping file for a source that is not in case format "
                                          "v1."))
            opts.append(allow_outside_option)
        if decisions:
            opts.append(click.option("--decisions", type=click.Path(exists=True, dir_okay=False),
                                     help="Analysts' merge decisions (force or veto) to honour."))
        if resolve:
            opts.append(click.option("--no-resolve", is_flag=True,
                                     help="Do not merge records of the same person."))
        if infer:
            opts.append(click.option("--no-infer", is_flag=True,
                                     help="Do not infer ties that no source stated."))
        if quiet:  # decorators apply inside out: the last listed comes first in --help
            f = quiet_option(f)
        if settings:
            f = settings_option(f)
        if filters:
            f = filter_options(f, window=window)
        for o in reversed(opts):
            f = o(f)
        return f
    return decorate if f is None else decorate(f)


class Prepared(NamedTuple):
    """What :func:`prepared_case` returns: the case and what it was prepared with."""

    case: object
    settings: object
    progress: object
    filters: dict
    prepare: dict  # keywords of pipeline.prepare_case (mapping, decisions, resolve, infer,
    #                allow_outside)


def prepared_case(case, options, *, prepare=True):
    """Read and prepare `case` with the shared options, removing them from `options`.

    `options` is the dict of a command's keyword arguments; the options of
    :func:`case_options` are taken out of it (so what is left are the command's own), the
    settings loaded from ``--settings``, the case prepared by
    :func:`netanalysis.pipeline.prepare_case` with those settings, and the filters checked.
    ``prepare=False`` loads settings, progress and filters only (case is None; for a
    command whose library function prepares the case itself from ``Prepared.prepare``).
    """
    from netanalysis.pipeline import prepare_case
    from netanalysis.progress import Progress
    from netanalysis.settings import load_settings

    progress = Progress(quiet=options.pop("quiet", False))
    settings = load_settings(options.pop("settings_path", None))
    f = {k: options.pop(k) for k in FILTER_OPTIONS if k in options}
    filters = filters_from_options(**f)
    kw = {"mapping": options.pop("mapping", None), "decisions": options.pop("decisions", None),
          "resolve": not options.pop("no_resolve", False),
          "infer": not options.pop("no_infer", False), "allow_outside": allow_outside()}
    c = prepare_case(case, settings=settings, progress=progress, **kw) if prepare else None
    return Prepared(c, settings, progress, filters, kw)
