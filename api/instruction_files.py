"""The treasury instruction (支付申请) as a file: a sheet of its payments and, in XLSX, a
汇总 sheet of counts and sums per paying account and purpose with a 合计 row that ties
out with the lines. Written by the project's one writer (adapters.sheets), so a payee
named like a formula stays text and amounts are numbers (#,##0.00).

The columns are those a treasury disbursement file carries back (service.treasury_file
reads 凭证号, 支付日期, 收款人, 统一社会信用代码, 金额 under these very headers), so the file
returned with its 凭证号 is matched on it first. A person's ID number appears only as
its mask (CONTRACT "Personal data"), under 脱敏身份证号, which no treasury reader takes for
an ID number: a mask is no key. The CSV holds the lines only, so that a machine reads
every row as a payment; its count and total travel in X-Instruction-Count and
X-Instruction-Total. Cells stay in Chinese (the treasury's language); `lang=en` turns
the headers and sheet names into English."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from fastapi.responses import StreamingResponse

from adapters.sheets import Cell, Column, Lang, Sheet, csv_chunks, xlsx_chunks
from api.downloads import Format, csv_download, xlsx_download
from domain import divisions
from domain.policy.names import rule_name
from domain.sources import NAMES as SOURCE_NAMES
from service.instructions import Instruction, InstructionLine

LINES_TITLE = Column("支付申请", "payment instruction")
SUMMARY_TITLE = Column("汇总", "summary")
LINE_COLUMNS = (
    Column("序号", "no", 6),
    Column("凭证号", "voucher", 30),
    Column("支付日期", "payment date", 12),
    Column("收款人", "payee", 24),
    Column("收款人编号", "payee_id", 16),
    Column("统一社会信用代码", "credit code", 22),
    Column("脱敏身份证号", "masked ID number", 22),
    Column("金额", "amount", 14),
    Column("付款账户", "paying account", 30),
    Column("用途", "purpose", 20),
    Column("政策条款", "rule", 8),
)
SUMMARY_COLUMNS = (
    Column("付款账户", "paying account", 30),
    Column("用途", "purpose", 20),
    Column("笔数", "payments", 8),
    Column("金额", "amount", 16),
)
TOTAL = Column("合计", "total")


def paying_account(source: str, division: str) -> str:
    """就业补助资金 芙蓉区（430102）: the source in Chinese and the division by name and code."""
    place = divisions.name(division) if divisions.is_known(division) else ""
    return f"{SOURCE_NAMES.get(source, source)} {place}（{division}）"


def line_cells(number: int, line: InstructionLine) -> list[Cell]:
    return [
        number, line.voucher, line.paid_on, line.payee_name, line.payee_id, line.credit_code,
        line.id_number_masked, line.amount, paying_account(line.source, line.division),
        rule_name(line.rule), line.rule,
    ]  # fmt: skip


def summary_rows(lines: Sequence[InstructionLine], lang: Lang) -> list[list[Cell]]:
    """One row per paying account and purpose, in the order first met, then 合计."""
    groups: dict[tuple[str, str], list[Decimal]] = {}
    for line in lines:
        key = (paying_account(line.source, line.division), rule_name(line.rule))
        groups.setdefault(key, []).append(line.amount)
    rows: list[list[Cell]] = [[a, p, len(xs), sum(xs, Decimal("0.00"))] for (a, p), xs in groups.items()]  # fmt: skip
    rows.append([TOTAL.title(lang), None, len(lines), total(lines)])
    return rows


def total(lines: Sequence[InstructionLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


@dataclass(frozen=True)
class InstructionFile:
    instruction: Instruction
    lang: Lang

    @property
    def name(self) -> str:
        """支付申请-<run or request id>; payment-instruction-<id> in English."""
        prefix = "payment-instruction" if self.lang == "en" else "支付申请"
        return f"{prefix}-{self.instruction.name}"

    def header(self) -> list[str]:
        return [column.title(self.lang) for column in LINE_COLUMNS]

    def rows(self) -> Iterator[list[Cell]]:
        return (line_cells(n, line) for n, line in enumerate(self.instruction.lines, start=1))

    def sheets(self) -> list[Sheet]:
        lines = Sheet.of(LINES_TITLE, LINE_COLUMNS, self.rows(), self.lang)
        summary = Sheet.of(SUMMARY_TITLE, SUMMARY_COLUMNS, summary_rows(self.instruction.lines, self.lang), self.lang)  # fmt: skip
        return [lines, summary]

    def chunks(self, fmt: Format) -> Iterator[bytes]:
        """The file's bytes (the command line writes them to disk)."""
        return xlsx_chunks(*self.sheets()) if fmt == "xlsx" else csv_chunks(self.header(), self.rows())  # fmt: skip

    def response(self, fmt: Format) -> StreamingResponse:
        if fmt == "xlsx":
            answer = xlsx_download(self.name, *self.sheets())
        else:
            answer = csv_download(self.name, self.header(), self.rows())
        answer.headers["X-Instruction-Count"] = str(len(self.instruction.lines))
        answer.headers["X-Instruction-Total"] = format(total(self.instruction.lines), "f")
        return answer

    def json(self) -> dict[str, object]:
        """The same lines as JSON (`?format=json`), amounts as strings."""
        lines = [dict(zip(("no", "voucher", "paid_on", "payee", "payee_id", "credit_code", "id_number_masked", "amount", "paying_account", "purpose", "rule"), cells, strict=True)) for cells in self.rows()]  # fmt: skip
        for line in lines:
            line["paid_on"], line["amount"] = str(line["paid_on"]), str(line["amount"])
        return {"id": self.instruction.name, "division": self.instruction.division,
                "count": len(lines), "total": format(total(self.instruction.lines), "f"),
                "lines": lines}  # fmt: skip
