"""`rnn-autograde doctor`: which protections grading has on this machine, tested for real.

It starts a worker exactly as grading does and runs a probe in it that tries what a
hostile submission would: read the course's private files, write outside its folder,
reach a server on this machine, see other processes. Exit status 1 means grading here
would be unsafe in a way the instructor can fix (the report says how).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from autograder.course_layout import CourseLayout
from autograder.sandbox import wire
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.limits import Limits, megabytes
from autograder.sandbox.process_cap import ProcessCap, cgroup_base
from autograder.sandbox.session import WorkerFailure, WorkerSession

PROBE_FILE = ".rnn-autograde-doctor-probe"
PROBE = """
def probe():
    import os, resource, socket
    private_paths, port = {private!r}, {port!r}
    PROBE_FILE = {probe_file!r}
    seen = [float(os.path.exists(p)) for p in private_paths]
    try:
        socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()
        network = 1.0
    except OSError:
        network = 0.0
    try:
        with open(os.path.join(os.path.dirname(private_paths[0]), PROBE_FILE), "w") as f:
            f.write("x")  # the grader looks for this file in the real course folder
    except OSError:
        pass
    processes = float(len([p for p in os.listdir("/proc") if p.isdigit()]))
    memory = float(resource.getrlimit(resource.RLIMIT_AS)[0])
    return {{"seen": seen, "network": network,
            "processes": processes, "memory": memory}}
"""


def _private_paths(layout: CourseLayout | None) -> list[str]:
    if layout is None:
        return ["/root/.rnn-autograde-doctor"]
    return [
        str(layout.root / name)
        for name in ("source", "gradebook.db", ".course_secret", "submitted")
    ]


def run_probe(isolation: Isolation, limits: Limits, private: list[str]) -> dict:
    """Run PROBE in a worker; returns its findings."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        with WorkerSession(isolation, limits) as session:
            code = PROBE.format(
                private=private, port=listener.getsockname()[1], probe_file=PROBE_FILE
            )
            loaded = session.load("", {"probe": code}, ["probe"])
            if "probe" not in loaded["defined"]:
                raise RuntimeError(f"the probe did not load: {loaded['cell_errors']}")
            reply = session.call(
                "probe",
                (),
                None,
                (),
                time.monotonic() + 20,
                "the probe timed out",
            )
            if reply.header["op"] != "returned":
                raise RuntimeError(f"the probe failed: {reply.header.get('message')}")
            found = wire.decode(reply.header["value"], reply.buffers)
            # What counts is whether the file reached the real course folder: inside the
            # sandbox a path under /tmp may land in its private /tmp instead.
            found["wrote_outside"] = (Path(private[0]).parent / PROBE_FILE).exists()
            return found
    finally:
        listener.close()
        (Path(private[0]).parent / PROBE_FILE).unlink(missing_ok=True)


def _process_cap_row(limits: Limits) -> tuple[str, bool]:
    cap = ProcessCap(limits.processes, cgroup_base())
    cap.remove()
    if cap.path is not None:
        return f"at most {limits.processes} processes per worker (pids cgroup)", True
    if os.geteuid() != 0:
        return f"at most {limits.processes} more processes per worker (RLIMIT_NPROC)", True
    return "process cap (as root it needs a writable pids cgroup)", False


def run_doctor() -> int:
    try:
        layout = CourseLayout.discover()
    except FileNotFoundError:
        layout = None
    isolation = Isolation.detect()
    limits = Limits()
    problems = []
    print(f"bubblewrap: {isolation.bwrap or 'NOT FOUND'}")
    try:
        found = run_probe(isolation, limits, _private_paths(layout))
    except (WorkerFailure, RuntimeError, OSError) as error:
        print(f"[FAIL] a worker could not be started: {error}")
        if isolation.sandboxed:
            print(
                "       bubblewrap may need unprivileged user namespaces "
                "(sysctl kernel.unprivileged_userns_clone=1) or root"
            )
        return 1
    rows = [
        ("course files hidden (source/, secret, gradebook, submissions)", not any(found["seen"])),
        ("cannot write outside its temporary folder", not found["wrote_outside"]),
        ("no network (a server on 127.0.0.1 was unreachable)", not found["network"]),
        ("own process tree (sees only its own processes)", found["processes"] <= 3),
        (f"memory limit {megabytes(limits.memory_bytes)}", found["memory"] == limits.memory_bytes),
        _process_cap_row(limits),
    ]
    for label, ok in rows:
        print(f"[{'ok' if ok else 'MISSING'}] {label}")
        if not ok:
            problems.append(label)
    print(
        f"[ok] limits: {limits.seconds_per_function:.0f} s per function, "
        f"{limits.cpu_seconds} s CPU, {megabytes(limits.output_bytes)} output, "
        f"{megabytes(limits.temp_bytes)} temporary folder"
    )
    if problems:
        print("\nGrading here is unsafe: student code could reach what is marked MISSING.")
        if not isolation.sandboxed:
            print("Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap).")
        return 1
    print("\nAll protections are active.")
    return 0
