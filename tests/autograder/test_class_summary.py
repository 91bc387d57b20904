"""The instructor's class summary: scores, per-check pass rates, histogram, review list."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pytest

from autograder.report.class_summary import HISTOGRAM_BINS, write_class_summary
from autograder.report.score_histogram import round_ticks

SVG = "{http://www.w3.org/2000/svg}"

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


def _svg(path: Path) -> ElementTree.Element:
    root = ElementTree.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return root


def _bars(root: ElementTree.Element) -> list[dict[str, float]]:
    return [
        {k: float(bar.get(k)) for k in ("x", "y", "width", "height")}
        for bar in root.iter(f"{SVG}rect")
        if bar.get("class") == "bar"
    ]


def test_the_histogram_is_an_svg_with_one_bar_per_occupied_bin(tmp_path, results) -> None:
    root = _svg(write_class_summary(tmp_path, results)["grade_histogram"])
    assert (root.get("width"), root.get("height")) == ("700", "400")
    totals = sorted(float(r["score"]) for r in results["students"].values())
    bars = sorted(_bars(root), key=lambda bar: bar["x"])
    counts = np.histogram(totals, bins=np.linspace(0, 35, HISTOGRAM_BINS + 1))[0]
    assert len(bars) == np.count_nonzero(counts)
    heights = [bar["height"] for bar in bars]  # proportional to the counts, from one base
    ratios = np.array(heights) / counts[counts > 0]
    assert np.allclose(ratios, ratios[0], rtol=0.01)
    assert len({round(bar["y"] + bar["height"], 1) for bar in bars}) == 1
    title = root.find(f"{SVG}text[@id='title']").text
    assert title == f"rnn_step_by_step: total scores (n = {len(totals)})"
    mean = root.find(f".//{SVG}g[@id='legend']/{SVG}text").text
    assert mean == f"mean {np.mean(totals):.1f}"


def test_output_is_deterministic_and_atomic(tmp_path: Path, results: dict[str, Any]) -> None:
    first = {k: p.read_bytes() for k, p in write_class_summary(tmp_path / "a", results).items()}
    reordered = dict(reversed(list(results["students"].items())))
    again = write_class_summary(tmp_path / "b", {**results, "students": reordered})
    assert {k: p.read_bytes() for k, p in again.items()} == first
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "check_pass_rates.csv",
        "grade_histogram.svg",
        "needs_review.csv",
        "scores.csv",
    ]


def test_empty_class(tmp_path: Path) -> None:
    paths = write_class_summary(tmp_path, {"assignment": "a", "students": {}})
    assert _read(paths["scores"]) == [] and _read(paths["needs_review"]) == []
    assert _bars(_svg(paths["grade_histogram"])) == []


def test_the_histogram_legend_covers_no_bar(tmp_path: Path) -> None:
    # Bars of full height in every bin: no empty corner for a legend inside the plot.
    scores = [(b + 0.5) * 100 / HISTOGRAM_BINS for b in range(HISTOGRAM_BINS) for _ in range(3)]
    students = {f"s{i}": {"score": x, "max_score": 100.0} for i, x in enumerate(scores)}
    path = write_class_summary(tmp_path, {"assignment": "a", "students": students})
    root = _svg(path["grade_histogram"])
    bars = _bars(root)
    legend_y = [float(e.get("y") or e.get("y1")) for e in root.find(f"{SVG}g[@id='legend']")]
    assert len(bars) == HISTOGRAM_BINS
    assert max(legend_y) < min(bar["y"] for bar in bars)


@pytest.mark.parametrize(
    "top, integer, ticks",
    [
        (100.0, False, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]),
        (35.0, False, [0, 5, 10, 15, 20, 25, 30, 35]),
        (2.5, False, [0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5]),
        (1, True, [0, 1]),
        (4, True, [0, 1, 2, 3, 4]),
        (60, True, [0, 10, 20, 30, 40, 50, 60]),
        (9000, True, [0, 2000, 4000, 6000, 8000, 10000]),
    ],
)
def test_axis_ticks_are_round_and_reach_the_top(top, integer, ticks) -> None:
    assert round_ticks(top, most=10 if not integer else 6, integer=integer) == ticks
