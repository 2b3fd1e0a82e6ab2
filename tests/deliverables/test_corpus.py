"""The corpus: every file reads into exactly its expected reading (fields, locations, unread, warnings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.deliverables import read_deliverable
from tests.deliverables.conftest import CORPUS, corpus_files, example_case, expected
from tests.deliverables.corpus.build_corpus import documents, expected_json

FILES = corpus_files()


def test_the_corpus_has_plans_and_reports_in_many_styles() -> None:
    """At least eight plans and eight reports, each with its expected reading beside it."""
    nodes = [expected(path)["node"] for path in FILES]
    assert nodes.count("plan") >= 8
    assert nodes.count("draft") >= 8


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_a_corpus_file_reads_as_expected(path: Path) -> None:
    """Every field, location, unread field, warning (code and places) and ignored heading."""
    want = expected(path)
    got = read_deliverable(path.read_bytes(), name=path.name, node=want["node"]).to_json()
    for warning in got["warnings"]:
        assert warning.pop("msg").strip()
    assert got["node"] == want["node"]
    assert got["file"] == want["file"]
    assert got["fields"] == want["fields"]
    assert got["locations"] == want["locations"]
    assert got["unread"] == want["unread"]
    assert got["warnings"] == want["warnings"]
    assert got["ignored_headings"] == want["ignored_headings"]


def test_the_committed_corpus_is_what_the_script_writes() -> None:
    """build_corpus.py rewrites the same bytes and the same expected readings (deterministic files)."""
    for name, data, reading in documents():
        path = CORPUS / name
        assert path.read_bytes() == data, f"{name}: run python -m tests.deliverables.corpus.build_corpus"
        assert path.with_name(f"{path.stem}.expected.json").read_text(encoding="utf-8") == expected_json(
            reading
        )


@pytest.mark.parametrize(
    ("file", "node", "fields"),
    [
        ("plan_example.docx", "plan", ("sections", "indicators")),
        ("draft_example.docx", "draft", ("sections", "indicator_scores", "reported_total", "reported_grade")),
    ],
)
def test_the_worked_example_reads_back_into_the_example_case(
    file: str, node: str, fields: tuple[str, ...]
) -> None:
    """The example case's plan and draft, written out as Word files, read back into exactly its fields."""
    case = example_case()
    reading = read_deliverable((CORPUS / file).read_bytes(), name=file, node=node)  # type: ignore[arg-type]
    assert reading.fields == {name: case[node][name] for name in fields}
    assert set(reading.unread) | set(fields) | {"scores"} == set(case[node])


def test_warnings_are_worded_in_chinese_and_in_english() -> None:
    """A warning's msg names the places counting from 1; English on request."""
    path = CORPUS / "plan_04_continued.docx"
    reading = read_deliverable(path.read_bytes(), name=path.name, node="plan")
    zh = [w["msg"] for w in reading.to_json()["warnings"]]
    en = [w["msg"] for w in reading.to_json("en")["warnings"]]
    assert zh == [
        "表2第2行‘一级指标’栏的一级指标为空，按上方表1第4行‘一级指标’栏读作“过程”",
        "表2第7行‘分值’栏合计为99，与各行之和100不一致",
    ]
    assert en[1] == "the total at table 2, row 7, column '分值' is 99, but the rows add up to 100"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_reading_fits_its_published_schema(path: Path) -> None:
    """The JSON of each corpus reading is valid against engine.deliverables.schema.ReadingOut."""
    from engine.deliverables.schema import ReadingOut  # noqa: PLC0415

    data = read_deliverable(path.read_bytes(), name=path.name, node=expected(path)["node"]).to_json("en")
    assert ReadingOut.model_validate(data).model_dump(mode="json", exclude_none=True) == data
