"""Flow 2: an expert sees only its panels, fills its own cells (by keyboard alone), and nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.web.conftest import example

if TYPE_CHECKING:
    from tests.web.browser import LiveServer, Pages

pytestmark = pytest.mark.browser


def _without(case: dict[str, Any], member: str) -> dict[str, Any]:
    for node in ("plan", "draft"):
        del case[node]["scores"]["expert_panel"][member]
    return case


def _renamed(case: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    for m in case["panel"]["members"]:
        if m["id"] == old:
            m["id"] = new
    for node in ("plan", "draft"):
        panel = case[node]["scores"]["expert_panel"]
        panel[new] = panel.pop(old)
    return case


@pytest.fixture(scope="module")
def office(server: LiveServer) -> dict[str, str]:
    """The office's API headers, with two cases stored: one on E1's panel, one not."""
    headers = {"Authorization": f"Bearer {server.token('finance_office')}"}
    for case in (_without(example("WEB-E-1"), "E1"), _renamed(example("WEB-E-2"), "E1", "E9")):
        assert httpx.post(f"{server.url}/api/v1/cases", json=case, headers=headers).status_code == 201
    return headers


@pytest.fixture(scope="module")
def expert(server: LiveServer, office: dict[str, str]) -> str:
    """Expert E1's access token."""
    del office
    return server.token("expert", expert_id="E1")


def _tab_to(pages: Pages, css: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``css`` has the focus (and show that its focus is visible)."""
    target = pages.find(css)
    for _ in range(limit):
        ActionChains(pages.driver).send_keys(Keys.TAB).perform()
        if pages.driver.switch_to.active_element == target:
            style = pages.driver.execute_script(
                "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, s.boxShadow];",
                target,
            )
            assert style[0] != "none" or style[2] != "none", f"no visible focus on {css}: {style}"
            return
    pytest.fail(f"{css} never got the focus by Tab")


def _type(pages: Pages, *keys: str) -> None:
    ActionChains(pages.driver).send_keys(*keys).perform()


def test_the_expert_scores_its_own_cells_by_keyboard_alone(pages: Pages, expert: str) -> None:
    """Sign in, go to the case it owes scores on, fill both its cells and save: Tab, typing and Enter only."""
    pages.go("/signin")
    _tab_to(pages, "#token")
    _type(pages, expert, Keys.ENTER)
    pages.arrived()
    pages.seen_page()
    assert "待评分" in pages.text()
    _tab_to(pages, "a[href='/cases/WEB-E-1#scores']")
    _type(pages, Keys.ENTER)
    pages.arrived()
    pages.seen_page()
    _tab_to(pages, "#score-plan-expert_panel-E1")
    _type(pages, "88")
    _tab_to(pages, "#score-draft-expert_panel-E1", limit=3)
    _type(pages, "87", Keys.ENTER)
    pages.arrived()
    pages.seen_page()
    assert "已保存2项评分" in pages.text()
    assert pages.find("#score-plan-expert_panel-E1").get_attribute("value") == "88"


def test_the_expert_sees_only_its_panels(pages: Pages) -> None:
    """The list holds the case whose panel lists it; the other case's page is not found, as if absent."""
    pages.go("/cases")
    listed = [a.text for a in pages.all("table a[href^='/cases/']")]
    assert listed == ["WEB-E-1"]
    pages.go("/cases/WEB-E-2")
    assert pages.find("h1").text == "找不到页面"
    pages.go("/")
    assert "WEB-E-2" not in pages.text()


def test_every_other_cell_is_read_only(pages: Pages) -> None:
    """On the case page the only inputs of the matrix are the expert's own two cells."""
    pages.go("/cases/WEB-E-1")
    names = sorted(i.get_attribute("name") for i in pages.all("input[name^='score:']"))
    assert names == ["score:draft:expert_panel:E1", "score:plan:expert_panel:E1"]
    assert "91" in pages.find(".matrix").text  # E2's score, shown, not editable


def test_a_forged_post_to_another_cell_is_refused(
    pages: Pages, server: LiveServer, office: dict[str, str]
) -> None:
    """Posting another member's or another party's cell is 403; a case it may not see is 404."""
    pages.go("/cases/WEB-E-1")
    csrf = pages.csrf()
    assert pages.post("/cases/WEB-E-1/scores", {"csrf": csrf, "score:plan:expert_panel:E2": "60"}) == 403
    assert pages.post("/cases/WEB-E-1/scores", {"csrf": csrf, "score:plan:project_unit": "60"}) == 403
    assert pages.post("/cases/WEB-E-2/scores", {"csrf": csrf, "score:plan:expert_panel:E1": "60"}) == 404
    assert pages.post("/cases/WEB-E-1/scores", {"csrf": "forged", "score:plan:expert_panel:E1": "60"}) == 403
    stored = httpx.get(f"{server.url}/api/v1/cases/WEB-E-1", headers=office).json()["case"]
    assert stored["plan"]["scores"]["expert_panel"]["E2"] == "91"
    assert stored["plan"]["scores"]["project_unit"] == "90"
    assert stored["plan"]["scores"]["expert_panel"]["E1"] == "88"
