"""Office-uploaded memo templates: linted on upload, stored, used for later decisions only; case text stays text."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from engine.memos import DEFAULT_TEMPLATE_DIR
from rules.messages import message
from tests.api.conftest import V1, create_case, document_number, example, unique

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_with(stem: str, old: str, new: str) -> bytes:
    """The shipped ``stem`` template with ``old`` replaced by ``new`` in its body (exactly once)."""
    source = zipfile.ZipFile(io.BytesIO((DEFAULT_TEMPLATE_DIR / f"{stem}.docx").read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                text = data.decode("utf-8")
                assert text.count(old) == 1, old
                data = text.replace(old, new).encode("utf-8")
            target.writestr(name, data)
    return out.getvalue()


def document_text(memo: bytes) -> str:
    """The text of a memo's body (runs joined)."""
    import re  # noqa: PLC0415

    xml = zipfile.ZipFile(io.BytesIO(memo)).read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(client, headers, stem, data):
    return client.put(f"{V1}/templates/{stem}.docx", content=data, headers={**headers, "Content-Type": DOCX})


ESCAPES = {
    "class": "{{ ''.__class__ }}",
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ cycler.__init__.__globals__ }}",
    "unknown field": "{{ os }}",
    "unknown filter": "{{ case_id|attr('__class__') }}",
    "call": "{{ case_id.upper() }}",
    "set": "{% set x = 1 %}",
}


@pytest.mark.parametrize("name", list(ESCAPES))
def test_an_upload_reaching_for_python_internals_is_refused(client, tokens, name):
    """422 listing the problems (the place and what is wrong); the template in force does not change."""
    office = tokens["office"]
    before = client.get(f"{V1}/templates", headers=office).json()
    response = upload(client, office, "fee", docx_with("fee", "{{ case_id }}", ESCAPES[name]))
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]
    assert problems
    assert all(p["type"] == "template_refused" and "fee.docx, body" in p["msg"] for p in problems)
    assert client.get(f"{V1}/templates", headers=office).json() == before


def test_garbage_and_unknown_stems_are_refused(client, tokens):
    office = tokens["office"]
    bad = upload(client, office, "fee", b"not a zip")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["msg"] == message("office_file.not_zip", "zh")
    assert bad.json()["detail"][0]["ctx"] == {"check": "not_zip"}
    assert (
        upload(client, office, "nosuch", (DEFAULT_TEMPLATE_DIR / "fee.docx").read_bytes()).status_code == 404
    )
    assert client.get(f"{V1}/templates/nosuch.docx", headers=office).status_code == 404


@pytest.mark.parametrize("party", ["auditor", "expert", "unit"])
def test_only_the_finance_office_uploads(client, tokens, party):
    response = upload(client, tokens[party], "fee", docx_with("fee", "一、基本情况", "一、基本情况（甲）"))
    assert response.status_code == 403
    assert client.get(f"{V1}/templates", headers=tokens[party]).status_code == 200


def test_a_body_over_the_limit_is_413(client, tokens):
    response = upload(client, tokens["office"], "fee", b"PK" + b"\0" * (1_048_576 + 10))
    assert response.status_code == 413


def test_the_list_shows_the_shipped_templates_with_their_hashes(client, tokens):
    listed = {t["stem"]: t for t in client.get(f"{V1}/templates", headers=tokens["auditor"]).json()}
    assert set(listed) == {"eligibility", "review", "fee", "referral"}
    shipped = (DEFAULT_TEMPLATE_DIR / "referral.docx").read_bytes()
    assert listed["referral"]["source"] == "shipped"
    assert listed["referral"]["sha256"] == sha(shipped)
    got = client.get(f"{V1}/templates/referral.docx", headers=tokens["auditor"])
    assert (got.status_code, got.headers["content-type"], got.content) == (200, DOCX, shipped)


def test_an_accepted_upload_is_used_for_later_decisions_only(client, tokens):
    """Decision 1 before the upload keeps the old template's bytes; decision 2 after it uses the new one."""
    office = tokens["office"]
    case_id = unique("TP")
    create_case(client, office, example(case_id))
    body = {"document_number": document_number(), "document_date": "2024-07-03"}
    assert client.post(f"{V1}/cases/{case_id}/decisions", json=body, headers=office).status_code == 201
    memo_url = f"{V1}/cases/{case_id}/decisions/{{n}}/memos/fee.docx"
    first_before = client.get(memo_url.format(n=1), headers=office).content
    assert "（新版）" not in document_text(first_before)

    data = docx_with("fee", "一、基本情况", "一、基本情况（新版）")
    accepted = upload(client, office, "fee", data)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["sha256"] == sha(data)
    assert accepted.json()["source"] == "uploaded"
    assert client.get(f"{V1}/templates/fee.docx", headers=office).content == data
    audit = client.get(f"{V1}/audit", params={"action": "template.upload"}, headers=office).json()["items"]
    assert audit[0]["target"] == "template:fee"
    assert audit[0]["detail"]["sha256"] == sha(data)

    later = {"document_date": "2024-07-03"}  # a document number is issued once per office and year
    assert client.post(f"{V1}/cases/{case_id}/decisions", json=later, headers=office).status_code == 201
    second = client.get(memo_url.format(n=2), headers=office).content
    assert "一、基本情况（新版）" in document_text(second)
    assert client.get(memo_url.format(n=2), headers=office).content == second  # stable bytes
    assert (
        client.get(memo_url.format(n=1), headers=office).content == first_before
    )  # old decision: old template

    newer = docx_with("fee", "一、基本情况", "一、基本情况（第三版）")
    assert upload(client, office, "fee", newer).status_code == 200
    assert client.get(memo_url.format(n=2), headers=office).content == second  # issued with the 新版
    assert client.post(f"{V1}/cases/{case_id}/decisions", json=later, headers=office).status_code == 201
    assert "（第三版）" in document_text(client.get(memo_url.format(n=3), headers=office).content)


def test_jinja_in_case_text_renders_literally(client, tokens):
    """An agency named {{ 7*7 }} and a unit with {% ... %} are printed as typed, not evaluated."""
    office = tokens["office"]
    case = example(unique("TJ"))
    case["agency"]["name"] = "{{ 7*7 }}评价有限公司"
    case["commission"]["project_name"] = "{% for x in range(3) %}X{% endfor %}{{ ''.__class__ }}"
    create_case(client, office, case)
    case_id = case["case_id"]
    assert client.post(f"{V1}/cases/{case_id}/decisions", headers=office).status_code == 201
    for kind in ("eligibility", "fee"):
        memo = client.get(f"{V1}/cases/{case_id}/decisions/1/memos/{kind}.docx", headers=office)
        assert memo.status_code == 200, memo.text
        text = document_text(memo.content)
        assert "{{ 7*7 }}评价有限公司" in text
        assert "49评价有限公司" not in text
    fee = document_text(
        client.get(f"{V1}/cases/{case_id}/decisions/1/memos/fee.docx", headers=office).content
    )
    assert "{% for x in range(3) %}X{% endfor %}{{ &#39;&#39;.__class__ }}" in fee or (
        "{% for x in range(3) %}X{% endfor %}{{ ''.__class__ }}" in fee
    )
    assert "XXX" not in fee
