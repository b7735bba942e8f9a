"""Every public name documents itself the numpydoc way (house style, ``../shared/STYLE.md``).

A public function or class (listed in its module's ``__all__``) has a docstring with the
sections Parameters (when it takes any), Returns (functions that return something), Examples
(run as doctests by the suite), and See Also naming a sibling when its module has more than
one public name. Names that predate this rule and still lack a section are listed in
``tests/docs/missing_sections.txt`` with what they lack: the list may only shrink (a name
that gains its sections must leave it, and no new name may enter it).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import netanalysis

KNOWN = Path(__file__).with_name("missing_sections.txt")


def public_names():
    """Yield ``(qualified name, object, module)`` for every public function and class."""
    for info in pkgutil.walk_packages(netanalysis.__path__, "netanalysis."):
        if info.name.startswith("netanalysis.cli"):
            continue  # commands document themselves in --help (tests/cli)
        if any(part.startswith("_") for part in info.name.split(".")):
            continue  # private modules
        mod = importlib.import_module(info.name)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != mod.__name__:
                continue  # re-exported: checked where it is defined
            yield f"{mod.__name__}.{name}", obj, mod


def missing_sections(obj, mod):
    """Return the numpydoc sections `obj`'s docstring lacks, as a sorted list."""
    doc = inspect.getdoc(obj) or ""
    need = ["Examples"]
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return []
        target = obj.__init__ if "__init__" in vars(obj) else None
    else:
        target = obj
    params = []
    if target is not None:
        try:
            sig = inspect.signature(target)
        except (TypeError, ValueError):
            sig = None
        if sig is not None:
            params = [p for p in sig.parameters if p not in ("self", "cls")]
    if params:
        need.append("Parameters")
    if inspect.isfunction(obj):
        src = inspect.getsource(obj)
        if "return " in src.replace("return None", "") or "yield" in src:
            need.append("Returns" if "yield" not in src else "Yields")
    siblings = [n for n in getattr(mod, "__all__", []) if n != obj.__name__]
    if siblings:
        need.append("See Also")
    return sorted(s for s in need if f"\n{s}\n" not in f"\n{doc}\n" and not doc.startswith(s))


def _known():
    out = {}
    for line in KNOWN.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, secs = line.partition(":")
            out[name.strip()] = sorted(s.strip() for s in secs.split(",") if s.strip())
    return out


def test_public_names_have_their_sections():
    known = _known()
    problems = []
    seen = set()
    for qual, obj, mod in public_names():
        seen.add(qual)
        lack = missing_sections(obj, mod)
        allowed = known.get(qual, [])
        new = [s for s in lack if s not in allowed]
        if new:
            problems.append(f"{qual} lacks {', '.join(new)}")
        fixed = [s for s in allowed if s not in lack]
        if fixed:
            problems.append(f"{qual} now has {', '.join(fixed)}: remove it from {KNOWN.name}")
    stale = sorted(set(known) - seen)
    problems += [f"{q} is no longer public: remove it from {KNOWN.name}" for q in stale]
    assert not problems, "\n".join(problems)


def test_the_list_of_exceptions_only_shrinks():
    # 30 when the rule was introduced; the 4 left are in resolve/infer.py (being rewritten by
    # the significance work of issue 10): lower it to 0 and drop the list when they gain theirs
    assert len(_known()) <= 4
