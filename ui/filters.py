"""The sidebar filters: widgets in, one FilterSpec and the map options out.

Widget values start from the URL (st.query_params) once per session, and the
resulting spec is written back to the URL so a view can be shared as a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.admin import UnknownPlace, province_names, province_table_34, resolve_place
from geo.communes import commune_table, district_label, district_table
from layers.access import Contacts
from layers.labels import admin_label, layer_label
from layers.query import NOT_YET_SEARCHED, WAR_PRESETS, YEAR_MAX, YEAR_MIN, FilterSpec
from layers.schema import CONFIDENCE, WARS, get_layer
from ui.i18n import text
from ui.mapview import ALL_LAYERS, DEFAULT_LAYERS, EXTRAS, POINTS, MapOptions, map_layers, shown_choices, style_terms
from ui.state import lang, plain, t, viewer

# The layer switches in their order: the view's dots (of the shown layer) and what is drawn with
# them, the marker and line layers of the declarations, and the boundaries last (their own label).
LAYER_KEYS = (
    POINTS,
    "areas",
    "circles",
    "heat",
    *(layer.name for layer in map_layers("marker") + map_layers("line")),
    "boundaries",
)
SHOWN_KEY = "f_shown"


def _switch_label(key: str, shown: str) -> str:
    """A switch's label: the shown layer's name for the dots, a layer's own, or the extra's text."""
    if key in EXTRAS:
        return t(f"layer_{key}")
    return layer_label(get_layer(shown if key == POINTS else key), lang())


def _shown_label(name: str) -> str:
    """A choice of "Hiển thị": "Điểm mộ" / "Lời kể" (map_show_<layer>), else the layer's name."""
    try:
        return t(f"map_show_{name}")
    except KeyError:
        return layer_label(get_layer(name), lang())


def shown_name() -> str:
    """The layer the map draws as dots, as last chosen ("Hiển thị"): testimonies by default."""
    chosen = st.session_state.get(SHOWN_KEY, POINTS)
    return chosen if chosen in {layer.name for layer in shown_choices()} else POINTS


def _shown_control() -> str:
    """Which of the grouped layers the map draws as dots: sites or testimonies (the default)."""
    choices = [layer.name for layer in shown_choices()]
    if len(choices) < 2:
        return POINTS
    st.session_state.setdefault(SHOWN_KEY, POINTS)
    return st.radio(
        t("map_show"), choices, key=SHOWN_KEY, horizontal=True, format_func=_shown_label, help=t("map_show_help")
    )


def _labels(terms) -> dict[str, str]:
    return {term.code: (term.label_en if lang() == "en" else term.label_vi) for term in terms}


def _load_url_once() -> None:
    """Seed the widgets from the URL the first time a session runs."""
    if st.session_state.get("_filters_from_url"):
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    spec = FilterSpec.from_params(params)
    st.session_state.update(
        f_level="63" if spec.provinces_63 else "34",
        f_p34=list(spec.provinces_34),
        f_p63=list(spec.provinces_63),
        f_districts=list(spec.districts),
        f_communes=list(spec.communes),
        f_communes_34=list(spec.communes_34),  # no widget: kept as the link gave them, named in "đang xem"
        f_place=spec.place,
        f_units=[],
        f_unit_text="; ".join(spec.units),
        f_years=(spec.year_from, spec.year_to),
        f_unknown=spec.include_unknown_period,
        f_status=list(spec.statuses),
        f_chapters=list(spec.chapters),
        f_conf=list(spec.confidence),
        f_coords={None: "any", True: "yes", False: "no"}[spec.has_coordinates],
        f_text=spec.text,
        area=spec.area,
        _filters_from_url=True,
    )


def _apply_preset() -> None:
    preset = st.session_state.get("f_preset")
    st.session_state.f_years = WAR_PRESETS.get(preset, (YEAR_MIN, YEAR_MAX))


def _not_searched() -> None:
    st.session_state.f_status = list(NOT_YET_SEARCHED)


def _reset() -> None:
    st.query_params.clear()
    for key in [k for k in st.session_state if k.startswith("f_") or k in ("area", "_filters_from_url")]:
        del st.session_state[key]


def _place_widget() -> str:
    place = st.text_input(t("f_place"), key="f_place", help=t("f_place_help"), max_chars=200)
    if place.strip():
        try:
            found = resolve_place(place)
            provinces = ", ".join(found.provinces_34) or ", ".join(found.countries)
            st.caption(
                t(
                    "f_place_found",
                    q=plain(place.strip()),
                    name=plain(found.name),
                    era=plain(found.era),
                    provinces=plain(provinces),
                )
            )
        except UnknownPlace as exc:
            st.warning(plain(exc.args[0]))
            return ""
    return place


@lru_cache(maxsize=1)
def _district_labels() -> dict[str, str]:
    """Every district of 2008–2025 as people tell it apart: "Huyện Gio Linh (Quảng Trị)"."""
    return {code: district_label(code) for code in district_table()["code"]}


def _provinces_63(p34: Sequence[str], p63: Sequence[str]) -> set[str]:
    """The 2008–2025 provinces (ISO codes) the chosen provinces of either era cover."""
    chosen = set(p63)
    if p34:
        today = province_table_34()
        for members in today.loc[today["code"].isin(p34), "members"]:
            chosen |= set(str(members).split("|"))
    return chosen


def _districts(p34: Sequence[str], p63: Sequence[str]) -> tuple[str, ...]:
    """The district filter: the districts of the chosen provinces (of the whole country when none
    is chosen), typed to search. A district no longer among the options leaves the filter."""
    table = district_table()
    provinces = _provinces_63(p34, p63)
    if provinces:
        table = table[table["province_63"].isin(provinces)]
    labels = _district_labels()
    chosen = st.multiselect(
        t("f_districts"),
        table["code"].tolist(),
        format_func=lambda code: labels.get(code, code),
        key="f_districts",
        placeholder=t("choose"),
        help=t("f_districts_help"),
    )
    return tuple(chosen)


def _communes(districts: Sequence[str]) -> tuple[str, ...]:
    """The commune filter, shown once districts are chosen (or a link names communes): the
    communes of those districts (of the named communes' districts when none is chosen)."""
    table = commune_table("63")
    named = st.session_state.get("f_communes") or []
    within = set(districts) or set(table.loc[table["code"].isin(named), "district"])
    if not within:
        st.session_state.pop("f_communes", None)
        return ()
    table = table[table["district"].isin(within)]
    several = len(within) > 1
    district_short = dict(zip(district_table()["code"], district_table()["short"], strict=True))
    labels = {
        code: f"{name} ({district_short.get(district, district)})" if several else name
        for code, name, district in zip(table["code"], table["name"], table["district"], strict=True)
    }
    chosen = st.multiselect(
        t("f_communes"),
        list(labels),
        format_func=lambda code: labels.get(code, code),
        key="f_communes",
        placeholder=t("choose"),
        help=t("f_communes_help"),
    )
    return tuple(chosen)


def _units(reports: gpd.GeoDataFrame) -> tuple[str, ...]:
    choices = sorted(u for u in reports["unit"].dropna().unique() if u)
    chosen = st.multiselect(t("f_units"), choices, key="f_units", placeholder=t("choose"))
    typed = st.text_input(t("f_unit_text"), key="f_unit_text", help=t("f_unit_help"), max_chars=200)
    return tuple(chosen) + tuple(u.strip() for u in typed.split(";") if u.strip())


def _period() -> tuple[int, int, bool]:
    presets = {"": t("f_preset_all"), **_labels(WARS)}
    st.selectbox(t("f_preset"), list(presets), format_func=presets.get, key="f_preset", on_change=_apply_preset)
    years = st.slider(t("f_years"), YEAR_MIN, YEAR_MAX, key="f_years")
    unknown = st.checkbox(t("f_unknown"), key="f_unknown")
    return int(years[0]), int(years[1]), unknown


def sidebar_filters(reports: gpd.GeoDataFrame, chapters: pd.DataFrame) -> tuple[FilterSpec, MapOptions]:
    """Draw the filter widgets in the sidebar and return what they select. `reports` is the frame
    of the layer drawn as dots (shown_name), whose units the unit filter offers."""
    _load_url_once()
    st.session_state.setdefault("f_years", (YEAR_MIN, YEAR_MAX))
    st.session_state.setdefault("f_unknown", True)
    with st.sidebar:
        st.header(t("filters"))
        level = st.radio(
            t("f_level"), ["34", "63"], key="f_level", horizontal=True, format_func=lambda v: t(f"f_level_{v}")
        )
        if level == "34":
            names = province_names("34")
            p34, p63 = (
                tuple(
                    st.multiselect(
                        t("f_provinces"), list(names), format_func=names.get, placeholder=t("choose"), key="f_p34"
                    )
                ),
                (),
            )
        else:
            names = province_names("63")
            p34, p63 = (
                (),
                tuple(
                    st.multiselect(
                        t("f_provinces"), list(names), format_func=names.get, placeholder=t("choose"), key="f_p63"
                    )
                ),
            )
        districts = _districts(p34, p63)
        communes = _communes(districts)
        communes_34 = tuple(st.session_state.get("f_communes_34") or ())
        if communes_34:  # from a link (no widget): said, and cleared with the other filters
            today = "; ".join(admin_label(code, "34") for code in communes_34)
            st.caption(plain(f"{t('f_communes_34')}: {today}"))
        place = _place_widget()
        units = _units(reports)
        year_from, year_to, unknown = _period()
        statuses = _labels(style_terms())
        status = st.multiselect(
            t("f_status"), list(statuses), format_func=statuses.get, key="f_status", placeholder=t("choose")
        )
        st.button(t("f_not_searched"), on_click=_not_searched, width="stretch")
        chapter_names = dict(zip(chapters["id"], chapters["name"], strict=True))
        chosen_chapters = st.multiselect(
            t("f_chapters"),
            list(chapter_names),
            format_func=chapter_names.get,
            key="f_chapters",
            placeholder=t("choose"),
        )
        levels = _labels(CONFIDENCE)
        confidence = st.multiselect(
            t("f_confidence"), list(levels), format_func=levels.get, key="f_conf", placeholder=t("choose")
        )
        coords = st.radio(
            t("f_coords"),
            ["any", "yes", "no"],
            key="f_coords",
            horizontal=True,
            format_func=lambda v: t(f"f_coords_{v}"),
        )
        search = st.text_input(t("f_text"), key="f_text", max_chars=200)
        area = st.session_state.get("area", ())
        if area:
            st.info(t("f_area"))
            st.button(t("f_area_clear"), on_click=lambda: st.session_state.update(area=()))
        st.subheader(t("f_layers"))
        shown = _shown_control()
        layers = {
            key
            for key in LAYER_KEYS[:-1]
            if st.checkbox(_switch_label(key, shown), value=key in DEFAULT_LAYERS, key=f"f_layer_{key}")
        }
        if st.checkbox(t(f"layer_provinces_{level}"), value=True, key="f_layer_boundaries"):
            layers.add("boundaries")
        # Contacts show only where the frames hold them: the store cut the rest for this person.
        sees = viewer().role.contacts is not Contacts.NONE
        contacts = sees and st.toggle(t("f_contacts"), key="f_contacts", value=False)
        st.button(t("f_reset"), on_click=_reset, width="stretch")
    spec = FilterSpec(
        provinces_34=p34,
        provinces_63=p63,
        place=place,
        districts=districts,
        communes=communes,
        communes_34=communes_34,
        units=units,
        year_from=year_from,
        year_to=year_to,
        include_unknown_period=unknown,
        statuses=tuple(status),
        chapters=tuple(chosen_chapters),
        confidence=tuple(confidence),
        has_coordinates={"any": None, "yes": True, "no": False}[coords],
        text=search,
        area=tuple(area),
    )
    options = MapOptions(
        layers=frozenset(layers) & ALL_LAYERS, boundary_level=level, show_contacts=contacts, lang=lang(), shown=shown
    )
    _write_url(spec)
    return spec.usable(), options


def _write_url(spec: FilterSpec) -> None:
    params = spec.to_params()
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    wanted = {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)


__all__ = ["sidebar_filters", "text"]
