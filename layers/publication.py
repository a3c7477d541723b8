"""What the public pages (the progress page, its exports, the bulletin) may show, as plain values.

Nothing here holds a coordinate, a witness's name or anything a chapter did not mark public:
layers.stories makes the stories and media, layers.commendations the commendations, and
layers.progress the figures and the coarse map cells, each reading through access.public().
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PublicMedia:
    """A photo or video attached to a trip that a chapter leader marked public."""

    id: str  # the attachment's id
    kind: str  # "image" or "video"
    caption: str
    trip_id: str
    province_34: str | None


@dataclass(frozen=True)
class Story:
    """A trip a chapter leader marked public: its title, its one sentence, its public media."""

    trip_id: str
    title: str
    sentence: str
    province_34: str | None
    chapter_name: str
    day: date | None  # the trip's first day
    media: tuple[PublicMedia, ...] = ()


@dataclass(frozen=True)
class PublicCommendation:
    """One published line of a period's commendations: a chapter, or a team shown by the name its
    people agreed to (none agreed: `name` is the anonymous wording and `named` is False)."""

    period_start: date
    period_end: date
    subject_kind: str  # "chapter" or "team"
    name: str
    named: bool
    rank: int
    figures: dict[str, float]  # COMMENDATION_FIGURES (layers.commendations) → value
    note: str
    province_34: str | None
