"""The store: one SQL database (SQLite by default, PostgreSQL by URL) for every layer.

The schema is created and migrated by Alembic when a store is opened. Callers
work with plain dicts and GeoDataFrames; geometry crosses this boundary as shapely.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from layers import access, freshness, history
from layers.access import Viewer
from layers.backends import postgis, sqlite
from layers.campaign import VIETNAM
from layers.config import database_url
from layers.errors import StoreError
from layers.labels import change_label, change_value
from layers.schema import STORED_LAYERS, Layer, get_layer
from layers.sites import FOLLOWING as _FOLLOWING
from layers.sites import refresh as _refresh_group
from layers.sites import site_of_report
from layers.tables import BBOX, METADATA

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
CHUNK = 5_000


BUSY = (
    "Cơ sở dữ liệu đang bận: một người khác hay một lần nhập khác đang ghi. Không có gì được ghi; "
    "hãy thử lại sau ít phút."
)


def database_error(exc: sa.exc.SQLAlchemyError, doing: str = "Lỗi cơ sở dữ liệu") -> StoreError:
    """A database failure as one line for people. The driver's own message may quote the values
    of the statement (a witness's name), so only its kind is named, except for a busy database,
    which is said plainly."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "database is locked" in text or "database table is locked" in text or "lock timeout" in text:
        return StoreError(BUSY)
    return StoreError(f"{doing} ({type(getattr(exc, 'orig', None) or exc).__name__}).")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and SQLite in memory)."""
    if not url.startswith("sqlite:///") or url in ("sqlite:///", "sqlite:///:memory:"):
        return None
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0])


def _engine(url: str, must_exist: bool) -> sa.Engine:
    path = sqlite_path(url)
    if path is not None:
        if must_exist and not path.exists():
            raise StoreError(
                f"Không có cơ sở dữ liệu «{path}»; kiểm tra lại --db, hoặc tạo mới bằng: python -m layers init --db …"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    options = {"connect_args": sqlite.connect_args()} if url.startswith("sqlite") else {}
    engine = sa.create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", sqlite.set_pragmas)
    return engine


def _alembic_config(connection: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _layer_tables() -> dict[str, sa.Table]:
    return {layer.name: METADATA.tables[layer.name] for layer in STORED_LAYERS}


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(items: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def record_of_row(row: sa.Row) -> dict:
    """A stored row as a dict, its geometry as shapely (bounding box left out)."""
    record = dict(row._mapping)
    if "geom" in record:
        wkb = record.pop("geom")
        record["geometry"] = None if wkb is None else shapely.from_wkb(bytes(wkb))
        for name in BBOX:
            record.pop(name, None)
    return record


def _grouped(layer_name: str) -> tuple[str, str] | None:
    return get_layer(layer_name).grouped_in


def part_layers(layer_name: str) -> tuple[Layer, ...]:
    """The layers whose records are parts of a record of this one (Layer.part_of)."""
    return tuple(m for m in STORED_LAYERS if m.part_of is not None and m.part_of[0] == layer_name)


def _insert_sites(
    connection: sa.Connection, sites: list[dict], author: str, record_history: bool, only: tuple[str, ...] | None
) -> None:
    """Sites written as they are (the `only` columns, when given), with their arrival in the
    history unless the caller records the batch as one entry (an import, the demo set)."""
    if not sites:
        return
    table = METADATA.tables["sites"]
    columns = Store._columns(table, sites, author, _now())
    if only is not None:  # a migration writes the columns of its own revision
        columns = {name: values for name, values in columns.items() if name in only}
    if connection.dialect.name == "sqlite":
        rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
        connection.execute(table.insert(), rows)
    else:
        postgis.copy_insert(connection, table, columns, False)
    if record_history:
        history.write_many(connection, Store._history_of_batch("sites", sites, columns, author))


def site_rows(
    connection: sa.Connection,
    records: list[dict],
    author: str,
    record_history: bool = True,
    only: tuple[str, ...] | None = None,
) -> list[tuple[str, str]]:
    """A site of its own for each of these stored reports (layers.sites.site_of_report), and
    each report's `site_id` pointing to it (only the `only` columns written, when given);
    returns the (report, site) pairs."""
    if not records:
        return []
    sites = [{**site_of_report(r), "id": str(uuid.uuid4())} for r in records]
    _insert_sites(connection, sites, author, record_history, only)
    reports = METADATA.tables["reports"]
    pairs = [(r["id"], site["id"]) for r, site in zip(records, sites, strict=True)]
    connection.execute(
        reports.update().where(reports.c.id == sa.bindparam("report")).values(site_id=sa.bindparam("site")),
        [{"report": report, "site": site} for report, site in pairs],
    )
    return pairs


class Store:
    """All layers in one database. Open with `Store.open()`; the schema is migrated on open."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, must_exist: bool = False) -> Store:
        """Open (and migrate) the database; with `must_exist`, a SQLite file that is not there is
        an error rather than a new empty database (a mistyped path)."""
        url = database_url(url)
        try:
            store = cls(_engine(url, must_exist))
            store.migrate()
        except ImportError as exc:
            raise StoreError(f"Thiếu trình điều khiển cho cơ sở dữ liệu này ({exc.name}).") from exc
        except sa.exc.SQLAlchemyError as exc:
            raise database_error(exc, "Không mở được cơ sở dữ liệu") from exc
        except OSError as exc:
            raise StoreError(f"Không mở được cơ sở dữ liệu ({type(exc).__name__}).") from exc
        return store

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        with self.engine.begin() as connection:
            connection.info[freshness.QUIET] = True  # the info stays with the pooled connection
            try:
                command.upgrade(_alembic_config(connection), "head")
            finally:
                connection.info.pop(freshness.QUIET, None)
        freshness.watch(self.engine)  # the counter's table exists from here on

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    @staticmethod
    def table(layer_name: str) -> sa.Table:
        layer = get_layer(layer_name)
        if not layer.stored:
            raise StoreError(f"Lớp «{layer_name}» chỉ đọc, không lưu trong cơ sở dữ liệu.")
        return METADATA.tables[layer_name]

    # -- writing ---------------------------------------------------------------

    @staticmethod
    def _columns(table: sa.Table, batch: list[dict], author: str, now: datetime) -> dict[str, list]:
        """A batch of records column by column, in the table's order: every column for every record
        (None where a record has no value), the system columns, and the geometry as WKB with its
        bounding box (None for a record without geometry or with an empty one)."""
        size = len(batch)
        given = set().union(*batch)  # a column no record names is all None: no need to ask each record
        columns = {c.name: [r.get(c.name) for r in batch] if c.name in given else [None] * size for c in table.columns}
        columns["id"] = [i or str(uuid.uuid4()) for i in columns["id"]]
        columns["created_at"] = [r.get("created_at", now) for r in batch]
        columns.update(updated_at=[now] * size, author=[author] * size, version=[1] * size)
        columns["is_demo"] = [bool(r.get("is_demo", False)) for r in batch]
        if "geom" in table.columns:
            geometries = np.empty(size, dtype=object)
            geometries[:] = [r.get("geometry") for r in batch]
            columns["geom"] = shapely.to_wkb(geometries).tolist()  # None stays None
            blank = (shapely.is_missing(geometries) | shapely.is_empty(geometries)).tolist()
            for name, bound in zip(BBOX, shapely.bounds(geometries).T.tolist(), strict=True):
                columns[name] = [None if b else v for v, b in zip(bound, blank, strict=True)]
        return columns

    @staticmethod
    def _insert_statement(connection: sa.Connection, table: sa.Table, skip_existing: bool) -> sa.Insert:
        """INSERT, or with skip_existing an INSERT that leaves out a row whose row_hash is stored
        already (also by a transaction that committed while this one waited for it)."""
        if not skip_existing:
            return table.insert()
        from sqlalchemy.dialects.sqlite import insert

        return insert(table).on_conflict_do_nothing(index_elements=["row_hash"])

    @staticmethod
    def _history_of_batch(layer_name: str, batch: list[dict], columns: dict[str, list], author: str) -> list[tuple]:
        """One history row per inserted record, with its fields as told."""
        rows = []
        for record, record_id, is_demo in zip(batch, columns["id"], columns["is_demo"], strict=True):
            fields = {k: v for k, v in record.items() if k not in ("id", "is_demo", "created_at")}
            rows.append((layer_name, record_id, 1, "insert", author, history.added(fields), None, None, is_demo))
        return rows

    def insert(
        self,
        layer_name: str,
        records: Iterable[dict],
        author: str = "system",
        connection: sa.Connection | None = None,
        skip_existing: bool = False,
        viewer: Viewer | None = None,
        record_history: bool = True,
    ) -> int:
        """Insert records (dicts with field names and an optional shapely `geometry`); returns how
        many were given. With `skip_existing`, a record whose row_hash is stored already is left
        out by the database itself (the caller finds which went in by their import_id). With a
        `viewer`, each record is checked against their rights and written in their name.

        Each record gets a history row in the same transaction, unless `record_history` is off
        for a batch that the caller records as one entry (an import, the demo set).
        In one transaction of its own, or inside the caller's when `connection` is given.
        """
        if connection is None:
            with self.engine.begin() as own:
                return self.insert(layer_name, records, author, own, skip_existing, viewer, record_history)
        table = self.table(layer_name)
        layer = get_layer(layer_name)
        if viewer is not None:
            author = viewer.username
        now = _now()
        count = 0
        dialect = connection.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            raise StoreError(f"Cơ sở dữ liệu {dialect} không được hỗ trợ.")
        bound = sqlite.binding(connection, table) if dialect == "sqlite" else None
        statement = self._insert_statement(connection, table, skip_existing) if bound else None
        with sqlite.bulk_cache(connection) if bound else _nothing():
            for batch in _chunks(records, CHUNK):
                if viewer is not None:
                    if viewer.demo_only:  # what a demo account adds is demo data, removed with it
                        batch = [{**r, "is_demo": True} for r in batch]
                    if layer.grouped_in is not None:  # a person's new record gets a group of its own
                        batch = [{**r, layer.grouped_in[1]: None} for r in batch]
                batch = self._with_parents(connection, layer, batch, viewer)
                if viewer is not None:
                    for record in batch:
                        access.check_write(viewer, layer, record)
                batch, fresh = self._new_groups(layer_name, batch)
                columns = self._columns(table, batch, author, now)
                if bound:
                    sqlite.execute_insert(connection, columns, bound, statement)
                else:
                    postgis.copy_insert(connection, table, columns, skip_existing)
                if record_history:
                    history.write_many(connection, self._history_of_batch(layer_name, batch, columns, author))
                self._give_groups(connection, layer_name, batch, columns, fresh, author, record_history)
                count += len(batch)
        return count

    def _with_parents(
        self, connection: sa.Connection, layer: Layer, batch: list[dict], viewer: Viewer | None
    ) -> list[dict]:
        """A batch of parts (Layer.part_of), each given its parent's owner (the chapter) and
        demo mark; a parent that is not there, or that the person does not see or may not change,
        refuses the batch."""
        if layer.part_of is None:
            return batch
        parent_name, field_name = layer.part_of
        parent_layer, table = get_layer(parent_name), self.table(parent_name)
        wanted = sorted({str(r[field_name]) for r in batch if r.get(field_name)})
        condition = table.c.deleted_at.is_(None) if viewer is None else self._seen_condition(parent_name, viewer)
        rows = connection.execute(sa.select(table).where(table.c.id.in_(wanted), condition)).all()
        parents = {row.id: record_of_row(row) for row in rows}
        out = []
        for record in batch:
            parent = parents.get(str(record.get(field_name) or ""))
            if parent is None:
                said = str(record.get(field_name) or "")[:60]
                raise StoreError(f"{layer.label_vi}: không có {parent_layer.label_vi.lower()} «{said}».")
            if viewer is not None:
                access.check_write(viewer, parent_layer, parent)
            given = {"is_demo": bool(record.get("is_demo")) or bool(parent["is_demo"])}
            if layer.owner and parent_layer.owner:
                given[layer.owner] = parent[parent_layer.owner]
            out.append({**record, **given})
        return out

    def check_write(
        self, layer_name: str, record: dict, viewer: Viewer, connection: sa.Connection | None = None
    ) -> None:
        """layers.access.check_write on a record, and for a part (Layer.part_of) on its parent
        too, read inside the caller's transaction when given: what anything written about a
        record (its attachments) asks before it writes."""
        if connection is None:
            with self.engine.connect() as own:
                return self.check_write(layer_name, record, viewer, own)
        layer = get_layer(layer_name)
        access.check_write(viewer, layer, record)
        if layer.part_of is None:
            return
        parent_name, field_name = layer.part_of
        parent = self.seen(connection, parent_name, record.get(field_name), viewer)
        if parent is None:
            raise access.AccessDenied("Bạn không được sửa bản ghi này.")
        self.check_write(parent_name, parent, viewer, connection)

    def _check_part(
        self, connection: sa.Connection, layer: Layer, current: dict, changes: dict, viewer: Viewer
    ) -> None:
        """A part is changed by those who may change its parent, stays with its parent, and keeps
        its parent's owner."""
        parent_name, field_name = layer.part_of
        parent_label = get_layer(parent_name).label_vi.lower()
        for name in (field_name, layer.owner):
            if name and name in changes and changes[name] != current.get(name):
                said = layer.field(name).label_vi
                raise StoreError(f"{layer.label_vi}: trường «{said}» theo {parent_label}; không đổi riêng được.")
        parent = self.seen(connection, parent_name, current.get(field_name), viewer)
        if parent is None:
            raise StoreError("Bản ghi không còn tồn tại; hãy tải lại.")
        access.check_write(viewer, get_layer(parent_name), parent)

    def _parts(self, connection: sa.Connection, layer_name: str, record_id: str) -> list[tuple[str, dict]]:
        """The parts of a record, deleted or not, as (layer name, stored record)."""
        out = []
        for part in part_layers(layer_name):
            table = self.table(part.name)
            query = sa.select(table).where(table.c[part.part_of[1]] == record_id).order_by(table.c.created_at)
            out += [(part.name, record_of_row(row)) for row in connection.execute(query)]
        return out

    def _parts_follow(
        self, connection: sa.Connection, layer_name: str, record_id: str, changes: dict, author: str, reason, action
    ) -> None:
        """What a record's parts take from it (its owner, its deletion), written on each living part
        with its history row."""
        for part_name, part in self._parts(connection, layer_name, record_id):
            if part.get("deleted_at") is None and history.changed(part, changes):
                self.update(
                    part_name, part["id"], changes, author, int(part["version"]), connection, None, reason, action
                )

    def present_hashes(self, connection: sa.Connection, layer_name: str, hashes: Iterable[str]) -> set[str]:
        """Which of `hashes` a layer holds, as seen inside the caller's transaction."""
        table = self.table(layer_name)
        wanted, found = sorted(set(hashes)), set()
        for start in range(0, len(wanted), CHUNK):
            batch = wanted[start : start + CHUNK]
            found.update(connection.execute(sa.select(table.c.row_hash).where(table.c.row_hash.in_(batch))).scalars())
        return found

    def import_hashes(self, connection: sa.Connection, layer_name: str, import_id: str) -> set[str]:
        """The row hashes of the records one import stored."""
        table = self.table(layer_name)
        query = sa.select(table.c.row_hash).where(table.c.import_id == import_id)
        return set(connection.execute(query).scalars())

    def rejected_hashes(self, layer_name: str, connection: sa.Connection | None = None) -> set[str]:
        """Hashes of the rows of a layer's imports that were rejected and kept."""
        if connection is None:
            with self.engine.connect() as own:
                return self.rejected_hashes(layer_name, own)
        rejected, imports = METADATA.tables["rejected_rows"], METADATA.tables["imports"]
        query = (
            sa.select(rejected.c.row_hash)
            .join(imports, imports.c.id == rejected.c.import_id)
            .where(imports.c.layer == layer_name)
        )
        return set(connection.execute(query).scalars())

    def _current(self, connection: sa.Connection, layer_name: str, record_id: str) -> dict | None:
        """A stored record as a dict (geometry as shapely), deleted or not."""
        table = self.table(layer_name)
        row = connection.execute(sa.select(table).where(table.c.id == record_id)).first()
        return None if row is None else record_of_row(row)

    @staticmethod
    def _new_groups(layer_name: str, batch: list[dict]) -> tuple[list[dict], set[str]]:
        """Each record of a grouped layer (a report) without a group gets the id of a group of
        its own (a site, written once the record is in): the batch so, and those ids."""
        grouped = _grouped(layer_name)
        if grouped is None:
            return batch, set()
        out, fresh = [], set()
        for record in batch:
            if not record.get(grouped[1]):
                record = {**record, grouped[1]: str(uuid.uuid4())}
                fresh.add(record[grouped[1]])
            out.append(record)
        return out, fresh

    def _give_groups(
        self,
        connection: sa.Connection,
        layer_name: str,
        batch: list[dict],
        columns: dict[str, list],
        fresh: set[str],
        author: str,
        record_history: bool,
    ) -> None:
        """The groups of the batch's records that went in (a row already stored is left out by
        skip_existing), summarised from the records as given, in the same transaction."""
        grouped = _grouped(layer_name)
        if not fresh or grouped is None:
            return
        ids = columns["id"]
        table = self.table(layer_name)
        stored = set(connection.execute(sa.select(table.c.id).where(table.c.id.in_(ids))).scalars())
        sites = []
        for k, record in enumerate(batch):
            group_id = record[grouped[1]]
            if group_id in fresh and ids[k] in stored:
                told = {
                    **record,
                    "id": ids[k],
                    "created_at": columns["created_at"][k],
                    "is_demo": columns["is_demo"][k],
                }
                sites.append({**site_of_report(told), "id": group_id})
        _insert_sites(connection, sites, author, record_history, None)

    def _regroup(self, connection: sa.Connection, layer_name: str, record: dict, author: str) -> None:
        """A grouped record changed (its place, names, deletion …): its group's summary again."""
        if _grouped(layer_name) is not None:
            _refresh_group(self, connection, record.get("site_id"), author)

    def _conflict(self, connection: sa.Connection, layer_name: str, record_id: str, version: int) -> StoreError:
        """A stale save refused, saying who changed what since the version it started from
        (private values named, not shown)."""
        layer = get_layer(layer_name)
        later = history.since(connection, record_id, version)
        current = self._current(connection, layer_name, record_id)
        if not later and current is None:
            return StoreError("Bản ghi không còn tồn tại; hãy tải lại.")
        secrets = history.private_values(history.rows_of(connection, record_id), layer.private_fields, current)
        parts = []
        for entry in later:
            changes = history.hidden_for(entry["changes"], layer, secrets)
            said = "; ".join(
                f"{change_label(layer, name, 'vi')}: «{_said(layer, name, old)}» → «{_said(layer, name, new)}»"
                for name, (old, new) in changes.items()
            )
            at = history.aware(entry["at"]).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
            parts.append(f"{entry['actor']} lúc {at} (phiên bản {entry['version']}): {said or entry['action']}")
        return StoreError(
            "Bản ghi đã được người khác sửa sau khi bạn mở; không có gì được ghi. Những thay đổi đó: "
            + " | ".join(parts)
            + ". Hãy tải lại rồi sửa lại."
        )

    def update(
        self,
        layer_name: str,
        record_id: str,
        changes: dict,
        author: str,
        expected_version: int,
        connection: sa.Connection | None = None,
        viewer: Viewer | None = None,
        reason: str | None = None,
        action: str = "update",
        follow: bool = True,
    ) -> int:
        """Change one record if nobody changed it since `expected_version`; returns the new version.
        A `geometry` among the changes (shapely) replaces the record's geometry and its bounding box.
        The change and its history row are written together; a stale version is refused with what
        changed since. A workflow field (layers.sites.FOLLOWING) changed on a testimony or on a
        site is written on its site and the site's other testimonies too (unless `follow` is off).
        In a transaction of its own, or inside the caller's when `connection` is given."""
        if connection is None:
            with self.engine.begin() as own:
                return self.update(
                    layer_name, record_id, changes, author, expected_version, own, viewer, reason, action, follow
                )
        table = self.table(layer_name)
        layer = get_layer(layer_name)
        current = self._current(connection, layer_name, record_id)
        if current is None or current.get("deleted_at") is not None:
            raise StoreError("Bản ghi không còn tồn tại; hãy tải lại.")
        if viewer is not None:
            author = viewer.username
            access.check_write(viewer, layer, current)
            access.check_write(viewer, layer, {**current, **changes})
            access.check_changes(viewer, layer, current, changes)
            grouped = layer.grouped_in
            if grouped is not None and grouped[1] in changes and changes[grouped[1]] != current.get(grouped[1]):
                raise StoreError("Điểm mộ của một lời kể chỉ đổi được bằng nối hoặc tách (layers.sites).")
            if layer.part_of is not None:
                self._check_part(connection, layer, current, changes, viewer)
        values = {k: v for k, v in changes.items() if k in table.columns and k not in ("id", "version", "geom")}
        if "geometry" in changes and "geom" in table.columns:
            geometry = changes["geometry"]
            values["geom"] = None if geometry is None else shapely.to_wkb(geometry)
            bounds = (None,) * 4 if geometry is None or geometry.is_empty else geometry.bounds
            values.update(zip(BBOX, bounds, strict=True))
        told = {k: v for k, v in changes.items() if k in values or k == "geometry"}
        values.update(updated_at=_now(), author=author, version=expected_version + 1)
        result = connection.execute(
            table.update().where(table.c.id == record_id, table.c.version == expected_version).values(**values)
        )
        if result.rowcount != 1:
            raise self._conflict(connection, layer_name, record_id, expected_version)
        history.write(
            connection,
            layer_name,
            record_id,
            expected_version + 1,
            action,
            author,
            history.changed(current, told),
            reason=reason,
            is_demo=bool(current.get("is_demo")),
        )
        if _grouped(layer_name) is not None and set(told) - {"site_id", *_FOLLOWING}:
            self._regroup(connection, layer_name, {**current, **told}, author)
        following = {k: told[k] for k in _FOLLOWING if k in told}
        if following and follow and "site_id" not in told:
            self._follow(connection, layer_name, {**current, **told}, following, author, reason, action)
        if layer.owner and layer.owner in told and history.changed(current, {layer.owner: told[layer.owner]}):
            self._parts_follow(
                connection, layer_name, record_id, {layer.owner: told[layer.owner]}, author, reason, action
            )
        return expected_version + 1

    def _follow(
        self,
        connection: sa.Connection,
        layer_name: str,
        record: dict,
        following: dict,
        author: str,
        reason: str | None,
        action: str,
    ) -> None:
        """The workflow's fields are a group's (a site's) and its members' (testimonies') alike:
        changed on one, they are written on the others, each with its history row."""
        grouped = _grouped(layer_name)
        if grouped is not None:
            group_layer, field_name = grouped
            group = self._current(connection, group_layer, record.get(field_name)) if record.get(field_name) else None
            if group is None or group.get("deleted_at") is not None:
                return
            if history.changed(group, following):
                self.update(
                    group_layer,
                    group["id"],
                    following,
                    author,
                    int(group["version"]),
                    connection,
                    reason=reason,
                    action=action,
                    follow=False,
                )
            members = [(layer_name, field_name, group["id"])]
        else:
            members = [
                (m.name, m.grouped_in[1], record["id"])
                for m in STORED_LAYERS
                if m.grouped_in and m.grouped_in[0] == layer_name
            ]
        for member_layer, field_name, group_id in members:
            table = self.table(member_layer)
            query = sa.select(table).where(table.c[field_name] == group_id, table.c.deleted_at.is_(None))
            for row in connection.execute(query).all():
                member = record_of_row(row)
                if member["id"] != record["id"] and history.changed(member, following):
                    self.update(
                        member_layer,
                        member["id"],
                        following,
                        author,
                        int(member["version"]),
                        connection,
                        reason=reason,
                        action=action,
                        follow=False,
                    )

    def delete(self, layer_name: str, record_id: str, viewer: Viewer, expected_version: int, reason: str) -> int:
        """Delete a record softly (it stays, hidden, until an administrator purges it); its parts
        go with it, in the same transaction, marked with the same moment (restore brings back
        those)."""
        deleted = {"deleted_at": _now(), "deleted_by": viewer.username}
        with self.engine.begin() as connection:
            version = self.update(
                layer_name, record_id, deleted, viewer.username, expected_version, connection, viewer, reason, "delete"
            )
            self._parts_follow(connection, layer_name, record_id, deleted, viewer.username, reason, "delete")
            return version

    def _deleted(self, connection: sa.Connection, layer_name: str, record_id: str, viewer: Viewer, absent: str) -> dict:
        """A deleted record this person may change (a demo account: a demo record), or `absent` said."""
        current = self._current(connection, layer_name, record_id)
        if current is None or current["deleted_at"] is None:
            raise StoreError(absent)
        access.check_write(viewer, get_layer(layer_name), current)
        return current

    def restore(self, layer_name: str, record_id: str, viewer: Viewer, reason: str) -> int:
        """Bring back a deleted record (administrators), and the parts deleted with it."""
        viewer.require(access.Right.RESTORE, "khôi phục bản ghi đã xóa")
        with self.engine.begin() as connection:
            current = self._deleted(
                connection, layer_name, record_id, viewer, "Không có bản ghi đã xóa này để khôi phục."
            )
            version = self._bring_back(connection, layer_name, current, viewer.username, reason)
            for part_name, part in self._parts(connection, layer_name, record_id):
                deleted = history.aware(part.get("deleted_at"))
                if deleted is not None and deleted == history.aware(current["deleted_at"]):
                    self._bring_back(connection, part_name, part, viewer.username, reason)
            return version

    def _bring_back(self, connection: sa.Connection, layer_name: str, current: dict, author: str, reason: str) -> int:
        """One deleted record back, with its history row (a testimony back in its site)."""
        table, record_id = self.table(layer_name), current["id"]
        version = current["version"]
        connection.execute(
            table.update()
            .where(table.c.id == record_id)
            .values(deleted_at=None, deleted_by=None, version=version + 1, updated_at=_now())
        )
        history.write(
            connection,
            layer_name,
            record_id,
            version + 1,
            "restore",
            author,
            {"deleted_at": [history.jsonable(current["deleted_at"]), None]},
            reason=reason,
            is_demo=bool(current["is_demo"]),
        )
        self._regroup(connection, layer_name, current, author)
        return self._rejoin(connection, layer_name, record_id, version + 1, author)

    def _rejoin(self, connection: sa.Connection, layer_name: str, record_id: str, version: int, author: str) -> int:
        """A restored testimony takes its site's workflow fields (the site moved on meanwhile)."""
        grouped = _grouped(layer_name)
        record = self._current(connection, layer_name, record_id)
        group = self._current(connection, grouped[0], record.get(grouped[1])) if grouped and record else None
        if group is None:
            return version
        following = {name: group.get(name) for name in _FOLLOWING}
        if not history.changed(record, following):
            return version
        return self.update(
            layer_name,
            record_id,
            following,
            author,
            version,
            connection,
            reason="Theo điểm mộ",
            action="status",
            follow=False,
        )

    def purge(self, layer_name: str, record_id: str, viewer: Viewer, reason: str) -> None:
        """Remove a deleted record for good (administrators): the history keeps that it was, and
        who purged it and why, but no longer its private values; its attachments go too, and so
        do its parts."""
        from layers import attachments  # it reads records through the store

        viewer.require(access.Right.PURGE, "xóa hẳn bản ghi")
        with self.engine.begin() as connection:
            current = self._deleted(
                connection, layer_name, record_id, viewer, "Chỉ xóa hẳn được bản ghi đã xóa (trong thùng rác)."
            )
            doomed = [*self._parts(connection, layer_name, record_id), (layer_name, current)]
            files = []
            for name, record in doomed:
                files += self._purge_one(connection, name, record, viewer.username, reason)
        attachments.remove_files(files, engine=self.engine)  # once the purge is committed

    def _purge_one(self, connection: sa.Connection, layer_name: str, current: dict, author: str, reason: str) -> list:
        """One record removed, its private values blanked in its history, its attachments' rows
        removed; returns the attachment files to remove once committed."""
        from layers import attachments

        table = self.table(layer_name)
        connection.execute(table.delete().where(table.c.id == current["id"]))
        history.blank_private(connection, current, get_layer(layer_name))
        history.write(
            connection,
            layer_name,
            current["id"],
            None,
            "purge",
            author,
            {},
            reason=reason,
            is_demo=bool(current["is_demo"]),
        )
        self._regroup(connection, layer_name, current, author)
        return attachments.remove_for(connection, layer_name, current["id"])  # its photos, their EXIF

    def delete_demo(self) -> dict[str, int]:
        """Remove every demo record from every stored layer, the demo accounts and their history,
        the demo's pair decisions and attachments."""
        from layers import attachments  # it reads records through the store

        removed = {}
        users, sessions = METADATA.tables["users"], METADATA.tables["sessions"]
        with self.engine.begin() as connection:
            for name, table in _layer_tables().items():
                removed[name] = connection.execute(table.delete().where(table.c.is_demo)).rowcount
            demo_users = sa.select(users.c.id).where(users.c.is_demo)
            connection.execute(sessions.delete().where(sessions.c.user_id.in_(demo_users)))
            removed["users"] = connection.execute(users.delete().where(users.c.is_demo)).rowcount
            connection.execute(history.HISTORY.delete().where(history.HISTORY.c.is_demo))
            decisions = METADATA.tables["pair_decisions"]
            connection.execute(decisions.delete().where(decisions.c.is_demo))
            files = attachments.remove_demo(connection)
        attachments.remove_files(files, engine=self.engine)  # once the rows are gone for good
        return removed

    # -- reading ---------------------------------------------------------------

    def _seen_condition(self, layer_name: str, viewer: Viewer) -> sa.ColumnElement[bool]:
        """The SQL condition of the records of a layer this person sees (layers.access), and of a
        part (Layer.part_of), only those whose parent they see."""
        layer, table = get_layer(layer_name), self.table(layer_name)
        condition = access.rows_condition(viewer, layer, table)
        if layer.part_of is None:
            return condition
        parent_name, field_name = layer.part_of
        parents = sa.select(self.table(parent_name).c.id).where(self._seen_condition(parent_name, viewer))
        return sa.and_(condition, table.c[field_name].in_(parents))

    def _visible(self, layer_name: str, viewer: Viewer, where: sa.ColumnElement | None) -> sa.ColumnElement:
        condition = self._seen_condition(layer_name, viewer)
        return condition if where is None else sa.and_(condition, where)

    def seen(self, connection: sa.Connection, layer_name: str, record_id: object, viewer: Viewer) -> dict | None:
        """One stored row, whole, as stored, if this person sees the record (None otherwise), read
        inside the caller's transaction. For checks only: its private fields are not cut."""
        if record_id is None:
            return None
        table = self.table(layer_name)
        query = sa.select(table).where(table.c.id == str(record_id), self._seen_condition(layer_name, viewer))
        row = connection.execute(query).first()
        return None if row is None else dict(row._mapping)

    def parts(self, layer_name: str, record_id: str, viewer: Viewer) -> dict[str, pd.DataFrame]:
        """The parts of a record this person sees (the witnesses of a case), per part layer, cut as
        any frame is, oldest first."""
        out = {}
        for part in part_layers(layer_name):
            table = self.table(part.name)
            frame = self.frame(part.name, viewer, table.c[part.part_of[1]] == record_id)
            out[part.name] = frame.sort_values("created_at", kind="stable").reset_index(drop=True)
        return out

    def count(self, layer_name: str, viewer: Viewer, where: sa.ColumnElement | None = None) -> int:
        """How many records of a layer this person may see (and `where` selects)."""
        table = self.table(layer_name)
        query = sa.select(sa.func.count()).select_from(table).where(self._visible(layer_name, viewer, where))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def counts_by(self, layer_name: str, column: str, viewer: Viewer) -> dict[str, int]:
        """The records this person may see, counted by the values of one public column."""
        table = self.table(layer_name)
        if column in get_layer(layer_name).private_fields:
            raise StoreError(f"Không đếm theo trường riêng tư «{column}».")
        query = (
            sa.select(table.c[column], sa.func.count())
            .where(self._visible(layer_name, viewer, None))
            .group_by(table.c[column])
        )
        with self.engine.connect() as connection:
            return {("" if k is None else str(k)): int(n) for k, n in connection.execute(query)}

    def version_token(self) -> int:
        """The data's version (layers.freshness): raised by every committed write."""
        with self.engine.connect() as connection:
            return freshness.current(connection)

    def has_demo(self) -> bool:
        with self.engine.connect() as connection:
            return any(
                connection.execute(sa.select(table.c.id).where(table.c.is_demo).limit(1)).first()
                for table in _layer_tables().values()
            )

    def frame(
        self, layer_name: str, viewer: Viewer, where: sa.ColumnElement | None = None
    ) -> gpd.GeoDataFrame | pd.DataFrame:
        """The records of a layer this person may see, cut to what they may see of each (see
        layers.access.cut), as a GeoDataFrame in EPSG:4326 (a DataFrame for tables without geometry)."""
        table = self.table(layer_name)
        query = sa.select(table).where(self._visible(layer_name, viewer, where))
        with self.engine.connect() as connection:
            df = pd.read_sql(query, connection)
        df = df.drop(columns=["deleted_at", "deleted_by"])
        if "geom" in df:
            geometry = shapely.from_wkb(df.pop("geom").to_numpy(dtype=object))
            df = gpd.GeoDataFrame(df.drop(columns=list(BBOX)), geometry=geometry, crs=4326)
        layer = get_layer(layer_name)
        # A private whole number (a witness's birth year) may be emptied by the cut: read as a
        # float, as it is whenever one of the rows has none.
        whole = [f.name for f in layer.fields if f.private and f.type == "int" and f.name in df]
        if whole:
            df = df.astype({name: "float64" for name in whole})
        return access.cut(viewer, layer, df)

    def record(self, layer_name: str, record_id: str, viewer: Viewer) -> dict | None:
        """One record as this person may see it (None when it is not there for them)."""
        table = self.table(layer_name)
        frame = self.frame(layer_name, viewer, table.c.id == record_id)
        if frame.empty:
            return None
        row = frame.iloc[0].to_dict()
        if "geometry" in frame:
            row["geometry"] = frame.geometry.iloc[0]
        return row

    def contact(self, layer_name: str, record_id: str, viewer: Viewer) -> dict | None:
        """A record's witness contact and consent, for a person who may contact them: one who
        sees the record's contacts, or a partner unit where the witness agreed partner units
        contact them (only the layer's `consented` fields then). None otherwise."""
        layer = get_layer(layer_name)
        table = self.table(layer_name)
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(table).where(table.c.id == record_id, self._seen_condition(layer_name, viewer))
            ).first()
        if row is None or layer.consent is None:
            return None
        record = record_of_row(row)
        if not (access.sees_contacts(viewer, layer, record) or access.consented(viewer, layer, record)):
            return None
        return {name: record.get(name) for name in (*layer.consented, layer.consent)}

    @staticmethod
    def _layer_of(connection: sa.Connection, record_id: str) -> str | None:
        """The layer a record is (or was, when purged) in."""
        for name, table in _layer_tables().items():
            if connection.execute(sa.select(table.c.id).where(table.c.id == record_id)).first():
                return name
        query = sa.select(history.HISTORY.c.layer).where(history.HISTORY.c.record_id == record_id).limit(1)
        name = connection.execute(query).scalar()
        return name if name in _layer_tables() else None

    def history(self, record_id: str, viewer: Viewer) -> list[dict]:
        """A record's history as this person may see it: the record must be one they may see (or,
        for an administrator, a deleted one); private values only where they see its contacts."""
        with self.engine.connect() as connection:
            layer_name = self._layer_of(connection, record_id)
            if layer_name is None:
                raise StoreError(f"Không có lịch sử cho «{record_id[:60]}».")
            layer = get_layer(layer_name)
            current = self._current(connection, layer_name, record_id)
            table = self.table(layer_name)
            visible = connection.execute(
                sa.select(table.c.id).where(table.c.id == record_id, self._seen_condition(layer_name, viewer))
            ).first()
            demo_ok = not viewer.demo_only or (current is not None and bool(current["is_demo"]))
            deleted_for_admin = viewer.may(access.Right.RESTORE) and current is not None and demo_ok
            purged_for_admin = viewer.may(access.Right.PURGE) and current is None and not viewer.demo_only
            if not (visible or deleted_for_admin or purged_for_admin):
                raise StoreError(f"Không có lịch sử cho «{record_id[:60]}».")
            brought_by = current.get("import_id") if current else None
            entries = history.rows_of(connection, record_id, brought_by, layer_name)
        contacts = current is not None and access.sees_contacts(viewer, layer, current)
        secrets = history.private_values(entries, layer.private_fields, current)
        out = []
        for entry in entries:
            changes = entry["changes"] if contacts else history.hidden_for(entry["changes"], layer, secrets)
            out.append(
                {
                    "layer": entry["layer"],
                    "record_id": entry["record_id"],
                    "version": entry["version"],
                    "action": entry["action"],
                    "actor": entry["actor"],
                    "at": history.aware(entry["at"]).isoformat(),
                    "reason": entry["reason"] if contacts else history.hidden_reason(entry["reason"], secrets),
                    "changes": changes,
                }
            )
        return out


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _said(layer, name: str, value: object) -> str:
    """A value in a refused save's message (nothing for an empty one)."""
    return "" if value is None else change_value(layer, name, value, "vi")
