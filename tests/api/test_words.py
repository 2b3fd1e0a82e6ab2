"""The office's own words over HTTP: labels in, codes stored; Chinese answers, English on request."""

from __future__ import annotations

import json

from tests.api.conftest import V1, create_case, example, unique

JSON = {"Content-Type": "application/json"}
EN = {"Accept-Language": "en"}


def test_labels_and_certain_forms_are_stored_as_codes_and_canonical_values(client, office):
    """POST /cases with Chinese labels, full-width digits and a Chinese date stores the canonical case."""
    case = example(unique("WORDS"))
    case["agency"]["kind"] = "会计师事务所"
    case["commission"]["evaluation_kind"] = "事后评价"
    case["commission"]["contract_fee"] = "８０，０００．００"
    case["commission"]["commissioned_on"] = "2024年3月15日"
    case["commission"]["contract_clauses"] = ["合同当事人", *case["commission"]["contract_clauses"][1:]]
    stored = create_case(client, office, case)["case"]
    assert stored["agency"]["kind"] == "cpa_firm"
    assert stored["commission"]["evaluation_kind"] == "post"
    assert stored["commission"]["contract_fee"] == "80000.00"
    assert stored["commission"]["commissioned_on"] == "2024-03-15"
    assert stored["commission"]["contract_clauses"][0] == "parties"
    decision = client.post(f"{V1}/evaluate", json=case, headers=office).json()
    assert decision["eligibility"]["status"] == "eligible"
    elg04 = next(e for e in decision["trace"] if e["rule"] == "ELG-04")
    assert elg04["facts"]["agency_kind"] == "cpa_firm"


def test_errors_are_chinese_by_default_and_english_on_request(client, office):
    """The same bad case: Chinese sentences, or English ones with Accept-Language: en; same loc and type."""
    case = example(unique("WORDS"))
    case["agency"]["kind"] = "广告公司"
    zh = client.post(f"{V1}/evaluate", json=case, headers=office)
    en = client.post(f"{V1}/evaluate", json=case, headers={**office, **EN})
    assert zh.status_code == en.status_code == 422
    [zh_error], [en_error] = zh.json()["detail"], en.json()["detail"]
    assert zh_error["msg"].startswith("机构类型（agency.kind）须为下列之一：专业咨询机构（consultancy）")
    assert en_error["msg"].startswith("agency kind (agency.kind) must be one of: consultancy (professional")
    assert (
        (zh_error["loc"], zh_error["type"])
        == (en_error["loc"], en_error["type"])
        == (["agency", "kind"], "literal_error")
    )
    assert [a["code"] for a in zh_error["ctx"]["allowed"]][:2] == ["consultancy", "cpa_firm"]


def test_other_answers_follow_the_language_too(client, office):
    """401, 404 and an unknown path speak Chinese unless English is asked for."""
    assert client.get(f"{V1}/cases/NOPE").json()["detail"].startswith("请在请求头中附上访问令牌")
    assert client.get(f"{V1}/cases/NOPE", headers=EN).json()["detail"] == "send Authorization: Bearer <token>"
    assert client.get(f"{V1}/cases/NOPE", headers=office).json()["detail"] == "没有案件 NOPE"
    assert client.get(f"{V1}/cases/NOPE", headers={**office, **EN}).json()["detail"] == "no case NOPE"
    assert client.get(f"{V1}/no-such-thing").json()["detail"] == "没有这个地址"


def test_a_repeated_key_is_bad_input_on_every_body(client, office):
    """A case body, a merge patch and a score body that name a key twice: 422 naming the key's path."""
    case_id = unique("DUP")
    text = json.dumps(example(case_id), ensure_ascii=False).replace('"E1": "88"', '"E1": "88", "E1": "40"', 1)
    for path in ("/evaluate", "/cases"):
        response = client.post(V1 + path, content=text.encode(), headers={**office, **JSON})
        assert response.status_code == 422
        assert response.json()["detail"] == [
            {
                "loc": ["plan", "scores", "expert_panel", "E1"],
                "msg": "评价方案专家评分（plan.scores.expert_panel.E1）在同一对象中出现了两次，请只保留一个（重复的键会覆盖前一个值）",
                "type": "duplicate_key",
            }
        ]
    create_case(client, office, example(case_id))
    response = client.put(
        f"{V1}/cases/{case_id}/scores/plan/expert_panel",
        content=b'{"scores": {"E1": "88", "E1": "40"}}',
        headers={**office, **JSON, **EN},
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["scores", "E1"], "duplicate_key")
    assert error["msg"].startswith("field scores.E1 appears twice in one object")


def test_a_score_is_read_as_a_person_writes_it(client, office):
    """PUT a score written ``９１．５`` with spaces: stored as 91.5."""
    case_id = unique("SCORE")
    create_case(client, office, example(case_id))
    response = client.put(
        f"{V1}/cases/{case_id}/scores/plan/finance_office", json={"score": " ９１．５ "}, headers=office
    )
    assert response.status_code == 200, response.text
    assert response.json()["case"]["plan"]["scores"]["finance_office"] == "91.5"
