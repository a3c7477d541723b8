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


EXCEL_CELL = 32_767  # characters an Excel cell holds; Excel cuts the rest without a word
CONTINUED = {"vi": "{column} (tiếp {n})", "en": "{column} (cont. {n})"}


def split_long_cells(data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with every text longer than an Excel cell split over continuation columns
    beside its own ("Ghi chú", "Ghi chú (tiếp 2)", …), so that nothing is cut.

    >>> split_long_cells(pd.DataFrame({"a": ["x" * 40_000, "y"]}), "vi").map(len).to_dict("list")
    {'a': [32767, 1], 'a (tiếp 2)': [7233, 0]}
    """
    columns = {}
    for column in data.columns:
        values = data[column]
        longest = values.map(lambda v: len(v) if isinstance(v, str) else 0).max() if len(values) else 0
        if longest <= EXCEL_CELL:
            columns[column] = values
            continue
        pieces = -(-longest // EXCEL_CELL)
        for n in range(pieces):
            name = column if n == 0 else CONTINUED[lang].format(column=column, n=n + 1)
            part = slice(n * EXCEL_CELL, (n + 1) * EXCEL_CELL)
            columns[name] = values.map(
                lambda v, p=part, first=n == 0: v[p] if isinstance(v, str) else (v if first else "")
            )
    return pd.DataFrame(columns, index=data.index)


def xlsx_bytes(selection: Selection, audience: str, lang: str) -> bytes:
    """Every layer of the selection as a sheet of one workbook, all cells stored as values;
    text longer than a cell continues in the next column."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for layer in selection.layers():
        sheet = book.create_sheet(layer_label(layer, lang)[:31])
        data = split_long_cells(table(selection.frames[layer.name], layer, audience, lang), lang)
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
