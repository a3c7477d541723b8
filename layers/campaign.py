"""The chapters' campaign reports: figures for one chapter or the whole association over a period.

Definitions (printed on every report's cover):
- reports received: reports whose `received_on` falls in the period (duplicates left out);
- verified: of those, the ones whose status is now "verified" or any later step;
- identified: of those, the ones now "identified";
- trips: completed trips (nothing found or remains found) that started in the period, with the
  km walked (track length) and km² searched (union of the tracks widened by the sweep width);
- remains found / handed over: the sums recorded on those trips.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd

from geo.spatial import length_km
from layers.coverage import done_trips, searched_areas, union_area_km2
from layers.errors import LayersError
from layers.query import unit_key

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CAMPAIGN_START = date(2026, 3, 14)  # 500 days before the end (data/SOURCES.md)
CAMPAIGN_END = date(2027, 7, 27)  # 80th War Invalids and Martyrs Day
VERIFIED_OR_LATER = ("verified", "planned", "searched_not_found", "remains_found", "identified")
TARGETS_CSV = Path(__file__).resolve().parent.parent / "data" / "campaign_targets.csv"


@dataclass(frozen=True)
class Period:
    key: str
    label_vi: str
    label_en: str
    start: date
    end: date  # inclusive

    def previous(self) -> Period | None:
        """The period this one is compared with: the 1-year report with the 6-month one, the final
        report with the 1-year one, a six-month window with the window before it, any other
        dates with as many days just before them. The first report of the campaign has none."""
        if self.key == "6m" or (self.key == "window" and self.start <= CAMPAIGN_START):
            return None
        if self.key in ("1y", "final"):
            return PERIODS[[p.key for p in PERIODS].index(self.key) - 1]
        if self.key == "window":
            return current_period(self.start - timedelta(days=1))
        length = self.end - self.start
        end = self.start - timedelta(days=1)
        return custom_period(end - length, end)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


PERIODS = (
    Period("6m", "Sơ kết 6 tháng", "6-month report", CAMPAIGN_START, date(2026, 9, 13)),
    Period("1y", "Sơ kết 1 năm", "1-year report", CAMPAIGN_START, date(2027, 3, 13)),
    Period("final", "Tổng kết chiến dịch", "Final report", CAMPAIGN_START, CAMPAIGN_END),
)


EARLIEST_DAY = date(1945, 1, 1)  # nothing the campaign reports on happened before


def custom_period(start: date, end: date) -> Period:
    """A period of the user's own, from 1945 to a year from today (so that the period before it,
    which reports compare with, is a real range of days)."""
    today = vietnam_today()
    latest = today.replace(year=today.year + 1, day=min(today.day, 28))
    for day in (start, end):
        if not EARLIEST_DAY <= day <= latest:
            raise LayersError(
                f"Ngày {day:%d/%m/%Y} nằm ngoài khoảng báo cáo được ({EARLIEST_DAY:%d/%m/%Y} – {latest:%d/%m/%Y})."
            )
    if start > end:
        raise LayersError("Ngày đầu phải không sau ngày cuối.")
    return Period("custom", f"{start:%d/%m/%Y} – {end:%d/%m/%Y}", f"{start:%Y-%m-%d} – {end:%Y-%m-%d}", start, end)


@dataclass(frozen=True)
class Figures:
    """The headline figures of a report."""

    reports_received: int = 0
    reports_verified: int = 0
    identified: int = 0
    trips: int = 0
    km_searched: float = 0.0
    km2_searched: float = 0.0
    remains_found: int = 0
    remains_handed_over: int = 0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


DECIMALS = {"km_searched": 1, "km2_searched": 2}  # figures shown with decimals
FIGURE_LABELS = {
    "reports_received": ("Tin báo tiếp nhận", "Reports received"),
    "reports_verified": ("Tin báo đã xác minh", "Reports verified"),
    "identified": ("Đã xác định danh tính", "Identified"),
    "trips": ("Chuyến tìm kiếm đã đi", "Search trips made"),
    "km_searched": ("Quãng đường tìm kiếm (km)", "Distance searched (km)"),
    "km2_searched": ("Diện tích đã rà (km²)", "Area searched (km²)"),
    "remains_found": ("Hài cốt tìm thấy", "Remains found"),
    "remains_handed_over": ("Hài cốt đã bàn giao", "Remains handed over"),
}


def figure_label(key: str, lang: str) -> str:
    vi, en = FIGURE_LABELS[key]
    return en if lang == "en" else vi


def _in(dates: pd.Series, period: Period) -> pd.Series:
    days = pd.to_datetime(dates).dt.date
    return days.notna() & (days >= period.start) & (days <= period.end)


@dataclass(frozen=True)
class Scope:
    """A chapter's reports and trips (or the association's), ready to cut by period."""

    reports: gpd.GeoDataFrame
    trips: gpd.GeoDataFrame

    @classmethod
    def of(cls, reports: gpd.GeoDataFrame, trips: gpd.GeoDataFrame, chapter_id: str | None) -> Scope:
        if chapter_id:
            reports = reports[reports["chapter_id"] == chapter_id]
            trips = trips[trips["chapter_id"] == chapter_id]
        return cls(reports, trips)

    def received(self, period: Period) -> gpd.GeoDataFrame:
        """Reports received in the period; duplicates of a report already counted are left out."""
        reports = self.reports[self.reports["status"] != "duplicate"]
        return reports[_in(reports["received_on"], period)]

    def trips_made(self, period: Period) -> gpd.GeoDataFrame:
        done = done_trips(self.trips)
        return done[_in(done["date_from"], period)]

    def figures(self, period: Period) -> Figures:
        received = self.received(period)
        trips = self.trips_made(period)
        return Figures(
            reports_received=len(received),
            reports_verified=int(received["status"].isin(VERIFIED_OR_LATER).sum()),
            identified=int(received["status"].eq("identified").sum()),
            trips=len(trips),
            km_searched=round(sum(length_km(g) for g in trips.geometry), 2),
            km2_searched=round(union_area_km2(searched_areas(trips)), 3),
            remains_found=int(trips["remains_found"].fillna(0).sum()),
            remains_handed_over=int(trips["remains_handed_over"].fillna(0).sum()),
        )

    def by(self, column: str, period: Period) -> pd.DataFrame:
        """The figures per value of a column shared by reports and trips (province_34, chapter_id)."""
        keys = sorted(set(self.received(period)[column].dropna()) | set(self.trips_made(period)[column].dropna()))
        rows = {
            key: Scope(self.reports[self.reports[column] == key], self.trips[self.trips[column] == key])
            .figures(period)
            .as_dict()
            for key in keys
        }
        return pd.DataFrame.from_dict(rows, orient="index", columns=list(FIGURE_LABELS))

    def by_unit(self, period: Period, top: int = 30) -> pd.DataFrame:
        """Reports received per unit (spellings folded together), the most reported first."""
        received = self.received(period)
        named = received[received["unit"].fillna("").str.strip() != ""]
        keys = named["unit"].map(unit_key).rename("unit_key")
        table = pd.DataFrame(
            {
                "unit": named.groupby(keys)["unit"].agg(lambda s: s.value_counts().index[0]),
                "reports_received": named.groupby(keys).size(),
                "reports_verified": named["status"].isin(VERIFIED_OR_LATER).groupby(keys).sum(),
                "identified": named["status"].eq("identified").groupby(keys).sum(),
            }
        )
        return table.sort_values(["reports_received", "unit"], ascending=[False, True]).head(top).reset_index(drop=True)


@lru_cache(maxsize=1)
def targets() -> pd.DataFrame:
    """The campaign's published national figures, each with its source (data/campaign_targets.csv)."""
    return pd.read_csv(TARGETS_CSV, dtype={"value": "int64"})


def vietnam_today() -> date:
    """Today in Vietnam (UTC+7), whatever the server's clock zone."""
    return datetime.now(VIETNAM).date()


def days_left(today: date) -> int:
    return max((CAMPAIGN_END - today).days, 0)


def current_period(today: date) -> Period:
    """The six-month reporting period that contains today (counted from the campaign's start)."""
    start = CAMPAIGN_START
    while True:
        end = (pd.Timestamp(start) + pd.DateOffset(months=6)).date() - timedelta(days=1)
        if today <= end or end >= CAMPAIGN_END:
            end = min(end, CAMPAIGN_END)
            label = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
            return Period("window", label, f"{start:%Y-%m-%d} – {end:%Y-%m-%d}", start, end)
        start = end + timedelta(days=1)
