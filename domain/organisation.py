"""Organisations: employers, service agencies, training institutions and governments."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict, InvalidInput
from domain.recorded import FactEvent, Recording

KINDS = ("enterprise", "agency", "training_institution", "government")
KIND_NAMES = {"agency": "an agency", "training_institution": "a training institution"}


class Organisation(Aggregate):
    """A registered organisation; an employer may be designated an employment base (就业扶贫基地)."""

    TOPIC = "jobaid:Organisation"

    class Event(FactEvent):
        TOPIC = "jobaid:Organisation.Event"

    @event("Registered", topic="jobaid:OrganisationRegistered")
    def __init__(
        self,
        org_id: str,
        name: str,
        division: str,
        kind: str,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.org_id = org_id
        self.name = name
        self.division = division
        self.kind = kind
        self.base_designated_on: date | None = None

    @staticmethod
    def create_id(org_id: str) -> UUID:
        return ids.organisation_uuid(org_id)

    @classmethod
    def register(
        cls, org_id: str, name: str, division: str, kind: str, taken: bool, recording: Recording
    ) -> Organisation:
        if taken:
            raise Conflict(f"organisation {org_id} is already registered")
        return cls(org_id=org_id, name=name, division=division, kind=kind, **recording.meta)

    def designate_base(self, designated_on: date, recording: Recording) -> None:
        if self.base_designated_on is not None:
            raise Conflict(f"{self.org_id} was designated a base on {self.base_designated_on}")
        self._designated(designated_on=designated_on, **recording.meta)

    @event("BaseDesignated", topic="jobaid:BaseDesignated")
    def _designated(
        self, designated_on: date, recorded_by: str, token_id: str | None, event_id: str
    ) -> None:
        self.base_designated_on = designated_on

    def require_kind(self, kind: str, field: str) -> None:
        """An organisation named in a role only an agency or institution plays."""
        if self.kind != kind:
            raise InvalidInput(field, f"{self.org_id} is a {self.kind}, not {KIND_NAMES[kind]}")

    def is_base_on(self, day: date) -> bool:
        return self.base_designated_on is not None and self.base_designated_on <= day
