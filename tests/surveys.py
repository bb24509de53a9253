"""Survey forms as counties fill them in, for the import tests on every floor: the
header, realistic rows with a known share of bad ones, CSV bytes, and the `jobaid` command
line run in this process."""

from __future__ import annotations

import csv
import io
import random
import tracemalloc

import pytest

from domain import divisions
from domain.values import id_check_char

HEADER = [
    "姓名",
    "身份证号",
    "户籍所在地代码",
    "摸查日期",
    "摸查人",
    "就业状态",
    "就业意愿",
    "就业服务需求",
    "就业地点代码",
    "就业单位名称",
    "联系方式",
]


def form_rows(
    count: int, bad_share: float, seed: int = 7
) -> tuple[list[list[str]], dict[str, int]]:
    """A realistic form: mostly good rows, a share of bad ones of three kinds."""
    rng = random.Random(seed)
    counties = divisions.hunan_counties()
    rows, bad = [], {"check_digit": 0, "county": 0, "date": 0}
    for n in range(count):
        birth = f"{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        county = rng.choice(counties)
        first17 = f"{county}{birth}{n % 1000:03d}"
        number = first17 + id_check_char(first17)
        # Distinct people: vary the region part by row so no two rows share a number.
        employed = n % 2 == 0
        row = [
            f"劳动力{n}",
            number,
            county,
            "2018-03-15",
            "李四",
            "已就业" if employed else "未就业",
            "是",
            "技能培训、岗位信息",
            "440106" if employed else "",
            "某某公司" if employed else "",
            "0731-1234567" if employed else "",
        ]
        if rng.random() < bad_share:
            kind = list(bad)[n % 3]
            bad[kind] += 1
            if kind == "check_digit":
                row[1] = first17 + ("0" if number[-1] != "0" else "1")
            elif kind == "county":
                row[2] = "439999"
            else:
                row[3] = "2018-02-30"
        rows.append(row)
    return rows, bad


def to_csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([HEADER, *rows])
    return text.getvalue().encode(encoding)


def unique_people(rows: list[list[str]]) -> list[list[str]]:
    seen: set[str] = set()
    return [r for r in rows if not (r[1][:17] in seen or seen.add(r[1][:17]))]  # type: ignore[func-returns-value]


def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """`jobaid ARGV…` in this process, on the test's database, its peak memory bounded."""
    from cli.main import main
    from tests.conftest import PII_KEY

    monkeypatch.setenv("JOBAID_DATABASE_URL", database_url)
    monkeypatch.setenv("JOBAID_PII_KEY", PII_KEY.decode())
    tracemalloc.start()
    try:
        status = main(list(argv))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    return status
