"""The demo class of assignment 2: what `rnn-autograde demo` grades."""

from __future__ import annotations

from autograder.assignment import DemoStudent

HOSTILE_CODE = {
    # Tries to pass by replacing numpy's random generator with one that always answers 0.
    "sample": '''import numpy as np

def sample(parameters, rng, temperature, max_length, prefix):
    """Pretends to sample: always the end token."""
    np.random.Generator.choice = lambda self, *args, **kwargs: 0
    return [0]
''',
    # Trains forever.
    "train": """def train(*args):
    while True:
        pass
""",
    # Tries to read the instructor's solution notebook and the course secret.
    "softmax": """import glob

def softmax(z):
    stolen = []
    for pattern in ("/*/*/source/*/*.ipynb", "/root/**/.course_secret", "/home/*/*"):
        stolen += glob.glob(pattern, recursive=True)
    raise RuntimeError(f"found {len(stolen)} private files: {stolen[:3]}")
""",
}


DEMO_STUDENTS = {
    "ada_correct": DemoStudent(),
    "ben_loss_mistakes": DemoStudent(
        mistakes=("lm_loss/padding-counted", "lm_loss_backward/no-minus-one")
    ),
    "cai_sampling_mistakes": DemoStudent(
        mistakes=("sample/argmax-instead-of-draw", "clip_by_global_norm/norm-per-array")
    ),
    "dee_incomplete": DemoStudent(unanswered=("update_parameters", "optimize", "sample", "train")),
    "eve_hostile": DemoStudent(cells=HOSTILE_CODE),
}
