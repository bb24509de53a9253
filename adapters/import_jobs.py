"""Import jobs kept in the ledger's own database (SQLite or PostgreSQL), so that a job
accepted with a 202 outlives the process that accepted it.

A job row holds who asked (the token's id, role, division and subject), its state and
progress, the counts, and the uploaded file **sealed**: the form carries resident ID
numbers, which the ledger never stores in clear (CONTRACT "Personal data"), so the file
is encrypted with AES-256-GCM under a key derived from the ledger's PII key, the job id
bound in as associated data, and dropped as soon as the job is done or failed. Refused
rows go to `import_errors`, one row per refused form row (a re-run inserts nothing twice).

Who runs a job holds a lease (`lease_owner`, `lease_until`), renewed with every chunk:
several servers on one database never run one job at once, and a job whose runner died
(kill -9, a lost machine) is taken up by the next runner once the lease has run out. A
runner that stops cleanly gives its lease back at once. Every progress write names the
lease's owner, so a runner that lost its lease learns it and stops."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import ApplicationRecorder, PersistenceError

from adapters.sql import SqlCursor, ViewStore

JOBS = "import_jobs"
ERRORS = "import_errors"
ACTIVE = ("queued", "running")
# An arbitrary constant: the advisory lock that serialises this module's DDL on PostgreSQL.
DDL_LOCK = 7106117302
NONCE_BYTES = 12  # AES-GCM's standard nonce
# What the store raises while it is away or busy: a job meeting one is tried again later,
# not failed.
TRANSIENT = (PersistenceError, psycopg.Error, sqlite3.Error, OSError)
_COMMON = (
    "import_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, digest TEXT NOT NULL,"
    " token_id TEXT, role TEXT NOT NULL, division TEXT NOT NULL, subject TEXT NOT NULL,"
    " status TEXT NOT NULL, reason TEXT, rows INTEGER NOT NULL, done INTEGER NOT NULL,"
    " recorded INTEGER NOT NULL, already_recorded INTEGER NOT NULL,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, lease_owner TEXT,"
    " lease_until DOUBLE PRECISION NOT NULL, chunk_from INTEGER, chunk_known TEXT"
)
_ERRORS = (
    f"CREATE TABLE IF NOT EXISTS {ERRORS} (import_id TEXT NOT NULL, row INTEGER NOT NULL,"
    " field TEXT NOT NULL, header TEXT NOT NULL, reason TEXT NOT NULL,"
    " PRIMARY KEY (import_id, row))"
)
DDL = {
    "sqlite": (
        f"CREATE TABLE IF NOT EXISTS {JOBS} (position INTEGER PRIMARY KEY AUTOINCREMENT,"
        f" {_COMMON}, payload BLOB)",
        _ERRORS,
    ),
    "postgres": (
        f"CREATE TABLE IF NOT EXISTS {JOBS} (position BIGSERIAL PRIMARY KEY, {_COMMON},"
        " payload BYTEA)",
        _ERRORS,
    ),
}
_FIELDS = (
    "position, import_id, kind, digest, token_id, role, division, subject, status, reason,"
    " rows, done, recorded, already_recorded, created_at, updated_at, lease_owner,"
    " lease_until, chunk_from, chunk_known"
)


@dataclass(frozen=True)
class Job:
    """A job as stored (without its file)."""

    position: int
    import_id: str
    kind: str
    digest: str
    token_id: str | None
    role: str
    division: str
    subject: str
    status: str
    reason: str | None
    rows: int
    done: int
    recorded: int
    already_recorded: int
    created_at: str
    updated_at: str
    lease_owner: str | None
    lease_until: float
    chunk_from: int | None
    chunk_known: str | None

    @classmethod
    def of(cls, row: Any) -> Job:
        return cls(**{name.strip(): row[name.strip()] for name in _FIELDS.split(",")})

    def known(self, chunk_from: int) -> set[int] | None:
        """The rows found recorded before this job's chunk from `chunk_from` was first run."""
        if self.chunk_from != chunk_from or self.chunk_known is None:
            return None
        return set(json.loads(self.chunk_known))


@dataclass(frozen=True)
class StoredError:
    row: int
    field: str
    column: str
    reason: str


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class JobStore:
    """The two tables, on the ledger's own database and datastore."""

    def __init__(self, recorder: ApplicationRecorder, pii_key: bytes) -> None:
        self.views = ViewStore(recorder)
        self._key = hmac.new(pii_key, b"jobaid/import-jobs/v1", hashlib.sha256).digest()
        with self.views.transaction() as cur:
            if self.views.postgres:
                cur.execute(f"SELECT pg_advisory_xact_lock({DDL_LOCK})")
            for statement in DDL["postgres" if self.views.postgres else "sqlite"]:
                cur.execute(statement)

    # The sealed file.

    def seal(self, import_id: str, content: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self._key).encrypt(nonce, content, import_id.encode())

    def unseal(self, import_id: str, sealed: bytes) -> bytes | None:
        """The file, or None if it cannot be opened (another key, or tampered with)."""
        try:
            return AESGCM(self._key).decrypt(
                sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], import_id.encode()
            )
        except (InvalidTag, ValueError):
            return None

    # Writes.

    def create(self, job: dict[str, Any], content: bytes) -> Job:
        """A queued job, its file sealed, stored before anyone is told it exists."""
        stamp = now_text()
        row = {
            **job,
            "status": "queued",
            "done": 0,
            "recorded": 0,
            "already_recorded": 0,
            "created_at": stamp,
            "updated_at": stamp,
            "lease_until": 0.0,
            "payload": self.seal(job["import_id"], content),
        }
        names = ", ".join(row)
        marks = ", ".join("?" * len(row))
        with self.views.transaction() as cur:
            cur.execute(f"INSERT INTO {JOBS} ({names}) VALUES ({marks})", list(row.values()))
        found = self.get(job["import_id"])
        assert found is not None
        return found

    def claimable(self) -> bool:
        """Whether a job waits (a read: an idle runner asks this, not for the write lock)."""
        with self.views.transaction(commit=False) as cur:
            row = cur.execute(
                f"SELECT COUNT(*) AS n FROM {JOBS} WHERE status IN ('queued', 'running')"
                " AND lease_until < ?",
                (time.time(),),
            ).fetchone()
        return bool(row["n"])

    def claim(self, owner: str, lease: float) -> tuple[Job, bytes | None] | None:
        """The first job that is waiting or whose runner's lease has run out, now leased to
        `owner`, with its sealed file; None when there is none."""
        if not self.claimable():
            return None
        now = time.time()
        skip = " FOR UPDATE SKIP LOCKED" if self.views.postgres else ""
        with self.views.transaction() as cur:
            row = cur.execute(
                f"SELECT position FROM {JOBS} WHERE status IN ('queued', 'running')"
                f" AND lease_until < ? ORDER BY position LIMIT 1{skip}",
                (now,),
            ).fetchone()
            if row is None:
                return None
            found = cur.execute(
                f"UPDATE {JOBS} SET status = 'running', lease_owner = ?, lease_until = ?,"
                f" updated_at = ? WHERE position = ? RETURNING {_FIELDS}, payload",
                (owner, now + lease, now_text(), row["position"]),
            ).fetchone()
        payload = found["payload"]
        return Job.of(found), bytes(payload) if payload is not None else None

    def mark_chunk(self, job: Job, chunk_from: int, known: set[int], lease: float) -> bool:
        """Remember, before a chunk is recorded, which of its rows the ledger already held."""
        return self._update(
            job,
            "chunk_from = ?, chunk_known = ?, lease_until = ?",
            [chunk_from, json.dumps(sorted(known)), time.time() + lease],
        )

    def progress(
        self,
        job: Job,
        done: int,
        counts: tuple[int, int],
        errors: Sequence[StoredError],
        lease: float,
    ) -> bool:
        """A chunk's outcome, its errors and a renewed lease, in one transaction; False if
        the lease is no longer `job`'s owner's (nothing is written then)."""
        recorded, already = counts
        with self.views.transaction() as cur:
            if not self._update(
                job,
                "done = ?, recorded = recorded + ?, already_recorded = already_recorded + ?,"
                " lease_until = ?",
                [done, recorded, already, time.time() + lease],
                cur,
            ):
                return False
            self._add_errors(cur, job.import_id, errors)
        return True

    def finish(self, job: Job, status: str, reason: str | None = None) -> bool:
        """Done or failed: the lease ends and the sealed file is dropped."""
        return self._update(
            job,
            "status = ?, reason = ?, payload = NULL, lease_owner = NULL, lease_until = 0,"
            " chunk_known = NULL",
            [status, reason],
        )

    def release(self, job: Job) -> bool:
        """Give the lease back (a clean stop): the next runner resumes the job at once."""
        return self._update(job, "lease_owner = NULL, lease_until = 0", [])

    def _update(
        self, job: Job, assignments: str, params: list[Any], cur: SqlCursor | None = None
    ) -> bool:
        if cur is None:
            with self.views.transaction() as own:
                return self._update(job, assignments, params, own)
        row = cur.execute(
            f"UPDATE {JOBS} SET {assignments}, updated_at = ?"
            " WHERE import_id = ? AND lease_owner = ? RETURNING position",
            [*params, now_text(), job.import_id, job.lease_owner],
        ).fetchone()
        return row is not None

    def _add_errors(self, cur: SqlCursor, import_id: str, errors: Sequence[StoredError]) -> None:
        cur.executemany(
            f"INSERT INTO {ERRORS} (import_id, row, field, header, reason) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (import_id, row) DO NOTHING",
            [(import_id, e.row, e.field, e.column, e.reason) for e in errors],
        )

    # Reads.

    def get(self, import_id: str) -> Job | None:
        with self.views.transaction(commit=False) as cur:
            row = cur.execute(
                f"SELECT {_FIELDS} FROM {JOBS} WHERE import_id = ?", (import_id,)
            ).fetchone()
        return Job.of(row) if row is not None else None

    def after(self, position: int, limit: int) -> list[Job]:
        """Up to `limit` jobs recorded after `position`, in order."""
        with self.views.transaction(commit=False) as cur:
            rows = cur.execute(
                f"SELECT {_FIELDS} FROM {JOBS} WHERE position > ? ORDER BY position LIMIT ?",
                (position, limit),
            ).fetchall()
        return [Job.of(row) for row in rows]

    def errors(self, import_id: str) -> list[StoredError]:
        with self.views.transaction(commit=False) as cur:
            rows = cur.execute(
                f"SELECT row, field, header, reason FROM {ERRORS} WHERE import_id = ? ORDER BY row",
                (import_id,),
            ).fetchall()
        return [StoredError(r["row"], r["field"], r["header"], r["reason"]) for r in rows]

    def rejected(self, import_id: str) -> int:
        with self.views.transaction(commit=False) as cur:
            row = cur.execute(
                f"SELECT COUNT(*) AS n FROM {ERRORS} WHERE import_id = ?", (import_id,)
            ).fetchone()
        return int(row["n"])
