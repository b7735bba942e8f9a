"""``netanalysis neo4j``: push a case into Neo4j, pull graphs, measures, a local test server.

Each command is a few lines around one function of :mod:`netanalysis.backends.neo4j`.
Connection values come from ``--uri`` / ``--user`` / ``--database`` or ``NEO4J_URI`` /
``NEO4J_USER`` / ``NEO4J_DATABASE``; the password only from ``NEO4J_PASSWORD`` or a prompt
(``--ask-password``), never from the command line, and it is never echoed or printed.
"""

from __future__ import annotations

import sys
import time

import click

from netanalysis.cli._common import (
    case_argument,
    case_options,
    filter_options,
    filters_from_options,
    main,
    prepared_case,
    quiet_option,
    settings_option,
)
from netanalysis.errors import InputError
from netanalysis.outputs import terminal_text, write_csv

__all__ = ["neo4j", "push", "pull", "measures", "server"]


def connection_options(f):
    """Add ``--uri``, ``--user``, ``--database`` and ``--ask-password``."""
    opts = [
        click.option("--uri", default=None,
                     help="Bolt address, e.g. bolt://localhost:7687 (default: NEO4J_URI or the "
                          "settings)."),
        click.option("--user", default=None, help="User (default: NEO4J_USER, else neo4j)."),
        click.option("--database", default=None,
                     help="Database (default: NEO4J_DATABASE, else neo4j)."),
        click.option("--ask-password", is_flag=True,
                     help="Prompt for the password (hidden) instead of reading NEO4J_PASSWORD."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _connection(uri, user, database, ask_password, settings_path):
    from netanalysis.settings import load_settings

    settings = load_settings(settings_path)
    password = None
    if ask_password:
        password = click.prompt("Neo4j password", hide_input=True, err=True)
    conn = {"uri": uri, "user": user, "database": database, "password": password}
    return settings, {k: v for k, v in conn.items() if v is not None}


def _progress(quiet):
    from netanalysis.progress import Progress

    return Progress(quiet=quiet)


@main.group()
def neo4j():
    """Work with a Neo4j server: push a case, pull graphs, compute measures with GDS.

    Connection: --uri/--user/--database or NEO4J_URI, NEO4J_USER, NEO4J_DATABASE; the
    password comes from NEO4J_PASSWORD or --ask-password, never from the command line.

    \b
    Examples:
      netanalysis neo4j server
      NEO4J_URI=bolt://127.0.0.1:7687 netanalysis neo4j push case/
      netanalysis neo4j pull --fugitive P1 --hops 2 --out p1.graphml
      netanalysis neo4j measures --out measures.csv
    """


@neo4j.command()
@case_argument
@connection_options
@click.option("--batch-size", type=int, default=None,
              help="Rows per transaction (default from the settings: 20000).")
@click.option("--replace", is_flag=True,
              help="First remove every node a previous push left in the database.")
@case_options(filters=False)
def push(case, uri, user, database, ask_password, batch_size, replace, **options):
    """Load CASE into Neo4j as a typed property graph (idempotent, resumable).

    The case is read, resolved and given its inferred ties, then written in batches with
    MERGE (CREATE into a database that holds no previous push): running the command twice
    changes nothing, and a push that was interrupted completes without duplicates when it
    is run again.

    \b
    Examples:
      netanalysis neo4j push case/ --uri bolt://localhost:7687
      NEO4J_PASSWORD=secret netanalysis neo4j push case/ --user analyst --replace
    """
    from netanalysis.backends.neo4j import push_case

    _, conn = _connection(uri, user, database, ask_password, None)
    p = prepared_case(case, options)
    res = push_case(p.case, batch_size=batch_size, replace=replace, progress=p.progress,
                    settings=p.settings, **conn)
    nodes = sum(res["nodes"].values())
    rels = sum(res["relationships"].values())
    click.echo(f"pushed {nodes:,} nodes and {rels:,} relationships in {res['batches']} batches "
               f"({res['seconds']:.1f} s, {res['rows_per_s'] or 0:,.0f} rows/s)")
    if res["dangling"]:
        click.echo(f"{res['dangling']} relationship(s) not pushed: an end is not in the case",
                   err=True)


@neo4j.command()
@connection_options
@click.option("--fugitive", default=None, help="Pull this node's neighbourhood.")
@click.option("--hops", type=int, default=2, show_default=True,
              help="Radius of the neighbourhood, in relationships.")
@click.option("--block", default=None, help="Pull the graph a named block of cypher/ returns.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of --block (repeatable; numbers are read as numbers).")
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False),
              help="GraphML file to write.")
@settings_option
@quiet_option
def pull(uri, user, database, ask_password, fugitive, hops, block, params, out, settings_path,
         quiet):
    """Pull the whole graph, a fugitive's neighbourhood or a Cypher block into GraphML.

    Written as `netanalysis export` writes GraphML: list-valued properties are JSON text
    in attributes named NAME:json, which `import_graph` (and `netanalysis export`'s
    readers) turn back into lists.

    \b
    Examples:
      netanalysis neo4j pull --out case.graphml
      netanalysis neo4j pull --fugitive P1 --hops 2 --out p1.graphml
      netanalysis neo4j pull --block support_network --param id=P1 --out support.graphml
    """
    from netanalysis.backends.neo4j import pull_graph
    from netanalysis.present.exports import export_graph

    if block is None and params:
        raise InputError("--param is only used with --block")
    settings, conn = _connection(uri, user, database, ask_password, settings_path)
    G = pull_graph(fugitive=fugitive, hops=hops, block=block, params=_params(params),
                   settings=settings, progress=_progress(quiet), **conn)
    export_graph(G, out, "graphml")  # XML-safe, atomic; errors name the file
    click.echo(f"wrote {out}: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} "
               "relationships")


@neo4j.command()
@connection_options
@filter_options
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for sampled betweenness and Leiden.")
@click.option("-k", "k", type=int, default=None,
              help="Sample betweenness from K sources (default: exact on small graphs).")
@click.option("--community", type=click.Choice(["leiden", "louvain"]), default=None,
              help="Community detection (default from the settings: leiden).")
@click.option("--no-gds", is_flag=True, help="Compute in process even if GDS is installed.")
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="CSV file to write (default: print the top 20 by PageRank).")
@settings_option
@quiet_option
def measures(uri, user, database, ask_password, link_types, min_confidence, no_inferred, since,
             until, seed, k, community, no_gds, out, settings_path, quiet):
    """Compute the party measures of the ranking in Neo4j (Cypher and Graph Data Science).

    Degree, strength, support reach and group bridges run in Cypher; PageRank, betweenness,
    communities and components in GDS when the server has it, else in process on the pulled
    party projection (ids and strengths; it says so).

    \b
    Examples:
      netanalysis neo4j measures
      netanalysis neo4j measures --link-types documents,transport,lodging,financial --out m.csv
    """
    from netanalysis.backends.neo4j import neo4j_measures

    settings, conn = _connection(uri, user, database, ask_password, settings_path)
    progress = _progress(quiet)
    filters = filters_from_options(link_types, min_confidence, no_inferred, since, until)
    df = neo4j_measures(filters=filters, seed=seed, k=k, community=community,
                        use_gds=False if no_gds else None, settings=settings, progress=progress,
                        **conn)
    progress.say(f"measures of {len(df):,} parties ({df.attrs.get('method')})")
    if out:
        write_csv(df, out)  # formula-safe cells, atomic replace; errors name the file
        click.echo(f"wrote {out}: {len(df):,} parties")
    else:
        top = df.sort_values("pagerank", ascending=False).head(20)
        click.echo(terminal_text(top.to_string(index=False)))


@neo4j.command()
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="Folder for the server's data (default: a temporary folder, removed after).")
@click.option("--port", type=int, default=0, show_default=True,
              help="Bolt port on 127.0.0.1 (0 picks a free one).")
@click.option("--heap", default="1536m", show_default=True, help="Maximum Java heap.")
@click.option("--timeout", type=float, default=180, show_default=True,
              help="Seconds to wait for the server to start.")
@click.option("--case", type=click.Path(exists=True, file_okay=False), default=None,
              help="Load this case folder into the new server first, with Neo4j's bulk "
                   "importer (several times faster than `neo4j push`).")
@click.option("--pagecache", default=None,
              help="Neo4j's page cache (e.g. 2g; default: 1g, or 1.5 times the store of "
                   "--case if more).")
def server(home, port, heap, timeout, case, pagecache):
    """Start the local Neo4j test server (with GDS) in the foreground; Ctrl-C stops it.

    Needs Java 17; the first start fetches Neo4j 5.26 and Graph Data Science from Maven
    Central (tools/neo4j/fetch.sh). Authentication is off: connect without a password.
    With --case the new database is loaded by the bulk importer before the start.

    \b
    Examples:
      netanalysis neo4j server
      netanalysis neo4j server --port 7687 --home /tmp/neo4j-dev
      netanalysis neo4j server --case examples/case
      netanalysis neo4j server --pagecache 4g
    """
    from netanalysis.backends.neo4j.server import local_server

    import signal

    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)  # stop cleanly on SIGTERM as on Ctrl-C
    progress = _progress(False)
    with local_server(home, timeout=timeout, heap=heap, port=port, progress=progress,
                      case=case, pagecache=pagecache) as uri:
        click.echo(uri)
        then = "netanalysis neo4j measures" if case else "netanalysis neo4j push CASE"
        click.echo(f"export NEO4J_URI={uri}   # then: {then}", err=True)
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("stopping the server", err=True)


def _params(pairs):
    out = {}
    for p in pairs:
        if "=" not in p:
            raise InputError(f"--param {p!r}: use KEY=VALUE")
        k, v = p.split("=", 1)
        out[k.strip()] = _number(v)
    return out


def _number(v):
    for cast in (int, float):
        try:
            return cast(v)
        except ValueError:
            pass
    return v
