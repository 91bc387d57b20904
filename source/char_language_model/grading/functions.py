"""The graded functions of assignment 2: what they return, what they call, how their
gradients are checked."""

from __future__ import annotations

from autograder.assignment import FunctionSpec

RNN_PARAMETERS = ("Wax", "Waa", "ba", "Wya", "by")
TRAINING_LOOP = "(the loop over the training steps)"

FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("encode_names", outputs=("X", "Y", "mask"), loop_hint="(the loop over names)"),
    FunctionSpec("softmax", outputs=("p",)),
    FunctionSpec("lm_loss", outputs=("loss", "y_hat"), depends_on=("softmax",)),
    FunctionSpec(
        "perplexity",
        outputs=("perplexity",),
        depends_on=("encode_names", "lm_loss"),
        loop_hint="(the loop over batches of names)",
    ),
    FunctionSpec(
        "lm_loss_backward",
        outputs=("gradients",),
        forward="lm_loss",
        forward_inputs=("a", "Y", "mask", "parameters"),
        gradient_inputs=(("da", "a"), ("dWya", "Wya"), ("dby", "by")),
    ),
    FunctionSpec(
        "lm_gradients",
        outputs=("loss", "gradients"),
        depends_on=("lm_loss", "lm_loss_backward"),
        gradient_inputs=tuple((f"d{name}", name) for name in RNN_PARAMETERS),
    ),
    FunctionSpec("clip_by_value", outputs=("clipped",)),
    FunctionSpec("clip_by_global_norm", outputs=("clipped", "norm")),
    FunctionSpec("update_parameters", outputs=("parameters", "memory")),
    FunctionSpec(
        "optimize",
        outputs=("loss", "parameters", "memory", "norm"),
        depends_on=("lm_gradients", "clip_by_value", "clip_by_global_norm", "update_parameters"),
    ),
    FunctionSpec(
        "sample",
        outputs=("indices",),
        depends_on=("softmax",),
        loop_hint="(the loop over sampled characters)",
    ),
    FunctionSpec(
        "train",
        outputs=("parameters", "history"),
        depends_on=("encode_names", "optimize", "perplexity"),
        loop_hint=TRAINING_LOOP,
    ),
)
