"""Handing sites' information over to a search authority: recorded on every site with its
history row in one transaction (both backends), refused for roles that may not and for a site
the person may not change (then no site changes), and the record read back from its PDF: both
sites with coordinates equal to an independent computation, the signature blocks, the dossiers
appended without any witness contact unless the chapter asks for them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from layers.access import AccessDenied, system
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.exporters.handover_record import handover_pdf
from layers.handover import MAX_SITES, hand_over
from layers.store import Store
from tests.cli_helpers import run_module
from tests.layers.paperwork import (
    AREA,
    POINT,
    WITNESS,
    Paperwork,
    build_paperwork,
    epsg_vn2000,
    flat,
    mgrs_of,
    pdf_text,
    towgs84_vn2000,
)

UNIT = "Đội K92, Bộ Chỉ huy Quân sự tỉnh Quảng Trị"
HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile" / "handover_fields.json"
DAY = date(2026, 11, 20)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    return tmp_path


@pytest.fixture
def paperwork(folder, db_url) -> Paperwork:
    return build_paperwork(Store.open(db_url))


@pytest.fixture
def any_paperwork(folder, any_store) -> Paperwork:
    return build_paperwork(any_store)


def _sites(paperwork: Paperwork) -> list[str]:
    return [paperwork.measured, paperwork.estimated]


def _handovers(store: Store, site_id: str) -> list[dict]:
    return [e for e in store.history(site_id, system()) if e["action"] == "handover"]


def test_a_hand_over_is_written_on_both_sites_with_a_history_row_each(any_paperwork):
    paperwork, store = any_paperwork, any_paperwork.store
    leader = paperwork.campaign.viewer("qt.tinh")
    before = [int(store.record("sites", s, system())["version"]) for s in _sites(paperwork)]
    versions = hand_over(store, _sites(paperwork), UNIT, leader, on=DAY, note="Kèm sơ đồ vị trí")
    assert versions == [v + 1 for v in before]
    for site_id in _sites(paperwork):
        site = store.record("sites", site_id, system())
        assert (site["handed_over_to"], str(site["handed_over_on"])[:10], site["handed_over_by"]) == (
            UNIT,
            DAY.isoformat(),
            leader.display_name,
        )
        (row,) = _handovers(store, site_id)
        assert row["actor"] == "qt.tinh" and row["changes"]["handed_over_to"] == [None, UNIT]
        assert row["reason"] == f"Bàn giao thông tin cho «{UNIT}» ngày 20/11/2026: Kèm sơ đồ vị trí"


@pytest.mark.parametrize("who", ["qt.ghi", "qt.doi", "doitac"])
def test_a_recorder_a_team_or_a_partner_may_not_hand_over_and_nothing_is_written(any_paperwork, who):
    paperwork, store = any_paperwork, any_paperwork.store
    with pytest.raises(AccessDenied, match="không được bàn giao"):
        hand_over(store, _sites(paperwork), UNIT, paperwork.campaign.viewer(who))
    with pytest.raises(AccessDenied, match="không được bàn giao"):
        handover_pdf(store, _sites(paperwork), UNIT, paperwork.campaign.viewer(who))
    assert all(not _handovers(store, s) for s in _sites(paperwork))


def test_a_site_of_another_chapter_refuses_the_whole_hand_over(any_paperwork):
    paperwork, store = any_paperwork, any_paperwork.store
    leader = paperwork.campaign.viewer("qt.tinh")  # sees Nghệ An's site in Quảng Trị, may not change it
    with pytest.raises(AccessDenied, match="không phải của Hội mình"):
        hand_over(store, [paperwork.measured, paperwork.other], UNIT, leader)
    assert not _handovers(store, paperwork.measured)
    assert store.record("sites", paperwork.measured, system())["handed_over_to"] is None


@pytest.mark.parametrize(
    "ids, unit, on, said",
    [
        ([], UNIT, None, "ít nhất một mã điểm mộ"),
        (["a", "a"], UNIT, None, "được nêu hai lần"),
        ([str(i) for i in range(MAX_SITES + 1)], UNIT, None, f"tối đa {MAX_SITES} điểm mộ"),
        (["a"], "   ", None, "Cần tên đơn vị nhận bàn giao"),
        (["a"], UNIT, vietnam_today() + timedelta(days=1), "Ngày bàn giao"),
        (["khong-co"], UNIT, None, "Không có điểm mộ «khong-co»"),
    ],
    ids=["none", "twice", "too-many", "no-unit", "future", "unknown"],
)
def test_a_hand_over_asked_wrongly_is_refused_with_a_clear_message(paperwork, ids, unit, on, said):
    with pytest.raises(LayersError, match=said):
        hand_over(paperwork.store, ids, unit, paperwork.campaign.viewer("qt.tinh"), on=on)


def test_a_duplicate_site_is_not_handed_over(paperwork):
    store, admin = paperwork.store, system()
    site = store.record("sites", paperwork.estimated, admin)
    store.update("sites", site["id"], {"status": "duplicate", "duplicate_of": "r-man"}, "test", int(site["version"]))
    with pytest.raises(LayersError, match="bản trùng"):
        hand_over(store, [paperwork.estimated], UNIT, paperwork.campaign.viewer("qt.tinh"))


def test_hostile_unit_names_are_cleaned_or_refused(paperwork):
    leader = paperwork.campaign.viewer("qt.tinh")
    for entry in json.loads(HOSTILE.read_text(encoding="utf-8"))["units"]:
        if entry["stored"] is None:
            with pytest.raises(LayersError, match="đơn vị nhận bàn giao"):
                hand_over(paperwork.store, [paperwork.measured], entry["unit"], leader)
            continue
        hand_over(paperwork.store, [paperwork.measured], entry["unit"], leader)
        assert paperwork.store.record("sites", paperwork.measured, system())["handed_over_to"] == entry["stored"]


def test_the_record_lists_both_sites_in_three_systems_equal_to_an_independent_computation(paperwork):
    leader = paperwork.campaign.viewer("qt.tinh")
    text = pdf_text(handover_pdf(paperwork.store, _sites(paperwork), UNIT, leader, on=DAY))
    plain = flat(text)
    assert "BIÊN BẢN BÀN GIAO THÔNG TIN VỀ MỘ LIỆT SĨ" in plain
    assert "Quảng Trị, ngày 20 tháng 11 năm 2026" in plain
    assert "BÊN GIAO: Hội Cựu TNXP tỉnh Quảng Trị" in plain and f"BÊN NHẬN: {UNIT}" in plain
    lat, lon = POINT
    x, y = epsg_vn2000(lat, lon, "VN-25")
    assert (round(x, 2), round(y, 2)) == tuple(round(v, 2) for v in towgs84_vn2000(lat, lon, 106.25))
    assert f"WGS84: {lat:.6f}, {lon:.6f}" in plain
    assert f"X = {x:.2f} m" in plain and f"Y = {y:.2f} m" in plain and "KTT 106°15'" in plain
    assert f"MGRS: {mgrs_of(lat, lon, 4)}" in plain
    assert f"tâm {AREA[0]:.6f}, {AREA[1]:.6f} (WGS84), bán kính ± 4,2 km" in plain  # the estimated site: its area
    assert "ĐẠI DIỆN BÊN GIAO" in plain and "ĐẠI DIỆN BÊN NHẬN" in plain and "(Ký, ghi rõ họ tên)" in plain
    assert plain.count("HỒ SƠ ĐIỂM MỘ:") == 2  # each site's dossier appended


def test_the_records_dossiers_hold_no_contact_unless_the_chapter_asks(paperwork):
    leader = paperwork.campaign.viewer("qt.tinh")
    data = handover_pdf(paperwork.store, _sites(paperwork), UNIT, leader, on=DAY)
    text = flat(pdf_text(data))
    assert "Bản không có thông tin liên hệ" in text and "Bản có thông tin" not in text
    for secret in [*WITNESS.values(), "Hoàng Văn Sáu", "0905 111 222", "Số 12 đường Lê Lợi"]:
        assert secret not in text and secret.encode() not in data, secret
    asked = flat(pdf_text(handover_pdf(paperwork.store, _sites(paperwork), UNIT, leader, on=DAY, contacts=True)))
    assert WITNESS["witness_phone"] in asked and "Bản có thông tin liên hệ nhân chứng" in asked


def test_the_command_line_records_the_hand_over_then_writes_the_record(paperwork, tmp_path):
    url, out = str(paperwork.store.engine.url), tmp_path / "bien-ban.pdf"
    args = ["handover", *_sites(paperwork), "--to", UNIT, "--out", str(out), "--on", "2026-11-20", "--db", url]
    done = run_module("layers", *args, "--as", "qt.tinh")
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said["sites"] == _sites(paperwork) and said["to"] == UNIT and said["on"] == "2026-11-20"
    assert "BIÊN BẢN BÀN GIAO" in pdf_text(out.read_bytes())
    assert all(len(_handovers(paperwork.store, s)) == 1 for s in _sites(paperwork))
    out.unlink()
    refused = run_module("layers", *args, "--as", "qt.ghi")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "không được bàn giao" in refused.stderr
    assert not out.exists() and all(len(_handovers(paperwork.store, s)) == 1 for s in _sites(paperwork))
    other = ["handover", paperwork.measured, paperwork.other, "--to", UNIT, "--out", str(out), "--db", url]
    refused = run_module("layers", *other, "--as", "qt.tinh")
    assert refused.returncode == 2 and "không phải của Hội mình" in refused.stderr and not out.exists()
