"""The browser tests' tools: Debian's headless Chromium driven by Selenium, a real server, axe-core.

* :func:`chromium` finds ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` (Debian's ``chromium`` and
  ``chromium-driver``, installed by ``scripts/install-system-deps.sh``) -- or skips the test, saying so
  (a failure under ``KAOPING_REQUIRE_SYSTEM_DEPS=1``).
* :func:`start_browser` starts one headless browser with explicit paths to both, a fresh profile, no
  background network, 1280 x 800; :class:`Pages` drives it: visits, full-page screenshots through the
  DevTools protocol (saved into ``KAOPING_SCREENSHOTS`` when set), axe-core runs, overflow checks.
* :class:`LiveServer` runs the app under uvicorn in a thread on a free port with its own SQLite file.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from api.http.app import create_app
from api.settings import Settings
from api.store import db
from api.store.tokens import create_token
from tests.support.system import missing_dependency

if TYPE_CHECKING:
    from collections.abc import Iterator

    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENSHOTS_ENV = "KAOPING_SCREENSHOTS"
WIDE = (1280, 800)
NARROW = (390, 844)
ARGUMENTS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--lang=zh-CN",
)


def chromium() -> tuple[Path, Path]:
    """The paths of Chromium and its driver, or skip (fail under ``KAOPING_REQUIRE_SYSTEM_DEPS=1``)."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not (path.is_file() and os.access(path, os.X_OK)):
            missing_dependency(f"{path} (Debian package {package}) not found; needed for the browser tests")
    return CHROMIUM, CHROMEDRIVER


@contextlib.contextmanager
def start_browser() -> Iterator[WebDriver]:
    """One headless Chromium (with its driver), closed and its profile deleted afterwards."""
    from selenium import webdriver  # noqa: PLC0415 - only the browser tests need it
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    binary, driver_path = chromium()
    profile = Path(tempfile.mkdtemp(prefix="kaoping-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(binary)
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={WIDE[0]},{WIDE[1]}")
    options.add_experimental_option("prefs", {"download.default_directory": str(profile / "downloads")})
    driver = webdriver.Chrome(service=Service(executable_path=str(driver_path)), options=options)
    try:
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(30)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


GONE_NODE = "does not belong to the document"
"""Chromium's words when an element's page is being replaced (an ``unknown error``, not a stale one)."""


def _gone(element: Any) -> bool:
    """Whether the element's page is gone: stale, or (mid-navigation) a node of no document any more.

    Selenium's ``staleness_of`` knows only the first; Chromium 156 answers the second while the old
    document is being torn down, which is the same fact.
    """
    from selenium.common.exceptions import (  # noqa: PLC0415
        StaleElementReferenceException,
        WebDriverException,
    )

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if GONE_NODE in str(error.msg):
            return True
        raise
    return False


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """The app under uvicorn in a thread, on a free port, with a new SQLite database in ``folder``."""

    folder: Path
    port: int = field(default_factory=free_port)
    settings: Settings = field(init=False)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.settings = Settings(data_dir=self.folder)
        engine = db.make_engine(self.settings.effective_database_url)
        try:
            db.upgrade(engine)
        finally:
            engine.dispose()

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def token(self, role: str, *, expert_id: str | None = None, unit_name: str | None = None) -> str:
        """A new access token (as ``kaoping token create`` makes one)."""
        engine = db.make_engine(self.settings.effective_database_url)
        try:
            with db.new_session(engine) as session:
                return create_token(session=session, role=role, expert_id=expert_id, unit_name=unit_name)
        finally:
            engine.dispose()

    def start(self) -> LiveServer:
        """Serve until :meth:`stop`; returns once the server accepts connections."""
        config = uvicorn.Config(
            create_app(self.settings), host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="kaoping-web-test-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Pages:
    """A browser on the live server: visits, screenshots, axe-core, overflow and keyboard helpers."""

    def __init__(self, driver: WebDriver, server: LiveServer, prefix: str) -> None:
        self.driver = driver
        self.server = server
        self.prefix = prefix
        self.shots = 0
        self.seen: list[str] = []
        self._root: Any = None
        target = os.environ.get(SCREENSHOTS_ENV, "").strip()
        self.folder = Path(target) if target else None
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def go(self, path: str) -> None:
        """Open a path of the server, and record the page (screenshot, axe-core)."""
        self.driver.get(self.server.url + path)
        self.seen_page()

    def seen_page(self) -> None:
        """Record the page the browser shows now: a screenshot and an accessibility check."""
        self._root = self.find("html")
        self.seen.append(self.driver.current_url)
        self.screenshot()
        violations = self.axe()
        assert violations == [], f"{self.driver.current_url}: axe-core found {violations}"

    def screenshot(self, name: str | None = None) -> Path | None:
        """A full-page PNG through the DevTools protocol, into ``KAOPING_SCREENSHOTS`` (when set)."""
        if self.folder is None:
            return None
        self.shots += 1
        width = self.driver.execute_script("return window.innerWidth")
        label = name or self.driver.current_url.split("://", 1)[-1].split("/", 1)[-1] or "home"
        path = self.folder / f"{self.prefix}-{self.shots:02d}-{width}px-{_SAFE.sub('_', label)[:60]}.png"
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the page (id, impact, the elements' selectors)."""
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        found = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [], help: String(e)}]));"
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v.get("help"),
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in found
            if v.get("impact") in {"serious", "critical"}
        ]

    def overflow(self) -> tuple[int, int]:
        """The page's ``scrollWidth`` and the window's width (the page fits when the first is not larger)."""
        return self.driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")

    def size(self, width: int, height: int) -> None:
        """Make the viewport ``width`` x ``height`` CSS pixels (through the DevTools protocol)."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )

    # ---------------------------------------------------------------- acting on pages

    def find(self, css: str) -> Any:
        """The element matching a CSS selector."""
        from selenium.webdriver.common.by import By  # noqa: PLC0415

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[Any]:
        """Every element matching a CSS selector."""
        from selenium.webdriver.common.by import By  # noqa: PLC0415

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def fill(self, element_id: str, text: str) -> None:
        """Type ``text`` into the control of that id (what was there is cleared first)."""
        element = self.find(f"#{element_id}")
        element.clear()
        element.send_keys(text)

    def choose(self, element_id: str, code: str) -> None:
        """Pick the option of value ``code`` in the drop-down of that id."""
        from selenium.webdriver.support.ui import Select  # noqa: PLC0415

        Select(self.find(f"#{element_id}")).select_by_value(code)

    def press(self, css: str) -> None:
        """Click the element (a button: its form is sent) and record the page it leads to."""
        self.find(css).click()
        self.arrived()
        self.seen_page()

    def arrived(self, old: Any = None) -> None:
        """Wait until the page that was shown (its root element) is gone and the new one has loaded."""
        from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

        root = old if old is not None else self._root
        if root is not None:
            WebDriverWait(self.driver, 30).until(lambda _driver: _gone(root))
        WebDriverWait(self.driver, 30).until(
            lambda driver: driver.execute_script("return document.readyState") == "complete"
        )

    def text(self) -> str:
        """The page's visible text."""
        return str(self.find("body").text)

    def sign_in(self, token: str) -> None:
        """Sign in on the sign-in page (after signing out whoever was signed in)."""
        self.driver.get(self.server.url + "/signin")
        if self.all("form[action='/signout'] button"):
            self.find("form[action='/signout'] button").click()
        self.go("/signin")
        self.fill("token", token)
        self.press("form[action='/signin'] button[type=submit]")

    def post(self, path: str, fields: dict[str, str]) -> int:
        """Post a form as this page's script could (same origin, the session's cookie): the status."""
        script = (
            "const [path, fields, done] = arguments;"
            "const body = new URLSearchParams(fields);"
            "fetch(path, {method: 'POST', body, redirect: 'manual', credentials: 'same-origin'})"
            ".then(r => done(r.status)).catch(e => done(String(e)));"
        )
        return int(self.driver.execute_async_script(script, path, fields))

    def csrf(self) -> str:
        """The session's CSRF value, as this page's forms carry it."""
        return str(self.find("input[name=csrf]").get_attribute("value"))
