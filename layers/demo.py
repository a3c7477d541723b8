"""Deterministic synthetic demo data: witness reports and search trips of the reference chapters.

Every record is flagged `is_demo` and the UI says "Dữ liệu mẫu". Reports cluster
around the sourced battlefields and routes in data/battlefields.csv, with periods
inside each site's years; names are assembled from common Vietnamese family, middle
and given names, with a list of well-known real martyrs excluded.

The demo also tells how each report came to its status: every report past "new" arrived as
"new" and took the workflow's steps (layers.workflow.STEPS) between the day it was received and
DEMO_UNTIL, before the trip that searched for it and after the trip for what follows a search,
each step by a demo account of a role that may take it, so that the campaign's figures, counted
from the history, have something to count in every period.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from geo.admin import places, province_table_34, province_table_63, provinces_at
from geo.communes import commune_label
from geo.spatial import METRES_PER_DEGREE
from geo.text import strip_marks
from layers.campaign import CAMPAIGN_START, VIETNAM
from layers.chapters import reference_chapters
from layers.places import admin_columns, area_of
from layers.reference import battlefield_table
from layers.users import DEMO_USERS
from layers.workflow import STEPS, step_for

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Lương",
    "Mai",
    "Cao",
    "Tạ",
    "Hà",
    "Thái",
]
MIDDLE_M = ["Văn", "Đình", "Hữu", "Xuân", "Đức", "Minh", "Quang", "Công", "Thanh", "Bá", "Ngọc", "Trọng"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Kim", "Hồng", "Thu"]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Sơn",
    "Hải",
    "Tâm",
    "Bình",
    "An",
    "Hòa",
    "Thắng",
    "Lợi",
    "Tuấn",
    "Nam",
    "Cường",
    "Tiến",
    "Phúc",
    "Lâm",
    "Quý",
    "Khoa",
    "Thành",
    "Trung",
    "Hiếu",
    "Long",
    "Vinh",
    "Toàn",
]
GIVEN_F = [
    "Lan",
    "Hoa",
    "Hương",
    "Mai",
    "Nga",
    "Hạnh",
    "Xuân",
    "Thủy",
    "Liên",
    "Yến",
    "Cúc",
    "Đào",
    "Nhung",
    "Loan",
    "Huệ",
    "Vân",
    "Thảo",
    "Sen",
    "Phượng",
    "Tuyết",
]
# Well-known real martyrs whose names must never appear in demo data.
REAL_MARTYRS = frozenset(
    {
        "Võ Thị Tần",
        "Hà Thị Xanh",
        "Nguyễn Thị Xuân",
        "Trần Thị Rạng",
        "Dương Thị Xuân",
        "Võ Thị Hà",
        "Hồ Thị Cúc",
        "Nguyễn Thị Nhỏ",
        "Võ Thị Hợi",
        "Trần Thị Hường",
        "Đặng Thùy Trâm",
        "Võ Thị Sáu",
        "Nguyễn Văn Trỗi",
        "Lý Tự Trọng",
        "Phan Đình Giót",
        "Tô Vĩnh Diện",
        "Bế Văn Đàn",
        "Cù Chính Lan",
        "Nguyễn Viết Xuân",
        "La Thị Tám",
        "Trần Thị Lý",
        "Nguyễn Thị Định",
    }
)
TNXP_UNITS = [
    "C552",
    "C317",
    "C217",
    "C100",
    "C202",
    "Đội 65",
    "Đội 241",
    "Đội 25",
    "Đội 163",
    "N300",
    "Tổng đội TNXP Nghệ An",
    "Tổng đội TNXP Hà Tĩnh",
    "Tổng đội TNXP Quảng Bình",
    "Tổng đội TNXP Thanh Hóa",
    "Tổng đội TNXP giải phóng miền Nam",
]
ARMY_UNITS = {
    "us": [
        "Sư đoàn 304",
        "Sư đoàn 308",
        "Sư đoàn 320",
        "Sư đoàn 324",
        "Sư đoàn 325",
        "Sư đoàn 312",
        "Sư đoàn 9",
        "Sư đoàn 5",
        "Sư đoàn 7",
        "Trung đoàn 27",
        "Trung đoàn 48",
        "Đoàn 559",
    ],
    "france": [
        "Đại đoàn 308",
        "Đại đoàn 312",
        "Đại đoàn 316",
        "Đại đoàn 304",
        "Trung đoàn 174",
        "Đội 34",
        "Đội 40",
    ],
    "north": ["Sư đoàn 313", "Sư đoàn 356", "Sư đoàn 316", "Sư đoàn 345", "Trung đoàn 876"],
    "southwest": ["Sư đoàn 330", "Sư đoàn 341", "Sư đoàn 9", "Quân đoàn 4", "Trung đoàn 2"],
}
LANDMARKS = [
    "gốc cây đa",
    "bờ suối",
    "chân đồi",
    "trạm phẫu cũ",
    "hang đá",
    "ngã ba đường mòn",
    "bãi bồi ven sông",
    "bìa rừng le",
    "nền nhà kho cũ",
    "khe núi",
    "ruộng bậc thang",
    "cầu tràn",
]
DIRECTIONS = ["bắc", "nam", "đông", "tây", "đông bắc", "tây nam", "đông nam", "tây bắc"]
SEASONS = ["mùa khô {y}", "mùa mưa {y}", "khoảng năm {y}", "Tết Mậu Thân", "cuối năm {y}", "đầu năm {y}"]
RELATIONS = ["đồng đội", "người dân địa phương", "anh trai", "em gái", "con", "cháu", "cán bộ xã"]
STATUS_P = {
    "new": 0.30,
    "verifying": 0.22,
    "verified": 0.15,
    "planned": 0.10,
    "searched_not_found": 0.10,
    "remains_found": 0.07,
    "identified": 0.02,
    "duplicate": 0.04,
}
CHANNEL_P = {"meeting": 0.35, "phone": 0.25, "letter": 0.10, "zalo": 0.20, "form": 0.10}
CONFIDENCE_P = {"low": 0.4, "medium": 0.4, "high": 0.2}
HOMETOWN_WEIGHT = {"Nghệ An": 6, "Hà Tĩnh": 5, "Thanh Hóa": 6, "Quảng Bình": 4, "Thái Bình": 4, "Nam Định": 3}
WAR_YEARS = {"france": (1946, 1954), "us": (1959, 1975), "southwest": (1975, 1989), "north": (1979, 1989)}
REMAINS = [1, 1, 1, 1, 2, 2, 3, 5, 8, 12]
SWEEPS = [15.0, 20.0, 25.0, 30.0, 40.0]
RECEIVED_UNTIL = date(2026, 11, 20)
DEMO_UNTIL = date(2026, 11, 25)  # the demo's story: every step it tells was taken by this day
WORK_HOURS = (8, 17)  # steps are taken in office hours, Vietnam time
OUTCOMES = ("searched_not_found", "remains_found")  # steps a search trip takes
STEP_NOTE = "Dữ liệu mẫu: đã gọi lại nhân chứng, lời kể khớp"  # for the steps that need a note
STEP_COLUMNS = ("report_id", "source", "target", "at", "actor", "note")  # a step: at in UTC, by a demo account
# Trips already made (April – mid-November 2026) and trips planned (December 2026 – June 2027).
DONE_START, DONE_DAYS = date(2026, 4, 1), 228
PLAN_START, PLAN_DAYS = date(2026, 12, 1), 211
EARTH_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class DemoData:
    reports: list[dict]
    trips: list[dict]
    steps: pd.DataFrame  # the reports' workflow steps (STEP_COLUMNS), each report's oldest first
    # Pairs (first told, told again): the same grave told by another witness, in other words.
    retold: list[tuple[str, str]] = field(default_factory=list)


def _uuids(rng: np.random.Generator, n: int) -> list[str]:
    raw = rng.bytes(16 * n)
    return [str(uuid.UUID(bytes=raw[16 * i : 16 * i + 16], version=4)) for i in range(n)]


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> list[str]:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def _take(items: list[str], u: np.ndarray) -> list[str]:
    """Items chosen by uniforms in [0, 1): one draw per element of u."""
    return [items[i] for i in (u * len(items)).astype(int)]


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """n invented Vietnamese names (family + middle + given), none of them in REAL_MARTYRS."""
    female = rng.random(n) < 0.3
    u = rng.random((n, 3))
    fam = _take(FAMILY, u[:, 0])
    mid = [
        MIDDLE_F[int(x * len(MIDDLE_F))] if f else MIDDLE_M[int(x * len(MIDDLE_M))]
        for f, x in zip(female, u[:, 1], strict=True)
    ]
    giv = [
        GIVEN_F[int(x * len(GIVEN_F))] if f else GIVEN_M[int(x * len(GIVEN_M))]
        for f, x in zip(female, u[:, 2], strict=True)
    ]
    names = [f"{a} {b} {c}" for a, b, c in zip(fam, mid, giv, strict=True)]
    for i, name in enumerate(names):
        while name in REAL_MARTYRS:
            name = person_names(rng, 1)[0]
        names[i] = name
    return names


def _anchors() -> pd.DataFrame:
    df = battlefield_table()
    # Sites at sea (Cồn Cỏ island) would put every scattered report in the water.
    offshore = provinces_at(df["lon"].fillna(0), df["lat"].fillna(0))["offshore_m"].fillna(1).to_numpy() > 0
    df = df[df["lat"].notna() & ~offshore].copy()
    df["war_code"] = (
        df["war"]
        .str.lower()
        .map(
            lambda w: (
                "france"
                if "france" in w and "us" not in w
                else "north"
                if "northern" in w
                else "southwest"
                if "southwest" in w
                else "us"
            )
        )
    )
    df["y0"] = pd.to_numeric(df["period_start"], errors="coerce").fillna(1965).astype(int)
    df["y1"] = pd.to_numeric(df["period_end"], errors="coerce").fillna(df["y0"]).astype(int)
    # A cemetery's own years are when it was built; its dead fell in the war it serves.
    built = df["kind"].str.contains("cemetery")
    df.loc[built, "y0"] = df.loc[built, "war_code"].map(lambda w: WAR_YEARS[w][0])
    df.loc[built, "y1"] = df.loc[built, "war_code"].map(lambda w: WAR_YEARS[w][1])
    df["spread_m"] = np.where(df["kind"].str.contains("route"), 9000.0, 3500.0)
    df["weight"] = np.where(df["province_34"] == "VN-25", 3.0, 1.0) * np.where(df["kind"] == "cemetery", 0.3, 1.0)
    return df.reset_index(drop=True)


def _scatter(rng, lon0, lat0, spread_m):
    dist = rng.exponential(spread_m)
    bearing = rng.uniform(0, 2 * np.pi, size=len(lon0))
    dlat = dist * np.cos(bearing) / EARTH_M_PER_DEG
    dlon = dist * np.sin(bearing) / (EARTH_M_PER_DEG * np.cos(np.radians(lat0)))
    return lon0 + dlon, lat0 + dlat


def _locate(rng, anchors, idx):
    """Scatter points around their anchors; points that fall outside Vietnam are drawn again."""
    a = anchors.iloc[idx]
    lon0, lat0, spread = a["lon"].to_numpy(), a["lat"].to_numpy(), a["spread_m"].to_numpy()
    lon, lat = _scatter(rng, lon0, lat0, spread)
    where = provinces_at(lon, lat)
    for _ in range(6):
        bad = where["province_63"].isna().to_numpy() | (where["offshore_m"].fillna(0).to_numpy() > 0)
        if not bad.any():
            break
        lon[bad], lat[bad] = _scatter(rng, lon0[bad], lat0[bad], spread[bad] / 2)
        where.loc[bad] = provinces_at(lon[bad], lat[bad]).set_index(np.flatnonzero(bad))
    bad = where["province_63"].isna().to_numpy()
    lon[bad], lat[bad] = lon0[bad], lat0[bad]
    where.loc[bad] = provinces_at(lon[bad], lat[bad]).set_index(np.flatnonzero(bad))
    return lon, lat, where


def _historical_names_by_province() -> dict[str, list[str]]:
    codes = province_table_34().set_index("name")["code"]
    out: dict[str, list[str]] = {}
    for p in places():
        if p.era.startswith(("34", "63")) or len(p.provinces_34) > 3:
            continue
        for name in p.provinces_34:
            out.setdefault(codes[name], []).append((p.aliases or (p.name,))[0])
    return out


def _period(u: np.ndarray, y0: int, y1: int) -> tuple[int | None, int | None, str]:
    """A period drawn from four uniforms: unknown, one year, a season, or a span."""
    r = u[0]
    if r < 0.12:
        return None, None, "không nhớ năm"
    year = y0 + int(u[1] * (y1 - y0 + 1))
    if r < 0.55:
        return year, year, str(year)
    if r < 0.8:
        text = SEASONS[int(u[2] * len(SEASONS))]
        if text == "Tết Mậu Thân":
            return 1968, 1968, "Tết Mậu Thân 1968"
        return year, year, text.format(y=year)
    end = min(y1, year + 1 + int(u[3] * 2))
    return year, end, (f"{year}–{end}" if end > year else f"khoảng năm {year}")


def _unit(u: np.ndarray, war: str) -> str:
    """A unit name drawn from two uniforms, with real naming patterns."""
    r, x = u
    if r < 0.35:
        return TNXP_UNITS[int(x * len(TNXP_UNITS))]
    if r < 0.75:
        units = ARMY_UNITS[war]
        return units[int(x * len(units))]
    if r < 0.9:
        return f"C{100 + int(x * 900)}"
    return f"Tiểu đoàn {1 + int(x * 19)}"


def _dms(v: float) -> str:
    d = int(v)
    m = int((v - d) * 60)
    return f"{d}°{m:02d}'{(v - d - m / 60) * 3600:04.1f}\""


def _coord_text(as_dms: bool, lon: float, lat: float) -> tuple[str, str]:
    if as_dms:
        return f"{_dms(lat)}N {_dms(lon)}E", "wgs84_dms"
    return f"{lat:.5f}, {lon:.5f}", "wgs84_decimal"


def reports(rng: np.random.Generator, n: int, chapter_ids: dict[str, str]) -> list[dict]:
    """n demo reports clustered around the sourced battlefields."""
    anchors = _anchors()
    idx = rng.choice(len(anchors), size=n, p=(anchors["weight"] / anchors["weight"].sum()).to_numpy())
    lon, lat, where = _locate(rng, anchors, idx)
    lon, lat = np.round(lon, 6), np.round(lat, 6)
    points = shapely.points(lon, lat)
    ids = _uuids(rng, n)
    statuses = _pick(rng, STATUS_P, n)
    channels = _pick(rng, CHANNEL_P, n)
    confidence = _pick(rng, CONFIDENCE_P, n)
    radius = np.round(np.exp(rng.uniform(np.log(20), np.log(3000), size=n)), 1).tolist()
    located = (rng.random(n) >= 0.08).tolist()
    hist = _historical_names_by_province()
    hometowns = province_table_63()["name"].tolist()
    home_w = np.array([HOMETOWN_WEIGHT.get(h, 1.0) for h in hometowns])
    home = [hometowns[i] for i in rng.choice(len(hometowns), size=n, p=home_w / home_w.sum())]
    u = rng.random((n, 16))
    n_names = np.where(u[:, 0] < 0.2, 0, np.where(u[:, 1] < 0.1, 2, 1))
    pool = iter(person_names(rng, int(n_names.sum()) + n))
    anchor_rows = anchors[["name_vi", "war_code", "y0", "y1"]].to_dict("records")
    p34s, p63s = where["province_34"].tolist(), where["province_63"].tolist()
    out = []
    for i in range(n):
        a, row, p34 = anchor_rows[idx[i]], u[i], p34s[i]
        y_from, y_to, period_text = _period(row[2:6], int(a["y0"]), int(a["y1"]))
        names = "; ".join(next(pool) for _ in range(n_names[i])) or "Chưa rõ tên"
        place = (
            f"Cách {LANDMARKS[int(row[6] * len(LANDMARKS))]} khoảng {20 + int(row[7] * 38) * 10} m "
            f"về phía {DIRECTIONS[int(row[8] * len(DIRECTIONS))]}, gần {a['name_vi']}"
        )
        coord_text, system = _coord_text(row[9] < 0.4, lon[i], lat[i]) if located[i] else ("", "")
        places_here = hist.get(p34, [])
        out.append(
            {
                "id": ids[i],
                "martyr_names": names,
                "hometown": home[i],
                "birth_year": (y_from or 1968) - 17 - int(row[10] * 13) if n_names[i] and row[11] < 0.6 else None,
                "unit": _unit(row[12:14], a["war_code"]),
                "year_from": y_from,
                "year_to": y_to,
                "period_text": period_text,
                "place_description": place,
                "historical_place": places_here[int(row[14] * len(places_here))]
                if places_here and row[15] < 0.5
                else "",
                "province_34": p34,
                "province_63": p63s[i],
                "coord_text": coord_text,
                "coord_system": system,
                "coord_datum": "wgs84" if located[i] else None,
                "uncertainty_m": radius[i] if located[i] else None,
                "remains_count": REMAINS[int(row[1] * 97) % len(REMAINS)],
                "witness_name": next(pool),
                "witness_phone": f"0123 4{int(row[13] * 10**6):06d}",
                "witness_address": f"Thôn {1 + int(row[7] * 14)}, {home[(i * 7919) % n]}",
                "witness_relation": RELATIONS[int(row[8] * 7919) % len(RELATIONS)],
                "source_channel": channels[i],
                "chapter_id": chapter_ids.get(p34),
                "status": statuses[i],
                "confidence": confidence[i],
                "notes": "Dữ liệu mẫu",
                "private_notes": "",
                "is_demo": True,
                "geometry": points[i] if located[i] else None,
            }
        )
    _place_below_province(out, lon, lat, located)
    return out


def _place_below_province(out: list[dict], lon: np.ndarray, lat: np.ndarray, located: list[bool]) -> None:
    """District and communes of each report, as the importer gives them: of the point for a located
    report; for three in four of the others, the witness names the commune (and its district) of
    the point they did not give, and the report gets that commune's approximate area."""
    admin = admin_columns(lon.tolist(), lat.tolist())
    for i, (record, fields) in enumerate(zip(out, admin, strict=True)):
        if located[i]:
            record.update(fields)
            continue
        if i % 4 and fields["commune_63"]:
            record["place_description"] += f", {commune_label(fields['commune_63'])}"
        area, _ = area_of(record, record["province_34"])
        record.update({k: v for k, v in area.items() if k not in ("province_34", "province_63")})


RETOLD_SHARE = 100  # one report in this many is another witness's account of an earlier one's grave
# What the second account shares with the first (the case work too, so joining them changes no status).
_RETOLD_FIELDS = (
    "year_from",
    "year_to",
    "period_text",
    "historical_place",
    "province_34",
    "province_63",
    "hometown",
    "chapter_id",
    "status",
)


def _spelled_otherwise(names: str, u: float) -> str:
    """Names as another witness writes them: without diacritics, or with a middle name cut short."""
    if u < 0.5:
        return strip_marks(names)
    parts = names.split(" ")
    return " ".join([parts[0], f"{parts[1][0]}.", *parts[2:]]) if len(parts) > 2 else names


def _unit_otherwise(unit: str) -> str:
    """A company code as said aloud ("C552" → "Đại đội 552"); other units as written."""
    return f"Đại đội {unit[1:]}" if unit[:1] == "C" and unit[1:].isdigit() else unit


def retell(rng: np.random.Generator, report_list: list[dict]) -> list[tuple[str, str]]:
    """Make one report in RETOLD_SHARE another witness's account of an earlier located report's
    grave: the martyr's names spelled otherwise, the unit said otherwise, the same years and
    place and chapter and status, a point 150–400 m away; the witness and channel stay its own.
    Returns the (first told, told again) pairs."""
    n = len(report_list)
    count = n // RETOLD_SHARE
    if count < 1:
        return []
    named = [
        i
        for i in range(n - count)
        if report_list[i]["geometry"] is not None and "Chưa rõ" not in report_list[i]["martyr_names"]
    ]
    if not named:
        return []
    pairs = []
    for k, echo in enumerate(range(n - count, n)):
        first = report_list[named[int(rng.integers(len(named)))]]
        again = report_list[echo]
        u = rng.random(3)
        again.update({name: first[name] for name in _RETOLD_FIELDS})
        again["martyr_names"] = _spelled_otherwise(first["martyr_names"], u[0])
        again["unit"] = _unit_otherwise(first["unit"])
        again["place_description"] = first["place_description"].split(",")[0].lower()
        distance, heading = 150 + 250 * u[1], 2 * np.pi * u[2]
        lon0, lat0 = first["geometry"].x, first["geometry"].y
        lat = lat0 + distance * np.cos(heading) / METRES_PER_DEGREE
        lon = lon0 + distance * np.sin(heading) / (METRES_PER_DEGREE * np.cos(np.radians(lat0)))
        again["geometry"] = shapely.Point(round(float(lon), 6), round(float(lat), 6))
        again["coord_text"], again["coord_system"] = _coord_text(k % 2 == 0, round(float(lon), 6), round(float(lat), 6))
        again["coord_datum"], again["uncertainty_m"] = "wgs84", float(round(100 + 300 * u[1]))
        _place_below_province([again], np.array([again["geometry"].x]), np.array([again["geometry"].y]), [True])
        pairs.append((first["id"], again["id"]))
    return pairs


def _track(rng, lon0: float, lat0: float) -> LineString:
    steps = int(rng.integers(60, 300))
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, 0.25, steps))
    step_m = rng.uniform(8, 25, steps)
    lat = lat0 + np.cumsum(step_m * np.cos(heading)) / EARTH_M_PER_DEG
    lon = lon0 + np.cumsum(step_m * np.sin(heading)) / (EARTH_M_PER_DEG * np.cos(np.radians(lat0)))
    return LineString(np.round(np.column_stack([lon, lat]), 6))


def trips(rng: np.random.Generator, report_list: list[dict], n: int) -> list[dict]:
    """n demo search trips: GPS tracks starting near reports, dated April 2026 – June 2027."""
    candidates = [
        r
        for r in report_list
        if r["geometry"] is not None
        and r["status"] in ("planned", "searched_not_found", "remains_found", "identified", "verified")
    ]
    out = []
    for k in range(n):
        r = candidates[int(rng.integers(len(candidates)))]
        start = r["geometry"]
        offset = _scatter(rng, np.array([start.x]), np.array([start.y]), np.array([400.0]))
        found = r["status"] in ("remains_found", "identified")
        done = found or r["status"] == "searched_not_found"
        start_day, days = (DONE_START, DONE_DAYS) if done else (PLAN_START, PLAN_DAYS)
        day = start_day + timedelta(days=int(rng.integers(0, days)))
        trip_id = _uuids(rng, 1)[0]
        outcome = "remains_found" if found else ("nothing_found" if done else "planned")
        out.append(
            {
                "id": trip_id,
                "name": f"Chuyến {k + 1:04d}",
                "chapter_id": r["chapter_id"],
                "team": f"Đội tìm kiếm số {int(rng.integers(1, 12))}",
                "date_from": day,
                "date_to": day + timedelta(days=int(rng.integers(0, 4))),
                "sweep_width_m": SWEEPS[int(rng.integers(len(SWEEPS)))],
                "outcome": outcome,
                "remains_found": r["remains_count"] if found else 0,
                "linked_report_ids": [r["id"]],
                "province_34": r["province_34"],
                "province_63": r["province_63"],
                "notes": "Dữ liệu mẫu",
                "is_demo": True,
                "geometry": _track(rng, float(offset[0][0]), float(offset[1][0])),
            }
        )
    return out


def generate(n_reports: int = 2000, seed: int = 7) -> DemoData:
    """The whole demo data set; the same (n_reports, seed) always gives the same records."""
    if n_reports < 1:
        raise ValueError("n_reports must be at least 1")
    rng = np.random.default_rng(seed)
    chapter_ids = {c["province_34"]: c["id"] for c in reference_chapters() if c["province_34"]}
    report_list = reports(rng, n_reports, chapter_ids)
    retold = retell(np.random.default_rng([seed, 3]), report_list)
    trip_list = trips(rng, report_list, max(10, n_reports // 25))
    _receive(np.random.default_rng([seed, 1]), report_list, trip_list)
    story = np.random.default_rng([seed, 2])
    steps = _story(story, report_list, trip_list)
    _hand_over(story, trip_list)
    _publish_stories(np.random.default_rng([seed, 4]), trip_list)
    return DemoData(report_list, trip_list, steps, retold)


DEMO_STORIES = 6  # demo trips whose story is published, so the public page has something to tell
_STORY_SENTENCES = {
    "remains_found": "Đội đã rà soát khu đồi theo lời kể của nhân dân và tìm thấy hài cốt liệt sĩ (dữ liệu mẫu).",
    "nothing_found": "Đội đã rà soát kỹ khu vực được báo tin; chưa tìm thấy, sẽ quay lại sau mùa mưa (dữ liệu mẫu).",
}
PICTURE_CAPTION = "Ảnh minh hoạ – dữ liệu mẫu"


def _publish_stories(rng: np.random.Generator, trip_list: list[dict]) -> None:
    """Give a few finished demo trips a published story (a separate random stream: the rest of
    the demo data stays as it was)."""
    done = [trip for trip in trip_list if trip["outcome"] in _STORY_SENTENCES]
    for index in sorted(rng.choice(len(done), size=min(DEMO_STORIES, len(done)), replace=False)):
        trip = done[int(index)]
        trip.update(story=_STORY_SENTENCES[trip["outcome"]], story_public=True)


def demo_picture(seed: int) -> bytes:
    """A landscape-like picture (sky, hills, a path; no person) saying it is an illustration of
    demo data, as a JPEG without metadata: what the demo's public trips show."""
    from PIL import Image, ImageDraw, ImageFont  # only the demo's pictures need Pillow here

    rng = np.random.default_rng([seed, 5])
    width, height = 960, 640
    image = Image.new("RGB", (width, height), (150, 190, 225))
    draw = ImageDraw.Draw(image)
    for band in range(3):  # three ranges of hills, further ones paler
        base = int(height * (0.45 + 0.12 * band))
        tops = rng.integers(-60, 60, size=9).cumsum() // 2
        points = [(0, height), *((x * width // 8, base + int(tops[x])) for x in range(9)), (width, height)]
        green = (70 - band * 15, 120 + band * 10 - int(rng.integers(0, 20)), 60 - band * 10)
        draw.polygon(points, fill=green)
    draw.polygon(
        [(width // 2 - 20, height), (width // 2 + 20, height), (width // 2 + 4, int(height * 0.7))],
        fill=(170, 140, 100),
    )
    from layers.exporters.pdfdoc import FONT_DIR  # the app's own DejaVu, for the Vietnamese marks

    font_file = FONT_DIR / "DejaVuSans.ttf"
    font = ImageFont.truetype(str(font_file), 34) if font_file.exists() else ImageFont.load_default(34)
    draw.rectangle([(0, height - 64), (width, height)], fill=(0, 0, 0))
    draw.text((24, height - 54), PICTURE_CAPTION, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def attach_demo_pictures(store, connection, trip_list: list[dict], author: str = "demo") -> int:
    """Attach a drawn picture to each demo trip with a published story, marked public, inside
    the caller's transaction (layers.seed.load_demo, after the trips are written); returns how
    many. The pictures are drawn, never of a real person: consent is not in question."""
    from layers import attachments  # attachments reads the store; the demo data stays plain data

    table = attachments.TABLE
    made = 0
    for number, trip in enumerate(t for t in trip_list if t.get("story_public")):
        attachment_id = attachments.add_attachment(
            store, connection, "trips", trip["id"], demo_picture(number), f"anh-minh-hoa-{number + 1}.jpg",
            author, private=False, caption=PICTURE_CAPTION, is_demo=True,
        )  # fmt: skip
        connection.execute(table.update().where(table.c.id == attachment_id).values(public=True))
        made += 1
    return made


def _receive(rng: np.random.Generator, report_list: list[dict], trip_list: list[dict]) -> None:
    """Days the reports reached the chapters (since the campaign opened, before any trip to them)
    and remains handed over after the trips that found them. A separate random stream, so the
    other demo values stay as they were."""
    first_trip = {}
    for trip in trip_list:
        for report_id in trip["linked_report_ids"]:
            first_trip[report_id] = min(first_trip.get(report_id, trip["date_from"]), trip["date_from"])
    span = (RECEIVED_UNTIL - CAMPAIGN_START).days
    for report in report_list:
        latest = min(first_trip.get(report["id"], RECEIVED_UNTIL), RECEIVED_UNTIL)
        days = max((latest - CAMPAIGN_START).days, 0)
        report["received_on"] = CAMPAIGN_START + timedelta(days=int(rng.integers(0, min(days, span) + 1)))
    for trip in trip_list:
        trip["remains_handed_over"] = trip["remains_found"] if rng.random() < 0.8 else 0


def workflow_path(target: str) -> list[str]:
    """The statuses from "new" to `target` along the fewest declared steps, the first declared
    taken where several are as short.

    >>> workflow_path("identified")
    ['new', 'verifying', 'verified', 'planned', 'remains_found', 'identified']
    >>> workflow_path("new"), workflow_path("duplicate")
    (['new'], ['new', 'duplicate'])
    """
    paths = {"new": ["new"]}
    frontier = ["new"]
    while frontier and target not in paths:
        following = []
        for status in frontier:
            for step in STEPS:
                if status in step.sources and step.target not in paths:
                    paths[step.target] = [*paths[status], step.target]
                    following.append(step.target)
        frontier = following
    return paths[target]


def step_actor(source: str, target: str) -> str:
    """The demo account that takes a step: of the roles that may, the one closest to the work
    (a recorder before a chapter leader, a search team before a leader)."""
    roles = step_for(source, target).roles
    return [username for username, _name, role, _chapter in DEMO_USERS if role in roles][-1]


def _first_trips(trip_list: list[dict]) -> dict[str, dict]:
    """Report id → the earliest trip that names it."""
    first: dict[str, dict] = {}
    for trip in sorted(trip_list, key=lambda t: t["date_from"]):
        for report_id in trip["linked_report_ids"]:
            first.setdefault(report_id, trip)
    return first


def _windows(path: list[str], received: date, trip: dict | None) -> list[tuple[date, date | None]]:
    """For each step along the path, the days it is taken in (first, last), or (day, None) for a
    step taken at the end of that day. A report a completed trip searched: what leads to the
    search between the day it was received and the eve of the trip, the outcome at the end of
    the trip's last day, what follows from two weeks after the trip to DEMO_UNTIL. One a trip is
    planned for: before the trip. Any other: between the day it was received and DEMO_UNTIL."""
    count = len(path) - 1
    if trip is not None and trip["outcome"] != "planned" and set(path) & set(OUTCOMES):
        outcome = next(i for i, status in enumerate(path) if status in OUTCOMES)  # path[outcome] is its target
        eve = max(trip["date_from"] - timedelta(days=1), received)
        follow = min(trip["date_to"] + timedelta(days=14), DEMO_UNTIL)
        return (
            [(received, eve)] * (outcome - 1) + [(trip["date_to"], None)] + [(follow, DEMO_UNTIL)] * (count - outcome)
        )
    last = DEMO_UNTIL if trip is None else min(trip["date_from"], DEMO_UNTIL)
    return [(received, last)] * count


def _moments(first: np.ndarray, last: np.ndarray, at_end: np.ndarray, u: np.ndarray) -> pd.Series:
    """Moments (UTC) in office hours, Vietnam time, from day `first` to day `last` (ordinals),
    placed by the uniforms `u`; at the end of day `first` where `at_end`."""
    x = u * np.maximum(last - first + 1, 1)
    day = np.where(at_end, first, first + np.floor(x).astype(np.int64))
    start, hours = WORK_HOURS[0], WORK_HOURS[1] - WORK_HOURS[0]
    hour = np.where(at_end, WORK_HOURS[1], start + hours * (x % 1))
    local = (day - date(1970, 1, 1).toordinal()).astype("datetime64[D]") + (hour * 3.6e9).astype("timedelta64[us]")
    offset = VIETNAM.utcoffset(datetime.combine(DEMO_UNTIL, time()))  # +07:00, without summer time since 1975
    return pd.Series(pd.to_datetime(local - np.timedelta64(offset)).tz_localize(UTC))


def _story(rng: np.random.Generator, report_list: list[dict], trip_list: list[dict]) -> pd.DataFrame:
    """Each demo report's steps from "new" to its status (STEP_COLUMNS), oldest first, in the
    days _windows gives; within a report's days the steps are spread by sorted uniforms."""
    first_trip = _first_trips(trip_list)
    paths = {status: workflow_path(status) for status in {r["status"] for r in report_list}}
    taken = {status: _taken(path) for status, path in paths.items()}
    draws = np.sort(rng.random((len(report_list), len(STEPS))), axis=1)
    rows, steps, firsts, lasts = [], [], [], []
    for i, report in enumerate(report_list):
        status = report["status"]
        if not taken[status]:
            continue
        windows = _windows(paths[status], report["received_on"], first_trip.get(report["id"]))
        for step, (first, last) in zip(taken[status], windows, strict=True):
            rows.append(i)
            steps.append(step)
            firsts.append(first.toordinal())
            lasts.append(-1 if last is None else last.toordinal())
    at_row, last_day = np.array(rows, dtype=np.int64), np.array(lasts, dtype=np.int64)
    place = np.arange(len(rows)) - np.searchsorted(at_row, at_row)  # a step's place among its report's
    at = _moments(np.array(firsts, dtype=np.int64), last_day, last_day < 0, draws[at_row, place])
    frame = pd.DataFrame(steps, columns=["source", "target", "actor", "note"])
    frame.insert(0, "report_id", [report_list[i]["id"] for i in rows])
    frame.insert(3, "at", at)
    return frame[list(STEP_COLUMNS)]


def _taken(path: list[str]) -> list[tuple[str, str, str, str | None]]:
    """The steps along a path: (source, target, demo account, note)."""
    return [
        (source, target, step_actor(source, target), STEP_NOTE if "note" in step_for(source, target).needs else None)
        for source, target in zip(path[:-1], path[1:], strict=True)
    ]


def _hand_over(rng: np.random.Generator, trip_list: list[dict]) -> None:
    """The day the remains a trip found were handed over: some days after it, by DEMO_UNTIL."""
    for trip in trip_list:
        later = trip["date_to"] + timedelta(days=int(rng.integers(3, 46)))
        trip["handed_over_on"] = min(later, DEMO_UNTIL) if trip.get("remains_handed_over") else None
