"""The ``>>>`` examples in the package's docstrings run, and show what they claim.

They run through :mod:`doctest` on the modules as imported, so the same test holds for an
editable install and for Binder's regular one (``pytest --doctest-modules`` over ``src/``
would import a second copy of the package there).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import hooklab


def _with_examples() -> list[str]:
    finder = doctest.DocTestFinder()
    names = []
    for info in pkgutil.walk_packages(hooklab.__path__, "hooklab."):
        module = importlib.import_module(info.name)
        if any(test.examples for test in finder.find(module)):
            names.append(info.name)
    return sorted({"hooklab", *names})


@pytest.mark.parametrize("name", _with_examples())
def test_the_examples_in_the_docstrings_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, report=False)
    assert result.attempted > 0 and result.failed == 0, \
        f"{result.failed} of {result.attempted} examples in {name} failed; the output above says which"
