"""Reference data left to local standards, recorded with effective dates: training and
transport standards, designated poor areas, working-age bounds.

A standard applies to facts dated on or after its effective date; a standard is looked up
for the county, then its prefecture, then the province (POLICY "How dates … are read")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain import divisions
from domain.recorded import Fact

DEFAULT_WORKING_AGE = (16, 60)  # 一(二) 适龄劳动者; POLICY R1 default


class ReferenceData(Aggregate):
    """The one aggregate holding every local standard, each kept as a dated history."""

    TOPIC = "jobaid:ReferenceData"

    class Created(Aggregate.Created):
        TOPIC = "jobaid:ReferenceData.Created"

        def apply(self, aggregate: Any) -> None:
            aggregate.training = {}
            aggregate.transport = {}
            aggregate.poor_areas = {}
            aggregate.working_age = []

    class TrainingStandardSet(Fact):
        TOPIC = "jobaid:TrainingStandardSet"
        division: str
        category: str
        amount: Decimal
        effective_from: date

        def apply(self, aggregate: Any) -> None:
            key = (self.division, self.category)
            _insert(aggregate.training.setdefault(key, []), self.effective_from, self.amount)

    class TransportStandardSet(Fact):
        TOPIC = "jobaid:TransportStandardSet"
        division: str
        amount: Decimal
        effective_from: date

        def apply(self, aggregate: Any) -> None:
            _insert(
                aggregate.transport.setdefault(self.division, []), self.effective_from, self.amount
            )

    class PoorAreaDesignated(Fact):
        TOPIC = "jobaid:PoorAreaDesignated"
        division: str
        effective_from: date

        def apply(self, aggregate: Any) -> None:
            previous = aggregate.poor_areas.get(self.division)
            if previous is None or self.effective_from < previous:
                aggregate.poor_areas[self.division] = self.effective_from

    class WorkingAgeSet(Fact):
        TOPIC = "jobaid:WorkingAgeSet"
        min_age: int
        max_age: int
        effective_from: date

        def apply(self, aggregate: Any) -> None:
            _insert(aggregate.working_age, self.effective_from, (self.min_age, self.max_age))

    if TYPE_CHECKING:
        training: dict[tuple[str, str], list[tuple[date, Decimal]]]
        transport: dict[str, list[tuple[date, Decimal]]]
        poor_areas: dict[str, date]
        working_age: list[tuple[date, tuple[int, int]]]

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
        prefecture may both be designated: each is looked at, the county first."""
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
    return (division, *divisions.ancestors(division))


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
