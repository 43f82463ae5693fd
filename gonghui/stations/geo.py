"""Distances on the earth and the coordinate systems Chinese map apps use.

Stations are stored in WGS-84. 高德 and 腾讯 give GCJ-02 (WGS-84 with a deliberate, non-linear
offset inside China), 百度 gives BD-09 (GCJ-02 offset once more). The forward formulas are the
published GCJ-02 / BD-09 transforms (the constants of eviltransform / coordtransform: Krasovsky
semi-major axis 6378245 m); the inverses GCJ-02 → WGS-84 and BD-09 → GCJ-02 are solved by
iteration until the forward transform of the answer is within 1e-12° of the input (the usual
one-step inverses of those libraries are off by up to a few metres), so a round trip returns the
same point to better than 1e-7° (1 cm).

Outside China (the usual rough box, :func:`out_of_china`) every transform leaves the point
unchanged, as eviltransform does; BD-09 is tested on its own coordinates. In the few hundred
metres along the box's edges a round trip may therefore jump; no station lies there.
"""

import math

from gonghui.stations.choices import Crs

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius

_A = 6_378_245.0  # Krasovsky 1940 semi-major axis, used by GCJ-02
_EE = 0.006_693_421_622_965_943_23
_X_PI = math.pi * 3000.0 / 180.0


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def out_of_china(lat: float, lng: float) -> bool:
    """GCJ-02 leaves points outside this box unchanged."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _d_lat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _d_lng(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return lat, lng
    d_lat = _d_lat(lng - 105.0, lat - 35.0)
    d_lng = _d_lng(lng - 105.0, lat - 35.0)
    rad = math.radians(lat)
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lat + d_lat, lng + d_lng


_TOLERANCE_DEG = 1e-12
_MAX_STEPS = 50


def _invert(forward, lat: float, lng: float, start: tuple[float, float]) -> tuple[float, float]:
    """The point p with ``forward(p) == (lat, lng)``, by fixed-point iteration from ``start``
    (the offsets vary slowly, so each step gains several digits; 3–6 steps in practice)."""
    w_lat, w_lng = start
    for _ in range(_MAX_STEPS):
        f_lat, f_lng = forward(w_lat, w_lng)
        e_lat, e_lng = f_lat - lat, f_lng - lng
        if abs(e_lat) < _TOLERANCE_DEG and abs(e_lng) < _TOLERANCE_DEG:
            break
        w_lat, w_lng = w_lat - e_lat, w_lng - e_lng
    return w_lat, w_lng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Exact inverse of :func:`wgs84_to_gcj02` (by iteration)."""
    if out_of_china(lat, lng):
        return lat, lng
    return _invert(wgs84_to_gcj02, lat, lng, (lat, lng))


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return lat, lng
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02_approx(lat: float, lng: float) -> tuple[float, float]:
    """The published one-step BD-09 → GCJ-02 formula (off by up to ~0.1 m)."""
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """Exact inverse of :func:`gcj02_to_bd09` (iterated from the published formula)."""
    if out_of_china(lat, lng):
        return lat, lng
    return _invert(gcj02_to_bd09, lat, lng, bd09_to_gcj02_approx(lat, lng))


def to_wgs84(lat: float, lng: float, crs: str) -> tuple[float, float]:
    if crs == Crs.GCJ02:
        return gcj02_to_wgs84(lat, lng)
    if crs == Crs.BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))
    return lat, lng


def from_wgs84(lat: float, lng: float, crs: str) -> tuple[float, float]:
    if crs == Crs.GCJ02:
        return wgs84_to_gcj02(lat, lng)
    if crs == Crs.BD09:
        return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))
    return lat, lng
