"""What the console says, in 简体中文 (the default) and English, and how it writes
amounts (`¥1,234.56`) and instants (Beijing time, the clocks of those who read it)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from adapters.sheets import beijing
from domain import divisions
from domain.sources import NAMES

LANGUAGES = ("zh", "en")

# key → (简体中文, English)
WORDS: dict[str, tuple[str, str]] = {
    "console": ("就业补助资金台账", "Jobaid Ledger console"),
    "overview": ("总览", "Overview"),
    "statement": ("账户明细", "Account statement"),
    "workers": ("劳动力", "Workers"),
    "audit": ("审计", "Audit"),
    "targets": ("目标进度", "Targets"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "token": ("令牌", "Token"),
    "token_hint": (
        "用 jobaid token create 生成的令牌（jat_…）",
        "The token from jobaid token create (jat_…)",
    ),
    "bad_token": ("令牌无效、格式错误或已吊销。", "The token is unknown, malformed or revoked."),
    "bad_form": ("表单已过期，请重试。", "The form has expired; try again."),
    "signed_in_as": ("当前用户", "Signed in as"),
    "role": ("角色", "Role"),
    "scope": ("范围", "Scope"),
    "language": ("English", "中文"),
    "as_of": ("业务日期（截至）", "Business date (as of)"),
    "known_at": ("记录时点（北京时间）", "Known at (Beijing time)"),
    "show": ("查询", "Show"),
    "division": ("行政区划", "Division"),
    "source": ("资金来源", "Funding source"),
    "balance": ("余额", "Balance"),
    "appropriated": ("拨入", "Appropriated"),
    "paid": ("支出", "Paid"),
    "reversed": ("退回", "Reversed"),
    "total": ("合计（含下级）", "Total (with divisions below)"),
    "own": ("本级账户", "Own account"),
    "low": ("余额不足", "Nearly empty"),
    "low_note": (
        "余额低于拨入的 10% 的账户标为“余额不足”。",
        "Accounts holding less than 10% of what was appropriated are marked “Nearly empty”.",
    ),
    "balances": ("各级账户余额", "Balances by division"),
    "monthly": ("每月收支", "Money in and out per month"),
    "month": ("月份", "Month"),
    "no_accounts": ("范围内没有账户。", "No account in scope."),
    "from": ("起始日期", "From"),
    "to": ("截止日期", "To"),
    "date": ("业务日期", "Business date"),
    "kind": ("类型", "Kind"),
    "rule": ("规则", "Rule"),
    "payee": ("收款方", "Payee"),
    "worker": ("劳动力", "Worker"),
    "amount": ("金额", "Amount"),
    "reference": ("文号", "Reference (文号)"),
    "recorded_at": ("记录时间", "Recorded at"),
    "position": ("位置", "Position"),
    "opening": ("期初余额", "Opening balance"),
    "closing": ("期末余额", "Closing balance"),
    "page_opening": ("本页期初", "Balance before this page"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "page": ("页", "Page"),
    "lines": ("笔", "lines"),
    "appropriation": ("拨款", "Appropriation"),
    "payment": ("支付", "Payment"),
    "reversal": ("冲回", "Reversal"),
    "worker_id": ("劳动力编号", "Worker id"),
    "find": ("查找", "Find"),
    "id_number_search": ("身份证号", "Resident ID number"),
    "search_by_id": ("按编号查找", "Find by worker id"),
    "search_by_number": ("按身份证号查找", "Find by ID number"),
    "search_by_name": ("按姓名查找", "Find by name"),
    "id_number_hint": (
        "身份证号只用于加密比对，不会显示或记录在网址中。",
        "The number is only hashed for the look-up: never shown, never put in a URL.",
    ),
    "no_such_worker": ("在您的范围内没有找到此人。", "Nobody with that number in your scope."),
    "name": ("姓名", "Name"),
    "id_number": ("身份证号（已遮盖）", "ID number (masked)"),
    "home": ("户籍地", "Home division"),
    "status": ("状态", "Status"),
    "registered_on": ("登记日期", "Registered on"),
    "timeline": ("时间线", "Timeline"),
    "fact": ("事实", "Fact"),
    "recorded_by": ("记录人", "Recorded by"),
    "token_id": ("令牌编号", "Token id"),
    "details": ("内容", "Details"),
    "payments": ("补贴发放", "Payments"),
    "account": ("账户", "Account"),
    "yes_reversed": ("已冲回", "reversed"),
    "verify": ("完整性校验", "Verify the history"),
    "run_verify": ("运行校验", "Run the check"),
    "intact": ("完整", "Intact"),
    "tampered": ("发现篡改", "Tampered"),
    "first_bad": ("第一个异常位置", "First bad position"),
    "checked": ("已校验事件", "Events checked"),
    "sealed_through": ("已封存至", "Sealed through"),
    "verify_role": (
        "只有审计员和管理员可以校验整个历史。",
        "Only auditors and admins may verify the whole history.",
    ),
    "replay": ("余额回放", "Replay balances"),
    "replay_note": (
        "按业务日期和/或记录时点重算各账户余额，并与现在对比。",
        "Balances as of a business date and/or as known at an instant, beside today's.",
    ),
    "then": ("当时", "Then"),
    "now": ("现在", "Now"),
    "difference": ("差额", "Difference"),
    # audit page: checkpoint and a worker's trail (console-audit)
    "checkpoint_download": ("下载检查点（链头）", "Download a checkpoint (the chain head)"),
    "checkpoint_note": (
        "保存在系统之外；日后用 jobaid verify --against 文件 证明历史仍然延续它。",
        "Keep it outside the system; later, jobaid verify --against FILE proves the history still extends it.",
    ),
    "audit_trail": ("劳动力审计轨迹", "A worker's audit trail"),
    "known_at_col": ("记录时间（北京时间）", "Known at (Beijing time)"),
    "chain_link": ("哈希链", "Hash-chain link"),
    "event_hash": ("事件哈希", "event hash"),
    "unsealed": ("尚未封存", "not sealed yet"),
    "issued_by": ("签发人", "issued by"),
    "verify_against": ("对照检查点校验", "Verify against a kept checkpoint"),
    "checkpoint_position": ("检查点位置", "Checkpoint position"),
    "checkpoint_hash": ("检查点链哈希", "Checkpoint chain hash"),
    "placements": ("转移就业人数", "Placements"),
    "cross_region": ("其中跨区域", "of which cross-region"),
    "two_after": ("两后生培训人数", "Two-after students"),
    "target": ("目标", "Target"),
    "achieved": ("完成", "Achieved"),
    "window": ("政策期", "Policy window"),
    "by_prefecture": ("各市州", "By prefecture"),
    "counties": ("各县市区", "By county"),
    "error": ("出错了", "Something is wrong"),
    "forbidden": ("无权查看", "Not allowed"),
    "not_found": ("未找到", "Not found"),
    "skip": ("跳到正文", "Skip to content"),
    "main_nav": ("主导航", "Main navigation"),
    "chart_table": ("图表数据", "The chart's figures"),
    # Reconciliations, imports and the statement's downloads (api/console/reconciliations.py,
    # imports.py, statement.py).
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "reconciliations": ("对账", "Reconciliations"),
    "reconciliation_reports": ("对账报告", "Reconciliation reports"),
    "reconcile_upload": ("上传国库支付明细", "Upload the treasury's file"),
    "treasury_file": ("国库文件（CSV 或 XLSX）", "Treasury file (CSV or XLSX)"),
    "period": ("期间", "Period"),
    "date_tolerance": ("日期容差（天）", "Date tolerance (days)"),
    "upload": ("上传", "Upload"),
    "reconcile_hint": (
        "期间填 YYYY（年度）或 YYYY-MM（月份）；日期容差 0–31 天，默认 3 天。",
        "Period: YYYY (a year) or YYYY-MM (a month); date tolerance 0–31 days, 3 by default.",
    ),
    "reconcile_role": (
        "只有财务人员可以上传国库文件进行对账。",
        "Only finance staff may upload the treasury's file to reconcile.",
    ),
    "no_reconciliations": ("范围内还没有对账报告。", "No reconciliation in scope yet."),
    "file_refused": ("文件未被接受", "The file was refused"),
    "row": ("行号", "Row"),
    "column": ("列", "Column"),
    "cause": ("原因", "Reason"),
    "file_name": ("文件名", "File name"),
    "differences": ("差异", "Differences"),
    "to_check": ("项待核对", "to check"),
    "report": ("对账报告", "Reconciliation report"),
    "totals": ("汇总", "Totals"),
    "treasury_lines": ("国库行数", "Treasury lines"),
    "ledger_entries": ("账上笔数", "Ledger entries"),
    "treasury_total": ("国库合计", "Treasury total"),
    "ledger_total": ("账上合计", "Ledger total"),
    "report_lines": ("逐笔对账结果", "Line by line"),
    "report_hint": (
        "有差异的行标有“⚠”和差异类型；国库有、账上无的行列出最接近的账上候选记录。",
        "Lines that differ are marked ⚠ with the kind of difference; a treasury line found"
        " nowhere in the ledger shows its nearest candidate entry.",
    ),
    "treasury_side": ("国库文件", "Treasury's file"),
    "ledger_side": ("账上记录 / 最接近的候选", "Ledger entry / nearest candidate"),
    "nearest": ("最接近的候选", "Nearest candidate"),
    "none_side": ("（无）", "(none)"),
    "voucher": ("凭证号", "Voucher"),
    "ledger_reference": ("账上编号", "Ledger reference"),
    "show_all": ("全部", "All lines"),
    "show_differences": ("只看差异", "Differences only"),
    "date_slip": ("日期差（天）", "Date slip (days)"),
    "amount_difference": ("金额差", "Amount difference"),
    "rec_matched": ("已匹配", "Matched"),
    "rec_date_mismatch": ("日期不符", "Date mismatch"),
    "rec_amount_mismatch": ("金额不符", "Amount mismatch"),
    "rec_payee_mismatch": ("收款人不符", "Payee mismatch"),
    "rec_unmatched_treasury": ("国库有、账上无", "Treasury only, not in the ledger"),
    "rec_unmatched_ledger": ("账上有、国库无", "Ledger only, not in the treasury's file"),
    "by_voucher": ("按凭证号", "by voucher"),
    "by_id_number": ("按身份证号", "by ID number"),
    "by_credit_code": ("按统一社会信用代码", "by credit code"),
    "by_payee_id": ("按收款人编号", "by payee id"),
    "by_name": ("按收款人名称", "by payee name"),
    "imports": ("导入", "Imports"),
    "import_upload": ("上传摸查表", "Upload a survey form"),
    "survey_file": ("摸查表（CSV 或 XLSX）", "Survey form (CSV or XLSX)"),
    "template": ("下载空白摸查表（XLSX）", "Download the blank form (XLSX)"),
    "import_hint": (
        "上传后在后台逐批导入；本页会显示进度和未通过的行。",
        "The form is imported in the background; its page shows the progress and the refused rows.",
    ),
    "import_role": ("只有经办员可以上传摸查表。", "Only clerks may upload a survey form."),
    "import_jobs": ("导入记录", "Imports in scope"),
    "no_imports": ("范围内还没有导入。", "No import in scope yet."),
    "import_job": ("导入", "Import"),
    "submitted": ("提交时间", "Submitted"),
    "rows": ("行", "rows"),
    "done_rows": ("已处理", "Done"),
    "progress": ("进度", "Progress"),
    "job_queued": ("排队中", "Queued"),
    "job_running": ("导入中", "Running"),
    "job_done": ("已完成", "Done"),
    "job_failed": ("失败", "Failed"),
    "failed_reason": ("失败原因", "Why it failed"),
    "recorded": ("已导入", "Recorded"),
    "already_recorded": ("此前已导入", "Already recorded"),
    "rejected": ("未通过", "Refused"),
    "row_report": ("未通过的行（按摸查表的列）", "Refused rows, by the form's own columns"),
    "rows_cut": (
        "此处只列出前几行，完整报告请下载；列出行数：",
        "Download the report for every row; rows listed here:",
    ),
    "no_bad_rows": ("所有行均已通过。", "Every row passed."),
    # Organisations, payments, approvals, period close (console-lists).
    "organisations": ("单位", "Organisations"),
    "approvals": ("支付审核", "Approvals"),
    "period_close": ("结账状态", "Period close"),
    "filter": ("筛选", "Filter"),
    "any": ("不限", "Any"),
    "no_items": ("没有符合条件的记录。", "Nothing matches."),
    "first_page": ("第一页", "First page"),
    "division_hint": (
        "行政区划代码（6 位），含下级；只显示您的范围之内。",
        "A division code (6 digits), with the divisions below it; only within your scope.",
    ),
    "org_name": ("单位名称", "Name"),
    "name_hint": (
        "按登记的完整名称查找（不是前缀）。",
        "The whole name as registered (not a prefix).",
    ),
    "org_id": ("单位编号", "Organisation id"),
    "org_kind": ("单位类型", "Kind"),
    "kind_enterprise": ("企业", "Enterprise"),
    "kind_agency": ("人力资源服务机构", "Employment agency"),
    "kind_training_institution": ("培训机构", "Training institution"),
    "kind_government": ("政府部门", "Government"),
    "credit_code": ("统一社会信用代码", "Credit code"),
    "base_designated_on": ("扶贫车间/基地认定日期", "Designated a base on"),
    "payments_received": ("收到的补贴", "Payments received"),
    "all_payments": ("在补贴发放中查看全部", "All its payments"),
    "more_payments": ("此处只列出最早的 {n} 笔", "only the earliest {n} are listed here"),
    "placements_of": ("就业安置", "Placements"),
    "more_placements": ("此处只列出最早的 {n} 项", "only the earliest {n} are listed here"),
    "placement_id": ("安置编号", "Placement id"),
    "role_in": ("身份", "As"),
    "as_employer": ("用工单位", "employer"),
    "as_agency": ("中介机构", "agency"),
    "started_on": ("开始日期", "Started on"),
    "ended_on": ("结束日期", "Ended on"),
    "work_division": ("就业地", "Work division"),
    "payment_id": ("支付编号", "Payment id"),
    "payee_id": ("收款方编号", "Payee id"),
    "paid_from": ("支付日期自", "Paid from"),
    "paid_to": ("支付日期至", "Paid to"),
    "reversed_filter": ("是否冲回", "Reversed"),
    "only_reversed": ("已冲回", "Reversed only"),
    "not_reversed": ("未冲回", "Not reversed"),
    "paid_status": ("已支付", "paid"),
    "funding_rule": ("资金规则", "funding rule"),
    "earned_on": ("享受日期", "Earned on"),
    "basis": ("依据", "Basis"),
    "reversal_id": ("冲回编号", "Reversal id"),
    "reversed_on": ("冲回日期", "Reversed on"),
    "reason": ("原因", "Reason"),
    "the_request": ("支付申请（经办与审核）", "The payment request (maker and checkers)"),
    "four_eyes_note": (
        "四眼原则：申请人不能审核自己的申请；只有范围内的财务人员可以审核或退回。",
        "Four eyes: nobody approves their own request; only finance of the account's scope"
        " approves or rejects.",
    ),
    "refused": ("未能办理", "Refused"),
    "done_approved": ("已审核通过并支付", "Approved and paid"),
    "done_approved_once": ("已审核（还需另一位审核人）", "Approved (another approver is needed)"),
    "done_rejected": ("已退回", "Rejected"),
    "paying_division": ("付款账户区划", "Paying account's division"),
    "request_id": ("申请编号", "Request id"),
    "request_pending": ("待审核", "Pending"),
    "request_approved": ("已通过", "Approved"),
    "request_rejected": ("已退回", "Rejected"),
    "request_withdrawn": ("已撤回", "Withdrawn"),
    "request_all": ("全部", "All"),
    "requested_by": ("经办人", "Requested by"),
    "approved_by": ("审核人", "Approved by"),
    "decision": ("审核", "Decision"),
    "approve": ("审核通过", "Approve"),
    "reject": ("退回", "Reject"),
    "paid_on_approval": ("支付日期", "Pay on"),
    "adjustment_reason": ("结账期调整原因（可选）", "Closed-period adjustment reason (optional)"),
    "reject_reason": ("退回原因", "Reason for rejecting"),
    "own_request": (
        "您经办或已审核的申请，须由另一位财务人员审核。",
        "You made or already approved this request: another finance officer must decide it.",
    ),
    "awaits_checker": ("等待财务审核", "Awaits a finance checker"),
    "period_close_note": (
        "结账后，该账户在结账日及以前的日期不再记账（R23），财务人员附原因的调整除外。",
        "Once a period is closed, nothing dated in it or before it is recorded against the"
        " account (R23), except a reasoned adjustment by finance.",
    ),
    "closed_through": ("已结账至", "Closed through"),
    "not_closed": ("未结账", "Not closed"),
    "periods_closed": ("已结账期间", "Periods closed"),
    "closed_on": ("结账日", "closed on"),
    "closing_balance": ("结账余额", "balance"),
    "only_closed": ("只看已结账的账户", "Only accounts with a closed period"),
}

ROLES = {
    "clerk": ("经办员", "clerk"),
    "finance": ("财务", "finance"),
    "auditor": ("审计员", "auditor"),
    "admin": ("管理员", "admin"),
}

SOURCE_NAMES_EN = {
    "employment_fund": "Employment subsidy fund",
    "unemployment_insurance_fund": "Unemployment insurance fund",
    "local_treasury": "Local treasury",
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def role_name(role: str, lang: str) -> str:
    zh, en = ROLES.get(role, (role, role))
    return en if lang == "en" else zh


def source_name(source: str, lang: str) -> str:
    if lang == "en":
        return SOURCE_NAMES_EN.get(source, source)
    return NAMES.get(source, source)


def division_name(code: str | None) -> str:
    """`芙蓉区 430102`; the code alone when it is not a known division."""
    if code is None:
        return ""
    return f"{divisions.name(code)} {code}" if divisions.is_known(code) else code


def yuan(amount: str | Decimal | int | None) -> str:
    """`¥1,234.56`, `-¥20.00`; blank for nothing. Amounts arrive as decimal strings."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return str(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def beijing_time(instant: str | None) -> str:
    """An ISO instant as Beijing's clocks showed it: `2026-11-29 22:05:03`."""
    if not instant:
        return ""
    try:
        parsed = datetime.fromisoformat(instant)
    except ValueError:
        return instant
    return beijing(parsed).strftime("%Y-%m-%d %H:%M:%S")
