"""rnn-course autograder: grades nbgrader submissions in isolated, limited processes."""
