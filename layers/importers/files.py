"""Reading the files chapters have into rows: (row number, {column: text}, geometry or None).

CSV (UTF-8 with or without BOM, UTF-16, Windows-1258, decoded line by line; "," ";" or tab),
XLSX, XLS and ODS (the sheet whose headers are recognised; merged cells filled), GeoJSON and
KML/KMZ placemarks. Values come back as text exactly as written (a phone is never a number);
nothing is interpreted here. Every reader checks the limits in `limits` before it reads, and
a physical record it cannot parse comes back as a row with a `problem`, so that every row of
the file is accounted for.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from layers.importers import limits
from layers.importers.errors import UnreadableFile

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx",)
LEGACY_SUFFIXES = (".xls", ".ods")  # read with calamine: values only, formulas cannot be checked
GEO_SUFFIXES = (".geojson", ".json", ".kml", ".kmz")
SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES + LEGACY_SUFFIXES + GEO_SUFFIXES
FORMULA = "\x00formula:"  # marks an Excel formula cell; validation rejects the row
RAW_LINE = "Dòng gốc"  # the column of a record that could not be parsed: the line as it is in the file
HEADER_SCAN = 20  # rows looked at to find the header row (a title may stand above it), and the sheet
LINES_PER_ROW = 4  # physical lines a row may take (multi-line cells) before the row count is known
# KML presentation fields GDAL's LIBKML driver adds to every placemark: not the user's data.
KML_STYLE_FIELDS = frozenset(
    {"id", "timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon"}
)

Recognise = Callable[[list[str]], int]  # how many of a header row's columns name a known field


@dataclass(frozen=True)
class Row:
    number: int  # as the user sees it: the spreadsheet row, the file's line, or the placemark's position
    values: dict[str, str]
    geometry: object | None = None  # shapely geometry from map files
    problem: str = ""  # why the reader could not read this record (then values hold the raw line)


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[Row]
    sheets: tuple[str, ...] = ()
    sheet: str | None = None  # the sheet read, for workbooks
    notes: tuple[str, ...] = field(default=())  # what the reader says about the whole file


def open_archive(data: bytes, what: str) -> zipfile.ZipFile:
    """A zip archive whose members are within the limits (count and unpacked sizes)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise UnreadableFile(f"Tệp {what} hỏng (không phải tệp nén zip).") from None
    limits.check_members({info.filename: info.file_size for info in archive.infolist()}, what)
    return archive


def _member(archive: zipfile.ZipFile, name: str, what: str) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        raise UnreadableFile(f"Tệp {what} hỏng, không giải nén được «{name[:80]}».") from None


def kml_of_kmz(data: bytes) -> bytes:
    """The KML document inside a KMZ archive."""
    with open_archive(data, "KMZ") as archive:
        kml = next((n for n in archive.namelist() if n.lower().endswith(".kml")), None)
        if kml is None:
            raise UnreadableFile("Tệp KMZ không chứa tệp KML nào.")
        return _member(archive, kml, "KMZ")


def read_table(name: str, data: bytes, sheet: str | None = None, recognise: Recognise | None = None) -> Table:
    """Rows of a file given its name (for the extension) and its bytes. `recognise` scores a
    header row, to pick the sheet of a workbook when none is named. Raises UnreadableFile."""
    suffix = Path(name).suffix.lower()
    limits.check_file(len(data))
    if suffix in CSV_SUFFIXES:
        return _read_csv(data, recognise)
    if suffix in EXCEL_SUFFIXES:
        return _read_xlsx(data, sheet, recognise)
    if suffix in LEGACY_SUFFIXES:
        return _read_legacy(data, suffix, sheet, recognise)
    if suffix in GEO_SUFFIXES:
        return _read_geo(data, suffix)
    raise UnreadableFile(f"Không đọc được tệp đuôi «{suffix or '(không có)'}»; nhận: {', '.join(SUFFIXES)}.")


# -- CSV ---------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[list[str], tuple[str, ...]]:
    """The file's lines as text (line ends kept), and a note when lines had different encodings.
    UTF-8 is tried for each line, then Windows-1258 (what Vietnamese Excel on Windows writes),
    so one line saved in another encoding does not garble the rest."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").splitlines(keepends=True), ()
        except UnicodeDecodeError:
            raise UnreadableFile("Tệp ghi là UTF-16 nhưng có byte không đọc được.") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise UnreadableFile("Tệp không phải là văn bản CSV (có byte 0: có lẽ là tệp nhị phân).")
    try:
        return data.decode("utf-8").splitlines(keepends=True), ()
    except UnicodeDecodeError:
        pass
    lines, legacy = [], []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("cp1258", errors="replace"))
            legacy.append(number)
    utf8_lines = sum(1 for raw in data.splitlines() if any(b > 0x7F for b in raw)) - len(legacy)
    if legacy and utf8_lines > 0:  # a mixed file: say which lines were read another way
        shown = ", ".join(str(n) for n in legacy[:10]) + (" …" if len(legacy) > 10 else "")
        return lines, (f"Dòng {shown} của tệp được đọc theo bảng mã Windows-1258, các dòng khác theo UTF-8.",)
    return lines, ()


class _Lines:
    """An iterator over the file's lines that knows how far the csv reader has read, and can
    be moved back to read again from a line."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.position = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


STRAY_QUOTE = (
    'Dòng {line} của tệp: dấu ngoặc kép (") mở mà không đóng nên dòng này không đọc được; '
    "các dòng khác vẫn được đọc. Sửa dấu ngoặc kép rồi nhập lại dòng này."
)


def _alone(line: str, delimiter: str) -> list[str] | None:
    """A line read by itself, leniently (a quote mid-cell, text after a closing quote), or None
    when a quote opened on it never closes on it: then it ran over the lines after it."""
    if line.count('"') % 2:
        return None
    return next(csv.reader([line], delimiter=delimiter), [])


def _csv_records(lines: list[str], delimiter: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """(first line, cells, "") for each record, blank ones too, or (line, None, reason) for a
    line that cannot be read. Records are read strictly, so that a quoted cell must close where
    a cell ends: a real multi-line cell reads as one record, while a stray quote, which runs on
    into the following lines until it meets another quote in the wrong place or the end of the
    file, fails; then its one line is given up and reading starts again on the next."""
    source = _Lines(lines)
    while source.position < len(lines):
        start = source.position
        try:
            cells = next(csv.reader(source, delimiter=delimiter, strict=True))
        except StopIteration:
            return
        except csv.Error:
            source.position = start + 1
            cells = _alone(lines[start], delimiter)
            if cells is None:
                yield start + 1, None, STRAY_QUOTE.format(line=start + 1)
                continue
        yield start + 1, cells, ""


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return max(",;\t", key=sample.count)


def _read_csv(data: bytes, recognise: Recognise | None) -> Table:
    # Lines are counted before they are decoded: a small file of millions of empty lines.
    limits.check_rows(data.count(b"\n") // LINES_PER_ROW)
    lines, notes = _decode(data)
    for i, line in enumerate(lines):  # in place: one copy of the text at a time
        # Windows-1258 writes many Vietnamese letters as a base letter plus a combining tone mark.
        lines[i] = unicodedata.normalize("NFC", line)
    delimiter = _delimiter("".join(lines[:200])[:8192])
    csv.field_size_limit(max(csv.field_size_limit(), limits.FILE_BYTES))  # long cells are validation's to refuse
    records, cells = [], 0
    for record in _csv_records(lines, delimiter):
        records.append(record)
        cells += len(record[1] or ())
        limits.check_rows(len(records) - 1)
        limits.check_cells(cells)
    table = _table(records, recognise, lambda line: lines[line - 1].rstrip("\r\n"))
    return Table(table.columns, table.rows, notes=notes + table.notes)


def _header(record: list[object]) -> list[str]:
    header = [str(h).strip() or f"Cột {i + 1}" for i, h in enumerate(record)]
    if len(set(header)) != len(header):
        raise UnreadableFile("Hàng tiêu đề có tên cột trùng nhau.")
    return header


def _row(number: int, header: list[str], record: list[str]) -> Row:
    cells = [str(c) for c in record] + [""] * (len(header) - len(record))
    values = dict(zip(header, cells[: len(header)], strict=True))
    if len(record) > len(header) and any(str(c).strip() for c in record[len(header) :]):
        values["_extra_cells"] = " | ".join(str(c) for c in record[len(header) :])
    return Row(number, values)


def _blank(cells: list[object] | None) -> bool:
    return cells is not None and not any(str(c).strip() for c in cells)


def _header_index(records: list[tuple[int, list[str] | None, str]], recognise: Recognise | None) -> int:
    """Which record is the header: of the first non-blank records, the one whose cells name the
    most known fields (a title or a note may stand above the header), else the first."""
    candidates = [i for i, (_, cells, _) in enumerate(records) if cells is not None and not _blank(cells)]
    candidates = candidates[:HEADER_SCAN]
    if not candidates:
        raise UnreadableFile("Tệp không có dòng nào.")
    if recognise is None:
        return candidates[0]
    scores = {i: recognise([str(c) for c in records[i][1]]) for i in candidates}
    return max(candidates, key=lambda i: (scores[i] > 0, scores[i], -i))


def _table(
    records: list[tuple[int, list[str] | None, str]],
    recognise: Recognise | None,
    raw_line: Callable[[int], str] | None = None,
) -> Table:
    """Rows from (number, cells or None, problem) records: the header found, blank records left
    out, a record that could not be read kept as a row with its problem and raw text."""
    first = next((i for i, (_, cells, _) in enumerate(records) if not _blank(cells)), None)
    if first is not None and records[first][1] is None:
        raise UnreadableFile(f"Hàng tiêu đề (dòng {records[first][0]} của tệp) có dấu ngoặc kép mở mà không đóng.")
    at = _header_index(records, recognise)
    header = _header(records[at][1])
    rows = []
    for number, cells, problem in records[at + 1 :]:
        if cells is None:
            rows.append(Row(number, {RAW_LINE: raw_line(number) if raw_line else ""}, problem=problem))
        elif not _blank(cells):
            rows.append(_row(number, header, cells))
    if not rows:
        raise UnreadableFile("Tệp chỉ có hàng tiêu đề, không có dòng dữ liệu nào.")
    above = [number for number, cells, _ in records[:at] if not _blank(cells)]
    notes = ()
    if above:
        notes = (f"Bỏ qua {len(above)} dòng phía trên hàng tiêu đề cột (dòng {above[0]}–{above[-1]}).",)
    return Table(header, rows, notes=notes)


def _from_records(records: list[list[str]], recognise: Recognise | None = None) -> Table:
    """Rows of a sheet, numbered as the spreadsheet numbers them (1-based)."""
    return _table([(i + 1, record, "") for i, record in enumerate(records)], recognise)


# -- workbooks ----------------------------------------------------------------------------------

ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
SCAN_CHUNK = 1 << 20
SCAN_OVERLAP = 64  # longer than any tag the scan looks for
MERGE_TAG = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=[\"']([A-Z]+)(\d+):([A-Z]+)(\d+)[\"']")


def _column_number(letters: bytes) -> int:
    value = 0
    for letter in letters:
        value = value * 26 + letter - 64
    return value


@dataclass(frozen=True)
class _SheetScan:
    rows: int
    merged: tuple[tuple[int, int, int, int], ...]  # (first row, first column, last row, last column), 1-based


def _scan_sheet(archive: zipfile.ZipFile, path: str) -> _SheetScan:
    """Count a sheet's rows and cells and find its merged ranges by streaming its XML once, without
    parsing it: cheap, and done before openpyxl reads a single row."""
    rows, cells, merged, tail = 0, 0, [], b""
    try:
        with archive.open(path) as stream:
            while True:
                chunk = stream.read(SCAN_CHUNK)
                block = tail + chunk
                # A tag that starts in the last bytes may be cut: it is counted with the next block.
                cut = len(block) - SCAN_OVERLAP if chunk else len(block)
                rows += sum(1 for m in ROW_TAG.finditer(block) if m.start() < cut)
                cells += sum(1 for m in CELL_TAG.finditer(block) if m.start() < cut)
                merged += [m.groups() for m in MERGE_TAG.finditer(block) if m.start() < cut]
                limits.check_rows(rows - 1)
                limits.check_cells(cells)
                if not chunk:
                    break
                tail = block[cut:]
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError):
        raise UnreadableFile("Tệp Excel hỏng, không giải nén được trang tính.") from None
    ranges = tuple(
        (int(r0), _column_number(c0), int(r1), _column_number(c1)) for c0, r0, c1, r1 in merged if int(r1) > int(r0)
    )
    return _SheetScan(rows, ranges)


def _fill_merged(records: list[list[object]], ranges: tuple[tuple[int, int, int, int], ...]) -> None:
    """Give each row a range merged over several rows spans the value of the range's first cell,
    in the range's first column: the sheet shows that value beside each of those rows (a unit
    written once for the rows it spans). The range's other columns stay empty, as they are."""
    for r0, c0, r1, _c1 in ranges:
        if r0 > len(records) or c0 > len(records[r0 - 1]):
            continue
        value = records[r0 - 1][c0 - 1]
        for r in range(r0 + 1, min(r1, len(records)) + 1):
            row = records[r - 1]
            row.extend([""] * (c0 - len(row)))
            row[c0 - 1] = value


def _choose_sheet(
    names: tuple[str, ...], sheet: str | None, first_rows: Callable[[str], list[list[str]]], recognise
) -> str:
    """The sheet named, or the first whose header row (among its first rows) names the most
    known fields."""
    if sheet is not None:
        if sheet not in names:
            raise UnreadableFile(f"Không có trang «{sheet}»; các trang: {', '.join(names)}.")
        return sheet
    if len(names) == 1 or recognise is None:
        return names[0]
    scores = {name: max((recognise(row) for row in first_rows(name)), default=0) for name in names}
    best = max(names, key=lambda n: scores[n])  # the first of equals
    if scores[best] == 0:
        raise UnreadableFile(
            f"Không trang tính nào có hàng tiêu đề nhận ra được; các trang: {', '.join(names)}. "
            "Hãy chọn trang chứa tin báo."
        )
    return best


def _read_xlsx(data: bytes, sheet: str | None, recognise: Recognise | None) -> Table:
    from openpyxl import load_workbook

    archive = open_archive(data, "Excel")
    for info in archive.infolist():  # openpyxl holds the shared strings in memory, all of them, at once
        if info.filename.lower().endswith("sharedstrings.xml"):
            limits.check_whole_part(info.file_size, "Excel")
    # Every sheet counted before openpyxl opens the book: for a sheet that does not state its size,
    # openpyxl parses the whole sheet to find it, minutes for a bomb of millions of cells.
    scans = {i.filename: _scan_sheet(archive, i.filename) for i in archive.infolist() if SHEET_PART.match(i.filename)}
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableFile("Tệp không phải là bảng tính Excel .xlsx hợp lệ.") from None
    names = tuple(book.sheetnames)
    if not names:
        raise UnreadableFile("Tệp Excel không có trang tính nào.")

    def first_rows(name: str) -> list[list[str]]:
        return [_excel_cells(row) for row in book[name].iter_rows(max_row=HEADER_SCAN)]

    try:
        chosen = _choose_sheet(names, sheet, first_rows, recognise)
        ws = book[chosen]
        part = ws._worksheet_path  # openpyxl keeps the sheet's part name here
        scan = scans.get(part) or _scan_sheet(archive, part)
        records, cells = [], 0
        for row in ws.iter_rows():
            records.append(_excel_cells(row))
            cells += len(records[-1])
            limits.check_rows(len(records) - 1)
            limits.check_cells(cells)
    except UnreadableFile:
        raise
    except Exception:  # noqa: BLE001 - sheets are parsed lazily; a damaged one fails here
        raise UnreadableFile("Trang tính bị hỏng, không đọc được.") from None
    finally:
        book.close()
        archive.close()
    _fill_merged(records, scan.merged)
    table = _from_records(records, recognise)
    return Table(table.columns, table.rows, names, chosen, table.notes)


def _excel_cells(row) -> list[str]:
    cells = []
    for cell in row:
        value = cell.value
        if getattr(cell, "data_type", None) == "f":
            cells.append(f"{FORMULA}{value}")
        else:
            cells.append("" if value is None else _excel_text(value))
    return cells


def _excel_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


ODS_TAG = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s>/])([^>]*?)(/?)>|</table:table-row>"
)
ODS_ROWS = re.compile(rb'number-rows-repeated\s*=\s*["\'](\d+)')
ODS_COLUMNS = re.compile(rb'number-columns-repeated\s*=\s*["\'](\d+)')


def _repeat(pattern: re.Pattern, attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found.group(1)) if found else 1


def _check_ods_extent(archive: zipfile.ZipFile) -> None:
    """Refuse an OpenDocument sheet that its repeat attributes make huge: one cell "repeated"
    a million times over a million rows is a few bytes in the file, and calamine would build
    every cell. Each table's extent (rows down to its last filled row, columns out to its last
    filled cell) is worked out from the tags alone."""
    try:
        info = archive.getinfo("content.xml")
    except KeyError:
        raise UnreadableFile("Tệp OpenDocument .ods không có content.xml.") from None
    limits.check_whole_part(info.file_size, "ODS")
    content = _member(archive, "content.xml", "ODS")
    height = width = rows = row_repeat = position = last = 0
    for match in ODS_TAG.finditer(content):
        kind, attributes, closed = match.groups()
        if kind is None:  # </table:table-row>
            if last:
                width, height = max(width, last), rows + row_repeat
                limits.check_rows(height - 1)
                limits.check_cells(height * width)
            rows += row_repeat
        elif kind == b"table":
            height = width = rows = 0
        elif kind == b"table-row":
            row_repeat, position, last = _repeat(ODS_ROWS, attributes), 0, 0
        else:
            position += _repeat(ODS_COLUMNS, attributes)
            if not closed:  # a cell with content
                last = position


LEGACY_NOTE = (
    "Tệp {kind} được đọc theo giá trị đã tính của từng ô: công thức trong tệp này không kiểm tra được; "
    "hãy xem lại các ô có công thức."
)


def _read_legacy(data: bytes, suffix: str, sheet: str | None, recognise: Recognise | None) -> Table:
    """Old Excel .xls and OpenDocument .ods, read with calamine: cell values as computed."""
    from python_calamine import CalamineWorkbook

    if suffix == ".ods":  # sizes and extent checked before calamine unpacks and expands the sheets
        with open_archive(data, "ODS") as archive:
            _check_ods_extent(archive)
    kind = "Excel .xls" if suffix == ".xls" else "OpenDocument .ods"
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = tuple(book.sheet_names)
    except Exception:  # noqa: BLE001 - calamine raises its own kinds for a damaged file
        raise UnreadableFile(f"Tệp không phải là bảng tính {kind} hợp lệ.") from None
    if not names:
        raise UnreadableFile(f"Tệp {kind} không có trang tính nào.")

    def rows_of(name: str, upto: int | None = None) -> Iterator[list[str]]:
        found = book.get_sheet_by_name(name)
        limits.check_rows(found.total_height - 1)
        limits.check_cells(found.total_height * found.total_width)
        for i, row in enumerate(found.to_python(skip_empty_area=False)):
            if upto is not None and i >= upto:
                return
            yield ["" if v is None else _excel_text(v) for v in row]

    try:
        chosen = _choose_sheet(names, sheet, lambda n: list(rows_of(n, HEADER_SCAN)), recognise)
        records = list(rows_of(chosen))
        merged = book.get_sheet_by_name(chosen).merged_cell_ranges or []
    except UnreadableFile:
        raise
    except Exception:  # noqa: BLE001
        raise UnreadableFile(f"Trang tính của tệp {kind} bị hỏng, không đọc được.") from None
    _fill_merged(records, tuple((r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in merged if r1 > r0))
    table = _from_records(records, recognise)
    return Table(table.columns, table.rows, names, chosen, (LEGACY_NOTE.format(kind=kind), *table.notes))


# -- map files ------------------------------------------------------------------------------------

KML_FIELD_TYPE = re.compile(rb"(<(?:\w+:)?SimpleField\b[^>]*?\btype\s*=\s*)([\"'])[^\"']*\2")
KML_DATA_NAME = re.compile(rb"(<(?:\w+:)?Data\b[^>]*?\bname\s*=\s*)([\"'])([^\"']*)\2")
KML_NAME_MARK = "bando_field_"
KML_FOLDER = re.compile(rb"</?(?:\w+:)?Folder\b[^>]*>")


def kml_as_text(data: bytes) -> tuple[bytes, dict[str, str]]:
    """KML as GDAL should read it, and the field names to give back afterwards. Schema fields
    all become text (a field declared `int` would make GDAL read the phone '0912 000 111' as the
    number 912, and warn with the value); the names of <Data> fields (Google My Maps) are put
    aside, since GDAL's LIBKML driver replaces every letter with a diacritic by '_' ("Họ tên
    nhân chứng" → "H____t__n_nh__n_ch___ng") and the column could no longer be recognised."""
    names: dict[bytes, str] = {}

    def mark(match: re.Match) -> bytes:
        original = match.group(3)
        token = names.setdefault(original, f"{KML_NAME_MARK}{len(names)}")
        return match.group(1) + match.group(2) + token.encode() + match.group(2)

    data = KML_DATA_NAME.sub(mark, KML_FIELD_TYPE.sub(rb"\1\2string\2", data))
    # Every folder is a layer to GDAL, and each layer is read by parsing the whole document again
    # (2,000 folders: minutes); without the folders, the placemarks are one layer, parsed once.
    data = KML_FOLDER.sub(b"", data)
    return data, {token: html.unescape(name.decode("utf-8", "replace")) for name, token in names.items()}


def quietly(read: Callable[[], object]) -> object:
    """Run a GDAL read with its warnings silenced: they quote field values, which may be private."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read()


def read_frame(data: bytes, layer: int | str, columns: list[str] | None = None):
    """One layer of a map file as a GeoDataFrame (only `columns`, when given), quietly: dates as
    the text written, and a geometry GEOS cannot build (a line of one point) as None rather than
    an error for the file."""
    import geopandas as gpd
    import pandas as pd
    import pyogrio.raw
    import shapely

    meta, _fids, wkb, values = quietly(
        lambda: pyogrio.raw.read(io.BytesIO(data), layer=layer, columns=columns, datetime_as_string=True)
    )
    size = len(wkb) if wkb is not None else (len(values[0]) if len(values) else 0)
    frame = pd.DataFrame(dict(zip(meta["fields"], values, strict=True)), index=range(size))
    geometry = shapely.from_wkb(wkb, on_invalid="ignore") if wkb is not None else [None] * size
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, index=frame.index), crs=meta["crs"])


def check_features(data: bytes, layers: int) -> None:
    """Refuse a map file whose layers GDAL counts more than ROWS features in (GDAL gives no
    count for GPX, whose points are counted in the file instead)."""
    import pyogrio

    counts = [quietly(lambda i=i: pyogrio.read_info(io.BytesIO(data), layer=i))["features"] for i in range(layers)]
    limits.check_rows(sum(max(n, 0) for n in counts), "đối tượng")


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = str(value)
    return "" if text in ("NaT", "nan", "<NA>") else text  # whole: a cell too long is validation's to refuse, kept


def _read_geo(data: bytes, suffix: str) -> Table:
    import pyogrio

    if suffix == ".kmz":
        data, suffix = kml_of_kmz(data), ".kml"
    names: dict[str, str] = {}
    if suffix == ".kml":
        data, names = kml_as_text(data)
    try:
        # KML folders are layers; their names change with every in-memory open, so go by index.
        count = len(quietly(lambda: pyogrio.list_layers(io.BytesIO(data)))) if suffix == ".kml" else 1
        check_features(data, count)
        frames = [read_frame(data, i) for i in range(count)]
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL reports malformed files with its own errors
        raise UnreadableFile(f"Không đọc được tệp bản đồ ({type(exc).__name__}).") from None
    columns: list[str] = []
    rows = []
    for frame in frames:
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)  # a GeoJSON with a "crs" member, or KML in another system
        attributes = frame.drop(columns="geometry").rename(columns=names)
        if suffix == ".kml":
            attributes = attributes.drop(columns=[c for c in attributes.columns if c in KML_STYLE_FIELDS])
        for column in attributes.columns:
            if column not in columns:
                columns.append(column)
        for values, geometry in zip(attributes.to_dict("records"), frame.geometry, strict=True):
            text = {k: _cell_text(v) for k, v in values.items()}
            rows.append(Row(len(rows) + 1, text, geometry))
    if not rows:
        raise UnreadableFile("Tệp bản đồ không có đối tượng nào.")
    return Table(columns, rows)
