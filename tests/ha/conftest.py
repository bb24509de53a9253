"""The HA tests (`make test-ha`): a three-node Patroni cluster (ha/cluster.py) brought up
once for the session, on ports and a directory of their own beside `make ha`'s, and taken
down at the end. Marked `ha` and left out of `make test` (pyproject's addopts deselect
them); without Patroni they skip on a developer's machine and fail under `CI=true`."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ha.cluster import PATRONI, PATRONICTL, PG_BIN, Cluster

# Ports 15451–15453, 18028–18030, 12241–12243: clear of `make ha` (offset 0) and the bench (30).
PORT_OFFSET = int(os.environ.get("JOBAID_HA_TEST_PORT_OFFSET", "20"))


def missing_tools() -> list[str]:
    return [t for t in (PATRONI, PATRONICTL, f"{PG_BIN}/postgres") if not os.access(t, os.X_OK)]


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    missing = missing_tools()
    if missing:
        message = (
            f"the HA tests need {missing}: apt-get install patroni python3-pysyncobj postgresql-15"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    base = Path(tempfile.mkdtemp(prefix="jobaid-ha-test-"))
    cluster = Cluster(base, PORT_OFFSET)
    try:
        cluster.up()
        yield cluster
    finally:
        if os.environ.get("JOBAID_HA_KEEP"):
            print(f"cluster kept at {base}: {cluster.describe()}")
        else:
            cluster.down()
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def healthy(cluster: Cluster) -> Cluster:
    """The cluster with all three nodes back and a sync standby, whatever the test before did."""
    for node in cluster.nodes:
        cluster.start_node(node)
    cluster.wait_healthy()
    return cluster
