"""A kept reconciliation report as the files a finance officer opens (adapters.sheets):
one row per report line and a sheet of totals, headers and the words in the cells
(status, key, kind, the reason) in Chinese by default or English; amounts and counts as
numbers, dates as dates, every text cell neutralised by the writer. Only the masked ID
number is in the report, so only the masked one can be in a file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from adapters.sheets import Cell, Column, Lang, Sheet, csv_bytes, xlsx_bytes
from domain.reconciliation import Reconciliation, explain

COLUMNS: dict[str, Column] = {
    "status": Column("对账结果", "status", 16),
    "key": Column("匹配依据", "matched by", 16),
    "shape": Column("匹配方式", "shape", 10),
    "date_slip": Column("日期差（天）", "date slip (days)", 10),
    "reason": Column("说明", "reason", 36),
    "treasury_line": Column("国库行号", "treasury line", 8),
    "treasury_date": Column("支付日期", "treasury date", 12),
    "treasury_payee": Column("收款人", "treasury payee", 24),
    "treasury_id_number": Column("身份证号", "ID number", 22),
    "treasury_credit_code": Column("统一社会信用代码", "credit code", 22),
    "treasury_amount": Column("国库金额", "treasury amount", 16),
    "treasury_purpose": Column("用途", "purpose", 20),
    "treasury_voucher": Column("凭证号", "voucher", 18),
    "ledger_reference": Column("账上编号", "ledger reference", 18),
    "ledger_kind": Column("类型", "kind", 8),
    "ledger_date": Column("账上日期", "ledger date", 12),
    "ledger_payee": Column("收款人编号", "payee id", 16),
    "ledger_payee_name": Column("账上收款人", "ledger payee", 24),
    "ledger_amount": Column("账上金额", "ledger amount", 16),
    "matched_amount": Column("对账金额", "matched amount", 16),
    "amount_difference": Column("金额差", "amount difference", 14),
    "ledger_position": Column("记录位置", "position", 10),
}
AMOUNTS = {
    "treasury_amount",
    "ledger_amount",
    "matched_amount",
    "amount_difference",
    "ledger_total",
    "treasury_total",
    "difference",
}
DATES = {"treasury_date", "ledger_date"}
WORDS = {  # the values a person reads, in Chinese
    "matched": "已匹配",
    "date_mismatch": "日期不符",
    "amount_mismatch": "金额不符",
    "payee_mismatch": "收款人不符",
    "unmatched_treasury": "国库有、账上无",
    "unmatched_ledger": "账上有、国库无",
    "voucher": "凭证号",
    "id_number": "身份证号",
    "credit_code": "统一社会信用代码",
    "payee_id": "收款人编号",
    "name": "收款人名称",
    "one": "一对一",
    "merged": "合并支付",
    "split": "分笔支付",
    "payment": "支付",
    "reversal": "冲回",
}
TOTALS = {
    "matched": "已匹配",
    "date_mismatch": "日期不符",
    "amount_mismatch": "金额不符",
    "payee_mismatch": "收款人不符",
    "unmatched_treasury": "国库有、账上无",
    "unmatched_ledger": "账上有、国库无",
    "matched_by_voucher": "按凭证号匹配",
    "matched_by_id_number": "按身份证号匹配",
    "matched_by_credit_code": "按统一社会信用代码匹配",
    "matched_by_payee_id": "按收款人编号匹配",
    "matched_by_name": "按收款人名称匹配",
    "treasury_lines": "国库文件行数",
    "ledger_entries": "账上记录数",
    "ledger_total": "账上合计",
    "treasury_total": "国库合计",
    "difference": "差额（国库－账上）",
}
SHEETS = (Column("对账明细", "reconciliation"), Column("汇总", "totals"))


def report_name(reconciliation: Reconciliation, lang: Lang) -> str:
    """The file's name, without its extension: what, which account, which period."""
    r: Any = reconciliation
    stem = "国库对账" if lang == "zh" else "reconciliation"
    return f"{stem}-{r.source}-{r.division}-{r.period_from:%Y%m%d}-{r.period_to:%Y%m%d}"


def report_header(lang: Lang) -> list[str]:
    return [column.title(lang) for column in COLUMNS.values()]


def report_rows(reconciliation: Reconciliation, lang: Lang) -> Iterator[list[Cell]]:
    kept: dict[str, Any] = reconciliation.report
    tolerance = kept.get("date_tolerance") or 0
    for line in kept["lines"]:
        # A report kept before vouchers and purposes were told apart had one reference.
        shown = {"treasury_voucher": line.get("treasury_reference"), **line}
        shown["reason"] = explain(line, tolerance, lang)
        yield [_cell(name, shown.get(name), lang) for name in COLUMNS]


def report_sheets(reconciliation: Reconciliation, lang: Lang) -> Sequence[Sheet]:
    """The report's sheets: its lines, then its totals."""
    lines, totals = SHEETS
    return (
        Sheet.of(lines, list(COLUMNS.values()), report_rows(reconciliation, lang), lang),
        Sheet(totals.title(lang), _totals(reconciliation, lang), widths=(28, 18)),
    )


def report_csv(reconciliation: Reconciliation, lang: Lang = "zh") -> bytes:
    """The whole CSV file: UTF-8 with a BOM, RFC 4180 line ends."""
    return csv_bytes(report_header(lang), report_rows(reconciliation, lang))


def report_xlsx(reconciliation: Reconciliation, lang: Lang = "zh") -> bytes:
    return xlsx_bytes(*report_sheets(reconciliation, lang))


def _totals(reconciliation: Reconciliation, lang: Lang) -> Iterator[list[Cell]]:
    for name, value in reconciliation.report["totals"].items():
        label = TOTALS.get(name, name) if lang == "zh" else name
        yield [label, _cell(name, value, lang)]


def _cell(name: str, value: Any, lang: Lang) -> Cell:
    """The kept report holds amounts and dates as text; the files hold them as numbers
    and dates, counts, line numbers and positions as numbers, words in the language."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if name in AMOUNTS:
        return Decimal(value)
    if name in DATES:
        return date.fromisoformat(value)
    if isinstance(value, int):
        return value
    text = str(value)
    if lang == "zh" and name in ("status", "key", "shape", "ledger_kind"):
        return WORDS.get(text, text)
    return text
