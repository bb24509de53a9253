"""Failover on a three-node Patroni cluster (ha/cluster.py), measured; and the load the
HA tests (tests/ha) drive through it.

    .venv/bin/python -m bench.failover [RUNS]     # default 10 (FAILOVER_RUNS)

Two `jobaid serve` processes on the cluster's multi-host URL, clients posting facts,
payments and reversals through both. Each run kills the leader's host (kill -9 its
Patroni and its postmaster together), times the first write acknowledged after the death
(sent after it), counts the requests that failed meanwhile (503s, each retried by the
client), brings the dead node back as a replica and waits for a healthy cluster. At the
end every invariant of bench/load.py is checked against the store.

Then write throughput (facts per second through HTTP, 8 clients, one service) with
synchronous replication, asynchronous, and the leader alone (replicas stopped), in
rounds that take turns so the machine's load falls on each alike; reported as ratios.

The clients retry a 503 or a refused connection on the other service with the same body
until `patience` runs out: every write carries its idempotency key (event_id,
payment_id, reversal_id), so a retry of a commit that landed answers it again (200)."""

from __future__ import annotations

import itertools
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg

from bench.load import Generator, check
from bench.server import Server, bearer, tokens
from ha.cluster import Cluster, failover_promise_seconds

WRITES = ("POST",)


@dataclass
class Attempt:
    started: float
    ended: float
    method: str
    path: str
    status: int | None  # None: no HTTP answer (connection refused, timeout)
    error: str = ""


@dataclass
class Attempts:
    """Every HTTP attempt the clients made, retries included (guarded by `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    items: list[Attempt] = field(default_factory=list)

    def add(self, attempt: Attempt) -> None:
        with self.lock:
            self.items.append(attempt)

    def snapshot(self) -> list[Attempt]:
        with self.lock:
            return list(self.items)

    def first_write_acknowledged(self, after: float) -> float | None:
        """When the first write sent at or after `after` was acknowledged (2xx)."""
        ends = [
            a.ended
            for a in self.snapshot()
            if a.method in WRITES
            and a.started >= after
            and a.status is not None
            and 200 <= a.status < 300
        ]
        return min(ends) if ends else None

    def failed(self, start: float, end: float) -> list[Attempt]:
        """Attempts answered 5xx or not answered, begun in [start, end]."""
        return [
            a
            for a in self.snapshot()
            if start <= a.started <= end and (a.status is None or a.status >= 500)
        ]

    def unexpected(self) -> list[Attempt]:
        """What a client must never see: a 5xx other than a retryable 503, or no answer."""
        return [a for a in self.snapshot() if a.status is None or (a.status >= 500 and a.status != 503)]  # fmt: skip


class FailoverTransport(httpx.BaseTransport):
    """Sends a request to one service; on a 503 or no answer, the same request again to
    the next service, until `patience` seconds have passed. Records every attempt."""

    def __init__(
        self, ports: list[int], attempts: Attempts, first: int, patience: float = 120
    ) -> None:
        self.ports = ports
        self.attempts = attempts
        self.turn = itertools.count(first)
        self.patience = patience
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        deadline = time.monotonic() + self.patience
        tries = 0
        while True:
            tries += 1
            port = self.ports[next(self.turn) % len(self.ports)]
            attempt = httpx.Request(
                request.method,
                request.url.copy_with(port=port),
                headers=request.headers,
                content=body,
                extensions=request.extensions,
            )
            started = time.monotonic()
            try:
                response = self.inner.handle_request(attempt)
            except httpx.TransportError as error:
                self.attempts.add(Attempt(started, time.monotonic(), request.method,
                                          request.url.path, None, repr(error)))  # fmt: skip
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
                continue
            status = response.status_code
            self.attempts.add(Attempt(started, time.monotonic(), request.method, request.url.path, status))  # fmt: skip
            if status == 503 and time.monotonic() < deadline:
                response.read()
                response.close()
                time.sleep(_retry_after(response))
                continue
            response.extensions = {**response.extensions, "jobaid_tries": tries}
            return response

    def close(self) -> None:
        self.inner.close()


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(max(float(response.headers.get("retry-after", "0.2")), 0.05), 1.0)
    except ValueError:
        return 0.2


def retried(response: httpx.Response) -> bool:
    return int(response.extensions.get("jobaid_tries", 1)) > 1


class HaGenerator(Generator):
    """bench/load.py's traffic across several services, each client retrying 503s.

    A retried write whose first attempt had committed before the leader died is answered
    200 (the idempotent replay) where 201 was expected: the same fact, stored once, which
    the end check proves from the log. Nothing else is relaxed."""

    def __init__(self, servers: list[Server], token: dict[str, str], seed: int = 11) -> None:
        super().__init__(servers[0], token, seed)
        self.servers = servers
        self.attempts = Attempts()
        self.turns = itertools.count()
        self.stop = threading.Event()

    def client(self, role: str) -> httpx.Client:
        transport = FailoverTransport(
            [s.port for s in self.servers], self.attempts, next(self.turns)
        )
        return httpx.Client(
            base_url=self.servers[0].base,
            headers=bearer(self.token[role]),
            timeout=60,
            transport=transport,
        )

    def expect(self, response: httpx.Response, status: int) -> None:
        if status == 201 and response.status_code == 200 and retried(response):
            return
        super().expect(response, status)

    def op_retry_fact(self, clerk: httpx.Client, rng: random.Random) -> None:
        fact = self.make(lambda f: f.worker())
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda _: self.post_facts(clerk, "duplicate", fact), range(2)))
        codes = sorted(r.status_code for r in answers)
        if codes not in ([200, 201], [201, 201]) and not (
            codes == [200, 200] and any(retried(r) for r in answers)
        ):
            self.tally.odd(f"duplicate fact {fact['event_id']} answered {codes}")
        response = self.post_facts(clerk, "duplicate", fact)
        if response.status_code != 200:
            self.tally.odd(f"a fact posted again answered {response.status_code}")

    def op_race(
        self, clerk: httpx.Client, finance: httpx.Client, rng: random.Random, racers: int = 4
    ) -> None:
        assert self.cast is not None
        cast = self.cast
        worker = self.make(lambda f: f.worker())
        worker_id = worker["data"]["worker_id"]
        placements = self.make(
            lambda f: [f.placement(worker_id, cast.employer, cast.agency) for _ in range(2)]
        )
        if self.post_facts(clerk, "race setup", [worker, *placements]).status_code not in (
            200,
            201,
        ):
            return  # fmt: skip
        first, second = (p["data"]["placement_id"] for p in placements)
        bodies = self.make(lambda f: [f.r7(first, cast.agency) for _ in range(racers)])
        barrier = threading.Barrier(racers)

        def race(body: dict[str, Any]) -> int:
            with self.client("finance") as http:
                barrier.wait()
                response = self.post_payment(http, "race", body)
                # The winner's commit may have landed before a 503: its replay is a 200.
                return 201 if response.status_code == 200 and retried(response) else response.status_code  # fmt: skip

        with ThreadPoolExecutor(racers) as pool:
            codes = sorted(pool.map(race, bodies))
        with self.tally.lock:
            self.tally.races.append(codes)
        again = self.post_payment(finance, "race", self.make(lambda f: f.r7(second, cast.agency)))
        self.expect(again, 409)

    def run_until_stopped(self, clients: int, seconds: float = 600) -> None:
        """bench/load.py's mix until `stop` is set (or `seconds` pass)."""
        deadline = time.monotonic() + seconds
        weights = {"fact": 30, "batch": 6, "duplicate": 6, "payment": 25, "reversal": 5, "race": 4, "read": 10}  # fmt: skip
        names, chances = list(weights), list(weights.values())
        ops = {
            "fact": lambda c, f, a, r: self.op_fact(c, r),
            "batch": lambda c, f, a, r: self.op_batch(c, r),
            "duplicate": lambda c, f, a, r: self.op_retry_fact(c, r),
            "payment": lambda c, f, a, r: self.op_payment(f, r),
            "reversal": lambda c, f, a, r: self.op_reversal(f, r),
            "race": lambda c, f, a, r: self.op_race(c, f, r),
            "read": lambda c, f, a, r: self.op_read(a, r),
        }

        def client(n: int) -> None:
            rng = random.Random(self.seed * 1000 + n)
            with self.client("clerk") as clerk, self.client("finance") as finance, self.client("auditor") as auditor:  # fmt: skip
                while not self.stop.is_set() and time.monotonic() < deadline:
                    op = rng.choices(names, chances)[0]
                    try:
                        ops[op](clerk, finance, auditor, rng)
                    except httpx.HTTPError as error:
                        self.tally.odd(f"{op}: {type(error).__name__}: {error}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


@contextmanager
def services(url: str, count: int = 2, extra_env: dict[str, str] | None = None) -> Iterator[list[Server]]:  # fmt: skip
    """`count` `jobaid serve` processes on one (multi-host) URL, each with its projector;
    their logs kept when the block fails."""
    with ExitStack() as stack:
        servers = [stack.enter_context(Server(url, extra_env)) for _ in range(count)]
        try:
            yield servers
        except BaseException:
            for server in servers:
                server.keep_log = True
            raise


@contextmanager
def fresh_cluster_database(cluster: Cluster) -> Iterator[str]:
    name = f"jobaid_ha_{os.urandom(5).hex()}"
    cluster.ensure_database(name)
    try:
        yield cluster.url(name)
    finally:
        with suppress(Exception):
            cluster.drop_database(name)


@dataclass
class LoadWhile:
    """Traffic in the background while something happens to the cluster."""

    generator: HaGenerator
    clients: int = 8
    thread: threading.Thread | None = None

    def __enter__(self) -> HaGenerator:
        self.thread = threading.Thread(
            target=self.generator.run_until_stopped, args=(self.clients,), daemon=True
        )
        self.thread.start()
        return self.generator

    def __exit__(self, *_: object) -> None:
        self.generator.stop.set()
        assert self.thread is not None
        self.thread.join(timeout=300)


def wait_for_write_after(attempts: Attempts, after: float, timeout: float) -> float | None:
    """Seconds from `after` to the first write acknowledged that was sent after it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        acknowledged = attempts.first_write_acknowledged(after)
        if acknowledged is not None:
            return acknowledged - after
        time.sleep(0.05)
    return None


def invariants(url: str, generator: HaGenerator) -> list[str]:
    """bench/load.py's invariants, no account overdrawn, and no answer a client must never see."""
    failures = check(url, generator.servers[0], generator)
    failures = [f for f in failures if not f.startswith("5xx answers:")] + [
        f"unexpected answer: {a.method} {a.path} {a.status} {a.error}"
        for a in generator.attempts.unexpected()[:20]
    ]
    with generator.client("auditor") as http:
        for row in http.get("/accounts").json():
            if str(row["balance"]).startswith("-"):
                failures.append(f"account {row['source']}/{row['division']} overdrawn: {row['balance']}")  # fmt: skip
    return failures


# The measurement.


@dataclass
class Run:
    recovered: float | None  # seconds from the death to the first acknowledged write
    failed: int  # requests answered 503 or not at all meanwhile
    longest: float  # the longest any one HTTP attempt begun meanwhile waited for its answer
    old: str
    new: str


def failover_runs(cluster: Cluster, runs: int, clients: int = 4) -> tuple[list[Run], list[str]]:
    promise = failover_promise_seconds()
    results: list[Run] = []
    with fresh_cluster_database(cluster) as url:
        token = tokens(url)
        with services(url) as servers:
            generator = HaGenerator(servers, token)
            generator.setup()
            with LoadWhile(generator, clients):
                for n in range(runs):
                    cluster.wait_healthy()
                    time.sleep(3)  # traffic on a healthy cluster first
                    old = cluster.leader()
                    assert old is not None
                    dying = time.monotonic()
                    cluster.kill_node(old)
                    # From the moment both are gone: a write sent a moment before may
                    # still have committed on the old leader.
                    killed = time.monotonic()
                    recovered = wait_for_write_after(generator.attempts, killed, promise + 120)
                    end = killed + (recovered if recovered is not None else promise + 120)
                    new = cluster.wait_leader(other_than=old.name).name
                    time.sleep(5)  # the requests begun meanwhile have their answers
                    failed = len(generator.attempts.failed(dying, end))
                    longest = max(
                        (a.ended - a.started for a in generator.attempts.snapshot()
                         if dying <= a.started <= end), default=0.0,
                    )  # fmt: skip
                    results.append(Run(recovered, failed, longest, old.name, new))
                    print(f"run {n + 1}: {old.name} killed, {new} leads; first write acknowledged "
                          f"after {recovered if recovered is None else round(recovered, 2)} s, "
                          f"{failed} requests failed meanwhile, the longest wait {longest:.1f} s", flush=True)  # fmt: skip
                    cluster.start_node(old)
            cluster.wait_healthy()
            failures = invariants(url, generator)
    return results, failures


def write_throughput(url: str, token: dict[str, str], seconds: float, clients: int = 8) -> float:
    """Facts acknowledged per second through one service, `clients` threads posting."""
    with services(url, count=1) as servers:
        generator = HaGenerator(servers, token)
        done = 0
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def client(_: int) -> None:
            nonlocal done
            with generator.client("clerk") as http:
                while time.monotonic() < deadline:
                    fact = generator.make(lambda f: f.worker())
                    if http.post("/events", json=fact).status_code == 201:
                        with lock:
                            done += 1

        started = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, range(clients)))
        return done / (time.monotonic() - started)


def replication_costs(cluster: Cluster, rounds: int, seconds: float) -> dict[str, list[float]]:
    """Facts/s with synchronous replication, asynchronous, and one PostgreSQL without
    replication (the nodes' settings, same machine), in turns."""
    figures: dict[str, list[float]] = {"synchronous": [], "asynchronous": [], "single node": []}
    single = cluster.single_up()
    name = f"jobaid_single_{os.urandom(4).hex()}"
    with psycopg.connect(single, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    single_url = f"{single.rpartition('/')[0]}/{name}"
    try:
        with fresh_cluster_database(cluster) as url:
            token = {"synchronous": tokens(url), "single node": tokens(single_url)}
            token["asynchronous"] = token["synchronous"]
            for _ in range(rounds):
                for mode in figures:
                    if mode != "single node":
                        set_mode(cluster, mode)
                    target = single_url if mode == "single node" else url
                    figures[mode].append(write_throughput(target, token[mode], seconds))
                    print(f"{mode}: {figures[mode][-1]:.0f} facts/s", flush=True)
            set_mode(cluster, "synchronous")
    finally:
        cluster.single_down()
    return figures


def set_mode(cluster: Cluster, mode: str) -> None:
    synchronous = mode == "synchronous"
    cluster.edit_config({"synchronous_mode": synchronous, "synchronous_mode_strict": synchronous})
    leader = cluster.wait_leader()
    if synchronous:
        cluster.wait_healthy()
    else:
        _wait(lambda: cluster.psql(leader, "SHOW synchronous_standby_names") == "", "async")


def _wait(condition: Any, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.5)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("FAILOVER_RUNS", "10"))
    rounds = int(os.environ.get("FAILOVER_THROUGHPUT_ROUNDS", "3"))
    seconds = float(os.environ.get("FAILOVER_THROUGHPUT_SECONDS", "15"))
    cluster = Cluster(
        os.environ.get("JOBAID_HA_DIR", "/tmp/jobaid-ha-bench"),
        int(os.environ.get("JOBAID_HA_PORT_OFFSET", "30")),
    )
    load = os.getloadavg()
    print(f"bench.failover: {runs} runs; load average {load[0]:.1f} at the start", flush=True)
    cluster.up()
    try:
        results, failures = failover_runs(cluster, runs)
        costs = replication_costs(cluster, rounds, seconds)
    finally:
        cluster.down()
    print(report(results, costs, failures))
    times = [r.recovered for r in results if r.recovered is not None]
    return 0 if not failures and len(times) == len(results) else 1


def report(results: list[Run], costs: dict[str, list[float]], failures: list[str]) -> str:
    lines = []
    times = [r.recovered for r in results if r.recovered is not None]
    fails = [r.failed for r in results] or [0]
    if times:
        lines.append(f"\nfailover ({len(results)} runs, promise {failover_promise_seconds()} s): "
          f"first write acknowledged after min {min(times):.1f} / median "
          f"{statistics.median(times):.1f} / max {max(times):.1f} s; "
          f"requests failed meanwhile min {min(fails)} / median {statistics.median(fails):.0f} / max {max(fails)}")  # fmt: skip
        waits = [r.longest for r in results]
        lines.append(f"longest wait for one answer meanwhile: min {min(waits):.1f} / median "
                     f"{statistics.median(waits):.1f} / max {max(waits):.1f} s")  # fmt: skip
    if len(times) < len(results):
        lines.append(f"  {len(results) - len(times)} runs did not recover in time")
    medians = {mode: statistics.median(v) for mode, v in costs.items()}
    lines.append("write throughput (facts/s, median of rounds): " + ", ".join(f"{m} {v:.0f}" for m, v in medians.items()))  # fmt: skip
    single = medians["single node"]
    lines.append("as ratios of the single node: " + ", ".join(f"{m} {v / single:.2f}×" for m, v in medians.items()))  # fmt: skip
    rounds = list(zip(*costs.values(), strict=True))
    for n, figures in enumerate(rounds, 1):
        by_mode = dict(zip(costs, figures, strict=True))
        lines.append(f"  round {n}: " + ", ".join(f"{m} {v:.0f} ({v / by_mode['single node']:.2f}×)" for m, v in by_mode.items()))  # fmt: skip
    lines.append(f"load average at the end {os.getloadavg()[0]:.1f}")
    lines.append("invariants: " + ("all hold" if not failures else f"{len(failures)} FAILED"))
    for failure in failures[:30]:
        lines.append(f"  - {failure}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
