"""Admiralty source grading and its mapping to a confidence in [0, 1].

The Admiralty (NATO) code grades each report twice: the *reliability* of the source, ``A``
(completely reliable) to ``E`` (unreliable) with ``F`` (cannot be judged), and the
*credibility* of the information, ``1`` (confirmed) to ``5`` (improbable) with ``6`` (cannot
be judged). netanalysis turns a grading into a confidence that analyses can use as a weight:

.. math:: c(g) = r(\\text{reliability}) \\times k(\\text{credibility})

with ``r = {A: 1.0, B: 0.8, C: 0.6, D: 0.4, E: 0.2, F: 0.5}`` and
``k = {1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4, 5: 0.2, 6: 0.5}`` (declared in
``schema/case_v1.yaml``). "Cannot be judged" sits at 0.5, between good and bad, so an
ungraded tie (``F6``, confidence 0.25) counts less than a graded ``B2`` (0.64) but more than
an ``E5`` (0.04).
"""

from __future__ import annotations

import re

from netanalysis.model.vocab import case_schema

__all__ = ["DEFAULT_GRADING", "parse_grading", "grading_confidence", "is_valid_grading"]

DEFAULT_GRADING = "F6"
_RE = re.compile(r"^\s*([A-Fa-f])\s*([1-6])\s*$")


def is_valid_grading(text):
    """Return True when `text` is an Admiralty code such as ``B2`` (case-insensitive)."""
    return bool(_RE.match(text or ""))


def parse_grading(text):
    """Return the grading in canonical form (``"B2"``); empty means ``"F6"``.

    Raises
    ------
    ValueError
        If `text` is not empty and not an Admiralty code.

    Examples
    --------
    >>> parse_grading(" b2 ")
    'B2'
    >>> parse_grading("")
    'F6'
    """
    if text is None or str(text).strip() == "":
        return DEFAULT_GRADING
    m = _RE.match(str(text))
    if not m:
        raise ValueError(f"not an Admiralty grading (A-F then 1-6, e.g. B2): {text!r}")
    return m.group(1).upper() + m.group(2)


def grading_confidence(grading):
    """Return the confidence in [0, 1] of an Admiralty grading.

    Examples
    --------
    >>> grading_confidence("A1")
    1.0
    >>> grading_confidence("B2")
    0.64
    >>> grading_confidence("")
    0.25
    """
    g = parse_grading(grading)
    table = case_schema()["grading"]
    return round(table["reliability"][g[0]] * table["credibility"][g[1]], 6)
