"""Members' part of the URL walk (gonghui/tests/urlwalk.py): a member, a pending application,
an open transfer, a roster import (a preview) and an export of 西安, and the member pages,
lists and API operations that name them."""

import io
from pathlib import Path

from gonghui.members.imports import importer
from gonghui.members.models import Enrolment, ExportJob, ImportBatch, Member, Transfer
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import exporter, exports
from gonghui.members.services import imports as import_services
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.testing import make_id_number, make_phone


def _roster_preview(world) -> ImportBatch:
    """A preview of a one-row roster by the 西安 admin, read as the task would. Its stored file
    is removed at once: the pages need the batch, not the roster."""
    roster = f"姓名,身份证号码,所属工会代码\n赵七,{make_id_number('610113', seq=73)},XA-0001\n"
    batch = import_services.import_start(
        actor=world.users["xian"],
        file=io.BytesIO(roster.encode("utf-8")),
        file_name="名册.csv",
        dry_run=True,
    )
    batch = importer.run(batch.pk)
    Path(batch.file_path).unlink(missing_ok=True)
    return batch


def _export(world) -> ExportJob:
    """The 西安 admin's export of the 西安 roster, written as the task would."""
    job = exports.export_start(actor=world.users["xian"], organisation=world.orgs["xian"], file_format="csv")
    return exporter.run(job.pk)


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
        "batch_id": _roster_preview(world).pk,
        "job_id": _export(world).pk,
    }


MARKERS = ["张伟", "李娜", "王建国", "西安某机械厂"]

NOT_WALKED = {
    # The worker's side (test_views_public.py): the join form and its status by unguessable
    # id, the signed-in member's own membership, transfer and card, the card check.
    "members:join": "the public join form",
    "members:join_divisions": "the public join form's place picker",
    "members:join_lookup": "an applicant finds their own applications",
    "members:join_status": "an application's status, by its unguessable id",
    "members:phone_login": "phone sign-in, open to everyone (test_phone_signin.py)",
    "members:me": "the signed-in member's own page",
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
    ("POST", "members/imports/{batch_id}/commit"): None,
    ("POST", "members/imports/{batch_id}/undo"): None,
    ("POST", "members/imports/{batch_id}/resume"): None,
    ("POST", "members/imports/{batch_id}/rollback"): None,
    ("POST", "members/exports"): {"organisation": "610100", "format": "csv"},
    ("POST", "members/imports"): {"organisation": "610100"},
}

# The upload takes a multipart file, which the walk (JSON bodies) cannot send: it answers 400
# before reading anything. Who may import where is tested with real files in
# test_imports_http.py.
API_OWN_UNION_WRITES = {("POST", "members/imports"): (400, "invalid")}

API_SCOPED_QUERIES = {"list_members": {"organisation": "610100"}}

COUNTED = [Member, ImportBatch, ExportJob]


def snapshot(values: dict) -> tuple:
    member = Member.objects.get(pk=values["member_id"])
    return (
        member.name,
        member.status,
        Enrolment.objects.get(pk=values["enrolment_id"]).status,
        Transfer.objects.get(pk=values["transfer_id"]).status,
        ImportBatch.objects.get(pk=values["batch_id"]).status,
        ExportJob.objects.get(pk=values["job_id"]).status,
    )


# Phone sign-in (auth/sms-*) is open to everyone and shows no union's data; me/* act on the
# caller's own account. test_phone_signin.py covers both, the other account's code included.
API_NOT_WALKED = {
    "auth": "phone sign-in: open to everyone, answers only the caller's own account",
    "me": "the caller's own account: 认证 and its sign-in phone",
}
