"""The payment requests' read model (maker-checker): one row per request, its status
kept up to date by its approvals, rejection or withdrawal; and the list query of
`GET /v1/payment-requests` (CONTRACT "Approving payments"), in recording order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapters.sql import SqlCursor
from projections import lists, schema
from projections.changes import Batch, Fields
from projections.money import to_fen, yuan

CHUNK = 500  # rows read at a time while a page is filtered by the caller's scope


def payment_requested(batch: Batch, position: int, event: Fields) -> None:
    batch.insert(
        schema.RequestRow(
            position=position, request_id=event["request_id"],
            originator_id=event["originator_id"], status="pending", rule=event["rule"],
            amount=to_fen(event["amount"]), source=event["source"],
            division=event["division"], payee_id=event["payee_id"],
            worker_id=event["worker_id"], paid_on=event["paid_on"],
            requested_by=event["recorded_by"], token_id=event["token_id"],
            approvals_needed=event["approvals_needed"], approved_by="", reason=None,
            decided_on=None, recorded_at=event["timestamp"],
        )
    )  # fmt: skip


def request_approved(batch: Batch, position: int, event: Fields) -> None:
    """One approval: its approver added; the status moves when the last one is given."""
    batch.update(
        f"UPDATE {schema.REQUESTS} SET status = ?, approvals_needed = ?,"
        " approved_by = CASE WHEN approved_by = '' THEN ? ELSE approved_by || ',' || ? END,"
        " paid_on = ?, decided_on = COALESCE(?, decided_on) WHERE originator_id = ?",
        (event["status"], event["approvals_needed"], event["recorded_by"], event["recorded_by"],
         event["paid_on"], event["timestamp"] if event["status"] == "approved" else None,
         event["originator_id"]),
    )  # fmt: skip


def request_rejected(batch: Batch, position: int, event: Fields) -> None:
    decided(batch, event, "rejected", event["reason"])


def request_withdrawn(batch: Batch, position: int, event: Fields) -> None:
    decided(batch, event, "withdrawn", None)


def decided(batch: Batch, event: Fields, status: str, reason: str | None) -> None:
    batch.update(
        f"UPDATE {schema.REQUESTS} SET status = ?, reason = ?, decided_on = ?"
        " WHERE originator_id = ?",
        (status, reason, event["timestamp"], event["originator_id"]),
    )


HANDLERS: dict[str, Callable[[Batch, int, Fields], None]] = {
    "jobaid:PaymentRequested": payment_requested,
    "jobaid:PaymentRequestApproved": request_approved,
    "jobaid:PaymentRequestRejected": request_rejected,
    "jobaid:PaymentRequestWithdrawn": request_withdrawn,
}


def requests(
    cur: SqlCursor,
    after: int,
    limit: int,
    status: str | None,
    division: str | None,
    within: Callable[[str], bool] | None,
) -> list[dict[str, Any]]:
    """Up to `limit` requests recorded after position `after`, of `status` and paid from
    an account of `division` (exactly), that `within` lets the caller see."""
    conditions = lists.equal("status", status) + lists.equal("division", division)
    found: list[dict[str, Any]] = []
    while len(found) < limit:
        rows = lists.rows_after(cur, schema.REQUESTS, conditions, after, CHUNK)
        found += [public(row) for row in rows if within is None or within(row["division"])]
        if len(rows) < CHUNK:
            break
        after = int(rows[-1]["position"])
    return found[:limit]


def public(row: Any) -> dict[str, Any]:
    return {
        "request_id": row["request_id"], "status": row["status"], "rule": row["rule"],
        "amount": yuan(row["amount"]),
        "account": {"source": row["source"], "division": row["division"]},
        "payee_id": row["payee_id"], "worker_id": row["worker_id"], "paid_on": row["paid_on"],
        "requested_by": row["requested_by"], "approvals_needed": row["approvals_needed"],
        "approved_by": [s for s in row["approved_by"].split(",") if s],
        "reason": row["reason"], "decided_at": row["decided_on"],
        "requested_at": row["recorded_at"], "position": row["position"],
    }  # fmt: skip


def run_candidates(cur: SqlCursor, rules: tuple[str, ...], paid_on: str) -> list[dict[str, Any]]:
    """What a payment run may pay on `paid_on`, before the policy looks: R10 for each
    pre-employment enrollment started by then (payee: the worker, paid by the training's
    county), R13/R14 for each placement started by then (payee: the employer, paid by its
    county) — in recording order. The policy refuses, with its rule, what is not payable."""
    found: list[dict[str, Any]] = []
    if "R10" in rules:
        rows = cur.execute(
            f"SELECT enrollment_id, worker_id, division FROM {schema.ENROLLMENTS}"
            " WHERE kind = 'pre_employment' AND started_on <= ? ORDER BY position",
            (paid_on,),
        ).fetchall()
        found += [{"rule": "R10", "fact_id": r["enrollment_id"], "payee_id": r["worker_id"],
                   "division": r["division"], "employer_id": None, "worker_id": r["worker_id"]}
                  for r in rows]  # fmt: skip
    placement_rules = [rule for rule in ("R13", "R14") if rule in rules]
    if placement_rules:
        rows = cur.execute(
            f"SELECT placement_id, employer_id, worker_id FROM {schema.PLACEMENTS}"
            " WHERE started_on <= ? ORDER BY position",
            (paid_on,),
        ).fetchall()
        found += [{"rule": rule, "fact_id": r["placement_id"], "payee_id": r["employer_id"],
                   "division": None, "employer_id": r["employer_id"], "worker_id": r["worker_id"]}
                  for rule in placement_rules for r in rows]  # fmt: skip
    return found
