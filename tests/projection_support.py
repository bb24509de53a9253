"""Ledgers with money moving in and out, for the projection tests: R17 loan interest
(any amount, from the worker's home local treasury) keeps the scenarios short, and a few
placements and courses feed the targets report."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from domain.errors import Conflict, PolicyRefusal
from projections import Projections
from projections.lists import OrganisationQuery, PaymentQuery, ReconciliationQuery, WorkerQuery
from service.intake import reverse_json
from service.ledger import Ledger
from service.reconcile import reconcile_file
from tests import builders as b

HOMES = ("430102", "433101", "430111")  # 芙蓉区, 吉首市, 天心区
WINDOW_START = date(2017, 8, 1)
WINDOW_DAYS = (date(2020, 12, 31) - WINDOW_START).days


class Scenario:
    """Workers with guarantee loans from one lender, one per home county."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.lender = b.organisation(ledger, "enterprise")
        self.workers = {home: b.worker(ledger, home=home) for home in HOMES}
        for worker in self.workers.values():
            b.post(
                ledger,
                "GuaranteeLoanGranted",
                loan_id=b.next_id("loan"),
                worker_id=worker,
                lender_id=self.lender,
                amount="100000.00",
                granted_on="2017-07-15",
            )
        self.paid: list[tuple[str, date]] = []
        self.reversed: set[str] = set()

    def appropriate(self, home: str, fen: int, day: date) -> None:
        b.appropriate(self.ledger, money(fen), "local_treasury", home, day.isoformat())

    def pay(self, home: str, fen: int, day: date) -> int | None:
        """Pay R17 interest; None when R21 refuses it (the account would go negative)."""
        try:
            paid = b.pay(
                self.ledger,
                "R17",
                self.lender,
                day.isoformat(),
                worker_id=self.workers[home],
                amount=money(fen),
            )
        except PolicyRefusal:
            return None
        self.paid.append((paid.payment_id, day))
        return paid.position

    def reverse(self, index: int, days_later: int) -> int | None:
        if not self.paid:
            return None
        payment_id, paid_on = self.paid[index % len(self.paid)]
        try:
            done = reverse_json(
                self.ledger,
                payment_id,
                {
                    "reversal_id": b.next_id("rv"),
                    "reason": "wrong amount",
                    "reversed_on": (paid_on + timedelta(days=days_later)).isoformat(),
                },
                "finance",
            )
        except (Conflict, PolicyRefusal):
            return None
        self.reversed.add(payment_id)
        return done.position


def money(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def populate(ledger: Ledger, payments: int, seed: int = 7) -> Scenario:
    """Appropriations, payments and reversals in random business-date order."""
    rng = random.Random(seed)
    scenario = Scenario(ledger)
    for home in HOMES:
        for _ in range(3):
            scenario.appropriate(home, rng.randint(1_000_000, 50_000_000), day_in_window(rng))
    for number in range(payments):
        home = rng.choice(HOMES)
        scenario.pay(home, rng.randint(100, 50_000), day_in_window(rng))
        if number % 8 == 7:
            scenario.reverse(rng.randrange(1_000_000), rng.randint(0, 60))
        if number % 50 == 49:
            scenario.appropriate(home, rng.randint(100_000, 5_000_000), day_in_window(rng))
    add_target_facts(ledger, rng)
    add_list_facts(ledger)
    return scenario


def add_list_facts(ledger: Ledger) -> None:
    """What only the lists read: surveys (one superseded), a base, a reconciliation."""
    worker, base = b.worker(ledger, home=HOMES[0]), b.organisation(ledger)
    for surveyed_on, status in (("2018-05-01", "unemployed"), ("2018-01-01", "employed")):
        b.post(ledger, "WorkerSurveyed", worker_id=worker, surveyed_on=surveyed_on,
               surveyor="王五", status=status, willing_to_work=True, service_needs=[],
               work_division=b.ELSEWHERE, employer_name="厂", employer_contact="138")  # fmt: skip
    b.post(ledger, "BaseDesignated", by="admin", org_id=base, designated_on="2018-03-01")
    treasury = "日期,收款人,金额,凭证号\n2018-06-01,x,1.00,\n".encode()
    reconcile_file(ledger, treasury, "t.csv", "local_treasury", HOMES[0], "2018", "finance")


def day_in_window(rng: random.Random) -> date:
    return WINDOW_START + timedelta(days=rng.randrange(WINDOW_DAYS))


def add_target_facts(ledger: Ledger, rng: random.Random) -> None:
    employer = b.organisation(ledger, "enterprise", division=b.ELSEWHERE)
    for home in HOMES:
        worker = b.worker(ledger, home=home)
        b.placement(ledger, worker, employer, started_on=day_in_window(rng).isoformat())
        enrollment = b.enrollment(ledger, worker, started_on="2018-03-01", two_after_student=True)
        b.post(ledger, "TrainingCompleted", enrollment_id=enrollment, completed_on="2018-06-30")


def snapshot(projections: Projections, ledger: Ledger) -> str:
    """Everything the read side answers, as canonical JSON: equal strings, equal figures."""
    accounts = projections.accounts()
    answer: dict[str, Any] = {
        "accounts": accounts,
        "as_of": {
            d: projections.accounts(as_of=date.fromisoformat(d))
            for d in ("2017-12-31", "2019-06-30")
        },
        "statements": [
            projections.statement(a["source"], a["division"], None, None) for a in accounts
        ]
        + [
            projections.statement(a["source"], a["division"], date(2018, 1, 1), date(2019, 12, 31))
            for a in accounts
        ],
        "targets": projections.targets(),
        "lists": [
            projections.workers(WorkerQuery(), 0, 100_000),
            projections.organisations(OrganisationQuery(), 0, 100_000),
            projections.payments(PaymentQuery(), 0, 100_000),
            projections.reconciliations(ReconciliationQuery(), 0, 100_000),
        ],
        "closes": projections.period_closes(None),
    }
    return json.dumps(answer, sort_keys=True, ensure_ascii=False)
