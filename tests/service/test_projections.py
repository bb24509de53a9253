"""Projections: balances and statements that tie out, bitemporal reads, views, targets
and read-your-writes — on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from projections import Projections
from projections.replay import replay_balances
from service.intake import reverse_json
from service.ledger import Ledger
from tests import builders as b
from tests.projection_support import Scenario, populate, snapshot

pytestmark = pytest.mark.both_stores  # read models

JISHOU = "433101"


@pytest.fixture
def projections(ledger: Ledger) -> Iterator[Projections]:
    p = Projections(ledger.store)
    yield p
    p.close()


def instant() -> datetime:
    """Now, clearly between the save that returned and the next one."""
    time.sleep(0.005)
    now = datetime.now(UTC)
    time.sleep(0.005)
    return now


def test_balances_tie_out_to_the_events_and_to_the_account_aggregates(
    ledger: Ledger, projections: Projections
) -> None:
    populate(ledger, payments=60)
    projections.catch_up()
    assert projections.accounts() == replay_balances(ledger.store)
    for row in projections.accounts():
        account = ledger.get_account(row["source"], row["division"])
        assert row["balance"] == f"{account.balance:.2f}"
        assert (row["appropriated"], row["paid"], row["reversed"]) == (
            f"{account.appropriated:.2f}",
            f"{account.paid:.2f}",
            f"{account.reversed:.2f}",
        )
        statement = projections.statement(row["source"], row["division"], None, None)
        assert statement is not None
        assert statement["closing_balance"] == row["balance"]


def test_as_of_and_known_at_with_facts_recorded_out_of_business_date_order(
    ledger: Ledger, projections: Projections
) -> None:
    scenario = Scenario(ledger)
    before_any = instant()
    scenario.appropriate(JISHOU, 100_000, date(2018, 6, 1))  # recorded first, dated later
    after_first = instant()
    scenario.appropriate(JISHOU, 50_000, date(2017, 8, 1))  # recorded later, dated earlier
    scenario.pay(JISHOU, 20_000, date(2017, 9, 1))
    after_payment = instant()
    scenario.reverse(0, 10)
    projections.catch_up()

    def balance(**when: object) -> str | None:
        rows = [r for r in projections.accounts(**when) if r["division"] == JISHOU]  # type: ignore[arg-type]
        return rows[0]["balance"] if rows else None

    assert balance() == "1500.00"
    assert balance(as_of=date(2017, 12, 31)) == "500.00"  # the 2018 money is not there yet
    assert balance(as_of=date(2017, 9, 5)) == "300.00"  # paid, not yet reversed
    assert balance(known_at=before_any) is None  # the account did not exist
    assert balance(known_at=after_first) == "1000.00"
    assert balance(known_at=after_first, as_of=date(2017, 12, 31)) == "0.00"
    assert balance(known_at=after_payment, as_of=date(2017, 12, 31)) == "300.00"
    for as_of, known_at in [
        (None, after_first),
        (date(2017, 12, 31), after_payment),
        (date(2017, 9, 5), None),
    ]:
        assert projections.accounts(as_of=as_of, known_at=known_at) == replay_balances(
            ledger.store, as_of, known_at
        )

    statement = projections.statement("local_treasury", JISHOU, None, None)
    assert statement is not None
    assert [
        (line["date"], line["kind"], line["amount"], line["balance"]) for line in statement["lines"]
    ] == [
        ("2017-08-01", "appropriation", "500.00", "500.00"),
        ("2017-09-01", "payment", "-200.00", "300.00"),
        ("2017-09-11", "reversal", "200.00", "500.00"),
        ("2018-06-01", "appropriation", "1000.00", "1500.00"),
    ]
    ranged = projections.statement("local_treasury", JISHOU, date(2017, 9, 2), date(2018, 1, 1))
    assert ranged is not None
    assert (ranged["opening_balance"], len(ranged["lines"]), ranged["closing_balance"]) == (
        "300.00",
        1,
        "500.00",
    )
    known = projections.statement("local_treasury", JISHOU, None, None, known_at=after_first)
    assert known is not None and [line["date"] for line in known["lines"]] == ["2018-06-01"]
    assert projections.statement("local_treasury", "430000", None, None) is None


def test_wait_for_sees_a_command_at_once_including_a_reversal_credit(
    ledger: Ledger, projections: Projections
) -> None:
    projections.start()
    scenario = Scenario(ledger)
    scenario.appropriate(JISHOU, 100_000, date(2017, 8, 1))
    position = scenario.pay(JISHOU, 30_000, date(2018, 1, 1))
    assert position is not None and projections.wait_for(position, timeout=5)
    assert [r["paid"] for r in projections.accounts() if r["division"] == JISHOU] == ["300.00"]
    reversal = scenario.reverse(0, 1)
    assert reversal is not None and projections.wait_for(reversal, timeout=5)
    assert [r["reversed"] for r in projections.accounts() if r["division"] == JISHOU] == ["300.00"]


def test_wait_for_is_bounded_when_nothing_projects(
    ledger: Ledger, projections: Projections
) -> None:
    recorded = b.appropriate(ledger)
    started = time.monotonic()
    assert projections.wait_for(recorded.position, timeout=0.2) is False
    assert time.monotonic() - started < 1.0


def test_accounts_are_filtered_by_token_scope(ledger: Ledger, projections: Projections) -> None:
    populate(ledger, payments=5)
    projections.catch_up()
    xiangxi = projections.accounts(within=lambda division: division.startswith("4331"))
    assert [r["division"] for r in xiangxi] == [JISHOU]


def test_worker_and_organisation_views_now_and_at_a_past_date(
    ledger: Ledger, projections: Projections
) -> None:
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger, "enterprise", division=b.ELSEWHERE)
    worker = b.worker(ledger)
    placement = b.placement(ledger, worker, employer, agency_id=agency, started_on="2018-01-15")
    b.post(
        ledger,
        "PlacementEnded",
        placement_id=placement,
        ended_on="2018-12-31",
        reason="contract over",
    )
    b.appropriate(ledger)
    paid = b.pay(ledger, "R7", agency, "2018-07-15", placement_id=placement)
    reverse_json(
        ledger,
        paid.payment_id,
        {"reversal_id": "rv-view", "reason": "x", "reversed_on": "2018-08-01"},
        "finance",
    )
    projections.catch_up()

    now = projections.worker(worker)
    assert now is not None and now["home_division"] == b.HOME
    assert now["placements"][0]["ended_on"] == "2018-12-31" and now["placements"][0]["cross_region"]
    assert [(p["rule"], p["amount"], p["reversed"]) for p in now["payments"]] == [
        ("R7", "200.00", True)
    ]
    mid = projections.worker(worker, as_of=date(2018, 7, 20))
    assert mid is not None and mid["placements"][0]["ended_on"] is None
    assert [p["reversed"] for p in mid["payments"]] == [False]
    early = projections.worker(worker, as_of=date(2017, 12, 31))
    assert early is not None and early["placements"] == [] and early["payments"] == []
    assert projections.worker("nobody") is None

    org = projections.organisation(agency)
    assert org is not None and [p["role"] for p in org["placements"]] == ["agency"]
    assert [p["payment_id"] for p in org["payments"]] == [paid.payment_id]
    employs = projections.organisation(employer, as_of=date(2018, 1, 1))
    assert employs is not None and employs["placements"] == []
    assert projections.organisation("nobody") is None


def test_targets_count_distinct_persons_by_home_prefecture_and_county(
    ledger: Ledger, projections: Projections
) -> None:
    employer = b.organisation(ledger, "enterprise", division=b.ELSEWHERE)
    local = b.organisation(ledger, "enterprise", division=b.HOME)
    twice = b.worker(ledger)  # 芙蓉区: two placements in the window count once
    b.placement(ledger, twice, employer, started_on="2018-01-15")
    b.placement(ledger, twice, local, started_on="2019-01-15", work_division=b.HOME)
    jishou = b.worker(ledger, home=JISHOU)  # local work only: counted, not cross-region
    b.placement(ledger, jishou, local, started_on="2020-12-31", work_division=JISHOU)
    late = b.worker(ledger, home=JISHOU)
    b.placement(ledger, late, employer, started_on="2021-01-01")  # after the window
    student = b.worker(ledger, home=JISHOU)
    course = b.enrollment(ledger, student, started_on="2018-03-01", two_after_student=True)
    b.post(ledger, "TrainingCompleted", enrollment_id=course, completed_on="2018-06-30")
    unfinished = b.enrollment(ledger, late, started_on="2018-03-01", two_after_student=True)
    assert unfinished
    projections.catch_up()

    report = projections.targets()
    assert report["placements"] == {"target": 350000, "achieved": 2, "cross_region": 1}
    assert report["two_after_students"] == {"target": 45000, "achieved": 1}
    rows = {r["division"]: r for r in report["by_division"]}
    assert (rows["430100"]["placements"], rows["430102"]["cross_region"]) == (1, 1)
    assert (rows["433100"]["placements"], rows["433101"]["two_after_students"]) == (1, 1)
    scoped = projections.targets(within=lambda division: division.startswith("4331"))
    assert scoped["placements"]["achieved"] == 1 and set(
        r["division"] for r in scoped["by_division"]
    ) == {"433100", "433101"}


def test_rebuild_gives_the_same_figures(ledger: Ledger, projections: Projections) -> None:
    populate(ledger, payments=40)
    projections.catch_up()
    before = snapshot(projections, ledger)
    projections.rebuild()
    assert snapshot(projections, ledger) == before
