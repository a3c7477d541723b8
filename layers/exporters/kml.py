"""KML 2.2 and KMZ for Google Earth, Organic Maps and OsmAnd.

Document → a folder per layer → a folder per province (today's 34) → placemarks, styled
by status; reports' uncertainty circles are polygons in their own folder, trips are lines.
A report with no coordinate whose place name gave an approximate area (layers.places) is a
circle of that area, outlined, with no pin, in the reports' folder "Vùng ước lượng theo địa
danh": never a point a viewer would take for a measured one.
A KMZ carries its marker icon, so it shows the same with no internet, and the pictures
attached to its records that its audience may receive (layers.exporters.formats.for_audience):
a team's KMZ their thumbnails, a partner's the clean copies (no EXIF, no GPS) of the pictures a
chapter marked shareable, each shown in its placemark's description. At most KMZ_MAX_IMAGES
pictures and KMZ_MAX_IMAGE_BYTES of them go in one file (the document's description says how
many were left out); recordings, PDFs and videos never do.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pygeoif
import shapely
from fastkml import containers, features, kml, styles
from fastkml.styles import StyleUrl
from PIL import Image, ImageDraw
from pyproj import Geod

from geo.admin import province_names
from layers import attachments as files
from layers.errors import LayersError
from layers.exporters.archive import zip_bytes
from layers.exporters.records import PLACE_NAME, area_text, estimated, labelled_values
from layers.exporters.selection import Selection
from layers.labels import blank, layer_label, short_code
from layers.places import AREA_RADIUS_M
from layers.schema import POSITION_SOURCES, Layer

ONLINE_ICON = "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
KMZ_ICON = "files/dot.png"
CIRCLE_VERTICES = 48
_GEOD = Geod(ellps="WGS84")
UNKNOWN_PROVINCE = {"vi": "Chưa rõ tỉnh", "en": "Province unknown"}
CIRCLES = {"vi": "Vùng sai số vị trí", "en": "Position uncertainty"}
ESTIMATED = {"vi": "Vùng ước lượng theo địa danh", "en": "Areas estimated from the place name"}
THUMB_WIDTH = files.THUMB_SIDE
ESTIMATED_MARK = "≈ "  # before the name of an area that is no measured point
KMZ_MAX_IMAGES = 300  # pictures in one KMZ (a team's thumbnails are ~20 KB each)
KMZ_MAX_IMAGE_BYTES = 40 * files.MIB  # their bytes together: a KMZ still opens on an old phone
PARTNER_IMAGE_SIDE = files.SHARED_IMAGE_SIDE  # a partner's copy of a picture, longest side in pixels
_ATTACHMENT_ID = re.compile(r"[0-9a-f-]{36}")


@dataclass(frozen=True)
class Picture:
    """A picture a KMZ carries: where in the zip, and the caption shown under it (a team's only)."""

    href: str
    caption: str = ""


Pictures = dict[tuple[str, str], list[Picture]]  # (layer, record id) → its pictures


def kml_color(hex_color: str, alpha: int = 255) -> str:
    """#rrggbb as KML's aabbggrr.

    >>> kml_color("#d62728", 128)
    '802827d6'
    """
    r, g, b = hex_color[1:3], hex_color[3:5], hex_color[5:7]
    return f"{alpha:02x}{b}{g}{r}".lower()


def placemark_name(layer: Layer, row: pd.Series) -> str:
    """A record's title (the layer's title field), after its short code when the layer is styled by
    a status (a case record: a team quotes the code on the phone)."""
    title = row.get(layer.title) if layer.title else None
    if layer.style is not None:
        names = "" if blank(title) else f" {title}"
        return f"{short_code(row['id'])}{names}"
    return "" if blank(title) else str(title)


def _has(layer: Layer, name: str) -> bool:
    return any(f.name == name for f in layer.fields)


def description(
    layer: Layer, row: pd.Series, audience: str, lang: str, heading: str = "", pictures: Pictures | None = None
) -> str:
    """The record's details as a small HTML table, after a heading line if any, then its pictures
    (a KMZ's); every value escaped."""
    cells = [
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in labelled_values(layer, row, audience, lang)
    ]
    top = f"<p><b>{html.escape(heading)}</b></p>" if heading else ""
    shown = (pictures or {}).get((layer.name, str(row.get("id"))), [])
    images = "".join(
        f'<p><img src="{html.escape(p.href)}" width="{THUMB_WIDTH}"/>'
        + (f"<br/>{html.escape(p.caption)}" if p.caption else "")
        + "</p>"
        for p in shown
    )
    return f"{top}<table>{''.join(cells)}</table>{images}"


def circle(lon: float, lat: float, radius_m: float) -> list[tuple[float, float]]:
    """A geodesic circle as a closed counter-clockwise ring of lon/lat pairs."""
    azimuths = np.linspace(0, -360, CIRCLE_VERTICES, endpoint=False)
    lons, lats, _ = _GEOD.fwd(
        np.full(CIRCLE_VERTICES, lon), np.full(CIRCLE_VERTICES, lat), azimuths, np.full(CIRCLE_VERTICES, radius_m)
    )
    ring = [(round(float(x), 7), round(float(y), 7)) for x, y in zip(lons, lats, strict=True)]
    return [*ring, ring[0]]


def _styles(layer: Layer, icon: str) -> dict[str, styles.Style]:
    """One shared style per term of the layer's style field (status) or one for the layer, keyed by code."""
    terms = layer.field(layer.style).vocabulary if layer.style else ()
    colors = {t.code: t.color for t in terms} or {"": layer.color}
    return {
        code: styles.Style(
            id=f"{layer.name}-{code or 'all'}".replace("_", "-"),
            styles=[
                styles.IconStyle(color=kml_color(color), scale=1.0, icon_href=icon),
                styles.LineStyle(color=kml_color(color), width=3),
                styles.PolyStyle(color=kml_color(color, 64)),
            ],
        )
        for code, color in colors.items()
    }


def _area_style(layer: Layer) -> styles.Style:
    """An approximate area: its outline and a faint fill in the position source's colour, no icon.
    KML 2.2 has no dashed line: the outline with almost no fill is what sets it apart from the
    solid, filled uncertainty circles of measured points."""
    color = next(t.color for t in POSITION_SOURCES if t.code == PLACE_NAME)
    return styles.Style(
        id=f"{layer.name}-place-name",
        styles=[
            styles.LineStyle(color=kml_color(color), width=2),
            styles.PolyStyle(color=kml_color(color, 24), fill=True, outline=True),
        ],
    )


def rounded(geometry: shapely.Geometry) -> pygeoif.types.GeoType:
    return pygeoif.shape(shapely.transform(geometry, lambda c: np.round(c, 7)))


def _placemark(geometry: shapely.Geometry, name: str, text: str, style: styles.Style) -> features.Placemark:
    return features.Placemark(
        name=name, description=text, style_url=StyleUrl(url=f"#{style.id}"), geometry=rounded(geometry)
    )


def _area_folder(
    layer: Layer, frame: pd.DataFrame, audience: str, lang: str, look: styles.Style, pictures: Pictures | None = None
) -> containers.Folder | None:
    """The approximate areas of records located only by their place name, as circles; None for none."""
    marks = []
    for _, row in frame[estimated(frame)].iterrows():
        radius = row.get("area_radius_m")
        radius = float(radius) if not blank(radius) and float(radius) > 0 else 0.0
        centre = (float(row["area_lon"]), float(row["area_lat"]))
        # A unit of unknown extent still gets a ring, never a point to navigate to.
        ring = shapely.Polygon(circle(*centre, radius or AREA_RADIUS_M))
        text = description(layer, row, audience, lang, heading=area_text(row, lang), pictures=pictures)
        marks.append(_placemark(ring, ESTIMATED_MARK + placemark_name(layer, row), text, look))
    return containers.Folder(name=ESTIMATED[lang], features=marks) if marks else None


def _layer_folder(
    layer: Layer,
    frame: pd.DataFrame,
    audience: str,
    lang: str,
    style: dict,
    area_style: styles.Style | None = None,
    pictures: Pictures | None = None,
) -> containers.Folder:
    """The layer's folder: a sub-folder per province, then the uncertainty circles, then (reports)
    the approximate areas read from place names."""
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]  # nothing to show without a place
    names = province_names("34")
    province = (
        located["province_34"].map(names).fillna(UNKNOWN_PROVINCE[lang])
        if "province_34" in located
        else pd.Series(UNKNOWN_PROVINCE[lang], index=located.index)
    )
    default = next(iter(style.values()))
    children, circles = [], []
    for province_name, rows in located.groupby(province, sort=True):
        marks = []
        for _, row in rows.iterrows():
            look = style.get(row.get(layer.style, "") if layer.style else "", default)
            name = placemark_name(layer, row)
            text = description(layer, row, audience, lang, pictures=pictures)
            marks.append(_placemark(row.geometry, name, text, look))
            radius = row.get("uncertainty_m")
            if _has(layer, "uncertainty_m") and not blank(radius) and float(radius) > 0:
                ring = shapely.Polygon(circle(row.geometry.x, row.geometry.y, float(radius)))
                circles.append(_placemark(ring, name, "", look))
        children.append(containers.Folder(name=f"{province_name} ({len(rows)})", features=marks))
    if circles:
        children.append(containers.Folder(name=CIRCLES[lang], features=circles))
    areas = _area_folder(layer, frame, audience, lang, area_style, pictures) if area_style is not None else None
    if areas is not None:
        children.append(areas)
    return containers.Folder(name=f"{layer_label(layer, lang)} ({len(located)})", features=children)


def build(
    selection: Selection, audience: str, lang: str, icon: str, pictures: Pictures | None = None, note: str = ""
) -> kml.KML:
    all_styles, folders = [], []
    for layer in selection.layers():
        style = _styles(layer, icon)
        all_styles += list(style.values())
        area_style = _area_style(layer) if _has(layer, "area_lat") else None
        if area_style is not None:
            all_styles.append(area_style)
        frame = selection.frames[layer.name]
        folders.append(_layer_folder(layer, frame, audience, lang, style, area_style, pictures))
    extra = {"description": note} if note else {}
    document = containers.Document(name="Bản đồ Đi tìm đồng đội", styles=all_styles, features=folders, **extra)
    return kml.KML(features=[document])


def kml_bytes(selection: Selection, audience: str, lang: str) -> bytes:
    return serialise(build(selection, audience, lang, ONLINE_ICON))


def serialise(document: kml.KML) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + document.to_string(prettyprint=True).encode("utf-8")


def dot_png() -> bytes:
    """A white marker that styles tint by status (KML multiplies the icon by its colour)."""
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((3, 3, 28, 28), fill=(255, 255, 255, 255), outline=(40, 40, 40, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


LEFT_OUT = {
    "vi": "{count} ảnh không được kèm theo: một tệp KMZ mang tối đa {images} ảnh, {mb} MB ảnh.",
    "en": "{count} pictures were left out: one KMZ carries at most {images} pictures, {mb} MB of them.",
}


def _is_picture(row: dict) -> bool:
    kind = files.BY_MEDIA_TYPE.get(str(row.get("media_type")))
    return kind is not None and kind.thumbnail and bool(_ATTACHMENT_ID.fullmatch(str(row.get("id"))))


def _picture_bytes(row: dict, audience: str) -> bytes | None:
    """A team's thumbnail, or a partner's clean copy (no metadata) of one attached picture."""
    try:
        return files.thumbnail(row) if audience == "team" else files.clean_copy(row, PARTNER_IMAGE_SIDE)
    except (LayersError, OSError):  # a file gone from the folder: the placemark goes without it
        return None


def pictures_of(selection: Selection, audience: str) -> tuple[Pictures, list[tuple[str, bytes]], int]:
    """The pictures of the selection's records a KMZ carries (its attachments already cut for the
    audience), in the order of the records: where each is shown, the zip members, and how many
    were left out by the bounds."""
    shown: Pictures = {}
    members: list[tuple[str, bytes]] = []
    total = left = 0
    for name, frame in selection.frames.items():
        by_record = selection.attachments.get(name, {})
        if not by_record or "id" not in frame:
            continue
        for record_id in frame["id"].astype(str):
            for row in filter(_is_picture, by_record.get(record_id, [])):
                if len(members) >= KMZ_MAX_IMAGES:
                    left += 1
                    continue
                data = _picture_bytes(row, audience)
                if data is None:
                    continue
                if total + len(data) > KMZ_MAX_IMAGE_BYTES:
                    left += 1
                    continue
                href = f"files/{row['id']}.jpg"
                caption = str(row.get("caption") or "") if audience == "team" else ""  # a caption may name a witness
                shown.setdefault((name, record_id), []).append(Picture(href, caption))
                members.append((href, data))
                total += len(data)
    return shown, members, left


def kmz_bytes(selection: Selection, audience: str, lang: str) -> bytes:
    """doc.kml first, then the icon it uses, then the pictures its placemarks show, zipped."""
    pictures, members, left = pictures_of(selection, audience)
    note = LEFT_OUT[lang].format(count=left, images=KMZ_MAX_IMAGES, mb=KMZ_MAX_IMAGE_BYTES // files.MIB) if left else ""
    document = serialise(build(selection, audience, lang, KMZ_ICON, pictures, note))
    return zip_bytes([("doc.kml", document), (KMZ_ICON, dot_png()), *members])
