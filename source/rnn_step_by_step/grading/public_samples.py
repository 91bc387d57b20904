"""Build `course/data/public_samples.npz`, the published sample of every graded function
of assignment 1 (the public checks of `course.checks` compare with it).

    .venv/bin/python source/rnn_step_by_step/grading/public_samples.py   # rewrites it

Inputs come from the course notation's seeded builders; outputs (and the caches the
backward samples are called with) come from the instructor's reference functions. The
file holds plain float64 arrays only (see course.checks.samples for the layout), and
tests/course/test_public_samples.py checks that it equals a fresh build.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

import course
from autograder.atomic_files import write_bytes_atomic
from autograder.course_layout import CourseLayout
from autograder.reference import course_reference
from course.checks.cases import call, draw_values
from course.checks.samples import SAMPLE_FILE, encode_sample, npz_bytes
from course.notation import SIGNATURES, Sizes

SAMPLE_SIZES = Sizes(n_x=3, n_a=5, n_y=2, m=4, T_x=3)
SAMPLE_SEED = 20240607


def build_samples(reference: Mapping[str, Callable]) -> dict[str, np.ndarray]:
    """Every graded function's sample entries, computed with `reference`."""
    entries: dict[str, np.ndarray] = {}
    for index, name in enumerate(SIGNATURES):
        sig = SIGNATURES[name]
        values = draw_values(sig, SAMPLE_SIZES, SAMPLE_SEED + index)
        if sig.is_backward:
            forward = sig.forward
            values[sig.arguments[-1]] = call(reference[forward.name], forward, values)[-1]
        result = call(reference[name], sig, values)
        entries.update(encode_sample(sig, SAMPLE_SIZES, values, result))
    return entries


def sample_path() -> Path:
    return Path(course.__file__).parent / SAMPLE_FILE


def main() -> None:
    root = CourseLayout.discover(Path(__file__).parent).root
    entries = build_samples(course_reference(root, "rnn_step_by_step").functions())
    path = sample_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, npz_bytes(entries))
    print(f"wrote {len(entries)} arrays to {path}")


if __name__ == "__main__":
    main()
