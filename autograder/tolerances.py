"""Numerical tolerances of the grader, chosen by measurement (see README, "Tolerances").

All arithmetic is float64 and inputs are scaled away from saturation, so a correct
implementation written any other way (einsum, loops over examples, recomputed tanh, ...)
differs from the reference by round-off only, and a real mistake by far more; the
measurements that place these numbers between the two are in tests/autograder and the
README.
"""

# Values: |student - reference| <= ATOL + RTOL * |reference|, elementwise. Measured by
# benchmarks/tolerances.py on 20 hidden cases per function: correct variants need at most
# 1.6e-15 at this ATOL/RTOL ratio (0.1), central differences of the forward pass at least
# 9.2e-11; this pair sits about 2.4 decades from each.
RTOL = 5e-13
ATOL = 5e-14

# Gradient checks: relative error of the directional derivative (see course.gradcheck).
GRADCHECK_EPS = 1e-5
GRADCHECK_MAX_ERROR = 1e-5
