import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.honours import visit_selectors
from gonghui.honours.models import SchoolVisit

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_school_visit_series_with_coverage_and_schools_left_out_this_year():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    year = timezone.localdate().year
    assert SchoolVisit.objects.filter(date__year=year - 1).count() >= 4
    assert SchoolVisit.objects.filter(date__year=year).count() >= 5
    report = visit_selectors.coverage(User.objects.get(username="shaanxi"), year)
    assert {"6101", "6103"} <= {c.prefix for c in report.cities}
    assert {"西安市第八十三中学", "咸阳职业技术学院"} <= {s["school_name"] for s in report.unvisited}
    assert SchoolVisit.objects.filter(people__name="欧阳明华").exists()
