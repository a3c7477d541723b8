"""Hostile input files for the importers (`python -m layers import reports|trips FILE`).

Every file sets one trap that a real chapter's file once set, or that an attacker could set:
zip bombs, million-row sheets, stray CSV quotes, mixed encodings, XML entities, typed KML
fields that make GDAL print a witness's phone, points abroad, impossible GPX times. `CORPUS`
says, for each file, what trap it sets, how many physical data records a correct reader must
account for (`data_rows`; None when the whole file must be refused) and which private values
(witness names, phones, addresses) it holds, which must never reach stderr or a partner export.

Small files are committed next to this script; `python tests/data/hostile/build.py` rewrites
them, byte for byte the same on every run (no timestamps; zip members dated 2026-01-01 00:00;
compressed bytes depend only on the zlib in use). Large files (bombs, millions of rows, and
two files that cannot be small: 20,000 zip members, a 150,000-character cell) are never
committed: `path(entry, folder)` builds them on demand into `folder`, streaming, and reuses
them when they are already there. `--large DIR` builds them all and prints their sizes.

How the legacy office files were made:
- `ods_legacy.ods` is written by hand here (OpenDocument is a zip: `mimetype` first and
  stored, then `META-INF/manifest.xml`, `styles.xml`, `content.xml`), so it is rebuilt on
  every run; it was checked by reading it back with odfpy 1.4.1.
- `xls_legacy.xls` is a genuine BIFF8 workbook written by xlwt 1.3.0, installed for the
  purpose in a throwaway virtual environment (`python3 -m venv /tmp/legacy_venv &&
  /tmp/legacy_venv/bin/pip install xlwt xlrd odfpy`), then
  `/tmp/legacy_venv/bin/python tests/data/hostile/build.py --legacy`; it was checked by
  reading it back with xlrd 2.0.2. Without `--legacy` (or without xlwt) the committed .xls
  is left as it is: the project itself does not depend on xlwt.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import hashlib
import html
import io
import math
import os
import random
import re
import sys
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
MiB = 1 << 20


@dataclass(frozen=True)
class Hostile:
    name: str  # file name, e.g. "csv_stray_quote.csv"
    layer: str  # "reports" or "trips"
    what: str  # one line: what trap it sets
    data_rows: int | None  # physical data records a correct reader must account for; None: refuse the file whole
    private: tuple[str, ...]  # witness names, phones, addresses inside the file that must never leak
    large: bool = False  # made at test time, not committed


# --- Realistic values -------------------------------------------------------------------------


@dataclass(frozen=True)
class Witness:
    name: str
    phone: str
    address: str

    @property
    def plain_address(self) -> str:
        """The address without commas, for files whose fields must need no CSV quoting."""
        return self.address.replace(",", "")

    def private(self, *, plain: bool = False) -> tuple[str, str, str]:
        return (self.name, self.phone, self.plain_address if plain else self.address)


WITNESSES = (
    Witness("Lê Văn Tám", "0912 000 111", "Xóm 4, xã Vĩnh Lâm"),
    Witness("Hoàng Thị Mận", "0987654321", "Thôn Tân Định, xã Hải Thượng"),
    Witness("Trịnh Xuân Khải", "+84 915 222 333", "Khóm 2, thị trấn Cam Lộ"),
    Witness("Đặng Thị Lài", "0905 313 474", "Thôn Phú Ổ, xã Triệu Giang"),
    Witness("Phan Văn Quýt", "0978.246.135", "Xóm Bàu, xã Gio An"),
    Witness("Võ Thị Sen", "0934567089", "Thôn Hà Thanh, xã Hướng Lập"),
)
W = WITNESSES

# Martyrs' names are public; none of these parts occurs in a witness's name.
_SURNAMES = ("Nguyễn", "Trần", "Phạm", "Vũ", "Bùi", "Đỗ", "Ngô", "Dương", "Đinh", "Lý")
_MIDDLE = ("Văn", "Đình", "Quang", "Hữu", "Ngọc")
_GIVEN = ("Hùng", "Dũng", "Thắng", "Lợi", "Bình", "Minh", "Sơn", "Hải", "Phúc", "Nghĩa")
UNITS = ("C552", "Đội 65", "C554", "Đội 33 TNXP", "Tiểu đoàn 8")
# Comma- and quote-free, so a file built from them needs no CSV quoting at all.
PLACES = (
    "Cách ngầm tràn Khe Sanh chừng 300 m về phía bắc bên trái đường 9",
    "Dưới gốc cây muồng lớn cạnh suối Đá Mài",
    "Chân đồi 544 phía tây bắc gần hố bom cũ",
    "Bên bờ sông Thạch Hãn đoạn bến đò cũ",
    "Sau trạm giao liên cạnh cây đa ba gốc",
    "Trong vườn nhà dân cũ gần đình làng",
    "Lưng chừng dốc Cổng Trời bên phải đường mòn",
)
NOTES = ("Đã báo Sở Nội vụ", "Cần đối chiếu danh sách đơn vị", "", "Gia đình đã đến thắp hương", "")

REPORT_HEADER = (
    "Họ tên liệt sĩ",
    "Đơn vị",
    "Từ năm",
    "Đến năm",
    "Mô tả vị trí (lời nhân chứng)",
    "Tỉnh (hiện nay)",
    "Tọa độ gốc",
    "Hệ quy chiếu (datum)",
    "Họ tên nhân chứng",
    "Điện thoại nhân chứng",
    "Địa chỉ nhân chứng",
    "Ghi chú",
)
ASCII_HEADER = (
    "Ho ten liet si",
    "DON VI",
    "Tu nam",
    "den NAM",
    "Mo ta vi tri (loi nhan chung)",
    "TINH (HIEN NAY)",
    "toa do goc",
    "He Quy Chieu (Datum)",
    "HO TEN NHAN CHUNG",
    "Dien thoai nhan chung",
    "dia chi nhan chung",
    "GHI CHU",
)
MIXED_ENCODING_NAME = "Nguyễn Đức Thưởng"  # data row 7 of csv_mixed_encoding.csv, written in Windows-1258


def martyr(i: int) -> str:
    """A distinct martyr's name for each i below 500."""
    return f"{_SURNAMES[i % 10]} {_MIDDLE[(i // 10) % 5]} {_GIVEN[(i // 50) % 10]}"


def qt_point(i: int) -> tuple[float, float]:
    """(lat, lon) inland in Quảng Trị; i = 0 is the citadel of Quảng Trị town."""
    if i == 0:
        return 16.7469, 107.1944
    return 16.62 + (i * 37) % 220 / 1000, 106.74 + (i * 53) % 380 / 1000


def report(i: int, *, plain: bool = False) -> dict[str, str]:
    """One burial report as a chapter writes it, keyed by the importer's Vietnamese headers."""
    lat, lon = qt_point(i)
    witness = W[i % len(W)]
    start = 1966 + i % 7
    return {
        "Họ tên liệt sĩ": martyr(i),
        "Đơn vị": UNITS[i % len(UNITS)],
        "Từ năm": str(start),
        "Đến năm": str(start + 1 + i % 3),
        "Mô tả vị trí (lời nhân chứng)": PLACES[i % len(PLACES)],
        "Tỉnh (hiện nay)": "Quảng Trị",
        "Tọa độ gốc": f"{lat:.4f} {lon:.4f}" if plain else f"{lat:.4f}, {lon:.4f}",
        "Hệ quy chiếu (datum)": "WGS84",
        "Họ tên nhân chứng": witness.name,
        "Điện thoại nhân chứng": witness.phone,
        "Địa chỉ nhân chứng": witness.plain_address if plain else witness.address,
        "Ghi chú": NOTES[i % len(NOTES)],
    }


def _private(*witnesses: Witness, plain: bool = False, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for w in witnesses for v in w.private(plain=plain))) + extra


def _rotation(n: int) -> tuple[Witness, ...]:
    """The witnesses of report(0) … report(n - 1)."""
    return tuple(dict.fromkeys(W[i % len(W)] for i in range(n)))


# --- Writers ------------------------------------------------------------------------------------


def _csv_text(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return buffer.getvalue()


def _csv(rows: Iterable[dict[str, str]], header: tuple[str, ...] = REPORT_HEADER, *, bom: bool = False) -> bytes:
    text = _csv_text(header, ([row.get(h, "") for h in header] for row in rows))
    return (codecs.BOM_UTF8 if bom else b"") + text.encode()


def _plain_line(values: Iterable[str]) -> str:
    values = list(values)
    for value in values:
        assert not re.search(r'[,"\r\n]', value), value
    return ",".join(values)


def _zip_info(name: str, compress: bool = True) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    # ZipFile.open(info, "w") takes the level from the ZipInfo; the attribute was renamed in 3.13.
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", 9 if compress else None)
    return info


def _put(archive: zipfile.ZipFile, name: str, data: bytes, *, compress: bool = True) -> None:
    archive.writestr(_zip_info(name, compress), data)


def _stream(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    """Write one deflated member from chunks, never holding it whole in memory."""
    with archive.open(_zip_info(name), "w") as member:
        for chunk in chunks:
            member.write(chunk)


def _zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            _put(archive, name, data)
    return buffer.getvalue()


def _spaces(total: int) -> Iterator[bytes]:
    """`total` bytes of spaces with a newline every MiB, in 1 MiB chunks."""
    block = b" " * (MiB - 1) + b"\n"
    for _ in range(total // MiB):
        yield block
    if total % MiB:
        yield b" " * (total % MiB)


def _openpyxl_bytes(book) -> bytes:
    """An openpyxl workbook's bytes without its save time: members re-zipped with a fixed date."""
    buffer = io.BytesIO()
    book.save(buffer)
    members = []
    with zipfile.ZipFile(buffer) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            members.append((info.filename, data))
    return _zip(members)


def _workbook(sheets: list[tuple[str, list[list[object]]]]):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.properties.creator = "Hội Cựu TNXP"
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    return book


def _sheet_rows(reports: list[dict[str, str]]) -> list[list[object]]:
    """Reports as a spreadsheet holds them: years as numbers, everything else as text."""
    rows: list[list[object]] = [list(REPORT_HEADER)]
    for r in reports:
        rows.append([int(r[h]) if h in ("Từ năm", "Đến năm") else r[h] for h in REPORT_HEADER])
    return rows


# KML ------------------------------------------------------------------------------------------

KML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n'
KML_TAIL = "</Document>\n</kml>\n"


def _placemark(
    name: str,
    lat: float,
    lon: float,
    data: dict[str, str],
    *,
    schema: str | None = None,
    description: str | None = None,
    style: str | None = None,
) -> str:
    lines = ["  <Placemark>", f"    <name>{escape(name)}</name>"]
    if description is not None:
        lines.append(f"    <description><![CDATA[{description}]]></description>")
    if style:
        lines.append(f"    <styleUrl>#{style}</styleUrl>")
    if data:
        lines.append("    <ExtendedData>")
        if schema:
            lines.append(f'      <SchemaData schemaUrl="#{schema}">')
            lines += [f"        <SimpleData name={quoteattr(k)}>{escape(v)}</SimpleData>" for k, v in data.items()]
            lines.append("      </SchemaData>")
        else:
            lines += [f"      <Data name={quoteattr(k)}><value>{escape(v)}</value></Data>" for k, v in data.items()]
        lines.append("    </ExtendedData>")
    lines.append(f"    <Point><coordinates>{lon:.6f},{lat:.6f},0</coordinates></Point>")
    lines.append("  </Placemark>")
    return "\n".join(lines) + "\n"


def _report_placemark(i: int, witness: Witness, **kwargs) -> str:
    lat, lon = qt_point(i)
    r = report(i)
    data = {
        "Đơn vị": r["Đơn vị"],
        "Từ năm": r["Từ năm"],
        "Mô tả vị trí (lời nhân chứng)": r["Mô tả vị trí (lời nhân chứng)"],
        "Họ tên nhân chứng": witness.name,
        "Điện thoại nhân chứng": witness.phone,
        "Địa chỉ nhân chứng": witness.address,
    }
    return _placemark(r["Họ tên liệt sĩ"], lat, lon, data, **kwargs)


# GPX ------------------------------------------------------------------------------------------

Point = tuple[str, str, str, str]  # lat, lon, ele, time as written in the file


def _gpx(body: str, creator: str = "OsmAnd~ 4.7.10") -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<gpx version="1.1" creator="{creator}" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">\n'
    )
    return (head + body + "</gpx>\n").encode()


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _walk(lat0: float, lon0: float, n: int, start: datetime, *, step_s: int = 60) -> list[Point]:
    """A searcher's walk: about 60 m a minute north-east, wavering, over a hillside."""
    points = []
    for k in range(n):
        lat = lat0 + k * 0.0004 + 0.00015 * math.sin(k / 3)
        lon = lon0 + k * 0.0003 + 0.00015 * math.cos(k / 4)
        ele = 120 + 8 * math.sin(k / 5)
        points.append((f"{lat:.6f}", f"{lon:.6f}", f"{ele:.1f}", _when(start + timedelta(seconds=k * step_s))))
    return points


def _trk(name: str, points: list[Point]) -> str:
    lines = ["  <trk>", f"    <name>{escape(name)}</name>", "    <trkseg>"]
    for lat, lon, ele, moment in points:
        lines.append(f'      <trkpt lat="{lat}" lon="{lon}"><ele>{ele}</ele><time>{moment}</time></trkpt>')
    lines += ["    </trkseg>", "  </trk>"]
    return "\n".join(lines) + "\n"


def _wpt(name: str, lat: float, lon: float, moment: datetime, desc: str | None = None) -> str:
    desc_xml = f"<desc>{escape(desc)}</desc>" if desc else ""
    return (
        f'  <wpt lat="{lat:.6f}" lon="{lon:.6f}"><time>{_when(moment)}</time>'
        f"<name>{escape(name)}</name>{desc_xml}<sym>Flag, Red</sym></wpt>\n"
    )


def _day(year: int, month: int, day: int, hour: int = 1) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# --- Small, committed files ---------------------------------------------------------------------


def kml_typed_phone() -> bytes:
    schema = (
        '  <Schema name="TinBao" id="TinBao">\n'
        '    <SimpleField type="string" name="Họ tên liệt sĩ"/>\n'
        '    <SimpleField type="int" name="Từ năm"/>\n'
        '    <SimpleField type="int" name="Số hài cốt"/>\n'
        '    <SimpleField type="string" name="Họ tên nhân chứng"/>\n'
        '    <SimpleField type="int" name="Điện thoại nhân chứng"/>\n'
        "  </Schema>\n"
    )
    body = ""
    for i, (year, remains) in enumerate((("1968", "2"), ("1972", "1 hoặc 2"), ("khoảng 1970", "3"))):
        lat, lon = qt_point(i)
        data = {
            "Họ tên liệt sĩ": martyr(i),
            "Từ năm": year,
            "Số hài cốt": remains,
            "Họ tên nhân chứng": W[i].name,
            "Điện thoại nhân chứng": W[i].phone,
        }
        body += _placemark(martyr(i), lat, lon, data, schema="TinBao")
    return (KML_HEAD + "<name>Tin báo mộ liệt sĩ</name>\n" + schema + body + KML_TAIL).encode()


def kml_xxe() -> bytes:
    head = KML_HEAD.replace("<kml", '<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<kml', 1)
    lat, lon = qt_point(3)
    data = {"Họ tên nhân chứng": W[3].name, "Điện thoại nhân chứng": W[3].phone}
    body = _placemark("&xxe;", lat, lon, data).replace("&amp;xxe;", "&xxe;")
    body += _report_placemark(4, W[3])
    return (head + "<name>Tin báo</name>\n" + body + KML_TAIL).encode()


def kml_billion_laughs() -> bytes:
    entities = ['  <!ENTITY lol "lol">']
    for n in range(1, 10):
        inner = f"&lol{n - 1};" if n > 1 else "&lol;"
        entities.append(f'  <!ENTITY lol{n} "{inner * 10}">')
    doctype = "<!DOCTYPE kml [\n" + "\n".join(entities) + "\n]>\n"
    head = KML_HEAD.replace("<kml", doctype + "<kml", 1)
    lat, lon = qt_point(5)
    data = {"Họ tên nhân chứng": W[4].name, "Điện thoại nhân chứng": W[4].phone}
    body = _placemark("&lol9;", lat, lon, data).replace("&amp;lol9;", "&lol9;")
    return (head + "<name>Tin báo</name>\n" + body + KML_TAIL).encode()


def kml_mymaps_description() -> bytes:
    style = (
        '  <Style id="icon-1899-DB4436-normal">\n'
        "    <IconStyle><color>ff3644db</color><scale>1</scale>"
        "<Icon><href>https://www.gstatic.com/mapspro/images/stock/503-wht-blank_maps.png</href></Icon>"
        '<hotSpot x="32" xunits="pixels" y="64" yunits="insetPixels"/></IconStyle>\n'
        "    <LabelStyle><scale>0</scale></LabelStyle>\n"
        "  </Style>\n"
        '  <StyleMap id="icon-1899-DB4436">\n'
        "    <Pair><key>normal</key><styleUrl>#icon-1899-DB4436-normal</styleUrl></Pair>\n"
        "  </StyleMap>\n"
    )
    told = (
        "Ông {name} ({phone}) chỉ chỗ chôn cạnh gốc muồng, cách suối chừng 50 m.",
        "Bà {name} ({phone}) kể năm 1972 đơn vị chôn hai anh sau trạm giao liên.",
        "Ông {name}, số máy {phone}, nhớ mộ đắp ở chân đồi 544.",
    )
    body = "  <Folder>\n    <name>Lớp không có tiêu đề</name>\n"
    for i, template in enumerate(told):
        witness = W[i]
        lat, lon = qt_point(i + 10)
        description = (
            template.format(name=witness.name, phone=witness.phone)
            + f"<br>Họ tên nhân chứng: {witness.name}<br>Điện thoại nhân chứng: {witness.phone}"
        )
        data = {"Họ tên nhân chứng": witness.name, "Điện thoại nhân chứng": witness.phone}
        body += _placemark(
            f"Mộ liệt sĩ {martyr(i + 10)}", lat, lon, data, description=description, style="icon-1899-DB4436"
        )
    body += "  </Folder>\n"
    head = KML_HEAD + "<name>Tin báo mộ liệt sĩ – Hội Cam Lộ</name>\n<description/>\n"
    return (head + style + body + KML_TAIL).encode()


def csv_stray_quote() -> bytes:
    lines = [_plain_line(REPORT_HEADER)]
    for i in range(300):
        values = list(report(i, plain=True).values())
        if i == 9:  # data row 10
            values[0] = "Nguyễn Văn Mười"
            line = _plain_line(values)
            line = '"' + line
        else:
            line = _plain_line(values)
        lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode()


def csv_two_stray_quotes() -> bytes:
    lines = [_plain_line(REPORT_HEADER)]
    column = REPORT_HEADER.index("Mô tả vị trí (lời nhân chứng)")
    quoted = {19: "Nó nằm dưới gốc muồng to", 69: "Chôn cạnh hố bom bên suối"}  # data rows 20 and 70
    for i in range(120):
        values = list(report(i, plain=True).values())
        if i in quoted:
            values[column] = quoted[i]
            line = _plain_line(values).replace(quoted[i], '"' + quoted[i], 1)
        else:
            line = _plain_line(values)
        lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode()


def csv_multiline_legit() -> bytes:
    rows = [report(i) for i in range(5)]
    rows[2]["Mô tả vị trí (lời nhân chứng)"] = (
        "Từ chợ Cam Lộ đi 2 km về phía tây,\nqua cầu tràn thì rẽ trái,\nmộ ở gốc muồng thứ ba."
    )
    return _csv(rows, bom=True)


def _cp1258(text: str) -> bytes:
    """Text as Vietnamese Windows writes it in code page 1258: letters the code page has as one
    character (â, ơ, đ, à …) stay whole; the tone mark of any other letter follows its base
    letter as a combining character ("ễ" is "ê" + U+0303)."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    assert unicodedata.normalize("NFC", out.decode("cp1258")) == unicodedata.normalize("NFC", text)
    return bytes(out)


def csv_mixed_encoding() -> bytes:
    out = [_csv_text(REPORT_HEADER, []).encode()]
    for i in range(20):
        row = report(i)
        if i == 6:  # data row 7
            row["Họ tên liệt sĩ"] = MIXED_ENCODING_NAME
            row["Mô tả vị trí (lời nhân chứng)"] = "Cạnh giếng nước cũ phía sau trường học xã Hướng Phùng"
            row["Ghi chú"] = "Thư của gia đình gửi qua bưu điện, chép lại trên máy ở thị xã"
        line = _csv_text(REPORT_HEADER, [list(row.values())]).split("\r\n", 1)[1]
        out.append(_cp1258(line) if i == 6 else line.encode())
    data = b"".join(out)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    raise AssertionError("the Windows-1258 row must not be valid UTF-8")


def xlsx_merged_unit() -> bytes:
    rows = _sheet_rows([report(i) for i in range(6)])
    unit = REPORT_HEADER.index("Đơn vị")
    for number, row in enumerate(rows[1:], start=1):
        row[unit] = {1: "C552", 5: "Đội 65"}.get(number)  # only a merged range's first cell holds a value
    book = _workbook([("Tin báo", rows)])
    sheet = book["Tin báo"]
    sheet.merge_cells(start_row=2, end_row=5, start_column=unit + 1, end_column=unit + 1)
    sheet.merge_cells(start_row=6, end_row=7, start_column=unit + 1, end_column=unit + 1)
    return _openpyxl_bytes(book)


def xlsx_instructions_first() -> bytes:
    guide = [
        ["Hướng dẫn nhập tin báo mộ liệt sĩ"],
        ["Điền mỗi tin báo một dòng ở trang «Tin báo»."],
        ["Tọa độ ghi đúng như trên bản đồ hoặc máy GPS, ví dụ 16.7469, 107.1944 hoặc XD 845 421."],
        ["Không xóa hàng tiêu đề, không gộp ô."],
        ["Trạng thái chọn trong trang «Danh mục»."],
    ]
    statuses = [["Trạng thái"]] + [[s] for s in ("Mới nhận", "Đang xác minh", "Đã xác minh", "Trùng lặp")]
    sheets = [
        ("Hướng dẫn", guide),
        ("Tin báo", _sheet_rows([report(i) for i in range(20, 24)])),
        ("Danh mục", statuses),
    ]
    return _openpyxl_bytes(_workbook(sheets))


HEADERS_ROWS = range(30, 38)


def csv_headers_plain() -> bytes:
    return _csv([report(i) for i in HEADERS_ROWS], bom=True)


def csv_headers_ascii() -> bytes:
    rows = [dict(zip(ASCII_HEADER, report(i).values(), strict=True)) for i in HEADERS_ROWS]
    return _csv(rows, ASCII_HEADER)


FORMULA_COLUMNS = ('=HYPERLINK("http://x","y")', "@SUM(1)")


def csv_formula_header() -> bytes:
    rows = [report(i) for i in (40, 41, 42)]
    rows[0]["Ghi chú"] = "=1+1"
    rows[0]["Điện thoại nhân chứng"] = "+84 912 000 111"
    rows[1]["Tọa độ gốc"] = rows[2]["Tọa độ gốc"] = "abc"
    for row, link, total in zip(rows, ("ảnh mộ", "", "bản đồ"), ("1", "2", ""), strict=True):
        row[FORMULA_COLUMNS[0]], row[FORMULA_COLUMNS[1]] = link, total
    return _csv(rows, REPORT_HEADER + FORMULA_COLUMNS)


FOREIGN = (
    (23.0, 106.0, "Bên kia biên giới gần Tĩnh Tây (Quảng Tây Trung Quốc)", ""),
    (19.0, 114.0, "Tàu bị đánh chìm ngoài khơi chôn dưới biển", ""),
    (15.0, 102.5, "Bạn Thái Lan báo có mộ bộ đội Việt Nam ở Nakhon Ratchasima", ""),
    (16.56, 104.75, "Gần thị xã Savannakhét (Lào) dọc đường 9", ""),
    (12.0, 105.45, "Cánh đồng cao su Kampong Cham (Campuchia)", ""),
    (16.7469, 107.1944, "Trong thành cổ Quảng Trị góc phía đông", "Quảng Trị"),
    (16.5, 112.0, "Vùng biển Hoàng Sa", ""),
)


def csv_foreign_points() -> bytes:
    rows = []
    for i, (lat, lon, place, province) in enumerate(FOREIGN):
        row = report(50 + i)
        row.update({"Tọa độ gốc": f"{lat}, {lon}", "Mô tả vị trí (lời nhân chứng)": place, "Tỉnh (hiện nay)": province})
        rows.append(row)
    return _csv(rows)


GRIDS = ("XD 845 421", "XD 812 455", "XD 903 398", "YD 061 412")


def csv_grid_no_datum() -> bytes:
    header = tuple(h for h in REPORT_HEADER if h != "Hệ quy chiếu (datum)")
    rows = [report(i) for i in range(62, 66)]
    for row, grid in zip(rows, GRIDS, strict=True):
        row["Tọa độ gốc"] = grid
    return _csv(rows, header)


# Place names and periods as told, with traps: markup, a name of another province than the one
# given, an ambiguous commune, a place text of 2,000 commas, a lunar year that is not one, a
# period of 5,000 characters. No coordinates: each row asks for an approximate area.
PLACE_TRAPS = (
    ("<script>alert(1)</script> đồi sau trường xã Gio An, huyện Gio Linh", "Quảng Trị", "Tết Mậu Thân<img src=x>"),
    ("gần ngã ba Đồng Lộc, Can Lộc", "Quảng Trị", "mùa khô năm Kỷ Dậu"),
    ("bờ suối xã Hòa An", "", "tháng Chạp năm Nhâm Tý"),
    ("," * 2000 + "xã Gio An", "", "năm Giáp Giáp"),
    ("thôn 3 " * 300 + "xã Vĩnh Thủy, huyện Vĩnh Linh", "Bình Trị Thiên", "sau Hiệp định Paris " * 250),
)


def csv_place_names() -> bytes:
    rows = []
    for i, (place, province, period) in enumerate(PLACE_TRAPS):
        row = report(80 + i)
        row.update(
            {
                "Mô tả vị trí (lời nhân chứng)": place,
                "Tỉnh (hiện nay)": province,
                "Tọa độ gốc": "",
                "Từ năm": "",
                "Đến năm": "",
                "Thời gian (lời kể)": period,
                "Họ tên nhân chứng": W[i % len(W)].name,
                "Điện thoại nhân chứng": W[i % len(W)].phone,
                "Địa chỉ nhân chứng": W[i % len(W)].address,
            }
        )
        rows.append(row)
    return _csv(rows, (*REPORT_HEADER, "Thời gian (lời kể)"))


def csv_witness_in_notes() -> bytes:
    notes = (
        (W[1], "Bà Hoàng Thị Mận, SĐT 0987654321, dẫn đường"),
        (W[2], "Ông Trịnh Xuân Khải (+84 915 222 333) nhớ rõ chỗ chôn"),
        (W[3], "Liên hệ bà Đặng Thị Lài 0905 313 474 trước khi đến"),
        (W[0], "091.200.0111"),
    )
    rows = []
    for i, (witness, note) in enumerate(notes):
        row = report(70 + i)
        row.update(
            {
                "Họ tên nhân chứng": witness.name,
                "Điện thoại nhân chứng": witness.phone,
                "Địa chỉ nhân chứng": witness.address,
                "Ghi chú": note,
            }
        )
        rows.append(row)
    return _csv(rows)


def csv_binary_junk() -> bytes:
    return random.Random(20260101).randbytes(4096)


# Legacy office files: the same four reports (witnesses W[0] … W[3], so the first phone is the
# text "0912 000 111"), a formula =1+1 in data row 2's notes.
LEGACY_ROWS = range(84, 88)


def _legacy_rows() -> list[list[object]]:
    rows = _sheet_rows([report(i) for i in LEGACY_ROWS])
    assert rows[1][REPORT_HEADER.index("Điện thoại nhân chứng")] == "0912 000 111"
    rows[2][REPORT_HEADER.index("Ghi chú")] = ("=", "1+1", 2)
    return rows


def _ods_cell(value: object) -> str:
    if isinstance(value, tuple):  # ("=", formula, cached value)
        _, formula, cached = value
        return (
            f'<table:table-cell table:formula={quoteattr("of:=" + formula)} office:value-type="float" '
            f'office:value="{cached}"><text:p>{cached}</text:p></table:table-cell>'
        )
    if isinstance(value, int):
        number = f'office:value-type="float" office:value="{value}"'
        return f"<table:table-cell {number}><text:p>{value}</text:p></table:table-cell>"
    if not value:
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_legacy() -> bytes:
    rows = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>\n" for row in _legacy_rows()
    )
    return _ods(rows, len(REPORT_HEADER))


def ods_repeat_bomb() -> bytes:
    """A header and one cell repeated over 1,000 columns and 1,000,000 rows: a billion cells in 2 kB."""
    header = "<table:table-row>" + _ods_cell("Họ tên liệt sĩ") + "</table:table-row>\n"
    bomb = (
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>A</text:p>'
        "</table:table-cell></table:table-row>\n"
    )
    return _ods(header + bomb, 1000)


def _ods(rows: str, columns: int) -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ns}>\n'
        '<office:body><office:spreadsheet><table:table table:name="Tin báo">\n'
        f'<table:table-column table:number-columns-repeated="{columns}"/>\n'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>\n"
    )
    styles = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {ns}/>\n'
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">\n'
        ' <manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>\n'
        ' <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>\n'
        ' <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>\n'
        "</manifest:manifest>\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _put(archive, "mimetype", b"application/vnd.oasis.opendocument.spreadsheet", compress=False)
        _put(archive, "META-INF/manifest.xml", manifest.encode())
        _put(archive, "styles.xml", styles.encode())
        _put(archive, "content.xml", content.encode())
    return buffer.getvalue()


def xls_legacy() -> bytes:
    """Needs xlwt (not a project dependency): only `--legacy` calls it."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Tin báo")
    for r, row in enumerate(_legacy_rows()):
        for c, value in enumerate(row):
            sheet.write(r, c, xlwt.Formula(value[1]) if isinstance(value, tuple) else value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Trips ------------------------------------------------------------------------------------------


def gpx_lat_999() -> bytes:
    points = _walk(16.640, 106.735, 20, _day(2026, 5, 10))
    for k in (7, 8, 9):
        points[k] = ("999", *points[k][1:])
    return _gpx(_trk("Dò tìm đồi 544", points))


def gpx_paris_london() -> bytes:
    start = _day(2026, 3, 14, 7)
    paris_london = [
        (
            f"{48.85 + (51.5 - 48.85) * k / 29:.6f}",
            f"{2.35 + (-0.12 - 2.35) * k / 29:.6f}",
            "35.0",
            _when(start + timedelta(minutes=12 * k)),
        )
        for k in range(30)
    ]
    good = _walk(16.700, 106.800, 40, _day(2026, 5, 10))
    return _gpx(_trk("Paris – London", paris_london) + _trk("Dò tìm khe suối Đá Mài", good))


def gpx_mixed_tracks() -> bytes:
    broken = _walk(16.660, 106.900, 20, _day(2026, 5, 11))
    broken[10] = (*broken[10][:3], "2026-13-45T99:00:00Z")
    tracks = (
        _trk("Chuyến 10/5 – đồi 544", _walk(16.640, 106.735, 40, _day(2026, 5, 10))),
        _trk("Một điểm", _walk(16.690, 106.850, 1, _day(2026, 5, 10, 3))),
        _trk("Giờ hỏng", broken),
        _trk("Ngày 1900", _walk(16.720, 106.950, 20, _day(1900, 1, 1))),
        _trk("Ngày 2099", _walk(16.750, 107.000, 20, _day(2099, 1, 1))),
    )
    return _gpx("".join(tracks))


def gpx_waypoint_phone() -> bytes:
    when = _day(2026, 5, 12)
    waypoints = _wpt("Nhà ông Lê Văn Tám 0912 000 111", 16.7525, 107.1718, when, desc="Xóm 4, xã Vĩnh Lâm")
    waypoints += _wpt("Bà Mận 0987.654.321", 16.7391, 107.1802, when + timedelta(hours=2))
    return _gpx(waypoints + _trk("Dò tìm thành cổ", _walk(16.740, 107.175, 40, when)))


def gpx_no_tracks() -> bytes:
    when = _day(2026, 5, 13)
    waypoints = _wpt("Điểm tập kết đội K52", 16.6412, 106.7398, when)
    waypoints += _wpt("Hố bom cạnh suối", 16.6455, 106.7431, when + timedelta(minutes=40))
    waypoints += _wpt("Gốc muồng đánh dấu sơn đỏ", 16.6479, 106.7467, when + timedelta(minutes=75))
    return _gpx(waypoints, creator="Organic Maps")


# --- Large files, built on demand ---------------------------------------------------------------


def _xlsx_parts(sheet_name: str) -> list[tuple[str, bytes]]:
    """Every part of a minimal workbook but the sheet: one sheet, inline strings, no styles."""
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    types = (
        f'{xml}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    package_rels = (
        f'{xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'{xml}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{rel}">'
        f'<sheets><sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'{xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    return [
        ("[Content_Types].xml", types.encode()),
        ("_rels/.rels", package_rels.encode()),
        ("xl/workbook.xml", workbook.encode()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.encode()),
    ]


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _xlsx_row(number: int, values: Iterable[str]) -> str:
    cells = "".join(
        f'<c r="{_column(c)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>' for c, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
MILLION = 1_000_000


def build_xlsx_million_rows(target: Path) -> None:
    # Rows are numbered but their one cell is not (the reference is optional in SpreadsheetML):
    # with a cell reference too the archive would be 5 MB instead of 2.5 MB.
    def sheet() -> Iterator[bytes]:
        yield (
            f'{SHEET_HEAD}<dimension ref="A1:A{MILLION + 1}"/><sheetData>' + _xlsx_row(1, ["Họ tên liệt sĩ"])
        ).encode()
        for first in range(2, MILLION + 2, 10_000):
            stop = min(first + 10_000, MILLION + 2)
            yield "".join(
                f'<row r="{n}"><c t="inlineStr"><is><t>A</t></is></c></row>' for n in range(first, stop)
            ).encode()
        yield b"</sheetData></worksheet>"

    with zipfile.ZipFile(target, "w") as archive:
        for name, data in _xlsx_parts("Tin báo"):
            _put(archive, name, data)
        _stream(archive, "xl/worksheets/sheet1.xml", sheet())


XLSX_BOMB_SPACES = 640 * MiB


def build_xlsx_bomb_sheet(target: Path) -> None:
    row = report(90)
    row.update(
        {"Họ tên nhân chứng": W[4].name, "Điện thoại nhân chứng": W[4].phone, "Địa chỉ nhân chứng": W[4].address}
    )
    head = f'{SHEET_HEAD}<dimension ref="A1:L2"/><sheetData>{_xlsx_row(1, REPORT_HEADER)}'
    tail = f"{_xlsx_row(2, row.values())}</sheetData></worksheet>"
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in _xlsx_parts("Tin báo"):
            _put(archive, name, data)
        _stream(archive, "xl/worksheets/sheet1.xml", [head.encode(), *_spaces(XLSX_BOMB_SPACES), tail.encode()])


SHARED_STRINGS = 1_500_000  # 80 bytes each: 120 MB, under the member limit, over what may be held whole


def build_xlsx_shared_strings_bomb(target: Path) -> None:
    """A workbook whose shared strings (which openpyxl holds in memory whole) unpack to 120 MB."""
    parts = _xlsx_parts("Tin báo")
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    types, package_rels, workbook, workbook_rels = (data.decode() for _, data in parts)
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    workbook_rels = workbook_rels.replace(
        "</Relationships>",
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    sheet = f'{SHEET_HEAD}<sheetData>{_xlsx_row(1, ["Họ tên liệt sĩ"])}<row r="2"><c r="A2" t="s"><v>0</v></c></row>'

    def strings() -> Iterator[bytes]:
        yield b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        block = "".join(f"<si><t>Liệt sĩ {n:07d} {'x' * 48}</t></si>" for n in range(10_000)).encode()
        for _ in range(SHARED_STRINGS // 10_000):
            yield block
        yield b"</sst>"

    with zipfile.ZipFile(target, "w") as archive:
        for (name, _), data in zip(parts, (types, package_rels, workbook, workbook_rels), strict=True):
            _put(archive, name, data.encode())
        _put(archive, "xl/worksheets/sheet1.xml", (sheet + "</sheetData></worksheet>").encode())
        _stream(archive, "xl/sharedStrings.xml", strings())


WIDE_CELLS = 3_000_000


def build_xlsx_wide_row(target: Path) -> None:
    """One row of three million cells: a few hundred kB, far over the cell limit."""

    def sheet() -> Iterator[bytes]:
        yield f'{SHEET_HEAD}<sheetData>{_xlsx_row(1, ["Họ tên liệt sĩ"])}<row r="2">'.encode()
        block = b'<c t="inlineStr"><is><t>A</t></is></c>' * 10_000
        for _ in range(WIDE_CELLS // 10_000):
            yield block
        yield b"</row></sheetData></worksheet>"

    with zipfile.ZipFile(target, "w") as archive:
        for name, data in _xlsx_parts("Tin báo"):
            _put(archive, name, data)
        _stream(archive, "xl/worksheets/sheet1.xml", sheet())


GPX_POINTS = 1_050_000


def build_gpx_million_points(target: Path) -> None:
    """One track of 1,050,000 points (35 MB): over the points limit, under the file limit."""
    head = _gpx("").decode().removesuffix("</gpx>\n")
    with open(target, "wb") as out:
        out.write(f"{head}<trk><name>Một triệu điểm</name><trkseg>\n".encode())
        block = "".join(f'<trkpt lat="16.{n:05d}" lon="107.1"/>' for n in range(10_000)).encode()
        for _ in range(GPX_POINTS // 10_000):
            out.write(block)
        out.write(b"</trkseg></trk></gpx>\n")


KML_FOLDERS = 2_000


def build_kml_many_folders(target: Path) -> None:
    """2,000 folders of one placemark each: GDAL reads each folder by parsing the whole file again."""
    folders = "".join(
        f"<Folder><name>Thư mục {i}</name>\n{_report_placemark(i, W[i % len(W)])}</Folder>\n"
        for i in range(KML_FOLDERS)
    )
    target.write_bytes((KML_HEAD + "<name>Nhiều thư mục</name>\n" + folders + KML_TAIL).encode())


KMZ_BOMB_SPACES = 1024 * MiB


def build_kmz_bomb(target: Path) -> None:
    head = KML_HEAD + "<name>Tin báo mộ liệt sĩ</name>\n"
    tail = _report_placemark(91, W[0]) + _report_placemark(92, W[1]) + KML_TAIL
    with zipfile.ZipFile(target, "w") as archive:
        _stream(archive, "doc.kml", [head.encode(), *_spaces(KMZ_BOMB_SPACES), tail.encode()])


KMZ_MEMBERS = 20_000


def build_kmz_many_members(target: Path) -> None:
    kml = KML_HEAD + "<name>Tin báo</name>\n" + _report_placemark(93, W[2]) + _report_placemark(94, W[3]) + KML_TAIL
    with zipfile.ZipFile(target, "w") as archive:
        _put(archive, "doc.kml", kml.encode())
        for k in range(KMZ_MEMBERS):
            _put(archive, f"files/{k:05d}.png", b"", compress=False)


def build_csv_two_million_rows(target: Path) -> None:
    with target.open("wb") as out:
        out.write("Họ tên liệt sĩ\n".encode())
        for _ in range(200):
            out.write(b"A\n" * 10_000)


LONG_MARKER = "HẾT-THƯ-40000"
_LETTER = (
    "Kính gửi Hội Cựu thanh niên xung phong, tôi xin kể lại những gì còn nhớ về nơi chôn cất các anh. "
    "Năm ấy đơn vị đóng quân bên suối, mưa rừng kéo dài, đường 9 bị đánh phá ngày đêm. "
    "Các anh hy sinh khi mở đường cho xe qua, anh em chôn các anh dưới gốc muồng, đắp đá làm dấu.\n"
)


def _long(length: int, end: str = "") -> str:
    text = (_LETTER * (length // len(_LETTER) + 1))[: length - len(end)] + end
    assert len(text) == length
    return text


def build_csv_long_text(target: Path) -> None:
    rows = [report(i) for i in range(95, 98)]
    rows[0]["Ghi chú"] = _long(5_000).replace("\n", " ")
    rows[1]["Mô tả vị trí (lời nhân chứng)"] = _long(40_000, LONG_MARKER)
    rows[2]["Ghi chú"] = _long(150_000).replace("\n", " ")
    target.write_bytes(_csv(rows))


# --- The corpus -------------------------------------------------------------------------------------

_R, _T = "reports", "trips"
CORPUS: tuple[Hostile, ...] = (
    Hostile(
        "kmz_bomb.kmz",
        _R,
        "KMZ of about 1 MB whose one KML member is 1 GiB: a KML header, 1 GiB of spaces, then 2 placemarks",
        None,
        _private(W[0], W[1]),
        large=True,
    ),
    Hostile(
        "kmz_many_members.kmz",
        _R,
        f"KMZ holding doc.kml (2 placemarks) then {KMZ_MEMBERS:,} empty members: refuse by member count;"
        " large because 20,000 zip headers alone take 2 MB",
        None,
        _private(W[2], W[3]),
        large=True,
    ),
    Hostile(
        "xlsx_million_rows.xlsx",
        _R,
        f"valid XLSX (inline strings), header «Họ tên liệt sĩ» then {MILLION:,} one-cell rows «A»: refuse by row count",
        None,
        (),
        large=True,
    ),
    Hostile(
        "xlsx_bomb_sheet.xlsx",
        _R,
        "valid XLSX whose sheet1.xml is 640 MiB (header row, 640 MiB of spaces inside sheetData, one report row)"
        " in an archive under 1 MB",
        None,
        _private(W[4]),
        large=True,
    ),
    Hostile(
        "csv_two_million_rows.csv",
        _R,
        "CSV under the byte limit (4 MB): header «Họ tên liệt sĩ» then 2,000,000 rows «A»: refuse by row count",
        None,
        (),
        large=True,
    ),
    Hostile(
        "kml_typed_phone.kml",
        _R,
        "KML <Schema> types «Điện thoại nhân chứng», «Số hài cốt» and «Từ năm» as int: GDAL warns with the"
        " phone in the message, drops 0987654321's zero; read as text, silence warnings",
        3,
        tuple(v for w in W[:3] for v in (w.name, w.phone)),
    ),
    Hostile(
        "kml_xxe.kml",
        _R,
        'KML with an external entity <!ENTITY xxe SYSTEM "file:///etc/passwd"> used as a placemark name;'
        " refuse whole (any DTD with entities), nothing of /etc/passwd (root:x:0:0) may appear anywhere",
        None,
        (W[3].name, W[3].phone, W[3].address),
    ),
    Hostile(
        "kml_billion_laughs.kml",
        _R,
        "KML with the nested-entity expansion (lol … lol9, 10 levels × 10 = 10^9 «lol») as a placemark name;"
        " refuse whole, never expand",
        None,
        (W[4].name, W[4].phone),
    ),
    Hostile(
        "csv_stray_quote.csv",
        _R,
        'CSV, 300 data rows, no other quote anywhere; data row 10 (line 11) starts with a stray " never closed'
        " («Nguyễn Văn Mười»), so csv swallows lines 11–301 into one field: Python csv gives 11 records",
        300,
        _private(*_rotation(300), plain=True),
    ),
    Hostile(
        "csv_two_stray_quotes.csv",
        _R,
        'CSV, 120 data rows; the place field of data rows 20 and 70 opens with a stray ", so lines 21–71 become'
        " one record: Python csv gives 71 records",
        120,
        _private(*_rotation(120), plain=True),
    ),
    Hostile(
        "csv_multiline_legit.csv",
        _R,
        "CSV (UTF-8 with BOM), 5 data rows; data row 3's quoted place cell legitimately spans 3 lines:"
        " 5 records from 8 lines is not a broken file",
        5,
        _private(*_rotation(5)),
    ),
    Hostile(
        "csv_mixed_encoding.csv",
        _R,
        f"CSV of 20 UTF-8 rows but data row 7 in Windows-1258 (tone marks as combining characters):"
        f" its martyr is «{MIXED_ENCODING_NAME}»; every other row must still read as UTF-8",
        20,
        _private(*_rotation(20)),
    ),
    Hostile(
        "xlsx_merged_unit.xlsx",
        _R,
        "XLSX, header in row 1, 6 data rows; «Đơn vị» is merged over data rows 1–4 («C552») and 5–6 («Đội 65»),"
        " so only data rows 1 and 5 hold the unit",
        6,
        _private(*_rotation(6)),
    ),
    Hostile(
        "xlsx_instructions_first.xlsx",
        _R,
        "XLSX whose first sheet «Hướng dẫn» is prose; the reports (4 data rows) are on the second sheet «Tin báo»,"
        " a status list on the third «Danh mục»",
        4,
        _private(*(W[i % len(W)] for i in range(20, 24))),
    ),
    Hostile(
        "csv_headers_plain.csv",
        _R,
        "CSV (UTF-8 with BOM), the importer's Vietnamese headers, 8 data rows: the same rows as csv_headers_ascii",
        8,
        _private(*dict.fromkeys(W[i % len(W)] for i in HEADERS_ROWS)),
    ),
    Hostile(
        "csv_headers_ascii.csv",
        _R,
        "CSV, the same 8 rows as csv_headers_plain with headers without diacritics in mixed case"
        " («Ho ten liet si», «DON VI», «den NAM» …)",
        8,
        _private(*dict.fromkeys(W[i % len(W)] for i in HEADERS_ROWS)),
    ),
    Hostile(
        "kml_mymaps_description.kml",
        _R,
        "Google My Maps export, 3 placemarks in Quảng Trị: each <description> repeats the witness's name and phone"
        " in prose and again as «Họ tên nhân chứng: …<br>», as well as ExtendedData <Data> fields",
        3,
        tuple(v for w in W[:3] for v in (w.name, w.phone)),
    ),
    Hostile(
        "csv_formula_header.csv",
        _R,
        'CSV with extra columns named =HYPERLINK("http://x","y") and @SUM(1); 3 data rows, rows 2–3 have'
        " coordinate «abc» (rejected); row 1 notes «=1+1», phone «+84 912 000 111»",
        3,
        (W[4].name, "+84 912 000 111", W[4].address, *_private(W[5], W[0])),
    ),
    Hostile(
        "csv_long_text.csv",
        _R,
        "CSV, 3 data rows: notes of 5,000 characters, a place description (letter) of 40,000 ending"
        f" «{LONG_MARKER}», notes of 150,000 (over Python csv's default field_size_limit of 131,072);"
        " large only because it exceeds 100 kB",
        3,
        _private(*(W[i % len(W)] for i in range(95, 98))),
        large=True,
    ),
    Hostile(
        "xlsx_shared_strings_bomb.xlsx",
        _R,
        f"XLSX whose sharedStrings.xml ({SHARED_STRINGS:,} strings, 120 MB, under the member limit) openpyxl"
        " would hold whole: refuse by the size of a part read whole",
        None,
        (),
        large=True,
    ),
    Hostile(
        "xlsx_wide_row.xlsx",
        _R,
        f"XLSX with one row of {WIDE_CELLS:,} cells (a few hundred kB): refuse by the cell count before reading",
        None,
        (),
        large=True,
    ),
    Hostile(
        "ods_repeat_bomb.ods",
        _R,
        "ODS of 2 kB whose one cell is repeated over 1,000 columns and 1,000,000 rows: refuse by the"
        " sheet's extent before calamine builds it",
        None,
        (),
    ),
    Hostile(
        "gpx_million_points.gpx",
        "trips",
        f"GPX of 35 MB, one track of {GPX_POINTS:,} points: refuse by the points limit before GDAL reads",
        None,
        (),
        large=True,
    ),
    Hostile(
        "kml_many_folders.kml",
        _R,
        f"KML of {KML_FOLDERS:,} folders with one placemark each: every placemark read, quickly",
        KML_FOLDERS,
        _private(*(W[i % len(W)] for i in range(6))),
        large=True,
    ),
    Hostile(
        "xls_legacy.xls",
        _R,
        "genuine Excel 97–2003 .xls (BIFF8, written by xlwt): header and 4 data rows, a formula =1+1 in row 2's"
        " notes, phones stored as text",
        4,
        _private(*(W[i % len(W)] for i in LEGACY_ROWS)),
    ),
    Hostile(
        "ods_legacy.ods",
        _R,
        "OpenDocument spreadsheet: header and 4 data rows, a formula of:=1+1 in row 2's notes, phones stored as text",
        4,
        _private(*(W[i % len(W)] for i in LEGACY_ROWS)),
    ),
    Hostile(
        "csv_foreign_points.csv",
        _R,
        "CSV, 7 decimal points: Guangxi China (23.0, 106.0, inside Vietnam's lon/lat box), open sea (19.0, 114.0),"
        " Thailand, Savannakhét Laos, Kampong Cham Cambodia, Quảng Trị (the only one in Vietnam), Hoàng Sa sea",
        7,
        _private(*(W[i % len(W)] for i in range(50, 57))),
    ),
    Hostile(
        "csv_grid_no_datum.csv",
        _R,
        "CSV, 4 wartime grid references («XD 845 421» …, Tỉnh Quảng Trị) and no datum column: to re-import"
        " with a corrected datum",
        4,
        _private(*(W[i % len(W)] for i in range(62, 66))),
    ),
    Hostile(
        "csv_witness_in_notes.csv",
        _R,
        "CSV, 4 data rows whose public notes repeat the row's own witness name and phone; row 4's notes hold"
        " only the phone, written «091.200.0111»",
        4,
        _private(W[1], W[2], W[3], W[0], extra=("091.200.0111",)),
    ),
    Hostile(
        "csv_place_names.csv",
        _R,
        "CSV, 5 rows with no coordinates whose place and period as told set traps: markup in the place and"
        " the period, a commune of another province than the one given, an ambiguous «xã Hòa An», 2,000"
        " commas before the commune, «năm Giáp Giáp», a period of 5,000 characters",
        5,
        _private(*(W[i % len(W)] for i in range(5))),
    ),
    Hostile("csv_binary_junk.csv", _R, "4 kB of random bytes (seeded) named .csv", None, ()),
    Hostile(
        "gpx_lat_999.gpx",
        _T,
        'GPX, one 20-point track whose points 8–10 have lat="999"',
        1,
        (),
    ),
    Hostile(
        "gpx_paris_london.gpx",
        _T,
        "GPX, a 30-point track Paris → London (March 2026) and a good track in Quảng Trị",
        2,
        (),
    ),
    Hostile(
        "gpx_mixed_tracks.gpx",
        _T,
        "GPX, 5 tracks: good (2026-05-10), one point, one time 2026-13-45T99:00:00Z among good ones,"
        " dated 1900-01-01, dated 2099-01-01",
        5,
        (),
    ),
    Hostile(
        "gpx_waypoint_phone.gpx",
        _T,
        "GPX, a good track in Quảng Trị and waypoints named «Nhà ông Lê Văn Tám 0912 000 111» (desc: his address)"
        " and «Bà Mận 0987.654.321»",
        1,
        ("Lê Văn Tám", "0912 000 111", "Xóm 4, xã Vĩnh Lâm", "Bà Mận", "0987.654.321"),
    ),
    Hostile("gpx_no_tracks.gpx", _T, "GPX with 3 waypoints and no track or route", 0, ()),
)
BY_NAME = {entry.name: entry for entry in CORPUS}

SMALL: dict[str, Callable[[], bytes]] = {
    "kml_typed_phone.kml": kml_typed_phone,
    "kml_xxe.kml": kml_xxe,
    "kml_billion_laughs.kml": kml_billion_laughs,
    "csv_stray_quote.csv": csv_stray_quote,
    "csv_two_stray_quotes.csv": csv_two_stray_quotes,
    "csv_multiline_legit.csv": csv_multiline_legit,
    "csv_mixed_encoding.csv": csv_mixed_encoding,
    "xlsx_merged_unit.xlsx": xlsx_merged_unit,
    "xlsx_instructions_first.xlsx": xlsx_instructions_first,
    "csv_headers_plain.csv": csv_headers_plain,
    "csv_headers_ascii.csv": csv_headers_ascii,
    "kml_mymaps_description.kml": kml_mymaps_description,
    "csv_formula_header.csv": csv_formula_header,
    "ods_legacy.ods": ods_legacy,
    "ods_repeat_bomb.ods": ods_repeat_bomb,
    "csv_foreign_points.csv": csv_foreign_points,
    "csv_grid_no_datum.csv": csv_grid_no_datum,
    "csv_witness_in_notes.csv": csv_witness_in_notes,
    "csv_place_names.csv": csv_place_names,
    "csv_binary_junk.csv": csv_binary_junk,
    "gpx_lat_999.gpx": gpx_lat_999,
    "gpx_paris_london.gpx": gpx_paris_london,
    "gpx_mixed_tracks.gpx": gpx_mixed_tracks,
    "gpx_waypoint_phone.gpx": gpx_waypoint_phone,
    "gpx_no_tracks.gpx": gpx_no_tracks,
}
LEGACY: dict[str, Callable[[], bytes]] = {"xls_legacy.xls": xls_legacy}
LARGE: dict[str, Callable[[Path], None]] = {
    "kmz_bomb.kmz": build_kmz_bomb,
    "kmz_many_members.kmz": build_kmz_many_members,
    "xlsx_million_rows.xlsx": build_xlsx_million_rows,
    "xlsx_bomb_sheet.xlsx": build_xlsx_bomb_sheet,
    "csv_two_million_rows.csv": build_csv_two_million_rows,
    "csv_long_text.csv": build_csv_long_text,
    "xlsx_shared_strings_bomb.xlsx": build_xlsx_shared_strings_bomb,
    "xlsx_wide_row.xlsx": build_xlsx_wide_row,
    "gpx_million_points.gpx": build_gpx_million_points,
    "kml_many_folders.kml": build_kml_many_folders,
}
assert set(SMALL) | set(LEGACY) | set(LARGE) == set(BY_NAME)
assert {e.name for e in CORPUS if e.large} == set(LARGE)


def path(entry: Hostile, folder: Path) -> Path:
    """The committed file, or the large one built into `folder` (reused when already there)."""
    if not entry.large:
        return HERE / entry.name
    target = Path(folder) / entry.name
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{entry.name}.{os.getpid()}.partial")  # parallel test workers may race
    try:
        LARGE[entry.name](partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


# --- Self-checks and the command line -----------------------------------------------------------


def _readable_text(name: str, data: bytes) -> str | None:
    """The file's text for a search of its private values (None for .xls and zip bombs)."""
    suffix = Path(name).suffix
    if suffix in (".xlsx", ".ods", ".kmz"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [i for i in archive.infolist() if i.filename.endswith((".xml", ".kml"))]
            if sum(i.file_size for i in members) > 50 * MiB:
                return None  # a bomb: its private values are not looked for
            xml = "".join(archive.read(i).decode() for i in members)
            return html.unescape(xml)  # openpyxl writes non-ASCII letters as character references
    if suffix == ".xls":
        return None
    lines = []
    for line in data.removeprefix(codecs.BOM_UTF8).split(b"\n"):
        try:
            lines.append(line.decode())
        except UnicodeDecodeError:
            lines.append(line.decode("cp1258"))
    return unicodedata.normalize("NFC", "\n".join(lines))


def check(entry: Hostile, data: bytes) -> None:
    """Every private value the corpus names is really in the file."""
    text = _readable_text(entry.name, data) if entry.private else None
    if text is not None:
        missing = [v for v in entry.private if v not in text]
        assert not missing, f"{entry.name}: private values not in the file: {missing}"


def _describe(file: Path) -> str:
    size = file.stat().st_size
    text = f"{size / 1e6:9.2f} MB on disk"
    if zipfile.is_zipfile(file):
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            text += f", {sum(i.file_size for i in infos) / 1e6:9.1f} MB uncompressed in {len(infos):,} members"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--legacy", action="store_true", help="rewrite only xls_legacy.xls (needs xlwt)")
    parser.add_argument("--large", type=Path, metavar="DIR", help="also build the large files into DIR")
    args = parser.parse_args()
    builders = LEGACY if args.legacy else SMALL
    for name, build in builders.items():
        data = build()
        check(BY_NAME[name], data)
        assert len(data) < 100_000, f"{name} is {len(data):,} bytes"
        (HERE / name).write_bytes(data)
        print(f"{hashlib.sha256(data).hexdigest()[:16]}  {len(data):7,d}  {name}")
    if args.large:
        total = time.perf_counter()
        for entry in CORPUS:
            if entry.large:
                started = time.perf_counter()
                file = path(entry, args.large)
                if file.stat().st_size < 50 * MiB:
                    check(entry, file.read_bytes())
                print(f"{entry.name:28} {_describe(file)}  {time.perf_counter() - started:5.1f} s")
        print(f"large files: {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
