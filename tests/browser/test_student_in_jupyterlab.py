"""A student's first minutes, in a real JupyterLab driven through headless Chromium.

JupyterLab serves a copy of the release. The student opens the assignment, sees it
rendered (headings, math), runs all cells, reads the first public check's message, and
uses nbgrader's Validate button (screenshots: test-artifacts/browser/student-*.png).
"""

from __future__ import annotations

import json
import shutil

from playwright.sync_api import Page

from tests.assignments import ASSIGNMENT, NOTEBOOK, REPO
from tests.browser.conftest import jupyter_lab, shot

NOTEBOOK_STATE = """
(path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  const panel = Array.from(app.shell.widgets('main')).find(
    w => w.context && w.context.path === path);
  if (!panel || !panel.context.isReady || !panel.sessionContext.isReady) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.model.cells;
  let running = 0;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).executionState === 'running') running++;
  }
  return {kernel: kernel ? kernel.status : null, running: running, cells: cells.length};
}
"""
FIRST_CHECK_SAYS = "rnn_cell_forward is not implemented yet"


def wait_until_idle(page: Page, path: str, timeout_s: float) -> dict:
    """Wait until the notebook is open, its kernel idle and no cell running."""
    state = f"({NOTEBOOK_STATE})({json.dumps(path)})"
    page.wait_for_function(
        f"() => {{ const s = {state}; return s && s.kernel === 'idle' && !s.running; }}",
        timeout=timeout_s * 1000,
        polling=500,
    )
    return page.evaluate(state)


def test_the_student_opens_runs_reads_and_validates(tmp_path, new_page):
    shutil.copytree(REPO / "release" / ASSIGNMENT, tmp_path / ASSIGNMENT)
    with jupyter_lab(tmp_path, tmp_path / "server.log") as lab:
        page = new_page()
        path = f"{ASSIGNMENT}/{NOTEBOOK}"
        page.goto(f"{lab}/lab/tree/{path}")
        state = wait_until_idle(page, path, 180)
        shot(page, "student-1-opened")
        assert state["cells"] > 20
        assert page.get_by_role("heading", name="RNN and LSTM, step by step").is_visible()
        assert page.locator(".jp-RenderedMarkdown mjx-container").count() > 0  # math renders

        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_timeout(1000)
        wait_until_idle(page, path, 300)
        # Run All stops at the first public check, which says what to do.
        message = page.locator(".jp-OutputArea-output", has_text=FIRST_CHECK_SAYS)
        message.first.scroll_into_view_if_needed()
        shot(page, "student-2-after-run-all")
        assert message.count() >= 1

        page.get_by_role("button", name="Validate").first.click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        page.wait_for_function(
            "() => !document.querySelector('.jp-Dialog').innerText.includes('Validating')",
            timeout=120_000,
        )
        shot(page, "student-3-validate")
        assert "The following cell failed" in dialog.inner_text()
