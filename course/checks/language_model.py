"""Public checks of assignment 2, the character-level language model: run each in the
notebook after writing its function.

    from course.checks.language_model import check_encode_names
    check_encode_names(encode_names)

Each prints a short pass/fail table and raises AssertionError naming the checks that
failed; a failing check says which quantity is wrong (in the notation V, n_a, m, T_x,
X, Y, mask, a<t>, y_hat<t>) and the likely mistake. lm_loss_backward is also compared with
numerical slopes of your lm_loss, and lm_gradients with slopes of the loss it returns
(course.gradcheck). Passing them is a good sign, not a guarantee: the grader runs more
cases.
"""

from course.checks.lm_backward import check_lm_gradients, check_lm_loss_backward
from course.checks.lm_clipping import check_clip_by_global_norm, check_clip_by_value
from course.checks.lm_data import check_encode_names
from course.checks.lm_loss import check_lm_loss, check_softmax
from course.checks.lm_optimize import check_optimize
from course.checks.lm_perplexity import check_perplexity
from course.checks.lm_sampling import check_sample
from course.checks.lm_training import check_train
from course.checks.lm_updates import check_update_parameters

__all__ = [
    "check_encode_names",
    "check_softmax",
    "check_lm_loss",
    "check_perplexity",
    "check_lm_loss_backward",
    "check_lm_gradients",
    "check_clip_by_value",
    "check_clip_by_global_norm",
    "check_update_parameters",
    "check_optimize",
    "check_sample",
    "check_train",
]
