"""The README's "Inspecting the store" recipes run as written on a store of the fixtures."""

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotecheck.cli import cli

REPO = Path(__file__).resolve().parent.parent


def recipes() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Inspecting the store", 1)[1]
    block = section.split("```", 2)[1]
    return [line for line in block.splitlines() if line.startswith("sqlite-utils ")]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inspect")
    result = CliRunner().invoke(cli, ["--db", str(folder / "db" / "quotes.db"), "ingest", str(REPO / "fixtures" / "articles")])
    assert result.exit_code == 0, result.output
    return folder


def test_the_readme_has_recipes_for_each_view():
    text = "\n".join(recipes())
    for name in ("--counts", "cluster_summary", "variants", "outlet_changes", "query", "search"):
        assert name in text


@pytest.mark.parametrize("recipe", recipes())
def test_recipe_runs(recipe, store):
    args = shlex.split(recipe)
    command = [sys.executable, "-m", "sqlite_utils", *args[1:]]
    result = subprocess.run(command, cwd=store, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    if "pardoning" in recipe:
        assert "pardoning" in result.stdout
    if "outlet_changes" in recipe:
        assert "RT" in result.stdout and "verbatim" in result.stdout
