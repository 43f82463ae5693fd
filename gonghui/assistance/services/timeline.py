"""What every write to a file shares: the file locked for the change, a step refused in the
wrong state, one line on the file's timeline (read by the officers and the worker), and the move
of a file from one state to the next with its timeline line and audit entry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.assistance import permissions
from gonghui.assistance.choices import NotificationKind, Step
from gonghui.assistance.models import Household, HouseholdEvent
from gonghui.core import audit, locking
from gonghui.members.services.notices import tell_member


def wrong_state(household: Household) -> ValidationError:
    """The refusal of a step the file's state does not allow (``bad_status``)."""
    return ValidationError(
        _("This step is not possible while the file is %(status)s.")
        % {"status": household.get_status_display()},
        code="bad_status",
    )


def record_event(actor, household: Household, kind: str, before: str, after: str, note: str = "") -> None:
    """One line on the file's timeline: the step (``choices.Step``), the states before and
    after, who took it (``system`` for no one signed in) and a note."""
    assert kind in Step.values, kind  # every timeline line has a label
    authed = actor is not None and actor.is_authenticated
    HouseholdEvent.objects.create(
        household=household,
        kind=kind,
        from_status=before,
        to_status=after,
        actor=actor if authed else None,
        actor_label=actor.get_username() if authed else "system",
        note=note,
    )


def move(
    actor,
    household: Household,
    *,
    expect,
    to: str,
    kind: str,
    note: str = "",
    by_upper: bool = False,
    **changes,
) -> Household:
    """Move the file from one of the states ``expect`` to ``to``, setting ``changes`` on it, as
    step ``kind`` (timeline line and audit code ``assistance.household.<kind>``). The owning
    union's step, or the upper union's with ``by_upper``. Raises PermissionDenied/Http404, or
    ValidationError ``bad_status``; writes nothing then."""
    if by_upper:
        permissions.require_upper_review(actor, household)
    else:
        permissions.require_manage(actor, household)
    with transaction.atomic():
        h = locking.locked(household, "organisation")
        if h.status not in expect:
            raise wrong_state(h)
        before = h.status
        h.status = to
        for name, value in changes.items():
            setattr(h, name, value)
        h.save()
        record_event(actor, h, kind, before, to, note)
        audit.record(
            actor=actor,
            action=f"assistance.household.{kind}",
            obj=h,
            organisation_id=h.organisation_id,
            changes={
                "status": [before, to],
                **{name: [None, value] for name, value in audit.snapshot(h, changes).items()},
            },
            reason=note,
        )
        tell_head(h, kind)
    household.refresh_from_db()
    return h


def tell_head(household: Household, step: str) -> None:
    """The head of the household hears each step of their file (in their inbox and by SMS)."""
    tell_member(
        household.head,
        kind=NotificationKind.FILE_STEP,
        title=gettext_lazy("Your hardship file %(file_no)s: %(step)s"),
        body=gettext_lazy("Your hardship assistance file at %(union)s moved on: %(step)s."),
        params={"file_no": household.file_no, "step": Step(step).label, "union": household.organisation.name},
        link=reverse("assistance:apply"),
    )
