"""The hand-over record (biên bản bàn giao thông tin về mộ liệt sĩ) as PDF: the two parties (the
chapter gives, the named unit receives), a table of the sites with their coordinates in the
three systems a search unit reads (WGS84, VN-2000 on the province's meridian, MGRS) and their
uncertainty, the signature blocks, then each site's dossier (layers.exporters.dossier).

The record leaves the association, so its dossiers are the copy without the witnesses'
contacts, unless the person may see them and asks for them (`contacts`). An estimated site is
given by the centre and radius of its area, never as a point.
"""

from __future__ import annotations

from datetime import date

from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace

from geo.admin import province_names
from layers.access import Viewer
from layers.campaign import vietnam_today
from layers.exporters.dossier import (
    Dossier,
    copy_line,
    person,
    printable,
    read_dossier,
    site_notation,
    uncertainty_text,
    write_dossier,
)
from layers.exporters.pdfdoc import Document
from layers.handover import check_role, request
from layers.labels import ADMIN_LEVELS, blank, display_value, radius_text, short_code
from layers.schema import SITES
from layers.store import Store

TEXT = {
    "vi": {
        "association": "HỘI CỰU THANH NIÊN XUNG PHONG",
        "centre": "Trung ương Hội Cựu Thanh niên xung phong Việt Nam",
        "state": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập – Tự do – Hạnh phúc",
        "dated": "{place}, ngày {d:02d} tháng {m:02d} năm {y}",
        "title": "BIÊN BẢN BÀN GIAO THÔNG TIN VỀ MỘ LIỆT SĨ",
        "today": "Hôm nay, ngày {d:02d} tháng {m:02d} năm {y}, chúng tôi gồm:",
        "giver": "BÊN GIAO",
        "receiver": "BÊN NHẬN",
        "represented": "Đại diện: {name}",
        "position": "Chức vụ: {position}",
        "blank_name": "Đại diện: ...............................................",
        "blank_position": "Chức vụ: ................................................",
        "handing": "Bên giao bàn giao cho Bên nhận thông tin về {n} điểm mộ liệt sĩ như sau:",
        "columns": ("STT", "Mã", "Điểm mộ, liệt sĩ", "Nơi", "Tọa độ", "Sai số"),
        "wgs84": "WGS84: {text}",
        "vn2000": "VN-2000, KTT {m}:\nX = {x} m\nY = {y} m",
        "no_vn2000": "VN-2000: — (ngoài 63 tỉnh cũ)",
        "mgrs": "MGRS: {text}",
        "area": "Ước lượng theo địa danh, không phải điểm đo: tâm {lat}, {lon} (WGS84), bán kính {r}",
        "unknown": "Chưa xác định vị trí",
        "note": "Ghi chú: {note}",
        "attached": "Kèm theo biên bản: hồ sơ của từng điểm mộ ({copy}).",
        "copies": "Biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản.",
        "sign_giver": "ĐẠI DIỆN BÊN GIAO",
        "sign_receiver": "ĐẠI DIỆN BÊN NHẬN",
        "sign": "(Ký, ghi rõ họ tên)",
        "demo": "DỮ LIỆU MẪU – không phải biên bản thật",
    },
    "en": {
        "association": "FORMER YOUTH VOLUNTEERS ASSOCIATION",
        "centre": "Central Vietnam Former Youth Volunteers Association",
        "state": "SOCIALIST REPUBLIC OF VIETNAM",
        "motto": "Independence – Freedom – Happiness",
        "dated": "{place}, {y}-{m:02d}-{d:02d}",
        "title": "RECORD OF HANDING OVER INFORMATION ON MARTYRS' GRAVES",
        "today": "On {y}-{m:02d}-{d:02d}, we the undersigned:",
        "giver": "GIVING PARTY",
        "receiver": "RECEIVING PARTY",
        "represented": "Represented by: {name}",
        "position": "Position: {position}",
        "blank_name": "Represented by: .......................................",
        "blank_position": "Position: ...............................................",
        "handing": "The giving party hands over to the receiving party the information on {n} grave sites:",
        "columns": ("No.", "Code", "Site, martyrs", "Place", "Coordinates", "Uncertainty"),
        "wgs84": "WGS84: {text}",
        "vn2000": "VN-2000, CM {m}:\nX = {x} m\nY = {y} m",
        "no_vn2000": "VN-2000: — (outside the 63 provinces)",
        "mgrs": "MGRS: {text}",
        "area": "Estimated from the place name, not a measured point: centre {lat}, {lon} (WGS84), radius {r}",
        "unknown": "Not located",
        "note": "Note: {note}",
        "attached": "Attached: each site's dossier ({copy}).",
        "copies": "This record is made in 2 copies of equal value, one for each party.",
        "sign_giver": "FOR THE GIVING PARTY",
        "sign_receiver": "FOR THE RECEIVING PARTY",
        "sign": "(Signature and full name)",
        "demo": "DEMO DATA – not a real record",
    },
}
WIDTHS = (8, 19, 37, 36, 62, 18)  # mm, 180 in all


def _words(lang: str) -> dict:
    return TEXT["en" if lang == "en" else "vi"]


def coordinates_text(site: dict, lang: str) -> str:
    """A site's position in the three systems, one line each; an estimated area by its centre
    and radius; or that it is not located."""
    text = _words(lang)
    notation = site_notation(site)
    if notation is not None:
        lines = [text["wgs84"].format(text=notation.decimal)]
        if notation.vn2000_x is None:
            lines.append(text["no_vn2000"])
        else:
            x, y = f"{notation.vn2000_x:.2f}", f"{notation.vn2000_y:.2f}"
            lines.append(text["vn2000"].format(m=notation.meridian_text, x=x, y=y))
        lines.append(text["mgrs"].format(text=notation.mgrs))
        return "\n".join(lines)
    if not blank(site.get("area_lat")) and not blank(site.get("area_lon")):
        radius = radius_text(site.get("area_radius_m"), lang) or "—"
        return text["area"].format(lat=f"{float(site['area_lat']):.6f}", lon=f"{float(site['area_lon']):.6f}", r=radius)
    return text["unknown"]


def _place(site: dict, lang: str) -> str:
    names = [display_value(SITES.field(n), site.get(n), lang) for n in (*reversed(ADMIN_LEVELS), "province_34")]
    return ", ".join(dict.fromkeys(n for n in names if n))


def _giver(store: Store, viewer: Viewer, sites: list[dict], lang: str) -> tuple[str, str]:
    """The giving chapter's name and the province it is in (the place of the record)."""
    chapter_ids = {s.get("chapter_id") for s in sites}
    chapter_id = viewer.chapter_id or (chapter_ids.pop() if len(chapter_ids) == 1 else None)
    chapter = store.record("chapters", str(chapter_id), viewer) if chapter_id else None
    province = (chapter or {}).get("province_34") or next((s.get("province_34") for s in sites), None)
    place = province_names("34").get(str(province), "") if province else ""
    return (str(chapter["name"]) if chapter else _words(lang)["centre"]), place


def _header(pdf: Document, giver: str, place: str, on: date) -> None:
    text = _words(pdf.lang)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    top = pdf.get_y()
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(half - 4, 4.5, f"{text['association']}\n{printable(giver).upper()}", align="C")
    left_end = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.multi_cell(half, 4.5, f"{text['state']}\n{text['motto']}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(left_end, pdf.get_y()) + 3)
    pdf.set_font("DejaVu", size=9)
    dated = text["dated"].format(place=place or "……", d=on.day, m=on.month, y=on.year)
    pdf.cell(0, 5, dated, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, text["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _parties(pdf: Document, giver: str, unit: str, viewer: Viewer, on: date) -> None:
    text = _words(pdf.lang)
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 5.5, text["today"].format(d=on.day, m=on.month, y=on.year), new_x="LMARGIN", new_y="NEXT")
    for party, name, lines in (
        (
            text["giver"],
            giver,
            [
                text["represented"].format(name=person(viewer)),
                text["position"].format(position=viewer.role.label(pdf.lang)),
            ],
        ),
        (text["receiver"], unit, [text["blank_name"], text["blank_position"]]),
    ):
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 5.5, f"{party}: {printable(name)}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=10)
        for line in lines:
            pdf.multi_cell(0, 5.5, f"    {line}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _sites_table(pdf: Document, sites: list[dict]) -> None:
    text, lang = _words(pdf.lang), pdf.lang
    pdf.multi_cell(0, 5.5, text["handing"].format(n=len(sites)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font("DejaVu", size=7.5)
    with pdf.table(
        col_widths=WIDTHS,
        width=sum(WIDTHS),
        line_height=3.8,
        headings_style=FontFace(emphasis="BOLD"),
        cell_fill_mode=TableCellFillMode.NONE,
    ) as table:
        table.row(text["columns"])
        for n, site in enumerate(sites, start=1):
            martyrs = printable(site.get("martyr_names"))
            name = printable(site.get("name"))
            named = name if not martyrs or martyrs == name else f"{name}\n{martyrs}"
            uncertain = uncertainty_text(site.get("uncertainty_m"), lang) if site_notation(site) else "—"
            table.row(
                (
                    str(n),
                    f"#{short_code(site['id'])}",
                    named,
                    _place(site, lang),
                    coordinates_text(site, lang),
                    uncertain,
                )
            )
    pdf.ln(2)


def _closing(pdf: Document, note: str | None, with_contacts: bool) -> None:
    text = _words(pdf.lang)
    pdf.set_font("DejaVu", size=10)
    if note:
        pdf.multi_cell(0, 5.5, text["note"].format(note=printable(note)), new_x="LMARGIN", new_y="NEXT")
    copy = copy_line(with_contacts, pdf.lang)
    pdf.multi_cell(0, 5.5, text["attached"].format(copy=copy), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5.5, text["copies"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _signatures(pdf: Document, viewer: Viewer) -> None:
    text = _words(pdf.lang)
    if pdf.will_page_break(45):
        pdf.add_page()
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    top = pdf.get_y()
    for column, (title, name) in enumerate(((text["sign_receiver"], ""), (text["sign_giver"], person(viewer)))):
        pdf.set_xy(pdf.l_margin + column * half, top)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(half, 5.5, title, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        pdf.cell(half, 5, text["sign"], align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_y(pdf.get_y() + 22)
        pdf.set_x(pdf.l_margin + column * half)
        pdf.cell(half, 5, printable(name), align="C")
    pdf.set_y(top + 40)


def handover_pdf(
    store: Store,
    site_ids: list[str],
    to_unit: str,
    viewer: Viewer,
    lang: str = "vi",
    today: date | None = None,
    *,
    on: date | None = None,
    note: str | None = None,
    contacts: bool = False,
) -> bytes:
    """The hand-over record of these sites to `to_unit` as PDF, each site's dossier appended:
    the copy without the witnesses' contacts unless `contacts` is asked (and then only those the
    person may see). Checks what layers.handover.request checks; writes nothing."""
    check_role(viewer)
    asked = request(site_ids, to_unit, viewer, on, note)
    dossiers: list[Dossier] = [read_dossier(store, site_id, viewer, contacts) for site_id in asked.site_ids]
    sites = [d.site for d in dossiers]
    day = today or vietnam_today()
    pdf = Document(lang, _words(lang)["title"])
    demo = _words(lang)["demo"] if any(bool(s.get("is_demo")) for s in sites) else None
    pdf.add_page()
    if demo:
        pdf.set_text_color(200, 0, 0)
        pdf.set_font("DejaVu", size=9)
        pdf.cell(0, 5, demo, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
    giver, place = _giver(store, viewer, sites, lang)
    _header(pdf, giver, place, asked.on)
    _parties(pdf, giver, asked.to_unit, viewer, asked.on)
    _sites_table(pdf, sites)
    _closing(pdf, asked.note, any(d.with_contacts for d in dossiers))
    _signatures(pdf, viewer)
    for dossier in dossiers:
        write_dossier(pdf, dossier, viewer, day)
    return bytes(pdf.output())


def filename(on: date) -> str:
    return f"bien-ban-ban-giao_{on.isoformat()}.pdf"
