import datetime as dt

import pytest

from dprk_ld.curation.dates import Date, Period, parse_date


@pytest.mark.parametrize(
    ("raw", "lexical", "precision"),
    [
        ("2024", "2024", "year"),
        (2024, "2024", "year"),
        ("2024-07", "2024-07", "month"),
        ("2024-07-28", "2024-07-28", "day"),
        (dt.date(2020, 9, 22), "2020-09-22", "day"),
    ],
)
def test_dates_keep_their_precision(raw: object, lexical: str, precision: str) -> None:
    d = parse_date(raw)
    assert d.lexical == lexical
    assert d.precision == precision


@pytest.mark.parametrize(
    "raw", ["2024-13", "2024-02-30", "July 2024", "24", "2024/07", "", None, True, 3.5, "1850"]
)
def test_bad_dates_are_refused(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


def test_month_bounds_and_period_years() -> None:
    assert Date("2024-02").last_day == dt.date(2024, 2, 29)
    assert Date("2023-12").last_day == dt.date(2023, 12, 31)
    assert Period(Date("2019"), Date("2021-06")).years() == [2019, 2020, 2021]
    assert Period(Date("2023-08-26"), None).years() == [2023]
