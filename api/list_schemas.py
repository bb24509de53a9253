"""Response shapes of the lists (CONTRACT "Lists, files and jobs"): `{"items": [...],
"next_cursor": "<opaque>" | null}`, each with an example for /openapi.json."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import AccountRef, Open, PaymentOut, RecordedEvent, ReversalOut

CURSOR = Field(
    description="pass as `?cursor=` for the next page; null on the last page",
    examples=["c1.MTIzNDU"],
)


def example(**fields: Any) -> ConfigDict:
    return ConfigDict(extra="allow", json_schema_extra={"examples": [fields]})


class WorkerItem(Open):
    """What GET /v1/workers/{worker_id} shows of a worker, nothing more (ID number masked)."""

    worker_id: str
    name: str
    id_number: str = Field(description="masked: the last four characters hidden")
    birth_date: date
    home_division: str
    registered_on: date
    status: Literal["employed", "unemployed"] | None = Field(
        description="of the survey in force now (R3); null before any survey"
    )
    position: int = Field(description="where its registration lies in the log")


WORKER = {
    "worker_id": "w-430102-0001", "name": "张三", "id_number": "43010219880808****",
    "birth_date": "1988-08-08", "home_division": "430102", "registered_on": "2018-03-01",
    "status": "employed", "position": 12,
}  # fmt: skip


class WorkerPage(BaseModel):
    model_config = example(items=[WORKER], next_cursor="c1.MTI")
    items: list[WorkerItem]
    next_cursor: str | None = CURSOR


class OrganisationItem(Open):
    org_id: str
    name: str
    division: str
    kind: Literal["enterprise", "agency", "training_institution", "government"]
    credit_code: str | None = Field(description="统一社会信用代码, when registered")
    base_designated_on: date | None = Field(description="就业扶贫基地 since, if designated")
    position: int


ORGANISATION = {
    "org_id": "org-hn-001", "name": "长沙某电子有限公司", "division": "430102",
    "kind": "enterprise", "credit_code": "91430102MA4L0XXX0X", "base_designated_on": None,
    "position": 7,
}  # fmt: skip


class OrganisationPage(BaseModel):
    model_config = example(items=[ORGANISATION], next_cursor=None)
    items: list[OrganisationItem]
    next_cursor: str | None = CURSOR


PAYMENT = {
    "payment_id": "pay-0001", "rule": "R7", "amount": "200.00",
    "account": {"source": "employment_fund", "division": "430102"},
    "payee_id": "w-430102-0001", "worker_id": "w-430102-0001", "paid_on": "2018-07-15",
    "position": 40, "funding_rule": "R7", "earned_on": "2018-06-01",
    "basis": "placement p-1", "covers": [], "reversed": False, "reversal": None,
}  # fmt: skip
REVERSAL = {
    "reversal_id": "rev-0001", "payment_id": "pay-0001", "amount": "200.00",
    "account": {"source": "employment_fund", "division": "430102"},
    "reversed_on": "2018-08-01", "reason": "placement misreported", "position": 52,
}  # fmt: skip


class PaymentDetail(PaymentOut):
    """The payment's 201 body as it stands now, and its reversal (null if none)."""

    model_config = example(**{**PAYMENT, "reversed": True, "reversal": REVERSAL})
    reversal: ReversalOut | None


class PaymentPage(BaseModel):
    model_config = example(items=[PAYMENT], next_cursor="c1.NDA")
    items: list[PaymentDetail]
    next_cursor: str | None = CURSOR


class PeriodOut(BaseModel):
    from_: date = Field(alias="from")
    to: date


class ReconciliationItem(Open):
    """A reconciliation's summary; GET /v1/reconciliations/{id} gives its lines."""

    reconciliation_id: str
    account: AccountRef
    period: PeriodOut
    file_name: str
    file_sha256: str
    totals: dict[str, int]
    recorded_by: str
    recorded_at: datetime
    position: int


class ReconciliationPage(BaseModel):
    model_config = example(
        items=[
            {
                "reconciliation_id": "5f0c6c1e-3c52-5b1e-9a57-0d6f5a1b2c3d",
                "account": {"source": "employment_fund", "division": "430102"},
                "period": {"from": "2018-07-01", "to": "2018-07-31"},
                "file_name": "国库支付2018年7月.xlsx", "file_sha256": "9f86d0…",
                "totals": {"matched": 118, "date_mismatch": 0, "amount_mismatch": 1,
                           "unmatched_treasury": 0, "unmatched_ledger": 2},
                "recorded_by": "finance.li", "recorded_at": "2018-08-02T01:30:00+00:00",
                "position": 9120,
            }
        ],
        next_cursor=None,
    )  # fmt: skip
    items: list[ReconciliationItem]
    next_cursor: str | None = CURSOR


class HistoryPage(BaseModel):
    """A worker's history a page at a time (`?limit=` or `?cursor=` given)."""

    model_config = example(
        items=[{"type": "WorkerRegistered", "version": 1,
                "recorded_at": "2018-03-01T02:00:00+00:00", "data": {"worker_id": "w-1"}}],
        next_cursor="c1.MQ",
    )  # fmt: skip
    items: list[RecordedEvent]
    next_cursor: str | None = CURSOR
