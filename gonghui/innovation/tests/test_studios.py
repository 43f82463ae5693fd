import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.innovation import selectors
from gonghui.innovation.choices import StudioStatus
from gonghui.innovation.models import Alliance, AllianceLeadTerm, Funding, Studio
from gonghui.innovation.services import alliances as alliance_services
from gonghui.innovation.services import studios as services
from gonghui.innovation.tests.test_api import make_studio

pytestmark = pytest.mark.django_db


def test_two_consecutive_failed_reviews_propose_delisting(world, city_admin):
    studio = make_studio(world)
    admin = city_admin
    services.studio_activate(actor=admin, studio=studio)
    services.studio_review_record(actor=admin, studio=studio, year=2022, rating="fail")
    services.studio_review_record(actor=admin, studio=studio, year=2023, rating="pass")
    services.studio_review_record(actor=admin, studio=studio, year=2024, rating="fail")
    studio.refresh_from_db()
    assert not studio.delisting_proposed  # fails not in a row
    services.studio_review_record(actor=admin, studio=studio, year=2025, rating="fail")
    studio.refresh_from_db()
    assert studio.delisting_proposed and "2024" in studio.delisting_proposal_reason
    assert studio.status == StudioStatus.ACTIVE  # proposed, never automatic
    assert AuditEntry.objects.filter(action="innovation.studio.delisting_proposed").count() == 1
    with pytest.raises(ValidationError) as exc:
        services.studio_review_record(actor=admin, studio=studio, year=2025, rating="good")
    assert exc.value.error_dict["year"][0].code == "review_exists"
    services.studio_delist(actor=admin, studio=studio, reason="连续两年考核不合格")
    studio.refresh_from_db()
    assert studio.status == StudioStatus.DELISTED and studio.delisted_on is not None
    assert selectors.studio_work_for(world.members["xian_worker"]) == []


def test_studio_work_for_lists_lead_and_team_member_with_achievements(world, city_admin):
    studio = make_studio(world)
    from gonghui.innovation.tests.helpers import member_with_login

    teammate, _ = member_with_login(world, "xian_factory", "teammate")
    services.studio_add_member(actor=city_admin, studio=studio, member=teammate, role="技术骨干")
    services.achievement_add(
        actor=city_admin,
        studio=studio,
        kind="saving",
        title="降本",
        achieved_on="2023-01-01",
        savings="2000.50",
    )
    lead_work = selectors.studio_work_for(world.members["xian_worker"])
    assert [(w.studio, w.role) for w in lead_work] == [(studio, "lead")]
    assert str(lead_work[0].savings) == "2000.50"
    assert [w.role for w in selectors.studio_work_for(teammate)] == ["member"]


def test_bad_studio_inputs_write_nothing(world, city_admin, sibling_city_admin):
    admin = city_admin
    with pytest.raises(ValidationError) as exc:
        services.studio_create(
            actor=admin,
            organisation=world.orgs["xian"],
            name="X",
            employer="Y",
            lead=world.members["baoji_worker"],
            level="city",
            named_on="2021-01-01",
            naming_body="Z",
        )
    assert exc.value.error_dict["lead"][0].code == "member_unknown"
    with pytest.raises(ValidationError):
        services.studio_create(
            actor=admin,
            organisation=world.orgs["xian"],
            name="X",
            employer="Y",
            lead=world.members["xian_worker"],
            level="galactic",
            named_on="2021-01-01",
            naming_body="Z",
        )
    assert Studio.objects.count() == 0
    studio = make_studio(world)
    with pytest.raises(ValidationError):
        services.funding_record(actor=admin, studio=studio, year=2024, amount="0", source="市总")
    with pytest.raises(ValidationError):
        services.achievement_add(
            actor=admin, studio=studio, kind="patent", title="无号专利", achieved_on="2024-01-01"
        )
    assert Funding.objects.count() == 0 and studio.achievements.count() == 0
    with pytest.raises(Http404):
        services.funding_record(actor=sibling_city_admin, studio=studio, year=2024, amount="1", source="x")


def test_a_studios_record_is_cleaned_like_every_name_and_read_with_the_input_codes(world, city_admin):
    """Names through core.text.clean (full-width letters half-width); amounts and years with
    the codes of core.inputs (they were all bad_amount / bad_year)."""
    studio = make_studio(world, name=" ＸＡ焊接创新工作室 ")
    assert studio.name == "XA焊接创新工作室"
    audits = AuditEntry.objects.count()
    for kwargs, field, code in (
        ({"amount": "0"}, "amount", "amount_zero"),
        ({"amount": "12.345"}, "amount", "amount_precision"),
        ({"amount": "-5"}, "amount", "amount_negative"),
        ({"year": "1949"}, "year", "number_too_small"),
        ({"year": "明年"}, "year", "number_invalid"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.funding_record(
                actor=city_admin,
                studio=studio,
                **{"year": 2024, "amount": "1000", "source": "市总", **kwargs},
            )
        assert [e.code for e in exc.value.error_dict[field]] == [code], kwargs
    assert Funding.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_alliance_with_unknown_studio_is_refused(world, sibling_city_admin, city_admin):
    baoji_studio = services.studio_create(
        actor=sibling_city_admin,
        organisation=world.orgs["baoji_factory"],
        name="宝鸡钛材工作室",
        employer="宝鸡某钢厂",
        lead=world.members["baoji_worker"],
        level="provincial",
        named_on="2020-05-01",
        naming_body="陕西省总工会",
        lead_honour_note="2019 宝鸡市劳动模范",
    )
    with pytest.raises(ValidationError) as exc:
        alliance_services.alliance_create(
            actor=city_admin,
            organisation=world.orgs["xian"],
            name="西安联盟",
            studios=[baoji_studio],
        )
    assert exc.value.error_dict["studios"][0].code == "studio_unknown"
    with pytest.raises(ValidationError):
        alliance_services.alliance_create(
            actor=city_admin, organisation=world.orgs["xian"], name="西安联盟", studios=[None]
        )
    assert Alliance.objects.count() == 0


def test_rotating_lead_keeps_history_and_refuses_overlap(
    world, province_admin, sibling_city_admin, sibling_admin
):
    xa = make_studio(world)
    bj = services.studio_create(
        actor=sibling_city_admin,
        organisation=world.orgs["baoji_factory"],
        name="宝鸡钛材工作室",
        employer="宝鸡某钢厂",
        lead=world.members["baoji_worker"],
        level="provincial",
        named_on="2020-05-01",
        naming_body="陕西省总工会",
        lead_honour_note="2019 宝鸡市劳动模范",
    )
    admin = province_admin
    alliance = alliance_services.alliance_create(
        actor=admin,
        organisation=world.orgs["shaanxi"],
        name="联盟",
        founded_on="2021-01-01",
        studios=[xa, bj],
    )
    alliance_services.alliance_set_lead(
        actor=admin, alliance=alliance, studio=xa, starts_on="2021-01-01", ends_on="2023-01-01"
    )
    alliance_services.alliance_set_lead(
        actor=admin, alliance=alliance, studio=bj, starts_on="2023-01-01", ends_on="2099-01-01"
    )
    with pytest.raises(ValidationError) as exc:
        alliance_services.alliance_set_lead(
            actor=admin, alliance=alliance, studio=xa, starts_on="2022-06-01", ends_on="2024-01-01"
        )
    assert exc.value.error_dict["starts_on"][0].code == "term_overlap"
    assert AllianceLeadTerm.objects.filter(alliance=alliance).count() == 2
    assert selectors.current_lead(selectors.alliance_detail(alliance)).studio == bj
    project = alliance_services.joint_project_create(
        actor=admin, alliance=alliance, title="钛合金焊接攻关", studios=[xa, bj], status="running"
    )
    assert set(project.studios.all()) == {xa, bj}
    # Baoji sees the alliance through its studio; Gansu does not.
    assert list(selectors.alliances_visible_to(sibling_city_admin)) == [alliance]
    assert list(selectors.alliances_visible_to(sibling_admin)) == []
