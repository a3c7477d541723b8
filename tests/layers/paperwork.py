"""What the dossier, hand-over and paperwork-figure tests share: a small campaign with two sites
(one of two testimonies with a measured point, one estimated from a place name), files attached,
a trip, a checked step whose reason names a witness; and computations made independently of
the app (pyproj with EPSG's own pipeline, and with an explicit +towgs84; the mgrs library)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import mgrs
import pandas as pd
from pypdf import PdfReader
from pyproj import Transformer
from pyproj.transformer import TransformerGroup
from shapely.geometry import LineString, Point

from layers import attachments
from layers.access import system
from layers.sites import link
from layers.store import Store
from layers.workflow import StepInput, take_step
from tests.layers import attachment_samples as samples
from tests.layers.people import NA, QT, Campaign, build

PROVINCES = pd.read_csv("data/provinces_63.csv", dtype={"iso": str})
# EPSG "VN-2000 to WGS 84 (2)" written as +towgs84 (position vector: the rotations' signs are the
# opposite of the coordinate frame convention EPSG gives them in).
TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"

# The witnesses' data, each of which must be absent from every copy without contacts.
WITNESS = {
    "witness_name": "Trần Thị Mận",
    "witness_phone": "0987 654 321",
    "witness_address": "Thôn 3, xã Gio An, huyện Gio Linh",
    "witness_relation": "Người chôn cất",
}
TOLD = "Bà Mận kể: chôn dưới gốc cây gạo cạnh suối, cách đường 9 chừng hai trăm bước"
STEP_NOTE = "Đã gọi lại bà Trần Thị Mận theo số 0987 654 321, bà xác nhận"
POINT = (16.803457, 107.094871)  # lat, lon, in Quảng Trị (meridian 106°15')
UNCERTAINTY_M = 30.0
AREA = (16.7412, 107.0311, 4200.0)  # an estimated area's centre and radius


def epsg_vn2000(lat: float, lon: float, province_63: str) -> tuple[float, float]:
    """VN-2000 X (northing), Y (easting) by EPSG's own pipeline to the province's TM-3 CRS with
    the "VN-2000 to WGS 84 (2)" transformation."""
    epsg = int(PROVINCES.set_index("iso").loc[province_63, "vn2000_tm3_epsg"])
    # Where EPSG offers two transformations PROJ would pick one by the point: choose "(2)" here.
    group = TransformerGroup("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    (transformer,) = [t for t in group.transformers if "VN-2000 to WGS 84 (2)" in t.description]
    easting, northing = transformer.transform(lon, lat)
    return northing, easting


def towgs84_vn2000(lat: float, lon: float, meridian: float) -> tuple[float, float]:
    """The same by an explicit PROJ string with +towgs84."""
    crs = (
        f"+proj=tmerc +lat_0=0 +lon_0={meridian} +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
        f"+towgs84={TOWGS84} +units=m +no_defs"
    )
    easting, northing = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    return northing, easting


def mgrs_of(lat: float, lon: float, digits: int) -> str:
    """The MGRS reference from the mgrs library, grouped as printed (zone, square, E, N)."""
    ref = mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=digits)
    half = digits
    return f"{ref[:3]} {ref[3:5]} {ref[5 : 5 + half]} {ref[5 + half :]}"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Paperwork:
    campaign: Campaign
    measured: str  # the site of two testimonies, one with a point
    estimated: str  # the site estimated from a place name
    other: str  # a site of Nghệ An's chapter in Quảng Trị (Quảng Trị's leader sees, may not change)
    images: dict[str, str]  # attachment ids: shareable, kept, private

    @property
    def store(self) -> Store:
        return self.campaign.store


def _reports() -> list[dict]:
    lat, lon = POINT
    base = {"chapter_id": QT, "province_34": "VN-25", "province_63": "VN-25", "status": "new"}
    return [
        {
            **base,
            **WITNESS,
            "id": "r-man",
            "martyr_names": "Nguyễn Văn Lực",
            "unit": "C552",
            "period_text": "mùa mưa năm Mậu Thân",
            "year_from": 1968,
            "year_to": 1968,
            "place_description": TOLD,
            "witness_knows": "Chính bà chôn cùng hai đồng đội",
            "received_on": date(2026, 6, 5),
            "coord_text": "16°48'12.4\"N 107°05'41.5\"E",
            "coord_datum": "wgs84",
            "uncertainty_m": UNCERTAINTY_M,
            "position_source": "measured",
            "geometry": Point(lon, lat),
        },
        {
            **base,
            "id": "r-area",
            "martyr_names": "Lê Văn Bảy",
            "witness_name": "Hoàng Văn Sáu",
            "witness_phone": "0905 111 222",
            "witness_address": "Số 12 đường Lê Lợi, Đông Hà",
            "place_description": "Ở xã Gio An, gần nghĩa địa làng",
            "position_source": "place_name",
            "area_lat": AREA[0],
            "area_lon": AREA[1],
            "area_radius_m": AREA[2],
            "area_place": "Xã Gio An, Huyện Gio Linh (Quảng Trị)",
        },
    ]


def _attach(store: Store, campaign: Campaign, site_id: str) -> dict[str, str]:
    leader = campaign.viewer("qt.tinh")
    lat, lon = POINT
    shared = attachments.attach(
        store, "sites", site_id, samples.jpeg(lat=lat, lon=lon), "so-do.jpg", leader, caption="Sơ đồ", shareable=True
    )
    kept = attachments.attach(
        store, "reports", "r-man", samples.png(), "anh-ba-Man.png", leader, caption="Ảnh bà Trần Thị Mận"
    )
    private = attachments.attach(
        store, "reports", "r-man", samples.jpeg(color=(40, 60, 200)), "nha.jpg", leader, private=True
    )
    recording = attachments.attach(store, "reports", "r-man", samples.mp3(), "phong-van.mp3", leader, shareable=True)
    return {"shared": shared, "kept": kept, "private": private, "recording": recording}


def build_paperwork(store: Store) -> Paperwork:
    campaign = build(store)
    store.insert("reports", _reports(), author="test")
    admin = system()
    measured = link(store, ["r-man", "r-qt"], admin)
    estimated = store.record("reports", "r-area", admin)["site_id"]
    other = store.record("reports", "r-na-about-qt", admin)["site_id"]
    take_step(store, "r-man", "verifying", admin, StepInput())
    take_step(store, "r-man", "verified", admin, StepInput(note=STEP_NOTE))
    lat, lon = POINT
    track = LineString([(lon - 0.01, lat - 0.005), (lon + 0.01, lat + 0.005)])
    store.insert(
        "trips",
        [
            {
                "id": "t-near",
                "name": "Chuyến Gio Linh tháng 7",
                "chapter_id": QT,
                "province_34": "VN-25",
                "team": "Đội 1",
                "date_from": date(2026, 7, 2),
                "date_to": date(2026, 7, 3),
                "outcome": "nothing_found",
                "sweep_width_m": 25.0,
                "linked_report_ids": ["r-man"],
                "waypoints": "Nhà bà Mận 0987 654 321",
                "geometry": track,
            }
        ],
        author="test",
    )
    images = _attach(store, campaign, measured)
    assert NA  # the other chapter's reports come from tests.layers.people
    return Paperwork(campaign, measured, estimated, other, images)
