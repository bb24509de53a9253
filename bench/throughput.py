"""Figures 1–3: facts and payments per second through HTTP, 8 concurrent clients, against
a real `jobaid serve`; the baseline is the bare library saving single events in-process,
and, for figure 1, the same client against an empty endpoint (the HTTP stack's ceiling)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench.data import HOMES, Facts
from bench.server import EmptyServer, Served, Server, bearer
from bench.stores import open_ledger
from service.intake import record_json


@dataclass
class Rate:
    done: int  # facts or payments acknowledged (2xx)
    seconds: float
    errors: int
    statuses: dict[int, int]

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


# A bearer token of the real format and length, for the empty endpoint, which never reads it.
UNREAD_TOKEN = f"jat_{'0' * 16}_{'A' * 43}"


@dataclass
class Load:
    """A rate and what it cost: CPU seconds of the server process and of this one (the
    client threads), and the events the store gained per second (0 if not counted)."""

    rate: Rate
    server_cpu_s: float
    client_cpu_s: float
    stored_events_per_s: float = 0.0

    @property
    def server_us(self) -> float:
        """The server process's CPU per request, in microseconds."""
        return self.server_cpu_s / self.rate.requests * 1e6 if self.rate.requests else 0.0

    @property
    def client_us(self) -> float:
        return self.client_cpu_s / self.rate.requests * 1e6 if self.rate.requests else 0.0


def loaded(
    server: Served, run: Callable[[], Rate], stored: Callable[[], int] | None = None
) -> Load:
    """Run a load against `server`, noting the CPU both sides spent and, given `stored`
    (the log's head), the events stored per second."""
    before = stored() if stored else 0
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    rate = run()
    server_cpu, client_cpu = server.cpu_seconds() - server_cpu, time.process_time() - client_cpu
    events = (stored() - before) / rate.seconds if stored and rate.seconds else 0.0
    return Load(rate, server_cpu, client_cpu, events)


def drive(
    base: str,
    token: str,
    path: str,
    make_body: Callable[[], Any],
    clients: int,
    seconds: float,
    limit: int,
) -> Rate:
    """`clients` threads, each posting bodies made on demand, until `seconds` are up or
    `limit` items were acknowledged; counts what was acknowledged (2xx)."""
    done = [0] * clients
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(n: int) -> None:
        with httpx.Client(base_url=base, headers=bearer(token), timeout=120) as http:
            while time.perf_counter() < deadline and sum(done) < limit:
                with lock:
                    body = make_body()
                response = http.post(path, json=body)
                with lock:
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code in (200, 201):
                    done[n] += len(body) if isinstance(body, list) else 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    errors = sum(v for k, v in statuses.items() if k not in (200, 201))
    return Rate(sum(done), elapsed, errors, statuses)


def facts_over_http(
    server: Served, token: str, clients: int, batch: int, seconds: float, facts: Facts, limit: int
) -> Rate:
    """New workers registered (3 stored events each: worker, person key, receipt); posted
    to bench/empty_app.py, the same bodies parsed and answered, nothing stored."""

    def body() -> Any:
        return facts.worker() if batch == 1 else [facts.worker() for _ in range(batch)]

    return drive(server.base, token, "/events", body, clients, seconds, limit)


def empty_endpoint(clients: int, seconds: float, facts: Facts, limit: int) -> Load:
    """Figure 1's load against the empty endpoint, in a server process of its own."""
    with EmptyServer() as server:
        return loaded(
            server, lambda: facts_over_http(server, UNREAD_TOKEN, clients, 1, seconds, facts, limit)
        )


def payments_over_http(
    url: str, server: Server, token: str, clients: int, seconds: float, facts: Facts, limit: int
) -> Rate:
    """R17 payments with every guard on (idempotency, coverage, R21 on the account), for
    workers spread over the counties' accounts; the cast is recorded beforehand."""
    ledger = open_ledger(url)
    try:
        lender = facts.organisation()
        lender_id = lender["data"]["org_id"]
        workers = [facts.worker(HOMES[n % len(HOMES)]) for n in range(clients * 8)]
        worker_ids = [w["data"]["worker_id"] for w in workers]
        items = [lender, *workers, *(facts.loan(w, lender_id) for w in worker_ids)]
        items += [facts.appropriation(home, "900000000.00", on=_early()) for home in HOMES]
        record_json(ledger, items, "bench")
    finally:
        ledger.close()
    turn = iter(range(10**9))

    def body() -> Any:
        return facts.r17(worker_ids[next(turn) % len(worker_ids)], lender_id)

    return drive(server.base, token, "/payments", body, clients, seconds, limit)


def _early() -> Any:
    from datetime import date

    return date(2017, 7, 1)
