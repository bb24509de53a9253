"""Training: R5 one course a day, R8 pre-employment subsidy, R9 skill upgrade subsidy, R10
living allowance (with R19), and R11's switch to the unemployment insurance fund."""

from __future__ import annotations

import pytest

from domain.values import money_str
from service.intake import record_json
from service.ledger import Ledger
from tests import builders as b

CHANGSHA = "430100"  # 长沙市, the prefecture holding HOME (芙蓉区)
TIANXIN = "430103"  # 天心区, another county of 长沙市


def funded(ledger: Ledger) -> None:
    for source in ("employment_fund", "unemployment_insurance_fund"):
        for division in (b.HOME, TIANXIN):
            b.appropriate(ledger, "10000.00", source, division)


# --- R5: one course a day ---------------------------------------------------------------


@pytest.mark.both_stores
def test_R5_refuses_a_second_attendance_on_the_same_day_even_for_another_enrollment(
    ledger: Ledger,
) -> None:
    worker = b.worker(ledger)
    electrician = b.enrollment(ledger, worker, category="电工", started_on="2018-03-01")
    welder = b.enrollment(ledger, worker, category="焊工", started_on="2018-03-01")
    b.attend(ledger, electrician, "2018-03-02")
    with b.refused("R5", ledger):
        b.attend(ledger, welder, "2018-03-02")
    with b.refused("R5", ledger):
        b.attend(ledger, electrician, "2018-03-02")
    b.attend(ledger, welder, "2018-03-03")  # another day is fine
    assert ledger.get_worker(worker).enrollments[welder].days[0].isoformat() == "2018-03-03"


@pytest.mark.both_stores
def test_R5_refuses_a_batch_attending_one_day_twice_and_records_none_of_it(ledger: Ledger) -> None:
    worker = b.worker(ledger)
    first = b.enrollment(ledger, worker, started_on="2018-03-01")
    second = b.enrollment(ledger, worker, started_on="2018-03-01")
    items = [
        {
            "event_id": b.next_id("ev"),
            "type": "TrainingDayAttended",
            "data": {"enrollment_id": e, "day": "2018-03-05"},
        }
        for e in (first, second)
    ]
    with b.refused("R5", ledger):
        record_json(ledger, items, "clerk")


# --- R8 and R9: the category standard in force on the completion date ------------------


def course(
    ledger: Ledger,
    kind: str = "pre_employment",
    division: str = b.HOME,
    completed_on: str = "2018-05-31",
) -> tuple[str, str, str]:
    """A completed course of 电工; returns worker, institution and enrollment."""
    worker = b.worker(ledger)
    institution = b.organisation(ledger, "training_institution", division=division)
    enrolled = b.enrollment(ledger, worker, kind, "电工", division, "2018-03-01", institution)
    b.attend(ledger, enrolled, "2018-03-02", "2018-03-05")
    b.complete(ledger, enrolled, completed_on)
    return worker, institution, enrolled


def standards(ledger: Ledger) -> None:
    """长沙市's standard for 电工 rises on 2018-06-01; 天心区 has its own; 焊工 differs."""
    b.training_standard(ledger, "1000.00", CHANGSHA, "电工", "2017-07-01")
    b.training_standard(ledger, "1200.00", CHANGSHA, "电工", "2018-06-01")
    b.training_standard(ledger, "800.00", TIANXIN, "电工", "2017-07-01")
    b.training_standard(ledger, "9999.00", b.HOME, "焊工", "2017-07-01")


@pytest.mark.parametrize(
    ("division", "completed_on", "amount"),
    [
        (b.HOME, "2018-05-31", "1700.00"),  # 长沙市's 1000 × 1.7, found for the county
        (b.HOME, "2018-06-01", "2040.00"),  # the standard in force on completion: 1200 × 1.7
        (TIANXIN, "2018-06-01", "1360.00"),  # the county's own standard first: 800 × 1.7
    ],
)
def test_R8_pays_1_7_times_the_category_standard_in_force_on_the_completion_date(
    ledger: Ledger, division: str, completed_on: str, amount: str
) -> None:
    standards(ledger)
    funded(ledger)
    _, institution, enrolled = course(ledger, "pre_employment", division, completed_on)
    paid = b.pay(ledger, "R8", institution, "2018-06-15", enrollment_id=enrolled)
    assert money_str(paid.amount) == amount
    assert {"source": paid.source, "division": paid.division} == {
        "source": "employment_fund",
        "division": division,
    }
    assert paid.funding_rule == "R8"


@pytest.mark.parametrize(
    ("completed_on", "amount"), [("2018-05-31", "500.00"), ("2018-06-01", "600.00")]
)
def test_R9_pays_half_the_category_pre_employment_standard_in_force_on_completion(
    ledger: Ledger, completed_on: str, amount: str
) -> None:
    standards(ledger)
    funded(ledger)
    worker, _, enrolled = course(ledger, "upgrade", b.HOME, completed_on)
    paid = b.pay(ledger, "R9", worker, "2018-06-15", enrollment_id=enrolled)
    assert money_str(paid.amount) == amount
    assert {"source": paid.source, "division": paid.division} == {
        "source": "employment_fund",
        "division": b.HOME,
    }


def test_R8_and_R9_pay_only_their_own_kind_of_course(ledger: Ledger) -> None:
    standards(ledger)
    funded(ledger)
    worker, _, upgrade = course(ledger, "upgrade")
    with b.refused("R8", ledger):
        b.pay(ledger, "R8", worker, "2018-06-15", enrollment_id=upgrade)
    worker, _, pre_employment = course(ledger, "pre_employment")
    with b.refused("R9", ledger):
        b.pay(ledger, "R9", worker, "2018-06-15", enrollment_id=pre_employment)


def test_R8_refuses_a_course_not_completed_by_paid_on(ledger: Ledger) -> None:
    standards(ledger)
    funded(ledger)
    worker = b.worker(ledger)
    enrolled = b.enrollment(ledger, worker, started_on="2018-03-01")
    b.attend(ledger, enrolled, "2018-03-02")
    with b.refused("R8", ledger):
        b.pay(ledger, "R8", worker, "2018-06-15", enrollment_id=enrolled)
    b.complete(ledger, enrolled, "2018-06-16")
    with b.refused("R8", ledger):
        b.pay(ledger, "R8", worker, "2018-06-15", enrollment_id=enrolled)


def test_R8_is_paid_to_the_worker_or_the_institution_not_another(ledger: Ledger) -> None:
    standards(ledger)
    funded(ledger)
    _, _, enrolled = course(ledger)
    stranger = b.organisation(ledger, "training_institution")
    with b.refused("R8", ledger):
        b.pay(ledger, "R8", stranger, "2018-06-15", enrollment_id=enrolled)


@pytest.mark.both_stores
def test_R8_pays_a_course_completion_once_whoever_claims_it_R20(ledger: Ledger) -> None:
    standards(ledger)
    funded(ledger)
    worker, institution, enrolled = course(ledger)
    b.pay(ledger, "R8", institution, "2018-06-15", enrollment_id=enrolled)
    with b.refused("R20", ledger):
        b.pay(ledger, "R8", worker, "2019-01-15", enrollment_id=enrolled)
    assert b.balance(ledger, "employment_fund", b.HOME) == "8300.00"


# --- R10 and R19: 20 a day actually attended, once per day ------------------------------


@pytest.mark.both_stores
def test_R10_pays_20_per_attended_day_and_a_second_claim_only_the_new_days(ledger: Ledger) -> None:
    funded(ledger)
    worker = b.worker(ledger)
    enrolled = b.enrollment(ledger, worker, started_on="2018-03-01")
    b.attend(ledger, enrolled, "2018-03-01", "2018-03-02", "2018-03-05", "2018-03-09")
    first = b.pay(ledger, "R10", worker, "2018-03-05", enrollment_id=enrolled)
    assert money_str(first.amount) == "60.00"  # three days attended by paid_on
    assert list(first.covers) == ["2018-03-01", "2018-03-02", "2018-03-05"]
    assert {"source": first.source, "division": first.division} == {
        "source": "employment_fund",
        "division": b.HOME,
    }
    b.attend(ledger, enrolled, "2018-03-12")
    second = b.pay(ledger, "R10", worker, "2018-03-12", enrollment_id=enrolled)
    assert money_str(second.amount) == "40.00"
    assert list(second.covers) == ["2018-03-09", "2018-03-12"]
    with b.refused("R19", ledger):
        b.pay(ledger, "R10", worker, "2018-03-20", enrollment_id=enrolled)
    assert b.balance(ledger, "employment_fund", b.HOME) == "9900.00"


def test_R10_is_for_pre_employment_courses_only(ledger: Ledger) -> None:
    funded(ledger)
    worker = b.worker(ledger)
    enrolled = b.enrollment(ledger, worker, kind="upgrade", started_on="2018-03-01")
    b.attend(ledger, enrolled, "2018-03-02")
    with b.refused("R10", ledger):
        b.pay(ledger, "R10", worker, "2018-03-05", enrollment_id=enrolled)


def test_R10_is_paid_to_the_worker_only(ledger: Ledger) -> None:
    funded(ledger)
    worker = b.worker(ledger)
    institution = b.organisation(ledger, "training_institution")
    enrolled = b.enrollment(ledger, worker, started_on="2018-03-01", institution_id=institution)
    b.attend(ledger, enrolled, "2018-03-02")
    with b.refused("R10", ledger):
        b.pay(ledger, "R10", institution, "2018-03-05", enrollment_id=enrolled)


# --- R11: drawing unemployment benefits on the course's first attended day -------------


@pytest.mark.parametrize(
    ("started", "ended", "insurance_pays"),
    [
        ("2018-03-02", None, True),  # first day drawing is the first attended day
        ("2018-02-01", "2018-03-02", True),  # last day drawing is the first attended day
        ("2018-02-01", "2018-03-01", False),  # benefits ended the day before
        ("2018-03-03", None, False),  # benefits start after the first attended day
    ],
    ids=["started-that-day", "ended-that-day", "ended-the-day-before", "started-the-day-after"],
)
def test_R11_pays_from_the_unemployment_insurance_fund_when_drawing_benefits_on_the_first_day(
    ledger: Ledger, started: str, ended: str | None, insurance_pays: bool
) -> None:
    standards(ledger)
    funded(ledger)
    worker = b.worker(ledger)
    b.post(ledger, "UnemploymentBenefitStarted", worker_id=worker, on=started)
    if ended:
        b.post(ledger, "UnemploymentBenefitEnded", worker_id=worker, on=ended)
    enrolled = b.enrollment(ledger, worker, started_on="2018-03-01")
    b.attend(ledger, enrolled, "2018-03-02", "2018-03-05")
    b.complete(ledger, enrolled, "2018-03-30")
    course_paid = b.pay(ledger, "R8", worker, "2018-04-02", enrollment_id=enrolled)
    allowance = b.pay(ledger, "R10", worker, "2018-04-02", enrollment_id=enrolled)
    source = "unemployment_insurance_fund" if insurance_pays else "employment_fund"
    for paid, rule, amount in ((course_paid, "R8", "1700.00"), (allowance, "R10", "40.00")):
        assert paid.rule == rule
        assert money_str(paid.amount) == amount
        assert {"source": paid.source, "division": paid.division} == {
            "source": source,
            "division": b.HOME,
        }
        assert paid.funding_rule == ("R11" if insurance_pays else rule)
    assert b.balance(ledger, source, b.HOME) == "8260.00"


# --- Paying county: R8–R10 come from the training county's fund, never a higher one -----


@pytest.mark.parametrize("rule", ["R8", "R9", "R10"])
@pytest.mark.parametrize("division", [CHANGSHA, "430000"], ids=["prefecture", "province"])
def test_R8_to_R10_are_refused_naming_the_rule_when_the_training_division_is_not_a_county(
    ledger: Ledger, rule: str, division: str
) -> None:
    # 二(二)3: 所需资金从当地就业补助资金中列支 — the county's fund, not the province's.
    b.training_standard(ledger, "1000.00", "430000", "电工", "2017-07-01")
    b.appropriate(ledger, "10000.00", "employment_fund", division)
    kind = "upgrade" if rule == "R9" else "pre_employment"
    worker, _, enrolled = course(ledger, kind, division, "2018-05-31")
    with b.refused(rule, ledger) as refusal:
        b.pay(ledger, rule, worker, "2018-06-15", enrollment_id=enrolled)
    assert refusal.error is not None and "county" in refusal.error.detail
