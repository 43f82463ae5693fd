"""Coordinate systems against published reference points, round trips and distances."""

import math
import random

import pytest

from gonghui.stations import geo

# googollee/eviltransform, python/test.py (TESTS: wgsLat, wgsLng, gcjLat, gcjLng).
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# wandergis/coordtransform, test/app.js: every function applied to (lng 116.404, lat 39.915);
# results as (lat, lng). Its gcj02towgs84 is the one-step approximation.
CT_INPUT = (39.915, 116.404)
CT_BD09_TO_GCJ02 = (39.90865673957631, 116.39762729119315)
CT_GCJ02_TO_BD09 = (39.92133699351021, 116.41036949371029)
CT_WGS84_TO_GCJ02 = (39.91640428150164, 116.41024449916938)
CT_GCJ02_TO_WGS84_APPROX = (39.91359571849836, 116.39775550083061)
# Glatzel/pyxis, python tests (test_convert): one point in the three systems, (lat, lng).
PYXIS_WGS84 = (30.6107779, 121.0917077)
PYXIS_GCJ02 = (30.608604331756705, 121.09626935575027)
PYXIS_BD09 = (30.61484572185035, 121.10271732371203)


def close(a, b, tol):
    return abs(a[0] - b[0]) <= tol and abs(a[1] - b[1]) <= tol


@pytest.mark.parametrize("w_lat,w_lng,g_lat,g_lng", EVILTRANSFORM)
def test_wgs84_to_gcj02_matches_eviltransform(w_lat, w_lng, g_lat, g_lng):
    assert close(geo.wgs84_to_gcj02(w_lat, w_lng), (g_lat, g_lng), 1e-9)


@pytest.mark.parametrize("w_lat,w_lng,g_lat,g_lng", EVILTRANSFORM)
def test_gcj02_to_wgs84_is_exact_on_eviltransform_points(w_lat, w_lng, g_lat, g_lng):
    back = geo.gcj02_to_wgs84(g_lat, g_lng)
    assert geo.haversine_m(*back, w_lat, w_lng) < 0.01  # eviltransform's exact test allows 0.5 m
    assert close(geo.wgs84_to_gcj02(*back), (g_lat, g_lng), 1e-11)


def test_coordtransform_reference_points():
    assert close(geo.bd09_to_gcj02_approx(*CT_INPUT), CT_BD09_TO_GCJ02, 1e-12)
    assert close(geo.gcj02_to_bd09(*CT_INPUT), CT_GCJ02_TO_BD09, 1e-12)
    assert close(geo.wgs84_to_gcj02(*CT_INPUT), CT_WGS84_TO_GCJ02, 1e-12)
    # The exact inverses sit within the approximations' error of theirs, and are exact.
    assert close(geo.gcj02_to_wgs84(*CT_INPUT), CT_GCJ02_TO_WGS84_APPROX, 1e-5)
    assert close(geo.wgs84_to_gcj02(*geo.gcj02_to_wgs84(*CT_INPUT)), CT_INPUT, 1e-11)
    assert close(geo.bd09_to_gcj02(*CT_INPUT), CT_BD09_TO_GCJ02, 1e-5)
    assert close(geo.gcj02_to_bd09(*geo.bd09_to_gcj02(*CT_INPUT)), CT_INPUT, 1e-11)


def test_pyxis_reference_point_in_three_systems():
    assert close(geo.from_wgs84(*PYXIS_WGS84, "gcj02"), PYXIS_GCJ02, 1e-6)
    assert close(geo.gcj02_to_bd09(*PYXIS_GCJ02), PYXIS_BD09, 1e-12)
    assert close(geo.from_wgs84(*PYXIS_WGS84, "bd09"), PYXIS_BD09, 1e-6)
    assert close(geo.to_wgs84(*PYXIS_BD09, "bd09"), PYXIS_WGS84, 1e-6)
    assert close(geo.to_wgs84(*PYXIS_GCJ02, "gcj02"), PYXIS_WGS84, 1e-6)


def test_round_trips_inside_china_are_exact_to_1e_7_degrees():
    rng = random.Random(9)
    for _ in range(2000):
        lat, lng = rng.uniform(18.2, 53.5), rng.uniform(73.6, 134.7)
        for crs in ("wgs84", "gcj02", "bd09"):
            assert close(geo.to_wgs84(*geo.from_wgs84(lat, lng, crs), crs), (lat, lng), 1e-7)
            assert close(geo.from_wgs84(*geo.to_wgs84(lat, lng, crs), crs), (lat, lng), 1e-7)


def test_offsets_are_real_inside_china():
    # 钟楼, 西安: GCJ-02 moves it a few hundred metres, BD-09 about a kilometre.
    lat, lng = 34.2611, 108.9422
    assert 100 < geo.haversine_m(lat, lng, *geo.from_wgs84(lat, lng, "gcj02")) < 1000
    assert 500 < geo.haversine_m(lat, lng, *geo.from_wgs84(lat, lng, "bd09")) < 2000


@pytest.mark.parametrize("point", [(51.5007, -0.1246), (40.6892, -74.0445), (-33.8568, 151.2153), (0.0, 0.0)])
def test_points_outside_china_are_unchanged(point):
    for crs in ("wgs84", "gcj02", "bd09"):
        assert geo.from_wgs84(*point, crs) == point
        assert geo.to_wgs84(*point, crs) == point


def test_haversine():
    assert geo.haversine_m(34.0, 108.0, 34.0, 108.0) == 0.0
    # One degree of latitude on the mean-radius sphere.
    assert geo.haversine_m(0, 0, 1, 0) == pytest.approx(math.pi / 180 * geo.EARTH_RADIUS_M)
    # Beijing 天安门 – Shanghai 人民广场: about 1,067 km.
    assert geo.haversine_m(39.9087, 116.3975, 31.2304, 121.4737) == pytest.approx(1_067_000, rel=0.01)
    assert geo.haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_M)
    assert geo.haversine_m(34.0, 108.0, 34.0 + 1e-7, 108.0) == pytest.approx(0.0111, abs=1e-3)
