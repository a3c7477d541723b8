"""The rights table, on both backends: which records and which witness contacts each role sees,
and which writes it may make. Each role is checked for what it must not see as well."""

from __future__ import annotations

import pytest

from layers.access import ROLES, AccessDenied, Contacts, Reach, Right, operator, system
from layers.errors import LayersError
from tests.layers.people import PASSWORD, REPORTS, build

# username: (the reports it sees, those whose contacts it sees)
EVERY = set(REPORTS)
QUANG_TRI_WORK = {"r-qt", "r-na-about-qt", "r-qt-assigned", "r-commune"}
EXPECTED = {
    "tw.admin": (EVERY, EVERY),
    "qt.tinh": (QUANG_TRI_WORK, {"r-qt", "r-qt-assigned", "r-commune"}),
    "qt.ghi": (QUANG_TRI_WORK, {"r-qt", "r-qt-assigned"}),
    "qt.doi": (QUANG_TRI_WORK, {"r-qt-assigned"}),
    "doitac": (EVERY, set()),
    "na.ghi": ({"r-na-about-qt", "r-na"}, {"r-na-about-qt", "r-na"}),
}


@pytest.fixture
def campaign(any_store):
    return build(any_store)


def _seen(frame) -> tuple[set[str], set[str]]:
    rows = set(frame["id"])
    contacts = set(frame.loc[frame["witness_phone"].notna(), "id"])
    return rows, contacts


def test_the_roles_are_the_five_of_the_campaign_each_with_its_reach_and_contacts():
    assert list(ROLES) == ["admin", "chapter", "recorder", "team", "partner"]
    assert ROLES["partner"].rights == {Right.VIEW, Right.EXPORT_PARTNER}
    assert ROLES["recorder"].reach is Reach.CHAPTERS and ROLES["recorder"].contacts is Contacts.OWN
    assert ROLES["team"].contacts is Contacts.ASSIGNED and Right.TRIPS in ROLES["team"].rights
    assert Right.EDIT not in ROLES["team"].rights and Right.USERS not in ROLES["recorder"].rights


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_role_sees_exactly_its_reports_and_only_the_contacts_its_chapter_was_given(campaign, username):
    frame = campaign.store.frame("reports", campaign.viewer(username))
    assert _seen(frame) == EXPECTED[username]


@pytest.mark.parametrize("username", list(EXPECTED))
def test_where_contacts_are_hidden_the_free_text_keeps_no_phone_and_no_private_field(campaign, username):
    frame = campaign.store.frame("reports", campaign.viewer(username))
    hidden = frame[~frame["id"].isin(EXPECTED[username][1])]
    for _, row in hidden.iterrows():
        phone = REPORTS[row["id"]][3]
        assert phone not in row["place_description"] and "[đã ẩn]" in row["place_description"]
        assert all(row[name] is None or row[name] != row[name] for name in ("witness_name", "witness_address"))


def test_counts_are_of_what_the_person_sees(campaign):
    assert campaign.store.count("reports", campaign.viewer("qt.ghi")) == len(QUANG_TRI_WORK)
    assert campaign.store.counts_by("reports", "chapter_id", campaign.viewer("na.ghi")) == {"chapter-vn-22": 2}
    with pytest.raises(LayersError):
        campaign.store.counts_by("reports", "witness_phone", system())


def test_the_operator_sees_every_report_and_contacts_only_where_the_installation_allows(campaign, monkeypatch):
    monkeypatch.setenv("BANDO_SHOW_CONTACTS", "0")
    assert _seen(campaign.store.frame("reports", operator())) == (EVERY, set())
    monkeypatch.setenv("BANDO_SHOW_CONTACTS", "1")
    assert _seen(campaign.store.frame("reports", operator())) == (EVERY, EVERY)


def test_a_recorder_edits_its_chapters_reports_and_no_other(campaign):
    store, recorder = campaign.store, campaign.viewer("qt.ghi")
    assert store.update("reports", "r-qt", {"status": "verifying"}, "", 1, viewer=recorder) == 2
    with pytest.raises(AccessDenied, match="Hội khác"):
        store.update("reports", "r-na-about-qt", {"status": "verifying"}, "", 1, viewer=recorder)
    with pytest.raises(AccessDenied, match="Hội khác"):  # nor move its own report to another chapter
        store.update("reports", "r-qt", {"chapter_id": "chapter-vn-22"}, "", 2, viewer=recorder)
    with pytest.raises(AccessDenied):
        store.insert("reports", [{"chapter_id": "chapter-vn-22", "province_34": "VN-25"}], viewer=recorder)
    assert store.insert("reports", [{"chapter_id": "chapter-vn-25", "province_34": "VN-25"}], viewer=recorder) == 1


def test_a_partner_changes_nothing_and_a_team_records_trips_but_edits_no_report(campaign):
    store = campaign.store
    with pytest.raises(AccessDenied):
        store.update("reports", "r-qt", {"status": "verifying"}, "", 1, viewer=campaign.viewer("doitac"))
    team = campaign.viewer("qt.doi")
    with pytest.raises(AccessDenied):
        store.update("reports", "r-qt-assigned", {"status": "planned"}, "", 1, viewer=team)
    assert store.insert("trips", [{"name": "Chuyến Gio An", "chapter_id": "chapter-vn-25"}], viewer=team) == 1
    with pytest.raises(AccessDenied):
        store.insert("battlefields", [{"name": "Khe Sanh"}], viewer=campaign.viewer("qt.tinh"))


def test_a_demo_account_sees_and_changes_demo_records_only(campaign):
    from layers.users import add_user

    store = campaign.store
    store.insert("reports", [{"id": "r-demo", "chapter_id": "chapter-vn-25", "province_34": "VN-25", "is_demo": True}])
    add_user(store, "demo.thu", "recorder", PASSWORD, system(), chapter="chapter-vn-25", is_demo=True)
    demo = campaign.viewer("demo.thu")
    assert set(store.frame("reports", demo)["id"]) == {"r-demo"}
    assert len(store.frame("chapters", demo)) == 36 and len(store.frame("battlefields", demo)) > 0  # reference data
    with pytest.raises(AccessDenied, match="mẫu"):
        store.update("reports", "r-qt", {"status": "verifying"}, "", 1, viewer=demo)
    store.insert("reports", [{"id": "r-demo-2", "chapter_id": "chapter-vn-25"}], viewer=demo)
    assert store.record("reports", "r-demo-2", system())["is_demo"]


def test_a_commune_chapter_is_reached_by_its_provincial_leader_but_not_by_a_recorder_of_the_province(campaign):
    assert campaign.commune in campaign.viewer("qt.tinh").chapters
    assert campaign.commune not in campaign.viewer("qt.ghi").chapters


def test_trip_waypoints_and_chapter_contacts_follow_the_same_rule_as_witness_contacts(campaign):
    store = campaign.store
    store.insert(
        "trips",
        [
            {
                "id": "t-qt",
                "chapter_id": "chapter-vn-25",
                "province_34": "VN-25",
                "waypoints": "Nhà ông A 0912 000 009",
            },
            {"id": "t-na", "chapter_id": "chapter-vn-22", "province_34": "VN-22", "waypoints": "Nhà bà B"},
        ],
    )
    store.update("chapters", "chapter-vn-25", {"contact": "0233 385 2123"}, "test", 1)
    for username, trips, waypoints, contact in (
        ("qt.doi", {"t-qt"}, {"t-qt"}, True),
        ("qt.tinh", {"t-qt"}, {"t-qt"}, True),
        ("doitac", {"t-qt", "t-na"}, set(), False),
        ("na.ghi", {"t-na"}, {"t-na"}, False),
    ):
        viewer = campaign.viewer(username)
        frame = store.frame("trips", viewer)
        assert set(frame["id"]) == trips, username
        assert set(frame.loc[frame["waypoints"].notna(), "id"]) == waypoints, username
        chapters = store.frame("chapters", viewer).set_index("id")
        assert len(chapters) == 36  # every chapter is listed for everyone
        assert (chapters.loc["chapter-vn-25", "contact"] == "0233 385 2123") is contact, username
