"""Opening the ledger for one command line command."""

from __future__ import annotations

import sys
from collections.abc import Callable

from domain.errors import LedgerError
from service.ledger import Ledger


def on_ledger(command: str, run: Callable[[Ledger], int]) -> int:
    """Open the ledger from the environment, run, close it; a refusal is one line on
    stderr and exit status 2."""
    ledger = Ledger()
    try:
        return run(ledger)
    except LedgerError as error:
        print(f"jobaid {command}: {error.detail}", file=sys.stderr)
        return 2
    finally:
        ledger.close()
