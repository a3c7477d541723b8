"""The store: one SQL database (SQLite by default, PostgreSQL by URL) for every layer.

The schema is created and migrated by Alembic when a store is opened. Callers
work with plain dicts and GeoDataFrames; geometry crosses this boundary as shapely.
"""

from __future__ import annotations

import os
import tomllib
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from layers.errors import StoreError
from layers.schema import STORED_LAYERS, get_layer
from layers.tables import BBOX, METADATA

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'local' / 'campaign.sqlite'}"
URL_ENV = "BANDO_DB_URL"
SECRETS = ROOT / ".streamlit" / "secrets.toml"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
CHUNK = 5_000


def _secrets() -> dict:
    return tomllib.loads(SECRETS.read_text(encoding="utf-8")) if SECRETS.exists() else {}


def contacts_allowed() -> bool:
    """Whether this installation may show witness contacts at all ($BANDO_SHOW_CONTACTS=1 or
    `show_witness_contacts = true` in .streamlit/secrets.toml). Off by default; roles come later."""
    if os.environ.get("BANDO_SHOW_CONTACTS") is not None:
        return os.environ["BANDO_SHOW_CONTACTS"] == "1"
    return bool(_secrets().get("show_witness_contacts", False))


def database_url(explicit: str | None = None) -> str:
    """The database URL: the argument, else $BANDO_DB_URL, else secrets.toml `db_url`, else SQLite."""
    if explicit:
        return explicit
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    return _secrets().get("db_url") or DEFAULT_URL


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
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


class Store:
    """All layers in one database. Open with `Store.open()`; the schema is migrated on open."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        url = database_url(url)
        try:
            store = cls(_engine(url))
            store.migrate()
        except ImportError as exc:
            raise StoreError(f"Thiếu trình điều khiển cho cơ sở dữ liệu này ({exc.name}).") from exc
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise StoreError(f"Không mở được cơ sở dữ liệu ({type(exc).__name__}).") from exc
        return store

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        with self.engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")

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

    def _row(self, layer_name: str, record: dict, author: str, now: datetime) -> dict:
        table = self.table(layer_name)
        row = {c.name: record.get(c.name) for c in table.columns}  # every row the same keys
        row["id"] = row["id"] or str(uuid.uuid4())
        row.update(created_at=record.get("created_at", now), updated_at=now, author=author, version=1)
        row["is_demo"] = bool(record.get("is_demo", False))
        if "geom" in table.columns:
            geom = record.get("geometry")
            row["geom"] = None if geom is None else shapely.to_wkb(geom)
            bounds = [None] * 4 if geom is None or geom.is_empty else shapely.bounds(geom).tolist()
            row.update(zip(BBOX, bounds, strict=True))
        return row

    def insert(
        self, layer_name: str, records: Iterable[dict], author: str = "system", connection: sa.Connection | None = None
    ) -> int:
        """Insert records (dicts with field names and an optional shapely `geometry`).

        In one transaction of its own, or inside the caller's when `connection` is given.
        """
        if connection is None:
            with self.engine.begin() as own:
                return self.insert(layer_name, records, author, own)
        table = self.table(layer_name)
        now = _now()
        count = 0
        for batch in _chunks(records, CHUNK):
            connection.execute(table.insert(), [self._row(layer_name, r, author, now) for r in batch])
            count += len(batch)
        return count

    def row_hashes(self, layer_name: str) -> set[str]:
        """Hashes of the rows already stored in a layer (to refuse duplicates)."""
        table = self.table(layer_name)
        with self.engine.connect() as connection:
            return set(connection.execute(sa.select(table.c.row_hash).where(table.c.row_hash.is_not(None))).scalars())

    def rejected_hashes(self, layer_name: str) -> set[str]:
        """Hashes of the rows of a layer's imports that were rejected and kept."""
        rejected, imports = METADATA.tables["rejected_rows"], METADATA.tables["imports"]
        query = (
            sa.select(rejected.c.row_hash)
            .join(imports, imports.c.id == rejected.c.import_id)
            .where(imports.c.layer == layer_name)
        )
        with self.engine.connect() as connection:
            return set(connection.execute(query).scalars())

    def update(self, layer_name: str, record_id: str, changes: dict, author: str, expected_version: int) -> int:
        """Change one record if nobody changed it since `expected_version`; returns the new version."""
        table = self.table(layer_name)
        values = {k: v for k, v in changes.items() if k in table.columns and k not in ("id", "version")}
        values.update(updated_at=_now(), author=author, version=expected_version + 1)
        with self.engine.begin() as connection:
            result = connection.execute(
                table.update().where(table.c.id == record_id, table.c.version == expected_version).values(**values)
            )
        if result.rowcount != 1:
            raise StoreError("Bản ghi đã bị người khác sửa hoặc không còn tồn tại; hãy tải lại.")
        return expected_version + 1

    def delete_demo(self) -> dict[str, int]:
        """Remove every demo record from every stored layer."""
        removed = {}
        with self.engine.begin() as connection:
            for name, table in _layer_tables().items():
                removed[name] = connection.execute(table.delete().where(table.c.is_demo)).rowcount
        return removed

    # -- reading ---------------------------------------------------------------

    def count(self, layer_name: str, where: sa.ColumnElement | None = None) -> int:
        table = self.table(layer_name)
        query = sa.select(sa.func.count()).select_from(table)
        if where is not None:
            query = query.where(where)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def counts_by(self, layer_name: str, column: str) -> dict[str, int]:
        table = self.table(layer_name)
        query = sa.select(table.c[column], sa.func.count()).group_by(table.c[column])
        with self.engine.connect() as connection:
            return {("" if k is None else str(k)): int(n) for k, n in connection.execute(query)}

    def version_token(self) -> tuple:
        """Changes whenever any stored layer changes: row counts and the latest update time."""
        parts = []
        with self.engine.connect() as connection:
            for name, table in _layer_tables().items():
                count, latest = connection.execute(
                    sa.select(sa.func.count(), sa.func.max(table.c.updated_at)).select_from(table)
                ).one()
                parts.append((name, int(count), str(latest)))
        return tuple(parts)

    def has_demo(self) -> bool:
        return any(self.count(name, table.c.is_demo) for name, table in _layer_tables().items())

    def frame(self, layer_name: str, where: sa.ColumnElement | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
        """The layer's records as a GeoDataFrame in EPSG:4326 (a DataFrame for tables without geometry)."""
        table = self.table(layer_name)
        query = sa.select(table)
        if where is not None:
            query = query.where(where)
        with self.engine.connect() as connection:
            df = pd.read_sql(query, connection)
        if "geom" not in df:
            return df
        geometry = shapely.from_wkb(df.pop("geom").to_numpy(dtype=object))
        return gpd.GeoDataFrame(df.drop(columns=list(BBOX)), geometry=geometry, crs=4326)
