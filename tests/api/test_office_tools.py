"""The office tools over HTTP: score sheets, the register, what-if, the expert draw, replay."""

from __future__ import annotations

import copy
import io
import shutil
import zipfile
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import openpyxl
from sqlmodel import select

from api.http.app import create_app
from api.settings import Settings
from api.store import db, registry
from api.store import replay as replay_module
from api.store.registry_snapshot import RegistrySnapshot
from api.store.tables import AuditRow, CaseRow, DecisionRow
from rules import RULES_DIR
from tests.api.conftest import EXAMPLE, V1, TestClient, create_case, example, make_token, unique
from tests.api.test_registries import new_credit_code, register

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unscored(client, office, **changes):
    case_id = unique("X")
    case = example(case_id, **changes)
    for node in ("plan", "draft"):
        case[node].pop("scores", None)
    create_case(client, office, case)
    return case_id


def _sheet(client, headers, case_id):
    response = client.get(f"{V1}/cases/{case_id}/sheet.xlsx", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    return response.content


def _fill(data: bytes, cells: dict[tuple[str, str], object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for (sheet, cell), value in cells.items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, headers, case_id, data):
    return client.post(
        f"{V1}/cases/{case_id}/sheet.xlsx", content=data, headers={**headers, "Content-Type": XLSX}
    )


# ---------------------------------------------------------------- score sheets


def test_a_filled_sheet_writes_every_score_in_one_version(client, office):
    """All 14 scores from the sheet: the case is complete, version +1, one audit entry."""
    case_id = _unscored(client, office)
    cells = {
        ("专家组", f"{col}{row}"): value
        for row, values in zip(range(13, 18), [(88, 87), (91, 90), (86, 86), (90, 89), (85, 84)], strict=True)
        for col, value in zip("CD", values, strict=True)
    }
    cells |= {
        ("项目单位", "C13"): "90",
        ("项目单位", "D13"): "８８",
        ("财政所", "C13"): 92,
        ("财政所", "D13"): "90 ",
    }
    response = _upload(client, office, case_id, _fill(_sheet(client, office, case_id), cells))
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["changed"]) == 14
    assert body["case"]["version"] == 2
    assert response.headers["etag"] == '"2"'
    assert body["summary"].startswith(f"已导入案件{case_id}的评分：14项有变化")
    decision = client.post(f"{V1}/cases/{case_id}/decisions", json={}, headers=office).json()["decision"]
    assert decision["assessment"]["composite"] == "88.76"
    audit = client.get(
        f"{V1}/audit", params={"target": f"case:{case_id}", "action": "scores.sheet"}, headers=office
    ).json()
    assert audit["total"] == 1


def test_a_bad_cell_writes_nothing_and_names_sheet_and_cell(client, office):
    """101 in 专家组!C13 beside good cells: 422, and the case is unchanged."""
    case_id = _unscored(client, office)
    data = _fill(
        _sheet(client, office, case_id),
        {("专家组", "C13"): 101, ("专家组", "C14"): 90, ("财政所", "C13"): "abc"},
    )
    response = _upload(client, office, case_id, data)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0] == {
        "loc": ["file", "专家组", "C13"],
        "msg": "专家组!C13：101 超出0–100",
        "type": "sheet.cell.out_of_range",
        "ctx": {"sheet": "专家组", "cell": "C13", "value": "101", "places": 1},
    }
    assert detail[1]["loc"] == ["file", "财政所", "C13"]
    stored = client.get(f"{V1}/cases/{case_id}", headers=office).json()
    assert stored["version"] == 1
    assert "scores" not in stored["case"]["plan"]


def test_an_empty_cell_leaves_the_score_and_the_same_value_is_no_change(client, office):
    """The template of a scored case comes back filled; clearing a cell keeps its score."""
    case_id = unique("X")
    create_case(client, office, example(case_id))
    data = _fill(_sheet(client, office, case_id), {("专家组", "C13"): None, ("财政所", "D13"): 91})
    body = _upload(client, office, case_id, data).json()
    assert [(c["sheet"], c["cell"], c["before"], c["after"]) for c in body["changed"]] == [
        ("财政所", "D13", "90", "91")
    ]
    assert body["same"] == 12
    assert body["case"]["case"]["plan"]["scores"]["expert_panel"]["E1"] == "88"
    again = _upload(client, office, case_id, data).json()
    assert again["changed"] == []
    assert again["case"]["version"] == 2


def test_another_cases_sheet_and_a_reshaped_sheet_are_refused(client, office):
    """The layout names the case; a deleted sheet is named."""
    first, second = _unscored(client, office), _unscored(client, office)
    response = _upload(client, office, second, _sheet(client, office, first))
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == f"这是案件{first}的评分表，不能导入案件{second}"
    book = openpyxl.load_workbook(io.BytesIO(_sheet(client, office, first)))
    del book["项目单位"]
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, office, first, out.getvalue())
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("缺少工作表“项目单位”")


def test_hostile_files_are_refused_with_a_clear_error(client, office):
    """A zip bomb, no zip, too large for the API: 422 / 413, never a 500."""
    case_id = _unscored(client, office)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 50_000_000)
    response = _upload(client, office, case_id, out.getvalue())
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "office_file.part_too_large"
    response = _upload(client, office, case_id, b"garbage")
    assert (response.status_code, response.json()["detail"][0]["type"]) == (422, "office_file.not_zip")
    response = _upload(client, office, case_id, b"x" * 2_000_000)
    assert response.status_code == 413


def test_who_may_download_and_upload_sheets(client, office, tokens):
    """Whoever reads the case downloads its sheet (others: 404, as if absent); only the finance office uploads."""
    case_id = _unscored(client, office)
    data = _sheet(client, tokens["unit"], case_id)
    assert client.get(f"{V1}/cases/{case_id}/sheet.xlsx", headers=tokens["other_unit"]).status_code == 404
    assert _upload(client, tokens["unit"], case_id, data).status_code == 403
    assert _upload(client, tokens["auditor"], case_id, data).status_code == 403
    assert client.get(f"{V1}/cases/NO-SUCH/sheet.xlsx", headers=office).status_code == 404


# ---------------------------------------------------------------- the register


def test_the_register_of_a_year_has_a_row_per_live_case_and_no_formula(client, office, tokens):
    """Cases of 2031 only (this module's own year); archived ones left out; the auditor may export too."""
    ids = []
    for name in ("=cmd|' /C calc'!A0", "普通项目"):
        case_id = unique("R")
        case = example(case_id)
        case["commission"]["commissioned_on"] = "2031-03-15"
        case["commission"]["project_name"] = name
        for node in ("plan", "draft"):
            case[node].pop("scores")
        create_case(client, office, case)
        ids.append(case_id)
    archived = ids[1]
    assert (
        client.put(f"{V1}/cases/{archived}/archived", json={"archived": True}, headers=office).status_code
        == 200
    )
    response = client.get(f"{V1}/export.xlsx", params={"year": 2031}, headers=tokens["auditor"])
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert not any(b"<f>" in archive.read(n) for n in archive.namelist())
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["考评台账"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [ids[0]]
    assert rows[0][2] == "=cmd|' /C calc'!A0"
    assert ws["C2"].data_type == "s"
    assert client.get(f"{V1}/export.xlsx", params={"year": 2031}, headers=tokens["expert"]).status_code == 403
    assert client.get(f"{V1}/export.xlsx", params={"year": "x"}, headers=office).status_code == 422


# ---------------------------------------------------------------- what-if


def test_what_if_for_any_role(client, tokens):
    """An expert token may ask; the difference and the next grade come back, with sentences."""
    body = {"case": EXAMPLE, "set": {"draft.scores.project_unit": "85", "plan.scores.expert_panel.E2": "90"}}
    response = client.post(f"{V1}/what-if", json=body, headers=tokens["expert"])
    assert response.status_code == 200, response.text
    result = response.json()
    assert {c["field"] for c in result["changes"]} >= {"assessment.composite"}
    assert result["next_grade"]["status"] == "computed"
    assert result["summary"][0] == "变化："
    assert any("不可达" in line for line in result["summary"])


def test_what_if_bad_input_names_the_case_or_the_change(client, tokens):
    """422 with loc ["set", path] or ["case", ...]; a body that is no request at all is 422 too."""
    response = client.post(
        f"{V1}/what-if",
        json={"case": EXAMPLE, "set": {"draft.scores.project_unit": "101"}},
        headers=tokens["unit"],
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["set", "draft.scores.project_unit"]
    bad = copy.deepcopy(EXAMPLE)
    bad["commission"]["commissioned_on"] = "2019-01-01"
    response = client.post(f"{V1}/what-if", json={"case": bad}, headers=tokens["unit"])
    assert response.json()["detail"][0]["loc"] == ["case", "commission", "commissioned_on"]
    assert client.post(f"{V1}/what-if", json={"cases": []}, headers=tokens["unit"]).status_code == 422
    assert client.post(f"{V1}/what-if", json={"case": EXAMPLE}).status_code == 401


# ---------------------------------------------------------------- the expert draw


def _experts(client, office, prefix, *, domain: int, other: int, outside: int = 0):
    ids = []
    for i in range(domain + other + outside):
        expert = {
            "id": f"{prefix}{i}",
            "name": f"抽取专家{i}",
            "pool": "other" if i >= domain + other else "district",
            "domain_expert": i < domain,
            "ties": [],
        }
        assert client.post(f"{V1}/experts", json=expert, headers=office).status_code == 201
        ids.append(expert["id"])
    return ids


def _panelless(client, office):
    case_id = unique("P")
    case = example(case_id)
    del case["panel"]
    for node in ("plan", "draft"):
        case[node]["scores"].pop("expert_panel")
    create_case(client, office, case)
    return case_id


def test_a_drawn_panel_is_stored_audited_valid_and_verifies(client, office, tokens):
    """The case gets a valid panel from the registry; the audit entry holds the seed; GET verifies it."""
    _experts(client, office, unique("D") + "-", domain=4, other=4, outside=1)
    case_id = _panelless(client, office)
    response = client.post(
        f"{V1}/cases/{case_id}/panel/draw", json={"formed_on": "2024-04-10"}, headers=office
    )
    assert response.status_code == 200, response.text
    body = response.json()
    draw = body["draw"]
    assert len(draw["panel"]) == 5
    assert len(draw["seed"]) == 64
    assert body["case"]["case"]["panel"] == {
        "formed_on": "2024-04-10",
        "members": [{"id": i} for i in draw["panel"]],
    }
    assert any(e["reasons"][0]["rule"] == "EXP-03" for e in draw["excluded"])
    decision = client.post(f"{V1}/cases/{case_id}/decisions", json={}, headers=office).json()["decision"]
    assert decision["panel"]["status"] == "valid"
    audit = client.get(
        f"{V1}/audit", params={"target": f"case:{case_id}", "action": "panel.draw"}, headers=office
    ).json()
    assert audit["items"][0]["detail"]["seed"] == draw["seed"]
    verified = client.get(f"{V1}/cases/{case_id}/panel/draw", headers=tokens["auditor"]).json()
    assert verified["verified"] is True
    assert verified["summary"][0].startswith(f"案件{case_id}的专家抽取复核一致")
    again = client.post(f"{V1}/cases/{case_id}/panel/draw", headers=office)
    assert again.status_code == 409


def test_a_draw_the_registry_cannot_satisfy_says_which_rule_and_how_many_short(tmp_path):
    """A fresh store whose registry has 3 district experts (1 domain) and 1 outside: 409 naming both rules."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'k.sqlite3'}", data_dir=tmp_path)
    engine = db.make_engine(settings.effective_database_url)
    db.upgrade(engine)
    engine.dispose()
    office = {"Authorization": f"Bearer {make_token(settings.effective_database_url, 'finance_office')}"}
    with TestClient(create_app(settings)) as fresh:
        _experts(fresh, office, "Q", domain=1, other=2, outside=1)
        case_id = _panelless(fresh, office)
        response = fresh.post(f"{V1}/cases/{case_id}/panel/draw", headers=office)
        assert response.status_code == 409
        detail = response.json()["detail"]
        assert "符合条件的候选专家只有3名，EXP-01要求专家组至少5名，还差2名" in detail
        assert "符合条件的领域专家只有1名，EXP-02要求至少3名领域专家，还差2名" in detail
        assert "Q3 抽取专家3未列为候选：不属于规定的专家库（EXP-03，库外专家）" in detail
        assert "panel" not in fresh.get(f"{V1}/cases/{case_id}", headers=office).json()["case"]


def test_only_the_finance_office_draws_and_a_case_without_a_draw_has_none_to_verify(client, office, tokens):
    """403 for others; 404 to verify a case never drawn."""
    case_id = _panelless(client, office)
    assert client.post(f"{V1}/cases/{case_id}/panel/draw", headers=tokens["auditor"]).status_code == 403
    assert client.get(f"{V1}/cases/{case_id}/panel/draw", headers=office).status_code == 404


# ---------------------------------------------------------------- replay


def _candidate_zip(tmp_path: Path, coefficient: str) -> bytes:
    root = tmp_path / "rules"
    shutil.copytree(RULES_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "rulesets"))
    path = root / "parameters/fees/grade_coefficients.yaml"
    path.write_text(path.read_text("utf-8").replace('良: "0.95"', f'良: "{coefficient}"'), "utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(root.rglob("*")):
            if file.is_file():
                archive.write(file, "rules/" + file.relative_to(root).as_posix())
    return out.getvalue()


def _stored(url: str) -> tuple:
    engine = db.make_engine(url)
    try:
        with db.new_session(engine) as session:
            cases = sorted((r.case_id, r.version, r.updated_at) for r in session.exec(select(CaseRow)))
            decisions = len(session.exec(select(DecisionRow)).all())
            audit = len(session.exec(select(AuditRow)).all())
    finally:
        engine.dispose()
    return cases, decisions, audit


def test_replay_reports_the_changes_and_stores_nothing(client, office, tmp_path):
    """良 0.95 → 0.90 over the cases of 2024: the 良 case's fee drops by 4,000.00; nothing stored changes."""
    case_id = unique("Y")
    case = example(case_id)
    case["commission"]["commissioned_on"] = "2024-03-15"
    create_case(client, office, case)
    url = client.app.state.settings.effective_database_url
    before = _stored(url)
    response = client.post(
        f"{V1}/replay",
        params={"year": 2024},
        content=_candidate_zip(tmp_path, "0.90"),
        headers={**office, "Content-Type": "application/zip"},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    mine = next(c for c in report["cases"] if c["case_id"] == case_id)
    assert mine["payable_by"] == "-4000.00"
    assert [c["field"] for c in mine["changes"]] == ["fee.coefficient", "fee.payable"]
    assert report["totals"]["by_part"]["fees"] >= 1
    assert report["year"] == 2024
    assert _stored(url) == before


def test_a_replay_whose_worker_dies_is_a_503_in_chinese(client, office, tmp_path, monkeypatch):
    """A child process that ends without an answer (killed, out of memory) is a 503 saying so, not a 500."""

    class _DeadPool:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, *args, **kwargs):
            future = Future()
            future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
            return future

    monkeypatch.setattr(replay_module, "ProcessPoolExecutor", _DeadPool)
    response = client.post(
        f"{V1}/replay",
        content=_candidate_zip(tmp_path, "0.90"),
        headers={**office, "Content-Type": "application/zip"},
    )
    assert response.status_code == 503
    assert "工作进程意外结束" in response.json()["detail"]


def test_a_candidate_that_fails_the_checks_or_the_guard_is_refused(client, office, tokens, tmp_path):
    """Coefficients no longer covering the grades: every slip a 422 entry; a traversal: the guard; roles."""
    response = client.post(f"{V1}/replay", content=_candidate_zip(tmp_path, "x"), headers=office)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "rules_invalid"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("../versions.yaml", b"x: 1")
    response = client.post(f"{V1}/replay", content=out.getvalue(), headers=office)
    assert (response.status_code, response.json()["detail"][0]["type"]) == (422, "replay.zip.traversal")
    assert client.post(f"{V1}/replay", content=b"x", headers=tokens["auditor"]).status_code == 403


# ---------------------------------------------------------------- the registry snapshot


def test_the_registry_snapshot_resolves_cases_as_a_new_decision_does(client, office):
    """Agencies by reference with derived history, members by reference: the same dict either way."""
    code = new_credit_code()
    register(client, office, code)
    expert = {**EXAMPLE["panel"]["members"][1], "id": unique("SN")}
    assert client.post(f"{V1}/experts", json=expert, headers=office).status_code == 201
    ids = []
    for _ in range(3):
        case_id = unique("SN")
        case = example(case_id, agency={"credit_code": code})
        case["panel"]["members"][1] = {"id": expert["id"]}
        case["plan"]["scores"]["expert_panel"][expert["id"]] = case["plan"]["scores"]["expert_panel"].pop(
            "E2"
        )
        case["draft"]["scores"]["expert_panel"][expert["id"]] = case["draft"]["scores"]["expert_panel"].pop(
            "E2"
        )
        create_case(client, office, case)
        assert client.post(f"{V1}/cases/{case_id}/decisions", json={}, headers=office).status_code == 201
        ids.append(case_id)
    engine = db.make_engine(client.app.state.settings.effective_database_url)
    try:
        with db.new_session(engine) as session:
            snapshot = RegistrySnapshot(session)
            for row in session.exec(select(CaseRow)):
                single = registry.resolve_case(session=session, body=row.body, exclude_case=row.case_id)
                assert snapshot.resolve(row.body, exclude_case=row.case_id) == single, row.case_id
            resolved = snapshot.resolve(session.get(CaseRow, ids[2]).body, exclude_case=ids[2])
    finally:
        engine.dispose()
    assert len(resolved["agency"]["history"]) == 2
    assert resolved["panel"]["members"][1]["name"] == expert["name"]


def test_the_tools_answer_in_the_requests_language(client, office):
    """Accept-Language: en words the bad cell and the what-if summary in English."""
    case_id = _unscored(client, office)
    data = _fill(_sheet(client, office, case_id), {("专家组", "C13"): 101})
    response = _upload(client, {**office, "Accept-Language": "en"}, case_id, data)
    assert response.json()["detail"][0]["msg"] == "专家组!C13: 101 is outside 0-100"
    body = {"case": EXAMPLE, "set": {"draft.scores.project_unit": "85"}}
    summary = client.post(f"{V1}/what-if", json=body, headers={**office, "Accept-Language": "en"}).json()[
        "summary"
    ]
    assert summary[0] == "changes:"
