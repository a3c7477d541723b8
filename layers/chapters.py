"""The association's chapters: the central association and the 34 provincial chapters are
reference data, created by `init` and never removed with the demo data; commune-level
chapters are added under their province's chapter."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from geo.admin import province_codes, province_names, province_table_34, resolve_place
from geo.text import fold
from layers.access import AccessDenied, Right, Viewer, system
from layers.errors import LayersError
from layers.store import Store

CENTRAL_ID = "chapter-central"
CENTRAL_NAME = "Trung ương Hội Cựu Thanh niên xung phong Việt Nam"
MAX_NAME = 200


def provincial_id(province_code: str) -> str:
    """The stable id of a province's chapter, from the province's code (VN-25 → chapter-vn-25)."""
    return f"chapter-{province_code.lower()}"


def _provincial_name(name: str, kind: str) -> str:
    if name.startswith("Thành phố"):
        return f"Hội Cựu TNXP {name}"
    return f"Hội Cựu TNXP {'thành phố' if kind == 'city' else 'tỉnh'} {name}"


def reference_chapters() -> list[dict]:
    """The central association and one chapter per province of today (34), in that order."""
    out = [{"id": CENTRAL_ID, "name": CENTRAL_NAME, "province_34": None, "level": "central", "parent_id": None}]
    for _, p in province_table_34().iterrows():
        out.append(
            {
                "id": provincial_id(p["code"]),
                "name": _provincial_name(p["name"], p["kind"]),
                "province_34": p["code"],
                "level": "province",
                "parent_id": CENTRAL_ID,
            }
        )
    return out


def seed_chapters(store: Store) -> int:
    """Create the reference chapters that are missing; returns how many were added. A reference
    chapter stored earlier as demo data (before chapters were reference data) stops being demo,
    so that removing the demo data keeps it."""
    table = store.table("chapters")
    wanted = reference_chapters()
    ids = [c["id"] for c in wanted]
    with store.engine.begin() as connection:
        present = set(connection.execute(sa.select(table.c.id).where(table.c.id.in_(ids))).scalars())
        connection.execute(
            table.update().where(table.c.id.in_(ids), table.c.is_demo).values(is_demo=False, parent_id=CENTRAL_ID)
        )
        connection.execute(table.update().where(table.c.id == CENTRAL_ID).values(parent_id=None))
        missing = [c for c in wanted if c["id"] not in present]
        return store.insert("chapters", missing, author="init", connection=connection)


def chapter_list(store: Store) -> list[dict]:
    """Every chapter: id, name, level, province (name) and the chapter it belongs to."""
    frame = store.frame("chapters", system())
    names = province_names("34")
    order = {"central": 0, "province": 1, "commune": 2}
    rows = [
        {
            "id": r["id"],
            "name": r["name"],
            "level": r["level"],
            "province": names.get(r["province_34"]) if isinstance(r["province_34"], str) else None,
            "parent_id": r["parent_id"] if isinstance(r["parent_id"], str) else None,
            "demo": bool(r["is_demo"]),
        }
        for _, r in frame.iterrows()
    ]
    return sorted(rows, key=lambda r: (order.get(r["level"], 3), fold(r["province"] or ""), fold(r["name"])))


def _province_code(text: str) -> str:
    place = resolve_place(text)
    if len(place.provinces_34) != 1:
        raise LayersError(f"«{text}» không chỉ một tỉnh hiện nay; hãy ghi tên một tỉnh.")
    return province_codes("34")[place.provinces_34[0]]


def add_chapter(store: Store, name: str, province: str, viewer: Viewer) -> dict:
    """Add a commune-level chapter under the chapter of `province` (a name of any era): by an
    administrator, or by the leader of that provincial chapter."""
    name = " ".join(name.split())
    if not name:
        raise LayersError("Tên hội không được để trống.")
    if len(name) > MAX_NAME or not name.isprintable():
        raise LayersError(f"Tên hội phải là chữ in được, tối đa {MAX_NAME} ký tự.")
    code = _province_code(province)
    existing = store.frame("chapters", system())
    if (existing["name"].map(fold) == fold(name)).any():
        raise LayersError(f"Đã có hội tên «{name}».")
    record = {
        "id": str(uuid.uuid4()),
        "name": name,
        "province_34": code,
        "level": "commune",
        "parent_id": provincial_id(code),
    }
    allowed = viewer.may(Right.REFERENCE) or (viewer.may(Right.USERS) and record["parent_id"] in viewer.chapters)
    if viewer.demo_only or not allowed:
        raise AccessDenied(f"Tài khoản «{viewer.username}» không được thêm Hội cơ sở ở tỉnh này.")
    store.insert("chapters", [record], author=viewer.username)
    return {"id": record["id"], "name": name, "level": "commune", "province": province_names("34")[code]}


def find_chapter(store: Store, text: str | None) -> str | None:
    """A chapter's id from its id, its name, or the province it serves (a place name of any era);
    a province gives its provincial chapter."""
    if not text:
        return None
    chapters = store.frame("chapters", system())
    for column in ("id", "name"):
        hit = chapters[chapters[column].map(lambda v: fold(str(v))) == fold(text)]
        if len(hit):
            return hit.iloc[0]["id"]
    try:
        code = _province_code(text)
    except LayersError:
        code = None
    if code is not None:
        hit = chapters[(chapters["province_34"] == code) & (chapters["level"] == "province")]
        if len(hit):
            return hit.iloc[0]["id"]
    raise LayersError(f"Không tìm thấy Hội «{text}»; xem danh sách bằng: python -m layers chapters.")


def chapter_tree(store: Store, chapter_id: str, below: bool = True) -> dict[str, tuple[str, str | None]]:
    """A chapter and, with `below`, every chapter under it: id → (level, province code)."""
    # Asked on every page run (the signed-in person's reach): four columns, not the whole layer.
    table = store.table("chapters")
    query = sa.select(table.c.id, table.c.level, table.c.province_34, table.c.parent_id).where(
        table.c.deleted_at.is_(None)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    levels = {row.id: (row.level, row.province_34) for row in rows}
    if chapter_id not in levels:  # deleted since the account was made: the account keeps its own id only
        return {chapter_id: ("", None)}
    children: dict[str, list[str]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row.id)
    tree, todo = {}, [chapter_id]
    while todo:
        current = todo.pop()
        if current in tree:
            continue
        level, province = levels[current]
        tree[current] = (level, province)
        if below:
            todo += children.get(current, [])
    return tree
