"""The benchmark's scratch course is laid out as nbgrader expects (nothing is timed here)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from autograder.reference import load_reference_source
from tests.assignments import GRADED_FUNCTIONS, MISTAKES, RNN

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "compare_with_nbgrader.py"


@pytest.fixture(scope="module")
def benchmark():
    """The benchmark script as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("compare_with_nbgrader", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def solution_sources(notebook: Path) -> dict[str, str]:
    cells = json.loads(notebook.read_text())["cells"]
    by_id = {c["metadata"].get("nbgrader", {}).get("grade_id"): c["source"] for c in cells}
    return {name: "".join(by_id[name]) for name in GRADED_FUNCTIONS}


def test_build_scratch_course(benchmark, tmp_path):
    scratch = tmp_path / "course"
    plan = benchmark.build_scratch_course(scratch, students=4, mistaken=2)

    assignment, name = "rnn_step_by_step", "rnn_step_by_step.ipynb"
    for path in (
        "nbgrader_config.py",
        f"source/{assignment}/{name}",
        f"release/{assignment}/{name}",
    ):
        assert (scratch / path).is_file(), path
    submitted = sorted(scratch.glob(f"submitted/*/{assignment}/{name}"))
    assert [p.parts[-3] for p in submitted] == sorted(plan)
    assert [ids for ids in plan.values()].count([]) == 2

    reference = load_reference_source(scratch / "source" / assignment / name, RNN)
    by_id = {m.id: m for m in MISTAKES}
    for student, ids in plan.items():
        cells = solution_sources(scratch / "submitted" / student / assignment / name)
        assert 1 <= len(ids) <= 2 or not ids
        assert len({by_id[i].function for i in ids}) == len(ids)  # one mistake per function
        for function in GRADED_FUNCTIONS:
            wrong = any(by_id[i].function == function for i in ids)
            assert (cells[function] != reference.solutions[function]) == wrong, (student, function)


def test_mistakes_are_picked_deterministically(benchmark):
    reference = load_reference_source(
        ROOT / "source" / "rnn_step_by_step" / "rnn_step_by_step.ipynb", RNN
    )
    picks = benchmark.pick_mistakes(reference, 10)
    assert picks == benchmark.pick_mistakes(reference, 10)
    assert len({tuple(p) for p in picks}) == 10


def test_without_figures_drops_only_the_figure_cells(benchmark, tmp_path):
    plan = benchmark.build_scratch_course(tmp_path, students=1, mistaken=0, without_figures=True)
    notebook = (
        tmp_path / "submitted" / next(iter(plan)) / "rnn_step_by_step" / "rnn_step_by_step.ipynb"
    )
    ids = [
        c["metadata"].get("nbgrader", {}).get("grade_id", "")
        for c in json.loads(notebook.read_text())["cells"]
    ]
    assert not [i for i in ids if i.startswith("fig_")]
    assert set(GRADED_FUNCTIONS) <= set(ids)


@pytest.fixture(scope="module")
def class_scale():
    """benchmarks/class_scale.py as a module (it loads compare_with_nbgrader beside it)."""
    spec = importlib.util.spec_from_file_location("class_scale", ROOT / "benchmarks/class_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("compare_with_nbgrader", None)


def test_class_scale_builds_a_tenth_with_one_mistake_each(class_scale, tmp_path):
    scratch, plan = class_scale.build(tmp_path, "class", 10)
    assert sorted(len(ids) for ids in plan.values()) == [0] * 9 + [1]
    notebooks = sorted((scratch / "submitted").glob("*/rnn_step_by_step/*.ipynb"))
    assert len(notebooks) == 10


def test_class_scale_digest_covers_results_and_every_feedback_page(class_scale, tmp_path):
    results = tmp_path / "run.json"
    results.write_text("{}")
    page = tmp_path / "run" / "feedback" / "s1" / "a" / "a.html"
    page.parent.mkdir(parents=True)
    page.write_text("one")
    before = class_scale.tree_digest(results)
    page.write_text("two")
    assert class_scale.tree_digest(results) != before
