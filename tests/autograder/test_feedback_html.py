"""The student's feedback page: escaped, self-contained, failures first, errors on top."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from autograder.report.feedback_html import render_feedback, write_feedback

ASSIGNMENT = "rnn_step_by_step"
POINTS = {
    "rnn_cell_forward": 10.0,
    "rnn_forward": 10.0,
    "rnn_cell_backward": 15.0,
    "lstm_backward": 15.0,
}
NASTY = "expected <script>alert('x')</script> & \"quotes\""


def _function(score: float, max_score: float, checks: list[tuple[str, bool, str]]) -> dict:
    return {
        "score": score,
        "max_score": max_score,
        "checks": [{"name": n, "passed": p, "message": m} for n, p, m in checks],
    }


@pytest.fixture
def results() -> dict[str, Any]:
    full = {
        name: _function(pts, pts, [("shape", True, ""), ("values", True, "matches")])
        for name, pts in POINTS.items()
    }
    partial = dict(full)
    partial["rnn_cell_forward"] = _function(
        7.5,
        10.0,
        [
            ("shape", True, "a_next has shape (5, 10)"),
            ("values on hidden inputs", False, NASTY),
            ("cache layout", True, ""),
            ("finite outputs", False, "a_next contains NaN"),
        ],
    )
    partial["lstm_backward"] = _function(0.0, 15.0, [("gradient check", False, "dWf is off")])
    broken = {name: _function(0.0, pts, []) for name, pts in POINTS.items()}
    return {
        "assignment": ASSIGNMENT,
        "students": {
            "bob": {
                "score": 47.5,
                "max_score": 50.0,
                "error": None,
                "functions": partial,
                "needs_review": ["SECRET-REVIEW-NOTE"],
                "some_future_key": 1,
            },
            "alice": {"score": 50.0, "max_score": 50.0, "error": None, "functions": full},
            "carol": {
                "score": 0.0,
                "max_score": 50.0,
                "error": "the notebook is not valid JSON (line 3): <did you edit it by hand?>",
                "functions": broken,
                "needs_review": ["notebook could not be read"],
            },
        },
    }


class _TagBalance(HTMLParser):
    """Collects unclosed or mismatched tags, and every tag name seen."""

    VOID = {"meta", "br", "img", "hr", "input", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _page(results: dict[str, Any], student: str) -> str:
    return render_feedback(ASSIGNMENT, student, results["students"][student])


def test_messages_are_escaped(results: dict[str, Any]) -> None:
    page = _page(results, "bob")
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page


def test_page_is_well_formed_and_self_contained(results: dict[str, Any]) -> None:
    for student in results["students"]:
        page = _page(results, student)
        parser = _TagBalance()
        parser.feed(page)
        assert parser.errors == [] and parser.stack == [], student
        assert not parser.tags & {"script", "link", "img", "iframe", "object"}
        assert "http://" not in page and "https://" not in page and "src=" not in page
        assert 'name="viewport"' in page  # readable on a phone


def test_failed_checks_come_first_and_are_marked(results: dict[str, Any]) -> None:
    page = _page(results, "bob")
    section = page[page.index('<details id="fn-rnn_cell_forward"') :]
    section = section[: section.index("</details>")]
    order = [
        section.index(name)
        for name in ("values on hidden inputs", "finite outputs", "shape", "cache layout")
    ]
    assert order == sorted(order)
    assert section.count('class="check failed"') == 2
    assert section.count("✗") == 2 and section.count("✓") == 2
    assert "2 of 4 checks failed" in section
    assert '<details id="fn-rnn_cell_forward" open>' in page
    # A fully passed function is folded away.
    assert '<details id="fn-rnn_forward">' in page


def test_scores_and_explanation_are_shown(results: dict[str, Any]) -> None:
    page = _page(results, "bob")
    assert "<b>47.5</b> / 50 points" in page and "(95%)" in page
    assert "7.5 / 10" in page and "0 / 15" in page
    assert "hidden randomized inputs" in page and "gradient-checked" in page


def test_submission_error_is_at_the_top(results: dict[str, Any]) -> None:
    page = _page(results, "carol")
    escaped = "&lt;did you edit it by hand?&gt;"
    assert escaped in page
    assert page.index("could not be graded fully") < page.index("Scores by function")
    assert page.index(escaped) < page.index("How this was graded")
    assert "could not be graded fully" not in _page(results, "alice")


def test_instructor_notes_are_not_shown_to_the_student(results: dict[str, Any]) -> None:
    assert "SECRET-REVIEW-NOTE" not in _page(results, "bob")
    assert "notebook could not be read" not in _page(results, "carol")


def test_handles_no_checks_and_zero_max(results: dict[str, Any]) -> None:
    result = {
        "score": 0.0,
        "max_score": 0.0,
        "error": None,
        "functions": {"f": _function(0.0, 0.0, [])},
    }
    page = render_feedback(ASSIGNMENT, "dave", result)
    assert "no checks were recorded" in page and "no points available" in page


def test_write_feedback_uses_nbgrader_layout(tmp_path: Path, results: dict[str, Any]) -> None:
    paths = write_feedback(tmp_path, ASSIGNMENT, results)
    expected = [
        tmp_path / "feedback" / s / ASSIGNMENT / "feedback.html" for s in ("alice", "bob", "carol")
    ]
    assert paths == expected
    for path, student in zip(paths, ("alice", "bob", "carol"), strict=True):
        assert path.read_text(encoding="utf-8") == _page(results, student)
        assert [p.name for p in path.parent.iterdir()] == ["feedback.html"]
    # Same results, same pages.
    before = [p.read_bytes() for p in paths]
    write_feedback(tmp_path, ASSIGNMENT, results)
    assert [p.read_bytes() for p in paths] == before


def test_refuses_ids_that_escape_the_feedback_folder(
    tmp_path: Path, results: dict[str, Any]
) -> None:
    results["students"]["../../etc"] = results["students"]["alice"]
    with pytest.raises(ValueError, match="folder name"):
        write_feedback(tmp_path, ASSIGNMENT, results)
    assert not (tmp_path / "feedback").exists()


def test_identical_messages_and_likely_causes_are_said_once(results):
    stub = "rnn_forward is not implemented yet (it still raises NotImplementedError)"
    cause = "Your a⟨t⟩ stays between 0 and 1: the hidden state uses tanh."
    functions = dict(next(iter(results["students"].values()))["functions"])
    functions["rnn_forward"] = _function(
        0.0, 10.0, [("a", False, stub), ("y_pred", False, stub), ("caches", False, stub)]
    )
    functions["rnn_cell_forward"] = _function(
        0.0,
        10.0,
        [
            ("a_next", False, f"a_next: wrong values. Likely cause: {cause}"),
            ("yt_pred", False, f"yt_pred: wrong values. Likely cause: {cause}"),
        ],
    )
    result = {"score": 0.0, "max_score": 50.0, "error": None, "needs_review": []}
    page = render_feedback(ASSIGNMENT, "carol", {**result, "functions": functions})
    assert page.count("not implemented yet") == 1
    assert "<b>a</b>, <b>y_pred</b>, <b>caches</b>" in page
    assert page.count("the hidden state uses tanh") == 1
    assert "a_next: wrong values." in page and "yt_pred: wrong values." in page
