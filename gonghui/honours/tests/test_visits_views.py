"""The ledger's pages: list with filters, the form, a visit, coverage and its export, and the
honoured person's page listing their visits."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditEntry
from gonghui.honours.models import Honour, SchoolVisit
from gonghui.honours.services import visits
from gonghui.honours.tests.test_visits import PNG, fields, honoured, ledger  # noqa: F401 (fixtures)
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def form_data(world, **overrides):
    data = fields(world, **overrides)
    data["organisation"] = data["organisation"].code
    data["people"] = [str(m.pk) for m in data["people"]]
    return data


def test_an_officer_records_a_visit_through_the_form(world, honoured, today):  # noqa: F811
    client = client_for("xian_officer")
    assert client.get(reverse("honours:visit_create")).status_code == 200
    r = client.post(reverse("honours:visit_create"), form_data(world))
    visit = SchoolVisit.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("honours:visit_detail", args=[visit.pk])
    page = client.get(r["Location"]).content.decode()
    assert "西安市第一中学" in page and "张伟" in page


def test_a_future_date_on_the_form_shows_the_error_and_writes_nothing(world, honoured, today):  # noqa: F811
    r = client_for("xian", language="en").post(
        reverse("honours:visit_create"), form_data(world, date="2027-01-01")
    )
    assert r.status_code == 400
    assert "The date cannot be in the future." in r.content.decode()
    assert not SchoolVisit.objects.exists()


def test_the_ledger_filters_by_year_city_and_person(ledger):  # noqa: F811
    client = client_for("shaanxi")
    url = reverse("honours:visits")
    assert client.get(url).content.decode().count("visits/") >= 7
    page = client.get(url, {"year": 2026, "division": "610300"}).content.decode()
    assert "宝鸡职业技术学院" in page and "西安市第一中学" not in page
    person = ledger.members["baoji_worker"].pk
    page = client.get(url, {"year": 2025, "person": str(person)}).content.decode()
    assert "宝鸡中学" in page and "西安市第二中学" not in page
    r = client_for("shaanxi", language="en").get(url, {"division": "999999"})
    assert r.status_code == 200 and "Check the filters." in r.content.decode()
    assert "宝鸡中学" not in r.content.decode()


def test_a_sibling_city_gets_404_and_a_viewer_403_on_a_visit(world, honoured, today):  # noqa: F811
    visit = visits.visit_create(actor=world.users["xian"], **fields(world))
    detail = reverse("honours:visit_detail", args=[visit.pk])
    edit = reverse("honours:visit_edit", args=[visit.pk])
    delete = reverse("honours:visit_delete", args=[visit.pk])
    photo = reverse("honours:visit_photo_add", args=[visit.pk])
    sibling, viewer = client_for("baoji"), client_for("xian_viewer")
    for url in (detail, edit):
        assert sibling.get(url).status_code == 404
    for url in (delete, photo):
        assert sibling.post(url).status_code == 404
    assert viewer.get(detail).status_code == 200
    assert viewer.get(edit).status_code == 403
    assert viewer.post(delete).status_code == 403
    assert viewer.post(photo, {"photo": io.BytesIO(PNG)}).status_code == 403
    assert client_for(None).get(detail).status_code == 302  # to the sign-in page
    assert SchoolVisit.objects.filter(pk=visit.pk).exists()
    assert AuditEntry.objects.filter(action__startswith="honours.visit").count() == 1


def test_a_photo_is_uploaded_and_shown_to_the_scope_only(world, honoured, today):  # noqa: F811
    visit = visits.visit_create(actor=world.users["xian"], **fields(world))
    upload = io.BytesIO(PNG)
    upload.name = "合影.png"
    r = client_for("xian").post(reverse("honours:visit_photo_add", args=[visit.pk]), {"photo": upload})
    assert r.status_code == 302
    photo = visit.photos.get()
    url = reverse("honours:visit_photo", args=[visit.pk, photo.pk])
    r = client_for("xian_viewer").get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r.content == PNG
    assert client_for("baoji").get(url).status_code == 404


def test_the_coverage_page_shows_cities_and_schools_with_no_visit(ledger):  # noqa: F811
    page = client_for("shaanxi").get(reverse("honours:visit_coverage"), {"year": 2026}).content.decode()
    assert "西安市" in page and "宝鸡市" in page
    assert "陕西省西安市雁塔区" in page and "西安市第二中学" in page
    assert client_for("baoji").get(reverse("honours:visit_coverage"), {"year": "abc"}).status_code == 200


def test_the_coverage_export_neutralises_formula_like_school_names(world, honoured, today):  # noqa: F811
    for date in ("2025-03-01",):
        visits.visit_create(
            actor=world.users["xian"], **fields(world, school_name="=HYPERLINK(1)", date=date)
        )
    url = reverse("honours:visit_coverage")
    csv_text = client_for("xian").get(url, {"year": 2026, "format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text and "\n=HYPERLINK" not in csv_text.replace(",=", "\n=")
    r = client_for("xian").get(url, {"year": 2026, "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(r.content))
    values = [c.value for row in workbook.worksheets[1].iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in values
    assert all(c.data_type != "f" for row in workbook.worksheets[1].iter_rows() for c in row)


def test_the_honoured_persons_page_lists_their_visits(world, honoured, today):  # noqa: F811
    visits.visit_create(actor=world.users["xian"], **fields(world))
    honour = Honour.objects.get(member=world.members["xian_worker"])
    page = client_for("xian").get(reverse("honours:detail", args=[honour.pk])).content.decode()
    assert "西安市第一中学" in page and "劳动最光荣" in page


def test_an_officer_changes_a_visit_through_the_form(world, honoured, today):  # noqa: F811
    visit = visits.visit_create(actor=world.users["xian"], **fields(world))
    client = client_for("xian_officer")
    url = reverse("honours:visit_edit", args=[visit.pk])
    page = client.get(url).content.decode()
    assert "西安市第一中学" in page and 'value="300"' in page
    r = client.post(url, form_data(world, audience="320"))
    assert r.status_code == 302
    visit.refresh_from_db()
    assert visit.audience == 320


def test_the_ledger_and_its_api_take_a_fixed_number_of_queries(ledger, django_assert_max_num_queries):  # noqa: F811
    client = client_for("shaanxi")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("honours:visits")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/honours/visits").status_code == 200
