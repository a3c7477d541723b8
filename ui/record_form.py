"""A record's form, built from its layer's declaration (Layer.form): one widget per field by its
type, the groups in the order a person tells them, a coordinate box that shows the parsed point
live on a small map (a click on the map sets it), and a save through layers.records, which checks
the values with the importer's own validation and writes the history.

Every value is handed to layers.records as text, as a file's cell would be: there is one check
(records.check_record / add_record / edit_record choose it by the layer). A part of another
record (a case's witness, Layer.part_of) is added with its parent's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.admin import province_names
from geo.coords import CoordinateError, format_position
from geo.datums import DATUMS, get_datum
from layers import records
from layers.access import sees_contacts
from layers.errors import LayersError
from layers.importers.reports import COORDINATE_NOTE, PERIOD_NOTE, PROVINCE_NOTE
from layers.labels import admin_label, number
from layers.places import AREA_RADIUS_M, PLACE_NAME, PLACE_NOTE
from layers.privacy import free_text_fields
from layers.schema import STORED_LAYERS, Field, Layer
from layers.users import list_users
from layers.workflow import LEADERS
from ui.mapview import base_map, short_id
from ui.state import data_version, lang, layer_frame, plain, store, t, viewer
from ui.widgets import chapter_choice

# Shown as boxes of several lines: what a witness tells in their own words.
LONG_TEXT = frozenset({"place_description", "period_text", "notes", "private_notes", "circumstances", "statement"})
POSITION_SYSTEMS = (("WGS84", "wgs84_decimal"), ("DMS", "dms"), ("VN-2000", "vn2000_tm3"), ("MGRS", "mgrs"))
# What the importer adds to the notes about the place and the years it read: shown as suggestions.
NOTE_MARKS = (COORDINATE_NOTE, PROVINCE_NOTE, PLACE_NOTE, PERIOD_NOTE)
ADMIN_LINES = (
    ("district_63", "district", "field_district"),
    ("commune_63", "63", "field_commune_63"),
    ("commune_34", "34", "field_commune_34"),
)


@dataclass(frozen=True)
class FormKeys:
    """The session keys of one open form (a new record, or one record being edited)."""

    prefix: str

    def field(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    @property
    def version(self) -> str:
        return f"{self.prefix}#version"

    @property
    def pending(self) -> str:  # a point clicked on the map, written into the box on the next run
        return f"{self.prefix}#clicked"

    @property
    def last_click(self) -> str:
        return f"{self.prefix}#last_click"

    @property
    def saved(self) -> str:
        return f"{self.prefix}#saved"

    @property
    def opened(self) -> str:
        return f"{self.prefix}#opened"


def is_case(layer: Layer) -> bool:
    """A layer of case records, held by a chapter (Layer.owner): the form asks for the chapter and
    saves through the case records' checks; a layer without an owner is reference data."""
    return layer.owner is not None


def _asks_chapter(layer: Layer) -> bool:
    """Whether a new record's form asks which chapter holds it (a part takes its parent's)."""
    return is_case(layer) and layer.part_of is None


def case_form_layer() -> Layer:
    """The case layer people add records to with a form (the testimonies): its declaration has both."""
    return next(layer for layer in STORED_LAYERS if layer.form and is_case(layer))


def _coordinate_field(layer: Layer) -> str | None:
    """The box that takes a typed coordinate: the layer's own field, or the reference layers' one."""
    if "coord_text" in layer.form_fields:
        return "coord_text"
    return records.COORDINATES if layer.geometry in ("point", "any") else None


def _label(layer: Layer, name: str) -> str:
    if name == records.COORDINATES:
        return t("form_coordinates")
    f = layer.field(name)
    return f.label_en if lang() == "en" else f.label_vi


def _initial_text(f: Field | None, value: object) -> object:
    """A stored value as its widget starts: text for boxes, the code for choices, a day, a tick."""
    if value is None or (isinstance(value, float) and value != value):
        if f is not None and f.type == "bool":
            return False  # a box is ticked or not
        return None if f is not None and f.type == "date" else ""
    if f is None:
        return str(value)
    if f.type == "bool":
        return bool(value)
    if f.type == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if f.type == "int":
        return str(int(value))
    if f.name == "province_34":
        return province_names("34").get(value, value)
    if f.name == "coord_datum":
        try:
            return get_datum(str(value)).code  # older rows hold the label ("WGS84")
        except ValueError:
            return str(value)
    return str(value)


def _open(layer: Layer, record: dict | None, keys: FormKeys) -> None:
    """Fill the widgets once from the record (or empty for a new one) and keep the version the
    person started from: a save after someone else's is refused with what changed."""
    opened = None if record is None else record["id"]  # not its version: see _save
    if st.session_state.get(keys.opened) == (opened or "new"):
        newer = record is not None and int(record["version"]) != st.session_state.get(keys.version)
        if not (newer and _untouched(layer, keys)):
            return  # what the person typed stays, and the version they started from with it
        st.session_state.pop(f"{keys.prefix}#initial_of", None)  # changed elsewhere, nothing typed: show it
    for name in (*layer.form_fields, records.COORDINATES):
        f = layer.field(name) if name != records.COORDINATES else None
        value = None if record is None else record.get(name)
        if name == records.COORDINATES and record is not None:
            point = records.point_of(record)
            value = None if point is None else f"{point[0]:.6f}, {point[1]:.6f}"
        st.session_state[keys.field(name)] = _initial_text(f, value)
    st.session_state[keys.version] = None if record is None else int(record["version"])
    st.session_state[keys.opened] = opened or "new"


def _untouched(layer: Layer, keys: FormKeys) -> bool:
    """Whether nothing was typed since the form was filled."""
    return all(
        _as_text(st.session_state.get(keys.field(name))) == st.session_state.get(f"{keys.prefix}#initial.{name}", "")
        for name in (*layer.form_fields, records.COORDINATES)
        if f"{keys.prefix}#initial.{name}" in st.session_state
    )


def _take_pending_click(layer: Layer, keys: FormKeys) -> None:
    clicked = st.session_state.pop(keys.pending, None)
    box = _coordinate_field(layer)
    if clicked and box:
        st.session_state[keys.field(box)] = f"{clicked[0]:.6f}, {clicked[1]:.6f}"
        if "coord_datum" in layer.form_fields:
            st.session_state[keys.field("coord_datum")] = "wgs84"


def _choice(label: str, key: str, choices: dict[str, str]) -> None:
    """A select box of `choices`; a stored value outside them stays a choice, so that opening and
    saving a record never changes it unasked."""
    options = list(choices)
    current = st.session_state.get(key)
    if current not in choices:
        options.append(current)
    st.selectbox(label, options, format_func=lambda code: choices.get(code, str(code)), key=key)


def _widget(layer: Layer, name: str, keys: FormKeys) -> None:
    key, label = keys.field(name), _label(layer, name)
    if name == records.COORDINATES or name == "coord_text":
        st.text_input(label, key=key, help=t("form_coord_help"))
        return
    f = layer.field(name)
    if name == "coord_datum":
        _choice(label, key, {"": t("imp_datum_auto"), **{code: d.label for code, d in DATUMS.items()}})
    elif name == "assigned_team":
        teams = {
            u["username"]: f"{u['display_name'] or u['username']} ({u['username']})"
            for u in list_users(store(), viewer())
            if u["role"] == "team" and not u["disabled"]
        }
        _choice(label, key, {"": "—", **teams})
    elif f.vocabulary and name != "war":
        terms = {term.code: term.label_en if lang() == "en" else term.label_vi for term in f.vocabulary}
        _choice(label, key, {"": "—", **terms})
    elif f.type == "bool":
        st.checkbox(label, key=key)
    elif f.type == "date":
        st.date_input(label, key=key, format="DD/MM/YYYY", min_value=date(1945, 1, 1))
    elif name in LONG_TEXT:
        st.text_area(label, key=key, height=80)
    elif name == "province_34":
        st.text_input(label, key=key, help=t("form_province_help"))
    else:
        st.text_input(label, key=key)


def _group_widgets(layer: Layer, fields: list[str], keys: FormKeys) -> None:
    """A group's widgets in their declared order: short ones two to a row, long ones full width."""
    row: list[str] = []

    def flush() -> None:
        for column, name in zip(st.columns(2), row, strict=False):
            with column:
                _widget(layer, name, keys)
        row.clear()

    for name in fields:
        if name in LONG_TEXT:
            flush()
            _widget(layer, name, keys)
            continue
        row.append(name)
        if len(row) == 2:
            flush()
    flush()


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # an unticked box says nothing (not "no"): the field stays empty
        return "có" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _values(keys: FormKeys, names: tuple[str, ...]) -> dict[str, str]:
    return {name: _as_text(st.session_state.get(keys.field(name))) for name in names}


def _names(layer: Layer, record: dict | None) -> tuple[str, ...]:
    """The fields this person fills: a witness's details only where they may see them."""
    names = list(layer.form_fields)
    if _coordinate_field(layer) == records.COORDINATES:
        names.append(records.COORDINATES)
    if record is not None and layer.owner and not sees_contacts(viewer(), layer, record):
        # what they see hidden they may not write over (access.check_changes)
        hidden = {*layer.private_fields, *free_text_fields(layer)}
        names = [n for n in names if n not in hidden]
    if layer.assignee and viewer().role.code not in LEADERS:
        names = [n for n in names if n != layer.assignee]  # a leader gives a report to a team
    return tuple(names)


def _checked(layer: Layer, values: dict[str, str]) -> tuple[dict | None, str | None]:
    """The record as it would be stored, or the message saying which field is wrong."""
    filled = {k: v for k, v in values.items() if v != ""}
    try:
        return records.check_record(layer.name, filled), None
    except LayersError as exc:
        return None, str(exc)


def _area(checked: dict | None) -> tuple[tuple[float, float], float] | None:
    """The centre and radius of the approximate area read from the place name, if any."""
    if not checked or checked.get("position_source") != PLACE_NAME or checked.get("area_lat") is None:
        return None
    return (float(checked["area_lat"]), float(checked["area_lon"])), float(
        checked.get("area_radius_m") or AREA_RADIUS_M
    )


def _point_map(
    point: tuple[float, float] | None,
    uncertainty: float | None,
    keys: FormKeys,
    area: tuple[tuple[float, float], float] | None = None,
) -> None:
    """A small map of the parsed point (and its uncertainty), or of the approximate area (dashed);
    a click there sets the point."""
    centre, zoom = (point, 14) if point else (area[0], 11) if area else ((16.0, 106.0), 5)
    m = base_map(lang(), centre, zoom)
    if area and not point:
        folium.Circle(area[0], radius=area[1], color="#8c564b", weight=2, dash_array="6 6", fill_opacity=0.06).add_to(m)
    if point:
        if uncertainty:
            circle = folium.Circle(point, radius=float(uncertainty), color="#d62728", weight=1, fill_opacity=0.1)
            circle.add_to(m)
        folium.CircleMarker(point, radius=7, color="#d62728", fill=True, fill_opacity=0.9).add_to(m)
    result = st_folium(
        m, key=f"{keys.prefix}#map", height=300, use_container_width=True, returned_objects=["last_clicked"]
    )
    clicked = (result or {}).get("last_clicked")
    if clicked and clicked != st.session_state.get(keys.last_click):
        st.session_state[keys.last_click] = clicked
        st.session_state[keys.pending] = (float(clicked["lat"]), float(clicked["lng"]))
        st.rerun()


def _position_lines(checked: dict) -> list[str]:
    point = records.point_of(checked)
    if point is None:
        return []
    province = province_names("34").get(checked.get("province_34") or "", None)
    lines = []
    for label, system in POSITION_SYSTEMS:
        try:
            lines.append(f"{label}: {format_position(point[0], point[1], system, province)}")
        except CoordinateError:
            continue  # VN-2000 needs the province; a point abroad has none
    return lines


def _preview(layer: Layer, values: dict[str, str], keys: FormKeys) -> dict | None:
    """The parsed position and place, live, and what is wrong if the values cannot be saved."""
    checked, problem = _checked(layer, values)
    st.markdown(f"**{t('form_preview')}**")
    if problem and any(values.values()):  # an empty new form is not yet wrong
        st.warning(plain(problem), icon=":material/error:")
    point = None if checked is None else records.point_of(checked)
    area = _area(checked)
    if checked is not None:
        if area is not None and point is None:
            st.caption(t("form_area", place=checked.get("area_place") or "", km=number(area[1] / 1000, lang(), 1)))
        elif point is None:
            st.caption(t("form_no_point"))
        lines = _position_lines(checked)
        province = checked.get("province_34")
        if province:
            lines.append(f"{t('field_province')}: {province_names('34').get(province, province)}")
        lines += [
            f"{t(key)}: {admin_label(checked[name], level)}" for name, level, key in ADMIN_LINES if checked.get(name)
        ]
        if lines:
            st.text("\n".join(lines))
        given = set(filter(None, values.get("notes", "").splitlines()))
        for note in (checked.get("notes") or "").splitlines():
            if note.startswith(NOTE_MARKS) and note not in given:
                st.info(plain(note), icon=":material/info:")
    _point_map(point, None if checked is None else checked.get("uncertainty_m"), keys, area)
    return checked


def _chapter(keys: FormKeys, record: dict | None) -> str | None:
    """The chapter a new report is for: one's own first; any for the centre."""
    if record is not None:
        return None
    chapters = layer_frame("chapters", data_version())
    return chapter_choice(chapters, viewer(), t("field_chapter"), keys.field("chapter_id"))


def _save(
    layer: Layer,
    record: dict | None,
    values: dict[str, str],
    chapter: str | None,
    keys: FormKeys,
    parent_id: str | None = None,
) -> None:
    person = viewer()
    if record is None:
        given = {k: v for k, v in values.items() if v != ""}
        if _asks_chapter(layer):
            given[layer.owner] = chapter
        new_id = records.add_record(store(), layer.name, given, person, parent_id)
        st.session_state[keys.saved] = new_id
        st.session_state.pop(keys.opened, None)  # the next report starts empty
        return
    before = {name: _as_text(st.session_state.get(f"{keys.prefix}#initial.{name}")) for name in values}
    changes = {name: value for name, value in values.items() if value != before[name]}
    if not changes:
        st.session_state[keys.saved] = record["id"]
        return
    version = st.session_state[keys.version]
    new_version = records.edit_record(store(), layer.name, record["id"], changes, version, person)
    st.session_state[keys.version] = new_version
    st.session_state[keys.saved] = record["id"]
    for name, value in values.items():
        st.session_state[f"{keys.prefix}#initial.{name}"] = value


def _remember_initial(names: tuple[str, ...], keys: FormKeys) -> None:
    """The values the form opened with, to send only what the person changed."""
    if st.session_state.get(f"{keys.prefix}#initial_of") == st.session_state.get(keys.opened):
        return
    for name in names:
        st.session_state[f"{keys.prefix}#initial.{name}"] = _as_text(st.session_state.get(keys.field(name)))
    st.session_state[f"{keys.prefix}#initial_of"] = st.session_state.get(keys.opened)


def record_form(layer: Layer, record: dict | None, prefix: str, parent_id: str | None = None) -> str | None:
    """The form for a new record of `layer` (record None; a part names its parent) or for
    correcting `record`; returns the id of the record when it has just been saved."""
    keys = FormKeys(prefix)
    _open(layer, record, keys)
    _take_pending_click(layer, keys)
    names = _names(layer, record)
    _remember_initial(names, keys)
    saved = st.session_state.pop(keys.saved, None)
    chapter = _chapter(keys, record) if _asks_chapter(layer) else None
    box = _coordinate_field(layer)
    for group in layer.form:
        fields = [n for n in group.fields if n in names]
        if not fields:
            continue
        st.subheader(group.label(lang()))
        _group_widgets(layer, fields, keys)
        if box == records.COORDINATES and group.key == "where":
            _widget(layer, records.COORDINATES, keys)
        if box and box in (*fields, records.COORDINATES) and (group.key in ("place", "where")):
            _preview(layer, _values(keys, names), keys)
    values = _values(keys, names)
    if st.button(t("form_save"), type="primary", key=f"{prefix}#save", icon=":material/save:"):
        try:
            _save(layer, record, values, chapter, keys, parent_id)
        except LayersError as exc:
            st.error(plain(str(exc)))
            return None
        st.rerun()
    if saved:  # beside the button the person pressed
        st.success(t("form_saved", code=short_id(saved)), icon=":material/check_circle:")
    return saved
