"""Subsidies paid to the employer for a worker kept on post, from the employer's county:
R13 post subsidy (its n-th year and that year's contributions) and R14 social insurance
subsidy (the employer's share, at most 36 distinct calendar months per worker)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.claims import Claims
from domain.organisation import Organisation
from domain.policy import Decision, decide
from domain.reference import ReferenceData
from domain.values import months_between
from domain.worker import Worker
from tests.unit import facts as f

FIRST_YEAR = months_between("2018-01", "2018-12")


def on_post(
    home: str = f.HOME,
    employer_division: str = f.TIANXIN,
    started_on: str = "2018-01-15",
    contract_months: int = 24,
    months: list[str] | None = None,
    registered_on: str = "2017-01-01",
) -> tuple[Worker, Organisation, str]:
    """A worker of `home` on post from `started_on` with an employer that contributed for
    `months` (by default the first year on post from 2018-01-15: 2018-01 … 2018-12)."""
    someone = f.worker(home=home, registered_on=registered_on)
    employer = f.organisation("enterprise", employer_division)
    placed = f.placement(someone, employer, started_on, employer_division, None, contract_months)
    f.contributions(someone, employer, FIRST_YEAR if months is None else months)
    return someone, employer, placed


def subsidy(
    rule: str,
    someone: Worker,
    employer: Organisation,
    placed: str,
    paid_on: str,
    data: ReferenceData | None = None,
    claims: Claims | None = None,
    **sent: str,
) -> Decision:
    asked = f.request(rule, employer, paid_on, placement_id=placed, **sent)
    known = f.facts(someone, reference=data, employer=employer, claims=claims)
    return f.pay(asked, known, claims) if claims is not None else decide(asked, known)


# --- R13: 1,000 a year on post (1,500 local to a designated poor area) --------------------


def test_R13_pays_1000_from_the_employer_county_after_a_year_on_post_with_contributions() -> None:
    """二(三)1: 实际在岗12个月以上……按每人每年1000元……从用人单位所在地就业补助资金中列支."""
    someone, employer, placed = on_post(home=f.HOME, employer_division=f.TIANXIN)
    decision = subsidy("R13", someone, employer, placed, "2019-01-15")
    assert decision.amount == 1000
    assert (decision.source, decision.division) == ("employment_fund", f.TIANXIN)
    assert decision.earned_on == f.day("2019-01-15")
    assert list(decision.covers) == FIRST_YEAR
    assert decision.claims == {f"R13/placement/{placed}/year/1": "R20", "R13/year/2019": "R18"}


def test_R13_refuses_the_day_before_twelve_months_on_post_are_complete() -> None:
    someone, employer, placed = on_post()
    with f.refused("R13"):
        subsidy("R13", someone, employer, placed, "2019-01-14")


def test_R13_refuses_a_placement_ended_before_its_year_on_post_was_complete() -> None:
    someone, employer, placed = on_post()
    f.end_placement(someone, placed, "2019-01-13")  # on post through 2019-01-14
    with f.refused("R13"):
        subsidy("R13", someone, employer, placed, "2019-03-01")


def test_R13_refuses_a_year_missing_one_month_of_the_employer_contributions() -> None:
    someone, employer, placed = on_post(months=[m for m in FIRST_YEAR if m != "2018-07"])
    with f.refused("R13") as refusal:
        subsidy("R13", someone, employer, placed, "2019-03-01")
    assert "2018-07" in refusal.value.reason


def test_R13_refuses_a_placement_without_a_labour_contract() -> None:
    someone, employer, placed = on_post(contract_months=0)
    with f.refused("R13"):
        subsidy("R13", someone, employer, placed, "2019-01-15")


def test_R13_is_paid_to_the_employer_only() -> None:
    someone, employer, placed = on_post()
    asked = f.request("R13", f.organisation(division=f.TIANXIN), "2019-01-15", placement_id=placed)
    with f.refused("R13"):
        decide(asked, f.facts(someone, employer=employer))


@pytest.mark.parametrize(
    ("home", "designated_from", "amount"),
    [
        (f.FENGHUANG, "2017-07-01", 1500),  # worker and employer both in 湘西州
        (f.HOME, "2017-07-01", 1000),  # the worker is not from the area (当地)
        (f.FENGHUANG, "2019-01-16", 1000),  # designated after the year was earned
    ],
    ids=["local-worker", "worker-from-elsewhere", "designated-later"],
)
def test_R13_pays_1500_when_the_employer_and_the_worker_are_in_a_designated_poor_area(
    home: str, designated_from: str, amount: int
) -> None:
    """二(三)1: 贫困地区对企业吸纳当地建档立卡贫困劳动力补贴标准提高至每人每年1500元."""
    data = f.reference()
    f.poor_area(data, f.XIANGXI, designated_from)
    someone, employer, placed = on_post(home=home, employer_division=f.JISHOU)
    decision = subsidy("R13", someone, employer, placed, "2019-01-15", data)
    assert decision.amount == amount
    assert (decision.source, decision.division) == ("employment_fund", f.JISHOU)


@pytest.mark.parametrize(
    ("designated", "employer_division"),
    [
        (f.NINGXIANG_CITY, f.NINGXIANG_COUNTY),
        (f.NINGXIANG_COUNTY, f.NINGXIANG_CITY),
    ],
    ids=["designated-successor-employer-retired", "designated-retired-employer-successor"],
)
def test_R13_reads_a_retired_county_code_and_its_successor_as_one_designated_poor_area(
    designated: str, employer_division: str
) -> None:
    data = f.reference()
    f.poor_area(data, designated)
    someone, employer, placed = on_post(home=f.NINGXIANG_CITY, employer_division=employer_division)
    assert subsidy("R13", someone, employer, placed, "2019-01-15", data).amount == 1500


def test_R13_second_year_needs_24_months_on_post_and_that_year_contributions() -> None:
    """POLICY: R13's n-th year needs the employer's contributions for each of that year's
    12 calendar months, counted from the month of `started_on`."""
    someone, employer, placed = on_post(months=months_between("2018-01", "2019-11"))
    claims = f.claims_of(someone)
    subsidy("R13", someone, employer, placed, "2019-01-15", claims=claims)
    with f.refused("R13"):  # 23 months on post
        subsidy("R13", someone, employer, placed, "2020-01-14", claims=claims)
    with f.refused("R13") as refusal:  # 24 months, but 2019-12 not contributed
        subsidy("R13", someone, employer, placed, "2020-01-15", claims=claims)
    assert "2019-12" in refusal.value.reason
    f.contributions(someone, employer, ["2019-12"])
    second = subsidy("R13", someone, employer, placed, "2020-01-15", claims=claims)
    assert list(second.covers) == months_between("2019-01", "2019-12")
    assert f"R13/placement/{placed}/year/2" in second.claims


def test_R13_pays_year_two_when_year_one_was_earned_before_the_window_and_then_names_R2() -> None:
    someone, employer, placed = on_post(
        started_on="2016-01-01", contract_months=36, months=months_between("2016-01", "2018-12")
    )
    claims = f.claims_of(someone)
    second = subsidy("R13", someone, employer, placed, "2018-01-05", claims=claims)
    assert (second.earned_on, list(second.covers)) == (
        f.day("2018-01-01"),
        months_between("2017-01", "2017-12"),
    )
    third = subsidy("R13", someone, employer, placed, "2019-01-05", claims=claims)
    assert f"R13/placement/{placed}/year/3" in third.claims
    # Year 1 can never be paid and year 4 lacks 2019's months: the earliest reason is R2.
    with f.refused("R2"):
        subsidy("R13", someone, employer, placed, "2020-01-05", claims=claims)


def test_R13_pays_year_two_when_year_one_precedes_the_registration_R1() -> None:
    someone, employer, placed = on_post(
        started_on="2017-01-01",
        registered_on="2018-03-01",
        months=months_between("2017-01", "2018-12"),
    )
    with f.refused("R1"):  # year 1 earned on 2018-01-01, before registration
        subsidy("R13", someone, employer, placed, "2018-12-31")
    assert (
        f"R13/placement/{placed}/year/2"
        in subsidy("R13", someone, employer, placed, "2019-01-05").claims
    )


def test_R13_pays_a_later_year_past_one_missing_a_month_and_that_year_once_recorded() -> None:
    """POLICY "R13's years": a year that cannot be paid does not hold back the years after
    it, and stays claimable if it later qualifies."""
    months = [m for m in months_between("2017-07", "2019-06") if m != "2017-09"]
    someone, employer, placed = on_post(started_on="2017-07-01", contract_months=36, months=months)
    claims = f.claims_of(someone)
    second = subsidy("R13", someone, employer, placed, "2019-07-05", claims=claims)
    assert list(second.covers) == months_between("2018-07", "2019-06")
    with f.refused("R13") as refusal:
        subsidy("R13", someone, employer, placed, "2020-01-05", claims=claims)
    assert "2017-09" in refusal.value.reason
    f.contributions(someone, employer, ["2017-09"])  # recorded late
    first = subsidy("R13", someone, employer, placed, "2020-01-05", claims=claims)
    assert list(first.covers) == months_between("2017-07", "2018-06")


@pytest.mark.parametrize("division", [f.CHANGSHA, f.PROVINCE], ids=["prefecture", "province"])
@pytest.mark.parametrize("rule", ["R13", "R14"])
def test_R13_and_R14_are_refused_naming_the_rule_when_the_employer_is_not_in_a_county(
    rule: str, division: str
) -> None:
    """二(三)1/2: 所需资金从用人单位所在地就业补助资金中列支 — a county's fund (县市区)."""
    someone, employer, placed = on_post(employer_division=division)
    with f.refused(rule) as refusal:
        subsidy(rule, someone, employer, placed, "2019-01-15")
    assert "county" in refusal.value.reason


@pytest.mark.parametrize("rule", ["R13", "R14"])
def test_R13_and_R14_refuse_an_employer_account_outside_hunan(rule: str) -> None:
    someone, employer, placed = on_post(employer_division=f.ELSEWHERE)
    with f.refused(rule) as refusal:
        subsidy(rule, someone, employer, placed, "2019-01-15")
    assert "outside Hunan" in refusal.value.reason


def test_R13_refuses_an_amount_other_than_the_decided_one_naming_R13() -> None:
    someone, employer, placed = on_post()
    with f.refused("R13"):
        subsidy("R13", someone, employer, placed, "2019-01-15", amount="1500.00")
    assert subsidy("R13", someone, employer, placed, "2019-01-15", amount="1000.00").amount == 1000


# --- R14: the employer's share actually paid, at most 36 calendar months ------------------


def test_R14_pays_the_employer_share_of_pension_medical_and_unemployment_insurance() -> None:
    """二(三)2: 按其为贫困劳动力实际缴纳的基本养老保险费、基本医疗保险费和失业保险费给予补贴
    （不包括个人应缴纳部分）."""
    someone, employer, placed = on_post(months=[])
    f.contributions(someone, employer, FIRST_YEAR, "100.00", "50.00", "10.50")
    decision = subsidy("R14", someone, employer, placed, "2019-01-15")
    assert decision.amount == Decimal("1926.00")  # 12 × (100.00 + 50.00 + 10.50)
    assert (decision.source, decision.division) == ("employment_fund", f.TIANXIN)
    assert list(decision.covers) == FIRST_YEAR
    assert decision.claims["R14/year/2019"] == "R18"
    assert decision.claims[f"R14/month/{employer.org_id}/2018-07"] == "R20"


@pytest.mark.parametrize(("contract_months", "paid"), [(11, False), (12, True)])
def test_R14_needs_a_labour_contract_of_one_year_or_more(contract_months: int, paid: bool) -> None:
    someone, employer, placed = on_post(contract_months=contract_months)
    if paid:
        assert subsidy("R14", someone, employer, placed, "2019-01-15").amount == 1920
    else:
        with f.refused("R14"):
            subsidy("R14", someone, employer, placed, "2019-01-15")


def test_R14_refuses_the_day_before_twelve_months_on_post_are_complete() -> None:
    someone, employer, placed = on_post()
    with f.refused("R14"):
        subsidy("R14", someone, employer, placed, "2019-01-14")


def test_R14_refuses_a_placement_without_contributions_by_its_employer() -> None:
    someone, employer, placed = on_post(months=[])
    f.contributions(someone, f.organisation(division=f.TIANXIN), FIRST_YEAR)  # another employer's
    with f.refused("R14"):
        subsidy("R14", someone, employer, placed, "2019-01-15")


def test_R14_pays_only_the_months_inside_the_window_R2() -> None:
    """Each month is earned in that month; R2 applies month by month."""
    someone, employer, placed = on_post(
        started_on="2017-05-02", months=months_between("2017-05", "2018-04")
    )
    decision = subsidy("R14", someone, employer, placed, "2018-05-02")
    assert list(decision.covers) == months_between("2017-07", "2018-04")
    assert decision.amount == 10 * 160


def test_R14_refuses_naming_R2_when_no_month_lies_inside_the_window() -> None:
    someone, employer, placed = on_post(
        started_on="2016-01-04", months=months_between("2016-01", "2017-06")
    )
    with f.refused("R2"):
        subsidy("R14", someone, employer, placed, "2018-01-05")


def test_R14_reads_R1_on_each_month_first_day_on_post() -> None:
    """On post from 2018-01-15, registered 2018-03-01: January (read on 01-15) and February
    (02-01) were earned before registration; March (03-01) onwards are paid."""
    someone, employer, placed = on_post(registered_on="2018-03-01")
    decision = subsidy("R14", someone, employer, placed, "2019-01-15")
    assert list(decision.covers) == months_between("2018-03", "2018-12")


def test_R14_pays_a_month_of_contributions_once_R20_and_new_months_later() -> None:
    someone, employer, placed = on_post(contract_months=36)
    claims = f.claims_of(someone)
    assert subsidy("R14", someone, employer, placed, "2019-01-15", claims=claims).amount == 1920
    with f.refused("R20"):
        subsidy("R14", someone, employer, placed, "2020-01-15", claims=claims)
    f.contributions(someone, employer, ["2019-01", "2019-02"])
    later = subsidy("R14", someone, employer, placed, "2020-01-15", claims=claims)
    assert (later.amount, list(later.covers)) == (320, ["2019-01", "2019-02"])


def test_R14_covers_at_most_36_months_paying_the_earliest_months_of_a_cut_claim() -> None:
    """二(三)2: 补贴期限不超过三年; POLICY: a claim cut by the 36-month cap pays its
    earliest months."""
    someone, employer, placed = on_post(
        started_on="2017-07-01", contract_months=48, months=months_between("2017-07", "2019-12")
    )
    claims = f.claims_of(someone)
    assert subsidy("R14", someone, employer, placed, "2020-01-06", claims=claims).amount == 4800
    later = months_between("2020-01", "2020-10")
    for extra, month in enumerate(later):  # each month's share differs, so the sum shows which
        f.contributions(someone, employer, [month], pension=f"{100 + extra}.00")
    cut = subsidy("R14", someone, employer, placed, "2021-01-06", claims=claims)
    assert list(cut.covers) == later[:6]
    assert cut.amount == 160 + 161 + 162 + 163 + 164 + 165
    with f.refused("R18"):  # 36 distinct months subsidised
        subsidy("R14", someone, employer, placed, "2022-01-06", claims=claims)


def two_employers(started_on: str) -> tuple[Worker, list[tuple[Organisation, str]]]:
    """A worker of 芙蓉区 on post with two employers of 天心区 at once."""
    someone = f.worker()
    jobs = []
    for _ in range(2):
        employer = f.organisation("enterprise", f.TIANXIN)
        jobs.append((employer, f.placement(someone, employer, started_on, f.TIANXIN, None, 48)))
    return someone, jobs


def test_R14_cap_counts_a_calendar_month_paid_to_two_employers_once() -> None:
    """POLICY "R14's three years": distinct calendar months, whichever employers were paid."""
    someone, [(first, first_job), (second, second_job)] = two_employers("2018-01-01")
    claims = f.claims_of(someone)
    shared = months_between("2018-01", "2019-06")  # 18 months, both employers
    f.contributions(someone, first, shared)
    f.contributions(someone, second, shared)
    paid = subsidy("R14", someone, first, first_job, "2019-07-01", claims=claims)
    assert list(paid.covers) == shared
    paid = subsidy("R14", someone, second, second_job, "2020-01-02", claims=claims)
    assert list(paid.covers) == shared  # the same months again: no more of the cap
    later = months_between("2019-07", "2020-12")  # 18 distinct months used, 18 remain
    f.contributions(someone, first, later)
    paid = subsidy("R14", someone, first, first_job, "2021-01-04", claims=claims)
    assert list(paid.covers) == later


def test_R14_cut_claim_pays_months_already_subsidised_and_the_earliest_new_months() -> None:
    someone, [(first, first_job), (second, second_job)] = two_employers("2017-07-01")
    claims = f.claims_of(someone)
    f.contributions(someone, first, months_between("2017-07", "2019-12"))  # 30 months
    subsidy("R14", someone, first, first_job, "2020-01-06", claims=claims)
    f.contributions(someone, second, months_between("2019-01", "2020-12"))
    cut = subsidy("R14", someone, second, second_job, "2021-01-05", claims=claims)
    assert list(cut.covers) == months_between("2019-01", "2020-06")  # 12 shared + 6 new
    assert cut.amount == 18 * 160


def test_R14_refuses_an_amount_other_than_the_decided_one_naming_R14() -> None:
    someone, employer, placed = on_post()
    with f.refused("R14"):
        subsidy("R14", someone, employer, placed, "2019-01-15", amount="2000.00")
    assert subsidy("R14", someone, employer, placed, "2019-01-15", amount="1920.00").amount == 1920


def test_R13_pays_a_retired_county_employer_from_its_successor_county_account() -> None:
    """宁乡县 430124 and 宁乡市 430182 are one county: one county's money is one account."""
    data = f.reference()
    someone, employer, placed = on_post(home=f.NINGXIANG_CITY, employer_division=f.NINGXIANG_COUNTY)
    decision = subsidy("R13", someone, employer, placed, "2019-01-15", data)
    assert (decision.source, decision.division) == ("employment_fund", f.NINGXIANG_CITY)
