"""First load of a new database with Neo4j's bulk importer (``neo4j-admin database import full``).

A push through Bolt (:func:`~netanalysis.backends.neo4j.push.push_graph`) costs the server a
transaction per batch: on two cores it tops out near 17k rows/s. For a **new, empty database
of a server we launch ourselves** (:func:`~netanalysis.backends.neo4j.server.local_server`
with ``case=``) the importer writes the store files directly, with no transaction at all.
:func:`import_graph` writes the same rows as the push (:func:`~netanalysis.backends.neo4j.push.graph_rows`)
as the importer's CSV files and runs its main class (``org.neo4j.cli.AdminTool``, from the
jars of the local server) into a data folder; the server then starts on that folder and
:func:`~netanalysis.backends.neo4j.push.create_schema` adds the constraints and indexes of a
push. The result is the graph a push gives: the same labels, types and typed properties
(``tests/backends/neo4j/test_neo4j_bulk.py`` compares both on a real server).

A server that already holds data, or one we did not start (a remote server, Aura), cannot
be loaded this way: the push stays the path there.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import time
from collections import defaultdict
from pathlib import Path

from netanalysis.backends.neo4j.jars import TOOLS_DIR, java_available
from netanalysis.backends.neo4j.push import graph_rows
from netanalysis.errors import BackendError
from netanalysis.model.vocab import INFERRED_LINK_TYPES, LINK_TYPES, NODE_KINDS, STRUCTURAL_TYPES

__all__ = ["import_graph", "write_import_files", "csv_field", "import_type"]

# Characters tried, in order, as the array delimiter: the first one no list element of the
# graph contains (labels are joined with it too; they come from a fixed vocabulary).
_ARRAY_DELIMITERS = (";", "|", "\x1f", "\x1e", "\x1d", "\x1c")
_REL_TYPES = tuple(LINK_TYPES) + tuple(INFERRED_LINK_TYPES) + tuple(STRUCTURAL_TYPES)
_SCALAR_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def import_graph(G, data_dir, *, tools=None, heap="1g", off_heap="1g", threads=None,
                 database="neo4j", progress=None, keep_files=False):
    """Write `G` into a new database under `data_dir` with Neo4j's bulk importer.

    `data_dir` becomes the server's data folder (``server.directories.data``): the importer
    creates ``databases/<database>`` and ``transactions/<database>`` there. A server started
    on it (``local_server(config={"server.directories.data": data_dir})``) serves the graph;
    :func:`~netanalysis.backends.neo4j.push.create_schema` then adds the constraints and
    indexes of a push. ``local_server(case=...)`` does all three.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A property graph from :func:`netanalysis.model.build_graph`.
    data_dir : str or Path
        The data folder; it must not hold a database called `database` yet.
    tools : str or Path, optional
        The jars folder of the local server (default
        :data:`~netanalysis.backends.neo4j.jars.TOOLS_DIR`).
    heap : str
        Java heap of the importer (``-Xmx``).
    off_heap : str
        The importer's ``--max-off-heap-memory`` (its default, 90 % of the machine, is
        never what a shared machine wants).
    threads : int, optional
        The importer's ``--threads`` (default: the CPUs of the machine).
    database : str
        The database name (the server's default database is ``neo4j``).
    progress : Progress, optional
        Told what is imported.
    keep_files : bool
        Keep the CSV files (in ``<data_dir>/import-csv``) instead of removing them after.

    Returns
    -------
    dict
        ``nodes`` and ``relationships`` (counts by kind and by type), ``rows``, ``dangling``
        (relationships left out because an end is not a node of the case, as the push does),
        ``strategy`` (``"import"``), ``seconds`` (CSV and import), ``csv_seconds``,
        ``import_seconds``, ``import_cpu_s`` (CPU seconds of the importer process),
        ``rows_per_s`` and ``files`` (the CSV files, relative to the CSV folder).

    Raises
    ------
    BackendError
        Java or the import tool is missing, the database exists already, or the import
        failed (the message ends with the importer's output).

    See Also
    --------
    write_import_files : the CSV files written.
    netanalysis.backends.neo4j.push.push_graph : the path of a server holding data.
    netanalysis.backends.neo4j.server.local_server : ``case=`` imports, starts, adds the schema.

    Notes
    -----
    The importer reads every file once, builds the node id map, writes nodes, properties and
    relationships in parallel stages and links the relationship chains in a final pass:
    linear in the rows, with no locks, no transaction log and no index maintenance (the
    indexes are built once, after the start). It needs the database not to exist.

    Examples
    --------
    With Java and the jars of ``tools/neo4j/fetch.sh``::

        res = import_graph(build_graph(case), "/tmp/neo4j-data")
        with local_server(config={"server.directories.data": "/tmp/neo4j-data"}) as uri:
            ...
    """
    tools = Path(tools or TOOLS_DIR)
    lib = tools / "lib"
    data_dir = Path(data_dir).resolve()
    if (data_dir / "databases" / database).exists():
        raise BackendError(f"{data_dir / 'databases' / database} exists: the importer only "
                           "writes a new database (push into a server that holds data)")
    if not java_available():
        raise BackendError("cannot run the Neo4j importer: Java 17+ is not installed")
    if not any(lib.glob("neo4j-import-tool-*.jar")):
        raise BackendError(f"cannot run the Neo4j importer: no neo4j-import-tool jar in {lib} "
                           "(run: bash tools/neo4j/fetch.sh)")
    data_dir.mkdir(parents=True, exist_ok=True)
    csv_dir = data_dir / "import-csv"
    t0 = time.perf_counter()
    nodes, rels, dangling = graph_rows(G)
    manifest = write_import_files(nodes, rels, csv_dir)
    t1 = time.perf_counter()
    if progress is not None:
        progress.say(f"importing {manifest['rows']:,} rows with neo4j-admin database import")
    home = csv_dir / "home"
    (home / "conf").mkdir(parents=True, exist_ok=True)
    conf = home / "conf" / "neo4j.conf"
    # The data folder and memory are the only settings; paths with spaces need no quoting
    # in neo4j.conf, and the path is ours (no data).
    conf.write_text(f"server.directories.data={data_dir.as_posix()}\n", "utf-8")
    cmd = [shutil.which("java"), f"-Xmx{heap}", "-XX:+UseSerialGC", "-cp", str(lib / "*"),
           "org.neo4j.cli.AdminTool", "database", "import", "full", database,
           f"--additional-config={conf}", f"--max-off-heap-memory={off_heap}",
           f"--threads={int(threads or os.cpu_count() or 2)}",
           f"--array-delimiter={_java_char(manifest['array_delimiter'])}",
           "--bad-tolerance=0", f"--report-file={csv_dir / 'import.report'}"]
    if manifest["multiline"]:
        cmd.append("--multiline-fields=true")
    # last: an option of many values (--relationships=a b...) would take what follows it
    cmd.extend(manifest["args"])
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        out = subprocess.run(cmd, cwd=csv_dir, env=env, capture_output=True, text=True,
                             timeout=24 * 3600)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackendError(f"cannot run the Neo4j importer: {exc}") from None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    t2 = time.perf_counter()
    if out.returncode != 0 or not (data_dir / "databases" / database).is_dir():
        tail = "\n".join((out.stdout + out.stderr).splitlines()[-60:])
        raise BackendError(f"the Neo4j importer failed (exit {out.returncode}) on the CSV files "
                           f"in {csv_dir}:\n{tail}")
    if not keep_files:
        shutil.rmtree(csv_dir, ignore_errors=True)
    secs = t2 - t0
    return {
        "nodes": {k: len(v) for k, v in nodes.items()},
        "relationships": {k: len(v) for k, v in rels.items()},
        "rows": manifest["rows"],
        "dangling": dangling,
        "strategy": "import",
        "seconds": round(secs, 3),
        "csv_seconds": round(t1 - t0, 3),
        "import_seconds": round(t2 - t1, 3),
        "import_cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime
                              - before.ru_stime, 3),
        "rows_per_s": round(manifest["rows"] / secs, 1) if secs > 0 else None,
        "files": manifest["files"],
    }


def write_import_files(nodes, rels, folder):
    """Write the rows of :func:`~netanalysis.backends.neo4j.push.graph_rows` as importer CSV.

    Each node kind gets a header file (``id:ID``, ``:LABEL``, then one typed column per
    property: ``name``, ``lat:double``, ``nationality:string[]``...) and a data file whose
    ``:LABEL`` cell is ``Node`` and the kind; each relationship type a header
    (``:START_ID``, ``:END_ID``, ``:TYPE``, typed properties, ``key`` among them) and a data
    file. A property whose values have more than one type within a kind (an ``int`` here, a
    ``str`` there) splits the rows into one file pair per combination of types, so every
    value keeps its own type, as the push keeps it. Text is always quoted (RFC 4180: a
    quote doubled), so commas, quotes, newlines and a leading ``=`` are data; nothing is
    escaped for spreadsheets, since these files are read by the importer only.

    Parameters
    ----------
    nodes, rels : dict
        The first two values :func:`~netanalysis.backends.neo4j.push.graph_rows` returns.
    folder : str or Path
        Where to write (created).

    Returns
    -------
    dict
        ``args`` (the importer's ``--nodes=`` / ``--relationships=`` options, paths relative
        to `folder`), ``files``, ``rows``, ``array_delimiter`` and ``multiline`` (whether a
        value holds a line break: the importer then needs ``--multiline-fields=true``).

    Raises
    ------
    BackendError
        Every candidate array delimiter occurs in some list element.

    See Also
    --------
    import_graph : runs the importer on these files.
    csv_field, import_type : one cell, one column type.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> nodes = {"Person": [{"id": "P1", "props": {"id": "P1", "name": 'Ana "La, Flaca" R'}}]}
    >>> rels = {"family": [{"source": "P1", "target": "P1", "key": "links.csv:2",
    ...                     "props": {"key": "links.csv:2", "weight": 1.0}}]}
    >>> out = Path(tempfile.mkdtemp())
    >>> m = write_import_files(nodes, rels, out)
    >>> print("\\n".join(m["args"]))
    --nodes=nodes_person_0_header.csv,nodes_person_0.csv
    --relationships=rels_family_0_header.csv,rels_family_0.csv
    >>> print((out / "nodes_person_0_header.csv").read_text() + (out / "nodes_person_0.csv").read_text())
    id:ID,:LABEL,name
    "P1","Node;Person","Ana ""La, Flaca"" R"
    <BLANKLINE>
    >>> print((out / "rels_family_0_header.csv").read_text(), end="")
    :START_ID,:END_ID,:TYPE,key,weight:double
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {}  # (kind or type) -> the groups of _groups, each with its columns
    for kind, rows in nodes.items():
        if kind not in NODE_KINDS:
            raise BackendError(f"node kind {kind!r} is not in the vocabulary")
        tables["n", kind] = _groups(rows)
    for t, rows in rels.items():
        if t not in _REL_TYPES:
            raise BackendError(f"relationship type {t!r} is not in the vocabulary")
        tables["r", t] = _groups(rows)
    delim = _array_delimiter(tables.values())
    args, files = [], []
    rows_total = 0
    multiline = False
    for (what, name), groups in tables.items():
        for g, (columns, group, values) in enumerate(groups):
            n = len(group)
            if what == "n":
                stem = f"nodes_{name.lower()}_{g}"
                header = ["id:ID", ":LABEL"] + [f"{k}{_suffix(t)}" for k, t in columns
                                                if k != "id"]
                ends = [_text_cells([r["id"] for r in group])]
                ends.append([csv_field(delim.join(("Node", name)), delim)] * n)
                props = [(k, t) for k, t in columns if k != "id"]
                args.append(f"--nodes={stem}_header.csv,{stem}.csv")
            else:
                stem = f"rels_{name}_{g}"
                header = [":START_ID", ":END_ID", ":TYPE"] + [f"{k}{_suffix(t)}"
                                                              for k, t in columns]
                ends = [_text_cells([r["source"] for r in group]),
                        _text_cells([r["target"] for r in group]), [name.upper()] * n]
                props = columns
                args.append(f"--relationships={stem}_header.csv,{stem}.csv")
            cells = ends + [_column_cells(values[k], t, delim) for k, t in props]
            multiline |= _write_pair(folder, stem, header, cells)
            files += [f"{stem}_header.csv", f"{stem}.csv"]
            rows_total += n
    return {"args": args, "files": files, "rows": rows_total, "array_delimiter": delim,
            "multiline": multiline}


def csv_field(value, array_delimiter=";"):
    """Return one importer CSV cell for a Neo4j property value (empty when missing).

    Text is always quoted with inner quotes doubled; numbers and booleans are written as
    Java reads them back exactly (``repr`` of a float is its shortest exact form); a list
    becomes one cell, its items joined by `array_delimiter`.

    Parameters
    ----------
    value : bool, int, float, str, list or None
        A value of :func:`~netanalysis.backends.neo4j.push.neo4j_value`.
    array_delimiter : str
        The importer's ``--array-delimiter``.

    Returns
    -------
    str

    See Also
    --------
    import_type : the column type the cell is read as.

    Examples
    --------
    >>> csv_field('=HYPERLINK("x")'), csv_field(0.1), csv_field(True), csv_field(None)
    ('"=HYPERLINK(""x"")"', '0.1', 'true', '')
    >>> csv_field(["a,b", "c"]), csv_field([1, 2], "|")
    ('"a,b;c"', '1|2')
    """
    if value is None:
        return ""
    if isinstance(value, list):
        items = [_scalar_text(x) for x in value]
        text = array_delimiter.join(items)
        return _quote(text) if value and isinstance(value[0], str) else text
    if isinstance(value, str):
        return _quote(value)
    return _scalar_text(value)


def import_type(value):
    """Return the importer's column type of a Neo4j property value.

    Parameters
    ----------
    value : bool, int, float, str or list of one of them
        A value of :func:`~netanalysis.backends.neo4j.push.neo4j_value`.

    Returns
    -------
    str
        ``"boolean"``, ``"long"``, ``"double"``, ``"string"``, or one of them with ``[]``.

    Raises
    ------
    BackendError
        A value of another type.

    See Also
    --------
    csv_field : the cell of the value.

    Examples
    --------
    >>> import_type(True), import_type(3), import_type(0.5), import_type(["a"]), import_type([1.0])
    ('boolean', 'long', 'double', 'string[]', 'double[]')
    """
    if isinstance(value, list):
        return import_type(value[0]) + "[]"
    t = _SCALAR_TYPES.get(type(value))
    if t is None:
        raise BackendError(f"a property value of type {type(value).__name__} cannot be imported")
    return t


def _suffix(t):
    return "" if t == "string" else f":{t}"


def _groups(rows):
    """Split `rows` so each property has one type per group: ``[(columns, rows, values)]``,
    columns ``[(key, type)]`` in first-seen order, values ``{key: [value of each row]}``."""
    keys = list(dict.fromkeys(k for r in rows for k in r["props"]))
    values = {k: [r["props"].get(k) for r in rows] for k in keys}
    types = {k: _column_types(v) for k, v in values.items()}
    mixed = [k for k in keys if len(types[k]) > 1]
    if not mixed:
        return [([(k, next(iter(types[k]))) for k in keys], rows, values)]
    split = defaultdict(list)
    for r in rows:
        p = r["props"]
        split[tuple(import_type(p[k]) if k in p else None for k in mixed)].append(r)
    out = []
    for sig, group in split.items():
        pick = dict(zip(mixed, sig))
        cols = [(k, pick[k] if k in pick else next(iter(types[k]))) for k in keys
                if pick.get(k, "") is not None]
        out.append((cols, group, {k: [r["props"].get(k) for r in group] for k, _ in cols}))
    return out


def _column_types(values):
    """The importer types of the values of one column (missing ones left out)."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if list in kinds:
        return {import_type(v) for v in values if v is not None}
    out = set()
    for t in kinds:
        if t not in _SCALAR_TYPES:
            import_type(next(v for v in values if type(v) is t))  # raises, naming the type
        out.add(_SCALAR_TYPES[t])
    return out


_FLOAT_TEXT = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _text_cells(values):
    """The cells of a text column (quoted; empty when missing): :func:`csv_field` of each."""
    return ["" if v is None else '"' + v.replace('"', '""') + '"' for v in values]


def _column_cells(values, t, delim):
    """The cells of one column of type `t`, as :func:`csv_field` writes each value."""
    if t == "string":
        return _text_cells(values)
    if t == "long":
        out = list(map(str, values))
    elif t == "double":
        out = [_FLOAT_TEXT.get(x, x) for x in map(repr, values)]
    elif t == "boolean":
        return ["" if v is None else ("true" if v else "false") for v in values]
    else:
        return [csv_field(v, delim) for v in values]
    if None in values:
        out = ["" if v is None else x for v, x in zip(values, out)]
    return out


def _write_pair(folder, stem, header, cells):
    """Write ``<stem>_header.csv`` and ``<stem>.csv`` from `cells` (one list per column);
    return whether a cell has a line break."""
    (folder / f"{stem}_header.csv").write_text(",".join(header) + "\n", "utf-8")
    multiline = False
    for col in cells:
        text = "".join(col)
        if "\n" in text or "\r" in text:
            multiline = True
            break
    rows = list(zip(*cells))
    with open(folder / f"{stem}.csv", "w", encoding="utf-8", newline="") as f:
        for i in range(0, len(rows), 50000):
            f.write("\n".join(map(",".join, rows[i:i + 50000])) + "\n")
    return multiline


def _array_delimiter(tables):
    """The first of :data:`_ARRAY_DELIMITERS` that no text list item of `tables` (the groups
    of :func:`_groups`) contains."""
    seen = set()
    for groups in tables:
        for columns, _, values in groups:
            for k, t in columns:
                if t == "string[]":
                    text = "".join(x for v in values[k] if v is not None for x in v)
                    seen.update(c for c in _ARRAY_DELIMITERS if c in text)
    for c in _ARRAY_DELIMITERS:
        if c not in seen:
            return c
    raise BackendError("every array delimiter the importer could use ("
                       + ", ".join(repr(c) for c in _ARRAY_DELIMITERS)
                       + ") occurs in a list value: push instead of importing")


def _scalar_text(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        if x != x:
            return "NaN"
        if x in (float("inf"), float("-inf")):
            return "Infinity" if x > 0 else "-Infinity"
        return repr(x)
    return str(x)


def _quote(text):
    return '"' + text.replace('"', '""') + '"'


def _java_char(c):
    return f"U+{ord(c):04X}"

