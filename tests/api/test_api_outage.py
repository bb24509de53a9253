"""PostgreSQL going away under the service: requests fail fast with 503 (never hang), the
service recovers by itself when the database is back, and nothing acknowledged is lost.
The outage is a TCP proxy between the service and PostgreSQL, stopped and restarted."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from adapters.settings import Settings
from api.app import create_app
from api.runtime import Runtime
from api.server import open_projections
from service.ledger import Ledger
from service.tokens import issue_token
from tests.api_support import HOME, Proxy, free_port, organisation
from tests.conftest import new_postgres_database


def runtime_for(url: str) -> Runtime:
    return Runtime(
        open_ledger=lambda: Ledger(Settings(url, b"outage")),
        open_projections=open_projections,
        database_url=url,
        run_projections=True,
    )


@pytest.fixture
def proxied_url() -> Iterator[tuple[Proxy, str]]:
    with new_postgres_database() as url:
        proxy = Proxy()
        proxy.start()
        name = url.rpartition("/")[2]
        try:
            yield proxy, f"postgresql://postgres@127.0.0.1:{proxy.port}/{name}"
        finally:
            proxy.stop()


def timed(call: object) -> tuple[int, float]:
    started = time.monotonic()
    status = call()  # type: ignore[operator]
    return status, time.monotonic() - started


def test_an_outage_answers_503_fast_and_the_service_recovers_losing_nothing(
    proxied_url: tuple[Proxy, str],
) -> None:
    proxy, url = proxied_url
    runtime = runtime_for(url)
    with TestClient(create_app(runtime=runtime)) as client:
        headers = {
            "Authorization": f"Bearer {issue_token(runtime.ledger(), 'clerk', HOME, None, 't').token}"
        }
        acknowledged = organisation()
        assert client.post("/v1/events", json=acknowledged, headers=headers).status_code == 201

        proxy.stop()
        time.sleep(2.5)  # the gate probes every second
        for _ in range(3):
            status, seconds = timed(
                lambda: client.post("/v1/events", json=organisation(), headers=headers).status_code
            )
            assert (status, seconds < 1.0) == (503, True)
        answer = client.get("/v1/ready", headers=headers)
        assert answer.status_code == 503 and answer.headers["retry-after"] == "1"
        assert answer.headers["content-type"] == "application/problem+json"

        proxy.start()
        deadline = time.monotonic() + 20
        while client.get("/v1/ready", headers=headers).status_code != 200:
            assert time.monotonic() < deadline, "the service did not recover"
            time.sleep(0.2)
        assert client.post("/v1/events", json=organisation(), headers=headers).status_code == 201
        assert (
            client.post("/v1/events", json=acknowledged, headers=headers).status_code == 200
        )  # still there


def test_a_store_away_from_the_start_answers_503_fast_and_never_hangs() -> None:
    runtime = runtime_for(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    with TestClient(create_app(runtime=runtime)) as client:
        assert client.get("/v1/health").status_code == 200  # liveness needs no store
        for path in ("/v1/ready", "/v1/accounts"):
            status, seconds = timed(
                lambda p=path: client.get(p, headers={"Authorization": "Bearer x"}).status_code
            )
            assert (status, seconds < 1.0) == (503, True)
        status, seconds = timed(lambda: client.post("/v1/events", json=organisation()).status_code)
        assert (status, seconds < 1.0) == (503, True)
