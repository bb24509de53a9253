"""Survey import: valid rows recorded, bad rows reported by row, field and reason, nothing
recorded twice on a re-import; Chinese headers, GBK and UTF-8 CSV, and XLSX."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.settings import Settings
from adapters.tables import MAX_FILE_BYTES, MAX_ROWS
from service.imports import CHUNK, import_surveys
from service.ledger import Ledger
from tests import builders as b
from tests.conftest import PII_KEY
from tests.surveys import HEADER, cli, form_rows, to_csv, unique_people
from tests.workbooks import row_bomb


def imports_with_bad_rows_exactly_and_nothing_twice(ledger: Ledger, count: int) -> None:
    rows, bad = form_rows(count, 0.03)
    rows = unique_people(rows)
    report = import_surveys(ledger, to_csv(rows), "clerk-430102")
    expected_bad = sum(bad.values())
    assert report.rows == len(rows)
    assert report.rejected == expected_bad
    assert report.recorded == len(rows) - expected_bad
    fields = {e.field for e in report.errors}
    assert fields == {"id_number", "home_division", "surveyed_on"}
    assert all(e.row >= 2 for e in report.errors)

    again = import_surveys(ledger, to_csv(rows), "clerk-430102")
    assert again.recorded == 0
    assert again.already_recorded == len(rows) - expected_bad


def test_imports_5000_rows_with_3_percent_bad_rows_exactly(ledger: Ledger) -> None:
    """A county's whole form, twenty chunks of CHUNK rows, on SQLite: the import's rules."""
    imports_with_bad_rows_exactly_and_nothing_twice(ledger, 5000)


def test_on_postgresql_a_few_chunks_import_with_bad_rows_exactly_and_nothing_twice(
    postgres_url: str,
) -> None:
    """The 5,000 rows above on PostgreSQL: what a store can change — chunks committed one
    by one, each person's key claimed once, a re-import finding every row already
    recorded — shows in three chunks of CHUNK rows and a part chunk as well as in twenty,
    and every kind of bad row still occurs."""
    ledger = Ledger(Settings(database_url=postgres_url, pii_key=PII_KEY))
    try:
        imports_with_bad_rows_exactly_and_nothing_twice(ledger, 3 * CHUNK + 40)
    finally:
        ledger.close()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_imports_gbk_and_utf8_files_with_chinese_headers(ledger: Ledger, encoding: str) -> None:
    rows, _ = form_rows(20, 0.0)
    report = import_surveys(ledger, to_csv(unique_people(rows), encoding), "clerk")
    assert report.rejected == 0 and report.recorded == len(unique_people(rows))
    worker = ledger.get_worker(_worker_of(ledger, rows[0][1]))
    assert worker.name == "劳动力0"
    assert worker.surveys[0].service_needs == ("技能培训", "岗位信息")


def test_imports_xlsx(ledger: Ledger) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    rows, _ = form_rows(10, 0.0)
    for row in [HEADER, *rows]:
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)
    report = import_surveys(ledger, content.getvalue(), "clerk")
    assert (report.recorded, report.rejected) == (10, 0)


@pytest.mark.both_stores
def test_survey_of_a_person_registered_before_attaches_to_that_worker(ledger: Ledger) -> None:
    number = b.id_number("1990-03-07")
    worker = b.worker(ledger, birth_date="1990-03-07", number=number)
    row = ["张三", number, b.HOME, "2018-03-15", "李四", "未就业", "是", "", "", "", ""]
    report = import_surveys(ledger, to_csv([row]), "clerk")
    assert report.recorded == 1
    assert ledger.get_worker(worker).surveys[0].status == "unemployed"


def test_a_file_without_required_columns_is_refused_whole(ledger: Ledger) -> None:
    from domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match="no header row with columns for"):
        import_surveys(ledger, "姓名,身份证号\n张三,1\n".encode(), "clerk")


def _worker_of(ledger: Ledger, number: str) -> str:
    from adapters.settings import hash_id_number
    from service.imports import _registered_as

    owner = _registered_as(ledger, hash_id_number(ledger.settings.pii_key, number))
    assert owner is not None
    return owner


def test_the_cli_refuses_a_workbook_bomb_naming_the_row_bound(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(row_bomb(tuple(HEADER)))
    assert cli(database_url, monkeypatch, "import", "surveys", str(bomb)) == 2
    assert f"more than {MAX_ROWS} rows" in capsys.readouterr().err


def test_the_cli_refuses_a_file_larger_than_an_upload_without_reading_it(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk or memory spent
    assert cli(database_url, monkeypatch, "import", "surveys", str(huge)) == 2
    assert "larger than 32 MB" in capsys.readouterr().err
