"""Subsidies earned by a placement: R4 (placements, cross-region), R7 introduction, R12
transport, R13 post and R14 social insurance. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import Conflict, InvalidInput
from domain.values import money_str, months_between
from projections import Projections
from service.ledger import Ledger
from tests import builders as b

CHANGSHA = "430100"  # 长沙市, the prefecture holding HOME (芙蓉区)
TIANXIN = "430103"  # 天心区, another county of 长沙市
XIANGXI = "433100"  # 湘西州
JISHOU = "433101"  # 吉首市, 湘西州
FENGHUANG = "433123"  # 凤凰县, 湘西州
NINGXIANG_COUNTY = "430124"  # 宁乡县, retired: now 宁乡市
NINGXIANG_CITY = "430182"  # 宁乡市, its successor (shared/data/successors.csv)


def account_of(paid: Any) -> dict[str, str]:
    return {"source": paid.source, "division": paid.division}


# --- R4: placements and their end -------------------------------------------------------


@pytest.mark.both_stores
def test_R4_a_placement_ends_once_and_not_before_it_started(ledger: Ledger) -> None:
    employer = b.organisation(ledger)
    worker = b.worker(ledger)
    placement = b.placement(ledger, worker, employer, started_on="2018-01-15")
    before = b.store_size(ledger)
    with pytest.raises(InvalidInput) as bad:
        b.end_placement(ledger, placement, "2018-01-14")
    assert bad.value.field == "data.ended_on"
    assert b.store_size(ledger) == before
    b.end_placement(ledger, placement, "2018-06-30")
    ended = b.store_size(ledger)
    with pytest.raises(Conflict):
        b.end_placement(ledger, placement, "2018-07-31")
    assert b.store_size(ledger) == ended
    assert str(ledger.get_worker(worker).placements[placement].ended_on) == "2018-06-30"


# --- R7: 200 to the agency, after 6 months on post, from the sending county -------------


def r7_setup(ledger: Ledger, home: str = JISHOU) -> tuple[str, str]:
    """A worker from `home` placed on 2018-01-15 by an agency of 芙蓉区, working in 广州."""
    agency = b.organisation(ledger, "agency", division=b.HOME)
    employer = b.organisation(ledger, "enterprise", division=b.ELSEWHERE)
    worker = b.worker(ledger, home=home)
    placement = b.placement(ledger, worker, employer, started_on="2018-01-15", agency_id=agency)
    b.appropriate(ledger, "1000.00", "employment_fund", home)
    b.appropriate(ledger, "1000.00", "employment_fund", b.HOME)
    return agency, placement


def test_R7_pays_200_from_sending_county_after_six_months(ledger: Ledger) -> None:
    agency, placement = r7_setup(ledger, home=JISHOU)
    paid = b.pay(ledger, "R7", agency, "2018-07-15", placement_id=placement)
    assert money_str(paid.amount) == "200.00"
    assert account_of(paid) == {"source": "employment_fund", "division": JISHOU}
    assert paid.earned_on.isoformat() == "2018-07-15"
    assert b.balance(ledger, "employment_fund", JISHOU) == "800.00"
    assert b.balance(ledger, "employment_fund", b.HOME) == "1000.00"  # not the agency's county


def test_R7_refuses_before_six_months_on_post(ledger: Ledger) -> None:
    agency, placement = r7_setup(ledger)
    with b.refused("R7", ledger):
        b.pay(ledger, "R7", agency, "2018-07-14", placement_id=placement)


@pytest.mark.parametrize(
    ("ended_on", "paid"),
    [("2018-07-13", False), ("2018-07-14", True)],
    ids=["ended-two-days-short", "last-day-worked-the-day-before"],
)
def test_R7_counts_months_on_post_only_through_the_day_after_the_placement_ended(
    ledger: Ledger, ended_on: str, paid: bool
) -> None:
    agency, placement = r7_setup(ledger)
    b.end_placement(ledger, placement, ended_on)
    if paid:
        assert (
            money_str(b.pay(ledger, "R7", agency, "2018-09-01", placement_id=placement).amount)
            == "200.00"
        )
    else:
        with b.refused("R7", ledger):
            b.pay(ledger, "R7", agency, "2018-09-01", placement_id=placement)


def test_R7_is_paid_only_to_the_agency_that_made_the_placement(ledger: Ledger) -> None:
    agency, placement = r7_setup(ledger, home=b.HOME)
    other_agency = b.organisation(ledger, "agency")
    with b.refused("R7", ledger):
        b.pay(ledger, "R7", other_agency, "2018-07-15", placement_id=placement)
    direct = b.placement(ledger, b.worker(ledger), b.organisation(ledger), started_on="2018-01-15")
    with b.refused("R7", ledger):
        b.pay(ledger, "R7", agency, "2018-07-15", placement_id=direct)


# --- R12: transport, cross-region only, sending county's local treasury -----------------


def r12_setup(
    ledger: Ledger, work_division: str, started_on: str = "2018-01-15"
) -> tuple[str, str]:
    worker = b.worker(ledger, home=b.HOME)
    placement = b.placement(
        ledger, worker, b.organisation(ledger, division=work_division), started_on, work_division
    )
    b.appropriate(ledger, "1000.00", "local_treasury", b.HOME)
    return worker, placement


def test_R12_refuses_work_in_the_home_county_or_a_division_containing_it(ledger: Ledger) -> None:
    b.transport_standard(ledger, "300.00", b.HOME)
    for work_division in (b.HOME, CHANGSHA, "430000"):  # the county, its prefecture, province
        worker, placement = r12_setup(ledger, work_division)
        with b.refused("R12", ledger):
            b.pay(ledger, "R12", worker, "2018-02-01", placement_id=placement)


def test_R12_pays_work_in_another_county_prefecture_or_province(ledger: Ledger) -> None:
    b.transport_standard(ledger, "300.00", b.HOME)
    for work_division in (TIANXIN, JISHOU, b.ELSEWHERE):
        worker, placement = r12_setup(ledger, work_division)
        paid = b.pay(ledger, "R12", worker, "2018-02-01", placement_id=placement)
        assert money_str(paid.amount) == "300.00", work_division
        assert account_of(paid) == {"source": "local_treasury", "division": b.HOME}
    assert b.balance(ledger, "local_treasury", b.HOME) == "2100.00"  # 3 × (1000 − 300)


@pytest.mark.parametrize(
    ("home", "work"),
    [(NINGXIANG_COUNTY, NINGXIANG_CITY), (NINGXIANG_CITY, NINGXIANG_COUNTY)],
    ids=["home-retired-code", "work-retired-code"],
)
def test_R12_refuses_work_in_the_successor_or_the_retired_code_of_the_home_county(
    ledger: Ledger, home: str, work: str
) -> None:
    # A retired code and its successor are one county: 宁乡县 → 宁乡市 is not 跨县区; and its
    # money is one account, kept under the code in use.
    b.transport_standard(ledger, "300.00", CHANGSHA)
    b.appropriate(ledger, "1000.00", "local_treasury", NINGXIANG_CITY)
    worker = b.worker(ledger, home=home)
    placement = b.placement(
        ledger, worker, b.organisation(ledger, division=work), work_division=work
    )
    with b.refused("R12", ledger):
        b.pay(ledger, "R12", worker, "2018-02-01", placement_id=placement)
    elsewhere = b.placement(ledger, worker, b.organisation(ledger), work_division=TIANXIN)
    paid = b.pay(ledger, "R12", worker, "2018-02-01", placement_id=elsewhere)
    assert {"source": paid.source, "division": paid.division} == {
        "source": "local_treasury",
        "division": NINGXIANG_CITY,
    }


def test_R4_targets_count_a_retired_home_code_under_its_successor_county(ledger: Ledger) -> None:
    employer = b.organisation(ledger)
    for home, work in (
        (NINGXIANG_COUNTY, NINGXIANG_CITY),  # local work: counted, not cross-region
        (NINGXIANG_CITY, NINGXIANG_COUNTY),  # local work too
        (NINGXIANG_COUNTY, b.ELSEWHERE),  # cross-region
    ):
        b.placement(ledger, b.worker(ledger, home=home), employer, work_division=work)
    projections = Projections(ledger.store)
    try:
        projections.catch_up()
        report = projections.targets()
    finally:
        projections.close()
    assert report["placements"] == {"target": 350000, "achieved": 3, "cross_region": 1}
    rows = {r["division"]: r for r in report["by_division"]}
    assert NINGXIANG_COUNTY not in rows
    assert (rows[NINGXIANG_CITY]["placements"], rows[NINGXIANG_CITY]["cross_region"]) == (3, 1)
    assert (rows[CHANGSHA]["placements"], rows[CHANGSHA]["cross_region"]) == (3, 1)


def test_R12_pays_the_sending_county_standard_in_force_on_the_start_date(ledger: Ledger) -> None:
    b.transport_standard(ledger, "300.00", b.HOME, effective_from="2017-07-01")
    b.transport_standard(ledger, "500.00", b.HOME, effective_from="2018-02-01")
    b.transport_standard(ledger, "900.00", TIANXIN, effective_from="2017-07-01")  # another county's
    worker, before_change = r12_setup(ledger, b.ELSEWHERE, started_on="2018-01-31")
    paid = b.pay(ledger, "R12", worker, "2018-03-01", placement_id=before_change)
    assert money_str(paid.amount) == "300.00"  # paid after the change, earned before it
    later_worker, after_change = r12_setup(ledger, b.ELSEWHERE, started_on="2018-02-01")
    paid = b.pay(ledger, "R12", later_worker, "2018-03-01", placement_id=after_change)
    assert money_str(paid.amount) == "500.00"
    assert b.balance(ledger, "local_treasury", b.HOME) == "1200.00"  # 2 × 1000 − 300 − 500


def test_R12_uses_the_prefecture_standard_when_the_county_has_none(ledger: Ledger) -> None:
    b.transport_standard(ledger, "250.00", CHANGSHA)
    worker, placement = r12_setup(ledger, b.ELSEWHERE)
    paid = b.pay(ledger, "R12", worker, "2018-02-01", placement_id=placement)
    assert money_str(paid.amount) == "250.00"
    assert account_of(paid) == {"source": "local_treasury", "division": b.HOME}


def test_R12_refuses_when_no_standard_is_in_force_on_the_start_date(ledger: Ledger) -> None:
    b.transport_standard(ledger, "300.00", b.HOME, effective_from="2018-01-16")
    worker, placement = r12_setup(ledger, b.ELSEWHERE, started_on="2018-01-15")
    with b.refused("R12", ledger):
        b.pay(ledger, "R12", worker, "2018-02-01", placement_id=placement)


def test_R12_is_paid_to_the_worker_or_the_placement_agency_or_employer_and_nobody_else(
    ledger: Ledger,
) -> None:
    # 二(二)6: 接收企业及其他社会组织统一组织……包（租）车人均费用 — the group's organiser.
    b.transport_standard(ledger, "300.00", b.HOME)
    b.appropriate(ledger, "1000.00", "local_treasury", b.HOME)
    agency = b.organisation(ledger, "agency", division=b.HOME)
    stranger = b.organisation(ledger, "training_institution", division=b.HOME)
    for payee in ("worker", "agency", "employer"):
        worker = b.worker(ledger, home=b.HOME)
        employer = b.organisation(ledger, division=b.ELSEWHERE)
        placement = b.placement(ledger, worker, employer, "2018-01-15", b.ELSEWHERE, agency)
        with b.refused("R12", ledger):
            b.pay(ledger, "R12", stranger, "2018-02-01", placement_id=placement)
        organiser = {"worker": worker, "agency": agency, "employer": employer}[payee]
        paid = b.pay(ledger, "R12", organiser, "2018-02-01", placement_id=placement)
        assert paid.payee_id == organiser
    assert b.balance(ledger, "local_treasury", b.HOME) == "100.00"  # 1000 − 3 × 300


# --- R13: post subsidy to the employer, a full year on post with contributions ----------


def r13_setup(
    ledger: Ledger,
    home: str = b.HOME,
    employer_division: str = TIANXIN,
    contract_months: int = 24,
    months: list[str] | None = None,
) -> tuple[str, str, str]:
    """A worker on post from 2018-01-15 with an employer that contributed for `months`
    (default: 2018-01 … 2018-12, the first year on post)."""
    employer = b.organisation(ledger, "enterprise", division=employer_division)
    worker = b.worker(ledger, home=home)
    placement = b.placement(
        ledger, worker, employer, "2018-01-15", employer_division, contract_months=contract_months
    )
    b.contributions(
        ledger, worker, employer, months_between("2018-01", "2018-12") if months is None else months
    )
    b.appropriate(ledger, "10000.00", "employment_fund", employer_division)
    b.appropriate(ledger, "10000.00", "employment_fund", home)
    return worker, employer, placement


def test_R13_pays_1000_from_the_employer_county_after_12_months_with_contributions(
    ledger: Ledger,
) -> None:
    _, employer, placement = r13_setup(ledger, home=b.HOME, employer_division=TIANXIN)
    paid = b.pay(ledger, "R13", employer, "2019-01-15", placement_id=placement)
    assert money_str(paid.amount) == "1000.00"
    assert account_of(paid) == {"source": "employment_fund", "division": TIANXIN}
    assert b.balance(ledger, "employment_fund", TIANXIN) == "9000.00"
    assert b.balance(ledger, "employment_fund", b.HOME) == "10000.00"


def test_R13_refuses_before_12_months_on_post(ledger: Ledger) -> None:
    _, employer, placement = r13_setup(ledger)
    with b.refused("R13", ledger):
        b.pay(ledger, "R13", employer, "2019-01-14", placement_id=placement)


def test_R13_refuses_a_year_missing_one_month_of_contributions(ledger: Ledger) -> None:
    months = [m for m in months_between("2018-01", "2018-12") if m != "2018-07"]
    _, employer, placement = r13_setup(ledger, months=months)
    with b.refused("R13", ledger) as refusal:
        b.pay(ledger, "R13", employer, "2019-03-01", placement_id=placement)
    assert refusal.error is not None and "2018-07" in refusal.error.detail


def test_R13_refuses_a_placement_without_a_labour_contract(ledger: Ledger) -> None:
    _, employer, placement = r13_setup(ledger, contract_months=0)
    with b.refused("R13", ledger):
        b.pay(ledger, "R13", employer, "2019-01-15", placement_id=placement)


def test_R13_is_paid_to_the_employer_only(ledger: Ledger) -> None:
    _, _, placement = r13_setup(ledger)
    another_employer = b.organisation(ledger, division=TIANXIN)
    with b.refused("R13", ledger):
        b.pay(ledger, "R13", another_employer, "2019-01-15", placement_id=placement)


@pytest.mark.parametrize(
    ("home", "designated_from", "amount"),
    [
        (FENGHUANG, "2017-07-01", "1500.00"),  # worker from the designated area (当地)
        (b.HOME, "2017-07-01", "1000.00"),  # worker from elsewhere
        (FENGHUANG, "2019-01-16", "1000.00"),  # designated only after the year completed
    ],
    ids=["local-worker", "worker-from-elsewhere", "designated-later"],
)
def test_R13_pays_1500_when_employer_and_worker_are_in_a_designated_poor_area(
    ledger: Ledger, home: str, designated_from: str, amount: str
) -> None:
    b.post(
        ledger, "PoorAreaDesignated", by="admin", division=XIANGXI, effective_from=designated_from
    )
    _, employer, placement = r13_setup(ledger, home=home, employer_division=JISHOU)
    paid = b.pay(ledger, "R13", employer, "2019-01-15", placement_id=placement)
    assert money_str(paid.amount) == amount
    assert account_of(paid) == {"source": "employment_fund", "division": JISHOU}


def test_R13_pays_1500_when_both_the_employer_county_and_its_prefecture_are_designated(
    ledger: Ledger,
) -> None:
    # The employer's county and its prefecture are both designated; the worker is from
    # another county of that prefecture — from the designated area (当地) all the same.
    b.post(ledger, "PoorAreaDesignated", by="admin", division=JISHOU, effective_from="2017-07-01")
    b.post(ledger, "PoorAreaDesignated", by="admin", division=XIANGXI, effective_from="2017-07-01")
    _, employer, placement = r13_setup(ledger, home=FENGHUANG, employer_division=JISHOU)
    assert (
        money_str(b.pay(ledger, "R13", employer, "2019-01-15", placement_id=placement).amount)
        == "1500.00"
    )


def test_R13_second_year_needs_24_months_on_post_and_that_year_contributions(
    ledger: Ledger,
) -> None:
    worker, employer, placement = r13_setup(ledger, months=months_between("2018-01", "2019-11"))
    assert (
        money_str(b.pay(ledger, "R13", employer, "2019-01-15", placement_id=placement).amount)
        == "1000.00"
    )
    with b.refused("R13", ledger):  # 23 months on post
        b.pay(ledger, "R13", employer, "2020-01-14", placement_id=placement)
    with b.refused("R13", ledger) as refusal:  # 24 months, but 2019-12 not contributed
        b.pay(ledger, "R13", employer, "2020-01-15", placement_id=placement)
    assert refusal.error is not None and "2019-12" in refusal.error.detail
    b.contributions(ledger, worker, employer, ["2019-12"])
    paid = b.pay(ledger, "R13", employer, "2020-01-15", placement_id=placement)
    assert money_str(paid.amount) == "1000.00"
    assert list(paid.covers) == months_between("2019-01", "2019-12")
    assert b.balance(ledger, "employment_fund", TIANXIN) == "8000.00"


def r13_years_setup(
    ledger: Ledger, registered_on: str, started_on: str, months: list[str]
) -> tuple[str, str, str]:
    """A worker of 芙蓉区 on post from `started_on` under a 36-month contract with an
    employer of 天心区 that contributed for `months`."""
    employer = b.organisation(ledger, "enterprise", division=TIANXIN)
    worker = b.worker(ledger, home=b.HOME, registered_on=registered_on)
    placement = b.placement(ledger, worker, employer, started_on, TIANXIN, contract_months=36)
    b.contributions(ledger, worker, employer, months)
    b.appropriate(ledger, "10000.00", "employment_fund", TIANXIN, on="2017-01-01")
    return worker, employer, placement


def post_years_paid(ledger: Ledger, paid: Any) -> list[str]:
    claims = ledger.get_payment(paid.payment_id).claims
    return [key for keys in claims.values() for key in keys if "/year/" in key]


def test_R13_pays_year_two_when_year_one_was_earned_before_the_window_R2(ledger: Ledger) -> None:
    worker, employer, placement = r13_years_setup(
        ledger, "2017-01-01", "2016-01-01", months_between("2016-01", "2017-12")
    )
    paid = b.pay(ledger, "R13", employer, "2018-01-05", placement_id=placement)
    assert list(paid.covers) == months_between("2017-01", "2017-12")
    assert paid.earned_on.isoformat() == "2018-01-01"
    assert post_years_paid(ledger, paid) == [f"R13/placement/{placement}/year/2", "R13/year/2018"]
    b.contributions(ledger, worker, employer, months_between("2018-01", "2018-12"))
    third = b.pay(ledger, "R13", employer, "2019-01-05", placement_id=placement)
    assert list(third.covers) == months_between("2018-01", "2018-12")
    # Year 1 can never be paid and year 4 lacks 2019's contributions: nothing qualifies,
    # and the refusal names the earliest unpaid year's reason, year 1 outside the window.
    with b.refused("R2", ledger):
        b.pay(ledger, "R13", employer, "2020-01-05", placement_id=placement)


def test_R13_pays_year_two_when_year_one_precedes_registration_R1(ledger: Ledger) -> None:
    _, employer, placement = r13_years_setup(
        ledger, "2018-03-01", "2017-01-01", months_between("2017-01", "2018-12")
    )
    with b.refused("R1", ledger):  # year 1 earned on 2018-01-01, before registration
        b.pay(ledger, "R13", employer, "2018-12-31", placement_id=placement)
    paid = b.pay(ledger, "R13", employer, "2019-01-05", placement_id=placement)
    assert list(paid.covers) == months_between("2018-01", "2018-12")
    assert f"R13/placement/{placement}/year/2" in post_years_paid(ledger, paid)


def test_R13_pays_a_later_year_past_a_year_missing_a_month_and_that_year_once_it_is_recorded(
    ledger: Ledger,
) -> None:
    months = [m for m in months_between("2017-07", "2019-06") if m != "2017-09"]
    worker, employer, placement = r13_years_setup(ledger, "2017-01-01", "2017-07-01", months)
    second = b.pay(ledger, "R13", employer, "2019-07-05", placement_id=placement)
    assert list(second.covers) == months_between("2018-07", "2019-06")
    with b.refused("R13", ledger) as refusal:  # year 1 still lacks 2017-09; year 3 incomplete
        b.pay(ledger, "R13", employer, "2020-01-05", placement_id=placement)
    assert refusal.error is not None and "2017-09" in refusal.error.detail
    b.contributions(ledger, worker, employer, ["2017-09"])  # recorded late
    first = b.pay(ledger, "R13", employer, "2020-01-05", placement_id=placement)
    assert list(first.covers) == months_between("2017-07", "2018-06")
    assert f"R13/placement/{placement}/year/1" in post_years_paid(ledger, first)
    assert b.balance(ledger, "employment_fund", TIANXIN) == "8000.00"


def test_R13_pays_the_year_after_an_unpayable_one_only_once_it_is_complete(
    ledger: Ledger,
) -> None:
    _, employer, placement = r13_years_setup(
        ledger, "2017-01-01", "2016-06-01", months_between("2016-06", "2018-05")
    )
    with b.refused("R2", ledger):  # year 1 (2017-06-01) is outside, year 2 not yet complete
        b.pay(ledger, "R13", employer, "2018-05-31", placement_id=placement)
    paid = b.pay(ledger, "R13", employer, "2018-06-01", placement_id=placement)
    assert paid.earned_on.isoformat() == "2018-06-01"
    assert list(paid.covers) == months_between("2017-06", "2018-05")


@pytest.mark.parametrize("rule", ["R13", "R14"])
@pytest.mark.parametrize("division", [CHANGSHA, "430000"], ids=["prefecture", "province"])
def test_R13_and_R14_are_refused_naming_the_rule_when_the_employer_division_is_not_a_county(
    ledger: Ledger, rule: str, division: str
) -> None:
    # 二(三)1/2: 所需资金从用人单位所在地就业补助资金中列支 — the employer's county's fund.
    _, employer, placement = r13_setup(ledger, employer_division=division)
    with b.refused(rule, ledger) as refusal:
        b.pay(ledger, rule, employer, "2019-01-15", placement_id=placement)
    assert refusal.error is not None and "county" in refusal.error.detail


def test_R13_and_R14_keep_refusing_an_employer_account_outside_hunan(ledger: Ledger) -> None:
    employer = b.organisation(ledger, "enterprise", division=b.ELSEWHERE)
    worker = b.worker(ledger, home=b.HOME)
    placement = b.placement(ledger, worker, employer, "2018-01-15", contract_months=24)
    b.contributions(ledger, worker, employer, months_between("2018-01", "2018-12"))
    for rule in ("R13", "R14"):
        with b.refused(rule, ledger) as refusal:
            b.pay(ledger, rule, employer, "2019-01-15", placement_id=placement)
        assert refusal.error is not None and "outside Hunan" in refusal.error.detail


# --- R14: the employer's share of social insurance, at most 36 months per worker ---------


def r14_setup(
    ledger: Ledger, started_on: str = "2018-01-15", contract_months: int = 12
) -> tuple[str, str, str]:
    """A worker of 芙蓉区 on post with an employer of 天心区."""
    employer = b.organisation(ledger, "enterprise", division=TIANXIN)
    worker = b.worker(ledger, home=b.HOME)
    placement = b.placement(
        ledger, worker, employer, started_on, TIANXIN, contract_months=contract_months
    )
    b.appropriate(ledger, "100000.00", "employment_fund", TIANXIN)
    b.appropriate(ledger, "100000.00", "employment_fund", b.HOME)
    return worker, employer, placement


def test_R14_pays_the_employer_share_of_the_months_from_the_employer_county(ledger: Ledger) -> None:
    worker, employer, placement = r14_setup(ledger)
    months = months_between("2018-01", "2018-12")
    b.contributions(
        ledger, worker, employer, months, pension="100.00", medical="50.00", unemployment="10.50"
    )
    paid = b.pay(ledger, "R14", employer, "2019-01-15", placement_id=placement)
    assert money_str(paid.amount) == "1926.00"  # 12 × (100.00 + 50.00 + 10.50)
    assert list(paid.covers) == months
    assert account_of(paid) == {"source": "employment_fund", "division": TIANXIN}
    assert b.balance(ledger, "employment_fund", TIANXIN) == "98074.00"


def test_R14_refuses_a_labour_contract_under_one_year(ledger: Ledger) -> None:
    worker, employer, placement = r14_setup(ledger, contract_months=11)
    b.contributions(ledger, worker, employer, months_between("2018-01", "2018-12"))
    with b.refused("R14", ledger):
        b.pay(ledger, "R14", employer, "2019-01-15", placement_id=placement)


def test_R14_refuses_before_12_months_on_post(ledger: Ledger) -> None:
    worker, employer, placement = r14_setup(ledger)
    b.contributions(ledger, worker, employer, months_between("2018-01", "2018-12"))
    with b.refused("R14", ledger):
        b.pay(ledger, "R14", employer, "2019-01-14", placement_id=placement)


@pytest.mark.both_stores
def test_R14_pays_a_month_of_contributions_once_R20(ledger: Ledger) -> None:
    worker, employer, placement = r14_setup(ledger)
    b.contributions(ledger, worker, employer, months_between("2018-01", "2018-12"))
    assert (
        money_str(b.pay(ledger, "R14", employer, "2019-01-15", placement_id=placement).amount)
        == "1920.00"
    )
    with b.refused("R20", ledger):
        b.pay(ledger, "R14", employer, "2020-01-15", placement_id=placement)
    b.contributions(ledger, worker, employer, ["2019-01", "2019-02"])
    paid = b.pay(ledger, "R14", employer, "2020-01-15", placement_id=placement)
    assert (money_str(paid.amount), list(paid.covers)) == ("320.00", ["2019-01", "2019-02"])


def test_R14_pays_only_the_months_inside_the_window_R2(ledger: Ledger) -> None:
    worker, employer, placement = r14_setup(ledger, started_on="2017-05-02")
    b.contributions(ledger, worker, employer, months_between("2017-05", "2018-04"))
    paid = b.pay(ledger, "R14", employer, "2018-05-02", placement_id=placement)
    assert list(paid.covers) == months_between("2017-07", "2018-04")
    assert money_str(paid.amount) == "1600.00"  # 10 × 160.00, not 12


@pytest.mark.both_stores
def test_R14_covers_at_most_36_months_per_worker_paying_the_earliest_months_of_a_cut_claim(
    ledger: Ledger,
) -> None:
    worker, employer, placement = r14_setup(ledger, started_on="2017-07-01", contract_months=48)
    b.contributions(ledger, worker, employer, months_between("2017-07", "2019-12"))  # 30 months
    first = b.pay(ledger, "R14", employer, "2020-01-06", placement_id=placement)
    assert money_str(first.amount) == "4800.00"  # 30 × 160.00
    # Ten more months, each share different so that which six are paid shows in the sum.
    later = months_between("2020-01", "2020-10")
    b.batch(
        ledger,
        "SocialInsuranceContributed",
        [
            {
                "employer_id": employer,
                "worker_id": worker,
                "month": month,
                "pension": f"{100 + i}.00",
                "medical": "50.00",
                "unemployment": "10.00",
            }
            for i, month in enumerate(later)
        ],
    )
    cut = b.pay(ledger, "R14", employer, "2021-01-06", placement_id=placement)
    assert list(cut.covers) == later[:6]
    assert money_str(cut.amount) == "975.00"  # 160 + 161 + … + 165
    with b.refused("R18", ledger):
        b.pay(ledger, "R14", employer, "2022-01-06", placement_id=placement)


def two_employers(ledger: Ledger, started_on: str) -> tuple[str, list[tuple[str, str]]]:
    """A worker of 芙蓉区 on post with two employers of 天心区 at once, from `started_on`."""
    worker = b.worker(ledger, home=b.HOME)
    jobs = []
    for _ in range(2):
        employer = b.organisation(ledger, "enterprise", division=TIANXIN)
        placement = b.placement(ledger, worker, employer, started_on, TIANXIN, contract_months=48)
        jobs.append((employer, placement))
    b.appropriate(ledger, "100000.00", "employment_fund", TIANXIN)
    return worker, jobs


@pytest.mark.both_stores
def test_R14_cap_counts_a_calendar_month_paid_to_two_employers_once(ledger: Ledger) -> None:
    # 二(三)2: 补贴期限不超过三年 — a period of time, not a count of employer-months.
    worker, [(first, first_job), (second, second_job)] = two_employers(ledger, "2018-01-01")
    shared = months_between("2018-01", "2019-06")  # 18 months, both employers
    b.contributions(ledger, worker, first, shared)
    b.contributions(ledger, worker, second, shared)
    assert list(b.pay(ledger, "R14", first, "2019-07-01", placement_id=first_job).covers) == shared
    assert (
        list(b.pay(ledger, "R14", second, "2020-01-02", placement_id=second_job).covers) == shared
    )
    later = months_between("2019-07", "2020-06")  # 18 distinct months used: 18 remain
    b.contributions(ledger, worker, first, later)
    paid = b.pay(ledger, "R14", first, "2021-01-04", placement_id=first_job)
    assert (list(paid.covers), money_str(paid.amount)) == (later, "1920.00")


def test_R14_cut_claim_pays_months_already_subsidised_and_the_earliest_new_months(
    ledger: Ledger,
) -> None:
    worker, [(first, first_job), (second, second_job)] = two_employers(ledger, "2017-07-01")
    b.contributions(ledger, worker, first, months_between("2017-07", "2019-12"))  # 30 months
    b.pay(ledger, "R14", first, "2020-01-06", placement_id=first_job)
    # The second employer: 2019's 12 months, already subsidised for the first, use no more
    # of the cap and are paid; of 2020's 12 new months the 6 left under the cap, earliest first.
    b.contributions(ledger, worker, second, months_between("2019-01", "2020-12"))
    cut = b.pay(ledger, "R14", second, "2021-01-05", placement_id=second_job)
    assert list(cut.covers) == months_between("2019-01", "2020-06")
    assert money_str(cut.amount) == "2880.00"  # 18 × 160.00
    with b.refused("R18", ledger):  # 36 distinct months subsidised: 2020-07… stay unpaid
        b.pay(ledger, "R14", second, "2022-01-04", placement_id=second_job)
