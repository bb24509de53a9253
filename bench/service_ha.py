"""The service's side of failover, measured: `python -m bench.service_ha [RUNS]`.

1. The database stopped (immediate: connections cut, as a crash) and started again under
   a running `jobaid serve` on a two-host URL whose first host is dead, a client writing
   all the while: the slowest answer while it was away (every answer 201 or 503, never
   500), and the time from the database accepting connections again to the first
   acknowledged write, with no restart of the service.
2. Two `jobaid serve` on one database; the one whose projector holds the lease killed
   (kill -9, the service and its projector child together): the time until the other's
   projector holds the lease.

Each over RUNS runs (default 5): min, median, max. A PostgreSQL server of our own for 1
(bench/instances.py), the usual one (BENCH_POSTGRES_URL) for 2."""

from __future__ import annotations

import statistics
import sys
import threading
import time
from typing import Any

import httpx

from bench.instances import free_port, kill_hard, lease_holder, one_instance, parent_of, wait_for
from bench.server import Server, tokens
from bench.stores import fresh_database


def organisation() -> dict[str, Any]:
    return {
        "event_id": f"ev-{time.monotonic_ns()}",
        "type": "OrganisationRegistered",
        "data": {
            "org_id": f"o{time.monotonic_ns()}",
            "name": "厂",
            "division": "430102",
            "kind": "enterprise",
        },
    }


def outage_run(server: Server, token: str, stop: Any, start: Any) -> tuple[float, float, int]:
    """(slowest answer while down, s from restart to first 201, answers that were 503)."""
    statuses: list[int] = []
    slowest = [0.0]
    down = threading.Event()
    stopping = threading.Event()

    def keep_writing() -> None:
        with httpx.Client(
            base_url=server.base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as http:
            while not stopping.is_set():
                began = time.monotonic()
                status = http.post("/events", json=organisation()).status_code
                if down.is_set():
                    slowest[0] = max(slowest[0], time.monotonic() - began)
                statuses.append(status)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    time.sleep(0.5)
    down.set()
    stop()
    wait_for(lambda: 503 in statuses, what="a 503")
    time.sleep(1.0)
    count = len(statuses)
    start()
    back = time.monotonic()
    wait_for(lambda: 201 in statuses[count:], what="a write acknowledged again")
    recovered = time.monotonic() - back
    stopping.set()
    writer.join()
    bad = [s for s in statuses if s not in (201, 503)]
    if bad:
        raise AssertionError(f"answers other than 201/503: {bad}")
    return slowest[0], recovered, statuses.count(503)


def outage(runs: int) -> list[tuple[float, float, int]]:
    with one_instance() as database:
        database.execute("CREATE DATABASE jobaid")
        url = f"postgresql://postgres@127.0.0.1:{free_port()},127.0.0.1:{database.port}/jobaid"
        token = tokens(url)["clerk"]
        with Server(url) as server:
            return [outage_run(server, token, database.stop, database.start) for _ in range(runs)]


def takeover(runs: int) -> list[float]:
    took = []
    with fresh_database("postgres") as url:
        tokens(url)
        servers = [Server(url)]
        try:
            for _ in range(runs):
                holder = wait_for(lambda: lease_holder(url), what="a lease holder")
                servers.append(Server(url))
                time.sleep(1.5)
                dying = next(s for s in servers if s.process.pid == parent_of(holder))
                killed = time.monotonic()
                kill_hard(dying.process.pid, holder)
                wait_for(lambda h=holder: lease_holder(url) not in (None, h), what="a new holder")
                took.append(time.monotonic() - killed)
                dying.process.wait()
                servers.remove(dying)
        finally:
            for server in servers:
                server.stop()
    return took


def spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    outages = outage(runs)
    took = takeover(runs)
    print(f"over {runs} runs: min / median / max, seconds")
    print(f"slowest answer while the database was down     {spread([o[0] for o in outages])}")
    print(f"database back → first acknowledged write        {spread([o[1] for o in outages])}")
    print(f"503 answers per outage (1 s down + restart)     {spread([float(o[2]) for o in outages])}")  # fmt: skip
    print(f"projector host killed → lease taken over        {spread(took)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
