import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core import pagination, workdays


def test_national_day_holiday_is_skipped():
    # 2026-09-30 (Wed) + 1 working day: 1–7 October are the National Day holiday.
    assert workdays.add_working_days(datetime.date(2026, 9, 30), 1) == datetime.date(2026, 10, 8)


def test_plain_week_when_the_calendar_has_no_data():
    assert workdays.add_working_days(datetime.date(2031, 3, 7), 1) == datetime.date(2031, 3, 10)  # Fri → Mon


def test_fifteen_working_days_is_three_weeks_in_a_quiet_month():
    assert workdays.add_working_days(datetime.date(2026, 11, 2), 15) == datetime.date(2026, 11, 23)


def test_pagination_bounds():
    assert pagination.parse(None, None) == pagination.PageRequest(1, 20)
    assert pagination.parse("2", "100").offset == 100
    for page, size in [(0, 20), (1, 0), (1, 101), ("x", 20)]:
        with pytest.raises(ValidationError):
            pagination.parse(page, size)
