"""Builders for the unit floor: workers, organisations, reference data and the facts a
payment decision reads, made in memory with valid defaults — no ledger, no store.

Each builder asks the aggregate to record the fact, as the service would, so a builder
that breaks a guard fails the way a client's command would."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.claims import Claims
from domain.commands import (
    ContributeSocialInsurance,
    DesignatePoorArea,
    EnrolInTraining,
    GrantGuaranteeLoan,
    PlaceWorker,
    RegisterOrganisation,
    RegisterWorker,
    SetTrainingStandard,
    SetTransportStandard,
    SetWorkingAge,
    SurveyWorker,
)
from domain.errors import PolicyRefusal
from domain.organisation import Organisation
from domain.policy import Decision, Facts, PaymentRequest, decide
from domain.recorded import Actor, Recording
from domain.reference import ReferenceData
from domain.values import id_check_char
from domain.worker import Worker

# GB/T 2260 codes the tests use (domain/data/china-divisions.csv).
PROVINCE = "430000"  # 湖南省
CHANGSHA = "430100"  # 长沙市
HOME = "430102"  # 芙蓉区, a county of 长沙市: the default home
TIANXIN = "430103"  # 天心区, another county of 长沙市
NINGXIANG_COUNTY = "430124"  # 宁乡县, retired …
NINGXIANG_CITY = "430182"  # … its successor 宁乡市 (domain/data/successors.csv)
XIANGXI = "433100"  # 湘西州
JISHOU = "433101"  # 吉首市, 湘西州
FENGHUANG = "433123"  # 凤凰县, 湘西州
GUANGZHOU = "440100"  # 广州市, another province
ELSEWHERE = "440106"  # 天河区, 广州市

_ids = itertools.count(1)


def next_id(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def day(text: str) -> date:
    return date.fromisoformat(text)


def recording(by: str = "clerk") -> Recording:
    return Recording(Actor(by), next_id("ev"))


def id_number(birth_date: str = "1990-03-07", region: str = HOME) -> str:
    """A valid resident ID number (GB 11643) carrying `birth_date`."""
    first17 = f"{region}{birth_date.replace('-', '')}{next(_ids) % 1000:03d}"
    return first17 + id_check_char(first17)


# --- Who: workers and organisations ------------------------------------------------------


def worker(
    birth_date: str = "1990-03-07", home: str = HOME, registered_on: str = "2017-01-01"
) -> Worker:
    command = RegisterWorker(
        worker_id=next_id("w"),
        name="张三",
        id_number=id_number(birth_date),
        birth_date=day(birth_date),
        home_division=home,
        registered_on=day(registered_on),
    )
    return Worker.register(command, (False, False), "id-hash", recording())


def organisation(kind: str = "enterprise", division: str = HOME) -> Organisation:
    org_id = next_id(kind[:3])
    command = RegisterOrganisation(org_id, f"{kind} {org_id}", division, kind)
    return Organisation.register(command, (False, False), recording())


def base(designated_on: str = "2018-03-01", division: str = JISHOU) -> Organisation:
    """An employer designated an employment base (就业扶贫基地), R16."""
    employer = organisation("enterprise", division)
    employer.designate_base(day(designated_on), recording("admin"))
    return employer


# --- Reference data (local standards, each with its effective date) ----------------------


def reference() -> ReferenceData:
    return ReferenceData()


def training_standard(
    data: ReferenceData,
    amount: str,
    division: str = HOME,
    category: str = "电工",
    effective_from: str = "2017-07-01",
) -> None:
    command = SetTrainingStandard(division, category, Decimal(amount), day(effective_from))
    data.set_training_standard(command, recording("admin"))


def transport_standard(
    data: ReferenceData, amount: str, division: str = HOME, effective_from: str = "2017-07-01"
) -> None:
    command = SetTransportStandard(division, Decimal(amount), day(effective_from))
    data.set_transport_standard(command, recording("admin"))


def poor_area(data: ReferenceData, division: str, effective_from: str = "2017-07-01") -> None:
    data.designate_poor_area(DesignatePoorArea(division, day(effective_from)), recording("admin"))


def working_age(data: ReferenceData, lowest: int, highest: int, effective_from: str) -> None:
    command = SetWorkingAge(lowest, highest, day(effective_from))
    data.set_working_age(command, recording("admin"))


# --- What: the worker's facts ------------------------------------------------------------


def survey(
    someone: Worker,
    surveyed_on: str,
    status: str = "unemployed",
    willing_to_work: bool | None = True,
    **found: Any,
) -> None:
    command = SurveyWorker(
        worker_id=someone.worker_id,
        surveyed_on=day(surveyed_on),
        surveyor="李四",
        status=status,
        willing_to_work=willing_to_work,
        **found,
    )
    someone.survey(command, recording())


def placement(
    someone: Worker,
    employer: Organisation,
    started_on: str = "2018-01-15",
    work_division: str = ELSEWHERE,
    agency: Organisation | None = None,
    contract_months: int = 12,
) -> str:
    command = PlaceWorker(
        placement_id=next_id("p"),
        worker_id=someone.worker_id,
        employer_id=employer.org_id,
        started_on=day(started_on),
        work_division=work_division,
        contract_months=contract_months,
        agency_id=agency.org_id if agency else None,
    )
    someone.place(command, employer, agency, recording())
    return command.placement_id


def end_placement(someone: Worker, placement_id: str, ended_on: str) -> None:
    """`ended_on` is the last day worked."""
    someone.end_placement(placement_id, day(ended_on), "合同到期", recording())


def enrolment(
    someone: Worker,
    kind: str = "pre_employment",
    division: str = HOME,
    started_on: str = "2018-03-01",
    institution: Organisation | None = None,
    category: str = "电工",
    two_after_student: bool = False,
) -> str:
    command = EnrolInTraining(
        enrollment_id=next_id("en"),
        worker_id=someone.worker_id,
        kind=kind,
        category=category,
        division=division,
        started_on=day(started_on),
        two_after_student=two_after_student,
        institution_id=institution.org_id if institution else None,
    )
    someone.enrol(command, institution, recording())
    return command.enrollment_id


def attend(someone: Worker, enrollment_id: str, *days: str) -> None:
    for attended in days:
        someone.attend(enrollment_id, day(attended), recording())


def complete(someone: Worker, enrollment_id: str, completed_on: str) -> None:
    someone.complete(enrollment_id, day(completed_on), recording())


def benefits(someone: Worker, first_day: str, last_day: str | None = None) -> None:
    """Unemployment insurance benefits (失业保险金) drawn from `first_day` to `last_day`."""
    someone.start_benefit(day(first_day), recording())
    if last_day is not None:
        someone.end_benefit(day(last_day), recording())


def contributions(
    someone: Worker,
    employer: Organisation,
    months: list[str],
    pension: str = "100.00",
    medical: str = "50.00",
    unemployment: str = "10.00",
) -> None:
    """The employer's share of social insurance (R13, R14) for each month (YYYY-MM):
    160.00 a month by default."""
    for month in months:
        command = ContributeSocialInsurance(
            employer_id=employer.org_id,
            worker_id=someone.worker_id,
            month=month,
            pension=Decimal(pension),
            medical=Decimal(medical),
            unemployment=Decimal(unemployment),
        )
        someone.contribute(command, recording())


def loan(
    someone: Worker, lender: Organisation, granted_on: str = "2018-03-01", amount: str = "100000.00"
) -> str:
    command = GrantGuaranteeLoan(
        next_id("loan"), someone.worker_id, lender.org_id, Decimal(amount), day(granted_on)
    )
    someone.grant_loan(command, recording())
    return command.loan_id


# --- Asking for a payment ----------------------------------------------------------------


def request(
    rule: str, payee: Worker | Organisation | str, paid_on: str, **fields: Any
) -> PaymentRequest:
    """A payment request; an `amount` is given as a string, like money everywhere."""
    if isinstance(payee, Worker):
        payee_id = payee.worker_id
    elif isinstance(payee, Organisation):
        payee_id = payee.org_id
    else:
        payee_id = payee
    if isinstance(fields.get("amount"), str):
        fields["amount"] = Decimal(fields["amount"])
    return PaymentRequest(next_id("pay"), rule, payee_id, day(paid_on), **fields)


def facts(
    someone: Worker | None = None,
    *,
    reference: ReferenceData | None = None,
    payee: Organisation | None = None,
    employer: Organisation | None = None,
    claims: Claims | None = None,
) -> Facts:
    """What a decision reads; `claims` are the worker's entitlements already held."""
    held = claims.held if claims is not None else {}
    return Facts(reference=reference, worker=someone, payee=payee, employer=employer, claimed=held)


def claims_of(subject: Worker | str) -> Claims:
    """The entitlements held against a worker (or a subject such as `division:433100`)."""
    return Claims(f"worker:{subject.worker_id}" if isinstance(subject, Worker) else subject)


def pay(asked: PaymentRequest, known: Facts, claims: Claims) -> Decision:
    """Decide, then claim what the decision uses up on `claims` — what the service does in
    the one save of a payment (R18–R20)."""
    decision = decide(asked, known)
    assert decision.subject == claims.subject, (decision.subject, claims.subject)
    claims.claim(asked.payment_id, decision.claims)
    return decision


@contextmanager
def refused(rule: str) -> Iterator[pytest.ExceptionInfo[PolicyRefusal]]:
    """`with refused("R7"): …` — the block raises a PolicyRefusal naming `rule`."""
    with pytest.raises(PolicyRefusal) as refusal:
        yield refusal
    assert refusal.value.rule == rule, f"refused under {refusal.value.rule}: {refusal.value}"
