"""Valid facts and payment requests in bulk: unique ids per run, ID numbers with their
check characters, dates inside the policy's window."""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import date, timedelta
from typing import Any

from domain.values import id_check_char

# Hunan counties (GB/T 2260): every worker's home and every paying account lies in one.
HOMES = ("430102", "430103", "430104", "430105", "430111", "430112", "433101", "430121")
ELSEWHERE = "440106"  # 天河区, 广州市: placements out of the province are cross-region
WINDOW_START = date(2017, 8, 1)
WINDOW_DAYS = (date(2020, 12, 31) - WINDOW_START).days
BIRTH_START = date(1970, 1, 1)
BIRTH_DAYS = (date(1999, 12, 31) - BIRTH_START).days

Fact = dict[str, Any]
_SERIALS = itertools.count(1)  # one process, one sequence: ID numbers never repeat in it


class Facts:
    """Makes facts whose ids never collide with another run's (a random run prefix)."""

    def __init__(self, seed: int = 7, run: str | None = None) -> None:
        self.run = run or uuid.uuid4().hex[:6]
        self.rng = random.Random(seed)
        self.numbers = itertools.count(1)

    def next_id(self, kind: str) -> str:
        return f"{kind}-{self.run}-{next(self.numbers)}"

    def fact(self, type_: str, **data: Any) -> Fact:
        return {"event_id": self.next_id("ev"), "type": type_, "data": data}

    def day(self) -> date:
        return WINDOW_START + timedelta(days=self.rng.randrange(WINDOW_DAYS))

    def id_number(self, home: str, serial: int) -> tuple[str, str]:
        """A GB 11643 ID number unique for `serial` (< 11 million) and its birth date."""
        born = BIRTH_START + timedelta(days=(serial // 1000) % BIRTH_DAYS)
        first17 = home + born.strftime("%Y%m%d") + f"{serial % 1000:03d}"
        return first17 + id_check_char(first17), born.isoformat()

    def worker(self, home: str | None = None, worker_id: str | None = None) -> Fact:
        home = home or self.rng.choice(HOMES)
        number, born = self.id_number(home, next(_SERIALS))
        return self.fact(
            "WorkerRegistered",
            worker_id=worker_id or self.next_id("w"),
            name="张三",
            id_number=number,
            birth_date=born,
            home_division=home,
            registered_on="2017-01-01",
        )

    def organisation(self, kind: str = "enterprise", division: str = HOMES[0]) -> Fact:
        org_id = self.next_id(kind[:3])
        return self.fact(
            "OrganisationRegistered",
            org_id=org_id,
            name=f"{kind} {org_id}",
            division=division,
            kind=kind,
        )

    def appropriation(
        self,
        division: str,
        amount: str = "1000.00",
        on: date | None = None,
        source: str = "local_treasury",
    ) -> Fact:
        return self.fact(
            "FundsAppropriated",
            appropriation_id=self.next_id("ap"),
            source=source,
            division=division,
            amount=amount,
            appropriated_on=(on or self.day()).isoformat(),
            document_ref="湘财社〔2017〕1号",
        )

    def loan(self, worker_id: str, lender_id: str) -> Fact:
        return self.fact(
            "GuaranteeLoanGranted",
            loan_id=self.next_id("loan"),
            worker_id=worker_id,
            lender_id=lender_id,
            amount="100000.00",
            granted_on="2017-07-15",
        )

    def placement(self, worker_id: str, employer_id: str, agency_id: str) -> Fact:
        return self.fact(
            "WorkerPlaced",
            placement_id=self.next_id("p"),
            worker_id=worker_id,
            employer_id=employer_id,
            agency_id=agency_id,
            started_on="2018-01-15",
            work_division=ELSEWHERE,
            contract_months=12,
        )

    def survey(self, worker_id: str) -> Fact:
        return self.fact(
            "WorkerSurveyed",
            worker_id=worker_id,
            surveyed_on=self.day().isoformat(),
            surveyor="李四",
            status="unemployed",
            willing_to_work=True,
        )

    def r17(self, worker_id: str, lender_id: str, amount: str = "12.34") -> dict[str, Any]:
        """A loan-interest payment (R17): any amount, from the worker's home local treasury."""
        return {
            "payment_id": self.next_id("pay"),
            "rule": "R17",
            "payee_id": lender_id,
            "worker_id": worker_id,
            "paid_on": self.day().isoformat(),
            "amount": amount,
        }

    def r7(self, placement_id: str, agency_id: str, paid_on: str = "2018-08-01") -> dict[str, Any]:
        """An introduction subsidy (R7): claims R7 for the worker's year and the placement."""
        return {
            "payment_id": self.next_id("pay"),
            "rule": "R7",
            "payee_id": agency_id,
            "placement_id": placement_id,
            "paid_on": paid_on,
        }


def chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
