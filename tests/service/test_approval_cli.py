"""`jobaid payment-request create|approve|reject|withdraw` in fresh processes, on both
stores: acting with bearer tokens, so that four eyes hold on the command line too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from service.ledger import Ledger
from service.tokens import issue_token
from tests import builders as b

CLI = [sys.executable, "-m", "cli"]


def test_the_command_line_requests_approves_and_rejects_with_four_eyes(
    ledger: Ledger, database_url: str, tmp_path: Path
) -> None:
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger, division=b.ELSEWHERE)
    placements = [b.placement(ledger, b.worker(ledger), employer, agency_id=agency) for _ in range(2)]  # fmt: skip
    b.appropriate(ledger)
    tokens = {}
    for name, role in (("clerk", "clerk"), ("finance", "finance")):
        path = tmp_path / f"{name}.token"
        path.write_text(issue_token(ledger, role, b.HOME, f"{name}.cli", "test").token)
        tokens[name] = str(path)
    env = {**os.environ, "JOBAID_DATABASE_URL": database_url, "JOBAID_PII_KEY": "test-pii-key"}

    def jobaid(*args: str, status: int = 0) -> Any:
        done = subprocess.run([*CLI, "payment-request", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, input="")  # fmt: skip
        assert done.returncode == status, (args, done.stdout, done.stderr)
        return json.loads(done.stdout) if status == 0 else done.stderr

    for n, placement in enumerate(placements):
        body = {"request_id": f"req-{n}", "rule": "R7", "payee_id": agency,
                "paid_on": "2018-08-01", "placement_id": placement}  # fmt: skip
        (tmp_path / f"req-{n}.json").write_text(json.dumps(body))
        made = jobaid("create", f"req-{n}.json", "--token-file", tokens["clerk"])
        assert (made["status"], made["requested_by"]) == ("pending", "clerk.cli")

    refused = jobaid("approve", "req-0", "--approval-id", "a0", "--paid-on", "2018-08-02",
                     "--token-file", tokens["clerk"], status=2)  # fmt: skip
    assert "finance" in refused
    paid = jobaid("approve", "req-0", "--approval-id", "a1", "--paid-on", "2018-08-02",
                  "--token-file", tokens["finance"])  # fmt: skip
    assert (paid["payment_id"], paid["amount"]) == ("req-0", "200.00")
    rejected = jobaid("reject", "req-1", "--reason", "材料不全", "--token-file", tokens["finance"])
    assert rejected["status"] == "rejected"
    early = jobaid("withdraw", "req-1", "--token-file", tokens["clerk"], status=2)
    assert "rejected" in early
    assert jobaid("create", "-", "--token-file", tokens["clerk"], status=2)  # no body on stdin
