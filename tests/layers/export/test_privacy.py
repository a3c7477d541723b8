"""No partner file of any format, zipped or not, carries a witness's private data."""

from __future__ import annotations

import pytest

from layers.exporters.formats import FORMATS, ExportOptions, export
from layers.exporters.ogr import shapefile_name
from layers.exporters.selection import Selection
from layers.failures import log_failure
from layers.schema import REPORTS
from tests.cli_helpers import run_module
from tests.layers.export.conftest import HOSTILE, SECRET
from tests.layers.export.readers import all_text


def _small(selection: Selection) -> Selection:
    """The PDF prints at most 500 reports: keep every tenth report, and the hostile one."""
    reports = selection.frames["reports"]
    keep = reports.iloc[::10].index.union(reports[reports["witness_name"] == HOSTILE["witness_name"]].index)
    return Selection(selection.spec, {**selection.frames, "reports": reports.loc[keep]})


def _private_values(selection: Selection) -> list[str]:
    """Private values of the demo data that appear in no public field (a witness may share a
    martyr's name; such a value cannot tell whether it leaked). Relations ("con", "đồng đội")
    are common words any text may hold: for them the field's names and labels are checked."""
    reports = selection.frames["reports"]
    public = " ".join(str(v) for f in REPORTS.fields if not f.private for v in reports[f.name].dropna())
    names = [n for n in REPORTS.private_fields if n != "witness_relation"]
    values = {str(v) for name in names for v in reports[name].dropna() if str(v).strip()}
    return sorted(v for v in values if v not in public)


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_a_partner_file_holds_no_private_field_or_value(format_name, everything):
    selection = _small(everything)
    private = _private_values(selection)
    assert len(private) > 50 and HOSTILE["witness_phone"] in private
    text = all_text(format_name, export(selection, format_name, ExportOptions(audience="partner")).data)
    assert "Đỗ Văn Ấn" in text  # the file was read: the hostile report's public name is there
    for field in REPORTS.fields:
        if field.private:
            for name in {field.name, shapefile_name(REPORTS, field.name), field.label_vi, field.label_en}:
                assert name not in text, (format_name, name)
    leaked = [v for v in private if v in text]
    assert not leaked, (format_name, leaked[:5])


@pytest.mark.parametrize("format_name", ["kml", "gpx", "csv", "xlsx", "pdf"])
def test_a_team_file_carries_the_witness_contact(format_name, everything):
    data = export(_small(everything), format_name, ExportOptions(audience="team")).data
    assert HOSTILE["witness_phone"] in all_text(format_name, data)


@pytest.mark.parametrize("format_name", ["shp", "gpkg", "xlsx", "kml", "gpx", "pdf"])
def test_nothing_private_reaches_the_terminal_or_the_log(format_name, demo_store, tmp_path):
    """GDAL warns with field values and openpyxl errors quote cells: neither may show witness data."""
    done = run_module(
        "layers",
        "export",
        "reports",
        "--format",
        format_name,
        "--audience",
        "team",
        "--province",
        "Quảng Trị",
        "--unit",
        "",
        "--out",
        str(tmp_path),
        "--db",
        str(demo_store.engine.url),
    )
    assert done.returncode == 0, done.stderr
    for secret in (SECRET, "Bí Mật", HOSTILE["witness_phone"]):
        assert secret not in done.stderr and secret not in done.stdout
    exported = next(tmp_path.iterdir()).read_bytes()
    assert "Bí Mật" in all_text(format_name, exported)  # the team file has the (cleaned) address


def test_a_logged_failure_names_the_error_not_the_data(caplog):
    try:
        raise ValueError(f"cell value {HOSTILE['witness_phone']} cannot be used")
    except ValueError as exc:
        log_failure("export to xlsx", exc)
    assert "ValueError" in caplog.text and "test_privacy.py" in caplog.text
    assert HOSTILE["witness_phone"] not in caplog.text


def test_partner_scrubbing_hides_witness_data_in_free_text_and_leaves_ordinary_text_alone():
    import pandas as pd

    from layers.privacy import HIDDEN, for_partners

    frame = pd.DataFrame(
        [
            {
                "martyr_names": "Lê Văn Ba",
                "hometown": "Quảng Trị",
                "coord_text": "48Q XD 01234 56789",
                "notes": "Đồng đội C552 chôn, ông le van tam (0912.345.678) chỉ chỗ; mộ 01 02 03 04 05 06",
                "place_description": "Cạnh nhà Lê Văn Tám, Xóm 4, xã Vĩnh Lâm",
                "witness_name": "Lê Văn Tám",
                "witness_phone": "0912 345 678",
                "witness_address": "Quảng Trị",
                "witness_relation": "đồng đội",
            }
        ]
    )
    row = for_partners(frame, REPORTS).iloc[0]
    assert row["notes"] == f"Đồng đội C552 chôn, ông {HIDDEN} ({HIDDEN}) chỉ chỗ; mộ 01 02 03 04 05 06"
    assert row["place_description"] == f"Cạnh nhà {HIDDEN}, Xóm 4, xã Vĩnh Lâm"
    assert (row["coord_text"], row["hometown"], row["martyr_names"]) == ("48Q XD 01234 56789", "Quảng Trị", "Lê Văn Ba")
    assert all(pd.isna(row[name]) for name in REPORTS.private_fields if name in frame)
