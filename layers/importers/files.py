"""Reading the files chapters have into rows: (row number, {column: text}, geometry or None).

CSV (UTF-8 with or without BOM, UTF-16, Windows-1258; "," ";" or tab), XLSX (one sheet),
GeoJSON and KML/KMZ placemarks. Values come back as text exactly as written; nothing is
interpreted here.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from layers.importers.errors import UnreadableFile

MAX_BYTES = 50 * 1024 * 1024
MAX_CELL = 10_000  # characters kept from one cell; longer cells are rejected by validation
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx",)
GEO_SUFFIXES = (".geojson", ".json", ".kml", ".kmz")
SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES + GEO_SUFFIXES
FORMULA = "\x00formula:"  # marks an Excel formula cell; validation rejects the row


@dataclass(frozen=True)
class Row:
    number: int  # as the user sees it: the spreadsheet row, or the placemark's position
    values: dict[str, str]
    geometry: object | None = None  # shapely geometry from map files


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[Row]
    sheets: tuple[str, ...] = ()


def check_size(data: bytes) -> None:
    """Refuse empty files and files over the size limit, before reading anything."""
    if not data:
        raise UnreadableFile("Tệp rỗng.")
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"Tệp quá lớn ({len(data) / 1e6:.0f} MB, tối đa {MAX_BYTES // 2**20} MB).")


def kml_of_kmz(data: bytes) -> bytes:
    """The KML document inside a KMZ archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            kml = next((n for n in archive.namelist() if n.lower().endswith(".kml")), None)
            if kml is None:
                raise UnreadableFile("Tệp KMZ không chứa tệp KML nào.")
            return archive.read(kml)
    except zipfile.BadZipFile:
        raise UnreadableFile("Tệp KMZ hỏng (không phải tệp nén zip).") from None


def read_table(name: str, data: bytes, sheet: str | None = None) -> Table:
    """Rows of a file given its name (for the extension) and its bytes. Raises UnreadableFile."""
    suffix = Path(name).suffix.lower()
    check_size(data)
    if suffix in CSV_SUFFIXES:
        return _read_csv(data)
    if suffix in EXCEL_SUFFIXES:
        return _read_xlsx(data, sheet)
    if suffix in GEO_SUFFIXES:
        return _read_geo(data, suffix)
    raise UnreadableFile(f"Không đọc được tệp đuôi «{suffix or '(không có)'}»; nhận: {', '.join(SUFFIXES)}.")


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise UnreadableFile("Tệp không phải là văn bản CSV (có byte 0: có lẽ là tệp nhị phân).")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")  # what Vietnamese Excel on Windows writes


def _read_csv(data: bytes) -> Table:
    # Windows-1258 writes many Vietnamese letters as a base letter plus a combining tone mark.
    text = unicodedata.normalize("NFC", _decode(data))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(",;\t", key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise UnreadableFile(f"CSV hỏng: {exc}.") from None
    return _from_records(records)


def _from_records(records: list[list[str]]) -> Table:
    """The first non-blank record is the header; rows keep the numbers the user sees (1-based)."""
    numbered = [(i + 1, r) for i, r in enumerate(records) if any(str(c).strip() for c in r)]
    if not numbered:
        raise UnreadableFile("Tệp không có dòng nào.")
    header = [str(h).strip() or f"Cột {i + 1}" for i, h in enumerate(numbered[0][1])]
    if len(set(header)) != len(header):
        raise UnreadableFile("Hàng tiêu đề có tên cột trùng nhau.")
    rows = []
    for number, record in numbered[1:]:
        cells = [str(c)[: MAX_CELL + 1] for c in record] + [""] * (len(header) - len(record))
        values = dict(zip(header, cells[: len(header)], strict=True))
        if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
            values["_extra_cells"] = " | ".join(record[len(header) :])
        rows.append(Row(number, values))
    return Table(header, rows)


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableFile("Tệp không phải là bảng tính Excel .xlsx hợp lệ.") from None
    names = tuple(book.sheetnames)
    if sheet is not None and sheet not in names:
        raise UnreadableFile(f"Không có trang «{sheet}»; các trang: {', '.join(names)}.")
    ws = book[sheet or names[0]]
    try:
        records = _sheet_records(ws)
    except Exception:  # noqa: BLE001 - sheets are parsed lazily; a damaged one fails here
        raise UnreadableFile(f"Trang tính «{ws.title}» bị hỏng, không đọc được.") from None
    book.close()
    table = _from_records(records)
    return Table(table.columns, table.rows, names)


def _sheet_records(ws) -> list[list[str]]:
    records = []
    for row in ws.iter_rows():
        cells = []
        for cell in row:
            value = cell.value
            if getattr(cell, "data_type", None) == "f":
                cells.append(f"{FORMULA}{value}")
            else:
                cells.append("" if value is None else _excel_text(value))
        records.append(cells)
    return records


def _excel_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)[: MAX_CELL + 1]


def _read_geo(data: bytes, suffix: str) -> Table:
    import pyogrio

    if suffix == ".kmz":
        data, suffix = kml_of_kmz(data), ".kml"
    try:
        # KML folders are layers; their names change with every in-memory open, so go by index.
        count = len(pyogrio.list_layers(io.BytesIO(data))) if suffix == ".kml" else 1
        frames = [pyogrio.read_dataframe(io.BytesIO(data), layer=index) for index in range(count)]
    except Exception as exc:  # noqa: BLE001 - GDAL reports malformed files with its own errors
        raise UnreadableFile(f"Không đọc được tệp bản đồ ({type(exc).__name__}).") from None
    columns: list[str] = []
    rows = []
    for frame in frames:
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)  # a GeoJSON with a "crs" member, or KML in another system
        for column in frame.columns:
            if column != "geometry" and column not in columns:
                columns.append(column)
        for values, geometry in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True):
            text = {k: _cell_text(v) for k, v in values.items()}
            rows.append(Row(len(rows) + 1, text, geometry))
    if not rows:
        raise UnreadableFile("Tệp bản đồ không có đối tượng nào.")
    return Table(columns, rows)
