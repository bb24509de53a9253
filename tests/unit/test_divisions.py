"""Unit tests of the GB/T 2260 division lists (domain.divisions)."""

from __future__ import annotations

import pytest

from domain import divisions


def test_a_hunan_county_knows_its_level_parent_and_name() -> None:
    assert divisions.is_known("430102")
    assert divisions.is_hunan("430102")
    assert divisions.level("430102") == "county"
    assert divisions.parent("430102") == "430100"
    assert divisions.name("430102") == "芙蓉区"


def test_a_division_outside_hunan_is_known_nationally_but_not_hunan() -> None:
    assert divisions.is_known("110101")
    assert not divisions.is_hunan("110101")


def test_an_unknown_code_is_neither_known_nor_hunan() -> None:
    assert not divisions.is_known("999999")
    assert not divisions.is_hunan("999999")
    with pytest.raises(KeyError):
        divisions.level("999999")


def test_ancestors_run_from_parent_up_to_the_province() -> None:
    assert divisions.ancestors("430102") == ("430100", divisions.PROVINCE)
    assert divisions.ancestors("430100") == (divisions.PROVINCE,)
    assert divisions.ancestors(divisions.PROVINCE) == ()
    assert divisions.parent(divisions.PROVINCE) is None


def test_contains_is_true_for_itself_and_its_ancestors_only() -> None:
    assert divisions.contains("430000", "430102")
    assert divisions.contains("430100", "430102")
    assert divisions.contains("430102", "430102")
    assert not divisions.contains("430102", "430100")
    assert not divisions.contains("430200", "430102")
    assert not divisions.contains("110000", "430102")
    assert not divisions.contains("430000", "999999")


def test_prefecture_of_finds_the_prefecture_level_division() -> None:
    assert divisions.prefecture_of("430102") == "430100"
    assert divisions.prefecture_of("430100") == "430100"
    assert divisions.prefecture_of("430000") is None


def test_hunan_has_14_prefectures_and_122_counties_in_use() -> None:
    prefectures = divisions.hunan_prefectures()
    counties = divisions.hunan_counties()
    assert len(prefectures) == 14
    assert len(counties) == 122
    assert all(divisions.level(c) == "county" and divisions.is_hunan(c) for c in counties)
    assert all(divisions.prefecture_of(c) in prefectures for c in counties)


def test_retired_codes_are_known_but_listed_only_on_request() -> None:
    # 宁乡县 430124 became 宁乡市 430182; facts dated before the change may carry the old code.
    assert divisions.is_hunan("430124")
    assert not divisions.is_current("430124")
    assert "430124" not in divisions.hunan_counties()
    assert "430124" in divisions.hunan_counties(include_retired=True)
    assert "430182" in divisions.hunan_counties()


def test_R4_a_retired_code_and_its_successor_are_the_same_place() -> None:
    # shared/data/successors.csv: 宁乡县 430124 → 宁乡市 430182, 株洲县 430221 → 渌口区 430212, …
    assert divisions.canonical_place("430124") == "430182"
    assert divisions.canonical_place("430221") == "430212"
    assert divisions.canonical_place("430182") == "430182"
    assert divisions.canonical_place("430102") == "430102"
    assert divisions.contains("430182", "430124")  # work in the successor, home the retired code
    assert divisions.contains("430124", "430182")  # and the other way round
    assert not divisions.contains("430124", "430102")


def test_R4_a_retired_county_stays_inside_its_prefecture_and_province() -> None:
    assert divisions.parent("430124") == "430100"
    assert divisions.contains("430100", "430124")
    assert divisions.contains(divisions.PROVINCE, "430124")
    assert not divisions.contains("430124", "430100")
    assert not divisions.contains("430200", "430124")
