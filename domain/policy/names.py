"""The subsidies' names as the policy writes them (POLICY "Subsidies, their amounts and
who pays them"), in Chinese and in English: what a statement's 摘要 says a payment was for."""

from __future__ import annotations

RULE_NAMES: dict[str, tuple[str, str]] = {
    "R7": ("就业创业服务补贴", "job-introduction service subsidy"),
    "R8": ("就业技能培训补贴", "employment skills training subsidy"),
    "R9": ("岗位技能提升培训补贴", "skill upgrade training subsidy"),
    "R10": ("生活费补贴", "training living allowance"),
    "R12": ("一次性交通补助", "one-off transport subsidy"),
    "R13": ("岗位补贴", "post subsidy"),
    "R14": ("社会保险补贴", "social insurance subsidy"),
    "R15": ("专项奖补", "training pilot award"),
    "R16": ("爱心单位以奖代补", "model unit award"),
    "R17": ("创业担保贷款贴息", "business guarantee loan interest subsidy"),
}


def rule_name(rule: str | None, lang: str = "zh") -> str:
    """The subsidy a rule pays, in Chinese (or English for `lang="en"`); the rule's id
    itself for one this table does not know."""
    names = RULE_NAMES.get(rule or "")
    if names is None:
        return rule or ""
    return names[1] if lang == "en" else names[0]


def line_summary(kind: str, rule: str | None, note: str | None, lang: str = "zh") -> str:
    """A statement line's 摘要: 拨款 and the appropriation's 文号, the subsidy a payment
    paid, 冲回 with the subsidy and the reason a payment was reversed."""
    english = lang == "en"
    if kind == "appropriation":
        said = "appropriation" if english else "拨款"
        return f"{said} {note}" if note else said
    if kind == "reversal":
        said = f"reversal of {rule_name(rule, lang)}" if english else f"冲回 {rule_name(rule)}"
        return f"{said}{': ' if english else '：'}{note}" if note else said
    return rule_name(rule, lang)
