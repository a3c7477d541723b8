"""Explicit datum transformations and projections for Vietnam's coordinate systems.

Every transformation here is a fixed PROJ pipeline with parameters chosen on purpose
(see data/SOURCES.md and the EPSG operation named beside each), so PROJ can never fall
back silently to a "ballpark" no-shift outside an EPSG area of use. The accuracy of each
is added to a position's precision, and positions outside the parameters' area of use get
a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from pyproj import Transformer


@dataclass(frozen=True)
class Datum:
    """A geodetic datum: its ellipsoid and the chosen transformation to WGS84."""

    code: str
    label: str
    ellipsoid: str  # PROJ ellipsoid name
    helmert: str  # PROJ helmert step arguments to WGS84 ("" for WGS84 itself)
    accuracy_m: float  # of the transformation inside its area of use
    area: tuple[float, float, float, float] | None  # lon_min, lat_min, lon_max, lat_max of the parameters
    outside_accuracy_m: float  # added when used outside that area
    source: str


WGS84 = Datum("wgs84", "WGS84 (GPS)", "WGS84", "", 0.0, None, 0.0, "")
VN2000 = Datum(
    "vn2000",
    "VN-2000",
    "WGS84",
    # EPSG "VN-2000 to WGS 84 (2)", all Vietnam onshore.
    "+x=-191.90441429 +y=-39.30318279 +z=-111.45032835 +rx=-0.00928836 +ry=0.01975479 +rz=-0.00427372 "
    "+s=0.252906278 +convention=coordinate_frame",
    1.0,
    None,
    0.0,
    "EPSG VN-2000 to WGS 84 (2)",
)
INDIAN1960 = Datum(
    "indian1960",
    "Indian 1960 (bản đồ Mỹ / VNCH thời chiến)",
    "evrst30",
    # EPSG "Indian 1960 to WGS 84 (2)": Vietnam onshore 14°N–18°N, accuracy 44 m. Used country-wide,
    # with a warning and a wider precision outside its area (no other parameters cover the rest).
    "+x=198 +y=881 +z=317",
    44.0,
    (102.0, 14.0, 110.0, 18.0),
    100.0,
    "EPSG Indian 1960 to WGS 84 (2)",
)
HANOI1972 = Datum(
    "hanoi1972",
    "Hà Nội 1972 (HN-72)",
    "krass",
    # EPSG "Hanoi 1972 to WGS 84 (1)", defined for the Vũng Tàu area only; the official HN-72 ↔
    # VN-2000 parameters are not public, so these are used everywhere, always with a warning.
    "+x=-17.51 +y=-108.32 +z=-62.39",
    5.0,
    (106.9, 10.2, 107.4, 10.6),
    70.0,
    "EPSG Hanoi 1972 to WGS 84 (1)",
)
DATUMS = {d.code: d for d in (WGS84, VN2000, INDIAN1960, HANOI1972)}


def get_datum(code: str) -> Datum:
    try:
        return DATUMS[code.lower().replace("-", "").replace(" ", "")]
    except KeyError:
        raise ValueError(f"datum must be one of {', '.join(DATUMS)}, got {code!r}") from None


@lru_cache(maxsize=16)
def _to_wgs84(code: str) -> Transformer:
    datum = DATUMS[code]
    return Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=cart +ellps={datum.ellipsoid} +step +proj=helmert {datum.helmert} "
        "+step +inv +proj=cart +ellps=WGS84 +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )


def to_wgs84(lon: float, lat: float, datum: Datum) -> tuple[float, float]:
    """Geographic lon/lat on `datum` to WGS84, with the datum's chosen parameters."""
    if datum.code == "wgs84":
        return lon, lat
    x, y, _ = _to_wgs84(datum.code).transform(lon, lat, 0.0)
    return x, y


def from_wgs84(lon: ArrayLike, lat: ArrayLike, datum: Datum) -> tuple:
    """WGS84 lon/lat to geographic lon/lat on `datum` (the inverse of to_wgs84); scalars or arrays."""
    if datum.code == "wgs84":
        return lon, lat
    height = 0.0 if np.isscalar(lon) else np.zeros(np.shape(lon))
    x, y, _ = _to_wgs84(datum.code).transform(lon, lat, height, direction="INVERSE")
    return x, y


def outside_area(lon: float, lat: float, datum: Datum) -> bool:
    if datum.area is None:
        return False
    x0, y0, x1, y1 = datum.area
    return not (x0 <= lon <= x1 and y0 <= lat <= y1)


@lru_cache(maxsize=64)
def _projection(proj: str) -> Transformer:
    return Transformer.from_pipeline(f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {proj}")


def project(lon: ArrayLike, lat: ArrayLike, proj: str) -> tuple:
    """Geographic lon/lat to easting/northing with a PROJ projection string; scalars or arrays."""
    return _projection(proj).transform(lon, lat)


def unproject(easting: float, northing: float, proj: str) -> tuple[float, float]:
    """Easting/northing to geographic lon/lat with a PROJ projection string."""
    return _projection(proj).transform(easting, northing, direction="INVERSE")


def utm_proj(zone: int, datum: Datum) -> str:
    return f"+proj=utm +zone={zone} +ellps={datum.ellipsoid}"


def tm3_proj(meridian: float) -> str:
    """VN-2000 TM-3 on a provincial central meridian (k0 0.9999, false easting 500 km)."""
    return f"+proj=tmerc +lat_0=0 +lon_0={meridian} +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84"


def gauss_kruger_proj(zone: int) -> str:
    """Hà Nội 1972 Gauss–Krüger: zone 18 (CM 105°) or 19 (CM 111°), k 1, easting prefixed by the zone."""
    return f"+proj=tmerc +lat_0=0 +lon_0={zone * 6 - 3} +k=1 +x_0={zone}500000 +y_0=0 +ellps=krass"
