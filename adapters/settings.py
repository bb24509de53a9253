"""Configuration from the environment, and nothing else required.

`JOBAID_DATABASE_URL` selects the store: `sqlite:///path.db` (default `sqlite:///./jobaid.db`,
needs no server) or `postgresql://user[:password]@host[:port]/dbname[?schema=…]`."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_DATABASE_URL = "sqlite:///./jobaid.db"


class ConfigurationError(ValueError):
    """The environment names a store or key the ledger cannot use."""


def storage_env(database_url: str) -> dict[str, str]:
    """The eventsourcing persistence settings for a database URL."""
    parsed = urlparse(database_url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        name = path[1:] if path.startswith("/") else path
        if not name:
            raise ConfigurationError(f"no file in {database_url!r}; try sqlite:///./jobaid.db")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": name,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    if parsed.scheme in ("postgresql", "postgres"):
        dbname = unquote(parsed.path.lstrip("/"))
        if not (parsed.hostname and dbname):
            raise ConfigurationError(f"{database_url!r} needs a host and a database name")
        query = parse_qs(parsed.query)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": parsed.hostname,
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            # Fail fast when the database is away (see EVENTSOURCING-NOTES: pools).
            "POSTGRES_CONNECT_TIMEOUT": os.environ.get("JOBAID_PG_CONNECT_TIMEOUT", "3"),
            "POSTGRES_POOL_SIZE": os.environ.get("JOBAID_PG_POOL_SIZE", "8"),
            "POSTGRES_MAX_OVERFLOW": os.environ.get("JOBAID_PG_MAX_OVERFLOW", "8"),
            "POSTGRES_MAX_WAITING": "64",
            # No pre-ping: it doubles every round trip. A broken connection fails its
            # query, the library retries on a fresh one, and the service's store gate
            # answers 503 while PostgreSQL is away.
            "POSTGRES_PRE_PING": os.environ.get("JOBAID_PG_PRE_PING", "n"),
        }
        if "schema" in query:
            env["POSTGRES_SCHEMA"] = query["schema"][0]
        return env
    raise ConfigurationError(
        f"JOBAID_DATABASE_URL must start sqlite:/// or postgresql://, not {database_url!r}"
    )


@dataclass(frozen=True)
class Settings:
    database_url: str
    pii_key: bytes

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("JOBAID_DATABASE_URL") or DEFAULT_DATABASE_URL
        return cls(database_url=url, pii_key=pii_key())


def pii_key() -> bytes:
    """The secret that keys ID-number hashes: `JOBAID_PII_KEY`, else a key file
    (`JOBAID_PII_KEY_FILE`, default `./.jobaid-pii.key`) created once with mode 0600.
    Every server of one ledger must share it: a lost key breaks R24 look-ups."""
    given = os.environ.get("JOBAID_PII_KEY")
    if given:
        return given.encode()
    path = Path(os.environ.get("JOBAID_PII_KEY_FILE", ".jobaid-pii.key"))
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def hash_id_number(key: bytes, id_number: str) -> str:
    """A keyed hash of a resident ID number: look-ups without keeping it in clear text."""
    return hmac.new(key, id_number.upper().encode(), hashlib.sha256).hexdigest()
