"""nbgrader configuration: the repository root is the course directory."""

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "rnn-course"

# Student notebooks get the standard nbgrader stub.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# nbgrader autograde runs every cell in one kernel; keep a runaway cell from hanging it.
c.Execute.timeout = 60

# An assignment's grading package (source/<assignment>/grading/: reference cases, known
# mistakes as patches on the solutions) is for the grader only: never copied to release/.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "grading"]
