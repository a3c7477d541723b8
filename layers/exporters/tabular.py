"""CSV and XLSX: one table per layer, headers in Vietnamese or English, no cell a spreadsheet runs."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from layers.exporters.records import table
from layers.exporters.selection import Selection
from layers.labels import FORMULA_STARTS, clean_text, layer_label, neutralise
from layers.schema import get_layer


def append_values(sheet: Worksheet, values: list) -> None:
    """A row of plain values: text stays text even when it begins like a formula (=, +, -, @);
    such cells are also marked with Excel's quote prefix, so editing them keeps them text."""
    sheet.append([clean_text(v) if isinstance(v, str) else (None if v is None or pd.isna(v) else v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def csv_bytes(selection: Selection, name: str, audience: str, lang: str) -> bytes:
    """One layer as UTF-8 CSV with a byte order mark, so that Excel reads the diacritics.
    CSV has no cell types: a value beginning like a formula gets a leading apostrophe."""
    data = table(selection.frames[name], get_layer(name), audience, lang).map(neutralise)
    return ("\ufeff" + data.to_csv(index=False)).encode("utf-8")


def xlsx_bytes(selection: Selection, audience: str, lang: str) -> bytes:
    """Every layer of the selection as a sheet of one workbook, all cells stored as values."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for layer in selection.layers():
        sheet = book.create_sheet(layer_label(layer, lang)[:31])
        data = table(selection.frames[layer.name], layer, audience, lang)
        sheet.append(list(data.columns))
        for row in data.itertuples(index=False):
            append_values(sheet, list(row))
        for cell in sheet[1]:
            cell.font = openpyxl.styles.Font(bold=True)
        for i, column in enumerate(data.columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(len(str(column)), 10) + 2, 40)
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
