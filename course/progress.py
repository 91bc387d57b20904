"""A progress bar for long loops (training), that costs nothing when it is hidden.

In JupyterLab it is tqdm's notebook bar; hidden (`show=False`, as the grader runs
training), it imports nothing and prints nothing.

>>> progress = ProgressBar(3, show=False)
>>> for step in range(3):
...     progress.update(loss=1.0 / (step + 1))
>>> progress.close()
"""

from __future__ import annotations


class ProgressBar:
    """A bar over `total` steps: `update(**values)` after each step shows the values
    (e.g. `loss=2.31`), `write(text)` prints a line above the bar, `close()` ends it."""

    def __init__(self, total: int, show: bool = True, description: str = "") -> None:
        self._bar = None
        if show:
            from tqdm.auto import tqdm  # only where a bar is shown (not in the grader)

            self._bar = tqdm(total=total, desc=description)

    def update(self, **values: float) -> None:
        if self._bar is not None:
            # No forced redraw: tqdm redraws at most every 0.1 s (a redraw per step
            # would cost a training loop as much as its arithmetic).
            shown = {key: f"{value:.3f}" for key, value in values.items()}
            self._bar.set_postfix(shown, refresh=False)
            self._bar.update(1)

    def write(self, text: str) -> None:
        if self._bar is not None:
            self._bar.write(text)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
