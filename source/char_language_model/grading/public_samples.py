"""Build `course/data/language_model_samples.npz`, the published sample of assignment 2's
graded functions (the public checks of `course.checks.language_model` compare with it).

    .venv/bin/python source/char_language_model/grading/public_samples.py   # rewrites it

Inputs come from the seeded builders of course.checks.lm_samples (its settings say which
names, optimizer and step counts go with them); outputs come from the instructor's
reference functions. The file holds plain int64 and float64 arrays only (see
course.checks.lm_samples for the layout), and tests/course/test_language_model_checks.py
checks that it equals a fresh build.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

import course
from autograder.atomic_files import write_bytes_atomic
from autograder.course_layout import CourseLayout
from autograder.reference import course_reference
from course.checks.lm_samples import (
    OPTIMIZE_SETTINGS,
    PERPLEXITY_BATCH_SIZE,
    PERPLEXITY_NAMES,
    PERPLEXITY_VOCABULARY,
    SAMPLE_FILE,
    TRAIN_NAMES,
    TRAIN_SETTINGS,
    VALIDATION_NAMES,
    build_inputs,
    flatten,
)
from course.checks.samples import npz_bytes
from course.data import load_corpus

ASSIGNMENT = "char_language_model"
ROOT = CourseLayout.discover(Path(__file__).parent).root


def reference_functions(replacements: Mapping[str, str] | None = None) -> dict[str, Callable]:
    """The instructor's graded functions by name, from the solution notebook;
    `replacements` maps a name to other code for its cell (a patched solution)."""
    return course_reference(ROOT, ASSIGNMENT).functions(replacements)


def build_samples(reference: Mapping[str, Callable]) -> dict[str, np.ndarray]:
    """Every sampled function's entries "<function>/inputs/..." and "<function>/outputs/...",
    computed with `reference`."""
    corpus = load_corpus()
    inputs = build_inputs(corpus.V)
    outputs: dict[str, dict[str, Any]] = {}

    v = inputs["lm_loss"]
    loss, y_hat = reference["lm_loss"](v["a"], v["Y"], v["mask"], v["parameters"])
    outputs["lm_loss"] = {"loss": loss, "y_hat": y_hat}
    inputs["lm_loss_backward"] = {**v, "y_hat": y_hat}
    outputs["lm_loss_backward"] = reference["lm_loss_backward"](
        y_hat, v["a"], v["Y"], v["mask"], v["parameters"]
    )

    v = inputs["lm_gradients"]
    loss, gradients = reference["lm_gradients"](v["X"], v["Y"], v["mask"], v["parameters"])
    outputs["lm_gradients"] = {"loss": loss, "gradients": gradients}

    value = reference["perplexity"](
        list(PERPLEXITY_NAMES),
        inputs["perplexity"]["parameters"],
        dict(PERPLEXITY_VOCABULARY),
        PERPLEXITY_BATCH_SIZE,
    )
    outputs["perplexity"] = {"perplexity": value}

    v = inputs["optimize"]
    loss, parameters, memory, norm = reference["optimize"](
        v["X"], v["Y"], v["mask"], v["parameters"], v["memory"], *OPTIMIZE_SETTINGS.values()
    )
    outputs["optimize"] = {"loss": loss, "parameters": parameters, "memory": memory, "norm": norm}

    outputs["train"] = _train_outputs(reference, inputs["train"]["parameters"])
    return flatten(
        {name: {"inputs": inputs[name], "outputs": outputs[name]} for name in sorted(outputs)}
    )


def _train_outputs(
    reference: Mapping[str, Callable], initial: Mapping[str, np.ndarray]
) -> dict[str, Any]:
    """The published run, and the validation perplexity after every step (0 to num_steps)
    for the messages of check_train."""
    corpus = load_corpus()
    names = list(corpus.train[:TRAIN_NAMES])
    validation = list(corpus.validation[:VALIDATION_NAMES])
    char_to_ix = dict(corpus.char_to_ix)

    def run(**changes: Any) -> tuple[dict, dict]:
        settings = {**TRAIN_SETTINGS, **changes}
        return reference["train"](
            names, validation, dict(initial), char_to_ix, *settings.values(), show_progress=False
        )

    parameters, history = run()
    every_step = run(eval_every=1)[1]["val_perplexity"]
    before = reference["perplexity"](validation, dict(initial), char_to_ix)
    return {
        "parameters": parameters,
        "history": history,
        "perplexity_by_step": np.array([before, *every_step]),
    }


def sample_path() -> Path:
    return Path(course.__file__).parent / SAMPLE_FILE


def main() -> None:
    entries = build_samples(reference_functions())
    path = sample_path()
    write_bytes_atomic(path, npz_bytes(entries))
    print(f"wrote {len(entries)} arrays to {path}")


if __name__ == "__main__":
    main()
