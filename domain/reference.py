"""Reference data left to local standards, recorded with effective dates: training and
transport standards, designated poor areas, working-age bounds.

A standard applies to facts dated on or after its effective date; a standard is looked up
for the county, then its prefecture, then the province (POLICY "How dates … are read")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import divisions, ids
from domain.commands import (
    DesignatePoorArea,
    SetApprovalPolicy,
    SetTrainingStandard,
    SetTransportStandard,
    SetWorkingAge,
)
from domain.errors import InvalidInput
from domain.recorded import FactEvent, Recording

DEFAULT_WORKING_AGE = (16, 60)  # 一(二) 适龄劳动者; POLICY R1 default
DEFAULT_DEADLINE_DAYS = 30  # issue 14: a request undecided for 30 days may be withdrawn


@dataclass(frozen=True)
class ApprovalPolicy:
    """A division's maker-checker policy (ApprovalPolicySet) as in force on a date."""

    division: str
    threshold: Decimal
    approvers: int
    effective_from: date
    deadline_days: int

    def approvers_for(self, amount: Decimal) -> int:
        """Approvers a payment of `amount` needs: the policy's number above the threshold."""
        return self.approvers if amount > self.threshold else 1

    def describe(self) -> str:
        return (
            f"the approval policy of {self.division} in force from {self.effective_from} "
            f"(above {self.threshold}, {self.approvers} approver(s))"
        )


class ReferenceData(Aggregate):
    """The one aggregate holding every local standard, each kept as a dated history."""

    TOPIC = "jobaid:ReferenceData"

    class Event(FactEvent):
        TOPIC = "jobaid:ReferenceData.Event"

    @event("Created", topic="jobaid:ReferenceData.Created")
    def __init__(self) -> None:
        self.training: dict[tuple[str, str], list[tuple[date, Decimal]]] = {}
        self.transport: dict[str, list[tuple[date, Decimal]]] = {}
        self.poor_areas: dict[str, date] = {}
        self.working_age: list[tuple[date, tuple[int, int]]] = []
        self.approval: dict[str, list[tuple[date, tuple[Decimal, int, int]]]] = {}

    @staticmethod
    def create_id() -> UUID:
        return ids.REFERENCE_ID

    def set_training_standard(self, cmd: SetTrainingStandard, recording: Recording) -> None:
        self._training_standard_set(division=cmd.division, category=cmd.category,
                                    amount=cmd.amount, effective_from=cmd.effective_from,
                                    **recording.meta)  # fmt: skip

    @event("TrainingStandardSet", topic="jobaid:TrainingStandardSet")
    def _training_standard_set(
        self,
        division: str,
        category: str,
        amount: Decimal,
        effective_from: date,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        _insert(self.training.setdefault((division, category), []), effective_from, amount)

    def set_transport_standard(self, cmd: SetTransportStandard, recording: Recording) -> None:
        self._transport_standard_set(division=cmd.division, amount=cmd.amount,
                                     effective_from=cmd.effective_from, **recording.meta)  # fmt: skip

    @event("TransportStandardSet", topic="jobaid:TransportStandardSet")
    def _transport_standard_set(
        self,
        division: str,
        amount: Decimal,
        effective_from: date,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        _insert(self.transport.setdefault(division, []), effective_from, amount)

    def designate_poor_area(self, cmd: DesignatePoorArea, recording: Recording) -> None:
        self._poor_area_designated(division=cmd.division, effective_from=cmd.effective_from,
                                   **recording.meta)  # fmt: skip

    @event("PoorAreaDesignated", topic="jobaid:PoorAreaDesignated")
    def _poor_area_designated(
        self,
        division: str,
        effective_from: date,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        previous = self.poor_areas.get(division)
        if previous is None or effective_from < previous:
            self.poor_areas[division] = effective_from

    def set_working_age(self, cmd: SetWorkingAge, recording: Recording) -> None:
        """R1 适龄: the bounds in completed years, the lower first."""
        if cmd.max_age < cmd.min_age:
            raise InvalidInput("max_age", f"{cmd.max_age} is below min_age {cmd.min_age}")
        self._working_age_set(min_age=cmd.min_age, max_age=cmd.max_age,
                              effective_from=cmd.effective_from, **recording.meta)  # fmt: skip

    @event("WorkingAgeSet", topic="jobaid:WorkingAgeSet")
    def _working_age_set(
        self,
        min_age: int,
        max_age: int,
        effective_from: date,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        _insert(self.working_age, effective_from, (min_age, max_age))

    def set_approval_policy(self, cmd: SetApprovalPolicy, recording: Recording) -> None:
        self._approval_policy_set(division=cmd.division, threshold=cmd.threshold,
                                  approvers=cmd.approvers, effective_from=cmd.effective_from,
                                  deadline_days=cmd.deadline_days, **recording.meta)  # fmt: skip

    @event("ApprovalPolicySet", topic="jobaid:ApprovalPolicySet")
    def _approval_policy_set(
        self,
        division: str,
        threshold: Decimal,
        approvers: int,
        effective_from: date,
        deadline_days: int,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        history = self.approval.setdefault(division, [])
        _insert(history, effective_from, (threshold, approvers, deadline_days))

    def approval_policy_on(self, division: str, on: date) -> ApprovalPolicy | None:
        """The approval policy for an account of `division` in force on `on`: its own,
        else its prefecture's, else the province's (as standards are looked up)."""
        for code in _upwards(division):
            history = self.approval.get(code, [])
            found = _in_force(history, on)
            if found is not None:
                since = max(when for when, _ in history if when <= on)
                return ApprovalPolicy(code, found[0], found[1], since, found[2])
        return None

    def training_standard(
        self, division: str, category: str, on: date
    ) -> tuple[str, Decimal] | None:
        """同类职业培训补贴标准 in force on `on`, and the division that published it."""
        for code in _upwards(division):
            amount = _in_force(self.training.get((code, category), []), on)
            if amount is not None:
                return code, amount
        return None

    def transport_standard(self, division: str, on: date) -> tuple[str, Decimal] | None:
        """The sending county's one-off transport standard in force on `on` (R12)."""
        for code in _upwards(division):
            amount = _in_force(self.transport.get(code, []), on)
            if amount is not None:
                return code, amount
        return None

    def poor_area_of(self, division: str, on: date, local_to: str | None = None) -> str | None:
        """The designated poor area (贫困地区) in force on `on` that contains `division` and,
        if given, `local_to` too (R13: the worker is from that area, 当地). A county and its
        prefecture may both be designated: each is looked at, the county first; an area
        designated under a retired code or its successor is the same area."""
        for code in _upwards(division):
            designated = self.poor_areas.get(code)
            if designated is None or designated > on:
                continue
            if local_to is None or divisions.contains(code, local_to):
                return code
        return None

    def working_age_on(self, on: date) -> tuple[int, int]:
        """R1's working-age bounds in force on `on` (16 to 60 unless set otherwise)."""
        bounds = _in_force(self.working_age, on)
        return bounds if bounds is not None else DEFAULT_WORKING_AGE


def _upwards(division: str) -> tuple[str, ...]:
    """The division, then the divisions holding it — each with every code of its place
    (POLICY: a retired code and its successor are one place)."""
    return tuple(
        code
        for level in (division, *divisions.ancestors(division))
        for code in divisions.same_place(level)
    )


def _insert(history: list[tuple[date, Any]], effective_from: date, value: Any) -> None:
    """Keep a dated history sorted; a later record for the same date supersedes."""
    history[:] = [entry for entry in history if entry[0] != effective_from]
    history.append((effective_from, value))
    history.sort(key=lambda entry: entry[0])


def _in_force(history: list[tuple[date, Any]], on: date) -> Any:
    current = None
    for effective_from, value in history:
        if effective_from > on:
            break
        current = value
    return current
