"""A real JupyterLab (from the project's venv) and the distribution's Chromium, driven by
Playwright's Python package (no browser is downloaded; `course.sh test` installs Chromium
from apt). Screenshots go to `test-artifacts/browser/`, kept for a look after a failure.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.assignments import REPO

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts" / "browser"
# Without the background-networking flags Chromium tries the (closed) network at start.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def jupyter_lab(root: Path, log: Path) -> Iterator[str]:
    """JupyterLab serving `root` (run from it, so nbgrader reads its config); yields its
    base URL, and kills it and its kernels afterwards."""
    port = free_port()
    jupyter = Path(sys.executable).parent / "jupyter"
    command = [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    command += ["--ServerApp.port_retries=0", "--ServerApp.token=", "--ServerApp.password="]
    command += [f"--ServerApp.root_dir={root}", "--allow-root"]
    command += ["--LabApp.expose_app_in_browser=True"]  # lets the tests read the app's state
    env = {**os.environ, "PATH": f"{jupyter.parent}:{os.environ['PATH']}", "MPLBACKEND": "Agg"}
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/api/status", timeout=5) as answer:
                        json.load(answer)
                    break
                except OSError:
                    running = server.poll() is None and time.monotonic() < deadline
                    assert running, f"JupyterLab did not start: see {log}"
                    time.sleep(0.5)
            yield base
        finally:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "course.sh test installs chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    contexts = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
