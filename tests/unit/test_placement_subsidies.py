"""Placements and the subsidies earned through them: R4 (placements, cross-region), R7
introduction subsidy to the agency, R12 one-off transport subsidy."""

from __future__ import annotations

import pytest

from domain.errors import Conflict, InvalidInput
from domain.organisation import Organisation
from domain.policy import Decision, decide
from domain.policy.placement import is_cross_region
from domain.reference import ReferenceData
from domain.worker import Worker
from tests.unit import facts as f

# --- R4: placements, their end, and what is cross-region ---------------------------------


@pytest.mark.parametrize(
    ("home", "work", "cross"),
    [
        (f.HOME, f.HOME, False),  # the home county
        (f.HOME, f.CHANGSHA, False),  # its prefecture contains it
        (f.HOME, f.PROVINCE, False),  # so does the province
        (f.HOME, f.TIANXIN, True),  # 跨县区
        (f.HOME, f.JISHOU, True),  # 跨市州
        (f.HOME, f.ELSEWHERE, True),  # 跨省
        (f.NINGXIANG_COUNTY, f.NINGXIANG_CITY, False),  # a retired code and its successor
        (f.NINGXIANG_CITY, f.NINGXIANG_COUNTY, False),  # … either way round
        (f.NINGXIANG_COUNTY, f.CHANGSHA, False),  # the retired code stays inside 长沙市
        (f.NINGXIANG_COUNTY, f.TIANXIN, True),
    ],
)
def test_R4_a_placement_is_cross_region_when_work_lies_outside_the_home_county(
    home: str, work: str, cross: bool
) -> None:
    """POLICY: cross-region when the place of work is outside the home county and is not a
    division that contains it; 宁乡县 430124 and 宁乡市 430182 are one county."""
    assert is_cross_region(home, work) is cross


def test_R4_records_a_placement_with_its_employer_agency_start_and_contract() -> None:
    someone, employer, agency = f.worker(), f.organisation(), f.organisation("agency")
    placed = f.placement(someone, employer, "2018-01-15", f.ELSEWHERE, agency, contract_months=24)
    recorded = someone.placement(placed)
    assert (recorded.employer_id, recorded.agency_id) == (employer.org_id, agency.org_id)
    assert (recorded.started_on, recorded.work_division) == (f.day("2018-01-15"), f.ELSEWHERE)
    assert (recorded.contract_months, recorded.ended_on) == (24, None)


def test_R4_a_placement_goes_through_an_agency_only_if_it_is_one() -> None:
    someone = f.worker()
    with pytest.raises(InvalidInput) as wrong:
        f.placement(someone, f.organisation(), agency=f.organisation("training_institution"))
    assert wrong.value.field == "agency_id"
    assert someone.placements == {}


def test_R4_a_placement_ends_once_and_not_before_it_started() -> None:
    someone = f.worker()
    placed = f.placement(someone, f.organisation(), "2018-01-15")
    with pytest.raises(InvalidInput):
        f.end_placement(someone, placed, "2018-01-14")
    f.end_placement(someone, placed, "2018-01-15")  # one day worked
    with pytest.raises(Conflict):
        f.end_placement(someone, placed, "2018-06-30")
    assert someone.placement(placed).ended_on == f.day("2018-01-15")


# --- R7: 200 to the agency after 6 months on post, from the sending county ---------------


def placed_by_agency(
    home: str = f.HOME, started_on: str = "2018-01-15", registered_on: str = "2017-01-01"
) -> tuple[Worker, Organisation, str]:
    """A worker of `home` placed in 广州 by an agency of 芙蓉区."""
    someone = f.worker(home=home, registered_on=registered_on)
    agency = f.organisation("agency", f.HOME)
    employer = f.organisation("enterprise", f.ELSEWHERE)
    return someone, agency, f.placement(someone, employer, started_on, agency=agency)


def introduction(
    someone: Worker, payee: Organisation, placed: str, paid_on: str, **sent: str
) -> Decision:
    return decide(f.request("R7", payee, paid_on, placement_id=placed, **sent), f.facts(someone))


def test_R7_pays_200_to_the_agency_from_the_sending_county_after_six_months_on_post() -> None:
    """二(二)2: 稳定就业6个月以上的，给予200元……由输出地从就业补助资金中列支."""
    someone, agency, placed = placed_by_agency(home=f.JISHOU)
    decision = introduction(someone, agency, placed, "2018-07-15")
    assert decision.amount == 200
    assert (decision.source, decision.division) == ("employment_fund", f.JISHOU)  # not the agency's
    assert decision.earned_on == f.day("2018-07-15")  # 6 months after 2018-01-15
    assert decision.claims == {f"R7/placement/{placed}": "R20", "R7/year/2018": "R18"}
    assert decision.subject == f"worker:{someone.worker_id}"


def test_R7_refuses_the_day_before_six_months_on_post_are_complete() -> None:
    someone, agency, placed = placed_by_agency()
    with f.refused("R7"):
        introduction(someone, agency, placed, "2018-07-14")


@pytest.mark.parametrize(
    ("ended_on", "paid"),
    [("2018-07-13", False), ("2018-07-14", True)],
    ids=["ended-two-days-short", "last-day-worked-the-day-before"],
)
def test_R7_counts_months_on_post_through_the_day_after_the_last_day_worked(
    ended_on: str, paid: bool
) -> None:
    """POLICY: months count when that day is on or before the day after `ended_on`."""
    someone, agency, placed = placed_by_agency()
    f.end_placement(someone, placed, ended_on)
    if paid:
        assert introduction(someone, agency, placed, "2018-09-01").amount == 200
    else:
        with f.refused("R7"):
            introduction(someone, agency, placed, "2018-09-01")


def test_R7_is_paid_only_to_the_agency_that_made_the_placement() -> None:
    someone, agency, placed = placed_by_agency()
    with f.refused("R7"):
        introduction(someone, f.organisation("agency"), placed, "2018-07-15")
    direct = f.placement(someone, f.organisation(), "2018-01-15")
    with f.refused("R7") as refusal:
        introduction(someone, agency, direct, "2018-07-15")
    assert "not made by an agency" in refusal.value.reason


@pytest.mark.parametrize(("started_on", "rule"), [("2016-12-31", "R2"), ("2017-01-01", None)])
def test_R7_is_earned_on_the_day_six_months_are_complete_for_the_window(
    started_on: str, rule: str | None
) -> None:
    someone, agency, placed = placed_by_agency(started_on=started_on)
    if rule is None:
        assert introduction(someone, agency, placed, "2017-08-01").earned_on == f.day("2017-07-01")
    else:
        with f.refused(rule):
            introduction(someone, agency, placed, "2017-08-01")


@pytest.mark.parametrize(("registered_on", "rule"), [("2018-07-15", None), ("2018-07-16", "R1")])
def test_R7_reads_R1_on_the_day_six_months_are_complete(
    registered_on: str, rule: str | None
) -> None:
    someone, agency, placed = placed_by_agency(registered_on=registered_on)
    if rule is None:
        assert introduction(someone, agency, placed, "2018-08-01").amount == 200
    else:
        with f.refused(rule):
            introduction(someone, agency, placed, "2018-08-01")


def test_R7_refuses_an_amount_other_than_the_decided_200_naming_R7() -> None:
    someone, agency, placed = placed_by_agency()
    with f.refused("R7"):
        introduction(someone, agency, placed, "2018-07-15", amount="250.00")
    assert introduction(someone, agency, placed, "2018-07-15", amount="200.00").amount == 200


# --- R12: one-off transport, cross-region only, from the sending county's treasury --------


def transport_case(
    work_division: str = f.ELSEWHERE, home: str = f.HOME, started_on: str = "2018-01-15"
) -> tuple[Worker, Organisation, Organisation, str]:
    """A worker of `home` placed through an agency; returns worker, agency, employer, placement."""
    someone = f.worker(home=home)
    agency, employer = f.organisation("agency"), f.organisation(division=work_division)
    return (
        someone,
        agency,
        employer,
        f.placement(someone, employer, started_on, work_division, agency),
    )


def standards(amount: str = "300.00", division: str = f.HOME) -> ReferenceData:
    data = f.reference()
    f.transport_standard(data, amount, division)
    return data


def transport(
    someone: Worker,
    payee: Worker | Organisation,
    placed: str,
    data: ReferenceData,
    paid_on: str = "2018-02-01",
    **sent: str,
) -> Decision:
    asked = f.request("R12", payee, paid_on, placement_id=placed, **sent)
    return decide(asked, f.facts(someone, reference=data))


@pytest.mark.parametrize("work_division", [f.TIANXIN, f.JISHOU, f.ELSEWHERE])
def test_R12_pays_the_sending_county_standard_from_its_local_treasury_for_cross_region_work(
    work_division: str,
) -> None:
    """二(二)6: 跨区域（包括跨省、跨市州、跨县区）……所需资金由输出地财政统筹安排."""
    someone, _, _, placed = transport_case(work_division)
    decision = transport(someone, someone, placed, standards("300.00"))
    assert decision.amount == 300
    assert (decision.source, decision.division) == ("local_treasury", f.HOME)
    assert decision.earned_on == f.day("2018-01-15")  # the placement's start
    assert decision.claims == {f"R12/placement/{placed}": "R20", "R12/year/2018": "R18"}


@pytest.mark.parametrize("work_division", [f.HOME, f.CHANGSHA, f.PROVINCE])
def test_R12_refuses_work_in_the_home_county_or_a_division_that_contains_it(
    work_division: str,
) -> None:
    someone, _, _, placed = transport_case(work_division)
    with f.refused("R12"):
        transport(someone, someone, placed, standards())


@pytest.mark.parametrize(
    ("home", "work"),
    [(f.NINGXIANG_COUNTY, f.NINGXIANG_CITY), (f.NINGXIANG_CITY, f.NINGXIANG_COUNTY)],
    ids=["home-retired-code", "work-retired-code"],
)
def test_R12_refuses_work_in_the_retired_code_or_the_successor_of_the_home_county(
    home: str, work: str
) -> None:
    """A retired division code and its successor are the same place (successors.csv)."""
    data = standards(division=f.CHANGSHA)
    someone, _, _, placed = transport_case(work, home=home)
    with f.refused("R12"):
        transport(someone, someone, placed, data)
    elsewhere = f.placement(someone, f.organisation(), "2018-01-15", f.TIANXIN)
    decision = transport(someone, someone, elsewhere, data)
    # One county, one account: a retired home code pays from its successor's account.
    assert (decision.source, decision.division) == ("local_treasury", f.NINGXIANG_CITY)


@pytest.mark.parametrize("organiser", ["worker", "agency", "employer"])
def test_R12_is_paid_to_the_worker_or_the_placement_agency_or_employer(organiser: str) -> None:
    """二(二)6: 接收企业及其他社会组织统一组织……包（租）车人均费用参照上述标准执行."""
    someone, agency, employer, placed = transport_case()
    payee = {"worker": someone, "agency": agency, "employer": employer}[organiser]
    assert transport(someone, payee, placed, standards()).amount == 300


def test_R12_refuses_any_other_payee_naming_R12() -> None:
    someone, _, _, placed = transport_case()
    for stranger in (f.organisation("agency"), f.organisation(), f.worker()):
        with f.refused("R12"):
            transport(someone, stranger, placed, standards())


def test_R12_pays_the_standard_in_force_on_the_placement_start() -> None:
    data = standards("300.00")
    f.transport_standard(data, "500.00", f.HOME, effective_from="2018-02-01")
    f.transport_standard(data, "900.00", f.TIANXIN)  # another county's standard
    someone, _, _, before = transport_case(started_on="2018-01-31")
    assert transport(someone, someone, before, data, "2018-03-01").amount == 300
    later, _, _, after = transport_case(started_on="2018-02-01")
    assert transport(later, later, after, data, "2018-03-01").amount == 500


def test_R12_looks_the_standard_up_for_the_county_then_its_prefecture_then_the_province() -> None:
    data = standards("100.00", f.PROVINCE)
    someone, _, _, placed = transport_case()
    assert transport(someone, someone, placed, data).amount == 100
    f.transport_standard(data, "250.00", f.CHANGSHA)
    assert transport(someone, someone, placed, data).amount == 250
    f.transport_standard(data, "300.00", f.HOME)
    assert transport(someone, someone, placed, data).amount == 300


def test_R12_refuses_when_no_standard_is_in_force_on_the_start_date() -> None:
    data = f.reference()
    f.transport_standard(data, "300.00", f.HOME, effective_from="2018-01-16")
    someone, _, _, placed = transport_case(started_on="2018-01-15")
    with f.refused("R12"):
        transport(someone, someone, placed, data)


def test_R12_refuses_a_payment_dated_before_the_placement_starts() -> None:
    someone, _, _, placed = transport_case(started_on="2018-01-15")
    with f.refused("R12"):
        transport(someone, someone, placed, standards(), "2018-01-14")


def test_R12_refuses_an_amount_other_than_the_decided_standard_naming_R12() -> None:
    someone, _, _, placed = transport_case()
    with f.refused("R12"):
        transport(someone, someone, placed, standards("300.00"), amount="200.00")
    assert transport(someone, someone, placed, standards("300.00"), amount="300.00").amount == 300
