"""Members' part of the URL walk (gonghui/tests/urlwalk.py): a member, a pending application
and an open transfer of 西安, and the member pages, lists and API writes that name them."""

from gonghui.members.models import Enrolment, Member, Transfer
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.testing import make_id_number, make_phone


def xian_objects(world) -> dict:
    """张伟 of 西安某机械厂 (from the world), 李娜's pending application, and 王建国's
    transfer out of the factory, requested by the 西安 admin."""
    enrolment = enrolment_services.enrolment_submit(
        actor=None,
        name="李娜",
        id_number=make_id_number("610113", gender="F", seq=70),
        phone=make_phone(70),
        employer="西安某机械厂",
        work_division="610113",
        employment_form="standard",
    )
    mover = member_services.member_create(
        actor=None,
        organisation=world.orgs["xian_factory"],
        name="王建国",
        id_number=make_id_number("610113", seq=71),
        phone=make_phone(71),
    )
    transfer = transfer_services.transfer_request(
        actor=world.users["xian"], member=mover, to_organisation=world.orgs["yanta_joint"], reason="换工作"
    )
    return {
        "member_id": world.members["xian_worker"].pk,
        "enrolment_id": enrolment.pk,
        "transfer_id": transfer.pk,
    }


MARKERS = ["张伟", "李娜", "王建国", "西安某机械厂"]

NOT_WALKED = {
    # Bulk import and export: the batch or job of the officer who started it (their own tests:
    # test_imports_http.py, test_exports.py).
    "members:import_list": "bulk import: the importer's own batches",
    "members:import_template_xlsx": "bulk import: the blank template",
    "members:import_template_csv": "bulk import: the blank template",
    "members:import_detail": "bulk import: the importer's own batch",
    "members:import_commit": "bulk import: the importer's own batch",
    "members:import_undo": "bulk import: the importer's own batch",
    "members:import_resume": "bulk import: the importer's own batch",
    "members:import_rollback": "bulk import: the importer's own batch",
    "members:export_new": "export: the exporter's own job",
    "members:export_detail": "export: the exporter's own job",
    "members:export_download": "export: the exporter's own job",
    # The worker's side (test_views_public.py): the join form and its status by unguessable
    # id, the signed-in member's own membership, transfer and card, the card check.
    "members:join": "the public join form",
    "members:join_divisions": "the public join form's place picker",
    "members:join_lookup": "an applicant finds their own applications",
    "members:join_status": "an application's status, by its unguessable id",
    "members:me": "the signed-in member's own page",
    "members:me_transfer": "the signed-in member's own transfer",
    "members:me_transfer_union": "the signed-in member's own transfer",
    "members:me_transfer_cancel": "the signed-in member's own transfer",
    "members:card": "the signed-in member's own card",
    "members:card_verify": "the public check of a card's signed code",
}

LIST_QUERIES = [
    ("members:list", "?organisation=610100"),
    ("members:list", "?q=zhangwei"),
    ("members:enrolments", "?tab=overdue"),
    ("members:transfers", "?tab=closed"),
    ("audit", "?object={member_id}"),
]

FORM_POST = {
    "reason": "walk",
    "to_status": "retained",
    "field": "id_number",
    "to_organisation": "BJ-0001",
    "month": "2024-01",
    "monthly_wage": "5000",
}

API_NOT_WALKED = {
    "members/imports": "bulk import: the importer's own batches (test_imports_http.py)",
    "members/exports": "export: the exporter's own jobs (test_exports.py)",
}

API_BODIES = {
    ("POST", "members"): {
        "organisation": "XA-0001",
        "name": "赵六",
        "id_number": make_id_number("610113", seq=72),
    },
    ("PATCH", "members/{member_id}"): {"name": "改名"},
    ("POST", "members/{member_id}/status"): {"status": "retained", "reason": "walk"},
    ("POST", "members/{member_id}/reveal"): {"field": "id_number", "reason": "walk"},
    ("POST", "members/{member_id}/dues"): {"month": "2024-01-01", "monthly_wage": "5000"},
    ("POST", "enrolments/{enrolment_id}/approve"): None,
    ("POST", "enrolments/{enrolment_id}/reject"): {"reason": "walk"},
    ("POST", "transfers"): {"member": "{member_id}", "to_organisation": "BJ-0001", "reason": "walk"},
    ("POST", "transfers/{transfer_id}/release"): None,
    ("POST", "transfers/{transfer_id}/accept"): None,
    ("POST", "transfers/{transfer_id}/refuse"): {"reason": "walk"},
    ("POST", "transfers/{transfer_id}/cancel"): {"reason": "walk"},
}

API_SCOPED_QUERIES = {"list_members": {"organisation": "610100"}}

COUNTED = [Member]


def snapshot(values: dict) -> tuple:
    member = Member.objects.get(pk=values["member_id"])
    return (
        member.name,
        member.status,
        Enrolment.objects.get(pk=values["enrolment_id"]).status,
        Transfer.objects.get(pk=values["transfer_id"]).status,
    )
