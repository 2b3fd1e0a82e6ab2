"""Sessions of the pages, without a browser: cookies, revocation and expiry, CSRF, the headers of every page."""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlmodel import col, update

from api.http.app import create_app
from api.settings import Settings
from api.store import db
from api.store.tables import TokenRow, WebSessionRow
from api.store.tokens import create_token, revoke_token
from tests.web.conftest import example

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note that it prefers httpx2
    from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sqlalchemy import Engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated SQLite database for the module."""
    folder = tmp_path_factory.mktemp("sessions")
    made = db.make_engine(Settings(data_dir=folder).effective_database_url)
    db.upgrade(made)
    yield made
    made.dispose()


@pytest.fixture(scope="module")
def client(engine: Engine) -> Iterator[TestClient]:
    """A client of the app on the module's database."""
    settings = Settings(database_url=str(engine.url))
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as test_client:
        yield test_client


def token(engine: Engine, role: str = "finance_office", **kwargs: str) -> str:
    """A new access token."""
    with db.new_session(engine) as session:
        return create_token(session=session, role=role, **kwargs)


def sign_in(client: TestClient, value: str, next_path: str = "/") -> object:
    """Post the sign-in form as a browser would (the nonce from its page and cookie)."""
    client.cookies.clear()
    page = client.get("/signin")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None
    return client.post(
        "/signin", data={"token": value, "nonce": nonce.group(1), "next": next_path}, follow_redirects=False
    )


def csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF value the page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def test_signing_in_sets_a_strict_http_only_expiring_cookie(client: TestClient, engine: Engine) -> None:
    """The session cookie is HttpOnly, SameSite=Strict, with a lifetime; the next page opens."""
    answer = sign_in(client, token(engine), "/cases")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/cases"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("kaoping_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # served over http here
    assert client.get("/cases").status_code == 200


def test_over_https_the_cookie_is_secure(engine: Engine) -> None:
    """A page served over https sets its cookie Secure."""
    settings = Settings(database_url=str(engine.url))
    with TestClient(create_app(settings), base_url="https://kaoping.example") as secure:
        answer = sign_in(secure, token(engine))
        cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("kaoping_session="))
        assert "Secure" in cookie


def test_a_wrong_token_says_so_in_chinese(client: TestClient) -> None:
    """A token kaoping does not know: the form again, the error summary and the field's message."""
    answer = sign_in(client, "kp_nonsense")
    assert answer.status_code == 422
    assert "<title>错误：登录" in answer.text
    assert "访问令牌不正确" in answer.text
    assert 'href="#token"' in answer.text


def test_a_revoked_token_ends_the_session_at_the_next_page(client: TestClient, engine: Engine) -> None:
    """Revoked (by the command line) while signed in: the very next page sends the browser to sign in."""
    value = token(engine)
    sign_in(client, value)
    with db.new_session(engine) as session:
        revoke_token(session=session, token_id=last_token_id(engine))
    answer = client.get("/cases", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/signin?next=%2Fcases&why=revoked")
    page = client.get(answer.headers["location"])
    assert "已于" in page.text
    assert "被撤销" in page.text


def last_token_id(engine: Engine) -> int:
    """The id of the token made last."""
    from sqlmodel import select  # noqa: PLC0415

    with db.new_session(engine) as session:
        return int(session.exec(select(TokenRow.id).order_by(col(TokenRow.id).desc())).first() or 0)


def test_an_expired_session_or_token_says_so(client: TestClient, engine: Engine) -> None:
    """A session past its time, and a token past its expiry, each end with their own sentence."""
    sign_in(client, token(engine))
    past = datetime.now(UTC) - timedelta(minutes=1)
    with db.new_session(engine) as session:
        session.exec(update(WebSessionRow).values(expires_at=past))  # type: ignore[call-overload]
        session.commit()
    answer = client.get("/", follow_redirects=True)
    assert "登录已超过有效时间" in answer.text
    value = token(engine)
    sign_in(client, value)
    last = last_token_id(engine)
    with db.new_session(engine) as session:
        session.exec(update(TokenRow).where(col(TokenRow.id) == last).values(expires_at=past))  # type: ignore[call-overload]
        session.commit()
    answer = client.get("/", follow_redirects=True)
    assert "访问令牌已于" in answer.text
    assert "过期" in answer.text
    assert sign_in(client, value).status_code == 422  # and it cannot sign in again


def test_signing_out_ends_the_session(client: TestClient, engine: Engine) -> None:
    """After signing out the old cookie opens nothing."""
    sign_in(client, token(engine))
    cookie = client.cookies.get("kaoping_session")
    answer = client.post("/signout", data={"csrf": csrf(client)}, follow_redirects=False)
    assert answer.headers["location"] == "/signin?why=signed_out"
    client.cookies.set("kaoping_session", cookie or "")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_form_without_the_sessions_csrf_value_is_refused(client: TestClient, engine: Engine) -> None:
    """A post whose csrf field is missing or wrong is 403, and nothing is written."""
    sign_in(client, token(engine))
    fields = {"case_id": "CSRF-1"}
    assert client.post("/cases/new", data=fields).status_code == 403
    assert client.post("/cases/new", data={**fields, "csrf": "guess"}).status_code == 403
    assert client.get("/cases/CSRF-1").status_code == 404


def test_a_stale_sign_in_form_is_refused(client: TestClient, engine: Engine) -> None:
    """A sign-in post without the nonce of its own page (a forged form) does not sign in."""
    client.cookies.clear()
    answer = client.post("/signin", data={"token": token(engine), "nonce": "x"}, follow_redirects=False)
    assert answer.status_code == 400
    assert "kaoping_session" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize("language", ["en", "en-GB,en;q=0.9", "fr", "zh-CN"])
def test_pages_are_chinese_whatever_the_browser_asks(
    client: TestClient, engine: Engine, language: str
) -> None:
    """Accept-Language changes the API's sentences, never the pages'."""
    sign_in(client, token(engine))
    page = client.get("/cases", headers={"Accept-Language": language})
    assert '<html lang="zh-CN">' in page.text
    assert "案件列表" in page.text
    refused = client.post("/cases/new", data={}, headers={"Accept-Language": language})
    assert "表单已过期" in refused.text


def test_every_page_carries_the_content_security_policy(client: TestClient, engine: Engine) -> None:
    """Pages, static files and error pages: default-src 'self', not framed, no sniffing; the API is left alone."""
    sign_in(client, token(engine))
    for path in ("/", "/signin", "/cases", "/static/kaoping.css", "/static/kaoping.js", "/cases/NOPE"):
        answer = client.get(path)
        assert answer.headers["content-security-policy"].startswith("default-src 'self'"), path
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in client.get("/api/v1/health").headers


def test_no_page_has_inline_script_or_style(client: TestClient, engine: Engine) -> None:
    """CSP would block them: every script and style is a file of the app."""
    office = token(engine)
    headers = {"Authorization": f"Bearer {office}"}
    assert client.post("/api/v1/cases", json=example("CSP-1"), headers=headers).status_code == 201
    sign_in(client, office)
    for path in (
        "/",
        "/cases",
        "/cases/CSP-1",
        "/cases/new",
        "/cases/CSP-1/edit",
        "/rules",
        "/audit",
        "/agencies",
    ):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html, path
        assert "<style" not in html, path
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), path


def test_a_case_page_answers_404_for_a_case_the_caller_may_not_see(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    """Another unit's case is not found, exactly as a case that does not exist."""
    del tmp_path
    office = token(engine)
    headers = {"Authorization": f"Bearer {office}"}
    assert client.post("/api/v1/cases", json=example("HIDDEN-1"), headers=headers).status_code == 201
    sign_in(client, token(engine, "project_unit", unit_name="某某街道办事处"))
    hidden, absent = client.get("/cases/HIDDEN-1"), client.get("/cases/ABSENT-1")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.text.replace("HIDDEN-1", "X") == absent.text.replace("ABSENT-1", "X")
