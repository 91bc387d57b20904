"""Grade one submission: a plain function of (submission, assignment, secret).

Student code runs only in the sandboxed worker; this module builds hidden inputs, asks
the worker for the student's outputs, computes the reference outputs itself, and turns
the comparison into checks, points and messages. It can be mapped over a cluster as it
is (e.g. with dask.distributed): it needs nothing but its arguments and the course files.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder import stochastic
from autograder.assignment import Assignment, Case, FunctionSpec
from autograder.backprop_cost import cost_review
from autograder.compare import DEFAULT_TOLERANCE, compare, describe, identical, precision_hint
from autograder.dependency_calls import checked_reference, run_recording_calls
from autograder.diagnose.matching import diagnose
from autograder.diagnose.patches import mistake_functions
from autograder.gradient_checks import directional_errors
from autograder.notebook import NotebookError, ParsedNotebook, read_notebook, solution_cells
from autograder.reference import ReferenceSource
from autograder.sandbox import wire
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.limits import Limits, megabytes
from autograder.sandbox.session import WorkerFailure, WorkerSession
from autograder.sandbox.zygote_process import Zygote, ZygoteError, zygote_for
from autograder.seeds import case_rng, code_digest
from autograder.tolerances import GRADCHECK_MAX_ERROR

CASES_PER_FUNCTION = 3
PROBE_SEED = 20261201  # the cost probe's case (autograder.backprop_cost): the same for all
INPUTS_CHECK = "leaves its inputs unchanged"
GRADIENTS = "gradients"  # the output of a backward function that holds its gradients
NOT_CREDITED = (
    "Not credited while other checks fail: leaving the inputs unchanged earns its share "
    "only together with right outputs."
)


@dataclass
class Grader:
    """Everything grading needs besides the submission; cheap to share between jobs."""

    assignment: Assignment
    reference: ReferenceSource
    secret: bytes
    limits: Limits = field(default_factory=Limits)
    isolation: Isolation = field(default_factory=Isolation.detect)
    cases_per_function: int = CASES_PER_FUNCTION
    # Fork each worker from a warm zygote where the machine allows it (see
    # autograder/sandbox/zygote.py); False starts a fresh sandboxed Python each time.
    warm_workers: bool = True
    # Have the zygote fork the next worker while one grades (a batch: `grade_class`).
    fork_ahead: bool = False

    def __post_init__(self) -> None:
        self.functions = self.reference.functions()
        self.specs = self.assignment.specs
        self._probe_cases: dict[str, Case] = {}

    def cases(self, student: str, function: str, code: str = "") -> list[Case]:
        """The hidden cases of `function` for `student`'s code (a `code_digest`)."""
        return [
            self.assignment.build_case(
                function,
                case_rng(self.secret, student, function, k, code),
                self.functions,
                index=k,
            )
            for k in range(self.cases_per_function)
        ]

    def zygote(self) -> Zygote | None:
        """This process's warm zygote, if workers are forked from one here."""
        if not (self.warm_workers and self.isolation.can_fork_workers):
            return None
        try:
            return zygote_for(self.isolation)
        except ZygoteError:  # start each worker on its own instead: slower, the same results
            return None

    def probe_case(self, function: str) -> Case:
        """The cost probe's case of `function`: larger than any hidden case
        (`Assignment.probe_sizes`), so the work dominates a call's fixed costs; built once."""
        if function not in self._probe_cases:
            rng = np.random.default_rng(PROBE_SEED)
            sizes = self.assignment.probe_sizes
            case = self.assignment.build_case(function, rng, self.functions, sizes=sizes)
            self._probe_cases[function] = case
        return self._probe_cases[function]


# ---- results ----


def check(name: str, passed: bool, message: str) -> dict:
    return {"name": name, "passed": passed, "message": message}


def check_names(spec: FunctionSpec) -> list[str]:
    if spec.is_backward:
        others = [name for name in spec.outputs if name != GRADIENTS]
        return [*others, *spec.gradient_keys, INPUTS_CHECK]
    return [*spec.outputs, INPUTS_CHECK]


def function_result(spec: FunctionSpec, points: float, checks: list[dict]) -> dict:
    passed = sum(c["passed"] for c in checks)
    return {
        "score": round(points * passed / len(checks), 4),
        "max_score": points,
        "checks": checks,
    }


def failed_function(spec: FunctionSpec, points: float, message: str) -> dict:
    """Every check of `spec` failed for one reason (not defined, raised, timed out...)."""
    return function_result(spec, points, [check(n, False, message) for n in check_names(spec)])


def student_result(functions: dict[str, dict], error: str | None, review: list[str]) -> dict:
    return {
        "score": round(sum(f["score"] for f in functions.values()), 4),
        "max_score": sum(f["max_score"] for f in functions.values()),
        "error": error,
        "needs_review": review,
        "functions": functions,
    }


def ungradable(grader: Grader, message: str) -> dict:
    """The result of a submission that could not be read at all."""
    functions = {
        name: failed_function(spec, grader.reference.points[name], message)
        for name, spec in grader.specs.items()
    }
    return student_result(functions, message, [message])


# ---- one function ----


def _sizes(case: Case) -> str:
    return ", ".join(f"{key} = {size}" for key, size in case.sizes.items())


def _raised_message(
    function: str, header: dict, case_label: str, limits: Limits, processes: int, memory: str
) -> str:
    """What the student reads when `function` raised; `memory` is the assignment's hint
    for running out of memory."""
    text = f"{function} raised {header.get('type')} on {case_label}: {header.get('message')}"
    where = header.get("where")
    if isinstance(where, dict) and where.get("cell") == function:
        text += f" (line {where.get('line')} of your cell: `{str(where.get('code'))[:120]}`)"
    elif isinstance(where, dict) and where.get("cell"):
        text += f" (inside your {where.get('cell')}, line {where.get('line')})"
    if header.get("type") == "NotImplementedError":
        text = f"{function} is not implemented yet (it still raises NotImplementedError)"
    elif header.get("type") == "MemoryError":
        text = (
            f"{function} ran out of memory on {case_label}: it may use at most "
            f"{megabytes(limits.memory_bytes)}" + (f"; {memory}" if memory else "")
        )
    elif header.get("type") == "RecursionError":
        text += " (a function that calls itself without end?)"
    elif header.get("type") == "BlockingIOError" and "Errno 11" in str(header.get("message")):
        text = (
            f"{function} tried to start more than {processes} processes or threads "
            f"on {case_label}, the limit: the functions of this course need none"
        )
    elif "[Errno 27]" in str(header.get("message")):
        text = (
            f"{function} wrote more than {megabytes(limits.output_bytes)} (printed output "
            f"or a file) on {case_label} and was stopped: remove large prints"
        )
    elif "[Errno 28]" in str(header.get("message")):
        text = (
            f"{function} filled its {megabytes(limits.temp_bytes)} temporary folder on "
            f"{case_label}: the functions of this course need no files"
        )
    return text[:1500]


def _with_hints(message: str, hints: list[str]) -> str:
    return message.rstrip(".") + "." + "".join(f" Likely cause: {hint}" for hint in hints)


def _quantities(spec: FunctionSpec, value: object) -> dict[str, object] | str:
    """Split a returned value into the named quantities, or say why it can't be."""
    if len(spec.outputs) == 1:  # a single value is returned as it is, not in a tuple
        outputs = {spec.outputs[0]: value}
    elif not isinstance(value, tuple | list) or len(value) != len(spec.outputs):
        names = ", ".join(spec.outputs)
        count = len(spec.outputs)
        return f"{spec.name} should return {count} values ({names}), but returned {describe(value)}"
    else:
        outputs = dict(zip(spec.outputs, value, strict=True))
    if not spec.is_backward:
        return outputs
    gradients = outputs.pop(GRADIENTS)
    if not isinstance(gradients, dict):
        return f"{spec.name} should return a dict of gradients, but returned {describe(gradients)}"
    return {**outputs, **{key: gradients.get(key, _MISSING) for key in spec.gradient_keys}}


_MISSING = wire.Unsupported("missing key")


def grade_function(
    grader: Grader,
    session: WorkerSession,
    student: str,
    spec: FunctionSpec,
    code: str = "",
    review: list[str] | None = None,
) -> dict:
    """Run the student's function on the hidden cases and score it. May close `session`.

    code: the `code_digest` of the submission (seeds its hidden cases).
    review: where notes for the instructor go (see `autograder.backprop_cost`).
    """
    points = grader.reference.points[spec.name]
    names = check_names(spec)
    failures: dict[str, str] = {}
    deadline = time.monotonic() + grader.limits.seconds_per_function
    reference = grader.functions
    mistakes = grader.assignment.mistakes
    first_wrong: tuple[Case, object, object, dict] | None = None
    all_mismatches = []

    stand_ins = {
        dep: where for dep, where in grader.assignment.stand_ins.items() if dep in spec.depends_on
    }
    # The dependencies the grader answers (a stand-in is answered in the sandbox).
    oracles = tuple(dep for dep in spec.depends_on if dep not in stand_ins)
    cases = grader.cases(student, spec.name, code)
    stochastic_cases = sum(1 for case in cases if case.draws)
    stochastic_hints: list[str] = []
    for k, case in enumerate(cases, start=1):
        label = f"hidden case {k} ({_sizes(case)})"
        if case.draws:  # no expected value; the calls of one draw of the reference
            expected, allowed_calls = None, {}
            if oracles:
                draw_args = tuple(wire.generators(list(case.args)))
                _, allowed_calls = run_recording_calls(reference[spec.name], oracles, draw_args)
        else:
            expected, allowed_calls = run_recording_calls(reference[spec.name], oracles, case.args)
        try:
            reply = session.call(
                spec.name,
                case.args,
                oracle=checked_reference(reference, allowed_calls),
                oracles=oracles,
                deadline=deadline,
                timeout_message=(
                    f"your {spec.name} ran for more than {grader.limits.seconds_per_function:.0f}"
                    f" s on {label}: does every loop terminate"
                    + (f" {spec.loop_hint}?" if spec.loop_hint else "?")
                ),
                draws=case.draws,
                stand_ins=stand_ins,
            )
        except WorkerFailure as failure:
            where = "" if failure.kind == "timeout" else f"while running {spec.name} on {label}: "
            if review is not None:  # a time-out, crash or sandbox exit: worth a look
                review.append(f"{spec.name}: {where}{failure}")
            return failed_function(spec, points, f"{where}{failure}")
        if reply.header["op"] == "raised":
            processes = getattr(session, "process_cap", grader.limits.processes)
            memory = grader.assignment.memory_hint
            message = _raised_message(
                spec.name, reply.header, label, grader.limits, processes, memory
            )
            raised = (str(reply.header.get("type")), str(reply.header.get("message")))
            served = (oracles, reference, allowed_calls)
            hints = diagnose(
                grader.reference, mistakes, spec.name, case, raised=raised, served=served
            )
            return failed_function(spec, points, _with_hints(message, hints))
        try:
            value, args_after = reply.decode("value"), reply.decode("args_after")
        except wire.WireError as error:
            return failed_function(spec, points, f"the grader could not read the result ({error})")

        if case.draws:
            name = spec.outputs[0]
            rng = case_rng(grader.secret, student, f"{spec.name}/draws", k, code)
            verdict, hints = _judge_draws(grader, spec, case, value, rng, stochastic_cases)
            if verdict and name not in failures:
                failures[name] = f"{verdict} on {label}"
                stochastic_hints += [hint for hint in hints if hint not in stochastic_hints]
        else:
            quantities = _quantities(spec, value)
            if isinstance(quantities, str):
                return failed_function(spec, points, f"{quantities} on {label}")
            wrong, mismatches = _compare_case(
                grader, spec, case, k, student, code, quantities, expected, failures, label
            )
            all_mismatches += mismatches
            if wrong and first_wrong is None:
                first_wrong = (case, value, args_after, allowed_calls)
        if INPUTS_CHECK not in failures and not identical(list(case.args), args_after):
            failures[INPUTS_CHECK] = (
                f"{spec.name} changed the arrays it was given (in place) on {label}: the caller's "
                "data must stay as it was; work on new arrays (e.g. `x = x + 1`, not `x += 1`)"
            )
            if first_wrong is None and not case.draws:
                first_wrong = (case, value, args_after, allowed_calls)

    if spec.is_backward and review is not None:
        note = cost_review(grader, session, spec)
        if note:
            review.append(note)
    hints = []
    if first_wrong:
        case, value, args_after, allowed_calls = first_wrong
        served = (oracles, reference, allowed_calls)
        hints = diagnose(
            grader.reference, mistakes, spec.name, case, value, args_after, served=served
        )
    hints += [hint for hint in stochastic_hints if hint not in hints]
    precision = precision_hint(all_mismatches) if not hints else None
    hints += [precision] if precision else []
    uncredited = bool(failures) and INPUTS_CHECK not in failures
    checks = []
    for name in names:
        if name == INPUTS_CHECK and uncredited:
            checks.append(check(name, False, NOT_CREDITED))
        elif name in failures:
            checks.append(check(name, False, _with_hints(failures[name], hints)))
        else:
            checks.append(check(name, True, "correct on every hidden case"))
    return function_result(spec, points, checks)


def _compare_case(
    grader: Grader,
    spec: FunctionSpec,
    case: Case,
    k: int,
    student: str,
    code: str,
    quantities: dict,
    expected: object,
    failures: dict[str, str],
    label: str,
) -> tuple[bool, list]:
    """Compare the quantities of one deterministic case with the reference's (and check
    the gradients of a backward function); record failures. Returns (any new failure,
    the mismatches found)."""
    expected_quantities = _quantities(spec, expected)
    gradient_errors = (
        directional_errors(
            spec,
            case,
            quantities,
            grader.functions,
            case_rng(grader.secret, student, f"{spec.name}/gradient-check", k, code),
            grader.assignment.gradient_loss,
        )
        if spec.is_backward
        else {}
    )
    tolerance = spec.tolerance or DEFAULT_TOLERANCE
    wrong, found = False, []
    for name in check_names(spec)[:-1]:
        if name in failures:
            continue
        mismatches = compare(
            expected_quantities[name], quantities[name], name, tolerance, spec.entry_names
        )
        found += mismatches
        message = ""
        if mismatches:
            message = f"{mismatches[0]} on {label}"
            if quantities[name] is _MISSING:
                message = f"the gradients dict has no key '{name}'"
        grad_error = gradient_errors.get(name)
        if grad_error is not None and not grad_error <= GRADCHECK_MAX_ERROR:
            message = (message or f"{name} on {label}") + (
                f"; gradient check along a random direction: relative error {grad_error:.2g} "
                f"(at most {GRADCHECK_MAX_ERROR:g} expected)"
            )
        if message:
            failures[name] = message
            wrong = True
    return wrong, found


def _judge_draws(
    grader: Grader,
    spec: FunctionSpec,
    case: Case,
    draws: object,
    rng: np.random.Generator,
    stochastic_cases: int,
) -> tuple[str | None, list[str]]:
    """Judge a sampler's draws on one case (see `autograder.stochastic`): (None if they
    pass, else why not; hints of the catalogued mistakes whose draws look the same)."""
    if not isinstance(draws, list) or len(draws) != case.draws:
        return f"{spec.name} returned {describe(draws)}, expected {case.draws} draws", []
    judge = grader.assignment.draw_probabilities
    alpha = stochastic.FALSE_ALARM / stochastic_cases
    verdict, u = stochastic.judge(case, draws, judge, spec.name, grader.functions, rng, alpha)
    if verdict is None:
        return None, []
    hints = []
    buggy_versions = mistake_functions(grader.reference, grader.assignment.mistakes)
    for mistake in grader.assignment.mistakes:
        if mistake.function != spec.name:
            continue
        args = wire.generators(copy.deepcopy(list(case.args)))
        try:
            with np.errstate(all="ignore"):
                buggy = [buggy_versions[mistake.id](*args) for _ in range(case.draws)]
        except Exception:  # noqa: BLE001  (a mistake that crashes here matches nothing)
            continue
        buggy_verdict, w = stochastic.judge(
            case, buggy, judge, spec.name, grader.functions, rng, alpha
        )
        alike = buggy_verdict == verdict if u is None or w is None else (
            stochastic.same_distribution(u, w)
        )
        if buggy_verdict is not None and alike:
            hints.append(mistake.hint)
    return verdict, hints


# ---- one submission ----


def grade_notebook(grader: Grader, student: str, notebook: Path) -> dict:
    """Grade the notebook file of one student."""
    try:
        parsed = read_notebook(notebook)
    except NotebookError as error:
        return ungradable(grader, str(error))
    return grade_parsed(grader, student, parsed)


def grade_parsed(grader: Grader, student: str, parsed: ParsedNotebook) -> dict:
    names = grader.assignment.function_names
    cells, unusable, review = solution_cells(parsed, names)
    code = code_digest(cells)
    results: dict[str, dict] = {}
    skipped: dict[str, str] = {}  # cells left out after their top-level code hung or crashed
    session: WorkerSession | None = None
    loaded: dict = {}
    try:
        for name in names:
            spec, points = grader.specs[name], grader.reference.points[name]
            if name in unusable:
                results[name] = failed_function(spec, points, unusable[name])
                continue
            if name in skipped:
                results[name] = failed_function(spec, points, skipped[name])
                continue
            if session is None or session.process is None:
                session, loaded = _start(grader, cells, skipped)
                if name in skipped:
                    results[name] = failed_function(spec, points, skipped[name])
                    continue
            if name not in loaded["defined"]:
                results[name] = failed_function(spec, points, _undefined(name, loaded))
                continue
            results[name] = grade_function(grader, session, student, spec, code, review)
    finally:
        if session is not None:
            session.close()
    review += [f"{name}: {message}" for name, message in skipped.items()]
    return student_result(results, None, review)


def _start(grader: Grader, cells: dict[str, str], skipped: dict[str, str]):
    """Start a worker and load the cells; a cell whose top-level code fails the worker is
    left out (and recorded in `skipped`) and the others are loaded in a fresh worker."""
    while True:
        zygote = grader.zygote()
        session = WorkerSession(grader.isolation, grader.limits, zygote, grader.fork_ahead)
        session.start()
        usable = {n: c for n, c in cells.items() if n not in skipped}
        try:
            loaded = session.load(
                grader.reference.setup, usable, list(grader.specs), grader.reference.modules
            )
            return session, loaded
        except WorkerFailure as failure:
            session.close()
            if failure.cell is None or failure.cell in skipped:
                # The interpreter itself did not start: nothing of this submission can run.
                for name in usable:
                    skipped[name] = f"the grader could not start your code: {failure}"
                return session, {"defined": [], "cell_errors": {}}
            skipped[failure.cell] = f"running the cell of {failure.cell}: {failure}"


def _undefined(name: str, loaded: dict) -> str:
    error = loaded.get("cell_errors", {}).get(name)
    if isinstance(error, dict):
        text = f"running the cell of {name} failed with {error.get('type')}: {error.get('message')}"
        where = error.get("where")
        if isinstance(where, dict) and where.get("line"):
            text += f" (line {where['line']})"
        return text[:1500]
    return (
        f"the cell of {name} ran but did not define a function called {name}: "
        "was the def line renamed?"
    )
