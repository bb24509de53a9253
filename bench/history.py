"""Building a large history fast: `record_batch` of 1,000 facts at a time (workers,
guarantee loans, surveys and appropriations — the money rows), plus payments (R17)
through `pay`, so statements hold debits too.

The accounts queried by the latency benchmark are fixed: `PROBE` gets a fixed set of
lines early on and nothing later, so its statement's size does not grow with history;
the busy accounts take every later appropriation."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from bench.data import HOMES, Fact, Facts
from bench.stores import stored_events
from service.intake import pay_json, record_json
from service.ledger import MAX_BATCH, Ledger

PROBE = ("local_treasury", "430181")  # 浏阳市: the account whose statement is timed
PROBE_LINES = 200
PAYMENTS_PER_BATCH = 20  # R17 payments after each batch of facts


@dataclass
class Built:
    events: int = 0
    facts: int = 0
    payments: int = 0
    seconds: float = 0.0
    batch_seconds: list[float] = field(default_factory=list)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


@dataclass
class Cast:
    """Who the generated facts refer to: a lender and some workers holding its loans."""

    lender: str
    borrowers: list[str] = field(default_factory=list)


def setup(ledger: Ledger, facts: Facts) -> Cast:
    lender = facts.organisation("enterprise")
    cast = Cast(lender["data"]["org_id"])
    workers = [facts.worker(home) for home in HOMES for _ in range(4)]
    cast.borrowers = [w["data"]["worker_id"] for w in workers]
    items: list[Fact] = [lender, *workers]
    items += [facts.loan(w, cast.lender) for w in cast.borrowers]
    items += [facts.appropriation(home, "100000000.00", on=date(2017, 7, 1)) for home in HOMES]
    items += [facts.appropriation(PROBE[1], "10.00") for _ in range(PROBE_LINES)]
    record_json(ledger, items, "bench")
    return cast


def batch_of_facts(facts: Facts, size: int = MAX_BATCH) -> list[Fact]:
    """A realistic mix: a fifth new workers, a fifth surveys of them, the rest money in."""
    items: list[Fact] = []
    while len(items) < size:
        worker = facts.worker()
        items += [worker, facts.survey(worker["data"]["worker_id"])]
        items += [facts.appropriation(facts.rng.choice(HOMES)) for _ in range(3)]
    return items[:size]


def build(ledger: Ledger, target_events: int, facts: Facts, cast: Cast | None) -> Built:
    """Grow the store to at least `target_events` stored events (with payments when a
    `cast` is given, see `setup`); how fast it went."""
    built = Built()
    before = stored_events(ledger)
    started = time.perf_counter()
    while stored_events(ledger) < target_events:
        items = batch_of_facts(facts)
        t0 = time.perf_counter()
        record_json(ledger, items, "bench")
        built.batch_seconds.append(time.perf_counter() - t0)
        built.facts += len(items)
        if cast is not None:
            for n in range(PAYMENTS_PER_BATCH):
                borrower = cast.borrowers[n % len(cast.borrowers)]
                pay_json(ledger, facts.r17(borrower, cast.lender), "bench")
                built.payments += 1
    built.seconds = time.perf_counter() - started
    built.events = stored_events(ledger) - before
    return built
