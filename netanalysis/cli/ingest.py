"""Commands of the ingest family: ``netanalysis validate``."""

from __future__ import annotations

import sys

import click

from netanalysis.cli._common import case_argument, main, quiet_option
from netanalysis.outputs import terminal_text
from netanalysis.cli._common import allow_outside, allow_outside_option

__all__ = ["validate"]


@main.command()
@case_argument
@click.option("--mapping", type=click.Path(dir_okay=False),
              help="Mapping file for sources not in case format v1 (relative paths are also "
                   "looked up in CASE).")
@allow_outside_option
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False),
              help="Write every rejected row to this CSV (file, line, column, value, problem).")
@click.option("--phone-region", default=None,
              help="Country code for phone numbers written without + (e.g. CO).")
@quiet_option
def validate(case, mapping, rejects_path, phone_region, quiet):
    """Read and validate CASE without analysing it; print rows read, taken and rejected per file.

    Every rejected row is summarised on stderr (and listed in --rejects when given).

    \b
    Exit codes:
      0  every row was taken
      1  some rows were rejected (the case is still usable; see the rejects)
      2  a whole file is unusable (missing column, not a CSV, bad mapping...)

    \b
    Examples:
      netanalysis validate examples/case
      netanalysis validate CASE --rejects rejects.csv
      netanalysis validate examples/mapping_es --mapping mapping.yaml
    """
    from netanalysis.ingest import counts_table, load_case, rejects_summary, write_rejects
    from netanalysis.progress import Progress

    c = load_case(case, mapping=mapping, progress=Progress(quiet=quiet),
                  phone_region=phone_region, allow_outside=allow_outside())
    table = counts_table(c)
    click.echo(_format(table))
    total = {k: int(table[k].sum()) for k in ("read", "taken", "rejected")}
    click.echo(f"total: {total['read']:,} rows read, {total['taken']:,} taken, "
               f"{total['rejected']:,} rejected")
    if rejects_path:
        write_rejects(c, rejects_path)
        click.echo(f"wrote {rejects_path}")
    if total["rejected"]:
        click.echo(terminal_text(rejects_summary(c)), err=True)
        sys.exit(1)


def _format(table):
    """Return the counts table as aligned text: names left, numbers right."""
    cols = list(table.columns)
    rows = [[f"{v:,}" if isinstance(v, (int,)) or hasattr(v, "dtype") else str(v)
             for v in rec] for rec in table.itertuples(index=False)]
    numeric = {"read", "taken", "rejected"}
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    lines = []
    for cells in [cols] + rows:
        lines.append("  ".join(c.rjust(w) if name in numeric else c.ljust(w)
                               for c, w, name in zip(cells, widths, cols)).rstrip())
    return "\n".join(lines)
