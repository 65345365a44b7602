"""`quotecheck check`: statuses, exit codes, output formats, and the store left untouched."""

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotecheck.cli import cli

REPO = Path(__file__).resolve().parent.parent
ARTICLES = {path.stem.split("_", 1)[1]: path for path in (REPO / "fixtures" / "articles").glob("*.txt")}
GITHUB_LINE = re.compile(
    r"::(?P<level>error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=\d+,endColumn=\d+,title=(?P<title>[^:]+)::(?P<message>.+)"
)


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


@pytest.fixture(scope="module")
def store_2021(tmp_path_factory) -> Path:
    """The four 2021 fixtures, ingested."""
    db = tmp_path_factory.mktemp("store") / "q.db"
    for name in ("rt", "imi-reuters", "epoch-times", "vice"):
        assert run(db, "ingest", str(ARTICLES[name])).exit_code == 0
    return db


def copy_store(db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy.db"
    shutil.copy(db, target)
    return target


def findings(result) -> list[dict]:
    return json.loads(result.output)["findings"]


def test_the_2022_retranslation_is_altered_with_its_diff(store_2021, tmp_path):
    db = copy_store(store_2021, tmp_path)
    result = run(db, "check", str(ARTICLES["vikendi"]), "--format", "json")
    assert result.exit_code == 1
    altered = [f for f in findings(result) if f["status"] == "altered"]
    assert len(altered) == 1
    finding = altered[0]
    assert "He deserves another chance" in finding["text"]
    assert finding["earliest"]["outlet"] == "RT" and set(finding["earliest"]["outlets"]) == {"RT", "VICE News"}
    changes = {(tuple(d["reference"]), tuple(d["variant"])) for d in finding["diff"] if d["op"] != "equal"}
    assert (("a",), ("another",)) in changes


def test_quotations_shared_with_the_store_are_ok(tmp_path):
    db = tmp_path / "q.db"
    run(db, "ingest", str(ARTICLES["rt"]))
    result = run(db, "check", str(ARTICLES["vice"]), "--format", "json")
    assert result.exit_code == 0, result.output
    by_text = {f["text"].strip(" ,.”"): f["status"] for f in findings(result)}
    assert by_text["Assange is a journalist and deserves a chance, I am in favor of pardoning him"] == "ok"
    assert by_text["We’ll give him protection"] == "ok"


def test_known_words_given_to_another_speaker_are_misattributed(store_2021, tmp_path):
    db = copy_store(store_2021, tmp_path)
    article = tmp_path / "swap.txt"
    article.write_text(
        "---\noutlet: The Daily Test\ndate: 2021-02-01\n---\n"
        "“Assange is a journalist and deserves a chance, I am in favor of pardoning him,” "
        "said Mark Feierstein, a former Obama administration official.\n",
        encoding="utf-8",
    )
    result = run(db, "check", str(article), "--format", "json")
    assert result.exit_code == 1
    (finding,) = findings(result)
    assert finding["status"] == "misattributed"
    assert finding["speaker"] == "Mark Feierstein"
    assert finding["known"]["speaker"] == "Andrés Manuel López Obrador"


def test_one_sentence_of_a_longer_known_quotation_is_truncated_or_misattributed(tmp_path):
    db = tmp_path / "q.db"
    speech = tmp_path / "speech.txt"
    speech.write_text(
        "---\noutlet: The Harbour Post\ndate: 2021-03-01\n---\n"
        "Mayor Lena Holm spoke at the quay on Monday.\n\n"
        "“We listened to the families for months and we changed the plan twice. The harbour will reopen "
        "to every fishing boat before the summer season begins. Nobody will be left out, and nobody will "
        "pay more than they paid last year,” Holm said.\n",
        encoding="utf-8",
    )
    assert run(db, "ingest", str(speech)).exit_code == 0
    article = tmp_path / "cut.txt"
    article.write_text(
        "---\noutlet: Coast News\ndate: 2021-03-02\n---\n"
        "“The harbour will reopen to every fishing boat before the summer season begins,” Mayor Lena Holm said.\n\n"
        "“The harbour will reopen to every fishing boat before the summer season begins,” said Tom Ash, a fisherman.\n",
        encoding="utf-8",
    )
    result = run(db, "check", str(article), "--format", "json")
    statuses = [(f["speaker"], f["status"]) for f in findings(result)]
    assert statuses == [("Lena Holm", "truncated"), ("Tom Ash", "misattributed")]


def test_new_and_truncated_are_information_unless_asked(store_2021, tmp_path):
    db = copy_store(store_2021, tmp_path)
    article = tmp_path / "new.txt"
    article.write_text("“The harbour will reopen next spring,” Mayor Lena Holm said.\n", encoding="utf-8")
    result = run(db, "check", str(article), "--format", "json")
    assert result.exit_code == 0 and findings(result)[0]["status"] == "new"
    assert run(db, "check", str(article), "--fail-on", "new").exit_code == 1
    assert run(db, "check", str(ARTICLES["vikendi"]), "--fail-on", "none").exit_code == 0
    assert run(db, "check", str(article), "--fail-on", "bogus").exit_code == 2


def test_positions_point_at_the_quotation_in_the_file(store_2021, tmp_path):
    db = copy_store(store_2021, tmp_path)
    path = ARTICLES["vikendi"]
    lines = path.read_text(encoding="utf-8").split("\n")
    for finding in findings(run(db, "check", str(path), "--format", "json")):
        line = lines[finding["line"] - 1]
        assert line[finding["column"] - 1 :].startswith(finding["text"])


def test_github_lines_parse(store_2021, tmp_path):
    db = copy_store(store_2021, tmp_path)
    result = run(db, "check", str(ARTICLES["vikendi"]), "--format", "github")
    assert result.exit_code == 1
    parsed = [GITHUB_LINE.fullmatch(line) for line in result.output.splitlines()]
    assert parsed and all(parsed)
    assert {m["title"] for m in parsed} == {"quotation altered", "quotation new"}
    assert [m["level"] for m in parsed if m["title"] == "quotation altered"] == ["error"]


def test_sarif_has_the_required_structure(store_2021, tmp_path):
    db = copy_store(store_2021, tmp_path)
    log = json.loads(run(db, "check", str(ARTICLES["vikendi"]), "--format", "sarif").output)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = log["runs"]
    assert run_["tool"]["driver"]["name"] == "quotecheck"
    rule_ids = {rule["id"] for rule in run_["tool"]["driver"]["rules"]}
    assert run_["results"]
    for result in run_["results"]:
        assert result["ruleId"] in rule_ids
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("vikendi.txt")
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_json_has_the_documented_shape(store_2021, tmp_path):
    db = copy_store(store_2021, tmp_path)
    data = json.loads(run(db, "check", str(ARTICLES["vikendi"]), "--format", "json").output)
    assert set(data) == {"failed", "fail_on", "counts", "findings"}
    assert data["failed"] is True and data["fail_on"] == ["altered", "misattributed"]
    assert set(data["counts"]) == {"ok", "truncated", "altered", "misattributed", "new"}
    assert set(data["findings"][0]) == {
        "path", "line", "column", "end_line", "end_column", "status", "text", "speaker", "relation", "message",
        "known", "earliest", "diff",
    }


def test_check_never_writes_the_store_unless_recording(store_2021, tmp_path):
    db = copy_store(store_2021, tmp_path)
    before = db.read_bytes()
    run(db, "check", str(ARTICLES["vikendi"]))
    assert db.read_bytes() == before
    wal = db.with_name(db.name + "-wal")  # a reader of a WAL store may leave an empty log behind
    assert not wal.exists() or wal.stat().st_size == 0
    result = run(db, "check", "--record", str(ARTICLES["vikendi"]))
    assert result.exit_code == 1  # the finding still fails the check
    assert run(db, "check", str(ARTICLES["vikendi"]), "--format", "json").exit_code == 0  # now known


def test_bad_files_exit_2_with_one_line(store_2021, tmp_path):
    db = copy_store(store_2021, tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = run(db, "check", str(empty))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(empty) in result.stderr
    missing = run(db, "check", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1
    no_store = run(tmp_path / "none.db", "check", str(ARTICLES["rt"]))
    assert no_store.exit_code == 2 and not (tmp_path / "none.db").exists()


def test_pre_commit_hook_entry_point(store_2021, tmp_path, monkeypatch):
    from quotecheck.cli import check_hook

    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: quotecheck-check" in hooks and "id: quotecheck" in hooks
    assert 'quotecheck-check = "quotecheck.cli:check_hook"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    db = copy_store(store_2021, tmp_path)
    monkeypatch.setattr("sys.argv", ["quotecheck-check", "--db", str(db), str(ARTICLES["vikendi"])])
    with pytest.raises(SystemExit) as exited:
        check_hook()
    assert exited.value.code == 1
    monkeypatch.setattr("sys.argv", ["quotecheck-check", "--db", str(db), str(ARTICLES["vice"])])
    with pytest.raises(SystemExit) as exited:
        check_hook()
    assert exited.value.code == 0
