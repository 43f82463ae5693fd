"""The calendar of a hardship file: the periodic review every six months, the six calendar
months that decide 脱困, and the five working days of public notice (docs/modules/assistance.md)."""

import datetime

from gonghui.core import workdays

REVIEW_MONTHS = 6
LEAVE_MONTHS = 6
NOTICE_WORKING_DAYS = 5
# A notice may have been posted already (a start in the past) but not planned more than a year
# ahead; this also keeps the working-day count below date.max.
NOTICE_MAX_DAYS_AHEAD = 366


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, min(d, day.day))
        except ValueError:
            continue
    raise AssertionError


def next_review_on(on: datetime.date) -> datetime.date:
    """When a file filed or reviewed on ``on`` is reviewed next."""
    return add_months(on, REVIEW_MONTHS)


def leave_window(on: datetime.date) -> list[datetime.date]:
    """The six calendar months (first days, oldest first) that end with the month before ``on``."""
    first = on.replace(day=1)
    return [add_months(first, -i) for i in range(LEAVE_MONTHS, 0, -1)]


def latest_notice_start(today: datetime.date) -> datetime.date:
    """The latest day a public notice may start, counted from ``today``."""
    return today + datetime.timedelta(days=NOTICE_MAX_DAYS_AHEAD)


def notice_until(start: datetime.date) -> datetime.date:
    """The last day of a public notice starting on ``start``: five working days, the start
    counted when it is a working day."""
    if workdays.is_workday(start):
        return workdays.add_working_days(start, NOTICE_WORKING_DAYS - 1)
    return workdays.add_working_days(start, NOTICE_WORKING_DAYS)
