"""The solution earns full marks, the release stubs earn nothing, with a reason each."""

from autograder.demo_class import correct_code
from tests.assignments import GRADED_FUNCTIONS


def test_solution_gets_full_marks(grade_code, reference):
    result = grade_code(correct_code(reference))
    failed = [
        (f, c["name"], c["message"])
        for f, r in result["functions"].items()
        for c in r["checks"]
        if not c["passed"]
    ]
    assert failed == []
    assert result["score"] == result["max_score"] == sum(reference.points.values())
    assert result["error"] is None and result["needs_review"] == []


def test_release_stubs_get_zero_with_a_message_per_function(grade_code):
    result = grade_code({})
    assert result["score"] == 0
    assert list(result["functions"]) == list(GRADED_FUNCTIONS)
    for name, function in result["functions"].items():
        assert function["score"] == 0
        for check in function["checks"]:
            assert (
                check["message"]
                == f"{name} is not implemented yet (it still raises NotImplementedError)."
            )


def test_only_the_broken_function_loses_points(grade_code, reference):
    code = correct_code(reference)
    code["rnn_cell_forward"] = code["rnn_cell_forward"].replace("parameters):", "parameters)", 1)
    result = grade_code(code)
    scores = {f: r["score"] for f, r in result["functions"].items()}
    assert scores.pop("rnn_cell_forward") == 0
    # rnn_forward is graded with the reference rnn_cell_forward, so it keeps its points.
    assert all(scores[f] == reference.points[f] for f in scores)
    message = result["functions"]["rnn_cell_forward"]["checks"][0]["message"]
    assert "SyntaxError" in message and "line" in message
