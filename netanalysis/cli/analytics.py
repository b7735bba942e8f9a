"""Commands of the analytics family: rank, groups, support, path, connect, disrupt,
keyplayers, snapshots, diff.

Each command reads the case with :func:`netanalysis.ingest.load_case`, applies the shared
filters, calls one public function of :mod:`netanalysis.analyze` and prints its table.
"""

from __future__ import annotations

import json

import click
import pandas as pd

from netanalysis.cli._common import (
    case_argument,
    filter_options,
    filters_from_options,
    main,
    quiet_option,
    settings_option,
)
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
@filter_options
@settings_option
@quiet_option
def rank(case, top, seed, robustness, fmt, link_types, min_confidence, no_inferred, since, until,
         settings_path, quiet):
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

    c, settings, progress = _load(case, settings_path, quiet)
    a = run_analysis(c, settings=settings, seed=seed, progress=progress,
                     filters=filters_from_options(link_types, min_confidence, no_inferred,
                                                  since, until))
    t = a.targets if not top else a.targets.head(top)
    cols = list(TARGET_COLUMNS)
    if robustness:
        t, cols = _robust(c, a, t, "id", settings, seed, link_types, min_confidence,
                          no_inferred, since, until, progress, fmt)
    _emit(t[cols] if fmt == "table" else t, fmt)


@main.command()
@case_argument
@click.option("--members", is_flag=True, help="Print every group member (groups.csv) instead.")
@seed_option
@robustness_option
@format_option
@filter_options
@settings_option
@quiet_option
def groups(case, members, seed, robustness, fmt, link_types, min_confidence, no_inferred, since,
           until, settings_path, quiet):
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

    c, settings, progress = _load(case, settings_path, quiet)
    a = run_analysis(c, settings=settings, seed=seed, progress=progress,
                     filters=filters_from_options(link_types, min_confidence, no_inferred,
                                                  since, until))
    table = a.groups if members else a.logistics
    if robustness and not members:
        table, _ = _robust(c, a, table, "group", settings, seed, link_types, min_confidence,
                           no_inferred, since, until, progress, fmt)
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
@filter_options
@quiet_option
def support(case, fugitive, hops, fmt, link_types, min_confidence, no_inferred, since, until,
            quiet):
    """Show who supports FUGITIVE with which service, directly or through whom.

    \b
    Examples:
      netanalysis support examples/case P0001
      netanalysis support CASE P12 --hops 2 --min-confidence 0.4 --format csv
    """
    from netanalysis.analyze.support import support_network

    c, settings, _ = _load(case, None, quiet)
    df = support_network(c, fugitive, hops=hops, settings=settings,
                         filters=filters_from_options(link_types, min_confidence, no_inferred,
                                                      since, until))
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
@filter_options
@quiet_option
def path(case, a, b, alternatives, by_confidence, fmt, link_types, min_confidence, no_inferred,
         since, until, quiet):
    """Show the shortest (and alternative) paths connecting A and B.

    \b
    Examples:
      netanalysis path examples/case P0001 P0002
      netanalysis path CASE P1 P9 --alternatives 3 --by-confidence
    """
    from netanalysis.analyze.paths import path_table, shortest_paths

    G = _party_graph(case, quiet, link_types, min_confidence, no_inferred, since, until)
    paths = shortest_paths(G, a, b, k=alternatives, by_confidence=by_confidence)
    if not paths:
        click.echo(f"{a} and {b} are not connected", err=True)
        raise SystemExit(1)
    _emit(path_table(G, paths, by_confidence=by_confidence), fmt)


@main.command()
@case_argument
@click.argument("ids", nargs=-1, required=True)
@click.option("--method", type=click.Choice(["paths", "steiner"]), default="paths",
              show_default=True, help="Union of pairwise shortest paths, or a Steiner tree.")
@click.option("--by-confidence", is_flag=True,
              help="Cost 1/confidence per tie instead of 1 per tie.")
@format_option
@filter_options
@quiet_option
def connect(case, ids, method, by_confidence, fmt, link_types, min_confidence, no_inferred,
            since, until, quiet):
    """Show the network connecting a set of people (IDS): its ties.

    \b
    Examples:
      netanalysis connect examples/case P0001 P0002 P0003
      netanalysis connect CASE P1 P5 P9 --method steiner --format csv
    """
    from netanalysis.analyze.paths import connecting_network

    G = _party_graph(case, quiet, link_types, min_confidence, no_inferred, since, until)
    H = connecting_network(G, ids, method=method, by_confidence=by_confidence)
    rows = [{"source": u, "target": v, "types": "|".join(d.get("types", ())),
             "confidence": d.get("confidence")} for u, v, d in H.edges(data=True)]
    _emit(pd.DataFrame(rows, columns=["source", "target", "types", "confidence"]), fmt)
    extra = sorted(str(v) for v in H if not H.nodes[v].get("terminal"))
    click.echo(terminal_text(f"{H.number_of_nodes()} people, {H.number_of_edges()} ties; "
                             f"through: {', '.join(extra) if extra else 'nobody else'}"),
               err=True)


@main.command()
@case_argument
@click.option("--strategy", type=click.Choice(["betweenness", "degree", "pagerank"]),
              default="betweenness", show_default=True, help="Whom to remove first.")
@click.option("--ids", default=None, help="Comma-separated ids to remove in this order "
              "(instead of a strategy).")
@click.option("--mode", type=click.Choice(["sequential", "block"]), default="sequential",
              show_default=True, help="Recompute the ranking after each removal, or not.")
@click.option("--steps", type=int, default=5, show_default=True, help="How many removals.")
@seed_option
@format_option
@filter_options
@quiet_option
def disrupt(case, strategy, ids, mode, steps, seed, fmt, link_types, min_confidence,
            no_inferred, since, until, quiet):
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
    from netanalysis.analyze.disrupt import simulate_disruption
    from netanalysis.model import filter_edges, party_edges, party_graph, party_nodes, support_graph

    c, _, _ = _load(case, None, quiet)
    filters = filters_from_options(link_types, min_confidence, no_inferred, since, until)
    edges = party_edges(c)
    nodes = party_nodes(c)
    G = party_graph(filter_edges(edges, **filters), nodes)
    sf = dict(filters, link_types=None)
    S = support_graph(filter_edges(edges, **sf), nodes)
    strat = [x.strip() for x in ids.split(",") if x.strip()] if ids else strategy
    df = simulate_disruption(G, strat, mode=mode, steps=steps, support=S, seed=seed,
                             k=None if G.number_of_nodes() <= 3000 else 128)
    _emit(df, fmt)


@main.command()
@case_argument
@click.option("-k", "k", type=int, default=5, show_default=True, help="Size of the set.")
@click.option("--restarts", type=int, default=5, show_default=True, help="Random starts.")
@seed_option
@format_option
@filter_options
@quiet_option
def keyplayers(case, k, restarts, seed, fmt, link_types, min_confidence, no_inferred, since,
               until, quiet):
    """Find the K people whose removal fragments the support network most.

    By default the network is the support ties (documents, transport, lodging,
    money) read as undirected; --link-types picks other ties. Borgatti's
    fragmentation (KPP-Neg), greedy swaps from seeded random starts.

    \b
    Examples:
      netanalysis keyplayers examples/case -k 3
      netanalysis keyplayers CASE -k 5 --link-types communication,family --seed 7
    """
    from netanalysis.analyze.keyplayer import fragmentation, key_players
    from netanalysis.model.vocab import SUPPORT_TYPES

    lt = link_types or ",".join(SUPPORT_TYPES)
    G = _party_graph(case, quiet, lt, min_confidence, no_inferred, since, until, nodes=False)
    ids, F = key_players(G, k, seed=seed, restarts=restarts,
                         candidates=None if G.number_of_nodes() <= 500 else 200)
    before = fragmentation(G)
    rows = [{"order": i, "id": v, "fragmentation_without": fragmentation(G, [v])}
            for i, v in enumerate(ids, start=1)]
    _emit(pd.DataFrame(rows, columns=["order", "id", "fragmentation_without"]), fmt)
    click.echo(f"fragmentation {before:.3f} -> {F:.3f} after removing {len(ids)} of "
               f"{G.number_of_nodes()} people ({G.number_of_edges()} ties)", err=True)


@main.command()
@case_argument
@click.option("--window", default="6M", show_default=True,
              help="Window length: a number and D, W, M or Y (30D, 2W, 6M, 1Y).")
@click.option("--start", default=None, help="First day (ISO); default the earliest date.")
@click.option("--end", default=None, help="Last day (ISO); default the latest date.")
@click.option("--keep-undated", is_flag=True, help="Put ties without dates in every window.")
@format_option
@filter_options
@quiet_option
def snapshots(case, window, start, end, keep_undated, fmt, link_types, min_confidence,
              no_inferred, since, until, quiet):
    """Show the network of CASE window by window: size and who is most central.

    Windows cover tie dates and travel departures; ties without dates belong to
    no window unless --keep-undated.

    \b
    Examples:
      netanalysis snapshots examples/case --window 6M
      netanalysis snapshots CASE --window 1Y --link-types communication --format csv
    """
    from netanalysis.analyze.temporal import snapshots as _snapshots

    c, _, _ = _load(case, None, quiet)
    f = filters_from_options(link_types, min_confidence, no_inferred, since, until)
    _emit(_snapshots(c, window, filters=f, keep_undated=keep_undated,
                     start=start or since, end=end or until), fmt)


@main.command()
@case_argument
@click.argument("window_a")
@click.argument("window_b")
@click.option("--top", type=int, default=10, show_default=True,
              help="'Central' means in the top TOP of a window.")
@click.option("--keep-undated", is_flag=True, help="Put ties without dates in both windows.")
@format_option
@filter_options
@quiet_option
def diff(case, window_a, window_b, top, keep_undated, fmt, link_types, min_confidence,
         no_inferred, since, until, quiet):
    """Show what changed between WINDOW_A and WINDOW_B (each SINCE..UNTIL).

    Who became central, who is no longer central, who joined and who left.

    \b
    Examples:
      netanalysis diff examples/case 2023-01..2023-06 2023-07..2023-12
      netanalysis diff CASE 2022..2022 2023..2023 --top 5 --format csv
    """
    from netanalysis.analyze.temporal import diff_windows

    c, _, _ = _load(case, None, quiet)
    f = filters_from_options(link_types, min_confidence, no_inferred, None, None)
    _emit(diff_windows(c, _window(window_a), _window(window_b), filters=f,
                       keep_undated=keep_undated, top=top), fmt)


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


def _robust(c, a, table, key, settings, seed, link_types, min_confidence, no_inferred, since,
            until, progress, fmt):
    """`table` with the stability columns; the sentences go to stderr for a table."""
    from netanalysis.analyze.result import TARGET_COLUMNS
    from netanalysis.analyze.robustness import STABILITY_COLUMNS, robustness, with_stability

    rob = robustness(c, analysis=a, settings=settings, seed=seed, progress=progress,
                     filters=filters_from_options(link_types, min_confidence, no_inferred,
                                                  since, until))
    if fmt == "table":
        for line in rob.sentences(top=5, kinds=("targets",) if key == "id" else ("logistics",)):
            click.echo(line, err=True)
    return with_stability(table, rob, key=key), TARGET_COLUMNS + STABILITY_COLUMNS


def _load(case, settings_path, quiet):
    """Read, resolve and infer as ``analyze`` does (``--no-resolve``/``--no-infer`` opt out)."""
    from netanalysis.pipeline import prepare_case
    from netanalysis.progress import Progress
    from netanalysis.settings import load_settings

    meta = click.get_current_context().meta
    progress = Progress(quiet=quiet)
    settings = load_settings(settings_path)
    c = prepare_case(case, resolve=not meta.get("netanalysis.no_resolve", False),
                     infer=not meta.get("netanalysis.no_infer", False),
                     decisions=meta.get("netanalysis.decisions"), settings=settings,
                     progress=progress)
    return c, settings, progress


def _remember(name):
    def callback(ctx, param, value):
        ctx.meta[f"netanalysis.{name}"] = value
        return value
    return callback


# Every analytics command reads the case as ``analyze`` does, so its figures match
# targets.csv; these options, shared by all of them, opt out.
_PREPARE_OPTIONS = [
    click.Option(["--no-resolve"], is_flag=True, expose_value=False,
                 callback=_remember("no_resolve"), help="Do not merge records of the same person."),
    click.Option(["--no-infer"], is_flag=True, expose_value=False,
                 callback=_remember("no_infer"), help="Do not infer ties that no source stated."),
    click.Option(["--decisions"], type=click.Path(exists=True, dir_okay=False),
                 expose_value=False, callback=_remember("decisions"),
                 help="Analysts' merge decisions (force or veto) to honour."),
]
for _cmd in (rank, groups, support, path, connect, disrupt, keyplayers, snapshots, diff):
    _cmd.params[1:1] = list(_PREPARE_OPTIONS)


def _party_graph(case, quiet, link_types, min_confidence, no_inferred, since, until, nodes=True):
    from netanalysis.model import filter_edges, party_edges, party_graph, party_nodes

    c, _, _ = _load(case, None, quiet)
    f = filters_from_options(link_types, min_confidence, no_inferred, since, until)
    return party_graph(filter_edges(party_edges(c), **f), party_nodes(c) if nodes else None)


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
