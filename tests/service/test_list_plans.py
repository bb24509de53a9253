"""A list query is an index range scan that stops after a page, never a scan of a
table (or of the events): the plan SQLite makes of each query projections/lists.py
sends, on the read-model schema as created."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from adapters.sql import SqlCursor
from projections import lists, schema


class Recording(SqlCursor):
    """Runs nothing: keeps the statement sent, answers no rows."""

    def __init__(self) -> None:
        super().__init__(None, postgres=False)
        self.sent: list[tuple[str, tuple[Any, ...]]] = []

    def execute(self, sql: str, params: Any = ()) -> Recording:
        self.sent.append((sql, tuple(params)))
        return self

    def fetchall(self) -> list[Any]:
        return []


def plan_of(query: Callable[[SqlCursor], object]) -> list[str]:
    recording = Recording()
    query(recording)
    ((sql, params),) = recording.sent
    db = sqlite3.connect(":memory:")
    for statement in schema.STATEMENTS:
        db.execute(statement)
    return [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]


WALKS = {
    "workers of a county": lambda c: lists.workers(c, lists.WorkerQuery("430102"), 0, 101),
    "workers of a prefecture by status": lambda c: lists.workers(
        c, lists.WorkerQuery("430100", status="employed"), 0, 101
    ),
    "workers of a county not surveyed yet": lambda c: lists.workers(
        c, lists.WorkerQuery("430102", status="none"), 0, 101
    ),
    "workers of the province": lambda c: lists.workers(c, lists.WorkerQuery("430000"), 0, 101),
    "workers by name": lambda c: lists.workers(c, lists.WorkerQuery("430102", "张三"), 0, 101),
    "organisations outside Hunan": lambda c: lists.organisations(
        c, lists.OrganisationQuery("440000"), 0, 101
    ),
    "payments of a county": lambda c: lists.payments(c, lists.PaymentQuery("430102"), 50, 101),
    "payments to a payee": lambda c: lists.payments(
        c, lists.PaymentQuery(payee_id="lender"), 0, 101
    ),
    "reconciliations of a prefecture": lambda c: lists.reconciliations(
        c, lists.ReconciliationQuery("430100"), 0, 101
    ),
}


@pytest.mark.parametrize("name", WALKS)
def test_a_list_walks_an_index_in_recording_order_and_sorts_nothing(name: str) -> None:
    plan = plan_of(WALKS[name])
    assert len(plan) == 1 and plan[0].startswith("SEARCH") and "USING INDEX" in plan[0], plan
    assert "position>?" in plan[0], plan


@pytest.mark.parametrize("within", ["430102", "430100", "430000"])
def test_a_month_of_payments_is_a_range_of_days_not_a_walk_of_the_history(within: str) -> None:
    query = lists.PaymentQuery(within, paid_from=date(2019, 3, 1), paid_to=date(2019, 3, 31))
    plan = plan_of(lambda c: lists.payments(c, query, 0, 101))
    assert plan[0].startswith("SEARCH") and "paid_on>? AND paid_on<?" in plan[0], plan
