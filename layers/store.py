"""The store: one SQL database (SQLite by default, PostgreSQL by URL) for every layer.

The schema is created and migrated by Alembic when a store is opened. Callers
work with plain dicts and GeoDataFrames; geometry crosses this boundary as shapely.
"""

from __future__ import annotations

import os
import tomllib
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import repeat
from operator import is_, is_not
from pathlib import Path

import geopandas as gpd
import numpy as np
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
BULK_CACHE_KIB = 64 * 1024  # SQLite's page cache while a batch of records is inserted
BUSY_TIMEOUT_ENV = "BANDO_BUSY_TIMEOUT_S"  # seconds a writer waits for another; 120 unless set


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


@contextmanager
def _bulk_cache(connection: sa.Connection) -> Iterator[None]:
    """On SQLite, a page cache that holds a large import's rows and index pages while they are
    inserted: with the default 2 MB, pages of the dozen indexes are evicted and read back
    (about a fifth slower). The connection's own size is restored afterwards."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


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
    # A writer waits this long for another (a parallel import) before giving up with a message.
    timeout = float(os.environ.get(BUSY_TIMEOUT_ENV) or 120)
    options = {"connect_args": {"timeout": timeout}} if url.startswith("sqlite") else {}
    engine = sa.create_engine(url, **options)
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
    def _sqlite_binding(connection: sa.Connection, table: sa.Table) -> tuple[dict, frozenset[str]]:
        """Each column's bind processor, and the columns a None leaves NULL (no default, and not
        JSON, which stores the text 'null'); read once per insert."""
        dialect = connection.dialect
        info = connection.exec_driver_sql(f'PRAGMA table_info("{table.name}")')
        defaulted = {name for _, name, _, _, default, _ in info if default is not None}
        processors = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns}
        null = frozenset(
            name
            for name, process in processors.items()
            if name not in defaulted and (process is None or process(None) is None)
        )
        return processors, null

    @staticmethod
    def _insert_statement(connection: sa.Connection, table: sa.Table, skip_existing: bool) -> sa.Insert:
        """INSERT, or with skip_existing an INSERT that leaves out a row whose row_hash is stored
        already (also by a transaction that committed while this one waited for it)."""
        if not skip_existing:
            return table.insert()
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif connection.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            raise StoreError(f"Cơ sở dữ liệu {connection.dialect.name} không được hỗ trợ.")
        return insert(table).on_conflict_do_nothing(index_elements=["row_hash"])

    @staticmethod
    def _execute_insert(
        connection: sa.Connection,
        table: sa.Table,
        columns: dict[str, list],
        binding: tuple[dict, frozenset[str]] | None,
        statement: sa.Insert,
    ) -> None:
        """One INSERT of many rows. On SQLite (`binding` from _sqlite_binding) the rows go to the
        driver's executemany as tuples, each value converted by its column type's own bind
        processor (what SQLAlchemy does row by row, done here column by column), and a column that
        is None in every row is left out of the statement when None leaves it NULL: the sqlite3
        module binds None about ten times slower than a number or a text. Other databases take
        SQLAlchemy's multi-row insert of every column."""
        if binding is None:
            names = list(columns)
            rows = zip(*columns.values(), strict=True)
            connection.execute(statement, [dict(zip(names, row, strict=True)) for row in rows])
            return
        processors, null = binding
        columns = {
            name: values
            for name, values in columns.items()
            if name not in null or any(map(is_not, values, repeat(None)))
        }
        compiled = statement.compile(dialect=connection.dialect, column_keys=list(columns))
        params = []
        for name in compiled.positiontup:
            values = columns[name]
            process = processors[name]
            if process is not None and values and all(map(is_, values, repeat(values[0]))):
                values = [process(values[0])] * len(values)  # one time, author or flag for the whole batch
            elif process is not None:
                values = [process(v) for v in values]
            params.append(values)
        connection.exec_driver_sql(compiled.string, list(zip(*params, strict=True)))

    def insert(
        self,
        layer_name: str,
        records: Iterable[dict],
        author: str = "system",
        connection: sa.Connection | None = None,
        skip_existing: bool = False,
    ) -> int:
        """Insert records (dicts with field names and an optional shapely `geometry`); returns how
        many were given. With `skip_existing`, a record whose row_hash is stored already is left
        out by the database itself (the caller finds which went in by their import_id).

        In one transaction of its own, or inside the caller's when `connection` is given.
        """
        if connection is None:
            with self.engine.begin() as own:
                return self.insert(layer_name, records, author, own, skip_existing)
        table = self.table(layer_name)
        now = _now()
        count = 0
        binding = self._sqlite_binding(connection, table) if connection.dialect.name == "sqlite" else None
        statement = self._insert_statement(connection, table, skip_existing)
        with _bulk_cache(connection):
            for batch in _chunks(records, CHUNK):
                self._execute_insert(connection, table, self._columns(table, batch, author, now), binding, statement)
                count += len(batch)
        return count

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

    def update(
        self,
        layer_name: str,
        record_id: str,
        changes: dict,
        author: str,
        expected_version: int,
        connection: sa.Connection | None = None,
    ) -> int:
        """Change one record if nobody changed it since `expected_version`; returns the new version.
        A `geometry` among the changes (shapely) replaces the record's geometry and its bounding box.
        In a transaction of its own, or inside the caller's when `connection` is given."""
        if connection is None:
            with self.engine.begin() as own:
                return self.update(layer_name, record_id, changes, author, expected_version, own)
        table = self.table(layer_name)
        values = {k: v for k, v in changes.items() if k in table.columns and k not in ("id", "version")}
        if "geometry" in changes and "geom" in table.columns:
            geometry = changes["geometry"]
            values["geom"] = None if geometry is None else shapely.to_wkb(geometry)
            bounds = (None,) * 4 if geometry is None or geometry.is_empty else geometry.bounds
            values.update(zip(BBOX, bounds, strict=True))
        values.update(updated_at=_now(), author=author, version=expected_version + 1)
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
