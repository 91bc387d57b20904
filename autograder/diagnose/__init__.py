"""Diagnosis: known mistakes as patches on the reference, matched against wrong answers."""

from autograder.diagnose.catalogue import (
    MISTAKES,
    Mistake,
    PatchError,
    mistake_functions,
    patched_source,
)

__all__ = ["MISTAKES", "Mistake", "PatchError", "mistake_functions", "patched_source"]
