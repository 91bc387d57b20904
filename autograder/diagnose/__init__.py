"""Diagnosis: known mistakes as patches on the reference, matched against wrong answers."""

from autograder.diagnose.patches import PatchError, mistake_functions, patched_source

__all__ = ["PatchError", "mistake_functions", "patched_source"]
