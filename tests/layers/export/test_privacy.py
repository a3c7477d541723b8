"""No partner file of any format, zipped or not, carries a witness's private data."""

from __future__ import annotations

import pytest

from layers.exporters.formats import FORMATS, ExportOptions, export
from layers.exporters.ogr import shapefile_name
from layers.exporters.selection import Selection
from layers.schema import REPORTS
from tests.layers.export.conftest import HOSTILE
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
            for name in {field.name, shapefile_name(field.name), field.label_vi, field.label_en}:
                assert name not in text, (format_name, name)
    leaked = [v for v in private if v in text]
    assert not leaked, (format_name, leaked[:5])


@pytest.mark.parametrize("format_name", ["kml", "gpx", "csv", "xlsx", "pdf"])
def test_a_team_file_carries_the_witness_contact(format_name, everything):
    data = export(_small(everything), format_name, ExportOptions(audience="team")).data
    assert HOSTILE["witness_phone"] in all_text(format_name, data)
