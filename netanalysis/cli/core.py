"""The main job: ``netanalysis analyze``."""

from __future__ import annotations

import click

from netanalysis.backends.base import BACKENDS
from netanalysis.cli._common import (
    case_argument,
    filter_options,
    filters_from_options,
    main,
    quiet_option,
    settings_option,
)
from netanalysis.cli._common import allow_outside, allow_outside_option

__all__ = ["analyze"]


@main.command()
@case_argument
@click.option("--out", "-o", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Output folder (created if needed).")
@click.option("--backend", type=click.Choice(list(BACKENDS)), default="embedded",
              show_default=True, help="Compute in process, or in a Neo4j server with GDS.")
@click.option("--no-resolve", is_flag=True, help="Do not merge records of the same person.")
@click.option("--no-infer", is_flag=True, help="Do not infer ties that no source stated.")
@click.option("--decisions", type=click.Path(exists=True, dir_okay=False),
              help="Analysts' merge decisions (force or veto) to honour.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
              help="Mapping file for a source that is not in case format v1.")
@allow_outside_option
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for sampled betweenness and community detection.")
@click.option("--no-map", is_flag=True, help="Do not draw network.html.")
@click.option("--no-report", is_flag=True, help="Do not write report.html.")
@click.option("--whole", is_flag=True,
              help="network.html draws the full property graph, not the investigation view.")
@click.option("--robustness", is_flag=True,
              help="Rank again without weak reports, each main source and inferred ties: "
                   "stability columns in targets.csv/logistics.csv and a report section.")
@click.option("--uri", envvar="NEO4J_URI", help="Neo4j URI for --backend neo4j (or NEO4J_URI).")
@click.option("--user", envvar="NEO4J_USER", help="Neo4j user (or NEO4J_USER).")
@click.option("--database", envvar="NEO4J_DATABASE", help="Neo4j database (or NEO4J_DATABASE).")
@filter_options
@settings_option
@quiet_option
def analyze(case, out, backend, no_resolve, no_infer, decisions, mapping, seed, no_map, no_report,
            whole, robustness, uri, user, database, link_types, min_confidence, no_inferred, since, until,
            settings_path, quiet):
    """Run the main job on CASE and write the output contract into --out.

    Reads the case, merges records of the same person, infers ties no source
    stated, ranks high-value targets, finds the logistics groups behind them,
    and writes targets.csv, groups.csv, logistics.csv, inferred_links.csv,
    merges.csv, rejects.csv, network.html, report.html and summary.json.
    Rejected input rows are summarised on stderr and listed in rejects.csv.
    With --backend neo4j the case is pushed to the server first and replaces
    what an earlier push wrote in that database (use one database per case).

    \b
    Examples:
      netanalysis analyze examples/case --out out
      netanalysis analyze CASE --out out --no-resolve --link-types communication,family
      netanalysis analyze CASE --out out --since 2024-01 --min-confidence 0.3 -q
      netanalysis analyze CASE --out out --robustness
      NEO4J_URI=bolt://localhost:7687 netanalysis analyze CASE --backend neo4j
    """
    from netanalysis.ingest import rejects_summary
    from netanalysis.outputs import MANIFEST, terminal_text
    from netanalysis.pipeline import analyze_case
    from netanalysis.progress import Progress
    from netanalysis.settings import load_settings

    settings = load_settings(settings_path)
    filters = filters_from_options(link_types, min_confidence, no_inferred, since, until)
    run = analyze_case(case, out, backend=backend, resolve=not no_resolve, infer=not no_infer,
                       decisions=decisions, mapping=mapping, settings=settings, filters=filters,
                       seed=seed, write_map=not no_map, write_report=not no_report,
                       progress=Progress(quiet=quiet),
                       neo4j={"uri": uri, "user": user, "database": database},
                       allow_outside=allow_outside(), whole_map=whole, robustness=robustness)
    if len(run.case.rejects):
        click.echo(terminal_text(rejects_summary(run.case)), err=True)
    s = run.summary
    click.echo(f"read {s['rows']['read']:,} rows: {s['rows']['taken']:,} taken, "
               f"{s['rows']['rejected']:,} rejected; {s['merges']:,} merges; "
               f"{sum(s['inferred_links'].values()):,} inferred ties; "
               f"{s['logistics_groups']:,} logistics groups")
    click.echo(terminal_text(f"wrote {len(run.files)} files to {run.out}:"))
    for name in run.files:
        click.echo(terminal_text(f"  {run.out / name}"))
    click.echo(terminal_text(f"  {run.out / MANIFEST} (last: what this run wrote, with sha256)"))
