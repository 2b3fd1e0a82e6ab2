"""Flow 4: two browsers edit one case; the second save shows the conflict and keeps what was typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from tests.web.browser import Pages, start_browser
from tests.web.conftest import example

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.web.browser import LiveServer

pytestmark = pytest.mark.browser
SAVE = "form[action$='/edit'] .actions button[type=submit]"


@pytest.fixture(scope="module")
def office(server: LiveServer) -> dict[str, str]:
    """The office's API headers, with the case both will edit."""
    headers = {"Authorization": f"Bearer {server.token('finance_office')}"}
    assert (
        httpx.post(f"{server.url}/api/v1/cases", json=example("WEB-C-1"), headers=headers).status_code == 201
    )
    return headers


@pytest.fixture(scope="module")
def second(server: LiveServer) -> Iterator[Pages]:
    """A second browser on the same server (another member of the office)."""
    with start_browser() as other:
        yield Pages(other, server, "conflict_flow_second")


def test_the_second_save_shows_the_conflict_and_keeps_the_input(
    pages: Pages, second: Pages, server: LiveServer, office: dict[str, str]
) -> None:
    """A saves first; B's save is refused with A's change listed and B's typing kept; B then saves both."""
    pages.sign_in(server.token("finance_office"))
    second.sign_in(server.token("finance_office"))
    pages.go("/cases/WEB-C-1/edit")
    second.go("/cases/WEB-C-1/edit")
    original = second.find("#commission-project_name").get_attribute("value")

    pages.fill("commission-project_name", "2024年七宝镇社区公共设施运维项目（二期）")
    pages.press(SAVE)
    assert "案件已保存（第2版）" in pages.text()

    second.fill("commission-contract_fee", "90000")
    second.press(SAVE)
    assert second.driver.title.startswith("错误：")
    assert "其他人修改了此案件（现为第2版）" in second.find(".error-summary").text
    changes = second.find("#changes").text
    assert "项目名称" in changes
    assert "（二期）" in changes
    assert second.find("#commission-contract_fee").get_attribute("value") == "90000"
    assert second.find("#commission-project_name").get_attribute("value") == original
    stored = httpx.get(f"{server.url}/api/v1/cases/WEB-C-1", headers=office).json()
    assert (stored["version"], stored["case"]["commission"]["contract_fee"]) == (2, "80000.00")

    second.fill("commission-project_name", "2024年七宝镇社区公共设施运维项目（二期）")
    second.press(SAVE)
    assert "案件已保存（第3版）" in second.text()
    stored = httpx.get(f"{server.url}/api/v1/cases/WEB-C-1", headers=office).json()
    assert stored["case"]["commission"]["contract_fee"] == "90000"
    assert stored["case"]["commission"]["project_name"].endswith("（二期）")
    assert stored["case"]["plan"]["scores"] == example("X")["plan"]["scores"]  # the scores are kept
