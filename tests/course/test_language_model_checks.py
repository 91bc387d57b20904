"""course.checks.language_model (assignment 2), checked both ways: the reference and correct
variants pass every check; stubs are reported as not implemented; each typical mistake,
written as a patch on the reference's solution cell, fails the check meant for it with a
message that names the wrong quantity. Also: the published sample equals a fresh build, and
no solution line of assignment 2 appears in `course/`.
"""

from __future__ import annotations

import importlib.util
import keyword
import re
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import course
from autograder.assignment import load_assignment
from autograder.diagnose.patches import SOLUTION_MARKER, patched_source
from autograder.reference import course_reference
from course.checks import language_model, lm_backward, lm_sampling
from course.checks.lm_samples import SAMPLE_FILE
from tests.assignments import REPO

ASSIGNMENT = "char_language_model"
GENERATOR = REPO / "source" / ASSIGNMENT / "grading" / "public_samples.py"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lm_public_samples", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLES = _load_generator()
SOURCE = course_reference(SAMPLES.ROOT, SAMPLES.ASSIGNMENT)
REFERENCE = SAMPLES.reference_functions()
FUNCTIONS = SOURCE.function_names
REBUILD = f"rebuild it with `python {GENERATOR.relative_to(REPO)}`"


def run_check(name: str, implementation: Callable) -> None:
    """The public check of `name` on `implementation` (check_lm_loss_backward also gets the
    reference's lm_loss)."""
    check = getattr(language_model, f"check_{name}")
    if name == "lm_loss_backward":
        check(implementation, REFERENCE["lm_loss"])
    else:
        check(implementation)


def patched(name: str, *patches: tuple[str, str]) -> Callable:
    """The reference of `name` with each (find, replace) applied to its solution code;
    `find` must occur exactly once there."""
    code = SOURCE.solutions[name]
    for find, replace in patches:
        start = code.index(SOLUTION_MARKER)
        assert code.count(find, start) == 1, f"{name}: {find!r} is not in the solution once"
        code = code[:start] + code[start:].replace(find, replace)
    return SAMPLES.reference_functions({name: code})[name]


def stub(name: str) -> Callable:
    namespace: dict = {}
    exec(f"def {name}(*args, **kwargs):\n    raise NotImplementedError()", namespace)
    return namespace[name]


def test_there_is_one_check_per_graded_function():
    assert sorted(language_model.__all__) == sorted(f"check_{name}" for name in FUNCTIONS)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_reference_passes(name, capsys):
    run_check(name, REFERENCE[name])
    out = capsys.readouterr().out
    assert re.search(rf"Public checks of {name}: (\d+) of \1 passed", out), out
    assert "FAIL" not in out


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_check_is_quick(name, capsys):
    start = time.perf_counter()
    run_check(name, REFERENCE[name])
    seconds = time.perf_counter() - start
    assert seconds < (2.0 if name in ("sample", "train") else 1.0), f"{seconds:.2f} s"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_stub_is_reported_as_not_implemented(name, capsys):
    with pytest.raises(AssertionError, match=f"^{name} is not implemented yet$"):
        run_check(name, stub(name))
    assert f"{name} is not implemented yet" in capsys.readouterr().out


def test_the_gradient_check_says_when_lm_loss_is_not_implemented():
    with pytest.raises(AssertionError) as failure:
        language_model.check_lm_loss_backward(REFERENCE["lm_loss_backward"], stub("lm_loss"))
    assert "gradients match numerical slopes of your lm_loss: your lm_loss is not implemented" in (
        str(failure.value)
    )


def test_the_reference_gradients_leave_a_margin():
    """Correct gradients stay 10x or more below the thresholds (measured, not assumed)."""
    notes = [
        lm_backward._expect_loss_slopes(REFERENCE["lm_loss_backward"], REFERENCE["lm_loss"]),
        lm_backward._expect_network_slopes(REFERENCE["lm_gradients"]),
        lm_backward._expect_lstm_slopes(REFERENCE["lm_gradients"]),
    ]
    errors = [float(note.rsplit(" ", 1)[1]) for note in notes]
    assert errors[0] < lm_backward.LOSS_THRESHOLD / 10, errors
    assert max(errors[1:]) < lm_backward.NETWORK_THRESHOLD / 10, errors


def test_the_sampler_tests_keep_false_alarms_below_one_in_a_million():
    # DKW (Massart): P(sup |F_N - F| > eps) <= 2 exp(-2 N eps²), for each of 3 tests.
    bound = 2 * np.exp(-2 * lm_sampling.DRAWS * lm_sampling.EPS**2)
    assert bound == pytest.approx(lm_sampling.FALSE_ALARM)
    assert 3 * bound < 1e-6
    # The tiny model's scores are LOGITS exactly: the hidden state is tanh(2) e_k.
    model = lm_sampling.tiny_model()
    a = np.tanh(model["Wax"] @ np.eye(lm_sampling.V))
    assert np.allclose(model["Wya"] @ a, lm_sampling.LOGITS, atol=1e-14)


# (function, slug, patches, the check that must fail, a phrase of its message)
WRONG_VERSIONS = [
    (
        "encode_names",
        "targets-not-shifted",
        [("Y[i, : len(name)] = indices", "Y[i, 1 : len(name) + 1] = indices")],
        "Y is X shifted by one: the next character, then 0",
        "Y equals X: the targets are not shifted",
    ),
    (
        "encode_names",
        "end-token-not-counted",
        [("mask[i, : len(name) + 1] = 1.0", "mask[i, : len(name)] = 1.0")],
        "mask is 1.0 at the characters and the end token only",
        "n + 1 targets, its characters and then the end token 0",
    ),
    (
        "encode_names",
        "no-leading-end-token",
        [("X[i, 1 : len(name) + 1] = indices", "X[i, : len(name)] = indices")],
        "X starts every name with the end token 0",
        "X[:, 0] holds the first character of each name",
    ),
    (
        "encode_names",
        "X-of-floats",
        [("X = np.zeros((m, T_x), dtype=int)", "X = np.zeros((m, T_x))")],
        "returns X, Y (ints) and mask (floats) of shape (m, T_x), T_x = 1 + longest",
        "X should hold integer indices (dtype int), got dtype float64",
    ),
    (
        "softmax",
        "wrong-axis",
        [("p = e / e.sum(axis=0,", "p = e / e.sum(axis=1,")],
        "each p[:, i, t] is non-negative and sums to 1",
        "p sums to 1 over axis 1 (the m examples) instead of axis 0",
    ),
    (
        "softmax",
        "no-max-subtraction",
        [("e = np.exp(z - z_max)", "e = np.exp(z)")],
        "no overflow for scores like z ± 1000",
        "exp(1000) overflows to inf",
    ),
    (
        "softmax",
        "z-changed-in-place",
        [
            (
                "e = np.exp(z - z_max)",
                "z -= z_max\n    e = np.exp(z)",
            )
        ],
        "leaves z unchanged",
        "softmax changed its argument z in place",
    ),
    (
        "lm_loss",
        "summed",
        [(") / np.sum(mask)", ")")],
        "loss is the mean of -log y_hat over the real targets (mask = 1)",
        "the SUM over the N = 9 real targets, not their mean",
    ),
    (
        "lm_loss",
        "padding-counted",
        [("-np.sum(mask * np.log(p_target)) / np.sum(mask)", "-np.mean(np.log(p_target))")],
        "loss is the mean of -log y_hat over the real targets (mask = 1)",
        "the padding (mask = 0) counts too",
    ),
    (
        "lm_loss",
        "padding-in-the-sum",
        [("-np.sum(mask * np.log(p_target))", "-np.sum(np.log(p_target))")],
        "loss is the mean of -log y_hat over the real targets (mask = 1)",
        "the padding is in the sum",
    ),
    (
        "lm_loss",
        "averaged-over-m",
        [(") / np.sum(mask)", ") / m")],
        "loss is the mean of -log y_hat over the real targets (mask = 1)",
        "divided by m = 3 (names), not by N = sum(mask) = 9 (real targets)",
    ),
    (
        "lm_loss",
        "by-missing",
        [(" + by[:, :, np.newaxis]", "")],
        "with Wya = 0, each y_hat[:, i, t] is softmax(by)",
        "with Wya = 0 every y_hat[:, i, t] should be softmax(by)",
    ),
    (
        "perplexity",
        "mean-of-batch-perplexities",
        [
            ("total += loss * np.sum(mask)", "total += np.exp(loss)"),
            ("count += np.sum(mask)", "count += 1"),
            ("float(np.exp(total / count))", "float(total / count)"),
        ],
        "does not depend on batch_size",
        "the mean of the batches' perplexities",
    ),
    (
        "perplexity",
        "mean-of-batch-losses",
        [
            ("total += loss * np.sum(mask)", "total += loss"),
            ("count += np.sum(mask)", "count += 1"),
        ],
        "does not depend on batch_size",
        "exp of the mean of the batches' losses",
    ),
    (
        "perplexity",
        "weighted-by-names",
        [
            ("total += loss * np.sum(mask)", "total += loss * X.shape[0]"),
            ("count += np.sum(mask)", "count += X.shape[0]"),
        ],
        "does not depend on batch_size",
        "weighted by their number of names m, not of targets",
    ),
    (
        "perplexity",
        "exp-forgotten",
        [("float(np.exp(total / count))", "float(total / count)")],
        "a model predicting 1/V everywhere has perplexity V",
        "that is log V, the mean cross-entropy itself",
    ),
    (
        "lm_loss_backward",
        "no-minus-one",
        [("dz[Y, np.arange(m)[:, np.newaxis], np.arange(T_x)] -= 1.0", "pass")],
        "dby sums to 0 over the V characters",
        "is 1 subtracted from y_hat at the target",
    ),
    (
        "lm_loss_backward",
        "not-divided",
        [("dz = dz * mask / np.sum(mask)", "dz = dz * mask")],
        "with y_hat = 1/V, dby is 1/V - the share of each character among the targets",
        "not divided by N = sum(mask) = 9",
    ),
    (
        "lm_loss_backward",
        "divided-by-m",
        [("dz = dz * mask / np.sum(mask)", "dz = dz * mask / m")],
        "with y_hat = 1/V, dby is 1/V - the share of each character among the targets",
        "divided by m = 3 (names), not by N = sum(mask) = 9",
    ),
    (
        "lm_loss_backward",
        "mask-ignored",
        [("dz = dz * mask / np.sum(mask)", "dz = dz / np.sum(mask)")],
        "no gradient at the padding (mask = 0)",
        "da is not 0 at the padding (mask = 0)",
    ),
    (
        "lm_loss_backward",
        "dby-without-keepdims",
        [("np.sum(dz, axis=(1, 2))[:, np.newaxis]", "np.sum(dz, axis=(1, 2))")],
        "returns a dict da (n_a, m, T_x), dWya (V, n_a), dby (V, 1)",
        "['dby'] should have shape (V, 1) = (5, 1), got (5,): keep the summed axis",
    ),
    (
        "lm_loss_backward",
        "y_hat-changed-in-place",
        [("dz = y_hat.copy()", "dz = y_hat")],
        "leaves its inputs unchanged",
        "changed its argument y_hat in place",
    ),
    (
        "lm_loss_backward",
        "dWya-scaled",
        [('dWya = np.einsum("vmt,amt->va", dz, a)', 'dWya = 2 * np.einsum("vmt,amt->va", dz, a)')],
        "gradients match numerical slopes of your lm_loss",
        "do not match the slopes of your own lm_loss: dWya",
    ),
    (
        "lm_gradients",
        "output-gradient-missing",
        [('    gradients["dWya"] = output_gradients["dWya"]\n', "")],
        "returns loss and the gradients dWax, dWaa, dba, dWya, dby of an RNN",
        "has no key 'dWya' (shape (V, n_a) = (5, 3)): the gradients of the output layer",
    ),
    (
        "lm_gradients",
        "a0-not-zero",
        [("np.zeros((n_a, X.shape[0]))", "np.ones((n_a, X.shape[0]))")],
        "the hidden state starts at a<0> = 0",
        "is the initial hidden state a<0> zeros of shape (n_a, m)?",
    ),
    (
        "lm_gradients",
        "dWaa-scaled",
        [
            (
                '    gradients["dWya"] =',
                '    if "dWaa" in gradients:\n        gradients["dWaa"] = 2 * gradients["dWaa"]\n'
                '    gradients["dWya"] =',
            )
        ],
        "RNN gradients match numerical slopes of your loss",
        "do not match the slopes of the loss your lm_gradients returns: dWaa",
    ),
    (
        "clip_by_value",
        "upper-bound-only",
        [("np.clip(g, -max_value, max_value)", "np.minimum(g, max_value)")],
        "entries below -max_value become -max_value",
        "is the lower bound clipped too",
    ),
    (
        "clip_by_value",
        "in-place",
        [("np.clip(g, -max_value, max_value)", "np.clip(g, -max_value, max_value, out=g)")],
        "leaves gradients unchanged",
        "clip_by_value changed its argument gradients in place",
    ),
    (
        "clip_by_global_norm",
        "norm-per-array",
        [("g * scale for", "g * max_norm / max(np.linalg.norm(g), max_norm) for")],
        "above max_norm, every gradient is scaled by max_norm / norm",
        "the gradients were scaled by different factors",
    ),
    (
        "clip_by_global_norm",
        "no-square-root",
        [("norm = np.sqrt(sum(", "norm = (sum(")],
        "norm is the global norm of all gradients, before clipping",
        "it looks like the sum of the squares",
    ),
    (
        "clip_by_global_norm",
        "always-scaled",
        [("scale = max_norm / max(norm, max_norm)", "scale = max_norm / norm")],
        "at or below max_norm, the gradients are unchanged",
        "scale them only when the norm exceeds max_norm",
    ),
    (
        "clip_by_global_norm",
        "norm-after-clipping",
        [("gradients.items()}\n", "gradients.items()}\n    norm = norm * scale\n")],
        "norm is the global norm of all gradients, before clipping",
        "it looks like the norm after clipping",
    ),
    (
        "clip_by_global_norm",
        "in-place",
        [("g * scale for", "np.multiply(g, scale, out=g) for")],
        "leaves gradients unchanged",
        "clip_by_global_norm changed its argument gradients in place",
    ),
    (
        "update_parameters",
        "sgd-up-the-gradient",
        [("value - learning_rate * g", "value + learning_rate * g")],
        "sgd: parameter - learning_rate * gradient",
        "a step up the gradient",
    ),
    (
        "update_parameters",
        "sgd-touches-memory",
        [("new_memory[name] = memory[name]\n", "new_memory[name] = memory[name] + g**2\n")],
        "sgd leaves the memory as it is",
        "SGD keeps no memory",
    ),
    (
        "update_parameters",
        "adagrad-no-square-root",
        [("np.sqrt(new_memory[name]) + epsilon", "new_memory[name] + epsilon")],
        "adagrad: step learning_rate * gradient / (sqrt(memory) + epsilon)",
        "divided by the memory, not by its square root",
    ),
    (
        "update_parameters",
        "adagrad-no-epsilon",
        [("(np.sqrt(new_memory[name]) + epsilon)", "np.sqrt(new_memory[name])")],
        "adagrad: a parameter with memory 0 and gradient 0 stays",
        "0 / 0 gives nan: is epsilon missing?",
    ),
    (
        "update_parameters",
        "adagrad-memory-replaced",
        [("new_memory[name] = memory[name] + g**2", "new_memory[name] = g**2")],
        "adagrad: memory + squared gradient",
        "the memory was replaced by the squared gradient",
    ),
    (
        "update_parameters",
        "adagrad-old-memory",
        [("np.sqrt(new_memory[name])", "np.sqrt(memory[name])")],
        "adagrad: step learning_rate * gradient / (sqrt(memory) + epsilon)",
        "divided by the old memory",
    ),
    (
        "update_parameters",
        "in-place",
        [
            (
                "new_parameters[name] = value - step",
                "value -= step\n            new_parameters[name] = value",
            )
        ],
        "leaves its inputs unchanged",
        "changed its argument parameters in place",
    ),
    (
        "optimize",
        "clipped-after-the-update",
        [
            ("    gradients, norm = clip_by_global_norm(gradients, max_norm)\n", ""),
            (
                "optimizer)\n",
                "optimizer)\n    gradients, norm = clip_by_global_norm(gradients, max_norm)\n",
            ),
        ],
        "the update uses the gradients clipped by global norm",
        "the update used gradients that were not clipped",
    ),
    (
        "optimize",
        "no-clipping",
        [("gradients, norm = clip_by_global_norm(", "_, norm = clip_by_global_norm(")],
        "the update uses the gradients clipped by global norm",
        "the update used gradients that were not clipped",
    ),
    (
        "optimize",
        "clipped-by-value",
        [
            (
                "gradients, norm = clip_by_global_norm(gradients, max_norm)",
                "_, norm = clip_by_global_norm(gradients, max_norm)\n"
                "    gradients = clip_by_value(gradients, max_norm)",
            )
        ],
        "the update uses the gradients clipped by global norm",
        "the gradients were clipped by value",
    ),
    (
        "optimize",
        "norm-after-clipping",
        [
            (
                "max_norm)\n",
                "max_norm)\n    norm = clip_by_global_norm(gradients, max_norm)[1]\n",
            )
        ],
        "norm is the global norm before clipping",
        "that is max_norm, the norm after clipping",
    ),
    (
        "optimize",
        "loss-after-the-update",
        [("optimizer)\n", "optimizer)\n    loss, _ = lm_gradients(X, Y, mask, parameters)\n")],
        "loss is the loss before the update",
        "return the loss of the batch before the update",
    ),
    (
        "optimize",
        "optimizer-not-passed-on",
        [("learning_rate, optimizer)", 'learning_rate, "sgd")')],
        "adagrad's memory gets the clipped gradients",
        "pass optimizer on",
    ),
    (
        "sample",
        "argmax-instead-of-a-draw",
        [("int(rng.choice(V, p=softmax(z / temperature).ravel()))", "int(np.argmax(z))")],
        "draws at temperature 1 follow softmax(z)",
        "it always takes the most likely character",
    ),
    (
        "sample",
        "temperature-after-the-softmax",
        [("softmax(z / temperature)", "softmax(softmax(z) / temperature)")],
        "draws at temperature 0.5 follow softmax(z / 0.5)",
        "the temperature is applied after the softmax",
    ),
    (
        "sample",
        "probabilities-divided-by-the-temperature",
        [
            (
                "ix = int(rng.choice(V, p=softmax(z / temperature).ravel()))",
                "p = softmax(z).ravel() / temperature\n"
                "            ix = int(rng.choice(V, p=p / np.sum(p)))",
            )
        ],
        "draws at temperature 0.5 follow softmax(z / 0.5)",
        "these are the frequencies of temperature 1",
    ),
    (
        "sample",
        "end-token-dropped",
        [
            (
                "        indices.append(ix)\n        if ix == 0:\n            break\n",
                "        if ix == 0:\n            break\n        indices.append(ix)\n",
            )
        ],
        "temperature 0 follows the most likely characters",
        "the end token 0 is missing at the end",
    ),
    (
        "sample",
        "max_length-off-by-one",
        [("while len(indices) < max_length:", "while len(indices) <= max_length:")],
        "max_length counts every index, the end token too",
        "with max_length = 1 the greedy path is [2], got [2, 3]",
    ),
    (
        "sample",
        "prefix-ignored",
        [("for ix in [0, *prefix]:", "for ix in [0]:")],
        "continues the prefix (temperature 0)",
        "read the prefix before sampling",
    ),
    (
        "sample",
        "sampled-character-not-fed-back",
        [
            (
                "        a, state = network_step(one_hot(np.array([[ix]]), V)[:, :, 0], state, "
                "parameters)\n    ### END",
                "        a, state = network_step(one_hot(np.array([[0]]), V)[:, :, 0], state, "
                "parameters)\n    ### END",
            )
        ],
        "temperature 0 follows the most likely characters",
        "feed each sampled character back",
    ),
    (
        "train",
        "smooth-loss-from-zero",
        [("smooth_loss = np.log(V)", "smooth_loss = 0.0")],
        "smooth_loss starts at log V and smooths the loss",
        "it starts from 0",
    ),
    (
        "train",
        "validation-on-training-names",
        [("perplexity(validation_names,", "perplexity(train_names,")],
        "val_perplexity after every eval_every steps",
        "val_perplexity should be the perplexity of validation_names after steps [2, 4, 6]",
    ),
    (
        "train",
        "validation-one-step-early",
        [("if step % eval_every == 0:", "if (step - 1) % eval_every == 0:")],
        "val_perplexity after every eval_every steps",
        "those are the perplexities after steps [1, 3, 5]",
    ),
    (
        "train",
        "validation-every-step",
        [("if step % eval_every == 0:", "if True:")],
        "returns the parameters and a history of the right lengths",
        "history['val_perplexity'] should be a numpy array of shape (3,)",
    ),
    (
        "train",
        "parameters-not-kept",
        [("loss, parameters, memory, norm = optimize(", "loss, _, memory, norm = optimize(")],
        "the loss falls on a repeated batch",
        "the loss went from",
    ),
    (
        "train",
        "memory-reset-every-step",
        [
            (
                "        X, Y, mask = encode_names(next(batch_stream), char_to_ix)\n",
                "        X, Y, mask = encode_names(next(batch_stream), char_to_ix)\n"
                "        memory = {k: np.zeros_like(v) for k, v in parameters.items()}\n",
            )
        ],
        "matches the published run",
        "parameters/",
    ),
]


def test_every_graded_function_has_wrong_versions():
    assert {name for name, *_ in WRONG_VERSIONS} == set(FUNCTIONS)


@pytest.mark.parametrize(
    ("name", "patches", "check", "phrase"),
    [(name, patches, check, phrase) for name, _, patches, check, phrase in WRONG_VERSIONS],
    ids=[f"{name}/{slug}" for name, slug, *_ in WRONG_VERSIONS],
)
def test_a_wrong_version_fails_its_check_naming_the_quantity(name, patches, check, phrase):
    with pytest.raises(AssertionError, match="failed \\d+ public check") as failure:
        run_check(name, patched(name, *patches))
    message = str(failure.value)
    line = next((line for line in message.splitlines() if line.startswith(f"- {check}: ")), None)
    assert line is not None, message
    assert phrase in line, line


def _catalogue() -> tuple:
    return load_assignment(REPO, ASSIGNMENT)


CATALOGUE = _catalogue()


@pytest.mark.parametrize("mistake", CATALOGUE.mistakes, ids=lambda m: m.id)
def test_every_catalogued_mistake_fails(mistake):
    code = patched_source(SOURCE, mistake.function, mistake.find, mistake.replace)
    buggy = SAMPLES.reference_functions({mistake.function: code})[mistake.function]
    with pytest.raises(AssertionError, match="public check"):
        run_check(mistake.function, buggy)


@pytest.mark.parametrize("variant", CATALOGUE.variants, ids=lambda v: v.id)
def test_every_catalogued_correct_variant_passes(variant):
    code = patched_source(SOURCE, variant.function, variant.find, variant.replace)
    run_check(
        variant.function, SAMPLES.reference_functions({variant.function: code})[variant.function]
    )


# The published sample


@pytest.fixture(scope="module")
def stored() -> dict[str, np.ndarray]:
    resource = resources.files("course").joinpath(SAMPLE_FILE)
    with resource.open("rb") as file, np.load(file, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def test_the_sample_file_holds_plain_numbers(stored):
    for key, value in stored.items():
        assert value.dtype in (np.int64, np.float64), f"{key} has dtype {value.dtype}"


def test_the_generator_reproduces_the_sample_file(stored):
    fresh = SAMPLES.build_samples(REFERENCE)
    assert sorted(stored) == sorted(fresh), REBUILD
    for key, value in fresh.items():
        assert stored[key].dtype == value.dtype, f"{key}: {REBUILD}"
        if "/inputs/" in key:  # drawn bit for bit
            np.testing.assert_array_equal(stored[key], value, err_msg=f"{key}: {REBUILD}")
        else:  # may differ in the last bits on another BLAS
            np.testing.assert_allclose(
                stored[key], value, rtol=1e-12, atol=1e-14, err_msg=f"{key}: {REBUILD}"
            )


# No solution in course/


# Lines any seeded code may hold: they give nothing away.
BOILERPLATE = {"rng = np.random.default_rng(seed)"}


def _solution_lines() -> set[str]:
    """Every line of the solution code (### BEGIN ... ### END) of assignment 2 that holds
    a name other than a keyword (not "else:" or ")"), except BOILERPLATE."""
    lines = set()
    for code in SOURCE.solutions.values():
        block = code.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
        for line in map(str.strip, block.splitlines()):
            names = re.findall(r"[A-Za-z_]\w*", line)
            if any(not keyword.iskeyword(name) for name in names) and line not in BOILERPLATE:
                lines.add(line)
    return lines


SOLUTION_LINES = _solution_lines()
COURSE_FILES = sorted(Path(course.__file__).parent.rglob("*.py"))
@pytest.mark.parametrize(
    "path", COURSE_FILES, ids=lambda path: str(path.relative_to(Path(course.__file__).parent))
)
def test_no_solution_line_appears_in_course(path):
    text = path.read_text(encoding="utf-8")
    lines = {line.strip() for line in text.splitlines()}
    found = sorted(
        line for line in SOLUTION_LINES if line in lines or (len(line) > 30 and line in text)
    )
    assert not found, f"{path} holds solution lines: {found}"
