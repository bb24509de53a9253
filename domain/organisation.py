"""Organisations: employers, service agencies, training institutions and governments."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict, InvalidInput
from domain.recorded import FactEvent, Recording

if TYPE_CHECKING:
    from domain.commands import RegisterOrganisation

KINDS = ("enterprise", "agency", "training_institution", "government")


def add_credit_code(state: dict[str, Any]) -> None:
    """Version 3: a registration may name the organisation's credit code; earlier ones did not."""
    if "org_id" in state:
        state.setdefault("credit_code", None)


KIND_NAMES = {"agency": "an agency", "training_institution": "a training institution"}


class Organisation(Aggregate):
    """A registered organisation; an employer may be designated an employment base (就业扶贫基地)."""

    TOPIC = "jobaid:Organisation"

    class Event(FactEvent):
        TOPIC = "jobaid:Organisation.Event"
        class_version = 3  # 2: token_id; 3: a registration's credit_code
        upcast_v2_v3 = staticmethod(add_credit_code)

    @event("Registered", topic="jobaid:OrganisationRegistered")
    def __init__(
        self,
        org_id: str,
        name: str,
        division: str,
        kind: str,
        credit_code: str | None,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.org_id = org_id
        self.name = name
        self.division = division
        self.kind = kind
        self.credit_code = credit_code
        self.base_designated_on: date | None = None

    @staticmethod
    def create_id(org_id: str) -> UUID:
        return ids.organisation_uuid(org_id)

    @classmethod
    def register(
        cls, cmd: RegisterOrganisation, taken: tuple[bool, bool], recording: Recording
    ) -> Organisation:
        """`taken`: whether the org id, and its credit code, are recorded already — one
        organisation, one credit code, as one person has one ID number."""
        org_taken, code_taken = taken
        if org_taken:
            raise Conflict(f"organisation {cmd.org_id} is already registered")
        if code_taken:
            raise Conflict(f"credit_code {cmd.credit_code} is already registered")
        return cls(org_id=cmd.org_id, name=cmd.name, division=cmd.division, kind=cmd.kind,
                   credit_code=cmd.credit_code, **recording.meta)  # fmt: skip

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
