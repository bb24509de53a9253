"""Scenario 3 (issue 15): reads from a replica, and read-your-writes. A primary and a
streaming replica of our own (initdb + pg_basebackup, no Patroni). With replay paused on
the replica, a read naming a later position (`X-Jobaid-After-Position`) is never answered
from it: the service waits `JOBAID_REPLICA_WAIT` for the replica, then answers from the
leader — with the write in it. A read naming no position is answered from the replica
(stale while replay is paused, which is what a replica may be). And the write URL, given
the replica's host first, still writes to the primary."""

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
from tests.api_support import HOME, event
from tests.conftest import PII_KEY
from tests.ha.replica_support import Instance, primary_and_replica, wait_for

pytestmark = pytest.mark.ha
DB = "jobaid"


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[Instance, Instance]]:
    with primary_and_replica() as (primary, replica):
        primary.execute(f"CREATE DATABASE {DB}")
        yield primary, replica


def runtime_for(settings: Settings, *, projector: bool) -> Runtime:
    return Runtime(
        open_ledger=lambda: Ledger(settings),
        open_projections=open_projections,
        database_url=settings.database_url,
        run_projections=projector,
        replica_wait=settings.replica_wait,
    )


def organisation(org_id: str) -> dict[str, object]:
    return event(
        "OrganisationRegistered", org_id=org_id, name="厂", division=HOME, kind="enterprise"
    )


def listed(client: TestClient, headers: dict[str, str], **extra: str) -> set[str]:
    answer = client.get("/v1/organisations?limit=200", headers={**headers, **extra})
    assert answer.status_code == 200, answer.text
    return {item["org_id"] for item in answer.json()["items"]}


def test_a_read_naming_a_later_position_is_never_answered_from_a_paused_replica(
    pair: tuple[Instance, Instance],
) -> None:
    primary, replica = pair
    # The replica's host first: libpq must skip it (read-only) for the writes.
    writes = f"postgresql://postgres@127.0.0.1:{replica.port},127.0.0.1:{primary.port}/{DB}"
    reads = f"postgresql://postgres@127.0.0.1:{replica.port}/{DB}?target_session_attrs=any"
    writer = runtime_for(Settings(writes, PII_KEY), projector=True)
    # A second server that only reads: none of its own writes to wait for.
    reader = runtime_for(
        Settings(writes, PII_KEY, read_database_url=reads, replica_wait=1.0), projector=False
    )
    with (
        TestClient(create_app(runtime=writer)) as writing,
        TestClient(create_app(runtime=reader)) as reading,
    ):
        ledger = writer.ledger()
        clerk = {"Authorization": f"Bearer {issue_token(ledger, 'clerk', HOME, None, 't').token}"}
        auditor = {
            "Authorization": f"Bearer {issue_token(ledger, 'auditor', '430000', None, 't').token}"
        }
        first = writing.post("/v1/events", json=organisation("o-before"), headers=clerk)
        assert first.status_code == 201
        # Once the replica has replayed it, a read naming it is answered there.
        wait_for(
            lambda: (
                "o-before"
                in listed(
                    reading, auditor, **{"X-Jobaid-After-Position": str(first.json()["position"])}
                )
            ),
            what="the replica replaying the first write",
        )
        assert reader.reads["replica"] >= 1

        replica.execute("SELECT pg_wal_replay_pause()", DB)
        try:
            later = writing.post("/v1/events", json=organisation("o-after"), headers=clerk)
            assert later.status_code == 201
            position = str(later.json()["position"])
            # Written on the primary (the replica's host was listed first).
            assert primary.execute("SELECT count(*) FROM jobaid_events", DB)[0][0] >= 2

            leader_reads = reader.reads["leader"]
            assert "o-after" in listed(reading, auditor, **{"X-Jobaid-After-Position": position})
            assert reader.reads["leader"] == leader_reads + 1  # from the leader, after the wait
            # Without a position the replica answers, as it stands: paused, without it.
            replica_reads = reader.reads["replica"]
            assert "o-after" not in listed(reading, auditor)
            assert reader.reads["replica"] == replica_reads + 1
        finally:
            replica.execute("SELECT pg_wal_replay_resume()", DB)
        wait_for(
            lambda: "o-after" in listed(reading, auditor, **{"X-Jobaid-After-Position": position}),
            what="the replica replaying again",
        )
        assert reader.reads["replica"] > replica_reads + 1


def test_a_replica_that_dies_sends_reads_to_the_leader(pair: tuple[Instance, Instance]) -> None:
    primary, replica = pair
    writes = f"postgresql://postgres@127.0.0.1:{primary.port}/{DB}"
    reads = f"postgresql://postgres@127.0.0.1:{replica.port}/{DB}?target_session_attrs=any"
    runtime = runtime_for(
        Settings(writes, PII_KEY, read_database_url=reads, replica_wait=1.0), projector=True
    )
    with TestClient(create_app(runtime=runtime)) as client:
        ledger = runtime.ledger()
        auditor = {
            "Authorization": f"Bearer {issue_token(ledger, 'auditor', '430000', None, 't').token}"
        }
        replica.stop()
        try:
            statuses = [
                client.get("/v1/organisations", headers=auditor).status_code for _ in range(3)
            ]
            assert set(statuses) <= {200, 503} and statuses[-1] == 200  # never a 500
            assert runtime.reads["leader"] >= 1
            assert client.get("/v1/health/ready").status_code == 200  # the leader is fine
        finally:
            replica.start()
        time.sleep(0.1)
