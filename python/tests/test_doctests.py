"""The examples in the docstrings of the installed package run and give what they show.

``tahrid.spark`` imports pyspark, so its doctests are skipped without it, unless
TAHRID_REQUIRE_SPARK=1 (as in CI), which makes a missing pyspark a failure.
"""

from __future__ import annotations

import doctest
import importlib
import io
import os

import pytest


@pytest.mark.parametrize("name", ["tahrid", "tahrid.spark"])
def test_docstring_examples(name):
    if name == "tahrid.spark" and os.environ.get("TAHRID_REQUIRE_SPARK") != "1":
        pytest.importorskip("pyspark")
    module = importlib.import_module(name)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module):
        runner.run(test, out=out.write)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, out.getvalue()
    assert result.attempted > 0, f"no docstring example found in {name}"
