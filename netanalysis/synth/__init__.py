"""Synthetic cases: realistic, fictional, in case format v1, with planted ground truth.

The generator is :func:`synth_case`; ``netanalysis synth`` is its command line.
"""

from netanalysis.synth.core import MAX_PERSONS, MIN_PERSONS, TRUTH_FILES, synth_case

__all__ = ["synth_case", "MIN_PERSONS", "MAX_PERSONS", "TRUTH_FILES"]
