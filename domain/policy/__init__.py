"""The policy of POLICY.md as pure functions: given the recorded facts and a payment
request, the amount, the paying account and the rule — or a refusal naming the rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from domain import divisions
from domain.errors import InvalidInput, PolicyRefusal
from domain.policy.awards import loan_interest_subsidy, model_unit_award, pilot_award
from domain.policy.common import PROVINCE, SUBSIDY_RULES, Decision, Facts, PaymentRequest
from domain.policy.employer import post_subsidy, social_insurance_subsidy
from domain.policy.placement import introduction_subsidy, transport_subsidy
from domain.policy.training import course_subsidy, living_allowance

SUBSIDIES: dict[str, Callable[[PaymentRequest, Facts], Decision]] = {
    "R7": introduction_subsidy,
    "R8": course_subsidy,
    "R9": course_subsidy,
    "R10": living_allowance,
    "R12": transport_subsidy,
    "R13": post_subsidy,
    "R14": social_insurance_subsidy,
    "R15": pilot_award,
    "R16": model_unit_award,
    "R17": loan_interest_subsidy,
}

# Which fact each rule is paid for (CONTRACT "Which fact a rule needs").
NEEDS: dict[str, str] = {
    "R7": "placement_id",
    "R12": "placement_id",
    "R13": "placement_id",
    "R14": "placement_id",
    "R8": "enrollment_id",
    "R9": "enrollment_id",
    "R10": "enrollment_id",
    "R17": "worker_id",
}


def check_request(request: PaymentRequest) -> None:
    """The fact a rule is paid for is named (CONTRACT "Which fact a rule needs")."""
    needed = NEEDS.get(request.rule)
    if needed is not None and getattr(request, needed) is None:
        what = needed.removesuffix("_id")
        raise InvalidInput(needed, f"{request.rule} is paid for a {what}: give its {needed}")


# Whose division pays each rule, read off the facts alone (POLICY "paid from").
PAID_BY = {
    "R7": "home", "R12": "home", "R17": "home",
    "R8": "training", "R9": "training", "R10": "training",
    "R13": "employer", "R14": "employer",
    "R15": "province", "R16": "province",
}  # fmt: skip


def paying_division(request: PaymentRequest, facts: Facts) -> str | None:
    """The division whose account would pay `request`, before anything is decided — so
    that a caller outside that division's scope is refused before the policy is read,
    and learns nothing of what it would have decided (CONTRACT: 403 before any policy
    refusal). None when the facts it needs are not recorded (decide() says which)."""
    paid_by = PAID_BY.get(request.rule)
    worker = facts.worker
    if paid_by == "province":
        return PROVINCE
    if paid_by == "employer":
        found = facts.employer.division if facts.employer is not None else None
    elif worker is None:
        found = None
    elif paid_by == "training":
        enrollment = worker.enrollments.get(request.enrollment_id or "")
        found = enrollment.division if enrollment is not None else None
    else:
        found = worker.home_division
    # The account of a retired county code is its successor's (common.hunan_account).
    return None if found is None else divisions.canonical_place(found)


def decide(request: PaymentRequest, facts: Facts) -> Decision:
    """The amount, account and rule for `request`, or a refusal naming its rule."""
    try:
        subsidy = SUBSIDIES[request.rule]
    except KeyError:
        raise InvalidInput(
            "rule", f"{request.rule!r} is not a subsidy rule (R7–R10, R12–R17)"
        ) from None
    decision = subsidy(request, facts)
    if request.amount is not None and request.rule != "R17" and request.amount != decision.amount:
        raise PolicyRefusal(
            request.rule,
            f"the policy decides {decision.amount} for this payment, not {request.amount}",
        )
    # The paying rule is the request's own unless R11 moved it to another fund.
    return decision if decision.funding_rule else replace(decision, funding_rule=decision.rule)


__all__ = [
    "NEEDS",
    "SUBSIDIES",
    "SUBSIDY_RULES",
    "Decision",
    "Facts",
    "PaymentRequest",
    "check_request",
    "decide",
    "paying_division",
]
