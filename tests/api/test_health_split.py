"""Health for load balancers: `/v1/health/live` answers while the process does;
`/v1/health/ready` answers 503 with the reason while the leader is away or the
projections are stuck far behind; `/v1/health` is liveness, as before. And a URL that
names several hosts finds the node that answers — after a "failover" too, without a
restart, requests meanwhile answered 503 (never 500)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from adapters.settings import Settings
from api.app import create_app
from api.runtime import Runtime
from api.server import open_projections
from projections import Projections
from service.ledger import Ledger
from service.tokens import issue_token
from tests.api_support import HOME, Proxy, free_port, organisation
from tests.conftest import PII_KEY, new_postgres_database


def runtime_for(url: str, **kwargs: object) -> Runtime:
    return Runtime(
        open_ledger=lambda: Ledger(Settings(url, PII_KEY)),
        open_projections=open_projections,
        database_url=url,
        run_projections=True,
        **kwargs,  # type: ignore[arg-type]
    )


def until(check: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.1)


@pytest.mark.both_stores
def test_live_and_ready_need_no_token_and_show_only_status_and_positions(
    database_url: str,
) -> None:
    runtime = runtime_for(database_url)
    with TestClient(create_app(runtime=runtime)) as client:
        assert client.get("/v1/health").json() == {"status": "ok"}
        assert client.get("/v1/health/live").json() == {"status": "ok"}
        until(lambda: client.get("/v1/health/ready").status_code == 200)
        answer = client.get("/v1/health/ready").json()
        assert set(answer) <= {"status", "position", "projections_position"}
        assert answer["status"] == "ready"


@pytest.mark.both_stores
def test_ready_is_503_while_the_projections_are_stuck_far_behind(database_url: str) -> None:
    ledger = Ledger(Settings(database_url, PII_KEY))
    projections = Projections(ledger.store)  # never started: stuck
    runtime = Runtime.injected(ledger, projections)
    runtime.ready_max_lag, runtime.ready_stall = 0, 0.0
    try:
        with TestClient(create_app(runtime=runtime)) as client:
            until(lambda: client.get("/v1/health/ready").status_code == 200)
            token = issue_token(ledger, "clerk", HOME, None, "t").token
            posted = client.post(
                "/v1/events", json=organisation(), headers={"Authorization": f"Bearer {token}"}
            )
            assert posted.status_code == 201
            until(lambda: client.get("/v1/health/ready").status_code == 503)
            answer = client.get("/v1/health/ready")
            assert answer.headers["retry-after"] == "1"
            assert answer.headers["content-type"] == "application/problem+json"
            assert "trail the log" in answer.json()["detail"]
            assert client.get("/v1/health/live").status_code == 200
            projections.catch_up()
            until(lambda: client.get("/v1/health/ready").status_code == 200)
    finally:
        projections.close()
        ledger.close()


@pytest.fixture
def database_name() -> Iterator[str]:
    with new_postgres_database() as url:
        yield url.rpartition("/")[2]


def test_ready_is_503_with_the_reason_while_the_leader_is_away(database_name: str) -> None:
    proxy = Proxy()
    proxy.start()
    url = f"postgresql://postgres@127.0.0.1:{proxy.port}/{database_name}"
    try:
        with TestClient(create_app(runtime=runtime_for(url))) as client:
            until(lambda: client.get("/v1/health/ready").status_code == 200)
            proxy.stop()
            until(lambda: client.get("/v1/health/ready").status_code == 503)
            answer = client.get("/v1/health/ready")
            assert answer.headers["retry-after"] == "1"
            assert "leader is not reachable" in answer.json()["detail"]
            assert client.get("/v1/health/live").status_code == 200
            assert client.get("/v1/health").status_code == 200  # liveness, as before
            proxy.start()
            until(lambda: client.get("/v1/health/ready").status_code == 200)
    finally:
        proxy.stop()


def test_several_hosts_the_first_dead_write_to_the_one_that_answers(database_name: str) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()},127.0.0.1:5432/{database_name}"
    runtime = runtime_for(url)
    with TestClient(create_app(runtime=runtime)) as client:
        token = issue_token(runtime.ledger(), "clerk", HOME, None, "t").token
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post("/v1/events", json=organisation(), headers=headers).status_code == 201
        until(lambda: client.get("/v1/health/ready").status_code == 200)


def test_when_the_node_goes_the_service_finds_the_other_by_itself_answering_503_meanwhile(
    database_name: str,
) -> None:
    """Two "nodes" (proxies to the same server): the first answers, then dies while the
    second comes up — as a failover looks from the service. No restart, no 500."""
    first, second = Proxy(), Proxy()
    first.start()
    url = f"postgresql://postgres@127.0.0.1:{first.port},127.0.0.1:{second.port}/{database_name}"
    runtime = runtime_for(url)
    try:
        with TestClient(create_app(runtime=runtime)) as client:
            token = issue_token(runtime.ledger(), "clerk", HOME, None, "t").token
            headers = {"Authorization": f"Bearer {token}"}
            acknowledged = organisation()
            assert client.post("/v1/events", json=acknowledged, headers=headers).status_code == 201

            first.stop()
            statuses = [
                client.post("/v1/events", json=organisation(), headers=headers).status_code
                for _ in range(3)
            ]
            assert set(statuses) <= {201, 503}  # never a 500; 503s carry Retry-After
            refused = client.post("/v1/events", json=organisation(), headers=headers)
            if refused.status_code == 503:  # says why, as a problem a client can retry
                assert refused.headers["retry-after"] == "1"
                assert refused.headers["content-type"] == "application/problem+json"
                assert "unavailable" in refused.json()["detail"]
            second.start()
            deadline = time.monotonic() + 20
            while (
                status := client.post(
                    "/v1/events", json=organisation(), headers=headers
                ).status_code
            ) != 201:
                assert status == 503 and time.monotonic() < deadline
                time.sleep(0.2)
            assert client.post("/v1/events", json=acknowledged, headers=headers).status_code == 200
            until(lambda: client.get("/v1/health/ready").status_code == 200)
    finally:
        first.stop()
        second.stop()


def test_once_the_gate_knows_the_leader_is_away_a_request_inside_the_library_stops_at_once(
    postgres_url: str,
) -> None:
    """Not ten retries of a connection (~12 s): the datastore asks the gate before each."""
    from adapters.pgstore import GatedDatastore, StoreUnavailable

    ledger = Ledger(Settings(postgres_url, PII_KEY))
    try:
        datastore = ledger.recorder.datastore  # type: ignore[attr-defined]
        assert isinstance(datastore, GatedDatastore)
        asked: list[bool] = []
        datastore.available = lambda: bool(asked.append(False))
        with pytest.raises(StoreUnavailable):
            ledger.recorder.max_notification_id()
        assert len(asked) == 1
        datastore.available = lambda: True
        assert (ledger.recorder.max_notification_id() or 0) == 0
    finally:
        ledger.close()


def test_a_position_the_gate_cannot_read_leaves_the_leader_up(postgres_url: str) -> None:
    from api.runtime import StoreGate

    gate = StoreGate(postgres_url)
    gate.head_sql = "SELECT max(notification_id) FROM no_such_table"
    try:
        assert gate.check() is True
        assert gate.head is None
    finally:
        gate.stop()
