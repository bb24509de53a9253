"""Guards: R18 once per worker (division, base) per calendar year, R19 one allowance a day
and R20 no double payment of a fact — all held as claims (domain/claims.py); R21 no
overdraft on any later date and R23 closed periods (domain/accounts.py); R24 one person,
one worker (Worker.register, Key.reserve)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.accounts import FundAccount, period_end
from domain.commands import AppropriateFunds, ClosePeriod, RegisterWorker, ReversePayment
from domain.errors import Conflict, InvalidInput, PolicyRefusal
from domain.keys import Key
from domain.payments import Payment
from domain.policy import Decision, decide
from domain.recorded import Actor
from domain.values import months_between
from domain.worker import Worker
from tests.unit import facts as f

# --- R18: once per worker per calendar year of paid_on -----------------------------------


def agency_placement(someone: Worker, started_on: str = "2018-01-15") -> tuple[str, str]:
    """A placement in 广州 made by an agency; answers the agency's id and the placement's."""
    agency = f.organisation("agency")
    placed = f.placement(someone, f.organisation(division=f.ELSEWHERE), started_on, agency=agency)
    return agency.org_id, placed


def test_R18_pays_R7_once_per_worker_per_calendar_year_of_paid_on_across_placements() -> None:
    """二(二)2: 建档立卡贫困劳动力每人每年只享受一次补贴."""
    someone = f.worker()
    claims = f.claims_of(someone)
    first_agency, first = agency_placement(someone, "2018-01-15")
    second_agency, second = agency_placement(someone, "2018-02-01")

    def introduction(agency: str, placed: str, paid_on: str) -> Decision:
        asked = f.request("R7", agency, paid_on, placement_id=placed)
        return f.pay(asked, f.facts(someone, claims=claims), claims)

    introduction(first_agency, first, "2018-07-15")
    with f.refused("R18"):
        introduction(second_agency, second, "2018-12-31")
    assert introduction(second_agency, second, "2019-01-01").amount == 200  # earned in 2018


def test_R18_pays_R12_once_per_worker_per_calendar_year_across_placements() -> None:
    someone = f.worker()
    claims, data = f.claims_of(someone), f.reference()
    f.transport_standard(data, "300.00")
    _, first = agency_placement(someone, "2018-01-15")
    _, second = agency_placement(someone, "2018-06-01")

    def transport(placed: str, paid_on: str) -> Decision:
        asked = f.request("R12", someone, paid_on, placement_id=placed)
        return f.pay(asked, f.facts(someone, reference=data, claims=claims), claims)

    transport(first, "2018-01-20")
    with f.refused("R18"):
        transport(second, "2018-06-01")
    assert transport(second, "2019-01-02").amount == 300


def test_R18_pays_R13_once_per_worker_per_calendar_year_whichever_employer_claims() -> None:
    someone = f.worker()
    claims = f.claims_of(someone)
    jobs = []
    for _ in range(2):
        employer = f.organisation(division=f.TIANXIN)
        placed = f.placement(someone, employer, "2018-01-15", f.TIANXIN, None, 24)
        f.contributions(someone, employer, months_between("2018-01", "2018-12"))
        jobs.append((employer, placed))

    def post_subsidy(job: int, paid_on: str) -> Decision:
        employer, placed = jobs[job]
        asked = f.request("R13", employer, paid_on, placement_id=placed)
        return f.pay(asked, f.facts(someone, employer=employer, claims=claims), claims)

    post_subsidy(0, "2019-01-15")
    with f.refused("R18"):
        post_subsidy(1, "2019-12-31")
    assert post_subsidy(1, "2020-01-01").amount == 1000


def test_R18_pays_R14_once_per_worker_per_calendar_year() -> None:
    someone = f.worker()
    claims = f.claims_of(someone)
    employer = f.organisation(division=f.TIANXIN)
    placed = f.placement(someone, employer, "2018-01-15", f.TIANXIN, None, 36)
    f.contributions(someone, employer, months_between("2018-01", "2018-12"))

    def social_insurance(paid_on: str) -> Decision:
        asked = f.request("R14", employer, paid_on, placement_id=placed)
        return f.pay(asked, f.facts(someone, employer=employer, claims=claims), claims)

    social_insurance("2019-01-15")
    f.contributions(someone, employer, months_between("2019-01", "2019-05"))
    with f.refused("R18"):
        social_insurance("2019-06-15")
    assert social_insurance("2020-01-02").covers == tuple(months_between("2019-01", "2019-05"))


def test_R18_a_claim_names_the_rule_that_guards_the_key_already_held() -> None:
    claims = f.claims_of("worker:w-guard")
    claims.claim("pay-1", {"R7/placement/p1": "R20", "R7/year/2018": "R18"})
    with f.refused("R18") as refusal:
        claims.claim("pay-2", {"R7/placement/p2": "R20", "R7/year/2018": "R18"})
    assert "pay-1" in refusal.value.reason
    assert "R7/placement/p2" not in claims.held  # a refused claim holds nothing


# --- R19: one living allowance per worker per day -----------------------------------------


def allowance_case() -> tuple[Worker, str]:
    someone = f.worker()
    enrolled = f.enrolment(someone, started_on="2018-03-01")
    f.attend(someone, enrolled, "2018-03-01", "2018-03-02")
    return someone, enrolled


def test_R19_refuses_an_allowance_when_every_attended_day_was_already_paid() -> None:
    someone, enrolled = allowance_case()
    claims = f.claims_of(someone)
    known = f.facts(someone, claims=claims)
    f.pay(f.request("R10", someone, "2018-03-05", enrollment_id=enrolled), known, claims)
    with f.refused("R19"):
        decide(f.request("R10", someone, "2018-03-06", enrollment_id=enrolled), known)


def test_R19_of_two_allowances_decided_at_once_for_the_same_days_the_second_is_refused() -> None:
    """Two racing payments read the same claims; the one that claims second is refused."""
    someone, enrolled = allowance_case()
    claims = f.claims_of(someone)
    known = f.facts(someone, claims=claims)
    first, second = (f.request("R10", someone, "2018-03-05", enrollment_id=enrolled) for _ in "12")
    decided = [decide(first, known), decide(second, known)]
    claims.claim(first.payment_id, decided[0].claims)
    with f.refused("R19"):
        claims.claim(second.payment_id, decided[1].claims)


def test_R19_a_reversal_releases_the_days_of_its_allowance() -> None:
    """A reversed payment no longer counts for R18–R20, so a corrected one can be made."""
    someone, enrolled = allowance_case()
    claims = f.claims_of(someone)
    known = f.facts(someone, claims=claims)
    wrong = f.request("R10", someone, "2018-03-05", enrollment_id=enrolled)
    paid = f.pay(wrong, known, claims)
    claims.release(wrong.payment_id, list(paid.claims))
    again = f.pay(f.request("R10", someone, "2018-03-06", enrollment_id=enrolled), known, claims)
    assert (again.amount, again.covers) == (40, ("2018-03-01", "2018-03-02"))


# --- R20: one fact earns its subsidy once --------------------------------------------------


def test_R20_refuses_the_same_placement_R7_twice_even_in_another_year() -> None:
    someone = f.worker()
    claims = f.claims_of(someone)
    agency, placed = agency_placement(someone)
    known = f.facts(someone, claims=claims)
    f.pay(f.request("R7", agency, "2018-07-15", placement_id=placed), known, claims)
    with f.refused("R20"):
        f.pay(f.request("R7", agency, "2019-07-15", placement_id=placed), known, claims)


def test_R20_refuses_the_same_placement_R12_twice_even_to_another_organiser() -> None:
    """二(二)6: 一次性交通补助 — once per placement, whoever organised the transport."""
    someone = f.worker()
    claims, data = f.claims_of(someone), f.reference()
    f.transport_standard(data, "300.00")
    agency, placed = agency_placement(someone)
    known = f.facts(someone, reference=data, claims=claims)
    f.pay(f.request("R12", someone, "2018-01-20", placement_id=placed), known, claims)
    with f.refused("R20"):
        f.pay(f.request("R12", agency, "2019-01-20", placement_id=placed), known, claims)


def test_R20_pays_a_course_completion_once_whoever_claims_it() -> None:
    someone = f.worker()
    claims, data = f.claims_of(someone), f.reference()
    f.training_standard(data, "1000.00")
    institution = f.organisation("training_institution")
    enrolled = f.enrolment(someone, institution=institution)
    f.complete(someone, enrolled, "2018-05-31")
    known = f.facts(someone, reference=data, claims=claims)
    f.pay(f.request("R8", institution, "2018-06-15", enrollment_id=enrolled), known, claims)
    with f.refused("R20"):
        f.pay(f.request("R8", someone, "2019-01-15", enrollment_id=enrolled), known, claims)


def test_R20_of_two_R13_claims_decided_at_once_for_one_year_on_post_the_second_is_refused() -> None:
    """POLICY R20: R13 once for each full year on post; R20 names a year already paid."""
    someone = f.worker()
    claims = f.claims_of(someone)
    employer = f.organisation(division=f.TIANXIN)
    placed = f.placement(someone, employer, "2018-01-15", f.TIANXIN, None, 24)
    f.contributions(someone, employer, months_between("2018-01", "2018-12"))
    known = f.facts(someone, employer=employer, claims=claims)
    first, second = (f.request("R13", employer, "2019-01-15", placement_id=placed) for _ in "12")
    decided = [decide(first, known), decide(second, known)]
    claims.claim(first.payment_id, decided[0].claims)
    with f.refused("R20") as refusal:
        claims.claim(second.payment_id, decided[1].claims)
    assert f"R13/placement/{placed}/year/1" in refusal.value.reason


# --- R21: no overdraft on the payment's date or any later date ----------------------------


def account(*appropriations: tuple[str, str]) -> FundAccount:
    """芙蓉区's employment fund, with (amount, date) appropriations."""
    fund = FundAccount("employment_fund", f.HOME)
    for amount, on in appropriations:
        appropriate(fund, amount, on)
    return fund


def appropriate(fund: FundAccount, amount: str, on: str, reason: str | None = None) -> None:
    command = AppropriateFunds(
        f.next_id("ap"),
        fund.source,
        fund.division,
        Decimal(amount),
        f.day(on),
        "湘财社〔2018〕1号",
        reason,
    )
    fund.appropriate(command, f.recording("finance"))


def payment(amount: str, paid_on: str, reason: str | None = None) -> Payment:
    """A payment of `amount` from 芙蓉区's employment fund (its rule does not matter here)."""
    asked = f.request("R7", "agency-1", paid_on, adjustment_reason=reason)
    decided = Decision("R7", Decimal(amount), "employment_fund", f.HOME, f.day(paid_on), "test")
    return Payment.pay(asked, decided, None, "request-hash", Actor("finance"))


def reversal(on: str, reason: str | None = None) -> ReversePayment:
    return ReversePayment(f.next_id("rev"), "付款有误", f.day(on), reason)


def test_R21_refuses_a_payment_larger_than_the_balance_on_its_date() -> None:
    fund = account(("100.00", "2018-07-01"))
    with f.refused("R21"):
        fund.debit(payment("100.01", "2018-07-15"), Actor("finance"))
    fund.debit(payment("100.00", "2018-07-15"), Actor("finance"))  # down to exactly zero
    assert fund.balance == 0


def test_R21_money_appropriated_after_the_payment_date_does_not_pay_for_it() -> None:
    fund = account(("1000.00", "2018-08-01"))
    with f.refused("R21"):
        fund.debit(payment("200.00", "2018-07-31"), Actor("finance"))
    fund.debit(payment("200.00", "2018-08-01"), Actor("finance"))


def test_R21_refuses_a_payment_that_would_overdraw_a_later_date() -> None:
    """POLICY R21: refused if it would make the account negative on D or on any later
    business date — so that no `as_of` balance is ever below zero."""
    fund = account(("200.00", "2018-07-01"))
    fund.debit(payment("200.00", "2018-08-01"), Actor("finance"))
    # On 2018-07-20 the account holds 200, but 2018-08-01 would fall to −200.
    with f.refused("R21") as refusal:
        fund.debit(payment("200.00", "2018-07-20"), Actor("finance"))
    assert "2018-08-01" in refusal.value.reason
    appropriate(fund, "200.00", "2018-07-20")
    fund.debit(payment("200.00", "2018-07-20"), Actor("finance"))
    assert [fund.balance_on(f.day(on)) for on in ("2018-07-20", "2018-08-01")] == [200, 0]


def test_R21_a_reversal_returns_the_money_to_its_account() -> None:
    fund = account(("200.00", "2018-07-01"))
    wrong = payment("200.00", "2018-07-15")
    fund.debit(wrong, Actor("finance"))
    fund.credit(wrong, reversal("2018-08-01"), Actor("finance"))
    assert (fund.appropriated, fund.paid, fund.reversed, fund.balance) == (200, 200, 200, 200)
    with f.refused("R21"):  # the money is back from 08-01, not before
        fund.debit(payment("200.00", "2018-07-20"), Actor("finance"))
    fund.debit(payment("200.00", "2018-08-01"), Actor("finance"))


moves = st.lists(
    st.tuples(
        st.sampled_from(["appropriate", "pay"]),
        st.integers(min_value=0, max_value=60),  # days after 2018-07-01
        st.integers(min_value=1, max_value=500),  # yuan
    ),
    max_size=12,
)


@settings(max_examples=100, deadline=None, database=None)
@given(moves)
def test_R21_accepts_a_payment_exactly_when_no_balance_on_or_after_its_date_goes_negative(
    steps: list[tuple[str, int, int]],
) -> None:
    fund = account()
    changes: dict[date, Decimal] = {}  # the model: net change by business date
    for kind, offset, yuan in steps:
        on, amount = date(2018, 7, 1) + timedelta(days=offset), Decimal(yuan)
        if kind == "appropriate":
            appropriate(fund, str(amount), on.isoformat())
            changes[on] = changes.get(on, Decimal(0)) + amount
            continue
        later = {on} | {when for when in changes if when > on}
        fits = all(sum(c for when, c in changes.items() if when <= day) >= amount for day in later)
        try:
            fund.debit(payment(str(amount), on.isoformat()), Actor("finance"))
        except PolicyRefusal as refusal:
            assert refusal.rule == "R21" and not fits
        else:
            assert fits
            changes[on] = changes.get(on, Decimal(0)) - amount
    assert all(fund.balance_on(when) >= 0 for when in changes)


# --- R23: a closed period closes every earlier date of its account ------------------------


def close(fund: FundAccount, period: str, closed_on: str) -> None:
    command = ClosePeriod(fund.source, fund.division, period, f.day(closed_on))
    fund.close_period(command, f.recording("finance"))


def closed(period: str, closed_on: str = "2019-01-05") -> tuple[FundAccount, Payment]:
    """An account holding 1,000 and a payment of 100 made before `period` was closed."""
    fund, earlier = account(("1000.00", "2017-07-01")), payment("100.00", "2017-08-01")
    fund.debit(earlier, Actor("finance"))
    close(fund, period, closed_on)
    return fund, earlier


@pytest.mark.parametrize(
    ("period", "dated"),
    [
        ("2018", "2018-12-31"),  # the last day of a closed year
        ("2018", "2017-09-01"),  # before it
        ("2018-06", "2018-06-30"),  # the last day of a closed month
        ("2018-06", "2018-05-20"),  # before it
    ],
)
@pytest.mark.parametrize("kind", ["appropriation", "payment", "reversal"])
def test_R23_refuses_what_is_dated_inside_or_before_a_closed_period_unless_an_adjustment(
    kind: str, period: str, dated: str
) -> None:
    """POLICY R23: nothing dated inside it or before it is recorded against that account —
    except an explicit, reasoned adjustment posted by finance."""
    fund, earlier = closed(period)

    def attempt(reason: str | None = None) -> None:
        if kind == "appropriation":
            appropriate(fund, "500.00", dated, reason)
        elif kind == "payment":
            fund.debit(payment("100.00", dated, reason), Actor("finance"))
        else:
            fund.credit(earlier, reversal(dated, reason), Actor("finance"))

    balance = fund.balance
    with f.refused("R23"):
        attempt()
    with f.refused("R23"):
        attempt("")  # a reason must be given, not merely named
    assert fund.balance == balance
    attempt("财务更正：见湘财社〔2019〕2号")
    assert fund.balance != balance


def test_R23_leaves_the_dates_after_the_closed_period_open_and_the_closed_balance_still() -> None:
    fund, earlier = closed("2018-06", closed_on="2018-07-02")
    assert fund.closed_through == f.day("2018-06-30")
    appropriate(fund, "500.00", "2018-07-01")
    fund.debit(payment("100.00", "2018-07-01"), Actor("finance"))
    fund.credit(earlier, reversal("2018-07-01"), Actor("finance"))
    assert (fund.balance_on(f.day("2018-06-30")), fund.balance) == (900, 1400)


@pytest.mark.parametrize(
    ("period", "last_day"),
    [
        ("2018", "2018-12-31"),
        ("2018-02", "2018-02-28"),
        ("2020-02", "2020-02-29"),
        ("2018-12", "2018-12-31"),
    ],
)
def test_R23_a_period_is_a_fiscal_year_or_a_month_closed_through_its_last_day(
    period: str, last_day: str
) -> None:
    assert period_end(period) == f.day(last_day)


def test_R23_a_period_is_closed_once_and_only_after_it_ends() -> None:
    fund, _ = closed("2018-06", closed_on="2018-07-02")
    with pytest.raises(Conflict):  # already closed through 2018-06-30
        close(fund, "2018-05", "2018-07-02")
    with pytest.raises(InvalidInput):  # July is not over on 07-30
        close(fund, "2018-07", "2018-07-30")
    assert fund.closed_through == f.day("2018-06-30")


# --- R24: one person, one worker ----------------------------------------------------------


def registration(number: str, birth_date: str = "1990-03-07") -> RegisterWorker:
    return RegisterWorker(
        f.next_id("w"), "王五", number, f.day(birth_date), f.HOME, f.day("2017-01-01")
    )


def test_R24_refuses_a_second_registration_of_the_same_id_number_under_another_worker_id() -> None:
    """POLICY R24: otherwise every per-worker guard could be dodged (double-dipping)."""
    number = f.id_number("1990-03-07")
    first = Worker.register(registration(number), (False, False), "id-hash", f.recording())
    with f.refused("R24") as refusal:  # the service found the person's key taken
        Worker.register(registration(number), (False, True), "id-hash", f.recording())
    assert first.worker_id not in refusal.value.reason  # it may lie outside the caller's scope


def test_R24_the_same_worker_id_twice_is_a_conflict_of_ids_not_a_policy_refusal() -> None:
    with pytest.raises(Conflict) as taken:
        Worker.register(registration(f.id_number()), (True, False), "id-hash", f.recording())
    assert not isinstance(taken.value, PolicyRefusal)


@pytest.mark.parametrize("person_taken", [False, True])
def test_R24_the_birth_date_must_be_the_one_the_id_number_carries(person_taken: bool) -> None:
    command = registration(f.id_number("1990-03-07"), birth_date="1990-03-08")
    with pytest.raises(InvalidInput) as differs:
        Worker.register(command, (False, person_taken), "id-hash", f.recording())
    assert differs.value.field == "birth_date"


def test_R24_keeps_the_id_number_only_as_its_key_and_a_mask_of_the_last_four() -> None:
    number = f.id_number("1990-03-07")
    someone = Worker.register(registration(number), (False, False), "id-hash", f.recording())
    assert (someone.id_number_hash, someone.id_number_masked) == ("id-hash", number[:14] + "****")
    assert number not in repr(vars(someone))


def test_R24_a_business_key_is_reserved_once() -> None:
    """Key.reserve: a person's ID number key (or a placement id…) used twice collides."""
    key = Key.reserve("person", "id-hash", "w-first", taken=False, field="id_number")
    assert (key.namespace, key.value, key.owner) == ("person", "id-hash", "w-first")
    with pytest.raises(Conflict) as used:
        Key.reserve("person", "id-hash", "w-second", taken=True, field="id_number")
    assert "id_number" in str(used.value)


def test_R21_an_account_is_opened_only_under_a_division_code_in_use() -> None:
    """Money posted under 宁乡县 430124 would sit beside 宁乡市 430182's: one county's money
    in two accounts, and payments (decided from the successor's) could not reach it."""
    from domain.accounts import FundAccount
    from domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match="replaced by 430182"):
        FundAccount.open("local_treasury", "430124")
    assert FundAccount.open("local_treasury", "430182").division == "430182"
