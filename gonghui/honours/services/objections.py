"""Objections (异议) to a list on public notice: anyone may send one from the notice page
while the notice runs; supervision (``supervise`` on the organiser) investigates and upholds
or dismisses it with a reply."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit, crypto, inputs, workdays
from gonghui.core.inputs import InputCode, field_error
from gonghui.core.validation import FieldErrors
from gonghui.core.validators import mask_phone, normalise_mobile, validate_mobile, validate_person_name
from gonghui.honours import permissions
from gonghui.honours.choices import NomineeStatus, NotificationKind, ObjectionStatus
from gonghui.honours.models import NominationList, Nominee, Objection
from gonghui.notifications.services import notify

DECIDE_WITHIN = 5  # working days for supervision to decide an objection
MAX_TEXT = 2000
MAX_CONTACT = 60


def mask_contact(contact: str) -> str:
    """A mobile number as 138****5678; anything else (a mail address, a landline) keeps its
    first two and last two characters."""
    mobile = normalise_mobile(contact)
    if mobile.isdigit() and len(mobile) == 11:
        return mask_phone(mobile)
    if len(contact) <= 4:
        return "*" * len(contact)
    return contact[:2] + "*" * min(len(contact) - 4, 20) + contact[-2:]


def _accepted_nominee(nomination_list: NominationList, nominee_id) -> Nominee | None:
    """The accepted nominee of the list with this id; None for any other id, or not an id."""
    try:
        return Nominee.objects.filter(
            nomination_list=nomination_list, status=NomineeStatus.ACCEPTED, pk=nominee_id
        ).first()
    except ValidationError:  # not a UUID
        return None


def objection_submit(
    *, actor, nomination_list: NominationList, contact: str, text: str, name: str = "", nominee_id=None
) -> Objection:
    """Anyone (no login) objects to a list on public notice, optionally naming a nominee.
    Refused outside the notice period (``not_on_notice``). Contact and text are required."""
    errors = FieldErrors()
    try:
        name = validate_person_name(name, required=False)  # objections may be anonymous
    except ValidationError as exc:
        errors.add(exc, field="name")
    contact = errors.read(inputs.text, contact, "contact", max_length=MAX_CONTACT)
    if contact == "":
        errors.add(
            field_error("contact", _("Leave a phone number or address so we can reply."), InputCode.REQUIRED)
        )
    text = errors.read(inputs.text, text, "text", max_length=MAX_TEXT)
    if text == "":
        errors.add(field_error("text", _("Write what the objection is about."), InputCode.REQUIRED))
    nominee = None
    if nominee_id not in (None, ""):
        nominee = _accepted_nominee(nomination_list, nominee_id)
        if nominee is None:
            errors.add(field_error("nominee", _("Choose a nominee from this list."), "nominee_unknown"))
    errors.raise_any()
    with transaction.atomic():
        nl = NominationList.objects.select_for_update().get(pk=nomination_list.pk)
        if not nl.publicity_open():
            raise ValidationError(_("This list is not on public notice now."), code="not_on_notice")
        objection = Objection.objects.create(
            nomination_list=nl,
            nominee=nominee,
            name=name,
            contact_enc=crypto.encrypt(contact),
            contact_masked=mask_contact(contact),
            text=text,
            due_on=workdays.add_working_days(timezone.localdate(), DECIDE_WITHIN),
        )
        audit.record(
            actor=actor,
            action="honours.objection.received",
            obj=objection,
            organisation_id=nl.organiser_id,
            changes={
                "status": [None, "received"],
                "nominee": [None, nominee.display_name if nominee else None],
            },
        )
    return objection


def objection_contact(*, actor, objection: Objection, reason: str) -> str:
    """The clear contact, for supervision to reply; the reason is logged."""
    permissions.require_supervise(actor, objection)
    reason = inputs.text(reason, "reason")
    if not reason:
        raise field_error("reason", _("Give the reason."), InputCode.REQUIRED)
    audit.record(
        actor=actor,
        action="honours.objection.contact_revealed",
        obj=objection,
        organisation_id=objection.nomination_list.organiser_id,
        reason=reason,
    )
    return crypto.decrypt(objection.contact_enc)


_TRANSITIONS = {
    ObjectionStatus.INVESTIGATING: {ObjectionStatus.RECEIVED},
    ObjectionStatus.UPHELD: {ObjectionStatus.RECEIVED, ObjectionStatus.INVESTIGATING},
    ObjectionStatus.DISMISSED: {ObjectionStatus.RECEIVED, ObjectionStatus.INVESTIGATING},
}


def objection_decide(*, actor, objection: Objection, status: str, reply: str = "") -> Objection:
    """Supervision moves an objection on: ``investigating``, then ``upheld`` or ``dismissed``
    with a reply to the objector (required). Needs ``supervise`` on the list's organiser.
    Audited as ``honours.objection.investigating``, ``.upheld`` or ``.dismissed``."""
    permissions.require_supervise(actor, objection)
    status = inputs.choice(status, "status", list(_TRANSITIONS))
    reply = inputs.text(reply, "reply")
    if status != ObjectionStatus.INVESTIGATING and not reply:
        raise field_error("reply", _("Write the reply to the objector."), InputCode.REQUIRED)
    with transaction.atomic():
        o = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("nomination_list")
            .get(pk=objection.pk)
        )
        if o.status not in _TRANSITIONS[status]:
            raise ValidationError(_("This objection has already been decided."), code="already_decided")
        before = o.status
        o.status = status
        if reply:
            o.reply = reply
        if status != ObjectionStatus.INVESTIGATING:
            o.decided_at, o.decided_by = timezone.now(), actor
        o.save(update_fields=["status", "reply", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            action=f"honours.objection.{status}",
            obj=o,
            organisation_id=o.nomination_list.organiser_id,
            changes={"status": [before, status]},
            reason=reply,
        )
        if status != ObjectionStatus.INVESTIGATING:
            _tell_objector(o)
    return o


def _tell_objector(objection: Objection) -> None:
    """The objector hears the decision when the contact they left is a mobile number (an
    objection is anonymous otherwise: nobody to tell in the app)."""
    try:
        phone = validate_mobile(crypto.decrypt(objection.contact_enc))
    except ValidationError:
        return
    notify(
        kind=NotificationKind.OBJECTION_DECIDED,
        phone=phone,
        title=gettext_lazy("Your objection to %(list)s is decided: %(decision)s"),
        body=gettext_lazy("The reply: %(reply)s"),
        params={
            "list": objection.nomination_list.title,
            "decision": ObjectionStatus(objection.status).label,
            "reply": objection.reply,
        },
        link=reverse("honours:notice", args=[objection.nomination_list_id]),
    )
