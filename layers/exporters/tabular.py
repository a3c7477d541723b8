"""CSV and XLSX: one table per layer, headers in Vietnamese or English, no cell a spreadsheet runs."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from layers.exporters.records import table
from layers.exporters.selection import Selection
from layers.labels import layer_label, neutralise
from layers.schema import get_layer


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(neutralise)


def csv_bytes(selection: Selection, name: str, audience: str, lang: str) -> bytes:
    """One layer as UTF-8 CSV with a byte order mark, so that Excel reads the diacritics."""
    data = _safe(table(selection.frames[name], get_layer(name), audience, lang))
    return ("\ufeff" + data.to_csv(index=False)).encode("utf-8")


def xlsx_bytes(selection: Selection, audience: str, lang: str) -> bytes:
    """Every layer of the selection as a sheet of one workbook, all cells stored as values."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for layer in selection.layers():
        sheet = book.create_sheet(layer_label(layer, lang)[:31])
        data = _safe(table(selection.frames[layer.name], layer, audience, lang))
        sheet.append(list(data.columns))
        for row in data.itertuples(index=False):
            sheet.append([None if pd.isna(v) else v for v in row])
        for cell in sheet[1]:
            cell.font = openpyxl.styles.Font(bold=True)
        for i, column in enumerate(data.columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(len(str(column)), 10) + 2, 40)
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
