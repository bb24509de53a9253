"""The files around a survey import: the blank form a county fills (the template, with
one example row and a 说明 sheet), and an import's report as a person opens it (XLSX or
CSV, Chinese headers by default) — all written by adapters.sheets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from adapters.sheets import Cell, Column, Lang, Sheet, xlsx_bytes
from service.survey_form import EXAMPLE_ID_NUMBER, FORM_FIELDS, REQUIRED, chinese_header

# What each column holds, for the 说明 sheet: (说明, explanation).
EXPLAINED: dict[str, tuple[str, str]] = {
    "worker_id": (
        "本系统的劳动力编号；新登记人员可不填，系统按身份证号生成",
        "the ledger's worker id; leave empty for a new person",
    ),
    "name": ("姓名", "the person's name"),
    "id_number": (
        "18位居民身份证号码，末位可为大写X；请以文本格式填写",
        "18-character resident ID number (text cell)",
    ),
    "home_division": (
        "户籍所在县市区的6位行政区划代码，如 430102",
        "6-digit code of the home county",
    ),
    "registered_on": (
        "建档立卡日期，如 2016/5/10；不填则取摸查日期",
        "date registered as poor; defaults to the survey date",
    ),
    "surveyed_on": (
        "摸查日期，如 2017/9/1、2017-09-01 或 2017年9月1日",
        "survey date (2017/9/1, 2017-09-01, 2017年9月1日)",
    ),
    "surveyor": ("摸查人姓名（谁摸查、谁负责）", "who surveyed"),
    "status": ("已就业 或 未就业", "已就业 (employed) or 未就业 (unemployed)"),
    "willing_to_work": ("是 或 否；未就业人员必填", "是/否; required for the unemployed"),
    "service_needs": ("多项以顿号“、”分隔，如 技能培训、岗位信息", "needs, separated by 、"),
    "work_division": (
        "就业地点的6位行政区划代码；已就业人员必填",
        "6-digit code where they work; employed only",
    ),
    "employer_name": ("就业单位名称；已就业人员必填", "employer's name; employed only"),
    "employer_contact": ("单位联系方式；已就业人员必填", "employer's phone; employed only"),
}
EXAMPLE: dict[str, Cell] = {
    "worker_id": None,
    "name": "张三",
    "id_number": EXAMPLE_ID_NUMBER,
    "home_division": "430102",
    "registered_on": date(2016, 5, 10),
    "surveyed_on": date(2017, 9, 1),
    "surveyor": "李四",
    "status": "已就业",
    "willing_to_work": "是",
    "service_needs": "技能培训、岗位信息",
    "work_division": "440106",
    "employer_name": "广州某某电子厂",
    "employer_contact": "020-12345678",
}
# Typed into as text: ids, ID numbers and codes (Excel would turn them into numbers).
TEXT_FIELDS = ("worker_id", "id_number", "home_division", "work_division", "employer_contact")
NOTE = "第2行为示例（身份证号为虚构），导入时自动跳过，可删除。"


def template_xlsx() -> bytes:
    """The survey form: the contract's headers, one example row, and a 说明 sheet."""
    widths = [22 if name == "id_number" else 16 for name in FORM_FIELDS]
    form = Sheet(
        "湖南省农村贫困劳动力就业信息表",
        [[EXAMPLE[name] for name in FORM_FIELDS]],
        header=[chinese_header(name) for name in FORM_FIELDS],
        widths=widths,
        text_columns=[FORM_FIELDS.index(name) for name in TEXT_FIELDS],
    )
    notes: list[Sequence[Cell]] = [
        [chinese_header(name), "是" if name in REQUIRED else "否", *EXPLAINED[name]]
        for name in FORM_FIELDS
    ]
    notes.append([NOTE, None, None, "Row 2 is an example (invented ID number); it is skipped."])
    guide = Sheet("说明", notes, header=["列名", "是否必填", "说明", "Explanation"],
                  widths=[16, 10, 50, 50])  # fmt: skip
    return xlsx_bytes(form, guide)


# The report's columns and its summary's lines.
REPORT_TITLE = Column("导入报告", "Import report")
ERROR_COLUMNS = (
    Column("行号", "row", 8),
    Column("列", "column", 16),
    Column("字段", "field", 16),
    Column("原因", "reason", 70),
)
SUMMARY_TITLE = Column("汇总", "Summary")
SUMMARY_COLUMNS = (Column("项目", "item", 16), Column("值", "value", 40))
SUMMARY_LINES = (
    ("import_id", "导入编号"),
    ("status", "状态"),
    ("rows", "行数"),
    ("done", "已处理"),
    ("recorded", "已导入"),
    ("already_recorded", "此前已导入"),
    ("rejected", "未通过"),
    ("created_at", "提交时间"),
)


def error_rows(job: dict[str, Any]) -> list[Sequence[Cell]]:
    return [[e["row"], e["column"], e["field"], e["reason"]] for e in job.get("errors", [])]


def summary_rows(job: dict[str, Any], lang: Lang) -> list[Sequence[Cell]]:
    """The job's state and counts, one line each (a count stays a number)."""
    lines: list[Sequence[Cell]] = []
    for key, zh in SUMMARY_LINES:
        value = job.get(key)
        lines.append([key if lang == "en" else zh, value if isinstance(value, int) else str(value or "")])  # fmt: skip
    return lines


def report_sheets(job: dict[str, Any], lang: Lang) -> tuple[Sheet, Sheet]:
    """The report as a workbook: the refused rows, then the summary."""
    return (
        Sheet.of(REPORT_TITLE, ERROR_COLUMNS, error_rows(job), lang),
        Sheet.of(SUMMARY_TITLE, SUMMARY_COLUMNS, summary_rows(job, lang), lang),
    )
