"""The monthly bulletin (Bản tin): a calendar month's campaign figures against the month before,
the provinces that moved most, the stories chapters marked public and the published
commendations.

The bulletin is published, so everything is read through `access.public()`, as the public
progress page reads it (layers.progress): every record counted, no witness contact, no private
field. The figures are those of the campaign report (layers.campaign.Scope.figures, the same
definitions) over the month. A province "moved" by what the month added to the public totals:
the sum of its month's MOVER_FIGURES (testimonies received, reports verified, searches made,
remains found and handed over, identified, recognised as martyrs); the MOVERS provinces that
moved most are kept, the most first.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image

from geo.admin import province_names
from layers.access import public
from layers.campaign import Figures, Period, Scope, vietnam_today
from layers.commendations import published
from layers.errors import LayersError
from layers.events import paperwork_events, status_events
from layers.publication import PublicCommendation, Story
from layers.store import Store
from layers.stories import public_file, public_stories

FIRST_MONTH = date(2026, 3, 1)  # the campaign started on 14/03/2026
MONTH_FORMAT = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The figures the bulletin prints, in order (keys of layers.campaign.Figures): the public ones.
BULLETIN_FIGURES = (
    "reports_received",
    "reports_verified",
    "trips",
    "km2_searched",
    "remains_found",
    "remains_handed_over",
    "identified",
    "sites_handed_over",
    "cases_recognised",
)
# What a province's movement over the month adds up (each counts things, so they add).
MOVER_FIGURES = (
    "reports_received",
    "reports_verified",
    "trips",
    "remains_found",
    "remains_handed_over",
    "identified",
    "cases_recognised",
)
# The movers' figures a printed table has room for (a subset of MOVER_FIGURES).
MOVER_COLUMNS = ("reports_received", "trips", "remains_found", "identified")
MOVERS = 5
PICTURE_SIDE = 1200  # the longest side a story's picture keeps (px): enough for A4 print
PICTURE_PIXELS = 40_000_000  # a still larger than this is not decoded (no pixel bomb)


@dataclass(frozen=True)
class Mover:
    """A province among those that moved most in the month: its figures of the month and of the
    month before (keys of layers.campaign.Figures), and how much it moved (MOVER_FIGURES' sum)."""

    code: str
    name: str
    figures: dict[str, float]
    previous: dict[str, float]
    moved: int


@dataclass(frozen=True)
class BulletinStory:
    """A public story with the picture printed beside it: the first of its media with a still,
    re-encoded as a JPEG without metadata (None: no picture)."""

    story: Story
    picture: bytes | None


@dataclass(frozen=True)
class Bulletin:
    month: Period
    previous_month: Period
    figures: Figures
    previous: Figures
    movers: tuple[Mover, ...]
    stories: tuple[BulletinStory, ...]
    commendations: tuple[PublicCommendation, ...]
    made_on: date
    demo: bool


def _month(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    return Period("month", f"tháng {month:02d}/{year}", f"{MONTHS_EN[month - 1]} {year}", start, end)


def previous_month(month: Period) -> Period:
    """The calendar month before (Period.previous counts days, and months differ in length)."""
    before = month.start - timedelta(days=1)
    return _month(before.year, before.month)


def bulletin_months(today: date) -> list[Period]:
    """Every month a bulletin can be made of: March 2026 (the campaign's start) to today's, latest first."""
    months, month = [], _month(today.year, today.month)
    while month.start >= FIRST_MONTH:
        months.append(month)
        month = previous_month(month)
    return months


def month_period(text: str, today: date | None = None) -> Period:
    """The month written "YYYY-MM" (from 2026-03 to the current month in Vietnam)."""
    found = MONTH_FORMAT.match(text.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise LayersError(f"--month phải có dạng 2027-01 (năm-tháng), không phải «{text[:20]}».")
    month = _month(int(found[1]), int(found[2]))
    today = today or vietnam_today()
    latest = date(today.year, today.month, 1)
    if not FIRST_MONTH <= month.start <= latest:
        raise LayersError(
            f"--month phải từ {FIRST_MONTH:%Y-%m} (chiến dịch bắt đầu) đến {latest:%Y-%m} (tháng này), "
            f"không phải {month.start:%Y-%m}."
        )
    return month


def _movers(scope: Scope, month: Period, before: Period) -> tuple[Mover, ...]:
    """The MOVERS provinces that moved most in the month, the most first (then by name)."""
    now, then = scope.by("province_34", month), scope.by("province_34", before)
    names = province_names("34")
    moved = now[list(MOVER_FIGURES)].sum(axis=1)
    ranked = sorted(
        ((int(value), code) for code, value in moved.items() if value > 0),
        key=lambda vc: (-vc[0], names.get(vc[1], vc[1])),
    )
    return tuple(
        Mover(
            code,
            names.get(code, code),
            now.loc[code].to_dict(),
            then.loc[code].to_dict() if code in then.index else dict.fromkeys(now.columns, 0),
            value,
        )
        for value, code in ranked[:MOVERS]
    )


def clean_picture(data: bytes) -> bytes | None:
    """A still as the bulletin prints it: decoded, at most PICTURE_SIDE px, re-encoded as a JPEG
    with no metadata (no EXIF, no position); None when it is not an image Pillow can read."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > PICTURE_PIXELS:
                return None
            image.draft("RGB", (PICTURE_SIDE, PICTURE_SIDE))
            picture = image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    picture.thumbnail((PICTURE_SIDE, PICTURE_SIDE))
    pixels_only = Image.frombytes("RGB", picture.size, picture.tobytes())  # no info, comment, EXIF, ICC
    out = io.BytesIO()
    pixels_only.save(out, "JPEG", quality=85)
    return out.getvalue()


def _stories(store: Store, month: Period) -> tuple[BulletinStory, ...]:
    """The month's public stories (layers.stories), each with its first picture."""
    stories = []
    for story in public_stories(store, month.start, month.end):
        picture = None
        for media in story.media:
            found = public_file(store, media.id, still=True)
            picture = clean_picture(found[0]) if found else None
            if picture:
                break
        stories.append(BulletinStory(story, picture))
    return tuple(stories)


def _commendations(store: Store, month: Period, lang: str) -> tuple[PublicCommendation, ...]:
    """The commendations of the periods that closed in the month: each announced once."""
    return tuple(published(store, month.start, month.end, lang=lang, ended_within=True))


def bulletin_of(store: Store, month: Period, today: date, lang: str = "vi") -> Bulletin:
    """The bulletin of a month, read through the public viewer only."""
    viewer = public()
    reports, trips = store.frame("reports", viewer), store.frame("trips", viewer)
    scope = Scope.of(reports, trips, None, status_events(store, viewer), paperwork_events(store, viewer))
    before = previous_month(month)
    return Bulletin(
        month=month,
        previous_month=before,
        figures=scope.figures(month),
        previous=scope.figures(before),
        movers=_movers(scope, month, before),
        stories=_stories(store, month),
        commendations=_commendations(store, month, lang),
        made_on=today,
        demo=any(bool(frame["is_demo"].any()) for frame in (reports, trips)),
    )


def filename(month: Period, extension: str = "pdf") -> str:
    """The bulletin's file name: "ban-tin_2027-01.pdf"."""
    return f"ban-tin_{month.start:%Y-%m}.{extension}"
