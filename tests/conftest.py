"""Shared fixtures. Every test runs in its own empty folder, never against the repository's store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quotecheck.cli import cli
from quotecheck.store import Store

REPO = Path(__file__).resolve().parent.parent
FIXTURE_ARTICLES = REPO / "fixtures" / "articles"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tmp_path with no QUOTECHECK_DB from the environment, so the default store
    (db/quotes.db under the current folder) can only ever land in tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUOTECHECK_DB", raising=False)


@pytest.fixture
def store() -> Iterator[Store]:
    """A fresh in-memory store."""
    opened = Store.open(":memory:")
    yield opened
    opened.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the file store of a test lives (not created until something opens it)."""
    return tmp_path / "store" / "quotes.db"


@pytest.fixture
def file_store(db_path: Path) -> Iterator[Store]:
    """A fresh store in a file under tmp_path."""
    opened = Store.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def runner(db_path: Path) -> CliRunner:
    """A CliRunner whose QUOTECHECK_DB points at `db_path`."""
    return CliRunner(env={"QUOTECHECK_DB": str(db_path)})


@pytest.fixture
def run(runner: CliRunner) -> Callable[..., Result]:
    """run("ingest", "a.txt") -> click Result (exceptions other than exits propagate)."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False, prog_name="quotecheck")

    return invoke


def article_text(body: str, front: dict[str, str] | None = None, *, layout: str = "fenced") -> str:
    """An article's file text: `body` under optional front matter.

    layout "fenced": key: value lines between two --- lines; "top": key: value lines at the
    very top ended by one --- line.
    """
    if front is None:
        return body
    lines = "".join(f"{key}: {value}\n" for key, value in front.items())
    if layout == "fenced":
        return "---\n" + lines + "---\n" + body
    if layout == "top":
        return lines + "---\n" + body
    raise ValueError(f"unknown front matter layout {layout!r}")


@pytest.fixture
def write_article(tmp_path: Path) -> Callable[..., Path]:
    """write_article("a.txt", body, front={...}, layout="fenced"|"top", newline="\\n") -> its path."""

    def write(
        name: str,
        body: str,
        front: dict[str, str] | None = None,
        *,
        layout: str = "fenced",
        newline: str = "\n",
    ) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = article_text(body, front, layout=layout).replace("\n", newline)
        path.write_bytes(text.encode("utf-8"))
        return path

    return write
