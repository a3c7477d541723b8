"""Shared fixtures: real SQLite files in a temporary folder, never the user's database, and
real PostgreSQL databases, each made for one test on the server that scripts/test.sh starts.

A test that opens a store gets a copy of one database migrated once for the whole run (a file
copied, or a PostgreSQL database made from it as a template): migrating anew for each test
cost seconds each on PostgreSQL. A test that asks only for a URL gets a database with nothing
in it, not even the schema, so migrations can be tested from their first revision."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from layers.store import Store

PG_ENV = "BANDO_TEST_PG"  # an administrator's URL of a throw-away PostgreSQL server
# Files the tests attach (the demo set's public pictures too) go to a folder of this run, never to
# the checkout's data/local; a test that needs a folder of its own sets its own.
os.environ.setdefault("BANDO_ATTACHMENTS_DIR", tempfile.mkdtemp(prefix="bando-test-attachments-"))
# The fixtures whose database a test gets with the schema in place (see _wants_schema).
STORE_FIXTURES = ("store", "any_store")


def _wants_schema(request) -> bool:
    """Whether the test opens a store on its database anyway (so a migrated copy will do)."""
    return any(name in request.fixturenames for name in STORE_FIXTURES)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file migrated to the newest revision, closed (its write-ahead log folded in)."""
    path = tmp_path_factory.mktemp("template") / "campaign.sqlite"
    Store.open(f"sqlite:///{path}").engine.dispose()
    return path


def _sqlite_url(request, path: Path) -> str:
    if _wants_schema(request) and not path.exists():
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def db_url(request, tmp_path) -> str:
    return _sqlite_url(request, tmp_path / "campaign.sqlite")


@pytest.fixture
def store(db_url) -> Store:
    return Store.open(db_url)


def _admin_url() -> str:
    admin = os.environ.get(PG_ENV)
    if not admin:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: CI must run the suite through scripts/test.sh, which starts PostgreSQL")
        pytest.skip(f"no PostgreSQL server ({PG_ENV} unset): bash scripts/test.sh starts one")
    return admin


def _execute(admin: str, statement: str) -> None:
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def _database_url(admin: str, name: str) -> str:
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgresql_template():
    """The name of a PostgreSQL database migrated to the newest revision (PostGIS in it), with
    no connection left open, so CREATE DATABASE … TEMPLATE can copy it."""
    admin = _admin_url()
    name = f"bando_template_{uuid.uuid4().hex[:12]}"
    _execute(admin, f'CREATE DATABASE "{name}"')
    Store.open(_database_url(admin, name)).engine.dispose()
    yield name
    _execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgresql_url(template: str | None = None):
    """A new PostgreSQL database's URL, a copy of `template` when given, else empty; dropped after."""
    admin = _admin_url()
    name = f"bando_{uuid.uuid4().hex[:12]}"
    _execute(admin, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    yield _database_url(admin, name)
    _execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path):
    """A new database on each backend: a SQLite file, and a PostgreSQL database; empty, or
    migrated already when the test opens a store on it."""
    if request.param == "sqlite":
        yield _sqlite_url(request, tmp_path / "campaign.sqlite")
        return
    yield from _postgresql_url(request.getfixturevalue("_postgresql_template") if _wants_schema(request) else None)


@pytest.fixture
def pg_url():
    """A new, empty PostgreSQL database (with PostGIS once the store opens it)."""
    yield from _postgresql_url()


@pytest.fixture
def any_store(any_db_url) -> Store:
    store = Store.open(any_db_url)
    yield store
    store.engine.dispose()
