"""The field sheet PDF: A4, fonts embedded, every report's code, coordinates and place, read back."""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from layers.errors import LayersError
from layers.exporters.formats import ExportOptions, export
from layers.exporters.pdf import MAX_REPORTS
from layers.exporters.selection import Selection
from layers.labels import short_code
from tests.layers.export.conftest import HOSTILE


def _text(reader: PdfReader) -> str:
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def sheet(quang_tri):
    reports = quang_tri.frames["reports"].head(12)
    selection = Selection(quang_tri.spec, {"reports": reports, "trips": quang_tri.frames["trips"]})
    return reports, PdfReader(io.BytesIO(export(selection, "pdf", ExportOptions(audience="team")).data))


def test_field_sheet_is_a4_with_its_fonts_embedded(sheet):
    _, reader = sheet
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in f for f in fonts)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor  # embedded, not left to the printer


def test_field_sheet_lists_every_report_with_code_names_and_three_coordinate_systems(sheet):
    reports, reader = sheet
    text = _text(reader)
    assert "Phiếu thực địa" in text and "Ghi chép thực địa" in text
    for _, row in reports.iterrows():
        assert f"#{short_code(row['id'])}" in text
        assert row["martyr_names"] in text
        if row.geometry is not None:
            assert f"{row.geometry.y:.6f}, {row.geometry.x:.6f}" in text
    assert text.count("MGRS") == reports.geometry.notna().sum()
    assert text.count("VN-2000") >= reports.geometry.notna().sum()
    assert reports.iloc[0]["place_description"][:30] in text.replace("\n", " ")


def test_witness_contact_is_printed_only_for_the_team(quang_tri, everything):
    hostile = everything.frames["reports"][everything.frames["reports"]["witness_name"] == HOSTILE["witness_name"]]
    one = Selection(everything.spec, {"reports": hostile})
    team = _text(PdfReader(io.BytesIO(export(one, "pdf", ExportOptions(audience="team")).data)))
    partner = _text(PdfReader(io.BytesIO(export(one, "pdf", ExportOptions(audience="partner")).data)))
    assert HOSTILE["witness_phone"] in team and HOSTILE["witness_phone"] not in partner
    assert "<script>alert(1)</script>" in partner  # printed as text, never interpreted


def test_a_selection_too_big_to_print_is_refused_with_a_clear_message(everything):
    big = Selection(everything.spec, {"reports": everything.frames["reports"].sample(MAX_REPORTS + 1, replace=True)})
    with pytest.raises(LayersError, match="tối đa 500 tin báo"):
        export(big, "pdf", ExportOptions())
