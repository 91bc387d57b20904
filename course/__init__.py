"""rnn-course: helpers students import in the course notebooks.

Nothing here gives away a graded answer: activations, the notation's shapes and seeded
builders, the gradient checker the grader also uses (`course.gradcheck`), public checks
(`course.checks`), and the figures (`course.figures`).

Importing `course` stays cheap (numpy only): the grading sandbox imports it for every
submission, so the checks and the figures (matplotlib) are imported on their own. The
function `gradcheck` is not re-exported here: it would hide the module of the same name
(`import course.gradcheck as gc` would then give the function).
"""

from course.activations import sigmoid, softmax
from course.notation import (
    Sizes,
    init_lstm_parameters,
    init_rnn_parameters,
    lstm_shapes,
    rnn_shapes,
)

__all__ = [
    "sigmoid",
    "softmax",
    "Sizes",
    "init_lstm_parameters",
    "init_rnn_parameters",
    "lstm_shapes",
    "rnn_shapes",
]
