"""Short ways to record the facts a test needs, with valid defaults."""

from __future__ import annotations

import itertools
from typing import Any

from domain.values import id_check_char
from jobaid.application import FactRecorded, Ledger, PaymentRecorded

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


def post(ledger: Ledger, type_: str, by: str = "clerk", **data: Any) -> FactRecorded:
    return ledger.record(next_id("ev"), type_, data, by)


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
    return ledger.pay(request, "finance")
