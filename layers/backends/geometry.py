"""The geometry column: WKB in a binary column on SQLite, a PostGIS `geometry(Geometry, 4326)`
on PostgreSQL (with a GiST index, readable by QGIS as it is). Python always sees WKB bytes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import UserDefinedType

SRID = 4326


class PostGISGeometry(UserDefinedType):
    """The PostGIS column type, any geometry kind, in WGS84."""

    cache_ok = True

    def get_col_spec(self, **_kw) -> str:
        return f"geometry(Geometry,{SRID})"


class _FromWKB(FunctionElement):
    """A bound WKB value as the column stores it."""

    inherit_cache = True
    name = "from_wkb"
    type = sa.LargeBinary()


class _AsWKB(FunctionElement):
    """A stored geometry as WKB."""

    inherit_cache = True
    name = "as_wkb"
    type = sa.LargeBinary()


@compiles(_FromWKB)
def _from_wkb_plain(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_FromWKB, "postgresql")
def _from_wkb_postgis(element, compiler, **kw) -> str:
    return f"ST_GeomFromWKB({compiler.process(element.clauses, **kw)}, {SRID})"


@compiles(_AsWKB)
def _as_wkb_plain(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_AsWKB, "postgresql")
def _as_wkb_postgis(element, compiler, **kw) -> str:
    return f"ST_AsBinary({compiler.process(element.clauses, **kw)})"


class Geometry(sa.types.TypeDecorator):
    """WKB bytes in Python; the database's own geometry where it has one."""

    impl = sa.LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PostGISGeometry())
        return dialect.type_descriptor(sa.LargeBinary())

    def bind_expression(self, bindvalue):
        return _FromWKB(bindvalue)

    def column_expression(self, column):
        return _AsWKB(column)

    def process_bind_param(self, value, dialect):
        return value

    def process_result_value(self, value, dialect):
        return bytes(value) if isinstance(value, memoryview) else value
