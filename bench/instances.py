"""PostgreSQL servers of our own for the HA tests and benches: initdb into a temporary
directory as the `postgres` user (`runuser` when run as root), each on a port of its own,
stopped (immediate) and removed after — a single one, or a primary with a streaming
replica made by `pg_basebackup -R`. No Patroni: that is ha/cluster.py."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg

from adapters.leases import PROJECTOR_LOCK
from api.projector import LEASE_NAME

PG_BIN = Path(os.environ.get("JOBAID_PG_BIN", "/usr/lib/postgresql/15/bin"))


def lease_holder(url: str) -> int | None:
    """The OS pid of the `jobaid project` process holding the projector lease, if any."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.database = ("
            "SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND (l.classid::bigint << 32 | l.objid::bigint) = %s",
            (PROJECTOR_LOCK,),
        ).fetchone()
    if row is None or not str(row[0]).startswith(f"{LEASE_NAME}-"):
        return None
    return int(str(row[0]).rsplit("-", 1)[1])


def parent_of(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1])


def kill_hard(*pids: int) -> None:
    """kill -9, as a host's death looks to the others."""
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], Any], seconds: float = 60.0, what: str = "the condition") -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached in {seconds} s")
        time.sleep(0.1)


def as_postgres(*command: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, **kwargs)


class Instance:
    """One PostgreSQL server in a data directory of its own, on a port of its own."""

    def __init__(self, data: Path, port: int) -> None:
        self.data, self.port = data, port

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "log"),
            "-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1",
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                 str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True, check=False,
            )  # fmt: skip

    def execute(self, sql: str, dbname: str = "postgres") -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql)
            return list(cursor.fetchall()) if cursor.description else []


def initdb(data: Path) -> None:
    as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
            "fsync = off\nshared_buffers = 16MB\nmax_connections = 40\n"
        )
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write("host replication postgres 127.0.0.1/32 trust\n")


@contextmanager
def scratch() -> Iterator[Path]:
    """A temporary directory the `postgres` user may write in; removed after."""
    base = Path(tempfile.mkdtemp(prefix="jobaid-pg-"))
    os.chmod(base, 0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def one_instance() -> Iterator[Instance]:
    """A PostgreSQL server of our own (that a test may stop and start), stopped after."""
    with scratch() as base:
        instance = Instance(base / "data", free_port())
        try:
            initdb(instance.data)
            instance.start()
            yield instance
        finally:
            instance.stop()


@contextmanager
def primary_and_replica() -> Iterator[tuple[Instance, Instance]]:
    """A primary (trust auth on loopback, replication allowed) and a hot standby
    streaming from it, made with pg_basebackup -R; both stopped and removed after."""
    with scratch() as base:
        primary = Instance(base / "primary", free_port())
        replica = Instance(base / "replica", free_port())
        try:
            initdb(primary.data)
            primary.start()
            as_postgres(
                str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                "-U", "postgres", "-D", str(replica.data), "-R", "-X", "stream",
            )  # fmt: skip
            replica.start()
            wait_for(
                lambda: primary.execute("SELECT count(*) FROM pg_stat_replication")[0][0] == 1,
                what="the replica streaming",
            )
            yield primary, replica
        finally:
            replica.stop()
            primary.stop()
