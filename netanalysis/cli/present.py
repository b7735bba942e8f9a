"""Commands of the present family: ``map``, ``report``, ``export`` and ``import-ftm``.

Each loads the case as the main job does (read, resolve, infer, rank) and calls one public
function of :mod:`netanalysis.present`.
"""

from __future__ import annotations

import click

from netanalysis.cli._common import (
    case_argument,
    filter_options,
    filters_from_options,
    main,
    quiet_option,
    settings_option,
)
from netanalysis.outputs import terminal_text
from netanalysis.cli._common import allow_outside, allow_outside_option

__all__ = ["map_command", "report_command", "export_command", "import_ftm_command"]


def _prepared(case, *, no_resolve, no_infer, mapping, seed, filters, settings_path, quiet,
              analysis=True):
    """Return (case, analysis, settings, progress) loaded as ``analyze`` loads them."""
    from netanalysis.analyze import run_analysis
    from netanalysis.pipeline import prepare_case
    from netanalysis.progress import Progress
    from netanalysis.settings import load_settings

    progress = Progress(quiet=quiet)
    settings = load_settings(settings_path)
    c = prepare_case(case, resolve=not no_resolve, infer=not no_infer, mapping=mapping,
                     settings=settings, progress=progress, allow_outside=allow_outside())
    a = None
    if analysis:
        with progress.step("ranking targets and groups"):
            a = run_analysis(c, settings=settings, filters=filters, seed=seed, progress=progress)
    return c, a, settings, progress


def _loading_options(f):
    opts = [
        click.option("--no-resolve", is_flag=True, help="Do not merge records of the same person."),
        click.option("--no-infer", is_flag=True, help="Do not infer ties that no source stated."),
        click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
                     help="Mapping file for a source that is not in case format v1."),
        allow_outside_option,
        click.option("--seed", type=int, default=0, show_default=True,
                     help="Seed for sampled betweenness and community detection."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


@main.command("map")
@case_argument
@click.option("--out", "-o", default="network.html", show_default=True,
              type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--focus", default=None, help="Draw only the world of this id (see --hops).")
@click.option("--hops", type=click.IntRange(min=0), default=2, show_default=True,
              help="Radius of a --focus map, in ties.")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Draw the top N targets and the shortest paths that connect them.")
@click.option("--group", default=None, help="Draw the members of this group.")
@click.option("--color-by", type=click.Choice(["role", "group"]), default="role",
              show_default=True, help="What the colour of a node says.")
@click.option("--kinds", default=None,
              help="Comma-separated node kinds to keep (Person,Organization,Phone,Document,"
                   "Place,Journey).")
@click.option("--max-physics-nodes", type=click.IntRange(min=1), default=None,
              help="Above this many nodes, lay the map out in Python with physics off "
                   "(default from settings, map.max_physics_nodes).")
@click.option("--title", default=None, help="Heading of the page.")
@click.option("--whole", is_flag=True,
              help="Draw the full property graph (every phone, document, place and journey) "
                   "instead of the investigation view.")
@click.option("--geo", is_flag=True,
              help="Geographic layout: persons at their last known place, places at their "
                   "coordinates.")
@_loading_options
@filter_options
@settings_option
@quiet_option
def map_command(case, out, focus, hops, top, group, color_by, kinds, max_physics_nodes, title,
                whole, geo, no_resolve, no_infer, mapping, seed, link_types, min_confidence, no_inferred,
                since, until, settings_path, quiet):
    """Draw an interactive network map of CASE: one HTML file that works offline.

    Without a selection it draws the investigation view: fugitives, their supporters,
    the logistics groups, the top targets and what connects them, with phones,
    documents and journeys folded into the ties they explain, and a panel that
    focuses the map on a group or a fugitive; --whole draws the full property graph.
    Colour says the role (fugitive, facilitator, associate, unknown) or the group,
    size the target score, shape the kind; inferred ties are dashed and ties of low
    confidence faint. Hover or click for the facts behind a node or tie. Large maps
    are laid out in Python with physics off; the command says when it reduced one.

    \b
    Examples:
      netanalysis map examples/case --out network.html
      netanalysis map examples/case --whole --out whole.html
      netanalysis map CASE --focus P0001 --hops 2 --out p0001.html
      netanalysis map CASE --top 10 --out top10.html
      netanalysis map CASE --group 3 --color-by group --out group3.html
      netanalysis map CASE --kinds Person,Organization --out parties.html
      netanalysis map CASE --geo --out geo.html
    """
    from netanalysis.present import network_map

    if sum(x is not None for x in (focus, top, group)) > 1:
        raise click.UsageError("give at most one of --focus, --top and --group")
    filters = filters_from_options(link_types, min_confidence, no_inferred, since, until)
    c, a, settings, progress = _prepared(case, no_resolve=no_resolve, no_infer=no_infer,
                                         mapping=mapping, seed=seed, filters=filters,
                                         settings_path=settings_path, quiet=quiet)
    info = network_map(c, out, analysis=a, focus=focus, hops=hops, top=top, group=group,
                       color_by=color_by,
                       kinds=[k.strip() for k in kinds.split(",") if k.strip()] if kinds else None,
                       max_physics_nodes=max_physics_nodes, title=title, whole=whole,
                       settings=settings, progress=progress, geo=geo)
    if quiet:  # otherwise the progress lines said it already
        for line in info["reductions"]:
            click.echo(terminal_text(f"map reduced: {line}"), err=True)
    click.echo(f"wrote {info['path']}: {info['nodes']:,} nodes, {info['edges']:,} ties")


@main.command("report")
@case_argument
@click.option("--out", "-o", default="report.html", show_default=True,
              type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--fugitives", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many of the highest-ranked fugitives get a section.")
@click.option("--title", default=None, help="Heading of the report.")
@_loading_options
@filter_options
@settings_option
@quiet_option
def report_command(case, out, fugitives, title, no_resolve, no_infer, mapping, seed, link_types,
                   min_confidence, no_inferred, since, until, settings_path, quiet):
    """Write the case report of CASE: one self-contained HTML page.

    What was read, rejected and merged; the ranked targets and why; each high-value
    fugitive's support network, travel timeline and last known movements; the
    logistics groups and their services; the inferred ties and their evidence.

    \b
    Examples:
      netanalysis report examples/case --out report.html
      netanalysis report CASE --out report.html --fugitives 5 --min-confidence 0.3
    """
    from netanalysis.present import write_report

    filters = filters_from_options(link_types, min_confidence, no_inferred, since, until)
    c, a, settings, progress = _prepared(case, no_resolve=no_resolve, no_infer=no_infer,
                                         mapping=mapping, seed=seed, filters=filters,
                                         settings_path=settings_path, quiet=quiet)
    info = write_report(c, a, out, title=title, fugitives=fugitives, settings=settings,
                        progress=progress)
    click.echo(f"wrote {info['path']}: {info['targets']} targets, {info['fugitives']} fugitives, "
               f"{info['groups']} logistics groups, {info['inferred']} inferred ties")


@main.command("export")
@case_argument
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "csv", "ftm", "anx"]),
              default=None, help="Output format (default: from the --out suffix; a path "
                                 "without suffix is a csv folder).")
@click.option("--out", "-o", required=True, type=click.Path(),
              help="File to write (for csv: a folder that receives nodes.csv and edges.csv).")
@click.option("--no-analysis", is_flag=True,
              help="Export the case alone, without rank, score, why and group.")
@_loading_options
@filter_options
@settings_option
@quiet_option
def export_command(case, fmt, out, no_analysis, no_resolve, no_infer, mapping, seed, link_types,
                   min_confidence, no_inferred, since, until, settings_path, quiet):
    """Export CASE for Gephi, yEd, Aleph or i2 Analyst's Notebook.

    graphml and gexf (Gephi, yEd), json (networkx node-link), csv (typed node and
    edge tables), ftm (FollowTheMoney entities, JSON lines, for Aleph and
    OpenSanctions tools), anx (i2 Analyst's Notebook chart with grades and source
    cards). Parties carry their rank, score, why and group unless --no-analysis.

    \b
    Examples:
      netanalysis export examples/case --format gexf --out case.gexf
      netanalysis export CASE --out case.graphml
      netanalysis export CASE --format csv --out tables/
      netanalysis export CASE --format ftm --out case.ftm.jsonl --no-infer
      netanalysis export CASE --format anx --out case.anx
    """
    from netanalysis.present.exports import export_case

    filters = filters_from_options(link_types, min_confidence, no_inferred, since, until)
    c, a, settings, progress = _prepared(case, no_resolve=no_resolve, no_infer=no_infer,
                                         mapping=mapping, seed=seed, filters=filters,
                                         settings_path=settings_path, quiet=quiet,
                                         analysis=not no_analysis)
    info = export_case(c, out, fmt, analysis=a, progress=progress)
    for p in info.get("problems", []):
        click.echo(terminal_text(f"not exported: {p['where']}: {p['schema']}.{p['property']} "
                                 f"{p['value']!r}: {p['problem']}"), err=True)
    what = (f"{info['entities']:,} entities" if info["format"] == "ftm" else
            f"{info['entities']:,} entities, {info['links']:,} links" if info["format"] == "anx"
            else f"{info['nodes']:,} nodes, {info['edges']:,} edges")
    click.echo(f"wrote {info['format']}: {what}")
    for f in info["files"]:
        click.echo(f"  {f}")


@main.command("import-ftm")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Case folder to write (case format v1).")
def import_ftm_command(file, out):
    """Turn FollowTheMoney entities (JSON lines) into a case folder.

    Persons, organizations, their links (family, associates, memberships,
    employment, payments), identity documents, calls and trips become the files of
    case format v1; entities of other schemata are counted and left out. Then
    analyse the folder as any case: every row is validated when it is read.

    \b
    Examples:
      netanalysis import-ftm entities.ftm.jsonl --out case_from_aleph
      netanalysis analyze case_from_aleph --out out
    """
    from netanalysis.present.ftm import import_ftm

    info = import_ftm(file, out)
    files = ", ".join(f"{name} ({n:,})" for name, n in info["files"].items())
    click.echo(f"read {info['entities']:,} entities; wrote {files} to {info['path']}")
    if info["skipped"]:
        skipped = ", ".join(f"{k} {v:,}" for k, v in sorted(info["skipped"].items()))
        click.echo(f"left out (no place in the case format): {skipped}", err=True)
