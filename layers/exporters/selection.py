"""What an export holds: the rows of each chosen layer that one FilterSpec selects."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.admin import UnknownPlace
from layers.errors import LayersError
from layers.labels import clean_text
from layers.query import FilterSpec, apply, prepare
from layers.schema import Layer, get_layer
from layers.store import Store

EXPORTABLE = ("reports", "battlefields", "cemeteries", "trips")


@dataclass
class Selection:
    """Rows per layer, in EXPORTABLE order, and the spec that chose them."""

    spec: FilterSpec
    frames: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)

    def layers(self) -> list[Layer]:
        return [get_layer(name) for name in self.frames]

    def counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.frames.items()}

    def total(self) -> int:
        return sum(self.counts().values())

    def cleaned(self) -> Selection:
        """The same rows with control characters taken out of every text column, once for all formats."""
        frames = {}
        for name, frame in self.frames.items():
            text_columns = [c for c in frame.columns if c != "geometry" and _is_text(frame[c])]
            frames[name] = frame.assign(
                **{c: frame[c].map(lambda v: clean_text(v) if isinstance(v, str) else v) for c in text_columns}
            )
        return Selection(self.spec, frames)


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(column) or column.dtype == object


def layer_names(choice: str) -> tuple[str, ...]:
    """`all` or one exportable layer's name."""
    if choice == "all":
        return EXPORTABLE
    if choice not in EXPORTABLE:
        raise LayersError(f"Không xuất được lớp «{choice}»; chọn một trong: all, {', '.join(EXPORTABLE)}.")
    return (choice,)


def narrow(frame: gpd.GeoDataFrame, spec: FilterSpec) -> gpd.GeoDataFrame:
    """The rows of one layer's frame that the spec selects, without the helper columns."""
    try:
        chosen = apply(prepare(frame), spec)
    except UnknownPlace as exc:
        raise LayersError(exc.args[0]) from None
    return chosen[[c for c in chosen.columns if not c.startswith("_")]]


def select(store: Store, names: tuple[str, ...], spec: FilterSpec) -> Selection:
    """Each named layer narrowed by the same spec."""
    return Selection(spec, {name: narrow(store.frame(name), spec) for name in names})
