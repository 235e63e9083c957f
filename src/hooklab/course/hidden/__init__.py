"""Hidden checks: the grader's own cases for each exercise, one module per lab (``labNN.py``).

Instructor-only: ``hooklab release`` leaves this folder out of the student release, with the
solutions. Each module registers ``@hidden("NN.M")`` functions (see :func:`hooklab.course.checks.hidden`).
"""
