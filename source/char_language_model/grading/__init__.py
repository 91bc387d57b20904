"""The grading package of assignment 2, "a character-level language model" (see
autograder/assignment.py).

Instructor-only: nbgrader's `CourseDirectory.ignore` keeps this folder out of `release/`.
"""

from autograder.assignment import Assignment

from .cases import PROBE_SIZES, build_case, gradient_loss
from .demo import DEMO_STUDENTS
from .functions import FUNCTIONS
from .mistakes import MISTAKES
from .sampling import draw_probabilities
from .variants import VARIANTS

ASSIGNMENT = Assignment(
    name="char_language_model",
    functions=FUNCTIONS,
    build_case=build_case,
    gradient_loss=gradient_loss,
    probe_sizes=PROBE_SIZES,
    mistakes=MISTAKES,
    variants=VARIANTS,
    demo_students=DEMO_STUDENTS,
    memory_hint="are you building far larger arrays than the (V, m, T_x) ones it needs?",
    draw_probabilities=draw_probabilities,
    borrows={
        "rnn_step_by_step": (
            "rnn_cell_forward",
            "rnn_forward",
            "rnn_cell_backward",
            "rnn_backward",
            "lstm_cell_forward",
            "lstm_forward",
            "lstm_cell_backward",
            "lstm_backward",
        )
    },
    support_modules=("lm_networks",),
    # The sampler calls softmax at every step of every draw: the course's own softmax
    # (the same formula as the reference's) answers in the sandbox, not the grader.
    stand_ins={"softmax": "course.activations:softmax"},
)
