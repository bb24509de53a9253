"""Organisations: employers, service agencies, training institutions and governments."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.errors import Conflict
from domain.recorded import Fact, FactCreated

KINDS = ("enterprise", "agency", "training_institution", "government")


class Organisation(Aggregate):
    """A registered organisation; an employer may be designated an employment base (就业扶贫基地)."""

    TOPIC = "jobaid:Organisation"

    class Created(Aggregate.Created):
        TOPIC = "jobaid:Organisation.Created"

    class Registered(FactCreated):
        TOPIC = "jobaid:OrganisationRegistered"
        org_id: str
        name: str
        division: str
        kind: str

        def apply(self, aggregate: Any) -> None:
            aggregate.org_id = self.org_id
            aggregate.name = self.name
            aggregate.division = self.division
            aggregate.kind = self.kind
            aggregate.base_designated_on = None

    class BaseDesignated(Fact):
        TOPIC = "jobaid:BaseDesignated"
        designated_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.base_designated_on = self.designated_on

    if TYPE_CHECKING:
        org_id: str
        name: str
        division: str
        kind: str
        base_designated_on: date | None

    def designate_base(self, designated_on: date, **meta: str) -> None:
        if self.base_designated_on is not None:
            raise Conflict(f"{self.org_id} was designated a base on {self.base_designated_on}")
        self.trigger_event(self.BaseDesignated, designated_on=designated_on, **meta)

    def is_base_on(self, day: date) -> bool:
        return self.base_designated_on is not None and self.base_designated_on <= day
