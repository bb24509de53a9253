"""Who is covered and when: R1 (registered, of working age, willing to work) and R2/R22
(the policy's window), each read on the date the subsidy is earned. The transport subsidy
R12 is earned on the placement's start, so it probes that date exactly. (R24, one person
one worker, is a guard: tests/unit/test_guards.py.)"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import PolicyRefusal
from domain.policy import Decision, decide
from domain.policy.common import WINDOW_CLOSES, WINDOW_OPENS, check_window, ineligibility
from domain.reference import ReferenceData
from domain.worker import Worker
from tests.unit import facts as f


def transport(
    started_on: str = "2018-01-15",
    birth_date: str = "1990-03-07",
    registered_on: str = "2017-01-01",
    someone: Worker | None = None,
    data: ReferenceData | None = None,
) -> tuple[Worker, str, ReferenceData]:
    """A worker of 芙蓉区 placed in 广州 on `started_on`, and a transport standard of 300."""
    someone = someone or f.worker(birth_date, registered_on=registered_on)
    if data is None:
        data = f.reference()
        f.transport_standard(data, "300.00", effective_from="2017-01-01")
    placed = f.placement(someone, f.organisation(division=f.ELSEWHERE), started_on)
    return someone, placed, data


def transport_paid(someone: Worker, placed: str, data: ReferenceData, paid_on: str) -> Decision:
    asked = f.request("R12", someone, paid_on, placement_id=placed)
    return decide(asked, f.facts(someone, reference=data))


# --- R1: working age in completed years, registration and willingness, on the earning date


@pytest.mark.parametrize(
    ("birth_date", "covered"),
    [
        ("2002-01-15", True),  # the 16th birthday
        ("2002-01-16", False),  # the day before the 16th birthday: 15
        ("1957-01-16", True),  # the day before the 61st birthday: still 60
        ("1957-01-15", False),  # the 61st birthday
    ],
    ids=["16th-birthday", "day-before-16th", "day-before-61st", "61st-birthday"],
)
def test_R1_covers_a_worker_from_the_16th_birthday_to_the_day_before_the_61st(
    birth_date: str, covered: bool
) -> None:
    """POLICY: "16 to 60 inclusive" means from the 16th birthday to the day before the 61st."""
    someone, placed, data = transport("2018-01-15", birth_date)
    if covered:
        assert transport_paid(someone, placed, data, "2018-01-15").amount == 300
    else:
        with f.refused("R1"):
            transport_paid(someone, placed, data, "2018-01-15")


@pytest.mark.parametrize(("on", "covered"), [("2017-02-28", True), ("2017-03-01", False)])
def test_R1_a_worker_born_on_29_february_turns_61_on_1_march_of_a_common_year(
    on: str, covered: bool
) -> None:
    someone = f.worker("1956-02-29", registered_on="2010-01-01")
    assert (ineligibility(someone, f.day(on), None) is None) == covered


def test_R1_reads_the_age_on_the_earning_date_not_on_paid_on() -> None:
    """60 when the placement starts, 61 when it is paid: the earning date decides."""
    someone, placed, data = transport("2018-01-15", "1957-02-01")
    assert transport_paid(someone, placed, data, "2018-03-01").amount == 300


def birthday(born: date, years: int) -> date:
    """The `years`-th birthday; one born on 29 February has it on 1 March in a common year."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


@settings(max_examples=100, deadline=None, database=None)
@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)))
def test_R1_working_age_begins_on_the_16th_birthday_and_ends_the_day_before_the_61st(
    born: date,
) -> None:
    someone = f.worker(born.isoformat(), registered_on="1900-01-01")
    covered = {
        on: ineligibility(someone, on, None) is None
        for on in (
            birthday(born, 16) - timedelta(days=1),
            birthday(born, 16),
            birthday(born, 61) - timedelta(days=1),
            birthday(born, 61),
        )
    }
    assert list(covered.values()) == [False, True, True, False], covered


def test_R1_reads_the_working_age_set_in_force_on_the_earning_date() -> None:
    data = f.reference()
    f.transport_standard(data, "300.00", effective_from="2017-01-01")
    f.working_age(data, 18, 55, effective_from="2018-03-01")
    young, old = "2001-01-01", "1962-01-01"  # 17 and 56 in 2018
    for birth_date in (young, old):
        someone, before, _ = transport("2018-02-28", birth_date, data=data)
        assert transport_paid(someone, before, data, "2018-03-15").amount == 300  # 16–60 then
        _, after, _ = transport("2018-03-01", someone=someone, data=data)
        with f.refused("R1"):
            transport_paid(someone, after, data, "2018-03-15")


@pytest.mark.parametrize(
    ("registered_on", "covered"), [("2018-01-15", True), ("2018-01-16", False)]
)
def test_R1_covers_a_worker_from_the_registration_date_on(
    registered_on: str, covered: bool
) -> None:
    someone, placed, data = transport("2018-01-15", registered_on=registered_on)
    if covered:
        assert transport_paid(someone, placed, data, "2018-02-01").amount == 300
    else:
        with f.refused("R1"):
            transport_paid(someone, placed, data, "2018-02-01")


def test_R1_refuses_a_worker_surveyed_unemployed_and_unwilling_on_the_earning_date() -> None:
    """一(二): 有就业或创业意愿 — the latest survey on or before the earning date decides."""
    someone, unwilling_then, data = transport("2018-01-15")
    f.survey(someone, "2017-12-01", "unemployed", willing_to_work=False)
    with f.refused("R1") as refusal:
        transport_paid(someone, unwilling_then, data, "2018-02-01")
    assert "unwilling" in refusal.value.reason
    f.survey(someone, "2018-02-01", "unemployed", willing_to_work=True)
    _, willing_now, _ = transport("2018-03-01", someone=someone, data=data)
    assert transport_paid(someone, willing_now, data, "2018-03-01").amount == 300
    with f.refused("R1"):  # the later survey does not reach back to the earlier start
        transport_paid(someone, unwilling_then, data, "2018-03-01")


def test_R1_covers_a_worker_never_surveyed_and_one_surveyed_employed() -> None:
    someone, placed, data = transport("2018-01-15")
    assert transport_paid(someone, placed, data, "2018-01-15").amount == 300
    f.survey(
        someone,
        "2018-01-01",
        "employed",
        willing_to_work=None,  # the employed are willing unless said otherwise
        work_division=f.ELSEWHERE,
        employer_name="某某公司",
        employer_contact="020-1234567",
    )
    assert transport_paid(someone, placed, data, "2018-01-15").amount == 300


# --- R2: the window 2017-07-01 … 2020-12-31, on the earning date -------------------------


@pytest.mark.parametrize(
    ("started_on", "in_window"),
    [("2017-06-30", False), ("2017-07-01", True), ("2020-12-31", True), ("2021-01-01", False)],
)
def test_R2_pays_only_a_subsidy_earned_inside_the_window(started_on: str, in_window: bool) -> None:
    someone, placed, data = transport(started_on)
    # Recording the facts themselves is allowed outside the window.
    assert someone.placements[placed].started_on == f.day(started_on)
    if in_window:
        assert transport_paid(someone, placed, data, started_on).amount == 300
    else:
        with f.refused("R2"):
            transport_paid(someone, placed, data, started_on)


def test_R2_a_subsidy_earned_on_the_last_day_is_paid_after_the_window_closes() -> None:
    """本实施意见……执行至2020年12月31日: what was earned by then is still paid later."""
    someone, placed, data = transport("2020-12-31")
    assert transport_paid(someone, placed, data, "2021-03-01").amount == 300


# --- R22: the guard that enforces R2 -----------------------------------------------------


@pytest.mark.parametrize(
    ("earned_on", "inside"),
    [
        (WINDOW_OPENS - timedelta(days=1), False),
        (WINDOW_OPENS, True),
        (WINDOW_CLOSES, True),
        (WINDOW_CLOSES + timedelta(days=1), False),
    ],
)
def test_R22_refuses_an_earning_date_outside_2017_07_01_to_2020_12_31_naming_R2(
    earned_on: date, inside: bool
) -> None:
    assert (date(2017, 7, 1), date(2020, 12, 31)) == (WINDOW_OPENS, WINDOW_CLOSES)
    if inside:
        check_window(earned_on)
    else:
        with pytest.raises(PolicyRefusal) as refusal:
            check_window(earned_on)
        assert refusal.value.rule == "R2"  # docs/policy.md: R22 enforces R2 and names it


def test_R22_reads_the_window_on_the_earning_date_not_on_a_later_paid_on() -> None:
    someone, placed, data = transport("2017-06-30")
    with f.refused("R2"):
        transport_paid(someone, placed, data, "2017-08-01")
