"""The hostile catalogue: what students might hand in to break or fool the grader.

Each entry is one submission: the correct solution (from the source notebook) with one or
more solution cells replaced by hostile code, and the outcome the grader must give, per
function. A function not listed in `expect` must keep full marks: an attack costs points
only where it was made.

A hostile cell is written with the honest solution at hand: the cell first defines the
reference code under another name (`_honest(*args)`), then the hostile function, which
may call it. `_spoil(value)` replaces every array in a result by a constant, so a
function that returns it earns nothing on its own merits. Placeholders filled in by the
test: @COURSE@ (the course root: source/, .course_secret, gradebook.db, submitted/),
@REPO@ (this repository), @CANARY@ (a file inside a folder the sandbox mounts read-only),
@PORT@ (a TCP port listening on 127.0.0.1), @ABSTRACT@ (an abstract unix socket name),
@BUDGET_MB@ (the memory a worker may hold in all, as README states it for this machine:
with cgroups, or without them).

Expected outcomes:
  FULL            full marks: the hostile part is harmless (blocked) and the function is
                  otherwise correct
  zero(*words)    0 points, and the messages of the function's failed checks contain every
                  word (case-insensitive; "a|b": either), so the student learns why
  ANY             not asserted: damage a student did to their own other function
  NOT_HOARDED     any score, but no message says "HOARDED": the attack either failed
                  (the function then answers honestly: full marks) or got its worker
                  killed at the limit; it never held more than the stated budget

`review`: words that must appear in the student's needs_review list.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.hostile.numerical_differentiation import BACKWARD_FUNCTIONS, NUMERICAL_BACKWARD


@dataclass(frozen=True)
class Outcome:
    full: bool | None  # None: any score (self-inflicted damage outside the attacked cell)
    words: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()  # words no failed check's message may contain

    def __str__(self) -> str:
        if self.full is None:
            return "any score" + (f", no message has {list(self.forbidden)}" * bool(self.forbidden))
        return "full marks" if self.full else f"0, message has {list(self.words)}"


FULL = Outcome(True)
ANY = Outcome(None)
NOT_HOARDED = Outcome(None, forbidden=("HOARDED",))


def zero(*words: str) -> Outcome:
    return Outcome(False, words)


@dataclass(frozen=True)
class Cell:
    """A hostile solution cell: `top` runs when the cell runs, before the hostile def;
    `body` is the hostile function's body; `after` runs after the def. Or `whole`: the
    complete code of the cell."""

    body: str = "return _honest(*args)"
    top: str = ""
    after: str = ""
    whole: str | None = None  # the whole cell instead (no honest copy, no placeholders)

    def render(self, function: str, honest: str, fill: Mapping[str, str]) -> str:
        if self.whole is not None:
            return self.whole
        parts = [
            honest.replace(f"def {function}(", f"def _honest_{function}(", 1),
            SPOIL,
            textwrap.dedent(self.top),
            # Default arguments bind this cell's helpers: cells share one namespace.
            f"def {function}(*args, _honest=_honest_{function}, _spoil=_spoil):\n"
            + textwrap.indent(textwrap.dedent(self.body), "    "),
            textwrap.dedent(self.after),
        ]
        code = "\n\n".join(part.strip("\n") for part in parts if part.strip()) + "\n"
        for key, value in fill.items():
            code = code.replace(f"@{key}@", value)
        return code


def forged_encoder(forge: str) -> Cell:
    """A cell whose function replaces the worker's encoder (sys.modules['wire'].encode):
    the returned gradients (a dict) are encoded by `forge`, code that sees `buffers`."""
    forge = textwrap.indent(forge, " " * 4)
    return Cell(
        "import sys\n"
        "wire = sys.modules['wire']\n"
        "honest_encode = wire.encode\n"
        "def forged(value, buffers, seen=None, ledger=None):\n"
        "    if not isinstance(value, dict):  # only the returned gradients\n"
        "        return honest_encode(value, buffers, seen, ledger)\n"
        f"{forge}\n"
        "wire.encode = forged\n"
        "return _honest(*args)\n"
    )


SPOIL = '''
import numpy as np


def _spoil(value):
    """Every array replaced by a constant: wrong everywhere, right shapes."""
    if isinstance(value, np.ndarray):
        return np.full(value.shape, 0.123)
    if isinstance(value, tuple | list):
        return type(value)(_spoil(v) for v in value)
    if isinstance(value, dict):
        return {k: _spoil(v) for k, v in value.items()}
    return value
'''


@dataclass(frozen=True)
class Hostile:
    id: str
    attack: str
    cells: Mapping[str, Cell]
    expect: Mapping[str, Outcome] = field(default_factory=dict)
    timeouts: int = 0  # functions that must run into a time limit (for the wall-time bound)
    load_timeouts: int = 0  # cells whose top-level code must run into the load time limit
    review: tuple[str, ...] = ()  # words the student's needs_review must contain


RAN_TOO_LONG = zero("ran for more than", "loop")

# ---- the catalogue ----

CATALOGUE: list[Hostile] = [
    # -- time --
    Hostile(
        "infinite-loop",
        "`while True: pass` in the function",
        {"rnn_cell_backward": Cell("while True:\n    pass")},
        {"rnn_cell_backward": RAN_TOO_LONG},
        timeouts=1,
    ),
    Hostile(
        "sleep",
        "time.sleep(3600) in the function",
        {"rnn_forward": Cell("import time\ntime.sleep(3600)\nreturn _honest(*args)")},
        {"rnn_forward": RAN_TOO_LONG},
        timeouts=1,
    ),
    Hostile(
        "loop-ignoring-signals",
        "ignores SIGTERM/SIGINT/SIGHUP/SIGALRM, then loops forever",
        {
            "lstm_cell_forward": Cell(
                """
                import signal
                for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
                    signal.signal(s, signal.SIG_IGN)
                while True:
                    pass
                """
            )
        },
        {"lstm_cell_forward": RAN_TOO_LONG},
        timeouts=1,
    ),
    Hostile(
        "loop-at-top-level",
        "an endless loop at the top level of the cell, after the def",
        {"lstm_forward": Cell(after="while True:\n    pass")},
        {"lstm_forward": zero("more than", "loop")},
        load_timeouts=1,
    ),
    Hostile(
        "exception-with-endless-str",
        "raises an exception whose __str__ never returns",
        {
            "rnn_cell_forward": Cell(
                """
                class Endless(Exception):
                    def __str__(self):
                        while True:
                            pass
                raise Endless()
                """
            )
        },
        {"rnn_cell_forward": zero("ran for more than")},
        timeouts=1,
    ),
    # -- memory --
    Hostile(
        "memory-bomb-numpy",
        "allocates an 80 GB array",
        {"rnn_cell_forward": Cell("hoard = np.ones(10**10)\nreturn _honest(*args)")},
        {"rnn_cell_forward": zero("memory")},
    ),
    Hostile(
        "memory-bomb-list",
        "appends 80 MB arrays to a list, up to 8 GB, then answers",
        {
            "rnn_backward": Cell(
                """
                hoard = []
                for _ in range(100):
                    hoard.append(np.empty(10**7))
                return _honest(*args)
                """
            )
        },
        {"rnn_backward": zero("memory")},
    ),
    Hostile(
        "memory-bomb-top-level",
        "allocates 10 GB at the top level of the cell",
        {"lstm_cell_backward": Cell(top="hoard = [bytearray(10**9) for _ in range(10)]")},
        {"lstm_cell_backward": zero("memory")},
    ),
    Hostile(
        "huge-return-value",
        "returns a tuple of 9 references to a 30 MB array (a 270 MB message)",
        {"rnn_cell_forward": Cell("big = np.zeros(3_750_000)\nreturn (big,) * 9")},
        # Copying 270 MB may outlast the 2 s of the test's limits on a busy machine.
        {"rnn_cell_forward": zero("could not read its result|ran for more than")},
    ),
    # -- processes --
    Hostile(
        "fork-bomb",
        "forks 40 sleeping children per call (the limit is 16 processes), then answers",
        {
            "rnn_cell_forward": Cell(
                """
                import os, time
                for _ in range(40):
                    if os.fork() == 0:
                        time.sleep(60)
                        os._exit(0)
                return _honest(*args)
                """
            )
        },
        {"rnn_cell_forward": zero("process")},
    ),
    # -- recursion --
    Hostile(
        "deep-recursion",
        "recurses without end (default recursion limit)",
        {
            "rnn_backward": Cell(
                """
                def down(n):
                    return down(n + 1)
                return down(0)
                """
            )
        },
        {"rnn_backward": zero("recursion")},
    ),
    Hostile(
        "deep-recursion-unlimited",
        "raises the recursion limit to 10**6, then recurses through C calls (map) until "
        "the C stack overflows",
        {
            "lstm_cell_backward": Cell(
                """
                import sys
                sys.setrecursionlimit(10**6)
                def down(n):
                    return list(map(down, [n + 1]))
                return down(0)
                """
            )
        },
        {"lstm_cell_backward": zero("crashed", "SIGSEGV")},
    ),
    # -- output and disk --
    Hostile(
        "print-gigabytes",
        "prints 1 MB lines forever",
        {"rnn_cell_forward": Cell("while True:\n    print('x' * 2**20)")},
        {"rnn_cell_forward": zero("wrote more than")},
    ),
    Hostile(
        "write-gigabytes-to-stderr-fd",
        "writes 1 MB chunks to file descriptor 2 forever, ignoring errors, then answers",
        {
            "rnn_forward": Cell(
                """
                import os
                for _ in range(2000):
                    try:
                        os.write(2, b'x' * 2**20)
                    except OSError:
                        break
                return _honest(*args)
                """
            )
        },
        {},  # harmless: the output is capped and the function is otherwise correct
    ),
    Hostile(
        "fill-disk-tmp-and-cwd",
        "writes 64 MB files to /tmp, the cwd and $HOME until it fails, then answers",
        {
            "rnn_backward": Cell(
                """
                import os
                for folder in ('/tmp', os.getcwd(), os.path.expanduser('~')):
                    for i in range(20):
                        try:
                            with open(os.path.join(folder, f'hostile-fill-{i}'), 'wb') as f:
                                f.write(b'\\0' * 2**26)
                        except OSError:
                            break
                return _honest(*args)
                """
            )
        },
        {},  # harmless: a private, size-limited /tmp
    ),
    Hostile(
        "fill-disk-one-huge-file",
        "writes one 1 GB file to the cwd and lets the error through",
        {
            "lstm_forward": Cell(
                """
                with open('huge.bin', 'wb') as f:
                    for _ in range(1024):
                        f.write(b'\\0' * 2**20)
                return _honest(*args)
                """
            )
        },
        {"lstm_forward": zero("wrote more than")},
    ),
    # -- exits and interrupts --
    Hostile(
        "exits-in-functions",
        "sys.exit(), os._exit(0), KeyboardInterrupt and BaseException inside four functions",
        {
            "rnn_forward": Cell("import sys\nsys.exit(0)"),
            "rnn_cell_backward": Cell("import os\nos._exit(0)"),
            "rnn_backward": Cell("raise KeyboardInterrupt"),
            "lstm_cell_forward": Cell("raise BaseException('stop')"),
        },
        {
            "rnn_forward": zero("SystemExit"),
            "rnn_cell_backward": zero("exited"),
            "rnn_backward": zero("KeyboardInterrupt"),
            "lstm_cell_forward": zero("BaseException"),
        },
    ),
    Hostile(
        "exits-at-top-level",
        "raise SystemExit before the def; os._exit(3) before the def; KeyboardInterrupt "
        "and BaseException after the def",
        {
            "rnn_forward": Cell(top="raise SystemExit(0)"),
            "lstm_cell_forward": Cell(top="import os\nos._exit(3)"),
            "rnn_cell_backward": Cell(after="raise KeyboardInterrupt"),
            "lstm_backward": Cell(after="raise BaseException('stop')"),
        },
        {
            "rnn_forward": zero("SystemExit"),
            "lstm_cell_forward": zero("exited"),
            # after the def, the function exists and is correct: it is graded as usual
        },
    ),
    Hostile(
        "input-call",
        "calls input() (stdin is empty)",
        {"rnn_forward": Cell("name = input('your name? ')\nreturn _honest(*args)")},
        {"rnn_forward": zero("EOFError")},
    ),
    # -- signals --
    Hostile(
        "kill-self",
        "os.kill(os.getpid(), SIGKILL)",
        {"lstm_forward": Cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")},
        {"lstm_forward": zero("killed")},
    ),
    Hostile(
        "kill-parent",
        "os.kill(os.getppid(), SIGKILL), then answers",
        {
            "rnn_cell_forward": Cell(
                """
                import os, signal
                try:
                    os.kill(os.getppid(), signal.SIGKILL)
                except OSError:
                    pass
                return _honest(*args)
                """
            )
        },
        {},  # harmless: its parent is the sandbox's init, which ignores it
    ),
    Hostile(
        "kill-process-group-and-all",
        "os.killpg(0, SIGKILL) (its own group); os.kill(-1, SIGKILL) (every process it may "
        "signal; tried only inside a PID namespace), then answers",
        {
            "rnn_backward": Cell("import os, signal\nos.killpg(0, signal.SIGKILL)"),
            "lstm_cell_backward": Cell(
                """
                import os, signal
                if os.getpid() > 100:  # not in a PID namespace: do not take the machine down
                    raise RuntimeError('not sandboxed: refusing to kill(-1)')
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                return _honest(*args)
                """
            ),
        },
        # kill(-1) spares the caller and PID 1: in the sandbox there is no one else to kill
        {"rnn_backward": zero("killed")},
    ),
    # -- patching what checks or carries the result --
    Hostile(
        "patch-numpy",
        "replaces np.allclose, np.isclose, np.array_equal, np.isfinite and np.testing's "
        "asserts, tries to patch np.ndarray.__eq__, returns garbage",
        {
            "rnn_cell_forward": Cell(
                top="""
                np.allclose = lambda *a, **k: True
                np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)
                np.array_equal = lambda *a, **k: True
                np.isfinite = lambda x, *a, **k: np.ones(np.shape(x), bool)
                np.testing.assert_allclose = lambda *a, **k: None
                np.testing.assert_array_equal = lambda *a, **k: None
                try:
                    np.ndarray.__eq__ = lambda self, other: True
                except TypeError:
                    pass
                """,
                body="return _spoil(_honest(*args))",
            )
        },
        {"rnn_cell_forward": zero("wrong values")},
    ),
    Hostile(
        "patch-builtins",
        "replaces builtins isinstance, float and len after computing garbage",
        {
            "lstm_backward": Cell(
                """
                import builtins
                result = _spoil(_honest(*args))
                builtins.isinstance = lambda obj, kind: True
                builtins.float = lambda *a: 1.0
                builtins.len = lambda obj: 3
                return result
                """
            )
        },
        {"lstm_backward": zero("exited")},
    ),
    Hostile(
        "patch-wire-encoder",
        "replaces the worker's encoder (sys.modules['wire'].encode) by one that forges a "
        "huge array",
        {
            "lstm_backward": forged_encoder(
                "buffers.append(b'\\0' * 8)\nreturn ['a', len(buffers) - 1, [10**6, 10**6], 0]"
            )
        },
        {"lstm_backward": zero("could not read")},
    ),
    Hostile(
        "forge-array-reference",
        "replaces the worker's encoder by one that names an array the grader never sent "
        "(a reference to its buffer 10^6)",
        {"lstm_backward": forged_encoder("return ['r', 1, 10**6, [5, 5], 0]")},
        {"lstm_backward": zero("could not read")},
    ),
    Hostile(
        "forge-container-bomb",
        "replaces the worker's encoder by one that repeats containers 9 levels deep, 20 "
        "times each ([\"p\", k] nodes): 20^9 items in 200 nodes",
        {
            "lstm_backward": forged_encoder(
                "node = ['l', *[['n']] * 20]\n"
                "for level in range(8):\n"
                "    node = ['l', node, *[['p', level]] * 19]\n"
                "return node"
            )
        },
        {"lstm_backward": zero("could not read")},
    ),
    Hostile(
        "forge-channel-message",
        "writes a forged 'returned' message (value 100) to every pipe it holds",
        {
            "rnn_cell_backward": Cell(
                """
                import json, os, struct
                header = json.dumps({'op': 'returned', 'value': ['f', 100.0],
                                     'args_after': ['n'], 'sizes': []}).encode()
                for fd in range(3, 64):
                    try:
                        if os.readlink(f'/proc/self/fd/{fd}').startswith('pipe:'):
                            os.write(fd, struct.pack('<Q', len(header)) + header)
                    except OSError:
                        pass
                return _honest(*args)
                """
            )
        },
        # Messages are numbered by call: the forged one (unnumbered) is skipped and the
        # honest answer that follows is graded, as it would be without the forgery.
        {},
    ),
    Hostile(
        "close-all-file-descriptors",
        "closes file descriptors 0-63 (the grader's channel among them), then answers",
        {
            "lstm_forward": Cell(
                """
                import os
                for fd in range(64):
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                return _honest(*args)
                """
            )
        },
        {"lstm_forward": zero("exited")},
    ),
    # -- forged values --
    Hostile(
        "ndarray-subclass",
        "returns garbage in an ndarray subclass whose ==, != and __array__ say 'equal'",
        {
            "rnn_cell_forward": Cell(
                """
                class Liar(np.ndarray):
                    def __eq__(self, other):
                        return True
                    def __ne__(self, other):
                        return False
                    def __array__(self, *a, **k):
                        return np.asarray(_honest(*args)[0])
                a_next, yt_pred, cache = _spoil(_honest(*args))
                return a_next.view(Liar), yt_pred.view(Liar), cache
                """
            )
        },
        {"rnn_cell_forward": zero("wrong values")},
    ),
    Hostile(
        "forged-dunder-objects",
        "returns objects whose __array__ gives the right answer, with forged __eq__, "
        "__float__ and __len__",
        {
            "rnn_forward": Cell(
                """
                class Forged:
                    def __init__(self, array):
                        self.array = array
                    def __array__(self, *a, **k):
                        return self.array
                    def __eq__(self, other):
                        return True
                    def __float__(self):
                        return 0.0
                    def __len__(self):
                        return len(self.array)
                a, y_pred, caches = _honest(*args)
                return Forged(a), Forged(y_pred), _spoil(caches)
                """
            )
        },
        {"rnn_forward": zero("expected an array")},
    ),
    Hostile(
        "self-referencing-dict",
        "returns a gradients dict that contains itself, and lists nested 20 deep",
        {
            "rnn_cell_backward": Cell(
                """
                gradients = {}
                for key, value in _honest(*args).items():
                    for _ in range(20):
                        value = [value]
                    gradients[key] = value
                gradients['dxt'] = gradients
                return gradients
                """
            )
        },
        {"rnn_cell_backward": zero("expected an array")},
    ),
    Hostile(
        "nan-and-inf",
        "returns NaN, +inf and -inf arrays",
        {
            "lstm_cell_forward": Cell(
                """
                a_next, c_next, yt_pred, cache = _honest(*args)
                return (np.full(a_next.shape, np.nan), np.full(c_next.shape, np.inf),
                        np.full(yt_pred.shape, -np.inf), _spoil(cache))
                """
            )
        },
        {"lstm_cell_forward": zero("nan", "inf")},
    ),
    Hostile(
        "wrong-dtypes",
        "returns int (rnn_cell_forward), complex (rnn_forward), object (lstm_cell_forward) "
        "and string (lstm_forward) arrays",
        {
            "rnn_cell_forward": Cell(
                """
                a_next, yt_pred, cache = _honest(*args)
                return a_next.astype(int), yt_pred.astype(int), _spoil(cache)
                """
            ),
            "rnn_forward": Cell(
                """
                a, y_pred, caches = _honest(*args)
                return a.astype(complex), y_pred.astype(complex), _spoil(caches)
                """
            ),
            "lstm_cell_forward": Cell(
                """
                a_next, c_next, yt_pred, cache = _honest(*args)
                return (a_next.astype(object), c_next.astype(object), yt_pred.astype(object),
                        _spoil(cache))
                """
            ),
            "lstm_forward": Cell(
                """
                a, y, c, caches = _honest(*args)
                return a.astype(str), y.astype(str), c.astype(str), _spoil(caches)
                """
            ),
        },
        {
            "rnn_cell_forward": zero("wrong values"),
            "rnn_forward": zero("complex"),
            "lstm_cell_forward": zero("object"),
            "lstm_forward": zero("dtype"),
        },
    ),
    Hostile(
        "wrong-shapes",
        "returns every gradient transposed",
        {"rnn_cell_backward": Cell("return {k: v.T for k, v in _honest(*args).items()}")},
        {"rnn_cell_backward": zero("shape")},
    ),
    # -- the course's files, other students, the network --
    Hostile(
        "read-solution-notebook",
        "looks for source/**/*.ipynb under the course and the repository; runs the "
        "instructor's solution if found, else returns garbage",
        {
            "rnn_cell_forward": Cell(
                """
                import glob, json, os
                found = []
                for root in ('@COURSE@', '@REPO@', os.getcwd(), os.path.expanduser('~'), '/'):
                    found += glob.glob(os.path.join(root, 'source', '**', '*.ipynb'),
                                       recursive=True)
                for path in found:
                    try:
                        with open(path) as f:
                            cells = json.load(f)['cells']
                    except (OSError, ValueError, KeyError):
                        continue
                    for cell in cells:
                        meta = cell.get('metadata', {}).get('nbgrader', {})
                        if meta.get('grade_id') == 'rnn_cell_forward':
                            namespace = {}
                            exec('from course import softmax\\n' + ''.join(cell['source']),
                                 namespace)
                            return namespace['rnn_cell_forward'](*args)
                return _spoil(_honest(*args))
                """
            )
        },
        {"rnn_cell_forward": zero("wrong values")},
    ),
    Hostile(
        "read-course-secret",
        "reads .course_secret (course and repository) and $RNN_COURSE_SECRET and puts them "
        "in its error message; else returns garbage",
        {
            "rnn_forward": Cell(
                """
                import os
                stolen = [os.environ.get('RNN_COURSE_SECRET', '')]
                for path in ('@COURSE@/.course_secret', '@REPO@/.course_secret'):
                    try:
                        with open(path) as f:
                            stolen.append(f.read())
                    except OSError:
                        pass
                if any(stolen):
                    raise RuntimeError('stolen: ' + ' | '.join(stolen))
                return _spoil(_honest(*args))
                """
            )
        },
        {"rnn_forward": zero("wrong values")},
    ),
    Hostile(
        "read-other-submissions",
        "copies another student's lstm_cell_forward from submitted/ if it can; else garbage",
        {
            "lstm_cell_forward": Cell(
                """
                import glob, json
                for path in glob.glob('@COURSE@/submitted/*/*/*.ipynb'):
                    try:
                        with open(path) as f:
                            cells = json.load(f)['cells']
                    except (OSError, ValueError, KeyError):
                        continue
                    for cell in cells:
                        meta = cell.get('metadata', {}).get('nbgrader', {})
                        if meta.get('grade_id') == 'lstm_cell_forward':
                            namespace = {}
                            exec('from course import sigmoid, softmax\\n'
                                 + ''.join(cell['source']), namespace)
                            return namespace['lstm_cell_forward'](*args)
                return _spoil(_honest(*args))
                """
            )
        },
        {"lstm_cell_forward": zero("wrong values")},
    ),
    Hostile(
        "overwrite-other-submissions",
        "overwrites every notebook in submitted/ and plants a new submission, then answers",
        {
            "rnn_backward": Cell(
                """
                import glob, os
                for path in glob.glob('@COURSE@/submitted/*/*/*.ipynb'):
                    try:
                        with open(path, 'w') as f:
                            f.write('{}')
                    except OSError:
                        pass
                planted = '@COURSE@/submitted/zz_planted/rnn_step_by_step/rnn_step_by_step.ipynb'
                try:
                    os.makedirs(os.path.dirname(planted))
                    with open(planted, 'w') as f:
                        f.write('{}')
                except OSError:
                    pass
                return _honest(*args)
                """
            )
        },
        {},  # harmless: submitted/ is not visible to student code
    ),
    Hostile(
        "write-gradebook",
        "sets manual_score = 100 in the course's gradebook.db through sqlite3, then answers",
        {
            "lstm_forward": Cell(
                """
                import sqlite3
                try:
                    db = sqlite3.connect('@COURSE@/gradebook.db')
                    db.execute('UPDATE grade SET manual_score = 100')
                    db.commit()
                except sqlite3.Error:
                    pass
                return _honest(*args)
                """
            )
        },
        {},  # harmless: the gradebook is not visible to student code
    ),
    Hostile(
        "delete-course-files",
        "deletes source/, submitted/, the secret, the gradebook, and a file in a folder "
        "the sandbox mounts read-only; then answers",
        {
            "rnn_forward": Cell(
                """
                import glob, os, shutil
                for folder in ('@COURSE@/source', '@COURSE@/submitted'):
                    shutil.rmtree(folder, ignore_errors=True)
                paths = ['@COURSE@/.course_secret', '@COURSE@/gradebook.db', '@CANARY@']
                for path in paths + glob.glob('@COURSE@/**', recursive=True):
                    try:
                        os.remove(path)
                    except OSError:
                        pass
                try:
                    with open('@CANARY@', 'w') as f:
                        f.write('overwritten')
                except OSError:
                    pass
                return _honest(*args)
                """
            )
        },
        {},  # harmless: nothing of the course is visible, the rest is read-only
    ),
    Hostile(
        "network",
        "connects to a TCP port listening on the grading machine's 127.0.0.1 and to an "
        "abstract unix socket, sends data, then answers",
        {
            "rnn_cell_backward": Cell(
                """
                import socket
                try:
                    with socket.create_connection(('127.0.0.1', @PORT@), timeout=0.5) as s:
                        s.sendall(b'stolen')
                except OSError:
                    pass
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.settimeout(0.5)
                        s.connect('\\0@ABSTRACT@')
                        s.sendall(b'stolen')
                except OSError:
                    pass
                return _honest(*args)
                """
            )
        },
        {},  # harmless: the sandbox has its own, empty network namespace
    ),
    Hostile(
        "environment-probe",
        "reports its environment variables, cwd and cwd listing in an error message, to "
        "detect the grading run",
        {
            "lstm_cell_backward": Cell(
                """
                import json, os
                probe = {'env': dict(os.environ), 'cwd': os.getcwd(),
                         'listdir': sorted(os.listdir('.'))}
                raise RuntimeError('PROBE' + json.dumps(probe) + 'PROBE')
                """
            )
        },
        {"lstm_cell_backward": zero("RuntimeError", "PROBE")},
    ),
    Hostile(
        "print-fake-results",
        "prints a results JSON and 'score: 100/100' to stdout and stderr, writes a results "
        "file in its cwd, returns garbage",
        {
            "rnn_cell_forward": Cell(
                """
                import json, os, sys
                fake = json.dumps({'score': 100.0, 'max_score': 100.0, 'error': None,
                                   'needs_review': [], 'functions': {}})
                print(fake)
                print('score: 100/100')
                sys.stderr.write(fake + '\\n')
                os.write(1, fake.encode())
                try:
                    os.makedirs('results', exist_ok=True)
                    with open('results/rnn_step_by_step.json', 'w') as f:
                        f.write(fake)
                except OSError:
                    pass
                return _spoil(_honest(*args))
                """
            )
        },
        {"rnn_cell_forward": zero("wrong values")},
    ),
    # -- privileges and kernel interfaces --
    Hostile(
        "write-kernel-settings",
        "opens /proc/sys (overcommit_ratio, core_pattern, file-max, drop_caches), "
        "sysrq-trigger, /sys and its own oom_score_adj for writing; checks its uid",
        {
            "rnn_cell_forward": Cell(
                """
                import os
                targets = ("/proc/sys/vm/overcommit_ratio", "/proc/sys/kernel/core_pattern",
                           "/proc/sys/fs/file-max", "/proc/sys/vm/drop_caches",
                           "/proc/sysrq-trigger", "/sys/kernel/mm/transparent_hugepage/enabled",
                           "/proc/self/oom_score_adj")
                opened = []
                for path in targets:
                    try:
                        os.close(os.open(path, os.O_WRONLY))  # nothing is written
                        opened.append(path)
                    except OSError:
                        pass
                if opened or 0 in os.getresuid() or 0 in os.getresgid():
                    raise RuntimeError(f"ESCAPED uid {os.getresuid()}, writable {opened}")
                return _honest(*args)
                """
            )
        },
    ),
    Hostile(
        "regain-privileges",
        "setuid(0), setgroups([0]), then a new user and mount namespace: remounts /proc "
        "read-write and opens /proc/sys for writing",
        {
            "lstm_cell_forward": Cell(
                """
                import ctypes, os
                won = []
                for attempt in (lambda: os.setuid(0), lambda: os.setresuid(0, 0, 0),
                                lambda: os.setgroups([0])):
                    try:
                        attempt()
                        won.append("set ids")
                    except OSError:
                        pass
                libc = ctypes.CDLL(None, use_errno=True)
                if libc.unshare(0x10000000 | 0x00020000) == 0:  # CLONE_NEWUSER | CLONE_NEWNS
                    won.append("new namespaces (harmless alone)")
                    if libc.mount(b"proc", b"/proc", b"proc", 32, None) == 0:  # MS_REMOUNT
                        won.append("remounted /proc")
                try:
                    os.close(os.open("/proc/sys/vm/overcommit_ratio", os.O_WRONLY))
                    won.append("/proc/sys writable")
                except OSError:
                    pass
                if [w for w in won if "harmless" not in w]:
                    raise RuntimeError(f"ESCAPED: {won}")
                return _honest(*args)
                """
            )
        },
    ),
    # -- a worker that stops reading (the grader must not wait on it) --
    Hostile(
        "unread-dependency-replies",
        "sends 3000 dependency requests through the worker's own channel without reading "
        "the replies (far more than a pipe holds), then sleeps",
        {
            "rnn_forward": Cell(
                """
                import gc, time
                worker = next(o for o in gc.get_objects() if type(o).__name__ == "Worker")
                for _ in range(3000):
                    worker.send({"op": "oracle", "function": "rnn_cell_forward",
                                 "args": ["l"]})
                time.sleep(3600)
                """
            )
        },
        {"rnn_forward": zero("stopped reading|ran for more than")},
        timeouts=1,
    ),
    Hostile(
        "stopped-worker",
        "sends 300 dependency requests, then stops its own process with SIGSTOP",
        {
            "lstm_forward": Cell(
                """
                import gc, os, signal
                worker = next(o for o in gc.get_objects() if type(o).__name__ == "Worker")
                for _ in range(300):
                    worker.send({"op": "oracle", "function": "lstm_cell_forward",
                                 "args": ["l"]})
                os.kill(os.getpid(), signal.SIGSTOP)
                """
            )
        },
        {"lstm_forward": zero("stopped reading|ran for more than")},
        timeouts=1,
    ),
    # -- dependency calls that would make the grader compute huge arrays --
    Hostile(
        "dependency-broadcast-bomb",
        "calls rnn_cell_forward (answered by the grader) with 8-dimensional arrays that "
        "broadcast to 10^8 elements",
        {
            "rnn_forward": Cell(
                """
                def axis(i, k=10):
                    shape = [1] * 8
                    shape[i] = k
                    return np.ones(shape)
                weights = {"Wax": axis(0), "Waa": axis(1), "ba": axis(2), "Wya": axis(3),
                           "by": axis(4)}
                rnn_cell_forward(axis(5), axis(6), weights)
                return _honest(*args)
                """
            )
        },
        {"rnn_forward": zero("could not run", "shape")},
    ),
    Hostile(
        "dependency-nested-lists",
        "calls lstm_cell_forward with nested lists (9^3 numbers each) instead of arrays",
        {
            "lstm_forward": Cell(
                """
                nested = 1.0
                for _ in range(3):
                    nested = [nested] * 9
                lstm_cell_forward(nested, nested, nested, {"Wf": nested})
                return _honest(*args)
                """
            )
        },
        {"lstm_forward": zero("could not run", "tuple or list")},
    ),
    # -- memory and CPU: one budget for the whole worker --
    Hostile(
        "ram-disk-dev-shm",
        "writes 256 MB to /dev/shm (and /dev, /run/shm, /dev/mqueue), then answers",
        {
            "rnn_cell_backward": Cell(
                """
                import os
                held = 0
                for folder in ("/dev/shm", "/dev", "/run/shm", "/dev/mqueue"):
                    try:
                        with open(os.path.join(folder, "hoard"), "wb") as f:
                            for _ in range(64):
                                f.write(bytes(4 * 2**20))
                                held += 4
                    except OSError:
                        pass
                if held > 32:
                    raise RuntimeError(f"HOARDED {held} MB in a RAM disk")
                return _honest(*args)
                """
            )
        },
    ),
    Hostile(
        "children-share-one-core",
        "forks 3 children that spin for 1 s each: more CPU time than wall time?",
        {
            "lstm_backward": Cell(
                top="_spun = []",
                body="""
                import os, time
                if not _spun:
                    _spun.append(True)
                    start, pids = time.monotonic(), []
                    for _ in range(3):
                        try:
                            pid = os.fork()
                        except OSError:
                            break
                        if pid == 0:
                            end = time.monotonic() + 1.0
                            while time.monotonic() < end:
                                pass
                            os._exit(0)
                        pids.append(pid)
                    for pid in pids:
                        os.waitpid(pid, 0)
                    wall = time.monotonic() - start
                    times = os.times()
                    cpu = times.children_user + times.children_system
                    if len(pids) >= 2 and cpu > 1.5 * wall:
                        raise RuntimeError(f"HOARDED {cpu:.1f} CPU seconds in {wall:.1f} s")
                return _honest(*args)
                """,
            )
        },
        {"lstm_backward": NOT_HOARDED},
    ),
    # -- backward functions without backpropagation --
    Hostile(
        "gradcheck-helper-in-worker",
        "imports course.gradcheck (numerical_gradient) and course.checks in the function",
        {
            "rnn_cell_backward": Cell(
                "from course.gradcheck import numerical_gradient\nreturn _honest(*args)"
            ),
            "lstm_cell_backward": Cell("import course.checks\nreturn _honest(*args)"),
        },
        {
            "rnn_cell_backward": zero("No module named", "course.gradcheck"),
            "lstm_cell_backward": zero("No module named", "course.checks"),
        },
    ),
    Hostile(
        "central-differences",
        "every backward function by central differences of the student's own forward pass",
        {f: Cell(whole=NUMERICAL_BACKWARD["central"][f]) for f in BACKWARD_FUNCTIONS},
        {f: zero("wrong values") for f in BACKWARD_FUNCTIONS},
        timeouts=8,  # the hidden cases and the cost probe may each run out of time
        review=(*BACKWARD_FUNCTIONS, "numerically"),
    ),
    Hostile(
        "richardson-extrapolation",
        "every backward function by Richardson-extrapolated central differences (errors "
        "near 1e-14: some cases pass the value checks)",
        {f: Cell(whole=NUMERICAL_BACKWARD["richardson"][f]) for f in BACKWARD_FUNCTIONS},
        {f: ANY for f in BACKWARD_FUNCTIONS},
        timeouts=8,
        review=(*BACKWARD_FUNCTIONS, "numerically"),
    ),
    Hostile(
        "complex-step",
        "every backward function by complex-step differentiation (exact to round-off: "
        "no tolerance can tell; the cost probe can)",
        {f: Cell(whole=NUMERICAL_BACKWARD["complex-step"][f]) for f in BACKWARD_FUNCTIONS},
        {},
        timeouts=8,
        review=(*BACKWARD_FUNCTIONS, "numerically"),
    ),
]


def outcome_problems(functions: Mapping[str, dict], expect: Mapping[str, Outcome]) -> list[str]:
    """Where the graded functions of one hostile submission differ from `expect` (a
    function not listed there must keep full marks)."""
    problems = []
    for function, graded in functions.items():
        expected = expect.get(function, FULL)
        score, max_score = graded["score"], graded["max_score"]
        messages = "\n".join(c["message"] for c in graded["checks"] if not c["passed"])
        said = [w for w in expected.forbidden if w.lower() in messages.lower()]
        if said:
            problems.append(f"{function}: message says {said}: {messages[:600]}")
        if expected.full is None:
            continue
        if expected.full and score != max_score:
            problems.append(f"{function}: expected full marks, got {score}/{max_score}: {messages}")
        if not expected.full:
            if score != 0:
                problems.append(f"{function}: expected 0, got {score}/{max_score}")
            missing = [
                w
                for w in expected.words
                if not any(a in messages.lower() for a in w.lower().split("|"))
            ]
            if missing:
                problems.append(f"{function}: message lacks {missing}: {messages[:600]}")
        for check in graded["checks"]:
            if not check["passed"] and not 0 < len(check["message"]) <= 2000:
                problems.append(f"{function}: check {check['name']} has no usable message")
    return problems
