"""Recording each fact of the contract's event table: parse its data (a precise error
naming the field, and nothing recorded, for bad input), check it against what is recorded,
and record it on its aggregate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from adapters.settings import hash_id_number
from domain import ids
from domain.accounts import SOURCES, FundAccount
from domain.errors import Conflict, InvalidInput, PolicyRefusal
from domain.keys import Key
from domain.organisation import KINDS, Organisation
from domain.recorded import Actor
from domain.reference import ReferenceData
from domain.values import (
    birth_date_of_id_number,
    mask_id_number,
    parse_bool,
    parse_choice,
    parse_date,
    parse_division,
    parse_id_number,
    parse_identifier,
    parse_int,
    parse_money,
    parse_month,
    parse_period,
    parse_text,
    parse_text_list,
)
from domain.worker import Worker
from service.unit_of_work import UnitOfWork

A = TypeVar("A", bound=Aggregate)


@dataclass
class FactContext:
    """What a fact handler works with: the unit of work, who records, and the PII key."""

    uow: UnitOfWork
    pii_key: bytes
    by: Actor
    event_id: str

    @property
    def meta(self) -> dict[str, Any]:
        return {**self.by.meta, "event_id": self.event_id}

    def worker(self, data: Mapping[str, Any], field: str = "worker_id") -> Worker:
        worker_id = parse_identifier(field, data.get(field))
        worker = self.uow.find(ids.worker_uuid(worker_id), Worker)
        if worker is None:
            raise InvalidInput(field, f"unknown worker {worker_id}")
        return worker

    def organisation(self, data: Mapping[str, Any], field: str) -> Organisation:
        org_id = parse_identifier(field, data.get(field))
        organisation = self.uow.find(ids.organisation_uuid(org_id), Organisation)
        if organisation is None:
            raise InvalidInput(field, f"unknown organisation {org_id}")
        return organisation

    def optional_organisation(self, data: Mapping[str, Any], field: str) -> Organisation | None:
        return None if data.get(field) in (None, "") else self.organisation(data, field)

    def owner_of(self, namespace: str, data: Mapping[str, Any], field: str) -> Worker:
        """The worker who owns a placement, enrollment or loan id."""
        value = parse_identifier(field, data.get(field))
        key = self.uow.find(ids.key_uuid(namespace, value), Key)
        if key is None:
            raise InvalidInput(field, f"unknown {namespace} {value}")
        worker = self.uow.find(ids.worker_uuid(key.owner), Worker)
        assert worker is not None  # a key is only reserved beside its worker's fact
        return worker

    def reserve(self, namespace: str, value: str, owner: str, field: str) -> None:
        """Reserve a business id in this save; a second use is a conflict."""
        key_id = ids.key_uuid(namespace, value)
        if self.uow.find(key_id, Key) is not None:
            raise Conflict(f"{field} {value} is already used")
        self.uow.add(
            Key._create(Key.Reserved, id=key_id, namespace=namespace, value=value, owner=owner)
        )

    def reference(self) -> ReferenceData:
        found = self.uow.find(ids.REFERENCE_ID, ReferenceData)
        if found is None:
            found = self.uow.add(ReferenceData._create(ReferenceData.Created, id=ids.REFERENCE_ID))
        return found


def register_worker(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    worker_id = parse_identifier("worker_id", data.get("worker_id"))
    id_number = parse_id_number("id_number", data.get("id_number"))
    birth_date = parse_date("birth_date", data.get("birth_date"))
    if birth_date != birth_date_of_id_number(id_number):
        raise InvalidInput(
            "birth_date", f"differs from the ID number's {birth_date_of_id_number(id_number)}"
        )
    fields = {
        "worker_id": worker_id,
        "name": parse_text("name", data.get("name")),
        "birth_date": birth_date,
        "home_division": parse_division(
            "home_division", data.get("home_division"), hunan=True, levels=("county",)
        ),
        "registered_on": parse_date("registered_on", data.get("registered_on")),
    }
    if ctx.uow.find(ids.worker_uuid(worker_id), Worker) is not None:
        raise Conflict(f"worker {worker_id} is already registered")
    id_hash = hash_id_number(ctx.pii_key, id_number)
    person = ctx.uow.find(ids.key_uuid("person", id_hash), Key)
    if person is not None:
        # R24: one person, one worker — else every per-worker guard could be dodged.
        # The other worker is not named: it may lie outside the caller's scope (CONTRACT).
        raise PolicyRefusal("R24", "this ID number is already registered as another worker")
    ctx.reserve("person", id_hash, worker_id, "id_number")
    worker = Worker._create(
        Worker.Registered,
        id=ids.worker_uuid(worker_id),
        id_number_hash=id_hash,
        id_number_masked=mask_id_number(id_number),
        **fields,
        **ctx.meta,
    )
    return ctx.uow.add(worker)


def register_organisation(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    org_id = parse_identifier("org_id", data.get("org_id"))
    fields = {
        "org_id": org_id,
        "name": parse_text("name", data.get("name")),
        "division": parse_division("division", data.get("division")),
        "kind": parse_choice("kind", data.get("kind"), KINDS),
    }
    if ctx.uow.find(ids.organisation_uuid(org_id), Organisation) is not None:
        raise Conflict(f"organisation {org_id} is already registered")
    organisation = Organisation._create(
        Organisation.Registered, id=ids.organisation_uuid(org_id), **fields, **ctx.meta
    )
    return ctx.uow.add(organisation)


def designate_base(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    organisation = ctx.organisation(data, "org_id")
    organisation.designate_base(parse_date("designated_on", data.get("designated_on")), **ctx.meta)
    return organisation


def survey_worker(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    """R3: 对未就业的摸清就业意愿和就业服务需求，对已就业的摸清就业地点、就业单位名称和联系方式；
    谁摸查、谁负责."""
    worker = ctx.worker(data)
    status = parse_choice("status", data.get("status"), ("employed", "unemployed"))
    employed = status == "employed"
    willing = data.get("willing_to_work")
    worker.trigger_event(
        Worker.Surveyed,
        surveyed_on=parse_date("surveyed_on", data.get("surveyed_on")),
        surveyor=parse_text("surveyor", data.get("surveyor")),
        status=status,
        willing_to_work=True
        if employed and willing is None
        else parse_bool("willing_to_work", willing),
        service_needs=list(parse_text_list("service_needs", data.get("service_needs", []))),
        work_division=parse_division("work_division", data.get("work_division"))
        if employed
        else None,
        employer_name=parse_text("employer_name", data.get("employer_name")) if employed else None,
        employer_contact=parse_text("employer_contact", data.get("employer_contact"))
        if employed
        else None,
        **ctx.meta,
    )
    return worker


def place_worker(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    placement_id = parse_identifier("placement_id", data.get("placement_id"))
    worker = ctx.worker(data)
    employer = ctx.organisation(data, "employer_id")
    agency = ctx.optional_organisation(data, "agency_id")
    if agency is not None and agency.kind != "agency":
        raise InvalidInput("agency_id", f"{agency.org_id} is a {agency.kind}, not an agency")
    fields = {
        "started_on": parse_date("started_on", data.get("started_on")),
        "work_division": parse_division("work_division", data.get("work_division")),
        "contract_months": parse_int(
            "contract_months", data.get("contract_months"), minimum=0, maximum=600
        ),
    }
    ctx.reserve("placement", placement_id, worker.worker_id, "placement_id")
    worker.trigger_event(
        Worker.Placed,
        placement_id=placement_id,
        employer_id=employer.org_id,
        agency_id=agency.org_id if agency else None,
        **fields,
        **ctx.meta,
    )
    return worker


def end_placement(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    worker = ctx.owner_of("placement", data, "placement_id")
    worker.end_placement(
        parse_identifier("placement_id", data.get("placement_id")),
        parse_date("ended_on", data.get("ended_on")),
        parse_text("reason", data.get("reason")),
        **ctx.meta,
    )
    return worker


def register_unemployment(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    worker = ctx.worker(data)
    registered_on = parse_date("registered_on", data.get("registered_on"))
    worker.trigger_event(Worker.UnemploymentRegistered, registered_on=registered_on, **ctx.meta)
    return worker


def start_benefit(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    worker = ctx.worker(data)
    worker.start_benefit(parse_date("on", data.get("on")), **ctx.meta)
    return worker


def end_benefit(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    worker = ctx.worker(data)
    worker.end_benefit(parse_date("on", data.get("on")), **ctx.meta)
    return worker


def enrol(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    enrollment_id = parse_identifier("enrollment_id", data.get("enrollment_id"))
    worker = ctx.worker(data)
    institution = ctx.optional_organisation(data, "institution_id")
    if institution is not None and institution.kind != "training_institution":
        raise InvalidInput(
            "institution_id",
            f"{institution.org_id} is a {institution.kind}, not a training institution",
        )
    two_after = data.get("two_after_student", False)
    fields = {
        "kind": parse_choice("kind", data.get("kind"), ("pre_employment", "upgrade")),
        "category": parse_text("category", data.get("category"), max_len=100),
        "division": parse_division("division", data.get("division"), hunan=True),
        "started_on": parse_date("started_on", data.get("started_on")),
        "two_after_student": parse_bool("two_after_student", two_after),
    }
    ctx.reserve("enrollment", enrollment_id, worker.worker_id, "enrollment_id")
    worker.trigger_event(
        Worker.Enrolled,
        enrollment_id=enrollment_id,
        institution_id=institution.org_id if institution else None,
        **fields,
        **ctx.meta,
    )
    return worker


def attend(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    worker = ctx.owner_of("enrollment", data, "enrollment_id")
    worker.attend(
        parse_identifier("enrollment_id", data.get("enrollment_id")),
        parse_date("day", data.get("day")),
        **ctx.meta,
    )
    return worker


def complete_training(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    worker = ctx.owner_of("enrollment", data, "enrollment_id")
    worker.complete(
        parse_identifier("enrollment_id", data.get("enrollment_id")),
        parse_date("completed_on", data.get("completed_on")),
        **ctx.meta,
    )
    return worker


def contribute(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    worker = ctx.worker(data)
    employer = ctx.organisation(data, "employer_id")
    worker.contribute(
        employer.org_id,
        parse_month("month", data.get("month")),
        pension=parse_money("pension", data.get("pension")),
        medical=parse_money("medical", data.get("medical")),
        unemployment=parse_money("unemployment", data.get("unemployment")),
        **ctx.meta,
    )
    return worker


def grant_loan(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    loan_id = parse_identifier("loan_id", data.get("loan_id"))
    worker = ctx.worker(data)
    lender = ctx.organisation(data, "lender_id")
    fields = {
        "amount": parse_money("amount", data.get("amount"), allow_zero=False),
        "granted_on": parse_date("granted_on", data.get("granted_on")),
    }
    ctx.reserve("loan", loan_id, worker.worker_id, "loan_id")
    worker.trigger_event(
        Worker.LoanGranted, loan_id=loan_id, lender_id=lender.org_id, **fields, **ctx.meta
    )
    return worker


def set_training_standard(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    reference = ctx.reference()
    reference.trigger_event(
        ReferenceData.TrainingStandardSet,
        division=parse_division("division", data.get("division"), hunan=True),
        category=parse_text("category", data.get("category"), max_len=100),
        amount=parse_money("amount", data.get("amount"), allow_zero=False),
        effective_from=parse_date("effective_from", data.get("effective_from")),
        **ctx.meta,
    )
    return reference


def set_transport_standard(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    reference = ctx.reference()
    reference.trigger_event(
        ReferenceData.TransportStandardSet,
        division=parse_division("division", data.get("division"), hunan=True),
        amount=parse_money("amount", data.get("amount"), allow_zero=False),
        effective_from=parse_date("effective_from", data.get("effective_from")),
        **ctx.meta,
    )
    return reference


def designate_poor_area(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    reference = ctx.reference()
    reference.trigger_event(
        ReferenceData.PoorAreaDesignated,
        division=parse_division("division", data.get("division"), hunan=True),
        effective_from=parse_date("effective_from", data.get("effective_from")),
        **ctx.meta,
    )
    return reference


def set_working_age(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    min_age = parse_int("min_age", data.get("min_age"), minimum=0, maximum=120)
    max_age = parse_int("max_age", data.get("max_age"), minimum=0, maximum=120)
    if max_age < min_age:
        raise InvalidInput("max_age", f"{max_age} is below min_age {min_age}")
    reference = ctx.reference()
    reference.trigger_event(
        ReferenceData.WorkingAgeSet,
        min_age=min_age,
        max_age=max_age,
        effective_from=parse_date("effective_from", data.get("effective_from")),
        **ctx.meta,
    )
    return reference


def account_for(ctx: FactContext, data: Mapping[str, Any]) -> FundAccount:
    """The fund account named by `source` and `division`, opened on first use."""
    source = parse_choice("source", data.get("source"), SOURCES)
    division = parse_division("division", data.get("division"), hunan=True)
    account_id = ids.account_uuid(source, division)
    account = ctx.uow.find(account_id, FundAccount)
    if account is None:
        account = ctx.uow.add(
            FundAccount._create(FundAccount.Opened, id=account_id, source=source, division=division)
        )
    return account


def appropriate(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    appropriation_id = parse_identifier("appropriation_id", data.get("appropriation_id"))
    amount = parse_money("amount", data.get("amount"), allow_zero=False)
    appropriated_on = parse_date("appropriated_on", data.get("appropriated_on"))
    document_ref = parse_text("document_ref", data.get("document_ref"))
    account = account_for(ctx, data)
    reason = data.get("adjustment_reason")
    account.appropriate(
        appropriation_id=appropriation_id,
        amount=amount,
        appropriated_on=appropriated_on,
        document_ref=document_ref,
        adjustment_reason=None if reason is None else parse_text("adjustment_reason", reason),
        **ctx.meta,
    )
    ctx.reserve(
        "appropriation",
        appropriation_id,
        f"{account.source}/{account.division}",
        "appropriation_id",
    )
    return account


def close_period(ctx: FactContext, data: Mapping[str, Any]) -> Aggregate:
    account = account_for(ctx, data)
    account.close_period(
        period=parse_period("period", data.get("period")),
        closed_on=parse_date("closed_on", data.get("closed_on")),
        **ctx.meta,
    )
    return account


FACTS: dict[str, Callable[[FactContext, Mapping[str, Any]], Aggregate]] = {
    "WorkerRegistered": register_worker,
    "OrganisationRegistered": register_organisation,
    "BaseDesignated": designate_base,
    "WorkerSurveyed": survey_worker,
    "WorkerPlaced": place_worker,
    "PlacementEnded": end_placement,
    "UnemploymentRegistered": register_unemployment,
    "UnemploymentBenefitStarted": start_benefit,
    "UnemploymentBenefitEnded": end_benefit,
    "TrainingEnrolled": enrol,
    "TrainingDayAttended": attend,
    "TrainingCompleted": complete_training,
    "SocialInsuranceContributed": contribute,
    "GuaranteeLoanGranted": grant_loan,
    "TrainingStandardSet": set_training_standard,
    "TransportStandardSet": set_transport_standard,
    "PoorAreaDesignated": designate_poor_area,
    "WorkingAgeSet": set_working_age,
    "PeriodClosed": close_period,
    "FundsAppropriated": appropriate,
}


# The aggregates a fact's fields name, so a batch can learn in one query which are new.
_NAMED_BY_FIELD: dict[str, Callable[[str], UUID]] = {
    "worker_id": ids.worker_uuid,
    "org_id": ids.organisation_uuid,
    "employer_id": ids.organisation_uuid,
    "agency_id": ids.organisation_uuid,
    "institution_id": ids.organisation_uuid,
    "lender_id": ids.organisation_uuid,
    "placement_id": lambda value: ids.key_uuid("placement", value),
    "enrollment_id": lambda value: ids.key_uuid("enrollment", value),
    "loan_id": lambda value: ids.key_uuid("loan", value),
    "appropriation_id": lambda value: ids.key_uuid("appropriation", value),
}


def aggregates_named(data: Mapping[str, Any], pii_key: bytes) -> set[UUID]:
    named = {
        to_id(value)
        for name, to_id in _NAMED_BY_FIELD.items()
        if isinstance(value := data.get(name), str)
    }
    if isinstance(data.get("id_number"), str):
        named.add(ids.key_uuid("person", hash_id_number(pii_key, data["id_number"])))
    return named
