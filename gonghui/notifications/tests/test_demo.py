import io

import pytest
from django.core.management import call_command

from gonghui.notifications.models import Notification
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_worker_has_notifications_in_the_inbox_and_the_bell_counts_them():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    kinds = set(Notification.objects.filter(recipient__username="worker").values_list("kind", flat=True))
    assert {"request.accepted", "request.closed"} <= kinds
    page = client_for("worker").get("/me/notifications/").content.decode()
    assert "已答复" in page and '<span class="count">' in page
    # the officers' queues and the applicants' phones got theirs from the same services
    assert Notification.objects.filter(kind="enrolment.submitted", recipient__isnull=False).exists()
    assert Notification.objects.filter(kind="enrolment.approved", recipient__isnull=True).exists()
    count = Notification.objects.count()
    call_command("seed_demo", members=60, stdout=io.StringIO())
    assert Notification.objects.count() == count
