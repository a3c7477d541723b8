"""A chapter's (or the association's) campaign report for a period, as XLSX and PDF.

The XLSX has a cover sheet (headline figures, change since the previous period, how each
figure is counted) and one sheet per table; the reports received are also counted by where
their position comes from (coordinates, estimated from the place name, not located), apart.
The PDF has the same figures, a chart, a map of the period's reports, trips and searched areas,
and the tables. Fonts are embedded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import openpyxl
import pandas as pd
from fpdf.fonts import FontFace
from openpyxl.styles import Font

from geo.admin import province_names
from geo.text import slug
from layers import campaign
from layers.access import Viewer
from layers.campaign import (
    DECIMALS,
    FIGURE_LABELS,
    PAPERWORK_FIGURES,
    SEARCH_FIGURES,
    Figures,
    Period,
    Scope,
    figure_label,
)
from layers.coverage import searched_areas
from layers.events import paperwork_events, status_events
from layers.exporters.pdfdoc import Document, draw_overview, rgb
from layers.exporters.selection import clean_frame
from layers.exporters.tabular import append_values
from layers.labels import number
from layers.places import position_counts
from layers.schema import POSITION_SOURCES
from layers.store import Store

WHOLE = {"vi": "Toàn Hội", "en": "Whole association"}
TEXT = {
    "vi": {
        "title": "Báo cáo chiến dịch tìm kiếm, quy tập hài cốt liệt sĩ",
        "chapter": "Đơn vị báo cáo",
        "period": "Kỳ báo cáo",
        "previous": "Kỳ trước",
        "made": "Lập ngày",
        "figure": "Chỉ tiêu",
        "this": "Kỳ này",
        "change": "Thay đổi",
        "province": "Tỉnh, thành",
        "unit": "Đơn vị",
        "by_province": "Theo tỉnh, thành",
        "papers_by_province": "Hồ sơ, giấy tờ theo tỉnh, thành",
        "by_unit": "Theo đơn vị (tin báo tiếp nhận)",
        "chart": "Tin báo tiếp nhận theo tỉnh (nhiều nhất)",
        "map": "Bản đồ kỳ báo cáo",
        "how": "Cách tính",
        "demo": "DỮ LIỆU MẪU – không phải số liệu thật",
        "cover": "Bìa",
        "days_left": "Còn {n} ngày đến 27/7/2027",
    },
    "en": {
        "title": "Campaign report: search for and recovery of martyrs' remains",
        "chapter": "Reporting body",
        "period": "Period",
        "previous": "Previous period",
        "made": "Made on",
        "figure": "Figure",
        "this": "This period",
        "change": "Change",
        "province": "Province",
        "unit": "Unit",
        "by_province": "By province",
        "papers_by_province": "Paperwork by province",
        "by_unit": "By unit (reports received)",
        "chart": "Reports received by province (most first)",
        "map": "Map of the period",
        "how": "How figures are counted",
        "demo": "DEMO DATA – not real figures",
        "cover": "Cover",
        "days_left": "{n} days left to 27 July 2027",
    },
}
# The reports received, counted apart by position source (layers.places.position_counts), shown
# after "reports received" in the headline figures.
OF_WHICH = {"vi": "Trong đó", "en": "Of which"}  # the position-source rows under «reports received»


def _of_which(term, lang: str) -> str:
    """ "Trong đó: có tọa độ" from the schema's own label of a position source."""
    label = term.label_en if lang == "en" else term.label_vi
    return f"{OF_WHICH['en' if lang == 'en' else 'vi']}: {label[0].lower()}{label[1:]}"


DEFINITIONS = {  # the definitions of layers.campaign, as the cover prints them
    "vi": [
        "Tin báo tiếp nhận: tin báo có ngày tiếp nhận trong kỳ (không tính tin trùng).",
        "Vị trí của tin báo tiếp nhận, đếm riêng: «có tọa độ» là điểm được ghi hoặc đo; «ước lượng theo địa "
        "danh» là tin báo không có tọa độ, mô tả vị trí có tên xã hoặc huyện: một vùng quanh trung tâm xã, "
        "huyện đó, không phải điểm đo; «chưa xác định» là chưa có cả hai.",
        "Đã xác minh: tin báo lần đầu chuyển sang «Đã xác minh» hoặc một bước sau đó trong kỳ, theo lịch sử "
        "thay đổi (tin nhận tháng 6, xác minh tháng 12 được tính vào kỳ có tháng 12, và chỉ tính một lần); "
        "tin nhập từ tệp hoặc thêm vào đã ở trạng thái đó được tính vào ngày nhập.",
        "Đã xác định danh tính: tin báo lần đầu chuyển sang «Đã xác định danh tính» trong kỳ, tính như trên.",
        "Chuyến tìm kiếm: chuyến đã đi (chưa thấy hoặc tìm thấy hài cốt) bắt đầu trong kỳ; "
        "quãng đường là chiều dài vết GPS, diện tích là hợp của vết đã mở rộng theo bề rộng dò tìm.",
        "Hài cốt tìm thấy: tổng ghi trên các chuyến đó.",
        "Hài cốt đã bàn giao: tổng ghi trên các chuyến đã đi có ngày bàn giao trong kỳ "
        "(chuyến chưa ghi ngày bàn giao tính theo ngày bắt đầu).",
        "Điểm mộ đã bàn giao thông tin: điểm mộ có biên bản bàn giao thông tin cho cơ quan tìm kiếm với ngày "
        "bàn giao trong kỳ; một điểm mộ bàn giao hai lần trong kỳ tính một lần.",
        "Hồ sơ điểm mộ đã in: mỗi lần in hồ sơ một điểm mộ trong kỳ.",
        "Tệp đính kèm: tệp gắn vào tin báo, điểm mộ, chuyến đi, hồ sơ công nhận trong kỳ (không tính tệp đã gỡ); "
        "tài liệu, sơ đồ và ảnh đếm riêng với ghi âm và video.",
        "Hồ sơ đề nghị công nhận liệt sĩ mới: hồ sơ được thêm trong kỳ. Đã gửi đi: hồ sơ lần đầu chuyển sang "
        "«Đã gửi cấp xã» hoặc một bước sau đó (gửi cấp tỉnh, được công nhận, bị trả lại) trong kỳ, theo lịch sử "
        "thay đổi, chỉ tính một lần. Được công nhận liệt sĩ: hồ sơ lần đầu chuyển sang bước đó trong kỳ.",
        "Bản xác nhận của nhân chứng đã soạn: mỗi bản tường trình, xác nhận được soạn trong kỳ để nhân chứng ký.",
        "Ngày tính theo giờ Việt Nam (UTC+7).",
    ],
    "en": [
        "Reports received: reports whose day of receipt falls in the period (duplicates left out).",
        "Position of the reports received, counted apart: «with coordinates», a point written or measured; "
        "«estimated from place», no coordinates but a place description naming a commune or district: an "
        "area around that unit's centre, not a measured point; «not located», neither.",
        "Verified: reports that first became verified, or any later step, in the period, as the history "
        "says (received in June and verified in December counts in December, and only once); a report "
        "imported or added already verified counts on the day it arrived.",
        "Identified: reports that first became identified in the period, counted in the same way.",
        "Search trips: trips made (nothing found or remains found) that started in the period; "
        "distance is the GPS track length, area the union of the tracks widened by the sweep width.",
        "Remains found: the total recorded on those trips.",
        "Remains handed over: the total recorded on trips made whose remains were handed over in the "
        "period (a trip without a handover day counts on the day it started).",
        "Sites handed over: sites whose information was handed over to a search authority by a record dated in "
        "the period; a site handed over twice in the period counts once.",
        "Site dossiers printed: each printing of a site's dossier in the period.",
        "Files attached: files attached in the period to reports, sites, trips and recognition cases (not those "
        "removed since); documents, sketches and photos counted apart from recordings and videos.",
        "Recognition cases opened: cases added in the period. Sent: cases that first reached «sent to the "
        "commune» or a later step (sent to the province, recognised, returned) in the period, as the history "
        "says, and only once. Recognised as martyrs: cases that first reached that step in the period.",
        "Witness statements prepared: each statement prepared in the period for a witness to sign.",
        "Days are Vietnam's (UTC+7).",
    ],
}


@dataclass(frozen=True)
class CampaignReport:
    body: str  # the chapter's name, or the whole association
    period: Period
    figures: Figures
    previous: Figures | None  # None: the first report of the campaign has nothing before it
    positions: dict[str, int]  # the reports received, per position source (layers.places.position_counts)
    previous_positions: dict[str, int] | None
    by_province: pd.DataFrame
    by_unit: pd.DataFrame
    received: gpd.GeoDataFrame
    trips: gpd.GeoDataFrame
    made_on: date
    demo: bool


def build(
    reports: gpd.GeoDataFrame,
    trips: gpd.GeoDataFrame,
    body: str,
    chapter_id: str | None,
    period: Period,
    today: date,
    *,
    events: pd.DataFrame,
    paperwork: pd.DataFrame | None = None,
) -> CampaignReport:
    """The report of a chapter (None: every report and trip given) from frames a person sees
    and the status events of the same person (layers.events.status_events; `report_of` reads
    both): required, so that no caller reports zero verified by forgetting them; and the
    paperwork's events of the same person (layers.events.paperwork_events; none: no paperwork)."""
    scope = Scope.of(clean_frame(reports), trips, chapter_id, events, paperwork)
    received = scope.received(period)
    previous = period.previous()
    return CampaignReport(
        body=body,
        period=period,
        figures=scope.figures(period),
        previous=None if previous is None else scope.figures(previous),
        positions=position_counts(received),
        previous_positions=None if previous is None else position_counts(scope.received(previous)),
        by_province=scope.by("province_34", period),
        by_unit=scope.by_unit(period),
        received=received,
        trips=scope.trips_made(period),
        made_on=today,
        demo=bool(reports["is_demo"].any()),  # any demo record in the database: the figures are not real
    )


def report_of(
    store: Store, viewer: Viewer, body: str, chapter_id: str | None, period: Period, today: date
) -> CampaignReport:
    """The report as `build` makes it, from what this person sees in the store."""
    reports, trips = store.frame("reports", viewer), store.frame("trips", viewer)
    events, paperwork = status_events(store, viewer), paperwork_events(store, viewer)
    return build(reports, trips, body, chapter_id, period, today, events=events, paperwork=paperwork)


def filename(report: CampaignReport, extension: str) -> str:
    return f"bao-cao_{slug(report.body)}_{report.period.start}_{report.period.end}.{extension}"


def _value(key: str, value: float, lang: str) -> str:
    return number(value, lang, DECIMALS.get(key, 0))


def _change(key: str, now: float, before: float | None, lang: str) -> str:
    if before is None:
        return "—"
    delta = now - before
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    return f"{sign}{_value(key, abs(delta), lang)}"


def headline_figures(report: CampaignReport, lang: str) -> list[tuple[str, str, float, float | None]]:
    """(key, label, this period, previous period or None) for every headline figure, the reports
    received followed by their count per position source."""
    now = report.figures.as_dict()
    before = report.previous.as_dict() if report.previous else dict.fromkeys(now)
    rows = []
    for key in FIGURE_LABELS:
        rows.append((key, figure_label(key, lang), now[key], before[key]))
        if key == "reports_received":
            earlier = report.previous_positions or {}
            for term in POSITION_SOURCES:
                label = _of_which(term, lang)
                rows.append((term.code, label, report.positions[term.code], earlier.get(term.code)))
    return rows


def headline_rows(report: CampaignReport, lang: str) -> list[tuple[str, str, str, str]]:
    """(label, this period, previous period, change) for every headline figure."""
    return [
        (
            label,
            _value(key, now, lang),
            "—" if before is None else _value(key, before, lang),
            _change(key, now, before, lang),
        )
        for key, label, now, before in headline_figures(report, lang)
    ]


def province_table(report: CampaignReport, lang: str) -> pd.DataFrame:
    names = province_names("34")
    table = report.by_province.copy()
    table.insert(0, TEXT[lang]["province"], [names.get(c, c) for c in table.index])
    return table.rename(columns={k: figure_label(k, lang) for k in FIGURE_LABELS}).reset_index(drop=True)


def unit_table(report: CampaignReport, lang: str) -> pd.DataFrame:
    return report.by_unit.rename(
        columns={"unit": TEXT[lang]["unit"], **{k: figure_label(k, lang) for k in FIGURE_LABELS}}
    )


def _days(period: Period) -> str:
    return f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def _cover_lines(report: CampaignReport, lang: str) -> list[tuple[str, str]]:
    text = TEXT[lang]
    period, previous = report.period, report.period.previous()
    named = period.key in ("6m", "1y", "final")
    return [
        (text["chapter"], report.body),
        (text["period"], f"{period.label(lang)} ({_days(period)})" if named else _days(period)),
        (text["previous"], "—" if previous is None else _days(previous)),
        (text["made"], f"{report.made_on:%d/%m/%Y}"),
    ]


def report_xlsx(report: CampaignReport, lang: str = "vi") -> bytes:
    text = TEXT[lang]
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = text["cover"]
    cover.append([text["title"]])
    cover["A1"].font = Font(bold=True, size=14)
    if report.demo:
        cover.append([text["demo"]])
    for label, value in _cover_lines(report, lang):
        append_values(cover, [label, value])
    cover.append([])
    cover.append([text["figure"], text["this"], text["previous"], text["change"]])
    for cell in cover[cover.max_row]:
        cell.font = Font(bold=True)
    for _, label, now, before in headline_figures(report, lang):  # numbers stay numbers, to add up
        cover.append([label, now, before, None if before is None else now - before])
    cover.append([])
    cover.append([text["how"]])
    for line in DEFINITIONS[lang]:
        cover.append([line])
    cover.column_dimensions["A"].width = 34
    for column in "BCD":
        cover.column_dimensions[column].width = 22
    for title, table in (
        (text["by_province"], province_table(report, lang)),
        (text["by_unit"], unit_table(report, lang)),
    ):
        sheet = book.create_sheet(title[:31])
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.itertuples(index=False):
            append_values(sheet, list(row))
        sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table(pdf: Document, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    """A bordered table; headings wrap and repeat on every page."""
    pdf.set_font("DejaVu", size=8)
    align = ("LEFT", *("RIGHT" for _ in widths[1:]))
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        text_align=align,
        line_height=4.5,
        headings_style=FontFace(emphasis="BOLD"),
    ) as table:
        for values in [header, *rows]:
            table.row(values)
    pdf.ln(3)


def _chart(pdf: Document, table: pd.DataFrame, lang: str) -> None:
    """Horizontal bars of reports received for the provinces with the most."""
    top = table.sort_values("reports_received", ascending=False).head(12)
    top = top[top["reports_received"] > 0]
    if top.empty:
        return
    names = province_names("34")
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 7, TEXT[lang]["chart"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    biggest = float(top["reports_received"].max())
    pdf.set_fill_color(*rgb("#d62728"))
    for code, value in top["reports_received"].items():
        y = pdf.get_y()
        pdf.cell(45, 5, names.get(code, code))
        pdf.rect(pdf.l_margin + 46, y + 1, 110 * float(value) / biggest, 3.2, style="F")
        pdf.set_x(pdf.l_margin + 160)
        pdf.cell(20, 5, number(value, lang), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def report_pdf(report: CampaignReport, lang: str = "vi") -> bytes:
    text = TEXT[lang]
    pdf = Document(lang, text["title"])
    pdf.open_with(text["title"], text["demo"] if report.demo else None)
    for label, value in _cover_lines(report, lang):
        pdf.line_of_text(f"{label}: {value}")
    pdf.line_of_text(text["days_left"].format(n=campaign.days_left(report.made_on)))
    pdf.ln(3)
    rows = [list(r) for r in headline_rows(report, lang)]
    _table(pdf, [text["figure"], text["this"], text["previous"], text["change"]], rows, [70, 38, 38, 34])
    _chart(pdf, report.by_province, lang)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 7, text["map"], new_x="LMARGIN", new_y="NEXT")
    draw_overview(pdf, (15.0, pdf.get_y(), 180.0, 150.0), report.received, report.trips, searched_areas(report.trips))
    pdf.add_page()
    provinces = province_table(report, lang)
    for title, keys in (("by_province", SEARCH_FIGURES), ("papers_by_province", PAPERWORK_FIGURES)):
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 7, text[title], new_x="LMARGIN", new_y="NEXT")
        columns = [provinces.columns[0], *(figure_label(k, lang) for k in keys)]
        body = [
            [str(r.iloc[0]), *(_value(k, r[figure_label(k, lang)], lang) for k in keys)]
            for _, r in provinces.iterrows()
        ]
        _table(pdf, columns, body, [28] + [19] * len(keys))
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 7, text["by_unit"], new_x="LMARGIN", new_y="NEXT")
    units = unit_table(report, lang)
    body = [[str(r.iloc[0]), *[number(v, lang) for v in r.iloc[1:]]] for _, r in units.iterrows()]
    _table(pdf, list(units.columns), body, [70, 36, 36, 36])
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(0, 6, text["how"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    for line in DEFINITIONS[lang]:
        pdf.multi_cell(0, 4.5, f"• {line}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
