"""Several workers on one database: no lost updates, no duplicate numbers, no 500s."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from api.http.app import create_app
from tests.api.conftest import V1, TestClient, create_case, example, make_token, unique

WORKERS = 4


@pytest.fixture(scope="module")
def workers(settings, migrated):
    """Four apps on the module's database, each with its own client (as uvicorn workers would be)."""
    clients = [TestClient(create_app(settings)) for _ in range(WORKERS)]
    for client in clients:
        client.__enter__()
        # FastAPI (0.165) analyses each app's routes lazily, on the first request, mutating parameter
        # metadata shared by every app in the process; real workers are processes, but here four apps
        # share one, so each finishes that analysis before the threads start.
        assert client.get(f"{V1}/warm-up").status_code == 404
    yield clients
    for client in clients:
        client.__exit__(None, None, None)


@pytest.mark.slow
def test_concurrent_decisions_are_numbered_without_gaps_or_duplicates(workers, office):
    """20 decisions of one case from 4 workers at once: numbers 1..20, each once."""
    case_id = unique("CC")
    create_case(workers[0], office, example(case_id))

    def decide(i):
        return workers[i % WORKERS].post(f"{V1}/cases/{case_id}/decisions", headers=office)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(decide, range(20)))
    assert [r.status_code for r in responses] == [201] * 20
    assert sorted(r.json()["number"] for r in responses) == list(range(1, 21))


@pytest.mark.slow
def test_concurrent_expert_scores_are_all_kept(workers, office, migrated):
    """Five experts score the same node at the same moment: all five scores are stored."""
    case_id = unique("CC")
    case = example(case_id)
    del case["plan"]["scores"]
    create_case(workers[0], office, case)
    experts = {f"E{n}": make_token(migrated, "expert", expert_id=f"E{n}") for n in range(1, 6)}

    def score(item):
        i, (_expert_id, token) = item
        return workers[i % WORKERS].put(
            f"{V1}/cases/{case_id}/scores/plan/expert_panel",
            json={"score": str(80 + i)},
            headers={"Authorization": f"Bearer {token}"},
        )

    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(score, enumerate(experts.items())))
    assert [r.status_code for r in responses] == [200] * 5
    stored = workers[0].get(f"{V1}/cases/{case_id}", headers=office).json()
    assert stored["case"]["plan"]["scores"]["expert_panel"] == {f"E{n}": str(79 + n) for n in range(1, 6)}
    assert stored["version"] == 6
