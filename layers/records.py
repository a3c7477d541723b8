"""One report added or edited by a person: checked by the importer's own validation (a value
typed in a form or given on the command line is a row of one), written with its history.

The status is not edited here: it moves through the workflow (layers.workflow).
"""

from __future__ import annotations

import json
import uuid

from layers.access import Viewer
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.importers.files import Row
from layers.importers.limits import check_file
from layers.importers.mapping import mappable
from layers.importers.reports import PLACE_COLUMNS, RowProblem, validate
from layers.schema import REPORTS
from layers.store import Store

EDITABLE = tuple(f.name for f in mappable(REPORTS) if f.name != "status")
# A new coordinate text gives the record a new point, and what goes with it.
WITH_POSITION = ("geometry", "coord_system", "coord_datum", "uncertainty_m", *PLACE_COLUMNS)


class RecordProblem(LayersError):
    """A value a person gave that the report cannot take; the message names the field."""


def _checked(values: dict[str, object]) -> dict:
    """The values as the importer would store them from a row with these columns."""
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise RecordProblem(f"Trường không sửa được ở đây: {', '.join(unknown)}; các trường: {', '.join(EDITABLE)}.")
    texts = {name: "" if value is None else str(value) for name, value in values.items()}
    try:
        return validate(Row(1, texts), {name: name for name in texts}, None)
    except RowProblem as problem:
        raise RecordProblem(str(problem).replace("Dòng 1", "Tin báo", 1)) from None


def read_json(data: bytes) -> dict:
    """A report's fields from a JSON object (a file of at most the importer's size)."""
    check_file(len(data))
    try:
        values = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordProblem(f"Tệp JSON không đọc được ({type(exc).__name__}).") from None
    if not isinstance(values, dict):
        raise RecordProblem('Tệp JSON phải là một đối tượng {"tên trường": giá trị, …}.')
    return values


def add_report(store: Store, values: dict[str, object], viewer: Viewer) -> str:
    """A new report, as "Mới nhận", for the person's chapter unless they name another they may
    write for; returns its id."""
    chapter = values.pop("chapter_id", None) if "chapter_id" in values else None
    record = _checked(values)
    record.update(
        chapter_id=chapter or viewer.chapter_id,
        status="new",
        received_on=record.get("received_on") or vietnam_today(),
    )
    record["id"] = str(uuid.uuid4())
    store.insert("reports", [record], viewer=viewer)
    return record["id"]


def edit_report(store: Store, record_id: str, changes: dict[str, object], version: int, viewer: Viewer) -> int:
    """Change fields of a report the person may change, if nobody changed it since `version`;
    returns the new version."""
    if "status" in changes:
        raise RecordProblem("Trạng thái đổi theo quy trình: python -m layers record status ID TRẠNG_THÁI.")
    current = store.record("reports", record_id, viewer)
    if current is None:
        raise RecordProblem(f"Không có tin báo «{record_id[:60]}».")
    chapter = changes.pop("chapter_id", None)
    # The importer asks for a name, a place or a coordinate: the record's own name stands in.
    checked = _checked({"martyr_names": current.get("martyr_names") or "—", **changes})
    update = {name: checked.get(name) for name in changes}
    if "coord_text" in changes:
        update.update({name: checked.get(name) for name in WITH_POSITION})
    if chapter:
        update["chapter_id"] = chapter
    return store.update("reports", record_id, update, viewer.username, version, viewer=viewer)
