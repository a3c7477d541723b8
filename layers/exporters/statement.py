"""A witness statement (bản xác nhận / bản tường trình của nhân chứng) for a recognition case:
one A4 page when it fits, in large print for an old comrade to read and sign, pre-filled from the
case and the witness.

The witness's own details (name, birth year, address, relation) are printed only in the copy for
a person who may see them (the store cuts them for the others); where they are missing the
page has dotted lines to fill in by hand. Preparing a statement is written in the witness's
history (action "statement").
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from layers import history
from layers.access import Viewer
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.exporters.paper import Paper
from layers.exporters.pdfdoc import Document
from layers.labels import blank, clean_text, short_code
from layers.schema import RECOGNITION_CASES, RECOGNITION_WITNESSES
from layers.store import Store

BODY_PT = 14  # the smallest print of the statement itself: an old comrade reads it without glasses
LINE_MM = 7.2  # about 1.45 lines of 14 pt
MARGIN_MM = 20
SIGNATURE_MM = 40  # a signature block: its heading, room to sign, the name
TEXT = {
    "vi": {
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "title": "BẢN XÁC NHẬN CỦA NHÂN CHỨNG",
        "subtitle": "(Bản tường trình về trường hợp hy sinh)",
        "to": "Kính gửi: ",
        "to_whom": "Ủy ban nhân dân xã ",
        "to_rest": " và cơ quan có thẩm quyền xét công nhận liệt sĩ.",
        "me": "Tôi là: ",
        "born": "Năm sinh: ",
        "address": "Địa chỉ: ",
        "relation": "Quan hệ với người hy sinh: ",
        "served": "Cùng đơn vị, thời gian: ",
        "confirm": "Tôi xin xác nhận về đồng chí:",
        "name": "Họ và tên: ",
        "hometown": "Quê quán: ",
        "unit": "Đơn vị: ",
        "died": "Hy sinh ngày: ",
        "died_at": "Nơi hy sinh: ",
        "circumstances": "Hoàn cảnh hy sinh: ",
        "statement": "Nội dung xác nhận (những điều tôi biết, tôi chứng kiến):",
        "promise": (
            "Tôi xin cam đoan những điều trên là đúng sự thật và xin chịu trách nhiệm trước pháp luật về lời xác "
            "nhận của mình."
        ),
        "dated": "{place}, ngày {d} tháng {m} năm {y}",
        "office": "XÁC NHẬN CỦA UBND XÃ / HỘI CỰU TNXP",
        "office_sign": "(ký tên, đóng dấu)",
        "witness": "NGƯỜI XÁC NHẬN",
        "witness_sign": "(ký, ghi rõ họ tên)",
        "demo": "DỮ LIỆU MẪU – không dùng làm giấy tờ thật",
        "footer": "Hồ sơ #{case} · nhân chứng #{witness} · chuẩn bị ngày {day} · Trang {page}",
        "pdf_title": "Bản xác nhận của nhân chứng",
    },
    "en": {
        "nation": "SOCIALIST REPUBLIC OF VIETNAM",
        "motto": "Independence - Freedom - Happiness",
        "title": "WITNESS STATEMENT",
        "subtitle": "(An account of how a comrade died)",
        "to": "To: ",
        "to_whom": "the People's Committee of the commune of ",
        "to_rest": " and the authority that decides on recognition as a martyr.",
        "me": "I am: ",
        "born": "Born: ",
        "address": "Address: ",
        "relation": "Relation to the fallen: ",
        "served": "Served together (unit, when): ",
        "confirm": "I confirm the following about comrade:",
        "name": "Full name: ",
        "hometown": "Hometown: ",
        "unit": "Unit: ",
        "died": "Died on: ",
        "died_at": "Place of death: ",
        "circumstances": "Circumstances: ",
        "statement": "What I confirm (what I know and what I saw):",
        "promise": "I declare that the above is true and I am answerable before the law for this statement.",
        "dated": "{place}, {d}/{m}/{y}",
        "office": "CONFIRMED BY THE COMMUNE / THE ASSOCIATION",
        "office_sign": "(signature, seal)",
        "witness": "THE WITNESS",
        "witness_sign": "(signature, full name)",
        "demo": "DEMO DATA – not a real document",
        "footer": "Case #{case} · witness #{witness} · prepared on {day} · Page {page}",
        "pdf_title": "Witness statement",
    },
}


def _said(value: object) -> str:
    """A stored value as printed ('' for none), without control characters."""
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip()


def _day(value: object) -> date | None:
    if blank(value):
        return None
    return pd.Timestamp(value).date()


class _Statement(Document):
    """The statement's page: wide margins, and a footer naming the case and the witness."""

    def __init__(self, lang: str, footer: str) -> None:
        super().__init__(lang, TEXT[lang]["pdf_title"])
        self.footer_text = footer
        self.set_margins(MARGIN_MM, 14, MARGIN_MM)
        self.set_auto_page_break(True, margin=16)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("DejaVu", size=9)
        self.set_text_color(90)
        self.cell(0, 6, self.footer_text.format(page=self.page_no()), align="C")
        self.set_text_color(0)

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def centred(self, text: str, size: float, bold: bool = False, height: float = LINE_MM) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.multi_cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")

    def dots(self, width: float) -> str:
        """Dots filling `width` mm, to write on by hand."""
        return "." * max(int((width - 1.5) / self.get_string_width(".")), 3)

    def field(self, label: str, value: str, end: str = "") -> None:
        """A label and its value flowing over lines, or dotted to the line's end when there is no
        value; `end` follows the value."""
        self.set_font("DejaVu", size=BODY_PT)
        self.write(LINE_MM, label)
        if value:
            self.write(LINE_MM, value + end)
        else:
            room = self.w - self.r_margin - self.get_x() - self.get_string_width(end) - 1
            self.write(LINE_MM, self.dots(room) + end)
        self.ln(LINE_MM)

    def gap_line(self, before: str, gap_mm: float, after: str) -> None:
        """Text with a dotted gap of `gap_mm` to fill in by hand (the commune's name)."""
        self.set_font("DejaVu", size=BODY_PT)
        self.write(LINE_MM, before + self.dots(gap_mm) + after)
        self.ln(LINE_MM)

    def pair(self, first: tuple[str, str], second: tuple[str, str]) -> None:
        """Two short fields on one line (a name and a birth year) when they fit; else one a line."""
        share = (self.width * 0.68, self.width * 0.32)
        self.set_font("DejaVu", size=BODY_PT)
        texts = [label + value for label, value in (first, second)]
        if any(self.get_string_width(t) > w - 2 for t, w in zip(texts, share, strict=True)):
            self.field(*first)
            self.field(*second)
            return
        for (label, value), w in zip((first, second), share, strict=True):
            self.cell(w, LINE_MM, label + (value or self.dots(w - self.get_string_width(label) - 2)))
        self.ln(LINE_MM)

    def hand_lines(self, count: int) -> None:
        self.set_font("DejaVu", size=BODY_PT)
        for _ in range(count):
            self.cell(0, LINE_MM + 1, self.dots(self.width - 1), new_x="LMARGIN", new_y="NEXT")


def _death_day(case: dict) -> str:
    return _said(case.get("death_date")) or _said(case.get("death_year"))


def _dated(pdf: _Statement, words: dict, signed: date | None) -> None:
    place = pdf.dots(38)
    if signed is None:
        line = words["dated"].format(place=place, d="......", m="......", y="............")
    else:
        line = words["dated"].format(place=place, d=f"{signed:%d}", m=f"{signed:%m}", y=f"{signed:%Y}")
    pdf.set_font("DejaVu", size=BODY_PT)
    pdf.cell(0, LINE_MM, line, align="R", new_x="LMARGIN", new_y="NEXT")


def _signatures(pdf: _Statement, words: dict, witness_name: str) -> None:
    half = pdf.width / 2
    top = pdf.get_y() + 2
    if top + SIGNATURE_MM > pdf.h - pdf.b_margin:  # the signatures stay together, on the next page if need be
        pdf.add_page()
        top = pdf.get_y()
    for column, (heading, how, name) in enumerate(
        ((words["office"], words["office_sign"], ""), (words["witness"], words["witness_sign"], witness_name))
    ):
        x = pdf.l_margin + column * half
        pdf.set_xy(x, top)
        pdf.set_font("DejaVu", "B", BODY_PT)
        pdf.multi_cell(half, LINE_MM, heading, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", size=BODY_PT)
        pdf.multi_cell(half, LINE_MM, how, align="C", new_x="LEFT", new_y="NEXT")
        if name:
            pdf.set_xy(x, top + SIGNATURE_MM - LINE_MM)
            pdf.set_font("DejaVu", "B", BODY_PT)
            pdf.multi_cell(half, LINE_MM, name, align="C")


def render(case: dict, witness: dict, lang: str, demo: bool) -> bytes:
    """The statement's PDF from a case and a witness as the person may see them."""
    if lang not in TEXT:
        raise LayersError(f"Ngôn ngữ «{lang[:10]}» không có; chọn: {', '.join(TEXT)}.")
    words = TEXT[lang]
    footer = words["footer"].format(
        case=short_code(case["id"]), witness=short_code(witness["id"]), day=f"{vietnam_today():%d/%m/%Y}", page="{page}"
    )
    pdf = _Statement(lang, footer)
    pdf.add_page()
    if demo:
        pdf.set_text_color(200, 0, 0)
        pdf.centred(words["demo"], 12, bold=True, height=6)
        pdf.set_text_color(0)
    pdf.centred(words["nation"], BODY_PT, bold=True, height=7)
    pdf.centred(words["motto"], BODY_PT, bold=True, height=7)
    middle = pdf.w / 2
    pdf.line(middle - 30, pdf.get_y() + 0.5, middle + 30, pdf.get_y() + 0.5)
    pdf.ln(5)
    pdf.centred(words["title"], 18, bold=True, height=9)
    pdf.centred(words["subtitle"], BODY_PT, height=7)
    pdf.ln(3)
    pdf.gap_line(words["to"] + words["to_whom"], 50, words["to_rest"])
    pdf.pair((words["me"], _said(witness.get("name"))), (words["born"], _said(witness.get("birth_year"))))
    pdf.field(words["address"], _said(witness.get("address")))
    pdf.field(words["relation"], _said(witness.get("relation")))
    pdf.field(words["served"], _said(witness.get("served_with")))
    pdf.ln(1.5)
    pdf.set_font("DejaVu", "B", BODY_PT)
    pdf.cell(0, LINE_MM, words["confirm"], new_x="LMARGIN", new_y="NEXT")
    pdf.pair((words["name"], _said(case.get("person_name"))), (words["born"], _said(case.get("birth_year"))))
    pdf.field(words["hometown"], _said(case.get("hometown")))
    pdf.field(words["unit"], _said(case.get("unit")))
    pdf.field(words["died"], _death_day(case))
    pdf.field(words["died_at"], _said(case.get("death_place")))
    pdf.field(words["circumstances"], _said(case.get("circumstances")))
    pdf.ln(1.5)
    pdf.set_font("DejaVu", "B", BODY_PT)
    pdf.cell(0, LINE_MM, words["statement"], new_x="LMARGIN", new_y="NEXT")
    statement = _said(witness.get("statement"))
    if statement:
        pdf.set_font("DejaVu", size=BODY_PT)
        pdf.multi_cell(0, LINE_MM, statement, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.hand_lines(5)
    pdf.ln(2)
    pdf.set_font("DejaVu", size=BODY_PT)
    pdf.multi_cell(0, LINE_MM, words["promise"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _dated(pdf, words, _day(witness.get("signed_on")))
    _signatures(pdf, words, _said(witness.get("name")))
    return bytes(pdf.output())


def statement_pdf(store: Store, witness_id: str, viewer: Viewer, lang: str = "vi") -> bytes:
    """A witness's statement, pre-filled from their case, as this person may see the two (the
    witness's details dotted for someone who may not see them); the preparing is written in the
    witness's history."""
    witness = store.record(RECOGNITION_WITNESSES.name, witness_id, viewer)
    if witness is None:
        raise LayersError(f"Không có nhân chứng «{str(witness_id)[:60]}».")
    case = store.record(RECOGNITION_CASES.name, witness[RECOGNITION_WITNESSES.part_of[1]], viewer)
    if case is None:
        raise LayersError(f"Không có hồ sơ của nhân chứng «{str(witness_id)[:60]}».")
    with_details = not blank(witness.get(RECOGNITION_WITNESSES.title))
    data = render(case, witness, lang, bool(witness.get("is_demo")))
    said = "có thông tin nhân chứng" if with_details else "để trống thông tin nhân chứng"
    with store.engine.begin() as connection:
        history.write(
            connection,
            RECOGNITION_WITNESSES.name,
            str(witness["id"]),
            int(witness["version"]),
            "statement",
            viewer.username,
            {},
            reason=f"Bản xác nhận (PDF, {lang}), {said}",
            is_demo=bool(witness.get("is_demo")),
        )
    return data


PAPER = Paper(
    RECOGNITION_WITNESSES.name,
    "Bản xác nhận (PDF)",
    "Statement (PDF)",
    "ban-xac-nhan",
    statement_pdf,
)
