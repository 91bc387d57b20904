"""The sandboxed worker: runs one student's solution cells and calls their functions.

Started by the grader as `python -I worker.py [LIB [NPROC]]` in a fresh, limited
process, or forked by the warm zygote (zygote.py), which imports this file and calls
`drop_root` and `main` in each child. Inside bubblewrap, LIB is the sandbox folder
holding numpy and `course`, a worker that starts as root first becomes uid 65534 for
good, before it imports or runs anything else, and NPROC (given where no cgroup caps the
worker) is the RLIMIT_NPROC it sets: counted in its own user namespace, so it is its cap
alone. It talks to the grader over its original stdin/stdout, which it moves out of the
way first: the student's prints go to a capped file and can never be mistaken for a
message. Everything it sends is data (see wire.py); the grader trusts none of it and
recomputes every verdict itself.
"""

import os
import sys

UNPRIVILEGED = 65534


def drop_root():
    """Become uid/gid 65534 with no groups; setuid from root also clears every
    capability, and bubblewrap's no_new_privs keeps any from coming back."""
    if os.getuid() == 0 or os.geteuid() == 0:
        os.setgroups([])
        os.setresgid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED)
        os.setresuid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED)


if __name__ == "__main__":  # started on its own (imported by the zygote, it sets up itself)
    if len(sys.argv) > 1:  # inside the sandbox (see autograder/sandbox/isolation.py)
        drop_root()
    if len(sys.argv) > 2:  # no cgroup: cap the processes of this user namespace, ours included
        import resource

        resource.setrlimit(resource.RLIMIT_NPROC, (int(sys.argv[2]),) * 2)
    sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), *sys.argv[1:2]]

import importlib  # noqa: E402  (after the drop above)
import linecache  # noqa: E402
import traceback  # noqa: E402
import types  # noqa: E402

import numpy as np  # noqa: E402  (after the path set-up above)
import wire  # noqa: E402

MAX_TEXT = 2000


def _claim_channel():
    """Keep private copies of stdin/stdout for messages; point fds 0-2 elsewhere."""
    channel_in = os.fdopen(os.dup(0), "rb", buffering=0)
    channel_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    output = os.open("student_output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    return channel_in, channel_out


def _describe(error: BaseException) -> dict:
    """Type, message and the line of the student's cell where `error` was raised."""
    where = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith("<cell "):
            where = {"cell": frame.filename[6:-1], "line": frame.lineno, "code": frame.line}
    if isinstance(error, SyntaxError) and str(error.filename).startswith("<cell "):
        where = {"cell": error.filename[6:-1], "line": error.lineno, "code": error.text}
    try:
        message = str(error)
    except BaseException:  # noqa: BLE001  (a student-made exception may fail to print)
        message = "(the error message itself could not be printed)"
    return {"type": type(error).__name__, "message": message[:MAX_TEXT], "where": where}


class Worker:
    def __init__(self, channel_in, channel_out):
        self.take = wire.stream_reader(channel_in)
        self.channel_out = channel_out
        self.namespace = {"__name__": "__main__"}
        self.seq = 0  # the number of the call being answered
        self.ledger = wire.Ledger()  # what this worker and the grader have sent each other

    def send(self, header, buffers=None, seen=None):
        """Send one message; seen: what `wire.encode` met while filling `buffers`."""
        wire.write_message(self.channel_out, {**header, "seq": self.seq}, buffers)
        self.ledger.sent(buffers or [], seen or {})

    def receive(self):
        """The next message from the grader, with a `decode` for the values in it."""
        header, buffers = wire.read_message(self.take)
        return header, wire.Received(buffers, self.ledger).decode

    def load(self, request):
        """Install the assignment's supporting modules, run the instructor's setup cell,
        then each solution cell, each on its own."""
        for name, code in request.get("modules", {}).items():
            module = types.ModuleType(name)
            module.__file__ = f"<support {name}>"
            sys.modules[name] = module
            exec(compile(code, module.__file__, "exec"), module.__dict__)
        exec(compile(request["setup"], "<setup>", "exec"), self.namespace)
        errors = {}
        for name, code in request["cells"].items():
            self.send({"op": "running", "cell": name})
            filename = f"<cell {name}>"
            linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
            try:
                exec(compile(code, filename, "exec"), self.namespace)
            except BaseException as error:  # noqa: BLE001  (one bad cell must not stop the rest)
                errors[name] = _describe(error)
        defined = [name for name in request["functions"] if callable(self.namespace.get(name))]
        self.send({"op": "loaded", "defined": defined, "cell_errors": errors})

    def oracle(self, name, own):
        """A stand-in for `name` that asks the grader for the reference result; where the
        grader declines (the reference makes no such call), `own`, the student's, answers."""

        def call_reference(*args, **kwargs):
            if kwargs:
                raise TypeError(f"call {name} with positional arguments, as in the notebook")
            buffers, seen = [], {}
            skeleton = wire.encode(list(args), buffers, seen, self.ledger)
            self.send({"op": "oracle", "function": name, "args": skeleton}, buffers, seen)
            header, decode = self.receive()
            if header.get("op") == "oracle_declined":
                if not callable(own):
                    raise NameError(f"name {name!r} is not defined")
                return own(*args)
            if header.get("op") != "oracle_result":
                raise RuntimeError(str(header.get("message", "the reference call failed")))
            return decode(header["value"])

        call_reference.__name__ = name
        return call_reference

    def call(self, request, decode):
        """Call a function on the request's arguments, once or, for a stochastic function,
        `draws` times (one generator for all draws; numpy's global one seeded too)."""
        self.seq = request["seq"]
        name = request["function"]
        args = decode(request["args"])
        draws = request.get("draws", 0)
        call_args = wire.generators(args)
        stand_ins = request.get("stand_ins", {})
        saved = {dep: self.namespace.get(dep) for dep in [*request["oracles"], *stand_ins]}
        for dep in request["oracles"]:
            self.namespace[dep] = self.oracle(dep, saved[dep])
        for dep, where in stand_ins.items():  # a public `course` function, as the reference
            module, attribute = where.split(":")
            if module.split(".")[0] == "course":
                self.namespace[dep] = getattr(importlib.import_module(module), attribute)
        try:
            if draws:
                seeds = [arg.seed for arg in args if isinstance(arg, wire.RandomSource)]
                np.random.seed(seeds[0] % 2**32 if seeds else 0)
                value = [self.namespace[name](*call_args) for _ in range(draws)]
            else:
                value = self.namespace[name](*call_args)
        except BaseException as error:  # noqa: BLE001  (report, don't die: SystemExit too)
            self.send({"op": "raised", **_describe(error)})
            return
        finally:
            self.namespace.update(saved)
        if request.get("discard"):  # a cost probe: only the time counts
            self.send({"op": "returned", "value": ["n"], "args_after": ["n"]})
            return
        out, seen = [], {}  # one message: an array in both is sent once
        try:
            header = {
                "op": "returned",
                "value": wire.encode(value, out, seen, self.ledger),
                "args_after": wire.encode(list(args), out, seen, self.ledger),
            }
        except BaseException as error:  # noqa: BLE001
            self.send({"op": "raised", **_describe(error), "while": "reading the returned value"})
            return
        self.send(header, out, seen)

    def serve(self):
        while True:
            try:
                request, decode = self.receive()
            except EOFError:
                return
            if request["op"] == "load":
                self.load(request)
            elif request["op"] == "call":
                self.call(request, decode)


def main():
    channel_in, channel_out = _claim_channel()
    np.seterr(all="ignore")
    Worker(channel_in, channel_out).serve()


if __name__ == "__main__":
    main()
