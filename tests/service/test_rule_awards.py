"""Awards and loan interest: R15 training pilot award, R16 model unit award, R17 guarantee
loan interest subsidy."""

from __future__ import annotations

import pytest

from domain.errors import PolicyRefusal
from domain.values import money_str
from service.ledger import Ledger
from tests import builders as b

PROVINCE = "430000"
XIANGXI = "433100"  # 湘西州
JISHOU = "433101"  # 吉首市
GUANGZHOU = "440100"


def provincial_fund(ledger: Ledger, amount: str = "5000000.00") -> None:
    b.appropriate(ledger, amount, "employment_fund", PROVINCE)
    b.appropriate(ledger, amount, "employment_fund", XIANGXI)
    b.appropriate(ledger, amount, "employment_fund", JISHOU)


# --- R15: 1,000,000 to a prefecture or county, from the provincial employment fund -------


@pytest.mark.parametrize("division", [XIANGXI, JISHOU], ids=["prefecture", "county"])
def test_R15_pays_1000000_from_the_provincial_employment_fund_to_a_hunan_government(
    ledger: Ledger, division: str
) -> None:
    provincial_fund(ledger)
    government = b.organisation(ledger, "government", division=division)
    paid = b.pay(ledger, "R15", government, "2018-06-01")
    assert money_str(paid.amount) == "1000000.00"
    assert {"source": paid.source, "division": paid.division} == {
        "source": "employment_fund",
        "division": PROVINCE,
    }
    assert b.balance(ledger, "employment_fund", PROVINCE) == "4000000.00"
    assert b.balance(ledger, "employment_fund", division) == "5000000.00"


@pytest.mark.parametrize(
    ("kind", "division"),
    [("enterprise", XIANGXI), ("government", GUANGZHOU), ("government", PROVINCE)],
    ids=["not-a-government", "outside-hunan", "the-province-itself"],
)
def test_R15_refuses_a_payee_other_than_a_hunan_prefecture_or_county_government(
    ledger: Ledger, kind: str, division: str
) -> None:
    provincial_fund(ledger)
    payee = b.organisation(ledger, kind, division=division)
    with b.refused("R15", ledger):
        b.pay(ledger, "R15", payee, "2018-06-01")


def test_R15_refuses_an_amount_other_than_the_policy_and_accepts_the_policy_amount(
    ledger: Ledger,
) -> None:
    provincial_fund(ledger)
    government = b.organisation(ledger, "government", division=XIANGXI)
    with b.refused("R15", ledger):
        b.pay(ledger, "R15", government, "2018-06-01", amount="500000.00")
    paid = b.pay(ledger, "R15", government, "2018-06-01", amount="1000000.00")
    assert money_str(paid.amount) == "1000000.00"


@pytest.mark.both_stores
def test_R15_pays_once_per_division_per_year_R18(ledger: Ledger) -> None:
    provincial_fund(ledger)
    bureau = b.organisation(ledger, "government", division=XIANGXI)
    another_bureau = b.organisation(ledger, "government", division=XIANGXI)
    b.pay(ledger, "R15", bureau, "2018-06-01")
    with b.refused("R18", ledger):
        b.pay(ledger, "R15", another_bureau, "2018-12-31")
    b.pay(ledger, "R15", another_bureau, "2019-01-01")
    b.pay(ledger, "R15", b.organisation(ledger, "government", division=JISHOU), "2018-06-01")
    assert b.balance(ledger, "employment_fund", PROVINCE) == "2000000.00"


def test_R15_is_not_paid_outside_the_window_R2(ledger: Ledger) -> None:
    provincial_fund(ledger)
    government = b.organisation(ledger, "government", division=XIANGXI)
    with b.refused("R2", ledger):
        b.pay(ledger, "R15", government, "2021-01-01")


# --- R16: 100,000 to a designated employment base, once per base per year ----------------


def base(ledger: Ledger, designated_on: str = "2018-03-01") -> str:
    org = b.organisation(ledger, "enterprise", division=JISHOU)
    b.post(ledger, "BaseDesignated", by="admin", org_id=org, designated_on=designated_on)
    return org


def test_R16_pays_100000_from_the_provincial_employment_fund_to_a_designated_base(
    ledger: Ledger,
) -> None:
    provincial_fund(ledger)
    paid = b.pay(ledger, "R16", base(ledger), "2018-03-01")
    assert money_str(paid.amount) == "100000.00"
    assert {"source": paid.source, "division": paid.division} == {
        "source": "employment_fund",
        "division": PROVINCE,
    }
    assert b.balance(ledger, "employment_fund", PROVINCE) == "4900000.00"
    assert b.balance(ledger, "employment_fund", JISHOU) == "5000000.00"


def test_R16_refuses_an_organisation_not_designated_a_base_by_paid_on(ledger: Ledger) -> None:
    provincial_fund(ledger)
    designated = base(ledger, designated_on="2018-03-01")
    never = b.organisation(ledger, "enterprise", division=JISHOU)
    with b.refused("R16", ledger):
        b.pay(ledger, "R16", designated, "2018-02-28")
    with b.refused("R16", ledger):
        b.pay(ledger, "R16", never, "2018-06-01")


def test_R16_refuses_an_amount_other_than_the_policy(ledger: Ledger) -> None:
    provincial_fund(ledger)
    designated = base(ledger)
    with b.refused("R16", ledger):
        b.pay(ledger, "R16", designated, "2018-06-01", amount="1000000.00")


@pytest.mark.both_stores
def test_R16_pays_once_per_base_per_year_R18(ledger: Ledger) -> None:
    provincial_fund(ledger)
    designated, other = base(ledger), base(ledger)
    b.pay(ledger, "R16", designated, "2018-03-01")
    with b.refused("R18", ledger):
        b.pay(ledger, "R16", designated, "2018-12-31")
    b.pay(ledger, "R16", other, "2018-12-31")  # another base, the same year
    b.pay(ledger, "R16", designated, "2019-01-02")  # the next year
    assert b.balance(ledger, "employment_fund", PROVINCE) == "4700000.00"


# --- R17: the lender's interest, from the worker's home local treasury -------------------


def loan(ledger: Ledger, granted_on: str = "2018-03-01") -> tuple[str, str]:
    """A worker of 吉首市 with a guarantee loan from a bank of 芙蓉区."""
    worker = b.worker(ledger, home=JISHOU)
    lender = b.organisation(ledger, "enterprise", division=b.HOME)
    b.post(
        ledger,
        "GuaranteeLoanGranted",
        loan_id=b.next_id("loan"),
        worker_id=worker,
        lender_id=lender,
        amount="100000.00",
        granted_on=granted_on,
    )
    for division in (JISHOU, b.HOME):
        b.appropriate(ledger, "10000.00", "local_treasury", division)
    return worker, lender


def test_R17_pays_the_given_interest_from_the_worker_home_local_treasury(ledger: Ledger) -> None:
    worker, lender = loan(ledger)
    paid = b.pay(ledger, "R17", lender, "2018-12-20", worker_id=worker, amount="356.40")
    assert money_str(paid.amount) == "356.40"
    assert {"source": paid.source, "division": paid.division} == {
        "source": "local_treasury",
        "division": JISHOU,
    }
    assert paid.worker_id == worker
    assert b.balance(ledger, "local_treasury", JISHOU) == "9643.60"
    assert b.balance(ledger, "local_treasury", b.HOME) == "10000.00"  # not the lender's county


def test_R17_refuses_a_lender_that_granted_the_worker_no_loan(ledger: Ledger) -> None:
    worker, _ = loan(ledger)
    other_bank = b.organisation(ledger, "enterprise", division=JISHOU)
    with b.refused("R17", ledger):
        b.pay(ledger, "R17", other_bank, "2018-12-20", worker_id=worker, amount="356.40")


def test_R17_refuses_interest_paid_before_the_loan_was_granted(ledger: Ledger) -> None:
    worker, lender = loan(ledger, granted_on="2018-03-01")
    with b.refused("R17", ledger):
        b.pay(ledger, "R17", lender, "2018-02-28", worker_id=worker, amount="356.40")


def test_an_amount_sent_with_a_decided_rule_must_equal_the_decision(ledger: Ledger) -> None:
    """R7: the ledger decides 200; a request naming another sum is refused, the same sum paid."""
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger, division=b.ELSEWHERE)
    worker = b.worker(ledger)
    placement = b.placement(ledger, worker, employer, agency_id=agency)
    b.appropriate(ledger)
    with pytest.raises(PolicyRefusal) as refusal:
        b.pay(ledger, "R7", agency, "2018-08-01", placement_id=placement, amount="250.00")
    assert refusal.value.rule == "R7"
    paid = b.pay(ledger, "R7", agency, "2018-08-01", placement_id=placement, amount="200.00")
    assert money_str(paid.amount) == "200.00"
