"""A WGS84 point written in every system a search unit reads: decimal degrees, degrees-minutes-
seconds, VN-2000 X/Y on the province's TM-3 central meridian, and MGRS to the precision its
uncertainty allows.

VN-2000 comes from the project's declared transformation (geo.datums.VN2000, EPSG "VN-2000 to
WGS 84 (2)") and projection (geo.datums.tm3_proj), never from a transformation PROJ picks. The
meridian is the one EPSG assigns to the province of 2008–2025 (data/provinces_63.csv); a point
with no such province (abroad, or not yet placed) has no VN-2000 writing.

>>> n = written(16.803457, 107.094871, "VN-25")
>>> n.decimal, n.dms
('16.803457, 107.094871', '16°48\\'12.4"N 107°05\\'41.5"E')
>>> n.vn2000
"X = 1858673.41 m, Y = 589858.00 m (VN-2000, KTT 106°15')"
>>> n.mgrs, n.mgrs_cell_m
('48Q YD 23257 58992', 1)
>>> written(16.803457, 107.094871, "VN-25", uncertainty_m=150).mgrs
'48Q YD 232 589'
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass

import mgrs

from geo.admin import province_table_63
from geo.coords import dms, meridian_text, vn2000_xy
from geo.errors import GeoError

MGRS_DIGITS = 5  # per axis: 1 m cells
COARSEST_CELL_M = 10_000  # one digit per axis; a wider uncertainty still gets a 10 km square
_MGRS = re.compile(r"^(\d{1,2}[C-X])([A-HJ-NP-Z]{2})(\d*)$")


@dataclass(frozen=True)
class Notation:
    """One point in every notation; VN-2000 fields are None where the province has no meridian."""

    lat: float
    lon: float
    decimal: str  # WGS84, 6 decimals (about 0.1 m)
    dms: str  # WGS84 degrees, minutes, tenths of seconds
    mgrs: str  # WGS84 MGRS, grouped "48Q YD 23257 58992"
    mgrs_cell_m: int  # the side of the MGRS square written (1, 10, 100 … m)
    province_63: str | None
    meridian: float | None  # VN-2000 TM-3 central meridian, degrees
    vn2000_x: float | None  # northing, m
    vn2000_y: float | None  # easting, m

    @property
    def meridian_text(self) -> str:
        """The central meridian as Vietnamese maps write it (106°15'), "" without one."""
        return "" if self.meridian is None else meridian_text(self.meridian)

    @property
    def vn2000(self) -> str:
        """X and Y with the meridian they are on; "" without a meridian."""
        if self.vn2000_x is None or self.vn2000_y is None:
            return ""
        return f"X = {self.vn2000_x:.2f} m, Y = {self.vn2000_y:.2f} m (VN-2000, KTT {self.meridian_text})"


def mgrs_cell(uncertainty_m: float | None) -> int:
    """The MGRS square a point of this uncertainty is written to: the largest power of ten not
    above it, from 1 m to 10 km (no uncertainty known: 1 m).

    >>> [mgrs_cell(u) for u in (None, 0, 5, 30, 150, 999, 1000, 50_000)]
    [1, 1, 1, 10, 100, 100, 1000, 10000]
    """
    if uncertainty_m is None or not math.isfinite(uncertainty_m) or uncertainty_m < 10:
        return 1
    return int(min(10 ** math.floor(math.log10(uncertainty_m)), COARSEST_CELL_M))


def mgrs_text(lat: float, lon: float, cell_m: int = 1) -> str:
    """The MGRS reference of the square of `cell_m` holding the point, grouped as printed.

    >>> mgrs_text(21.0, 102.5, 10)
    '48Q TJ 4011 2418'
    """
    digits = MGRS_DIGITS - round(math.log10(cell_m))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the mgrs library warns on odd bands instead of failing
        reference = mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=digits)
    if isinstance(reference, bytes):
        reference = reference.decode("ascii")
    found = _MGRS.match(reference)
    if not found:
        raise GeoError(f"Không viết được tọa độ {lat:.6f}, {lon:.6f} theo MGRS.")
    zone, square, numbers = found.groups()
    half = len(numbers) // 2
    return " ".join(part for part in (zone, square, numbers[:half], numbers[half:]) if part)


def meridian_of(province_63: str | None) -> float | None:
    """The VN-2000 TM-3 central meridian of a province of 2008–2025 (its ISO code), or None.

    >>> meridian_of("VN-25"), meridian_of("VN-HN"), meridian_of(None)
    (106.25, 105.0, None)
    """
    if not province_63:
        return None
    rows = province_table_63()
    found = rows.loc[rows["iso"] == str(province_63), "tm3_meridian"]
    return None if found.empty else float(found.iloc[0])


def written(lat: float, lon: float, province_63_code: str | None, uncertainty_m: float | None = None) -> Notation:
    """The point in every notation; MGRS to the square its uncertainty allows (mgrs_cell).

    Raises GeoError for a latitude or longitude out of range (or not a number)."""
    if not (isinstance(lat, int | float) and isinstance(lon, int | float)) or not (
        math.isfinite(lat) and math.isfinite(lon) and -80 <= lat <= 84 and -180 <= lon <= 180
    ):
        raise GeoError(f"Tọa độ {lat!r}, {lon!r} nằm ngoài phạm vi viết được (vĩ độ −80…84°, kinh độ ±180°).")
    lat, lon = float(lat), float(lon)
    meridian = meridian_of(province_63_code)
    x = y = None
    if meridian is not None:
        northing, easting = vn2000_xy(lat, lon, meridian)
        x, y = round(float(northing), 2), round(float(easting), 2)
    cell = mgrs_cell(uncertainty_m)
    return Notation(
        lat=lat,
        lon=lon,
        decimal=f"{lat:.6f}, {lon:.6f}",
        dms=f"{dms(lat, 'N', 'S')} {dms(lon, 'E', 'W')}",
        mgrs=mgrs_text(lat, lon, cell),
        mgrs_cell_m=cell,
        province_63=province_63_code if meridian is not None else None,
        meridian=meridian,
        vn2000_x=x,
        vn2000_y=y,
    )
