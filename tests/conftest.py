"""Shared fixtures: real SQLite files in a temporary folder, never the user's database, and
real PostgreSQL databases, each made for one test on the server that scripts/test.sh starts."""

from __future__ import annotations

import os
import tempfile
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from layers.store import Store

PG_ENV = "BANDO_TEST_PG"  # an administrator's URL of a throw-away PostgreSQL server
# Files the tests attach (the demo set's public pictures too) go to a folder of this run, never to
# the checkout's data/local; a test that needs a folder of its own sets its own.
os.environ.setdefault("BANDO_ATTACHMENTS_DIR", tempfile.mkdtemp(prefix="bando-test-attachments-"))


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'campaign.sqlite'}"


@pytest.fixture
def store(db_url) -> Store:
    return Store.open(db_url)


def _postgresql_database() -> tuple[sa.Engine, str]:
    admin = os.environ.get(PG_ENV)
    if not admin:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: CI must run the suite through scripts/test.sh, which starts PostgreSQL")
        pytest.skip(f"no PostgreSQL server ({PG_ENV} unset): bash scripts/test.sh starts one")
    name = f"bando_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return engine, make_url(admin).set(database=name).render_as_string(hide_password=False)


def _postgresql_url():
    admin, url = _postgresql_database()
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path):
    """A new, empty database on each backend: a SQLite file, and a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'campaign.sqlite'}"
        return
    yield from _postgresql_url()


@pytest.fixture
def pg_url():
    """A new, empty PostgreSQL database (with PostGIS once the store opens it)."""
    yield from _postgresql_url()


@pytest.fixture
def any_store(any_db_url) -> Store:
    store = Store.open(any_db_url)
    yield store
    store.engine.dispose()
