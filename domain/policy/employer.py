"""Subsidies paid to the employer for a worker kept on post (二(三) 鼓励用人单位吸纳就业):
R13 post subsidy and R14 social insurance subsidy, both from the employer's county."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from domain import divisions
from domain.errors import PolicyRefusal
from domain.organisation import Organisation
from domain.policy.common import (
    Decision,
    Facts,
    PaymentRequest,
    check_earned_and_covered,
    county_account,
    has_months_on_post,
    ineligibility,
    months_completed_on,
    refuse_other_payee,
    worker_subject,
)
from domain.policy.placement import placement_of
from domain.values import add_months, month_first_day, month_of, months_between
from domain.worker import Placement, Worker

POST_SUBSIDY = Decimal("1000.00")  # 按每人每年1000元标准
POST_SUBSIDY_POOR_AREA = Decimal("1500.00")  # 贫困地区……提高至每人每年1500元
SOCIAL_INSURANCE_MONTHS_CAP = 36  # 二(三)2: 补贴期限不超过三年


def post_year_months(placement: Placement, year_on_post: int) -> list[str]:
    """The 12 calendar months of the n-th year on post, counted from the start month."""
    first = month_of(add_months(placement.started_on.replace(day=1), 12 * (year_on_post - 1)))
    last = month_of(add_months(month_first_day(first), 11))
    return months_between(first, last)


def post_year_key(placement: Placement, year_on_post: int) -> str:
    return f"R13/placement/{placement.placement_id}/year/{year_on_post}"


def post_year_refusal(
    worker: Worker, placement: Placement, year_on_post: int, paid_on: date, facts: Facts
) -> PolicyRefusal | None:
    """Why the n-th year on post cannot be paid on `paid_on` — R13 (not complete, a month
    without the employer's contributions), R2 (window), R1 (coverage) — or None."""
    earned_on = months_completed_on(placement, 12 * year_on_post)
    if not has_months_on_post(placement, 12 * year_on_post, paid_on):
        return PolicyRefusal(
            "R13", f"year {year_on_post} on post completes on {earned_on}, not by {paid_on}"
        )
    months = post_year_months(placement, year_on_post)
    missing = [m for m in months if (placement.employer_id, m) not in worker.contributions]
    if missing:
        return PolicyRefusal(
            "R13",
            f"year {year_on_post}: no social insurance contributions recorded for "
            f"{', '.join(missing)}",
        )
    try:
        check_earned_and_covered(worker, earned_on, facts)
    except PolicyRefusal as refusal:
        return refusal
    return None


def payable_post_year(worker: Worker, placement: Placement, paid_on: date, facts: Facts) -> int:
    """POLICY "R13's years": the earliest full year on post not yet paid whose conditions
    hold on `paid_on`. A year that cannot be paid does not hold back the years after it and
    stays claimable; when none qualifies, the earliest unpaid year's reason is the refusal.
    The search stops at the first year not complete by `paid_on`: it is never paid."""
    earliest: PolicyRefusal | None = None
    year_on_post = 1
    while True:
        if post_year_key(placement, year_on_post) not in facts.claimed:
            refusal = post_year_refusal(worker, placement, year_on_post, paid_on, facts)
            if refusal is None:
                return year_on_post
            earliest = earliest or refusal
        if earliest is not None and not has_months_on_post(placement, 12 * year_on_post, paid_on):
            raise earliest
        year_on_post += 1


def post_subsidy(request: PaymentRequest, facts: Facts) -> Decision:
    """R13 岗位补贴. 二(三)1: 依法签订劳动合同且实际在岗12个月以上，并依法缴纳社会保险费的，
    按每人每年1000元标准给予用人单位岗位补贴，其中贫困地区对企业吸纳当地建档立卡贫困劳动力补贴
    标准提高至每人每年1500元。所需资金从用人单位所在地就业补助资金中列支。"""
    worker, placement = placement_of(request, facts)
    employer = facts.the_employer()
    refuse_other_payee("R13", request.payee_id, (placement.employer_id,), "the employer")
    if placement.contract_months <= 0:
        raise PolicyRefusal("R13", f"placement {placement.placement_id} has no labour contract")
    year = payable_post_year(worker, placement, request.paid_on, facts)
    earned_on = months_completed_on(placement, 12 * year)
    months = post_year_months(placement, year)
    area = local_poor_area(worker, employer, earned_on, facts)
    # 所需资金从用人单位所在地就业补助资金中列支: the employer's county (POLICY "Paying county").
    source, division = county_account("R13", "employment_fund", employer.division)
    return Decision(
        rule="R13",
        amount=POST_SUBSIDY if area is None else POST_SUBSIDY_POOR_AREA,
        source=source,
        division=division,
        earned_on=earned_on,
        basis=f"year {year} on post"
        + ("" if area is None else f"; worker local to designated poor area {area}"),
        subject=worker_subject(worker),
        claims={
            post_year_key(placement, year): "R20",
            f"R13/year/{request.paid_on.year}": "R18",
        },
        covers=tuple(months),
    )


def local_poor_area(
    worker: Worker, employer: Organisation, earned_on: date, facts: Facts
) -> str | None:
    """贫困地区对企业吸纳当地建档立卡贫困劳动力: a designated poor area in force on the
    earning date that holds both the employer and the worker's home — or None."""
    area = (
        facts.reference.poor_area_of(employer.division, earned_on, local_to=worker.home_division)
        if facts.reference
        else None
    )
    return area if area is not None and divisions.contains(area, worker.home_division) else None


def social_insurance_subsidy(request: PaymentRequest, facts: Facts) -> Decision:
    """R14 社会保险补贴. 二(三)2: 签订1年以上劳动合同且实际在岗12个月，按其为贫困劳动力实际
    缴纳的基本养老保险费、基本医疗保险费和失业保险费给予补贴（不包括个人应缴纳部分），补贴期限
    不超过三年。所需资金从用人单位所在地就业补助资金中列支。"""
    worker, placement = placement_of(request, facts)
    employer = facts.the_employer()
    refuse_other_payee("R14", request.payee_id, (placement.employer_id,), "the employer")
    check_year_under_contract(placement, request.paid_on)
    paid_months = payable_contribution_months(worker, placement, request.paid_on, facts)
    amount = sum(
        (worker.contributions[(placement.employer_id, m)].employer_share for m in paid_months),
        Decimal("0.00"),
    )
    # 所需资金从用人单位所在地就业补助资金中列支: the employer's county (POLICY "Paying county").
    source, division = county_account("R14", "employment_fund", employer.division)
    claims = {f"R14/month/{placement.employer_id}/{m}": "R20" for m in paid_months}
    claims[f"R14/year/{request.paid_on.year}"] = "R18"
    return Decision(
        rule="R14",
        amount=amount,
        source=source,
        division=division,
        earned_on=first_day_on_post(placement, paid_months[-1]),
        basis=f"employer's share for {len(paid_months)} months ({paid_months[0]}…{paid_months[-1]})",
        subject=worker_subject(worker),
        claims=claims,
        covers=tuple(paid_months),
    )


def check_year_under_contract(placement: Placement, paid_on: date) -> None:
    """R14: 签订1年以上劳动合同且实际在岗12个月."""
    if placement.contract_months < 12:
        raise PolicyRefusal(
            "R14", f"the labour contract is {placement.contract_months} months, under 1 year"
        )
    if not has_months_on_post(placement, 12, paid_on):
        raise PolicyRefusal(
            "R14",
            f"12 months on post complete on {months_completed_on(placement, 12)}, not by {paid_on}",
        )


def payable_contribution_months(
    worker: Worker, placement: Placement, paid_on: date, facts: Facts
) -> list[str]:
    """The employer's months of contributions this claim pays: recorded by `paid_on`, not yet
    subsidised for this employer (R20), inside the window and covered (R2, R1), and under the
    36-month cap (R18)."""
    months = contribution_months(worker, placement, paid_on)
    if not months:
        raise PolicyRefusal(
            "R14", "no contributions by the employer are recorded for this placement"
        )
    unpaid = [m for m in months if f"R14/month/{placement.employer_id}/{m}" not in facts.claimed]
    if not unpaid:
        raise PolicyRefusal("R20", "every recorded month of contributions was already subsidised")
    eligible, why_not = months_within_policy(worker, placement, unpaid, facts)
    if not eligible:
        raise PolicyRefusal(why_not[0], why_not[1])
    subsidised = subsidised_months(facts.claimed)
    paid_months = months_under_cap(eligible, subsidised)
    if not paid_months:
        raise PolicyRefusal(
            "R18", f"{len(subsidised)} calendar months already subsidised: the cap is 36"
        )
    return paid_months


def subsidised_months(claimed: Mapping[str, str]) -> set[str]:
    """The calendar months already subsidised for the worker, whichever employer was paid
    (claim keys `R14/month/{employer}/{month}`)."""
    return {key.rsplit("/", 1)[1] for key in claimed if key.startswith("R14/month/")}


def months_under_cap(months: list[str], subsidised: set[str]) -> list[str]:
    """POLICY "R14's three years" (二(三)2: 补贴期限不超过三年) is a period of time: the cap
    counts distinct calendar months. A month already subsidised for another employer is paid
    without using more of it; new months use it, earliest first (a cut claim pays its
    earliest months)."""
    room = SOCIAL_INSURANCE_MONTHS_CAP - len(subsidised)
    paid: list[str] = []
    for month in months:
        if month not in subsidised:
            if room <= 0:
                continue
            room -= 1
        paid.append(month)
    return paid


def contribution_months(worker: Worker, placement: Placement, paid_on: date) -> list[str]:
    """Months the employer contributed for this worker while on this placement, earned
    (first day on post in the month) by `paid_on`."""
    first = month_of(placement.started_on)
    last = month_of(placement.ended_on or paid_on)
    return [
        month
        for (employer_id, month) in sorted(worker.contributions, key=lambda k: k[1])
        if employer_id == placement.employer_id
        and first <= month <= last
        and first_day_on_post(placement, month) <= paid_on
    ]


def first_day_on_post(placement: Placement, month: str) -> date:
    return max(month_first_day(month), placement.started_on)


def months_within_policy(
    worker: Worker, placement: Placement, months: list[str], facts: Facts
) -> tuple[list[str], tuple[str, str]]:
    """R1 and R2 month by month (R1 read on the month's first day on post)."""
    eligible: list[str] = []
    why_not = ("R2", "no month lies inside the policy's window 2017-07…2020-12")
    for month in months:
        if not "2017-07" <= month <= "2020-12":
            continue
        reason = ineligibility(worker, first_day_on_post(placement, month), facts.reference)
        if reason is not None:
            why_not = ("R1", reason)
            continue
        eligible.append(month)
    return eligible, why_not
