"""Load and soak: a real HTTP load generator against `jobaid serve` on PostgreSQL, then
the invariants checked against the store.

Mixed traffic from `clients` threads on loopback, bounded by time and by request count:
new facts (single and small batches), duplicate retries of acknowledged facts and of
payments, the same new fact posted by two threads at once, R17 payments, reversals,
racing R7 claims (several payment ids for one placement at the same instant: exactly one
may win), and reads (balances, statements, workers).

At the end, on the store itself:
- every acknowledged fact is stored exactly once (its `event_id` on exactly one stored
  event, at the position it was acknowledged at), every acknowledged payment once;
- no guard was violated (≤ 1 R7 per worker-year and per placement; one winner per race);
- every balance `GET /v1/accounts` answers equals the one folded from the raw events,
  and the FundAccount aggregates agree;
- `jobaid verify` passes, and no request was answered 5xx."""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

from bench.data import ELSEWHERE, HOMES, Facts
from bench.server import Server, bearer, run_measured, tokens
from bench.stores import fresh_database, open_ledger
from domain.accounts import FundAccount
from domain.payments import Payment
from projections.replay import replay_balances

EARLY = date(2017, 7, 1)


@dataclass
class Tally:
    """What the generator saw and what it was told (guarded by `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    ops: Counter[str] = field(default_factory=Counter)
    facts: dict[str, tuple[str, int, int]] = field(
        default_factory=dict
    )  # event_id → (aggregate, version, position)
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)  # payment_id → answer
    reversed: set[str] = field(default_factory=set)
    races: list[list[int]] = field(default_factory=list)  # statuses of each race
    problems: list[str] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)

    def saw(self, op: str, response: httpx.Response) -> None:
        with self.lock:
            self.requests += 1
            self.statuses[response.status_code] += 1
            self.ops[op] += 1
            if response.status_code >= 500:
                self.problems.append(f"{op}: {response.status_code} {response.text[:300]}")

    def odd(self, message: str) -> None:
        with self.lock:
            self.problems.append(message)


@dataclass
class Cast:
    agency: str
    employer: str
    lender: str
    borrowers: list[str]
    workers: list[str]


class Generator:
    def __init__(self, server: Server, token: dict[str, str], seed: int = 11) -> None:
        self.server = server
        self.token = token
        self.tally = Tally()
        self.facts = Facts(seed)
        self.facts_lock = threading.Lock()
        self.seed = seed
        self.cast: Cast | None = None

    # HTTP.

    def client(self, role: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.server.base, headers=bearer(self.token[role]), timeout=120
        )

    def make(self, build: Callable[[Facts], Any]) -> Any:
        with self.facts_lock:  # Facts is not thread-safe (its counter and RNG)
            return build(self.facts)

    def post_facts(self, http: httpx.Client, op: str, body: Any) -> httpx.Response:
        response = http.post("/events", json=body)
        self.tally.saw(op, response)
        if response.status_code in (200, 201):
            answers = response.json()
            for item, answer in zip(body if isinstance(body, list) else [body],
                                    answers if isinstance(answers, list) else [answers], strict=True):  # fmt: skip
                self.acknowledged(item["event_id"], answer)
        return response

    def acknowledged(self, event_id: str, answer: dict[str, Any]) -> None:
        seen = (answer["aggregate_id"], int(answer["version"]), int(answer["position"]))
        with self.tally.lock:
            before = self.tally.facts.setdefault(event_id, seen)
        if before != seen:
            self.tally.odd(f"fact {event_id} answered {seen} after {before}")

    def post_payment(self, http: httpx.Client, op: str, body: dict[str, Any]) -> httpx.Response:
        response = http.post("/payments", json=body)
        self.tally.saw(op, response)
        if response.status_code in (200, 201):
            answer = response.json()
            with self.tally.lock:
                before = self.tally.payments.setdefault(body["payment_id"], answer)
            if before["position"] != answer["position"]:
                self.tally.odd(f"payment {body['payment_id']} answered two positions")
        return response

    # Setup: organisations, money, and workers with loans (R17) — through HTTP.

    def setup(self, borrowers: int = 64) -> Cast:
        agency, employer, lender = self.make(lambda f: (
            f.organisation("agency"), f.organisation("enterprise", ELSEWHERE), f.organisation("enterprise")
        ))  # fmt: skip
        workers = self.make(lambda f: [f.worker(HOMES[n % len(HOMES)]) for n in range(borrowers)])
        ids = [w["data"]["worker_id"] for w in workers]
        loans = self.make(lambda f: [f.loan(w, lender["data"]["org_id"]) for w in ids])
        money = self.make(lambda f: [
            f.appropriation(home, "50000000.00", on=EARLY, source=source)
            for home in HOMES for source in ("employment_fund", "local_treasury")
        ])  # fmt: skip
        with self.client("clerk") as clerk, self.client("finance") as finance:
            for body, http in (
                ([agency, employer, lender, *workers], clerk),
                (loans, clerk),
                (money, finance),
            ):
                response = self.post_facts(http, "setup", body)
                if response.status_code != 201:
                    raise RuntimeError(
                        f"setup failed: {response.status_code} {response.text[:500]}"
                    )
        self.cast = Cast(
            agency["data"]["org_id"],
            employer["data"]["org_id"],
            lender["data"]["org_id"],
            ids,
            list(ids),
        )
        return self.cast

    # Operations.

    def op_fact(self, clerk: httpx.Client, rng: random.Random) -> None:
        assert self.cast is not None
        if rng.random() < 0.5:
            fact = self.make(lambda f: f.worker())
            if self.post_facts(clerk, "fact", fact).status_code == 201:
                with self.tally.lock:
                    self.cast.workers.append(fact["data"]["worker_id"])
        else:
            worker = rng.choice(self.cast.workers)
            self.expect(self.post_facts(clerk, "fact", self.make(lambda f: f.survey(worker))), 201)

    def op_batch(self, clerk: httpx.Client, rng: random.Random) -> None:
        assert self.cast is not None
        size = rng.randint(5, 50)
        workers = self.make(lambda f: [f.worker() for _ in range(size)])
        body = workers + self.make(
            lambda f: [f.survey(w["data"]["worker_id"]) for w in workers[: size // 2]]
        )
        self.expect(self.post_facts(clerk, "batch", body), 201)

    def op_retry_fact(self, clerk: httpx.Client, rng: random.Random) -> None:
        """The same fact twice at the same instant, then once more: one event, one answer."""
        fact = self.make(lambda f: f.worker())
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda _: self.post_facts(clerk, "duplicate", fact), range(2)))
        codes = sorted(r.status_code for r in answers)
        if codes == [201, 201]:
            # Both in one group commit: one event stored (checked at the end), but the
            # retry is not told it was a replay.
            with self.tally.lock:
                self.tally.notes["concurrent duplicates both answered 201"] += 1
        elif codes != [200, 201]:
            self.tally.odd(f"duplicate fact {fact['event_id']} answered {codes}")
        self.expect(self.post_facts(clerk, "duplicate", fact), 200)

    def op_payment(self, finance: httpx.Client, rng: random.Random) -> None:
        assert self.cast is not None
        worker = rng.choice(self.cast.borrowers)
        body = self.make(
            lambda f: f.r17(
                worker, self.cast.lender if self.cast else "", f"{rng.randint(1, 500)}.00"
            )
        )
        if self.post_payment(finance, "payment", body).status_code == 201 and rng.random() < 0.3:
            self.expect(self.post_payment(finance, "payment retry", body), 200)

    def op_reversal(self, finance: httpx.Client, rng: random.Random) -> None:
        with self.tally.lock:
            candidates = [
                p
                for p, a in self.tally.payments.items()
                if a["rule"] == "R17" and p not in self.tally.reversed
            ]
            if not candidates:
                return
            payment_id = rng.choice(candidates)
            self.tally.reversed.add(payment_id)
        body = {
            "reversal_id": f"rv-{payment_id}",
            "reason": "付款有误",
            "reversed_on": "2020-12-31",
        }
        response = finance.post(f"/payments/{payment_id}/reversal", json=body)
        self.tally.saw("reversal", response)
        self.expect(response, 201)

    def op_race(
        self, clerk: httpx.Client, finance: httpx.Client, rng: random.Random, racers: int = 4
    ) -> None:
        """A new worker placed twice by the agency; `racers` R7 payments at once for the
        first placement, then one for the second placement in the same year."""
        assert self.cast is not None
        cast = self.cast
        worker = self.make(lambda f: f.worker())
        worker_id = worker["data"]["worker_id"]
        placements = self.make(
            lambda f: [f.placement(worker_id, cast.employer, cast.agency) for _ in range(2)]
        )
        if self.post_facts(clerk, "race setup", [worker, *placements]).status_code != 201:
            return
        first, second = (p["data"]["placement_id"] for p in placements)
        bodies = self.make(lambda f: [f.r7(first, cast.agency) for _ in range(racers)])
        barrier = threading.Barrier(racers)

        def race(body: dict[str, Any]) -> int:
            with self.client("finance") as http:
                barrier.wait()
                return self.post_payment(http, "race", body).status_code

        with ThreadPoolExecutor(racers) as pool:
            codes = sorted(pool.map(race, bodies))
        with self.tally.lock:
            self.tally.races.append(codes)
        again = self.post_payment(finance, "race", self.make(lambda f: f.r7(second, cast.agency)))
        self.expect(again, 409)  # a refusal (R18: one R7 per worker per year)

    def op_read(self, auditor: httpx.Client, rng: random.Random) -> None:
        assert self.cast is not None
        path = rng.choice([
            "/accounts",
            f"/accounts/local_treasury/{rng.choice(HOMES)}/statement?from=2019-01-01&to=2019-01-31",
            f"/workers/{rng.choice(self.cast.borrowers)}",
        ])  # fmt: skip
        response = auditor.get(path)
        self.tally.saw("read", response)
        self.expect(response, 200)

    def expect(self, response: httpx.Response, status: int) -> None:
        if response.status_code != status:
            self.tally.odd(f"{response.request.method} {response.request.url.path}: "
                           f"{response.status_code}, not {status}: {response.text[:300]}")  # fmt: skip

    # The run.

    def run(self, seconds: float, clients: int, max_requests: int) -> None:
        deadline = time.monotonic() + seconds
        weights = {
            "fact": 30,
            "batch": 6,
            "duplicate": 8,
            "payment": 25,
            "reversal": 3,
            "race": 4,
            "read": 24,
        }
        names, chances = list(weights), list(weights.values())

        def client(n: int) -> None:
            rng = random.Random(self.seed * 1000 + n)
            with (
                self.client("clerk") as clerk,
                self.client("finance") as finance,
                self.client("auditor") as auditor,
            ):
                while time.monotonic() < deadline and self.tally.requests < max_requests:
                    op = rng.choices(names, chances)[0]
                    try:
                        if op == "fact":
                            self.op_fact(clerk, rng)
                        elif op == "batch":
                            self.op_batch(clerk, rng)
                        elif op == "duplicate":
                            self.op_retry_fact(clerk, rng)
                        elif op == "payment":
                            self.op_payment(finance, rng)
                        elif op == "reversal":
                            self.op_reversal(finance, rng)
                        elif op == "race":
                            self.op_race(clerk, finance, rng)
                        else:
                            self.op_read(auditor, rng)
                    except httpx.HTTPError as error:
                        self.tally.odd(f"{op}: {type(error).__name__}: {error}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


@dataclass
class Report:
    seconds: float
    requests: int
    statuses: dict[int, int]
    ops: dict[str, int]
    facts: int
    payments: int
    races: int
    stored_events: int
    failures: list[str]
    notes: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        lines = [
            f"{self.requests} requests in {self.seconds:.0f} s ({self.requests / max(self.seconds, 1e-9):.0f}/s); "
            f"statuses {dict(sorted(self.statuses.items()))}",
            f"ops {dict(sorted(self.ops.items()))}",
            f"{self.facts} facts and {self.payments} payments acknowledged, {self.races} races, "
            f"{self.stored_events} events stored",
            f"notes {self.notes}",
            "invariants: " + ("all hold" if self.ok else f"{len(self.failures)} FAILED"),
        ]
        return "\n".join(lines + [f"  - {f}" for f in self.failures[:30]])


def check(url: str, server: Server, generator: Generator) -> list[str]:
    """The invariants, against the store; a list of what failed (empty: all hold)."""
    tally = generator.tally
    failures = list(tally.problems)
    if any(code >= 500 for code in tally.statuses):
        failures.append(f"5xx answers: { {c: n for c, n in tally.statuses.items() if c >= 500} }")
    ledger = open_ledger(url)
    try:
        by_event_id: Counter[str] = Counter()
        at_position: dict[int, tuple[str, int]] = {}
        paid: Counter[str] = Counter()
        debits: Counter[str] = Counter()
        payments: dict[str, Payment.SubsidyPaid] = {}
        reversed_ids: set[str] = set()
        start = 1
        while notifications := ledger.recorder.select_notifications(start=start, limit=2000):
            for n in notifications:
                event: Any = ledger.mapper.to_domain_event(n)
                at_position[n.id] = (str(event.originator_id), event.originator_version)
                event_id = getattr(event, "event_id", None)
                if isinstance(event_id, str) and not n.topic.startswith("jobaid:Receipt"):
                    by_event_id[event_id] += 1
                if isinstance(event, Payment.SubsidyPaid):
                    paid[event.payment_id] += 1
                    payments[event.payment_id] = event
                elif isinstance(event, Payment.Reversed):
                    reversed_ids.add(str(event.originator_id))
                elif isinstance(event, FundAccount.PaymentDebited):
                    debits[event.payment_id] += 1
            start = notifications[-1].id + 1
        # Every acknowledged fact stored exactly once, where it was acknowledged.
        for event_id, (aggregate_id, version, position) in tally.facts.items():
            if by_event_id[event_id] != 1:
                failures.append(f"fact {event_id} stored {by_event_id[event_id]} times")
            if at_position.get(position) != (aggregate_id, version):
                failures.append(
                    f"fact {event_id} acknowledged at {position}, store has {at_position.get(position)}"
                )
        for event_id, count in by_event_id.items():
            if count > 1:
                failures.append(f"event_id {event_id} stored {count} times")
        for payment_id in tally.payments:
            if paid[payment_id] != 1 or debits[payment_id] != 1:
                failures.append(
                    f"payment {payment_id}: {paid[payment_id]} payments, {debits[payment_id]} debits"
                )
        failures += guard_violations(payments, reversed_ids, tally.races)
        failures += balance_mismatches(ledger, server, generator)
    finally:
        ledger.close()
    verified = run_measured(["verify"], url)
    if verified.returncode != 0:
        failures.append(f"jobaid verify failed: {verified.stdout[-500:]} {verified.stderr[-500:]}")
    return failures


def guard_violations(
    payments: dict[str, Any], reversed_ids: set[str], races: list[list[int]]
) -> list[str]:
    failures = []
    per_year: Counter[tuple[str, int]] = Counter()
    per_placement: Counter[str] = Counter()
    for p in payments.values():
        if p.rule == "R7" and str(p.originator_id) not in reversed_ids:
            per_year[(p.worker_id, p.paid_on.year)] += 1
            per_placement[p.placement_id] += 1
    failures += [
        f"R18: worker {w} has {n} R7 payments in {y}" for (w, y), n in per_year.items() if n > 1
    ]
    failures += [
        f"R20: placement {p} has {n} R7 payments" for p, n in per_placement.items() if n > 1
    ]
    for codes in races:
        if codes.count(201) != 1 or any(c not in (201, 409) for c in codes):
            failures.append(f"a race for one R7 claim answered {codes}")
    return failures


def balance_mismatches(ledger: Any, server: Server, generator: Generator) -> list[str]:
    """`GET /v1/accounts` (the projections, once caught up) against the raw events."""
    folded = {(r["source"], r["division"]): r for r in replay_balances(ledger.store)}
    head = ledger.recorder.max_notification_id() or 0
    served: dict[tuple[str, str], dict[str, Any]] = {}
    with generator.client("auditor") as http:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready = http.get("/ready").json() if http.get("/ready").status_code == 200 else {}
            if int(ready.get("position", head) or 0) >= head:
                break
            time.sleep(0.2)
        response = http.get("/accounts", headers={"X-Min-Position": str(head)})
        served = {(r["source"], r["division"]): r for r in response.json()}
    failures = []
    if served.keys() != folded.keys():
        failures.append(f"accounts differ: served {sorted(served)} folded {sorted(folded)}")
    for key, row in folded.items():
        got = served.get(key)
        figures = ("appropriated", "paid", "reversed", "balance")
        if got is None or any(str(got[f]) != str(row[f]) for f in figures):
            failures.append(f"account {key}: served {got}, events say {row}")
        aggregate = ledger.get_account(*key)
        if f"{aggregate.balance:.2f}" != str(row["balance"]):
            failures.append(
                f"account {key}: aggregate {aggregate.balance}, events {row['balance']}"
            )
    return failures


def run_load(
    seconds: float, clients: int = 8, max_requests: int = 1_000_000, url: str | None = None
) -> Report:
    """Run the load against a fresh PostgreSQL database (or `url`) and check the invariants."""
    with fresh_database("postgres") if url is None else _given(url) as database:
        token = tokens(database)
        with Server(database) as server:
            generator = Generator(server, token)
            generator.setup()
            started = time.perf_counter()
            generator.run(seconds, clients, max_requests)
            elapsed = time.perf_counter() - started
            failures = check(database, server, generator)
            if failures:
                server.keep_log = True
                failures += [f"service log: {line[:3000]}" for line in server.errors()[:5]]
                failures.append(f"service log kept at {server.log_path}")
            ledger = open_ledger(database)
            stored = ledger.recorder.max_notification_id() or 0
            ledger.close()
        tally = generator.tally
        return Report(elapsed, tally.requests, dict(tally.statuses), dict(tally.ops), len(tally.facts),
                      len(tally.payments), len(tally.races), stored, failures, dict(tally.notes))  # fmt: skip


class _given:
    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *_: object) -> None:
        return None


def main() -> int:
    seconds = float(os.environ.get("LOAD_SECONDS", "600"))
    clients = int(os.environ.get("LOAD_CLIENTS", "8"))
    max_requests = int(os.environ.get("LOAD_MAX_REQUESTS", "1000000"))
    print(
        f"load: {clients} clients for {seconds:.0f} s (at most {max_requests} requests) against jobaid serve on PostgreSQL",
        flush=True,
    )
    report = run_load(seconds, clients, max_requests)
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
