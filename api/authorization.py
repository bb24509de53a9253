"""Who may do what (CONTRACT "Who may do what"), decided before anything is recorded.

A fact's scope is read from facts that never change once recorded — a worker's home
division, an organisation's division, a placement's or enrollment's worker — so checking
before the command cannot be undone by a race. A fact naming something not yet recorded
(nor earlier in the same batch) is refused as unknown input, never let through unchecked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from api.problems import forbidden
from domain import divisions, ids
from domain.errors import InvalidInput
from domain.keys import Key
from domain.organisation import Organisation
from domain.values import parse_division, parse_identifier
from domain.worker import Worker
from service.tokens import Principal
from service.unit_of_work import UnitOfWork

PROVINCE = divisions.PROVINCE
READS_EVERYTHING = ("auditor", "admin")
REFERENCE = {"TrainingStandardSet", "TransportStandardSet", "PoorAreaDesignated", "WorkingAgeSet"}
ACCOUNT_FACTS = {"FundsAppropriated", "PeriodClosed"}
ORGANISATION_FACTS = {"OrganisationRegistered", "BaseDesignated"}
WORKER_FACTS = {
    "WorkerRegistered", "WorkerSurveyed", "WorkerPlaced", "PlacementEnded", "UnemploymentRegistered",
    "UnemploymentBenefitStarted", "UnemploymentBenefitEnded", "TrainingEnrolled", "TrainingDayAttended",
    "TrainingCompleted", "SocialInsuranceContributed", "GuaranteeLoanGranted",
}  # fmt: skip
MAY_POST = {
    "clerk": WORKER_FACTS | ORGANISATION_FACTS,
    "finance": ACCOUNT_FACTS,
    "admin": REFERENCE | {"BaseDesignated"},
    "auditor": set(),
}
# The organisations a worker fact names, beside the worker.
NAMED_ORGANISATIONS = {
    "WorkerPlaced": ("employer_id", "agency_id"),
    "TrainingEnrolled": ("institution_id",),
    "SocialInsuranceContributed": ("employer_id",),
    "GuaranteeLoanGranted": ("lender_id",),
}
OWNED_KEYS = {
    "PlacementEnded": "placement",
    "TrainingDayAttended": "enrollment",
    "TrainingCompleted": "enrollment",
}


def require_role(principal: Principal, *roles: str) -> None:
    if principal.role not in roles:
        raise forbidden(f"a {principal.role} token may not do this (needs {' or '.join(roles)})")


def require_read(principal: Principal, division: str | None) -> None:
    """Clerks and finance read within their scope; auditors and admins read everything."""
    if principal.role not in READS_EVERYTHING and not principal.covers(division):
        # Never name what is protected (a worker's home county): only the caller's own scope.
        raise forbidden(f"this lies outside the token's scope {principal.division}")


def may_post(principal: Principal, items: list[tuple[str, str, Mapping[str, Any]]]) -> None:
    """The role check, before the command starts: no store reads."""
    for _, type_, _ in items:
        if type_ not in MAY_POST[principal.role]:
            raise forbidden(f"a {principal.role} token may not post {type_}")


def fact_authorizer(principal: Principal) -> Callable[[str, Mapping[str, Any], UnitOfWork], None]:
    """The scope check the ledger runs on each fact inside its command, over the command's
    own unit of work: what earlier facts of the batch registered is seen there, and
    nothing is loaded twice."""

    def authorize(type_: str, data: Mapping[str, Any], uow: UnitOfWork) -> None:
        if type_ not in MAY_POST[principal.role]:
            raise forbidden(f"a {principal.role} token may not post {type_}")
        authorize_fact(principal, type_, data, uow)

    return authorize


def authorize_fact(
    principal: Principal, type_: str, data: Mapping[str, Any], uow: UnitOfWork
) -> None:
    if type_ in REFERENCE:
        # Reference data applies to its division and everything under it; the working age to all.
        division = (
            PROVINCE
            if type_ == "WorkingAgeSet"
            else parse_division("division", data.get("division"), hunan=True)
        )
        return require_scope(principal, division, type_)
    if type_ in ACCOUNT_FACTS:
        return require_scope(
            principal, parse_division("division", data.get("division"), hunan=True), type_
        )
    if type_ == "OrganisationRegistered":
        division = parse_division("division", data.get("division"))
        # An organisation outside Hunan lies in no scope: any clerk may register it.
        if divisions.is_hunan(division):
            require_scope(principal, division, type_)
        return None
    if type_ == "BaseDesignated":
        division = organisation_division(uow, data, "org_id")
        return None if principal.role == "admin" else require_scope(principal, division, type_)
    return authorize_worker_fact(principal, type_, data, uow)


def authorize_worker_fact(
    principal: Principal, type_: str, data: Mapping[str, Any], uow: UnitOfWork
) -> None:
    """A worker fact lies in the scope of the worker's home; one that also names a Hunan
    organisation (a placement, a contribution…) in that organisation's scope too."""
    if type_ == "WorkerRegistered":
        home = parse_division("home_division", data.get("home_division"), hunan=True)
        return require_scope(principal, home, type_)
    if type_ in OWNED_KEYS:
        worker_id, org_ids = key_owner(uow, OWNED_KEYS[type_], data)
    else:
        worker_id = parse_identifier("worker_id", data.get("worker_id"))
        named = NAMED_ORGANISATIONS.get(type_, ())
        org_ids = tuple(
            parse_identifier(f, data.get(f)) for f in named if data.get(f) not in (None, "")
        )
    home = worker_home(uow, worker_id)
    places = [home] + [organisation_division(uow, {"org_id": o}, "org_id") for o in org_ids]
    if not any(principal.covers(place) for place in places if divisions.is_hunan(place)):
        raise forbidden(
            f"{type_} about worker {worker_id} is outside the token's scope {principal.division}"
        )
    return None


def require_scope(principal: Principal, division: str, what: str) -> None:
    if not principal.covers(division):
        raise forbidden(f"{what} outside the token's scope {principal.division} is not allowed")


def worker_home(uow: UnitOfWork, worker_id: str) -> str:
    worker = uow.find(ids.worker_uuid(worker_id), Worker)
    if worker is None:
        raise InvalidInput("worker_id", f"unknown worker {worker_id}")
    return worker.home_division


def organisation_division(uow: UnitOfWork, data: Mapping[str, Any], field_: str) -> str:
    org_id = parse_identifier(field_, data.get(field_))
    organisation = uow.find(ids.organisation_uuid(org_id), Organisation)
    if organisation is None:
        raise InvalidInput(field_, f"unknown organisation {org_id}")
    return organisation.division


def key_owner(
    uow: UnitOfWork, namespace: str, data: Mapping[str, Any]
) -> tuple[str, tuple[str, ...]]:
    """The worker and organisations of a placement or enrollment named by its id."""
    key_field = f"{namespace}_id"
    value = parse_identifier(key_field, data.get(key_field))
    found = uow.find(ids.key_uuid(namespace, value), Key)
    worker = uow.find(ids.worker_uuid(found.owner), Worker) if found is not None else None
    if found is None or worker is None:
        raise InvalidInput(key_field, f"unknown {namespace} {value}")
    if namespace == "placement":
        placement = worker.placement(value)
        orgs = (placement.employer_id, *([placement.agency_id] if placement.agency_id else []))
    else:
        institution = worker.enrollment(value).institution_id
        orgs = (institution,) if institution else ()
    return found.owner, orgs
