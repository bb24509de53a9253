"""Request and response shapes as the OpenAPI document shows them, with examples. They
describe the wire; the ledger's own parsers validate it, so there is one validator."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.facts import FACTS

IDENTIFIER = r"^[A-Za-z0-9_.:-]{1,64}$"
AMOUNT = r"^\d{1,12}(\.\d{1,2})?$"
DIVISION = r"^\d{6}$"


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


class FactIn(BaseModel):
    """One fact; `data` holds the type's fields (CONTRACT's table of types)."""

    event_id: str = Field(pattern=IDENTIFIER, examples=["ev-2018-0001"])
    type: str = Field(examples=["WorkerRegistered"], json_schema_extra={"enum": list(FACTS)})
    data: dict[str, Any] = Field(
        examples=[
            {
                "worker_id": "w-430102-0001",
                "name": "张三",
                "id_number": "430102199003070012",
                "birth_date": "1990-03-07",
                "home_division": "430102",
                "registered_on": "2017-01-01",
            }
        ]
    )


class FactOut(BaseModel):
    event_id: str
    type: str
    aggregate_id: str
    version: int
    position: int
    recorded_at: datetime


class AccountRef(BaseModel):
    source: Literal["employment_fund", "unemployment_insurance_fund", "local_treasury"]
    division: str = Field(pattern=DIVISION)


class PaymentIn(BaseModel):
    """The ledger decides the amount and the paying account."""

    payment_id: str = Field(pattern=IDENTIFIER, examples=["pay-2018-0001"])
    rule: Literal["R7", "R8", "R9", "R10", "R12", "R13", "R14", "R15", "R16", "R17"]
    payee_id: str = Field(pattern=IDENTIFIER, examples=["agency-1"])
    paid_on: date = Field(examples=["2018-07-15"])
    worker_id: str | None = Field(default=None, pattern=IDENTIFIER)
    placement_id: str | None = Field(default=None, pattern=IDENTIFIER, examples=["p-1"])
    enrollment_id: str | None = Field(default=None, pattern=IDENTIFIER)
    loan_id: str | None = Field(default=None, pattern=IDENTIFIER)
    amount: str | None = Field(
        default=None, pattern=AMOUNT, description="R17 only (R15/R16: must equal the policy's)"
    )
    adjustment_reason: str | None = Field(
        default=None, description="R23: finance only, for a closed period"
    )


class PaymentOut(Open):
    payment_id: str
    rule: str
    amount: str = Field(examples=["200.00"])
    account: AccountRef
    payee_id: str
    worker_id: str | None
    paid_on: date
    position: int


class ReversalIn(BaseModel):
    reversal_id: str = Field(pattern=IDENTIFIER, examples=["rev-1"])
    reason: str = Field(examples=["paid to the wrong agency"])
    reversed_on: date = Field(examples=["2018-08-01"])
    adjustment_reason: str | None = None


class ReversalOut(Open):
    reversal_id: str
    payment_id: str
    amount: str
    account: AccountRef
    reversed_on: date
    position: int


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


class StatementOut(Open):
    opening_balance: str
    lines: list[StatementLine]
    closing_balance: str


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


class TokenIn(BaseModel):
    role: Literal["clerk", "finance", "auditor", "admin"]
    division: str = Field(pattern=DIVISION, examples=["430102"])
    subject: str | None = Field(default=None, max_length=200, examples=["clerk.zhang@430102"])


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
