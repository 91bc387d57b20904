"""Numerical tolerances of the grader, chosen by measurement (see README, "Tolerances").

All arithmetic is float64 and inputs are scaled away from saturation, so a correct
implementation written any other way (einsum, loops over examples, recomputed tanh, ...)
differs from the reference by round-off only, and a real mistake by far more; the
measurements that place these numbers between the two are in tests/autograder and the
README.
"""

# Values: |student - reference| <= ATOL + RTOL * |reference|, elementwise.
RTOL = 1e-6
ATOL = 1e-9

# Gradient checks: relative error of the directional derivative (see course.gradcheck).
GRADCHECK_EPS = 1e-5
GRADCHECK_MAX_ERROR = 1e-5
