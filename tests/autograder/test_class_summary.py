"""The instructor's class summary: scores, per-check pass rates, histogram, review list."""

from __future__ import annotations

import csv
import struct
from pathlib import Path
from typing import Any

import matplotlib.image
import pytest

from autograder.report.class_summary import write_class_summary

POINTS = {"rnn_cell_forward": 10.0, "rnn_forward": 10.0, "lstm_backward": 15.0}


def _function(score: float, max_score: float, passed: dict[str, bool]) -> dict:
    return {
        "score": score,
        "max_score": max_score,
        "checks": [{"name": n, "passed": p, "message": "m"} for n, p in passed.items()],
    }


def _student(scores: dict[str, float], checks: dict[str, dict[str, bool]], **extra: Any) -> dict:
    functions = {f: _function(scores[f], POINTS[f], checks[f]) for f in POINTS}
    return {
        "score": sum(scores.values()),
        "max_score": sum(POINTS.values()),
        "error": None,
        "functions": functions,
        **extra,
    }


@pytest.fixture
def results() -> dict[str, Any]:
    all_pass = {f: {"shape": True, "values": True} for f in POINTS}
    bob_checks = {
        "rnn_cell_forward": {"shape": True, "values": False},
        "rnn_forward": {"shape": True, "values": True},
        "lstm_backward": {"shape": False, "values": False},
    }
    dave_checks = {**all_pass, "lstm_backward": {"shape": True, "values": False}}
    nothing = {f: {} for f in POINTS}
    return {
        "assignment": "rnn_step_by_step",
        "students": {
            "dave": _student({**POINTS, "lstm_backward": 7.5}, dave_checks),
            "alice": _student(dict(POINTS), all_pass),
            "bob": _student(
                {"rnn_cell_forward": 5.0, "rnn_forward": 10.0, "lstm_backward": 0.0},
                bob_checks,
                needs_review=["ran out of memory twice", '=HYPERLINK("x")'],
            ),
            "carol": {
                **_student(dict.fromkeys(POINTS, 0.0), nothing),
                "error": "the notebook is not valid JSON",
            },
        },
    }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_scores_csv_matches_results(tmp_path: Path, results: dict[str, Any]) -> None:
    paths = write_class_summary(tmp_path, results)
    rows = _read(paths["scores"])
    assert [r["student"] for r in rows] == ["alice", "bob", "carol", "dave"]
    assert list(rows[0]) == ["student", "total", "max", *POINTS, "error"]
    for row in rows:
        result = results["students"][row["student"]]
        assert float(row["total"]) == result["score"]
        assert float(row["max"]) == result["max_score"]
        for name in POINTS:
            assert float(row[name]) == result["functions"][name]["score"]
        assert row["error"] == (result["error"] or "")


def test_pass_rates_per_check_hardest_first(tmp_path: Path, results: dict[str, Any]) -> None:
    rows = _read(write_class_summary(tmp_path, results)["check_pass_rates"])
    table = {(r["function"], r["check"]): (int(r["passed"]), int(r["total"])) for r in rows}
    # carol ran no checks, so each check was run by alice, bob and dave.
    assert table == {
        ("rnn_cell_forward", "shape"): (3, 3),
        ("rnn_cell_forward", "values"): (2, 3),
        ("rnn_forward", "shape"): (3, 3),
        ("rnn_forward", "values"): (3, 3),
        ("lstm_backward", "shape"): (2, 3),
        ("lstm_backward", "values"): (1, 3),
    }
    rates = [float(r["rate"]) for r in rows]
    assert rates == sorted(rates)
    assert (rows[0]["function"], rows[0]["check"], rows[0]["rate"]) == (
        "lstm_backward",
        "values",
        "0.3333",
    )
    # Ties keep the notebook's function order.
    assert [(r["function"], r["check"]) for r in rows[1:3]] == [
        ("rnn_cell_forward", "values"),
        ("lstm_backward", "shape"),
    ]


def test_needs_review_has_one_row_per_student_with_every_reason(
    tmp_path: Path, results: dict[str, Any]
) -> None:
    rows = _read(write_class_summary(tmp_path, results)["needs_review"])
    assert [(r["student"], r["count"], r["reasons"]) for r in rows] == [
        ("bob", "2", 'ran out of memory twice\n=HYPERLINK("x")'),
        ("carol", "1", "the notebook is not valid JSON"),
    ]


def test_a_reason_a_spreadsheet_would_run_as_a_formula_is_quoted(tmp_path, results):
    results["students"]["bob"]["needs_review"].reverse()
    rows = _read(write_class_summary(tmp_path, results)["needs_review"])
    assert rows[0]["reasons"].startswith("'=HYPERLINK")


def test_histogram_is_a_valid_png(tmp_path: Path, results: dict[str, Any]) -> None:
    path = write_class_summary(tmp_path, results)["grade_histogram"]
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (700, 400)
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[:2] == (400, 700)
    assert pixels.std() > 0  # something was drawn


def test_output_is_deterministic_and_atomic(tmp_path: Path, results: dict[str, Any]) -> None:
    first = {k: p.read_bytes() for k, p in write_class_summary(tmp_path / "a", results).items()}
    reordered = dict(reversed(list(results["students"].items())))
    again = write_class_summary(tmp_path / "b", {**results, "students": reordered})
    assert {k: p.read_bytes() for k, p in again.items()} == first
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "check_pass_rates.csv",
        "grade_histogram.png",
        "needs_review.csv",
        "scores.csv",
    ]


def test_empty_class(tmp_path: Path) -> None:
    paths = write_class_summary(tmp_path, {"assignment": "a", "students": {}})
    assert _read(paths["scores"]) == [] and _read(paths["needs_review"]) == []
    assert paths["grade_histogram"].read_bytes()[:4] == b"\x89PNG"


def test_the_histogram_legend_covers_no_bar() -> None:
    from autograder.report.class_summary import HISTOGRAM_BINS, histogram_figure

    # Bars of equal height in every bin: no empty corner for a legend inside the plot.
    scores = [(b + 0.5) * 100 / HISTOGRAM_BINS for b in range(HISTOGRAM_BINS) for _ in range(3)]
    ordered = [(f"s{i}", {"score": x, "max_score": 100.0}) for i, x in enumerate(scores)]
    fig = histogram_figure(ordered, "rnn_step_by_step")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    legend = ax.get_legend().get_window_extent(renderer)
    bars = [patch.get_window_extent(renderer) for patch in ax.patches if patch.get_height() > 0]
    assert len(bars) == HISTOGRAM_BINS and not any(legend.overlaps(bar) for bar in bars)
