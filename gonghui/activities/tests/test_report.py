"""The photo report after an activity: photos checked by their bytes, a news draft built from
the summary and the photos, linked both ways; refusals write nothing."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from gonghui.activities.checkin import reports
from gonghui.activities.models import ActivityReport, ReportPhoto
from gonghui.activities.tests.attendance_fixtures import make_activity
from gonghui.core.models import AuditEntry
from gonghui.news.models import NewsItem
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _photo(name="现场.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def _ended(world):
    return make_activity(world, starts_in=datetime.timedelta(hours=-3))


def _code(error):
    exc = error.value
    if hasattr(exc, "error_dict"):
        return next(iter(exc.error_dict.values()))[0].code
    return exc.error_list[0].code


def test_the_report_becomes_a_news_draft_with_the_summary_and_photos(world, city_officer):
    activity = _ended(world)
    report = reports.report_submit(
        actor=city_officer,
        activity=activity,
        summary="三十名职工参加。\n<b>交流</b>热烈",
        photos=[_photo(), _photo("b.png")],
    )
    item = NewsItem.objects.get()
    assert report.news_item == item
    assert (item.status, item.organisation, item.author, item.title) == (
        "draft",
        activity.organisation,
        city_officer,
        activity.title,
    )
    assert "<p>三十名职工参加。</p>" in item.body and "&lt;b&gt;交流&lt;/b&gt;" in item.body
    for photo in report.photos.all():
        assert f'src="/activities/reports/photos/{photo.pk}/"' in item.body
    assert AuditEntry.objects.filter(action="activities.report.submitted").count() == 1


@pytest.mark.parametrize(
    ("photos", "code"),
    [
        ([], "required"),
        ([_photo("x.png", b"<svg onload=alert(1)>")], "file_type"),
        ([_photo("x.jpg", b"%PDF-1.4 not a photo")], "file_type"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_written(world, city_officer, photos, code):
    with pytest.raises(ValidationError) as error:
        reports.report_submit(actor=city_officer, activity=_ended(world), summary="小结", photos=photos)
    assert _code(error) == code
    assert (
        not ActivityReport.objects.exists()
        and not ReportPhoto.objects.exists()
        and not NewsItem.objects.exists()
    )
    assert not AuditEntry.objects.filter(action="activities.report.submitted").exists()


def test_a_report_waits_for_the_end_and_is_written_once(world, city_officer):
    with pytest.raises(ValidationError) as error:
        reports.report_submit(
            actor=city_officer, activity=make_activity(world), summary="小结", photos=[_photo()]
        )
    assert _code(error) == "activity_not_ended"
    activity = _ended(world)
    reports.report_submit(actor=city_officer, activity=activity, summary="小结", photos=[_photo()])
    with pytest.raises(ValidationError) as error:
        reports.report_submit(actor=city_officer, activity=activity, summary="再来", photos=[_photo()])
    assert _code(error) == "report_exists"
    assert NewsItem.objects.count() == 1


def test_other_branches_and_viewers_cannot_report(world, sibling_city_admin, city_viewer):
    activity = _ended(world)
    with pytest.raises(Http404):
        reports.report_submit(actor=sibling_city_admin, activity=activity, summary="x", photos=[_photo()])
    with pytest.raises(PermissionDenied):
        reports.report_submit(actor=city_viewer, activity=activity, summary="x", photos=[_photo()])
    assert not NewsItem.objects.exists()


def test_the_report_page_uploads_and_the_photo_is_served_to_officers_only(world, city_officer):
    activity = _ended(world)
    client = client_for(city_officer)
    response = client.post(
        f"/activities/manage/{activity.pk}/report/",
        {"summary": "活动圆满完成", "photos": [io.BytesIO(PNG)]},
    )
    assert response.status_code == 302
    photo = ReportPhoto.objects.get()
    served = client.get(f"/activities/reports/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png" and served.content == PNG
    # Still a draft: the sibling city and anonymous visitors get 404.
    assert client_for("baoji").get(f"/activities/reports/photos/{photo.pk}/").status_code == 404
    assert client_for(None).get(f"/activities/reports/photos/{photo.pk}/").status_code == 404
    assert "活动圆满完成" in client.get(f"/activities/manage/{activity.pk}/report/").content.decode()
