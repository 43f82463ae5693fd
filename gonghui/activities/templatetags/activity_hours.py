"""Certified activity hours on a person's record: ``{% member_activity_hours member %}`` on the
officers' member page, ``{% my_activity_hours user %}`` on the member's 我的 page. A template
tag, so the members and portal pages show them without importing the activities app."""

from django import template
from django.db.models import Sum

from gonghui.activities.checkin import selectors

register = template.Library()
SHOWN = 20


def _context(attendances) -> dict:
    """The latest SHOWN activities and the total of all of them."""
    total = attendances.aggregate(total=Sum("minutes"))["total"] or 0
    return {"rows": list(attendances[:SHOWN]), "total_hours": f"{total / 60:.1f}"}


@register.inclusion_tag("activities/checkin/_hours.html")
def member_activity_hours(member):
    return _context(selectors.hours_of_member(member))


@register.inclusion_tag("activities/checkin/_hours.html")
def my_activity_hours(user):
    return _context(selectors.hours_of_user(user))
