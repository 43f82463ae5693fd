import io

import pytest
from django.core.management import call_command

from gonghui.assistance.models import DibaoStandard, Household, Payment, RiskAlert
from gonghui.assistance.services import dibao as dibao_services

pytestmark = pytest.mark.django_db


def test_demo_builds_households_in_every_category_and_state():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    assert DibaoStandard.objects.count() >= 8
    import datetime

    assert dibao_services.lookup("610113", datetime.date(2026, 6, 1)).monthly == 955
    statuses = set(Household.objects.values_list("status", flat=True))
    assert {"applied", "screened", "visited", "publicised", "filed", "left", "closed"} <= statuses
    categories = set(Household.objects.values_list("category", flat=True))
    assert {"deep", "relative", "accident"} <= categories
    assert Payment.objects.count() == 2
    assert RiskAlert.objects.filter(is_open=True).count() == 1
