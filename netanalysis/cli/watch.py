"""``netanalysis watch``: run saved watch rules on a case and write alerts.csv."""

from __future__ import annotations

import click

from netanalysis.cli._common import case_argument, case_options, main, prepared_case

__all__ = ["watch_command"]


@main.command("watch")
@case_argument
@click.option("--rules", "rules_path", required=True, type=click.Path(dir_okay=False),
              help="The rule file (YAML): watchlists and rules.")
@click.option("--state", "state_dir", required=True, type=click.Path(file_okay=False),
              help="Folder that keeps the alerts between runs (state.json, alerts.csv).")
@click.option("--dismiss", multiple=True, metavar="FINGERPRINT",
              help="Dismiss an alert (repeatable); it stays dismissed unless its evidence "
                   "changes. Setting status to 'dismissed' in alerts.csv does the same.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the case report, with the open alerts, to this file.")
@case_options(filters=False)
def watch_command(case, rules_path, state_dir, dismiss, report_path, **options):
    """Run the watch rules of --rules on CASE and write STATE/alerts.csv.

    Every rule runs over the whole case on every run, and the alerts are compared with
    the earlier runs kept in --state: a new rule runs over past data, a re-run on the
    same data raises nothing new, new rows raise only the alerts they cause, repeated
    hits are grouped in one alert, a dismissed alert stays dismissed unless its evidence
    changes, and alerts about merged records follow the kept person. Rule types:
    flagged_document_journey, support_network_journey, new_co_traveller,
    supporter_at_last_seen, logistics_groups_tie, watchlist.

    \b
    Examples:
      netanalysis watch examples/case --rules watch.yaml --state watch-state
      netanalysis watch CASE --rules watch.yaml --state st --dismiss 0cba0cd4a3a6e8bb
      netanalysis watch CASE --rules watch.yaml --state st --report report.html
    """
    from netanalysis.watch import load_rules, watch

    rules = load_rules(rules_path)  # checked before the case is read
    p = prepared_case(case, options)
    c, settings, progress = p.case, p.settings, p.progress
    analysis = None
    if report_path or any(r["type"] == "logistics_groups_tie" for r in rules["rules"]):
        from netanalysis.analyze import run_analysis

        analysis = run_analysis(c, settings=settings)
    df = watch(c, rules, state_dir, analysis=analysis, dismiss=dismiss, progress=progress)
    counts = df["status"].value_counts().to_dict() if len(df) else {}
    click.echo(f"wrote {state_dir}/alerts.csv: {len(df):,} alerts ({counts.get('new', 0)} new, "
               f"{counts.get('open', 0)} open, {counts.get('dismissed', 0)} dismissed)")
    if report_path:
        from netanalysis.present import write_report

        write_report(c, analysis, report_path, settings=settings, progress=progress, alerts=df)
        click.echo(f"wrote {report_path}")
