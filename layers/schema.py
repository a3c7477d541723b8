"""The layers: one declaration each, read generically by store, map, import and export.

A new layer is one `Layer(...)` here plus its tests. Field types are a small closed
set so that SQLite and PostgreSQL store them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.bilingual import Bilingual
from layers.errors import UnknownLayer

FIELD_TYPES = ("text", "int", "float", "date", "datetime", "bool", "json")
GEOMETRY_KINDS = ("point", "line", "polygon", "any")
# How the map draws a record: "circle" a dot coloured by the layer's style field, drawn with the
# map's view (summed in cells at scale); "marker" a text icon per record, drawn with the map;
# "line" a track; "polygon" an outline.
SYMBOL_KINDS = ("circle", "marker", "line", "polygon")
SHAPEFILE_NAME_MAX = 10  # characters in a dBASE field name


@dataclass(frozen=True)
class Term:
    """One value of a controlled vocabulary: a stable code and its labels."""

    code: str
    label_vi: str
    label_en: str
    color: str = "#666666"


@dataclass(frozen=True)
class Field:
    """One attribute of a layer."""

    name: str
    type: str
    label_vi: str
    label_en: str
    private: bool = False  # witness data: never in partner exports, logs or errors
    indexed: bool = False  # a filter column
    free_text: bool = False  # written as people tell it: may repeat a witness's name or phone
    vocabulary: tuple[Term, ...] = ()
    # Its name in a Shapefile (at most 10 characters) when the name itself is longer: part of the
    # documented partner schema (docs/geojson-schema.md), never changed once published.
    short_name: str | None = None
    # A mark that lets the named fields of the record out on the public pages (a trip's story):
    # changing the mark, or one of those fields while the mark is on, needs the right to publish
    # (layers.access.check_changes).
    publishes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name}: type must be one of {FIELD_TYPES}, got {self.type!r}")

    @property
    def shapefile_name(self) -> str:
        return self.short_name or self.name

    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.vocabulary)


@dataclass(frozen=True)
class FormGroup(Bilingual):
    """A part of a layer's form: the fields a person tells together (the martyr, the place …)."""

    key: str
    label_vi: str
    label_en: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Symbol:
    """How the map draws a layer's records: one of SYMBOL_KINDS, and a marker's icon (text)."""

    kind: str
    icon: str = ""

    def __post_init__(self) -> None:
        if self.kind not in SYMBOL_KINDS:
            raise ValueError(f"symbol: kind must be one of {SYMBOL_KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class Layer:
    """A map layer: its fields, geometry, whether the app may write it, and the roles map, export,
    forms and filters read instead of naming it (symbol, title, style, exportable, form)."""

    name: str
    label_vi: str
    label_en: str
    geometry: str | None  # one of GEOMETRY_KINDS, or None for a table without geometry
    fields: tuple[Field, ...]
    stored: bool = True  # False: read-only boundary file under data/boundaries
    color: str = "#3366cc"
    # Whose a record is, for rights (layers.access): the column naming the chapter that holds it,
    # the province where it lies (work for that province's chapter too), and the team sent to it.
    # A layer without an owner is reference data that everyone signed in may read.
    owner: str | None = None
    place: str | None = None
    assignee: str | None = None
    # The column holding the place's chapter's answer to a referral: once it accepted ("accepted"),
    # the record is that chapter's to change as well (its contacts stay with the owner).
    referral: str | None = None
    # The form people add and correct records with (ui/record_form.py builds it from this), in the
    # order a person tells it; fields in no group are set by the app (provinces, status …).
    form: tuple[FormGroup, ...] = ()
    # A layer whose records are grouped by records of another (testimonies by their site): the
    # group layer's name and the field naming a record's group. The store gives each new record a
    # group of its own and keeps the group's summary (layers.sites) with it.
    grouped_in: tuple[str, str] | None = None
    # A layer whose records are parts of a record of another (the witnesses of a recognition
    # case): the parent layer's name and the field naming the parent. A part takes its parent's
    # chapter (the owner column) when it is added, and is shown, listed and added with it.
    part_of: tuple[str, str] | None = None
    # The column holding the witness's choice of who may contact them (CONSENTS), which
    # layers.access reads with the role to decide whose contacts a person sees.
    consent: str | None = None
    # The fields that consent opens to a partner unit: how to reach the witness, nothing else.
    consented: tuple[str, ...] = ()
    # The private fields that name or locate a person (a witness, a relative): their values are
    # also hidden wherever free text repeats them for those who may not see them (layers.privacy).
    identifying: tuple[str, ...] = ()
    # How the map draws a record (None: not on the map), the field naming a record in popups,
    # tables and PDFs, and the vocabulary field whose terms' colours style the map (None: the
    # layer's own colour).
    symbol: Symbol | None = None
    title: str | None = None
    style: str | None = None
    # Whether the export page and `python -m layers export` offer it, and the word its files are
    # named with (tin-bao_quang-tri_2026-11-26.gpx).
    exportable: bool = False
    file_stem: str | None = None

    def __post_init__(self) -> None:
        if self.geometry is not None and self.geometry not in GEOMETRY_KINDS:
            raise ValueError(f"layer {self.name}: geometry must be one of {GEOMETRY_KINDS}")
        names = {f.name for f in self.fields}
        for group in self.form:
            unknown = set(group.fields) - names
            if unknown:
                raise ValueError(f"layer {self.name}: form group {group.key} names unknown fields {sorted(unknown)}")
        for role, name in (("title", self.title), ("style", self.style)):
            if name is not None and name not in names:
                raise ValueError(f"layer {self.name}: {role} names unknown field {name!r}")
        if self.style is not None and not self.field(self.style).vocabulary:
            raise ValueError(f"layer {self.name}: style field {self.style!r} has no vocabulary")
        if not set(self.identifying) <= set(self.private_fields):
            raise ValueError(f"layer {self.name}: identifying fields must be private fields")
        if self.part_of is not None and self.part_of[1] not in names:
            raise ValueError(f"layer {self.name}: part_of names unknown field {self.part_of[1]!r}")
        if self.exportable and not self.file_stem:
            raise ValueError(f"layer {self.name}: an exportable layer needs a file_stem")
        self._check_shapefile_names()

    def _check_shapefile_names(self) -> None:
        """Shapefile names at most 10 characters and unique in the layer (dBASE cuts the rest)."""
        seen: dict[str, str] = {}
        for f in self.fields:
            short = f.shapefile_name
            if len(short) > SHAPEFILE_NAME_MAX:
                raise ValueError(f"layer {self.name}: field {f.name} needs a short_name of at most 10 characters")
            if short in seen:
                raise ValueError(f"layer {self.name}: fields {seen[short]} and {f.name} share Shapefile name {short!r}")
            seen[short] = f.name

    def shapefile_name(self, column: str) -> str:
        """A column's Shapefile name: a field's short name; a name column written beside a code
        (district_63_name, layers.exporters.geojson) takes its code's short name and "_nm"."""
        if any(f.name == column for f in self.fields):
            return self.field(column).shapefile_name
        if column.endswith("_name") and any(f.name == column[: -len("_name")] for f in self.fields):
            return self.field(column[: -len("_name")]).shapefile_name + "_nm"
        return column

    @property
    def form_fields(self) -> tuple[str, ...]:
        return tuple(name for group in self.form for name in group.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"layer {self.name} has no field {name!r}")

    @property
    def private_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.private)


STATUSES = (
    Term("new", "Mới nhận", "New", "#1f77b4"),
    Term("verifying", "Đang xác minh", "Being verified", "#17becf"),
    Term("verified", "Đã xác minh", "Verified", "#9467bd"),
    Term("planned", "Đã lên kế hoạch", "Search planned", "#ff7f0e"),
    Term("searched_not_found", "Đã tìm – chưa thấy", "Searched, not found", "#7f7f7f"),
    Term("remains_found", "Đã tìm thấy hài cốt", "Remains found", "#2ca02c"),
    Term("identified", "Đã xác định danh tính", "Identified", "#006400"),
    Term("duplicate", "Trùng lặp", "Duplicate", "#c7c7c7"),
)
CHANNELS = (
    Term("meeting", "Gặp trực tiếp", "In person"),
    Term("phone", "Điện thoại", "Phone"),
    Term("letter", "Thư", "Letter"),
    Term("zalo", "Zalo", "Zalo"),
    Term("form", "Phiếu / biểu mẫu", "Form"),
)
CONFIDENCE = (
    Term("low", "Thấp", "Low"),
    Term("medium", "Trung bình", "Medium"),
    Term("high", "Cao", "High"),
)
WARS = (
    Term("france", "Kháng chiến chống Pháp (1945–1954)", "Resistance against France (1945–1954)"),
    Term("us", "Kháng chiến chống Mỹ (1955–1975)", "Resistance against the US (1955–1975)"),
    Term("southwest", "Biên giới Tây Nam – Campuchia (1975–1989)", "Southwest border, Cambodia (1975–1989)"),
    Term("north", "Biên giới phía Bắc (1979–1989)", "Northern border (1979–1989)"),
)
CEMETERY_LEVELS = (
    Term("national", "Quốc gia", "National"),
    Term("provincial", "Tỉnh", "Provincial"),
    Term("district", "Huyện", "District"),
)
COUNTRIES = (
    Term("VN", "Việt Nam", "Vietnam"),
    Term("LA", "Lào", "Laos"),
    Term("KH", "Campuchia", "Cambodia"),
)
CHAPTER_LEVELS = (
    Term("central", "Trung ương Hội", "Central association"),
    Term("province", "Hội cấp tỉnh", "Provincial chapter"),
    Term("commune", "Hội cơ sở", "Commune-level chapter"),
)
# A report about a place in another province is work for that province's chapter too ("chuyển
# đến"): it accepts the report or sends it back with a reason. No value: not yet answered.
REFERRALS = (  # the first is the answer that makes the record the receiving chapter's work too
    Term("accepted", "Đã nhận", "Accepted"),
    Term("returned", "Đã trả lại", "Sent back"),
)
# Where a report's position comes from: a coordinate or point given (the geometry), the commune or
# district its place name reads as (an approximate area, kept apart from the geometry in the
# area_* fields), or nothing yet. Every figure counts the three apart.
POSITION_SOURCES = (
    Term("measured", "Có tọa độ", "Has coordinates", "#d62728"),
    Term("place_name", "Ước lượng theo địa danh", "Estimated from the place name", "#8c564b"),
    Term("unknown", "Chưa xác định", "Not located", "#7f7f7f"),
)
# Who a witness agreed may contact them, chosen when they tell their account: stored on the
# record and enforced where contacts are cut (layers.access.contacts_mask). A record without a
# choice (typed in by a chapter before this existed) is the first: the receiving chapter only.
CONSENTS = (
    Term("chapter", "Chỉ Hội tiếp nhận được liên hệ", "Only the receiving chapter may contact me"),
    Term("partners", "Hội và các đơn vị tìm kiếm đối tác được liên hệ", "The chapter and partner search units may"),
    Term("nobody", "Không ai liên hệ lại", "Nobody may contact me"),
)
TRIP_OUTCOMES = (
    Term("planned", "Dự kiến", "Planned"),
    Term("nothing_found", "Chưa tìm thấy", "Nothing found"),
    Term("remains_found", "Tìm thấy hài cốt", "Remains found"),
    Term("cancelled", "Hủy", "Cancelled"),
)
# What a search team found at one site of a trip (the `observations` it fills in QField or a GPS
# app), and where that proposal stands: the chapter confirms it, and the site then moves through
# the workflow (layers.field_results), or does not take it.
FINDINGS = (
    Term("found", "Tìm thấy hài cốt", "Remains found", "#2ca02c"),
    Term("not_found", "Không tìm thấy", "Not found", "#7f7f7f"),
    Term("not_reached", "Chưa đến được", "Not reached", "#ff7f0e"),
)
OBSERVATION_STATUSES = (
    Term("proposed", "Chờ Hội xác nhận", "Awaiting the chapter", "#ff7f0e"),
    Term("confirmed", "Hội đã xác nhận", "Confirmed by the chapter", "#2ca02c"),
    Term("rejected", "Hội không nhận", "Not accepted by the chapter", "#7f7f7f"),
)
# Where a case for recognising a comrade as a martyr stands (hỗ trợ hồ sơ công nhận liệt sĩ):
# its papers gathered, sent to the commune's People's Committee, sent on to the province, and
# the answer. The steps between them are declared in layers.recognition.
RECOGNITION_STATUSES = (
    Term("gathering", "Đang thu thập hồ sơ", "Gathering papers", "#1f77b4"),
    Term("sent_commune", "Đã gửi cấp xã", "Sent to the commune", "#ff7f0e"),
    Term("sent_province", "Đã gửi cấp tỉnh", "Sent to the province", "#9467bd"),
    Term("recognised", "Đã được công nhận liệt sĩ", "Recognised as a martyr", "#2ca02c"),
    Term("returned", "Bị trả lại hồ sơ", "Returned", "#7f7f7f"),
)

_PROVINCE_FIELDS = (
    Field("province_34", "text", "Tỉnh (hiện nay)", "Province (today)", indexed=True, short_name="prov_34"),
    Field("province_63", "text", "Tỉnh cũ (2008–2025)", "Province (2008–2025)", indexed=True, short_name="prov_63"),
)
# The district and commune of 2008–2025 and the commune of today (codes of data/admin/): of
# the point (nearest commune centre, approximate: there are no commune polygons), or of
# the place name an approximate area was read from.
_BELOW_PROVINCE_FIELDS = (
    Field("district_63", "text", "Huyện (2008–2025)", "District (2008–2025)", indexed=True, short_name="dist_63"),
    Field("commune_63", "text", "Xã (2008–2025)", "Commune (2008–2025)", indexed=True, short_name="comm_63"),
    Field("commune_34", "text", "Xã (hiện nay)", "Commune (today)", indexed=True, short_name="comm_34"),
)
# Where a record's position comes from (POSITION_SOURCES), and the approximate area read from a
# place name: a centre and radius, never a measured point (no geometry).
_POSITION_SOURCE = Field(
    "position_source",
    "text",
    "Nguồn vị trí",
    "Position from",
    indexed=True,
    vocabulary=POSITION_SOURCES,
    short_name="pos_source",
)
_AREA_FIELDS = (
    Field("area_lat", "float", "Vĩ độ tâm vùng ước lượng", "Estimated area: latitude"),
    Field("area_lon", "float", "Kinh độ tâm vùng ước lượng", "Estimated area: longitude"),
    Field(
        "area_radius_m",
        "float",
        "Bán kính vùng ước lượng (m)",
        "Estimated area: radius (m)",
        short_name="area_rad_m",
    ),
)
# Whose a testimony or a site is and where its case work stands: the chapter that received it, the
# search team (its account's user name) sent to it, which sees the contacts, the referral's answer,
# the status, and what workflow steps set (layers.workflow): the report it repeats, and how the
# remains were identified (a DNA result or a record).
_CASE_FIELDS = (
    Field("chapter_id", "text", "Hội tiếp nhận", "Chapter", indexed=True),
    Field("assigned_team", "text", "Đội được giao", "Assigned team", indexed=True, short_name="team_sent"),
    Field("referral", "text", "Chuyển đến tỉnh", "Referral", indexed=True, vocabulary=REFERRALS),
    Field("status", "text", "Trạng thái", "Status", indexed=True, vocabulary=STATUSES),
    Field("duplicate_of", "text", "Trùng với tin báo", "Duplicate of", indexed=True, short_name="dup_of"),
    Field(
        "identification_ref",
        "text",
        "Căn cứ xác định danh tính",
        "Identification reference",
        short_name="ident_ref",
    ),
)
_SOURCE_FIELDS = (
    Field("source", "text", "Nguồn", "Source"),
    Field("coord_status", "text", "Độ tin cậy tọa độ", "Coordinate status", short_name="crd_status"),
)

REPORTS = Layer(
    "reports",
    "Tin báo mộ liệt sĩ",
    "Burial reports",
    "point",
    (
        Field("martyr_names", "text", "Họ tên liệt sĩ", "Martyr name(s)", short_name="martyrs"),
        Field("hometown", "text", "Quê quán", "Hometown"),
        Field("birth_year", "int", "Năm sinh", "Birth year"),
        Field("unit", "text", "Đơn vị", "Unit", indexed=True),
        Field("year_from", "int", "Từ năm", "From year", indexed=True),
        Field("year_to", "int", "Đến năm", "To year", indexed=True),
        Field("period_text", "text", "Thời gian (lời kể)", "Period as told", free_text=True, short_name="period_txt"),
        Field(
            "place_description",
            "text",
            "Mô tả vị trí (lời nhân chứng)",
            "Place as the witness said it",
            free_text=True,
            short_name="place_desc",
        ),
        Field("historical_place", "text", "Địa danh lịch sử", "Historical place name", short_name="hist_place"),
        *_PROVINCE_FIELDS,
        Field("country", "text", "Quốc gia", "Country", indexed=True, vocabulary=COUNTRIES),
        Field(
            "abroad_province", "text", "Tỉnh ở Lào, Campuchia", "Province in Laos or Cambodia", short_name="abroad_prv"
        ),
        *_BELOW_PROVINCE_FIELDS,
        _POSITION_SOURCE,
        # An approximate area read from the place name, never a measured point (no geometry).
        *_AREA_FIELDS,
        Field("area_place", "text", "Địa danh của vùng ước lượng", "Estimated area: place read"),
        Field("coord_text", "text", "Tọa độ gốc", "Coordinates as written"),
        Field("coord_system", "text", "Hệ tọa độ", "Coordinate system", short_name="crd_system"),
        Field("coord_datum", "text", "Hệ quy chiếu (datum)", "Datum", short_name="crd_datum"),
        Field("uncertainty_m", "float", "Sai số (m)", "Uncertainty (m)", short_name="uncert_m"),
        Field("remains_count", "int", "Số hài cốt", "Number of remains", short_name="remains_n"),
        Field("received_on", "date", "Ngày tiếp nhận", "Received on", indexed=True, short_name="received"),
        Field("witness_name", "text", "Họ tên nhân chứng", "Witness name", private=True, short_name="wit_name"),
        Field("witness_phone", "text", "Điện thoại nhân chứng", "Witness phone", private=True, short_name="wit_phone"),
        Field("witness_address", "text", "Địa chỉ nhân chứng", "Witness address", private=True, short_name="wit_addr"),
        Field(
            "witness_relation", "text", "Quan hệ với liệt sĩ", "Witness relation", private=True, short_name="wit_rel"
        ),
        # An old or frail witness's account may soon be lost: the work page puts it first.
        Field(
            "witness_birth_year",
            "int",
            "Năm sinh nhân chứng",
            "Witness's birth year",
            private=True,
            short_name="wit_born",
        ),
        Field("witness_frail", "bool", "Nhân chứng già yếu", "Witness frail", private=True, short_name="wit_frail"),
        Field(
            "witness_consent",
            "text",
            "Đồng ý được liên hệ",
            "Contact consent",
            private=True,
            vocabulary=CONSENTS,
            short_name="wit_consnt",
        ),
        # How the witness knows (buried them, saw, heard from …), as told on the public page.
        Field(
            "witness_knows",
            "text",
            "Cách biết thông tin",
            "How the witness knows",
            free_text=True,
            short_name="wit_knows",
        ),
        Field("source_channel", "text", "Kênh tiếp nhận", "Source channel", vocabulary=CHANNELS, short_name="channel"),
        # The code a person who sent the account on the public page quotes by phone (TB-7K3Q-9M):
        # the chapter's to know, as the caller's phone is (whoever holds it passes for the sender).
        Field("receipt_code", "text", "Mã tiếp nhận", "Receipt code", indexed=True, private=True, short_name="receipt"),
        *_CASE_FIELDS,
        Field("confidence", "text", "Độ tin cậy", "Confidence", indexed=True, vocabulary=CONFIDENCE),
        Field("notes", "text", "Ghi chú", "Notes", free_text=True),
        Field("private_notes", "text", "Ghi chú riêng", "Private notes", private=True, short_name="priv_notes"),
        # The site (điểm mộ) this testimony is believed to describe: every report has exactly one.
        Field("site_id", "text", "Điểm mộ", "Site", indexed=True),
    ),
    color="#d62728",
    symbol=Symbol("circle"),
    title="martyr_names",
    style="status",
    exportable=True,
    file_stem="tin-bao",
    owner="chapter_id",
    place="province_34",
    assignee="assigned_team",
    referral="referral",
    grouped_in=("sites", "site_id"),
    consent="witness_consent",
    consented=("witness_name", "witness_phone", "witness_address", "witness_relation"),
    identifying=("witness_name", "witness_phone", "witness_address"),
    form=(
        FormGroup("martyr", "Liệt sĩ", "The martyr", ("martyr_names", "hometown", "birth_year", "unit")),
        FormGroup(
            "place",
            "Nơi chôn cất",
            "The place",
            ("place_description", "historical_place", "province_34", "coord_text", "coord_datum", "uncertainty_m"),
        ),
        FormGroup("when", "Thời gian", "When", ("year_from", "year_to", "period_text")),
        FormGroup(
            "witness",
            "Nhân chứng",
            "The witness",
            (
                "witness_name",
                "witness_phone",
                "witness_address",
                "witness_relation",
                "witness_birth_year",
                "witness_frail",
            ),
        ),
        FormGroup(
            "source",
            "Nguồn tin",
            "The source",
            ("received_on", "source_channel", "confidence", "assigned_team", "notes", "private_notes"),
        ),
    ),
)

# A site (điểm mộ): a place where one or more remains are believed to lie, grouping the
# testimonies that describe it. Its place, martyrs and position are summarised from them
# (layers.sites); its workflow is the one case work moves, and its testimonies follow.
SITES = Layer(
    "sites",
    "Điểm mộ",
    "Grave sites",
    "point",
    (
        Field("name", "text", "Tên điểm mộ", "Site"),
        Field("martyr_names", "text", "Họ tên liệt sĩ", "Martyr name(s)", short_name="martyrs"),
        Field("unit", "text", "Đơn vị", "Unit", indexed=True),
        Field("year_from", "int", "Từ năm", "From year", indexed=True),
        Field("year_to", "int", "Đến năm", "To year", indexed=True),
        *_PROVINCE_FIELDS,
        *_BELOW_PROVINCE_FIELDS,
        Field("country", "text", "Quốc gia", "Country", indexed=True, vocabulary=COUNTRIES),
        _POSITION_SOURCE,
        Field("uncertainty_m", "float", "Sai số (m)", "Uncertainty (m)", short_name="uncert_m"),
        *_AREA_FIELDS,
        # How far apart its testimonies place it, and whether more than their uncertainties allow.
        Field("spread_m", "float", "Khoảng cách xa nhất giữa các lời kể (m)", "Farthest apart testimonies (m)"),
        Field(
            "positions_conflict",
            "bool",
            "Vị trí các lời kể khác nhau",
            "Testimonies' positions conflict",
            short_name="pos_confl",
        ),
        Field("testimony_count", "int", "Số lời kể", "Testimonies", indexed=True, short_name="testim_n"),
        Field(
            "witness_count",
            "int",
            "Số nhân chứng độc lập",
            "Independent witnesses",
            indexed=True,
            short_name="witness_n",
        ),
        Field("received_on", "date", "Ngày tiếp nhận", "Received on", indexed=True, short_name="received"),
        *_CASE_FIELDS,
        Field("remains_count", "int", "Số hài cốt", "Number of remains", short_name="remains_n"),
        Field("confidence", "text", "Độ tin cậy", "Confidence", indexed=True, vocabulary=CONFIDENCE),
        Field("notes", "text", "Ghi chú", "Notes", free_text=True),
        # The last hand-over of what is known about the site to the authorities who search
        # (biên bản bàn giao thông tin, layers.handover): to whom, on which day, by whom.
        Field("handed_over_to", "text", "Đơn vị nhận bàn giao", "Handed over to", short_name="handed_to"),
        Field("handed_over_on", "date", "Ngày bàn giao", "Handed over on", indexed=True, short_name="handed_on"),
        Field("handed_over_by", "text", "Người bàn giao", "Handed over by", short_name="handed_by"),
    ),
    color="#6a3d9a",
    symbol=Symbol("circle"),
    title="name",
    style="status",
    file_stem="diem-mo",
    owner="chapter_id",
    place="province_34",
    assignee="assigned_team",
    referral="referral",
)

BATTLEFIELDS = Layer(
    "battlefields",
    "Chiến trường xưa",
    "Former battlefields",
    "any",
    (
        Field("name", "text", "Tên", "Name"),
        Field("name_en", "text", "Tên tiếng Anh", "English name"),
        Field("war", "text", "Cuộc chiến", "War", indexed=True, vocabulary=WARS),
        Field("year_from", "int", "Từ năm", "From year", indexed=True),
        Field("year_to", "int", "Đến năm", "To year", indexed=True),
        Field("kind", "text", "Loại", "Kind"),
        *_PROVINCE_FIELDS,
        *_SOURCE_FIELDS,
        Field("notes", "text", "Ghi chú", "Notes", free_text=True),
    ),
    color="#8c564b",
    symbol=Symbol("marker", "★"),
    title="name",
    exportable=True,
    file_stem="chien-truong",
    form=(
        FormGroup(
            "what", "Chiến trường", "The battlefield", ("name", "name_en", "war", "year_from", "year_to", "kind")
        ),
        FormGroup("where", "Vị trí", "Where", ("province_34", "coord_status")),
        FormGroup("source", "Nguồn", "Source", ("source", "notes")),
    ),
)

CEMETERIES = Layer(
    "cemeteries",
    "Nghĩa trang liệt sĩ",
    "Martyrs' cemeteries",
    "point",
    (
        Field("name", "text", "Tên", "Name"),
        Field("name_en", "text", "Tên tiếng Anh", "English name"),
        Field("level", "text", "Cấp", "Level", indexed=True, vocabulary=CEMETERY_LEVELS),
        *_PROVINCE_FIELDS,
        *_SOURCE_FIELDS,
        Field("notes", "text", "Ghi chú", "Notes", free_text=True),
    ),
    color="#2ca02c",
    symbol=Symbol("marker", "✚"),
    title="name",
    exportable=True,
    file_stem="nghia-trang",
    form=(
        FormGroup("what", "Nghĩa trang", "The cemetery", ("name", "name_en", "level")),
        FormGroup("where", "Vị trí", "Where", ("province_34", "coord_status")),
        FormGroup("source", "Nguồn", "Source", ("source", "notes")),
    ),
)

TRIPS = Layer(
    "trips",
    "Chuyến tìm kiếm",
    "Search trips",
    "line",
    (
        Field("name", "text", "Tên chuyến", "Trip name", free_text=True),
        Field("chapter_id", "text", "Hội", "Chapter", indexed=True),
        Field("team", "text", "Đội tìm kiếm", "Team", free_text=True),
        Field("date_from", "date", "Từ ngày", "From", indexed=True),
        Field("date_to", "date", "Đến ngày", "To", indexed=True),
        Field(
            "sweep_width_m", "float", "Bề rộng dò tìm mỗi bên (m)", "Sweep width each side (m)", short_name="sweep_m"
        ),
        Field("outcome", "text", "Kết quả", "Outcome", indexed=True, vocabulary=TRIP_OUTCOMES),
        Field("remains_found", "int", "Số hài cốt tìm thấy", "Remains found", short_name="remains_fd"),
        Field("remains_handed_over", "int", "Số hài cốt đã bàn giao", "Remains handed over", short_name="handed_ovr"),
        Field("handed_over_to", "text", "Đơn vị nhận bàn giao", "Handed over to", short_name="handed_to"),
        Field("handed_over_on", "date", "Ngày bàn giao", "Handed over on", short_name="handed_on"),
        Field("linked_report_ids", "json", "Tin báo liên quan", "Linked reports", short_name="linked_ids"),
        *_PROVINCE_FIELDS,
        Field("notes", "text", "Ghi chú", "Notes", free_text=True),
        # What the team marked on its GPS: labels typed in the field often name a witness's house
        # and phone ("Nhà ông … 0912 …"), so they stay with the chapter and its teams.
        Field("waypoints", "text", "Điểm đánh dấu", "Waypoints", private=True),
        # The planned itinerary (layers.planning): the sites in the order the team walks them,
        # where it starts ("lat, lon"), and the straight-line length of the whole walk.
        Field(
            "route_site_ids",
            "json",
            "Lộ trình (các điểm mộ theo thứ tự)",
            "Route (sites in order)",
            short_name="route_ids",
        ),
        Field("route_start", "text", "Điểm xuất phát", "Start point", short_name="start"),
        Field("route_length_m", "float", "Chiều dài lộ trình (m)", "Route length (m)", short_name="route_m"),
        # What the public progress page and the bulletin may tell of the trip (layers.stories): one
        # sentence, shown only once a chapter leader marked it public.
        Field("story", "text", "Câu chuyện công khai (một câu)", "Public story (one sentence)"),
        Field(
            "story_public",
            "bool",
            "Công bố câu chuyện",
            "Story published",
            short_name="story_pub",
            publishes=("name", "story"),
        ),
    ),
    color="#ff7f0e",
    symbol=Symbol("line"),
    title="name",
    exportable=True,
    file_stem="chuyen-di",
    owner="chapter_id",
    place="province_34",
)

CHAPTERS = Layer(
    "chapters",
    "Hội Cựu TNXP",
    "Chapters",
    None,
    (
        Field("name", "text", "Tên hội", "Chapter"),
        Field("province_34", "text", "Tỉnh", "Province", indexed=True, short_name="prov_34"),
        Field("level", "text", "Cấp", "Level", vocabulary=CHAPTER_LEVELS),
        Field("parent_id", "text", "Trực thuộc", "Part of", indexed=True),
        Field("contact", "text", "Liên hệ", "Contact", private=True),
    ),
    title="name",
    owner="id",
)

# A person who died in service and is not yet recognised as a martyr, whose papers a chapter
# helps gather (hỗ trợ hồ sơ công nhận liệt sĩ). No geometry: a case is about a person, linked to
# the testimonies and sites about them. The relative who asked is private, as a witness is.
RECOGNITION_CASES = Layer(
    "recognition_cases",
    "Hồ sơ đề nghị công nhận liệt sĩ",
    "Recognition cases",
    None,
    (
        Field("person_name", "text", "Họ tên người hy sinh", "Name of the fallen", short_name="person"),
        Field("birth_year", "int", "Năm sinh", "Birth year"),
        Field("hometown", "text", "Quê quán", "Hometown"),
        Field("unit", "text", "Đơn vị", "Unit", indexed=True),
        Field("death_date", "text", "Ngày hy sinh (như được kể)", "Date of death (as told)", short_name="death_on"),
        Field("death_year", "int", "Năm hy sinh", "Year of death", indexed=True, short_name="death_yr"),
        Field("death_place", "text", "Nơi hy sinh", "Place of death", free_text=True, short_name="death_plc"),
        Field("circumstances", "text", "Hoàn cảnh hy sinh", "Circumstances", free_text=True, short_name="circumst"),
        Field("province_34", "text", "Tỉnh nộp hồ sơ", "Province of the file", indexed=True, short_name="prov_34"),
        Field("chapter_id", "text", "Hội hỗ trợ", "Chapter", indexed=True),
        Field("status", "text", "Bước hồ sơ", "Step", indexed=True, vocabulary=RECOGNITION_STATUSES),
        Field("step_on", "date", "Ngày của bước", "Day of the step", indexed=True),
        Field("applicant_name", "text", "Thân nhân đề nghị", "Relative asking", private=True, short_name="appl_name"),
        Field(
            "applicant_phone",
            "text",
            "Điện thoại thân nhân",
            "Relative's phone",
            private=True,
            short_name="appl_phone",
        ),
        Field(
            "applicant_relation",
            "text",
            "Quan hệ với người hy sinh",
            "Relation to the fallen",
            private=True,
            short_name="appl_rel",
        ),
        Field("report_ids", "json", "Tin báo liên quan", "Linked reports", short_name="report_ids"),
        Field("site_ids", "json", "Điểm mộ liên quan", "Linked sites", short_name="site_ids"),
        Field("notes", "text", "Ghi chú", "Notes", free_text=True),
        Field("private_notes", "text", "Ghi chú riêng", "Private notes", private=True, short_name="priv_notes"),
    ),
    color="#8c6d31",
    title="person_name",
    style="status",
    identifying=("applicant_name", "applicant_phone"),
    file_stem="ho-so-cong-nhan",
    owner="chapter_id",
    place="province_34",
    form=(
        FormGroup(
            "person",
            "Người hy sinh",
            "The fallen",
            ("person_name", "birth_year", "hometown", "unit"),
        ),
        FormGroup(
            "death",
            "Hy sinh",
            "The death",
            ("death_date", "death_year", "death_place", "circumstances"),
        ),
        FormGroup(
            "applicant",
            "Thân nhân đề nghị",
            "The relative asking",
            ("applicant_name", "applicant_phone", "applicant_relation"),
        ),
        FormGroup("file", "Hồ sơ", "The file", ("province_34", "notes", "private_notes")),
    ),
)

# An old comrade who can confirm how a recognition case's person died: their statement (bản
# tường trình / xác nhận) and how to reach them, which stay with the chapter as a witness's do.
RECOGNITION_WITNESSES = Layer(
    "recognition_witnesses",
    "Nhân chứng xác nhận",
    "Confirming witnesses",
    None,
    (
        Field("case_id", "text", "Hồ sơ", "Case", indexed=True),
        Field("chapter_id", "text", "Hội hỗ trợ", "Chapter", indexed=True),
        Field("name", "text", "Họ tên nhân chứng", "Witness name", private=True),
        Field("birth_year", "int", "Năm sinh", "Birth year", private=True),
        Field("phone", "text", "Điện thoại", "Phone", private=True),
        Field("address", "text", "Địa chỉ", "Address", private=True),
        Field("relation", "text", "Quan hệ với người hy sinh", "Relation to the fallen", private=True),
        Field(
            "served_with",
            "text",
            "Cùng đơn vị, thời gian",
            "Served together (unit, when)",
            free_text=True,
            short_name="served",
        ),
        Field("statement", "text", "Lời xác nhận", "Statement", free_text=True),
        Field("signed_on", "date", "Ngày ký", "Signed on"),
    ),
    title="name",
    identifying=("name", "phone", "address"),
    owner="chapter_id",
    part_of=("recognition_cases", "case_id"),
    form=(
        FormGroup(
            "witness",
            "Nhân chứng",
            "The witness",
            ("name", "birth_year", "phone", "address", "relation"),
        ),
        FormGroup("statement", "Lời xác nhận", "The statement", ("served_with", "statement", "signed_on")),
    ),
)

# What a team recorded at a site during a trip, brought back from its GeoPackage, GPX or photos
# (layers.importers.field_results): a proposal until the trip's chapter confirms it.
OBSERVATIONS = Layer(
    "observations",
    "Kết quả tại điểm",
    "Field observations",
    "point",
    (
        Field("trip_id", "text", "Chuyến tìm kiếm", "Trip", indexed=True),
        Field("site_id", "text", "Điểm mộ", "Site", indexed=True),
        Field("site_name", "text", "Tên điểm mộ", "Site name", free_text=True),
        Field("chapter_id", "text", "Hội", "Chapter", indexed=True),
        Field("province_34", "text", "Tỉnh (hiện nay)", "Province (today)", indexed=True, short_name="prov_34"),
        Field("finding", "text", "Kết quả", "Finding", indexed=True, vocabulary=FINDINGS),
        Field("remains_count", "int", "Số hài cốt", "Remains", short_name="remains"),
        # A team's note often names whom it met there: it stays with the chapter and its teams.
        Field("note", "text", "Ghi chú của đội", "Team's note", private=True, free_text=True),
        Field("photo", "text", "Ảnh (tên tệp)", "Photo (file names)", private=True),
        Field("observed_at", "datetime", "Thời điểm ghi", "Recorded at", short_name="observed"),
        Field("status", "text", "Xác nhận", "Confirmation", indexed=True, vocabulary=OBSERVATION_STATUSES),
    ),
    color="#8c564b",
    title="site_name",
    owner="chapter_id",
    place="province_34",
    part_of=("trips", "trip_id"),
)


def _boundary(name: str, label_vi: str, label_en: str, code_field: str, color: str) -> Layer:
    """A read-only boundary layer drawn from data/boundaries/."""
    fields = (Field(code_field, "text", "Mã", "Code"), Field("name", "text", "Tên", "Name"))
    return Layer(
        name, label_vi, label_en, "polygon", fields, stored=False, color=color, symbol=Symbol("polygon"), title="name"
    )


PROVINCES_34 = _boundary("provinces_34", "Ranh giới 34 tỉnh", "34 provinces", "code", "#555555")
PROVINCES_63 = _boundary("provinces_63", "Ranh giới 63 tỉnh cũ", "63 provinces (2008–2025)", "iso", "#888888")
NEIGHBOURS = _boundary("neighbours", "Lào, Campuchia", "Laos, Cambodia", "iso2", "#aaaaaa")

LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        REPORTS,
        SITES,
        BATTLEFIELDS,
        CEMETERIES,
        TRIPS,
        CHAPTERS,
        RECOGNITION_CASES,
        RECOGNITION_WITNESSES,
        OBSERVATIONS,
        PROVINCES_34,
        PROVINCES_63,
        NEIGHBOURS,
    )
}
STORED_LAYERS = tuple(layer for layer in LAYERS.values() if layer.stored)


def get_layer(name: str) -> Layer:
    """The declaration of a layer, or UnknownLayer naming the valid choices."""
    try:
        return LAYERS[name]
    except KeyError:
        raise UnknownLayer(f"Không có lớp «{name}». Các lớp: {', '.join(LAYERS)}.") from None
