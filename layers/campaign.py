"""The chapters' campaign reports: figures for one chapter or the whole association over a period.

Each figure counts what happened in the period, as the history says (layers.events reads it),
not what a report's status is today. Days are Vietnam's (UTC+7).

Definitions (printed on every report's cover, see layers.exporters.campaign_report):
- reports received: reports whose `received_on` (the day the account was told) falls in the
  period; duplicates left out (the original counts);
- verified: reports that first became "verified", or any later step, in the period (a report
  received in June and verified in December counts in December, and never again); one that
  arrived by import, or was added, already verified counts on the day it arrived; a report
  later found to repeat another (duplicate) leaves every period's figures, its original counts;
- identified: reports that first became "identified" in the period, counted in the same way;
- trips: completed trips (nothing found or remains found) that started in the period, with the
  km walked (track length) and km² searched (union of the tracks widened by the sweep width);
- remains found: the sum recorded on those trips;
- remains handed over: the sum recorded on completed trips whose remains were handed over in
  the period (`handed_over_on`; a trip without that day counts on the day it started).

The paperwork (layers.events.paperwork_events reads it; each record counted once a period):
- sites handed over: sites whose information was handed over to the authorities in the period,
  by the day of the hand-over (a history row "handover", its `handed_over_on`; a site with that
  day and no such row counts on that day); a site handed over twice in the period counts once;
- dossiers printed: sites whose dossier was printed in the period (history rows "dossier"; a
  site's dossier printed several times in the period counts once);
- documents, sketches and photos attached / recordings and videos attached: the files attached
  in the period to the records counted (not those removed since), by kind;
- recognition cases opened: cases for recognising a comrade as a martyr added in the period;
- recognition cases sent: cases that first reached "sent to the commune" or a later step (sent to
  the province, recognised, returned) in the period, as the history says, and never again;
- recognised: cases that first reached "recognised as a martyr" in the period;
- witness statements prepared: witnesses whose statement was prepared in the period for them to
  sign (history rows "statement"; once per witness and period).

A report's status events: each history row that gives it a status (its insert, a workflow step,
an edit) is an event "became S at T"; a report with no insert row of its own (brought by an
import or the demo set, or stored before the history was kept) also became, when it arrived, the
status it had then: the old value of its first status change, or its status now if it never
changed. It arrived at its import's history time (else when it was stored). A milestone's event
is the report's first event that reaches one of the milestone's statuses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.spatial import length_km
from layers.bilingual import Bilingual
from layers.coverage import done_trips, searched_areas, union_area_km2
from layers.errors import LayersError
from layers.query import unit_key

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CAMPAIGN_START = date(2026, 3, 14)  # 500 days before the end (data/SOURCES.md)
CAMPAIGN_END = date(2027, 7, 27)  # 80th War Invalids and Martyrs Day
VERIFIED_OR_LATER = ("verified", "planned", "searched_not_found", "remains_found", "identified")
# The figures counted from the reports' status events: each one's first event in these statuses.
MILESTONES = {"reports_verified": VERIFIED_OR_LATER, "identified": ("identified",)}
EVENT_COLUMNS = ("record_id", "milestone", "at", "day")  # one row per report and milestone reached
# The paperwork's events (layers.events.paperwork_events): which figure, what it counts once a
# period (a site, a printing, a file, a case), the day, and the chapter and province it is of.
PAPERWORK_COLUMNS = ("figure", "key", "day", "chapter_id", "province_34")
CASE_SENT_OR_LATER = ("sent_commune", "sent_province", "recognised", "returned")
# The recognition cases' milestones, counted as the reports' are: each case's first time in one.
CASE_MILESTONES = {"cases_sent": CASE_SENT_OR_LATER, "cases_recognised": ("recognised",)}
# What the files attached count as, by the attachment's kind (layers.filekinds).
FILE_FIGURES = {
    "image": "files_documents",
    "document": "files_documents",
    "audio": "files_recordings",
    "video": "files_recordings",
}
TARGETS_CSV = Path(__file__).resolve().parent.parent / "data" / "campaign_targets.csv"


@dataclass(frozen=True)
class Period(Bilingual):
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
    sites_handed_over: int = 0
    dossiers_printed: int = 0
    files_documents: int = 0
    files_recordings: int = 0
    cases_opened: int = 0
    cases_sent: int = 0
    cases_recognised: int = 0
    statements_prepared: int = 0

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
    "sites_handed_over": ("Điểm mộ đã bàn giao thông tin", "Sites handed over"),
    "dossiers_printed": ("Hồ sơ điểm mộ đã in", "Site dossiers printed"),
    "files_documents": ("Tài liệu, sơ đồ, ảnh đính kèm", "Documents, sketches and photos attached"),
    "files_recordings": ("Ghi âm, video đính kèm", "Recordings and videos attached"),
    "cases_opened": ("Hồ sơ đề nghị công nhận liệt sĩ mới", "Recognition cases opened"),
    "cases_sent": ("Hồ sơ công nhận đã gửi đi", "Recognition cases sent"),
    "cases_recognised": ("Được công nhận liệt sĩ", "Recognised as martyrs"),
    "statements_prepared": ("Bản xác nhận của nhân chứng đã soạn", "Witness statements prepared"),
}
# The figures of the search (reports, trips, remains) and those of the paperwork, apart: a table
# of every figure by province is too wide for a page.
PAPERWORK_FIGURES = (
    "sites_handed_over",
    "dossiers_printed",
    "files_documents",
    "files_recordings",
    "cases_opened",
    "cases_sent",
    "cases_recognised",
    "statements_prepared",
)
SEARCH_FIGURES = tuple(key for key in FIGURE_LABELS if key not in PAPERWORK_FIGURES)


def figure_label(key: str, lang: str) -> str:
    vi, en = FIGURE_LABELS[key]
    return en if lang == "en" else vi


def _in(dates: pd.Series, period: Period) -> pd.Series:
    """Which days (dates, or times of day) fall in the period; an empty day in none."""
    days = pd.to_datetime(dates)
    return (days >= pd.Timestamp(period.start)) & (days < pd.Timestamp(period.end + timedelta(days=1)))


def _among(ids: pd.Series, wanted: pd.Series) -> pd.Series:
    """Which ids are among the wanted ones (compared as plain objects: pandas' own text arrays
    are slow at this)."""
    return ids.astype(object).isin(wanted.to_numpy(dtype=object))


def no_events() -> pd.DataFrame:
    """An events frame with nothing in it (see layers.events.status_events for a full one)."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in EVENT_COLUMNS})


def no_paperwork() -> pd.DataFrame:
    """A paperwork events frame with nothing in it (see layers.events.paperwork_events)."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in PAPERWORK_COLUMNS})


def reaching(events: pd.DataFrame, milestone: str) -> set[str]:
    """The reports that ever reached a milestone, by the events."""
    return set(events.loc[events["milestone"] == milestone, "record_id"])


def handover_day(trips: gpd.GeoDataFrame) -> pd.Series:
    """The day a trip's remains were handed over; a trip without one counts on the day it started."""
    if "handed_over_on" not in trips:
        return trips["date_from"]
    return trips["handed_over_on"].where(trips["handed_over_on"].notna(), trips["date_from"])


@dataclass(frozen=True)
class Scope:
    """A chapter's reports, trips, the reports' status events and the paperwork's events (or the
    association's), ready to cut by period. A scope made without the history's events counts
    nothing as verified or identified; without the paperwork's, no paperwork."""

    reports: gpd.GeoDataFrame
    trips: gpd.GeoDataFrame
    events: pd.DataFrame = field(default_factory=no_events)
    paperwork: pd.DataFrame = field(default_factory=no_paperwork)

    @classmethod
    def of(
        cls,
        reports: gpd.GeoDataFrame,
        trips: gpd.GeoDataFrame,
        chapter_id: str | None,
        events: pd.DataFrame | None = None,
        paperwork: pd.DataFrame | None = None,
    ) -> Scope:
        """The scope of a chapter (None: every report and trip given); the events are kept for
        the reports given only, so they never count what the frames do not show; the paperwork
        (read for what the person sees) for the chapter's records only."""
        if chapter_id:
            reports = reports[reports["chapter_id"] == chapter_id]
            trips = trips[trips["chapter_id"] == chapter_id]
        events = no_events() if events is None else events[_among(events["record_id"], reports["id"])]
        paperwork = no_paperwork() if paperwork is None else paperwork
        if chapter_id:
            paperwork = paperwork[paperwork["chapter_id"] == chapter_id]
        return cls(reports, trips, events, paperwork)

    def received(self, period: Period) -> gpd.GeoDataFrame:
        """Reports received in the period; duplicates of a report already counted are left out."""
        reports = self.reports[self.reports["status"] != "duplicate"]
        return reports[_in(reports["received_on"], period)]

    def reached(self, period: Period) -> pd.DataFrame:
        """The milestones reports reached in the period (one row per report and milestone)."""
        return self.events[_in(self.events["day"], period)]

    def trips_made(self, period: Period) -> gpd.GeoDataFrame:
        done = done_trips(self.trips)
        return done[_in(done["date_from"], period)]

    def handed_over(self, period: Period) -> gpd.GeoDataFrame:
        """Completed trips whose remains were handed over in the period."""
        done = done_trips(self.trips)
        return done[_in(handover_day(done), period)]

    def papers(self, period: Period) -> dict[str, int]:
        """The paperwork figures of the period: what each counts, once."""
        done = self.paperwork[_in(self.paperwork["day"], period)]
        counted = done.groupby("figure")["key"].nunique() if len(done) else pd.Series(dtype=int)
        return {key: int(counted.get(key, 0)) for key in PAPERWORK_FIGURES}

    def figures(self, period: Period) -> Figures:
        trips = self.trips_made(period)
        reached = self.reached(period)["milestone"]
        return Figures(
            reports_received=len(self.received(period)),
            **{milestone: int(reached.eq(milestone).sum()) for milestone in MILESTONES},
            trips=len(trips),
            km_searched=round(sum(length_km(g) for g in trips.geometry), 2),
            km2_searched=round(union_area_km2(searched_areas(trips)), 3),
            remains_found=int(trips["remains_found"].fillna(0).sum()),
            remains_handed_over=int(self.handed_over(period)["remains_handed_over"].fillna(0).sum()),
            **self.papers(period),
        )

    def _event_keys(self, column: str) -> pd.Series:
        """Each event's value of a report column (its report's province, chapter …)."""
        by_id = pd.Series(self.reports[column].to_numpy(), index=self.reports["id"].to_numpy())
        return self.events["record_id"].map(by_id)

    def by(self, column: str, period: Period) -> pd.DataFrame:
        """The figures per value of a column shared by reports and trips (province_34, chapter_id)."""
        event_keys = self._event_keys(column)
        keys = sorted(
            set(self.received(period)[column].dropna())
            | set(event_keys[_in(self.events["day"], period)].dropna())
            | set(self.trips_made(period)[column].dropna())
            | set(self.handed_over(period)[column].dropna())
            | set(self.paperwork[_in(self.paperwork["day"], period)][column].dropna())
        )
        rows = {
            key: Scope(
                self.reports[self.reports[column] == key],
                self.trips[self.trips[column] == key],
                self.events[event_keys == key],
                self.paperwork[self.paperwork[column] == key],
            )
            .figures(period)
            .as_dict()
            for key in keys
        }
        return pd.DataFrame.from_dict(rows, orient="index", columns=list(FIGURE_LABELS))

    def by_unit(self, period: Period, top: int = 30) -> pd.DataFrame:
        """Reports received, verified and identified in the period per unit (spellings folded
        together), the most reported first."""
        received, reached = self.received(period), self.reached(period)
        counted = _among(self.reports["id"], pd.concat([received["id"], reached["record_id"]]))
        named = self.reports[counted & (self.reports["unit"].fillna("").str.strip() != "")]
        folded = {unit: unit_key(unit) for unit in named["unit"].unique()}  # few units, many reports
        key_of = pd.Series(named["unit"].map(folded).to_numpy(), index=named["id"].to_numpy(dtype=object))
        counts = {"reports_received": received["id"].astype(object).map(key_of).value_counts()}
        for milestone in MILESTONES:
            counts[milestone] = reached.loc[reached["milestone"] == milestone, "record_id"].map(key_of).value_counts()
        table = pd.DataFrame(counts).fillna(0).astype(int)
        table.insert(0, "unit", _most_said(key_of.to_numpy(), named["unit"].to_numpy()).reindex(table.index))
        table = table[["unit", "reports_received", *MILESTONES]]
        table = table.sort_values(["reports_received", "unit"], ascending=[False, True])
        return table.head(top).reset_index(drop=True)


def _most_said(keys: np.ndarray, spellings: np.ndarray) -> pd.Series:
    """Per key, the spelling said most often (the first of those said as often, by spelling)."""
    said = pd.DataFrame({"key": keys, "spelling": spellings}).value_counts().rename("n").reset_index()
    said = said.sort_values(["n", "spelling"], ascending=[False, True]).drop_duplicates("key")
    return said.set_index("key")["spelling"]


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
