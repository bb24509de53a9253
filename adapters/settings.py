"""Configuration from the environment — the only module that reads it — and nothing else
required.

`JOBAID_DATABASE_URL` selects the store: `sqlite:///path.db` (default `sqlite:///./jobaid.db`,
needs no server) or `postgresql://user[:password]@host[:port]/dbname[?schema=…]`, where
PostgreSQL may name several hosts — `postgresql://h1:p1,h2:p2,h3:p3/db` — and every
connection goes to the one that takes writes (libpq `target_session_attrs=read-write`):
after a failover, the new leader. `JOBAID_READ_DATABASE_URL` (optional) names the nodes
reads may go to (replicas). The rest are tuning with defaults; README's "Configuration"
table lists them all."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlparse

DEFAULT_DATABASE_URL = "sqlite:///./jobaid.db"
LOG_FORMATS = ("json", "text")
SQLITE_LOCK_TIMEOUT = 30  # seconds a SQLite writer waits for another process's lock
# What a PostgreSQL URL's query may say beside our own `schema`: passed on to libpq as is.
LIBPQ_PARAMETERS = frozenset(
    {
        "target_session_attrs",
        "load_balance_hosts",
        "application_name",
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_count",
        "tcp_user_timeout",
        "connect_timeout",
    }
)
WRITE_ATTRS = ("read-write", "primary")  # a node that takes writes
READ_ATTRS = ("any", "read-only", "prefer-standby", "standby", *WRITE_ATTRS)
MAX_HOSTS = 16


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
    # library retries on a fresh one, and the service's store gate answers 503 meanwhile
    # (and has the pool check its idle connections, so the dead ones go at once).
    pre_ping: bool = False
    # A server that vanishes without closing its sockets (a dead host, a cut network) is
    # noticed within seconds, not the kernel's two hours: TCP keepalives and a bound on
    # unacknowledged data. A dead lock holder's session ends too (api/leases.py).
    keepalive_idle: int = 5
    tcp_user_timeout_ms: int = 5000


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
    # JOBAID_READ_DATABASE_URL: replicas that balances, statements, lists and the console
    # read from; None reads from the leader (JOBAID_DATABASE_URL).
    read_database_url: str | None = None
    replica_wait: float = 2.0  # JOBAID_REPLICA_WAIT: s a read waits for a replica to replay
    ready_max_lag: int = 10000  # JOBAID_READY_MAX_LAG: positions the projector may trail …
    ready_stall: float = 10.0  # JOBAID_READY_STALL: … for this long (s) before not ready

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
        database_url = env.get("JOBAID_DATABASE_URL") or DEFAULT_DATABASE_URL
        read_url = env.get("JOBAID_READ_DATABASE_URL") or None
        if read_url is not None:
            if urlparse(database_url).scheme not in ("postgresql", "postgres"):
                raise ConfigurationError("JOBAID_READ_DATABASE_URL needs a PostgreSQL JOBAID_DATABASE_URL")  # fmt: skip
            parse_postgres_url(read_url, writes=False)  # refused here, at start, if bad
        return cls(
            database_url=database_url,
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
            read_database_url=read_url,
            replica_wait=float(env.get("JOBAID_REPLICA_WAIT", "2")),
            ready_max_lag=int(env.get("JOBAID_READY_MAX_LAG", "10000")),
            ready_stall=float(env.get("JOBAID_READY_STALL", "10")),
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


@dataclass(frozen=True)
class PostgresTarget:
    """A PostgreSQL URL taken apart: one or more `(host, port)`, the database, who
    connects, our own `schema`, and what else libpq is told (`target_session_attrs` …)."""

    hosts: tuple[tuple[str, int], ...]
    dbname: str
    user: str
    password: str
    schema: str | None
    libpq: Mapping[str, str]

    @property
    def host_list(self) -> str:
        return ",".join(host for host, _ in self.hosts)

    @property
    def port_list(self) -> str:
        return ",".join(str(port) for _, port in self.hosts)


def parse_postgres_url(url: str, *, writes: bool = True) -> PostgresTarget:
    """`postgresql://[user[:password]@]h1[:p1][,h2[:p2]…]/dbname[?schema=…&libpq=…]`.

    Python's `urlparse` refuses several hosts, so the authority is split here. The URL
    for writes always asks libpq for a node that takes writes (`read-write`, or
    `primary`); any other `target_session_attrs` there is refused, since it could send
    writes to a standby. A URL for reads defaults to `prefer-standby`."""
    parsed = urlparse(url)
    if parsed.scheme not in ("postgresql", "postgres"):
        raise ConfigurationError(f"{_shown(url)} is not a postgresql:// URL")
    userinfo, _, hostinfo = parsed.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    hosts = tuple(_host_port(part, url) for part in hostinfo.split(","))
    if len(hosts) > MAX_HOSTS:
        raise ConfigurationError(f"{_shown(url)} names more than {MAX_HOSTS} hosts")
    dbname = unquote(parsed.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise ConfigurationError(f"{_shown(url)} needs a host and a database name")
    query = parse_qs(parsed.query, keep_blank_values=True, strict_parsing=False)
    unknown = sorted(set(query) - LIBPQ_PARAMETERS - {"schema"})
    if unknown:
        raise ConfigurationError(f"{_shown(url)}: unknown parameter {unknown[0]!r}")
    libpq = {key: values[-1] for key, values in query.items() if key != "schema"}
    allowed = WRITE_ATTRS if writes else READ_ATTRS
    attrs = libpq.setdefault("target_session_attrs", "read-write" if writes else "prefer-standby")
    if attrs not in allowed:
        raise ConfigurationError(
            f"{_shown(url)}: target_session_attrs must be one of {', '.join(allowed)}"
            + (" (writes go to the leader)" if writes else "")
        )
    return PostgresTarget(
        hosts=hosts,
        dbname=dbname,
        user=unquote(user) or "postgres",
        password=unquote(password),
        schema=query["schema"][-1] if "schema" in query else None,
        libpq=libpq,
    )


def _host_port(part: str, url: str) -> tuple[str, int]:
    """`host`, `host:port`, `[::1]:port`: one host of the list."""
    if part.startswith("["):
        host, _, rest = part[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else rest
    else:
        host, _, port_text = part.partition(":")
    host = unquote(host)
    if not host:
        raise ConfigurationError(f"{_shown(url)} needs a host and a database name")
    if not port_text:
        return host, 5432
    if not (port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536):
        raise ConfigurationError(f"{_shown(url)}: {port_text!r} is not a port")
    return host, int(port_text)


def _shown(url: str) -> str:
    """The URL as an error message may show it: the password left out."""
    parsed = urlparse(url)
    userinfo, at, hostinfo = parsed.netloc.rpartition("@")
    if at and ":" in userinfo:
        return repr(url.replace(parsed.netloc, f"{userinfo.partition(':')[0]}:***@{hostinfo}", 1))
    return repr(url)


def libpq_extras(target: PostgresTarget, tuning: PostgresTuning) -> dict[str, str]:
    """What every connection to this target tells libpq beyond host, port, database and
    user: which node it wants, how long a connect may take per host, and keepalives."""
    extras = {
        "connect_timeout": str(max(2, round(tuning.connect_timeout))),
        "keepalives": "1",
        "keepalives_idle": str(tuning.keepalive_idle),
        "keepalives_interval": "2",
        "keepalives_count": "2",
        "tcp_user_timeout": str(tuning.tcp_user_timeout_ms),
    }
    extras.update(target.libpq)
    return extras


def conninfo(url: str, tuning: PostgresTuning | None = None, *, writes: bool = True) -> str:
    """A libpq connection string for a connection of our own (the store gate, the
    projector's lease), to the same nodes and with the same choices as the pool's."""
    from psycopg.conninfo import make_conninfo

    target = parse_postgres_url(url, writes=writes)
    return make_conninfo(
        "",
        host=target.host_list,
        port=target.port_list,
        dbname=target.dbname,
        user=target.user,
        password=target.password or None,
        **libpq_extras(target, tuning or PostgresTuning()),
    )


def postgres_env(
    database_url: str, tuning: PostgresTuning, *, writes: bool = True
) -> dict[str, str]:
    """The library's settings for this URL. Several hosts go to libpq as its lists
    (`host=h1,h2 port=p1,p2`); what the library has no setting for goes in
    `POSTGRES_LIBPQ`, which the factory in adapters/pgstore.py adds to its pool."""
    target = parse_postgres_url(database_url, writes=writes)
    env = {
        "PERSISTENCE_MODULE": "adapters.pgstore:Factory",
        "POSTGRES_DBNAME": target.dbname,
        "POSTGRES_HOST": target.host_list,
        "POSTGRES_PORT": target.port_list,
        "POSTGRES_USER": target.user,
        "POSTGRES_PASSWORD": target.password,
        "POSTGRES_CONNECT_TIMEOUT": f"{tuning.connect_timeout:g}",
        "POSTGRES_POOL_SIZE": str(tuning.pool_size),
        "POSTGRES_MAX_OVERFLOW": str(tuning.max_overflow),
        "POSTGRES_MAX_WAITING": "64",  # requests queued for a connection before one fails
        "POSTGRES_PRE_PING": "y" if tuning.pre_ping else "n",
        "POSTGRES_LIBPQ": urlencode(libpq_extras(target, tuning)),
    }
    if target.schema is not None:
        env["POSTGRES_SCHEMA"] = target.schema
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
