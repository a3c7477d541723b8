"""Battlefields and cemeteries corrected by an administrator: each value checked as the importer
checks a cell, a typed point read by the coordinate parser, a source required, history kept;
nobody else may change them. And every layer's form names only its own fields."""

from __future__ import annotations

import pytest

from layers.access import AccessDenied, system
from layers.errors import LayersError
from layers.records import RecordProblem, add_reference, check_reference, edit_reference
from layers.schema import LAYERS, REPORTS, FormGroup, Layer
from tests.layers.people import build


@pytest.fixture
def campaign(any_store):
    return build(any_store)


def test_an_admin_adds_a_cemetery_with_its_source_and_its_point_placed_in_its_province(campaign):
    admin = campaign.viewer("tw.admin")
    values = {"name": "NTLS Đường 9", "source": "Sở LĐTBXH Quảng Trị 2024", "level": "Quốc gia"}
    cemetery = add_reference(campaign.store, "cemeteries", {**values, "coordinates": "16.80, 107.00"}, admin)
    stored = campaign.store.record("cemeteries", cemetery, admin)
    assert stored["level"] == "national" and stored["province_34"] == "VN-25"
    assert round(stored["geometry"].y, 2) == 16.80
    assert [e["action"] for e in campaign.store.history(cemetery, admin)] == ["insert"]


def test_a_correction_names_its_source_and_keeps_the_old_value_in_the_history(campaign):
    store, admin = campaign.store, campaign.viewer("tw.admin")
    battlefield = add_reference(
        store, "battlefields", {"name": "Khe Sanh", "source": "Sách A", "war": "us", "province_34": "Quảng Trị"}, admin
    )
    version = edit_reference(store, "battlefields", battlefield, {"year_from": "1968", "source": "Sách B"}, 1, admin)
    entry = store.history(battlefield, admin)[-1]
    assert version == 2 and entry["reason"] == "Sách B"
    assert entry["changes"]["source"] == ["Sách A", "Sách B"] and entry["changes"]["year_from"] == [None, 1968]
    with pytest.raises(LayersError, match="người khác sửa"):
        edit_reference(store, "battlefields", battlefield, {"kind": "căn cứ"}, 1, admin)


def test_a_battlefield_of_two_wars_keeps_both_and_an_unknown_war_is_refused():
    assert check_reference("battlefields", {"name": "X", "source": "S", "war": "france, us"})["war"] == "france,us"
    with pytest.raises(RecordProblem, match="Cuộc chiến"):
        check_reference("battlefields", {"name": "X", "source": "S", "war": "france, chiến tranh thứ ba"})


def test_bad_reference_values_are_refused_naming_the_field(campaign):
    admin = campaign.viewer("tw.admin")
    before = campaign.store.count("cemeteries", system())
    with pytest.raises(RecordProblem, match="Nguồn"):
        add_reference(campaign.store, "cemeteries", {"name": "Không nguồn"}, admin)
    with pytest.raises(RecordProblem, match="Tọa độ"):
        add_reference(campaign.store, "cemeteries", {"name": "A", "source": "S", "coordinates": "không biết"}, admin)
    with pytest.raises(RecordProblem, match="Tỉnh"):
        add_reference(campaign.store, "cemeteries", {"name": "A", "source": "S", "province_34": "Atlantis"}, admin)
    with pytest.raises(RecordProblem, match="Cấp"):
        add_reference(campaign.store, "cemeteries", {"name": "A", "source": "S", "level": "cấp xã"}, admin)
    with pytest.raises(RecordProblem, match="reports"):
        add_reference(campaign.store, "reports", {"name": "A", "source": "S"}, admin)
    assert campaign.store.count("cemeteries", system()) == before


@pytest.mark.parametrize("who", ["qt.tinh", "qt.ghi", "qt.doi", "doitac"])
def test_only_an_admin_changes_the_reference_layers(campaign, who):
    with pytest.raises(AccessDenied):
        add_reference(campaign.store, "cemeteries", {"name": "A", "source": "S"}, campaign.viewer(who))


def test_every_form_group_names_fields_of_its_own_layer_and_none_twice():
    for layer in LAYERS.values():
        named = layer.form_fields
        assert len(named) == len(set(named)), layer.name
        assert set(named) <= {f.name for f in layer.fields}
    assert "status" not in REPORTS.form_fields  # the status moves through the workflow only
    with pytest.raises(ValueError, match="unknown fields"):
        Layer(
            "x",
            "x",
            "x",
            None,
            REPORTS.fields[:1],
            form=(
                FormGroup(
                    "g",
                    "g",
                    "g",
                    ("nothing"),
                ),
            ),
        )
