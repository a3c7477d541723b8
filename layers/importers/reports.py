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
from datetime import UTC, date, datetime
from functools import lru_cache

import numpy as np
import shapely
import sqlalchemy as sa

from geo.admin import UnknownPlace, province_codes, provinces_at, resolve_place
from geo.coords import VIETNAM, CoordinateError, parse
from geo.datums import get_datum
from geo.text import fold
from layers.campaign import vietnam_today
from layers.importers.errors import UnreadableFile
from layers.importers.files import FORMULA, Row, read_table
from layers.importers.ledger import record_import
from layers.importers.mapping import auto_map, mappable
from layers.labels import clean_text, neutralise
from layers.labels import number as written_number
from layers.schema import REPORTS, Field
from layers.store import Store
from layers.tables import METADATA

MAX_TEXT = 2000
RANGES = {
    "birth_year": (1850, 1995),
    "year_from": (1930, 1995),
    "year_to": (1930, 1995),
    "remains_count": (0, 1000),
}


@dataclass
class ImportResult:
    rows_read: int = 0
    accepted: int = 0
    unlocated: int = 0
    rejected: int = 0
    duplicates: int = 0
    import_id: str = ""
    rejected_rows: list[dict] = field(default_factory=list)  # {"row", "values", "reason"}

    def summary(self) -> dict:
        return {k: getattr(self, k) for k in ("rows_read", "accepted", "rejected", "unlocated", "duplicates")}


class RowProblem(ValueError):
    """One reason a row cannot be accepted, already phrased for the user."""


# json.dumps(value, sort_keys=True, ensure_ascii=False) without building an encoder for every row.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def row_hash(values: dict[str, str], geometry: object | None) -> str:
    """The same row, from the same or another file, always hashes the same."""
    canonical = {k: text for k, v in values.items() if (text := str(v).strip())}
    if geometry is not None:
        canonical["_geometry"] = shapely.to_wkt(geometry, rounding_precision=7)
    return hashlib.sha256(_CANONICAL_JSON.encode(canonical).encode()).hexdigest()


def _where(row: Row, column: str) -> str:
    return f"Dòng {row.number}, cột «{column}»"


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


def _value(f: Field, text: str, row: Row, column: str):
    if text.startswith(FORMULA):
        raise RowProblem(f"{_where(row, column)}: ô chứa công thức Excel; hãy dán giá trị thay cho công thức.")
    if not text.isprintable():  # printable text has no control characters to remove
        text = clean_text(text)  # control characters would break the XML and XLSX exports
    if len(text) > MAX_TEXT:
        size, limit = written_number(len(text)), written_number(MAX_TEXT)
        raise RowProblem(f"{_where(row, column)}: dài {size} ký tự, tối đa {limit}.")
    if f.vocabulary:
        code = _term_code(f.name, text)
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


def _province_code(text: str) -> str | None:
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
        x0, y0, x1, y1 = VIETNAM
        if not (x0 <= geometry.x <= x1 and y0 <= geometry.y <= y1):
            raise RowProblem(
                f"Dòng {row.number}: điểm ({geometry.y:.5f}, {geometry.x:.5f}) nằm ngoài lãnh thổ Việt Nam."
            )
        point = (geometry.x, geometry.y)
        record.update(coord_system="wgs84_decimal", coord_datum="wgs84")
        record.setdefault("coord_text", f"{geometry.y:.7f}, {geometry.x:.7f}")
    elif record.get("coord_text"):
        row_datum = record.pop("coord_datum", None) or datum
        try:
            if row_datum:
                get_datum(row_datum)
            position = parse(
                record["coord_text"], row_datum, record.get("province_34") or record.get("historical_place")
            )
        except (CoordinateError, ValueError) as exc:
            raise RowProblem(f"{_where(row, columns.get('coord_text', 'coord_text'))}: {exc.args[0]}") from None
        point = (position.lon, position.lat)
        record.update(coord_system=position.system, coord_datum=position.datum)
        given = record.get("uncertainty_m")
        record["uncertainty_m"] = max(given or 0.0, position.precision_m)
        notes += [f"[Tọa độ] {w}" for w in position.warnings]
    named = record.pop("province_34", None)
    if point is None:  # a located report takes its provinces from its point (_place)
        record["province_34"] = _province_code(named) if named else None
        if record["province_34"] is None and record.get("historical_place"):
            record["province_34"] = _province_code(record["historical_place"])
        if named and record["province_34"] is None:
            notes.append(f"[Tỉnh] Không nhận ra «{named}».")
    if notes:
        record["notes"] = "\n".join(filter(None, [record.get("notes"), *notes]))
    return point


def _place(located: list[dict], lon: list[float], lat: list[float]) -> None:
    """Give each located record its point and its provinces (2008–2025 and today): the points
    made in one call and the provinces found in one spatial join, for a whole file at once."""
    if not located:
        return
    points = shapely.points(np.column_stack([np.asarray(lon, float), np.asarray(lat, float)]))
    found = provinces_at(lon, lat)
    # tolist(): the values iterating the columns gives (codes, NaN where none), without a call per value
    provinces_34, provinces_63 = found["province_34"].tolist(), found["province_63"].tolist()
    for record, point, p34, p63 in zip(located, points, provinces_34, provinces_63, strict=True):
        record["geometry"], record["province_34"], record["province_63"] = point, p34, p63


def validate(row: Row, mapping: dict[str, str], datum: str | None) -> dict:
    """A report record from one row, provinces included; raises RowProblem naming the row and column."""
    record, point = _checked(row, mapping, datum)
    if point is not None:
        _place([record], [point[0]], [point[1]])
    return record


def _checked(
    row: Row, mapping: dict[str, str], datum: str | None, columns: dict[str, str] | None = None
) -> tuple[dict, tuple[float, float] | None]:
    """validate() without the point and provinces of a located record (they are made for a whole
    file at once): the record and its point (lon, lat) or None. `columns` is the mapping reversed
    (field → column), when the caller has it already."""
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
                _value(_field("notes"), text, row, column)  # the same checks, the same message
            unmapped.append(f"{column}: {text}")
            continue
        if name == "coord_datum":
            try:
                record[name] = get_datum(text).code
            except ValueError:
                raise RowProblem(f"{_where(row, column)}: «{text[:40]}» không phải hệ quy chiếu đã biết.") from None
            continue
        record[name] = _value(_field(name), text, row, column)
    if record.get("year_from") and record.get("year_to") and record["year_from"] > record["year_to"]:
        raise RowProblem(f"{_where(row, columns['year_to'])}: năm kết thúc trước năm bắt đầu.")
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
                "problem": "",
            }
        )
    return out


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
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read, validate and store a file of reports. Raises UnreadableFile if it cannot be read at all."""
    if datum:
        get_datum(datum)
    table = read_table(name, data, sheet)
    mapping = auto_map(table.columns, REPORTS) if mapping is None else mapping
    unknown = set(mapping.values()) - {f.name for f in mappable(REPORTS)}
    if unknown:
        raise UnreadableFile(f"Cột được gán cho trường không có: {', '.join(sorted(unknown))}.")
    result = ImportResult(rows_read=len(table.rows), import_id=str(uuid.uuid4()))
    known = store.row_hashes("reports")  # rows already stored; rejected rows are tried again
    refused_before = store.rejected_hashes("reports")
    columns = {f: c for c, f in mapping.items()}
    reports, rejected = [], []
    located, lon, lat = [], [], []
    for i, row in enumerate(table.rows):
        digest = row_hash(row.values, row.geometry)
        if digest in known:
            result.duplicates += 1
            continue
        known.add(digest)
        try:
            record, point = _checked(row, mapping, datum, columns)
        except RowProblem as problem:
            values = {k: v for k, v in row.values.items() if k != "_extra_cells"}
            rejected.append(
                {
                    "row": row.number,
                    "values": values,
                    "reason": str(problem),
                    "row_hash": digest,
                    "stored_before": digest in refused_before,
                }
            )
        else:
            record.update(
                chapter_id=chapter_id or record.get("chapter_id"),
                received_on=record.get("received_on") or vietnam_today(),  # the file's date, else the import's
                import_id=result.import_id,
                row_hash=digest,
            )
            reports.append(record)
            if point is None:
                result.unlocated += 1
            else:
                result.accepted += 1
                located.append(record)
                lon.append(point[0])
                lat.append(point[1])
        if progress and (i % 200 == 0 or i == len(table.rows) - 1):
            progress(i + 1, len(table.rows))
    result.rejected = len(rejected)
    result.rejected_rows = rejected
    _place(located, lon, lat)
    _write(store, result, reports, rejected, name, data, chapter_id, author)
    return result


def _write(store, result, reports, rejected, name, data, chapter_id, author) -> None:
    now = datetime.now(UTC)
    with store.engine.begin() as connection:  # the whole file or nothing
        record_import(connection, result.import_id, "reports", name, data, chapter_id, author, result.summary())
        store.insert("reports", reports, author=author, connection=connection)
        new_rejections = [r for r in rejected if not r["stored_before"]]
        if new_rejections:
            connection.execute(
                METADATA.tables["rejected_rows"].insert(),
                [
                    {
                        "id": str(uuid.uuid4()),
                        "import_id": result.import_id,
                        "row_number": r["row"],
                        "row_hash": r["row_hash"],
                        "raw": r["values"],
                        "reason": r["reason"],
                        "created_at": now,
                    }
                    for r in new_rejections
                ],
            )


def rejected_csv(rows: list[dict]) -> bytes:
    """The rejected rows as a CSV to fix and re-import: original columns, then row number and reason."""
    columns: list[str] = []
    for r in rows:
        columns += [c for c in r["values"] if c not in columns]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*columns, "Dòng", "Lý do"])
    for r in rows:
        cells = [str(r["values"].get(c, "")).replace(FORMULA, "") for c in columns]
        writer.writerow([neutralise(v) for v in cells] + [r["row"], r["reason"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def stored_rejections(store: Store, import_id: str | None = None) -> list[dict]:
    """Rejected rows kept in the database (all, or one import's)."""
    table = METADATA.tables["rejected_rows"]
    query = sa.select(table).order_by(table.c.created_at, table.c.row_number)
    if import_id:
        query = query.where(table.c.import_id == import_id)
    with store.engine.connect() as connection:
        return [{"row": r.row_number, "values": r.raw, "reason": r.reason} for r in connection.execute(query)]
