"""Subsidies earned by training: R8 pre-employment course, R9 skill upgrade, R10 living
allowance, and R11's switch to the unemployment insurance fund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.errors import PolicyRefusal
from domain.policy.common import (
    Decision,
    Facts,
    PaymentRequest,
    cents,
    check_earned_and_covered,
    check_window,
    county_account,
    ineligibility,
    refuse_other_payee,
    worker_subject,
)
from domain.worker import Enrollment, Worker

PRE_EMPLOYMENT_UPLIFT = Decimal("1.7")  # 在同类职业培训补贴标准基础上上浮70%
UPGRADE_SHARE = Decimal("0.5")  # 按就业前技能培训补贴标准的50%
LIVING_ALLOWANCE_PER_DAY = Decimal("20.00")  # 按实际到课时间每人每天给予20元


def enrollment_of(request: PaymentRequest, facts: Facts) -> tuple[Worker, Enrollment]:
    worker = facts.the_worker()
    return worker, worker.enrollment(request.enrollment_id or "")


def training_account(rule: str, worker: Worker, enrollment: Enrollment) -> tuple[str, str, str]:
    """R11: 正在领取失业保险金的失业人员进行再就业培训的补贴资金，在失业保险基金中列支 —
    read on the course's first attended day; otherwise 从当地就业补助资金中列支."""
    first_day = enrollment.days[0] if enrollment.days else enrollment.started_on
    # The training's county pays (当地), whichever fund: POLICY "Paying county".
    if worker.draws_benefits_on(first_day):
        source, division = county_account(rule, "unemployment_insurance_fund", enrollment.division)
        return source, division, "R11"
    source, division = county_account(rule, "employment_fund", enrollment.division)
    return source, division, rule


def course_subsidy(request: PaymentRequest, facts: Facts) -> Decision:
    """R8 就业技能培训补贴 (standard × 1.7) and R9 岗位技能提升培训补贴 (50% of the
    pre-employment standard), 二(二)3, paid once per completed course."""
    rule = request.rule
    kind = "pre_employment" if rule == "R8" else "upgrade"
    worker, enrollment = enrollment_of(request, facts)
    if enrollment.kind != kind:
        raise PolicyRefusal(
            rule, f"{rule} pays {kind} courses; {enrollment.enrollment_id} is {enrollment.kind}"
        )
    refuse_other_payee(
        rule,
        request.payee_id,
        (worker.worker_id, enrollment.institution_id),
        "the worker or the institution",
    )
    earned_on = enrollment.completed_on
    if earned_on is None or earned_on > request.paid_on:
        raise PolicyRefusal(
            rule, f"course {enrollment.enrollment_id} is not completed by {request.paid_on}"
        )
    check_earned_and_covered(worker, earned_on, facts)
    published_by, standard = standard_in_force(rule, enrollment, earned_on, facts)
    factor = PRE_EMPLOYMENT_UPLIFT if rule == "R8" else UPGRADE_SHARE
    source, division, funding_rule = training_account(rule, worker, enrollment)
    return Decision(
        rule=rule,
        amount=cents(standard * factor),
        source=source,
        division=division,
        earned_on=earned_on,
        basis=f"{published_by} standard {standard} for {enrollment.category} × {factor}",
        subject=worker_subject(worker),
        claims={f"{rule}/enrollment/{enrollment.enrollment_id}": "R20"},
        funding_rule=funding_rule,
    )


def standard_in_force(
    rule: str, enrollment: Enrollment, earned_on: date, facts: Facts
) -> tuple[str, Decimal]:
    """同类职业培训补贴标准 of the course's category in force on the completion date, and
    who published it (county, else prefecture, else province); none is a refusal."""
    found = (
        facts.reference.training_standard(enrollment.division, enrollment.category, earned_on)
        if facts.reference
        else None
    )
    if found is None:
        raise PolicyRefusal(
            rule,
            f"no training standard for {enrollment.category} in {enrollment.division} on {earned_on}",
        )
    return found


def living_allowance(request: PaymentRequest, facts: Facts) -> Decision:
    """R10 生活费补贴: 参加就业前技能培训的，培训期间按实际到课时间每人每天给予20元 — every
    attended day of the enrollment not paid before (R19: once per worker per day)."""
    worker, enrollment = enrollment_of(request, facts)
    if enrollment.kind != "pre_employment":
        raise PolicyRefusal("R10", "the living allowance is for pre-employment courses only")
    refuse_other_payee("R10", request.payee_id, (worker.worker_id,), "the worker")
    attended = [day for day in enrollment.days if day <= request.paid_on]
    if not attended:
        raise PolicyRefusal(
            "R10", f"no attended day of {enrollment.enrollment_id} by {request.paid_on}"
        )
    unpaid = [day for day in attended if f"R10/day/{day}" not in facts.claimed]
    if not unpaid:
        raise PolicyRefusal("R19", "every attended day was already paid")
    payable = payable_days(worker, unpaid, facts)
    source, division, funding_rule = training_account("R10", worker, enrollment)
    return Decision(
        rule="R10",
        amount=LIVING_ALLOWANCE_PER_DAY * len(payable),
        source=source,
        division=division,
        earned_on=payable[-1],
        basis=f"20 per attended day × {len(payable)} days",
        subject=worker_subject(worker),
        claims={f"R10/day/{day}": "R19" for day in payable},
        funding_rule=funding_rule,
        covers=tuple(day.isoformat() for day in payable),
    )


def payable_days(worker: Worker, unpaid: list[date], facts: Facts) -> list[date]:
    """The unpaid days inside the window (R2) on which R1 covers the worker; days outside
    are left out of the claim, which is refused only when none is left."""
    payable = []
    why_not = ("R2", "no unpaid day lies inside the policy's window")
    for day in unpaid:
        try:
            check_window(day)
        except PolicyRefusal:
            continue
        reason = ineligibility(worker, day, facts.reference)
        if reason is not None:
            why_not = ("R1", reason)
            continue
        payable.append(day)
    if not payable:
        raise PolicyRefusal(*why_not)
    return payable
