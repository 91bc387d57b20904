"""What a grading run produces for people: per-student HTML feedback and the class summary.

`feedback_html` writes one page per student; `class_summary` writes CSVs and a histogram
for the instructor. Both read only the results dict (see `autograder.gradebook` for the
nbgrader gradebook).
"""
