"""The lists (CONTRACT "Lists, files and jobs"): rows in recording order after a
position, filtered, at most `limit` — each an index range scan of (place column,
position), or of (position) alone, that stops once the page is full (schema.WHERE).

A query's `within` is a division whose rows it returns (itself and everything below
it, retired codes read as their successor); the HTTP layer has already narrowed it to
the caller's scope. Filters on what changes after recording — a worker's status, a
payment's reversal — are read as they stand when each page is asked for."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from adapters.sql import SqlCursor
from projections import schema
from projections.money import yuan
from projections.places import condition

Condition = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class WorkerQuery:
    within: str | None = None
    name: str | None = None  # the whole name, exactly
    status: str | None = None  # employed, unemployed, or none (not surveyed)


@dataclass(frozen=True)
class OrganisationQuery:
    within: str | None = None
    kind: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class PaymentQuery:
    within: str | None = None  # the paying account's division
    source: str | None = None
    rule: str | None = None
    payee_id: str | None = None
    worker_id: str | None = None
    paid_from: date | None = None
    paid_to: date | None = None
    reversed: bool | None = None


@dataclass(frozen=True)
class ReconciliationQuery:
    within: str | None = None


def rows_after(
    cur: SqlCursor,
    table: str,
    conditions: list[Condition],
    after: int,
    limit: int,
    by_range: bool = False,
) -> list[Any]:
    """Up to `limit` rows after position `after` that meet every condition, in order.

    `by_range`: a condition is a range (payments of a month) — find its rows by their
    own index and sort them, rather than walk the place's whole history in recording
    order until the range's rows turn up. `+position` tells SQLite so: without table
    statistics it would always take the walk, which needs no sort."""
    where = " AND ".join(["position > ?", *(sql for sql, _ in conditions)])
    params = [after, *(p for _, values in conditions for p in values), limit]
    order = "+position" if by_range else "position"
    return cur.execute(
        f"SELECT * FROM {table} WHERE {where} ORDER BY {order} LIMIT ?", params
    ).fetchall()


def equal(column: str, value: Any) -> list[Condition]:
    return [] if value is None else [(f"{column} = ?", (value,))]


def within(division: str | None) -> list[Condition]:
    if division is None:
        return []
    column, place = condition(division)
    return [(f"{column} = ?", (place,))]


def workers(cur: SqlCursor, query: WorkerQuery, after: int, limit: int) -> list[dict[str, Any]]:
    conditions = within(query.within) + equal("name", query.name)
    if query.status == "none":
        conditions.append(("status IS NULL", ()))
    else:
        conditions += equal("status", query.status)
    return [worker_item(r) for r in rows_after(cur, schema.WORKERS, conditions, after, limit)]


def worker_item(r: Any) -> dict[str, Any]:
    """What GET /v1/workers/{id} shows of a worker, nothing more: the ID number masked."""
    return {
        "worker_id": r["worker_id"],
        "name": r["name"],
        "id_number": r["id_number_masked"],
        "birth_date": r["birth_date"],
        "home_division": r["home_division"],
        "registered_on": r["registered_on"],
        "status": r["status"],
        "position": int(r["position"]),
    }


def organisations(
    cur: SqlCursor, query: OrganisationQuery, after: int, limit: int
) -> list[dict[str, Any]]:
    conditions = within(query.within) + equal("kind", query.kind) + equal("name", query.name)
    rows = rows_after(cur, schema.ORGANISATIONS, conditions, after, limit)
    return [
        {
            "org_id": r["org_id"],
            "name": r["name"],
            "division": r["division"],
            "kind": r["kind"],
            "credit_code": r["credit_code"],
            "base_designated_on": r["base_designated_on"],
            "position": int(r["position"]),
        }
        for r in rows
    ]


def payments(cur: SqlCursor, query: PaymentQuery, after: int, limit: int) -> list[dict[str, Any]]:
    conditions = (
        within(query.within) + equal("source", query.source) + equal("rule", query.rule)
        + equal("payee_id", query.payee_id) + equal("worker_id", query.worker_id)
    )  # fmt: skip
    if query.paid_from is not None:
        conditions.append(("paid_on >= ?", (query.paid_from.isoformat(),)))
    if query.paid_to is not None:
        conditions.append(("paid_on <= ?", (query.paid_to.isoformat(),)))
    if query.reversed is not None:
        conditions.append((f"reversal_id IS {'NOT ' if query.reversed else ''}NULL", ()))
    dated = query.paid_from is not None or query.paid_to is not None
    rows = rows_after(cur, schema.PAYMENTS, conditions, after, limit, by_range=dated)
    return [payment_item(r) for r in rows]


def payment(cur: SqlCursor, payment_id: str) -> dict[str, Any] | None:
    row = cur.execute(
        f"SELECT * FROM {schema.PAYMENTS} WHERE payment_id = ?", (payment_id,)
    ).fetchone()
    return None if row is None else payment_item(row)


def payment_item(r: Any) -> dict[str, Any]:
    """The payment's 201 body (api/schemas.PaymentOut) as it stands, and its reversal."""
    account = {"source": r["source"], "division": r["division"]}
    reversal = None
    if r["reversal_id"] is not None:
        reversal = {
            "reversal_id": r["reversal_id"], "payment_id": r["payment_id"],
            "amount": yuan(int(r["amount"])), "account": account,
            "reversed_on": r["reversed_on"], "reason": r["reversal_reason"],
            "position": int(r["reversal_position"]),
        }  # fmt: skip
    return {
        "payment_id": r["payment_id"], "rule": r["rule"], "amount": yuan(int(r["amount"])),
        "account": account, "payee_id": r["payee_id"], "worker_id": r["worker_id"],
        "paid_on": r["paid_on"], "position": int(r["position"]),
        "funding_rule": r["funding_rule"], "earned_on": r["earned_on"], "basis": r["basis"],
        "covers": json.loads(r["covers"]), "reversed": reversal is not None,
        "reversal": reversal,
    }  # fmt: skip


def reconciliations(
    cur: SqlCursor, query: ReconciliationQuery, after: int, limit: int
) -> list[dict[str, Any]]:
    rows = rows_after(cur, schema.RECONCILIATIONS, within(query.within), after, limit)
    return [
        {
            "reconciliation_id": r["reconciliation_id"],
            "account": {"source": r["source"], "division": r["division"]},
            "period": {"from": r["period_from"], "to": r["period_to"]},
            "file_name": r["file_name"],
            "file_sha256": r["file_sha256"],
            "totals": json.loads(r["totals"]),
            "recorded_by": r["recorded_by"],
            "recorded_at": r["recorded_at"],
            "position": int(r["position"]),
        }
        for r in rows
    ]
