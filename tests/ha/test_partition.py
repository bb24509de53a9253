"""Scenario 5: a partition. Each node in a network namespace of its own (three hosts on a
bridge); the leader is cut off from the other two — both ways — while the services and
the clients still reach it. The old leader must stop acknowledging writes (strict
synchronous mode: a commit waits for a standby it cannot reach, and Patroni demotes it
when it cannot renew its key), the other two elect a new leader, the services follow it,
and once the link is back the old leader rejoins as a replica. No split brain: no write
is acknowledged by the cut-off node, and everything acknowledged anywhere is on the new
leader — the load's invariants and a probe writing straight to the old leader."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from bench.failover import (
    HaGenerator,
    LoadWhile,
    fresh_cluster_database,
    services,
)
from bench.server import tokens
from ha.cluster import Cluster, Node, failover_promise_seconds
from tests.ha.conftest import missing_tools
from tests.ha.test_failover import BOUND, assert_all_hold, recovered_after, under_load

pytestmark = [pytest.mark.ha, pytest.mark.xdist_group("ha_cluster")]

PORT_OFFSET = int(os.environ.get("JOBAID_HA_TEST_PORT_OFFSET", "20")) + 20


@pytest.fixture(scope="module")
def hosts() -> Iterator[Cluster]:
    """A cluster of three network namespaces (root is needed to make them)."""
    if missing_tools() or os.geteuid() != 0 or not shutil.which("ip"):
        message = "the partition test needs root, iproute2 and Patroni"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    base = tempfile.mkdtemp(prefix="jobaid-ha-netns-")
    cluster = Cluster(base, PORT_OFFSET, netns=True)
    try:
        cluster.up()
        yield cluster
    finally:
        cluster.heal()
        cluster.down()
        shutil.rmtree(base, ignore_errors=True)


class Probe:
    """Writes one numbered row after another straight to one node (no failover in the
    URL), keeping the numbers that node acknowledged."""

    def __init__(self, node: Node, database: str) -> None:
        self.url = f"{node.url(database)}?connect_timeout=2"
        self.acknowledged: list[int] = []
        self.sent_at: dict[int, float] = {}  # when each acknowledged write was sent
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            sent = time.monotonic()
            try:
                # No statement_timeout: a commit cancelled while it waits for the standby
                # is reported committed (with a WARNING) though it is on this node alone.
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute("INSERT INTO split_probe VALUES (%s)", (n,))
                self.sent_at[n] = sent
                self.acknowledged.append(n)
            except psycopg.Error:
                time.sleep(0.2)


@pytest.mark.timeout(420)
def test_a_leader_cut_off_from_the_others_stops_acknowledging_writes(hosts: Cluster) -> None:
    cluster = hosts
    cluster.wait_healthy()
    with fresh_cluster_database(cluster) as url:
        database = url.rpartition("/")[2].partition("?")[0]
        old = cluster.leader()
        assert old is not None
        cluster.psql(old, "CREATE TABLE split_probe (n int PRIMARY KEY)", database)
        token = tokens(url)
        with services(url, count=2) as servers:
            generator = HaGenerator(servers, token)
            generator.setup()
            probe = Probe(old, database)
            with LoadWhile(generator, clients=8):
                probe.thread.start()
                under_load(generator, 5)
                assert probe.acknowledged, "the probe wrote nothing before the partition"
                cluster.partition(old)
                cut_done = time.monotonic()  # a route per pair: the cut takes a moment
                new = cluster.wait_leader(other_than=old.name, timeout=BOUND)
                recovered = recovered_after(cluster, generator, cut_done, "the partition")
                # The old leader, still reachable from here, acknowledges nothing more.
                time.sleep(5)
                probe.stop.set()
                probe.thread.join(timeout=30)
                after_cut = [n for n in probe.acknowledged if probe.sent_at[n] >= cut_done]
                print(f"{old.name} cut off; {new.name} leads; writes acknowledged again after "
                      f"{recovered:.1f} s (promise {failover_promise_seconds()} s); the old leader "
                      f"acknowledged {len(after_cut)} probe writes after the cut")  # fmt: skip
            cluster.heal()
            cluster.wait_healthy(180)
            assert cluster.leader_name() == new.name
            # Every probe row the old leader acknowledged is on the new leader (those sent
            # while the routes were being cut reached the standby first), and none sent
            # once the cut was whole was acknowledged: the old leader stopped.
            stored = {
                int(n) for n in cluster.psql(new, "SELECT n FROM split_probe", database).split()
            }
            assert set(probe.acknowledged) <= stored, sorted(set(probe.acknowledged) - stored)
            assert not after_cut, after_cut
            assert_all_hold(url, generator)
