"""Importing witness reports: every row of a file ends up accepted, unlocated, rejected
(with its raw values and a reason naming the row and column) or counted as a duplicate.
A file is written in one transaction: all of it or nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import numpy as np
import shapely
import sqlalchemy as sa

from geo.admin import UnknownPlace, in_territory, province_codes, province_names, resolve_place, territory_at
from geo.coords import CoordinateError, parse
from geo.datums import get_datum
from geo.periods import PeriodReading, read_period, written_years
from geo.text import compact, fold
from layers.access import Contacts, Reach, Right, Viewer, writable_condition
from layers.campaign import vietnam_today
from layers.importers import limits
from layers.importers.errors import UnreadableFile
from layers.importers.files import FORMULA, Row, read_table
from layers.importers.mapping import auto_map, mappable
from layers.importers.writing import LEGACY_HASH, Upload, Written, write_import
from layers.labels import clean_text, neutralise
from layers.labels import number as written_number
from layers.places import DERIVED_COLUMNS, PLACE_NAME, admin_columns, area_of
from layers.schema import REPORTS, Field
from layers.store import Store
from layers.tables import METADATA

MAX_TEXT = limits.TEXT
RANGES = {
    "birth_year": (1850, 1995),
    "year_from": (1930, 1995),
    "year_to": (1930, 1995),
    "remains_count": (0, 1000),
    "witness_birth_year": (1900, 2026),
}
# How a yes/no cell is written in chapters' files (folded): "có", "x", "yes", "1" …
YES = frozenset({"co", "x", "yes", "y", "true", "1", "dung"})
NO = frozenset({"khong", "no", "n", "false", "0", "sai", ""})


SUMMARY = ("rows_read", "accepted", "rejected", "approximate", "unlocated", "duplicates")


@dataclass
class ImportResult:
    rows_read: int = 0
    accepted: int = 0
    approximate: int = 0  # no coordinate, an approximate area from the place name (layers.places)
    unlocated: int = 0  # neither
    rejected: int = 0
    duplicates: int = 0
    import_id: str = ""
    rejected_rows: list[dict] = field(default_factory=list)  # {"row", "values", "reason"}
    notes: list[str] = field(default_factory=list)  # what the reader and the importer say about the whole file
    sheet: str | None = None  # the sheet read, for workbooks
    datum_conflicts: int = 0  # rows stored before with another datum than this import gives them
    datum_fixed: int = 0  # of those, the records whose coordinates this import re-read (fix_datum)

    def summary(self) -> dict:
        return {k: getattr(self, k) for k in SUMMARY}


class RowProblem(ValueError):
    """One reason a row cannot be accepted, already phrased for the user."""


# json.dumps(value, sort_keys=True, ensure_ascii=False) without building an encoder for every row.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def row_hash(values: dict[str, str], geometry: object | None, mapping: dict[str, str] | None = None) -> str:
    """The same row, from the same or another file, always hashes the same, whatever the spelling
    of its headers: a mapped column counts by its field, any other by its folded name."""
    mapping = mapping or {}
    canonical = {}
    for position, (column, value) in enumerate(values.items()):
        if text := str(value).strip():
            key = mapping.get(column) or f"?{compact(column)}"
            canonical[key if key not in canonical else f"{key}#{position}"] = text  # two headers folding alike
    return _digest(canonical, geometry)


def _digest(canonical: dict[str, str], geometry: object | None) -> str:
    if geometry is not None:
        canonical["_geometry"] = shapely.to_wkt(geometry, rounding_precision=7)
    return hashlib.sha256(_CANONICAL_JSON.encode(canonical).encode()).hexdigest()


def legacy_row_hash(values: dict[str, str], geometry: object | None) -> str:
    """The row hash of revisions before 0004, keyed by the headers as written: rows stored then
    are still recognised when their file is imported again."""
    return _digest({k: text for k, v in values.items() if (text := str(v).strip())}, geometry)


def _where(row: Row, column: str) -> str:
    return f"Dòng {row.number}, cột «{column}»"


_REPORT_FIELDS = frozenset(id(f) for f in REPORTS.fields)


@lru_cache(maxsize=64)
def _field(name: str) -> Field:
    """REPORTS.field(name), looked up once per field rather than once per cell."""
    return REPORTS.field(name)


@lru_cache(maxsize=32)
def _terms(f: Field) -> dict[str, str]:
    """Every spelling of a vocabulary (code, Vietnamese, English; folded) → its code; built once per field."""
    terms = {}
    for term in f.vocabulary:
        for spelling in (term.code, term.label_vi, term.label_en):
            terms[fold(spelling)] = term.code
    return terms


@lru_cache(maxsize=4096)
def _term_code(name: str, text: str) -> str | None:
    """The vocabulary code a cell of field `name` names, or None; a file repeats a few spellings
    in every row. Keyed by the field's name: hashing a whole Field for every cell costs more."""
    return _terms(_field(name)).get(fold(text))


@lru_cache(maxsize=4096)
def _whole_number(name: str, text: str) -> int | None:
    """The whole number in a cell of int field `name` within the field's range, else None; a
    file repeats a few years in every row. _value says what is wrong with a None."""
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    low, high = RANGES.get(name, (-(10**9), 10**9))
    return int(number) if number.is_integer() and low <= number <= high else None


def check_value(f: Field, text: str, row: Row, column: str):
    if text.startswith(FORMULA):
        raise RowProblem(f"{_where(row, column)}: ô chứa công thức Excel; hãy dán giá trị thay cho công thức.")
    if not text.isprintable():  # printable text has no control characters to remove
        text = clean_text(text)  # control characters would break the XML and XLSX exports
    if len(text) > MAX_TEXT:
        size, limit = written_number(len(text)), written_number(MAX_TEXT)
        raise RowProblem(f"{_where(row, column)}: dài {size} ký tự, tối đa {limit}.")
    if f.vocabulary:
        # A report's field is looked up by name (cached per cell); another layer's by its terms.
        code = _term_code(f.name, text) if id(f) in _REPORT_FIELDS else _terms(f).get(fold(text))
        if code is None:
            allowed = ", ".join(t.label_vi for t in f.vocabulary)
            raise RowProblem(f"{_where(row, column)}: «{text[:40]}» không phải giá trị hợp lệ ({allowed}).")
        return code
    if f.type == "int":
        whole = _whole_number(f.name, text)
        if whole is not None:
            return whole
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise RowProblem(f"{_where(row, column)}: «{text[:40]}» không phải là số.") from None
        low, high = RANGES.get(f.name, (-(10**9), 10**9))
        if not number.is_integer() or not low <= number <= high:
            raise RowProblem(f"{_where(row, column)}: {text[:20]} phải là số nguyên từ {low} đến {high}.")
        return int(number)
    if f.type == "date":
        return _date(text, row, column)
    if f.type == "bool":
        folded = fold(text)
        if folded in YES or folded in NO:
            return folded in YES
        raise RowProblem(f"{_where(row, column)}: «{text[:40]}» phải là «có» hoặc «không».")
    if f.type == "float":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise RowProblem(f"{_where(row, column)}: «{text[:40]}» không phải là số.") from None
        if not 0 < number <= 100_000:
            raise RowProblem(f"{_where(row, column)}: {text[:20]} phải lớn hơn 0 và không quá 100.000 m.")
        return number
    return text


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")


def _date(text: str, row: Row, column: str) -> date:
    """A day written the Vietnamese way (day first: 05/04/2026) or as ISO 2026-04-05."""
    for pattern in DATE_FORMATS:
        try:
            day = datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        if not date(1945, 1, 1) <= day <= vietnam_today():
            raise RowProblem(f"{_where(row, column)}: ngày {text[:20]} nằm ngoài 1945 – hôm nay.")
        return day
    raise RowProblem(f"{_where(row, column)}: «{text[:40]}» không phải là ngày (ví dụ 05/04/2026).")


def province_code(text: str) -> str | None:
    codes = province_codes("34")
    try:
        place = resolve_place(text)
    except UnknownPlace:
        return None
    return codes.get(place.provinces_34[0]) if place.provinces_34 else None


def _locate(record: dict, row: Row, columns: dict[str, str], datum: str | None) -> tuple[float, float] | None:
    """Fill the coordinate fields, and the province of a report without a point; returns the
    point (lon, lat), or None. Raises RowProblem for a bad coordinate."""
    notes: list[str] = []
    point = None
    if row.geometry is not None:
        geometry = row.geometry
        if not geometry.is_valid or geometry.is_empty:
            raise RowProblem(f"Dòng {row.number}: hình học không hợp lệ.")
        if geometry.geom_type != "Point":
            raise RowProblem(f"Dòng {row.number}: tin báo phải là một điểm, không phải {geometry.geom_type}.")
        if not in_territory(geometry.x, geometry.y):
            raise RowProblem(
                f"Dòng {row.number}: điểm ({geometry.y:.5f}, {geometry.x:.5f}) nằm ngoài lãnh thổ Việt Nam, "
                "Lào và Campuchia."
            )
        point = (geometry.x, geometry.y)
        record.update(coord_system="wgs84_decimal", coord_datum="wgs84")
        record.setdefault("coord_text", f"{geometry.y:.7f}, {geometry.x:.7f}")
    elif record.get("coord_text"):
        row_datum = record.pop("coord_datum", None) or datum
        try:
            if row_datum:
                get_datum(row_datum)
            position = parse(record["coord_text"], row_datum, _place_hint(record))
        except (CoordinateError, ValueError) as exc:
            raise RowProblem(f"{_where(row, columns.get('coord_text', 'coord_text'))}: {exc.args[0]}") from None
        point = (position.lon, position.lat)
        record.update(coord_system=position.system, coord_datum=position.datum)
        given = record.get("uncertainty_m")
        record["uncertainty_m"] = max(given or 0.0, position.precision_m)
        notes += [f"{COORDINATE_NOTE} {w}" for w in position.warnings]
    named = record.pop("province_34", None)
    if point is None:  # a located report takes its provinces from its point (place_records)
        record["province_34"] = province_code(named) if named else None
        if record["province_34"] is None and record.get("historical_place"):
            record["province_34"] = province_code(record["historical_place"])
        if named and record["province_34"] is None:
            notes.append(f"{PROVINCE_NOTE} Không nhận ra «{named}».")
        notes += _approximate(record)
        if record["province_34"] is not None:
            record["country"] = "VN"
    if notes:
        record["notes"] = "\n".join(filter(None, [record.get("notes"), *notes]))
    return point


PERIOD_NOTE = "[Thời gian]"  # how the importer marks the years it read from the period as told


def period_reading(text: str) -> PeriodReading | None:
    """The years a period as told gives («Tết Mậu Thân», «sau Hiệp định Paris», «năm 72»), with
    how they were read; None when it names none."""
    return read_period(text) or written_years(text)


def _read_years(record: dict) -> None:
    """Years from the period as told, when no year is given: the importer's suggestion, said in
    the notes with its reading."""
    reading = period_reading(record["period_text"])
    if reading is None:
        return
    record.update(year_from=reading.year_from, year_to=reading.year_to)
    record["notes"] = "\n".join(filter(None, [record.get("notes"), f"{PERIOD_NOTE} {reading.reading}"]))


def _approximate(record: dict) -> list[str]:
    """Give a report without a point the approximate area its place name reads as (layers.places),
    within its province if it has one; returns the notes to add."""
    fields, note = area_of(record, record.get("province_34"))
    record.update({k: v for k, v in fields.items() if k not in ("province_34", "province_63") or v is not None})
    return [note] if note else []


# How the importer marks what it adds to a report's notes about the place it read.
COORDINATE_NOTE, PROVINCE_NOTE = "[Tọa độ]", "[Tỉnh]"
PLACE_COLUMNS = ("country", "province_34", "province_63", "abroad_province", *DERIVED_COLUMNS)
_TERRITORY_COLUMNS = PLACE_COLUMNS[:4]


def place_records(located: list[dict], lon: list[float], lat: list[float]) -> None:
    """Give each located record its point, its country and its provinces (2008–2025 and today in
    Vietnam; the province in Laos or Cambodia): the points made in one call and the places found
    in one spatial join, for a whole file at once."""
    if not located:
        return
    points = shapely.points(np.column_stack([np.asarray(lon, float), np.asarray(lat, float)]))
    found = territory_at(lon, lat)
    # tolist(): the values iterating the columns gives (codes, NaN where none), without a call per value
    columns = [[None if v != v else v for v in found[name].tolist()] for name in _TERRITORY_COLUMNS]
    for record, point, admin, *place in zip(located, points, admin_columns(lon, lat), *columns, strict=True):
        record["geometry"] = point
        record.update(zip(_TERRITORY_COLUMNS, place, strict=True))
        record.update(admin)


def _place_hint(record: dict) -> str | None:
    """The place that tells a grid reference its zone: the province given (stored by its code, which
    geo reads by name) or the historical place name."""
    code = record.get("province_34")
    return _province_names().get(code, code) if code else record.get("historical_place")


@lru_cache(maxsize=1)
def _province_names() -> dict[str, str]:
    return dict(province_names("34"))


def validate(row: Row, mapping: dict[str, str], datum: str | None) -> dict:
    """A report record from one row, provinces included; raises RowProblem naming the row and column."""
    record, point = _checked(row, mapping, datum)
    if point is not None:
        place_records([record], [point[0]], [point[1]])
    return record


def _checked(
    row: Row, mapping: dict[str, str], datum: str | None, columns: dict[str, str] | None = None
) -> tuple[dict, tuple[float, float] | None]:
    """validate() without the point and provinces of a located record (they are made for a whole
    file at once): the record and its point (lon, lat) or None. `columns` is the mapping reversed
    (field → column), when the caller has it already."""
    if row.problem:  # the reader could not parse the record
        raise RowProblem(row.problem)
    if "_extra_cells" in row.values:
        raise RowProblem(f"Dòng {row.number}: có nhiều ô hơn số cột của hàng tiêu đề.")
    record: dict = {}
    if columns is None:
        columns = {f: c for c, f in mapping.items()}
    unmapped = []
    for column, text in row.values.items():
        text = str(text).strip()
        if not text:
            continue
        name = mapping.get(column)
        if name is None:
            if text.startswith(FORMULA) or len(text) > MAX_TEXT:
                check_value(_field("notes"), text, row, column)  # the same checks, the same message
            unmapped.append(f"{column}: {text}")
            continue
        if name == "coord_datum":
            try:
                record[name] = get_datum(text).code
            except ValueError:
                raise RowProblem(f"{_where(row, column)}: «{text[:40]}» không phải hệ quy chiếu đã biết.") from None
            continue
        record[name] = check_value(_field(name), text, row, column)
    if record.get("year_from") and record.get("year_to") and record["year_from"] > record["year_to"]:
        raise RowProblem(f"{_where(row, columns['year_to'])}: năm kết thúc trước năm bắt đầu.")
    if record.get("period_text") and record.get("year_from") is None and record.get("year_to") is None:
        _read_years(record)
    if unmapped:  # nothing is lost; private notes, since an unknown column may hold a witness's phone
        record["private_notes"] = "\n".join(filter(None, [record.get("private_notes"), *unmapped]))
    if (
        not (
            record.get("martyr_names")
            or record.get("place_description")
            or record.get("coord_text")
            or record.get("historical_place")
            or record.get("province_34")
        )
        and row.geometry is None
    ):
        raise RowProblem(f"Dòng {row.number}: không có tên liệt sĩ, mô tả vị trí hay tọa độ nào.")
    record.setdefault("status", "new")
    return record, _locate(record, row, columns, datum)


def preview(rows: list[Row], mapping: dict[str, str], datum: str | None) -> list[dict]:
    """What each row would become, without writing: raw coordinate, parsed point or the reason."""
    columns = {f: c for c, f in mapping.items()}
    out = []
    for row in rows:
        raw = row.values.get(columns.get("coord_text", ""), "")
        try:
            record = validate(row, mapping, datum)
        except RowProblem as problem:
            out.append({"row": row.number, "raw": raw, "lat": None, "lon": None, "problem": str(problem)})
            continue
        point = record.get("geometry")
        out.append(
            {
                "row": row.number,
                "raw": raw,
                "lat": None if point is None else round(point.y, 6),
                "lon": None if point is None else round(point.x, 6),
                "datum": record.get("coord_datum"),
                "name": record.get("martyr_names", ""),
                "area_place": record.get("area_place") or "",  # an approximate area from the place name
                "problem": "",
            }
        )
    return out


def check_mapping(mapping: dict[str, str]) -> None:
    """Refuse a mapping to a field that does not exist, or of two columns to one field (the
    second would overwrite the first)."""
    unknown = set(mapping.values()) - {f.name for f in mappable(REPORTS)}
    if unknown:
        raise UnreadableFile(f"Cột được gán cho trường không có: {', '.join(sorted(unknown))}.")
    for name in dict.fromkeys(mapping.values()):
        columns = [c for c, f in mapping.items() if f == name]
        if len(columns) > 1:
            label = _field(name).label_vi
            raise UnreadableFile(f"Trường «{label}» được gán cho nhiều cột: {', '.join(columns)}; chỉ chọn một cột.")


def recognised(header: list[str]) -> int:
    """How many columns of a header row name a report field (to find the sheet with the reports)."""
    return len(auto_map(header, REPORTS))


def _rejection(row: Row, reason: str, digest: str) -> dict:
    values = {k: v for k, v in row.values.items() if k != "_extra_cells"}
    return {"row": row.number, "values": values, "reason": reason, "row_hash": digest}


def import_reports(
    store: Store,
    name: str,
    data: bytes,
    *,
    chapter_id: str | None = None,
    datum: str | None = None,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    author: str = "import",
    fix_datum: bool = False,
    progress: Callable[[int, int], None] | None = None,
    viewer: Viewer | None = None,
) -> ImportResult:
    """Read, validate and store a file of reports. Raises UnreadableFile if it cannot be read at
    all, StoreError if it cannot be written (then nothing is). With `fix_datum`, rows stored
    before under another datum than this import gives them get their coordinates read again."""
    if viewer is not None:
        viewer.require(Right.IMPORT, "nhập tin báo")
        author, chapter_id = viewer.username, chapter_id or viewer.chapter_id
    if datum:
        get_datum(datum)
    table = read_table(name, data, sheet, recognise=recognised)
    mapping = auto_map(table.columns, REPORTS) if mapping is None else mapping
    check_mapping(mapping)
    result = ImportResult(rows_read=len(table.rows), import_id=str(uuid.uuid4()), sheet=table.sheet)
    result.notes += table.notes
    columns = {f: c for c, f in mapping.items()}
    reports, rejected, seen = [], [], set()
    located, lon, lat = [], [], []
    for i, row in enumerate(table.rows):
        digest = row_hash(row.values, row.geometry, mapping)
        if digest in seen:  # the same row twice in one file
            result.duplicates += 1
            continue
        seen.add(digest)
        try:
            record, point = _checked(row, mapping, datum, columns)
        except RowProblem as problem:
            rejected.append(_rejection(row, str(problem), digest))
        else:
            legacy = legacy_row_hash(row.values, row.geometry)
            record.update(
                chapter_id=chapter_id or record.get("chapter_id"),
                received_on=record.get("received_on") or vietnam_today(),  # the file's date, else the import's
                import_id=result.import_id,
                row_hash=digest,
            )
            if legacy != digest:
                record[LEGACY_HASH] = legacy
            reports.append(record)
            if point is not None:
                located.append(record)
                lon.append(point[0])
                lat.append(point[1])
        if progress and (i % 200 == 0 or i == len(table.rows) - 1):
            progress(i + 1, len(table.rows))
    place_records(located, lon, lat)
    result.rejected = len(rejected)
    result.rejected_rows = [{k: r[k] for k in ("row", "values", "reason")} for r in rejected]

    def summary(written: Written) -> dict:
        stored = [r for r in reports if r["row_hash"] in written.stored]
        result.approximate = sum(1 for r in stored if r.get("position_source") == PLACE_NAME)
        result.unlocated = sum(1 for r in stored if r.get("geometry") is None) - result.approximate
        result.accepted = len(stored) - result.unlocated - result.approximate
        result.duplicates += len(reports) - len(stored)
        return result.summary()

    def datum_check(connection: sa.Connection, written: Written) -> None:
        again = [r for r in reports if r["row_hash"] in written.present or r.get(LEGACY_HASH) in written.present]
        _compare_datums(store, connection, again, result, fix_datum, author, viewer)

    upload = Upload(result.import_id, "reports", name, data, chapter_id, author, viewer)
    write_import(store, upload, reports, rejected, summary, datum_check)
    return result


DATUM_NOTE = (
    "{n} dòng đã có trong cơ sở dữ liệu, với tọa độ đọc theo hệ quy chiếu khác với lần nhập này; nhập lại "
    "không thay đổi chúng. Để đọc lại tọa độ của các dòng đó theo hệ quy chiếu mới, nhập lại tệp với "
    "--fix-datum (trên trang Nhập dữ liệu: «Đọc lại tọa độ các dòng đã nhập theo hệ quy chiếu này»)."
)
FIXED_NOTE = "Đã đọc lại tọa độ của {n} tin báo đã nhập trước đây theo hệ quy chiếu mới."


def _compare_datums(
    store: Store,
    connection: sa.Connection,
    again: list[dict],
    result: ImportResult,
    fix: bool,
    author: str,
    viewer: Viewer | None,
) -> None:
    """Rows of this file stored before: those whose stored datum differs from the one this import
    reads them on are counted and said; with `fix`, their coordinates are replaced (one new
    version each) in the import's own transaction. Only records the importer may change are
    looked at (not deleted, of their chapters, demo ones for a demo account)."""
    located = [r for r in again if r.get("geometry") is not None]
    if not located:
        return
    table = store.table("reports")
    mine = table.c.deleted_at.is_(None) if viewer is None else writable_condition(viewer, REPORTS, table)
    by_hash = {}
    for start in range(0, len(located), 5_000):
        hashes = [h for r in located[start : start + 5_000] for h in (r["row_hash"], r.get(LEGACY_HASH)) if h]
        query = sa.select(table.c.id, table.c.version, table.c.row_hash, table.c.coord_datum).where(
            table.c.row_hash.in_(hashes), mine
        )
        by_hash.update({row.row_hash: row for row in connection.execute(query)})
    conflicts = []
    for record in located:
        stored = by_hash.get(record["row_hash"]) or by_hash.get(record.get(LEGACY_HASH))
        if stored is not None and stored.coord_datum != record.get("coord_datum"):
            conflicts.append((stored, record))
    result.datum_conflicts = len(conflicts)
    if conflicts and not fix:
        result.notes.append(DATUM_NOTE.format(n=written_number(len(conflicts))))
    if conflicts and fix:
        fields = ("coord_system", "coord_datum", "uncertainty_m", "notes", *PLACE_COLUMNS)
        for stored, record in conflicts:
            changes = {k: record.get(k) for k in fields} | {"geometry": record["geometry"]}
            store.update("reports", stored.id, changes, author, stored.version, connection=connection, viewer=viewer)
        result.datum_fixed = len(conflicts)
        result.notes.append(FIXED_NOTE.format(n=written_number(len(conflicts))))


def rejected_csv(rows: list[dict]) -> bytes:
    """The rejected rows as a CSV to fix and re-import: original columns, then row number and reason."""
    columns: list[str] = []
    for r in rows:
        columns += [c for c in r["values"] if c not in columns]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(c) for c in (*columns, "Dòng", "Lý do")])
    for r in rows:
        cells = [str(r["values"].get(c, "")).replace(FORMULA, "") for c in columns]
        writer.writerow([neutralise(v) for v in cells] + [r["row"], r["reason"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def stored_rejections(store: Store, viewer: Viewer, import_id: str | None = None) -> list[dict]:
    """Rejected rows kept in the database (all, or one import's) that this person may see: those
    of their chapters' imports (a demo account: of its own imports). The raw values, which may
    hold a witness's contacts, are None where they may not see that chapter's contacts."""
    rejected, imports = METADATA.tables["rejected_rows"], METADATA.tables["imports"]
    query = (
        sa.select(rejected, imports.c.chapter_id)
        .join(imports, imports.c.id == rejected.c.import_id)
        .order_by(rejected.c.created_at, rejected.c.row_number)
    )
    if import_id:
        query = query.where(rejected.c.import_id == import_id)
    if viewer.role.reach is not Reach.ALL:
        query = query.where(imports.c.chapter_id.in_(sorted(viewer.chapters)))
    if viewer.demo_only:
        query = query.where(imports.c.author == viewer.username)
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    contacts = viewer.role.contacts

    def shown(chapter_id: str | None) -> bool:
        return contacts is Contacts.ALL or (contacts is not Contacts.NONE and chapter_id in viewer.chapters)

    return [{"row": r.row_number, "values": r.raw if shown(r.chapter_id) else None, "reason": r.reason} for r in rows]
