"""`rnn-autograde doctor`: which protections grading has on this machine, tested for real.

It starts a worker exactly as grading does (forked from the warm zygote where the machine
allows one, see autograder/sandbox/zygote.py) and runs a probe in it that tries what a
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
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.limits import Limits, megabytes
from autograder.sandbox.session import WorkerFailure, WorkerSession
from autograder.sandbox.worker_cgroup import WorkerCgroup, find_layout
from autograder.sandbox.zygote_process import Zygote, ZygoteError, zygote_for

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
    # Kernel interfaces: opened for writing (nothing is written), must all be refused.
    kernel = {{}}
    for path in {kernel_files!r}:
        try:
            os.close(os.open(path, os.O_WRONLY))
            kernel[path] = 1.0
        except OSError:
            kernel[path] = 0.0
    # Every filesystem the worker can write to, with its size if it has one.
    writable = {{}}
    with open("/proc/self/mountinfo") as mounts:
        for line in mounts:
            fields = line.split()
            if "rw" in fields[5].split(",") and os.path.isdir(fields[4]):
                stats = os.statvfs(fields[4])
                writable[fields[4]] = float(stats.f_blocks * stats.f_frsize)
    try:
        with open("/dev/shm/rnn-doctor", "w") as f:
            f.write("x")
        shm = 1.0
    except OSError:
        shm = 0.0
    processes = float(len([p for p in os.listdir("/proc") if p.isdigit()]))
    memory = float(resource.getrlimit(resource.RLIMIT_AS)[0])
    return {{"seen": seen, "network": network, "processes": processes, "memory": memory,
            "uid": float(os.getuid()), "euid": float(os.geteuid()), "kernel": kernel,
            "writable": writable, "shm": shm, "sys": float(os.path.exists("/sys"))}}
"""
KERNEL_FILES = (
    "/proc/sys/vm/overcommit_ratio",
    "/proc/sys/kernel/core_pattern",
    "/proc/sys/fs/file-max",
    "/proc/sys/vm/drop_caches",
    "/proc/sysrq-trigger",
)
# Writable in the sandbox: its size-capped /tmp and the pseudo-terminal filesystem
# (device nodes only, no storage).
WRITABLE_MOUNTS = ("/tmp", "/dev/pts")


def _private_paths(layout: CourseLayout | None) -> list[str]:
    if layout is None:
        return ["/root/.rnn-autograde-doctor"]
    return [
        str(layout.root / name)
        for name in ("source", "gradebook.db", ".course_secret", "submitted")
    ]


def run_probe(
    isolation: Isolation, limits: Limits, private: list[str], zygote: Zygote | None = None
) -> dict:
    """Run PROBE in a worker (forked from `zygote` if given); returns its findings."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        with WorkerSession(isolation, limits, zygote) as session:
            code = PROBE.format(
                private=private,
                port=listener.getsockname()[1],
                probe_file=PROBE_FILE,
                kernel_files=KERNEL_FILES,
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
            found = reply.decode("value")
            # What counts is whether the file reached the real course folder: inside the
            # sandbox a path under /tmp may land in its private /tmp instead.
            found["wrote_outside"] = (Path(private[0]).parent / PROBE_FILE).exists()
            return found
    finally:
        listener.close()
        (Path(private[0]).parent / PROBE_FILE).unlink(missing_ok=True)


def _budget_row(limits: Limits) -> tuple[str, bool]:
    """One budget per worker: cgroups, or else the small process cap of README."""
    cgroup = WorkerCgroup(limits, find_layout())
    kind = cgroup.kind
    cgroup.remove()
    if kind != "rlimits":
        return (
            f"one budget per worker ({kind}): {limits.processes} processes, "
            f"{megabytes(limits.memory_bytes)} of memory with its /tmp, one CPU core",
            True,
        )
    if os.geteuid() != 0:
        memory, cpu = limits.fallback_budget()
        return (
            f"one budget per worker (no writable cgroups, so RLIMIT_NPROC in its user namespace): "
            f"{limits.fallback_processes} processes of {megabytes(limits.memory_bytes)} "
            f"each, at most {megabytes(memory)} and {cpu} CPU seconds in all",
            True,
        )
    return "one budget per worker (as root it needs writable cgroups)", False


def _sandbox_rows(found: dict, limits: Limits) -> list[tuple[str, bool]]:
    """What the probe saw of the uid, the kernel interfaces and the writable mounts."""
    kernel_open = [path for path, opened in found["kernel"].items() if opened]
    writable = found["writable"]
    unexpected = sorted(set(writable) - set(WRITABLE_MOUNTS))
    tmp_ok = 0 < writable.get("/tmp", 0) <= limits.temp_bytes
    return [
        (
            f"student code runs as uid {found['uid']:.0f} (unprivileged: 65534)",
            found["uid"] == found["euid"] == 65534,
        ),
        (
            "kernel settings read-only (/proc/sys, sysrq-trigger), /sys absent"
            + (f"; writable: {', '.join(kernel_open)}" if kernel_open else ""),
            not kernel_open and not found["sys"],
        ),
        (
            f"only /tmp is writable, capped at {megabytes(limits.temp_bytes)}; no /dev/shm"
            + (f"; also writable: {', '.join(unexpected)}" if unexpected else ""),
            not unexpected and tmp_ok and not found["shm"],
        ),
    ]


def run_doctor() -> int:
    try:
        layout = CourseLayout.discover()
    except FileNotFoundError:
        layout = None
    isolation = Isolation.detect()
    limits = Limits()
    problems = []
    print(f"bubblewrap: {isolation.bwrap or 'NOT FOUND'}")
    zygote = None
    if isolation.can_fork_workers:
        try:
            zygote = zygote_for(isolation)
        except ZygoteError as error:
            print(f"[--] warm workers: the zygote did not start ({error})")
    if zygote is not None:
        print("[ok] warm workers: each forked from a zygote that has imported numpy")
    else:
        print(
            "[--] warm workers: not here (they need bubblewrap, root and cgroups): each "
            "worker starts a Python of its own, slower, with the same protections"
        )
    try:
        found = run_probe(isolation, limits, _private_paths(layout), zygote)
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
        (
            f"memory limit {megabytes(limits.memory_bytes)} per process",
            found["memory"] == limits.memory_bytes,
        ),
        *(_sandbox_rows(found, limits) if isolation.sandboxed else []),
        _budget_row(limits),
    ]
    for label, ok in rows:
        print(f"[{'ok' if ok else 'MISSING'}] {label}")
        if not ok:
            problems.append(label)
    print(
        f"[ok] limits: {limits.seconds_per_function:.0f} s per function, "
        f"{limits.cpu_seconds} s CPU per process, {megabytes(limits.output_bytes)} output, "
        f"{megabytes(limits.temp_bytes)} temporary folder"
    )
    if problems:
        print("\nGrading here is unsafe: student code could reach what is marked MISSING.")
        if not isolation.sandboxed:
            print("Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap).")
        return 1
    print("\nAll protections are active.")
    return 0
