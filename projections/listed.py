"""What the lists need beyond the money and the targets: each worker's survey in force,
organisations, and reconciliation summaries (handlers as in changes.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

from projections import schema
from projections.changes import Batch, Fields, where


def worker_surveyed(batch: Batch, position: int, event: Fields) -> None:
    """R3: the survey in force is the latest by `surveyed_on`; of two the same day, the one
    recorded later — as `Worker.survey_on` reads it. The batch keeps each worker's
    latest; writer.py applies it where it is no older than the stored one."""
    latest = batch.surveys.get(event["originator_id"])
    if latest is None or event["surveyed_on"] >= latest[0]:
        batch.surveys[event["originator_id"]] = (event["surveyed_on"], event["status"])


def organisation_registered(batch: Batch, position: int, event: Fields) -> None:
    batch.insert(
        schema.OrganisationRow(
            originator_id=event["originator_id"], org_id=event["org_id"], name=event["name"],
            division=event["division"], kind=event["kind"],
            credit_code=event.get("credit_code"), position=position,
            **where(event["division"]),
        )
    )  # fmt: skip


def base_designated(batch: Batch, position: int, event: Fields) -> None:
    batch.update(
        f"UPDATE {schema.ORGANISATIONS} SET base_designated_on = ? WHERE originator_id = ?",
        (event["designated_on"], event["originator_id"]),
    )


def account_reconciled(batch: Batch, position: int, event: Fields) -> None:
    batch.insert(
        schema.ReconciliationRow(
            reconciliation_id=event["originator_id"], source=event["source"],
            division=event["division"], period_from=event["period_from"],
            period_to=event["period_to"], file_name=event["file_name"],
            file_sha256=event["file_digest"],
            totals=json.dumps(event["report"]["totals"], sort_keys=True),
            recorded_by=event["recorded_by"], recorded_at=event["timestamp"],
            position=position, **where(event["division"]),
        )
    )  # fmt: skip


HANDLERS: dict[str, Callable[[Batch, int, Fields], None]] = {
    "jobaid:WorkerSurveyed": worker_surveyed,
    "jobaid:OrganisationRegistered": organisation_registered,
    "jobaid:BaseDesignated": base_designated,
    "jobaid:AccountReconciled": account_reconciled,
}
