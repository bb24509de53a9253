"""What every subsidy rule shares: the request, the facts it is decided on, the decision,
and the checks R1 (who is covered) and R2 (the window)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from domain import divisions
from domain.errors import NotFound, PolicyRefusal
from domain.fields import MONEY, Day, Id, MaybeId, MaybeText, choice, maybe
from domain.organisation import Organisation
from domain.reference import DEFAULT_WORKING_AGE, ReferenceData
from domain.values import add_months, age_on
from domain.worker import Placement, Worker

# 本实施意见从2017年7月1日起实施，执行至2020年12月31日。
WINDOW_OPENS = date(2017, 7, 1)
WINDOW_CLOSES = date(2020, 12, 31)
PROVINCE = "430000"
CENT = Decimal("0.01")


# The subsidies a payment may be for (R7–R17; R11 moves R8–R10 to another fund).
SUBSIDY_RULES = ("R7", "R8", "R9", "R10", "R12", "R13", "R14", "R15", "R16", "R17")


@dataclass(frozen=True)
class PaymentRequest:
    """What a finance bureau asks for; the ledger decides amount and account."""

    payment_id: Id
    rule: Annotated[str, choice(SUBSIDY_RULES)]
    payee_id: Id
    paid_on: Day
    worker_id: MaybeId = None
    placement_id: MaybeId = None
    enrollment_id: MaybeId = None
    loan_id: MaybeId = None
    amount: Annotated[Decimal | None, maybe(MONEY)] = None  # R17; R15/R16 must equal theirs
    adjustment_reason: MaybeText = None  # R23: finance only, for a closed period


@dataclass(frozen=True)
class Facts:
    """The recorded facts a decision reads."""

    reference: ReferenceData | None = None
    worker: Worker | None = None
    payee: Organisation | None = None
    employer: Organisation | None = None
    claimed: Mapping[str, str] = field(default_factory=dict)

    def the_worker(self) -> Worker:
        if self.worker is None:
            raise NotFound("the payment names no known worker")
        return self.worker

    def the_payee(self) -> Organisation:
        if self.payee is None:
            raise NotFound("the payee is not a registered organisation")
        return self.payee

    def the_employer(self) -> Organisation:
        if self.employer is None:
            raise NotFound("the placement's employer is not registered")
        return self.employer


@dataclass(frozen=True)
class Decision:
    """The policy's answer: how much, from which account, under which rule, and which
    entitlements (claim key → the guard rule that protects it) the payment uses up."""

    rule: str
    amount: Decimal
    source: str
    division: str
    earned_on: date
    basis: str
    subject: str | None = None
    claims: dict[str, str] = field(default_factory=dict)
    funding_rule: str = ""
    covers: tuple[str, ...] = ()


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def worker_subject(worker: Worker) -> str:
    return f"worker:{worker.worker_id}"


def check_window(earned_on: date) -> None:
    """R2: a subsidy earned outside 2017-07-01 … 2020-12-31 is not paid."""
    if not WINDOW_OPENS <= earned_on <= WINDOW_CLOSES:
        raise PolicyRefusal(
            "R2",
            f"earned on {earned_on}, outside the policy's window {WINDOW_OPENS}…{WINDOW_CLOSES}",
        )


def working_age(reference: ReferenceData | None, on: date) -> tuple[int, int]:
    return reference.working_age_on(on) if reference is not None else DEFAULT_WORKING_AGE


def ineligibility(worker: Worker, on: date, reference: ReferenceData | None) -> str | None:
    """Why R1 does not cover `worker` on `on`, or None when it does.

    一(二): 建档立卡农村贫困人口中，有就业能力且有就业或创业意愿的适龄劳动者。
    Registered on or before `on`; of working age in completed years; and not surveyed, as of
    `on`, as unemployed and unwilling to work (the latest survey on or before `on` decides)."""
    if worker.registered_on > on:
        return f"worker {worker.worker_id} was registered on {worker.registered_on}, after {on}"
    lowest, highest = working_age(reference, on)
    age = age_on(worker.birth_date, on)
    if not lowest <= age <= highest:
        return f"worker {worker.worker_id} is {age} on {on}, outside working age {lowest}–{highest}"
    survey = worker.survey_on(on)
    if survey is not None and survey.status == "unemployed" and not survey.willing_to_work:
        return (
            f"worker {worker.worker_id} was surveyed on {survey.surveyed_on} as unwilling to work"
        )
    return None


def check_covered(worker: Worker, on: date, reference: ReferenceData | None) -> None:
    """R1 on the day the subsidy is earned."""
    reason = ineligibility(worker, on, reference)
    if reason is not None:
        raise PolicyRefusal("R1", reason)


def check_earned_and_covered(worker: Worker, earned_on: date, facts: Facts) -> None:
    check_window(earned_on)
    check_covered(worker, earned_on, facts.reference)


def on_post_through(placement: Placement, paid_on: date) -> date:
    """The last day that counts towards months on post: `paid_on`, or the day after the
    last day worked when the placement ended earlier."""
    if placement.ended_on is None:
        return paid_on
    return min(paid_on, placement.ended_on + timedelta(days=1))


def months_completed_on(placement: Placement, months: int) -> date:
    """n months on post are complete on started_on + n months."""
    return add_months(placement.started_on, months)


def has_months_on_post(placement: Placement, months: int, paid_on: date) -> bool:
    return months_completed_on(placement, months) <= on_post_through(placement, paid_on)


def hunan_account(rule: str, source: str, division: str) -> tuple[str, str]:
    """The paying account; one outside Hunan is not this ledger's to pay (CONTRACT). A
    retired county code pays from its successor's account: they are one place, and one
    county's money is kept in one account (POLICY "How dates … are read")."""
    if not divisions.is_hunan(division):
        raise PolicyRefusal(rule, f"the paying account {source}/{division} lies outside Hunan")
    return source, divisions.canonical_place(division)


def county_account(rule: str, source: str, division: str) -> tuple[str, str]:
    """POLICY "Paying county" (R8–R10, R13–R14): 从当地就业补助资金中列支 / 从用人单位所在地
    就业补助资金中列支 — a county's (县市区) fund of Hunan, never a prefecture's or the
    province's."""
    source, division = hunan_account(rule, source, division)
    found = divisions.level(division)
    if found != "county":
        raise PolicyRefusal(
            rule,
            f"the paying account {source}/{division} is a {found}'s; {rule} is paid from a "
            "county's (县市区) fund",
        )
    return source, division


def refuse_other_payee(rule: str, payee_id: str, allowed: tuple[str | None, ...], who: str) -> None:
    if payee_id not in allowed:
        raise PolicyRefusal(rule, f"{rule} is paid to {who}, not {payee_id}")
