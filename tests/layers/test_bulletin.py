"""The monthly bulletin's data (layers.bulletin) on both backends: the month's and the previous
month's figures are the campaign report's over those calendar months, the movers are the
provinces whose month added most, and a wrong month is refused in Vietnamese naming --month.
Pictures are re-encoded without metadata; a picture that is not one, or a pixel bomb, is none."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from layers.bulletin import (
    MOVER_FIGURES,
    MOVERS,
    bulletin_months,
    bulletin_of,
    clean_picture,
    month_period,
    previous_month,
)
from layers.campaign import custom_period
from layers.errors import LayersError
from layers.exporters.campaign_report import report_of
from layers.seed import load_demo, seed_reference
from layers.users import DEMO_USERS, find_user, viewer_of

TODAY = date(2026, 12, 2)
HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"


@pytest.fixture
def demo_store(any_store):
    seed_reference(any_store)
    load_demo(any_store, reports=400, seed=5)
    return any_store


def test_a_month_is_its_calendar_days_and_the_previous_month_its_own():
    month = month_period("2026-03", TODAY)
    assert (month.start, month.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert month.label("vi") == "tháng 03/2026" and month.label("en") == "March 2026"
    before = previous_month(month_period("2026-12", TODAY))
    assert (before.start, before.end) == (date(2026, 11, 1), date(2026, 11, 30))
    february = previous_month(month)
    assert (february.start, february.end) == (date(2026, 2, 1), date(2026, 2, 28))
    months = bulletin_months(TODAY)
    assert [m.start for m in months][:2] == [date(2026, 12, 1), date(2026, 11, 1)]
    assert months[-1].start == date(2026, 3, 1) and len(months) == 10


@pytest.mark.parametrize("text", ["2027-1", "27-01", "2026-13", "2026-00", "tháng 1", "", "2026-11-01"])
def test_a_badly_written_month_is_refused_naming_the_option(text):
    with pytest.raises(LayersError, match="--month phải có dạng 2027-01"):
        month_period(text, TODAY)


@pytest.mark.parametrize("text", ["2026-02", "2027-01", "1975-04"])
def test_a_month_before_the_campaign_or_after_this_one_is_refused(text):
    with pytest.raises(LayersError, match=r"--month phải từ 2026-03 .* đến 2026-12"):
        month_period(text, TODAY)


def test_the_bulletin_counts_the_campaign_reports_figures_of_the_month(demo_store):
    month = month_period("2026-10", TODAY)
    bulletin = bulletin_of(demo_store, month, TODAY)
    admin = viewer_of(demo_store, find_user(demo_store, DEMO_USERS[0][0]))
    for period, figures in ((month, bulletin.figures), (bulletin.previous_month, bulletin.previous)):
        signed_in = report_of(demo_store, admin, "Toàn Hội", None, custom_period(period.start, period.end), TODAY)
        assert figures == signed_in.figures
    assert bulletin.figures.reports_received > 0 and bulletin.demo and bulletin.made_on == TODAY
    assert bulletin.previous_month.start == date(2026, 9, 1)

    by_province = report_of(demo_store, admin, "Toàn Hội", None, custom_period(month.start, month.end), TODAY)
    moved = by_province.by_province[list(MOVER_FIGURES)].sum(axis=1)
    assert 0 < len(bulletin.movers) <= MOVERS
    assert [m.moved for m in bulletin.movers] == sorted(moved[moved > 0], reverse=True)[:MOVERS]
    for mover in bulletin.movers:
        assert mover.figures == pytest.approx(by_province.by_province.loc[mover.code].to_dict())
        assert mover.moved == sum(mover.figures[k] for k in MOVER_FIGURES)


def test_a_month_with_nothing_has_zero_figures_and_no_movers(demo_store):
    bulletin = bulletin_of(demo_store, month_period("2026-03", TODAY), TODAY)
    assert bulletin.previous.reports_received == 0 and bulletin.previous.trips == 0
    empty = bulletin_of(demo_store, month_period("2026-12", date(2026, 12, 2)), TODAY)
    assert empty.figures.reports_received == 0 and empty.movers == ()


def _jpeg_with_exif_position() -> bytes:
    image = Image.new("RGB", (2400, 1600), (120, 90, 60))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (16.0, 48.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"toa do 16.8 107.1")
    return out.getvalue()


def test_a_picture_is_reencoded_small_and_without_metadata():
    raw = _jpeg_with_exif_position()
    assert b"SecretCam" in raw
    clean = clean_picture(raw)
    assert clean is not None and b"SecretCam" not in clean and b"Exif" not in clean and b"toa do" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert max(image.size) == 1200 and image.format == "JPEG"
        assert "exif" not in image.info and "comment" not in image.info


@pytest.mark.parametrize("name", ["attach_pixel_bomb.png", "attach_empty.jpg", "attach_html_named.pdf"])
def test_a_hostile_still_gives_no_picture(name):
    assert clean_picture((HOSTILE / name).read_bytes()) is None


def test_a_published_story_of_the_month_comes_with_its_public_picture(demo_store, tmp_path, monkeypatch):
    from layers import attachments
    from layers.access import public
    from layers.exporters.bulletin import bulletin_pdf
    from layers.stories import publish_story
    from tests.layers.export.readers import all_text

    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    admin = viewer_of(demo_store, find_user(demo_store, DEMO_USERS[0][0]))
    trips = demo_store.frame("trips", public())
    days = trips["date_from"].astype(str)
    october = trips[days.str.startswith("2026-10")]["id"].iloc[0]
    other = trips[~days.str.startswith("2026-10") & trips["date_from"].notna()]["id"].iloc[0]
    sentence = "Đội tìm kiếm đã dò hết bờ suối phía tây sau hai ngày."
    publish_story(demo_store, october, admin, True, sentence)
    publish_story(demo_store, other, admin, True, "Một chuyến của tháng khác.")
    photo = attachments.attach(demo_store, "trips", october, _jpeg_with_exif_position(), "bo-suoi.jpg", admin)
    attachments.set_public(demo_store, photo, True, admin, consent=True)

    bulletin = bulletin_of(demo_store, month_period("2026-10", TODAY), TODAY)
    shown = {item.story.trip_id: item for item in bulletin.stories}  # the demo's own public stories too
    assert october in shown and other not in shown
    assert all(date(2026, 10, 1) <= item.story.day <= date(2026, 10, 31) for item in bulletin.stories)
    item = shown[october]
    assert item.story.sentence == sentence and item.picture is not None
    assert b"SecretCam" not in item.picture and b"Exif" not in item.picture
    with Image.open(io.BytesIO(item.picture)) as image:
        assert max(image.size) <= 1200
    pdf = bulletin_pdf(bulletin, "vi")
    text = all_text("b.pdf", pdf)
    assert sentence in text and "Một chuyến của tháng khác." not in text
    assert b"SecretCam" not in pdf


def test_the_commendations_of_a_period_are_in_the_bulletin_of_the_month_it_closed_only(demo_store):
    from layers.commendations import ranked, set_published
    from layers.exporters.bulletin import bulletin_pdf
    from tests.layers.export.readers import all_text

    admin = viewer_of(demo_store, find_user(demo_store, DEMO_USERS[0][0]))
    period = custom_period(date(2026, 9, 14), date(2026, 10, 31))
    lines = [line for line in ranked(demo_store, admin, period) if line.kind == "chapter"]
    assert lines
    set_published(demo_store, admin, period, "chapter", lines[0].id, True)
    october = bulletin_of(demo_store, month_period("2026-10", TODAY), TODAY)
    assert [(c.name, c.period_start) for c in october.commendations] == [(lines[0].name, date(2026, 9, 14))]
    for other in ("2026-09", "2026-11"):  # the period overlaps September too, but closed in October
        assert bulletin_of(demo_store, month_period(other, TODAY), TODAY).commendations == ()
    text = all_text("b.pdf", bulletin_pdf(october, "vi"))
    assert f"1. {lines[0].name}" in text and "Kỳ 14/09/2026 – 31/10/2026" in text
