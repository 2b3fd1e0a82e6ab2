"""Flow 3: a project unit sees and scores only its own cases; an auditor reads everything, changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from tests.web.conftest import EXAMPLE, example

if TYPE_CHECKING:
    from tests.web.browser import LiveServer, Pages

pytestmark = pytest.mark.browser
UNIT = EXAMPLE["commission"]["project_unit"]


@pytest.fixture(scope="module")
def office(server: LiveServer) -> dict[str, str]:
    """The office's API headers, with the unit's case (its scores not given yet) and another unit's."""
    headers = {"Authorization": f"Bearer {server.token('finance_office')}"}
    own = example("WEB-U-1")
    for node in ("plan", "draft"):
        del own[node]["scores"]["project_unit"]
    other = example("WEB-U-2")
    other["commission"] = {**other["commission"], "project_unit": "某某街道办事处"}
    for case in (own, other):
        assert httpx.post(f"{server.url}/api/v1/cases", json=case, headers=headers).status_code == 201
    return headers


def test_the_unit_sees_only_its_own_cases(pages: Pages, server: LiveServer, office: dict[str, str]) -> None:
    """Its list and home page hold its case; the other unit's case is not found."""
    del office
    pages.sign_in(server.token("project_unit", unit_name=UNIT))
    assert "WEB-U-1" in pages.text()
    pages.go("/cases")
    assert [a.text for a in pages.all("table a[href^='/cases/']")] == ["WEB-U-1"]
    pages.go("/cases/WEB-U-2")
    assert pages.find("h1").text == "找不到页面"


def test_the_unit_fills_only_its_own_cells(pages: Pages, server: LiveServer, office: dict[str, str]) -> None:
    """Its two cells are the only inputs; it saves them; a forged post to the office's cell is 403."""
    pages.go("/cases/WEB-U-1")
    names = sorted(i.get_attribute("name") for i in pages.all("input[name^='score:']"))
    assert names == ["score:draft:project_unit", "score:plan:project_unit"]
    pages.fill("score-plan-project_unit", "90")
    pages.fill("score-draft-project_unit", "88")
    pages.press("form[action$='/scores'] button[type=submit]")
    assert "已保存2项评分" in pages.text()
    assert f"项目单位 {UNIT}（令牌" in pages.find(".matrix").text  # who entered them
    assert (
        pages.post("/cases/WEB-U-1/scores", {"csrf": pages.csrf(), "score:plan:finance_office": "50"}) == 403
    )
    stored = httpx.get(f"{server.url}/api/v1/cases/WEB-U-1", headers=office).json()["case"]
    assert stored["plan"]["scores"]["finance_office"] == "92"
    assert stored["draft"]["scores"]["project_unit"] == "88"


def test_a_bad_score_is_named_at_its_cell_and_kept(pages: Pages) -> None:
    """A score of 101 comes back at its cell, with the error summary; nothing is written."""
    pages.go("/cases/WEB-U-1")
    pages.fill("score-plan-project_unit", "101")
    pages.press("form[action$='/scores'] button[type=submit]")
    assert pages.driver.title.startswith("错误：")
    assert pages.find(".error-summary a").get_attribute("href").endswith("#score-plan-project_unit")
    assert pages.find("#score-plan-project_unit").get_attribute("value") == "101"


def test_the_auditor_reads_everything_and_changes_nothing(pages: Pages, server: LiveServer) -> None:
    """Every case and page is readable; no score input, no edit; every write is refused with 403."""
    pages.sign_in(server.token("auditor"))
    pages.go("/cases")
    assert [a.text for a in pages.all("table a[href^='/cases/']")] == ["WEB-U-1", "WEB-U-2"]
    pages.go("/cases/WEB-U-2")
    assert pages.all("input[name^='score:']") == []
    assert pages.all("a[href$='/edit']") == []
    for path in ("/agencies", "/experts", "/rules", "/audit"):
        pages.go(path)
        assert pages.find("h1").text
    audit = pages.text()
    assert "录入评分" in audit  # the unit's scores, in the audit log, by the action's label
    assert "项目单位 七宝镇社区管理办公室" in audit  # the actor by role label, not project_unit:...#3
    assert "scores.put" not in audit
    csrf = pages.csrf()
    assert pages.post("/cases/WEB-U-2/scores", {"csrf": csrf, "score:plan:finance_office": "50"}) == 403
    assert pages.post("/cases/new", {"csrf": csrf, "case_id": "X-1"}) == 403
    assert pages.post("/cases/WEB-U-2/decisions", {"csrf": csrf}) == 403
    assert pages.post("/agencies/new", {"csrf": csrf}) == 403
    pages.go("/cases/new")
    assert pages.find("h1").text == "不能进行此操作"
