"""A new rule version is data only, and every text shows the numbers in force under each version.

The maintainer's try: a version 2026-01-01 that only changes the coefficient of 良 (0.95 → 0.90), one
dated entry and a line in versions.yaml. The CLI, ``GET /rules/{V}``, the trace and the fee memo all
show 0.90 under it and 0.95 under 2024-01-01. (The HTTP part goes through ``api.http.app.create_app``.)
"""

from __future__ import annotations

import datetime as dt
import io
import json
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from starlette.exceptions import StarletteDeprecationWarning

from api.http.app import create_app
from api.settings import Settings
from api.store import db, tokens
from engine import Evaluator, start
from engine.memos import OfficeInfo, render_memo
from engine.testing import Oracle, cases
from rules import Rulebook
from tests.rules.conftest import edit, kaoping
from tests.yamlcases import load_base

with warnings.catch_warnings():
    # starlette prefers httpx2 and warns once, at import, when it finds httpx (a test-only dependency).
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

_LAST_VERSION = "    note: 《上海市第三方机构预算绩效评价业务监督管理实施细则》施行\n"
_COEFFICIENTS = '  "2021-08-01": {value: {优: "1.00", 良: "0.95", 中: "0.85", 差: "0.60"}}\n'


def add_version(rules: Path, version: str, note: str) -> None:
    """One line in versions.yaml (a version is its id, the measure it cites and a note)."""
    edit(
        rules / "versions.yaml",
        _LAST_VERSION,
        f'{_LAST_VERSION}  - id: "{version}"\n    measure: HCF-2023-17\n    note: {note}\n',
    )


@pytest.fixture
def version_2026(rules_copy: Path) -> Path:
    """The rule data with a 2026-01-01 version whose only change is 良 0.95 → 0.90."""
    add_version(rules_copy, "2026-01-01", "良等级服务费系数调整")
    edit(
        rules_copy / "parameters/fees/grade_coefficients.yaml",
        _COEFFICIENTS,
        _COEFFICIENTS + '  "2026-01-01": {value: {优: "1.00", 良: "0.90", 中: "0.85", 差: "0.60"}}\n',
    )
    return rules_copy


def _case(commissioned_on: str) -> dict[str, Any]:
    case = load_base("worked_example_2024")
    case["commission"]["commissioned_on"] = commissioned_on
    return case


def _fee_01(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in rules if r["id"] == "FEE-01")


def test_the_rule_texts_of_each_version_show_its_own_coefficient(version_2026: Path) -> None:
    """FEE-01's text is filled from each version's parameters when its snapshot is made."""
    rulebook = Rulebook(version_2026)
    texts = {rs.version: next(r for r in rs.rules if r.id == "FEE-01") for rs in rulebook.versions}
    assert texts["2026-01-01"].text_zh == "服务费系数：优1.00，良0.90，中0.85，差0.60。"
    assert texts["2026-01-01"].text_en == "Coefficient by grade: 优 1.00, 良 0.90, 中 0.85, 差 0.60."
    assert texts["2024-01-01"].text_zh == "服务费系数：优1.00，良0.95，中0.85，差0.60。"
    assert rulebook.at("2024-01-01").valid_to == date(2025, 12, 31)


def test_kaoping_rules_shows_the_numbers_in_force_under_the_version(version_2026: Path) -> None:
    """`kaoping rules --version V` on the settings' rules directory (KAOPING_RULES_DIR)."""
    result = kaoping("rules", "--version", "2026-01-01", "--json", rules=version_2026)
    assert result.returncode == 0, result.stderr
    (version,) = json.loads(result.stdout)
    assert "良0.90" in _fee_01(version["rules"])["text_zh"]
    assert _fee_01(version["rules"])["parameters"]["fees.grade_coefficients"]["良"] == "0.90"
    older = kaoping("rules", "--version", "2024-01-01", rules=version_2026)
    assert "良0.95" in older.stdout
    assert "良0.90" not in older.stdout


def test_get_rules_shows_the_numbers_in_force_under_the_version(
    version_2026: Path, tmp_path: Path, process_rules_dir: None
) -> None:
    """`GET /api/v1/rules/{V}` of an app whose settings name the rules directory."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'kaoping.sqlite3'}", data_dir=tmp_path, rules_dir=version_2026
    )
    engine = db.make_engine(settings.effective_database_url)
    try:
        db.upgrade(engine)
        with db.new_session(engine) as session:
            token = tokens.create_token(session=session, role="auditor")
    finally:
        engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings)) as client:
        new = client.get("/api/v1/rules/2026-01-01", headers=headers)
        old = client.get("/api/v1/rules/2024-01-01", headers=headers)
    assert new.status_code == 200, new.text
    assert "良0.90" in _fee_01(new.json()["rules"])["text_zh"]
    assert "良0.95" in _fee_01(old.json()["rules"])["text_zh"]


def test_the_trace_and_the_fee_memo_show_the_version_s_coefficient(
    version_2026: Path, process_rules_dir: None
) -> None:
    """A case commissioned in 2026 is decided and explained with 0.90; one in 2024 with 0.95."""
    evaluator = start(version_2026)  # the process's rules directory, as the app's settings make it
    decision = evaluator.evaluate(_case("2026-03-16"))
    assert decision["rule_version"] == "2026-01-01"
    assert decision["fee"]["coefficient"] == "0.90"
    assert decision["fee"]["payable"] == "70400.00"  # 80,000 × 0.90 − 1,600
    fee_01 = next(t for t in decision["trace"] if t["rule"] == "FEE-01")
    assert fee_01["detail"] == "等级良，服务费系数0.90"
    older = evaluator.evaluate(_case("2025-12-31"))
    assert older["rule_version"] == "2024-01-01"
    assert next(t for t in older["trace"] if t["rule"] == "FEE-01")["detail"] == "等级良，服务费系数0.95"
    memo = render_memo(
        _case("2026-03-16"),
        decision,
        "fee",
        office=OfficeInfo(name="七宝镇财政所", number_prefix="七财评", district_bureau="闵行区财政局"),
        document_number=1,
        document_date=dt.date(2026, 4, 1),
    )
    text = _docx_text(memo)
    assert "0.90" in text
    assert "0.95" not in text


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_oracle_checks_a_version_that_only_changes_data(version_2026: Path) -> None:
    """The oracle reads the versioned parameters, so it agrees with the engine under 2026-01-01 too."""
    rulebook = Rulebook(version_2026)
    evaluator, oracle = Evaluator(rulebook), Oracle(rulebook)
    generated = cases(600, seed=26)
    under_2026 = [c for c in generated if c["commission"]["commissioned_on"] >= "2026-01-01"]
    assert len(under_2026) > 30
    mismatches = []
    for case in generated:
        decision = evaluator.evaluate(case)
        decision.pop("trace")
        if decision != oracle.decide(case):
            mismatches.append(case["case_id"])
    assert mismatches == []
    assert {oracle.decide(c)["rule_version"] for c in under_2026} == {"2026-01-01"}


def test_a_new_deduction_rate_is_data_only(rules_copy: Path) -> None:
    """A dated entry plus a line in versions.yaml makes a new version; no Python changes."""
    add_version(rules_copy, "2026-01-01", "扣款比例调整")
    edit(
        rules_copy / "parameters/fees/late_deduction.yaml",
        '  "2024-01-01": {value: {rate_per_working_day: "0.01", cap: "0.10"}}',
        '  "2024-01-01": {value: {rate_per_working_day: "0.01", cap: "0.10"}}\n'
        '  "2026-01-01": {value: {rate_per_working_day: "0.02", cap: "0.10"}}',
    )
    rulebook = Rulebook(rules_copy)
    assert [v.version for v in rulebook.versions] == ["2021-08-01", "2024-01-01", "2026-01-01"]
    decision = Evaluator(rulebook).evaluate(_case("2026-01-05"))
    assert decision["rule_version"] == "2026-01-01"
    assert decision["fee"]["deduction"] == "3200.00"
    fee_03 = next(t for t in decision["trace"] if t["rule"] == "FEE-03")
    assert fee_03["cite"] == "本镇考评办法（地方自定）：镇财政所自定：每工作日2%，上限10%"
