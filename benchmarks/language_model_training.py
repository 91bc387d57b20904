"""Assignment 2's training, measured: the solution notebook's training cell, and the speed
of its batched training loop against the original course's one-name-at-a-time SGD loop.

Usage (from the repository root, with the project's venv):

    .venv/bin/python benchmarks/language_model_training.py [--names 2000] [--out FILE]

1. Runs the solution notebook top to bottom (nbclient, as nbval does) and reports the
   wall time of its RNN and LSTM training cells (nbgrader ids `train_rnn`, `train_lstm`)
   and the validation perplexity each reached, read from the notebook's own variables.
2. Times two training loops on the same training names, vocabulary and model size (RNN
   language model, n_a as in the notebook), and reports characters per second:
   - ours: the reference `train` (batches of names, Adagrad, clipping by global norm);
   - the original course's loop ("Dinosaurus Island"): one name per step, the RNN run
     one character at a time with dicts of per-step arrays, clipping by value at 5,
     plain SGD; written here from its description, in plain numpy.
   A character is one predicted target (the characters of a name and its end token).
Timing on a shared machine is noisy: the numbers are printed and written, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "char_language_model"
sys.path.insert(0, str(ROOT))

from autograder.reference import course_reference  # noqa: E402
from course.data import load_corpus  # noqa: E402

# Read back from the notebook after it ran (its own variables, not its printed output).
REPORT_CELL = """
import json as _json
print("BENCHMARK " + _json.dumps({
    "rnn_val_perplexity": float(rnn_perplexity),
    "rnn_train_seconds": float(rnn_seconds),
    "lstm_val_perplexity": float(lstm_perplexity),
    "lstm_train_seconds": float(lstm_seconds),
    "n_a": int(rnn_model["Waa"].shape[0]),
}))
"""


def run_notebook() -> dict:
    """Execute the solution notebook; the training cells' times and what they reached."""
    path = ROOT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
    client = NotebookClient(notebook, timeout=600, resources={"metadata": {"path": path.parent}})
    started = time.perf_counter()
    client.execute()
    total = time.perf_counter() - started
    seconds = {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        timing = cell.metadata.get("execution", {})
        if grade_id in ("train_rnn", "train_lstm") and timing:
            start = timing["iopub.execute_input"]
            end = timing["shell.execute_reply"]
            seconds[grade_id] = _seconds_between(start, end)
    printed = "".join(out.get("text", "") for out in notebook.cells[-1].outputs)
    reached = json.loads(printed.split("BENCHMARK ", 1)[1])
    return {"notebook_seconds": total, "cell_seconds": seconds, **reached}


def _seconds_between(start: str, end: str) -> float:
    from datetime import datetime

    def parse(stamp: str) -> datetime:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))

    return (parse(end) - parse(start)).total_seconds()


# ---- the original course's loop: one name per step, one character at a time ----


def _original_step(name_ix: list[int], parameters: dict, V: int, learning_rate: float) -> float:
    """Forward, backward, clip by value at 5 and SGD on one name (dicts of per-step arrays,
    as the original's rnn_forward / rnn_backward / clip / update_parameters)."""
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    X, Y = [None, *name_ix], [*name_ix, 0]
    x, a, y_hat = {}, {-1: np.zeros((Waa.shape[0], 1))}, {}
    loss = 0.0
    for t in range(len(X)):
        x[t] = np.zeros((V, 1))
        if X[t] is not None:
            x[t][X[t]] = 1
        a[t] = np.tanh(Wax @ x[t] + Waa @ a[t - 1] + ba)
        z = Wya @ a[t] + by
        y_hat[t] = np.exp(z - z.max()) / np.sum(np.exp(z - z.max()))
        loss -= np.log(y_hat[t][Y[t], 0])
    gradients = {key: np.zeros_like(value) for key, value in parameters.items()}
    da_next = np.zeros_like(a[0])
    for t in reversed(range(len(X))):
        dy = np.copy(y_hat[t])
        dy[Y[t]] -= 1
        gradients["Wya"] += dy @ a[t].T
        gradients["by"] += dy
        da = Wya.T @ dy + da_next
        daraw = (1 - a[t] * a[t]) * da
        gradients["ba"] += daraw
        gradients["Wax"] += daraw @ x[t].T
        gradients["Waa"] += daraw @ a[t - 1].T
        da_next = Waa.T @ daraw
    for key in parameters:
        parameters[key] = parameters[key] - learning_rate * np.clip(gradients[key], -5, 5)
    return float(loss)


def original_loop(names: list[str], char_to_ix: dict, n_a: int, seconds: float) -> dict:
    import lm_networks

    V = len(char_to_ix)
    parameters = lm_networks.init_parameters("rnn", n_a, V, np.random.default_rng(0))
    chars, steps, started = 0, 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        name = names[steps % len(names)]
        _original_step([char_to_ix[c] for c in name], parameters, V, 0.01)
        chars += len(name) + 1
        steps += 1
    elapsed = time.perf_counter() - started
    return {"characters_per_second": chars / elapsed, "names": steps, "seconds": elapsed}


def our_loop(names: list[str], char_to_ix: dict, n_a: int, batch_size: int, steps: int) -> dict:
    reference = course_reference(ROOT, ASSIGNMENT).functions()
    import lm_networks

    V = len(char_to_ix)
    parameters = lm_networks.init_parameters("rnn", n_a, V, np.random.default_rng(0))
    stream = lm_networks.batches(names, batch_size, 0)  # the batches train will read
    chars = sum(len(name) + 1 for name in _flat(stream, steps))
    started = time.perf_counter()
    reference["train"](
        names, names[:batch_size], parameters, char_to_ix, steps, batch_size, 0.1, 5.0,
        "adagrad", steps, 0, 0, False,
    )
    elapsed = time.perf_counter() - started
    return {"characters_per_second": chars / elapsed, "steps": steps, "seconds": elapsed}


def _flat(stream, steps: int):
    for _ in range(steps):
        yield from next(stream)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=2000, help="training names timed")
    parser.add_argument("--seconds", type=float, default=20.0, help="time of the original loop")
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    parser.add_argument("--skip-notebook", action="store_true")
    args = parser.parse_args()
    corpus = load_corpus()
    names = list(corpus.train[: args.names])
    char_to_ix = dict(corpus.char_to_ix)
    results: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
    }
    if not args.skip_notebook:
        results["notebook"] = run_notebook()
        print(json.dumps(results["notebook"], indent=2))
    n_a = results.get("notebook", {}).get("n_a", 64)
    results["ours"] = our_loop(names, char_to_ix, n_a, batch_size=64, steps=300)
    results["original"] = original_loop(names, char_to_ix, n_a, args.seconds)
    speedup = results["ours"]["characters_per_second"] / results["original"][
        "characters_per_second"
    ]
    results["speedup"] = speedup
    print(
        f"characters per second, n_a = {n_a}: ours "
        f"{results['ours']['characters_per_second']:,.0f}, the original loop "
        f"{results['original']['characters_per_second']:,.0f} ({speedup:.1f}x)"
    )
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
