"""Guards: R18 once per worker per year, R19/R20 no double payment of a fact, R21 no
overdraft on any later date, R23 closed periods, and reversals that return the money and
release the guards."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import Conflict, NotFound, PolicyRefusal
from domain.values import money_str
from service.intake import reverse_json
from service.ledger import Ledger
from tests import builders as b
from tests.builders import record_one

pytestmark = pytest.mark.both_stores  # the guards (R18, R20, R21, R23, reversals)


def placed_by_agency(
    ledger: Ledger, worker: str | None = None, started_on: str = "2018-01-15"
) -> tuple[str, str]:
    """A placement in 广州 made by an agency; the worker (of 芙蓉区) is new unless given."""
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger, division=b.ELSEWHERE)
    worker = worker or b.worker(ledger)
    return agency, b.placement(ledger, worker, employer, started_on, agency_id=agency)


# --- R18: one per worker per calendar year of paid_on ----------------------------------


def test_R18_pays_R7_once_per_worker_per_calendar_year_even_across_two_placements(
    ledger: Ledger,
) -> None:
    b.appropriate(ledger, "1000.00")
    worker = b.worker(ledger)
    first_agency, first = placed_by_agency(ledger, worker, started_on="2018-01-15")
    second_agency, second = placed_by_agency(ledger, worker, started_on="2018-02-01")
    b.pay(ledger, "R7", first_agency, "2018-07-15", placement_id=first)
    with b.refused("R18", ledger):
        b.pay(ledger, "R7", second_agency, "2018-12-31", placement_id=second)
    paid = b.pay(ledger, "R7", second_agency, "2019-01-01", placement_id=second)
    assert money_str(paid.amount) == "200.00"
    assert b.balance(ledger) == "600.00"


def test_R18_pays_R12_once_per_worker_per_calendar_year_even_across_two_placements(
    ledger: Ledger,
) -> None:
    b.appropriate(ledger, "1000.00", "local_treasury")
    b.transport_standard(ledger, "300.00")
    worker = b.worker(ledger)
    _, first = placed_by_agency(ledger, worker, started_on="2018-01-15")
    _, second = placed_by_agency(ledger, worker, started_on="2018-06-01")
    b.pay(ledger, "R12", worker, "2018-01-20", placement_id=first)
    with b.refused("R18", ledger):
        b.pay(ledger, "R12", worker, "2018-06-01", placement_id=second)
    b.pay(ledger, "R12", worker, "2019-01-02", placement_id=second)
    assert b.balance(ledger, "local_treasury") == "400.00"


# --- R20: one fact earns its subsidy once ----------------------------------------------


def test_R20_refuses_the_same_placement_R7_twice_even_in_another_year(ledger: Ledger) -> None:
    b.appropriate(ledger, "1000.00")
    agency, placement = placed_by_agency(ledger)
    b.pay(ledger, "R7", agency, "2018-07-15", placement_id=placement)
    with b.refused("R20", ledger):
        b.pay(ledger, "R7", agency, "2019-07-15", placement_id=placement)
    assert b.balance(ledger) == "800.00"


def test_R20_refuses_the_same_placement_R12_twice_even_in_another_year(ledger: Ledger) -> None:
    b.appropriate(ledger, "1000.00", "local_treasury")
    b.transport_standard(ledger, "300.00")
    worker = b.worker(ledger)
    _, placement = placed_by_agency(ledger, worker)
    b.pay(ledger, "R12", worker, "2018-01-20", placement_id=placement)
    with b.refused("R20", ledger):
        b.pay(ledger, "R12", worker, "2019-01-20", placement_id=placement)


# --- R21: no overdraft on the payment's date or any later date -------------------------


def test_R21_refuses_a_payment_larger_than_the_balance_on_its_date(ledger: Ledger) -> None:
    b.appropriate(ledger, "100.00", on="2018-07-01")
    agency, placement = placed_by_agency(ledger)
    with b.refused("R21", ledger):
        b.pay(ledger, "R7", agency, "2018-07-15", placement_id=placement)
    b.appropriate(ledger, "100.00", on="2018-07-15")
    b.pay(ledger, "R7", agency, "2018-07-15", placement_id=placement)
    assert b.balance(ledger) == "0.00"


def test_R21_money_appropriated_after_the_payment_date_does_not_pay_for_it(ledger: Ledger) -> None:
    b.appropriate(ledger, "1000.00", on="2018-08-01")
    agency, placement = placed_by_agency(ledger)
    with b.refused("R21", ledger):
        b.pay(ledger, "R7", agency, "2018-07-31", placement_id=placement)
    assert (
        money_str(b.pay(ledger, "R7", agency, "2018-08-01", placement_id=placement).amount)
        == "200.00"
    )


def test_R21_refuses_a_payment_that_would_leave_a_later_date_negative(ledger: Ledger) -> None:
    b.appropriate(ledger, "200.00", on="2018-07-01")
    later_agency, later = placed_by_agency(ledger)
    earlier_agency, earlier = placed_by_agency(ledger)
    b.pay(ledger, "R7", later_agency, "2018-08-01", placement_id=later)
    # On 2018-07-20 the account still holds 200, but 2018-08-01 would fall to −200.
    with b.refused("R21", ledger) as refusal:
        b.pay(ledger, "R7", earlier_agency, "2018-07-20", placement_id=earlier)
    assert refusal.error is not None and "2018-08-01" in refusal.error.detail
    b.appropriate(ledger, "200.00", on="2018-07-20")
    b.pay(ledger, "R7", earlier_agency, "2018-07-20", placement_id=earlier)
    account = ledger.get_account("employment_fund", b.HOME)
    assert min(account.balance_on(date(2018, m, d)) for m, d in [(7, 20), (8, 1), (12, 31)]) == 0


# --- R23: closed periods ---------------------------------------------------------------


def appropriation(ledger: Ledger, dated: str, **adjustment: str) -> Any:
    data = {
        "appropriation_id": b.next_id("ap"),
        "source": "employment_fund",
        "division": b.HOME,
        "amount": "500.00",
        "appropriated_on": dated,
        "document_ref": "湘财社〔2018〕9号",
        **adjustment,
    }
    return record_one(ledger, b.next_id("ev"), "FundsAppropriated", data, "finance")


@pytest.mark.parametrize(
    ("kind", "period", "dated"),
    [
        ("appropriation", "2018", "2018-12-31"),  # the last day of a closed year
        ("appropriation", "2018-06", "2018-05-20"),  # before a closed month
        ("payment", "2018", "2018-07-15"),
        ("payment", "2018-07", "2018-07-31"),
        ("reversal", "2018", "2018-12-20"),
    ],
)
def test_R23_refuses_what_is_dated_inside_or_before_a_closed_period_unless_an_adjustment(
    ledger: Ledger, kind: str, period: str, dated: str
) -> None:
    b.appropriate(ledger, "1000.00", on="2017-07-01")
    agency, placement = placed_by_agency(ledger)
    payment_id = b.pay(ledger, "R7", agency, "2018-07-15", placement_id=placement).payment_id
    if kind == "payment":
        b.reverse(ledger, payment_id, "2018-07-15")  # so that the placement can be paid again
    b.close_period(ledger, period, "2019-01-05")

    def attempt(**adjustment: str) -> Any:
        if kind == "appropriation":
            return appropriation(ledger, dated, **adjustment)
        if kind == "payment":
            return b.pay(ledger, "R7", agency, dated, placement_id=placement, **adjustment)
        return b.reverse(ledger, payment_id, dated, **adjustment)

    with b.refused("R23", ledger):
        attempt()
    closed_balance = ledger.get_account("employment_fund", b.HOME).balance
    attempt(adjustment_reason="财务更正：见湘财社〔2019〕2号")
    assert ledger.get_account("employment_fund", b.HOME).balance != closed_balance


def test_R23_leaves_later_dates_and_other_accounts_open(ledger: Ledger) -> None:
    b.appropriate(ledger, "1000.00", on="2018-03-01")
    b.close_period(ledger, "2018", "2019-01-05")
    with b.refused("R23", ledger):
        appropriation(ledger, "2017-09-01")  # every earlier date is closed too
    appropriation(ledger, "2019-01-01")
    b.appropriate(ledger, "1000.00", "employment_fund", "430103", on="2018-06-01")
    b.appropriate(ledger, "1000.00", "local_treasury", b.HOME, on="2018-06-01")
    account = ledger.get_account("employment_fund", b.HOME)
    assert (account.balance_on(date(2018, 12, 31)), account.balance) == (1000, 1500)


# --- Reversals: the money returns and the guards are released ---------------------------


def test_reversal_returns_the_money_and_releases_the_R7_guards_for_a_corrected_payment(
    ledger: Ledger,
) -> None:
    b.appropriate(ledger, "1000.00")
    agency, placement = placed_by_agency(ledger)
    wrong = b.pay(ledger, "R7", agency, "2018-07-15", placement_id=placement)
    assert b.balance(ledger) == "800.00"
    with b.refused("R20"):
        b.pay(ledger, "R7", agency, "2018-08-01", placement_id=placement)
    reversal = b.reverse(ledger, wrong.payment_id, "2018-08-01")
    assert money_str(reversal.amount) == "200.00"
    assert {"source": reversal.source, "division": reversal.division} == {
        "source": "employment_fund",
        "division": b.HOME,
    }
    account = ledger.get_account("employment_fund", b.HOME)
    assert (account.appropriated, account.paid, account.reversed, account.balance) == (
        1000,
        200,
        200,
        1000,
    )
    assert ledger.get_payment(wrong.payment_id).reversal is not None
    corrected = b.pay(
        ledger, "R7", agency, "2018-08-01", placement_id=placement
    )  # R20 and R18 released
    assert money_str(corrected.amount) == "200.00"
    assert b.balance(ledger) == "800.00"


def test_reversal_of_an_allowance_releases_its_days_R19(ledger: Ledger) -> None:
    b.appropriate(ledger, "1000.00")
    worker = b.worker(ledger)
    enrolled = b.enrollment(ledger, worker, started_on="2018-03-01")
    b.attend(ledger, enrolled, "2018-03-01", "2018-03-02")
    paid = b.pay(ledger, "R10", worker, "2018-03-05", enrollment_id=enrolled)
    with b.refused("R19"):
        b.pay(ledger, "R10", worker, "2018-03-06", enrollment_id=enrolled)
    b.reverse(ledger, paid.payment_id, "2018-03-06")
    again = b.pay(ledger, "R10", worker, "2018-03-06", enrollment_id=enrolled)
    assert (money_str(again.amount), list(again.covers)) == (
        "40.00",
        ["2018-03-01", "2018-03-02"],
    )


def test_reversing_a_payment_twice_is_a_conflict_but_a_retry_answers_the_first(
    ledger: Ledger,
) -> None:
    b.appropriate(ledger, "1000.00")
    agency, placement = placed_by_agency(ledger)
    payment_id = b.pay(ledger, "R7", agency, "2018-07-15", placement_id=placement).payment_id
    request = {"reversal_id": "rev-once", "reason": "付款有误", "reversed_on": "2018-08-01"}
    first = reverse_json(ledger, payment_id, request, "finance")
    recorded = b.store_size(ledger)
    retry = reverse_json(ledger, payment_id, dict(request), "finance")
    assert retry.replayed and retry.position == first.position
    with pytest.raises(Conflict) as twice:
        b.reverse(ledger, payment_id, "2018-08-02")
    assert not isinstance(twice.value, PolicyRefusal)
    with pytest.raises(Conflict):
        reverse_json(ledger, payment_id, {**request, "reason": "另一个理由"}, "finance")
    assert b.store_size(ledger) == recorded
    assert b.balance(ledger) == "1000.00"


def test_reversing_an_unknown_payment_is_not_found(ledger: Ledger) -> None:
    with pytest.raises(NotFound):
        b.reverse(ledger, "no-such-payment", "2018-08-01")
    assert b.store_size(ledger) == 0
