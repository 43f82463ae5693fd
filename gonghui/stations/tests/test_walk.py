"""Stations in the URL walk (gonghui/tests/urlwalk.py): the public pages and operations show
西安's station to everyone, by design, and none of its secrets; the forms that name 西安 in
their input refuse a sibling."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.testing import client_for
from gonghui.tests.urlwalk import SIBLINGS, api_operations, call, form_post, html_urls, snapshot, text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_public_station_pages_are_open_and_show_no_personal_data(world, xian, visitor):
    """PUBLIC_PAGES of 工会驿站: anyone finds 西安's station, reads its page, photo and map,
    opens the report and check-in pages (the latter only with the door's key), follows the
    ticket by its number and the suggestion by its id, and exports the public data — without
    the reporter's contact, the ticket's description, the suggestion's reason, the check-in key
    (except on the page reached with it) or the keeper. A POST of the walk's form writes
    nothing."""
    client = client_for(visitor)
    before = snapshot(xian)
    code = xian["station_code"]
    checkin = reverse("stations:checkin", kwargs={"code": code})
    pages = {page.url for page in html_urls(xian, public=True) if page.app == "stations"}
    assert pages == {
        reverse("stations:find"),
        reverse("stations:map"),
        reverse("stations:detail", kwargs={"code": code}),
        reverse("stations:photo", kwargs={"code": code, "photo_id": xian["photo_id"]}),
        reverse("stations:report", kwargs={"code": code}),
        checkin,
        reverse("stations:ticket", kwargs={"number": xian["number"]}),
        reverse("stations:suggest"),
        reverse("stations:suggestion", kwargs={"suggestion_id": xian["suggestion_id"]}),
        reverse("stations:io_export"),
        reverse("stations:io_export_download"),
    }
    queries = {
        reverse("stations:find"): {"lat": "34.2611", "lng": "108.9422", "crs": "wgs84"},
        checkin: {"k": xian["checkin_key"]},
        reverse("stations:io_export_download"): {
            "kind": "registry",
            "format": "csv",
            "crs": "wgs84",
            "scope": "public",
        },
    }
    secrets = xian["station_secrets"]
    shows_station = pages - {
        reverse("stations:photo", kwargs={"code": code, "photo_id": xian["photo_id"]}),
        reverse("stations:suggest"),
        reverse("stations:suggestion", kwargs={"suggestion_id": xian["suggestion_id"]}),
        reverse("stations:io_export"),
    }
    for url in sorted(pages):
        response = client.get(url, queries.get(url, {}))
        assert response.status_code == 200, (url, response.status_code)
        body = text(response)
        if url == checkin:  # the page reached with the key carries it in its form
            body = body.replace(xian["checkin_key"], "")
        leaked = [secret for secret in secrets if secret in body]
        assert not leaked, (url, leaked)
        if url in shows_station:
            name = "西安钟楼环卫工会驿站"  # the walk hits the real station (the map: in JSON)
            assert name in body or json.dumps(name)[1:-1] in body, url
        posted = client.post(url, form_post())
        assert posted.status_code in {200, 302, 400, 404, 405}, (url, posted.status_code)
        leaked = [secret for secret in secrets if secret in text(posted)]
        assert not leaked, (url, leaked)
    assert client.get(checkin).status_code == 404  # no key, no button
    assert client.get(checkin, {"k": "wrong"}).status_code == 404
    subtree = {"kind": "geojson", "format": "csv", "crs": "wgs84", "scope": "subtree", "union": "610100"}
    got = client.get(reverse("stations:io_export_download"), subtree)
    assert got.status_code == (302 if visitor is None else 404), got.status_code
    assert snapshot(xian) == before


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_public_stations_api_shows_no_personal_data_and_writes_nothing_for_bad_input(
    world, xian, visitor
):
    """API_PUBLIC of 工会驿站: the list, the nearest stations, a station's details and the
    exports answer anyone with 西安's station and none of its secrets; a report, a check-in
    or a suggestion with bad input (a wrong key) writes nothing; the subtree export of 西安 is
    refused (403 without an officer role, 404 for a sibling)."""
    client = client_for(visitor)
    before = snapshot(xian)
    operations = {(o.method, o.path): o.url for o in api_operations(xian, public=True) if o.app == "stations"}
    assert set(operations) == {
        ("GET", "stations"),
        ("GET", "stations/nearest"),
        ("GET", "stations/{station_id}"),
        ("GET", "stations/export.geojson"),
        ("GET", "stations/export.poi"),
        ("GET", "stations/export.registry"),
        ("POST", "stations/{station_id}/reports"),
        ("POST", "stations/{station_id}/checkins"),
        ("POST", "stations/suggestions"),
    }
    queries = {
        "stations/nearest": {"lat": "34.2611", "lng": "108.9422"},
        "stations/export.poi": {"format": "csv"},
        "stations/export.registry": {"format": "csv"},
    }
    for (method, path), url in sorted(operations.items()):
        if method != "GET":
            continue
        response = call(client, method, url, query=queries.get(path))
        assert response.status_code == 200, (url, response.status_code)
        body = text(response)
        assert "西安钟楼环卫工会驿站" in body, url
        leaked = [secret for secret in xian["station_secrets"] if secret in body]
        assert not leaked, (url, leaked)
    bad = {
        "stations/{station_id}/reports": ({"kind": "", "contact": "1"}, {400}),
        "stations/{station_id}/checkins": ({"key": "wrong", "visitor": "walk-visitor-token-9999"}, {404}),
        "stations/suggestions": ({"name": "", "reason": ""}, {400}),
    }
    for (method, path), url in sorted(operations.items()):
        if method == "GET":
            continue
        body, statuses = bad[path]
        response = call(client, method, url, body)
        assert response.status_code in statuses, (url, response.status_code)
        leaked = [secret for secret in xian["station_secrets"] if secret in text(response)]
        assert not leaked, (url, leaked)
    for name in ("stations_io_export_geojson", "stations_io_export_poi", "stations_io_export_registry"):
        response = call(client, "GET", reverse(f"api:{name}"), query={"scope": "subtree", "union": "610100"})
        assert response.status_code == (403 if visitor is None else 404), (name, response.status_code)
    assert snapshot(xian) == before


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_sibling_admins_write_nothing_of_xian_through_the_station_forms(
    world, xian, sibling, settings, tmp_path
):
    """The forms of station pages that take no object name 西安 in their input: a new station
    of 西安市总工会, an import file of 西安's union. Each is refused and nothing is written."""
    settings.MEDIA_ROOT = tmp_path
    client = client_for(sibling)
    before = snapshot(xian)
    station = {
        "organisation": "610100",
        "name": "walk",
        "address": "walk",
        "division_code": "610113",
        "lat": "34.2",
        "lng": "108.9",
        "crs": "wgs84",
        "hours": "24小时",
        "status": "open",
        "tier": "ordinary",
    }
    got = client.post(reverse("stations:manage_create"), station).status_code
    assert got in {200, 400, 403, 404}, got
    csv = "名称,所属工会代码,行政区划代码,地址,纬度,经度,开放时间\r\nwalk,610100,610113,walk,34.2,108.9,24小时\r\n"
    upload = SimpleUploadedFile("stations.csv", csv.encode("utf-8"), content_type="text/csv")
    preview = client.post(reverse("stations:io_import"), {"file": upload})
    assert preview.status_code in {400, 403, 404}, preview.status_code
    confirm = client.post(reverse("stations:io_import_confirm"), {"token": "walk"})
    assert confirm.status_code in {302, 403, 404}, confirm.status_code
    assert snapshot(xian) == before
