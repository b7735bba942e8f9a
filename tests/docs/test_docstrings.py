"""Every public name documents itself the numpydoc way (house style, ``../shared/STYLE.md``).

A public function or class (listed in its module's ``__all__``) has a docstring with the
sections Parameters (when it takes any), Returns (functions that return something), Examples
(run as doctests by the suite), and See Also naming a sibling when its module has more than
one public name. There are no exceptions: every public name has its sections.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import netanalysis


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


def test_public_names_have_their_sections():
    problems = []
    for qual, obj, mod in public_names():
        lack = missing_sections(obj, mod)
        if lack:
            problems.append(f"{qual} lacks {', '.join(lack)}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_the_public_names():
    # the rule cannot pass by finding nothing to check
    names = {qual for qual, _, _ in public_names()}
    assert "netanalysis.resolve.infer.infer_links" in names
    assert len(names) > 50


def test_a_missing_section_is_reported():
    import types

    def documented(case, *, settings=None):
        """Return nothing useful.

        Parameters
        ----------
        case : Case

        Returns
        -------
        None

        Examples
        --------
        >>> documented(None)
        """
        return case

    mod = types.SimpleNamespace(__all__=["documented", "other"])
    assert missing_sections(documented, mod) == ["See Also"]
