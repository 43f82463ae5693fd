"""Choices of the assistance app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gonghui.core.channels.templates import MessageTemplate


class Category(models.TextChoices):
    DEEP = "deep", _("deep hardship")
    RELATIVE = "relative", _("relative hardship")
    ACCIDENT = "accident", _("hardship caused by an accident")
    NONE = "none", _("not eligible")


class EventKind(models.TextChoices):
    ACCIDENT = "accident", _("accident")
    DISASTER = "disaster", _("disaster")
    CRITICAL_ILLNESS = "critical_illness", _("critical illness")


class Status(models.TextChoices):
    APPLIED = "applied", _("applied")
    SCREENED = "screened", _("first check passed")
    VISITED = "visited", _("home visit done")
    REVIEWED = "reviewed", _("approved by the upper union")
    PUBLICISED = "publicised", _("on public notice")
    FILED = "filed", _("filed")
    LEFT = "left", _("out of hardship")
    CLOSED = "closed", _("closed")


class Step(models.TextChoices):
    """What a line of a file's timeline (HouseholdEvent.kind) records."""

    OPENED = "opened", _("application received")
    SCREENED = "screened", _("first check passed")
    REJECTED = "rejected", _("rejected")
    VISITED = "visited", _("home visit recorded")
    REVIEWED = "reviewed", _("approved by the upper union")
    PUBLICISED = "publicised", _("public notice started")
    FILED = "filed", _("filed")
    CLOSED = "closed", _("file closed")
    REOPENED = "reopened", _("file reopened")
    EDITED = "edited", _("household data corrected")
    BACK_TO_REVIEW = "back_to_review", _("sent back to the upper union's review")
    ATTACHMENT = "attachment", _("document attached")
    PAID = "paid", _("payment recorded")
    REVIEWED_PERIODIC = "reviewed_periodic", _("periodic review")
    LEFT = "left", _("out of hardship")


OPEN_STATUSES = (Status.APPLIED, Status.SCREENED, Status.VISITED, Status.REVIEWED, Status.PUBLICISED)


class Source(models.TextChoices):
    APPLICATION = "application", _("application by the worker")
    DISCOVERED = "discovered", _("found by the union on a visit")


class Housing(models.TextChoices):
    OWN = "own", _("own home")
    PUBLIC_RENTAL = "public_rental", _("public rental")
    PRIVATE_RENTAL = "private_rental", _("private rental")
    DORMITORY = "dormitory", _("dormitory")
    OTHER = "other", _("other")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("illness")
    DISABILITY = "disability", _("disability")
    SCHOOLING = "schooling", _("schooling costs")
    UNEMPLOYMENT = "unemployment", _("unemployment")
    LOW_WAGE = "low_wage", _("low wage")
    ACCIDENT = "accident", _("accident")
    DISASTER = "disaster", _("disaster")
    SINGLE_PARENT = "single_parent", _("single parent")
    OTHER = "other", _("other")


class ExpenseKind(models.TextChoices):
    MEDICAL = "medical", _("medical")
    SCHOOLING = "schooling", _("schooling")
    DISABILITY_CARE = "disability_care", _("disability care")
    OTHER = "other", _("other")


class MedicalInsurance(models.TextChoices):
    EMPLOYEE = "employee", _("employee medical insurance")
    RESIDENT = "resident", _("resident medical insurance")
    NONE = "none", _("none")


class Relation(models.TextChoices):
    SELF = "self", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    OTHER = "other", _("other relative")


def relation_rank(relation: str) -> int:
    """Where a person is listed: the head first, then spouse, children, parents, other relatives
    (then by name)."""
    values = Relation.values
    return values.index(relation) if relation in values else len(values)


class Health(models.TextChoices):
    HEALTHY = "healthy", _("healthy")
    CHRONIC = "chronic", _("chronic illness")
    CRITICAL = "critical", _("critical illness")


class Schooling(models.TextChoices):
    NONE = "", _("not at school")
    PRESCHOOL = "preschool", _("preschool")
    COMPULSORY = "compulsory", _("primary or middle school")
    HIGH_SCHOOL = "high_school", _("high school or vocational school")
    HIGHER = "higher", _("college or university")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("employed")
    UNEMPLOYED = "unemployed", _("unemployed")
    RETIRED = "retired", _("retired")
    UNABLE = "unable", _("unable to work")
    STUDENT = "student", _("student")
    CHILD = "child", _("child or infant")


class PaymentKind(models.TextChoices):
    LIVING = "living", _("living assistance")
    SCHOOLING = "schooling", _("schooling assistance")
    CRITICAL_ILLNESS = "critical_illness", _("critical illness assistance")
    TRAINING = "training", _("vocational training")
    JOB_REFERRAL = "job_referral", _("job referral")
    WARMTH = "warmth", _("festival visit (送温暖)")


class AttachmentKind(models.TextChoices):
    INCOME_PROOF = "income_proof", _("proof of income")
    MEDICAL_BILLS = "medical_bills", _("medical bills")
    DISABILITY_CERTIFICATE = "disability_certificate", _("disability certificate")
    CONSENT_FORM = "consent_form", _("signed consent form")
    SCHOOLING_PROOF = "schooling_proof", _("proof of schooling costs")
    EVENT_PROOF = "event_proof", _("proof of the accident, disaster or illness")
    OTHER = "other", _("other")


class AuditAction(models.TextChoices):
    """Every audit code the assistance app writes, with the name officers read on the audit
    page (named by AssistanceConfig.audit_actions). The file's steps are written as
    ``assistance.household.<Step>`` (``services.timeline.move``)."""

    HOUSEHOLD_OPENED = "assistance.household.opened", _("Hardship file opened")
    HOUSEHOLD_SCREENED = "assistance.household.screened", _("Hardship file passed the first check")
    HOUSEHOLD_REJECTED = "assistance.household.rejected", _("Hardship file rejected")
    HOUSEHOLD_VISITED = "assistance.household.visited", _("Hardship home visit recorded")
    HOUSEHOLD_REVIEWED = "assistance.household.reviewed", _("Hardship file approved by the upper union")
    HOUSEHOLD_PUBLICISED = "assistance.household.publicised", _("Hardship file put on public notice")
    HOUSEHOLD_FILED = "assistance.household.filed", _("Hardship file filed")
    HOUSEHOLD_CLOSED = "assistance.household.closed", _("Hardship file closed")
    HOUSEHOLD_REOPENED = "assistance.household.reopened", _("Hardship file reopened")
    HOUSEHOLD_EDITED = "assistance.household.edited", _("Hardship file data corrected")
    HOUSEHOLD_BACK_TO_REVIEW = (
        "assistance.household.back_to_review",
        _("Hardship file sent back to the upper union's review"),
    )
    HOUSEHOLD_REVIEWED_PERIODIC = "assistance.household.reviewed_periodic", _("Hardship file periodic review")
    HOUSEHOLD_LEFT = "assistance.household.left", _("Household out of hardship")
    BANK_CARD_REVEALED = "assistance.household.bank_card_revealed", _("Payout bank card revealed")
    PAYMENT_RECORDED = "assistance.payment.recorded", _("Assistance payment recorded")
    INCOME_RECORDED = "assistance.income.recorded", _("Monthly household income recorded")
    ATTACHMENT_ADDED = "assistance.attachment.added", _("Hardship file document attached")
    ATTACHMENT_DOWNLOADED = "assistance.attachment.downloaded", _("Hardship file document opened")
    ALERT_OPENED = "assistance.alert.opened", _("Return-to-hardship alert raised")
    ALERT_CLOSED = "assistance.alert.closed", _("Return-to-hardship alert closed")
    DIBAO_SET = "assistance.dibao.set", _("低保 standard recorded")


class NotificationKind(models.TextChoices):
    """Every notification kind the assistance app sends, with the name people read in their inbox
    (named by the AppConfig's ``notification_kinds``)."""

    FILE_STEP = "hardship.step", _("Hardship file moved on")


# The SMS/e-mail copy of each kind (docs/ops/messages.md): the providers approve this fixed text
# and refuse long free text in a variable, so the parameters are short values and the link.
NOTIFICATION_MESSAGES = (
    MessageTemplate(
        kind=NotificationKind.FILE_STEP,
        subject=gettext_noop("Hardship file moved on"),
        text=gettext_noop("Your hardship file %(file_no)s moved on: %(step)s. Details: %(link)s"),
        params=("file_no", "step", "link"),
    ),
)
