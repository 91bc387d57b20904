"""The instructor's view of a whole class: scores, per-check pass rates, a histogram, and
the list of submissions a human should look at.

Pass rates across the class point at checks that are too hard, buggy, or explained
unclearly in the notebook, something neither nbgrader nor otter reports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from autograder.atomic_files import write_text_atomic
from autograder.report.score_histogram import histogram_svg

HISTOGRAM_BINS = 20


def write_class_summary(out_dir: Path, results: dict[str, Any]) -> dict[str, Path]:
    """Write scores.csv, check_pass_rates.csv, grade_histogram.svg and needs_review.csv.

    Returns their paths by name ("scores", "check_pass_rates", "grade_histogram",
    "needs_review"). Students are sorted, so the same results give the same files.
    """
    out_dir = Path(out_dir)
    students: dict[str, dict[str, Any]] = results["students"]
    ordered = [(sid, students[sid]) for sid in sorted(students)]
    functions = _function_names(result for _, result in ordered)
    return {
        "scores": write_text_atomic(out_dir / "scores.csv", scores_csv(ordered, functions)),
        "check_pass_rates": write_text_atomic(
            out_dir / "check_pass_rates.csv", pass_rates_csv(ordered, functions)
        ),
        "grade_histogram": write_text_atomic(
            out_dir / "grade_histogram.svg", histogram(ordered, results.get("assignment", ""))
        ),
        "needs_review": write_text_atomic(out_dir / "needs_review.csv", needs_review_csv(ordered)),
    }


def scores_csv(ordered: list[tuple[str, dict[str, Any]]], functions: list[str]) -> str:
    """One row per student: total, max, one column per function, then the error if any."""
    rows = []
    for sid, result in ordered:
        fns = result.get("functions") or {}
        per_function = [_number(fns[name]["score"]) if name in fns else "" for name in functions]
        total, max_score = _number(result["score"]), _number(result["max_score"])
        rows.append([sid, total, max_score, *per_function, result.get("error") or ""])
    return _csv(["student", "total", "max", *functions, "error"], rows)


def pass_rates_csv(ordered: list[tuple[str, dict[str, Any]]], functions: list[str]) -> str:
    """One row per (function, check) over every student that ran it, hardest first."""
    counts: dict[tuple[str, str], list[int]] = {}  # (function, check) -> [passed, total]
    for _, result in ordered:
        for fn_name, fn in (result.get("functions") or {}).items():
            for check in fn.get("checks") or []:
                tally = counts.setdefault((fn_name, str(check["name"])), [0, 0])
                tally[0] += bool(check["passed"])
                tally[1] += 1
    position = {name: i for i, name in enumerate(functions)}

    def hardest_first(item: tuple[tuple[str, str], list[int]]) -> tuple[float, int, str]:
        (fn_name, check_name), (passed, total) = item
        return (passed / total, position[fn_name], check_name)

    rows = [
        [fn_name, check_name, passed, total, f"{passed / total:.4f}"]
        for (fn_name, check_name), (passed, total) in sorted(counts.items(), key=hardest_first)
    ]
    return _csv(["function", "check", "passed", "total", "rate"], rows)


def needs_review_csv(ordered: list[tuple[str, dict[str, Any]]]) -> str:
    """One row per student to look at: how many reasons, then every reason (the
    submission-level error's lines first, then each needs_review note), one per line."""
    rows = []
    for sid, result in ordered:
        reasons: list[str] = []
        for reason in [
            *(result.get("error") or "").splitlines(),
            *(result.get("needs_review") or []),
        ]:
            if reason and reason not in reasons:
                reasons.append(reason)
        if reasons:
            rows.append([sid, len(reasons), "\n".join(reasons)])
    return _csv(["student", "count", "reasons"], rows)


def histogram(ordered: list[tuple[str, dict[str, Any]]], assignment: str = "") -> str:
    """The SVG histogram of total scores from 0 to the maximum, with the mean marked."""
    totals = [float(result["score"]) for _, result in ordered]
    top = max((float(result["max_score"]) for _, result in ordered), default=0.0)
    title = f"{assignment}: total scores" if assignment else "Total scores"
    return histogram_svg(totals, top, HISTOGRAM_BINS, title)


def _function_names(results: Iterable[dict[str, Any]]) -> list[str]:
    """Every function in any result, in the order first seen (the notebook's order)."""
    names: dict[str, None] = {}
    for result in results:
        names.update(dict.fromkeys(result.get("functions") or {}))
    return list(names)


def _number(x: float) -> str:
    """The shortest text that reads back as the same float ('10.0', '7.5')."""
    return repr(float(x))


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_defuse(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def _defuse(cell: Any) -> Any:
    """Quote text a spreadsheet would run as a formula: messages can echo student code."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell
