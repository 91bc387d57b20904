"""The warm worker ("zygote"): a sandboxed Python that has imported numpy and the course,
never runs student code, and forks one worker per submission.

Started by the grader (autograder/sandbox/zygote_process.py) as
`python -I -S -B zygote.py LIB` inside bubblewrap, as root, with only the capabilities
to make namespaces and to drop to uid 65534. It talks to the grader over a unix
SOCK_SEQPACKET socket on fd 0, one JSON message per packet:

- grader -> zygote: {"op": "spawn", "id", "tmp_bytes", "rlimits"} with three file
  descriptors (the worker's stdin, stdout and stderr); {"op": "release", "id", "go"}:
  go on (once the grader has put the init in its cgroup), or give up.
- zygote -> grader: {"op": "ready"}, {"op": "spawned", "id", "pid"},
  {"op": "exited", "id", "status"} (exit code, or 128 + signal as bubblewrap reports).

Each submission gets two processes, so that it keeps the isolation of a worker started
on its own in a fresh bubblewrap:

1. the *init*, forked by the zygote into a new pid namespace, whose pid 1 it is (the
   zygote unshares a pid namespace for its next child, forks, and returns to its own):
   closes every file but the worker's three, waits until the grader has put it in the
   submission's cgroup ("release"), then makes new mount, network, IPC and UTS
   namespaces, mounts a private, size-limited /tmp and a /proc that shows only this
   submission's processes, and forks
2. the *worker*: its own session, the resource limits, uid 65534 with no capability,
   then worker.py's `main` serves the grader exactly as a freshly started worker does.

When the worker ends, init exits with its status, and with init every process of the
namespace dies; init dies with the zygote (PR_SET_PDEATHSIG), so nothing outlives the
grader. The worker cannot reach the zygote, its init or another submission: they are
outside its pid namespace or run as root, and are not dumpable; its files, sockets and
IPC live in namespaces of its own; and what it changes in memory is its own copy. (A
third process, between the zygote and init, made the namespaces before; each process
costs about 2.5 ms of CPU for copying and tearing down the zygote's memory.)
"""

import ctypes
import json
import os
import resource
import selectors
import signal
import socket
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REC, MS_PRIVATE = 1 << 14, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
MAX_PACKET = 65536
# Imported once here, so that no worker pays for them (what solution cells import).
WARM_MODULES = (
    "numpy",
    "wire",
    "worker",
    "course",
    "course.activations",
    "course.notation",
    "course.progress",
)

_libc = ctypes.CDLL(None, use_errno=True)


def _call(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _die_with_parent() -> None:
    """Be killed when the parent dies."""
    _call(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")


def _not_dumpable() -> None:
    _call(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(DUMPABLE)")


def _mount(source: bytes, target: bytes, kind: bytes | None, flags: int, data: bytes | None):
    _call(_libc.mount(source, target, kind, flags, data), f"mount {target.decode()}")


def exit_status(status: int) -> int:
    """A wait status as bubblewrap reports it: the exit code, or 128 + the signal."""
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status) & 0xFF


def _init(go: int, go_write: int, fds: list[int], request: dict) -> None:
    """Process 1 of a submission, pid 1 of its pid namespace; never returns.
    go: the read end of the pipe the zygote says "go" on; fds: the worker's stdin,
    stdout and stderr."""
    # Its parent, the zygote, is outside its pid namespace: if the zygote died before
    # this line, the "go" pipe is closed (no process has its write end) and init ends.
    _die_with_parent()
    os.close(go_write)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    os.setsid()
    os.dup2(go, 3)
    os.closerange(4, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    if os.read(3, 1) != b"g":  # the grader cancelled it (it could not cap its resources)
        os._exit(1)
    os.close(3)
    _call(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    _mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)  # mounts stay in here
    size = int(request["tmp_bytes"])
    _mount(b"tmpfs", b"/tmp", b"tmpfs", MS_NOSUID | MS_NODEV, b"size=%d,mode=1777" % size)
    _mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, None)
    _not_dumpable()
    worker = os.fork()
    if worker == 0:
        _run(_worker, request)
    while True:  # pid 1 adopts orphans: reap them all until the worker itself ends
        pid, status = os.wait()
        if pid == worker:
            os._exit(exit_status(status))


def _worker(request: dict) -> None:
    """Process 2: the worker, as worker.py's own start makes it; never returns."""
    import worker

    os.setsid()
    os.chdir("/tmp")
    os.umask(0o022)
    for which, value in request["rlimits"].items():
        resource.setrlimit(int(which), (int(value), int(value)))
    worker.drop_root()
    worker.main()
    os._exit(0)


def _run(body, *args) -> None:
    """Run a child's `body` and never return into the zygote's loop, whatever happens."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        body(*args)
    except BaseException as error:  # noqa: BLE001
        try:
            os.write(2, f"{type(error).__name__}: {error}\n".encode())
        finally:
            os._exit(127)
    os._exit(0)


class Zygote:
    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.children: dict[int, tuple[int, int]] = {}  # pid -> (id, write end of "go")
        self.pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY)  # its own

    def send(self, message: dict) -> None:
        self.control.send(json.dumps(message).encode())

    def spawn(self, request: dict, fds: list[int]) -> None:
        go_read, go_write = os.pipe()
        _call(_libc.unshare(CLONE_NEWPID), "unshare(pid)")  # for the next child only
        pid = -1
        try:
            pid = os.fork()
        finally:
            if pid != 0:  # (not in the child: it must fork its worker in its namespace)
                _call(_libc.setns(self.pid_namespace, CLONE_NEWPID), "setns(pid)")
        if pid == 0:
            _run(_init, go_read, go_write, fds, request)
        os.close(go_read)
        for fd in fds:
            os.close(fd)
        self.children[pid] = (request["id"], go_write)
        self.send({"op": "spawned", "id": request["id"], "pid": pid})

    def release(self, request: dict) -> None:
        for pid, (child, go) in self.children.items():
            if child == request["id"] and go >= 0:
                if request.get("go"):
                    os.write(go, b"g")
                os.close(go)
                self.children[pid] = (child, -1)

    def reap(self) -> None:
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            child, go = self.children.pop(pid)
            if go >= 0:
                os.close(go)
            self.send({"op": "exited", "id": child, "status": exit_status(status)})

    def serve(self) -> None:
        wakeup_read, wakeup_write = os.pipe()
        os.set_blocking(wakeup_write, False)
        signal.set_wakeup_fd(wakeup_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        selector = selectors.DefaultSelector()
        selector.register(self.control, selectors.EVENT_READ)
        selector.register(wakeup_read, selectors.EVENT_READ)
        self.send({"op": "ready"})
        while True:
            for key, _ in selector.select():
                if key.fileobj == wakeup_read:
                    os.read(wakeup_read, 4096)
                    self.reap()
                    continue
                data, fds, _, _ = socket.recv_fds(self.control, MAX_PACKET, 3)
                if not data:
                    return  # the grader is gone: the children die with us
                request = json.loads(data)
                if request["op"] == "spawn" and len(fds) == 3:
                    self.spawn(request, fds)
                else:
                    for fd in fds:
                        os.close(fd)
                    if request["op"] == "release":
                        self.release(request)


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [here, sys.argv[1]]
    import importlib

    for name in WARM_MODULES:
        importlib.import_module(name)
    _not_dumpable()
    control = socket.socket(fileno=os.dup(0))
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    Zygote(control).serve()


if __name__ == "__main__":
    main()
