"""The field sheet: an A4 PDF to print before a trip, fonts embedded so diacritics survive.

Page 1 is an overview map of the selection (province lines, reports by status, trips);
then every report with its code, coordinates in three systems (or, with none, the commune or
district its place name reads as and the radius of that approximate area), the place as the
witness described it, district and commune, unit and period, the witness's contact for the team
audience only, and ruled lines for notes in the field. Reports come by province, district and
commune, so that a team finds a commune's reports together.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from layers.criteria import describe
from layers.errors import LayersError
from layers.exporters.audience import exported_fields
from layers.exporters.pdfdoc import Document, draw_overview
from layers.exporters.records import area_text, coordinate_frame, estimated
from layers.exporters.selection import Selection
from layers.labels import ADMIN_LEVELS, blank, display_value, field_label, period_text, short_code
from layers.schema import REPORTS, TRIPS

MAX_REPORTS = 500  # a field sheet is printed for one trip, not for a whole campaign
MAP_BOX = (15.0, 45.0, 180.0, 150.0)  # x, y, width, height in mm
NOTE_LINES = 4

TEXT = {
    "vi": {
        "title": "Phiếu thực địa – Đi tìm đồng đội",
        "made": "Lập ngày {day} · {n} tin báo · {trips} chuyến đi",
        "filters": "Phạm vi",
        "coords": "Tọa độ WGS84",
        "vn2000": "VN-2000",
        "no_position": "Chưa có tọa độ – tìm theo mô tả vị trí",
        "notes": "Ghi chép thực địa",
        "witness": "Nhân chứng",
        "place_description": "Mô tả vị trí",
        "historical_place": "Địa danh cũ",
        "uncertainty_m": "Sai số",
        "unit": "Đơn vị",
        "period": "Thời gian",
        "province": "Tỉnh",
        "units": "Huyện, xã",
        "now": "nay",
        "places": "Huyện, xã (trước 7/2025) và xã nay của tin báo có tọa độ là nơi có trung tâm gần điểm "
        "nhất: ước lượng, vì chưa có ranh giới xã. Tin báo không có tọa độ mà mô tả vị trí có tên xã, huyện "
        "được ước lượng theo địa danh: một vùng quanh trung tâm xã, huyện đó, không phải điểm đã đo.",
        "demo": "DỮ LIỆU MẪU – không dùng để đi thực địa",
    },
    "en": {
        "title": "Field sheet – Search for fallen comrades",
        "made": "Made {day} · {n} reports · {trips} trips",
        "filters": "Scope",
        "coords": "WGS84",
        "vn2000": "VN-2000",
        "no_position": "No coordinates – search by the place description",
        "notes": "Field notes",
        "witness": "Witness",
        "place_description": "Place as told",
        "historical_place": "Old place name",
        "uncertainty_m": "Uncertainty",
        "unit": "Unit",
        "period": "Period",
        "province": "Province",
        "units": "District, commune",
        "now": "now",
        "places": "The district, commune (before July 2025) and today's commune of a report with coordinates "
        "are those whose centre is nearest to the point: approximate, as commune boundaries are not used. A "
        "report without coordinates whose place description names a commune or district is estimated from "
        "the place name: an area around that unit's centre, not a measured point.",
        "demo": "DEMO DATA – not for field use",
    },
}


def _row(pdf: Document, label: str, value: str) -> None:
    if not value:
        return
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(42, 5, label)
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")


def _units(row: pd.Series, lang: str) -> str:
    """District and commune of 2008–2025, then today's commune: "Huyện Gio Linh – Xã Gio An (nay Xã Cồn Tiên)"."""
    district, commune, today = (display_value(REPORTS.field(n), row.get(n), lang) for n in ADMIN_LEVELS)
    now = f"{TEXT[lang]['now']} {today}" if today else ""
    old = " – ".join(part for part in (district, commune) if part)
    return f"{old} ({now})" if old and now else old or now


def testimony_block(pdf: Document, row: pd.Series, coords: pd.Series, area: bool, audience: str) -> None:
    """One report's block; `area`: its position is only an approximate area read from the place name."""
    lang, text = pdf.lang, TEXT[pdf.lang]

    def value(name: str) -> str:
        return display_value(REPORTS.field(name), row.get(name), lang)

    if pdf.will_page_break(60):
        pdf.add_page()
    pdf.set_font("DejaVu", "B", 11)
    names = "" if blank(row.get("martyr_names")) else f" – {row['martyr_names']}"
    pdf.multi_cell(0, 6, f"#{short_code(row['id'])}{names}", new_x="LMARGIN", new_y="NEXT")
    if row.geometry is not None and not row.geometry.is_empty:
        _row(pdf, text["coords"], f"{coords['lat']:.6f}, {coords['lon']:.6f}  ·  {coords['dms']}")
        _row(pdf, "MGRS", coords["mgrs"])
        if not pd.isna(coords["vn2000_x"]):
            vn = f"X = {coords['vn2000_x']:.2f} m, Y = {coords['vn2000_y']:.2f} m (KTT {coords['meridian']})"
            _row(pdf, text["vn2000"], vn)
    elif area:  # never coordinates: the area's centre is no place anyone gave
        pdf.set_font("DejaVu", "B", 9)
        pdf.multi_cell(0, 5, area_text(row, lang), new_x="LMARGIN", new_y="NEXT")
    else:
        _row(pdf, text["coords"], text["no_position"])
    for name in ("place_description", "historical_place"):
        _row(pdf, text[name], value(name))
    if not blank(row.get("uncertainty_m")):
        _row(pdf, text["uncertainty_m"], f"≈ {float(row['uncertainty_m']):,.0f} m")
    _row(pdf, text["unit"], value("unit"))
    _row(pdf, text["period"], period_text(row))
    _row(pdf, text["province"], value("province_34"))
    _row(pdf, text["units"], _units(row, lang))
    _row(pdf, field_label(REPORTS.field("status"), lang), value("status"))
    contact = [n for n in exported_fields(REPORTS, audience) if n.startswith("witness_")]  # none for partners
    _row(pdf, text["witness"], " · ".join(value(n) for n in contact if value(n)))
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(0, 6, text["notes"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(170)
    for _ in range(NOTE_LINES):
        pdf.ln(7)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(0)
    pdf.ln(6)


def pdf_bytes(selection: Selection, audience: str, lang: str, today: date) -> bytes:
    reports = selection.frames.get(REPORTS.name)
    if reports is None:
        raise LayersError("Phiếu thực địa in tin báo: hãy chọn lớp tin báo (reports) hoặc tất cả.")
    if reports.empty:
        raise LayersError("Không có tin báo nào trong phạm vi đang chọn; phiếu thực địa không có gì để in.")
    if len(reports) > MAX_REPORTS:
        raise LayersError(
            f"Phiếu thực địa in tối đa {MAX_REPORTS} tin báo, bộ lọc đang chọn {len(reports)}; "
            "hãy thu hẹp theo tỉnh, đơn vị hoặc vùng vẽ trên bản đồ."
        )
    order = [c for c in ("province_34", "district_63", "commune_63") if c in reports] + ["id"]
    reports = reports.sort_values(order, na_position="last")
    text = TEXT[lang]
    pdf = Document(lang, text["title"])
    demo = "is_demo" in reports and reports["is_demo"].fillna(False).astype(bool).any()
    pdf.open_with(text["title"], text["demo"] if demo else None)
    trips = len(selection.frames.get(TRIPS.name, []))
    pdf.line_of_text(text["made"].format(day=today.isoformat(), n=len(reports), trips=trips))
    pdf.line_of_text(f"{text['filters']}: {describe(selection.spec, lang)}")
    draw_overview(pdf, MAP_BOX, reports, selection.frames.get(TRIPS.name))
    pdf.line_of_text(text["places"])
    coords = coordinate_frame(reports)
    areas = estimated(reports)
    pdf.add_page()
    for (_, row), (_, written), area in zip(reports.iterrows(), coords.iterrows(), areas, strict=True):
        testimony_block(pdf, row, written, bool(area), audience)
    return bytes(pdf.output())
