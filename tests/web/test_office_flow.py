"""Flow 1: the finance office creates cases (a JSON file, the form), scores, issues a decision, gets the memo."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import pytest

from tests.web.conftest import example

if TYPE_CHECKING:
    from tests.web.browser import LiveServer, Pages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def office(server: LiveServer) -> str:
    """The finance office's access token."""
    return server.token("finance_office")


def _without_finance_scores(tmp_path: Path) -> Path:
    case = example("WEB-JSON-1")
    for node in ("plan", "draft"):
        del case[node]["scores"]["finance_office"]
    path = tmp_path / "WEB-JSON-1.case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_office_creates_a_case_from_the_example_json(pages: Pages, office: str, tmp_path: Path) -> None:
    """Signed in, the office uploads a contract case; its page says it is waiting for the office's scores."""
    pages.sign_in(office)
    assert "工作台" in pages.driver.title
    pages.go("/cases/new")
    pages.find("#case-json").send_keys(str(_without_finance_scores(tmp_path)))
    pages.press("form[action='/cases/new/json'] button")
    assert pages.driver.current_url.endswith("/cases/WEB-JSON-1?created=WEB-JSON-1")
    assert "案件WEB-JSON-1已创建" in pages.text()
    assert "待核定" in pages.find("#result + dl").text


def test_a_rejected_field_is_fixed_on_the_second_try(pages: Pages) -> None:
    """The form names the bad field in the summary and beside it, keeps what was typed; fixed, it saves."""
    pages.go("/cases/new")
    typed = {
        "case_id": "WEB-FORM-1",
        "commission-project_name": "2024年七宝镇绿化养护项目",
        "commission-project_unit": "七宝镇市容所",
        "commission-commissioned_on": "2024-04-01",
        "commission-contract_fee": "八万元",
        "agency-name": "上海某甲会计师事务所有限公司",
        "agency-credit_code": "91310112F5PJ96WP43",
    }
    for element_id, text in typed.items():
        pages.fill(element_id, text)
    pages.choose("commission-evaluation_kind", "post")
    pages.choose("commission-procurement-channel", "direct")
    pages.choose("agency-kind", "cpa_firm")
    pages.choose("agency-marketplace_status", "active")
    pages.press("form[action='/cases/new'] .actions button[type=submit]")
    assert pages.driver.title.startswith("错误：")
    summary = pages.find(".error-summary")
    links = [a.get_attribute("href").rsplit("#", 1)[-1] for a in summary.find_elements("css selector", "a")]
    assert links == ["commission-contract_fee"]
    assert pages.driver.switch_to.active_element == summary
    assert pages.find("#commission-contract_fee-error").is_displayed()
    assert pages.find("#commission-contract_fee").get_attribute("aria-invalid") == "true"
    for element_id, text in typed.items():
        assert pages.find(f"#{element_id}").get_attribute("value") == text
    pages.fill("commission-contract_fee", "80000")
    pages.press("form[action='/cases/new'] .actions button[type=submit]")
    assert pages.driver.current_url.endswith("/cases/WEB-FORM-1?created=WEB-FORM-1")
    assert "2024年七宝镇绿化养护项目" in pages.find("h1").text


def test_the_grade_and_fee_appear_when_the_last_score_lands(pages: Pages) -> None:
    """The office enters its two cells; after the second the grade and the fee are shown, in capitals too."""
    pages.go("/cases/WEB-JSON-1")
    pages.fill("score-plan-finance_office", "92")
    pages.press("form[action$='/scores'] button[type=submit]")
    assert "已保存1项评分" in pages.text()
    assert "待核定" in pages.find("#result + dl").text
    pages.fill("score-draft-finance_office", "90")
    pages.press("form[action$='/scores'] button[type=submit]")
    result = pages.find("#result + dl").text
    assert "88.76" in result
    assert "74,400.00 元" in result  # as the memos print amounts
    assert pages.find("#payable-in-words").text == "人民币柒万肆仟肆佰元整"
    entered = pages.find("#score-draft-finance_office").find_element("xpath", "..").text
    assert "财政所（令牌 1）" in entered  # who entered it


def test_the_office_issues_decision_1_after_checking_it(pages: Pages) -> None:
    """Number and date, a page to check them (each with 修改), then the decision is stored as number 1."""
    pages.go("/cases/WEB-JSON-1/decisions/new")
    pages.fill("document_number", "7")
    pages.fill("document_date", "2024-07-01")
    pages.press("form[action$='/decisions/check'] button")
    check = pages.text()
    assert "七财评〔2024〕7号" in check
    assert "2024-07-01" in check
    assert len(pages.all("a[href*='/decisions/new?'][href*='#document_']")) == 2
    pages.press("form[action$='/decisions'] button")
    assert "已出具第1号决定" in pages.text()
    assert pages.find("#decision-1").text == "第 1 号决定"


def test_the_fee_memo_downloads_with_the_amount_in_capitals(pages: Pages, tmp_path: Path) -> None:
    """The fee memo's link gives the .docx; python-docx finds the amount in capitals in it."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    pages.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    pages.find("a[href$='/decisions/1/memos/fee.docx']").click()
    deadline = time.monotonic() + 30
    while not list(folder.glob("*.docx")) or list(folder.glob("*.crdownload")):
        assert time.monotonic() < deadline, "the memo did not download"
        time.sleep(0.1)
    memo = docx.Document(str(next(folder.glob("*.docx"))))
    words = "\n".join(p.text for p in memo.paragraphs) + "\n".join(
        cell.text for table in memo.tables for row in table.rows for cell in row.cells
    )
    assert "人民币柒万肆仟肆佰元整" in words
