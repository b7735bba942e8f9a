"""Commands of the analytics family: rank, groups, support, path, connect, disrupt,
keyplayers, snapshots, diff.

Each command prepares the case as ``analyze`` does (:func:`netanalysis.cli._common.prepared_case`:
read, resolve and infer with the ``--settings`` given), calls one public function of
:mod:`netanalysis.analyze` with the shared filters and prints its table.
"""

from __future__ import annotations

import json

import click
import pandas as pd

from netanalysis.cli._common import case_argument, case_options, main, prepared_case
from netanalysis.errors import InputError
from netanalysis.outputs import terminal_text

__all__ = ["rank", "groups", "support", "path", "connect", "disrupt", "keyplayers", "snapshots",
           "diff"]

format_option = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
                             default="table", show_default=True, help="Output format.")
seed_option = click.option("--seed", type=int, default=0, show_default=True,
                           help="Seed for sampled betweenness and community detection.")
robustness_option = click.option(
    "--robustness", is_flag=True,
    help="Rank again without reports graded below C3, without each main source and without "
         "inferred ties; add stability, worst_rank, worst_without and say who holds up.")


@main.command()
@case_argument
@click.option("--top", type=int, default=20, show_default=True,
              help="How many targets to print (0 = all).")
@seed_option
@robustness_option
@format_option
@case_options
def rank(case, top, seed, robustness, fmt, **options):
    """Rank the high-value targets of CASE and say why.

    Fugitives are valued for danger (notice, offences, requesting countries) and
    embeddedness; everyone else for what they do for fugitives (support within a few
    hops), brokerage between groups, and centrality. Weights: settings section `rank`.
    The table shows the contract columns; csv and json add every measure.

    \b
    Examples:
      netanalysis rank examples/case
      netanalysis rank CASE --top 50 --format csv > targets.csv
      netanalysis rank CASE --link-types communication --since 2024-01
      netanalysis rank CASE --robustness --top 10
    """
    from netanalysis.analyze import run_analysis
    from netanalysis.analyze.result import TARGET_COLUMNS

    p = prepared_case(case, options)
    a = run_analysis(p.case, settings=p.settings, seed=seed, progress=p.progress,
                     filters=p.filters)
    t = a.targets if not top else a.targets.head(top)
    cols = list(TARGET_COLUMNS)
    if robustness:
        t, cols = _robust(p, a, t, "id", seed, fmt)
    _emit(t[cols] if fmt == "table" else t, fmt)


@main.command()
@case_argument
@click.option("--members", is_flag=True, help="Print every group member (groups.csv) instead.")
@seed_option
@robustness_option
@format_option
@case_options
def groups(case, members, seed, robustness, fmt, **options):
    """Rank the logistics groups of CASE: communities whose members supply fugitives.

    Groups are communities (Leiden, stable numbering: 1 = largest). A group is a
    logistics group when its members supply fugitives with documents, transport,
    lodging or money; groups are ranked by the value of the fugitives they supply.

    \b
    Examples:
      netanalysis groups examples/case
      netanalysis groups CASE --members --format csv > groups.csv
      netanalysis groups CASE --robustness
    """
    from netanalysis.analyze import run_analysis

    p = prepared_case(case, options)
    a = run_analysis(p.case, settings=p.settings, seed=seed, progress=p.progress,
                     filters=p.filters)
    table = a.groups if members else a.logistics
    if robustness and not members:
        table, _ = _robust(p, a, table, "group", seed, fmt)
    _emit(table, fmt)
    if not members and fmt == "table":
        click.echo(f"{len(a.logistics)} logistics groups among {a.groups['group'].nunique()} "
                   f"groups; modularity {a.modularity if a.modularity is None else round(a.modularity, 3)}",
                   err=True)


@main.command()
@case_argument
@click.argument("fugitive")
@click.option("--hops", type=click.IntRange(min=1), default=None,
              help="Furthest supplier: at most HOPS-1 intermediaries (default from the "
                   "settings, rank.support.hops: 3).")
@format_option
@case_options
def support(case, fugitive, hops, fmt, **options):
    """Show who supports FUGITIVE with which service, directly or through whom.

    \b
    Examples:
      netanalysis support examples/case P0001
      netanalysis support CASE P12 --hops 2 --min-confidence 0.4 --format csv
    """
    from netanalysis.analyze.support import support_network

    p = prepared_case(case, options)
    df = support_network(p.case, fugitive, hops=hops, settings=p.settings, filters=p.filters)
    if df.empty and fmt == "table":
        click.echo(f"no support ties reach {fugitive}", err=True)
        return
    _emit(df, fmt)


@main.command()
@case_argument
@click.argument("a")
@click.argument("b")
@click.option("--alternatives", "-k", type=int, default=1, show_default=True,
              help="How many paths (shortest first).")
@click.option("--by-confidence", is_flag=True,
              help="Cost 1/confidence per tie instead of 1 per tie.")
@format_option
@case_options
def path(case, a, b, alternatives, by_confidence, fmt, **options):
    """Show the shortest (and alternative) paths connecting A and B.

    \b
    Examples:
      netanalysis path examples/case P0001 P0002
      netanalysis path CASE P1 P9 --alternatives 3 --by-confidence
    """
    from netanalysis.analyze.paths import paths_between

    p = prepared_case(case, options)
    df = paths_between(p.case, a, b, alternatives=alternatives, by_confidence=by_confidence,
                       filters=p.filters)
    if df.empty:
        click.echo(terminal_text(f"{a} and {b} are not connected"), err=True)
        raise SystemExit(1)
    _emit(df, fmt)


@main.command()
@case_argument
@click.argument("ids", nargs=-1, required=True)
@click.option("--method", type=click.Choice(["paths", "steiner"]), default="paths",
              show_default=True, help="Union of pairwise shortest paths, or a Steiner tree.")
@click.option("--by-confidence", is_flag=True,
              help="Cost 1/confidence per tie instead of 1 per tie.")
@format_option
@case_options
def connect(case, ids, method, by_confidence, fmt, **options):
    """Show the network connecting a set of people (IDS): its ties.

    \b
    Examples:
      netanalysis connect examples/case P0001 P0002 P0003
      netanalysis connect CASE P1 P5 P9 --method steiner --format csv
    """
    from netanalysis.analyze.paths import connection_table

    p = prepared_case(case, options)
    df = connection_table(p.case, ids, method=method, by_confidence=by_confidence,
                          filters=p.filters)
    _emit(df, fmt)
    through = df.attrs["through"]
    click.echo(terminal_text(f"{df.attrs['nodes']} people, {df.attrs['edges']} ties; "
                             f"through: {', '.join(through) if through else 'nobody else'}"),
               err=True)


@main.command()
@case_argument
@click.option("--strategy", type=click.Choice(["betweenness", "degree", "pagerank"]),
              default=None, help="Whom to remove first [default: disrupt.strategy].")
@click.option("--ids", default=None, help="Comma-separated ids to remove in this order "
              "(instead of a strategy).")
@click.option("--mode", type=click.Choice(["sequential", "block"]), default=None,
              help="Recompute the ranking after each removal, or not [default: disrupt.mode].")
@click.option("--steps", type=int, default=None,
              help="How many removals [default: disrupt.steps].")
@seed_option
@format_option
@case_options
def disrupt(case, strategy, ids, mode, steps, seed, fmt, **options):
    """Simulate arrests: remove people and watch the largest connected component.

    One row per step: step, removed_id, lcc_size, lcc_fraction (relative to the
    largest component before any removal), and which fugitives lose which support.
    Runs on the unweighted, undirected graph of the filtered ties (Cavallaro et
    al. 2020).

    \b
    Examples:
      netanalysis disrupt examples/case --steps 3
      netanalysis disrupt CASE --strategy betweenness --mode sequential --steps 5 --link-types communication --format csv
      netanalysis disrupt CASE --ids P3,P7 --format json
    """  # noqa: E501
    from netanalysis.analyze.disrupt import disruption_table

    p = prepared_case(case, options)
    _emit(disruption_table(p.case, strategy, ids=ids, mode=mode, steps=steps, seed=seed,
                           filters=p.filters, settings=p.settings), fmt)


@main.command()
@case_argument
@click.option("-k", "k", type=int, default=None, help="Size of the set [default: keyplayers.k].")
@click.option("--restarts", type=int, default=None,
              help="Random starts [default: keyplayers.restarts].")
@seed_option
@format_option
@case_options
def keyplayers(case, k, restarts, seed, fmt, **options):
    """Find the K people whose removal fragments the support network most.

    By default the network is the support ties (documents, transport, lodging,
    money) read as undirected; --link-types picks other ties. Borgatti's
    fragmentation (KPP-Neg), greedy swaps from seeded random starts.

    \b
    Examples:
      netanalysis keyplayers examples/case -k 3
      netanalysis keyplayers CASE -k 5 --link-types communication,family --seed 7
    """
    from netanalysis.analyze.keyplayer import key_player_table

    p = prepared_case(case, options)
    df = key_player_table(p.case, k, restarts=restarts, seed=seed, filters=p.filters,
                          settings=p.settings)
    _emit(df, fmt)
    m = df.attrs
    click.echo(f"fragmentation {m['fragmentation_before']:.3f} -> {m['fragmentation_after']:.3f} "
               f"after removing {len(df)} of {m['nodes']} people ({m['edges']} ties)", err=True)


@main.command()
@case_argument
@click.option("--window", default="6M", show_default=True,
              help="Window length: a number and D, W, M or Y (30D, 2W, 6M, 1Y).")
@click.option("--start", default=None, help="First day (ISO); default the earliest date.")
@click.option("--end", default=None, help="Last day (ISO); default the latest date.")
@click.option("--keep-undated", is_flag=True, help="Put ties without dates in every window.")
@format_option
@case_options
def snapshots(case, window, start, end, keep_undated, fmt, **options):
    """Show the network of CASE window by window: size and who is most central.

    Windows cover tie dates and travel departures; ties without dates belong to
    no window unless --keep-undated. --since and --until bound the windows when
    --start and --end are not given.

    \b
    Examples:
      netanalysis snapshots examples/case --window 6M
      netanalysis snapshots CASE --window 1Y --link-types communication --format csv
    """
    from netanalysis.analyze.temporal import snapshots as _snapshots

    p = prepared_case(case, options)
    f = p.filters
    _emit(_snapshots(p.case, window, filters=f, keep_undated=keep_undated,
                     start=start or f.get("since"), end=end or f.get("until")), fmt)


@main.command()
@case_argument
@click.argument("window_a")
@click.argument("window_b")
@click.option("--top", type=int, default=10, show_default=True,
              help="'Central' means in the top TOP of a window.")
@click.option("--keep-undated", is_flag=True, help="Put ties without dates in both windows.")
@format_option
@case_options(window=False)
def diff(case, window_a, window_b, top, keep_undated, fmt, **options):
    """Show what changed between WINDOW_A and WINDOW_B (each SINCE..UNTIL).

    Who became central, who is no longer central, who joined and who left.

    \b
    Examples:
      netanalysis diff examples/case 2023-01..2023-06 2023-07..2023-12
      netanalysis diff CASE 2022..2022 2023..2023 --top 5 --format csv
    """
    from netanalysis.analyze.temporal import diff_windows

    a, b = _window(window_a), _window(window_b)  # checked before the case is read
    p = prepared_case(case, options)
    _emit(diff_windows(p.case, a, b, filters=p.filters, keep_undated=keep_undated, top=top), fmt)


# ----------------------------------------------------------------------------- helpers

def _window(text):
    if ".." not in text:
        raise InputError(f"a window is SINCE..UNTIL (e.g. 2023-01..2023-06), not {text!r}")
    a, b = text.split("..", 1)
    if not a.strip() or not b.strip():
        raise InputError(f"a window is SINCE..UNTIL (e.g. 2023-01..2023-06), not {text!r}")
    from netanalysis.model.filters import check_filters

    try:
        f = check_filters({"since": a.strip(), "until": b.strip()})
    except InputError as exc:
        raise InputError(f"window {text!r}: {exc.message.split(': ', 1)[-1]}") from None
    return f["since"], f["until"]


def _robust(p, a, table, key, seed, fmt):
    """`table` with the stability columns; the sentences go to stderr for a table."""
    from netanalysis.analyze.result import TARGET_COLUMNS
    from netanalysis.analyze.robustness import STABILITY_COLUMNS, robustness, with_stability

    rob = robustness(p.case, analysis=a, settings=p.settings, seed=seed, progress=p.progress,
                     filters=p.filters)
    if fmt == "table":
        for line in rob.sentences(top=5, kinds=("targets",) if key == "id" else ("logistics",)):
            click.echo(line, err=True)
    return with_stability(table, rob, key=key), TARGET_COLUMNS + STABILITY_COLUMNS


def _emit(df, fmt):
    """Print `df`: every text from data goes through one sanitiser first.

    CSV cells are formula-safe (:func:`netanalysis.outputs.csv_cell`); in every format,
    control characters are shown escaped (:func:`netanalysis.outputs.terminal_text`).
    """
    from netanalysis.outputs import safe_frame, terminal_text

    df = df.copy()
    text_cols = [c for c in df.columns if df[c].dtype == object
                 or isinstance(df[c].dtype, pd.StringDtype)]
    for c in text_cols:
        df[c] = df[c].astype(object).map(_joined)
    if fmt == "csv":
        text = safe_frame(df).to_csv(index=False)
        click.echo(terminal_text(text), nl=False)
    elif fmt == "json":
        text = json.dumps(json.loads(df.to_json(orient="records")), indent=1, ensure_ascii=False)
        click.echo(terminal_text(text, json=True))  # C1 and bidi as JSON escapes
    else:
        if df.empty:
            click.echo("(no rows)")
        else:
            for c in text_cols:
                df[c] = df[c].map(lambda v: terminal_text(v, newlines=False)
                                  if isinstance(v, str) else v)
            df.columns = [terminal_text(c, newlines=False) for c in df.columns]
            with pd.option_context("display.max_colwidth", 160, "display.width", 250):
                click.echo(df.to_string(index=False))


def _joined(v):
    return "|".join(str(x) for x in v) if isinstance(v, (list, tuple, set)) else v
