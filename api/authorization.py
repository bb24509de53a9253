"""Who may do what (CONTRACT "Who may do what"), decided before anything is recorded.

A fact's scope is read from facts that never change once recorded — a worker's home
division, an organisation's division, a placement's or enrollment's worker — so checking
before the command cannot be undone by a race. A fact naming something not yet recorded
(nor earlier in the same batch) is refused as unknown input, never let through unchecked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from api.problems import forbidden
from api.tokens import Principal
from domain import divisions, ids
from domain.errors import InvalidInput, NotFound
from domain.keys import Key
from domain.values import parse_division, parse_identifier
from jobaid.application import Ledger
from jobaid.unit_of_work import UnitOfWork

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


@dataclass
class Batch:
    """What earlier items of the same batch registered, so later items may name them."""

    workers: dict[str, str] = field(default_factory=dict)  # worker_id → home division
    organisations: dict[str, str] = field(default_factory=dict)  # org_id → division
    keys: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = field(default_factory=dict)


def require_role(principal: Principal, *roles: str) -> None:
    if principal.role not in roles:
        raise forbidden(f"a {principal.role} token may not do this (needs {' or '.join(roles)})")


def require_read(principal: Principal, division: str | None) -> None:
    """Clerks and finance read within their scope; auditors and admins read everything."""
    if principal.role not in READS_EVERYTHING and not principal.covers(division):
        raise forbidden(f"{division} lies outside the token's scope {principal.division}")


def authorize_facts(
    ledger: Ledger, principal: Principal, items: list[tuple[str, str, Mapping[str, Any]]]
) -> None:
    batch = Batch()
    for index, (_, type_, data) in enumerate(items):
        prefix = f"[{index}].data." if len(items) > 1 else "data."
        if type_ not in MAY_POST[principal.role]:
            raise forbidden(f"a {principal.role} token may not post {type_}")
        try:
            authorize_fact(ledger, principal, type_, data, batch)
        except InvalidInput as error:
            raise InvalidInput(prefix + error.field, error.reason) from None


def authorize_fact(
    ledger: Ledger, principal: Principal, type_: str, data: Mapping[str, Any], batch: Batch
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
        org_id = parse_identifier("org_id", data.get("org_id"))
        division = parse_division("division", data.get("division"))
        # An organisation outside Hunan lies in no scope: any clerk may register it.
        if divisions.is_hunan(division):
            require_scope(principal, division, type_)
        batch.organisations.setdefault(org_id, division)
        return None
    if type_ == "BaseDesignated":
        division = organisation_division(ledger, batch, data, "org_id")
        return None if principal.role == "admin" else require_scope(principal, division, type_)
    return authorize_worker_fact(ledger, principal, type_, data, batch)


def authorize_worker_fact(
    ledger: Ledger, principal: Principal, type_: str, data: Mapping[str, Any], batch: Batch
) -> None:
    """A worker fact lies in the scope of the worker's home; one that also names a Hunan
    organisation (a placement, a contribution…) in that organisation's scope too."""
    if type_ == "WorkerRegistered":
        worker_id = parse_identifier("worker_id", data.get("worker_id"))
        home = parse_division("home_division", data.get("home_division"), hunan=True)
        require_scope(principal, home, type_)
        batch.workers.setdefault(worker_id, home)
        return
    if type_ in OWNED_KEYS:
        worker_id, org_ids = key_owner(ledger, batch, OWNED_KEYS[type_], data)
    else:
        worker_id = parse_identifier("worker_id", data.get("worker_id"))
        named = NAMED_ORGANISATIONS.get(type_, ())
        org_ids = tuple(
            parse_identifier(f, data.get(f)) for f in named if data.get(f) not in (None, "")
        )
    home = worker_home(ledger, batch, worker_id)
    places = [home] + [
        organisation_division(ledger, batch, {"org_id": o}, "org_id") for o in org_ids
    ]
    if not any(principal.covers(place) for place in places if divisions.is_hunan(place)):
        raise forbidden(
            f"{type_} about worker {worker_id} lies outside the token's scope {principal.division}"
        )
    if type_ in ("WorkerPlaced", "TrainingEnrolled"):
        namespace, key_field = (
            ("placement", "placement_id")
            if type_ == "WorkerPlaced"
            else ("enrollment", "enrollment_id")
        )
        key = parse_identifier(key_field, data.get(key_field))
        batch.keys.setdefault((namespace, key), (worker_id, org_ids))


def require_scope(principal: Principal, division: str, what: str) -> None:
    if not principal.covers(division):
        raise forbidden(
            f"{what} for {division} lies outside the token's scope {principal.division}"
        )


def worker_home(ledger: Ledger, batch: Batch, worker_id: str) -> str:
    if worker_id in batch.workers:
        return batch.workers[worker_id]
    try:
        return ledger.get_worker(worker_id).home_division
    except NotFound:
        raise InvalidInput("worker_id", f"unknown worker {worker_id}") from None


def organisation_division(
    ledger: Ledger, batch: Batch, data: Mapping[str, Any], field_: str
) -> str:
    org_id = parse_identifier(field_, data.get(field_))
    if org_id in batch.organisations:
        return batch.organisations[org_id]
    try:
        return ledger.get_organisation(org_id).division
    except NotFound:
        raise InvalidInput(field_, f"unknown organisation {org_id}") from None


def key_owner(
    ledger: Ledger, batch: Batch, namespace: str, data: Mapping[str, Any]
) -> tuple[str, tuple[str, ...]]:
    """The worker and organisations of a placement or enrollment named by its id."""
    key_field = f"{namespace}_id"
    value = parse_identifier(key_field, data.get(key_field))
    if (namespace, value) in batch.keys:
        return batch.keys[(namespace, value)]
    found = UnitOfWork(ledger).find(ids.key_uuid(namespace, value), Key)
    if found is None:
        raise InvalidInput(key_field, f"unknown {namespace} {value}")
    worker = ledger.get_worker(found.owner)
    if namespace == "placement":
        placement = worker.placement(value)
        orgs = (placement.employer_id, *([placement.agency_id] if placement.agency_id else []))
    else:
        institution = worker.enrollment(value).institution_id
        orgs = (institution,) if institution else ()
    return found.owner, orgs
