"""The Cypher the Neo4j backend runs, loaded from named blocks in ``cypher/*.cypher``.

Every query lives in a ``.cypher`` file of the package's ``cypher/`` folder
(``netanalysis/cypher/``, shipped as package data and read with :mod:`importlib.resources`, so
an installed wheel has them) as a named block::

    // name: load_person
    // Optional comment lines describe the block.
    UNWIND $rows AS row
    MERGE (n:Node {id: row.id})
    SET n:Person, n = row.props

A block starts at its ``// name:`` line and ends before the next one. The loader parses every
file once, checks that each block has a well-formed, unique name and a non-empty body, and
records the ``$parameters`` the block uses (outside string literals and comments).
:func:`run` refuses a call whose parameters are not exactly the block's, naming the file and
line of the block. Values always travel as parameters; labels and relationship types are
written into the text from the model's fixed vocabulary, never taken from data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from netanalysis.errors import CypherError

__all__ = ["CYPHER_DIR", "Block", "parse_blocks", "load_blocks", "blocks", "block", "run",
           "check_params"]

#: The folder holding the package's ``.cypher`` files (``netanalysis/cypher``).
CYPHER_DIR = Path(str(resources.files("netanalysis").joinpath("cypher")))

_NAME_LINE = re.compile(r"^\s*//\s*name\s*:(.*)$", re.IGNORECASE)
_VALID_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# String literals, backquoted names and comments are removed before parameters are collected.
_NOISE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|(?<!\$)`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)|\$`([^`]+)`")


@dataclass(frozen=True)
class Block:
    """One named Cypher query.

    Parameters
    ----------
    name : str
        The block's name (lower-case letters, digits and underscores).
    text : str
        The query, comment lines included.
    params : frozenset of str
        The ``$parameters`` the query uses.
    file : str
        The file it was read from.
    line : int
        The line of its ``// name:`` header (1-based).

    See Also
    --------
    parse_blocks : reads blocks from a ``.cypher`` text.
    block : the block of a name.

    Examples
    --------
    >>> b = Block(name="one", text="RETURN $x AS x", params=frozenset({"x"}), file="q.cypher",
    ...           line=3)
    >>> b.where
    'q.cypher:3'
    """

    name: str
    text: str
    params: frozenset
    file: str
    line: int

    @property
    def where(self):
        """``file:line`` of the block's header."""
        return f"{self.file}:{self.line}"


def parse_blocks(text, file="<string>"):
    """Return the blocks of one ``.cypher`` text as a dict of name to :class:`Block`.

    Parameters
    ----------
    text : str
        The content of a ``.cypher`` file.
    file : str
        Its name, for error messages.

    Returns
    -------
    dict of str to Block
        In the order of the text.

    Raises
    ------
    CypherError
        A name is missing or malformed, a name repeats, a block is empty, or a query
        precedes the first ``// name:`` line. The error names the file and line.

    See Also
    --------
    load_blocks : parses every file of a folder.

    Examples
    --------
    >>> b = parse_blocks("// name: one\\nMATCH (n:Person {id: $id}) RETURN n.name AS name\\n")
    >>> b["one"].params, b["one"].line
    (frozenset({'id'}), 1)
    """
    out = {}
    current = None  # (name, line, [lines])
    lines = text.splitlines()

    def close(cur):
        if cur is None:
            return
        name, line, body = cur
        query = "\n".join(body).strip()
        code = _NOISE.sub(" ", query).strip()
        if not code:
            raise CypherError(f"block {name!r} has no query", file=file, line=line)
        params = frozenset(a or b for a, b in _PARAM.findall(code))
        out[name] = Block(name, query, params, file, line)

    for i, raw in enumerate(lines, start=1):
        m = _NAME_LINE.match(raw)
        if m:
            close(current)
            name = m.group(1).strip()
            if not _VALID_NAME.match(name):
                raise CypherError(
                    f"malformed block name {name!r}: use lower-case letters, digits and "
                    "underscores, starting with a letter", file=file, line=i)
            if name in out or (current is not None and current[0] == name):
                first = out[name].line if name in out else current[1]
                raise CypherError(f"block {name!r} is defined twice (first at line {first})",
                                  file=file, line=i)
            current = (name, i, [])
        elif current is None:
            if _NOISE.sub(" ", raw).strip():
                raise CypherError("query text before the first '// name:' line", file=file,
                                  line=i)
        else:
            current[2].append(raw)
    close(current)
    return out


def load_blocks(folder=None):
    """Parse every ``*.cypher`` file of `folder` (default :data:`CYPHER_DIR`).

    Block names are unique across all files.

    Parameters
    ----------
    folder : str or Path, optional
        A folder of ``.cypher`` files; default the package's own.

    Returns
    -------
    dict of str to Block

    Raises
    ------
    CypherError
        A file is malformed, or two files define the same name.

    See Also
    --------
    parse_blocks : parses one file.
    block : looks one block up in the package's files.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.cypher").write_text("// name: ping\\nRETURN 1 AS one\\n")
    >>> list(load_blocks(d))
    ['ping']
    >>> "count_nodes" in load_blocks()
    True
    """
    if folder is None:
        where = resources.files("netanalysis").joinpath("cypher")
        files = sorted((f for f in where.iterdir() if f.name.endswith(".cypher")),
                       key=lambda f: f.name) if where.is_dir() else []
        folder = CYPHER_DIR
    else:
        folder = Path(folder)
        files = sorted(folder.glob("*.cypher"))
    if not files:
        raise CypherError(f"no .cypher files in {folder}")
    out = {}
    for path in files:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise CypherError(f"cannot read: {exc.strerror}", file=str(path)) from None
        shown = f"cypher/{path.name}" if folder == CYPHER_DIR else _display(path)
        for name, b in parse_blocks(text, file=shown).items():
            if name in out:
                raise CypherError(f"block {name!r} is also defined at {out[name].where}",
                                  file=b.file, line=b.line)
            out[name] = b
    return out


@lru_cache(maxsize=1)
def blocks():
    """Return the project's blocks (parsed once, then cached)."""
    return load_blocks()


def block(name):
    """Return the :class:`Block` called `name`.

    Parameters
    ----------
    name : str
        A block name of the package's ``cypher/`` files.

    Returns
    -------
    Block

    Raises
    ------
    CypherError
        No block has that name (the message lists near names).

    See Also
    --------
    run : runs a block by name.
    load_blocks : every block.

    Examples
    --------
    >>> block("count_nodes").params
    frozenset()
    """
    known = blocks()
    try:
        return known[name]
    except KeyError:
        import difflib

        near = difflib.get_close_matches(str(name), list(known), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise CypherError(f"unknown Cypher block {name!r} (blocks are in cypher/*.cypher of "
                          "the netanalysis package)"
                          f"{hint}") from None


def check_params(b, params):
    """Raise :class:`CypherError` unless `params` names exactly the parameters of block `b`.

    Parameters
    ----------
    b : Block
        The block to run.
    params : dict
        The parameters to pass.

    Raises
    ------
    CypherError
        A parameter is missing or not used; the message names the block's file and line.

    See Also
    --------
    run : checks with this before running.

    Examples
    --------
    >>> try:
    ...     check_params(block("count_nodes"), {"x": 1})
    ... except CypherError as exc:
    ...     print(exc.message)
    block 'count_nodes': does not use $x (it uses no parameters)
    """
    given = set(params)
    missing = sorted(b.params - given)
    extra = sorted(given - b.params)
    if missing or extra:
        parts = []
        if missing:
            parts.append("needs " + ", ".join(f"${p}" for p in missing))
        if extra:
            parts.append("does not use " + ", ".join(f"${p}" for p in extra))
        raise CypherError(f"block {b.name!r}: " + " and ".join(parts) + " (it uses "
                          + (", ".join(f"${p}" for p in sorted(b.params)) or "no parameters")
                          + ")", file=b.file, line=b.line)


def run(runner, name, **params):
    """Run block `name` on a session or transaction with exactly its parameters.

    Parameters
    ----------
    runner : neo4j.Session or neo4j.Transaction
        Anything with a ``run(query, parameters)`` method.
    name : str
        The block's name.
    **params
        One keyword per ``$parameter`` of the block, no more, no fewer.

    Returns
    -------
    neo4j.Result
        Consume it before the session or transaction closes.

    Raises
    ------
    CypherError
        Unknown block, or parameters that do not match the block's.

    See Also
    --------
    block : the block run.
    check_params : the parameter check made first.

    Examples
    --------
    >>> class Session:  # a stand-in that shows what would be sent
    ...     def run(self, query, parameters):
    ...         return query.splitlines()[-1], parameters
    >>> run(Session(), "count_nodes")
    ('RETURN count(n) AS n', {})
    """
    b = block(name)
    check_params(b, params)
    return runner.run(b.text, params)


def _display(path):
    path = Path(path)
    try:
        return str(path.resolve().relative_to(CYPHER_DIR.resolve().parent))
    except ValueError:
        return str(path)
