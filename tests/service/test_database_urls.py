"""PostgreSQL URLs with several hosts: taken apart for libpq's host and port lists,
writes always sent to the node that takes them, replicas for reads, bad URLs refused
with a reason that never shows the password."""

from __future__ import annotations

import pytest

from adapters.settings import (
    ConfigurationError,
    PostgresTuning,
    Settings,
    conninfo,
    parse_postgres_url,
    postgres_env,
)


def test_a_multi_host_url_becomes_libpq_host_and_port_lists_that_want_the_leader() -> None:
    env = postgres_env("postgresql://app:s3cret@h1:5433,h2,[::1]:6000/ledger", PostgresTuning())
    assert env["POSTGRES_HOST"] == "h1,h2,::1"
    assert env["POSTGRES_PORT"] == "5433,5432,6000"
    assert (env["POSTGRES_DBNAME"], env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == (
        "ledger",
        "app",
        "s3cret",
    )
    assert "target_session_attrs=read-write" in env["POSTGRES_LIBPQ"].split("&")
    assert env["PERSISTENCE_MODULE"] == "adapters.pgstore:Factory"


def test_one_host_still_works_and_wants_a_node_that_takes_writes() -> None:
    target = parse_postgres_url("postgresql://postgres@127.0.0.1:5432/test")
    assert target.hosts == (("127.0.0.1", 5432),)
    assert target.libpq["target_session_attrs"] == "read-write"
    assert target.schema is None


def test_the_schema_and_libpq_parameters_are_kept_apart() -> None:
    target = parse_postgres_url(
        "postgresql://h1:1,h2:2/db?schema=s1&target_session_attrs=primary&sslmode=require"
    )
    assert target.schema == "s1"
    assert target.libpq == {"target_session_attrs": "primary", "sslmode": "require"}


def test_our_own_connections_name_the_same_nodes_with_keepalives() -> None:
    text = conninfo("postgresql://u@h1:1,h2:2/db")
    assert "host=h1,h2" in text and "port=1,2" in text
    assert "target_session_attrs=read-write" in text
    assert "keepalives=1" in text and "tcp_user_timeout=5000" in text


@pytest.mark.parametrize("attrs", ["any", "standby", "prefer-standby", "read-only"])
def test_writes_are_never_allowed_to_go_to_a_standby(attrs: str) -> None:
    with pytest.raises(ConfigurationError, match="target_session_attrs"):
        parse_postgres_url(f"postgresql://h1,h2/db?target_session_attrs={attrs}")


def test_a_read_url_prefers_a_standby_unless_told_otherwise() -> None:
    assert (
        parse_postgres_url("postgresql://h1,h2/db", writes=False).libpq["target_session_attrs"]
        == "prefer-standby"
    )
    assert (
        parse_postgres_url("postgresql://h1/db?target_session_attrs=any", writes=False).libpq[
            "target_session_attrs"
        ]
        == "any"
    )


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://h1:notaport,h2/db",
        "postgresql://h1:0/db",
        "postgresql://h1:70000/db",
        "postgresql://h1,,h2/db",
        "postgresql://h1,h2/",
        "postgresql://h1/db?options=-c%20x",
        "postgresql://h1:５４３２/db",
        "mysql://h1/db",
        "postgresql://" + ",".join(f"h{n}" for n in range(17)) + "/db",
    ],
)
def test_a_bad_url_is_refused_with_a_reason(url: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_postgres_url(url)


def test_a_refusal_never_shows_the_password() -> None:
    with pytest.raises(ConfigurationError) as refused:
        parse_postgres_url("postgresql://app:hunter2@h1:bad/db")
    assert "hunter2" not in str(refused.value)


def test_the_read_url_and_its_waits_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "JOBAID_DATABASE_URL": "postgresql://h1,h2/db",
            "JOBAID_READ_DATABASE_URL": "postgresql://h2,h3/db?target_session_attrs=prefer-standby",
            "JOBAID_REPLICA_WAIT": "1.5",
            "JOBAID_READY_MAX_LAG": "500",
            "JOBAID_PII_KEY": "k",
        }
    )
    assert settings.read_database_url == "postgresql://h2,h3/db?target_session_attrs=prefer-standby"
    assert (settings.replica_wait, settings.ready_max_lag) == (1.5, 500)
    assert settings.postgres_store
    assert Settings.from_env({"JOBAID_PII_KEY": "k"}).read_database_url is None


def test_a_read_url_beside_sqlite_or_a_bad_one_is_refused_at_start() -> None:
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        Settings.from_env({"JOBAID_READ_DATABASE_URL": "postgresql://h/db", "JOBAID_PII_KEY": "k"})
    with pytest.raises(ConfigurationError):
        Settings.from_env(
            {
                "JOBAID_DATABASE_URL": "postgresql://h1/db",
                "JOBAID_READ_DATABASE_URL": "postgresql://h2:x/db",
                "JOBAID_PII_KEY": "k",
            }
        )
