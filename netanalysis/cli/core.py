"""The main job: ``netanalysis analyze``."""

from __future__ import annotations

import click

from netanalysis.backends.base import BACKENDS
from netanalysis.cli._common import case_argument, case_options, main, prepared_case
from netanalysis.engines import ENGINES

__all__ = ["analyze"]


@main.command()
@case_argument
@click.option("--out", "-o", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Output folder (created if needed).")
@click.option("--backend", type=click.Choice(list(BACKENDS)), default="embedded",
              show_default=True, help="Compute in process, or in a Neo4j server with GDS.")
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
@click.option("--engine", type=click.Choice(list(ENGINES)), default="embedded", show_default=True,
              help="Read, resolve and infer in process, or as Spark jobs reduced to the "
                   "investigation graph (extra spark; docs/spark.md).")
@click.option("--spark-master", default=None,
              help="With --engine spark: local[N], spark://host:7077, yarn or sc://host:15002 "
                   "(default: setting spark.master, else local).")
@case_options
def analyze(case, out, backend, seed, no_map, no_report, whole, robustness, uri, user, database,
            engine, spark_master, **options):
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
      netanalysis analyze CASE --out out --engine spark --spark-master sc://spark:15002
    """
    from netanalysis.ingest import rejects_summary
    from netanalysis.outputs import MANIFEST, terminal_text
    from netanalysis.pipeline import analyze_case

    p = prepared_case(case, options, prepare=False)  # analyze_case prepares it
    run = analyze_case(case, out, backend=backend, **p.prepare, settings=p.settings,
                       filters=p.filters, seed=seed, write_map=not no_map,
                       write_report=not no_report, progress=p.progress,
                       neo4j={"uri": uri, "user": user, "database": database},
                       whole_map=whole, robustness=robustness, engine=engine,
                       spark_master=spark_master)
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
