"""PUT /cases/{id}/scores/{node}/{party}: who may write which score, and how member scores merge."""

from __future__ import annotations

import pytest

from tests.api.conftest import V1, create_case, example, unique


def _unscored(client, office):
    case_id = unique("S")
    case = example(case_id)
    for node in ("plan", "draft"):
        del case[node]["scores"]
    create_case(client, office, case)
    return case_id


def _put(client, headers, case_id, node, party, body, **extra):
    return client.put(f"{V1}/cases/{case_id}/scores/{node}/{party}", json=body, headers={**headers, **extra})


def test_the_office_enters_member_scores_from_the_sheet_and_they_merge(client, office):
    """Two partial sheets merge; a later value for a member replaces the earlier one."""
    case_id = _unscored(client, office)
    assert (
        _put(client, office, case_id, "plan", "expert_panel", {"scores": {"E1": "88", "E2": 91}}).status_code
        == 200
    )
    response = _put(client, office, case_id, "plan", "expert_panel", {"scores": {"E2": "90.5", "E3": "86"}})
    assert response.status_code == 200
    assert response.json()["case"]["plan"]["scores"]["expert_panel"] == {"E1": "88", "E2": "90.5", "E3": "86"}
    assert response.json()["version"] == 3
    assert response.headers["etag"] == '"3"'


def test_an_expert_writes_only_its_own_score(client, office, tokens):
    """E2's {"score": ...} lands under E2; a sheet from an expert is 403."""
    case_id = _unscored(client, office)
    response = _put(client, tokens["expert"], case_id, "draft", "expert_panel", {"score": "89"})
    assert response.status_code == 200
    assert response.json()["case"]["draft"]["scores"] == {"expert_panel": {"E2": "89"}}
    sheet = _put(client, tokens["expert"], case_id, "draft", "expert_panel", {"scores": {"E1": "10"}})
    assert sheet.status_code == 403


def test_an_expert_may_not_score_another_party_or_a_case_not_on_its_panel(client, office, tokens):
    """E2 may not give the unit's score; E9 is on no panel here: for E9 the case does not exist (404)."""
    case_id = _unscored(client, office)
    assert _put(client, tokens["expert"], case_id, "plan", "project_unit", {"score": "90"}).status_code == 403
    assert (
        _put(client, tokens["stranger"], case_id, "plan", "expert_panel", {"score": "90"}).status_code == 404
    )


def test_the_project_unit_writes_only_its_own_score_of_its_own_cases(client, office, tokens):
    """Its own party on its own case: 200; the office's score: 403; another unit's case: 404 (not its own)."""
    case_id = _unscored(client, office)
    assert _put(client, tokens["unit"], case_id, "plan", "project_unit", {"score": "90"}).status_code == 200
    assert _put(client, tokens["unit"], case_id, "plan", "finance_office", {"score": "90"}).status_code == 403
    assert (
        _put(client, tokens["other_unit"], case_id, "plan", "project_unit", {"score": "90"}).status_code
        == 404
    )


def test_the_auditor_writes_nothing(client, office, tokens):
    """Read-only role."""
    case_id = _unscored(client, office)
    assert (
        _put(client, tokens["auditor"], case_id, "plan", "finance_office", {"score": "90"}).status_code == 403
    )


def test_complete_scores_give_a_complete_assessment(client, office, tokens):
    """All parties of both nodes entered: the stored decision is complete, as for the example."""
    case_id = _unscored(client, office)
    sheets = {
        "plan": ("88", "91", "86", "90", "85", "90", "92"),
        "draft": ("87", "90", "86", "89", "84", "88", "90"),
    }
    for node, (e1, e2, e3, e4, e5, unit, fin) in sheets.items():
        assert (
            _put(client, office, case_id, node, "expert_panel", {"scores": {"E1": e1, "E3": e3}}).status_code
            == 200
        )
        assert (
            _put(client, office, case_id, node, "expert_panel", {"scores": {"E4": e4, "E5": e5}}).status_code
            == 200
        )
        assert _put(client, tokens["expert"], case_id, node, "expert_panel", {"score": e2}).status_code == 200
        assert _put(client, tokens["unit"], case_id, node, "project_unit", {"score": unit}).status_code == 200
        assert _put(client, office, case_id, node, "finance_office", {"score": fin}).status_code == 200
    decision = client.post(f"{V1}/cases/{case_id}/decisions", headers=office).json()["decision"]
    assert decision["assessment"]["composite"] == "88.76"
    assert decision["fee"]["payable"] == "74400.00"


@pytest.mark.parametrize(
    ("party", "body", "loc"),
    [
        ("expert_panel", {"score": "90"}, ["score"]),
        ("finance_office", {"scores": {"E1": "90"}}, ["scores"]),
        ("finance_office", {"score": "90", "scores": {"E1": "90"}}, []),
        ("finance_office", {}, []),
        ("finance_office", {"score": "100.5"}, ["score"]),
        ("finance_office", {"score": "90.25"}, ["score"]),
        ("expert_panel", {"scores": {"E7": "90"}}, ["scores", "E7"]),
        ("finance_office", {"score": "90", "note": "x"}, ["note"]),
    ],
)
def test_bad_score_bodies_are_422(client, office, party, body, loc):
    """Wrong shape for the party, out of range, too precise, unknown member, unknown field."""
    case_id = _unscored(client, office)
    response = _put(client, office, case_id, "plan", party, body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc


def test_scoring_a_node_not_yet_submitted_is_409(client, office):
    """No draft yet: nothing to score."""
    case_id = unique("S")
    case = example(case_id)
    del case["draft"]
    create_case(client, office, case)
    assert _put(client, office, case_id, "draft", "finance_office", {"score": "90"}).status_code == 409


def test_unknown_node_or_party_is_422(client, office):
    """Path values are checked."""
    case_id = _unscored(client, office)
    assert _put(client, office, case_id, "report", "finance_office", {"score": "90"}).status_code == 422
    assert _put(client, office, case_id, "plan", "agency", {"score": "90"}).status_code == 422


def test_a_stale_if_match_on_a_score_is_409(client, office):
    """If-Match is optional on scores, but honoured."""
    case_id = _unscored(client, office)
    response = _put(client, office, case_id, "plan", "finance_office", {"score": "90"}, **{"If-Match": '"7"'})
    assert response.status_code == 409
