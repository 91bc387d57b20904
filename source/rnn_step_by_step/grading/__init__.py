"""The grading package of assignment 1, "RNN and LSTM step by step" (see autograder/assignment.py).

Instructor-only: nbgrader's `CourseDirectory.ignore` keeps this folder out of `release/`.
"""

from autograder.assignment import Assignment

from .cases import PROBE_SIZES, build_case, gradient_loss
from .demo import DEMO_STUDENTS
from .functions import FUNCTIONS
from .mistakes import MISTAKES
from .variants import VARIANTS

ASSIGNMENT = Assignment(
    name="rnn_step_by_step",
    functions=FUNCTIONS,
    build_case=build_case,
    gradient_loss=gradient_loss,
    probe_sizes=PROBE_SIZES,
    mistakes=MISTAKES,
    variants=VARIANTS,
    demo_students=DEMO_STUDENTS,
    memory_hint="are you building far larger arrays than the (n_a, m, T_x) ones it needs?",
)
