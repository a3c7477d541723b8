"""Shared fixtures: real SQLite files in a temporary folder, never the user's database."""

from __future__ import annotations

import pytest

from layers.store import Store


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'campaign.sqlite'}"


@pytest.fixture
def store(db_url) -> Store:
    return Store.open(db_url)
