"""One self-contained HTML feedback page per student, built from the results dict only.

The page has inline CSS, no scripts and no external resources (a Content-Security-Policy
meta tag enforces it), and reads well on a phone. It shows only what the results say:
scores, check names and their student-facing messages. Every piece of text is escaped.
`needs_review` notes are for the instructor and never appear here.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from autograder.atomic_files import write_text_atomic

FEEDBACK_FILE = "feedback.html"

HOW_IT_WAS_GRADED = (
    "Each function was run on hidden randomized inputs and compared with the reference "
    "solution (type, shape, then values within a small tolerance); backward functions were "
    "also gradient-checked. Where a function uses another one (a pass over a sequence uses "
    "its cell, say), it was graded together with the reference version of the other, so "
    "one mistake costs points only once. The public checks in your notebook use other "
    "inputs: passing them is a good sign, not a guarantee of full marks."
)

_CSS = """
:root { --fg:#1b1f24; --muted:#57606a; --bg:#fff; --card:#f6f8fa; --line:#d0d7de;
  --ok:#1a7f37; --ok-bg:#dafbe1; --bad:#cf222e; --bad-bg:#ffebe9; --mid:#9a6700; }
@media (prefers-color-scheme: dark) {
  :root { --fg:#e6edf3; --muted:#9198a1; --bg:#0d1117; --card:#161b22; --line:#30363d;
    --ok:#3fb950; --ok-bg:#12261e; --bad:#f85149; --bad-bg:#2d1214; --mid:#d29922; } }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); line-height:1.5;
  font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
main { max-width:46rem; margin:0 auto; padding:1rem; }
h1 { font-size:1.25rem; margin:.5rem 0 0; }
h2 { font-size:1.1rem; margin:1.75rem 0 .5rem; }
code { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:.95em; }
.muted { color:var(--muted); }
.total { font-size:1.1rem; margin:.5rem 0; }
.total b { font-size:2.25rem; }
.bar { height:.6rem; background:var(--line); border-radius:.3rem; overflow:hidden;
  min-width:4rem; }
.bar span { display:block; height:100%; background:var(--ok); }
.bar.partial span { background:var(--mid); }
.bar.zero span { background:var(--bad); }
.alert { border:2px solid var(--bad); background:var(--bad-bg); border-radius:.5rem;
  padding:.75rem 1rem; margin:1rem 0; }
.alert h2 { margin:0 0 .25rem; color:var(--bad); }
.how { background:var(--card); border-radius:.5rem; padding:.75rem 1rem; margin:1rem 0; }
.how p { margin:0; }
table { width:100%; border-collapse:collapse; }
th, td { text-align:left; padding:.4rem .3rem; border-bottom:1px solid var(--line);
  vertical-align:middle; }
th.num, td.num { white-space:nowrap; text-align:right; }
td.barcell { width:30%; }
details { border:1px solid var(--line); border-radius:.5rem; margin:.6rem 0; }
summary { cursor:pointer; padding:.6rem .8rem; background:var(--card); border-radius:.5rem; }
summary .status { display:block; font-size:.9rem; }
ul.checks { list-style:none; margin:0; padding:.25rem .5rem .5rem; }
li.check { padding:.45rem .6rem; margin:.3rem 0; border-left:4px solid var(--ok); }
li.check.failed { border-left-color:var(--bad); background:var(--bad-bg); }
.mark { font-weight:700; margin-right:.35rem; }
li.passed .mark { color:var(--ok); }
li.failed .mark { color:var(--bad); }
.msg { margin:.25rem 0 0; white-space:pre-wrap; overflow-wrap:anywhere; }
.cause { margin:.5rem 0; padding:.4rem .6rem; border-left:3px solid var(--mid);
  background:var(--card); }
.sr { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
footer { margin:2rem 0 1rem; font-size:.9rem; }
"""


def render_feedback(assignment: str, student_id: str, result: dict[str, Any]) -> str:
    """Return the feedback page of one student's result (a value of results["students"])."""
    score, max_score = float(result["score"]), float(result["max_score"])
    functions: dict[str, dict[str, Any]] = result.get("functions") or {}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>Feedback: {_e(assignment)} ({_e(student_id)})</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>Feedback on <code>{_e(assignment)}</code></h1>",
        f'<p class="muted">Student: <code>{_e(student_id)}</code></p>',
        f'<p class="total"><b>{_num(score)}</b> / {_num(max_score)} points '
        f'<span class="muted">({_percent(score, max_score)})</span></p>',
        _bar(score, max_score),
        "</header>",
    ]
    if result.get("error"):
        parts += [
            '<section class="alert">',
            "<h2>Your submission could not be graded fully</h2>",
            f'<p class="msg">{_e(result["error"])}</p>',
            "<p>The scores below count only what could be graded.</p>",
            "</section>",
        ]
    parts += [
        '<section class="how">',
        "<h2>How this was graded</h2>",
        f"<p>{_e(HOW_IT_WAS_GRADED)}</p>",
        "</section>",
    ]
    if functions:
        parts += _score_table(functions)
        parts += ["<h2>Checks, function by function</h2>"]
        parts += [_function_details(name, fn) for name, fn in functions.items()]
    parts += [
        '<footer class="muted">Failed checks are listed first in each function. '
        "If something here looks wrong, ask your instructor.</footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def write_feedback(
    course_root: Path, assignment: str, results: dict[str, Any], file_name: str = FEEDBACK_FILE
) -> list[Path]:
    """Write feedback/<student>/<assignment>/<file_name> for every student, atomically.

    nbgrader's `release_feedback` pairs `<notebook>.html` with the submitted notebook of the
    same name (and needs the submission's timestamp.txt and submission_secret.txt beside
    it), so pass file_name="<notebook>.html" to hand these pages to nbgrader's exchange.
    """
    students: dict[str, dict[str, Any]] = results["students"]
    for student_id in students:
        _check_folder_name(student_id, "student id")
    return [
        write_feedback_page(course_root, assignment, student_id, students[student_id], file_name)
        for student_id in sorted(students)
    ]


def write_feedback_page(
    course_root: Path,
    assignment: str,
    student_id: str,
    result: dict[str, Any],
    file_name: str = FEEDBACK_FILE,
) -> Path:
    """Write feedback/<student>/<assignment>/<file_name> for one student, atomically."""
    for name, what in (
        (student_id, "student id"),
        (assignment, "assignment"),
        (file_name, "file name"),
    ):
        _check_folder_name(name, what)
    page = render_feedback(assignment, student_id, result)
    return write_text_atomic(
        Path(course_root) / "feedback" / student_id / assignment / file_name, page
    )


def _score_table(functions: dict[str, dict[str, Any]]) -> list[str]:
    rows = []
    for name, fn in functions.items():
        score, max_score = float(fn["score"]), float(fn["max_score"])
        rows.append(
            "<tr>"
            f'<td><a href="#{_anchor(name)}"><code>{_e(name)}</code></a></td>'
            f'<td class="num">{_num(score)} / {_num(max_score)}</td>'
            f'<td class="barcell">{_bar(score, max_score)}</td>'
            "</tr>"
        )
    return [
        "<h2>Scores by function</h2>",
        "<table>",
        '<thead><tr><th>Function</th><th class="num">Points</th>'
        '<th><span class="sr">Bar</span></th></tr></thead>',
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
    ]


def _function_details(name: str, fn: dict[str, Any]) -> str:
    score, max_score = float(fn["score"]), float(fn["max_score"])
    checks = fn.get("checks") or []
    failed = [c for c in checks if not c.get("passed")]
    passed = [c for c in checks if c.get("passed")]
    if not checks:
        status = "no checks were recorded"
    elif failed:
        status = f"{len(failed)} of {len(checks)} checks failed"
    elif len(checks) == 1:
        status = "the check passed"
    else:
        status = f"all {len(checks)} checks passed"
    # Expanded when there is something to read; fully passed functions stay folded.
    is_open = " open" if failed or score < max_score else ""
    causes, groups = _grouped(failed)
    items = [_check_item(names, False, message) for names, message in groups]
    items += [
        _check_item([str(c.get("name", ""))], True, str(c.get("message") or "")) for c in passed
    ]
    said = "".join(f'<p class="cause">Likely cause: {_e(cause)}</p>' for cause in causes)
    body = said + (f'<ul class="checks">{"".join(items)}</ul>' if items else "")
    return (
        f'<details id="{_anchor(name)}"{is_open}>'
        f"<summary><code>{_e(name)}</code>: {_num(score)} / {_num(max_score)} points"
        f'<span class="status muted">{_e(status)}</span></summary>'
        f"{body}</details>"
    )


def _grouped(failed: list[dict[str, Any]]) -> tuple[list[str], list[tuple[list[str], str]]]:
    """Each "Likely cause" once, and the failed checks that say the same thing as one item
    naming them all (a function that is not implemented fails every check alike)."""
    causes: list[str] = []
    groups: dict[str, list[str]] = {}
    for check in failed:
        message, *found = str(check.get("message") or "").split(" Likely cause: ")
        causes += [cause for cause in found if cause not in causes]
        groups.setdefault(message, []).append(str(check.get("name", "")))
    return causes, [(names, message) for message, names in groups.items()]


def _check_item(names: list[str], ok: bool, message: str) -> str:
    mark = "✓" if ok else "✗"
    word = "passed" if ok else "failed"
    msg_html = f'<p class="msg">{_e(message)}</p>' if message else ""
    label = ", ".join(f"<b>{_e(name)}</b>" for name in names)
    return (
        f'<li class="check {word}"><span class="mark" aria-hidden="true">{mark}</span>'
        f'<span class="sr">{word}: </span>{label}{msg_html}</li>'
    )


def _bar(score: float, max_score: float) -> str:
    fraction = min(max(score / max_score, 0.0), 1.0) if max_score > 0 else 0.0
    kind = "full" if fraction >= 1.0 else "zero" if fraction <= 0.0 else "partial"
    return (
        f'<div class="bar {kind}" aria-hidden="true">'
        f'<span style="width:{100 * fraction:.1f}%"></span></div>'
    )


def _percent(score: float, max_score: float) -> str:
    return f"{100 * score / max_score:.0f}%" if max_score > 0 else "no points available"


def _num(x: float) -> str:
    """7.5 -> '7.5', 10.0 -> '10', 3.3333 -> '3.33'."""
    return f"{round(x, 2) + 0.0:.2f}".rstrip("0").rstrip(".")  # + 0.0 turns -0.0 into 0.0


def _anchor(function_name: str) -> str:
    return _e("fn-" + function_name)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _check_folder_name(name: str, what: str) -> None:
    """Ids become folder names: refuse anything that could point outside feedback/."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"{what} {name!r} cannot be used as a folder name")
