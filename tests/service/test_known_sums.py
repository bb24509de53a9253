"""`known_at` from block sums (projections/known.py) is the same answer as summing every
line recorded by then, and as folding the raw events (`jobaid replay`): at every instant
between two recorded events, with and without `as_of` (mid-month included), for every
account, the monthly figures and a statement's balances — with blocks small enough that
a history spans many of them, and with recording instants out of log order."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from adapters.sql import SqlCursor
from projections import Projections, known, schema
from projections.accounts import LINE_SUMS, account_row, figures, known_accounts
from projections.changes import stamp
from projections.money import yuan
from projections.replay import replay_balances
from service.ledger import Ledger
from tests.projection_support import HOMES, Scenario, day_in_window

pytestmark = pytest.mark.both_stores  # read models

AS_OF = (None, date(2017, 12, 31), date(2018, 6, 15), date(2019, 2, 1), date(2020, 12, 31))


@pytest.fixture
def projections(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Iterator[Projections]:
    monkeypatch.setattr(known, "BLOCK", 5)  # a few dozen events span several blocks
    p = Projections(ledger.store)
    yield p
    p.close()


def by_lines(cur: SqlCursor, as_of: date | None, known_at: datetime) -> list[dict[str, Any]]:
    """The slow path the block sums replace: every account's lines recorded by then."""
    rows = []
    for source, division in known_accounts(cur, known_at):
        sql = (
            f"SELECT {LINE_SUMS} FROM {schema.LINES}"
            " WHERE source = ? AND division = ? AND recorded_at <= ?"
        )
        params: tuple[Any, ...] = (source, division, stamp(known_at))
        if as_of is not None:
            sql, params = sql + " AND day <= ?", (*params, as_of.isoformat())
        rows.append(account_row(source, division, figures(cur.execute(sql, params).fetchone())))
    return rows


def months_by_lines(cur: SqlCursor, as_of: date | None, known_at: datetime) -> list[Any]:
    sql = (
        f"SELECT source, substr(day, 1, 7) AS month, {LINE_SUMS} FROM {schema.LINES}"
        " WHERE recorded_at <= ?"
    )
    params: tuple[Any, ...] = (stamp(known_at),)
    if as_of is not None:
        sql, params = sql + " AND day <= ?", (*params, as_of.isoformat())
    rows = cur.execute(sql + " GROUP BY source, substr(day, 1, 7)", params).fetchall()
    return sorted(
        (r["source"], r["month"], yuan(r["appropriated"]), yuan(r["paid"]), yuan(r["reversed"]))
        for r in rows
    )


def recorded_instants(projections: Projections) -> list[datetime]:
    """An instant before everything, between each two recorded lines, and after all."""
    with projections.store.transaction(commit=False) as cur:
        rows = cur.execute(f"SELECT recorded_at FROM {schema.LINES}").fetchall()
    stamps = sorted({r["recorded_at"] for r in rows})
    moments = [datetime.fromisoformat(s) for s in stamps]
    between = [a + (b - a) / 2 for a, b in itertools.pairwise(moments)]
    return [moments[0] - timedelta(seconds=1), *moments, *between, moments[-1] + timedelta(1)]


def test_known_at_from_block_sums_equals_the_lines_and_the_raw_events(
    ledger: Ledger, projections: Projections
) -> None:
    rng = random.Random(11)
    scenario = Scenario(ledger)
    for home in HOMES:
        scenario.appropriate(home, rng.randint(1_000_000, 5_000_000), date(2017, 8, 1))
    for number in range(24):  # dated at random: recorded in another order than business dates
        scenario.pay(rng.choice(HOMES), rng.randint(100, 50_000), day_in_window(rng))
        if number % 5 == 4:
            scenario.reverse(rng.randrange(100), rng.randint(0, 40))
        if number % 4 == 3:
            scenario.appropriate(rng.choice(HOMES), rng.randint(100, 90_000), day_in_window(rng))
    projections.catch_up()
    with projections.store.transaction(commit=False) as cur:
        blocks = cur.execute(f"SELECT COUNT(*) AS n FROM {schema.KNOWN_BLOCKS}").fetchone()["n"]
    assert blocks >= 4
    instants = recorded_instants(projections)
    assert len(instants) > 50
    for known_at in instants:
        for as_of in AS_OF:
            fast = projections.accounts(as_of, known_at)
            with projections.store.transaction(commit=False) as cur:
                assert fast == by_lines(cur, as_of, known_at), (known_at, as_of)
                monthly = projections.monthly(as_of, known_at)
                assert sorted(
                    (m["source"], m["month"], m["appropriated"], m["paid"], m["reversed"])
                    for m in monthly
                ) == months_by_lines(cur, as_of, known_at)
    # The raw events agree too (a sample: each replay reads the whole log).
    for known_at in rng.sample(instants, 6):
        for as_of in (None, date(2018, 6, 15)):
            assert projections.accounts(as_of, known_at) == replay_balances(
                ledger.store, as_of, known_at
            )


def test_a_statement_as_known_at_an_instant_ties_out_to_its_lines(
    ledger: Ledger, projections: Projections
) -> None:
    rng = random.Random(5)
    scenario = Scenario(ledger)
    home = HOMES[0]
    scenario.appropriate(home, 4_000_000, date(2017, 8, 1))
    for _ in range(15):
        scenario.pay(home, rng.randint(100, 20_000), day_in_window(rng))
    projections.catch_up()
    for known_at in recorded_instants(projections)[::3]:
        statement = projections.statement(
            "local_treasury", home, date(2018, 1, 1), None, known_at=known_at
        )
        with projections.store.transaction(commit=False) as cur:
            (before,) = [
                r for r in by_lines(cur, date(2017, 12, 31), known_at) if r["division"] == home
            ] or [None]
        if statement is None:
            assert before is None
            continue
        assert before is not None and statement["opening_balance"] == before["balance"]


def lines(count: int, seed: int) -> list[schema.LineRow]:
    """Lines whose recording instants go back and forth across blocks: the commit order
    and the clocks of several servers need not agree."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    found = []
    for position in range(1, count + 1):
        recorded = start + timedelta(seconds=position + rng.choice((0, 0, 0, -9, 9, -30)))
        kind = rng.choice(("appropriation", "payment", "reversal"))
        amount = rng.randint(1, 9_999) * (-1 if kind == "payment" else 1)
        found.append(
            schema.LineRow(
                position,
                "local_treasury",
                rng.choice(HOMES),
                day_in_window(rng).isoformat(),
                kind,
                None,
                None,
                None,
                amount,
                f"ref-{position}",
                stamp(recorded),
                None,
            )
        )
    return found


def test_recording_instants_out_of_log_order_are_still_counted_exactly(
    ledger: Ledger, projections: Projections
) -> None:
    written = lines(300, seed=3)
    with projections.store.transaction() as cur:
        for chunk in (written[:97], written[97:180], written[180:]):  # batches across blocks
            cur.insert_rows(schema.LINES, schema.LineRow._fields, chunk)
            known.write(cur, chunk)
    instants = sorted({datetime.fromisoformat(line.recorded_at) for line in written})
    for known_at in [*instants[::7], instants[0] - timedelta(1), instants[-1] + timedelta(1)]:
        for as_of in AS_OF:
            expected: dict[tuple[str, str], list[int]] = {}
            for line in written:
                if line.recorded_at <= stamp(known_at) and (
                    as_of is None or line.day <= as_of.isoformat()
                ):
                    column, sign = known.COLUMNS[line.kind]
                    sums = expected.setdefault((line.source, line.division), [0, 0, 0])
                    sums[column] += sign * line.amount
            with projections.store.transaction(commit=False) as cur:
                found = known.known_figures(cur, as_of, known.Cut(cur, known_at))
            assert found == {k: tuple(v) for k, v in expected.items()}, (known_at, as_of)


def test_a_store_projected_before_the_block_sums_is_rebuilt_with_them(ledger: Ledger) -> None:
    scenario = Scenario(ledger)
    scenario.appropriate(HOMES[0], 1_000_000, date(2018, 3, 1))
    first = Projections(ledger.store)
    first.catch_up()
    with first.store.transaction() as cur:  # as older code left it: no block sums at all
        cur.execute(f"DROP TABLE {schema.KNOWN_SUMS}")
        cur.execute(f"DROP TABLE {schema.KNOWN_BLOCKS}")
    first.close()
    again = Projections(ledger.store)
    try:
        assert again.position() == 0  # tracking back to the start: everything is rebuilt
        again.catch_up()
        now = datetime.now(UTC)
        assert again.accounts(None, now) == again.accounts() == replay_balances(ledger.store)
    finally:
        again.close()
