"""A small campaign built in code for the rights and history tests: the reference chapters, one
commune chapter in Quảng Trị, five reports whose owners and places differ, and one account per
role (and a second recorder, in Nghệ An)."""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import Point

from layers.access import Viewer, system
from layers.chapters import add_chapter
from layers.seed import seed_reference
from layers.store import Store
from layers.users import add_user, find_user, viewer_of

QT, NA = "chapter-vn-25", "chapter-vn-22"
PASSWORD = "mat-khau-thu-1"

# id: (chapter, province of the site, assigned team, witness phone)
REPORTS = {
    "r-qt": (QT, "VN-25", None, "0912 000 001"),
    "r-na-about-qt": (NA, "VN-25", None, "0912 000 002"),
    "r-na": (NA, "VN-22", None, "0912 000 003"),
    "r-qt-assigned": (QT, "VN-25", "qt.doi", "0912 000 004"),
    "r-commune": ("commune", "VN-25", None, "0912 000 005"),
}
ACCOUNTS = (  # username, role, chapter
    ("tw.admin", "admin", None),
    ("qt.tinh", "chapter", QT),
    ("qt.ghi", "recorder", QT),
    ("qt.doi", "team", QT),
    ("doitac", "partner", None),
    ("na.ghi", "recorder", NA),
)


@dataclass
class Campaign:
    store: Store
    commune: str

    def viewer(self, username: str) -> Viewer:
        return viewer_of(self.store, find_user(self.store, username))


def report_records(commune: str) -> list[dict]:
    out = []
    for record_id, (chapter, province, team, phone) in REPORTS.items():
        out.append(
            {
                "id": record_id,
                "martyr_names": f"Liệt sĩ {record_id}",
                "chapter_id": commune if chapter == "commune" else chapter,
                "province_34": province,
                "assigned_team": team,
                "witness_name": f"Nhân Chứng {record_id.upper()}",
                "witness_phone": phone,
                "place_description": f"Gần nhà ông nhân chứng, gọi {phone} để được dẫn đường",
                "status": "new",
                "geometry": Point(106.9, 16.8) if province == "VN-25" else Point(105.6, 18.9),
            }
        )
    return out


def build(store: Store) -> Campaign:
    seed_reference(store)
    commune = add_chapter(store, "Hội Cựu TNXP xã Gio An", "Quảng Trị", system())["id"]
    store.insert("reports", report_records(commune), author="test")
    for username, role, chapter in ACCOUNTS:
        add_user(store, username, role, PASSWORD, system(), chapter=chapter)
    return Campaign(store, commune)
