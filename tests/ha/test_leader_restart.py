"""The database going away under a running `jobaid serve` (a real process, on a
PostgreSQL server of our own, named in a two-host URL whose first host is dead): while
it is away every request — those in flight included — is answered 503 with Retry-After
and a reason, never 500 and never left hanging; `/v1/health/ready` says why while
`/v1/health/live` answers; when it is back the same process writes again by itself."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from bench.server import Server, tokens
from tests.api_support import HOME, free_port, organisation
from tests.ha.replica_support import one_instance, wait_for

pytestmark = pytest.mark.ha


def test_a_running_server_answers_503_while_the_database_is_down_and_recovers_by_itself() -> None:
    with one_instance() as database:
        database.execute("CREATE DATABASE jobaid")
        url = f"postgresql://postgres@127.0.0.1:{free_port()},127.0.0.1:{database.port}/jobaid"
        token = tokens(url, HOME)
        with (
            Server(url) as server,
            httpx.Client(
                base_url=server.base,
                headers={"Authorization": f"Bearer {token['clerk']}"},
                timeout=30,
            ) as http,
        ):
            acknowledged = organisation()
            assert http.post("/events", json=acknowledged).status_code == 201
            wait_for(lambda: http.get("/health/ready").status_code == 200, what="ready")

            statuses: list[int] = []
            slowest = [0.0]
            stopping = threading.Event()

            def keep_writing() -> None:
                with httpx.Client(base_url=server.base, headers=http.headers, timeout=30) as own:
                    while not stopping.is_set():
                        started = time.monotonic()
                        answer = own.post("/events", json=organisation())
                        slowest[0] = max(slowest[0], time.monotonic() - started)
                        statuses.append(answer.status_code)
                        if answer.status_code == 503:
                            assert answer.headers["retry-after"] == "1"
                            assert answer.json()["detail"]

            writer = threading.Thread(target=keep_writing)
            writer.start()
            try:
                time.sleep(0.5)
                database.stop()  # immediate: connections cut, as a crash
                wait_for(lambda: 503 in statuses, what="a 503 while the database is down")
                ready = http.get("/health/ready")
                assert ready.status_code == 503 and ready.headers["retry-after"] == "1"
                assert "leader" in ready.json()["detail"]
                assert http.get("/health/live").status_code == 200
                down = http.post("/events", json=organisation())
                assert down.status_code == 503
                assert down.headers["content-type"] == "application/problem+json"
                database.start()
                wait_for(
                    lambda: statuses[-1:] == [201], seconds=60, what="writes again after restart"
                )
            finally:
                stopping.set()
                writer.join()
            assert set(statuses) <= {201, 503}, statuses  # never a 500
            assert http.post("/events", json=acknowledged).status_code == 200  # kept, once
            wait_for(lambda: http.get("/health/ready").status_code == 200, what="ready again")
            print(
                f"{len(statuses)} writes, {statuses.count(503)} answered 503; slowest {slowest[0]:.2f} s"
            )
