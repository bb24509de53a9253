"""Training: R5 one course a day, R6 two-after students, R8 pre-employment subsidy, R9
skill upgrade subsidy, R10 living allowance, R11's switch to the unemployment insurance
fund, and the training's county that pays them. 二(二)3."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.claims import Claims
from domain.errors import Conflict, InvalidInput
from domain.organisation import Organisation
from domain.policy import Decision, decide
from domain.reference import ReferenceData
from domain.worker import Worker
from tests.unit import facts as f

# --- R5: a worker attends at most one course on one calendar day -------------------------


def test_R5_refuses_a_second_attendance_on_a_day_already_recorded_whichever_course() -> None:
    someone = f.worker()
    electrician = f.enrolment(someone, category="电工", started_on="2018-03-01")
    welder = f.enrolment(someone, category="焊工", started_on="2018-03-01")
    f.attend(someone, electrician, "2018-03-02")
    for course in (welder, electrician):
        with f.refused("R5"):
            f.attend(someone, course, "2018-03-02")
    f.attend(someone, welder, "2018-03-03")  # another day is fine
    assert someone.enrollment(electrician).days == (f.day("2018-03-02"),)
    assert someone.enrollment(welder).days == (f.day("2018-03-03"),)


def test_R5_a_day_before_the_start_is_invalid_and_one_after_completion_a_conflict() -> None:
    someone = f.worker()
    course = f.enrolment(someone, started_on="2018-03-01")
    with pytest.raises(InvalidInput):
        f.attend(someone, course, "2018-02-28")
    f.attend(someone, course, "2018-03-01")
    f.complete(someone, course, "2018-03-30")
    with pytest.raises(Conflict):
        f.attend(someone, course, "2018-03-31")
    assert someone.enrollment(course).days == (f.day("2018-03-01"),)


# --- R6: two-after students ---------------------------------------------------------------


@pytest.mark.parametrize("two_after_student", [True, False])
def test_R6_the_enrolment_keeps_whether_the_worker_is_a_two_after_student(
    two_after_student: bool,
) -> None:
    """“两后生” are counted towards the 45,000 target by the projections; the enrolment
    keeps the flag they count by."""
    someone = f.worker("2001-09-01")
    course = f.enrolment(someone, two_after_student=two_after_student)
    assert someone.enrollment(course).two_after_student is two_after_student


def test_R6_an_enrolment_is_not_a_two_after_student_unless_it_says_so() -> None:
    someone = f.worker()
    assert someone.enrollment(f.enrolment(someone)).two_after_student is False


# --- R8 and R9: the category standard in force on completion ------------------------------


def standards() -> ReferenceData:
    """长沙市's standard for 电工 rises on 2018-06-01; 天心区 has its own; 焊工 differs."""
    data = f.reference()
    f.training_standard(data, "1000.00", f.CHANGSHA, "电工", "2017-07-01")
    f.training_standard(data, "1200.00", f.CHANGSHA, "电工", "2018-06-01")
    f.training_standard(data, "800.00", f.TIANXIN, "电工", "2017-07-01")
    f.training_standard(data, "9999.00", f.HOME, "焊工", "2017-07-01")
    return data


def course(
    kind: str = "pre_employment",
    division: str = f.HOME,
    completed_on: str | None = "2018-05-31",
    someone: Worker | None = None,
) -> tuple[Worker, Organisation, str]:
    """A course of 电工 started 2018-03-01, attended 03-02 and 03-05, with an institution."""
    someone = someone or f.worker()
    institution = f.organisation("training_institution", division)
    enrolled = f.enrolment(someone, kind, division, "2018-03-01", institution)
    f.attend(someone, enrolled, "2018-03-02", "2018-03-05")
    if completed_on is not None:
        f.complete(someone, enrolled, completed_on)
    return someone, institution, enrolled


def training(
    rule: str,
    someone: Worker,
    payee: Worker | Organisation,
    enrolled: str,
    paid_on: str = "2018-06-15",
    data: ReferenceData | None = None,
    claims: Claims | None = None,
    **sent: str,
) -> Decision:
    asked = f.request(rule, payee, paid_on, enrollment_id=enrolled, **sent)
    known = f.facts(someone, reference=data or standards(), claims=claims)
    return f.pay(asked, known, claims) if claims is not None else decide(asked, known)


@pytest.mark.parametrize(
    ("division", "completed_on", "amount"),
    [
        (f.HOME, "2018-05-31", "1700.00"),  # 长沙市's 1000 × 1.7, found for the county
        (f.HOME, "2018-06-01", "2040.00"),  # the standard in force on completion: 1200 × 1.7
        (f.TIANXIN, "2018-06-01", "1360.00"),  # the county's own standard first: 800 × 1.7
    ],
)
def test_R8_pays_1_7_times_the_category_standard_in_force_on_completion(
    division: str, completed_on: str, amount: str
) -> None:
    """二(二)3: 在同类职业培训补贴标准基础上上浮70%……从当地就业补助资金中列支."""
    someone, institution, enrolled = course("pre_employment", division, completed_on)
    decision = training("R8", someone, institution, enrolled)
    assert decision.amount == Decimal(amount)
    assert (decision.source, decision.division) == ("employment_fund", division)
    assert (decision.earned_on, decision.funding_rule) == (f.day(completed_on), "R8")
    assert decision.claims == {f"R8/enrollment/{enrolled}": "R20"}


@pytest.mark.parametrize(
    ("completed_on", "amount"), [("2018-05-31", "500.00"), ("2018-06-01", "600.00")]
)
def test_R9_pays_half_the_category_pre_employment_standard_in_force_on_completion(
    completed_on: str, amount: str
) -> None:
    """二(二)3: 岗位技能提升培训补贴按就业前技能培训补贴标准的50%给予."""
    someone, _, enrolled = course("upgrade", f.HOME, completed_on)
    decision = training("R9", someone, someone, enrolled)
    assert decision.amount == Decimal(amount)
    assert (decision.source, decision.division, decision.funding_rule) == (
        "employment_fund",
        f.HOME,
        "R9",
    )


@pytest.mark.parametrize(
    ("rule", "kind", "amount"), [("R8", "pre_employment", "566.66"), ("R9", "upgrade", "166.67")]
)
def test_R8_and_R9_round_the_amount_half_up_to_the_cent(rule: str, kind: str, amount: str) -> None:
    """333.33 × 1.7 = 566.661 and 333.33 × 0.5 = 166.665 (docs/policy.md: half-up)."""
    data = f.reference()
    f.training_standard(data, "333.33")
    someone, _, enrolled = course(kind)
    assert training(rule, someone, someone, enrolled, data=data).amount == Decimal(amount)


@pytest.mark.parametrize(("rule", "kind"), [("R8", "upgrade"), ("R9", "pre_employment")])
def test_R8_and_R9_each_pay_only_their_own_kind_of_course(rule: str, kind: str) -> None:
    someone, _, enrolled = course(kind)
    with f.refused(rule):
        training(rule, someone, someone, enrolled)


@pytest.mark.parametrize(
    "completed_on", [None, "2018-06-16"], ids=["not-completed", "completed-later"]
)
def test_R8_refuses_a_course_not_completed_by_paid_on(completed_on: str | None) -> None:
    someone, _, enrolled = course(completed_on=completed_on)
    with f.refused("R8"):
        training("R8", someone, someone, enrolled, "2018-06-15")


def test_R8_is_paid_to_the_worker_or_the_course_institution_and_nobody_else() -> None:
    someone, institution, enrolled = course()
    assert training("R8", someone, someone, enrolled).amount == 1700
    assert training("R8", someone, institution, enrolled).amount == 1700
    with f.refused("R8"):
        training("R8", someone, f.organisation("training_institution"), enrolled)


def test_R9_refuses_when_no_standard_for_the_category_is_in_force_on_completion() -> None:
    data = f.reference()
    f.training_standard(data, "1000.00", f.HOME, "电工", effective_from="2018-06-01")
    someone, _, enrolled = course("upgrade", completed_on="2018-05-31")
    with f.refused("R9"):
        training("R9", someone, someone, enrolled, data=data)


@pytest.mark.parametrize(
    ("registered_on", "completed_on", "rule"),
    [
        ("2018-05-31", "2018-05-31", None),
        ("2018-06-01", "2018-05-31", "R1"),
        ("2017-01-01", "2021-01-01", "R2"),
    ],
    ids=["registered-on-completion", "registered-after-completion", "completed-after-the-window"],
)
def test_R8_reads_R1_and_R2_on_the_completion_date(
    registered_on: str, completed_on: str, rule: str | None
) -> None:
    someone, _, enrolled = course(
        completed_on=completed_on, someone=f.worker(registered_on=registered_on)
    )
    if rule is None:
        assert training("R8", someone, someone, enrolled, "2021-02-01").amount == 1700
    else:
        with f.refused(rule):
            training("R8", someone, someone, enrolled, "2021-02-01")


@pytest.mark.parametrize(
    ("rule", "kind", "decided"), [("R8", "pre_employment", "1700.00"), ("R9", "upgrade", "500.00")]
)
def test_R8_and_R9_refuse_an_amount_other_than_the_decided_one_naming_their_rule(
    rule: str, kind: str, decided: str
) -> None:
    someone, _, enrolled = course(kind)
    with f.refused(rule):
        training(rule, someone, someone, enrolled, amount="1000.00")
    assert training(rule, someone, someone, enrolled, amount=decided).amount == Decimal(decided)


# --- R10 and R19: 20 a day actually attended, once a day ---------------------------------


def attending(
    *days: str, kind: str = "pre_employment", registered_on: str = "2017-01-01"
) -> tuple[Worker, str]:
    someone = f.worker(registered_on=registered_on)
    enrolled = f.enrolment(someone, kind, started_on="2017-06-01")
    f.attend(someone, enrolled, *days)
    return someone, enrolled


def test_R10_pays_20_per_day_attended_by_paid_on_and_a_later_claim_only_the_new_days() -> None:
    """二(二)3: 培训期间按实际到课时间每人每天给予20元."""
    someone, enrolled = attending("2018-03-01", "2018-03-02", "2018-03-05", "2018-03-09")
    claims = f.claims_of(someone)
    first = training("R10", someone, someone, enrolled, "2018-03-05", claims=claims)
    assert (first.amount, first.covers) == (60, ("2018-03-01", "2018-03-02", "2018-03-05"))
    assert (first.source, first.division, first.earned_on) == (
        "employment_fund",
        f.HOME,
        f.day("2018-03-05"),
    )
    assert first.claims == {f"R10/day/2018-03-0{d}": "R19" for d in (1, 2, 5)}
    f.attend(someone, enrolled, "2018-03-12")
    second = training("R10", someone, someone, enrolled, "2018-03-12", claims=claims)
    assert (second.amount, second.covers) == (40, ("2018-03-09", "2018-03-12"))


def test_R10_is_for_pre_employment_courses_only() -> None:
    someone, enrolled = attending("2018-03-02", kind="upgrade")
    with f.refused("R10"):
        training("R10", someone, someone, enrolled, "2018-03-05")


def test_R10_is_paid_to_the_worker_only() -> None:
    someone, enrolled = attending("2018-03-02")
    with f.refused("R10"):
        training("R10", someone, f.organisation("training_institution"), enrolled, "2018-03-05")


def test_R10_refuses_when_no_day_was_attended_by_paid_on() -> None:
    someone, enrolled = attending("2018-03-02")
    with f.refused("R10"):
        training("R10", someone, someone, enrolled, "2018-03-01")


def test_R10_leaves_out_days_outside_the_window_and_refuses_naming_R2_when_none_is_left() -> None:
    """docs/policy.md: R10 days outside the window are left out of a claim, not refused with it."""
    someone, enrolled = attending("2017-06-29", "2017-06-30", "2017-07-01")
    decision = training("R10", someone, someone, enrolled, "2017-07-05")
    assert (decision.amount, decision.covers) == (20, ("2017-07-01",))
    early, early_course = attending("2017-06-29", "2017-06-30")
    with f.refused("R2"):
        training("R10", early, early, early_course, "2017-07-05")


def test_R10_leaves_out_days_before_registration_and_refuses_naming_R1_when_none_is_left() -> None:
    someone, enrolled = attending("2018-03-01", "2018-03-02", registered_on="2018-03-02")
    assert training("R10", someone, someone, enrolled, "2018-03-05").covers == ("2018-03-02",)
    late, late_course = attending("2018-03-01", registered_on="2018-03-02")
    with f.refused("R1"):
        training("R10", late, late, late_course, "2018-03-05")


def test_R10_refuses_an_amount_other_than_20_per_payable_day_naming_R10() -> None:
    someone, enrolled = attending("2018-03-01", "2018-03-02")
    with f.refused("R10"):
        training("R10", someone, someone, enrolled, "2018-03-05", amount="20.00")
    assert training("R10", someone, someone, enrolled, "2018-03-05", amount="40.00").amount == 40


# --- R11: drawing unemployment benefits on the course's first attended day ----------------


@pytest.mark.parametrize(
    ("first_drawn", "last_drawn", "insurance_pays"),
    [
        ("2018-03-02", None, True),  # first day drawing is the first attended day
        ("2018-02-01", "2018-03-02", True),  # last day drawing is the first attended day
        ("2018-02-01", "2018-03-01", False),  # benefits ended the day before
        ("2018-03-03", None, False),  # benefits start after the first attended day
    ],
    ids=["started-that-day", "ended-that-day", "ended-the-day-before", "started-the-day-after"],
)
@pytest.mark.parametrize("rule", ["R8", "R9", "R10"])
def test_R11_moves_R8_to_R10_to_the_unemployment_insurance_fund_read_on_the_first_attended_day(
    rule: str, first_drawn: str, last_drawn: str | None, insurance_pays: bool
) -> None:
    """二(二)3: 正在领取失业保险金的失业人员进行再就业培训的，补贴资金在失业保险基金中列支.
    `UnemploymentBenefitStarted.on` is the first day drawing, `…Ended.on` the last."""
    someone = f.worker()
    f.benefits(someone, first_drawn, last_drawn)
    kind = "upgrade" if rule == "R9" else "pre_employment"
    someone, _, enrolled = course(kind, completed_on="2018-03-30", someone=someone)
    decision = training(rule, someone, someone, enrolled, "2018-04-02")
    source = "unemployment_insurance_fund" if insurance_pays else "employment_fund"
    assert (decision.rule, decision.source, decision.division) == (rule, source, f.HOME)
    assert decision.funding_rule == ("R11" if insurance_pays else rule)


def test_R11_is_read_on_the_first_attended_day_not_on_completion() -> None:
    someone = f.worker()
    f.benefits(someone, "2018-03-03")  # drawing from the second attended day to completion
    someone, _, enrolled = course(completed_on="2018-03-30", someone=someone)
    decision = training("R8", someone, someone, enrolled, "2018-04-02")
    assert (decision.source, decision.funding_rule) == ("employment_fund", "R8")


def test_R11_is_read_on_the_course_start_while_no_day_is_attended() -> None:
    someone = f.worker()
    f.benefits(someone, "2018-03-01", "2018-03-01")
    enrolled = f.enrolment(someone, started_on="2018-03-01")
    f.complete(someone, enrolled, "2018-03-30")
    decision = training("R8", someone, someone, enrolled, "2018-04-02")
    assert (decision.source, decision.funding_rule) == ("unemployment_insurance_fund", "R11")


def test_R11_is_not_a_subsidy_that_can_be_requested_on_its_own() -> None:
    someone, _, enrolled = course()
    with pytest.raises(InvalidInput) as invalid:
        training("R11", someone, someone, enrolled)
    assert invalid.value.field == "rule"


# --- Paying county: R8–R10 come from the training county's fund, never a higher one ------


@pytest.mark.parametrize("benefits", [False, True], ids=["employment-fund", "under-R11"])
@pytest.mark.parametrize("division", [f.CHANGSHA, f.PROVINCE], ids=["prefecture", "province"])
@pytest.mark.parametrize("rule", ["R8", "R9", "R10"])
def test_R8_to_R10_are_refused_naming_the_rule_when_the_training_division_is_not_a_county(
    rule: str, division: str, benefits: bool
) -> None:
    """POLICY "Paying county": 从当地就业补助资金中列支 — never the provincial fund, also
    when R11 moves the payment to the unemployment insurance fund."""
    data = f.reference()
    f.training_standard(data, "1000.00", f.PROVINCE)
    someone = f.worker()
    if benefits:
        f.benefits(someone, "2018-01-01")
    kind = "upgrade" if rule == "R9" else "pre_employment"
    someone, _, enrolled = course(kind, division, someone=someone)
    with f.refused(rule) as refusal:
        training(rule, someone, someone, enrolled, data=data)
    assert "county" in refusal.value.reason
