"""The three funding sources that pay (POLICY "Funding sources and accounts"), each kept
per administrative division."""

from __future__ import annotations

# employment_fund 就业补助资金 (provincial and per county), unemployment_insurance_fund
# 失业保险基金, local_treasury 当地财政 (per county).
NAMES = {
    "employment_fund": "就业补助资金",
    "unemployment_insurance_fund": "失业保险基金",
    "local_treasury": "当地财政",
}
SOURCES = tuple(NAMES)
