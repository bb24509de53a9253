"""Worker and organisation views, now or as of a business date.

A person's own facts are few, so the view reads them from the ledger's aggregate (cached
by the ledger) and keeps only what had happened by `as_of`; the money side — payments,
and the placements an organisation employs — comes from the projection tables."""

from __future__ import annotations

from datetime import date
from typing import Any

from adapters.eventstore import EventStore
from adapters.sql import SqlCursor
from domain import ids
from domain.organisation import Organisation
from domain.policy.placement import is_cross_region
from domain.worker import Worker
from projections import schema
from projections.money import yuan


def by(day: date | None, as_of: date | None) -> bool:
    return day is not None and (as_of is None or day <= as_of)


def shown(day: date | None, as_of: date | None) -> str | None:
    """A date the view may show: one that had come by `as_of`."""
    return day.isoformat() if day is not None and by(day, as_of) else None


def worker(
    events: EventStore, cur: SqlCursor, worker_id: str, as_of: date | None
) -> dict[str, Any] | None:
    w = events.get(ids.worker_uuid(worker_id), Worker)
    if w is None:
        return None
    survey = w.survey_on(as_of or date.max)
    return {
        "worker_id": w.worker_id,
        "name": w.name,
        "id_number": w.id_number_masked,
        "birth_date": w.birth_date.isoformat(),
        "home_division": w.home_division,
        "registered_on": w.registered_on.isoformat(),
        "as_of": None if as_of is None else as_of.isoformat(),
        "status": survey.status if survey else None,
        "survey": None
        if survey is None
        else {
            "surveyed_on": survey.surveyed_on.isoformat(),
            "surveyor": survey.surveyor,
            "status": survey.status,
            "willing_to_work": survey.willing_to_work,
            "service_needs": list(survey.service_needs),
            "work_division": survey.work_division,
        },
        "placements": placements_of(w, as_of),
        "trainings": trainings_of(w, as_of),
        "unemployment_registered": [
            d.isoformat() for d in w.unemployment_registered if by(d, as_of)
        ],
        "benefit_periods": [
            {"started_on": s.isoformat(), "ended_on": shown(e, as_of)}
            for s, e in w.benefit_periods
            if by(s, as_of)
        ],
        "payments": payments(cur, "worker_id", worker_id, as_of),
    }


def placements_of(w: Worker, as_of: date | None) -> list[dict[str, Any]]:
    return [
        {
            "placement_id": p.placement_id,
            "employer_id": p.employer_id,
            "agency_id": p.agency_id,
            "started_on": p.started_on.isoformat(),
            "ended_on": shown(p.ended_on, as_of),
            "work_division": p.work_division,
            "contract_months": p.contract_months,
            "cross_region": is_cross_region(w.home_division, p.work_division),
        }
        for p in sorted(w.placements.values(), key=lambda p: (p.started_on, p.placement_id))
        if by(p.started_on, as_of)
    ]


def trainings_of(w: Worker, as_of: date | None) -> list[dict[str, Any]]:
    return [
        {
            "enrollment_id": e.enrollment_id,
            "kind": e.kind,
            "category": e.category,
            "division": e.division,
            "institution_id": e.institution_id,
            "started_on": e.started_on.isoformat(),
            "days_attended": sum(1 for d in e.days if by(d, as_of)),
            "completed_on": shown(e.completed_on, as_of),
            "two_after_student": e.two_after_student,
        }
        for e in sorted(w.enrollments.values(), key=lambda e: (e.started_on, e.enrollment_id))
        if by(e.started_on, as_of)
    ]


def payments(
    cur: SqlCursor, column: str, value: str, as_of: date | None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Payments naming a worker or paid to a payee, by `paid_on`; reversed if by `as_of`;
    the first `limit` of them when given (the index on (column, paid_on) stops there)."""
    sql = f"SELECT * FROM {schema.PAYMENTS} WHERE {column} = ?"
    params: list[Any] = [value]
    if as_of is not None:
        sql += " AND paid_on <= ?"
        params.append(as_of.isoformat())
    sql += " ORDER BY paid_on, position"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = cur.execute(sql, params).fetchall()
    return [payment_view(r, reversed_by(r["reversed_on"], as_of)) for r in rows]


def reversed_by(reversed_on: str | None, as_of: date | None) -> str | None:
    """The reversal's date if it had happened by `as_of` (ISO dates compare as text)."""
    if reversed_on is None or (as_of is not None and reversed_on > as_of.isoformat()):
        return None
    return reversed_on


def payment_view(r: Any, reversed_on: str | None) -> dict[str, Any]:
    return {
        "payment_id": r["payment_id"],
        "rule": r["rule"],
        "amount": yuan(int(r["amount"])),
        "account": {"source": r["source"], "division": r["division"]},
        "payee_id": r["payee_id"],
        "worker_id": r["worker_id"],
        "placement_id": r["placement_id"],
        "enrollment_id": r["enrollment_id"],
        "paid_on": r["paid_on"],
        "earned_on": r["earned_on"],
        "position": int(r["position"]),
        "reversed": reversed_on is not None,
        "reversed_on": reversed_on,
    }


def organisation(
    events: EventStore,
    cur: SqlCursor,
    org_id: str,
    as_of: date | None,
    most: int | None = None,
) -> dict[str, Any] | None:
    """`most`: the earliest that many of its payments and of its placements only (the
    console shows a page of each; a lender may be paid every day for years)."""
    o = events.get(ids.organisation_uuid(org_id), Organisation)
    if o is None:
        return None
    return {
        "org_id": o.org_id,
        "name": o.name,
        "division": o.division,
        "kind": o.kind,
        "as_of": None if as_of is None else as_of.isoformat(),
        "base_designated_on": shown(o.base_designated_on, as_of),
        "payments": payments(cur, "payee_id", org_id, as_of, most),
        "placements": employed(cur, org_id, as_of, most),
    }


def employed(
    cur: SqlCursor, org_id: str, as_of: date | None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Placements the organisation employs, or made as the service agency (the first
    `limit` of them when given)."""
    sql = f"SELECT * FROM {schema.PLACEMENTS} WHERE (employer_id = ? OR agency_id = ?)"
    params: list[Any] = [org_id, org_id]
    if as_of is not None:
        sql += " AND started_on <= ?"
        params.append(as_of.isoformat())
    sql += " ORDER BY started_on, placement_id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = cur.execute(sql, params).fetchall()
    return [
        {
            "placement_id": r["placement_id"],
            "worker_id": r["worker_id"],
            "role": "employer" if r["employer_id"] == org_id else "agency",
            "started_on": r["started_on"],
            "ended_on": r["ended_on"]
            if as_of is None or (r["ended_on"] or "9") <= as_of.isoformat()
            else None,
            "work_division": r["work_division"],
            "cross_region": bool(r["cross_region"]),
        }
        for r in rows
    ]
