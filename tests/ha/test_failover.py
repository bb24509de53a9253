"""Issue 15's cluster scenarios, on a real three-node Patroni cluster with two `jobaid
serve` processes on its multi-host URL and 8 clients posting facts, payments, reversals
and racing claims through both (bench/failover.py's HaGenerator: bench/load.py's traffic,
each client retrying a 503 on the other service with the same idempotency key).

After each: every acknowledged fact and payment is stored exactly once where it was
acknowledged, no guard is broken (one R7 per worker-year and per placement, one winner
per race, no account overdrawn), balances served equal the balances folded from the
events and the aggregates, `jobaid verify` passes, and no client saw anything but 2xx,
4xx refusals and retryable 503s."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bench.failover import (
    HaGenerator,
    LoadWhile,
    fresh_cluster_database,
    invariants,
    services,
    wait_for_write_after,
)
from bench.server import tokens
from ha.cluster import LOOP_WAIT, RETRY_TIMEOUT, Cluster, failover_promise_seconds

pytestmark = [pytest.mark.ha, pytest.mark.xdist_group("ha_cluster")]

# What Patroni's settings promise (ttl + 2 × loop_wait), plus what the service adds — its
# store gate probes every second, its connections time out in one — and a margin for a
# shared machine whose load reaches 15: generous, but a failover that waited for a human
# (or never came) still fails.
SLACK = 30.0
BOUND = failover_promise_seconds() + RETRY_TIMEOUT + SLACK


@pytest.fixture
def traffic(healthy: Cluster) -> Iterator[tuple[Cluster, str, HaGenerator]]:
    with fresh_cluster_database(healthy) as url:
        token = tokens(url)
        with services(url, count=2) as servers:
            generator = HaGenerator(servers, token)
            generator.setup()
            yield healthy, url, generator


def under_load(generator: HaGenerator, seconds: float) -> None:
    """Let the clients write on a healthy cluster for a while (acknowledgements to lose)."""
    before = len(generator.tally.facts)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(generator.tally.facts) > before, "no write was acknowledged before the fault"


def keep_writing(generator: HaGenerator, seconds: float) -> None:
    """Writes acknowledged after recovery too: the service found the new leader itself."""
    after = time.monotonic()
    assert wait_for_write_after(generator.attempts, after, BOUND) is not None
    time.sleep(seconds)


def recovered_after(cluster: Cluster, generator: HaGenerator, since: float, fault: str) -> float:
    """Seconds from `since` to the first write acknowledged after it; fails past BOUND."""
    recovered = wait_for_write_after(generator.attempts, since, BOUND)
    assert recovered is not None, (
        f"no write acknowledged {BOUND:.0f} s after {fault}: {cluster.describe()}"
    )
    return recovered


def assert_all_hold(url: str, generator: HaGenerator) -> None:
    servers = generator.servers
    failures = invariants(url, generator)
    if failures:
        for server in servers:
            server.keep_log = True
        failures += [f"service log: {line[:2000]}" for s in servers for line in s.errors()[:3]]
        failures += [f"logs kept at {[str(s.log_path) for s in servers]}"]
    assert not failures, "\n".join(failures[:40])
    assert generator.tally.payments, "no payment was acknowledged"
    assert generator.tally.races, "no race was run"


@pytest.mark.timeout(420)
def test_the_leaders_host_dies_under_load_and_nothing_acknowledged_is_lost(
    traffic: tuple[Cluster, str, HaGenerator],
) -> None:
    cluster, url, generator = traffic
    with LoadWhile(generator, clients=8):
        under_load(generator, 8)
        old = cluster.leader()
        assert old is not None
        dying = time.monotonic()
        patroni, postmaster = cluster.kill_node(old)
        assert patroni and postmaster
        killed = time.monotonic()  # both gone: a write sent before may have committed
        recovered = recovered_after(cluster, generator, killed, "the leader died")
        new = cluster.wait_leader(other_than=old.name)
        assert new.name != old.name
        print(f"{old.name} died, {new.name} leads; first write acknowledged after "
              f"{recovered:.1f} s (promise {failover_promise_seconds()} s, bound {BOUND:.0f} s)")  # fmt: skip
        keep_writing(generator, 5)
    # The dead host comes back as a replica of the new leader (pg_rewind if it diverged).
    cluster.start_node(old)
    cluster.wait_healthy()
    assert cluster.leader_name() == new.name
    assert_all_hold(url, generator)
    assert generator.attempts.failed(dying, killed + recovered), "no client noticed the failover"


@pytest.mark.timeout(300)
def test_a_postmaster_killed_alone_is_restarted_by_its_patroni_and_nothing_is_lost(
    traffic: tuple[Cluster, str, HaGenerator],
) -> None:
    cluster, url, generator = traffic
    with LoadWhile(generator, clients=8):
        under_load(generator, 5)
        leader = cluster.leader()
        assert leader is not None
        patroni = leader.patroni_pid()
        postmaster = cluster.kill_postmaster(leader)
        assert postmaster is not None
        killed = time.monotonic()
        recovered = recovered_after(cluster, generator, killed, "the crash")
        # Patroni restarts it within a loop or two, well before the leader key expires:
        # the same node leads on (a crash of PostgreSQL alone is no failover).
        assert leader.patroni_pid() == patroni
        assert leader.postmaster_pid() not in (None, postmaster)  # a new postmaster
        assert cluster.wait_leader().name == leader.name
        print(f"postmaster of {leader.name} killed; writes acknowledged again after {recovered:.1f} s "
              f"(loop_wait {LOOP_WAIT} s)")  # fmt: skip
        keep_writing(generator, 3)
    cluster.wait_healthy()
    assert_all_hold(url, generator)


@pytest.mark.timeout(300)
def test_a_switchover_shows_clients_only_retryable_503s_and_loses_nothing(
    traffic: tuple[Cluster, str, HaGenerator],
) -> None:
    cluster, url, generator = traffic
    with LoadWhile(generator, clients=8):
        under_load(generator, 5)
        old = cluster.leader_name()
        new = cluster.switchover()
        assert new != old
        switched = time.monotonic()
        recovered = recovered_after(cluster, generator, switched, "the switchover")
        print(f"switchover {old} → {new}; writes acknowledged again after {recovered:.1f} s")
        keep_writing(generator, 3)
    cluster.wait_healthy()
    unexpected = generator.attempts.unexpected()
    assert not unexpected, [(a.method, a.path, a.status, a.error) for a in unexpected[:10]]
    assert_all_hold(url, generator)
