"""Who may run an activity's check-in, certify its hours and report on it.

Scanning cards, showing the rotating code and seeing the attendance list need
``manage_activities`` on the organising union (its officers and those of the unions above).
Certifying hours follows 《志愿服务记录与证明出具办法》: 谁组织谁记录，谁记录谁证明 — only an
officer whose role is at the organising union itself certifies (or an operator); an officer of
a union above sees the list but gets 403 on certifying.
"""

from django.core.exceptions import PermissionDenied

from gonghui.organisations import scoping
from gonghui.organisations.scoping import Action


def can_run(user, activity) -> bool:
    return scoping.can_object(user, Action.MANAGE_ACTIVITIES, activity.organisation)


def require_run(user, activity) -> None:
    """404 when the activity's union is out of the user's scope, 403 when it is visible but
    the user may not manage activities there."""
    scoping.require_object(user, Action.MANAGE_ACTIVITIES, activity.organisation)


def can_certify(user, activity) -> bool:
    if not can_run(user, activity):
        return False
    if scoping.is_operator(user):
        return True
    return activity.organisation in scoping.home_organisations(user, Action.MANAGE_ACTIVITIES)


def require_certify(user, activity) -> None:
    """As :func:`require_run`, then 403 unless the user's role is at the organising union."""
    require_run(user, activity)
    if not can_certify(user, activity):
        raise PermissionDenied
