"""The import template chapters fill in: Vietnamese headers and two example rows."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from layers.importers.mapping import template_columns
from layers.schema import REPORTS

EXAMPLES = [
    {
        "Họ tên liệt sĩ": "Nguyễn Văn Mẫu",
        "Quê quán": "Nghệ An",
        "Năm sinh": "1948",
        "Đơn vị": "C552",
        "Từ năm": "1968",
        "Đến năm": "1968",
        "Thời gian (lời kể)": "mùa khô 1968",
        "Mô tả vị trí (lời nhân chứng)": "Cách gốc đa đầu làng khoảng 200 m về phía tây",
        "Tỉnh (hiện nay)": "Quảng Trị",
        "Tọa độ gốc": "16°44'49\"N 107°11'40\"E",
        "Hệ quy chiếu (datum)": "wgs84",
        "Sai số (m)": "100",
        "Số hài cốt": "1",
        "Họ tên nhân chứng": "Lê Văn Kể",
        "Điện thoại nhân chứng": "0123 4000000",
        "Kênh tiếp nhận": "Gặp trực tiếp",
        "Trạng thái": "Mới nhận",
        "Độ tin cậy": "Trung bình",
    },
    {
        "Họ tên liệt sĩ": "Chưa rõ tên",
        "Đơn vị": "Đại đội 317",
        "Thời gian (lời kể)": "khoảng năm 1972",
        "Mô tả vị trí (lời nhân chứng)": "Lưới tọa độ chép từ bản đồ cũ của Mỹ",
        "Địa danh lịch sử": "Vĩnh Linh",
        "Tọa độ gốc": "XD 845 421",
        "Hệ quy chiếu (datum)": "indian1960",
        "Trạng thái": "Đang xác minh",
    },
]


def template_csv() -> bytes:
    """The template as CSV in UTF-8 with a BOM, so Excel shows the Vietnamese letters."""
    columns = template_columns(REPORTS)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(EXAMPLES)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    columns = template_columns(REPORTS)
    book = Workbook()
    sheet = book.active
    sheet.title = "Tin báo"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in EXAMPLES:
        sheet.append([example.get(c, "") for c in columns])
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(12, min(40, len(column) + 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
