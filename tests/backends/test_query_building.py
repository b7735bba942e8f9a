"""No Cypher or SQL built by string formatting: values travel as parameters (issue 14 audit).

Every call that sends a query (``.run``, ``.execute``, ``.executemany``, ``.sql``,
``.query``) is checked: its query argument must not be an f-string with fields, a ``%`` or
``+`` on a string, a ``.format`` call, or a local name assigned one of those in the same
function. Cypher is only ever the text of a named block of ``netanalysis/cypher/*.cypher``
(:func:`netanalysis.backends.neo4j.queries.run`), so a formatted query anywhere is a bug.

``resolve/infer.py`` is checked too: its DuckDB settings reach DuckDB as connection
configuration values (``duckdb.connect(config=...)``), not as SQL text.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

import netanalysis

_QUERY_CALLS = {"run", "execute", "executemany", "sql", "query"}
_PACKAGE = Path(netanalysis.__file__).resolve().parent
_NOT_YET = set()


def _formatted(node):
    """True when `node` builds a string from other values."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        sides = (node.left, node.right)
        return any(isinstance(s, ast.Constant) and isinstance(s.value, str) or _formatted(s)
                   for s in sides)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" or (node.func.attr == "join" and bool(node.args))
    return False


def _violations(source, filename="<string>"):
    tree = ast.parse(source, filename)
    out = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                          ast.Module))]
    for scope in scopes:
        tainted = set()
        for n in ast.walk(scope):
            if isinstance(n, ast.Assign) and _formatted(n.value):
                tainted |= {t.id for t in n.targets if isinstance(t, ast.Name)}
            elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and \
                    isinstance(n.op, ast.Add) and not isinstance(n.value, (ast.List, ast.Tuple)):
                tainted.add(n.target.id)
        for n in ast.walk(scope):
            if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                    and n.func.attr in _QUERY_CALLS):
                continue
            args = list(n.args[:1]) + [k.value for k in n.keywords if k.arg in ("query", "sql")]
            for a in args:
                if _formatted(a) or (isinstance(a, ast.Name) and a.id in tainted):
                    out.append(f"{filename}:{n.lineno}: .{n.func.attr}() of a formatted query")
    return sorted(set(out))


@pytest.mark.parametrize("code", [
    'con.execute(f"SET memory_limit = \'{limit}\'")',
    'session.run("MATCH (n {id: \'%s\'}) RETURN n" % pid)',
    'session.run("MATCH (n:" + label + ") RETURN n")',
    'con.sql("SELECT * FROM t WHERE id = {}".format(x))',
    'def f(con, x):\n    q = f"SELECT {x}"\n    return con.execute(q)',
])
def test_the_check_finds_formatted_queries(code):
    assert _violations(textwrap.dedent(code))


@pytest.mark.parametrize("code", [
    'con.execute("SELECT * FROM t WHERE id = ?", [x])',
    'session.run(block.text, params)',
    'subprocess.run(["java", "-version"])',
    'cmd = ["java"]\ncmd += ["--config", f"{k}={v}"]\nsubprocess.run(cmd)',
    'con.execute("SET memory_limit = ?", [limit])',
])
def test_the_check_accepts_parameters(code):
    assert not _violations(code)


def test_no_query_in_the_package_is_built_by_formatting():
    found = []
    for path in sorted(_PACKAGE.rglob("*.py")):
        rel = path.relative_to(_PACKAGE).as_posix()
        if rel in _NOT_YET:
            continue
        found += _violations(path.read_text("utf-8"), rel)
    assert found == []
