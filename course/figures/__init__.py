"""The course diagrams and the vanishing-gradient plot, drawn by code with matplotlib.

Each function returns a matplotlib Figure (a notebook displays it when a cell returns it).
"""

from course.figures.gradient_flow import plot_gradient_flow
from course.figures.intuition import explore_gradients, plot_one_bit_memory, with_sliders
from course.figures.language_model import (
    plot_batch,
    plot_clipping,
    plot_gradient_norms,
    plot_model_comparison,
    plot_name_lengths,
    plot_temperatures,
    plot_training,
)
from course.figures.lstm_diagrams import (
    draw_lstm_cell,
    draw_lstm_cell_backward,
    draw_lstm_forward,
)
from course.figures.rnn_diagrams import (
    draw_rnn_backward,
    draw_rnn_cell,
    draw_rnn_cell_backward,
    draw_rnn_forward,
)

__all__ = [
    "draw_rnn_cell",
    "draw_rnn_forward",
    "draw_rnn_cell_backward",
    "draw_rnn_backward",
    "draw_lstm_cell",
    "draw_lstm_forward",
    "draw_lstm_cell_backward",
    "plot_gradient_flow",
    "plot_one_bit_memory",
    "explore_gradients",
    "with_sliders",
    # Assignment 2: plots of the data and training runs they are given.
    "plot_name_lengths",
    "plot_batch",
    "plot_clipping",
    "plot_training",
    "plot_temperatures",
    "plot_gradient_norms",
    "plot_model_comparison",
]
