"""A restart never half-applies an import job: the job and its sealed file are stored
before the 202, a runner that dies (kill -9, or between recording a chunk and writing its
progress) leaves a job the next runner resumes, and the re-run records nothing twice —
with counts that stay exact. On both stores; once in-process, once with real processes."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.import_jobs import JOBS, JobStore
from adapters.settings import Settings
from service.import_jobs import ImportJobs, Runner
from service.ledger import Ledger
from service.tokens import issue_token, revoke_token
from tests.api.test_api_serve import Server, environment, token
from tests.api.test_survey_imports import county_form, titled_csv
from tests.api_support import HOME

# A job's store, its leases and its restart are each store's own: proven on both.
pytestmark = pytest.mark.both_stores


class Killed(BaseException):
    """The runner's process dies here."""


class DiesAfterRecording(JobStore):
    """A store whose runner dies after recording its `chunks`-th chunk, before its progress
    is written: the worst moment, when the ledger has rows the job does not know of."""

    def __init__(self, store: JobStore, chunks: int) -> None:
        self.__dict__.update(store.__dict__)
        self.left = chunks  # one progress write per chunk

    def progress(self, *args: Any, **kwargs: Any) -> bool:
        self.left -= 1
        if self.left == 0:
            raise Killed
        return super().progress(*args, **kwargs)


def surveys_recorded(ledger: Ledger) -> int:
    items = ledger.recorder.select_notifications(start=1, limit=1_000_000)
    return sum(1 for item in items if item.topic.endswith("WorkerSurveyed"))


def lease_runs_out(store: JobStore) -> None:
    """What time does to a dead runner's lease (instead of waiting LEASE_SECONDS)."""
    with store.views.transaction() as cur:
        cur.execute(f"UPDATE {JOBS} SET lease_until = 0")


def test_a_job_whose_runner_died_mid_chunk_is_resumed_with_exact_counts(
    make_ledger: Callable[[], Ledger],
) -> None:
    ledger = make_ledger()
    access = issue_token(ledger, "clerk", HOME, "clerk.zhang", "test").principal
    jobs = ImportJobs(ledger)
    rows = county_form(600)  # three chunks
    rows[300][5] = "待定"  # one refused row, in the second chunk
    job = jobs.submit(titled_csv(rows), access)
    dying = Runner(ledger, DiesAfterRecording(jobs.store, chunks=2))
    with pytest.raises(Killed):
        dying.run_next()
    stored = jobs.store.get(job["import_id"])
    assert stored is not None and (stored.status, stored.done) == ("running", 250)
    assert surveys_recorded(ledger) == 500  # two chunks of valid rows in the ledger, one in the job

    fresh = make_ledger()  # another process: its own ledger, store and runner
    store = JobStore(fresh.recorder, fresh.settings.pii_key)
    assert Runner(fresh, store).run_next() is False  # the dead runner's lease still holds
    lease_runs_out(store)
    assert Runner(fresh, store).run_next() is True
    finished = store.get(job["import_id"])
    assert finished is not None and finished.status == "done"
    assert (finished.done, finished.recorded, finished.already_recorded) == (600, 599, 0)
    assert [e.row for e in store.errors(job["import_id"])] == [len(rows[:300]) + 5]
    assert surveys_recorded(fresh) == 599


def test_a_job_whose_token_was_revoked_before_it_ran_fails_with_the_reason(
    make_ledger: Callable[[], Ledger],
) -> None:
    ledger = make_ledger()
    issued = issue_token(ledger, "clerk", HOME, "clerk.zhang", "test")
    jobs = ImportJobs(ledger)
    job = jobs.submit(titled_csv(county_form(3)), issued.principal)
    revoke_token(ledger, issued.principal.token_id, "admin")
    assert Runner(ledger, jobs.store).run_next()
    failed = jobs.store.get(job["import_id"])
    assert failed is not None and failed.status == "failed" and "revoked" in (failed.reason or "")
    assert surveys_recorded(ledger) == 0


def test_the_stored_job_holds_no_id_number_in_clear(make_ledger: Callable[[], Ledger]) -> None:
    ledger = make_ledger()
    access = issue_token(ledger, "clerk", HOME, "clerk.zhang", "test").principal
    jobs = ImportJobs(ledger)
    rows = county_form(5)
    job = jobs.submit(titled_csv(rows), access)
    with jobs.store.views.transaction(commit=False) as cur:
        (row,) = cur.execute(f"SELECT payload FROM {JOBS}").fetchall()
    sealed = bytes(row["payload"])
    assert not any(r[1].encode() in sealed for r in rows)
    assert jobs.store.unseal(job["import_id"], sealed) == titled_csv(rows)
    assert Runner(ledger, jobs.store).run_next()
    with jobs.store.views.transaction(commit=False) as cur:
        (row,) = cur.execute(f"SELECT payload FROM {JOBS}").fetchall()
    assert row["payload"] is None  # dropped once the job is done


def follow(server: Server, who: str, import_id: str, until: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job: dict[str, Any] = server.get(who, f"/imports/{import_id}").json()
        if until(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"the job never got there: {job}")


def test_a_service_killed_mid_import_resumes_the_job_when_started_again(
    database_url: str, tmp_path: Path
) -> None:
    env = environment(database_url, tmp_path)
    clerk = token(env, tmp_path, "clerk")
    count = 3000 if database_url.startswith("sqlite") else 1500
    server = Server(env, tmp_path)
    answer = httpx.post(f"{server.url}/imports/surveys", content=titled_csv(county_form(count)),
                        headers={"Authorization": f"Bearer {clerk}"}, timeout=60)  # fmt: skip
    assert answer.status_code == 202, answer.text
    import_id = answer.json()["import_id"]
    seen = follow(server, clerk, import_id, lambda job: job["done"] >= 250)
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    assert seen["status"] == "running" and seen["done"] < count, "killed too late to tell"

    again = Server(env, tmp_path)
    try:
        job = follow(again, clerk, import_id, lambda job: job["status"] in ("done", "failed"))
    finally:
        again.stop()
    assert (job["status"], job["done"], job["rejected"]) == ("done", count, 0), job
    assert (job["recorded"], job["already_recorded"]) == (count, 0)
    ledger = Ledger(Settings(database_url=database_url, pii_key=b"serve-test"))
    try:
        assert surveys_recorded(ledger) == count
    finally:
        ledger.close()


def test_shutting_the_service_down_stops_a_running_import_and_gives_its_lease_back(
    database_url: str, tmp_path: Path
) -> None:
    env = environment(database_url, tmp_path)
    clerk = token(env, tmp_path, "clerk")
    count = 3000 if database_url.startswith("sqlite") else 1500
    server = Server(env, tmp_path)
    answer = httpx.post(f"{server.url}/imports/surveys", content=titled_csv(county_form(count)),
                        headers={"Authorization": f"Bearer {clerk}"}, timeout=60)  # fmt: skip
    import_id = answer.json()["import_id"]
    follow(server, clerk, import_id, lambda job: job["done"] >= 250)
    assert server.stop()  # SIGTERM: the chunk in hand finishes, then the runner stops
    ledger = Ledger(Settings(database_url=database_url, pii_key=b"serve-test"))
    try:
        stopped = JobStore(ledger.recorder, ledger.settings.pii_key).get(import_id)
    finally:
        ledger.close()
    assert stopped is not None and stopped.status == "running" and stopped.done < count
    assert (stopped.lease_owner, stopped.lease_until) == (None, 0)  # resumable at once

    again = Server(env, tmp_path)
    try:
        job = follow(again, clerk, import_id, lambda job: job["status"] == "done")
    finally:
        again.stop()
    assert (job["recorded"], job["already_recorded"]) == (count, 0)
