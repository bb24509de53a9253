"""Subsidies earned by a placement through the services around it (二(二)): R7 introduction
and R12 transport, and R4's cross-region test. R13 and R14, paid to the employer, are in
`employer.py`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain import divisions
from domain.errors import PolicyRefusal
from domain.policy.common import (
    Decision,
    Facts,
    PaymentRequest,
    check_earned_and_covered,
    has_months_on_post,
    hunan_account,
    months_completed_on,
    on_post_through,
    refuse_other_payee,
    worker_subject,
)
from domain.worker import Placement, Worker

INTRODUCTION_SUBSIDY = Decimal("200.00")


def placement_of(request: PaymentRequest, facts: Facts) -> tuple[Worker, Placement]:
    worker = facts.the_worker()
    return worker, worker.placement(request.placement_id or "")


def introduction_subsidy(request: PaymentRequest, facts: Facts) -> Decision:
    """R7 就业创业服务补贴. 二(二)2: 每成功介绍1名建档立卡贫困劳动力稳定就业6个月以上的，
    给予200元的就业创业服务补贴；建档立卡贫困劳动力每人每年只享受一次补贴，所需资金由输出地从
    就业补助资金中列支。"""
    worker, placement = placement_of(request, facts)
    if placement.agency_id is None:
        raise PolicyRefusal("R7", f"placement {placement.placement_id} was not made by an agency")
    refuse_other_payee("R7", request.payee_id, (placement.agency_id,), "the agency that placed")
    earned_on = months_completed_on(placement, 6)
    if not has_months_on_post(placement, 6, request.paid_on):
        raise PolicyRefusal(
            "R7",
            f"6 months on post complete on {earned_on}; on post through "
            f"{on_post_through(placement, request.paid_on)}",
        )
    check_earned_and_covered(worker, earned_on, facts)
    source, division = hunan_account("R7", "employment_fund", worker.home_division)
    return Decision(
        rule="R7",
        amount=INTRODUCTION_SUBSIDY,
        source=source,
        division=division,
        earned_on=earned_on,
        basis="200 per worker placed in stable work of 6 months or more",
        subject=worker_subject(worker),
        claims={
            f"R7/placement/{placement.placement_id}": "R20",
            f"R7/year/{request.paid_on.year}": "R18",  # 每人每年只享受一次补贴
        },
    )


def is_cross_region(home_division: str, work_division: str) -> bool:
    """R4: work outside the home county, in a division that does not contain it. 跨区域
    （包括跨省、跨市州、跨县区）: a retired code and its successor are one county, so
    `divisions.contains` reads both through `divisions.canonical_place`."""
    return not divisions.contains(work_division, home_division)


def transport_standard(worker: Worker, earned_on: date, facts: Facts) -> tuple[str, Decimal]:
    """各地要根据实际情况制定具体标准: the sending county's standard in force on `earned_on`
    (else its prefecture's or the province's), and who published it."""
    standard = (
        facts.reference.transport_standard(worker.home_division, earned_on)
        if facts.reference
        else None
    )
    if standard is None:
        raise PolicyRefusal(
            "R12", f"no transport standard for {worker.home_division} is in force on {earned_on}"
        )
    return standard


def refuse_other_transport_payee(
    request: PaymentRequest, worker: Worker, placement: Placement
) -> None:
    """二(二)6: 接收企业及其他社会组织统一组织贫困劳动力外出务工，包（租）车人均费用参照上述
    标准执行 — the organiser of group transport is the placement's agency or employer."""
    refuse_other_payee(
        "R12",
        request.payee_id,
        (worker.worker_id, placement.agency_id, placement.employer_id),
        "the worker or the organiser of group transport (the placement's agency or employer)",
    )


def transport_subsidy(request: PaymentRequest, facts: Facts) -> Decision:
    """R12 一次性交通补助. 二(二)6: 对跨区域（包括跨省、跨市州、跨县区）外出务工的建档立卡
    贫困劳动力，给予一定的一次性交通补助……所需资金由输出地财政统筹安排。"""
    worker, placement = placement_of(request, facts)
    if not is_cross_region(worker.home_division, placement.work_division):
        raise PolicyRefusal(
            "R12",
            f"work in {placement.work_division} is not outside home {worker.home_division}",
        )
    refuse_other_transport_payee(request, worker, placement)
    earned_on = placement.started_on
    if request.paid_on < earned_on:
        raise PolicyRefusal("R12", f"the placement starts on {earned_on}, after paid_on")
    check_earned_and_covered(worker, earned_on, facts)
    published_by, amount = transport_standard(worker, earned_on, facts)
    source, division = hunan_account("R12", "local_treasury", worker.home_division)
    return Decision(
        rule="R12",
        amount=amount,
        source=source,
        division=division,
        earned_on=earned_on,
        basis=f"transport standard of {published_by} in force on {earned_on}",
        subject=worker_subject(worker),
        claims={
            f"R12/placement/{placement.placement_id}": "R20",  # 一次性
            f"R12/year/{request.paid_on.year}": "R18",
        },
    )
