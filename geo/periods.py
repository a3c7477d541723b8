"""Years from the lunar calendar and the war's events in a witness's period text.

Witnesses date things as «Tết Mậu Thân», «mùa khô năm Kỷ Dậu», «tháng Chạp năm Nhâm Tý»,
«sau Hiệp định Paris», «hồi chiến dịch Đường 9 – Nam Lào». `read_period` reads such text and
suggests year_from / year_to with a Vietnamese sentence saying how it read it. It reads no
written year: a text with one («năm 72», «cuối năm 1968», «1970–1971») gives None, so that
the caller's own reading stands, and `written_years` reads those years.

How it reads:
- Can–Chi years («năm Kỷ Dậu», «Tết Mau Than», «Xuân Mậu Thân»), in any case, with or without
  diacritics: the one year of 1945–1989 with that name (1984 is Giáp Tý). A bare name
  («hồi Mậu Thân») counts only at the start or after hồi, đợt, đầu, giữa, cuối, từ, đến,
  tới, trước, sau: «thời kỳ đầu» must not read as Kỷ Dậu.
- Lunar months of a Can–Chi year («tháng Chạp năm Nhâm Tý», «tháng 3 âm lịch năm Mậu Thân»,
  «tháng 5 nhuận năm …»): converted exactly with lunar-vn (Hồ Ngọc Đức's algorithm). Vietnam
  used the Chinese calendar (UTC+8) until North Vietnam's calendar for UTC+7 took effect on
  8 August 1967; South Vietnam kept UTC+8 until 1975. A month before 8/8/1967 is read at
  UTC+8, later ones at UTC+7, and up to 30/4/1975 the reading gives the South's dates too
  where they differ (Tết Mậu Thân: 29/01/1968 in the North, 30/01/1968 in the South).
  «tháng Một» is the 11th lunar month, «tháng Chạp» the 12th; a lunar month may fall in the
  next Gregorian year (tháng Chạp năm Nhâm Tý is January 1973).
- Seasons of a Can–Chi year: «mùa khô» of Trường Sơn and the southern fronts runs about
  November to April, so mùa khô năm X is X – X+1; «mùa mưa» (May – October) and the other
  seasons are year X.
- The war's events of data/era_events.csv, by any of their names. «trước X» runs from the
  start of the war X belongs to (its `war` column) to X's first year, «sau X» from X's last
  year to the end of that war: remains from that war are the campaign's concern (sau Hiệp
  định Paris: 1973–1975, trước Điện Biên Phủ: 1945–1954). Where X starts or ends its war
  (or has none) the open end stays None. «trước/sau» a year or a lunar date leaves the far
  end None. hồi, trong, thời … change nothing.
- Several of these in one text (từ Mậu Thân đến Hiệp định Paris) give the span of them all.

Only the first MAX_SCAN characters are read: a period is a few words, and a huge or hostile
cell must cost little.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from lunar_vn import convert_lunar_to_solar, convert_solar_to_lunar

from geo.text import fold

DATA = Path(__file__).resolve().parent.parent / "data"
FIRST_YEAR, LAST_YEAR = 1945, 1989  # the campaign's wars: a Can–Chi name is unique here
MAX_SCAN = 1_000  # characters of a text that are read
WRITTEN_RANGE = (1930, 1995)  # the years the reports importer accepts for year_from / year_to

STEMS = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
BRANCHES = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")

# Vietnam's lunar calendar: UTC+8 (the Chinese one) before North Vietnam's decree of
# 8 August 1967, UTC+7 after; South Vietnam kept UTC+8 until the end of the war.
UTC7_FROM = date(1967, 8, 8)
SOUTH_UTC8_UNTIL = date(1975, 4, 30)


@dataclass(frozen=True)
class PeriodReading:
    year_from: int | None
    year_to: int | None
    reading: str  # Vietnamese: what was read and why these years
    source: str  # "can_chi", "lunar_month", "era_event", "season" (read_period); "written_year" (written_years)


@dataclass(frozen=True)
class EraEvent:
    """One row of data/era_events.csv."""

    key: str
    names: tuple[str, ...]  # the first is the one readings use
    date_from: date | None
    date_to: date | None
    year_from: int
    year_to: int
    source: tuple[str, ...]
    note: str
    war: str | None  # key of the war or front it belongs to: trước / sau stretch to its ends

    @property
    def name(self) -> str:
        return self.names[0]


# --- Can–Chi ---------------------------------------------------------------------------


def can_chi(year: int) -> str:
    """The Can–Chi name of a lunar year.

    >>> can_chi(1984), can_chi(1968), can_chi(1972)
    ('Giáp Tý', 'Mậu Thân', 'Nhâm Tý')
    """
    return f"{STEMS[(year - 4) % 10]} {BRANCHES[(year - 4) % 12]}"


def _spellings(names: tuple[str, ...], extra: dict[str, int]) -> dict[str, tuple[int, ...]]:
    out: dict[str, tuple[int, ...]] = {}
    for i, name in enumerate(names):
        out[fold(name)] = (*out.get(fold(name), ()), i)
    for spelling, i in extra.items():
        out[spelling] = (*out.get(spelling, ()), i)
    return out


# Tý and Tỵ both fold to "ty": the stem tells them apart (a yang stem takes a yang branch).
_STEM = _spellings(STEMS, {"ki": 5, "qui": 9})
_BRANCH = _spellings(BRANCHES, {"meo": 3, "ti": 5})


def _alternatives(spellings: dict[str, tuple[int, ...]]) -> str:
    return "|".join(sorted(spellings, key=len, reverse=True))


_CC = rf"(?P<stem>{_alternatives(_STEM)}) +(?P<branch>{_alternatives(_BRANCH)})"


def _can_chi_year(stem: str, branch: str) -> int | None:
    """The year of 1945–1989 named stem + branch (folded words), or None."""
    for s in _STEM.get(stem, ()):
        for b in _BRANCH.get(branch, ()):
            if (s - b) % 2 == 0:
                first = FIRST_YEAR + (s - (FIRST_YEAR - 4)) % 10
                for year in range(first, LAST_YEAR + 1, 10):
                    if (year - 4) % 12 == b:
                        return year
    return None


# --- the lunar calendar ----------------------------------------------------------------


@lru_cache(maxsize=2048)
def _month_at(year: int, month: int, leap: bool, time_zone: float) -> tuple[date, date]:
    start = convert_lunar_to_solar(1, month, year, int(leap), time_zone)
    day30 = start + timedelta(days=29)
    short = convert_solar_to_lunar(day30.day, day30.month, day30.year, time_zone).day == 1
    return start, day30 - timedelta(days=1) if short else day30


def lunar_month(year: int, month: int, leap: bool = False) -> tuple[date, date]:
    """First and last day of a lunar month as Vietnam's calendar of the time had them
    (UTC+8 before 8/8/1967, UTC+7 after). ValueError if the year has no such leap month.

    >>> lunar_month(1972, 12)  # tháng Chạp năm Nhâm Tý
    (datetime.date(1973, 1, 4), datetime.date(1973, 2, 2))
    """
    span = _month_at(year, month, leap, 7.0)
    span = _month_at(year, month, leap, 8.0) if span[0] < UTC7_FROM else span
    if leap and span == lunar_month(year, month):  # lunar-vn gives the ordinary month for a leap one
        raise ValueError(f"{year} has no leap month {month}")  # the year has, but another one
    return span


def south_lunar_month(year: int, month: int, leap: bool = False) -> tuple[date, date] | None:
    """The same month in South Vietnam's calendar (UTC+8) where it differed from the
    North's, between 8/8/1967 and 30/4/1975; None elsewhere."""
    span = lunar_month(year, month, leap)
    if not UTC7_FROM <= span[0] <= SOUTH_UTC8_UNTIL:
        return None
    try:
        south = _month_at(year, month, leap, 8.0)
    except ValueError:  # the leap month falls elsewhere at UTC+8
        return None
    return south if south != span else None


def tet(year: int) -> date:
    """Mồng Một Tết of a lunar year (in the North from 1968).

    >>> tet(1968), tet(1985)
    (datetime.date(1968, 1, 29), datetime.date(1985, 1, 21))
    """
    return lunar_month(year, 1)[0]


# --- data/era_events.csv ---------------------------------------------------------------

_EVENT_COLUMNS = ("key", "names", "date_from", "date_to", "year_from", "year_to", "source", "note", "war")


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _iso(cell: str, key: str) -> date | None:
    try:
        return date.fromisoformat(cell) if cell.strip() else None
    except ValueError:
        raise ValueError(f"era_events.csv, {key}: «{cell}» is not an ISO date") from None


@lru_cache(maxsize=1)
def era_events() -> dict[str, EraEvent]:
    """The rows of data/era_events.csv by key. Checked when read: a bad row raises ValueError."""
    with open(DATA / "era_events.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != _EVENT_COLUMNS:
            raise ValueError(f"era_events.csv: columns must be {list(_EVENT_COLUMNS)}, got {reader.fieldnames}")
        rows = list(reader)
    events: dict[str, EraEvent] = {}
    for r in rows:
        key = r["key"].strip()
        try:
            year_from, year_to = int(r["year_from"]), int(r["year_to"])
        except ValueError:
            raise ValueError(f"era_events.csv, {key}: years must be whole numbers") from None
        event = EraEvent(
            key,
            _split(r["names"]),
            _iso(r["date_from"], key),
            _iso(r["date_to"], key),
            year_from,
            year_to,
            _split(r["source"]),
            r["note"].strip(),
            r["war"].strip() or None,
        )
        if not key or key in events:
            raise ValueError(f"era_events.csv: key «{key}» is empty or repeated")
        if not event.names or not all(fold(n) for n in event.names):
            raise ValueError(f"era_events.csv, {key}: needs names")
        if not FIRST_YEAR <= year_from <= year_to <= LAST_YEAR:
            raise ValueError(f"era_events.csv, {key}: years must run forwards within {FIRST_YEAR}–{LAST_YEAR}")
        if (event.date_from and event.date_from.year != year_from) or (event.date_to and event.date_to.year != year_to):
            raise ValueError(f"era_events.csv, {key}: dates and years disagree")
        if not event.source or not all(s.startswith("https://") for s in event.source):
            raise ValueError(f"era_events.csv, {key}: every row needs its source addresses")
        events[key] = event
    seen: dict[str, str] = {}
    for event in events.values():
        if event.war and (event.war not in events or events[event.war].year_to < event.year_to):
            raise ValueError(f"era_events.csv, {event.key}: war «{event.war}» is no row that lasts as long")
        for name in event.names:
            folded = fold(name)
            if seen.setdefault(folded, event.key) != event.key:
                raise ValueError(f"era_events.csv: «{name}» names both {seen[folded]} and {event.key}")
            if _written(folded):
                raise ValueError(f"era_events.csv, {event.key}: «{name}» holds a written year")
    return events


def _words(phrase: str) -> str:
    return " +".join(re.escape(w) for w in fold(phrase).split())


@lru_cache(maxsize=1)
def _event_patterns() -> tuple[tuple[re.Pattern[str], EraEvent], ...]:
    return tuple(
        (re.compile(rf"(?<!\w){_words(name)}(?!\w)"), event) for event in era_events().values() for name in event.names
    )


# --- scanning --------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = fold(ch)
    return folded[0] if folded else " "


def _prepare(text: str) -> tuple[str, str]:
    """The text read (NFC, at most MAX_SCAN characters) and its fold, character for character,
    so that a match in the fold quotes the witness's own words."""
    shown = unicodedata.normalize("NFC", text[:MAX_SCAN])[:MAX_SCAN]
    return shown, "".join(_fold_char(ch) for ch in shown)


def _quote(shown: str, start: int, end: int) -> str:
    return " ".join(shown[start:end].split())


_UNITS = r"(?:tuoi|ngay|dem|thang|nguoi|km|m|met|lan|chiec|cai|bo|kg|lit|ly|phut|gio)(?!\w)"
_FOUR = re.compile(rf"(?<!\w)(?P<y>(?:19|20)\d\d)(?: +(?P<y2>\d\d)(?!\w)(?! +{_UNITS}))?(?!\w)")
_TWO = re.compile(
    rf"(?<!\w)(?P<head>mua +kho|mua +mua|nam|tet|xuan|kho|mua)(?: +nam)? +(?P<y>\d\d)"
    rf"(?: +(?P<y2>\d\d)(?!\w)(?! +{_UNITS}))?(?!\w)(?! +{_UNITS})"
)
# A four-digit number after these is a hill, a road or a code, not a year: đồi 1015, cao điểm 1001.
_NOT_YEAR_AFTER = frozenset({"doi", "diem", "cao", "dinh", "nui", "cot", "km", "so", "hill", "ma", "hieu"})
_LAST_WORD = re.compile(r"(\w+) *$")
_DRY_BEFORE = re.compile(r"(?<!\w)mua +kho(?: +nam)? *$")


@dataclass(frozen=True)
class _Written:
    start: int
    end: int
    years: tuple[int, ...]
    two_digit: bool
    dry_season: bool


def _written(folded: str) -> list[_Written]:
    """The years written in figures: 1968, 1970 71, năm 72, năm 72 73, mùa khô 68 (two digits
    only after năm, Tết, Xuân or a season, and only 45–89)."""
    found = []
    for m in _FOUR.finditer(folded):
        before = _LAST_WORD.search(folded, 0, m.start())
        if before and before.group(1) in _NOT_YEAR_AFTER:
            continue
        first = int(m["y"])
        years = [first]
        if m["y2"] and 0 < (second := first // 100 * 100 + int(m["y2"])) - first <= 10:
            years.append(second)
        dry = len(years) == 1 and bool(_DRY_BEFORE.search(folded, 0, m.start()))
        found.append(_Written(m.start(), m.end(), tuple(years), False, dry))
    for m in _TWO.finditer(folded):
        if not 45 <= int(m["y"]) <= 89:
            continue
        years = [1900 + int(m["y"])]
        if m["y2"] and int(m["y"]) < int(m["y2"]) <= 89:
            years.append(1900 + int(m["y2"]))
        dry = len(years) == 1 and (m["head"].endswith("kho") or bool(_DRY_BEFORE.search(folded, 0, m.start("y"))))
        found.append(_Written(m.start(), m.end(), tuple(years), True, dry))
    return sorted(found, key=lambda w: w.start)


def _years_text(year_from: int | None, year_to: int | None) -> str:
    if year_from is None:
        return f"đến năm {year_to}, năm đầu không rõ"
    if year_to is None:
        return f"từ năm {year_from}, năm cuối không rõ"
    return f"năm {year_from}" if year_from == year_to else f"năm {year_from}–{year_to}"


def _span_text(start: date, end: date) -> str:
    if start == end:
        return f"{start:%d/%m/%Y}"
    first = f"{start:%d/%m}" if start.year == end.year else f"{start:%d/%m/%Y}"
    return f"{first} – {end:%d/%m/%Y}"


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    year_from: int | None
    year_to: int | None
    reading: str
    source: str


_MONTHS = {
    "gieng": 1,
    "hai": 2,
    "ba": 3,
    "tu": 4,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "mot": 11,
    "muoi mot": 11,
    "muoi hai": 12,
    "chap": 12,
}
_MONTH = rf"(?P<month>{'|'.join(sorted((_words(m) for m in _MONTHS), key=len, reverse=True))}|1[0-2]|0?[1-9])"
_LUNAR = re.compile(
    rf"(?<!\w)thang +{_MONTH}(?P<leap1> +nhuan)?(?: +(?:am +lich|am))?(?P<leap2> +nhuan)?(?: +nam)? +{_CC}(?!\w)"
)
_TET = re.compile(rf"(?<!\w)(?P<head>tet|xuan)(?: +nguyen +dan)?(?: +nam)? +{_CC}(?!\w)")
_SEASON = re.compile(rf"(?<!\w)mua +(?P<season>kho|mua|xuan|he|ha|thu|dong)(?: +nam)? +{_CC}(?!\w)")
_YEAR = re.compile(rf"(?<!\w)(?:(?P<nam>nam) +)?{_CC}(?!\w)(?! +hoc(?!\w))")  # not «bình dân học vụ»
_BARE_AFTER = frozenset({"hoi", "dot", "dau", "giua", "cuoi", "tu", "den", "toi", "truoc", "sau"})
_MODIFIER = re.compile(
    r"(?<!\w)(?P<mod>truoc|sau)(?: +(?:khi|ngay|luc|thoi|hoi|nam|cuoc|dot|dip|ky|tran|chien +dich|su +kien))* *$"
)
_SEASON_NAMES = {"kho": "mùa khô", "mua": "mùa mưa", "xuan": "mùa xuân", "he": "mùa hè", "ha": "mùa hạ"}
_SEASON_NAMES |= {"thu": "mùa thu", "dong": "mùa đông"}


def _south(span: tuple[date, date] | None) -> str:
    return f" (ở miền Nam, theo lịch UTC+8 dùng đến năm 1975: {_span_text(*span)})" if span else ""


def _lunar_item(m: re.Match[str], quote: str) -> _Item | None:
    year = _can_chi_year(m["stem"], m["branch"])
    word = " ".join(m["month"].split())
    month = _MONTHS.get(word) or int(word)
    if year is None or not 1 <= month <= 12:
        return None
    leap, note = bool(m["leap1"] or m["leap2"]), ""
    try:
        start, end = lunar_month(year, month, leap)
    except ValueError:
        leap, note = False, f"; năm này không có tháng {month} nhuận, nên đọc là tháng {month}"
        start, end = lunar_month(year, month)
    south = _south(south_lunar_month(year, month, leap))
    kind = f"tháng {month}{' nhuận' if leap else ''} âm lịch"
    reading = (
        f"«{quote}» là {kind} năm {can_chi(year)} ({year}{note}), tức {_span_text(start, end)}{south}: "
        f"{_years_text(start.year, end.year)}."
    )
    return _Item(m.start(), m.end(), start.year, end.year, reading, "lunar_month")


def _tet_item(m: re.Match[str], quote: str) -> _Item | None:
    year = _can_chi_year(m["stem"], m["branch"])
    if year is None:
        return None
    south = south_lunar_month(year, 1)
    south_text = f" (ở miền Nam, theo lịch UTC+8: {south[0]:%d/%m/%Y})" if south else ""
    what = "Tết" if m["head"] == "tet" else "mùa xuân, từ Tết"
    reading = f"«{quote}» là {what} năm {can_chi(year)}: mồng Một Tết là {tet(year):%d/%m/%Y}{south_text}: năm {year}."
    return _Item(m.start(), m.end(), year, year, reading, "can_chi")


def _season_item(m: re.Match[str], quote: str) -> _Item | None:
    year = _can_chi_year(m["stem"], m["branch"])
    if year is None:
        return None
    season, name = m["season"], f"năm {can_chi(year)} ({year})"
    if season == "kho":
        reading = (
            f"«{quote}»: mùa khô ở Trường Sơn và các chiến trường phía Nam kéo dài khoảng từ tháng 11 đến "
            f"tháng 4 năm sau, nên mùa khô {name} là khoảng 11/{year} – 4/{year + 1}: năm {year}–{year + 1}."
        )
        return _Item(m.start(), m.end(), year, year + 1, reading, "season")
    if season == "mua":
        reading = f"«{quote}»: mùa mưa kéo dài khoảng từ tháng 5 đến tháng 10 {name}: năm {year}."
    else:
        reading = f"«{quote}»: {_SEASON_NAMES[season]} {name}: năm {year}."
    return _Item(m.start(), m.end(), year, year, reading, "season")


def _year_item(m: re.Match[str], quote: str, folded: str) -> _Item | None:
    if not m["nam"]:
        before = _LAST_WORD.search(folded, 0, m.start())
        if before and before.group(1) not in _BARE_AFTER:
            return None  # «thời kỳ đầu» is no Kỷ Dậu
    year = _can_chi_year(m["stem"], m["branch"])
    if year is None:
        return None
    last = tet(year + 1) - timedelta(days=1)
    reading = f"«{quote}» là năm âm lịch {can_chi(year)}, từ {tet(year):%d/%m/%Y} đến {last:%d/%m/%Y}: năm {year}."
    return _Item(m.start(), m.end(), year, year, reading, "can_chi")


def _event_dates(event: EraEvent) -> str:
    if event.date_from and event.date_to:
        return f" ({_span_text(event.date_from, event.date_to)})"
    if event.date_from:
        return f" (từ {event.date_from:%d/%m/%Y})"
    return f" ({event.year_from}–{event.year_to})" if event.year_from != event.year_to else f" ({event.year_from})"


def _event_item(m: re.Match[str], quote: str, event: EraEvent) -> _Item:
    what = "" if fold(event.name) in fold(quote) else f" là {event.name}"
    years = _years_text(event.year_from, event.year_to)
    return _Item(
        m.start(),
        m.end(),
        event.year_from,
        event.year_to,
        f"«{quote}»{what}{_event_dates(event)}: {years}.",
        "era_event",
    )


def _candidates(shown: str, folded: str) -> Iterator[tuple[int, _Item, EraEvent | None]]:
    """Every reading found, overlapping ones too, with a rank that breaks ties."""
    for rank, (pattern, make) in enumerate(((_LUNAR, _lunar_item), (_SEASON, _season_item), (_TET, _tet_item))):
        for m in pattern.finditer(folded):
            if item := make(m, _quote(shown, m.start(), m.end())):
                yield rank, item, None
    for pattern, event in _event_patterns():
        for m in pattern.finditer(folded):
            yield 3, _event_item(m, _quote(shown, m.start(), m.end()), event), event
    for m in _YEAR.finditer(folded):
        if item := _year_item(m, _quote(shown, m.start(), m.end()), folded):
            yield 4 if m["nam"] else 5, item, None


def _modified(item: _Item, event: EraEvent | None, shown: str, folded: str) -> _Item:
    """The item read with a «trước» or «sau» just before it."""
    m = _MODIFIER.search(folded, 0, item.start)
    if not m:
        return item
    after = m["mod"] == "sau"
    quote = _quote(shown, m.start(), item.end)
    if event is None:
        year_from, year_to = (item.year_to, None) if after else (None, item.year_from)
        said = _quote(shown, m.start(), m.end())
        reading = f"{item.reading} Vì nói «{said}» nên: {_years_text(year_from, year_to)}."
        return _Item(m.start(), item.end, year_from, year_to, reading, item.source)
    war = era_events().get(event.war or "")
    dates = _event_dates(event)
    if after:
        year_from = event.year_to
        year_to = war.year_to if war and war.year_to > event.year_to else None
        span = f"đến hết {war.name} ({year_to})" if year_to else "trở đi"
        reading = f"«{quote}»: từ {event.name}{dates} {span}: {_years_text(year_from, year_to)}."
    else:
        year_to = event.year_from
        year_from = war.year_from if war and war.year_from < event.year_from else None
        span = f"từ đầu {war.name} ({year_from}) đến" if year_from else "trước"
        reading = f"«{quote}»: {span} {event.name}{dates}: {_years_text(year_from, year_to)}."
    return _Item(m.start(), item.end, year_from, year_to, reading, item.source)


def read_period(text: str) -> PeriodReading | None:
    """Years suggested by the lunar dates and war events in a period as told; None when
    nothing is recognised, or when the text has a written year (see `written_years`).

    >>> read_period("tháng Chạp năm Nhâm Tý").year_from
    1973
    >>> r = read_period("sau Hiệp định Paris")
    >>> r.year_from, r.year_to, r.source
    (1973, 1975, 'era_event')
    >>> read_period("cuối năm 1968") is None
    True
    """
    if not isinstance(text, str) or not text.strip():
        return None
    shown, folded = _prepare(text)
    if _written(folded):
        return None
    ranked = sorted(_candidates(shown, folded), key=lambda c: (-c[1].end, c[1].start, c[0]))
    chosen: list[tuple[_Item, EraEvent | None]] = []
    for _, item, event in ranked:  # the one reaching furthest, then the longest, then by kind
        if all(item.end <= other.start or other.end <= item.start for other, _ in chosen):
            chosen.append((item, event))
    modified = sorted((_modified(item, event, shown, folded) for item, event in chosen), key=lambda i: i.start)
    unique: dict[str, _Item] = {}
    for item in modified:  # a repeated phrase counts once
        unique.setdefault(item.reading, item)
    items = list(unique.values())
    if not items:
        return None
    if len(items) == 1:
        only = items[0]
        return PeriodReading(only.year_from, only.year_to, only.reading, only.source)
    year_from = None if any(i.year_from is None for i in items) else min(i.year_from for i in items)
    year_to = None if any(i.year_to is None for i in items) else max(i.year_to for i in items)
    if year_from is None and year_to is None:
        return None
    reading = " ".join(i.reading for i in items) + f" Gộp lại: {_years_text(year_from, year_to)}."
    return PeriodReading(year_from, year_to, reading, items[0].source)


def written_years(text: str) -> PeriodReading | None:
    """The years written in figures in a period as told («năm 72», «cuối năm 1968»,
    «1970–71», «mùa khô 1969»), within the importer's range 1930–1995; None if there are none.
    Two digits count only after năm, Tết, Xuân or a season, as 1945–1989.

    >>> r = written_years("khoảng 1970–1971")
    >>> r.year_from, r.year_to, r.source
    (1970, 1971, 'written_year')
    >>> written_years("năm 72").year_from
    1972
    """
    if not isinstance(text, str) or not text.strip():
        return None
    shown, folded = _prepare(text)
    low, high = WRITTEN_RANGE
    years: set[int] = set()
    parts = []
    for w in _written(folded):
        kept = [y for y in w.years if low <= y <= high]
        if not kept:
            continue
        years.update(kept)
        how = ""
        if w.two_digit:
            how = " (năm viết hai chữ số: " + ", ".join(map(str, kept)) + ")"
        if w.dry_season:
            years.add(kept[0] + 1)
            how += f" (mùa khô kéo dài sang năm {kept[0] + 1})"
        parts.append(f"«{_quote(shown, w.start, w.end)}»{how}")
    if not years:
        return None
    reading = f"Năm viết trong lời kể: {', '.join(parts)}: {_years_text(min(years), max(years))}."
    return PeriodReading(min(years), max(years), reading, "written_year")
