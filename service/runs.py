"""The Ledger's payment runs (a mixin of `service.ledger.Ledger`, over `Approving`): many
requests, or many approvals, decided one by one — each in a child unit of work, as a
group commit decides concurrent commands — and saved a few hundred per transaction, so
that a run of 10,000 takes seconds, not one round trip each. A refusal drops only its
own item; a lost race re-decides the chunk."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from adapters.eventstore import EventStore
from domain import ids
from domain.approvals import ApprovePayment, RequestPayment
from domain.errors import Conflict, LedgerError, NotFound
from domain.recorded import Actor
from domain.runs import PaymentRun, RunItem, StartRun
from service.access import Access
from service.approvals import approval_prefetch, request_prefetch
from service.approving import Approving
from service.group_commit import Answer, Decide, Saved
from service.idempotency import request_hash
from service.parsing import parse
from service.results import ApprovalRecorded, RequestRecorded
from service.unit_of_work import UnitOfWork

T = TypeVar("T")
CHUNK = 250  # items per transaction: short (PostgreSQL cuts idle ones at 5 s), few round trips


@dataclass(frozen=True)
class RunRecorded:
    run_id: str
    division: str
    rules: tuple[str, ...]
    paid_on: date
    status: str
    requests: tuple[str, ...]
    refused: tuple[dict[str, str], ...]
    report: dict[str, Any] | None
    position: int
    replayed: bool = False

    @classmethod
    def of(cls, run: PaymentRun, position: int, replayed: bool = False) -> RunRecorded:
        return cls(run.run_id, run.division, tuple(run.rules), run.paid_on, run.status,
                   tuple(run.requests), tuple(run.refused), run.report, position, replayed)  # fmt: skip


@dataclass
class Outcomes:
    done: list[Any] = field(default_factory=list)
    refused: list[tuple[int, LedgerError]] = field(default_factory=list)


class Running(Approving):
    """Payment runs over the Ledger's units of work (see service/ledger.py)."""

    store: EventStore

    def _save(self, uow: UnitOfWork) -> Saved:
        raise NotImplementedError

    def position_of(self, aggregate_id: UUID, version: int) -> int:
        raise NotImplementedError

    def _retrying(self, attempt: Callable[[], T]) -> T:
        raise NotImplementedError

    def start_run(
        self,
        command: StartRun,
        items: Sequence[RunItem],
        digest: str,
        by: Actor,
        access: Access | None = None,
    ) -> RunRecorded:
        """Request every item (found by the caller from the read models) and record the run."""
        if access is not None:
            access.require_role("clerk", "finance")
            access.require_scope(command.division, "a payment run of a division")
        existing = self.store.get(ids.run_uuid(command.run_id), PaymentRun)
        if existing is not None:
            return self._run_replayed(existing, digest)
        bodies = [item.body(command.run_id, command.paid_on) for item in items]
        commands = [parse(RequestPayment, body) for body in bodies]
        works = [(self._request_decide(c, request_hash(b), by, access), request_prefetch(c) | workers_of(item)) for c, b, item in zip(commands, bodies, items, strict=True)]  # fmt: skip
        outcomes = self._in_chunks(works)
        refused = [{"rule": items[n].rule, "fact_id": items[n].fact_id, "payee_id": items[n].payee_id,
                    "refused_by": getattr(error, "rule", None) or "", "reason": error.detail}
                   for n, error in outcomes.refused]  # fmt: skip
        run = PaymentRun(run_id=command.run_id, division=command.division, rules=list(command.rules),
                         paid_on=command.paid_on, requests=[r.request_id for r in outcomes.done],
                         refused=refused, request_hash=digest, **by.meta)  # fmt: skip
        return self._command(lambda uow: self._record_run(uow, run, digest), keys={run.id})

    def _request_decide(self, command: RequestPayment, digest: str, by: Actor, access: Access | None) -> Decide[RequestRecorded]:  # fmt: skip
        return lambda uow: self._request_work(uow, command, digest, by, access)

    def _record_run(self, uow: UnitOfWork, run: PaymentRun, digest: str) -> Answer[RunRecorded]:
        found = uow.find(run.id, PaymentRun)
        if found is not None:  # a retry of the same run raced this one and won
            return lambda saved: self._run_replayed(found, digest)
        uow.add(run)
        return lambda saved: RunRecorded.of(run, saved[(run.id, 1)].notification.id)

    def _run_replayed(self, run: PaymentRun, digest: str) -> RunRecorded:
        if run.request_hash != digest:
            raise Conflict(f"run_id {run.run_id} was already used for another run")
        return RunRecorded.of(run, self.position_of(run.id, run.version), replayed=True)

    def approve_run(
        self, run_id: str, command: ApprovePayment, by: Actor, access: Access | None = None
    ) -> RunRecorded:
        """Approve every request of a run, one by one, in one go; record what was paid,
        what waits for a second approver, and what was stopped (R21…) and why."""
        run = stored_run(self.store, run_id)
        if access is not None:
            access.require_role("finance")
            access.require_scope(run.division, "a payment run of a division")
        if run.report is not None and run.report["approval_id"] == command.approval_id:
            return RunRecorded.of(run, self.position_of(run.id, run.version), replayed=True)
        run.check_approver(by)
        works = [
            self._approval_work(request_id, command, by, access) for request_id in run.requests
        ]
        outcomes = self._in_chunks(works)
        paid = [a.request.request_id for a in outcomes.done if a.payment is not None]
        stopped = [{"request_id": run.requests[n], "refused_by": getattr(e, "rule", None) or "", "reason": e.detail} for n, e in outcomes.refused]  # fmt: skip
        stopped += [{"request_id": a.request.request_id, "refused_by": "", "reason": "awaits a second approver"} for a in outcomes.done if a.payment is None]  # fmt: skip

        def record(uow: UnitOfWork) -> Answer[RunRecorded]:
            current = uow.find(run.id, PaymentRun)
            if current is None:
                raise NotFound(f"unknown payment run {run_id}")
            current.approve(command.approval_id, command.paid_on, paid, stopped, by)
            version = current.version
            return lambda saved: RunRecorded.of(
                current, saved[(current.id, version)].notification.id
            )

        return self._command(record)

    def _approval_work(self, request_id: str, command: ApprovePayment, by: Actor, access: Access | None) -> tuple[Decide[ApprovalRecorded], set[UUID]]:  # fmt: skip
        """One request's approval within the run's, and what it looks up."""
        # Each request's approval has an id of its own, derived from the run's approval.
        approval = ApprovePayment(approval_id(command, request_id), command.paid_on, command.adjustment_reason)  # fmt: skip
        digest = request_hash({"request_id": request_id, "approval_id": approval.approval_id, "paid_on": command.paid_on.isoformat()})  # fmt: skip
        return (
            lambda uow: self._approve_work(uow, request_id, approval, digest, by, access),
            approval_prefetch(request_id, approval.approval_id),
        )

    def get_run(self, run_id: str) -> RunRecorded:
        run = stored_run(self.store, run_id)
        return RunRecorded.of(run, self.position_of(run.id, run.version))

    def _in_chunks(self, works: Sequence[tuple[Decide[Any], Collection[UUID]]]) -> Outcomes:
        """Decide each work in a child unit of work, CHUNK per save; keep each refusal."""
        outcomes = Outcomes()
        for start in range(0, len(works), CHUNK):
            part = works[start : start + CHUNK]

            def once(part: Sequence[tuple[Decide[Any], Collection[UUID]]] = part, start: int = start) -> Outcomes:  # fmt: skip
                unit = UnitOfWork(self)  # type: ignore[arg-type]
                unit.prefetch(set().union(*(named for _, named in part)))
                decided: list[Answer[Any]] = []
                found = Outcomes()
                for n, (work, _) in enumerate(part):
                    child = unit.child()
                    try:
                        decided.append(work(child))
                    except LedgerError as error:
                        found.refused.append((start + n, error))
                        continue
                    child.merge()
                saved = self._save(unit)
                found.done = [answer(saved) for answer in decided]
                return found

            chunk = self._retrying(once)
            outcomes.done += chunk.done
            outcomes.refused += chunk.refused
        return outcomes


def stored_run(store: EventStore, run_id: str) -> PaymentRun:
    """The run a path names, as recorded now; 404 when unknown."""
    run = store.get(ids.run_uuid(run_id), PaymentRun)
    if run is None:
        raise NotFound(f"unknown payment run {run_id}")
    return run


def approval_id(command: ApprovePayment, request_id: str) -> str:
    """The id of one request's approval within a run's (64 characters at most)."""
    return f"{command.approval_id[:20]}.{request_id}"


def workers_of(item: RunItem) -> set[UUID]:
    """The worker an item is for and its claims: loaded with the chunk, not one by one."""
    if item.worker_id is None:
        return set()
    return {ids.worker_uuid(item.worker_id), ids.claims_uuid(f"worker:{item.worker_id}")}
