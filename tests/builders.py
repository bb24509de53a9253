"""Short ways to record the facts a test needs, with valid defaults."""

from __future__ import annotations

import itertools
from typing import Any

from domain.errors import PolicyRefusal
from domain.recorded import Actor
from domain.values import id_check_char
from service.intake import pay_json, record_json, reverse_json
from service.ledger import Ledger
from service.results import FactRecorded, PaymentRecorded

_ids = itertools.count(1)
HOME = "430102"  # 芙蓉区, 长沙市
ELSEWHERE = "440106"  # 天河区, 广州市 (another province)


def next_id(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def id_number(birth_date: str = "1990-03-07", region: str = HOME, serial: int | None = None) -> str:
    """A valid 18-character resident ID number (GB 11643) for the birth date."""
    seq = f"{(serial if serial is not None else next(_ids)) % 1000:03d}"
    first17 = region + birth_date.replace("-", "") + seq
    return first17 + id_check_char(first17)


def record_one(
    ledger: Ledger, event_id: str, type_: str, data: Any, by: str | Actor = "clerk"
) -> FactRecorded:
    """One fact from raw data, as a client would post it."""
    return record_json(ledger, [{"event_id": event_id, "type": type_, "data": data}], by)[0]


def post(ledger: Ledger, type_: str, by: str | Actor = "clerk", **data: Any) -> FactRecorded:
    return record_one(ledger, next_id("ev"), type_, data, by)


def organisation(
    ledger: Ledger, kind: str = "enterprise", division: str = HOME, org_id: str | None = None
) -> str:
    org_id = org_id or next_id(kind[:3])
    post(
        ledger,
        "OrganisationRegistered",
        org_id=org_id,
        name=f"{kind} {org_id}",
        division=division,
        kind=kind,
    )
    return org_id


def worker(
    ledger: Ledger,
    worker_id: str | None = None,
    birth_date: str = "1990-03-07",
    home: str = HOME,
    registered_on: str = "2017-01-01",
    number: str | None = None,
) -> str:
    worker_id = worker_id or next_id("w")
    post(
        ledger,
        "WorkerRegistered",
        worker_id=worker_id,
        name="张三",
        id_number=number or id_number(birth_date),
        birth_date=birth_date,
        home_division=home,
        registered_on=registered_on,
    )
    return worker_id


def placement(
    ledger: Ledger,
    worker_id: str,
    employer_id: str,
    started_on: str = "2018-01-15",
    work_division: str = ELSEWHERE,
    agency_id: str | None = None,
    contract_months: int = 12,
) -> str:
    placement_id = next_id("p")
    data: dict[str, Any] = {
        "placement_id": placement_id,
        "worker_id": worker_id,
        "employer_id": employer_id,
        "started_on": started_on,
        "work_division": work_division,
        "contract_months": contract_months,
    }
    if agency_id:
        data["agency_id"] = agency_id
    post(ledger, "WorkerPlaced", **data)
    return placement_id


def enrollment(
    ledger: Ledger,
    worker_id: str,
    kind: str = "pre_employment",
    category: str = "电工",
    division: str = HOME,
    started_on: str = "2018-03-01",
    institution_id: str | None = None,
    two_after_student: bool = False,
) -> str:
    enrollment_id = next_id("en")
    data: dict[str, Any] = {
        "enrollment_id": enrollment_id,
        "worker_id": worker_id,
        "kind": kind,
        "category": category,
        "division": division,
        "started_on": started_on,
        "two_after_student": two_after_student,
    }
    if institution_id:
        data["institution_id"] = institution_id
    post(ledger, "TrainingEnrolled", **data)
    return enrollment_id


def appropriate(
    ledger: Ledger,
    amount: str = "1000000.00",
    source: str = "employment_fund",
    division: str = HOME,
    on: str = "2017-07-01",
) -> FactRecorded:
    return post(
        ledger,
        "FundsAppropriated",
        by="finance",
        appropriation_id=next_id("ap"),
        source=source,
        division=division,
        amount=amount,
        appropriated_on=on,
        document_ref="湘财社〔2017〕1号",
    )


def pay(ledger: Ledger, rule: str, payee_id: str, paid_on: str, **fields: Any) -> PaymentRecorded:
    request = {
        "payment_id": next_id("pay"),
        "rule": rule,
        "payee_id": payee_id,
        "paid_on": paid_on,
        **fields,
    }
    return pay_json(ledger, request, "finance")


# Helpers added for the rule tests (tests/service/test_rule_*.py, tests/service/test_bad_input.py).


def store_size(ledger: Ledger) -> int:
    """The position of the last recorded event (0 for an empty store)."""
    return ledger.recorder.max_notification_id() or 0


def batch(
    ledger: Ledger, type_: str, items: list[dict[str, Any]], by: str = "clerk"
) -> list[FactRecorded]:
    """Record many facts of one type in one save."""
    return record_json(
        ledger, [{"event_id": next_id("ev"), "type": type_, "data": data} for data in items], by
    )


def attend(ledger: Ledger, enrollment_id: str, *days: str) -> None:
    batch(
        ledger,
        "TrainingDayAttended",
        [{"enrollment_id": enrollment_id, "day": day} for day in days],
    )


def complete(ledger: Ledger, enrollment_id: str, completed_on: str) -> FactRecorded:
    return post(ledger, "TrainingCompleted", enrollment_id=enrollment_id, completed_on=completed_on)


def contributions(
    ledger: Ledger,
    worker_id: str,
    employer_id: str,
    months: list[str],
    pension: str = "100.00",
    medical: str = "50.00",
    unemployment: str = "10.00",
) -> None:
    """The employer's share of social insurance (R14) for each of `months` (YYYY-MM)."""
    shares = {"pension": pension, "medical": medical, "unemployment": unemployment}
    items = [
        {"employer_id": employer_id, "worker_id": worker_id, "month": m, **shares} for m in months
    ]
    batch(ledger, "SocialInsuranceContributed", items)


def training_standard(
    ledger: Ledger,
    amount: str,
    division: str = HOME,
    category: str = "电工",
    effective_from: str = "2017-07-01",
) -> FactRecorded:
    return post(
        ledger,
        "TrainingStandardSet",
        by="admin",
        division=division,
        category=category,
        amount=amount,
        effective_from=effective_from,
    )


def transport_standard(
    ledger: Ledger, amount: str, division: str = HOME, effective_from: str = "2017-07-01"
) -> FactRecorded:
    return post(
        ledger,
        "TransportStandardSet",
        by="admin",
        division=division,
        amount=amount,
        effective_from=effective_from,
    )


def end_placement(
    ledger: Ledger, placement_id: str, ended_on: str, reason: str = "合同到期"
) -> FactRecorded:
    return post(
        ledger, "PlacementEnded", placement_id=placement_id, ended_on=ended_on, reason=reason
    )


def close_period(
    ledger: Ledger,
    period: str,
    closed_on: str,
    source: str = "employment_fund",
    division: str = HOME,
) -> FactRecorded:
    return post(
        ledger,
        "PeriodClosed",
        by="finance",
        source=source,
        division=division,
        period=period,
        closed_on=closed_on,
    )


def reverse(ledger: Ledger, payment_id: str, reversed_on: str, **fields: Any) -> Any:
    request = {
        "reversal_id": next_id("rev"),
        "reason": "付款有误",
        "reversed_on": reversed_on,
        **fields,
    }
    return reverse_json(ledger, payment_id, request, "finance")


def balance(ledger: Ledger, source: str = "employment_fund", division: str = HOME) -> str:
    """The account's balance as the contract writes it ("1000.00")."""
    return f"{ledger.get_account(source, division).balance:.2f}"


class refused:
    """`with refused("R7", ledger): …` — the block raises a PolicyRefusal naming `rule`, and
    (given a ledger) records nothing at all."""

    def __init__(self, rule: str, ledger: Ledger | None = None) -> None:
        self.rule = rule
        self.ledger = ledger
        self.error: PolicyRefusal | None = None

    def __enter__(self) -> refused:
        self.before = store_size(self.ledger) if self.ledger is not None else 0
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: object
    ) -> bool:
        if error is None:
            raise AssertionError(f"expected a refusal under {self.rule}, but it was accepted")
        if not isinstance(error, PolicyRefusal):
            return False
        assert error.rule == self.rule, (
            f"refused under {error.rule}, not {self.rule}: {error.detail}"
        )
        if self.ledger is not None:
            assert store_size(self.ledger) == self.before, "a refused command recorded events"
        self.error = error
        return True


def parse_date_for_tests(text: str) -> Any:
    """A `datetime.date` from YYYY-MM-DD, for building events by hand."""
    import datetime

    return datetime.date.fromisoformat(text)
