from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from gonghui.core.channels.templates import MessageTemplate

# Labels whose English is shared with other apps but whose Chinese differs here (a request is
# 受理, not 采纳; a transfer of a request is 转办, not a membership 转会) carry the context
# "rights".


class Channel(models.TextChoices):
    APP = "app", _("App or website")
    PHONE = "phone", _("Phone (12351)")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit in person")


class Category(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")
    HELP = "help", _("Request for help")
    SUGGESTION = "suggestion", _("Suggestion")
    LEGAL_AID = "legal_aid", _("Legal aid")
    WAGE_ARREARS = "wage_arrears", _("Wage arrears")


class Complexity(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    DIFFICULT = "difficult", _("Difficult")
    COMPLEX = "complex", _("Especially complex")


class RequestStatus(models.TextChoices):
    NEW = "new", _("Waiting to be accepted")
    HANDLING = "handling", _("Being handled")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.HANDLING)


class RoutedBy(models.TextChoices):
    EMPLOYER = "employer", _("Employer's union")
    TERRITORIAL = "territorial", _("Union of the work place")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving union")
    ACCEPTED = "accepted", pgettext_lazy("rights", "Transfer accepted")
    REFUSED = "refused", pgettext_lazy("rights", "Transfer refused")


class EventKind(models.TextChoices):
    FILED = "filed", _("Filed")
    ACCEPTED = "accepted", pgettext_lazy("rights", "Accepted")
    COMPLEXITY = "complexity", _("Time limit changed")
    TRANSFER_ASKED = "transfer_asked", _("Transfer proposed")
    TRANSFER_ACCEPTED = "transfer_accepted", pgettext_lazy("rights", "Transfer accepted")
    TRANSFER_REFUSED = "transfer_refused", pgettext_lazy("rights", "Transfer refused")
    ESCALATED = "escalated", _("Escalated to the union above")
    CLOSED = "closed", _("Replied and closed")
    FOLLOW_UP = "follow_up", _("Follow-up call")
    RATED = "rated", _("Rated by the worker")
    INFORMATION = "information", _("Information added by the worker")
    RECOVERY = "recovery", _("Wages recovered")


class Cause(models.TextChoices):
    CONTRACT = "contract", _("Labour contract")
    INJURY = "injury", _("Work injury")
    WAGES = "wages", _("Wages")
    INSURANCE = "insurance", _("Social insurance")
    REST = "rest", _("Rest and leave")
    OTHER = "other", _("Other")


class AidForm(models.TextChoices):
    MEDIATION = "mediation", _("Negotiation or mediation")
    DOCUMENTS = "documents", _("Drafting documents")
    ARBITRATION = "arbitration", _("Representation in arbitration")
    LITIGATION = "litigation", _("Representation in court")


class Outcome(models.TextChoices):
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    SETTLED = "settled", _("Settled")
    WITHDRAWN = "withdrawn", pgettext_lazy("rights", "Withdrawn")


class NeedSource(models.TextChoices):
    REQUEST = "request", _("From a request")
    MEETING = "meeting", _("From a meeting")


class NeedStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class AuditAction(models.TextChoices):
    """Every audit code the rights app writes, with the name officers read on the audit page
    (named by RightsConfig.audit_actions)."""

    REQUEST_FILED = "rights.request.filed", _("Request filed")
    REQUEST_ACCEPTED = "rights.request.accepted", _("Request accepted for handling")
    REQUEST_COMPLEXITY = "rights.request.complexity", _("Request complexity and time limit changed")
    REQUEST_TRANSFER_ASKED = "rights.request.transfer_asked", _("Request transfer proposed")
    REQUEST_TRANSFER_ACCEPTED = "rights.request.transfer_accepted", _("Request transfer accepted")
    REQUEST_TRANSFER_REFUSED = "rights.request.transfer_refused", _("Request transfer refused")
    REQUEST_ESCALATED = "rights.request.escalated", _("Request escalated to the union above")
    REQUEST_CLOSED = "rights.request.closed", _("Request replied to and closed")
    REQUEST_FOLLOW_UP = "rights.request.follow_up", _("Request follow-up call recorded")
    REQUEST_RATED = "rights.request.rated", _("Request rated by the worker")
    REQUEST_INFORMATION = "rights.request.information", _("Information added to a request by the worker")
    REQUEST_RECOVERY = "rights.request.recovery", _("Recovered wages recorded")
    REQUEST_ARREARS_WORKER = "rights.request.arrears_worker", _("Worker added to a wage-arrears case")
    LEGAL_AID_OPENED = "rights.legal_aid.opened", _("Legal-aid details recorded")
    LEGAL_AID_EMPLOYMENT_ENDED = "rights.legal_aid.employment_ended", _("End of employment recorded")
    LEGAL_AID_EVIDENCE = "rights.legal_aid.evidence", _("Legal-aid evidence uploaded")
    LEGAL_AID_OUTCOME = "rights.legal_aid.outcome", _("Legal-aid outcome recorded")
    NEED_CREATED = "rights.need.created", _("Practical need added")
    NEED_PROGRESS = "rights.need.progress", _("Practical need progress updated")
    NEED_RATED = "rights.need.rated", _("Practical need rated by the people")


class NotificationKind(models.TextChoices):
    """Every notification kind the rights app sends, with the name people read in their inbox
    (named by the AppConfig's ``notification_kinds``)."""

    REQUEST_ACCEPTED = "request.accepted", _("Request accepted")
    REQUEST_TRANSFERRED = "request.transferred", _("Request passed to another union")
    # Replying and closing are one step (services.requests.request_close): one notification
    # carries the reply and the link to rate it.
    REQUEST_CLOSED = "request.closed", _("Request answered and closed")
    # An automatic escalation (services.requests.escalate_overdue) tells both sides.
    REQUEST_OVERDUE = "request.overdue", _("Request overdue: passed to the union above")
    REQUEST_ESCALATED = "request.escalated", _("Overdue request escalated to your union")
    # To the handling officers the day before the deadline (services.requests.warn_due_soon).
    REQUEST_DUE_SOON = "request.due_soon", _("Request due on the next working day")


# The SMS/e-mail copy of each kind (docs/ops/messages.md): the providers approve this fixed text
# and refuse long free text in a variable, so the parameters are short values and the link.
NOTIFICATION_MESSAGES = (
    MessageTemplate(
        kind=NotificationKind.REQUEST_ACCEPTED,
        subject=gettext_noop("Request accepted"),
        text=gettext_noop(
            "Your request %(number)s is accepted. A reply is due by %(due)s. Details: %(link)s"
        ),
        params=("number", "due", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.REQUEST_TRANSFERRED,
        subject=gettext_noop("Request passed to another union"),
        text=gettext_noop(
            "Your request %(number)s has been passed to another union. A reply is due by %(due)s. Details: %(link)s"
        ),
        params=("number", "due", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.REQUEST_CLOSED,
        subject=gettext_noop("Request answered and closed"),
        text=gettext_noop(
            "Your request %(number)s is answered and closed. Read the reply and rate it: %(link)s"
        ),
        params=("number", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.REQUEST_OVERDUE,
        subject=gettext_noop("Request overdue: passed to the union above"),
        text=gettext_noop(
            "Your request %(number)s was not answered in time and has gone to the union above. Details: %(link)s"
        ),
        params=("number", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.REQUEST_ESCALATED,
        subject=gettext_noop("Overdue request escalated to your union"),
        text=gettext_noop("Overdue request %(number)s (due %(due)s) is now in your queue: %(link)s"),
        params=("number", "due", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.REQUEST_DUE_SOON,
        subject=gettext_noop("Request due on the next working day"),
        text=gettext_noop("Request %(number)s is due on %(due)s and not answered yet: %(link)s"),
        params=("number", "due", "link"),
    ),
)
