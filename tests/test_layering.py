"""The course tooling stands apart from the stack: `import hooklab` does not load it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _modules_after(code: str, tmp_path) -> dict:
    """Run ``code`` in a fresh interpreter; return what it printed as JSON."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # write nothing into the repository
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


COURSE = "sorted(m for m in sys.modules if m.startswith(('hooklab.course', 'hooklab.quiz')))"


@pytest.mark.parametrize("imports", ["import hooklab", "import hooklab, hooklab.cli",
                                     "import hooklab.widgets, hooklab.load, hooklab.testing"])
def test_importing_hooklab_loads_no_course_module(imports, tmp_path):
    assert _modules_after(f"{imports}; import json, sys; print(json.dumps({COURSE}))", tmp_path) == []


def test_labs_still_reach_their_checks_through_hooklab_checks(tmp_path):
    # what every check cell of a lab does: hooklab.checks.check(...), after a bare `import hooklab`
    code = ("import hooklab, json, sys; check = hooklab.checks.check; "
            "print(json.dumps([check.__module__, hooklab.checks is sys.modules['hooklab.course.checks'], "
            "'checks' in dir(hooklab)]))")
    assert _modules_after(code, tmp_path) == ["hooklab.course.checks", True, True]


def test_an_unknown_attribute_is_still_an_attribute_error():
    import hooklab

    with pytest.raises(AttributeError, match="no attribute 'chekcs'"):
        hooklab.chekcs  # noqa: B018
