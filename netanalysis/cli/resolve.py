"""Entity resolution and link inference: ``netanalysis resolve`` and ``netanalysis infer``."""

from __future__ import annotations

from pathlib import Path

import click

from netanalysis.cli._common import case_argument, main, quiet_option, settings_option
from netanalysis.outputs import write_csv

__all__ = ["resolve", "infer"]

_MAPPING = click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
                        help="Mapping file for a source that is not in case format v1.")


@main.command()
@case_argument
@click.option("--decisions", type=click.Path(exists=True, dir_okay=False),
              help="Analysts' decisions CSV (id_a,id_b,decision,note; decision merge or veto).")
@click.option("--out", "-o", default="merges.csv", show_default=True,
              type=click.Path(dir_okay=False), help="Where to write the merges table.")
@_MAPPING
@settings_option
@quiet_option
def resolve(case, decisions, out, mapping, settings_path, quiet):
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
    from netanalysis.ingest import load_case
    from netanalysis.progress import Progress
    from netanalysis.resolve import load_decisions, resolve_entities
    from netanalysis.settings import load_settings

    progress = Progress(quiet=quiet)
    settings = load_settings(settings_path)
    dec = load_decisions(decisions) if decisions else None
    c = load_case(case, mapping=mapping, progress=progress)
    merges = resolve_entities(c, settings=settings, decisions=dec, progress=progress)
    _write(merges, out)
    people = len(c.tables["persons"])
    click.echo(f"{people:,} person records: {len(merges):,} merged into "
               f"{merges['kept_id'].nunique() if len(merges) else 0:,} persons; "
               f"{people - len(merges):,} persons remain; wrote {out}")


@main.command()
@case_argument
@click.option("--out", "-o", default="inferred_links.csv", show_default=True,
              type=click.Path(dir_okay=False), help="Where to write the inferred ties.")
@click.option("--no-resolve", is_flag=True,
              help="Infer on the records as they are, without merging records of one person.")
@click.option("--decisions", type=click.Path(exists=True, dir_okay=False),
              help="Analysts' merge decisions honoured by resolution before inference.")
@_MAPPING
@settings_option
@quiet_option
def infer(case, out, no_resolve, decisions, mapping, settings_path, quiet):
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
    from netanalysis.ingest import load_case
    from netanalysis.progress import Progress
    from netanalysis.resolve import apply_merges, infer_links, load_decisions, resolve_entities
    from netanalysis.settings import load_settings

    progress = Progress(quiet=quiet)
    settings = load_settings(settings_path)
    dec = load_decisions(decisions) if decisions else None
    c = load_case(case, mapping=mapping, progress=progress)
    if not no_resolve:
        c = apply_merges(c, resolve_entities(c, settings=settings, decisions=dec,
                                             progress=progress))
    ties = infer_links(c, settings=settings, progress=progress)
    _write(ties, out)
    counts = ties["type"].value_counts()
    detail = ", ".join(f"{counts[t]:,} {t}" for t in sorted(counts.index)) or "none"
    click.echo(f"{len(ties):,} inferred ties ({detail}); wrote {out}")


def _write(df, out):
    p = Path(out)
    if p.parent and not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    write_csv(df, p)  # formula-safe cells, atomic replace
