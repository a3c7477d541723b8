"""The monthly bulletin (layers.bulletin) as an A4 PDF, and its pages as PNG pictures for the
association's website and Zalo posts.

The PDF: the title with the month, the month's figures against the month before with the
change, the provinces that moved most, the public stories (title, province, sentence, picture
fitted to a box), the published commendations, and how the figures are counted. Every page's
footer says "Dữ liệu mẫu" when the data are the demo set, so a page shared alone still says so.
Pictures are the stills layers.bulletin re-encoded without metadata; the PNG pages are drawn by
PDFium and written by Pillow with no text chunk, no EXIF, no resolution.
"""

from __future__ import annotations

import io

import pypdfium2
from fpdf.fonts import FontFace
from PIL import Image

from geo.admin import province_names
from layers.bulletin import BULLETIN_FIGURES, MOVER_COLUMNS, MOVER_FIGURES, Bulletin, BulletinStory
from layers.campaign import DECIMALS, FIGURE_LABELS, figure_label
from layers.exporters.campaign_report import DEFINITIONS
from layers.exporters.pdfdoc import MAP_TEXT, Document, printable_text
from layers.labels import number
from layers.publication import PublicCommendation

PICTURE_BOX = (120.0, 70.0)  # the most a story's picture takes on the page (width, height in mm)
TEXT = {
    "vi": {
        "title": "Bản tin Chiến dịch 500 ngày đêm — tháng {month}",
        "compare": "Số liệu {month} so với {previous}. Lập ngày {made}.",
        "figure": "Chỉ tiêu",
        "this": "Tháng này",
        "previous": "Tháng trước",
        "change": "Thay đổi",
        "movers": "Các tỉnh, thành có nhiều chuyển biến nhất",
        "province": "Tỉnh, thành",
        "moved": "Tổng chuyển biến",
        "no_movers": "Tháng này chưa có tỉnh, thành nào có số liệu mới.",
        "stories": "Câu chuyện từ các chuyến tìm kiếm",
        "no_stories": "Tháng này chưa có câu chuyện nào được công bố.",
        "commendations": "Biểu dương",
        "no_commendations": "Tháng này chưa có danh sách biểu dương được công bố.",
        "commendation_period": "Kỳ {days}",
        "how": "Cách tính",
        "month": "Tháng: từ ngày 1 đến ngày cuối tháng, theo giờ Việt Nam; chỉ tính dữ liệu được công bố "
        "(không có tên, số điện thoại, địa chỉ nhân chứng, không có tọa độ mộ).",
        "moved_how": "Tổng chuyển biến của một tỉnh, thành: tổng trong tháng của {figures}; "
        "in {n} tỉnh, thành nhiều nhất.",
        "demo": "Dữ liệu mẫu – không phải số liệu thật",
    },
    "en": {
        "title": "Bulletin of the 500 Days and Nights Campaign — {month}",
        "compare": "Figures of {month} against {previous}. Made on {made}.",
        "figure": "Figure",
        "this": "This month",
        "previous": "Previous month",
        "change": "Change",
        "movers": "The provinces that moved most",
        "province": "Province",
        "moved": "Moved",
        "no_movers": "No province has new figures this month yet.",
        "stories": "Stories from the search trips",
        "no_stories": "No story was published this month yet.",
        "commendations": "Commendations",
        "no_commendations": "No commendations were published this month yet.",
        "commendation_period": "Period {days}",
        "how": "How figures are counted",
        "month": "Month: from its first to its last day, Vietnam's time; only published data are counted "
        "(no witness name, phone or address, no grave position).",
        "moved_how": "How much a province moved: the month's sum of {figures}; the {n} that moved most are shown.",
        "demo": "Demo data – not real figures",
    },
}


class BulletinDocument(Document):
    """The app's A4 document whose footer also says, on every page, when the data are the demo set."""

    def __init__(self, lang: str, title: str, demo: bool) -> None:
        self.demo = demo
        super().__init__(lang, title)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        page = MAP_TEXT[self.lang]["page"].format(n=self.page_no())
        if self.demo:
            self.set_text_color(200, 0, 0)
            self.cell(0, 6, f"{TEXT[self.lang]['demo']} · {page}", align="C")
            self.set_text_color(0)
        else:
            self.cell(0, 6, page, align="C")


def title(bulletin: Bulletin, lang: str) -> str:
    month = f"{bulletin.month.start:%m/%Y}" if lang != "en" else bulletin.month.label_en
    return TEXT[lang]["title"].format(month=month)


def value_text(key: str, value: float, lang: str) -> str:
    """A figure as the bulletin prints it (the campaign report's decimals)."""
    return number(value, lang, DECIMALS.get(key, 0))


def change_text(key: str, now: float, before: float, lang: str) -> str:
    """The change from the month before: "+3", "−1,50", "±0"."""
    delta = now - before
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    return f"{sign}{value_text(key, abs(delta), lang)}"


def figure_rows(bulletin: Bulletin, lang: str) -> list[list[str]]:
    """(label, this month, previous month, change) for each of the bulletin's figures."""
    now, before = bulletin.figures.as_dict(), bulletin.previous.as_dict()
    return [
        [
            figure_label(key, lang),
            value_text(key, now[key], lang),
            value_text(key, before[key], lang),
            change_text(key, now[key], before[key], lang),
        ]
        for key in BULLETIN_FIGURES
    ]


def _heading(pdf: Document, text: str) -> None:
    if pdf.will_page_break(25):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)


def _table(pdf: Document, rows: list[list[str]], widths: list[float]) -> None:
    """A bordered table, its first row the headings (repeated on a new page)."""
    pdf.set_font("DejaVu", size=9)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        text_align=("LEFT", *("RIGHT" for _ in widths[1:])),
        line_height=5,
        headings_style=FontFace(emphasis="BOLD"),
    ) as table:
        for values in rows:
            table.row(values)
    pdf.ln(2)


def _movers(pdf: Document, bulletin: Bulletin, lang: str) -> None:
    text = TEXT[lang]
    _heading(pdf, text["movers"])
    if not bulletin.movers:
        pdf.line_of_text(text["no_movers"])
        return
    header = [text["province"], *(figure_label(k, lang) for k in MOVER_COLUMNS), text["moved"]]
    rows = [
        [
            mover.name,
            *(
                f"{value_text(k, mover.figures[k], lang)} ({change_text(k, mover.figures[k], mover.previous[k], lang)})"
                for k in MOVER_COLUMNS
            ),
            number(mover.moved, lang),
        ]
        for mover in bulletin.movers
    ]
    _table(pdf, [header, *rows], [38, 29, 29, 29, 29, 26])


def _picture_size(picture: bytes) -> tuple[float, float]:
    """The picture's printed size (mm): scaled to fit PICTURE_BOX, its proportions kept."""
    with Image.open(io.BytesIO(picture)) as image:
        width, height = image.size
    scale = min(PICTURE_BOX[0] / width, PICTURE_BOX[1] / height)
    return width * scale, height * scale


def _story(pdf: Document, item: BulletinStory, names: dict[str, str]) -> None:
    """A story's title, where and when, sentence and picture, kept together on one page."""
    story = item.story
    size = _picture_size(item.picture) if item.picture else (0.0, 0.0)
    if pdf.will_page_break(24 + size[1]):
        pdf.add_page()
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, 5.5, printable_text(story.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    where = [names.get(story.province_34 or "", story.province_34 or ""), printable_text(story.chapter_name)]
    if story.day:
        where.append(f"{story.day:%d/%m/%Y}")
    pdf.multi_cell(0, 4.5, " · ".join(part for part in where if part), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, printable_text(story.sentence), new_x="LMARGIN", new_y="NEXT")
    if item.picture:
        pdf.ln(1)
        if pdf.will_page_break(size[1] + 2):  # a sentence longer than foreseen
            pdf.add_page()
        pdf.image(io.BytesIO(item.picture), x=pdf.l_margin, y=pdf.get_y(), w=size[0], h=size[1])
        pdf.set_y(pdf.get_y() + size[1] + 2)
    pdf.ln(3)


def _commendation_line(line: PublicCommendation, names: dict[str, str], lang: str) -> str:
    figures = ", ".join(
        f"{figure_label(k, lang)}: {value_text(k, v, lang)}" for k, v in line.figures.items() if k in FIGURE_LABELS
    )
    parts = [f"{line.rank}. {printable_text(line.name)}", names.get(line.province_34 or "", "")]
    said = " — ".join(part for part in parts if part)
    return "\n".join(part for part in (said, figures, printable_text(line.note or "")) if part)


def _commendations(pdf: Document, bulletin: Bulletin, names: dict[str, str], lang: str) -> None:
    text = TEXT[lang]
    _heading(pdf, text["commendations"])
    if not bulletin.commendations:
        pdf.line_of_text(text["no_commendations"])
        return
    period = None
    for line in bulletin.commendations:  # by period (a period overlapping the month), ranked
        if (line.period_start, line.period_end) != period:
            period = (line.period_start, line.period_end)
            pdf.set_font("DejaVu", "B", 9)
            days = f"{line.period_start:%d/%m/%Y} – {line.period_end:%d/%m/%Y}"
            pdf.cell(0, 6, text["commendation_period"].format(days=days), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", size=9)
        pdf.multi_cell(0, 5, _commendation_line(line, names, lang), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)


def _definitions(pdf: Document, bulletin: Bulletin, lang: str) -> None:
    text = TEXT[lang]
    _heading(pdf, text["how"])
    pdf.set_font("DejaVu", size=7.5)
    moved = text["moved_how"].format(
        figures=", ".join(figure_label(k, lang).lower() for k in MOVER_FIGURES), n=len(bulletin.movers) or 5
    )
    for line in (text["month"], moved, *DEFINITIONS[lang]):
        pdf.multi_cell(0, 4, f"• {line}", new_x="LMARGIN", new_y="NEXT")
    if bulletin.demo:
        pdf.set_text_color(200, 0, 0)
        pdf.set_font("DejaVu", "B", 9)
        pdf.multi_cell(0, 5, text["demo"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)


def bulletin_pdf(bulletin: Bulletin, lang: str = "vi") -> bytes:
    """The bulletin as an A4 PDF, fonts embedded."""
    text, heading = TEXT[lang], title(bulletin, lang)
    names = province_names("34")
    pdf = BulletinDocument(lang, heading, bulletin.demo)
    pdf.open_with(heading, text["demo"] if bulletin.demo else None)
    month, before = bulletin.month, bulletin.previous_month
    pdf.line_of_text(
        text["compare"].format(
            month=month.label(lang), previous=before.label(lang), made=f"{bulletin.made_on:%d/%m/%Y}"
        )
    )
    pdf.ln(2)
    _table(
        pdf,
        [[text["figure"], text["this"], text["previous"], text["change"]], *figure_rows(bulletin, lang)],
        [80, 35, 35, 30],
    )
    _movers(pdf, bulletin, lang)
    _heading(pdf, text["stories"])
    if not bulletin.stories:
        pdf.line_of_text(text["no_stories"])
    for item in bulletin.stories:
        _story(pdf, item, names)
    _commendations(pdf, bulletin, names, lang)
    _definitions(pdf, bulletin, lang)
    return bytes(pdf.output())


def page_count(pdf_bytes: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return len(document)
    finally:
        document.close()


def bulletin_pngs(pdf_bytes: bytes, dpi: int = 110) -> list[bytes]:
    """Each page of the PDF drawn as a PNG at `dpi` (white background, no metadata)."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            try:
                image = page.render(scale=dpi / 72).to_pil().convert("RGB")
            finally:
                page.close()
            out = io.BytesIO()
            image.save(out, "PNG", optimize=True)
            pages.append(out.getvalue())
        return pages
    finally:
        document.close()
