"""The public progress page (/tien-do): the campaign's figures for anyone, without signing in.

Plain server-rendered HTML, like the intake page (ui/intake.py), served as Starlette routes of
the app's server (server.py): the national page, a page per province (/tien-do/VN-25), a compact
card to embed in an <iframe> (…/nhung), a PNG card (…/anh.png, for Zalo and the bulletin) and a
static export (/tien-do/xuat.zip) that opens from file:// with no server and no internet.

What it shows comes from layers.progress (read through the public viewer; no position finer than
an H3 resolution-5 cell, cells of fewer than 3 sites left out), the provinces' simplified
boundaries, and the stories, media and commendations the chapters and the central association
published. The map's data sits in the page as a
<script type="application/json"> block and its script is a file (ui/progress_assets/ban-do.js):
the CSP lets no inline script run.

Rendering is cached: the data once per data version and day (`progress_of` is the heavy read),
each page once per (data version, language, day, page), in bounded in-process caches; answers
carry Cache-Control: public, max-age=300 and an ETag, so a website linking to the page does not
make the database work on every visit.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import h3
import shapely
from PIL import Image, ImageDraw, ImageFont
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from geo.admin import boundaries
from layers import commendations, stories
from layers.campaign import vietnam_today
from layers.failures import log_failure
from layers.labels import number
from layers.progress import (
    DECIMALS,
    MIN_SITES,
    PUBLIC_FIGURES,
    Progress,
    ProvinceProgress,
    progress_of,
    province_of,
    public_label,
)
from layers.store import Store
from ui.i18n import text
from ui.public_files import media_url
from ui.static_files import STATIC_DIR, STATIC_URL

PROGRESS_PATH = "/tien-do"
EMBED = "nhung"
PNG = "anh.png"
ZIP_PATH = f"{PROGRESS_PATH}/xuat.zip"
SCRIPT_PATH = f"{PROGRESS_PATH}/ban-do.js"
EXPORTED_MEDIA = "tep"  # the static export's folder of public pictures
SCRIPT_FILE = Path(__file__).resolve().parent / "progress_assets" / "ban-do.js"
LEAFLET_DIR = STATIC_DIR / "vendor" / "leaflet"
FONT_DIR = STATIC_DIR / "vendor" / "dejavu-fonts-ttf" / "ttf"
MAP_VIEW = (16.2, 106.5, 5)  # the map's first view (lat, lon, zoom), before it fits the provinces
SIMPLIFY_DEG = 0.02  # about 2 km: the boundaries' detail on a country-wide map
GRID_DEG = 0.01  # their vertices rounded to two decimals
CELL_DECIMALS = 4  # a hexagon's vertices, to about 11 m (the cell itself is about 250 km²)
CHOROPLETH_FIGURE = "reports_received"
SHADES = ("#f7f4f0", "#fde0c5", "#facba6", "#f59e72", "#e5663f", "#b8321f")  # none, then five steps
CACHE_SIZE = 256  # pages kept; a page is a few tens of kB
MAX_AGE = 300
HEADERS = {
    "Cache-Control": f"public, max-age={MAX_AGE}",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Any site may frame these pages (the association's website, a news article); no inline
    # script can run, only this site's files.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "media-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors *; base-uri 'none'; "
        "object-src 'none'"
    ),
}


# -- the map's data -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def province_shapes() -> tuple[tuple[str, str, shapely.Geometry], ...]:
    """The 34 provinces, simplified as one coverage (shared edges stay shared) and rounded to
    GRID_DEG: (code, name, geometry)."""
    source = boundaries("34")
    geometry = shapely.coverage_simplify(source.geometry.values, SIMPLIFY_DEG)
    geometry = shapely.make_valid(shapely.set_precision(geometry, GRID_DEG))
    return tuple(zip(source["code"], source["name"], geometry, strict=True))


def _rounded(geometry: shapely.Geometry, decimals: int) -> dict:
    data = json.loads(json.dumps(shapely.geometry.mapping(geometry)), parse_float=lambda s: round(float(s), decimals))
    return data


def shade(value: float, top: float) -> str:
    """The choropleth's colour of a value (0: the palest; the top value: the darkest)."""
    if value <= 0 or top <= 0:
        return SHADES[0]
    return SHADES[min(len(SHADES) - 1, 1 + int(4 * value / top + 1e-9))]


def hexagon(cell: str) -> shapely.Polygon:
    """A cell's hexagon as a lon/lat polygon (h3's boundary, closed)."""
    return shapely.Polygon([(lon, lat) for lat, lon in h3.cell_to_boundary(cell)])


def map_data(progress: Progress, lang: str, links: Links, focus: str | None = None) -> dict:
    """The map's data: the provinces (shaded, with their tooltip and page), the density hexagons
    with their counts, the first view. Only boundary vertices, hexagon vertices and the view."""
    values = {p.code: p.figures[CHOROPLETH_FIGURE] for p in progress.provinces}
    top = max(values.values(), default=0)
    label = public_label(CHOROPLETH_FIGURE, lang)
    provinces = []
    for code, name, geometry in province_shapes():
        value = values.get(code, 0)
        properties = {
            "code": code,
            "fill": shade(value, top),
            "tip": html.escape(f"{name}: {number(value, lang)} {label.lower()}"),
            "href": links.province(code),
            "focus": code == focus,
            "dim": focus is not None and code != focus,
        }
        provinces.append({"type": "Feature", "properties": properties, "geometry": _rounded(geometry, 2)})
    cells = progress.cells if focus is None else province_of(progress, focus).cells
    hexagons = [
        {
            "type": "Feature",
            "properties": {"n": n, "tip": html.escape(text("pg_cell_tip", lang, n=number(n, lang)))},
            "geometry": _rounded(hexagon(cell), CELL_DECIMALS),
        }
        for cell, n in cells
    ]
    return {
        "view": list(MAP_VIEW),
        "provinces": {"type": "FeatureCollection", "features": provinces},
        "cells": {"type": "FeatureCollection", "features": hexagons},
    }


def json_block(data: dict) -> str:
    """Data for the page's script as a JSON block no text in it can end early."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# -- the pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Where a page's links and assets point: the live site, or the files of the static export."""

    lang: str
    exported: bool = False

    def _query(self) -> str:
        return "?lang=en" if self.lang == "en" and not self.exported else ""

    def national(self) -> str:
        return "index.html" if self.exported else f"{PROGRESS_PATH}{self._query()}"

    def province(self, code: str) -> str:
        return f"{code}.html" if self.exported else f"{PROGRESS_PATH}/{code}{self._query()}"

    def png(self, code: str | None) -> str:
        if self.exported:
            return f"{code or 'toan-quoc'}.png"
        return f"{PROGRESS_PATH}/{code}/{PNG}" if code else f"{PROGRESS_PATH}/{PNG}"

    def leaflet(self, name: str) -> str:
        return f"assets/{name}" if self.exported else f"{STATIC_URL}/vendor/leaflet/{name}"

    def script(self) -> str:
        return "assets/ban-do.js" if self.exported else SCRIPT_PATH

    def media(self, media_id: str, still: bool = False) -> str:
        """A public photo or video (or its still): in the export, a JPEG copied beside the pages
        (a video is shown there by its still)."""
        if self.exported:
            return f"{EXPORTED_MEDIA}/{media_id}.jpg"
        return media_url(media_id, still=still)


STYLE = """
body { font-family: "DejaVu Sans", system-ui, sans-serif; background: #f5f5f2; margin: 0; color: #1a1a1a;
  line-height: 1.45; }
main { max-width: 68rem; margin: 0 auto; background: #fff; padding: .8rem 1rem 2rem; }
h1 { font-size: 1.55rem; line-height: 1.25; margin: .3rem 0 .3rem; color: #8a1111; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .5rem; padding-top: .6rem; border-top: 2px solid #ddd; }
.org { color: #555; font-size: .9rem; margin: .2rem 0; }
.lang { float: right; font-size: .9rem; margin: .2rem 0 .2rem .8rem; }
.demo { background: #fff3c4; border: 2px solid #c99a00; color: #5a4300; padding: .45rem .8rem;
  border-radius: .3rem; font-weight: bold; }
.days { display: inline-block; background: #8a1111; color: #fff; padding: .35rem .8rem; border-radius: .3rem;
  font-weight: bold; font-size: 1.1rem; margin: .3rem 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .6rem; margin: .8rem 0; }
.figure { border: 1px solid #ddd; border-left: 5px solid #b22222; border-radius: .3rem; padding: .5rem .7rem; }
.figure .value { font-size: 1.7rem; font-weight: bold; color: #222; display: block; }
.figure .label { font-size: .9rem; color: #444; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .9rem; min-width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .45rem; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { background: #f0ede8; vertical-align: bottom; white-space: normal; }
td.source { white-space: normal; text-align: left; font-size: .8rem; color: #444; min-width: 14rem; }
#ban-do { height: 34rem; max-height: 75vh; border: 1px solid #999; border-radius: .3rem; background: #dfe9f0; }
.help, .how { color: #444; font-size: .88rem; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem .9rem; font-size: .85rem; margin: .4rem 0; align-items: center; }
.legend i { display: inline-block; width: 1rem; height: 1rem; border: 1px solid #999; vertical-align: middle;
  margin-right: .25rem; }
.legend i.cell { background: #2f7fc1; opacity: .7; border-color: #0b3d6e; }
pre { background: #f0ede8; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all;
  font-size: .85rem; }
.story { border-top: 1px solid #ddd; padding: .5rem 0; }
.media { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .8rem; }
.media figure { margin: 0; } .media img, .media video { width: 100%; height: auto; border-radius: .3rem; }
.media figcaption { font-size: .85rem; color: #333; }
a { color: #0b4fa3; }
@media (max-width: 480px) { h1 { font-size: 1.25rem; } .figure .value { font-size: 1.35rem; }
  .figures { grid-template-columns: 1fr 1fr; } #ban-do { height: 26rem; } main { padding: .6rem .6rem 1.5rem; } }
"""
EMBED_STYLE = """
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
.card { padding: .7rem .9rem; border: 2px solid #b22222; border-radius: .4rem; }
h1 { font-size: 1.05rem; margin: 0 0 .3rem; color: #8a1111; }
.days { font-weight: bold; margin: .2rem 0 .4rem; }
.demo { background: #fff3c4; color: #5a4300; font-weight: bold; font-size: .8rem; padding: .15rem .4rem; }
dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .3rem .8rem; margin: .4rem 0; }
dt { font-size: .75rem; color: #555; } dd { margin: 0 0 .2rem; font-size: 1.2rem; font-weight: bold; }
a { color: #0b4fa3; font-size: .85rem; }
"""


def _figure_value(key: str, value: float, lang: str) -> str:
    return number(value, lang, DECIMALS.get(key, 0))


def _head(lang: str, title: str, links: Links, with_map: bool, style: str = STYLE) -> str:
    e = html.escape
    leaflet = ""
    if with_map:
        leaflet = (
            f'<link rel="stylesheet" href="{e(links.leaflet("leaflet.css"))}">'
            f'<script src="{e(links.leaflet("leaflet.js"))}" defer></script>'
            f'<script src="{e(links.script())}" defer></script>'
        )
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{style}</style>{leaflet}</head>"
    )


def _top(lang: str, links: Links, here: str) -> str:
    """The language switch (the live site only) and the association's line."""
    e = html.escape
    switch = ""
    if not links.exported:
        other = "vi" if lang == "en" else "en"
        target = here + ("?lang=en" if other == "en" else "")
        switch = f'<a class="lang" href="{e(target)}">{e(text(f"language_{other}", lang))}</a>'
    return f'{switch}<p class="org">{e(text("pg_org", lang))}</p>'


def _banner(progress: Progress, lang: str) -> str:
    return f'<p class="demo" role="note">{html.escape(text("pg_demo", lang))}</p>' if progress.demo else ""


def _period_line(progress: Progress, lang: str) -> str:
    period = progress.period
    days = {
        "start": f"{period.start:%d/%m/%Y}",
        "end": f"{period.end:%d/%m/%Y}",
        "made": f"{progress.made_on:%d/%m/%Y}",
    }
    return html.escape(text("pg_period", lang, **days))


def _figures(figures: dict[str, float], lang: str) -> str:
    e = html.escape
    boxes = "".join(
        f'<div class="figure" data-figure="{key}">'
        f'<span class="value">{e(_figure_value(key, figures[key], lang))}</span>'
        f'<span class="label">{e(public_label(key, lang))}</span></div>'
        for key in PUBLIC_FIGURES
    )
    return f'<section class="figures">{boxes}</section>'


def _province_table(progress: Progress, lang: str, links: Links) -> str:
    e = html.escape
    head = "".join(f"<th>{e(public_label(key, lang))}</th>" for key in PUBLIC_FIGURES)
    rows = "".join(
        f'<tr><td><a href="{e(links.province(p.code))}">{e(p.name)}</a></td>'
        + "".join(f"<td>{e(_figure_value(k, p.figures[k], lang))}</td>" for k in PUBLIC_FIGURES)
        + "</tr>"
        for p in progress.provinces
    )
    return (
        f'<div class="scroll"><table id="bang-tinh"><thead><tr><th>{e(text("pg_province", lang))}</th>{head}</tr>'
        f"</thead><tbody>{rows}</tbody></table></div>"
    )


def _targets(progress: Progress, lang: str) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(t.label(lang))}</td><td>{e(number(t.value, lang))}</td><td>{e(t.period)}</td>"
        f'<td class="source">{e(t.source)} ({e(t.as_of)})</td></tr>'
        for t in progress.targets
    )
    heads = "".join(f"<th>{e(text(k, lang))}</th>" for k in ("pg_target", "pg_value", "pg_target_period", "pg_source"))
    return (
        f'<div class="scroll"><table id="muc-tieu"><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table></div>'
    )


def _map(progress: Progress, lang: str, links: Links, focus: str | None) -> str:
    e = html.escape
    cells = progress.cells if focus is None else province_of(progress, focus).cells
    legend = "".join(f'<span><i style="background:{c}"></i></span>' for c in SHADES[1:])
    return (
        f"<h2>{e(text('pg_map', lang))}</h2>"
        f'<p class="help">{e(text("pg_map_help", lang, min=MIN_SITES))}</p>'
        f'<div class="legend"><span><i style="background:{SHADES[0]}"></i>0</span>{legend}'
        f"<span>{e(public_label(CHOROPLETH_FIGURE, lang))}</span>"
        f'<span><i class="cell"></i>{e(text("pg_cells", lang, n=len(cells), min=MIN_SITES))}</span></div>'
        '<div id="ban-do"></div>'
        f'<script type="application/json" id="tien-do-du-lieu">{json_block(map_data(progress, lang, links, focus))}'
        "</script>"
    )


def _embed_snippet(lang: str, base: str, code: str | None) -> str:
    e = html.escape
    path = f"{PROGRESS_PATH}/{code}/{EMBED}" if code else f"{PROGRESS_PATH}/{EMBED}"
    query = "?lang=en" if lang == "en" else ""
    snippet = (
        f'<iframe src="{base}{path}{query}" width="100%" height="330" style="border:0" '
        f'loading="lazy" title="{text("pg_title", lang)}"></iframe>'
    )
    return (
        f'<h2>{e(text("pg_embed", lang))}</h2><p class="help">{e(text("pg_embed_help", lang))}</p>'
        f'<pre><code id="ma-nhung">{e(snippet)}</code></pre>'
    )


def _downloads(lang: str, links: Links, code: str | None) -> str:
    e = html.escape
    zipped = "" if links.exported else f'<li><a href="{ZIP_PATH}{links._query()}">{e(text("pg_zip", lang))}</a></li>'
    return (
        f'<h2>{e(text("pg_downloads", lang))}</h2><ul><li><a href="{e(links.png(code))}">{e(text("pg_png", lang))}</a>'
        f"</li>{zipped}</ul>"
    )


def _commendations(items: list, lang: str) -> str:
    e = html.escape
    if not items:
        return ""
    rows = "".join(
        f"<tr><td>{e(f'{c.period_start:%d/%m/%Y} – {c.period_end:%d/%m/%Y}')}</td>"
        f"<td>{c.rank}</td><td>{e(c.name)}</td><td class='source'>{e(c.note)}</td></tr>"
        for c in items
    )
    heads = "".join(f"<th>{e(text(k, lang))}</th>" for k in ("pg_target_period", "pg_rank", "pg_name", "pg_note"))
    return (
        f'<h2>{e(text("pg_commendations", lang))}</h2><div class="scroll"><table id="bieu-duong">'
        f"<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _stories(stories: list, lang: str) -> str:
    e = html.escape
    if not stories:
        return ""
    items = "".join(
        f'<article class="story"><h3>{e(s.title)}</h3>'
        f"<p>{e(s.chapter_name)}{e(f' · {s.day:%d/%m/%Y}' if s.day else '')}</p><p>{e(s.sentence)}</p></article>"
        for s in stories
    )
    return f"<h2>{e(text('pg_stories', lang))}</h2>{items}"


def _media(media: list, lang: str, links: Links) -> str:
    e = html.escape
    shown = []
    for m in media:
        url = links.media(m.id)
        if m.kind == "video" and not links.exported:
            poster = links.media(m.id, still=True)
            body = f'<video controls preload="none" poster="{e(poster)}" src="{e(url)}"></video>'
        else:
            body = f'<img src="{e(url)}" alt="{e(m.caption)}" loading="lazy">'
        shown.append(f"<figure>{body}<figcaption>{e(m.caption)}</figcaption></figure>")
    return f'<h2>{e(text("pg_media", lang))}</h2><div class="media">{"".join(shown)}</div>' if shown else ""


@dataclass(frozen=True)
class Published:
    """What the chapters and the central association published, for one page."""

    stories: tuple = ()
    media: tuple = ()
    commendations: tuple = ()


def national_page(
    progress: Progress, lang: str, links: Links, base: str = "", published: Published = Published()
) -> str:
    """The national page: figures, days left, the map, every province, targets, embedding."""
    e = html.escape
    title = text("pg_title", lang)
    embed = "" if links.exported else _embed_snippet(lang, base, None)
    return f"""{_head(lang, title, links, True)}
<body><main>
{_top(lang, links, PROGRESS_PATH)}
<h1>{e(title)} · {e(text("pg_national", lang))}</h1>
{_banner(progress, lang)}
<p class="days" id="con-ngay">{e(text("pg_days_left", lang, n=number(progress.days_left, lang)))}</p>
<p class="help">{_period_line(progress, lang)}</p>
{_figures(progress.national, lang)}
<p class="how">{e(text("pg_how", lang))}</p>
{_map(progress, lang, links, None)}
<h2>{e(text("pg_by_province", lang))}</h2>
{_province_table(progress, lang, links)}
<h2>{e(text("pg_targets", lang))}</h2>
{_targets(progress, lang)}
{_commendations(list(published.commendations), lang)}
{_downloads(lang, links, None)}
{embed}
</main></body></html>"""


def province_page(
    progress: Progress,
    province: ProvinceProgress,
    lang: str,
    links: Links,
    base: str = "",
    published: Published = Published(),
) -> str:
    """A province's page: its figures, its cells on the map, its stories and public media."""
    e = html.escape
    title = f"{province.name} · {text('pg_title', lang)}"
    embed = "" if links.exported else _embed_snippet(lang, base, province.code)
    empty = not any(province.figures.values())
    none_yet = f'<p class="help">{e(text("pg_no_province_data", lang))}</p>' if empty else ""
    return f"""{_head(lang, title, links, True)}
<body><main>
{_top(lang, links, f"{PROGRESS_PATH}/{province.code}")}
<p><a href="{e(links.national())}">{e(text("pg_back", lang))}</a></p>
<h1>{e(province.name)}</h1>
<p class="org">{e(text("pg_title", lang))}</p>
{_banner(progress, lang)}
<p class="days" id="con-ngay">{e(text("pg_days_left", lang, n=number(progress.days_left, lang)))}</p>
<p class="help">{_period_line(progress, lang)}</p>
{none_yet}
{_figures(province.figures, lang)}
<p class="how">{e(text("pg_how", lang))}</p>
{_map(progress, lang, links, province.code)}
{_stories(list(published.stories), lang)}
{_media(list(published.media), lang, links)}
{_downloads(lang, links, province.code)}
{embed}
</main></body></html>"""


def embed_page(progress: Progress, province: ProvinceProgress | None, lang: str) -> str:
    """The compact card for an <iframe>: the figures, days left and a link to the full page."""
    e = html.escape
    links = Links(lang)
    figures = progress.national if province is None else province.figures
    name = text("pg_national", lang) if province is None else province.name
    full = links.national() if province is None else links.province(province.code)
    items = "".join(
        f"<dt>{e(public_label(k, lang))}</dt><dd>{e(_figure_value(k, figures[k], lang))}</dd>" for k in PUBLIC_FIGURES
    )
    demo = f'<span class="demo">{e(text("pg_demo", lang))}</span>' if progress.demo else ""
    return f"""{_head(lang, text("pg_title", lang), links, False, EMBED_STYLE)}
<body><div class="card"><h1>{e(text("pg_title", lang))} · {e(name)}</h1>{demo}
<p class="days">{e(text("pg_days_left", lang, n=number(progress.days_left, lang)))}</p>
<dl>{items}</dl><a href="{e(full)}" target="_blank" rel="noopener">{e(text("pg_full_page", lang))}</a>
</div></body></html>"""


def not_found_page(lang: str, code: str) -> str:
    e = html.escape
    links = Links(lang)
    return f"""{_head(lang, text("pg_not_found_title", lang), links, False)}
<body><main>{_top(lang, links, PROGRESS_PATH)}<h1>{e(text("pg_not_found_title", lang))}</h1>
<p>{e(text("pg_not_found", lang, code=code[:40]))}</p>
<p><a href="{e(links.national())}">{e(text("pg_back", lang))}</a></p></main></body></html>"""


def error_page(lang: str) -> str:
    links = Links(lang)
    return (
        f"{_head(lang, text('pg_title', lang), links, False)}<body><main><h1>{html.escape(text('pg_title', lang))}</h1>"
        f"<p>{html.escape(text('pg_error', lang))}</p></main></body></html>"
    )


# -- the PNG card -------------------------------------------------------------------------------

CARD = (1200, 630)


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _wrapped(draw: ImageDraw.ImageDraw, said: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in said.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def _draw_map(draw: ImageDraw.ImageDraw, progress: Progress, box: tuple[int, int, int, int], focus: str | None) -> None:
    """The provinces, shaded as on the page, fitted into box (left, top, right, bottom)."""
    shapes = province_shapes()
    values = {p.code: p.figures[CHOROPLETH_FIGURE] for p in progress.provinces}
    top = max(values.values(), default=0)
    x0, y0, x1, y1 = shapely.total_bounds(shapely.GeometryCollection([g for _c, _n, g in shapes])).tolist()
    squeeze = 0.96  # about cos(16°): the map's longitudes shortened at Vietnam's middle latitude
    scale = min((box[2] - box[0]) / ((x1 - x0) * squeeze), (box[3] - box[1]) / (y1 - y0))
    left = box[0] + ((box[2] - box[0]) - (x1 - x0) * squeeze * scale) / 2

    def at(lon: float, lat: float) -> tuple[float, float]:
        return left + (lon - x0) * squeeze * scale, box[1] + (y1 - lat) * scale

    for code, _name, geometry in shapes:
        for polygon in getattr(geometry, "geoms", [geometry]):
            if polygon.geom_type != "Polygon":
                continue
            outline = "#111111" if code == focus else "#777777"
            points = [at(x, y) for x, y in polygon.exterior.coords]
            if len(points) >= 3:
                draw.polygon(
                    points, fill=shade(values.get(code, 0), top), outline=outline, width=3 if code == focus else 1
                )


def card_png(progress: Progress, province: ProvinceProgress | None, lang: str) -> bytes:
    """The progress card as a PNG: title, figures, days left and the provinces' map (no metadata)."""
    image = Image.new("RGB", CARD, "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, CARD[0], 10), fill="#b22222")
    name = text("pg_national", lang) if province is None else province.name
    figures = progress.national if province is None else province.figures
    y = 34
    for line in _wrapped(draw, text("pg_title", lang), _font(30, True), 780)[:2]:
        draw.text((40, y), line, font=_font(30, True), fill="#8a1111")
        y += 40
    draw.text((40, y + 4), name, font=_font(26, True), fill="#222222")
    y += 46
    if progress.demo:
        draw.rectangle((40, y, 470, y + 30), fill="#fff3c4", outline="#c99a00")
        draw.text((50, y + 4), text("pg_demo", lang), font=_font(18, True), fill="#5a4300")
        y += 40
    keys = list(PUBLIC_FIGURES)
    for index, key in enumerate(keys):
        column, row = index % 2, index // 2
        fx, fy = 40 + column * 400, y + 8 + row * 92
        draw.text((fx, fy), _figure_value(key, figures[key], lang), font=_font(34, True), fill="#222222")
        for n, line in enumerate(_wrapped(draw, public_label(key, lang), _font(16), 370)[:2]):
            draw.text((fx, fy + 44 + n * 19), line, font=_font(16), fill="#444444")
    days = text("pg_days_left", lang, n=number(progress.days_left, lang))
    draw.rectangle((40, CARD[1] - 62, 60 + draw.textlength(days, font=_font(24, True)), CARD[1] - 22), fill="#8a1111")
    draw.text((50, CARD[1] - 57), days, font=_font(24, True), fill="#ffffff")
    made = f"{progress.made_on:%d/%m/%Y}"
    draw.text((CARD[0] - 380, CARD[1] - 40), made, font=_font(16), fill="#555555")
    _draw_map(draw, progress, (860, 40, 1170, 600), None if province is None else province.code)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# -- the static export --------------------------------------------------------------------------


def export_files(
    progress: Progress,
    lang: str,
    published_of: Callable[[str | None], Published] | None = None,
    picture_of: Callable[[str, bool], bytes | None] | None = None,
) -> dict[str, bytes]:
    """The static export, file name → content: index.html, one page and one PNG card per province,
    the national card, the assets (Leaflet, the map script) and the public photos (a video by
    its still; `picture_of(id, still)` gives the clean JPEG, None when it cannot be made). Every
    page holds its data in itself, so the folder opens from file:// with no server and no
    internet."""
    links = Links(lang, exported=True)
    published_of = published_of or (lambda _code: Published())
    picture_of = picture_of or (lambda _id, _still: None)
    national = published_of(None)
    files = {
        "index.html": national_page(
            progress, lang, links, published=Published(commendations=national.commendations)
        ).encode(),
        "toan-quoc.png": card_png(progress, None, lang),
        "assets/leaflet.js": (LEAFLET_DIR / "leaflet.js").read_bytes(),
        "assets/leaflet.css": (LEAFLET_DIR / "leaflet.css").read_bytes(),
        "assets/ban-do.js": SCRIPT_FILE.read_bytes(),
    }
    for province in progress.provinces:
        published = published_of(province.code)
        media = []
        for item in published.media:
            picture = picture_of(item.id, item.kind == "video")
            if picture is not None:
                files[links.media(item.id)] = picture
                media.append(item)
        shown = Published(stories=published.stories, media=tuple(media))
        page = province_page(progress, province, lang, links, published=shown)
        files[f"{province.code}.html"] = page.encode()
        files[f"{province.code}.png"] = card_png(progress, province, lang)
    return files


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(f"tien-do/{name}", content)
    return out.getvalue()


# -- the cache and the requests ------------------------------------------------------------------


class Renderings:
    """The data once per (data version, day), each answer once per (data version, language, day,
    page): a bounded in-process cache shared by every request of the process."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.pages: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self.data: OrderedDict[tuple, Progress] = OrderedDict()
        self.lock = threading.Lock()

    def progress(self, store: Store, version: tuple, today: date) -> Progress:
        key = (version, today)
        with self.lock:
            if key in self.data:
                return self.data[key]
        progress = progress_of(store, today)
        with self.lock:
            self.data[key] = progress
            while len(self.data) > 2:
                self.data.popitem(last=False)
        return progress

    def answer(self, key: tuple, make: Callable[[], bytes]) -> tuple[bytes, str]:
        """The cached (body, ETag) of a page, made when missing."""
        with self.lock:
            if key in self.pages:
                self.pages.move_to_end(key)
                return self.pages[key]
        body = make()
        done = (body, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')
        with self.lock:
            self.pages[key] = done
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)
        return done


RENDERINGS = Renderings()


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "vi"


def published_for(store: Store, code: str | None) -> Published:
    """The stories and media of a province, or the commendations for the national page."""
    if code is None:
        return Published(commendations=tuple(commendations.published(store)))
    return Published(
        stories=tuple(stories.public_stories(store, province_34=code)),
        media=tuple(stories.public_media(store, province_34=code)),
    )


def picture_for(store: Store) -> Callable[[str, bool], bytes | None]:
    """The static export's source of public pictures: a clean JPEG of a photo, or a video's still."""

    def picture(media_id: str, still: bool) -> bytes | None:
        found = stories.public_file(store, media_id, still=still)
        return None if found is None else found[0]

    return picture


def _make(store: Store, page: str, code: str | None, lang: str, progress: Progress, base: str) -> bytes:
    """One answer's body: page is "html", "embed", "png" or "zip"."""
    links = Links(lang)
    province = None if code is None else province_of(progress, code)
    if page == "png":
        return card_png(progress, province, lang)
    if page == "embed":
        return embed_page(progress, province, lang).encode()
    if page == "zip":
        return zipped(export_files(progress, lang, lambda c: published_for(store, c), picture_for(store)))
    if province is None:
        return national_page(progress, lang, links, base, published_for(store, None)).encode()
    return province_page(progress, province, lang, links, base, published_for(store, code)).encode()


MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "embed": "text/html; charset=utf-8",
    "png": "image/png",
    "zip": "application/zip",
}


def _answer(store_of, request: Request, page: str, code: str | None) -> Response:
    """The cached answer (304 when the browser holds it), a 404 page for an unknown province."""
    lang = _lang(request)
    store = store_of()
    today = vietnam_today()
    version = store.version_token()
    progress = RENDERINGS.progress(store, version, today)
    if code is not None and province_of(progress, code) is None:
        return HTMLResponse(
            not_found_page(lang, code), status_code=404, headers={**HEADERS, "Cache-Control": "no-store"}
        )
    base = str(request.base_url).rstrip("/")
    key = (version, lang, today, page, code, base if page == "html" else "")
    body, etag = RENDERINGS.answer(key, lambda: _make(store, page, code, lang, progress, base))
    headers = {**HEADERS, "ETag": etag}
    if page == "zip":
        headers["Content-Disposition"] = 'attachment; filename="tien-do.zip"'
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPES[page], headers=headers)


def routes(store_of) -> list[Route]:
    """The progress page's routes; `store_of()` gives the process's store."""

    def endpoint(page: str, with_code: bool):
        async def serve(request: Request) -> Response:
            code = request.path_params.get("code") if with_code else None
            try:
                return await run_in_threadpool(_answer, store_of, request, page, code)
            except Exception as exc:  # noqa: BLE001 - the visitor gets one line, never a traceback
                log_failure("public progress page", exc)
                return HTMLResponse(
                    error_page(_lang(request)), status_code=503, headers={**HEADERS, "Cache-Control": "no-store"}
                )

        return serve

    async def script(request: Request) -> Response:
        return Response(
            SCRIPT_FILE.read_bytes(),
            media_type="text/javascript",
            headers={**HEADERS, "Cache-Control": "public, max-age=3600"},
        )

    return [
        Route(PROGRESS_PATH, endpoint("html", False), methods=["GET"]),
        Route(SCRIPT_PATH, script, methods=["GET"]),
        Route(f"{PROGRESS_PATH}/{EMBED}", endpoint("embed", False), methods=["GET"]),
        Route(f"{PROGRESS_PATH}/{PNG}", endpoint("png", False), methods=["GET"]),
        Route(ZIP_PATH, endpoint("zip", False), methods=["GET"]),
        Route(f"{PROGRESS_PATH}/{{code}}", endpoint("html", True), methods=["GET"]),
        Route(f"{PROGRESS_PATH}/{{code}}/{EMBED}", endpoint("embed", True), methods=["GET"]),
        Route(f"{PROGRESS_PATH}/{{code}}/{PNG}", endpoint("png", True), methods=["GET"]),
    ]
