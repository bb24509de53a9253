"""The ledger's service layer: commands that record facts, pay and reverse subsidies, and
queries of aggregates now and at earlier versions.

Every command loads what it needs into a unit of work, decides, and saves every changed
aggregate in one `save()` — one transaction. A command that loses an optimistic
concurrency race (IntegrityError) reloads and decides again; only a policy refusal, or a
guard another save already claimed, is final."""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import DomainEvent, DomainEventProtocol
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording, Transcoding
from eventsourcing.utils import register_topic

from adapters import pgstore
from adapters.eventstore import EventStore, existing_ids, position_of
from adapters.settings import Settings, storage_env
from domain import ids, registry
from domain.accounts import FundAccount
from domain.claims import Claims
from domain.errors import Conflict, InvalidInput, NotFound
from domain.keys import Key, Receipt
from domain.organisation import Organisation
from domain.payments import Payment
from domain.policy import NEEDS, Decision, Facts, PaymentRequest, decide, paying_division
from domain.recorded import Actor
from domain.reference import ReferenceData
from domain.tokens import Token
from domain.values import money_str, parse_date, parse_identifier, parse_money, parse_text
from domain.worker import Worker
from service.facts import FACTS, FactContext, aggregates_named
from service.group_commit import Finish, GroupCommitter, Positions, Work
from service.unit_of_work import UnitOfWork

T = TypeVar("T")
Authorize = Callable[[str, Mapping[str, Any], UnitOfWork], None]
MAX_ATTEMPTS = 200
MAX_BATCH = 1000


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def request_hash(content: Mapping[str, Any]) -> str:
    """A digest of what a client asked for, to tell a retry from a reuse of its id."""
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class FactRecorded:
    """The answer to one posted fact (CONTRACT `POST /v1/events` 201 body)."""

    event_id: str
    type: str
    aggregate_id: UUID
    version: int
    position: int
    recorded_at: datetime
    replayed: bool = False

    def public(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "type": self.type,
            "aggregate_id": str(self.aggregate_id),
            "version": self.version,
            "position": self.position,
            "recorded_at": self.recorded_at.isoformat(),
        }


@dataclass(frozen=True)
class PaymentRecorded:
    """The answer to a payment request (CONTRACT `POST /v1/payments` 201 body)."""

    payment: Payment
    position: int
    replayed: bool = False

    def public(self) -> dict[str, Any]:
        p = self.payment
        return {
            "payment_id": p.payment_id,
            "rule": p.rule,
            "amount": money_str(p.amount),
            "account": {"source": p.source, "division": p.division},
            "payee_id": p.payee_id,
            "worker_id": p.worker_id,
            "paid_on": p.paid_on.isoformat(),
            "position": self.position,
            "funding_rule": p.funding_rule,
            "earned_on": p.earned_on.isoformat(),
            "basis": p.basis,
            "covers": list(p.covers),
            "reversed": self.payment.reversal is not None,
        }


@dataclass(frozen=True)
class ReversalRecorded:
    payment: Payment
    position: int
    replayed: bool = False

    def public(self) -> dict[str, Any]:
        reversal = self.payment.reversal or {}
        return {
            "reversal_id": reversal.get("reversal_id"),
            "payment_id": self.payment.payment_id,
            "amount": money_str(self.payment.amount),
            "account": {"source": self.payment.source, "division": self.payment.division},
            "reversed_on": reversal["reversed_on"].isoformat() if reversal else None,
            "reason": reversal.get("reason"),
            "position": self.position,
        }


class Ledger(Application[UUID]):
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
        config = {"AGGREGATE_CACHE_MAXSIZE": "20000", **storage_env(self.settings.database_url)}
        if config["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
            config["APPLICATION_RECORDER_TOPIC"] = pgstore.TOPIC
        config.update(env or {})
        # Every process that opens the ledger reads every event type it may find.
        for topic, cls in registry.stored_topics().items():
            register_topic(topic, cls)
        super().__init__(env=config)
        self.store = EventStore(self.recorder, self.mapper, self.repository)
        group_commit = os.environ.get("JOBAID_GROUP_COMMIT", "on").lower() not in ("0", "off", "no")
        self.committer = (
            GroupCommitter(lambda: UnitOfWork(self), self._save, self._alone)
            if group_commit
            else None
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # Commands.

    def record(
        self, event_id: str, type: str, data: Mapping[str, Any], recorded_by: str | Actor
    ) -> FactRecorded:
        """Record one fact; a retry with the same `event_id` and content answers the first result."""
        return self.record_batch([{"event_id": event_id, "type": type, "data": data}], recorded_by)[
            0
        ]

    def record_batch(
        self,
        items: Sequence[Mapping[str, Any]],
        recorded_by: str | Actor,
        authorize: Authorize | None = None,
    ) -> list[FactRecorded]:
        """Record facts all or nothing, in one transaction; later items may use earlier ones.
        `authorize(type, data, unit_of_work)` may refuse a fact before it is recorded,
        reading what it needs from the command's own unit of work."""
        if len(items) > MAX_BATCH:
            raise InvalidInput("events", f"at most {MAX_BATCH} items per batch, not {len(items)}")
        parsed = [parse_fact_item(index, item, len(items) > 1) for index, item in enumerate(items)]
        return self._command(
            lambda uow: self._record_work(uow, parsed, Actor.of(recorded_by), authorize),
            len(parsed),
            keys={ids.receipt_uuid("event", event_id) for event_id, _, _ in parsed},
            prefetch=self._named_by(parsed),
        )

    def _named_by(self, items: list[tuple[str, str, Mapping[str, Any]]]) -> set[UUID]:
        """The aggregates a batch of facts will read: its receipts and what its fields name."""
        named = {ids.receipt_uuid("event", event_id) for event_id, _, _ in items}
        for _, _, data in items:
            named |= aggregates_named(data, self.settings.pii_key)
        return named

    def _record_work(
        self,
        uow: UnitOfWork,
        items: list[tuple[str, str, Mapping[str, Any]]],
        by: Actor,
        authorize: Authorize | None = None,
    ) -> Finish[list[FactRecorded]]:
        answers: list[tuple[Receipt, bool]] = []
        for prefix, (event_id, type_, data) in zip(item_prefixes(items), items, strict=True):
            if authorize is not None:
                try:
                    authorize(type_, data, uow)
                except InvalidInput as error:
                    raise InvalidInput(prefix + error.field, error.reason) from None
            digest = request_hash({"type": type_, "data": data})
            receipt_id = ids.receipt_uuid("event", event_id)
            receipt = uow.find(receipt_id, Receipt)
            if receipt is not None:
                if receipt.request_hash != digest:
                    raise Conflict(f"event_id {event_id} was already used for another fact")
                # Recorded before, or earlier in this batch or group commit: a retry.
                answers.append((receipt, True))
                continue
            ctx = FactContext(uow, self.settings.pii_key, by, event_id)
            try:
                aggregate = FACTS[type_](ctx, data)
            except InvalidInput as error:
                raise InvalidInput(prefix + error.field, error.reason) from None
            receipt = uow.add(
                Receipt._create(
                    Receipt.Issued,
                    id=receipt_id,
                    kind="event",
                    key=event_id,
                    request_hash=digest,
                    event_type=type_,
                    target_id=str(aggregate.id),
                    target_version=aggregate.version,
                )
            )
            answers.append((receipt, False))
        return lambda positions: [
            self._fact_answer(uow, receipt, positions, replayed) for receipt, replayed in answers
        ]

    def _fact_answer(
        self,
        uow: UnitOfWork,
        receipt: Receipt,
        positions: Positions,
        replayed: bool,
    ) -> FactRecorded:
        target = (UUID(receipt.target_id), receipt.target_version)
        recording = positions.get(target)
        if recording is not None:
            position, recorded_at = recording.notification.id, timestamp_of(recording.domain_event)
        elif target in uow.recorded:
            position, recorded_at = uow.recorded[target]
        else:
            position, recorded_at = self.position_of(*target), timestamp_of(self.event_at(*target))
        return FactRecorded(
            receipt.key, receipt.event_type, target[0], target[1], position, recorded_at, replayed
        )

    def pay(
        self,
        request: Mapping[str, Any],
        recorded_by: str | Actor,
        authorize: Callable[[str, str], None] | None = None,
    ) -> PaymentRecorded:
        """Pay a subsidy: the ledger decides amount and account from the policy and the facts.
        `authorize(source, division)` may refuse the decided account before anything is
        recorded (finance pays only from accounts in its scope); a retry of a payment
        already made is authorised against the account it was paid from."""
        parsed = parse_payment_request(request)
        digest = request_hash(dict(request))
        return self._command(
            lambda uow: self._pay_work(uow, parsed, digest, Actor.of(recorded_by), authorize),
            keys={ids.payment_uuid(parsed.payment_id)},
            prefetch=payment_prefetch(parsed),
        )

    def _pay_work(
        self,
        uow: UnitOfWork,
        request: PaymentRequest,
        digest: str,
        by: Actor,
        authorize: Callable[[str, str], None] | None,
    ) -> Finish[PaymentRecorded]:
        payment_id = ids.payment_uuid(request.payment_id)
        existing = uow.find(payment_id, Payment)
        if existing is not None:
            if authorize is not None:
                authorize(existing.source, existing.division)
            if existing.request_hash != digest:
                raise Conflict(
                    f"payment_id {request.payment_id} was already used for another payment"
                )
            # Recorded before, or by an earlier request of this group commit: the position
            # is known once the group is saved.
            return lambda positions: PaymentRecorded(
                existing, self._position(positions, (payment_id, 1)), replayed=True
            )
        facts = gather_facts(uow, request)
        if authorize is not None:
            # Scope first: a payment from another county's account is refused before the
            # policy decides anything about it (CONTRACT "Personal data and hostile input").
            division = paying_division(request, facts)
            if division is not None:
                authorize("", division)
        check_named_worker(request, facts)
        decision = decide(request, facts)
        if authorize is not None:
            authorize(decision.source, decision.division)
        claims = {}
        if decision.subject is not None and decision.claims:
            subject_claims = claims_of(uow, decision.subject)
            subject_claims.claim(request.payment_id, decision.claims)
            claims = {decision.subject: list(decision.claims)}
        account = open_account(uow, decision.source, decision.division)
        account.debit(
            payment_id=request.payment_id,
            rule=request.rule,
            amount=decision.amount,
            paid_on=request.paid_on,
            payee_id=request.payee_id,
            worker_id=facts.worker.worker_id if facts.worker else None,
            adjustment_reason=request.adjustment_reason,
            **by.meta,
        )
        payment = uow.add(new_payment(request, decision, facts, claims, digest, by))
        return lambda positions: PaymentRecorded(
            payment, positions[(payment_id, 1)].notification.id
        )

    def reverse(
        self, payment_id: str, request: Mapping[str, Any], recorded_by: str | Actor
    ) -> ReversalRecorded:
        """Reverse a payment: the money returns to its account and its guards are released."""
        reversal_id = parse_identifier("reversal_id", request.get("reversal_id"))
        reason = parse_text("reason", request.get("reason"), max_len=500)
        reversed_on = parse_date("reversed_on", request.get("reversed_on"))
        adjustment = request.get("adjustment_reason")
        adjustment_reason = (
            None if adjustment is None else parse_text("adjustment_reason", adjustment)
        )
        digest = request_hash({"payment_id": payment_id, **request})
        by = Actor.of(recorded_by)

        def work(uow: UnitOfWork) -> Finish[ReversalRecorded]:
            receipt_id = ids.receipt_uuid("reversal", reversal_id)
            receipt = uow.find(receipt_id, Receipt)
            if receipt is not None:
                if receipt.request_hash != digest:
                    raise Conflict(
                        f"reversal_id {reversal_id} was already used for another reversal"
                    )
                target = (UUID(receipt.target_id), receipt.target_version)
                reversed_before = uow.find(target[0], Payment)
                if reversed_before is None:
                    raise NotFound(f"unknown payment {payment_id}")
                return lambda positions: ReversalRecorded(
                    reversed_before, self._position(positions, target), replayed=True
                )
            payment = uow.find(ids.payment_uuid(payment_id), Payment)
            if payment is None:
                raise NotFound(f"unknown payment {payment_id}")
            payment.reverse(
                reversal_id,
                reversed_on,
                reason=reason,
                request_hash=digest,
                adjustment_reason=adjustment_reason,
                **by.meta,
            )
            account = open_account(uow, payment.source, payment.division)
            account.credit(
                payment_id=payment_id,
                reversal_id=reversal_id,
                rule=payment.rule,
                amount=payment.amount,
                reversed_on=reversed_on,
                payee_id=payment.payee_id,
                worker_id=payment.worker_id,
                reason=reason,
                adjustment_reason=adjustment_reason,
                **by.meta,
            )
            for subject, keys in payment.claims.items():
                # 被冲销的支付不再占用 R18–R20：可以重新支付更正后的款项。
                claims_of(uow, subject).release(payment_id, keys)
            uow.add(
                Receipt._create(
                    Receipt.Issued,
                    id=receipt_id,
                    kind="reversal",
                    key=reversal_id,
                    request_hash=digest,
                    event_type="PaymentReversed",
                    target_id=str(payment.id),
                    target_version=payment.version,
                )
            )
            version = payment.version
            return lambda positions: ReversalRecorded(
                payment, positions[(payment.id, version)].notification.id
            )

        return self._command(work, keys={ids.receipt_uuid("reversal", reversal_id)})

    def _command(
        self,
        work: Work[T],
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
                return self.committer.run(work, size, prefetch)
            return self._alone(work, prefetch)
        except Conflict:
            if keys and existing_ids(self.recorder, keys):
                return self._alone(work, prefetch)
            raise

    def _alone(self, work: Work[T], prefetch: Collection[UUID] = ()) -> T:
        """Run a command in a unit of work of its own, loading what it names in one query."""

        def once() -> T:
            uow = UnitOfWork(self)
            uow.prefetch(prefetch)
            finish = work(uow)
            return finish(self._save(uow))

        return self._retrying(once)

    def _position(self, positions: Positions, event: tuple[UUID, int]) -> int:
        """Where an event stands: from the save just made, or from the store."""
        recording = positions.get(event)
        return recording.notification.id if recording is not None else self.position_of(*event)

    def _save(self, uow: UnitOfWork) -> Positions:
        """`Application.save` without its per-object `isinstance` checks against runtime
        protocols (7% of a batch's time): the unit of work holds aggregates only."""
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
        try:
            return self._get(ids.REFERENCE_ID, ReferenceData, "reference data", None)
        except NotFound:
            return None

    def events_of(self, aggregate_id: UUID) -> list[DomainEventProtocol[UUID]]:
        return list(self.events.get(aggregate_id))

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


def timestamp_of(event: DomainEventProtocol[UUID]) -> datetime:
    """When an event was recorded (its `timestamp`, set as it was created)."""
    return cast("DomainEvent", event).timestamp


def parse_fact_item(index: int, item: object, in_batch: bool) -> tuple[str, str, Mapping[str, Any]]:
    prefix = f"[{index}]." if in_batch else ""
    if not isinstance(item, Mapping):
        raise InvalidInput(
            prefix.rstrip(".") or "body", "must be an object with event_id, type, data"
        )
    event_id = parse_identifier(prefix + "event_id", item.get("event_id"))
    type_ = item.get("type")
    if type_ not in FACTS:
        raise InvalidInput(prefix + "type", f"unknown event type {type_!r}")
    data = item.get("data")
    if not isinstance(data, Mapping):
        raise InvalidInput(prefix + "data", "must be an object")
    return event_id, str(type_), data


def item_prefixes(items: Sequence[object]) -> list[str]:
    return [f"[{i}].data." if len(items) > 1 else "data." for i in range(len(items))]


def parse_payment_request(request: Mapping[str, Any]) -> PaymentRequest:
    rule = request.get("rule")
    rules = {"R7", "R8", "R9", "R10", "R12", "R13", "R14", "R15", "R16", "R17"}
    if not isinstance(rule, str) or rule not in rules:  # a list or object is not hashable
        raise InvalidInput("rule", f"{rule!r} is not a subsidy rule (R7–R10, R12–R17)")
    needed = NEEDS.get(rule)
    if needed is not None and request.get(needed) in (None, ""):
        raise InvalidInput(
            needed, f"{rule} is paid for a {needed.removesuffix('_id')}: give its {needed}"
        )

    def optional(field: str) -> str | None:
        value = request.get(field)
        return None if value in (None, "") else parse_identifier(field, value)

    amount = request.get("amount")
    reason = request.get("adjustment_reason")
    return PaymentRequest(
        payment_id=parse_identifier("payment_id", request.get("payment_id")),
        rule=rule,
        payee_id=parse_identifier("payee_id", request.get("payee_id")),
        paid_on=parse_date("paid_on", request.get("paid_on")),
        worker_id=optional("worker_id"),
        placement_id=optional("placement_id"),
        enrollment_id=optional("enrollment_id"),
        loan_id=optional("loan_id"),
        amount=None if amount is None else parse_money("amount", amount),
        adjustment_reason=None if reason is None else parse_text("adjustment_reason", reason),
    )


def payment_prefetch(request: PaymentRequest) -> set[UUID]:
    """What a payment will look up before it knows its worker: one query for all."""
    named = {
        ids.payment_uuid(request.payment_id),
        ids.organisation_uuid(request.payee_id),
        ids.REFERENCE_ID,
    }
    if request.placement_id is not None:
        named.add(ids.key_uuid("placement", request.placement_id))
    if request.enrollment_id is not None:
        named.add(ids.key_uuid("enrollment", request.enrollment_id))
    if request.worker_id is not None:
        named |= {
            ids.worker_uuid(request.worker_id),
            ids.claims_uuid(f"worker:{request.worker_id}"),
        }
    return named


def gather_facts(uow: UnitOfWork, request: PaymentRequest) -> Facts:
    """Load what the rule's decision reads: the worker (through the placement or
    enrollment it names), the payee, the employer, reference data and held claims."""
    worker = None
    if request.placement_id is not None or request.enrollment_id is not None:
        namespace, field = (
            ("placement", "placement_id")
            if request.placement_id is not None
            else ("enrollment", "enrollment_id")
        )
        value = request.placement_id or request.enrollment_id or ""
        key = uow.find(ids.key_uuid(namespace, value), Key)
        if key is None:
            raise InvalidInput(field, f"unknown {namespace} {value}")
        uow.prefetch({ids.worker_uuid(key.owner), ids.claims_uuid(f"worker:{key.owner}")})
        worker = uow.find(ids.worker_uuid(key.owner), Worker)
    elif request.worker_id is not None:
        worker = uow.find(ids.worker_uuid(request.worker_id), Worker)
        if worker is None:
            raise InvalidInput("worker_id", f"unknown worker {request.worker_id}")
    payee = uow.find(ids.organisation_uuid(request.payee_id), Organisation)
    if payee is None and (worker is None or request.payee_id != worker.worker_id):
        raise InvalidInput("payee_id", f"unknown payee {request.payee_id}")
    employer = None
    if worker is not None and request.placement_id is not None:
        employer_id = worker.placement(request.placement_id).employer_id
        employer = uow.find(ids.organisation_uuid(employer_id), Organisation)
    claimed: Mapping[str, str] = {}
    if worker is not None:
        held = uow.find(ids.claims_uuid(f"worker:{worker.worker_id}"), Claims)
        claimed = held.held if held is not None else {}
    reference = uow.find(ids.REFERENCE_ID, ReferenceData)
    return Facts(
        reference=reference, worker=worker, payee=payee, employer=employer, claimed=claimed
    )


def check_named_worker(request: PaymentRequest, facts: Facts) -> None:
    """A `worker_id` sent beside a placement or enrollment must be its worker's. Checked
    after the scope: the answer names no worker the caller may not see."""
    if request.worker_id is None or facts.worker is None:
        return
    if request.worker_id != facts.worker.worker_id:
        named = "placement_id" if request.placement_id is not None else "enrollment_id"
        raise InvalidInput("worker_id", f"is not the worker of that {named.removesuffix('_id')}")


def claims_of(uow: UnitOfWork, subject: str) -> Claims:
    claims_id = ids.claims_uuid(subject)
    found = uow.find(claims_id, Claims)
    if found is None:
        found = uow.add(Claims._create(Claims.Opened, id=claims_id, subject=subject))
    return found


def open_account(uow: UnitOfWork, source: str, division: str) -> FundAccount:
    account_id = ids.account_uuid(source, division)
    found = uow.find(account_id, FundAccount)
    if found is None:
        found = uow.add(
            FundAccount._create(FundAccount.Opened, id=account_id, source=source, division=division)
        )
    return found


def new_payment(
    request: PaymentRequest,
    decision: Decision,
    facts: Facts,
    claims: dict[str, list[str]],
    digest: str,
    by: Actor,
) -> Payment:
    return Payment._create(
        Payment.SubsidyPaid,
        id=ids.payment_uuid(request.payment_id),
        payment_id=request.payment_id,
        rule=request.rule,
        amount=decision.amount,
        source=decision.source,
        division=decision.division,
        funding_rule=decision.funding_rule,
        payee_id=request.payee_id,
        worker_id=facts.worker.worker_id if facts.worker else None,
        placement_id=request.placement_id,
        enrollment_id=request.enrollment_id,
        loan_id=request.loan_id,
        paid_on=request.paid_on,
        earned_on=decision.earned_on,
        basis=decision.basis,
        covers=list(decision.covers),
        claims=claims,
        request_hash=digest,
        adjustment_reason=request.adjustment_reason,
        **by.meta,
    )
