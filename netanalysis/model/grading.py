"""Source grading and its mapping to a confidence in [0, 1].

Three grading systems are accepted, each with a mapping to confidence declared in
``schema/case_v1.yaml`` (``grading``):

**Admiralty (NATO) code**, e.g. ``B2``: the *reliability* of the source, ``A`` (completely
reliable) to ``E`` (unreliable) with ``F`` (cannot be judged), and the *credibility* of the
information, ``1`` (confirmed) to ``5`` (improbable) with ``6`` (cannot be judged):

.. math:: c(g) = r(\\text{reliability}) \\times k(\\text{credibility})

with ``r = {A: 1.0, B: 0.8, C: 0.6, D: 0.4, E: 0.2, F: 0.5}`` and
``k = {1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4, 5: 0.2, 6: 0.5}``. "Cannot be judged" sits at 0.5,
between good and bad, so an ungraded tie (``F6``, confidence 0.25) counts less than a graded
``B2`` (0.64) but more than an ``E5`` (0.04).

**UK 5x5x5**, written ``B/2/1`` (also ``B21``, ``B-2-1``): source evaluation ``A``-``E``
(``E`` untested), intelligence evaluation ``1``-``5`` (``4`` cannot be judged, ``5``
suspected false), handling code ``1``-``5``. Source factor
``{A: 1.0, B: 0.8, C: 0.6, D: 0.3, E: 0.5}``, intelligence factor
``{1: 1.0, 2: 0.8, 3: 0.6, 4: 0.5, 5: 0.2}``.

**UK 3x5x2** (since 2016), written ``1/A/P`` (also ``1AP``): source evaluation ``1``
reliable, ``2`` untested, ``3`` not reliable; intelligence assessment ``A`` known directly to
``E`` suspected false; handling code ``P`` (lawful sharing permitted) or ``C`` (conditions
apply). Source factor ``{1: 0.9, 2: 0.5, 3: 0.3}``, intelligence factor
``{A: 1.0, B: 0.8, C: 0.6, D: 0.5, E: 0.2}``.

The handling code never changes the confidence. Gradings keep their system in canonical form
(``B2``, ``B/2/1``, ``1/A/P``), so outputs show what the source said.
"""

from __future__ import annotations

import re

from netanalysis.model.vocab import case_schema

__all__ = ["DEFAULT_GRADING", "GRADING_SYSTEMS", "parse_grading", "grading_confidence",
           "is_valid_grading", "grading_system", "admiralty_equivalent"]

DEFAULT_GRADING = "F6"
#: The accepted systems, by the name :func:`grading_system` returns.
GRADING_SYSTEMS = ("admiralty", "uk_5x5x5", "uk_3x5x2")
_SEP = r"\s*[/\-.]?\s*"
_RE = re.compile(r"^\s*([A-Fa-f])\s*([1-6])\s*$")
_RE_555 = re.compile(rf"^\s*([A-Ea-e]){_SEP}([1-5]){_SEP}([1-5])\s*$")
_RE_352 = re.compile(rf"^\s*([1-3]){_SEP}([A-Ea-e]){_SEP}([PCpc])\s*$")


def is_valid_grading(text):
    """Return True when `text` is a grading of an accepted system (case-insensitive).

    Parameters
    ----------
    text : str or None
        A grading as written in a case file.

    Returns
    -------
    bool
        Whether :func:`parse_grading` accepts `text` (an empty text is not valid here).

    See Also
    --------
    parse_grading : the canonical form of a valid grading.

    Examples
    --------
    >>> [is_valid_grading(t) for t in ("B2", "b/2/1", "1AP", "G7", "B2/9")]
    [True, True, True, False, False]
    """
    t = text or ""
    return bool(_RE.match(t) or _RE_555.match(t) or _RE_352.match(t))


def parse_grading(text):
    """Return the grading in canonical form; empty means ``"F6"``.

    Parameters
    ----------
    text : str or None
        A grading of any accepted system, in any case and separator style.

    Returns
    -------
    str
        The canonical grading (``B2``, ``B/2/1``, ``1/A/P``), or ``"F6"`` for an empty one.

    Raises
    ------
    ValueError
        If `text` is not empty and not a grading of an accepted system.

    See Also
    --------
    is_valid_grading : the same check without raising.
    grading_confidence : the confidence of the grading.

    Examples
    --------
    >>> parse_grading(" b2 ")
    'B2'
    >>> parse_grading("")
    'F6'
    >>> parse_grading("b21"), parse_grading("2 / c / p")
    ('B/2/1', '2/C/P')
    """
    if text is None or str(text).strip() == "":
        return DEFAULT_GRADING
    t = str(text)
    m = _RE.match(t)
    if m:
        return m.group(1).upper() + m.group(2)
    m = _RE_555.match(t) or _RE_352.match(t)
    if m:
        return "/".join(g.upper() for g in m.groups())
    raise ValueError("not a grading: expected an Admiralty code (A-F then 1-6, e.g. B2), a UK "
                     f"5x5x5 grading (e.g. B/2/1) or a UK 3x5x2 grading (e.g. 1/A/P): {text!r}")


def grading_system(grading):
    """Return the system of a grading: ``"admiralty"``, ``"uk_5x5x5"`` or ``"uk_3x5x2"``.

    Parameters
    ----------
    grading : str
        A grading of any accepted system (parsed with :func:`parse_grading`).

    Returns
    -------
    str
        One of :data:`GRADING_SYSTEMS`.

    See Also
    --------
    parse_grading : the canonical form the system is read from.

    Examples
    --------
    >>> grading_system("B2"), grading_system("B/2/1"), grading_system("1/A/P")
    ('admiralty', 'uk_5x5x5', 'uk_3x5x2')
    """
    g = parse_grading(grading)
    if "/" not in g:
        return "admiralty"
    return "uk_3x5x2" if g[0].isdigit() else "uk_5x5x5"


def grading_confidence(grading):
    """Return the confidence in [0, 1] of a grading of any accepted system.

    Parameters
    ----------
    grading : str or None
        A grading of any accepted system; empty means ``"F6"``.

    Returns
    -------
    float
        The product of the source and information factors of the grading's system,
        rounded to 6 decimals.

    See Also
    --------
    parse_grading : validates and canonicalises the grading first.
    admiralty_equivalent : the Admiralty code nearest to a UK grading.

    Examples
    --------
    >>> grading_confidence("A1")
    1.0
    >>> grading_confidence("B2")
    0.64
    >>> grading_confidence("")
    0.25
    >>> grading_confidence("B/2/1"), grading_confidence("1/A/P")
    (0.64, 0.9)
    """
    g = parse_grading(grading)
    table = case_schema()["grading"]
    system = grading_system(g)
    if system == "admiralty":
        return round(table["reliability"][g[0]] * table["credibility"][g[1]], 6)
    s = table["systems"][system]
    source, intel, _handling = g.split("/")
    return round(s["source"][source] * s["intelligence"][intel], 6)


def admiralty_equivalent(grading):
    """Return the Admiralty code nearest in meaning to a grading (for tools that know only it).

    The source factor picks the reliability letter and the intelligence factor the
    credibility digit whose Admiralty factors are nearest (0.5 means "cannot be judged"); a tie
    goes to the lower factor, so the equivalent never claims more than the grading.

    Parameters
    ----------
    grading : str or None
        A grading of any accepted system; empty means ``"F6"``.

    Returns
    -------
    str
        A two-character Admiralty code; an Admiralty grading comes back as it is (canonical).

    See Also
    --------
    grading_confidence : the confidence the factors give.
    grading_system : which system a grading belongs to.

    Examples
    --------
    >>> admiralty_equivalent("B/2/1"), admiralty_equivalent("2/D/C"), admiralty_equivalent("C3")
    ('B2', 'F6', 'C3')
    """
    g = parse_grading(grading)
    system = grading_system(g)
    if system == "admiralty":
        return g
    table = case_schema()["grading"]
    s = table["systems"][system]
    source, intel, _handling = g.split("/")

    def nearest(factor, scale):
        return min(scale, key=lambda k: (round(abs(scale[k] - factor), 9), scale[k]))

    return (nearest(s["source"][source], table["reliability"])
            + nearest(s["intelligence"][intel], table["credibility"]))
