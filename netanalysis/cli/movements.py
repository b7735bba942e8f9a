"""The ``anticipate`` command: where the fugitives of a case are likely to go next."""

from __future__ import annotations

import json

import click
import pandas as pd

from netanalysis.cli._common import case_argument, main, quiet_option, settings_option

__all__ = ["anticipate_command"]


@main.command("anticipate")
@case_argument
@click.option("--fugitive", "fugitives", multiple=True,
              help="Person id of a fugitive (repeatable; default: every fugitive).")
@click.option("--top", type=int, default=None,
              help="Places per fugitive (default: settings movements.top, 5).")
@click.option("--as-of", "as_of", default=None,
              help="Use only data dated before this ISO date and predict the move after it.")
@click.option("--no-resolve", is_flag=True, help="Do not merge records of the same person first.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format (csv and json add every column).")
@settings_option
@quiet_option
def anticipate_command(case, fugitives, top, as_of, no_resolve, fmt, settings_path, quiet):
    """Rank the places where each fugitive of CASE is likely to go next, and say why.

    A conditional logit over candidate places (visited places, places of supporters,
    family, associates and co-travellers, routes from the current place), fitted on the
    case's own legs. Prints the contract columns of movements.csv (id, rank, place,
    country, probability, why); csv and json add companions, the document likely used,
    the facilitators of the move and the signals behind each place.

    \b
    Examples:
      netanalysis anticipate examples/case
      netanalysis anticipate examples/case --fugitive P0085 --top 3
      netanalysis anticipate CASE --as-of 2024-06-01 --format csv > movements.csv
    """
    from netanalysis.analyze.movements import MOVEMENT_COLUMNS, anticipate
    from netanalysis.pipeline import prepare_case
    from netanalysis.progress import Progress
    from netanalysis.settings import load_settings

    progress = Progress(quiet=quiet)
    settings = load_settings(settings_path)
    c = prepare_case(case, resolve=not no_resolve, infer=False, settings=settings,
                     progress=progress)
    with progress.step("anticipating movements"):
        df = anticipate(c, fugitive=list(fugitives) or None, top=top, as_of=as_of,
                        settings=settings)
    if fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(json.loads(df.to_json(orient="records")), indent=1,
                              ensure_ascii=False))
    elif df.empty:
        click.echo("(no rows)")
    else:
        with pd.option_context("display.max_colwidth", 160, "display.width", 250):
            click.echo(df[MOVEMENT_COLUMNS].to_string(index=False))
