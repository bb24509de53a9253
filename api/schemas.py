"""Response shapes as the OpenAPI document shows them, built from the service's typed
results (requests: api/requests.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.fields import DIVISION
from domain.sources import SOURCES
from domain.values import money_str
from service.results import (
    ApprovalRecorded,
    FactRecorded,
    PaymentRecorded,
    RequestRecorded,
    ReversalRecorded,
)


class Open(BaseModel):
    """A response that may carry more fields than listed (the contract's minimum)."""

    model_config = ConfigDict(extra="allow")


class ProblemOut(Open):
    type: str = Field(examples=["urn:jobaid:problem:policy-refusal"])
    title: str = Field(examples=["Refused by the policy"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["R18: worker w1 was already paid R7 in 2018"])
    rule: str | None = Field(default=None, examples=["R18"])
    field: str | None = Field(default=None, examples=["data.home_division"])
    request_id: str | None = Field(
        default=None,
        description="The request's id, as in its X-Request-ID response header and log lines",
        examples=["3f2b8c1e-5d7a-4e21-9a0b-6c4d2e8f1a93"],
    )


class FactOut(BaseModel):
    event_id: str
    type: str
    aggregate_id: str
    version: int
    position: int
    recorded_at: datetime

    @classmethod
    def of(cls, recorded: FactRecorded) -> FactOut:
        return cls(
            event_id=recorded.event_id,
            type=recorded.type,
            aggregate_id=str(recorded.aggregate_id),
            version=recorded.version,
            position=recorded.position,
            recorded_at=recorded.recorded_at,
        )


class AccountRef(BaseModel):
    source: str = Field(json_schema_extra={"enum": list(SOURCES)})
    division: str = Field(pattern=DIVISION)


class PaymentOut(BaseModel):
    """CONTRACT's payment body, and how the policy decided it."""

    payment_id: str
    rule: str
    amount: str = Field(examples=["200.00"])
    account: AccountRef
    payee_id: str
    worker_id: str | None
    paid_on: date
    position: int
    funding_rule: str = Field(description="R11 when the unemployment insurance fund pays")
    earned_on: date
    basis: str
    covers: list[str]
    reversed: bool

    @classmethod
    def of(cls, paid: PaymentRecorded) -> PaymentOut:
        return cls(
            payment_id=paid.payment_id, rule=paid.rule, amount=money_str(paid.amount),
            account=AccountRef(source=paid.source, division=paid.division),
            payee_id=paid.payee_id, worker_id=paid.worker_id, paid_on=paid.paid_on,
            position=paid.position, funding_rule=paid.funding_rule, earned_on=paid.earned_on,
            basis=paid.basis, covers=list(paid.covers), reversed=paid.reversed,
        )  # fmt: skip


class ReversalOut(BaseModel):
    reversal_id: str
    payment_id: str
    amount: str
    account: AccountRef
    reversed_on: date
    reason: str
    position: int

    @classmethod
    def of(cls, reversal: ReversalRecorded) -> ReversalOut:
        return cls(
            reversal_id=reversal.reversal_id, payment_id=reversal.payment_id,
            amount=money_str(reversal.amount),
            account=AccountRef(source=reversal.source, division=reversal.division),
            reversed_on=reversal.reversed_on, reason=reversal.reason, position=reversal.position,
        )  # fmt: skip


class AccountOut(Open):
    source: str
    division: str
    appropriated: str = Field(examples=["1000000.00"])
    paid: str
    reversed: str
    balance: str


class StatementLine(Open):
    date: date
    kind: Literal["appropriation", "payment", "reversal"]
    rule: str | None
    payee_id: str | None
    worker_id: str | None
    amount: str = Field(description="signed: money in is positive")
    balance: str
    position: int
    payee_name: str | None = Field(
        None, description="the organisation's name, or the worker's when paid in person"
    )
    document_ref: str | None = Field(None, description="an appropriation's 文号")
    reason: str | None = Field(None, description="why a payment was reversed")
    summary: str | None = Field(None, description="摘要: what the line was, in Chinese")


class StatementOut(Open):
    opening_balance: str = Field(description="the balance before the page's first line")
    lines: list[StatementLine]
    closing_balance: str = Field(description="the balance after the page's last line")
    next_cursor: str | None = Field(
        None, description="past 1,000 lines (or `limit`): the next page's `cursor`"
    )


class YearEndPeriod(Open):
    period: str = Field(examples=["2018-01"])
    opening_balance: str
    appropriated: str
    paid: str
    reversed: str
    closing_balance: str


class YearEndOut(Open):
    source: str
    division: str
    year: int
    opening_balance: str = Field(description="brought forward from 31 December before")
    appropriated: str
    paid: str
    reversed: str
    closing_balance: str = Field(description="carried forward on 31 December")
    months: list[YearEndPeriod]


class RecordedEvent(Open):
    type: str = Field(examples=["WorkerPlaced"])
    version: int
    recorded_at: datetime
    data: dict[str, Any]


class TargetsOut(Open):
    placements: dict[str, Any] = Field(examples=[{"target": 350000, "achieved": 12}])
    two_after_students: dict[str, Any] = Field(examples=[{"target": 45000, "achieved": 3}])
    by_division: list[dict[str, Any]]


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    sealed_through: int
    unsealed: int
    first_bad_position: int | None
    detail: str


class CheckpointOut(BaseModel):
    position: int = Field(description="the last sealed position (0: nothing sealed yet)")
    chain_hash: str = Field(description="the chain hash sealed at that position")
    sealed_at: str | None = Field(description="when that position was sealed (UTC)")
    taken_at: str
    signed_off_by: str = Field(description="the subject of the token that took it")
    digest: str = Field(description="SHA-256 of the other fields: an altered file is refused")


class TokenOut(BaseModel):
    token: str = Field(description="shown once; only its hash is kept")
    token_id: str
    role: str
    division: str
    subject: str


class TokenRevokedOut(BaseModel):
    token_id: str
    revoked: bool


class HealthOut(BaseModel):
    status: str = Field(examples=["ok"])


class ReadyOut(Open):
    status: str = Field(examples=["ready"])
    position: int = Field(description="the highest position recorded")


class LiveOut(BaseModel):
    status: str = Field(examples=["ok"])


class HealthReadyOut(BaseModel):
    """Readiness for a load balancer: status and positions only, no ledger data."""

    status: str = Field(examples=["ready"])
    position: int | None = Field(
        default=None, description="the log's last position, as last probed"
    )
    projections_position: int | None = Field(
        default=None, description="the position the projections have reached"
    )


class RequestOut(BaseModel):
    """CONTRACT's payment request body, with its approvals so far."""

    request_id: str
    status: str = Field(json_schema_extra={"enum": ["pending", "approved", "rejected", "withdrawn"]})  # fmt: skip
    rule: str
    amount: str = Field(examples=["200.00"])
    account: AccountRef
    payee_id: str
    worker_id: str | None
    paid_on: date
    requested_by: str
    approvals_needed: int = Field(description="different approvers the approval policy asks")
    approved_by: list[str]
    reason: str | None = Field(description="why it was rejected")
    position: int

    @classmethod
    def of(cls, made: RequestRecorded) -> RequestOut:
        return cls(
            request_id=made.request_id, status=made.status, rule=made.rule,
            amount=money_str(made.amount),
            account=AccountRef(source=made.source, division=made.division),
            payee_id=made.payee_id, worker_id=made.worker_id, paid_on=made.paid_on,
            requested_by=made.requested_by, approvals_needed=made.approvals_needed,
            approved_by=list(made.approved_by), reason=made.reason, position=made.position,
        )  # fmt: skip


def approval_out(approved: ApprovalRecorded) -> dict[str, Any]:
    """An approval's answer (HTTP and `jobaid payment-request approve` alike): the request
    while it awaits another approver, else its payment with the request beside it."""
    request = RequestOut.of(approved.request).model_dump(mode="json")
    if approved.payment is None:
        return request
    return {**PaymentOut.of(approved.payment).model_dump(mode="json"), "request": request}
