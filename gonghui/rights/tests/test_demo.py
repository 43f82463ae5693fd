import io

import pytest
from django.core.management import call_command

from gonghui.rights.models import Request, RequestTransfer

pytestmark = pytest.mark.django_db


def test_demo_has_requests_in_every_state():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    statuses = set(Request.objects.values_list("status", flat=True))
    assert statuses == {"new", "handling", "closed"}
    assert Request.objects.filter(escalations__gt=0, auto_escalated=True).exists()
    group = Request.objects.get(category="wage_arrears", workers_count=12)
    assert group.arrears_workers.count() == 4 and group.recoveries.count() == 2
    assert RequestTransfer.objects.filter(letter=True, status="pending").count() == 1
    assert Request.objects.filter(rating=5, follow_up_note__gt="").exists()
    assert Request.objects.filter(status="closed", closed_on_time=False).exists()
    from gonghui.rights.models import LegalAid, PracticalNeed
    from gonghui.rights.services.legal_aid import deadline_near

    assert deadline_near(LegalAid.objects.get())
    assert PracticalNeed.objects.count() == 3 and PracticalNeed.objects.filter(status="done").count() == 1
