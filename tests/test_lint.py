"""The code passes the project's lint rules (ruff, configured in pyproject.toml)."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is in the test extra: pip install '.[test]'")
def test_ruff_finds_nothing():
    result = subprocess.run(
        ["ruff", "check", "quotecheck", "tests", "benchmarks"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
