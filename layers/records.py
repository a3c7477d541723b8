"""One record added or edited by a person: checked by the importer's own validation (a value
typed in a form or given on the command line is a row of one), written with its history.

Reports go through the report importer's `validate` whole (coordinates, provinces, years). The
reference layers (battlefields, cemeteries) are corrected by an administrator: each value goes
through the same per-value check, a typed coordinate through the same parser, and every change
names its source. The other layers a chapter fills with a form, without a map position (a
recognition case and its witnesses: `OWNED_LAYERS`), are checked value by value from their
declaration, with the few rules that tie two values together (a birth before a death).

`add_record`, `edit_record` and `check_record` take any layer with a form and choose; the form
(ui/record_form.py) calls only them. The status of a record is not edited here: it moves through
its layer's workflow (layers.workflow).
"""

from __future__ import annotations

import json
import uuid

import pandas as pd
import shapely

from geo.admin import province_names
from geo.coords import CoordinateError, parse
from layers.access import AccessDenied, Right, Viewer, write_right
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.importers.files import Row
from layers.importers.limits import check_file
from layers.importers.mapping import mappable
from layers.importers.reports import (
    PERIOD_NOTE,
    PLACE_COLUMNS,
    RowProblem,
    check_value,
    place_records,
    province_code,
    validate,
)
from layers.places import PLACE_NOTE
from layers.schema import REPORTS, STORED_LAYERS, Layer, get_layer
from layers.store import Store
from layers.users import find_user, viewer_of
from layers.workflow import LEADERS, workflow_of

EDITABLE = tuple(f.name for f in mappable(REPORTS) if f.name != "status")
# A new coordinate text gives the record a new point, and what goes with it.
WITH_POSITION = ("geometry", "coord_system", "coord_datum", "uncertainty_m", *PLACE_COLUMNS)
# What the point of a written coordinate is read from: the text, its datum, and the place that
# tells a grid reference its zone or a VN-2000 coordinate its meridian.
POSITION_INPUTS = frozenset({"coord_text", "coord_datum", "province_34", "historical_place"})
# What the approximate area of a report without a point is read from (layers.places).
AREA_INPUTS = frozenset({"place_description", "historical_place", "province_34"})
COORDINATES = "coordinates"  # a reference record's typed point (the layer has no coordinate field)
# Layers an administrator corrects by hand: those with a form that belong to no chapter.
REFERENCE_LAYERS = tuple(layer.name for layer in STORED_LAYERS if layer.form and layer.owner is None)
# Layers a chapter fills with a form, whose records have no map position (cases and their parts).
OWNED_LAYERS = tuple(
    layer.name for layer in STORED_LAYERS if layer.form and layer.owner is not None and layer.geometry is None
)
YEARS = (1900, 2030)  # a year of a person's life told on a case's form
# Pairs of year fields that come in this order in any layer that has both.
YEARS_IN_ORDER = (("birth_year", "death_year"),)


class RecordProblem(LayersError):
    """A value a person gave that the record cannot take; the message names the field."""


def _texts(values: dict[str, object]) -> dict[str, str]:
    return {name: "" if value is None else str(value) for name, value in values.items()}


def _checked(values: dict[str, object]) -> dict:
    """The values as the importer would store them from a row with these columns."""
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise RecordProblem(f"Trường không sửa được ở đây: {', '.join(unknown)}; các trường: {', '.join(EDITABLE)}.")
    texts = _texts(values)
    try:
        return validate(Row(1, texts), {name: name for name in texts}, None)
    except RowProblem as problem:
        raise RecordProblem(str(problem).replace("Dòng 1", "Tin báo", 1)) from None


def check_report(values: dict[str, object]) -> dict:
    """What a report with these values would store (its point, provinces and coordinate notes
    included): the form's live preview and the save use this one check."""
    return _checked({k: v for k, v in values.items() if k != "chapter_id"})


def read_json(data: bytes) -> dict:
    """A record's fields from a JSON object (a file of at most the importer's size)."""
    check_file(len(data))
    try:
        values = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordProblem(f"Tệp JSON không đọc được ({type(exc).__name__}).") from None
    if not isinstance(values, dict):
        raise RecordProblem('Tệp JSON phải là một đối tượng {"tên trường": giá trị, …}.')
    return values


def check_team(store: Store, team: str | None, record: dict, viewer: Viewer) -> None:
    """A report is given to a search team (who then sees its witness's contacts) by a chapter
    leader or the centre, and only to a team account that works on it: of the chapter holding
    it, or of the province where it lies."""
    if viewer.role.code not in (*LEADERS, "operator", "system"):
        raise AccessDenied(f"Vai trò «{viewer.role.label_vi}» không giao được tin báo cho đội tìm kiếm.")
    if not team:
        return
    user = find_user(store, team)
    if user is None or user.disabled or user.role != "team" or (viewer.demo_only and not user.is_demo):
        raise RecordProblem(f"Tin báo, trường «Đội được giao»: không có tài khoản đội tìm kiếm «{team[:60]}».")
    reach = viewer_of(store, user)
    if record.get("chapter_id") not in reach.chapters and record.get("province_34") not in reach.provinces:
        raise RecordProblem(f"Tin báo, trường «Đội được giao»: đội «{team[:60]}» không làm ở tỉnh của tin báo này.")


def add_report(store: Store, values: dict[str, object], viewer: Viewer) -> str:
    """A new report, as "Mới nhận", for the person's chapter unless they name another they may
    write for; returns its id."""
    chapter = values.pop("chapter_id", None) if "chapter_id" in values else None
    record = _checked(values)
    record.update(
        chapter_id=chapter or viewer.chapter_id,
        status="new",
        received_on=record.get("received_on") or vietnam_today(),
    )
    record["id"] = str(uuid.uuid4())
    if record.get("assigned_team"):
        check_team(store, record["assigned_team"], record, viewer)
    store.insert("reports", [record], viewer=viewer)
    return record["id"]


def edit_report(store: Store, record_id: str, changes: dict[str, object], version: int, viewer: Viewer) -> int:
    """Change fields of a report the person may change, if nobody changed it since `version`;
    returns the new version."""
    if "status" in changes:
        raise RecordProblem("Trạng thái đổi theo quy trình: python -m layers record status ID TRẠNG_THÁI.")
    current = store.record("reports", record_id, viewer)
    if current is None:
        raise RecordProblem(f"Không có tin báo «{record_id[:60]}».")
    chapter = changes.pop("chapter_id", None)
    # The importer asks for a name, a place or a coordinate: the record's own name stands in.
    values = {"martyr_names": current.get("martyr_names") or "—", **changes}
    written = bool(values.get("coord_text", current.get("coord_text")))
    reread = bool(POSITION_INPUTS & set(changes)) and written
    # A cleared coordinate takes its point away; a report with no point reads its approximate area
    # again from a new place name or province (within the province it has).
    cleared = "coord_text" in changes and not changes["coord_text"] and bool(current.get("coord_text"))
    rearea = not written and (cleared or (current.get("geometry") is None and bool(AREA_INPUTS & set(changes))))
    # Years the importer read from the period as told are read again when the period changes.
    reyear = "period_text" in changes and not {"year_from", "year_to"} & set(changes) and _years_were_read(current)
    for name in (POSITION_INPUTS if reread else AREA_INPUTS if rearea else set()) - set(changes):
        values[name] = _province_name(current[name]) if name == "province_34" else current.get(name)
    checked = _checked(values)
    update = {name: checked.get(name) for name in changes}
    if reread:  # a new datum or province reads the written coordinate again, as the importer would
        update.update({name: checked.get(name) for name in WITH_POSITION})
    if rearea:
        kept = WITH_POSITION if cleared else PLACE_COLUMNS
        update.update({name: checked.get(name) for name in kept if name != "abroad_province"})
    if reyear:
        update.update(year_from=checked.get("year_from"), year_to=checked.get("year_to"))
    if (rearea or reyear) and "notes" not in changes:
        update["notes"] = _renewed_notes(current.get("notes"), checked.get("notes"))
    if chapter:
        update["chapter_id"] = chapter
    if "assigned_team" in update and update["assigned_team"] != current.get("assigned_team"):
        check_team(store, update["assigned_team"], {**current, **update}, viewer)
    if "province_34" in update and update["province_34"] != current.get("province_34"):
        update["referral"] = None  # a site moved to another province is a new question for its chapter
    return store.update("reports", record_id, update, viewer.username, version, viewer=viewer)


# What the importer says in a report's notes about the place and the years it read.
READ_NOTES = (PLACE_NOTE, PERIOD_NOTE)


def _years_were_read(current: dict) -> bool:
    """Whether a report's years are none, or the importer's reading of its period as told."""
    none = current.get("year_from") is None and current.get("year_to") is None
    return none or any(line.startswith(PERIOD_NOTE) for line in str(current.get("notes") or "").splitlines())


def _renewed_notes(old: object, checked: object) -> str | None:
    """A report's notes with the importer's old readings of place and years replaced by the new."""
    kept = [line for line in str(old or "").splitlines() if not line.startswith(READ_NOTES)]
    new = [line for line in str(checked or "").splitlines() if line.startswith(READ_NOTES)]
    return "\n".join(kept + new) or None


def _province_name(code: object) -> str | None:
    return None if code is None else province_names("34").get(code, str(code))


def _reference_layer(name: str) -> Layer:
    if name not in REFERENCE_LAYERS:
        raise RecordProblem(f"Lớp «{name}» không sửa được bằng biểu mẫu này; các lớp: {', '.join(REFERENCE_LAYERS)}.")
    return get_layer(name)


def check_reference(layer_name: str, values: dict[str, object]) -> dict:
    """A battlefield's or cemetery's values as stored: each checked as the importer checks a cell
    (a vocabulary may hold several codes, "france,us"), a name and a source required, a typed
    point read by the coordinate parser and placed in its provinces."""
    layer = _reference_layer(layer_name)
    allowed = {*layer.form_fields, COORDINATES}
    unknown = sorted(set(values) - allowed)
    if unknown:
        names = ", ".join(sorted(allowed))
        raise RecordProblem(f"Trường không sửa được ở đây: {', '.join(unknown)}; các trường: {names}.")
    texts = {k: v.strip() for k, v in _texts(values).items()}
    for required in ("name", "source"):
        if not texts.get(required):
            raise RecordProblem(f"{layer.label_vi}, trường «{layer.field(required).label_vi}»: cần điền.")
    record: dict = {}
    row = Row(1, texts)
    try:
        for name, text in texts.items():
            if name == COORDINATES or not text:
                record[name] = None
                continue
            f = layer.field(name)
            if name == "province_34":
                record[name] = _province(text, layer)
            elif f.vocabulary:
                record[name] = ",".join(check_value(f, part.strip(), row, f.label_vi) for part in text.split(","))
            else:
                record[name] = check_value(f, text, row, f.label_vi)
    except RowProblem as problem:
        raise RecordProblem(str(problem).replace("Dòng 1", layer.label_vi, 1)) from None
    record.pop(COORDINATES, None)
    if texts.get(COORDINATES):
        try:
            position = parse(texts[COORDINATES], None, texts.get("province_34") or None)
        except CoordinateError as exc:
            raise RecordProblem(f"{layer.label_vi}, trường «Tọa độ»: {exc.args[0]}") from None
        place_records([record], [position.lon], [position.lat])
        record = {k: v for k, v in record.items() if k in {*layer.form_fields, "geometry", "province_63"}}
    return record


def _province(text: str, layer: Layer) -> str:
    """A province of today from its code or a place name of any era."""
    if text in province_names("34"):
        return text
    code = province_code(text)
    if code is None:
        raise RecordProblem(f"{layer.label_vi}, trường «Tỉnh»: không nhận ra «{text[:60]}».")
    return code


def _reference_right(viewer: Viewer) -> None:
    viewer.require(Right.REFERENCE, "sửa dữ liệu nền (chiến trường, nghĩa trang)")


def add_reference(store: Store, layer_name: str, values: dict[str, object], viewer: Viewer) -> str:
    """A new battlefield or cemetery, by an administrator, with its source; returns its id."""
    _reference_right(viewer)
    record = check_reference(layer_name, values)
    record["id"] = str(uuid.uuid4())
    store.insert(layer_name, [record], viewer=viewer)
    return record["id"]


def edit_reference(
    store: Store, layer_name: str, record_id: str, changes: dict[str, object], version: int, viewer: Viewer
) -> int:
    """Correct a battlefield or cemetery if nobody changed it since `version`. The record keeps a
    source (required); a correction from elsewhere gives the new one, and the history row names
    the source the record holds after it."""
    _reference_right(viewer)
    current = store.record(layer_name, record_id, viewer)
    if current is None:
        raise RecordProblem(f"Không có bản ghi «{record_id[:60]}».")
    merged = {name: current.get(name) for name in _reference_layer(layer_name).form_fields}
    checked = check_reference(layer_name, {**merged, **changes})
    update = {name: checked.get(name) for name in changes if name != COORDINATES}
    if changes.get(COORDINATES):
        update["geometry"] = checked.get("geometry")
        update["province_34"] = checked.get("province_34") or update.get("province_34")
        update["province_63"] = checked.get("province_63")
    source = checked["source"]
    return store.update(layer_name, record_id, update, viewer.username, version, viewer=viewer, reason=source)


def _owned_layer(name: str) -> Layer:
    if name not in OWNED_LAYERS:
        raise RecordProblem(f"Lớp «{name}» không sửa được bằng biểu mẫu này; các lớp: {', '.join(OWNED_LAYERS)}.")
    return get_layer(name)


def _is_year(name: str) -> bool:
    return name.endswith("_year")


def _year(layer: Layer, name: str, text: str) -> int:
    low, high = YEARS
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = None
    if number is None or not number.is_integer() or not low <= number <= high:
        raise RecordProblem(
            f"{layer.label_vi}, trường «{layer.field(name).label_vi}»: «{text[:20]}» phải là năm từ {low} đến {high}."
        )
    return int(number)


def owned_values(layer_name: str, values: dict[str, object]) -> dict:
    """A case's (or its part's) values as stored, each checked from the layer's declaration: only
    its form's fields, a year within YEARS, a province of today from its code or any era's name,
    a vocabulary's code from any of its spellings, a day, a text without control characters and
    of at most the importer's length. Empty values are None."""
    layer = _owned_layer(layer_name)
    allowed = set(layer.form_fields)
    unknown = sorted(set(values) - allowed)
    if unknown:
        names = ", ".join(layer.form_fields)
        raise RecordProblem(f"Trường không sửa được ở đây: {', '.join(unknown)}; các trường: {names}.")
    record: dict = {}
    row = Row(1, {})
    for name, text in ((k, v.strip()) for k, v in _texts(values).items()):
        f = layer.field(name)
        if not text:
            record[name] = None
        elif f.type == "int" and _is_year(name):
            record[name] = _year(layer, name, text)
        elif name == "province_34":
            record[name] = _province(text, layer)
        else:
            try:
                record[name] = check_value(f, text, row, f.label_vi)
            except RowProblem as problem:
                raise RecordProblem(str(problem).replace("Dòng 1, cột", f"{layer.label_vi}, trường", 1)) from None
    return record


def check_owned(layer_name: str, record: dict, required: bool = True) -> None:
    """The rules that tie a record's values together: its title (what names it) given, when
    `required`, and the years of YEARS_IN_ORDER in their order."""
    layer = _owned_layer(layer_name)
    if required and layer.title and record.get(layer.title) in (None, ""):
        raise RecordProblem(f"{layer.label_vi}, trường «{layer.field(layer.title).label_vi}»: cần điền.")
    for first, then in YEARS_IN_ORDER:
        a, b = record.get(first), record.get(then)
        if a is not None and b is not None and not pd.isna(a) and not pd.isna(b) and int(a) > int(b):
            label_a, label_b = layer.field(first).label_vi, layer.field(then).label_vi
            raise RecordProblem(f"{layer.label_vi}: «{label_a}» ({int(a)}) sau «{label_b}» ({int(b)}).")


def add_owned(
    store: Store,
    layer_name: str,
    values: dict[str, object],
    viewer: Viewer,
    parent_id: str | None = None,
    checked: dict | None = None,
) -> str:
    """A new record of an owned layer without position; returns its id. A part (Layer.part_of)
    names its parent, whose chapter the store gives it; another record is the person's own
    chapter's unless they name one they may write for. A layer with a workflow starts at its
    first status, on today's date. `checked` holds fields outside the form that the caller has
    checked already (a case's links), written with the rest."""
    layer = _owned_layer(layer_name)
    viewer.require(write_right(layer), f"thêm {layer.label_vi.lower()}")
    values = dict(values)
    chapter = values.pop(layer.owner, None) or None
    record = owned_values(layer_name, values)
    check_owned(layer_name, record)
    record.update(checked or {})
    if layer.part_of is not None:
        if not parent_id:
            parent = get_layer(layer.part_of[0]).label_vi.lower()
            raise RecordProblem(f"{layer.label_vi}: cần mã {parent}.")
        record[layer.part_of[1]] = parent_id
    else:
        record[layer.owner] = chapter or viewer.chapter_id
        if not record[layer.owner]:
            raise RecordProblem(f"{layer.label_vi}: cần chọn Hội giữ bản ghi (--chapter).")
    workflow = workflow_of(layer_name)
    if workflow is not None:
        record[workflow.status] = workflow.start
        if workflow.day is not None:
            record[workflow.day] = vietnam_today()
    record["id"] = str(uuid.uuid4())
    store.insert(layer_name, [record], viewer=viewer)
    return record["id"]


def edit_owned(
    store: Store, layer_name: str, record_id: str, changes: dict[str, object], version: int, viewer: Viewer
) -> int:
    """Change fields of a record of an owned layer without position, if nobody changed it since
    `version`; returns the new version. Its steps move through its workflow, not here."""
    layer = _owned_layer(layer_name)
    workflow = workflow_of(layer_name)
    moved = {workflow.status, workflow.day} & set(changes) if workflow is not None else set()
    if moved:
        raise RecordProblem(f"{layer.label_vi}: «{layer.field(workflow.status).label_vi}» đổi theo quy trình các bước.")
    current = store.record(layer_name, record_id, viewer)
    if current is None:
        raise RecordProblem(f"Không có {layer.label_vi.lower()} «{record_id[:60]}».")
    changes = dict(changes)
    chapter = changes.pop(layer.owner, None) if layer.part_of is None else None
    update = owned_values(layer_name, changes)
    check_owned(layer_name, {**current, **update}, required=layer.title in update)
    if chapter:
        update[layer.owner] = chapter
    return store.update(layer_name, record_id, update, viewer.username, version, viewer=viewer)


def check_record(layer_name: str, values: dict[str, object]) -> dict:
    """What a record of any layer with a form would store from these values (the form's live
    preview and the save use the same check)."""
    if layer_name in OWNED_LAYERS:
        layer = get_layer(layer_name)
        record = owned_values(layer_name, {k: v for k, v in values.items() if k != layer.owner})
        check_owned(layer_name, record)
        return record
    if layer_name in REFERENCE_LAYERS:
        return check_reference(layer_name, values)
    return check_report(values)


def add_record(
    store: Store, layer_name: str, values: dict[str, object], viewer: Viewer, parent_id: str | None = None
) -> str:
    """A new record of any layer with a form; returns its id."""
    if layer_name in OWNED_LAYERS:
        return add_owned(store, layer_name, values, viewer, parent_id)
    if layer_name in REFERENCE_LAYERS:
        return add_reference(store, layer_name, values, viewer)
    return add_report(store, dict(values), viewer)


def edit_record(
    store: Store, layer_name: str, record_id: str, changes: dict[str, object], version: int, viewer: Viewer
) -> int:
    """Correct a record of any layer with a form; returns its new version."""
    if layer_name in OWNED_LAYERS:
        return edit_owned(store, layer_name, record_id, changes, version, viewer)
    if layer_name in REFERENCE_LAYERS:
        return edit_reference(store, layer_name, record_id, changes, version, viewer)
    return edit_report(store, record_id, dict(changes), version, viewer)


def point_of(record: dict) -> tuple[float, float] | None:
    """(lat, lon) of a record's point geometry, or None."""
    geometry = record.get("geometry")
    if isinstance(geometry, shapely.Point) and not geometry.is_empty:
        return geometry.y, geometry.x
    return None
