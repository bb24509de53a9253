"""Configuration from the environment — the only module that reads it — and nothing else
required.

`JOBAID_DATABASE_URL` selects the store: `sqlite:///path.db` (default `sqlite:///./jobaid.db`,
needs no server) or `postgresql://user[:password]@host[:port]/dbname[?schema=…]`. The rest
are tuning with defaults; README's "Configuration" table lists them all."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_DATABASE_URL = "sqlite:///./jobaid.db"
LOG_FORMATS = ("json", "text")
SQLITE_LOCK_TIMEOUT = 30  # seconds a SQLite writer waits for another process's lock


class ConfigurationError(ValueError):
    """The environment names a store or key the ledger cannot use."""


@dataclass(frozen=True)
class PostgresTuning:
    """The PostgreSQL pool, sized on purpose (EVENTSOURCING-NOTES: pools). A short connect
    timeout: the library retries a failed connection ten times, so this bounds how long a
    request in flight waits when PostgreSQL goes away, and the CLI fails fast."""

    connect_timeout: float = 1.0
    pool_size: int = 8
    max_overflow: int = 8
    # No pre-ping: it doubles every round trip. A broken connection fails its query, the
    # library retries on a fresh one, and the service's store gate answers 503 meanwhile.
    pre_ping: bool = False


@dataclass(frozen=True)
class Settings:
    database_url: str
    pii_key: bytes
    postgres: PostgresTuning = field(default_factory=PostgresTuning)
    group_commit: bool = True  # JOBAID_GROUP_COMMIT=off saves each command alone
    projector: str = "process"  # JOBAID_PROJECTOR: where `jobaid serve` keeps projections
    projection_batch: int = 3000  # events a read model takes per transaction, at most
    log_level: str = "INFO"
    log_format: str = "json"  # JOBAID_LOG_FORMAT: json lines for a collector, text for a person
    projector_parent: int | None = None  # set by `jobaid serve` for its `jobaid project` child

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        projector = env.get("JOBAID_PROJECTOR", "process").lower()
        if projector not in ("process", "thread"):
            raise ConfigurationError(f"JOBAID_PROJECTOR must be process or thread, not {projector!r}")  # fmt: skip
        parent = env.get("JOBAID_PROJECTOR_PARENT")
        log_format = env.get("JOBAID_LOG_FORMAT", "json").lower()
        if log_format not in LOG_FORMATS:
            raise ConfigurationError(f"JOBAID_LOG_FORMAT must be json or text, not {log_format!r}")  # fmt: skip
        return cls(
            database_url=env.get("JOBAID_DATABASE_URL") or DEFAULT_DATABASE_URL,
            pii_key=pii_key(env),
            postgres=PostgresTuning(
                connect_timeout=float(env.get("JOBAID_PG_CONNECT_TIMEOUT", "1")),
                pool_size=int(env.get("JOBAID_PG_POOL_SIZE", "8")),
                max_overflow=int(env.get("JOBAID_PG_MAX_OVERFLOW", "8")),
                pre_ping=env.get("JOBAID_PG_PRE_PING", "n").lower() in ("y", "yes", "1", "on"),
            ),
            group_commit=env.get("JOBAID_GROUP_COMMIT", "on").lower() not in ("0", "off", "no"),
            projector=projector,
            projection_batch=int(env.get("JOBAID_PROJECTION_BATCH", "3000")),
            log_level=env.get("JOBAID_LOG_LEVEL", "INFO").upper(),
            log_format=log_format,
            projector_parent=int(parent) if parent else None,
        )

    @property
    def postgres_store(self) -> bool:
        return urlparse(self.database_url).scheme in ("postgresql", "postgres")


def storage_env(settings: Settings) -> dict[str, str]:
    """The eventsourcing persistence settings for the configured store."""
    parsed = urlparse(settings.database_url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        name = path[1:] if path.startswith("/") else path
        if not name:
            raise ConfigurationError(f"no file in {settings.database_url!r}; try sqlite:///./jobaid.db")  # fmt: skip
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": name,
            "SQLITE_LOCK_TIMEOUT": str(SQLITE_LOCK_TIMEOUT),
        }
    if settings.postgres_store:
        return postgres_env(settings.database_url, settings.postgres)
    raise ConfigurationError(
        f"JOBAID_DATABASE_URL must start sqlite:/// or postgresql://, not {settings.database_url!r}"
    )


def postgres_env(database_url: str, tuning: PostgresTuning) -> dict[str, str]:
    parsed = urlparse(database_url)
    dbname = unquote(parsed.path.lstrip("/"))
    if not (parsed.hostname and dbname):
        raise ConfigurationError(f"{database_url!r} needs a host and a database name")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parsed.hostname,
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": unquote(parsed.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parsed.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": f"{tuning.connect_timeout:g}",
        "POSTGRES_POOL_SIZE": str(tuning.pool_size),
        "POSTGRES_MAX_OVERFLOW": str(tuning.max_overflow),
        "POSTGRES_MAX_WAITING": "64",  # requests queued for a connection before one fails
        "POSTGRES_PRE_PING": "y" if tuning.pre_ping else "n",
    }
    query = parse_qs(parsed.query)
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"][0]
    return env


def child_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The environment of a child process this one starts: its own, and `extra`."""
    return {**os.environ, **extra}


def pii_key(env: Mapping[str, str]) -> bytes:
    """The secret that keys ID-number hashes: `JOBAID_PII_KEY`, else a key file
    (`JOBAID_PII_KEY_FILE`, default `./.jobaid-pii.key`) created once with mode 0600.
    Every server of one ledger must share it: a lost key breaks R24 look-ups."""
    given = env.get("JOBAID_PII_KEY")
    if given:
        return given.encode()
    path = Path(env.get("JOBAID_PII_KEY_FILE", ".jobaid-pii.key"))
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def hash_id_number(key: bytes, id_number: str) -> str:
    """A keyed hash of a resident ID number: look-ups without keeping it in clear text."""
    return hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()
