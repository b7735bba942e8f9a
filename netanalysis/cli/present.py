"""Commands of the present family: ``map``, ``report``, ``export`` and ``import-ftm``.

Each prepares the case as the main job does (read, resolve, infer with the ``--settings``
given, rank with the filters) and calls one public function of :mod:`netanalysis.present`
with the same filters, so that what is drawn or exported is what was analysed.
"""

from __future__ import annotations

import click

from netanalysis.cli._common import case_argument, case_options, main, prepared_case
from netanalysis.outputs import terminal_text

__all__ = ["map_command", "report_command", "export_command", "import_ftm_command"]


def _analysed(case, options, *, analysis=True):
    """Return (prepared, analysis): the case prepared and ranked as ``analyze`` does."""
    from netanalysis.analyze import run_analysis

    seed = options.pop("seed")
    p = prepared_case(case, options)
    a = None
    if analysis:
        with p.progress.step("ranking targets and groups"):
            a = run_analysis(p.case, settings=p.settings, filters=p.filters, seed=seed,
                             progress=p.progress)
    return p, a


seed_option = click.option("--seed", type=int, default=0, show_default=True,
                           help="Seed for sampled betweenness and community detection.")


@main.command("map")
@case_argument
@click.option("--out", "-o", default="network.html", show_default=True,
              type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--focus", default=None, help="Draw only the world of this id (see --hops).")
@click.option("--hops", type=click.IntRange(min=0), default=None,
              help="Radius of a --focus map, in ties [default: map.focus_hops].")
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
@seed_option
@case_options
def map_command(case, out, focus, hops, top, group, color_by, kinds, max_physics_nodes, title,
                whole, geo, **options):
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
    quiet = options["quiet"]
    p, a = _analysed(case, options)
    info = network_map(p.case, out, analysis=a, focus=focus, hops=hops, top=top, group=group,
                       color_by=color_by,
                       kinds=[k.strip() for k in kinds.split(",") if k.strip()] if kinds else None,
                       max_physics_nodes=max_physics_nodes, title=title, whole=whole,
                       settings=p.settings, progress=p.progress, filters=p.filters, geo=geo)
    if quiet:  # otherwise the progress lines said it already
        for line in info["reductions"]:
            click.echo(terminal_text(f"map reduced: {line}"), err=True)
    click.echo(f"wrote {info['path']}: {info['nodes']:,} nodes, {info['edges']:,} ties")


@main.command("report")
@case_argument
@click.option("--out", "-o", default="report.html", show_default=True,
              type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--fugitives", type=click.IntRange(min=0), default=None,
              help="How many of the highest-ranked fugitives get a section "
                   "[default: map.report_fugitives].")
@click.option("--title", default=None, help="Heading of the report.")
@seed_option
@case_options
def report_command(case, out, fugitives, title, **options):
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

    p, a = _analysed(case, options)
    info = write_report(p.case, a, out, title=title, fugitives=fugitives, settings=p.settings,
                        progress=p.progress, filters=p.filters)
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
@seed_option
@case_options
def export_command(case, fmt, out, no_analysis, **options):
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

    p, a = _analysed(case, options, analysis=not no_analysis)
    info = export_case(p.case, out, fmt, analysis=a, progress=p.progress, filters=p.filters)
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
    from netanalysis.ingest.ftm import import_ftm

    info = import_ftm(file, out)
    files = ", ".join(f"{name} ({n:,})" for name, n in info["files"].items())
    click.echo(f"read {info['entities']:,} entities; wrote {files} to {info['path']}")
    if info["skipped"]:
        skipped = ", ".join(f"{k} {v:,}" for k, v in sorted(info["skipped"].items()))
        click.echo(f"left out (no place in the case format): {skipped}", err=True)
