"""The package's import structure: no private name crosses a module, no import cycles.

Both tests read the source with :mod:`ast` (nothing is imported), so they see imports inside
functions too. A private *module* (``analyze/_kernels.py``) may be imported by name; the rule
is about underscored names defined in another module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PKG = Path(__file__).resolve().parents[1] / "netanalysis"

# Cycles kept on purpose, as frozensets of module names, each with its reason. Empty: there is
# none today; add one only with the reason it cannot be broken.
ALLOWED_CYCLES: dict[frozenset, str] = {}

# Underscored names that may cross modules, (module, name) -> reason.
ALLOWED_PRIVATE = {
    ("netanalysis.synth.identifiers", "_IdentifiersMixin"):
        "one class (synth.core's generator) split over files: its mixins are not API",
    ("netanalysis.synth.travel", "_TravelMixin"):
        "one class (synth.core's generator) split over files: its mixins are not API",
    ("netanalysis.synth.write", "_WriterMixin"):
        "one class (synth.core's generator) split over files: its mixins are not API",
}


def _package_internal(module, importer):
    """A private module's names (``synth/_util.py``) are its own package's internals."""
    pkg, _, leaf = module.rpartition(".")
    return leaf.startswith("_") and importer.startswith(pkg + ".")


def _module_name(path, root):
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root):
    """Return ``{module name: (path, ast tree)}`` of every module of the package at `root`."""
    return {_module_name(p, root): (p.relative_to(root.parent),
                                    ast.parse(p.read_text(encoding="utf-8"), str(p)))
            for p in sorted(root.rglob("*.py"))}


def _from_imports(tree):
    """Yield ``(node, module, name)`` of every absolute ``from netanalysis... import name``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "netanalysis":
            for a in node.names:
                yield node, node.module, a.name


def private_imports(mods):
    """Return ``"file:line: from M import _name"`` for each underscored name taken from another
    module (submodules of a package, private or not, are allowed: they are files, not names;
    so are names of a private module imported inside its own package, and ALLOWED_PRIVATE)."""
    bad = []
    for name, (path, tree) in mods.items():
        for node, module, imported in _from_imports(tree):
            if imported.startswith("_") and not imported.startswith("__") \
                    and f"{module}.{imported}" not in mods and module != name \
                    and (module, imported) not in ALLOWED_PRIVATE \
                    and not _package_internal(module, name):
                bad.append(f"{path}:{node.lineno}: "
                           f"from {module} import {imported}")
    return bad


def _reexports(mods):
    """Return ``{package: {name: module it comes from}}`` for names a package ``__init__`` imports."""
    out = {}
    for name, (path, tree) in mods.items():
        if path.name == "__init__.py":
            out[name] = {a.asname or imported: module
                         for node, module, imported in _from_imports(tree)
                         for a in node.names if a.name == imported}
    return out


def _target(module, imported, mods, reexports, depth=0):
    """The module file that defines `imported` as seen from ``from module import imported``."""
    if f"{module}.{imported}" in mods:
        return f"{module}.{imported}"
    src = reexports.get(module, {}).get(imported)
    if src is not None and src != module and depth < 20:
        return _target(src, imported, mods, reexports, depth + 1)
    return module


def module_graph(mods):
    """Return the directed graph module -> module it imports from (``from netanalysis...``
    imports at any depth; a name taken from a package resolves to the submodule defining it)."""
    reexports = _reexports(mods)
    G = nx.DiGraph()
    G.add_nodes_from(mods)
    for name, (_path, tree) in mods.items():
        for _node, module, imported in _from_imports(tree):
            t = _target(module, imported, mods, reexports)
            if t != name and t in mods:
                G.add_edge(name, t)
    return G


def _fake_package(tmp_path, files):
    root = tmp_path / "netanalysis"
    for rel, src in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(src, encoding="utf-8")
    return _modules(root)


def test_the_checks_find_what_they_look_for(tmp_path):
    mods = _fake_package(tmp_path, {
        "__init__.py": "",
        "a/__init__.py": "from netanalysis.a.one import f\n",
        "a/_kern.py": "",
        "a/one.py": "def f():\n    from netanalysis.b import g\n",
        "a/two.py": "from netanalysis.a._kern import _K\n",
        "b.py": "from netanalysis.a import f, _kern\nfrom netanalysis.a.one import (\n    f,\n"
                "    _hidden,\n)\n",
        "c.py": "from netanalysis.a._kern import _K\n",
    })
    found = private_imports(mods)
    assert sorted(found) == ["netanalysis/b.py:2: from netanalysis.a.one import _hidden",
                             "netanalysis/c.py:1: from netanalysis.a._kern import _K"]
    cycles = {frozenset(c) for c in nx.simple_cycles(module_graph(mods))}
    assert frozenset({"netanalysis.a.one", "netanalysis.b"}) in cycles
    assert not any("netanalysis.a" in c for c in cycles)   # the package's re-export is resolved


def test_no_private_name_is_imported_across_modules():
    bad = private_imports(_modules(PKG))
    assert not bad, "private names imported from other modules (make them public or move " \
                    "them):\n" + "\n".join(bad)


def test_no_import_cycles():
    G = module_graph(_modules(PKG))
    cycles = [frozenset(c) for c in nx.simple_cycles(G)]
    unexplained = sorted(sorted(c) for c in cycles
                         if not any(c <= allowed for allowed in ALLOWED_CYCLES))
    assert not unexplained, "import cycles:\n" + "\n".join(" -> ".join(c) for c in unexplained)


# Private copies of the value layer (netanalysis.model.values) that are kept, with the reason
# their question differs from "is this value unknown".
KEPT_VALUE_COPIES = {
    ("netanalysis.present.exports", "_present"):
        "'is this a null': an empty string or list is written to the export, not dropped",
    ("netanalysis.present.investigation", "_present"):
        "keeps empty lists as node attributes of the investigation graph",
    ("netanalysis.present.investigation", "_as_list"):
        "a number there is a count of ids, not an id: it gives []",
}


def value_copies(mods):
    """Return ``(module, name)`` of each function named like a value-layer helper."""
    names = {"_present", "_is_missing", "_missing", "_as_list", "_list", "_listify"}
    return sorted((mod, node.name) for mod, (_path, tree) in mods.items()
                  for node in tree.body
                  if isinstance(node, ast.FunctionDef) and node.name in names)


def test_value_layer_has_no_private_copies(tmp_path):
    fake = _fake_package(tmp_path, {"__init__.py": "", "m.py": "def _as_list(v):\n    return v\n"})
    assert value_copies(fake) == [("netanalysis.m", "_as_list")]
    extra = [c for c in value_copies(_modules(PKG)) if c not in KEPT_VALUE_COPIES]
    assert not extra, f"use netanalysis.model.values instead of these copies: {extra}"
