"""The import (upload → preview → confirm) and export pages."""

import json
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.stations.models import Station
from gonghui.stations.tests.helpers import make_station
from gonghui.stations.tests.helpers_io import csv_bytes, row, spread, xlsx_bytes
from gonghui.testing import client_for

IMPORT = reverse("stations:io_import")
CONFIRM = reverse("stations:io_import_confirm")
EXPORT = reverse("stations:io_export")
DOWNLOAD = reverse("stations:io_export_download")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def officer_client(world):
    return client_for("xian_officer")


def _upload(client, data: bytes, name: str = "stations.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="en")


def _stored(settings) -> list:
    folder = Path(settings.MEDIA_ROOT) / "station_imports"
    return list(folder.iterdir()) if folder.exists() else []


def test_import_needs_login_and_the_right_role(client, member_user, city_viewer):
    response = client.get(IMPORT)
    assert response.status_code == 302 and "login" in response["Location"]
    for user in (member_user, city_viewer):
        client.force_login(user)
        assert client.get(IMPORT).status_code == 403
        assert _upload(client, csv_bytes([row()])).status_code == 403
        assert client.get(reverse("stations:io_import_template", args=["csv"])).status_code == 403
    assert Station.objects.count() == 0


def test_import_page_links_the_templates(officer_client):
    response = officer_client.get(IMPORT)
    assert response.status_code == 200
    assert reverse("stations:io_import_template", args=["xlsx"]).encode() in response.content
    assert reverse("stations:io_import_template", args=["csv"]).encode() in response.content
    for fmt, magic in (("xlsx", b"PK"), ("csv", b"\xef\xbb\xbf")):
        download = officer_client.get(reverse("stations:io_import_template", args=[fmt]))
        assert download.status_code == 200
        assert download.content.startswith(magic)
        assert f"stations-template.{fmt}" in download["Content-Disposition"]
    assert officer_client.get(reverse("stations:io_import_template", args=["pdf"])).status_code == 404


def test_import_page_states_the_limits_in_force(officer_client, settings):
    assert "16 MB and 20,000 rows" in officer_client.get(IMPORT).content.decode()
    settings.GONGHUI_STATION_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    settings.GONGHUI_STATION_IMPORT_MAX_ROWS = 5000
    assert "2 MB and 5,000 rows" in officer_client.get(IMPORT).content.decode()


def test_upload_preview_then_confirm(officer_client, settings):
    response = _upload(officer_client, xlsx_bytes(spread(3)), "stations.xlsx")
    assert response.status_code == 200
    assert b"3 stations are ready to import" in response.content
    assert Station.objects.count() == 0  # the preview writes nothing
    token = response.context["token"]
    assert len(_stored(settings)) == 1

    response = officer_client.post(CONFIRM, {"token": token}, follow=True)
    assert response.status_code == 200
    assert b"3 stations were imported" in response.content
    assert Station.objects.count() == 3
    assert _stored(settings) == []  # the upload is removed
    # the same preview cannot be confirmed twice
    response = officer_client.post(CONFIRM, {"token": token}, follow=True)
    assert b"expired" in response.content
    assert Station.objects.count() == 3


def test_preview_with_errors_shows_the_table_and_cannot_be_confirmed(officer_client, settings):
    rows = [row(), row(名称="坏驿站", 纬度="abc", 开放时间="随时")]
    response = _upload(officer_client, csv_bytes(rows))
    assert response.status_code == 400
    content = response.content.decode()
    assert "The file has 2 errors; nothing was imported" in content
    assert "纬度" in content and "开放时间" in content
    assert "Give a number." in content
    assert "token" not in response.context or not response.context["token"]
    assert b'name="token"' not in response.content
    assert _stored(settings) == []
    assert Station.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", "The chosen file is empty"),
        (b"\xff\xfe" + "名称,地址".encode("utf-16-le"), "UTF-16"),
        (b"PK\x03\x04garbage", "damaged"),
        (csv_bytes([row()], headers=["名称", "地址"]), "Required columns are missing"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error(officer_client, settings, data, text):
    response = _upload(officer_client, data)
    assert response.status_code == 400
    assert text in response.content.decode()
    assert Station.objects.count() == 0
    assert _stored(settings) == []


def test_oversized_upload(officer_client, settings):
    settings.GONGHUI_STATION_IMPORT_MAX_BYTES = 500
    response = _upload(officer_client, csv_bytes(spread(10)))
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert Station.objects.count() == 0
    assert _stored(settings) == []


def test_confirm_needs_the_token_of_this_session(client, city_officer, province_admin, settings):
    client.force_login(city_officer)
    token = _upload(client, csv_bytes([row()])).context["token"]
    other = client.__class__()
    other.force_login(province_admin)
    response = other.post(CONFIRM, {"token": token}, follow=True)
    assert b"expired" in response.content
    assert client.post(CONFIRM, {"token": "../" * 10}, follow=True).status_code == 200
    assert client.get(CONFIRM).status_code == 405
    assert Station.objects.count() == 0


def test_confirm_refuses_when_the_registry_changed(officer_client, world):
    token = _upload(officer_client, csv_bytes([row()])).context["token"]
    make_station(world, "yanta", name="雁塔区测试驿站", lat=34.2236, lng=108.9475)
    response = officer_client.post(CONFIRM, {"token": token}, follow=True)
    assert b"nothing was imported" in response.content
    assert Station.objects.count() == 1


# --- export ----------------------------------------------------------------------------------


def test_export_page_for_everyone(client, city_officer):
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert b'name="crs"' in response.content
    assert b'name="union"' not in response.content or b'type="hidden" name="union"' in response.content
    client.force_login(city_officer)
    response = client.get(EXPORT)
    assert b"subtree" in response.content
    assert reverse("stations:io_import").encode() in response.content


def test_export_download_formats(client, world):
    make_station(world, "xian", name="钟楼工会驿站")
    base = {"scope": "public", "union": "", "crs": "gcj02", "format": "csv"}
    response = client.get(DOWNLOAD, {**base, "kind": "poi"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "钟楼工会驿站" in body and "GCJ02" in body
    assert 'filename="stations-poi-gcj02.csv"' in response["Content-Disposition"]
    response = client.get(DOWNLOAD, {**base, "kind": "geojson"})
    data = json.loads(b"".join(response.streaming_content))
    assert data["features"][0]["properties"]["name"] == "钟楼工会驿站"
    response = client.get(DOWNLOAD, {**base, "kind": "registry", "format": "xlsx"})
    assert response.content.startswith(b"PK")


def test_export_download_bad_choice_and_login_for_subtree(client, world):
    response = client.get(DOWNLOAD, {"kind": "poi", "format": "xlsx", "crs": "mars", "scope": "public"})
    assert response.status_code == 400
    response = client.get(DOWNLOAD, {"kind": "poi", "format": "xlsx", "crs": "gcj02", "scope": "subtree"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_signing_in_for_a_subtree_export_comes_back_to_the_whole_export(client, city_officer):
    asked = {"kind": "poi", "format": "csv", "crs": "bd09", "scope": "subtree"}
    response = client.get(DOWNLOAD, asked)
    assert response.status_code == 302
    login = urlsplit(response["Location"])
    back = urlsplit(parse_qs(login.query)["next"][0])
    assert back.path == DOWNLOAD and dict(parse_qsl(back.query)) == asked
    client.force_login(city_officer)
    again = client.get(parse_qs(login.query)["next"][0])
    assert again.status_code == 200 and 'filename="stations-poi-bd09.csv"' in again["Content-Disposition"]


def test_the_upload_waiting_for_confirmation_is_private(officer_client, settings):
    import os
    import stat

    previous = os.umask(0)
    try:
        response = _upload(officer_client, csv_bytes([row()]))
    finally:
        os.umask(previous)
    assert response.status_code == 200
    [stored] = _stored(settings)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700


def test_previews_never_confirmed_are_deleted_after_a_day(officer_client, settings):
    import os
    import time

    folder = Path(settings.MEDIA_ROOT) / "station_imports"
    folder.mkdir(parents=True)
    old, recent = folder / ("a" * 32), folder / ("b" * 32)  # another officer's previews
    old.write_bytes(csv_bytes([row()]))
    recent.write_bytes(csv_bytes([row()]))
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert _upload(officer_client, csv_bytes([row()])).status_code == 200
    assert not old.exists() and recent.exists() and len(_stored(settings)) == 2


def test_a_shared_strings_bomb_is_refused_and_nothing_is_kept(officer_client, settings, tmp_path):
    from gonghui.tests.test_hostile_files import shared_strings, workbook

    sheet = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    path = workbook(tmp_path / "bomb.xlsx", sheet, shared_strings(200_000, announce=True))
    response = _upload(officer_client, path.read_bytes(), "bomb.xlsx")
    assert response.status_code == 400
    assert "shared strings" in response.content.decode()
    assert Station.objects.count() == 0 and _stored(settings) == []


def test_the_export_is_narrowed_to_a_union_typed_by_its_name_and_several_matches_are_offered(
    client, world, city_officer
):
    make_station(world, "xian", name="钟楼工会驿站")
    make_station(world, "yanta", name="小寨驿站")
    base = {"scope": "public", "crs": "gcj02", "format": "csv", "kind": "geojson"}
    response = client.get(DOWNLOAD, {**base, "union": "雁塔区总工会"})
    data = json.loads(b"".join(response.streaming_content))
    assert [f["properties"]["name"] for f in data["features"]] == ["小寨驿站"]
    client.force_login(city_officer)  # the union box is on the officers' export page
    several = client.get(DOWNLOAD, {**base, "union": "yt"})
    assert several.status_code == 400 and b'name="union_pick" value="610113"' in several.content
