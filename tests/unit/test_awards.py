"""Awards and loan interest: R15 training pilot award and R16 model unit award (both from
the provincial employment fund), R17 guarantee loan interest (the worker's home treasury)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.claims import Claims
from domain.errors import InvalidInput
from domain.organisation import Organisation
from domain.policy import Decision, decide
from domain.worker import Worker
from tests.unit import facts as f


def award(rule: str, payee: Organisation, paid_on: str = "2018-06-01", **sent: str) -> Decision:
    return decide(f.request(rule, payee, paid_on, **sent), f.facts(payee=payee))


# --- R15: 1,000,000 to a Hunan prefecture or county ---------------------------------------


@pytest.mark.parametrize("division", [f.XIANGXI, f.JISHOU], ids=["prefecture", "county"])
def test_R15_pays_1000000_from_the_provincial_employment_fund_to_a_hunan_government(
    division: str,
) -> None:
    """二(二)4: 对……市州和县市区，从省级就业补助资金中给予每个100万元的专项奖补."""
    decision = award("R15", f.organisation("government", division))
    assert decision.amount == Decimal("1000000.00")
    assert (decision.source, decision.division) == ("employment_fund", f.PROVINCE)
    assert decision.subject == f"division:{division}"
    assert decision.claims == {"R15/year/2018": "R18"}


@pytest.mark.parametrize(
    ("kind", "division"),
    [("enterprise", f.XIANGXI), ("government", f.GUANGZHOU), ("government", f.PROVINCE)],
    ids=["not-a-government", "outside-hunan", "the-province-itself"],
)
def test_R15_refuses_a_payee_other_than_a_hunan_prefecture_or_county_government(
    kind: str, division: str
) -> None:
    with f.refused("R15"):
        award("R15", f.organisation(kind, division))


def test_R15_refuses_an_amount_other_than_the_policy_one_naming_R15() -> None:
    government = f.organisation("government", f.XIANGXI)
    with f.refused("R15"):
        award("R15", government, amount="500000.00")
    assert award("R15", government, amount="1000000.00").amount == 1000000


@pytest.mark.parametrize(("paid_on", "rule"), [("2020-12-31", None), ("2021-01-01", "R2")])
def test_R15_is_earned_on_paid_on_inside_the_window(paid_on: str, rule: str | None) -> None:
    government = f.organisation("government", f.XIANGXI)
    if rule is None:
        assert award("R15", government, paid_on).earned_on == f.day(paid_on)
    else:
        with f.refused(rule):
            award("R15", government, paid_on)


def held_award(held: dict[str, Claims], rule: str, payee: Organisation, paid_on: str) -> Decision:
    """Decide, and claim on the award's subject: a division for R15, the base for R16."""
    subject = f"division:{payee.division}" if rule == "R15" else f"org:{payee.org_id}"
    claims = held.setdefault(subject, f.claims_of(subject))
    return f.pay(f.request(rule, payee, paid_on), f.facts(payee=payee), claims)


def test_R15_pays_once_per_division_per_year_whichever_of_its_governments_asks() -> None:
    """R18: R15 once per division per year (the year of `paid_on`)."""
    held: dict[str, Claims] = {}
    bureau, another_bureau = (f.organisation("government", f.XIANGXI) for _ in range(2))
    held_award(held, "R15", bureau, "2018-06-01")
    with f.refused("R18"):
        held_award(held, "R15", another_bureau, "2018-12-31")
    assert held_award(held, "R15", another_bureau, "2019-01-01").amount == 1000000
    county = f.organisation("government", f.JISHOU)  # another division, the same year
    assert held_award(held, "R15", county, "2018-06-01").amount == 1000000


# --- R16: 100,000 to a designated employment base, once per base per year -----------------


def test_R16_pays_100000_from_the_provincial_employment_fund_to_a_designated_base() -> None:
    """二(三)3: 给予每家10万元的以奖代补资金，所需资金从省级就业补助资金中列支."""
    designated = f.base("2018-03-01")
    decision = award("R16", designated, "2018-03-01")  # designated on paid_on
    assert decision.amount == Decimal("100000.00")
    assert (decision.source, decision.division) == ("employment_fund", f.PROVINCE)
    assert decision.claims == {"R16/year/2018": "R18"}
    assert decision.subject == f"org:{designated.org_id}"


def test_R16_refuses_an_organisation_not_designated_a_base_on_or_before_paid_on() -> None:
    with f.refused("R16"):
        award("R16", f.base("2018-03-01"), "2018-02-28")
    with f.refused("R16"):
        award("R16", f.organisation(division=f.JISHOU), "2018-06-01")


def test_R16_refuses_an_amount_other_than_the_policy_one_naming_R16() -> None:
    designated = f.base()
    with f.refused("R16"):
        award("R16", designated, amount="1000000.00")
    assert award("R16", designated, amount="100000.00").amount == 100000


def test_R16_is_not_paid_outside_the_window_R2() -> None:
    with f.refused("R2"):
        award("R16", f.base(), "2021-01-01")


def test_R16_pays_once_per_base_per_year() -> None:
    """R18: R16 once per base per year (the year of `paid_on`)."""
    held: dict[str, Claims] = {}
    designated, other = f.base(), f.base()
    held_award(held, "R16", designated, "2018-03-01")
    with f.refused("R18"):
        held_award(held, "R16", designated, "2018-12-31")
    assert held_award(held, "R16", other, "2018-12-31").amount == 100000  # another base
    assert held_award(held, "R16", designated, "2019-01-02").amount == 100000  # the next year


# --- R17: the lender's interest, from the worker's home local treasury --------------------


def borrower(
    granted_on: str = "2018-03-01", registered_on: str = "2017-01-01"
) -> tuple[Worker, Organisation, str]:
    """A worker of 吉首市 with a guarantee loan from a bank of 芙蓉区."""
    someone = f.worker(home=f.JISHOU, registered_on=registered_on)
    lender = f.organisation("enterprise", f.HOME)
    return someone, lender, f.loan(someone, lender, granted_on)


def interest(
    someone: Worker, lender: Organisation, paid_on: str = "2018-12-20", **sent: str
) -> Decision:
    sent.setdefault("amount", "356.40")
    asked = f.request("R17", lender, paid_on, worker_id=someone.worker_id, **sent)
    return decide(asked, f.facts(someone, payee=lender))


def test_R17_pays_the_lender_figure_from_the_worker_home_local_treasury() -> None:
    """二(二)5: 提高贷款利率上限产生的贴息资金由当地财政全额承担."""
    someone, lender, granted = borrower()
    decision = interest(someone, lender, amount="356.40")
    assert decision.amount == Decimal("356.40")
    assert (decision.source, decision.division) == ("local_treasury", f.JISHOU)  # not the bank's
    assert decision.earned_on == f.day("2018-03-01")
    assert granted in decision.basis


def test_R17_refuses_a_payee_that_granted_the_worker_no_loan() -> None:
    someone, _, _ = borrower()
    with f.refused("R17"):
        interest(someone, f.organisation("enterprise", f.JISHOU))


def test_R17_refuses_interest_paid_before_the_loan_was_granted() -> None:
    someone, lender, _ = borrower("2018-03-01")
    with f.refused("R17"):
        interest(someone, lender, "2018-02-28")
    assert interest(someone, lender, "2018-03-01").amount == Decimal("356.40")


def test_R17_refuses_a_loan_id_that_names_another_lender_loan() -> None:
    someone, lender, _ = borrower()
    other_loan = f.loan(someone, f.organisation("enterprise", f.JISHOU))
    with f.refused("R17"):
        interest(someone, lender, loan_id=other_loan)


def test_R17_asks_which_loan_when_the_worker_holds_several_from_the_lender() -> None:
    someone, lender, first = borrower()
    second = f.loan(someone, lender, "2018-06-01")
    with pytest.raises(InvalidInput) as which:
        interest(someone, lender)
    assert which.value.field == "loan_id"
    assert second in interest(someone, lender, loan_id=second).basis
    assert first in interest(someone, lender, loan_id=first).basis


def test_R17_needs_the_interest_amount_from_the_lender() -> None:
    someone, lender, _ = borrower()
    with pytest.raises(InvalidInput) as missing:
        decide(
            f.request("R17", lender, "2018-12-20", worker_id=someone.worker_id),
            f.facts(someone, payee=lender),
        )
    assert missing.value.field == "amount"


@pytest.mark.parametrize(
    ("granted_on", "registered_on", "rule"),
    [("2017-06-30", "2017-01-01", "R2"), ("2018-03-01", "2018-03-02", "R1")],
    ids=["granted-before-the-window", "granted-before-registration"],
)
def test_R17_reads_R1_and_R2_on_the_loan_grant_date(
    granted_on: str, registered_on: str, rule: str
) -> None:
    someone, lender, _ = borrower(granted_on, registered_on)
    with f.refused(rule):
        interest(someone, lender, "2018-12-20")
