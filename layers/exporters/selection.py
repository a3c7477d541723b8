"""What an export holds: the rows of each chosen layer that one FilterSpec selects."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from layers import attachments as files
from layers.access import Viewer
from layers.criteria import context_spec, narrows_reports_only
from layers.errors import LayersError
from layers.labels import clean_text
from layers.places import position_sources
from layers.query import FilterSpec, apply, prepare
from layers.schema import STORED_LAYERS, Layer, get_layer
from layers.store import Store

EXPORTABLE = tuple(layer.name for layer in STORED_LAYERS if layer.exportable)
# A layer with this field (trips) lists the case records it was made for: when the spec narrows
# the case records by unit, status or text, only the records linked to the selected ones are kept.
LINKS = "linked_report_ids"


def _has(layer: Layer, name: str) -> bool:
    return any(f.name == name for f in layer.fields)


def is_case_layer(layer: Layer) -> bool:
    """A layer of case records (styled by their status): narrowed by every criterion of a spec;
    the others only by its place, area, years and chapter (context_spec)."""
    return layer.style is not None


def case_layers(names: tuple[str, ...] | list[str]) -> list[str]:
    return [name for name in names if is_case_layer(get_layer(name))]


# Attachment rows (layers.attachments) per layer, then per record id, oldest first.
Attachments = dict[str, dict[str, list[dict]]]


@dataclass
class Selection:
    """Rows per layer, in EXPORTABLE order, and the spec that chose them; with the attachments
    of those rows the person exporting may see (`attachments`, filled by `select`; which of them
    a file may carry is layers.exporters.formats.for_audience's to say, and only the KMZ carries
    any)."""

    spec: FilterSpec
    frames: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    attachments: Attachments = field(default_factory=dict)

    def layers(self) -> list[Layer]:
        return [get_layer(name) for name in self.frames]

    def counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.frames.items()}

    def total(self) -> int:
        return sum(self.counts().values())

    def cleaned(self) -> Selection:
        """The same rows with control characters taken out of every text column, and each
        report's position source settled as the figures count it (a point is measured, no value
        is unknown), once for all formats."""
        frames = {name: clean_frame(frame) for name, frame in self.frames.items()}
        for name, frame in frames.items():
            if _has(get_layer(name), "position_source"):
                frames[name] = settle_positions(frame)
        return Selection(self.spec, frames, self.attachments)

    def with_frames(self, frames: dict[str, gpd.GeoDataFrame]) -> Selection:
        """Other frames (a part of these rows), with the attachments of their records only."""
        kept = {}
        for name, frame in frames.items():
            ids = set(frame["id"].astype(str)) if "id" in frame else set()
            rows = {rid: found for rid, found in self.attachments.get(name, {}).items() if rid in ids}
            if rows:
                kept[name] = rows
        return Selection(self.spec, frames, kept)


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(column) or column.dtype == object


def clean_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with control characters taken out of its text columns (see labels.clean_text)."""
    text_columns = [c for c in frame.columns if c != "geometry" and _is_text(frame[c])]
    return frame.assign(**{c: frame[c].map(lambda v: clean_text(v) if isinstance(v, str) else v) for c in text_columns})


def settle_positions(reports: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reports with `position_source` as layers.places.position_counts counts it, so that every
    file says the same as the campaign's figures."""
    return reports.assign(position_source=position_sources(reports))


def layer_names(choice: str) -> tuple[str, ...]:
    """`all` or one exportable layer's name."""
    if choice == "all":
        return EXPORTABLE
    if choice not in EXPORTABLE:
        raise LayersError(f"Không xuất được lớp «{choice}»; chọn một trong: all, {', '.join(EXPORTABLE)}.")
    return (choice,)


def narrow(frame: gpd.GeoDataFrame, spec: FilterSpec) -> gpd.GeoDataFrame:
    """The rows of one layer's frame that the spec selects, without the helper columns."""
    chosen = apply(prepare(frame), spec)
    return chosen[[c for c in chosen.columns if not c.startswith("_")]]


def _linked_to(trips: gpd.GeoDataFrame, report_ids: set[str]) -> gpd.GeoDataFrame:
    linked = trips["linked_report_ids"].map(lambda ids: bool(report_ids.intersection(map(str, ids or []))))
    return trips[linked]


def select_frames(
    frames: dict[str, gpd.GeoDataFrame], spec: FilterSpec, reports: gpd.GeoDataFrame | None = None
) -> Selection:
    """Each layer of `frames` narrowed for the spec. `reports` may be given already narrowed (the
    map's cached table) for the first case layer (is_case_layer); when the spec narrows reports by
    unit, status or text, the trips kept are the ones made for the selected reports."""
    chosen: dict[str, gpd.GeoDataFrame] = {}
    cases = case_layers(list(frames))
    for i, name in enumerate(cases):
        chosen[name] = narrow(frames[name], spec) if reports is None or i else reports
    context = context_spec(spec)
    for name, frame in frames.items():
        if name in chosen:
            continue
        chosen[name] = narrow(frame, context)
        if _has(get_layer(name), LINKS) and narrows_reports_only(spec):
            selected = set().union(*(set(map(str, chosen[case]["id"])) for case in cases))
            chosen[name] = _linked_to(chosen[name], selected)
    return Selection(spec, {name: chosen[name] for name in EXPORTABLE if name in chosen})


def select(store: Store, names: tuple[str, ...], spec: FilterSpec, viewer: Viewer) -> Selection:
    """Each named layer narrowed by the same spec (see select_frames), of what `viewer` may see."""
    linked = any(_has(get_layer(name), LINKS) for name in names) and narrows_reports_only(spec)
    needed = (*names, *case_layers(EXPORTABLE)) if linked else names
    frames = {name: store.frame(name, viewer) for name in dict.fromkeys(needed)}
    selection = select_frames(frames, spec)
    return with_attachments(Selection(spec, {name: selection.frames[name] for name in names}), store, viewer)


def with_attachments(selection: Selection, store: Store, viewer: Viewer) -> Selection:
    """The selection with the attachments of its rows that `viewer` may see (their frames were
    cut for the same person): what a page that builds its own selection calls before a KMZ."""
    found = {name: files.attachments_in(store, name, frame, viewer) for name, frame in selection.frames.items()}
    return Selection(selection.spec, selection.frames, {name: rows for name, rows in found.items() if rows})
