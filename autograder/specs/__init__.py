"""What each graded function is checked on: hidden inputs, named outputs, dependencies."""

from autograder.specs.cases import Case, build_case, case_rng, code_digest
from autograder.specs.functions import SPECS, FunctionSpec

__all__ = ["SPECS", "Case", "FunctionSpec", "build_case", "case_rng", "code_digest"]
