"""`jobaid import template` and `jobaid import surveys` in fresh processes: the template
filled in imports cleanly; progress shows on a terminal's stderr and nowhere else."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from tests.api.test_survey_imports import CONTRACT_HEADERS, county_form

CLI = [sys.executable, "-m", "cli"]


def env_for(database_url: str) -> dict[str, str]:
    return {**os.environ, "JOBAID_DATABASE_URL": database_url, "JOBAID_PII_KEY": "cli-test"}


def filled_template(path: Path, count: int) -> None:
    book = load_workbook(path)
    form = book.worksheets[0]
    for row in county_form(count):
        name, number, home, _, surveyor, status, willing, needs, place, employer, phone = row
        form.append(["", name, number, home, "2016/5/10", "2017/9/1", surveyor, status, willing,
                     needs, place, employer, phone])  # fmt: skip
    book.save(path)


def test_the_cli_template_filled_in_imports_quietly_when_not_on_a_terminal(
    database_url: str, tmp_path: Path
) -> None:
    form = tmp_path / "form.xlsx"
    made = subprocess.run([*CLI, "import", "template", "--output", str(form)],
                          env=env_for(database_url), cwd=tmp_path, capture_output=True, timeout=60)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert [c.value for c in load_workbook(form).worksheets[0][1]] == CONTRACT_HEADERS
    filled_template(form, 300)
    done = subprocess.run([*CLI, "import", "surveys", str(form)], env=env_for(database_url),
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["rows"], report["recorded"], report["rejected"]) == (300, 300, 0)
    assert done.stderr == ""  # stderr is a pipe: no progress bar, no escape codes


def test_the_cli_import_shows_progress_on_a_terminal(database_url: str, tmp_path: Path) -> None:
    form = tmp_path / "form.csv"
    header = "姓名,身份证号,户籍所在地代码,摸查日期,摸查人,就业状态,就业意愿,就业服务需求,就业地点代码,就业单位名称,联系方式\n"  # fmt: skip
    form.write_text(header + "".join(",".join(row) + "\n" for row in county_form(300)))
    controller, terminal = pty.openpty()
    with subprocess.Popen([*CLI, "import", "surveys", str(form)], env=env_for(database_url),
                          cwd=tmp_path, stdout=subprocess.PIPE, stderr=terminal) as process:  # fmt: skip
        os.close(terminal)
        shown = io.BytesIO()
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown.write(chunk)
        stdout = process.stdout.read() if process.stdout else b""
    os.close(controller)
    assert process.returncode == 0
    assert json.loads(stdout)["recorded"] == 300
    assert b"import form.csv" in shown.getvalue() and b"300/300" in shown.getvalue()
