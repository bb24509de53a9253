"""Recording each fact of the contract's table: load what the command names into the unit
of work and ask the aggregate to record it. Every guard is the aggregate's own (the
domain); a handler only finds, creates and reserves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from adapters.settings import hash_id_number
from domain import commands as c
from domain import ids
from domain.accounts import FundAccount
from domain.errors import InvalidInput
from domain.keys import Key
from domain.organisation import Organisation
from domain.recorded import Recording
from domain.reference import ReferenceData
from domain.worker import Worker
from service.payments import account_of
from service.unit_of_work import UnitOfWork

A = TypeVar("A", bound=Aggregate)


@dataclass
class FactContext:
    """What a fact handler works with: the unit of work, the fact's recording (who, and
    its idempotency key), and the key that hashes ID numbers."""

    uow: UnitOfWork
    pii_key: bytes
    recording: Recording

    def taken(self, aggregate_id: UUID, cls: type[A]) -> bool:
        return self.uow.find(aggregate_id, cls) is not None

    def worker(self, worker_id: str, field: str = "worker_id") -> Worker:
        return self._named(ids.worker_uuid(worker_id), Worker, field, f"worker {worker_id}")

    def organisation(self, org_id: str, field: str) -> Organisation:
        return self._named(ids.organisation_uuid(org_id), Organisation, field, f"organisation {org_id}")  # fmt: skip

    def optional_organisation(self, org_id: str | None, field: str) -> Organisation | None:
        return None if org_id is None else self.organisation(org_id, field)

    def owner_of(self, namespace: str, value: str) -> Worker:
        """The worker who owns a placement, enrollment or loan id."""
        key = self._named(ids.key_uuid(namespace, value), Key, f"{namespace}_id", f"{namespace} {value}")  # fmt: skip
        return self.worker(key.owner)

    def reserve(self, namespace: str, value: str, owner: str, field: str) -> None:
        """Reserve a business id in this save; a second use is a conflict."""
        taken = self.taken(ids.key_uuid(namespace, value), Key)
        self.uow.add(Key.reserve(namespace, value, owner, taken, field))

    def reference(self) -> ReferenceData:
        found = self.uow.find(ids.REFERENCE_ID, ReferenceData)
        return found if found is not None else self.uow.add(ReferenceData())

    def account(self, source: str, division: str) -> FundAccount:
        return account_of(self.uow, source, division)

    def _named(self, aggregate_id: UUID, cls: type[A], field: str, what: str) -> A:
        found = self.uow.find(aggregate_id, cls)
        if found is None:
            raise InvalidInput(field, f"unknown {what}")
        return found


def register_worker(ctx: FactContext, cmd: c.RegisterWorker) -> Aggregate:
    id_hash = hash_id_number(ctx.pii_key, cmd.id_number)
    taken = (
        ctx.taken(ids.worker_uuid(cmd.worker_id), Worker),
        ctx.taken(ids.key_uuid("person", id_hash), Key),
    )
    worker = ctx.uow.add(Worker.register(cmd, taken, id_hash, ctx.recording))
    ctx.reserve("person", id_hash, cmd.worker_id, "id_number")
    return worker


def register_organisation(ctx: FactContext, cmd: c.RegisterOrganisation) -> Aggregate:
    code = cmd.credit_code
    taken = (
        ctx.taken(ids.organisation_uuid(cmd.org_id), Organisation),
        code is not None and ctx.taken(ids.key_uuid("credit_code", code), Key),
    )
    organisation = ctx.uow.add(Organisation.register(cmd, taken, ctx.recording))
    if code is not None:
        ctx.reserve("credit_code", code, cmd.org_id, "credit_code")
    return organisation


def designate_base(ctx: FactContext, cmd: c.DesignateBase) -> Aggregate:
    organisation = ctx.organisation(cmd.org_id, "org_id")
    organisation.designate_base(cmd.designated_on, ctx.recording)
    return organisation


def survey_worker(ctx: FactContext, cmd: c.SurveyWorker) -> Aggregate:
    worker = ctx.worker(cmd.worker_id)
    worker.survey(cmd, ctx.recording)
    return worker


def place_worker(ctx: FactContext, cmd: c.PlaceWorker) -> Aggregate:
    worker = ctx.worker(cmd.worker_id)
    employer = ctx.organisation(cmd.employer_id, "employer_id")
    agency = ctx.optional_organisation(cmd.agency_id, "agency_id")
    worker.place(cmd, employer, agency, ctx.recording)
    ctx.reserve("placement", cmd.placement_id, worker.worker_id, "placement_id")
    return worker


def end_placement(ctx: FactContext, cmd: c.EndPlacement) -> Aggregate:
    worker = ctx.owner_of("placement", cmd.placement_id)
    worker.end_placement(cmd.placement_id, cmd.ended_on, cmd.reason, ctx.recording)
    return worker


def register_unemployment(ctx: FactContext, cmd: c.RegisterUnemployment) -> Aggregate:
    worker = ctx.worker(cmd.worker_id)
    worker.register_unemployment(cmd.registered_on, ctx.recording)
    return worker


def start_benefit(ctx: FactContext, cmd: c.StartBenefit) -> Aggregate:
    worker = ctx.worker(cmd.worker_id)
    worker.start_benefit(cmd.on, ctx.recording)
    return worker


def end_benefit(ctx: FactContext, cmd: c.EndBenefit) -> Aggregate:
    worker = ctx.worker(cmd.worker_id)
    worker.end_benefit(cmd.on, ctx.recording)
    return worker


def enrol(ctx: FactContext, cmd: c.EnrolInTraining) -> Aggregate:
    worker = ctx.worker(cmd.worker_id)
    institution = ctx.optional_organisation(cmd.institution_id, "institution_id")
    worker.enrol(cmd, institution, ctx.recording)
    ctx.reserve("enrollment", cmd.enrollment_id, worker.worker_id, "enrollment_id")
    return worker


def attend(ctx: FactContext, cmd: c.AttendTrainingDay) -> Aggregate:
    worker = ctx.owner_of("enrollment", cmd.enrollment_id)
    worker.attend(cmd.enrollment_id, cmd.day, ctx.recording)
    return worker


def complete_training(ctx: FactContext, cmd: c.CompleteTraining) -> Aggregate:
    worker = ctx.owner_of("enrollment", cmd.enrollment_id)
    worker.complete(cmd.enrollment_id, cmd.completed_on, ctx.recording)
    return worker


def contribute(ctx: FactContext, cmd: c.ContributeSocialInsurance) -> Aggregate:
    worker = ctx.worker(cmd.worker_id)
    ctx.organisation(cmd.employer_id, "employer_id")
    worker.contribute(cmd, ctx.recording)
    return worker


def grant_loan(ctx: FactContext, cmd: c.GrantGuaranteeLoan) -> Aggregate:
    worker = ctx.worker(cmd.worker_id)
    ctx.organisation(cmd.lender_id, "lender_id")
    worker.grant_loan(cmd, ctx.recording)
    ctx.reserve("loan", cmd.loan_id, worker.worker_id, "loan_id")
    return worker


def set_training_standard(ctx: FactContext, cmd: c.SetTrainingStandard) -> Aggregate:
    reference = ctx.reference()
    reference.set_training_standard(cmd, ctx.recording)
    return reference


def set_transport_standard(ctx: FactContext, cmd: c.SetTransportStandard) -> Aggregate:
    reference = ctx.reference()
    reference.set_transport_standard(cmd, ctx.recording)
    return reference


def designate_poor_area(ctx: FactContext, cmd: c.DesignatePoorArea) -> Aggregate:
    reference = ctx.reference()
    reference.designate_poor_area(cmd, ctx.recording)
    return reference


def set_working_age(ctx: FactContext, cmd: c.SetWorkingAge) -> Aggregate:
    reference = ctx.reference()
    reference.set_working_age(cmd, ctx.recording)
    return reference


def set_approval_policy(ctx: FactContext, cmd: c.SetApprovalPolicy) -> Aggregate:
    reference = ctx.reference()
    reference.set_approval_policy(cmd, ctx.recording)
    return reference


def appropriate(ctx: FactContext, cmd: c.AppropriateFunds) -> Aggregate:
    account = ctx.account(cmd.source, cmd.division)
    account.appropriate(cmd, ctx.recording)
    owner = f"{account.source}/{account.division}"
    ctx.reserve("appropriation", cmd.appropriation_id, owner, "appropriation_id")
    return account


def close_period(ctx: FactContext, cmd: c.ClosePeriod) -> Aggregate:
    account = ctx.account(cmd.source, cmd.division)
    account.close_period(cmd, ctx.recording)
    return account


def named_aggregates(cmd: Any, pii_key: bytes) -> set[UUID]:
    """The aggregates a fact's fields name, so that a batch can load them in one query."""
    named = {
        to_id(value)
        for field, to_id in NAMED_BY_FIELD.items()
        if isinstance(value := getattr(cmd, field, None), str)
    }
    if isinstance(cmd, c.RegisterWorker):
        named.add(ids.key_uuid("person", hash_id_number(pii_key, cmd.id_number)))
    if isinstance(cmd, c.RegisterOrganisation) and cmd.credit_code is not None:
        named.add(ids.key_uuid("credit_code", cmd.credit_code))
    return named


NAMED_BY_FIELD: dict[str, Callable[[str], UUID]] = {
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
