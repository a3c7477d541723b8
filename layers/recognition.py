"""Recognition support cases (hỗ trợ hồ sơ công nhận liệt sĩ): a person who died in service and is
not yet recognised as a martyr, the old comrades who confirm how they died (the case's parts,
layers.schema.RECOGNITION_WITNESSES), the reports and sites about the same person, and the
case's steps, each with the day it happened and a note, in the history.

A case is added and corrected through the owned layers' form checks (layers.records), moves
through its workflow (declared here, taken by layers.workflow.take), and is read by the pages
and the command line through `case_summary` and `case_list`.

>>> [s.target for s in CASE_WORKFLOW.steps_from("sent_commune")]
['sent_province', 'returned']
>>> CASE_WORKFLOW.step_for("sent_province", "returned").needs
('note',)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pandas as pd

from layers import history
from layers.access import Viewer, sees_contacts
from layers.errors import LayersError
from layers.records import add_owned, edit_owned
from layers.schema import RECOGNITION_CASES, RECOGNITION_WITNESSES, REPORTS, SITES, Layer, get_layer
from layers.store import Store
from layers.workflow import CASE_WORKERS, LEADERS, Step, StepInput, Workflow, take

CASES, WITNESSES = RECOGNITION_CASES.name, RECOGNITION_WITNESSES.name
# Case workers gather the papers and send them on; a chapter's leaders record the answer (and
# why a file came back), and the case workers gather again.
CASE_STEPS = (
    Step(("gathering",), "sent_commune", CASE_WORKERS),
    Step(("sent_commune",), "sent_province", CASE_WORKERS),
    Step(("sent_province",), "recognised", LEADERS),
    Step(("sent_commune", "sent_province"), "returned", LEADERS, ("note",)),
    Step(("returned",), "gathering", CASE_WORKERS),
)
CASE_WORKFLOW = Workflow(
    (CASES,),
    "status",
    CASE_STEPS,
    "gathering",
    day="step_on",
    needs={"note": "--note (lý do hồ sơ bị trả lại)"},
    thing="hồ sơ",
)
# The fields of a case that link it to the records about the same person, and their layers.
LINKS = {"report_ids": REPORTS.name, "site_ids": SITES.name}
LINKED = {CASES: LINKS}  # per layer: its link fields (pages built from a declaration read this)
MIN_CODE = 6  # characters of a short code that may stand for a whole id


def add_case(
    store: Store,
    values: dict[str, object],
    viewer: Viewer,
    report_ids: Sequence[str] = (),
    site_ids: Sequence[str] = (),
) -> str:
    """A new case, "Đang thu thập hồ sơ" from today, for the person's own chapter unless they name
    another they may write for (values["chapter_id"]); linked at once to the reports and sites
    given (each one the person sees, checked before anything is written). Returns its id."""
    links = {name: ids for name, ids in _links(store, viewer, report_ids, site_ids).items() if ids}
    return add_owned(store, CASES, values, viewer, checked=links)


def edit_case(store: Store, case_id: str, changes: dict[str, object], version: int, viewer: Viewer) -> int:
    """Correct a case's told fields; returns its new version (its steps move by `take_case_step`)."""
    return edit_owned(store, CASES, case_id, changes, version, viewer)


def add_witness(store: Store, case_id: str, values: dict[str, object], viewer: Viewer) -> str:
    """A confirming witness of a case the person may change (the store gives it the case's
    chapter); returns its id."""
    return add_owned(store, WITNESSES, values, viewer, parent_id=case_id)


def edit_witness(store: Store, witness_id: str, changes: dict[str, object], version: int, viewer: Viewer) -> int:
    """Correct a witness's details or statement; returns the new version."""
    return edit_owned(store, WITNESSES, witness_id, changes, version, viewer)


def take_case_step(
    store: Store, case_id: str, target: str, viewer: Viewer, on: date | None = None, note: str | None = None
) -> int:
    """Move a case to `target` on day `on` (today in Vietnam when not given) with a note; the
    status, the day and the history row are written together. Returns the new version."""
    return take(store, CASES, case_id, target, viewer, StepInput(note=note, on=on))


def resolve(store: Store, layer_name: str, code: str, viewer: Viewer) -> str:
    """The id of a record this person sees, from its id or its short code (#3f2a9c1d)."""
    code = str(code).strip().lstrip("#").lower()
    table = store.table(layer_name)
    layer = get_layer(layer_name)
    if len(code) >= MIN_CODE and all(ch in "0123456789abcdef-" for ch in code):
        found = store.frame(layer_name, viewer, table.c.id.like(f"{code}%"))["id"].tolist()
    else:
        found = store.frame(layer_name, viewer, table.c.id == code)["id"].tolist()
    if len(found) != 1:
        said = code[:40] or "—"
        many = " (nhiều bản ghi cùng mã đầu này; hãy ghi thêm ký tự)" if len(found) > 1 else ""
        raise LayersError(f"Không có {layer.label_vi.lower()} «{said}»{many}.")
    return str(found[0])


def _links(store: Store, viewer: Viewer, report_ids: Iterable[str], site_ids: Iterable[str]) -> dict[str, list]:
    given = {"report_ids": report_ids, "site_ids": site_ids}
    return {
        name: list(dict.fromkeys(resolve(store, LINKS[name], code, viewer) for code in codes))
        for name, codes in given.items()
    }


def _ids(value: object) -> list[str]:
    return [str(i) for i in value] if isinstance(value, list | tuple) else []


def _case(store: Store, case_id: str, viewer: Viewer) -> dict:
    case = store.record(CASES, case_id, viewer)
    if case is None:
        raise LayersError(f"Không có hồ sơ «{str(case_id)[:60]}».")
    return case


def links_of(layer_name: str) -> dict[str, str]:
    """A layer's link fields and the layers they point to ({} for a layer without links)."""
    return dict(LINKED.get(layer_name, {}))


def link_records(
    store: Store,
    layer_name: str,
    record_id: str,
    viewer: Viewer,
    codes: dict[str, Sequence[str]],
    unlink: bool = False,
) -> int:
    """Link a record to others (per link field, ids or short codes of records the person sees),
    or take links off with `unlink`; returns the record's new version."""
    fields = links_of(layer_name)
    unknown = sorted(set(codes) - set(fields))
    if unknown:
        raise LayersError(f"Không có trường liên kết {', '.join(unknown)}; các trường: {', '.join(fields)}.")
    layer = get_layer(layer_name)
    record = store.record(layer_name, record_id, viewer)
    if record is None:
        raise LayersError(f"Không có {layer.label_vi.lower()} «{str(record_id)[:60]}».")
    changes = {}
    for name, given in codes.items():
        ids = list(dict.fromkeys(resolve(store, fields[name], code, viewer) for code in given))
        kept = _ids(record.get(name))
        after = [i for i in kept if i not in ids] if unlink else list(dict.fromkeys([*kept, *ids]))
        if after != kept:
            changes[name] = after
    if not changes:
        return int(record["version"])
    action = "unlink" if unlink else "link"
    return store.update(
        layer_name, record_id, changes, viewer.username, int(record["version"]), viewer=viewer, action=action
    )


def link(
    store: Store,
    case_id: str,
    viewer: Viewer,
    report_ids: Sequence[str] = (),
    site_ids: Sequence[str] = (),
    unlink: bool = False,
) -> int:
    """Link a case to reports and sites about the same person (by id or short code, each one the
    person sees), or take links off with `unlink`; returns the case's new version."""
    return link_records(store, CASES, case_id, viewer, {"report_ids": report_ids, "site_ids": site_ids}, unlink)


def cases_about(store: Store, layer_name: str, record_id: str, viewer: Viewer) -> pd.DataFrame:
    """The cases this person sees that are linked to a report or a site (the reverse of `link`)."""
    field = next((name for name, linked in LINKS.items() if linked == layer_name), None)
    if field is None:
        raise LayersError(f"Hồ sơ công nhận không liên kết với lớp «{get_layer(layer_name).label_vi}».")
    cases = store.frame(CASES, viewer)
    return cases[cases[field].map(lambda ids: str(record_id) in _ids(ids))].reset_index(drop=True)


def _plain(value: object) -> object:
    """A value as JSON holds it (a day as ISO text, a missing number as None)."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return history.jsonable(value)


def _fields(layer: Layer, record: dict) -> dict:
    out = {name: _plain(record.get(name)) for name in ("id", *(f.name for f in layer.fields), "version")}
    for f in layer.fields:  # a whole number read as a float where another row had none
        if f.type == "int" and isinstance(out[f.name], float):
            out[f.name] = int(out[f.name])
    return out


def case_list(store: Store, viewer: Viewer) -> list[dict]:
    """The cases this person sees, most recent step first: name, step, its day, chapter, province,
    how many witnesses."""
    cases = store.frame(CASES, viewer)
    witnesses = store.frame(WITNESSES, viewer)
    counts = witnesses["case_id"].value_counts().to_dict() if len(witnesses) else {}
    cases = cases.sort_values("step_on", ascending=False, na_position="last", kind="stable")
    shown = ("id", "person_name", "status", "step_on", "chapter_id", "province_34", "unit", "death_year")
    return [
        {**{name: _plain(row.get(name)) for name in shown}, "witnesses": int(counts.get(row["id"], 0))}
        for row in cases.to_dict("records")
    ]


def steps(entries: list[dict]) -> list[dict]:
    """A case's steps from its history: each status change with its day, note and who."""
    out = []
    for entry in entries:
        changes = entry["changes"]
        if entry["action"] == "insert" or (entry["action"] == "status" and "status" in changes):
            day = (changes.get("step_on") or [None, None])[1]
            out.append(
                {
                    "status": changes["status"][1] if "status" in changes else CASE_WORKFLOW.start,
                    "on": day or entry["at"][:10],
                    "note": entry["reason"],
                    "by": entry["actor"],
                    "version": entry["version"],
                }
            )
    return out


def case_summary(store: Store, case_id: str, viewer: Viewer) -> dict:
    """A case as this person may see it: its fields (the relative's contact only for those who
    see it), its witnesses (theirs likewise), its steps with their days and notes, and what it
    is linked to (the reports and sites the person sees, by name)."""
    case = _case(store, case_id, viewer)
    witnesses = store.parts(CASES, case_id, viewer)[WITNESSES]
    linked = {}
    for name, layer_name in LINKS.items():
        layer = get_layer(layer_name)
        table = store.table(layer_name)
        ids = _ids(case.get(name))
        frame = store.frame(layer_name, viewer, table.c.id.in_(ids)) if ids else pd.DataFrame({"id": []})
        titles = dict(zip(frame["id"], frame[layer.title], strict=True)) if len(frame) else {}
        linked[name] = [{"id": i, "title": _plain(titles.get(i)), "seen": i in titles} for i in ids]
    return {
        **_fields(RECOGNITION_CASES, case),
        "contacts_shown": sees_contacts(viewer, RECOGNITION_CASES, case),
        "witnesses": [_fields(RECOGNITION_WITNESSES, w) for w in witnesses.to_dict("records")],
        "steps": steps(store.history(case_id, viewer)),
        "links": linked,
    }
