"""Hostile template uploads: bombs, DTDs and entities, deep loops, renders over budget -- 413/422 naming the
part or the problem, never a 500 or a hung worker, and the template in force never changes. A decision
pinned to a template that cannot render answers 409."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from sqlalchemy import delete

from api.store import db
from api.store.tables import TemplateRow
from engine.memos import DEFAULT_TEMPLATE_DIR
from rules.messages import message
from tests.api.conftest import V1, create_case, example, unique
from tests.api.test_templates import docx_with, upload

MiB = 1024 * 1024


def shipped_with(stem: str, changes: dict[str, bytes], *, remove: tuple[str, ...] = ()) -> bytes:
    """The shipped ``stem`` template with parts replaced or added (``changes``) and some removed."""
    source = zipfile.ZipFile(io.BytesIO((DEFAULT_TEMPLATE_DIR / f"{stem}.docx").read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name not in changes and name not in remove:
                target.writestr(name, source.read(name))
        for name, data in changes.items():
            target.writestr(name, data, compresslevel=9)
    return out.getvalue()


def document(stem: str) -> str:
    return (
        zipfile.ZipFile(io.BytesIO((DEFAULT_TEMPLATE_DIR / f"{stem}.docx").read_bytes()))
        .read("word/document.xml")
        .decode()
    )


def with_doctype(xml: str, doctype: str) -> bytes:
    head, rest = xml.split("?>", 1)
    return f"{head}?>{doctype}{rest}".encode()


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def heavy(stem: str, copies: int = 400_000) -> bytes:
    """A 21 KB file that passes lint and the guard, whose render wants gigabytes: 400,000 blanks."""
    xml = document(stem)
    at = xml.index("{{ case_id }}")
    return shipped_with(
        stem, {"word/document.xml": (xml[:at] + "{{ case_id }}" * copies + xml[at:]).encode()}
    )


def refused(response, reason: str | None = None) -> list[dict]:
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]
    assert problems
    assert all(p["type"] == "template_refused" for p in problems)
    if reason is not None:
        assert problems[0]["ctx"]["check"] == reason
    return problems


@pytest.fixture
def unchanged(client, office):
    """The templates in force before the test, compared with those after it."""
    before = client.get(f"{V1}/templates", headers=office).json()
    yield
    assert client.get(f"{V1}/templates", headers=office).json() == before


def test_a_part_that_inflates_past_the_limit_is_refused_unread(client, office, unchanged):
    """100 MB of XML in a 100 KB file: refused from the zip's declared size, naming the part."""
    bomb = shipped_with("fee", {"word/bomb.xml": b" " * (100 * MiB)})
    assert len(bomb) < 1 * MiB
    started = time.monotonic()
    problems = refused(upload(client, office, "fee", bomb), "part_too_large")
    assert time.monotonic() - started < 5
    assert "word/bomb.xml" in problems[0]["msg"]
    assert problems[0]["ctx"]["part"] == "word/bomb.xml"


def test_parts_that_inflate_past_the_total_are_refused(client, office, unchanged):
    """Five parts of 7 MB each: every part under its limit, the total (35 MB) over 32 MB."""
    parts = {f"word/filler{i}.xml": b"<a/>" + b" " * (7 * MiB) for i in range(5)}
    refused(upload(client, office, "fee", shipped_with("fee", parts)), "total_too_large")


@pytest.mark.parametrize(
    ("name", "doctype"),
    [
        ("entity", '<!DOCTYPE w:document [<!ENTITY x "七宝">]>'),
        ("external", '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        ("laughs", LAUGHS),
    ],
)
def test_a_dtd_or_entity_is_refused_naming_the_part(client, office, unchanged, name, doctype):
    """A DOCTYPE anywhere (entities, external entities, a billion laughs) is 422 naming the part."""
    data = shipped_with("fee", {"word/document.xml": with_doctype(document("fee"), doctype)})
    problems = refused(upload(client, office, "fee", data), "doctype")
    assert problems[0]["msg"] == message("office_file.doctype", "zh", part="word/document.xml"), name


def test_an_undefined_entity_is_refused_naming_the_part(client, office, unchanged):
    """``&nosuch;`` without a DTD is not well-formed XML: 422 naming the part, not a 500."""
    xml = document("fee").replace("{{ case_id }}", "{{ case_id }}&nosuch;", 1)
    problems = refused(
        upload(client, office, "fee", shipped_with("fee", {"word/document.xml": xml.encode()}))
    )
    assert problems[0]["ctx"]["check"] == "bad_xml"
    assert problems[0]["ctx"]["part"] == "word/document.xml"


def test_seven_nested_loops_are_refused(client, office, unchanged):
    """Lint allows three nested loops; seven are refused before any render."""
    loops = "".join(f"{{% for r{i} in checks %}}" for i in range(7)) + "{% endfor %}" * 7
    problems = refused(
        upload(client, office, "fee", docx_with("fee", "{{ case_id }}", "{{ case_id }}" + loops))
    )
    assert any(message("template.loops_too_deep", "zh", limit=3) in p["msg"] for p in problems)


@pytest.mark.slow
def test_a_template_whose_trial_render_is_over_budget_is_refused(client, office, unchanged):
    """Passes the guard and lint, but its trial render wants more than 256 MB: 422, within seconds."""
    started = time.monotonic()
    problems = refused(upload(client, office, "fee", heavy("fee")))
    assert time.monotonic() - started < 20
    assert problems[0]["ctx"]["check"] in {"render_memory", "render_cpu"}


def test_a_file_over_the_size_limit_is_413(client, office, unchanged, settings):
    """Larger than the body limit: 413 before anything is read into the guard."""
    response = upload(client, office, "fee", b"PK" + b"\0" * (settings.max_body_bytes + 1))
    assert response.status_code == 413


def test_a_decision_pinned_to_a_template_that_cannot_render_is_409(client, office, migrated):
    """Templates stored before these checks (here: written straight into the database) cannot make a
    memo a 500: the download is 409 naming the template, and other memos still render."""
    bad = {
        "doctype": shipped_with("fee", {"word/document.xml": with_doctype(document("fee"), LAUGHS)}),
        "heavy": heavy("fee"),
    }
    engine = db.make_engine(migrated)
    try:
        for name, data in bad.items():
            with db.new_session(engine) as session:
                session.add(
                    TemplateRow(stem="fee", sha256=f"{name:0<64}", data=data, size=len(data), actor="test")
                )
                session.commit()
            case_id = unique("TB")
            create_case(client, office, example(case_id))
            assert client.post(f"{V1}/cases/{case_id}/decisions", headers=office).status_code == 201
            started = time.monotonic()
            memo = client.get(f"{V1}/cases/{case_id}/decisions/1/memos/fee.docx", headers=office)
            assert memo.status_code == 409, (name, memo.text)
            assert "fee.docx" in memo.json()["detail"]
            assert time.monotonic() - started < 20
            other = client.get(f"{V1}/cases/{case_id}/decisions/1/memos/eligibility.docx", headers=office)
            assert other.status_code == 200
    finally:
        with db.new_session(engine) as session:
            session.exec(delete(TemplateRow).where(TemplateRow.actor == "test"))
            session.commit()
        engine.dispose()
