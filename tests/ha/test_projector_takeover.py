"""Scenario 4 (issue 15): several `jobaid serve` hosts on one database, exactly one of
them running the projections and the sealer (the projector lease, adapters/leases.py).
Kill -9 that one — the service and its projector child together, as a host dies — while
events are being written through the other: the other takes over by itself, and the read
models hold every line exactly once (the same rows as a rebuild from the event log), the
chain verifies, every load invariant holds. Plain PostgreSQL: no Patroni needed."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from bench.load import Generator, check
from bench.server import Server, tokens
from bench.stores import open_ledger
from projections import Projections
from tests.conftest import new_postgres_database
from tests.ha.replica_support import kill_hard, lease_holder, parent_of, read_models, wait_for

pytestmark = pytest.mark.ha


def caught_up(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        head, tracking, sealed = conn.execute(
            "SELECT (SELECT coalesce(max(notification_id), 0) FROM jobaid_events),"
            " (SELECT notification_id FROM projection_tracking WHERE application_name = 'jobaid'),"
            " (SELECT coalesce(max(position), 0) FROM audit_chain)"
        ).fetchone() or (0, 0, 0)
    return bool(head and head == tracking == sealed)


def test_killing_the_projector_host_hands_the_projections_over_exactly_once() -> None:
    with new_postgres_database() as url:
        token = tokens(url)
        first = Server(url)
        second: Server | None = None
        try:
            holder = wait_for(lambda: lease_holder(url), what="a projector lease holder")
            assert parent_of(holder) == first.process.pid
            second = Server(url)
            time.sleep(1.5)  # the second's projector has asked, and been refused
            assert lease_holder(url) == holder  # exactly one holds it

            generator = Generator(second, token, seed=41)
            generator.setup(borrowers=16)
            load = threading.Thread(target=generator.run, args=(8.0, 3, 100_000))
            load.start()
            time.sleep(3.0)
            killed_at = time.monotonic()
            kill_hard(first.process.pid, holder)
            successor = wait_for(
                lambda: (h := lease_holder(url)) not in (None, holder) and h,
                what="another projector taking over",
            )
            took = time.monotonic() - killed_at
            assert parent_of(successor) == second.process.pid
            load.join()
            wait_for(lambda: caught_up(url), what="the projections and the chain catching up")

            failures = check(url, second, generator)
            assert failures == [], failures
            served = read_models(url)
        finally:
            if second is not None:
                second.stop()
            first.stop()
        ledger = open_ledger(url)
        try:
            Projections(ledger.store).rebuild()
        finally:
            ledger.close()
        replayed = read_models(url)
        assert {t: len(rows) for t, rows in served.items()} == {
            t: len(rows) for t, rows in replayed.items()
        }
        assert served == replayed  # no line doubled, none lost
        assert generator.tally.requests > 0
        print(f"projector taken over {took:.1f} s after the kill")
