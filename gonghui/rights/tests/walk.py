"""Rights' part of the URL walk (gonghui/tests/urlwalk.py): a legal-aid request of a 西安
worker offered to another union, a wage-arrears request and a practical need of 西安. Filing,
following and rating a request and the union's list of practical needs are public by design
(test_walk.py)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.rights import models
from gonghui.rights.services import legal_aid, needs, requests, transfers
from gonghui.testing import PNG, make_phone


def xian_objects(world) -> dict:
    """A legal-aid request of a worker of 西安某机械厂 (held by the factory union), offered to
    the 雁塔 joint union with a referral letter, with legal-aid details and one piece of
    evidence; and a practical need of 西安市总工会 linked to it."""
    admin = world.users["xian"]
    phone = make_phone(74)
    request = requests.request_file(
        actor=None,
        channel="phone",
        category="legal_aid",
        description="西安工地拖欠加班费，被违法解除劳动合同",
        work_division="610113",
        employer="西安某机械厂",
        name="钱维权",
        phone=phone,
    )
    assert request.organisation == world.orgs["xian_factory"]
    aid = legal_aid.legal_aid_open(
        actor=admin,
        request=request,
        cause="contract",
        form="arbitration",
        monthly_income="3217.00",
        knew_on=datetime.date.today() - datetime.timedelta(days=30),
        amount_in_dispute="48123.00",
    )
    evidence = legal_aid.evidence_add(
        actor=admin, aid=aid, upload=SimpleUploadedFile("劳动合同照片.png", PNG, content_type="image/png")
    )
    transfer = transfers.request_transfer(
        actor=admin, request=request, to=world.orgs["yanta_joint"], reason="转交雁塔区联合工会", letter=True
    )
    need = needs.need_create(
        actor=admin,
        organisation=world.orgs["xian"],
        title="西安职工食堂改造",
        owner="刘主席",
        deadline=datetime.date.today() + datetime.timedelta(days=60),
        request=request,
    )
    wage_arrears = requests.request_file(
        actor=None,
        channel="phone",
        category="wage_arrears",
        description="西安某工地拖欠三个月工资",
        work_division="610113",
        employer="西安某机械厂",
        name="孙欠薪",
        phone=make_phone(75),
        amount_owed="9999.00",
    )
    return {
        "request_id": request.pk,
        "wage_arrears_id": wage_arrears.pk,
        "request_transfer_id": transfer.pk,
        "evidence_id": evidence.pk,
        "need_id": need.pk,
        "legal_aid_id": aid.pk,
        # the worker's full name and phone, the story, the referral reason, the evidence, the income
        "request_secrets": [
            "钱维权",
            phone,
            "西安工地拖欠加班费",
            "转交雁塔区联合工会",
            "劳动合同照片",
            "3217",
            "48123",
        ],
    }


# The worker's request, the referral, the legal-aid evidence, the practical need.
MARKERS = ["钱维权", "西安工地拖欠加班费", "转交雁塔区联合工会", "劳动合同照片", "西安职工食堂改造"]

# A worker files a request without an account (docs/modules/rights.md, phone first) and follows
# it on a page found by the request's unguessable id, with masked name and phone only; the
# union's 我为群众办实事 list is published with its progress, without personal data.
PUBLIC_PAGES = {"rights:file", "rights:status", "rights:find", "rights:needs_public"}

# "transfer_id" of the rights pages is a request's offer to another union, not a member's
# transfer.
PARAM_ALIASES = {"transfer_id": "request_transfer_id"}

SCOPED_QUERIES = [("rights:rates", "?org=610100")]

LIST_QUERIES = [
    ("rights:queue", "?tab=open"),
    ("rights:queue", "?tab=overdue"),
    ("rights:queue", "?tab="),
    ("audit", "?object={request_id}"),
]

FORM_POST = {
    "note": "walk",
    "accept": "1",
    "complexity": "complex",
    "to": "610100",
    "outcome": "settled",
    "progress": "walk",
    "owner": "walk",
    "deadline": "2027-01-01",
    "recovered_on": "2026-01-01",
    "organisation": "610100",
}

# The worker files and rates a request without an account: walked by test_walk.py.
API_PUBLIC = {("POST", "requests"), ("POST", "requests/{request_id}/rate")}

# Officer actions on 西安 requests, wage arrears, legal aid, practical needs.
API_BODIES = {
    ("POST", "requests/{request_id}/accept"): None,
    ("POST", "requests/{request_id}/complexity"): {"complexity": "complex", "reason": "walk"},
    ("POST", "requests/{request_id}/close"): {"reply": "walk"},
    ("POST", "requests/{request_id}/transfer"): {"to": "610300", "reason": "walk"},
    ("POST", "requests/{request_id}/transfer/accept"): None,
    ("POST", "requests/{request_id}/transfer/refuse"): {"note": "walk"},
    ("POST", "requests/{request_id}/escalate"): {"reason": "walk"},
    ("POST", "requests/{request_id}/follow-up"): {"note": "walk"},
    ("POST", "wage-arrears"): {
        "description": "walk",
        "work_division": "610113",
        "name": "walk",
        "phone": "13600000003",
        "amount_owed": "1.00",
    },
    ("POST", "wage-arrears/{wage_arrears_id}/workers"): {"name": "walk", "amount": "1.00"},
    ("POST", "wage-arrears/{wage_arrears_id}/referral"): {"reason": "walk", "to": "610300"},
    ("POST", "wage-arrears/{wage_arrears_id}/recoveries"): {"amount": "1.00", "recovered_on": "2026-01-01"},
    ("POST", "legal-aid"): {
        "request": "{request_id}",
        "cause": "contract",
        "form": "mediation",
        "monthly_income": "1.00",
        "knew_on": "2026-01-01",
    },
    ("POST", "legal-aid/{legal_aid_id}/evidence"): None,
    ("POST", "legal-aid/{legal_aid_id}/employment-end"): {"employment_ended_on": "2026-01-01"},
    ("POST", "legal-aid/{legal_aid_id}/outcome"): {"outcome": "settled"},
    ("POST", "practical-needs"): {
        "organisation": "610100",
        "title": "walk",
        "owner": "walk",
        "deadline": "2027-01-01",
    },
    ("POST", "practical-needs/{need_id}/progress"): {"status": "done", "progress": "walk"},
    ("POST", "practical-needs/{need_id}/rate"): {"rating": 5},
}

API_SCOPED_QUERIES = {"list_practical_needs": {"organisation": "610100"}}

API_SEARCHES = {
    "list_requests": {"status": "new"},
    "list_wage_arrears": {"status": "open"},
}

COUNTED = [
    models.Request,
    models.RequestTransfer,
    models.RequestEvent,
    models.ArrearsWorker,
    models.Recovery,
    models.LegalAid,
    models.Evidence,
    models.PracticalNeed,
]


def snapshot(values: dict) -> tuple:
    request = models.Request.objects.get(pk=values["request_id"])
    need = models.PracticalNeed.objects.get(pk=values["need_id"])
    return (
        (request.status, request.organisation_id, request.complexity, request.rating, request.escalations),
        models.RequestTransfer.objects.get(pk=values["request_transfer_id"]).status,
        models.LegalAid.objects.get(pk=values["legal_aid_id"]).outcome,
        (need.status, need.progress, need.rating),
    )
