"""``netanalysis synth``: write a synthetic case (a thin wrapper of :func:`netanalysis.synth.synth_case`)."""

from __future__ import annotations

import click

from netanalysis.cli._common import main, quiet_option

__all__ = ["synth"]


@main.command()
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Folder to write the case into (created if needed).")
@click.option("--persons", "-n", type=click.IntRange(100, 1_000_000), default=1000,
              show_default=True, help="Rows of persons.csv, from 100 to 1,000,000.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the generator: the same seed writes byte-identical files.")
@click.option("--dirty", type=click.FloatRange(0.0, 0.5), default=0.0, show_default=True,
              help="Fraction of rows of each file to corrupt on purpose (listed in "
                   "truth/planted_errors.csv).")
@click.option("--p-follow", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Chance that a fugitive's random move goes instead where one of its "
                   "supporters (lodging first) set up a new residence 14-42 days before: the "
                   "network moves first. 0 writes the same files as without the option.")
@quiet_option
def synth(out, persons, seed, dirty, p_follow, quiet):
    """Write a realistic, fictional case in case format v1 into --out.

    Fugitives with notices and offences, their families, associates and
    criminal groups; logistics cells of facilitators who supply documents,
    transport, lodging and money (some serving several fugitives, a few
    brokers); a background population with popular hubs; flights and border
    crossings with hidden travel companions; documents (some fraudulent);
    phones and calls; and a second source (ids ES-...) that repeats some
    people under name variants. What was planted is written to OUT/truth/
    (see OUT/truth/README.md). Progress goes to stderr.

    \b
    Examples:
      netanalysis synth --out /tmp/case --persons 10000 --seed 7
      netanalysis synth --out /tmp/big --persons 1000000 --quiet
      netanalysis synth --out /tmp/dirty --persons 5000 --dirty 0.01
      netanalysis synth --out /tmp/follow --persons 10000 --p-follow 0.5
      netanalysis analyze /tmp/case --out /tmp/out
    """
    from netanalysis.progress import Progress
    from netanalysis.synth import synth_case

    s = synth_case(out, persons=persons, seed=seed, dirty=dirty, p_follow=p_follow,
                   progress=Progress(quiet=quiet))
    rows = ", ".join(f"{k} {v:,}" for k, v in s["rows"].items())
    click.echo(f"wrote a synthetic case to {s['out']}: {rows}")
    click.echo(f"planted: {s['fugitives']:,} fugitives, {s['facilitators']:,} facilitators in "
               f"{s['cells']:,} cells ({s['multi_fugitive_facilitators']:,} serve several "
               f"fugitives, {s['brokers']:,} brokers), {s['duplicates']:,} duplicates, "
               f"{s['near_misses']:,} near misses, {s['hidden_companions']:,} hidden companions"
               + (f", {s['planted_errors']:,} corrupted rows" if dirty else "")
               + f"; ground truth in {s['out']}/truth")
