"""Why a form row was refused, in the clerk's language first: `中文（English）`.

The parsers and the ledger say why in English (domain.values, the policy); a county clerk
reads Chinese. Each English reason is matched against the patterns below, most specific
first, and given its Chinese sentence; the English stays beside it, whole, so nothing the
parser knew (the expected check digit, the row repeated) is lost, and a reason no pattern
knows still reads `数据无效（…）` rather than nothing."""

from __future__ import annotations

import re

# (pattern on the English reason, Chinese sentence; {0}… are the pattern's groups).
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"^should not be empty", "不能为空"),
        (r"^check digit should be (\S+), not (\S+)", "校验位应为 {0}，不是 {1}"),
        (r"^should be 18 characters", "应为18位"),
        (
            r"^birth date (\d+) \(characters 7–14\) is not a real date",
            "第7–14位的出生日期 {0} 不存在",
        ),
        (r"^should be a date", "日期无法识别，请写成 2017-09-01、2017/9/1 或 2017年9月1日"),
        (r"is not a real date", "日期不存在"),
        (r"has no month", "月份不存在"),
        (r"lies outside the years", "年份超出范围"),
        (r"^should be a 6-digit division code", "应为6位行政区划代码"),
        (r"is not a known division code", "不是有效的行政区划代码"),
        (r"is not a division of Hunan", "不是湖南省的行政区划代码"),
        (r"lies outside the token's scope", "不在本账号的管辖范围内"),
        (r"registered outside the token's scope", "此人已在本账号管辖范围以外登记"),
        (r"^repeats row (\d+)", "与第 {0} 行重复（同一人、同一摸查日期）"),
        (r"^should be 已就业 or 未就业", "应填“已就业”或“未就业”"),
        (r"^should be 是 or 否", "应填“是”或“否”"),
        (r"^is required for the unemployed", "未就业人员必须填写就业意愿（是/否）"),
        (r"^is required", "必须填写"),
        (r"^should be at most (\d+) characters", "不能超过 {0} 个字符"),
        (r"^should contain only letters, digits", "只能包含字母、数字和 _ . : -"),
        (r"^should be 17 ASCII digits", "应为17位半角数字加一位数字或大写X"),
        (r"already registered|already used|another worker", "已登记过，与现有记录冲突"),
        (r"^R\d+", "不符合政策规定"),
    )
)
UNKNOWN = "数据无效"


def chinese(reason: str) -> str:
    """The Chinese sentence for an English reason (UNKNOWN when no pattern knows it)."""
    for pattern, sentence in _PATTERNS:
        match = pattern.search(reason)
        if match is not None:
            return sentence.format(*match.groups())
    return UNKNOWN


def bilingual(field: str, reason: str) -> str:
    """`中文（English）`: the field's English name leads the English reason."""
    return f"{chinese(reason)}（{field} {reason}）"
