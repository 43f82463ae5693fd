"""Working days as Chinese offices count them: public holidays off, make-up Saturdays on
(``chinesecalendar``); plain Monday–Friday for years the package does not cover yet."""

import datetime

import chinese_calendar


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date by which ``days`` working days after ``start`` have passed."""
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current
