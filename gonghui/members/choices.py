from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gonghui.core.channels.templates import MessageTemplate
from gonghui.organisations.choices import Kind as OrgKind


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


# The 56 ethnic groups in the order and codes of GB/T 3304-1991.
ETHNICITIES = [
    ("01", "汉族"), ("02", "蒙古族"), ("03", "回族"), ("04", "藏族"), ("05", "维吾尔族"), ("06", "苗族"),
    ("07", "彝族"), ("08", "壮族"), ("09", "布依族"), ("10", "朝鲜族"), ("11", "满族"), ("12", "侗族"),
    ("13", "瑶族"), ("14", "白族"), ("15", "土家族"), ("16", "哈尼族"), ("17", "哈萨克族"), ("18", "傣族"),
    ("19", "黎族"), ("20", "傈僳族"), ("21", "佤族"), ("22", "畲族"), ("23", "高山族"), ("24", "拉祜族"),
    ("25", "水族"), ("26", "东乡族"), ("27", "纳西族"), ("28", "景颇族"), ("29", "柯尔克孜族"), ("30", "土族"),
    ("31", "达斡尔族"), ("32", "仫佬族"), ("33", "羌族"), ("34", "布朗族"), ("35", "撒拉族"), ("36", "毛南族"),
    ("37", "仡佬族"), ("38", "锡伯族"), ("39", "阿昌族"), ("40", "普米族"), ("41", "塔吉克族"), ("42", "怒族"),
    ("43", "乌孜别克族"), ("44", "俄罗斯族"), ("45", "鄂温克族"), ("46", "德昂族"), ("47", "保安族"),
    ("48", "裕固族"), ("49", "京族"), ("50", "塔塔尔族"), ("51", "独龙族"), ("52", "鄂伦春族"), ("53", "赫哲族"),
    ("54", "门巴族"), ("55", "珞巴族"), ("56", "基诺族"),
]  # fmt: skip


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school or below")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary / vocational")
    JUNIOR_COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTOR = "doctor", _("Doctorate")


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    LEAGUE = "league", _("Communist Youth League member")
    DEMOCRATIC = "democratic", _("Democratic party member")
    NONE = "masses", _("Ordinary citizen")


class SkillGrade(models.TextChoices):
    """The 'new eight-grade' ladder for skilled workers (新八级工)."""

    APPRENTICE = "apprentice", _("Apprentice")
    JUNIOR = "junior", _("Junior worker")
    INTERMEDIATE = "intermediate", _("Intermediate worker")
    SENIOR = "senior", _("Senior worker")
    TECHNICIAN = "technician", _("Technician")
    SENIOR_TECHNICIAN = "senior_technician", _("Senior technician")
    MASTER_TECHNICIAN = "master_technician", _("Master technician")
    CHIEF_TECHNICIAN = "chief_technician", _("Chief technician")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("In work")
    LAID_OFF = "laid_off", _("Laid off / awaiting post")
    UNEMPLOYED = "unemployed", _("Unemployed")
    RETIRED = "retired", _("Retired")
    RESIGNED = "resigned", _("Resigned")
    INTERNAL_RETIREMENT = "internal_retirement", _("Internal early retirement")
    OTHER = "other", _("Other")


class EmploymentForm(models.TextChoices):
    STANDARD = "standard", _("Standard employment")
    TRUCK_DRIVER = "truck_driver", _("Truck driver")
    COURIER = "courier", _("Courier")
    FOOD_DELIVERY = "food_delivery", _("Food delivery rider")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")
    CARE_WORKER = "care_worker", _("Care worker")
    DOMESTIC = "domestic", _("Domestic worker")
    MALL_STAFF = "mall_staff", _("Mall information worker")
    ESTATE_AGENT = "estate_agent", _("Estate agent")
    SECURITY_GUARD = "security_guard", _("Security guard")
    OTHER = "other", _("Other new form of employment")


NEW_EMPLOYMENT_FORMS = frozenset(EmploymentForm.values) - {EmploymentForm.STANDARD}


class MembershipStatus(models.TextChoices):
    """会籍. An application (申请中) is an Enrolment until approved."""

    MEMBER = "member", _("Member")
    PRE_MEMBER = "pre_member", _("Pre-member")
    TRANSFERRING = "transferring", _("Transferring out")
    RETAINED = "retained", _("Membership retained")
    EXPELLED = "expelled", _("Expelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


IN_MEMBERSHIP = frozenset(
    {
        MembershipStatus.MEMBER,
        MembershipStatus.PRE_MEMBER,
        MembershipStatus.TRANSFERRING,
        MembershipStatus.RETAINED,
    }
)
DUES_EXEMPT = frozenset({MembershipStatus.RETAINED})
# From which 会籍 a member may ask to move to another union.
TRANSFERABLE = frozenset({MembershipStatus.MEMBER, MembershipStatus.PRE_MEMBER, MembershipStatus.RETAINED})


class EventKind(models.TextChoices):
    JOINED = "joined", _("Joined")
    CONVERTED = "converted", _("Pre-member became member")
    TRANSFER_REQUESTED = "transfer_requested", _("Transfer requested")
    TRANSFER_CANCELLED = "transfer_cancelled", _("Transfer cancelled or refused")
    TRANSFERRED_IN = "transferred_in", _("Transferred in")
    RETAINED = "retained", _("Membership retained")
    RESTORED = "restored", _("Membership restored")
    EXPELLED = "expelled", _("Expelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJOINED = "rejoined", _("Rejoined")


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class EnrolmentConflict(models.TextChoices):
    """Why an application needs a closer look. The applicant is not told (the answer to an
    anonymous form must not reveal whether an ID number belongs to a member)."""

    NONE = "", _("None")
    ALREADY_MEMBER = "already_member", _("The ID number already belongs to a member")
    DUPLICATE_PENDING = "duplicate_pending", _("Another application with this ID number is pending")


class RoutingBasis(models.TextChoices):
    EMPLOYER = "employer", _("Employer's union")
    TERRITORIAL = "territorial", _("Territorial union for the work place")


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting release by the old union")
    RELEASED = "released", _("Awaiting acceptance by the new union")
    ACCEPTED = "accepted", _("Completed")
    REFUSED_OUT = "refused_out", _("Refused by the old union")
    REFUSED_IN = "refused_in", _("Refused by the new union")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TRANSFER = frozenset({TransferStatus.REQUESTED, TransferStatus.RELEASED})
# The kinds of union a member may belong to (and so move to): a grassroots union, or a
# territorial or industry federation that keeps members directly (scattered workers, 联合工会).
HOLDS_MEMBERS = frozenset({OrgKind.GRASSROOTS, OrgKind.STREET, OrgKind.COUNTY, OrgKind.FEDERATION})


class PiiField(models.TextChoices):
    ID_NUMBER = "id_number", _("ID number")
    PHONE = "phone", _("Mobile phone")


class AuditAction(models.TextChoices):
    """Every audit code the members app writes, with the name officers read on the audit page
    (named by MembersConfig.audit_actions)."""

    DUES_RECORDED = "members.dues.recorded", _("Dues recorded")
    ENROLMENT_SUBMITTED = "members.enrolment.submitted", _("Application submitted")
    ENROLMENT_APPROVED = "members.enrolment.approved", _("Application approved")
    ENROLMENT_REJECTED = "members.enrolment.rejected", _("Application rejected")
    EXPORT_STARTED = "members.export.started", _("Export started")
    EXPORT_FINISHED = "members.export.finished", _("Export finished")
    EXPORT_FAILED = "members.export.failed", _("Export failed")
    EXPORT_DOWNLOADED = "members.export.downloaded", _("Export downloaded")
    EXPORT_PRUNED = "members.export.pruned", _("Expired export files deleted")
    IMPORT_STARTED = "members.import.started", _("Import started")
    IMPORT_FINISHED = "members.import.finished", _("Import finished")
    IMPORT_RESUMED = "members.import.resumed", _("Import resumed")
    IMPORT_UNDONE = "members.import.undone", _("Import undone")
    IMPORT_FILES_PRUNED = "members.import.files_pruned", _("Stored roster files deleted")
    MEMBER_CREATED = "members.member.created", _("Member added")
    MEMBER_UPDATED = "members.member.updated", _("Member record edited")
    MEMBER_PII_REVEALED = "members.member.pii_revealed", _("Personal data revealed")
    MEMBER_USER_LINKED = "members.member.user_linked", _("Member linked to a login")
    MEMBER_VERIFY_FAILED = "members.member.verify_failed", _("Member verification failed")
    MEMBER_CONVERTED = "members.member.converted", _("Pre-member became member")
    MEMBER_RETAINED = "members.member.retained", _("Membership retained")
    MEMBER_RESTORED = "members.member.restored", _("Membership restored")
    MEMBER_EXPELLED = "members.member.expelled", _("Expelled")
    MEMBER_WITHDRAWN = "members.member.withdrawn", _("Withdrawn")
    MEMBER_REJOINED = "members.member.rejoined", _("Rejoined")
    MEMBER_TRANSFERRED = "members.member.transferred", _("Transferred in")
    PERSONAL_DATA_ROTATED = "members.personal_data.rotated", _("Personal data re-encrypted")
    TRANSFER_REQUESTED = "members.transfer.requested", _("Transfer requested")
    TRANSFER_RELEASED = "members.transfer.released", _("Transfer released")
    TRANSFER_ACCEPTED = "members.transfer.accepted", _("Transfer accepted")
    TRANSFER_REFUSED = "members.transfer.refused", _("Transfer refused")
    TRANSFER_CANCELLED = "members.transfer.cancelled", _("Transfer cancelled")


class NotificationKind(models.TextChoices):
    """Every notification kind the members app sends, with the name people read in their inbox
    (named by the AppConfig's ``notification_kinds``)."""

    ENROLMENT_APPROVED = "enrolment.approved", _("Application to join approved")
    ENROLMENT_REJECTED = "enrolment.rejected", _("Application to join rejected")
    ENROLMENT_SUBMITTED = "enrolment.submitted", _("New application to join in your queue")
    TRANSFER_RELEASED = "transfer.released", _("Transfer released by your union")
    TRANSFER_ACCEPTED = "transfer.accepted", _("Transfer accepted by the new union")
    TRANSFER_REFUSED = "transfer.refused", _("Transfer refused")


# The SMS/e-mail copy of each kind (docs/ops/messages.md): the providers approve this fixed text
# and refuse long free text in a variable, so the parameters are short values and the link.
NOTIFICATION_MESSAGES = (
    MessageTemplate(
        kind=NotificationKind.ENROLMENT_APPROVED,
        subject=gettext_noop("Application to join approved"),
        text=gettext_noop(
            "Your application to join the union is approved. Your member number is %(member_no)s. Details: %(link)s"
        ),
        params=("member_no", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.ENROLMENT_REJECTED,
        subject=gettext_noop("Application to join rejected"),
        text=gettext_noop("Your application to join the union was not approved. The reason: %(link)s"),
        params=("link",),
    ),
    MessageTemplate(
        kind=NotificationKind.ENROLMENT_SUBMITTED,
        subject=gettext_noop("New application to join in your queue"),
        text=gettext_noop("A new application to join is waiting for you. Decide by %(due)s: %(link)s"),
        params=("due", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.TRANSFER_RELEASED,
        subject=gettext_noop("Transfer released by your union"),
        text=gettext_noop("Your union has released your membership transfer. Details: %(link)s"),
        params=("link",),
    ),
    MessageTemplate(
        kind=NotificationKind.TRANSFER_ACCEPTED,
        subject=gettext_noop("Transfer accepted by the new union"),
        text=gettext_noop(
            "Your membership transfer is complete: the new union has accepted you. Details: %(link)s"
        ),
        params=("link",),
    ),
    MessageTemplate(
        kind=NotificationKind.TRANSFER_REFUSED,
        subject=gettext_noop("Transfer refused"),
        text=gettext_noop("Your membership transfer was refused. The reason: %(link)s"),
        params=("link",),
    ),
)
