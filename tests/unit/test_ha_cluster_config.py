"""The cluster's configuration as ha/cluster.py writes it (no process started): the
settings an auditor relies on, and addresses that never collide."""

from __future__ import annotations

from pathlib import Path

from ha.cluster import (
    LOOP_WAIT,
    RETRY_TIMEOUT,
    TTL,
    Cluster,
    dcs_settings,
    failover_promise_seconds,
)


def test_a_commit_is_acknowledged_only_on_two_nodes_even_with_one_left() -> None:
    settings = dcs_settings()
    assert settings["synchronous_mode"] is True
    assert settings["synchronous_mode_strict"] is True
    assert settings["postgresql"]["parameters"]["synchronous_commit"] == "on"
    # Asynchronous (the bench's comparison) is never strict.
    assert dcs_settings(synchronous=False)["synchronous_mode_strict"] is False


def test_the_timers_keep_patronis_rule_and_the_promise_follows_from_them() -> None:
    assert LOOP_WAIT + 2 * RETRY_TIMEOUT <= TTL
    assert failover_promise_seconds() == TTL + 2 * LOOP_WAIT == 21


def test_three_nodes_on_one_machine_never_share_a_port_or_a_directory(tmp_path: Path) -> None:
    clusters = [
        Cluster(tmp_path / "a", 0),
        Cluster(tmp_path / "b", 20),
        Cluster(tmp_path / "c", 30),
    ]
    ports = [p for c in clusters for n in c.nodes for p in (n.pg_port, n.rest_port, n.raft_port)]
    assert len(ports) == len(set(ports)) == 27
    first = clusters[0]
    assert [n.pg_port for n in first.nodes] == [15431, 15432, 15433]
    assert [n.rest_port for n in first.nodes] == [18008, 18009, 18010]
    assert [n.raft_port for n in first.nodes] == [12221, 12222, 12223]
    assert len({n.data for c in clusters for n in c.nodes}) == 9


def test_the_service_url_names_every_node_and_asks_for_the_writer(tmp_path: Path) -> None:
    cluster = Cluster(tmp_path, 0)
    assert cluster.url() == (
        "postgresql://postgres@127.0.0.1:15431,127.0.0.1:15432,127.0.0.1:15433/jobaid"
        "?target_session_attrs=read-write"
    )


def test_each_node_knows_the_other_two_and_trusts_only_its_network(tmp_path: Path) -> None:
    cluster = Cluster(tmp_path, 0)
    node = cluster.nodes[1]
    config = cluster.config(node)
    assert config["raft"]["self_addr"] == "127.0.0.1:12222"
    assert sorted(config["raft"]["partner_addrs"]) == ["127.0.0.1:12221", "127.0.0.1:12223"]
    assert config["postgresql"]["listen"] == "127.0.0.1:15432"
    assert all(
        line.startswith("local") or line.endswith("127.0.0.1/32 trust")
        for line in config["postgresql"]["pg_hba"]
    )
    assert config["bootstrap"]["dcs"]["synchronous_mode_strict"] is True
    assert config["bootstrap"]["dcs"]["postgresql"]["use_pg_rewind"] is True


def test_in_network_namespaces_each_node_is_a_host_of_its_own(tmp_path: Path) -> None:
    cluster = Cluster(tmp_path, 40, netns=True)
    assert [n.host for n in cluster.nodes] == ["10.77.40.1", "10.77.40.2", "10.77.40.3"]
    assert len({n.netns for n in cluster.nodes}) == 3
    assert cluster.url().startswith("postgresql://postgres@10.77.40.1:15471,10.77.40.2:15472,")
    assert (
        "host all all 10.77.40.0/24 trust"
        in cluster.config(cluster.nodes[0])["postgresql"]["pg_hba"]
    )
