"""The projector lease (adapters/leases.py): one holder at a time among processes on one
PostgreSQL database; a holder whose session dies loses it and another takes over at its
next poll; the work starts and stops with the lease. (Several real hosts, kill -9 and
exactly-once read models: tests/ha/test_projector_takeover.py.)"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from adapters.leases import AdvisoryLease, Exclusive
from adapters.settings import conninfo

pytestmark = pytest.mark.xdist_group("many_connections")


def until(check: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


def holder_pid(url: str, key: int) -> int | None:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND (classid::bigint << 32 | objid::bigint) = %s"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (key,),
        ).fetchone()
    return None if row is None else int(row[0])


def test_one_holder_at_a_time_and_a_dead_session_hands_it_over(postgres_url: str) -> None:
    key = 4242
    first, second = AdvisoryLease(conninfo(postgres_url), key), AdvisoryLease(conninfo(postgres_url), key)  # fmt: skip
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        assert first.still_held()
        pid = holder_pid(postgres_url, key)
        assert pid is not None
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))  # the holder's session dies
        assert not first.still_held()
        assert second.try_acquire()
        assert not first.try_acquire()
        second.release()
        assert first.try_acquire()
    finally:
        first.release()
        second.release()


def test_the_work_runs_only_while_the_lease_is_held(postgres_url: str) -> None:
    key = 4243
    running: dict[str, bool] = {"a": False, "b": False}
    lock = threading.Lock()

    def worker(name: str) -> Exclusive:
        def start() -> None:
            # (A holder whose session died may not have noticed yet when the next one
            # starts: the lease is for efficiency, compare-and-set keeps the work once.)
            with lock:
                running[name] = True

        def stop() -> None:
            with lock:
                running[name] = False

        return Exclusive(AdvisoryLease(conninfo(postgres_url), key), start, stop, poll=0.05)

    a, b = worker("a"), worker("b")
    a.start()
    until(lambda: running["a"])
    b.start()
    try:
        time.sleep(0.3)
        assert running == {"a": True, "b": False}
        pid = holder_pid(postgres_url, key)
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        until(lambda: running["b"])
        assert not running["a"]
        b.stop()  # a clean stop gives the lease back at once
        assert not running["b"]
        until(lambda: running["a"])
    finally:
        a.stop()
        b.stop()
    assert running == {"a": False, "b": False}


def test_work_that_fails_to_start_gives_the_lease_back_and_is_tried_again(
    postgres_url: str,
) -> None:
    attempts: list[str] = []

    def start() -> None:
        attempts.append("start")
        if len(attempts) == 1:
            raise psycopg.OperationalError("the store flapped")

    exclusive = Exclusive(
        AdvisoryLease(conninfo(postgres_url), 4244), start, lambda: attempts.append("stop"), 0.05
    )
    exclusive.start()
    try:
        until(lambda: attempts.count("start") == 2 and exclusive.running)
        assert attempts[:2] == ["start", "stop"]  # the failed start was cleaned up
    finally:
        exclusive.stop()
    assert attempts[-1] == "stop" and not exclusive.running
