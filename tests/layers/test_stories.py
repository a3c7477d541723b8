"""A trip's public story on real stores (SQLite and PostgreSQL): only a person with the right to
publish (a chapter leader, an administrator) publishes it, and nobody else changes its name or
sentence while it is on; the public pages read the published ones only, newest first, by
period and province."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from layers import attachments, stories
from layers.access import AccessDenied, system
from layers.errors import LayersError
from layers.store import Store
from layers.trips import edit_trip
from tests.cli_helpers import run_module
from tests.layers import attachment_samples as samples
from tests.layers.people import QT, build

ROOT = Path(__file__).resolve().parents[2]


def trip(store, trip_id: str, day: date, province: str = "VN-25", **values) -> str:
    record = {
        "id": trip_id,
        "name": f"Chuyến {trip_id}",
        "chapter_id": QT,
        "team": "qt.doi",
        "date_from": day,
        "date_to": day,
        "outcome": "nothing_found",
        "province_34": province,
        **values,
    }
    store.insert("trips", [record], author="test")
    return trip_id


@pytest.fixture
def campaign(any_store):
    return build(any_store)


def version(store, trip_id: str) -> int:
    return int(store.record("trips", trip_id, system())["version"])


def test_a_chapter_leader_publishes_a_story_with_its_sentence_and_a_history_row(campaign):
    store = campaign.store
    trip(store, "t-1", date(2026, 5, 2))
    stories.publish_story(store, "t-1", campaign.viewer("qt.tinh"), True, "Đội đã rà 3 km² ở Gio Linh.")
    (story,) = stories.public_stories(store)
    assert (story.trip_id, story.title, story.sentence, story.province_34, story.day) == (
        "t-1",
        "Chuyến t-1",
        "Đội đã rà 3 km² ở Gio Linh.",
        "VN-25",
        date(2026, 5, 2),
    )
    assert story.chapter_name
    changes = [e["changes"] for e in store.history("t-1", system()) if e["action"] == "update"]
    assert changes and "story_public" in changes[-1] and "story" in changes[-1]
    stories.publish_story(store, "t-1", campaign.viewer("qt.tinh"), False)
    assert stories.public_stories(store) == []


def test_a_story_is_published_only_with_a_sentence_of_at_most_300_characters(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip(store, "t-1", date(2026, 5, 2))
    with pytest.raises(LayersError, match="Cần một câu chuyện"):
        stories.publish_story(store, "t-1", leader, True)
    with pytest.raises(LayersError, match="300"):
        stories.publish_story(store, "t-1", leader, True, "x" * 301)
    assert stories.public_stories(store) == []


def test_a_team_may_not_publish_nor_change_a_published_storys_name_or_sentence(campaign):
    store, team = campaign.store, campaign.viewer("qt.doi")
    trip(store, "t-1", date(2026, 5, 2), story="Một câu.")
    with pytest.raises(AccessDenied):
        stories.publish_story(store, "t-1", team, True)
    with pytest.raises(AccessDenied, match="Chỉ lãnh đạo Hội"):
        store.update("trips", "t-1", {"story_public": True}, "qt.doi", version(store, "t-1"), viewer=team)
    stories.publish_story(store, "t-1", campaign.viewer("qt.tinh"), True)
    for changes in ({"name": "Tên khác"}, {"story": "Câu khác."}, {"story_public": False}):
        with pytest.raises(AccessDenied, match="Chỉ lãnh đạo Hội"):
            store.update("trips", "t-1", changes, "qt.doi", version(store, "t-1"), viewer=team)
    edit_trip(store, "t-1", {"notes": "ghi chú của đội"}, version(store, "t-1"), team)  # other fields stay theirs
    (story,) = stories.public_stories(store)
    assert (story.title, story.sentence) == ("Chuyến t-1", "Một câu.")


def test_a_chapter_leader_changes_a_published_storys_sentence_and_a_stale_version_is_refused(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip(store, "t-1", date(2026, 5, 2), story="Một câu.", story_public=True)
    stale = version(store, "t-1")
    stories.publish_story(store, "t-1", leader, True, "Câu mới.")
    assert stories.public_stories(store)[0].sentence == "Câu mới."
    with pytest.raises(LayersError):
        store.update("trips", "t-1", {"story": "Câu cũ."}, "qt.tinh", stale, viewer=leader)


def test_public_stories_are_newest_first_within_the_period_and_province_and_never_deleted(campaign):
    store = campaign.store
    trip(store, "t-old", date(2026, 1, 5), story="Cũ.", story_public=True)
    trip(store, "t-new", date(2026, 6, 5), story="Mới.", story_public=True)
    trip(store, "t-na", date(2026, 3, 5), province="VN-22", story="Nghệ An.", story_public=True)
    trip(store, "t-hidden", date(2026, 3, 6), story="Chưa công bố.", story_public=False)
    trip(store, "t-gone", date(2026, 3, 7), story="Đã xoá.", story_public=True)
    store.delete("trips", "t-gone", system(), version(store, "t-gone"), "thử")
    assert [s.trip_id for s in stories.public_stories(store)] == ["t-new", "t-na", "t-old"]
    assert [s.trip_id for s in stories.public_stories(store, date(2026, 2, 1), date(2026, 6, 30))] == ["t-new", "t-na"]
    assert [s.trip_id for s in stories.public_stories(store, province_34="VN-22")] == ["t-na"]


def test_a_published_trips_name_reaches_the_public_scrubbed_of_a_phone_number(campaign):
    store = campaign.store
    trip(store, "t-1", date(2026, 5, 2), name="Chuyến nhà ông Ba 0912345678", story="Một câu.", story_public=True)
    (story,) = stories.public_stories(store)
    assert "0912345678" not in story.title


def test_story_and_media_publish_and_unpublish_on_the_command_line(db_url, tmp_path, monkeypatch):
    store = Store.open(db_url)
    campaign = build(store)
    folder = tmp_path / "attachments"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "BANDO_ATTACHMENTS_DIR": str(folder)}
    trip(store, "t-1", date(2026, 5, 2))

    def layers(*args):
        return run_module("layers", *args, "--db", db_url, cwd=ROOT, env=env)

    refused = layers("story", "publish", "t-1", "--text", "Một câu.", "--as", "qt.doi")
    assert refused.returncode == 2 and "không được" in refused.stderr and "Traceback" not in refused.stderr
    done = layers("story", "publish", "t-1", "--text", "Đội đã rà xong đồi 31.", "--as", "qt.tinh")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["story_public"] is True
    assert [s.sentence for s in stories.public_stories(store)] == ["Đội đã rà xong đồi 31."]
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(folder))
    made = attachments.attach(store, "trips", "t-1", samples.jpeg(), "anh.jpg", campaign.viewer("qt.tinh"))
    no_consent = layers("media", "publish", made, "--as", "qt.tinh")
    assert no_consent.returncode == 2 and "sự đồng ý" in no_consent.stderr
    shown = layers("media", "publish", made, "--consent", "--as", "qt.tinh")
    assert shown.returncode == 0 and json.loads(shown.stdout) == {"attachment_id": made, "public": True}
    assert [m.id for m in stories.public_media(store)] == [made]
    assert layers("media", "unpublish", made, "--as", "qt.tinh").returncode == 0
    assert layers("story", "unpublish", "t-1", "--as", "qt.tinh").returncode == 0
    assert stories.public_media(store) == [] and stories.public_stories(store) == []
