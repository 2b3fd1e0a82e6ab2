"""Fixtures of the browser tests: per module one live server (a fresh SQLite database) and one browser."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.web.browser import LiveServer, Pages, start_browser

if TYPE_CHECKING:
    from collections.abc import Iterator

    from selenium.webdriver.remote.webdriver import WebDriver

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE: dict[str, Any] = json.loads((ROOT / "examples" / "QB-2024-007.case.json").read_text("utf-8"))


def example(case_id: str, **changes: Any) -> dict[str, Any]:
    """The worked example under another ``case_id`` (top-level keys replaced by ``changes``)."""
    case = copy.deepcopy(EXAMPLE)
    case["case_id"] = case_id
    case.update(changes)
    return case


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    """One headless Chromium for the module (skipped, or failed under KAOPING_REQUIRE_SYSTEM_DEPS, without it)."""
    with start_browser() as browser:
        yield browser


@pytest.fixture(scope="module")
def server(driver: WebDriver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a free port with a fresh database (after the browser: no browser, no server started)."""
    del driver
    live = LiveServer(tmp_path_factory.mktemp("web")).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def pages(request: pytest.FixtureRequest, driver: WebDriver, server: LiveServer) -> Pages:
    """The module's browser on its server; screenshots named after the module."""
    return Pages(driver, server, request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_"))
