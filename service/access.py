"""Who may do what (CONTRACT "Who may do what"), decided inside each command.

A fact's scope is read from facts that never change once recorded — a worker's home
division, an organisation's division, a placement's or enrollment's worker — and from the
command's own unit of work, so what earlier facts of a batch registered is seen, and the
check cannot be undone by a race. A 403 names nothing outside the caller's scope."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from domain import divisions, ids
from domain.errors import Forbidden, InvalidInput
from domain.keys import Key
from domain.organisation import Organisation
from domain.recorded import Actor
from domain.worker import Worker
from service.unit_of_work import UnitOfWork

READS_EVERYTHING = ("auditor", "admin")


@dataclass(frozen=True)
class Access:
    """Who is calling: a token's subject, role and division scope (and its id)."""

    token_id: str
    role: str
    division: str
    subject: str

    @property
    def actor(self) -> Actor:
        """Who the ledger records as acting: the subject, and the token that proves it."""
        return Actor(self.subject, self.token_id)

    def covers(self, division: str | None) -> bool:
        """A prefecture covers its counties; 430000 the whole province."""
        return division is not None and divisions.contains(self.division, division)

    def require_role(self, *roles: str) -> None:
        if self.role not in roles:
            raise Forbidden(f"{self.token_kind} may not do this (needs {' or '.join(roles)})")

    @property
    def token_kind(self) -> str:
        """'an admin token', 'a clerk token': the role as a refusal reads it."""
        article = "an" if self.role[:1] in "aeiou" else "a"
        return f"{article} {self.role} token"

    def require_scope(self, division: str, what: str) -> None:
        if not self.covers(division):
            raise Forbidden(f"{what} outside the token's scope {self.division} is not allowed")

    def require_read(self, division: str | None) -> None:
        """Clerks and finance read within their scope; auditors and admins read everything."""
        if self.role not in READS_EVERYTHING and not self.covers(division):
            # Never name what is protected (a worker's home county): only the caller's own scope.
            raise Forbidden(f"this lies outside the token's scope {self.division}")

    def reads_everything(self) -> bool:
        return self.role in READS_EVERYTHING

    def list_within(self, division: str | None, in_no_scope: bool = False) -> str | None:
        """The division a list reads (None: everything): the `division=` filter asked
        for, narrowed to the token's scope as `require_read` would narrow single reads.
        A filter inside the scope is kept, one around it narrowed to the scope, one
        beside it a 403 naming only the caller's own scope. `in_no_scope`: the filter
        names a place no scope holds (an organisation outside Hunan), readable by all."""
        if self.reads_everything() or in_no_scope:
            return division
        if division is None or divisions.contains(division, self.division):
            return self.division
        if self.covers(division):
            return division
        raise Forbidden(f"this lies outside the token's scope {self.division}")


# A fact's places: the Hunan divisions any one of which the caller's scope must cover
# (none: anyone with the role may post it).
Places = Callable[[UnitOfWork, Any], list[str]]


def division_field(uow: UnitOfWork, cmd: Any) -> list[str]:
    return [cmd.division]


def province(uow: UnitOfWork, cmd: Any) -> list[str]:
    """The working age applies everywhere: only a provincial token sets it."""
    return [divisions.PROVINCE]


def home_field(uow: UnitOfWork, cmd: Any) -> list[str]:
    return [cmd.home_division]


def organisation_registered(uow: UnitOfWork, cmd: Any) -> list[str]:
    """An organisation outside Hunan lies in no scope: any clerk may register it."""
    return [cmd.division] if divisions.is_hunan(cmd.division) else []


def the_organisation(uow: UnitOfWork, cmd: Any) -> list[str]:
    return [organisation_division(uow, cmd.org_id, "org_id")]


def worker_and_organisations(uow: UnitOfWork, cmd: Any) -> list[str]:
    """A worker fact lies in the scope of the worker's home; one that also names a Hunan
    organisation (a placement, a contribution…) in that organisation's scope too."""
    if hasattr(cmd, "worker_id"):
        worker_id = cmd.worker_id
        org_fields = ("employer_id", "agency_id", "institution_id", "lender_id")
        org_ids = [getattr(cmd, f) for f in org_fields if getattr(cmd, f, None) is not None]
    else:
        worker_id, org_ids = key_owner(uow, cmd)
    places = [worker_home(uow, worker_id)]
    places += [organisation_division(uow, org_id, "org_id") for org_id in org_ids]
    return [place for place in places if divisions.is_hunan(place)]


def authorize(access: Access, places: Iterable[str], what: str, anywhere: bool = False) -> None:
    """The scope check of one fact: one of its places in the caller's scope."""
    found = list(places)
    if anywhere or not found or any(access.covers(place) for place in found):
        return
    raise Forbidden(f"{what} is outside the token's scope {access.division}")


def worker_home(uow: UnitOfWork, worker_id: str) -> str:
    worker = uow.find(ids.worker_uuid(worker_id), Worker)
    if worker is None:
        raise InvalidInput("worker_id", f"unknown worker {worker_id}")
    return worker.home_division


def organisation_division(uow: UnitOfWork, org_id: str, field: str) -> str:
    organisation = uow.find(ids.organisation_uuid(org_id), Organisation)
    if organisation is None:
        raise InvalidInput(field, f"unknown organisation {org_id}")
    return organisation.division


def key_owner(uow: UnitOfWork, cmd: Any) -> tuple[str, list[str]]:
    """The worker and organisations of a placement or enrollment named by its id."""
    namespace = "placement" if hasattr(cmd, "placement_id") else "enrollment"
    value = getattr(cmd, f"{namespace}_id")
    found = uow.find(ids.key_uuid(namespace, value), Key)
    worker = uow.find(ids.worker_uuid(found.owner), Worker) if found is not None else None
    if found is None or worker is None:
        raise InvalidInput(f"{namespace}_id", f"unknown {namespace} {value}")
    if namespace == "placement":
        placement = worker.placement(value)
        return found.owner, [placement.employer_id, *([placement.agency_id] if placement.agency_id else [])]  # fmt: skip
    institution = worker.enrollment(value).institution_id
    return found.owner, [institution] if institution else []
