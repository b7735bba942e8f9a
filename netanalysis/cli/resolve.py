"""Entity resolution and link inference: ``netanalysis resolve``, ``netanalysis infer`` and
``netanalysis match``."""

from __future__ import annotations

from pathlib import Path

import click

from netanalysis.cli._common import (
    case_argument,
    case_options,
    main,
    prepared_case,
    quiet_option,
    settings_option,
)
from netanalysis.outputs import write_csv

__all__ = ["resolve", "infer", "match"]

@main.command()
@case_argument
@click.option("--out", "-o", default="merges.csv", show_default=True,
              type=click.Path(dir_okay=False), help="Where to write the merges table.")
@case_options(resolve=False, infer=False, filters=False)
def resolve(case, out, **options):
    """Find the person records of CASE that describe the same person.

    Writes one row per merged record: kept_id, merged_id, score, reason (in
    words), via_id, name_score, evidence, decision. Records never merge on
    name alone. Put analysts' decisions in a CSV (id_a,id_b,decision,note with
    decision `merge` or `veto`) and pass it with --decisions: a veto prevents a
    merge however strong the evidence, a merge forces one. Thresholds are the
    `resolve` section of the settings.

    \b
    Examples:
      netanalysis resolve examples/case --out merges.csv
      netanalysis resolve CASE --decisions decisions.csv --out merges.csv
      NETANALYSIS_RESOLVE__THRESHOLD=1.2 netanalysis resolve CASE -q
    """
    from netanalysis.resolve import load_decisions, resolve_entities

    decisions = options.pop("decisions")
    p = prepared_case(case, dict(options, no_resolve=True, no_infer=True))  # read only
    dec = load_decisions(decisions) if decisions else None
    c = p.case
    merges = resolve_entities(c, settings=p.settings, decisions=dec, progress=p.progress)
    _write(merges, out)
    people = len(c.tables["persons"])
    click.echo(f"{people:,} person records: {len(merges):,} merged into "
               f"{merges['kept_id'].nunique() if len(merges) else 0:,} persons; "
               f"{people - len(merges):,} persons remain; wrote {out}")


@main.command()
@case_argument
@click.option("--out", "-o", default="inferred_links.csv", show_default=True,
              type=click.Path(dir_okay=False), help="Where to write the inferred ties.")
@case_options(infer=False, filters=False)
def infer(case, out, **options):
    """Find ties between the persons of CASE that no source stated.

    Co-travel (the same flight or voyage on the same day, or the same booking;
    one shared busy flight is a coincidence), shared phones and documents,
    and calls between persons' numbers. Each tie is written with from_id,
    to_id, type, evidence (what was seen), score, confidence (below that of
    any reported tie), weight, start, end. Records of one person are merged
    first unless --no-resolve. Thresholds are the `infer` section of the
    settings.

    \b
    Examples:
      netanalysis infer examples/case --out inferred_links.csv
      netanalysis infer CASE --no-resolve -q
      NETANALYSIS_INFER__CO_TRAVEL__MIN_SHARED_JOURNEYS=3 netanalysis infer CASE
    """
    from netanalysis.resolve import infer_links

    p = prepared_case(case, dict(options, no_infer=True))  # read and resolve, as analyze
    ties = infer_links(p.case, settings=p.settings, progress=p.progress)
    _write(ties, out)
    counts = ties["type"].value_counts()
    detail = ", ".join(f"{counts[t]:,} {t}" for t in sorted(counts.index)) or "none"
    click.echo(f"{len(ties):,} inferred ties ({detail}); wrote {out}")


@main.command()
@click.argument("travel", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--seeds", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Persons of interest: one id a line, or a CSV with a person_id or id column.")
@click.option("--out", "-o", default="co_travellers.csv", show_default=True,
              type=click.Path(dir_okay=False), help="Where to write the co-travellers found.")
@click.option("--rejects", default=None, type=click.Path(dir_okay=False),
              help="Where to write the legs not taken (no person id); default: beside --out, "
                   "named like it with _rejects.")
@settings_option
@quiet_option
def match(travel, seeds, out, rejects, settings_path, quiet):
    """Match persons of interest against a large travel table (CSV or Parquet).

    Journeys (same flight, same day) and bookings shared with a person of
    interest are tested against chance (every person's activity counted over
    the whole table; the `infer` settings, FDR level included, apply); very
    full journeys are pruned, shared bookings still count. The table is read
    by DuckDB where it lies. Writes the significant co-travellers with their
    evidence (the columns of `netanalysis infer`).

    \b
    Examples:
      netanalysis match legs.parquet --seeds wanted.txt --out co_travellers.csv
      netanalysis match legs.csv --seeds persons_of_interest.csv -q
    """
    from netanalysis.progress import Progress
    from netanalysis.resolve.infer import match_seeds
    from netanalysis.settings import load_settings

    if rejects is None:
        rejects = Path(out).with_name(Path(out).stem + "_rejects.csv")
    ties = match_seeds(travel, seeds, settings=load_settings(settings_path),
                       progress=Progress(quiet=quiet), rejects=rejects)
    _write(ties, out)
    click.echo(f"{len(ties):,} co-travellers of persons of interest; wrote {out}")


def _write(df, out):
    p = Path(out)
    if p.parent and not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    write_csv(df, p)  # formula-safe cells, atomic replace
