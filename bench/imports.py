"""Survey import throughput (issue 12 §4): a county's form with title rows and 2017/9/1
dates, `ROWS` people, imported (1) here and now as `jobaid import surveys` does and (2) as
a job (stored, its file sealed, run by the runner chunk by chunk with its progress
written), each on a fresh database of each store. Prints rows/s.

    .venv/bin/python -m bench.imports [ROWS] [sqlite|postgres …]
"""

from __future__ import annotations

import csv
import io
import sys
import time

from adapters.settings import Settings
from bench.stores import PII_KEY, STORES, fresh_database
from domain import divisions
from domain.id_numbers import id_check_char
from service.import_jobs import ImportJobs
from service.imports import import_surveys
from service.ledger import Ledger
from service.tokens import issue_token

HOME = "430102"
HEADER = ["姓名", "身份证号", "户籍所在地代码", "摸查日期", "摸查人", "就业状态", "就业意愿",
          "就业服务需求", "就业地点代码", "就业单位名称", "联系方式"]  # fmt: skip


def form(rows: int) -> bytes:
    """A form of `rows` distinct people of 芙蓉区 below the provincial form's title rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([["湖南省农村贫困劳动力就业信息表"], ["填报单位：长沙市芙蓉区人社局"], HEADER])
    assert divisions.is_hunan(HOME)
    for n in range(rows):
        first17 = f"{HOME}{1960 + n % 40}{1 + n // 40 % 12:02d}{1 + n // 480 % 28:02d}{n % 1000:03d}"[:17]  # fmt: skip
        employed = n % 2 == 0
        writer.writerow([f"劳动力{n}", first17 + id_check_char(first17), HOME, "2017/9/1", "李四",
                         "已就业" if employed else "未就业", "是", "技能培训、岗位信息",
                         "440106" if employed else "", "某某公司" if employed else "",
                         "0731-1234567" if employed else ""])  # fmt: skip
    return out.getvalue().encode("gb18030")


def run(store: str, rows: int) -> None:
    content = form(rows)
    for way in ("synchronous", "job"):
        with fresh_database(store) as url:
            ledger = Ledger(Settings(database_url=url, pii_key=PII_KEY))
            try:
                started = time.perf_counter()
                recorded = _import(ledger, content, way)
                seconds = time.perf_counter() - started
            finally:
                ledger.close()
        assert recorded == rows, f"{recorded} of {rows} recorded"
        print(f"{store:8} {way:11} {rows} rows in {seconds:6.1f} s: {rows / seconds:6.0f} rows/s")


def _import(ledger: Ledger, content: bytes, way: str) -> int:
    if way == "synchronous":
        return import_surveys(ledger, content, "bench").recorded
    access = issue_token(ledger, "clerk", HOME, "clerk.bench", "bench").principal
    jobs = ImportJobs(ledger)
    job = jobs.submit(content, access)
    while jobs.runner.run_next():
        pass
    done = jobs.store.get(job["import_id"])
    assert done is not None and done.status == "done", done
    return done.recorded


def main(argv: list[str]) -> None:
    rows = int(argv[0]) if argv else 5000
    for store in argv[1:] or STORES:
        run(store, rows)


if __name__ == "__main__":
    main(sys.argv[1:])
