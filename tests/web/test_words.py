"""The pages in the office's words, without a browser: a drop-down takes a code or its label, and a bad
value is named by its field's label with the allowed codes, as the API says it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from api.store import db
from api.store.registry import get_expert
from tests.web.test_sessions import client, csrf, engine, sign_in, token

if TYPE_CHECKING:
    from fastapi.testclient import TestClient
    from sqlalchemy import Engine

__all__ = ["client", "engine"]  # the module's fixtures, shared with the session tests


def _post_expert(client: TestClient, expert_id: str, pool: str) -> object:
    form = {"csrf": csrf(client, "/experts/new"), "id": expert_id, "name": "周明", "pool": pool}
    return client.post("/experts/new", data={**form, "domain_expert": "true"}, follow_redirects=False)


def test_a_drop_down_takes_a_code_or_its_label(client: TestClient, engine: Engine) -> None:
    """库外专家 posted for the pool is stored as ``other``, as a case or the API stores it."""
    sign_in(client, token(engine))
    answer = _post_expert(client, "W1", "库外专家")
    assert answer.status_code == 303, answer.text
    with db.new_session(engine) as session:
        assert get_expert(session=session, expert_id="W1").record.pool == "other"


def test_a_bad_choice_is_named_by_its_label_with_the_allowed_codes(
    client: TestClient, engine: Engine
) -> None:
    """The page's per-field message is the API's Chinese one: the field's label, the codes with labels."""
    sign_in(client, token(engine))
    answer = _post_expert(client, "W2", "某库")
    assert answer.status_code == 422
    text = re.sub(r"<[^>]+>", "", answer.text)
    assert (
        "专家来源（pool）须为下列之一：市级财政专家库（municipal）、区级财政专家库（district）、库外专家（other）"
        in text
    )
