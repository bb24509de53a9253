"""Who is covered and when: R1 (registered, working age, willing), R2 (the policy's window)
and R24 (one person, one worker). R1 and R2 are read on the date a subsidy is earned; the
transport subsidy R12 is earned on the placement's start, so it probes them exactly."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import Conflict, InvalidInput, NotFound
from domain.values import id_check_char, money_str
from service.intake import record_json
from service.ledger import Ledger
from tests import builders as b


def transport_claim(
    ledger: Ledger,
    started_on: str = "2018-01-15",
    birth_date: str = "1990-03-07",
    registered_on: str = "2017-01-01",
    worker: str | None = None,
) -> tuple[str, str]:
    """A worker of 芙蓉区 placed in 广州 on `started_on`, with the standard and money to pay R12."""
    try:
        ledger.get_account("local_treasury", b.HOME)
    except NotFound:  # the first claim of the test: the standard and the money
        b.transport_standard(ledger, "300.00", effective_from="2017-01-01")
        b.appropriate(ledger, "10000.00", "local_treasury", on="2017-01-01")
    worker = worker or b.worker(ledger, birth_date=birth_date, registered_on=registered_on)
    return worker, b.placement(ledger, worker, b.organisation(ledger), started_on, b.ELSEWHERE)


def pays(ledger: Ledger, worker: str, placement: str, paid_on: str) -> str:
    return money_str(b.pay(ledger, "R12", worker, paid_on, placement_id=placement).amount)


# --- R1: working age, in completed years, on the earning date ---------------------------


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
def test_R1_covers_workers_from_the_16th_birthday_to_the_day_before_the_61st(
    ledger: Ledger, birth_date: str, covered: bool
) -> None:
    worker, placement = transport_claim(ledger, "2018-01-15", birth_date)
    if covered:
        assert pays(ledger, worker, placement, "2018-01-15") == "300.00"
    else:
        with b.refused("R1", ledger):
            pays(ledger, worker, placement, "2018-01-15")


def test_R1_reads_the_working_age_set_in_force_on_the_earning_date(ledger: Ledger) -> None:
    b.post(ledger, "WorkingAgeSet", by="admin", min_age=18, max_age=55, effective_from="2018-03-01")
    young = "2001-01-01"  # 17 in 2018
    old = "1962-01-01"  # 56 in 2018
    worker, before = transport_claim(ledger, "2018-02-28", young)
    assert pays(ledger, worker, before, "2018-03-15") == "300.00"  # the default 16–60 still applied
    worker, after = transport_claim(ledger, "2018-03-01", young)
    with b.refused("R1", ledger):
        pays(ledger, worker, after, "2018-03-15")
    worker, after = transport_claim(ledger, "2018-03-01", old)
    with b.refused("R1", ledger):
        pays(ledger, worker, after, "2018-03-15")
    worker, before = transport_claim(ledger, "2018-02-28", old)
    assert pays(ledger, worker, before, "2018-03-15") == "300.00"


@pytest.mark.parametrize(
    ("registered_on", "covered"), [("2018-01-15", True), ("2018-01-16", False)]
)
def test_R1_covers_a_worker_only_from_the_registration_date(
    ledger: Ledger, registered_on: str, covered: bool
) -> None:
    worker, placement = transport_claim(ledger, "2018-01-15", registered_on=registered_on)
    if covered:
        assert pays(ledger, worker, placement, "2018-02-01") == "300.00"
    else:
        with b.refused("R1", ledger):
            pays(ledger, worker, placement, "2018-02-01")


def survey(ledger: Ledger, worker: str, surveyed_on: str, **found: Any) -> None:
    b.post(
        ledger,
        "WorkerSurveyed",
        worker_id=worker,
        surveyed_on=surveyed_on,
        surveyor="李四",
        service_needs=[],
        **found,
    )


def test_R1_refuses_a_worker_surveyed_unemployed_and_unwilling_until_a_later_survey(
    ledger: Ledger,
) -> None:
    worker, unwilling_then = transport_claim(ledger, "2018-01-15")
    survey(ledger, worker, "2017-12-01", status="unemployed", willing_to_work=False)
    with b.refused("R1", ledger):
        pays(ledger, worker, unwilling_then, "2018-02-01")
    survey(ledger, worker, "2018-02-01", status="unemployed", willing_to_work=True)
    _, willing_now = transport_claim(ledger, "2018-03-01", worker=worker)
    assert pays(ledger, worker, willing_now, "2018-03-01") == "300.00"
    with b.refused("R1", ledger):  # what counts is the survey in force on the earning date
        pays(ledger, worker, unwilling_then, "2018-03-01")


# --- R2: the window 2017-07-01 … 2020-12-31 ---------------------------------------------


@pytest.mark.parametrize(
    ("started_on", "in_window"),
    [("2017-06-30", False), ("2017-07-01", True), ("2020-12-31", True), ("2021-01-01", False)],
)
def test_R2_pays_only_a_subsidy_earned_inside_the_window(
    ledger: Ledger, started_on: str, in_window: bool
) -> None:
    worker, placement = transport_claim(ledger, started_on)
    # Recording the facts themselves is allowed outside the window.
    assert ledger.get_worker(worker).placements[placement].started_on.isoformat() == started_on
    if in_window:
        assert pays(ledger, worker, placement, started_on) == "300.00"
    else:
        with b.refused("R2", ledger):
            pays(ledger, worker, placement, started_on)


# --- R24: one person, one worker ---------------------------------------------------------


def register(ledger: Ledger, worker_id: str, number: str, birth_date: str = "1990-03-07") -> Any:
    return b.worker(ledger, worker_id, birth_date=birth_date, number=number)


@pytest.mark.both_stores
def test_R24_refuses_the_same_id_number_under_a_second_worker_id(ledger: Ledger) -> None:
    number = b.id_number("1990-03-07")
    register(ledger, "w-first", number)
    with b.refused("R24", ledger):
        register(ledger, "w-second", number)
    with pytest.raises(Conflict):  # the same worker id again is a conflict of ids
        register(ledger, "w-first", b.id_number("1990-03-07"))


@pytest.mark.both_stores
def test_R24_refuses_one_id_number_twice_within_a_batch(ledger: Ledger) -> None:
    number = b.id_number("1990-03-07")
    items = [
        {
            "event_id": b.next_id("ev"),
            "type": "WorkerRegistered",
            "data": {
                "worker_id": worker_id,
                "name": "王五",
                "id_number": number,
                "birth_date": "1990-03-07",
                "home_division": b.HOME,
                "registered_on": "2017-01-01",
            },
        }
        for worker_id in ("w-a", "w-b")
    ]
    with b.refused("R24", ledger):
        record_json(ledger, items, "clerk")


@pytest.mark.both_stores
def test_R24_refuses_a_lowercase_x_spelling_of_an_id_number(ledger: Ledger) -> None:
    """One person, one spelling: a lower-case x would be a second spelling of the number."""
    first17 = next(
        f"{b.HOME}19900307{serial:03d}"
        for serial in range(1000)
        if id_check_char(f"{b.HOME}19900307{serial:03d}") == "X"
    )
    with pytest.raises(InvalidInput, match="upper-case X"):
        register(ledger, "w-lower", first17 + "x")
    register(ledger, "w-upper", first17 + "X")
    with b.refused("R24", ledger):
        register(ledger, "w-again", first17 + "X")


def test_R3_of_two_surveys_on_the_same_date_the_one_recorded_later_decides(
    ledger: Ledger,
) -> None:
    # 二(一)1: 对信息不准确的重新摸查和录入 — a re-survey dated the same day supersedes.
    worker, placement = transport_claim(ledger, "2018-03-01")
    survey(ledger, worker, "2018-03-01", status="unemployed", willing_to_work=False)
    survey(ledger, worker, "2018-03-01", status="unemployed", willing_to_work=True)
    assert pays(ledger, worker, placement, "2018-03-01") == "300.00"
    survey(ledger, worker, "2018-03-01", status="unemployed", willing_to_work=False)
    _, next_year = transport_claim(ledger, "2019-01-15", worker=worker)
    with b.refused("R1", ledger):  # a third, recorded later still, decides in its turn
        pays(ledger, worker, next_year, "2019-01-15")
