"""Any coordinate text a chapter receives → a WGS84 Position, and back.

Reads decimal degrees (either order, "." or "," decimals), degrees-minutes(-seconds) in
English and Vietnamese notation (B/N/Đ/T, VĐ/KĐ), MGRS and wartime grid references
(with or without zone), UTM, VN-2000 X/Y on a provincial TM-3 meridian and Hà Nội 1972
Gauss–Krüger X/Y. Every result carries its system, its datum and a precision in metres
that includes the datum transformation's accuracy.
"""

from __future__ import annotations

import math
import re
import warnings as warnings_module
from dataclasses import dataclass, field

import mgrs
from numpy.typing import ArrayLike

from geo import datums
from geo.admin import UnknownPlace, in_territory, province_table_34, province_table_63, resolve_place
from geo.errors import GeoError
from geo.text import strip_marks

# A lon/lat box round the mainland, islands and archipelagos. The parser no longer uses it:
# it checks points against the territory (geo.admin.in_territory: Vietnam, Laos, Cambodia and
# their sea margin). Kept for callers that still want a box (layers/importers/reports.py).
VIETNAM = (102.0, 6.5, 117.5, 23.5)
METRES_PER_DEGREE = 111_320.0


class CoordinateError(GeoError, ValueError):
    """The text is not a coordinate this parser can read; the message says why (Vietnamese)."""


@dataclass(frozen=True)
class Position:
    """A point on WGS84 with where it came from and how far it can be trusted."""

    lat: float
    lon: float
    system: str  # wgs84_decimal, dms, ddm, mgrs, utm, vn2000_tm3, hanoi1972_gk
    datum: str  # the datum the text was read on
    precision_m: float
    warnings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "lat": round(self.lat, 7),
            "lon": round(self.lon, 7),
            "system": self.system,
            "datum": self.datum,
            "precision_m": round(self.precision_m, 1),
            "warnings": list(self.warnings),
        }


# -- helpers ------------------------------------------------------------------------


def _province_row(hint: str | None):
    """The 2008–2025 province row a hint names (a 34-province name gives its namesake)."""
    if not hint:
        return None
    try:
        place = resolve_place(hint)
    except UnknownPlace as exc:
        raise CoordinateError(str(exc.args[0])) from None
    t63 = province_table_63()
    t34 = province_table_34().set_index("name")
    if (t63["name"] == place.name).any():  # a 2008–2025 province by its own name
        rows = t63[t63["name"] == place.name]
    elif place.name in t34.index:  # one of today's 34: its namesake old province
        rows = t63[t63["iso"] == t34.loc[place.name, "code"]]
    elif place.provinces_63:
        rows = t63[t63["name"] == place.provinces_63[0]]
    else:
        names = [n for n in place.provinces_34 if n in t34.index]
        rows = t63[t63["iso"] == t34.loc[names[0], "code"]] if names else t63.iloc[0:0]
    return None if rows.empty else rows.iloc[0]


def _finish(lon: float, lat: float, system: str, datum: datums.Datum, precision: float, warnings: list[str]):
    """Transform to WGS84, add the transformation's accuracy and check the result lies in the
    territory (Vietnam, Laos, Cambodia, their sea margin and the archipelagos)."""
    if datum.code != "wgs84":
        outside = datums.outside_area(lon, lat, datum)
        precision += datum.outside_accuracy_m if outside else datum.accuracy_m
        if outside:
            warnings.append(
                f"Điểm nằm ngoài vùng áp dụng của tham số {datum.source}; sai số chuyển đổi có thể tới "
                f"{datum.outside_accuracy_m:.0f} m."
            )
        lon, lat = datums.to_wgs84(lon, lat, datum)
    if not in_territory(lon, lat):
        raise CoordinateError(f"Tọa độ ({lat:.5f}, {lon:.5f}) nằm ngoài lãnh thổ Việt Nam, Lào và Campuchia.")
    return Position(lat, lon, system, datum.code, precision, tuple(warnings))


def _normalise(text: str) -> str:
    text = text.strip().upper()
    for old, new in (
        ("’", "'"),
        ("′", "'"),
        ("‘", "'"),
        ("″", '"'),
        ("”", '"'),
        ("“", '"'),
        ("''", '"'),
        ("º", "°"),
        ("˚", "°"),
        ("Đ", "D"),
        ("–", "-"),
        ("—", "-"),
    ):
        text = text.replace(old, new)
    return text


# -- grid references (MGRS, wartime) ----------------------------------------------------

_GRID = re.compile(r"^(?:(\d{1,2})\s*([C-HJ-NP-X])\s*)?([A-HJ-NP-Z]{2})\s*(\d+)\s*(\d*)$")


# 100-km column letters repeat every three zones: S–Z in zone 48, A–H in 49, J–R in 50.
_ZONE_OF_COLUMN = {**dict.fromkeys("STUVWXYZ", 48), **dict.fromkeys("ABCDEFGH", 49), **dict.fromkeys("JKLMNPQR", 50)}
_BANDS = {"P": (8.0, 16.0), "Q": (16.0, 24.0), "N": (0.0, 8.0)}


def _grid_point(zone: int, band: str, square: str, digits: str, datum: datums.Datum) -> tuple[float, float, float]:
    """lon, lat on `datum` and the cell size in metres of one grid reference."""
    half = len(digits) // 2
    reference = f"{zone}{band}{square}{digits[:half]}{digits[half:]}"
    with warnings_module.catch_warnings():
        warnings_module.simplefilter("ignore")  # the mgrs library warns instead of failing on odd bands
        try:
            utm_zone, _, easting, northing = mgrs.MGRS().MGRSToUTM(reference)
        except Exception:  # noqa: BLE001 - the mgrs library raises bare errors for impossible squares
            raise CoordinateError(f"Lưới tọa độ: ô {square} không có ở múi {zone}{band}.") from None
    cell = 10 ** (5 - half)
    # The reference names the south-west corner of its cell: the point is the cell's centre.
    lon, lat = datums.unproject(easting + cell / 2, northing + cell / 2, datums.utm_proj(utm_zone, datum))
    return lon, lat, cell


def _parse_grid(text: str, datum: datums.Datum | None, province: str | None) -> Position | None:
    match = _GRID.match(text)
    if not match:
        return None
    zone, band, square, first, second = match.groups()
    digits = first + second
    if second and len(first) != len(second):
        raise CoordinateError(f"Lưới tọa độ «{text}»: hai nhóm số phải dài bằng nhau.")
    if len(digits) % 2 or not 4 <= len(digits) <= 10:
        raise CoordinateError(f"Lưới tọa độ «{text}» cần 4, 6, 8 hoặc 10 chữ số.")
    notes: list[str] = []
    if datum is None:
        # Grid references in witnesses' papers are copied from wartime US/RVN maps; GPS units give degrees.
        datum = datums.INDIAN1960
        notes.append(f"Không ghi hệ quy chiếu: coi là {datum.label}; nếu lấy từ máy GPS, hãy chọn WGS84.")
    if zone is None:
        zone = _ZONE_OF_COLUMN.get(square[0])
        if zone is None:
            raise CoordinateError(f"Lưới tọa độ «{text}»: ô {square} không thuộc múi nào của Việt Nam.")
        row = _province_row(province)
        bands = ["P" if float(row["capital_lat"]) < 16 else "Q"] if row is not None else ["P", "Q"]
        candidates, read = [], 0
        for b in bands:
            try:
                lon, lat, cell = _grid_point(int(zone), b, square, digits, datum)
            except CoordinateError:
                continue
            read += 1
            if in_territory(lon, lat):
                candidates.append((b, lon, lat, cell))
        if read and not candidates:
            zones = "/".join(f"{zone}{b}" for b in bands)
            raise CoordinateError(f"Lưới tọa độ «{text}» (múi {zones}) nằm ngoài lãnh thổ Việt Nam, Lào và Campuchia.")
        if len(candidates) != 1:
            raise CoordinateError(f"Lưới tọa độ «{text}» thiếu múi (48Q, 49P…): hãy cho biết tỉnh.")
        band, lon, lat, cell = candidates[0]
        notes.append(
            f"Múi {zone}{band} suy ra từ ô {square}" + (f" và tỉnh {row['name']}." if row is not None else ".")
        )
    else:
        lon, lat, cell = _grid_point(int(zone), band, square, digits, datum)
    low, high = _BANDS.get(band, (-90.0, 90.0))
    if not low - 0.1 <= lat <= high + 0.1:
        raise CoordinateError(f"Lưới tọa độ «{text}»: điểm ở vĩ độ {lat:.2f}°, không thuộc băng {band}.")
    # Writers truncate to the cell's corner and readers may not: allow the cell's diagonal.
    return _finish(lon, lat, "mgrs", datum, cell * math.sqrt(2), notes)


# -- UTM -----------------------------------------------------------------------------------

_UTM = re.compile(
    r"^(?:ZONE\s*)?(\d{1,2})\s*([C-HJ-NP-X](?!\d))?\s*[,;]?\s*E?\s*(\d{6}(?:\.\d+)?)\s*[,;]?\s*N?\s*(\d{7}(?:\.\d+)?)\s*(?:M)?$"
)


def _parse_utm(text: str, datum: datums.Datum | None) -> Position | None:
    match = _UTM.match(text)
    if not match:
        return None
    zone, band, easting, northing = match.groups()
    if not 47 <= int(zone) <= 50:
        raise CoordinateError(f"UTM «{text}»: múi {zone} không phủ Việt Nam (48, 49; 50 ở Trường Sa).")
    if band and band not in "NPQ":
        raise CoordinateError(f"UTM «{text}»: vùng {zone}{band} không ở Việt Nam.")
    datum = datum or datums.WGS84
    lon, lat = datums.unproject(float(easting), float(northing), datums.utm_proj(int(zone), datum))
    precision = 1.0 if "." not in easting else 0.1  # metres: whole or decimal metres, both axes
    return _finish(lon, lat, "utm", datum, precision, [])


# -- projected X/Y (VN-2000 TM-3, Hà Nội 1972 Gauss–Krüger) -------------------------------

_XY = re.compile(r"X\s*[:=]?\s*(\d{6,7}(?:[.,]\d+)?)\s*M?\s*[,;]?\s*Y\s*[:=]?\s*(\d{6,8}(?:[.,]\d+)?)\s*M?")
_MERIDIAN = re.compile(
    r"(?:KTT|KINH TUYEN TRUC|CM|MERIDIAN)\s*[:=]?\s*(\d{3})(?:[.,](\d+))?(?:\s*(?:°|DO)?\s*(\d{1,2})\s*'?)?"
)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _parse_xy(text: str, datum: datums.Datum | None, province: str | None) -> Position | None:
    match = _XY.search(text)
    if not match:
        return None
    x, y = _number(match.group(1)), _number(match.group(2))
    warnings: list[str] = []
    if y >= 10_000_000:  # Gauss–Krüger easting with its zone prefix: Hà Nội 1972
        zone = int(str(int(y))[:2])
        if zone not in (18, 19):
            raise CoordinateError(f"Y = {match.group(2)}: tiền tố múi phải là 18 hoặc 19 (HN-72).")
        lon, lat = datums.unproject(y, x, datums.gauss_kruger_proj(zone))
        return _finish(lon, lat, "hanoi1972_gk", datums.HANOI1972, 0.5, warnings)
    plain_text = _without_marks(text)
    if re.search(r"\bUTM\b|MUI\s*6", plain_text):  # VN-2000 topographic maps: UTM, 6° zones, k 0.9996
        zone_match = re.search(r"(?:MUI|ZONE)\s*(48|49)\b", plain_text)
        stated_cm = _MERIDIAN.search(plain_text)
        if zone_match:
            zone = int(zone_match.group(1))
        elif stated_cm and stated_cm.group(1) in ("105", "111"):
            zone = 48 if stated_cm.group(1) == "105" else 49
        else:
            row = _province_row(province)
            if row is None:
                raise CoordinateError("Tọa độ X/Y VN-2000 UTM cần múi (48, 49) hoặc tên tỉnh.")
            zone = 48 if float(row["capital_lon"]) < 108 else 49
            warnings.append(f"Múi UTM {zone} suy ra từ tỉnh {row['name']}.")
        lon, lat = datums.unproject(y, x, datums.utm_proj(zone, datums.VN2000))
        return _finish(lon, lat, "vn2000_utm", datums.VN2000, 0.5, warnings)
    stated = _MERIDIAN.search(plain_text)
    if stated:
        degrees, decimals, minutes = stated.groups()
        meridian = float(f"{degrees}.{decimals}") if decimals else int(degrees) + int(minutes or 0) / 60
        allowed = set(province_table_63()["tm3_meridian"].astype(float)) | {102.0, 105.0, 108.0, 111.0}
        if not any(abs(meridian - m) < 1e-6 for m in allowed):
            raise CoordinateError(f"Kinh tuyến trục {meridian_text(meridian)} không phải kinh tuyến VN-2000 nào.")
    else:
        row = _province_row(province)
        if row is None:
            raise CoordinateError("Tọa độ X/Y VN-2000 cần kinh tuyến trục (KTT) hoặc tên tỉnh.")
        meridian = float(row["tm3_meridian"])
        warnings.append(f"Kinh tuyến trục {meridian_text(meridian)} của tỉnh {row['name']} (TM-3).")
    if datum is not None and datum.code != "vn2000":
        warnings.append("Tọa độ X/Y theo múi 3° là của VN-2000; bỏ qua hệ quy chiếu đã chọn.")
    lon, lat = datums.unproject(y, x, datums.tm3_proj(meridian))
    return _finish(lon, lat, "vn2000_tm3", datums.VN2000, 0.5, warnings)


def _without_marks(text: str) -> str:
    """Upper case without Vietnamese diacritics, punctuation kept (106.25 stays a decimal)."""
    return strip_marks(text).upper()


def meridian_text(meridian: float) -> str:
    """A central meridian as Vietnamese maps write it: 105°45'."""
    degrees = int(meridian)
    return f"{degrees}°{round((meridian - degrees) * 60):02d}'"


# -- geographic: decimal, DMS, DDM ------------------------------------------------------------

_COMPONENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(°|'|\"|)")
_LAT_MARK = re.compile(r"\b(?:VD|VI DO|LAT)\b|[BNS]\b|[BNS](?=\s|$)")
_LABELLED = re.compile(r"^(VD|KD)\s*(.+?)\s*[,;]?\s*(VD|KD)\s*(.+)$")
_HEMISPHERE_HALVES = (  # letters after each number ("16 45 B, 107 11 Đ") or before it ("B 16 45 Đ 107 11")
    (re.compile(r"^(.+?)\s*([BNSDEWT])\s*[,;]?\s*(.+?)\s*([BNSDEWT])$"), (0, 1, 2, 3)),
    (re.compile(r"^([BNSDEWT])\s*(.+?)\s*[,;]?\s*([BNSDEWT])\s*(.+)$"), (1, 0, 3, 2)),
)
_LETTERS = re.compile(r"(?<![A-Z])([NSEWBDT])(?![A-Z])")
_VD_KD = re.compile(r"\bVD\b|\bKD\b")
_NUMBER_PAIR = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*[,;\s]\s*([+-]?\d+(?:\.\d+)?)$")
_COMMA_DECIMAL_PAIR = re.compile(r"^([+-]?\d+,\d+)\s*[;\s]\s*([+-]?\d+,\d+)$")
_SOUTH = re.compile(r"[S]\b")
_NAM = re.compile(r"(?<![A-Z])N\b")
_WEST = re.compile(r"(?<![A-Z])W\b")
_TAY = re.compile(r"(?<![A-Z])T\b")
_LABEL = re.compile(r"[BNSDEWT]\b|\bVD\b|\bKD\b")


def _split_halves(text: str) -> tuple[str, str, bool] | None:
    """Two halves of a lat/lon text and whether they came in lon-first order."""
    labelled = _LABELLED.match(text)
    if labelled:
        a_label, a, _, b = labelled.groups()
        return (a, b, False) if a_label == "VD" else (b, a, True)
    for pattern, order in _HEMISPHERE_HALVES:
        found = pattern.match(text)
        if found:
            groups = found.groups()
            a, a_h, b, b_h = (groups[i] for i in order)
            if a_h in "BNS" and b_h in "DEWT":
                return a, b, False
            if a_h in "DEWT" and b_h in "BNS":
                return b, a, True
    return None


def _angle(text: str) -> tuple[float, float, str]:
    """Degrees from '16°45'04"', '16 45 04', '16°45.07'' or '16.7469'; with precision (m) and kind."""
    parts = _COMPONENT.findall(text.strip())
    leftover = _COMPONENT.sub("", text).strip(" ,;")
    if not parts or leftover:
        raise CoordinateError(f"Không đọc được «{text.strip()}» thành độ, phút, giây.")
    values = [_number(v) for v, _ in parts]
    if len(values) > 3:
        raise CoordinateError(f"«{text.strip()}» có quá nhiều số cho một tọa độ.")
    last = parts[-1][0].replace(",", ".")
    decimals = len(last.split(".")[1]) if "." in last else 0
    if len(values) == 1:
        return values[0], METRES_PER_DEGREE * 10**-decimals, "wgs84_decimal"
    if any(v >= 60 for v in values[1:]):
        raise CoordinateError(f"«{text.strip()}»: phút và giây phải nhỏ hơn 60.")
    if len(values) == 2:
        return values[0] + values[1] / 60, 1852 * 10**-decimals, "ddm"
    return values[0] + values[1] / 60 + values[2] / 3600, 30.9 * 10**-decimals, "dms"


def _parse_geographic(text: str, datum: datums.Datum | None) -> Position | None:
    warnings: list[str] = []
    halves = _split_halves(text)
    letters = set(_LETTERS.findall(text))
    vietnamese = bool(letters & {"B", "D", "T"}) or bool(_VD_KD.search(text))
    if halves is None:
        numbers = _NUMBER_PAIR.match(text) or _COMMA_DECIMAL_PAIR.match(text)
        if not numbers:
            return None
        a, b = numbers.groups()
        swapped = abs(_number(a)) > 90
        halves = (b, a, True) if swapped else (a, b, False)
    lat_text, lon_text, swapped = halves
    lat, lat_precision, kind = _angle(lat_text)
    lon, lon_precision, _ = _angle(lon_text)
    if abs(lat) > 90 and abs(lon) > 90 or abs(lat) > 180 or abs(lon) > 180:
        raise CoordinateError(f"«{text.strip()[:60]}»: số quá lớn cho vĩ độ (±90°) và kinh độ (±180°).")
    if _SOUTH.search(text) or (vietnamese and _NAM.search(text)):
        lat = -lat  # south: Vietnamese "N" is Nam
    if _WEST.search(text) or (vietnamese and _TAY.search(text)):
        lon = -lon
    if not halves_were_labelled(text) and 100 <= lat <= 118 and 6 <= lon <= 24:
        lat, lon, swapped = lon, lat, True
    if swapped:
        warnings.append("Vĩ độ và kinh độ bị đảo thứ tự; đã đổi lại.")
    if datum is None:
        datum = datums.WGS84
    return _finish(lon, lat, kind, datum, max(lat_precision, lon_precision), warnings)


def halves_were_labelled(text: str) -> bool:
    return bool(_LABEL.search(text))


# Two unsigned decimal numbers of at most three whole digits ("16.7469, 107.1944", "16.7 107.2"):
# what GPS units and map apps give, and most rows of a chapter's file. Without letters, signs or
# long digit runs no grid, UTM or X/Y pattern can match such a text, so parse() sends it straight
# to the geographic reader instead of trying the others first.
PLAIN_DECIMALS = re.compile(r"[0-9]{1,3}(?:\.[0-9]+)?\s*[,;\s]\s*[0-9]{1,3}(?:\.[0-9]+)?")


# -- the public functions ------------------------------------------------------------------


def parse(text: str, datum: str | None = None, province: str | None = None) -> Position:
    """Read a coordinate in any of the supported forms.

    `datum` (wgs84, indian1960, hanoi1972, vn2000) is what the text was read on when the text
    itself does not say; `province` (a name of any era) supplies a missing grid zone or TM-3
    meridian. Raises CoordinateError with a one-line Vietnamese reason.

    >>> p = parse("16°44'49\\"N 107°11'40\\"E")
    >>> (round(p.lat, 4), round(p.lon, 4), p.system)
    (16.7469, 107.1944, 'dms')
    """
    if text is None or not str(text).strip():
        raise CoordinateError("Ô tọa độ trống.")
    if len(str(text)) > 200:
        raise CoordinateError("Chuỗi tọa độ quá dài (hơn 200 ký tự).")
    chosen = datums.get_datum(datum) if datum else None
    stripped = str(text).strip()
    if PLAIN_DECIMALS.fullmatch(stripped):  # digits and separators only: _normalise would not change it
        return _parse_geographic(stripped, chosen)
    norm = _normalise(stripped)
    compact = re.sub(r"[\s.]+", " ", norm).strip()
    for attempt in (
        lambda: _parse_xy(norm, chosen, province),
        lambda: _parse_grid(compact, chosen, province),
        lambda: _parse_utm(compact, chosen),
        lambda: _parse_geographic(norm, chosen),
    ):
        position = attempt()
        if position is not None:
            return position
    raise CoordinateError(f"«{str(text).strip()[:60]}» không phải là tọa độ đọc được.")


def dms(value: float, positive: str, negative: str) -> str:
    """One coordinate in degrees, minutes and seconds with a hemisphere letter.

    >>> dms(16.7469, "N", "S")
    '16°44\\'48.8"N'
    """
    hemisphere = positive if value >= 0 else negative
    total = round(abs(value) * 36000)  # tenths of a second, rounded once
    degrees, rest = divmod(total, 36000)
    minutes, tenths = divmod(rest, 600)
    return f"{degrees}°{minutes:02d}'{tenths / 10:04.1f}\"{hemisphere}"


def vn2000_xy(lat: ArrayLike, lon: ArrayLike, meridian: float) -> tuple:
    """WGS84 points as VN-2000 TM-3 X (northing) and Y (easting) in metres on a central meridian.

    >>> x, y = vn2000_xy(16.75, 107.18, 106.25)
    >>> round(x), round(y)
    (1852798, 598960)
    """
    vlon, vlat = datums.from_wgs84(lon, lat, datums.VN2000)
    easting, northing = datums.project(vlon, vlat, datums.tm3_proj(meridian))
    return northing, easting


def format_position(lat: float, lon: float, system: str, province: str | None = None) -> str:
    """A WGS84 point written in `system`: wgs84_decimal, dms, mgrs, utm or vn2000_tm3."""
    if system == "wgs84_decimal":
        return f"{lat:.6f}, {lon:.6f}"
    if system == "dms":
        return f"{dms(lat, 'N', 'S')} {dms(lon, 'E', 'W')}"
    if system == "mgrs":
        ref = mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=5)
        return f"{ref[:3]} {ref[3:5]} {ref[5:10]} {ref[10:]}"
    if system == "utm":
        zone = int((lon + 180) // 6) + 1
        easting, northing = datums.project(lon, lat, datums.utm_proj(zone, datums.WGS84))
        return f"{zone}N {easting:.0f} {northing:.0f}"
    if system == "vn2000_tm3":
        row = _province_row(province)
        if row is None:
            raise CoordinateError("Cần tên tỉnh để viết tọa độ VN-2000 theo kinh tuyến trục.")
        meridian = float(row["tm3_meridian"])
        x, y = vn2000_xy(lat, lon, meridian)
        return f"X = {x:.2f} m, Y = {y:.2f} m (VN-2000, KTT {meridian_text(meridian)})"
    raise ValueError(f"system must be wgs84_decimal, dms, mgrs, utm or vn2000_tm3, got {system!r}")
