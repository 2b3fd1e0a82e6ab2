"""20 HTTP clients against one `kaoping serve --workers 2`: no lost update, no 500, consistent decisions."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.api.conftest import example, make_token, unique
from tests.api.test_crash import server_env, serving, verify_decision

CLIENTS = 20
ROUNDS = 6


@pytest.fixture(scope="module")
def server(database_url, migrated, tmp_path_factory):
    """One real server with two worker processes on the module's database."""
    with serving(
        server_env(database_url, tmp_path_factory.mktemp("data")), tmp_path_factory.mktemp("logs"), 2
    ) as s:
        yield s


def client_loop(base, headers, case_id, who):
    """Read, then write with If-Match (a PATCH or a score PUT), or decide; every response is kept."""
    log = []
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for r in range(ROUNDS):
            read = client.get(f"/cases/{case_id}")
            assert read.status_code == 200, read.text
            version = read.json()["version"]
            if_match = {"If-Match": f'"{version}"'}
            if r % 3 == 0:
                response = client.patch(
                    f"/cases/{case_id}",
                    json={"commission": {"project_name": f"项目 {who}-{r}"}},
                    headers=if_match,
                )
                log.append(("write", version, response))
            elif r % 3 == 1:
                response = client.put(
                    f"/cases/{case_id}/scores/plan/finance_office",
                    json={"score": str(70 + (who * 7 + r) % 30)},
                    headers=if_match,
                )
                log.append(("write", version, response))
            else:
                log.append(("decide", version, client.post(f"/cases/{case_id}/decisions")))
    return case_id, log


@pytest.mark.slow
def test_twenty_clients_on_shared_and_own_cases(server, migrated):
    """Half the clients on one case, the others two by two on five cases, all at once."""
    headers = {"Authorization": f"Bearer {make_token(migrated, 'finance_office')}"}
    shared = unique("CX")
    others = [unique("CX") for _ in range(5)]
    with httpx.Client(base_url=server.base, headers=headers, timeout=60) as client:
        for case_id in (shared, *others):
            assert client.post("/cases", json=example(case_id)).status_code == 201
    assignment = [shared] * 10 + [others[i // 2] for i in range(10)]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(
            pool.map(lambda i: client_loop(server.base, headers, assignment[i], i), range(CLIENTS))
        )

    logs = defaultdict(list)
    for case_id, log in results:
        logs[case_id].extend(log)
    statuses = [response.status_code for log in logs.values() for _, _, response in log]
    assert all(status < 500 for status in statuses), [s for s in statuses if s >= 500]
    assert 409 in statuses  # the shared case really was contended

    with httpx.Client(base_url=server.base, headers=headers, timeout=60) as client:
        for case_id, log in logs.items():
            writes = [(version, response) for kind, version, response in log if kind == "write"]
            assert {response.status_code for _, response in writes} <= {200, 409}
            acked = {}
            for version, response in writes:
                if response.status_code == 200:
                    new = response.json()["version"]
                    assert new == version + 1  # it applied to exactly the version it read
                    assert new not in acked  # two writes never both won from one version
                    acked[new] = response.json()
            final = client.get(f"/cases/{case_id}").json()
            # every version after the first is one acknowledged write: nothing applied was lost or unacked
            assert sorted(acked) == list(range(2, final["version"] + 1))
            assert final["case"] == acked[final["version"]]["case"]
            for version, response in writes:
                if response.status_code == 409:
                    assert version + 1 in acked  # it was stale: another acknowledged write took its version

            decided = [response for kind, _, response in log if kind == "decide"]
            assert {response.status_code for response in decided} == {201}
            listed = client.get(f"/cases/{case_id}/decisions", params={"limit": 100}).json()["items"]
            numbers = [d["number"] for d in listed]
            assert numbers == list(range(1, len(decided) + 1))
            assert sorted(r.json()["number"] for r in decided) == numbers
            for response in decided:
                verify_decision(response.json())
                stored = client.get(f"/cases/{case_id}/decisions/{response.json()['number']}").json()
                assert stored == response.json()
