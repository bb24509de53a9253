"""Payment runs (批量发放): every payable R10 allowance, R13 year and R14 claim of a
division on a date, requested in one go — each request decided and guarded as any
other — and approved in one go, one request after another (CONTRACT "Approving payments").

The run records what it requested and what the policy refused (with the rule), and its
approval records what was paid and what was stopped (R21 and the rest) and why."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict, Forbidden, InvalidInput
from domain.fields import Day, HunanDivision, Id, Spec
from domain.recorded import Actor, FactEvent

RUN_RULES = ("R10", "R13", "R14")  # the recurring subsidies a run finds by itself


def parse_rules(name: str, value: object) -> tuple[str, ...]:
    """A non-empty list of the rules a run pays, each once."""
    if not isinstance(value, list) or not value or len(value) > len(RUN_RULES):
        raise InvalidInput(name, f"must be a list of rules from {', '.join(RUN_RULES)}")
    if any(rule not in RUN_RULES for rule in value) or len(set(value)) != len(value):
        raise InvalidInput(name, f"must name each of {', '.join(RUN_RULES)} at most once")
    return tuple(value)


RULES = Spec(parse_rules, {"type": "array", "items": {"type": "string", "enum": list(RUN_RULES)},
                           "minItems": 1, "uniqueItems": True})  # fmt: skip


@dataclass(frozen=True)
class StartRun:
    """`POST /v1/payment-runs`: the division whose accounts pay, the rules, the date."""

    run_id: Id
    division: HunanDivision
    rules: Annotated[tuple[str, ...], RULES]
    paid_on: Day


@dataclass(frozen=True)
class RunItem:
    """One thing a run may pay: a rule, the fact it is paid for, and its payee."""

    rule: str
    fact_id: str
    payee_id: str
    worker_id: str | None = None  # known to the read models: prefetched with the rest

    def request_id(self, run_id: str) -> str:
        """A request id of the item in this run: the same on a retry of the run, and
        within the contract's 64 characters however long the run's and fact's ids are."""
        digest = hashlib.sha256(f"{run_id}\n{self.rule}\n{self.fact_id}".encode()).hexdigest()
        return f"run.{digest[:40]}"

    def body(self, run_id: str, paid_on: date) -> dict[str, Any]:
        fact = "enrollment_id" if self.rule == "R10" else "placement_id"
        return {"request_id": self.request_id(run_id), "rule": self.rule,
                "payee_id": self.payee_id, "paid_on": paid_on.isoformat(), fact: self.fact_id}  # fmt: skip


class PaymentRun(Aggregate):
    """One payment run, identified by the client's `run_id`."""

    TOPIC = "jobaid:PaymentRun"

    class Event(FactEvent):
        TOPIC = "jobaid:PaymentRun.Event"

    @event("PaymentRunStarted", topic="jobaid:PaymentRunStarted")
    def __init__(
        self,
        run_id: str,
        division: str,
        rules: list[str],
        paid_on: date,
        requests: list[str],
        refused: list[dict[str, str]],
        request_hash: str,
        recorded_by: str,
        token_id: str | None,
    ) -> None:
        self.run_id, self.division, self.rules, self.paid_on = run_id, division, rules, paid_on
        self.requests, self.refused, self.request_hash = requests, refused, request_hash
        self.recorded_by, self.token_id = recorded_by, token_id
        self.status = "requested"
        self.report: dict[str, Any] | None = None

    @staticmethod
    def create_id(run_id: str) -> UUID:
        return ids.run_uuid(run_id)

    def check_approver(self, by: Actor) -> None:
        """Four eyes on the run as on each of its requests: never its maker."""
        if self.status != "requested":
            raise Conflict(f"payment run {self.run_id} was already approved")
        same_token = by.token_id is not None and by.token_id == self.token_id
        if by.subject == self.recorded_by or same_token:
            raise Forbidden("four eyes: a run is approved by another person, with another token")

    def approve(
        self,
        approval_id: str,
        paid_on: date,
        paid: list[str],
        stopped: list[dict[str, str]],
        by: Actor,
    ) -> None:
        self.check_approver(by)
        self._approved(approval_id=approval_id, paid_on=paid_on, paid=paid, stopped=stopped,
                       **by.meta)  # fmt: skip

    @event("PaymentRunApproved", topic="jobaid:PaymentRunApproved")
    def _approved(
        self,
        approval_id: str,
        paid_on: date,
        paid: list[str],
        stopped: list[dict[str, str]],
        recorded_by: str,
        token_id: str | None,
    ) -> None:
        self.status = "approved"
        self.report = {"approval_id": approval_id, "paid_on": paid_on, "paid": paid,
                       "stopped": stopped, "approved_by": recorded_by}  # fmt: skip
