"""Flow 5: every page at 390 px wide (and at 1280 x 800): nothing overflows sideways, axe finds nothing serious."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from tests.web.browser import NARROW, WIDE
from tests.web.conftest import EXAMPLE, example

if TYPE_CHECKING:
    from tests.web.browser import LiveServer, Pages

pytestmark = pytest.mark.browser
CASE = "WEB-N-1"
AGENCY = EXAMPLE["agency"]
EXPERT = EXAMPLE["panel"]["members"][0]


@pytest.fixture(scope="module")
def office(server: LiveServer) -> str:
    """The office's token; a case with a decision, an agency and an expert stored through the API."""
    token = server.token("finance_office")
    headers = {"Authorization": f"Bearer {token}"}
    api = f"{server.url}/api/v1"
    assert httpx.post(f"{api}/cases", json=example(CASE), headers=headers).status_code == 201
    assert (
        httpx.post(f"{api}/cases/{CASE}/decisions", json={"document_number": 3}, headers=headers).status_code
        == 201
    )
    record = {k: v for k, v in AGENCY.items() if k != "history"}
    assert httpx.post(f"{api}/agencies", json=record, headers=headers).status_code == 201
    assert httpx.post(f"{api}/experts", json=EXPERT, headers=headers).status_code == 201
    return token


OFFICE_PAGES = (
    "/",
    "/cases",
    "/cases?year=abc",
    "/cases/new",
    f"/cases/{CASE}",
    f"/cases/{CASE}/edit",
    f"/cases/{CASE}/decisions/new",
    "/agencies",
    "/agencies/new",
    f"/agencies/{AGENCY['credit_code']}",
    "/experts",
    "/experts/new",
    f"/experts/{EXPERT['id']}",
    "/rules",
    "/audit",
    "/cases/NO-SUCH-CASE",
)


def _fits(pages: Pages) -> None:
    """Open every collapsed part, then: the page is no wider than the window."""
    pages.driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    scroll, window = pages.overflow()
    assert scroll <= window, f"{pages.driver.current_url}: scrollWidth {scroll} > window {window}"


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["390px", "1280px"])
def test_every_page_fits_the_window(
    pages: Pages, server: LiveServer, office: str, size: tuple[int, int]
) -> None:
    """Sign-in, every office page, a form with errors, the check page, the parties' home pages."""
    pages.size(*size)
    pages.driver.delete_all_cookies()
    pages.go("/signin")
    _fits(pages)
    pages.sign_in(office)
    for path in OFFICE_PAGES:
        pages.go(path)
        _fits(pages)
    pages.go("/cases/new")
    pages.press("form[action='/cases/new'] .actions button[type=submit]")  # everything blank: errors
    assert pages.driver.title.startswith("错误：")
    _fits(pages)
    pages.go(f"/cases/{CASE}/decisions/new")
    pages.press("form[action$='/decisions/check'] button")
    assert "请核对" in pages.text()
    _fits(pages)
    for token in (
        server.token("expert", expert_id="E1"),
        server.token("project_unit", unit_name=EXAMPLE["commission"]["project_unit"]),
        server.token("auditor"),
    ):
        pages.sign_in(token)
        _fits(pages)
        pages.go(f"/cases/{CASE}")
        _fits(pages)
    pages.go(f"/agencies/{AGENCY['credit_code']}")
    _fits(pages)
    pages.go(f"/experts/{EXPERT['id']}")
    _fits(pages)
