"""Subsidies not earned by a worker's placement or training: R15 training pilot award,
R16 model unit award, R17 guarantee loan interest."""

from __future__ import annotations

from decimal import Decimal

from domain import divisions
from domain.errors import InvalidInput, PolicyRefusal
from domain.policy.common import (
    PROVINCE,
    Decision,
    Facts,
    PaymentRequest,
    check_earned_and_covered,
    check_window,
    hunan_account,
    worker_subject,
)
from domain.worker import Loan, Worker

PILOT_AWARD = Decimal("1000000.00")
MODEL_UNIT_AWARD = Decimal("100000.00")


def check_fixed_amount(rule: str, request: PaymentRequest, fixed: Decimal) -> None:
    if request.amount is not None and request.amount != fixed:
        raise PolicyRefusal(
            rule, f"{rule}'s amount is fixed by the policy at {fixed}, not {request.amount}"
        )


def pilot_award(request: PaymentRequest, facts: Facts) -> Decision:
    """R15 专项奖补. 二(二)4: 对培训效果好、就业率高、机制健全的市州和县市区，从省级就业补助
    资金中给予每个100万元的专项奖补。"""
    government = facts.the_payee()
    if government.kind != "government" or not divisions.is_hunan(government.division):
        raise PolicyRefusal("R15", f"{government.org_id} is not a Hunan government organisation")
    if divisions.level(government.division) not in ("prefecture", "county"):
        raise PolicyRefusal("R15", "the award goes to a prefecture or a county")
    check_fixed_amount("R15", request, PILOT_AWARD)
    check_window(request.paid_on)
    return Decision(
        rule="R15",
        amount=PILOT_AWARD,
        source="employment_fund",
        division=PROVINCE,
        earned_on=request.paid_on,
        basis=f"pilot award to {government.division}",
        # 宁乡县 and 宁乡市 are one county: one award a year between them (R18).
        subject=f"division:{divisions.canonical_place(government.division)}",
        claims={f"R15/year/{request.paid_on.year}": "R18"},
    )


def model_unit_award(request: PaymentRequest, facts: Facts) -> Decision:
    """R16 以奖代补. 二(三)3: 每年将从中认定60家左右作为“湖南省精准就业扶贫爱心单位”，并给予
    每家10万元的以奖代补资金，所需资金从省级就业补助资金中列支。"""
    base = facts.the_payee()
    if not base.is_base_on(request.paid_on):
        raise PolicyRefusal(
            "R16", f"{base.org_id} is not a designated employment base on {request.paid_on}"
        )
    check_fixed_amount("R16", request, MODEL_UNIT_AWARD)
    check_window(request.paid_on)
    return Decision(
        rule="R16",
        amount=MODEL_UNIT_AWARD,
        source="employment_fund",
        division=PROVINCE,
        earned_on=request.paid_on,
        basis=f"model unit award to base {base.org_id}",
        subject=f"org:{base.org_id}",
        claims={f"R16/year/{request.paid_on.year}": "R18"},
    )


def the_loan(request: PaymentRequest, worker: Worker) -> Loan:
    """The worker's guarantee loan from the payee (the lender) granted by `paid_on`."""
    loans = [
        loan
        for loan in worker.loans.values()
        if loan.lender_id == request.payee_id
        and loan.granted_on <= request.paid_on
        and request.loan_id in (None, loan.loan_id)
    ]
    if not loans:
        raise PolicyRefusal(
            "R17", f"worker holds no guarantee loan from {request.payee_id} by {request.paid_on}"
        )
    if len(loans) > 1:
        raise InvalidInput("loan_id", "the worker holds several loans from this lender: name one")
    return loans[0]


def loan_interest_subsidy(request: PaymentRequest, facts: Facts) -> Decision:
    """R17 创业担保贷款贴息. 二(二)5: 放宽创业担保贷款借款人条件、提高贷款利率上限产生的贴息
    资金由当地财政全额承担。"""
    worker = facts.the_worker()
    if request.amount is None or request.amount <= 0:
        raise InvalidInput("amount", "R17 needs the interest amount, greater than zero")
    loan = the_loan(request, worker)
    check_earned_and_covered(worker, loan.granted_on, facts)
    source, division = hunan_account("R17", "local_treasury", worker.home_division)
    return Decision(
        rule="R17",
        amount=request.amount,
        source=source,
        division=division,
        earned_on=loan.granted_on,
        basis=f"interest on loan {loan.loan_id} granted {loan.granted_on}",
        subject=worker_subject(worker),
    )
