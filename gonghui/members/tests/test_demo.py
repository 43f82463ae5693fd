import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.members import selectors
from gonghui.members.choices import EnrolmentStatus, TransferStatus
from gonghui.members.demo import SPECIAL_SURNAMES, WORKER_NAME
from gonghui.members.models import DuesRecord, Enrolment, Member, MembershipEvent, Transfer
from gonghui.organisations import services as org_services
from gonghui.organisations.demo import DEMO_PASSWORD
from gonghui.organisations.models import Organisation, RoleAssignment

pytestmark = pytest.mark.django_db

SMALL = 60  # members; the default roster (600) is for `make run`


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", members=SMALL, stdout=out)
    return out.getvalue()


def counts() -> dict:
    models = [
        Organisation,
        RoleAssignment,
        Member,
        MembershipEvent,
        Enrolment,
        Transfer,
        DuesRecord,
        AuditEntry,
    ]
    return {m.__name__: m.objects.count() for m in [*models, get_user_model()]}


@pytest.fixture
def demo():
    return seed()


def test_seed_demo_twice_changes_nothing_the_second_time(demo):
    before = counts()
    assert before["Member"] >= SMALL
    output = seed()
    assert "demo data already present" in output
    assert counts() == before


def test_demo_logins_authenticate_with_the_demo_password(demo):
    for username in ("admin", "shaanxi", "xian", "baoji", "gansu", "xian_officer", "yanta", "worker"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    assert get_user_model().objects.get(username="admin").is_superuser


def test_second_run_restores_a_changed_demo_password(demo):
    user = get_user_model().objects.get(username="xian")
    user.set_password("something-else-1")
    user.save()
    seed()
    assert authenticate(username="xian", password=DEMO_PASSWORD) is not None


def test_demo_tree_has_the_contract_codes(demo):
    shaanxi = Organisation.objects.get(code="610000")
    assert shaanxi.name == "陕西省总工会"
    cities = shaanxi.get_children().filter(kind="city")
    assert sorted(cities.values_list("code", flat=True)) == [f"61{n:02d}00" for n in range(1, 11)]
    assert Organisation.objects.get(code="610100").name == "西安市总工会"
    assert Organisation.objects.get(code="610300").name == "宝鸡市总工会"
    assert Organisation.objects.get(code="610113").name == "雁塔区总工会"
    assert Organisation.objects.get(code="620000").get_parent().code == "ACFTU"
    assert Organisation.objects.filter(code="620100").exists()
    joint = Organisation.objects.get(name="雁塔区快递行业联合工会")
    assert joint.grassroots_type == "joint" and joint.code.startswith("81")


def test_baoji_admin_cannot_see_a_xian_member_but_xian_admin_can(demo):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["xian", "baoji"])}
    member = Member.objects.filter(
        organisation__path__startswith=Organisation.objects.get(code="610100").path
    ).first()
    assert selectors.member_or_404(users["xian"], member.pk) == member
    with pytest.raises(Http404):
        selectors.member_or_404(users["baoji"], member.pk)


def test_province_stats_include_the_city_stats(demo):
    province = selectors.stats(Organisation.objects.get(code="610000"))
    xian = selectors.stats(Organisation.objects.get(code="610100"))
    baoji = selectors.stats(Organisation.objects.get(code="610300"))
    assert xian["members"] > 0 and baoji["members"] > 0
    assert province["members"] >= xian["members"] + baoji["members"]
    assert province["organisations"] > xian["organisations"] + baoji["organisations"]


def test_demo_has_workflows_in_every_state(demo):
    statuses = set(Enrolment.objects.values_list("status", flat=True))
    assert statuses == {EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED, EnrolmentStatus.REJECTED}
    assert any(e.is_overdue for e in Enrolment.objects.filter(status=EnrolmentStatus.PENDING))
    assert set(Transfer.objects.values_list("status", flat=True)) >= {
        TransferStatus.REQUESTED,
        TransferStatus.RELEASED,
        TransferStatus.ACCEPTED,
    }
    assert DuesRecord.objects.exists()


def test_demo_roster_has_the_hard_surnames_and_a_worker_login(demo):
    for surname in SPECIAL_SURNAMES:
        assert Member.objects.filter(name__startswith=surname).exists(), surname
    worker = Member.objects.get(user__username="worker")
    assert worker.name == WORKER_NAME
    assert worker.organisation.path.startswith(Organisation.objects.get(code="610100").path)


def test_seed_demo_refuses_a_database_with_another_tree_and_writes_nothing(db):
    org_services.organisation_create(actor=None, parent=None, kind="national", code="ROOT", name="某总工会")
    with pytest.raises(CommandError, match="only loads into an empty tree"):
        seed()
    assert Organisation.objects.count() == 1
    assert not get_user_model().objects.exists()
