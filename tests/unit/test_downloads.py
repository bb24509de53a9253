"""How a file is asked for and named (CONTRACT "Lists, files and jobs")."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from api.downloads import XLSX, attachment, language, wanted
from domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("format_", "accept", "expected"),
    [
        (None, None, "json"),
        (None, "application/json", "json"),
        (None, "text/csv", "csv"),
        (None, f"{XLSX}, */*;q=0.1", "xlsx"),
        ("csv", XLSX, "csv"),  # the query wins: a browser link cannot set Accept
        ("xlsx", None, "xlsx"),
    ],
)
def test_the_format_comes_from_the_query_then_the_accept_header(
    format_: str | None, accept: str | None, expected: str
) -> None:
    assert wanted(format_, accept) == expected


@pytest.mark.parametrize("bad", ["XLSX", "pdf", "", "csv;"])
def test_an_unknown_format_or_language_is_bad_input(bad: str) -> None:
    with pytest.raises(InvalidInput):
        wanted(bad, None)
    with pytest.raises(InvalidInput):
        language(bad)


def test_a_chinese_file_name_travels_in_filename_star_with_an_ascii_fallback() -> None:
    name = '就业补助资金 "430102" 2018.xlsx'
    header = attachment(name)
    assert header.isascii()
    assert 'filename="______ _430102_ 2018.xlsx"' in header
    # RFC 6266: a browser takes filename* (RFC 8187, UTF-8 percent-encoded) when present.
    assert header.count("filename*=UTF-8''") == 1
    assert unquote(header.split("''", 1)[1]) == name
