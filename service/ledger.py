"""The ledger's service layer: typed commands that record facts, pay and reverse
subsidies, and queries of aggregates.

Every command loads what it needs into a unit of work, decides, and saves every changed
aggregate in one `save()` — one transaction. A command that loses an optimistic
concurrency race (IntegrityError) reloads and decides again; only a policy refusal, or a
guard another save already claimed, is final."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import DomainEvent, DomainEventProtocol
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording
from eventsourcing.utils import register_topic

from adapters import pgstore
from adapters.eventstore import EventStore, existing_ids, position_of
from adapters.settings import Settings, storage_env
from adapters.transcodings import TRANSCODINGS
from domain import ids, registry
from domain.accounts import FundAccount
from domain.claims import Claims
from domain.commands import ReversePayment
from domain.errors import Conflict, NotFound
from domain.keys import Receipt
from domain.organisation import Organisation
from domain.payments import Payment
from domain.policy import PaymentRequest, check_request
from domain.recorded import Actor
from domain.reference import ReferenceData
from domain.tokens import Token
from domain.worker import Worker
from service.access import Access
from service.group_commit import Answer, Decide, GroupCommitter, Saved
from service.payments import make_payment, payment_of, payment_prefetch, reverse_payment
from service.recording import FactItem, named_by, receipts_of, record_facts
from service.results import FactRecorded, PaymentRecorded, ReversalRecorded
from service.runs import Running
from service.unit_of_work import UnitOfWork

T = TypeVar("T")
# Lost races are retried with jittered back-off, bounded so that a command under extreme
# contention ends in a clear refusal: 200 attempts at most 50 ms apart is about 10 s.
MAX_ATTEMPTS = 200
MAX_BATCH = 1000  # facts in one request (CONTRACT: a batch, all or nothing)


class Ledger(Running, Application[UUID]):
    """Jobaid Ledger: 就业扶贫 facts, subsidies and fund accounts as immutable events."""

    name = "jobaid"
    # An account that every payment touches stays quick to load: its state is small
    # (day → amount) and snapshotted; aggregates are also cached in memory and
    # fast-forwarded from the store, so several servers stay correct.
    snapshotting_intervals = {FundAccount: 100, Claims: 100}  # noqa: RUF012
    log_section_size = 1000

    def __init__(
        self, settings: Settings | None = None, env: Mapping[str, str] | None = None
    ) -> None:
        self.settings = settings or Settings.from_env()
        config = {"AGGREGATE_CACHE_MAXSIZE": "20000", **storage_env(self.settings)}
        if config["PERSISTENCE_MODULE"] == "adapters.pgstore:Factory":
            config["APPLICATION_RECORDER_TOPIC"] = pgstore.TOPIC
        config.update(env or {})
        # Every process that opens the ledger reads every event type it may find.
        for topic, cls in registry.stored_topics().items():
            register_topic(topic, cls)
        super().__init__(env=config)
        self.store = EventStore(self.recorder, self.mapper, self.repository)
        self.committer = (
            GroupCommitter(lambda: UnitOfWork(self), self._save, self._alone)
            if self.settings.group_commit
            else None
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in TRANSCODINGS:
            transcoder.register(transcoding)

    # Commands.

    def record(
        self, items: Sequence[FactItem], by: Actor, access: Access | None = None
    ) -> list[FactRecorded]:
        """Record facts all or nothing, in one transaction; later items may use earlier
        ones; a retry of an `event_id` with the same content answers the first result.
        With `access`, each fact is authorised inside the command (role and scope)."""
        return self._command(
            lambda uow: record_facts(uow, self, items, by, access),
            len(items),
            keys=receipts_of(items),
            prefetch=named_by(items, self.settings.pii_key),
        )

    def pay(
        self, request: PaymentRequest, digest: str, by: Actor, access: Access | None = None
    ) -> PaymentRecorded:
        """Pay a subsidy: the ledger decides amount and account from the policy and the
        facts. A retry of a payment already made (same `payment_id` and `digest`) answers
        the first result; with `access`, it is authorised against the account paid from."""
        check_request(request)
        return self._command(
            lambda uow: self._pay_work(uow, request, digest, by, access),
            keys={ids.payment_uuid(request.payment_id)},
            prefetch=payment_prefetch(request),
        )

    def _pay_work(
        self,
        uow: UnitOfWork,
        request: PaymentRequest,
        digest: str,
        by: Actor,
        access: Access | None,
    ) -> Answer[PaymentRecorded]:
        payment_id = ids.payment_uuid(request.payment_id)
        existing = uow.find(payment_id, Payment)
        if existing is None:
            payment = make_payment(uow, request, digest, by, access)
            return lambda saved: PaymentRecorded.of(payment, saved[(payment_id, 1)].notification.id)
        if access is not None:
            access.require_scope(existing.division, "a payment from an account")
        if existing.request_hash != digest:
            raise Conflict(f"payment_id {request.payment_id} was already used for another payment")
        # Recorded before, or by an earlier request of this group commit: the position
        # is known once the group is saved.
        return lambda saved: PaymentRecorded.of(
            existing, self._position(saved, (payment_id, 1)), replayed=True
        )

    def reverse(
        self,
        payment_id: str,
        cmd: ReversePayment,
        digest: str,
        by: Actor,
        access: Access | None = None,
    ) -> ReversalRecorded:
        """Reverse a payment: the money returns to its account and its guards are released."""
        return self._command(
            lambda uow: self._reverse_work(uow, payment_id, cmd, digest, by, access),
            keys={ids.receipt_uuid("reversal", cmd.reversal_id)},
        )

    def _reverse_work(
        self,
        uow: UnitOfWork,
        payment_id: str,
        cmd: ReversePayment,
        digest: str,
        by: Actor,
        access: Access | None,
    ) -> Answer[ReversalRecorded]:
        payment = payment_of(uow, payment_id)
        if access is not None:
            access.require_scope(payment.division, "a reversal on an account")
        receipt_id = ids.receipt_uuid("reversal", cmd.reversal_id)
        receipt = uow.find(receipt_id, Receipt)
        if receipt is not None:
            if receipt.request_hash != digest:
                raise Conflict(f"reversal_id {cmd.reversal_id} was already used for another reversal")  # fmt: skip
            target = (UUID(receipt.target_id), receipt.target_version)
            reversed_before = uow.find(target[0], Payment)
            if reversed_before is None:
                raise NotFound(f"unknown payment {payment_id}")
            return lambda saved: ReversalRecorded.of(
                reversed_before, self._position(saved, target), replayed=True
            )
        reverse_payment(uow, payment, cmd, digest, by)
        uow.add(Receipt(kind="reversal", key=cmd.reversal_id, request_hash=digest,
                        event_type="PaymentReversed", target_id=str(payment.id),
                        target_version=payment.version))  # fmt: skip
        version = payment.version
        return lambda saved: ReversalRecorded.of(payment, saved[(payment.id, version)].notification.id)  # fmt: skip

    # Running a command.

    def _command(
        self,
        decide: Decide[T],
        size: int = 1,
        keys: Collection[UUID] = (),
        prefetch: Collection[UUID] = (),
    ) -> T:
        """Run a command: with concurrent ones in one save (group commit), or alone.

        A retry racing the first request with the same idempotency key may read the
        winner's effects (a claim, a registration) before the winner's receipt, and be
        refused for them. If a receipt for its keys is recorded by then, the command runs
        once more, sees it, and answers the first result."""
        try:
            if self.committer is not None:
                return self.committer.run(decide, size, prefetch)
            return self._alone(decide, prefetch)
        except Conflict:
            if keys and existing_ids(self.recorder, keys):
                return self._alone(decide, prefetch)
            raise

    def _alone(self, decide: Decide[T], prefetch: Collection[UUID] = ()) -> T:
        """Run a command in a unit of work of its own, loading what it names in one query."""

        def once() -> T:
            uow = UnitOfWork(self)
            uow.prefetch(prefetch)
            answer = decide(uow)
            return answer(self._save(uow))

        return self._retrying(once)

    def _position(self, saved: Saved, event: tuple[UUID, int]) -> int:
        """Where an event stands: from the save just made, or from the store."""
        recording = saved.get(event)
        return recording.notification.id if recording is not None else self.position_of(*event)

    def _save(self, uow: UnitOfWork) -> Saved:
        """`Application.save` without its per-object `isinstance` checks against runtime
        protocols (a measurable share of a batch's time): the unit of work holds
        aggregates only."""
        changed = uow.changed()
        recordings: list[Recording[UUID]] = []
        if changed:
            processing = ProcessingEvent[UUID]()
            for aggregate in changed:
                processing.events.extend(aggregate.collect_events())
                processing.aggregates[aggregate.id] = aggregate
            recordings = self._record(processing)
            self._take_snapshots(processing)
            self._notify(recordings)
        return {
            (r.domain_event.originator_id, r.domain_event.originator_version): r for r in recordings
        }

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Run a command; on a lost optimistic-concurrency race, reload and decide again."""
        for number in range(MAX_ATTEMPTS):
            try:
                return attempt()
            except IntegrityError:
                time.sleep(random.uniform(0, min(0.05, 0.001 * 2 ** min(number, 6))))
        raise Conflict("too much contention on the same records; try again")

    # Queries.

    def get_worker(self, worker_id: str, version: int | None = None) -> Worker:
        return self._get(ids.worker_uuid(worker_id), Worker, f"worker {worker_id}", version)

    def get_organisation(self, org_id: str, version: int | None = None) -> Organisation:
        return self._get(
            ids.organisation_uuid(org_id), Organisation, f"organisation {org_id}", version
        )

    def get_payment(self, payment_id: str) -> Payment:
        return self._get(ids.payment_uuid(payment_id), Payment, f"payment {payment_id}", None)

    def get_account(self, source: str, division: str) -> FundAccount:
        return self._get(
            ids.account_uuid(source, division), FundAccount, f"account {source}/{division}", None
        )

    def get_token(self, token_id: str) -> Token:
        return self._get(ids.derived("token", token_id), Token, f"token {token_id}", None)

    def get_reference(self) -> ReferenceData | None:
        return self.store.get(ids.REFERENCE_ID, ReferenceData)

    def events_of(
        self, aggregate_id: UUID, after: int = 0, limit: int | None = None
    ) -> list[DomainEventProtocol[UUID]]:
        """An aggregate's events after version `after`, oldest first, at most `limit`."""
        return list(self.events.get(aggregate_id, gt=after or None, limit=limit))

    def _get(self, aggregate_id: UUID, cls: type[T], what: str, version: int | None) -> T:
        try:
            found: object = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise NotFound(f"unknown {what}") from None
        if not isinstance(found, cls):
            raise NotFound(f"unknown {what}")
        return found

    def event_at(self, aggregate_id: UUID, version: int) -> DomainEventProtocol[UUID]:
        return next(iter(self.events.get(aggregate_id, gt=version - 1, lte=version)))

    def position_of(self, aggregate_id: UUID, version: int) -> int:
        """The global position (notification id) of one recorded event."""
        return position_of(self.recorder, aggregate_id, version)


def timestamp_of(event: DomainEventProtocol[UUID]) -> Any:
    """When an event was recorded (its `timestamp`, set as it was created)."""
    return cast("DomainEvent", event).timestamp
