"""The site dossier (hồ sơ điểm mộ): one site on paper, for the chapter's file and for the
authorities who search.

What it holds: the site's testimonies as told (the place as the witness described it, the
period in their words, the martyrs, the unit, when and how it was received, how the witness
knows), the site's position in the four notations a search unit reads (geo.notation) with its
uncertainty and where it comes from (a measured point; an area estimated from the place name,
given by its centre and radius and never as a point; or none), a map extract with the trips and
searched areas near it, the sketches and photos attached to the site and its testimonies, the
history of its checks and searches, and, only in the copy for those who may see them, the
witnesses' names, phones and addresses.

Two copies, and the cover says which:
- with contacts (the chapter's own file): a testimony's witness data is printed where the person
  may see it (layers.access.sees_contacts on each testimony);
- without contacts (what may leave the association: a partner's copy, a hand-over): no private
  field at all, every free text, caption, reason and trip note scrubbed of the witnesses' names,
  phones and addresses with layers.privacy's own cut for partners, no EXIF (time, GPS) and only
  the attachments the chapter marked shareable.
Whatever the copy, a text is scrubbed of the data of every witness whose contacts are not
printed, so one testimony cannot give another's witness away.

Everything is read as the person sees it (Store.record, Store.frame, Store.history,
layers.attachments.attachments_of); the raw witness fields are read only to find what to
scrub, never printed. Printing writes a history row "dossier" on the site, in a transaction
of its own, once the PDF is made.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime

import geopandas as gpd
import pandas as pd
import shapely
import sqlalchemy as sa
from PIL import Image

from geo.admin import province_at
from geo.coords import METRES_PER_DEGREE
from geo.notation import Notation, written
from layers import access, history
from layers import attachments as attached  # registers the HEIC opener with Pillow
from layers.access import Viewer
from layers.campaign import VIETNAM, vietnam_today
from layers.coverage import searched_areas
from layers.errors import LayersError
from layers.exporters.paper import Paper
from layers.exporters.pdfdoc import Document, SiteMark, draw_extract, printable_text
from layers.exporters.records import area_text
from layers.labels import (
    ADMIN_LEVELS,
    blank,
    display_value,
    field_label,
    number,
    period_text,
    radius_text,
    short_code,
    term_label,
)
from layers.privacy import for_partners, free_text_fields
from layers.schema import REPORTS, SITES, TRIPS
from layers.store import Store

MAX_SIDE_PX = 1600  # an image is printed from a copy at most this long on its longest side
MAX_IMAGES = 40  # printed per dossier; the rest are listed
NEAR_M = 5_000.0  # trips this close to the site are drawn and listed
TEXT_LIMIT = 4_000  # characters of one printed text (a pasted page stays readable)
EXTRACT_BOX_H = 105.0
IMAGE_MAX_H = 110.0  # mm
MM_PER_PIXEL = 25.4 / 96
SITE_ACTIONS = ("insert", "status", "link", "unlink", "referral", "handover", "dossier", "delete", "restore", "lock")
TESTIMONY_ACTIONS = ("insert", "import", "referral")
REPORTS_TABLE = Store.table("reports")

TEXT = {
    "vi": {
        "title": "HỒ SƠ ĐIỂM MỘ",
        "with": "Bản có thông tin liên hệ nhân chứng — không chuyển cho đối tác",
        "without": "Bản không có thông tin liên hệ",
        "demo": "DỮ LIỆU MẪU – không dùng để đi thực địa hay bàn giao",
        "made": "Lập ngày {day} · người lập: {who}",
        "chapter": "Hội tiếp nhận",
        "summary": "Tóm tắt",
        "testimony_count": "Số lời kể",
        "witnesses": "{n} nhân chứng độc lập",
        "position": "Vị trí",
        "source": "Nguồn vị trí",
        "decimal": "WGS84 (độ thập phân)",
        "dms": "WGS84 (độ-phút-giây)",
        "vn2000": "VN-2000 (TM-3)",
        "no_vn2000": "— (không có kinh tuyến trục: điểm ngoài 63 tỉnh cũ)",
        "mgrs": "MGRS (WGS84)",
        "mgrs_cell": "{text} (ô {m} m)",
        "uncertainty": "Sai số",
        "unknown_uncertainty": "chưa rõ",
        "from": "Lấy từ",
        "from_testimony": "lời kể #{code}",
        "as_written": "tọa độ gốc «{text}»",
        "datum": "hệ quy chiếu {datum}",
        "area": "Vùng ước lượng theo địa danh (không phải điểm đo)",
        "centre": "Tâm vùng (WGS84)",
        "radius": "Bán kính",
        "no_point": "Không có tọa độ VN-2000 hay MGRS: chưa có điểm nào được ghi hoặc đo.",
        "unknown": "Chưa xác định vị trí: các lời kể chưa có tọa độ hay địa danh đọc được.",
        "spread": "Các lời kể đặt điểm mộ cách nhau tới {m} m",
        "conflict": " (xa hơn sai số của chúng: cần kiểm tra lại).",
        "map": "Bản đồ trích",
        "testimonies": "Các lời kể (giữ nguyên như được kể)",
        "testimony": "Lời kể #{code}",
        "hidden_testimonies": "Điểm mộ còn {n} lời kể bạn không được xem; bản này không in chúng.",
        "period": "Thời gian (như được kể)",
        "witness": "Nhân chứng",
        "no_contact": "(thông tin liên hệ của nhân chứng không in trong bản này)",
        "own_position": "Vị trí của lời kể",
        "files": "Sơ đồ, ảnh và tệp đính kèm",
        "on_site": "điểm mộ",
        "on_testimony": "lời kể #{code}",
        "bytes": "{n} byte",
        "taken": "chụp lúc {at}",
        "gps": "GPS của ảnh {lat}, {lon}",
        "unreadable": "(không đọc được ảnh; tệp vẫn được lưu)",
        "not_printed": "(không in thêm ảnh: mỗi hồ sơ in tối đa {n} ảnh)",
        "withheld": "{n} tệp đính kèm không in trong bản này (riêng tư, hoặc chưa được Hội đánh dấu chia sẻ cho "
        "đối tác).",
        "no_files": "Chưa có tệp đính kèm nào.",
        "history": "Lịch sử kiểm tra và tìm kiếm",
        "no_history": "Chưa có gì được ghi.",
        "trips": "Chuyến tìm kiếm",
        "linked": "liên quan đến lời kể",
        "near": "gần điểm mộ, cách ≈ {km} km",
        "no_trips": "Chưa có chuyến tìm kiếm nào liên quan hay ở gần.",
        "remains_found": "{n} hài cốt tìm thấy",
        "handed": "bàn giao cho {to} ngày {day}",
        "actions": {
            "insert": "Tiếp nhận",
            "import": "Nhập từ tệp",
            "status": "Đổi trạng thái",
            "link": "Nối lời kể vào điểm mộ",
            "unlink": "Tách lời kể",
            "referral": "Trả lời tin báo chuyển đến",
            "handover": "Bàn giao thông tin",
            "dossier": "In hồ sơ điểm mộ",
            "delete": "Xóa",
            "restore": "Khôi phục",
            "lock": "Tạm khóa",
        },
        "printed_with": "In bản có liên hệ nhân chứng",
        "printed_without": "In bản không có liên hệ nhân chứng",
    },
    "en": {
        "title": "SITE DOSSIER",
        "with": "Copy with the witnesses' contacts — not to be passed to partners",
        "without": "Copy without contact details",
        "demo": "DEMO DATA – not for field use or hand-over",
        "made": "Made {day} · by {who}",
        "chapter": "Chapter",
        "summary": "Summary",
        "testimony_count": "Testimonies",
        "witnesses": "{n} independent witnesses",
        "position": "Position",
        "source": "Position from",
        "decimal": "WGS84 (decimal degrees)",
        "dms": "WGS84 (degrees, minutes, seconds)",
        "vn2000": "VN-2000 (TM-3)",
        "no_vn2000": "— (no central meridian: the point is outside the 63 provinces)",
        "mgrs": "MGRS (WGS84)",
        "mgrs_cell": "{text} ({m} m square)",
        "uncertainty": "Uncertainty",
        "unknown_uncertainty": "not known",
        "from": "Taken from",
        "from_testimony": "testimony #{code}",
        "as_written": "as written «{text}»",
        "datum": "datum {datum}",
        "area": "Area estimated from the place name (not a measured point)",
        "centre": "Centre of the area (WGS84)",
        "radius": "Radius",
        "no_point": "No VN-2000 or MGRS: no point has been given or measured yet.",
        "unknown": "Not located: no testimony has coordinates or a place name that reads.",
        "spread": "The testimonies place the site up to {m} m apart",
        "conflict": " (more than their uncertainties allow: to be checked).",
        "map": "Map extract",
        "testimonies": "The testimonies (kept as told)",
        "testimony": "Testimony #{code}",
        "hidden_testimonies": "The site has {n} more testimonies you may not see; this copy leaves them out.",
        "period": "Period (as told)",
        "witness": "Witness",
        "no_contact": "(the witness's contact details are not printed in this copy)",
        "own_position": "Position of this testimony",
        "files": "Sketches, photos and attached files",
        "on_site": "the site",
        "on_testimony": "testimony #{code}",
        "bytes": "{n} bytes",
        "taken": "taken {at}",
        "gps": "photo GPS {lat}, {lon}",
        "unreadable": "(the image cannot be read; the file is kept)",
        "not_printed": "(no more images printed: at most {n} per dossier)",
        "withheld": "{n} attached files are not printed in this copy (private, or not marked by the chapter as "
        "shareable with partners).",
        "no_files": "No file attached yet.",
        "history": "History of checks and searches",
        "no_history": "Nothing recorded yet.",
        "trips": "Search trips",
        "linked": "linked to a testimony",
        "near": "near the site, ≈ {km} km away",
        "no_trips": "No search trip linked or nearby yet.",
        "remains_found": "{n} remains found",
        "handed": "handed over to {to} on {day}",
        "actions": {
            "insert": "Received",
            "import": "Imported from a file",
            "status": "Status changed",
            "link": "Testimony put in the site",
            "unlink": "Testimony taken out",
            "referral": "Referral answered",
            "handover": "Information handed over",
            "dossier": "Site dossier printed",
            "delete": "Deleted",
            "restore": "Restored",
            "lock": "Locked",
        },
        "printed_with": "Printed with the witnesses' contacts",
        "printed_without": "Printed without the witnesses' contacts",
    },
}
TOLD = (  # a testimony's fields as told, in the order a person tells them
    "martyr_names",
    "hometown",
    "birth_year",
    "unit",
    "period",
    "place_description",
    "historical_place",
    "received_on",
    "source_channel",
    "witness_knows",
    "notes",
)
CONTACT = (  # printed only where the person may see the witness's contacts
    "witness_name",
    "witness_phone",
    "witness_address",
    "witness_relation",
    "witness_birth_year",
    "witness_consent",
    "private_notes",
)


def words(lang: str) -> dict:
    return TEXT["en" if lang == "en" else "vi"]


# -- what the person may see of the site ------------------------------------------------------------


class Hider:
    """Scrubs texts of the given witnesses' names, phones and addresses, and of any phone number,
    with layers.privacy's cut for partners (its rules for what counts as a witness's data)."""

    def __init__(self, witnesses: pd.DataFrame) -> None:
        self.witnesses = witnesses[[n for n in REPORTS.identifying if n in witnesses]].to_dict("records")

    def text(self, value: object) -> object:
        return self.texts([value])[0]

    def texts(self, values: list) -> list:
        """The texts scrubbed (None and non-text values pass unchanged)."""
        out = list(values)
        for who in self.witnesses or [{}]:  # a site has few testimonies
            frame = pd.DataFrame(
                {**{n: [who.get(n)] * len(out) for n in REPORTS.identifying}, "notes": out}, dtype=object
            )
            out = for_partners(frame, REPORTS)["notes"].tolist()
        return out


@dataclass
class Dossier:
    """What one site's dossier prints, already cut for the person and the copy."""

    site: dict
    testimonies: gpd.GeoDataFrame
    shown: list[bool]  # per testimony: its witness's contacts are printed
    hidden_testimonies: int
    trips: gpd.GeoDataFrame  # linked to a testimony or near the site, with `near_km` (None: linked)
    files: list[dict]  # the attachments printed, each with `on` (the site or a testimony's code)
    withheld: int
    history: list[dict]
    chapter: str
    contacts_wanted: bool
    hider: Hider | None = field(default=None, repr=False)

    @property
    def with_contacts(self) -> bool:
        return any(self.shown)


def printable(value: object) -> str:
    """A stored text as printed: no control characters, at most TEXT_LIMIT characters."""
    if blank(value):
        return ""
    said = printable_text(str(value)).strip()
    return said if len(said) <= TEXT_LIMIT else said[: TEXT_LIMIT - 1] + "…"


def _site(store: Store, site_id: str, viewer: Viewer) -> dict:
    site = store.record("sites", str(site_id), viewer)
    if site is None:
        raise LayersError(f"Không có điểm mộ «{str(site_id)[:60]}» (hoặc bạn không được xem điểm mộ này).")
    return site


def _raw_witnesses(store: Store, site_id: str, viewer: Viewer) -> pd.DataFrame:
    """The site's testimonies this person sees, with what decides whose contacts they see and the
    witness's data to scrub: never printed."""
    columns = ["id", "chapter_id", "assigned_team", "witness_consent", *REPORTS.identifying]
    table = REPORTS_TABLE
    query = sa.select(*(table.c[n] for n in columns)).where(
        table.c.site_id == site_id, access.rows_condition(viewer, REPORTS, table)
    )
    with store.engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(query)]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _hide_rows(frame: pd.DataFrame, hidden: pd.Series, hider: Hider, everywhere: bool) -> pd.DataFrame:
    """Private fields emptied on the `hidden` rows; free texts scrubbed there (and on every row
    when `everywhere`: a text must not name a witness whose contacts are not printed)."""
    out = frame.copy()
    for name in REPORTS.private_fields:
        if name in out:
            out[name] = out[name].astype(object).where(~hidden, None)
    rows = hidden | everywhere
    for name in free_text_fields(REPORTS):
        if name in out and rows.any():
            values = out[name].astype(object)
            values[rows] = hider.texts(values[rows].tolist())
            out[name] = values
    return out


def _testimonies(store: Store, site_id: str, viewer: Viewer, contacts: bool) -> tuple[gpd.GeoDataFrame, list, Hider]:
    told = store.frame("reports", viewer, REPORTS_TABLE.c.site_id == site_id)
    told = told.sort_values(["received_on", "created_at", "id"], na_position="last").reset_index(drop=True)
    raw = _raw_witnesses(store, site_id, viewer).set_index("id")
    raw = raw.reindex(told["id"].astype(str).tolist())
    sees = access.contacts_mask(viewer, REPORTS, raw.reset_index()) if len(raw) else []
    shown = pd.Series([bool(contacts and s) for s in sees], index=told.index, dtype=bool)
    hider = Hider(raw.reset_index()[~shown.to_numpy()] if len(raw) else raw.reset_index())
    needs = not shown.all()
    return _hide_rows(told, ~shown, hider, needs), shown.tolist(), hider


def _local_metres(geometry, lon0: float, lat0: float):
    """A geometry in metres on a local plane round (lon0, lat0): enough to tell what is near."""
    squash = math.cos(math.radians(lat0))
    return shapely.transform(geometry, lambda xy: (xy - [lon0, lat0]) * [METRES_PER_DEGREE * squash, METRES_PER_DEGREE])


def anchor(site: dict, testimonies: pd.DataFrame) -> tuple[float, float] | None:
    """Where the site is, for what is near it: its point, its area's centre, else a testimony's."""
    geometry = site.get("geometry")
    if geometry is not None and not geometry.is_empty:
        return geometry.x, geometry.y
    if not blank(site.get("area_lat")) and not blank(site.get("area_lon")):
        return float(site["area_lon"]), float(site["area_lat"])
    located = [g for g in testimonies.geometry if g is not None and not g.is_empty]
    return (located[0].x, located[0].y) if located else None


def _trips(store: Store, viewer: Viewer, site: dict, testimonies: gpd.GeoDataFrame, hider: Hider | None):
    """The trips linked to one of the testimonies, and those passing within NEAR_M of the site;
    `near_km` says how far (None for a linked one). Texts scrubbed when needed."""
    trips = store.frame("trips", viewer)
    ids = set(testimonies["id"].astype(str))
    linked = trips["linked_report_ids"].map(lambda v: bool(ids & {str(i) for i in (v or [])}))
    where = anchor(site, testimonies)
    near = pd.Series(float("nan"), index=trips.index)
    if where is not None:
        for i, geometry in trips.geometry.items():
            if geometry is not None and not geometry.is_empty:
                near[i] = _local_metres(geometry, *where).distance(shapely.Point(0, 0))
    keep = linked | (near <= NEAR_M)
    out = trips[keep].copy()
    pairs = zip(linked[keep], near[keep], strict=True)
    out["near_km"] = [None if is_linked else round(m / 1000, 1) for is_linked, m in pairs]
    out = out.drop(columns=list(TRIPS.private_fields), errors="ignore")
    if hider is not None:
        for name in free_text_fields(TRIPS):
            if name in out:
                out[name] = hider.texts(out[name].astype(object).tolist())
    return out.sort_values("date_from", na_position="last")


def _files(store: Store, viewer: Viewer, site: dict, testimonies, shown: list[bool], hider) -> tuple[list, int]:
    """The attachments printed in this copy, and how many the person sees that it leaves out: in
    the copy with contacts (kept by the chapter), every one they see, with the photo's EXIF time
    and GPS where they see the record's contacts; in the copy without (what may leave the
    association), only those marked shareable and not private, and no EXIF."""
    internal = any(shown)
    places = [("sites", site["id"], None, internal and access.sees_contacts(viewer, SITES, site))]
    rows = zip(testimonies.to_dict("records"), shown, strict=True)
    places += [("reports", row["id"], short_code(row["id"]), s) for row, s in rows]
    printed, withheld = [], 0
    for layer, record_id, code, record_shown in places:
        for row in attached.attachments_of(store, layer, str(record_id), viewer):
            if not internal and (row.get("private") or not row.get("shareable")):
                withheld += 1
                continue
            row = {**row, "on": code, "exif": internal and record_shown}
            if hider is not None:
                row["caption"], row["original_name"] = hider.texts([row.get("caption"), row.get("original_name")])
            printed.append(row)
    return printed, withheld


def _history(store: Store, site: dict, testimonies: pd.DataFrame, viewer: Viewer, hider: Hider | None) -> list[dict]:
    """The site's history of checks, steps, links and hand-overs, and when each testimony came,
    oldest first; reasons scrubbed when needed."""
    entries = [e for e in store.history(str(site["id"]), viewer) if e["action"] in SITE_ACTIONS]
    for record_id in testimonies["id"].astype(str):
        try:
            told = store.history(record_id, viewer)
        except LayersError:  # a testimony whose history the person may not read
            continue
        entries += [{**e, "code": short_code(record_id)} for e in told if e["action"] in TESTIMONY_ACTIONS]
    entries.sort(key=lambda e: e["at"])
    if hider is not None:
        reasons = hider.texts([e.get("reason") for e in entries])
        entries = [{**e, "reason": r} for e, r in zip(entries, reasons, strict=True)]
    return entries


def _chapter_name(store: Store, chapter_id: object, viewer: Viewer) -> str:
    if blank(chapter_id):
        return ""
    chapter = store.record("chapters", str(chapter_id), viewer)
    return str(chapter["name"]) if chapter else str(chapter_id)


def read_dossier(store: Store, site_id: str, viewer: Viewer, contacts: bool = True) -> Dossier:
    """What the dossier of a site prints for this person: with the witnesses' contacts where they
    may see them (`contacts`), or the copy without any (what leaves the association)."""
    site = _site(store, site_id, viewer)
    testimonies, shown, hider = _testimonies(store, str(site["id"]), viewer, contacts)
    scrub = None if all(shown) else hider
    if scrub is not None:
        names = free_text_fields(SITES)
        site = {**site, **dict(zip(names, scrub.texts([site.get(n) for n in names]), strict=True))}
    files, withheld = _files(store, viewer, site, testimonies, shown, scrub)
    total = int(site.get("testimony_count") or 0) if not blank(site.get("testimony_count")) else len(testimonies)
    return Dossier(
        site=site,
        testimonies=testimonies,
        shown=shown,
        hidden_testimonies=max(total - len(testimonies), 0),
        trips=_trips(store, viewer, site, testimonies, scrub),
        files=files,
        withheld=withheld,
        history=_history(store, site, testimonies, viewer, scrub),
        chapter=_chapter_name(store, site.get("chapter_id"), viewer),
        contacts_wanted=contacts,
        hider=scrub,
    )


# -- on paper ---------------------------------------------------------------------------------------


def _field(pdf: Document, layer, name: str, record: dict) -> None:
    """One field of a record, labelled, as printed."""
    field = layer.field(name)
    _row(pdf, field_label(field, pdf.lang), printable(display_value(field, record.get(name), pdf.lang)))


def _row(pdf: Document, label: str, value: str, width: float = 48) -> None:
    """A labelled value; a label too long for its column stands on a line of its own."""
    if not value:
        return
    pdf.set_font("DejaVu", "B", 9)
    if pdf.get_string_width(label) > width - 2:
        pdf.multi_cell(0, 5, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(pdf.l_margin + width)
    else:
        pdf.cell(width, 5, label)
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")


def heading(pdf: Document, text: str) -> None:
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)


def _day(value: object) -> str:
    return "" if blank(value) else f"{pd.Timestamp(value):%d/%m/%Y}"


def _at(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _point(record: dict):
    geometry = record.get("geometry")
    if geometry is None or geometry.is_empty or geometry.geom_type != "Point":
        return None
    return geometry


def province_63_of(record: dict) -> str | None:
    """The province of 2008–2025 whose VN-2000 meridian a record's point is written on: its own
    field, else the province the point lies in (None abroad)."""
    if not blank(record.get("province_63")):
        return str(record["province_63"])
    point = _point(record)
    found = None if point is None else province_at(point.x, point.y)
    return None if found is None else str(found["province_63"])


def notation_of(record: dict, uncertain: bool = True) -> Notation | None:
    """A record's point in every notation (MGRS to its uncertainty when `uncertain`); None for a
    record with no measured point."""
    point = _point(record)
    if point is None:
        return None
    uncertainty = None if not uncertain or blank(record.get("uncertainty_m")) else float(record["uncertainty_m"])
    return written(point.y, point.x, province_63_of(record), uncertainty)


def site_notation(site: dict) -> Notation | None:
    """The site's point in every notation; None for a site with no measured point."""
    return notation_of(site)


def uncertainty_text(value: object, lang: str) -> str:
    return words(lang)["unknown_uncertainty"] if blank(value) else f"± {number(float(value), lang)} m"


def _point_source(site: dict, testimonies: pd.DataFrame, lang: str) -> str:
    """Which testimony gave the site's point, and the coordinates as it wrote them."""
    text = words(lang)
    geometry = site["geometry"]
    for row in testimonies.to_dict("records"):
        own = row.get("geometry")
        if own is not None and not own.is_empty and own.equals_exact(geometry, 1e-9):
            parts = [text["from_testimony"].format(code=short_code(row["id"]))]
            if not blank(row.get("coord_text")):
                parts.append(text["as_written"].format(text=printable(row["coord_text"])))
            if not blank(row.get("coord_datum")):
                parts.append(text["datum"].format(datum=printable(row["coord_datum"])))
            return ", ".join(parts)
    return ""


def write_notation(pdf: Document, notation: Notation, uncertainty: object) -> None:
    """A point in the four notations with its uncertainty."""
    text = words(pdf.lang)
    _row(pdf, text["decimal"], notation.decimal)
    _row(pdf, text["dms"], notation.dms)
    _row(pdf, text["vn2000"], notation.vn2000 or text["no_vn2000"])
    _row(pdf, text["mgrs"], text["mgrs_cell"].format(text=notation.mgrs, m=number(notation.mgrs_cell_m, pdf.lang)))
    _row(pdf, text["uncertainty"], uncertainty_text(uncertainty, pdf.lang))


def _position(pdf: Document, dossier: Dossier) -> None:
    site, text, lang = dossier.site, words(pdf.lang), pdf.lang
    heading(pdf, text["position"])
    source = site.get("position_source")
    notation = site_notation(site)
    if notation is not None:
        _row(pdf, text["source"], term_label(SITES.field("position_source"), "measured", lang))
        write_notation(pdf, notation, site.get("uncertainty_m"))
        _row(pdf, text["from"], _point_source(site, dossier.testimonies, lang))
    elif source == "place_name" and not blank(site.get("area_lat")) and not blank(site.get("area_lon")):
        _row(pdf, text["source"], text["area"])
        _row(pdf, text["centre"], f"{float(site['area_lat']):.6f}, {float(site['area_lon']):.6f}")
        _row(pdf, text["radius"], radius_text(site.get("area_radius_m"), lang))
        pdf.line_of_text(text["no_point"])
    else:
        _row(pdf, text["source"], term_label(SITES.field("position_source"), "unknown", lang))
        pdf.line_of_text(text["unknown"])
    if not blank(site.get("spread_m")) and float(site["spread_m"]) > 0:
        said = text["spread"].format(m=number(float(site["spread_m"]), lang))
        pdf.line_of_text(said + (text["conflict"] if bool(site.get("positions_conflict")) else "."))


def site_mark(site: dict) -> SiteMark | None:
    notation = site_notation(site)
    if notation is not None:
        radius = None if blank(site.get("uncertainty_m")) else float(site["uncertainty_m"])
        return SiteMark(notation.lon, notation.lat, radius, True)
    if not blank(site.get("area_lat")) and not blank(site.get("area_lon")):
        radius = None if blank(site.get("area_radius_m")) else float(site["area_radius_m"])
        return SiteMark(float(site["area_lon"]), float(site["area_lat"]), radius, False)
    return None


def _map(pdf: Document, dossier: Dossier) -> None:
    heading(pdf, words(pdf.lang)["map"])
    if pdf.will_page_break(EXTRACT_BOX_H + 20):
        pdf.add_page()
    box = (pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.l_margin - pdf.r_margin, EXTRACT_BOX_H)
    trips = dossier.trips
    draw_extract(pdf, box, site_mark(dossier.site), dossier.testimonies, trips, searched_areas(trips))


def _places(row: dict, layer, lang: str) -> str:
    parts = [display_value(layer.field(n), row.get(n), lang) for n in (*reversed(ADMIN_LEVELS), "province_34")]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def _summary(pdf: Document, dossier: Dossier) -> None:
    site, text, lang = dossier.site, words(pdf.lang), pdf.lang
    heading(pdf, text["summary"])
    _row(pdf, field_label(SITES.field("martyr_names"), lang), printable(site.get("martyr_names")))
    _row(pdf, field_label(SITES.field("unit"), lang), printable(site.get("unit")))
    _row(pdf, text["period"], period_text(site))
    _row(pdf, field_label(SITES.field("province_34"), lang), _places(site, SITES, lang))
    _row(pdf, field_label(SITES.field("status"), lang), display_value(SITES.field("status"), site.get("status"), lang))
    count = len(dossier.testimonies) + dossier.hidden_testimonies
    witnesses = "" if blank(site.get("witness_count")) else text["witnesses"].format(n=int(site["witness_count"]))
    _row(pdf, text["testimony_count"], " · ".join(p for p in (str(count), witnesses) if p))
    _row(pdf, text["chapter"], printable(dossier.chapter))
    for name in ("remains_count", "identification_ref", "handed_over_to", "handed_over_on", "notes"):
        _field(pdf, SITES, name, site)


def _testimony(pdf: Document, row: dict, shown: bool) -> None:
    text, lang = words(pdf.lang), pdf.lang
    if pdf.will_page_break(40):
        pdf.add_page()
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, 6, text["testimony"].format(code=short_code(row["id"])), new_x="LMARGIN", new_y="NEXT")
    for name in TOLD:
        if name == "period":
            _row(pdf, text["period"], printable(period_text(row)))
            continue
        _field(pdf, REPORTS, name, row)
    for name in ("coord_text", "coord_datum", "uncertainty_m"):
        _field(pdf, REPORTS, name, row)
    own = notation_of(row)
    if own is not None:
        _row(pdf, text["own_position"], f"{own.decimal} · {own.mgrs}")
    elif not blank(row.get("area_lat")):
        _row(pdf, text["own_position"], area_text(pd.Series(row), lang))
    if shown:
        for name in CONTACT:
            value = display_value(REPORTS.field(name), row.get(name), lang)
            _row(pdf, field_label(REPORTS.field(name), lang), printable(value))
    else:
        _row(pdf, text["witness"], text["no_contact"])
    pdf.ln(2)


def _testimonies_part(pdf: Document, dossier: Dossier) -> None:
    text = words(pdf.lang)
    heading(pdf, text["testimonies"])
    if dossier.hidden_testimonies:
        pdf.line_of_text(text["hidden_testimonies"].format(n=dossier.hidden_testimonies))
    for row, shown in zip(dossier.testimonies.to_dict("records"), dossier.shown, strict=True):
        _testimony(pdf, row, shown)


def _file_line(row: dict, lang: str) -> str:
    text = words(lang)
    on = text["on_site"] if row.get("on") is None else text["on_testimony"].format(code=row["on"])
    parts = [printable(row.get("original_name")) or str(row.get("media_type") or ""), printable(row.get("caption"))]
    parts += [text["bytes"].format(n=number(int(row.get("size") or 0), lang)), on]
    if row.get("exif") and row.get("taken_at") is not None:
        parts.append(text["taken"].format(at=pd.Timestamp(row["taken_at"]).strftime("%d/%m/%Y %H:%M")))
    if row.get("exif") and not blank(row.get("gps_lat")) and not blank(row.get("gps_lon")):
        parts.append(text["gps"].format(lat=f"{float(row['gps_lat']):.6f}", lon=f"{float(row['gps_lon']):.6f}"))
    return " · ".join(p for p in parts if p)


def _picture(row: dict) -> tuple[io.BytesIO, int, int] | None:
    """A printable copy of an image attachment (upright, no metadata, at most MAX_SIDE_PX), its
    size in pixels; None when it cannot be read."""
    try:
        data = attached.clean_copy(row, MAX_SIDE_PX)
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (LayersError, OSError, ValueError, SyntaxError, EOFError):
        return None
    return io.BytesIO(data), width, height


def _image(pdf: Document, row: dict) -> bool:
    picture = _picture(row)
    if picture is None:
        return False
    data, width, height = picture
    room = pdf.w - pdf.l_margin - pdf.r_margin
    w = min(room, IMAGE_MAX_H * width / max(height, 1), width * MM_PER_PIXEL)  # never blown up past 96 dpi
    h = w * height / width
    if pdf.will_page_break(h + 12):
        pdf.add_page()
    pdf.image(data, x=pdf.l_margin, y=pdf.get_y(), w=w, h=h)
    pdf.set_y(pdf.get_y() + h + 1)
    return True


def _files_part(pdf: Document, dossier: Dossier) -> None:
    text = words(pdf.lang)
    heading(pdf, text["files"])
    if not dossier.files and not dossier.withheld:
        pdf.line_of_text(text["no_files"])
    printed = 0
    for row in dossier.files:
        line = _file_line(row, pdf.lang)
        if row.get("kind") == "image":
            if printed >= MAX_IMAGES:
                line += " " + text["not_printed"].format(n=MAX_IMAGES)
            elif _image(pdf, row):
                printed += 1
            else:
                line += " " + text["unreadable"]
        pdf.set_font("DejaVu", size=8)
        pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if dossier.withheld:
        pdf.set_font("DejaVu", size=9)
        pdf.line_of_text(text["withheld"].format(n=dossier.withheld))


def _history_line(entry: dict, lang: str) -> str:
    text = words(lang)
    parts = [_at(entry["at"]), str(entry.get("actor") or ""), text["actions"].get(entry["action"], entry["action"])]
    if entry.get("code"):
        parts.append(text["on_testimony"].format(code=entry["code"]))
    status = (entry.get("changes") or {}).get("status")
    if entry["action"] == "status" and isinstance(status, list) and len(status) == 2:
        old, new = (term_label(SITES.field("status"), s, lang) or "—" for s in status)
        parts.append(f"{field_label(SITES.field('status'), lang)}: {old} → {new}")
    if entry.get("reason"):
        parts.append(printable(entry["reason"]))
    return " · ".join(p for p in parts if p)


def _history_part(pdf: Document, dossier: Dossier) -> None:
    text = words(pdf.lang)
    heading(pdf, text["history"])
    if not dossier.history:
        pdf.line_of_text(text["no_history"])
    for entry in dossier.history:
        pdf.multi_cell(0, 4.5, f"• {_history_line(entry, pdf.lang)}", new_x="LMARGIN", new_y="NEXT")


def _trip_line(row: dict, lang: str) -> str:
    text = words(lang)
    days = " – ".join(dict.fromkeys(d for d in (_day(row.get("date_from")), _day(row.get("date_to"))) if d))
    parts = [printable(row.get("name")), days, printable(row.get("team"))]
    parts.append(display_value(TRIPS.field("outcome"), row.get("outcome"), lang))
    if not blank(row.get("remains_found")) and int(row["remains_found"]):
        parts.append(text["remains_found"].format(n=int(row["remains_found"])))
    if not blank(row.get("handed_over_to")):
        parts.append(text["handed"].format(to=printable(row["handed_over_to"]), day=_day(row.get("handed_over_on"))))
    near = row.get("near_km")
    parts.append(text["linked"] if blank(near) else text["near"].format(km=number(float(near), lang, 1)))
    return " · ".join(p for p in parts if p)


def _trips_part(pdf: Document, dossier: Dossier) -> None:
    text = words(pdf.lang)
    heading(pdf, text["trips"])
    if dossier.trips.empty:
        pdf.line_of_text(text["no_trips"])
    for row in dossier.trips.to_dict("records"):
        pdf.multi_cell(0, 4.5, f"• {_trip_line(row, pdf.lang)}", new_x="LMARGIN", new_y="NEXT")


def person(viewer: Viewer) -> str:
    """A person as printed: their name and account ("Nguyễn Văn Hùng (qt.tinh)")."""
    name = (viewer.display_name or "").strip()
    return f"{name} ({viewer.username})" if name and name != viewer.username else viewer.username


def copy_line(with_contacts: bool, lang: str) -> str:
    return words(lang)["with" if with_contacts else "without"]


def _cover(pdf: Document, dossier: Dossier, viewer: Viewer, today: date) -> None:
    text, site = words(pdf.lang), dossier.site
    demo = text["demo"] if bool(site.get("is_demo")) else None
    pdf.open_with(f"{text['title']}: {printable(site.get('name'))} (#{short_code(site['id'])})", demo)
    pdf.set_font("DejaVu", "B", 10)
    if dossier.with_contacts:
        pdf.set_text_color(200, 0, 0)
    pdf.multi_cell(0, 6, copy_line(dossier.with_contacts, pdf.lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font("DejaVu", size=9)
    who = person(viewer)
    pdf.line_of_text(text["made"].format(day=f"{today:%d/%m/%Y}", who=printable(who)))


def write_dossier(pdf: Document, dossier: Dossier, viewer: Viewer, today: date) -> None:
    """One site's dossier, from a new page of `pdf` (a hand-over record appends several)."""
    _cover(pdf, dossier, viewer, today)
    _summary(pdf, dossier)
    _position(pdf, dossier)
    _map(pdf, dossier)
    _testimonies_part(pdf, dossier)
    _files_part(pdf, dossier)
    _history_part(pdf, dossier)
    _trips_part(pdf, dossier)


def record_printing(store: Store, dossiers: list[Dossier], viewer: Viewer) -> None:
    """A history row "dossier" on each site printed, saying which copy, in one transaction of
    its own (the PDF is made by then)."""
    with store.engine.begin() as connection:
        for dossier in dossiers:
            current = store._current(connection, "sites", str(dossier.site["id"]))
            if current is None:
                continue
            reason = words("vi")["printed_with" if dossier.with_contacts else "printed_without"]
            history.write(
                connection,
                "sites",
                current["id"],
                int(current["version"]),
                "dossier",
                viewer.username,
                {"contacts": [None, dossier.with_contacts]},
                reason=reason,
                is_demo=bool(current.get("is_demo")),
            )


def filename(site: dict, with_contacts: bool) -> str:
    """ho-so-diem-mo_3f2a9c1d.pdf (…_lien-he.pdf for the copy with contacts)."""
    return f"ho-so-diem-mo_{short_code(site['id'])}{'_lien-he' if with_contacts else ''}.pdf"


def dossier_file(
    store: Store, site_id: str, viewer: Viewer, lang: str = "vi", today: date | None = None, contacts: bool = True
) -> tuple[bytes, Dossier]:
    """The dossier PDF and what it printed (which copy it is: Dossier.with_contacts), not yet
    recorded: the caller records the printing (record_printing) once the file is out."""
    dossier = read_dossier(store, site_id, viewer, contacts)
    pdf = Document(lang, words(lang)["title"])
    write_dossier(pdf, dossier, viewer, today or vietnam_today())
    return bytes(pdf.output()), dossier


def dossier_pdf(
    store: Store, site_id: str, viewer: Viewer, lang: str = "vi", today: date | None = None, contacts: bool = True
) -> bytes:
    """The dossier of one site as this person may see it, as PDF: with the witnesses' contacts
    where they may see them (`contacts`; False: the copy without any, to give away). Printing
    is recorded in the site's history."""
    data, dossier = dossier_file(store, site_id, viewer, lang, today, contacts)
    record_printing(store, [dossier], viewer)
    return data


# The dossier as one of the papers printed from a record (layers.exporters.papers lists them).
PAPER = Paper(SITES.name, "Hồ sơ điểm mộ (PDF)", "Site dossier (PDF)", "ho-so-diem-mo", dossier_pdf)
