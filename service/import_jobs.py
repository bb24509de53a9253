"""Survey imports as jobs (CONTRACT "Lists, files and jobs"): `submit` checks the form is
one, stores the job with its file (adapters.import_jobs) and answers at once; a runner
thread beside the service records it chunk by chunk, writing its progress after each.

A restart never half-applies a job. Rows are idempotent — a row's event ids derive from
the person and the survey date (service.imports), so re-running a chunk records nothing
twice — and the job is resumed, by this server when it starts again or by another one
when the lease has run out, from the first chunk whose progress was not written. Its
counts stay exact across the re-run: before a chunk is recorded, the rows the ledger
already held are written down (`mark_chunk`), so a row this job recorded before the
crash still counts as recorded, not as already recorded. A job that cannot go on (its
token revoked, its file unreadable) is marked failed with the reason."""

from __future__ import annotations

import hashlib
import logging
import socket
import threading
import uuid
from collections.abc import Callable
from contextlib import suppress
from typing import Any
from uuid import UUID

from adapters.eventstore import existing_ids
from adapters.import_jobs import TRANSIENT, Job, JobStore, StoredError
from domain import ids
from domain.errors import LedgerError
from service.access import Access
from service.imports import CHUNK, record_rows, survey_event_id
from service.ledger import Ledger
from service.survey_form import Chunk, Form, SurveyRow, count_rows, open_form
from service.tokens import find_token

log = logging.getLogger("jobaid.imports")
# A runner renews its lease with every chunk (well under a second); a runner silent for
# this long is taken for dead and its job resumed elsewhere.
LEASE_SECONDS = 10.0
# How often an idle runner looks for waiting jobs (or leases run out) without being woken.
POLL_SECONDS = 1.0


def submit(ledger: Ledger, store: JobStore, content: bytes, access: Access) -> dict[str, Any]:
    """The job for a survey form, stored (file sealed) before it is answered: a file that
    is no form at all is refused here (InvalidInput, a 422), not as a failed job."""
    rows = count_rows(content)
    job = {
        "import_id": str(uuid.uuid4()),
        "kind": "surveys",
        "digest": hashlib.sha256(content).hexdigest(),
        "token_id": access.token_id,
        "role": access.role,
        "division": access.division,
        "subject": access.subject,
        "rows": rows,
    }
    return public(store.create(job, content))


def public(job: Job, store: JobStore | None = None) -> dict[str, Any]:
    """The job as the API answers it: when done, its counts and errors too."""
    answer: dict[str, Any] = {
        "import_id": job.import_id,
        "status": job.status,
        "rows": job.rows,
        "done": job.done,
        "kind": job.kind,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    }
    if job.status == "failed":
        answer["reason"] = job.reason
    if job.status == "done" and store is not None:
        errors = store.errors(job.import_id)
        answer["recorded"] = job.recorded
        answer["already_recorded"] = job.already_recorded
        answer["rejected"] = len({error.row for error in errors})
        answer["errors"] = [
            {"row": e.row, "column": e.column, "field": e.field, "reason": e.reason} for e in errors
        ]
    return answer


class Runner:
    """One thread that runs the stored jobs, one at a time, until stopped."""

    def __init__(
        self,
        ledger: Ledger,
        store: JobStore,
        wrote: Callable[[int], None] | None = None,
        lease: float = LEASE_SECONDS,
    ) -> None:
        self.ledger = ledger
        self.store = store
        self.wrote = wrote
        self.lease = lease
        self.owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:12]}"
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="jobaid-imports", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the chunk in hand; its job's lease is given back."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                ran = self.run_next()
            except Exception as error:  # the store is away (TRANSIENT): try again later
                log.warning("import runner: %s; trying again", type(error).__name__)
                ran = False
            if not ran:
                self._wake.wait(POLL_SECONDS)
                self._wake.clear()

    def run_next(self) -> bool:
        """Claim and run one job; False when none was waiting."""
        claimed = self.store.claim(self.owner, self.lease)
        if claimed is None:
            return False
        job, sealed = claimed
        try:
            self._run(job, sealed)
        except TRANSIENT:
            with suppress(*TRANSIENT):
                self.store.release(job)
            raise
        except Exception as error:  # a bug must not retry forever: the job fails, named
            log.exception("import %s failed", job.import_id)
            self.store.finish(job, "failed", f"internal error ({type(error).__name__})")
        return True

    def _run(self, job: Job, sealed: bytes | None) -> None:
        content = self.store.unseal(job.import_id, sealed) if sealed is not None else None
        if content is None:
            self.store.finish(job, "failed", "the uploaded file can no longer be read")
            return
        access = Access(job.token_id or "", job.role, job.division, job.subject)
        token = find_token(self.ledger, job.token_id) if job.token_id else None
        if token is None or token.revoked:
            self.store.finish(job, "failed", "the token that started the import was revoked")
            return
        try:
            form = open_form(content, self.ledger.settings.pii_key, access.covers)
            finished = self._record(job, form, access)
        except LedgerError as error:  # the file no longer reads as a form: not to be retried
            self.store.finish(job, "failed", error.detail)
            return
        if finished:
            self.store.finish(job, "done")
            log.info("import %s done: %d rows", job.import_id, form.rows)

    def _record(self, job: Job, form: Form, access: Access) -> bool:
        """The chunks not yet done; False if the runner stopped or lost the lease."""
        for chunk in form.chunks(CHUNK):
            if chunk.done <= job.done and chunk.valid:
                continue  # recorded before the restart, its progress and errors written
            if not self._chunk(job, form, chunk, access):
                return False
            if self._stopping.is_set():
                self.store.release(job)
                return False
        return True

    def _chunk(self, job: Job, form: Form, chunk: Chunk, access: Access) -> bool:
        """Record one chunk and write its outcome (see the module's docstring on counts)."""
        if not chunk.valid:  # refused rows only, at the end of the form
            return self.store.progress(job, chunk.done, (0, 0), stored(chunk.errors), self.lease)
        known = job.known(chunk.valid[0].row)
        if known is None:
            known = already_held(self.ledger, chunk.valid)
            if not self.store.mark_chunk(job, chunk.valid[0].row, known, self.lease):
                return False
        outcome = record_rows(self.ledger, form, chunk.valid, access.actor, access)
        accepted = outcome.recorded + outcome.replayed
        already = sum(1 for row in accepted if row in known)
        counts = (len(accepted) - already, already)
        if self.wrote is not None:
            self.wrote(self.ledger.store.head())
        errors = stored(chunk.errors + outcome.errors)
        return self.store.progress(job, chunk.done, counts, errors, self.lease)


def already_held(ledger: Ledger, chunk: list[SurveyRow]) -> set[int]:
    """The chunk's rows whose survey the ledger holds already (their receipts exist)."""
    receipts = {survey_receipt(row): row.row for row in chunk}
    return {receipts[found] for found in existing_ids(ledger.recorder, receipts)}


def survey_receipt(row: SurveyRow) -> UUID:
    return ids.receipt_uuid("event", survey_event_id(row))


def stored(errors: list[Any]) -> list[StoredError]:
    return [StoredError(e.row, e.field, e.column, e.reason) for e in errors]


class ImportJobs:
    """The job store and its runner, as a server holds them."""

    def __init__(self, ledger: Ledger, wrote: Callable[[int], None] | None = None) -> None:
        self.ledger = ledger
        self.store = JobStore(ledger.recorder, ledger.settings.pii_key)
        self.runner = Runner(ledger, self.store, wrote)

    def start(self) -> None:
        self.runner.start()

    def stop(self) -> None:
        self.runner.stop()

    def submit(self, content: bytes, access: Access) -> dict[str, Any]:
        answer = submit(self.ledger, self.store, content, access)
        self.runner.wake()
        return answer
