"""Removing attachments (layers.attachments.remove_for, remove_demo, remove_files), on a real
SQLite store: the rows go inside the caller's transaction, the files only after it commits and
only when no other attachment row refers to their content."""

from __future__ import annotations

import io
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image

from layers import attachments
from layers.seed import seed_reference

TABLE = attachments.TABLE


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "attachments"
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(path))
    return path


@pytest.fixture
def kept_store(store, folder):
    seed_reference(store)
    yield store
    store.engine.dispose()


def png(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), color).save(out, "PNG")
    return out.getvalue()


def attach(store, record_id: str, data: bytes, is_demo: bool = False) -> str:
    with store.engine.begin() as connection:
        return attachments.add_attachment(
            store, connection, "reports", record_id, data, "anh.png", "thu", private=True, is_demo=is_demo
        )


def rows(store, record_id: str | None = None) -> list:
    query = sa.select(TABLE)
    if record_id is not None:
        query = query.where(TABLE.c.record_id == record_id)
    with store.engine.connect() as connection:
        return connection.execute(query).all()


def test_remove_for_deletes_a_records_rows_and_returns_only_files_no_other_row_uses(kept_store, folder):
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    shared, own = png((1, 1, 1)), png((2, 2, 2))
    attach(kept_store, a, shared)
    attach(kept_store, a, own)
    attach(kept_store, b, shared)
    with kept_store.engine.begin() as connection:
        freed = attachments.remove_for(connection, "reports", a)
    own_path = attachments.file_path(attachments.inspect_image(own).sha256)
    shared_path = attachments.file_path(attachments.inspect_image(shared).sha256)
    assert freed == [own_path]
    assert rows(kept_store, a) == [] and len(rows(kept_store, b)) == 1
    assert own_path.exists()  # nothing on disk before the caller says the transaction committed
    assert attachments.remove_files(freed, kept_store.engine) == 1
    assert not own_path.exists() and shared_path.exists()
    assert not own_path.parent.exists()  # its empty folders go too
    assert folder.exists()


def test_remove_for_in_a_transaction_rolled_back_keeps_rows_and_files(kept_store):
    record = str(uuid.uuid4())
    attach(kept_store, record, png((3, 3, 3)))
    with pytest.raises(RuntimeError), kept_store.engine.begin() as connection:
        freed = attachments.remove_for(connection, "reports", record)
        raise RuntimeError("purge failed later")
    assert len(rows(kept_store, record)) == 1 and freed[0].exists()
    # A caller that (wrongly) removes files of a rolled-back purge: the row still refers to it.
    assert attachments.remove_files(freed, kept_store.engine) == 0 and freed[0].exists()


def test_a_soft_deleted_row_of_another_record_still_holds_its_file(kept_store):
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    data = png((4, 4, 4))
    attach(kept_store, a, data)
    other = attach(kept_store, b, data)
    with kept_store.engine.begin() as connection:
        connection.execute(TABLE.update().where(TABLE.c.id == other).values(deleted_at=sa.func.now()))
        assert attachments.remove_for(connection, "reports", a) == []


def test_remove_demo_deletes_demo_rows_only(kept_store):
    demo, real = str(uuid.uuid4()), str(uuid.uuid4())
    demo_only, both = png((5, 5, 5)), png((6, 6, 6))
    attach(kept_store, demo, demo_only, is_demo=True)
    attach(kept_store, demo, both, is_demo=True)
    attach(kept_store, real, both)
    with kept_store.engine.begin() as connection:
        freed = attachments.remove_demo(connection)
    assert freed == [attachments.file_path(attachments.inspect_image(demo_only).sha256)]
    assert rows(kept_store, demo) == [] and len(rows(kept_store, real)) == 1
    assert attachments.remove_files(freed, kept_store.engine) == 1 and not freed[0].exists()


def test_remove_files_touches_only_files_of_the_attachments_folder(kept_store, tmp_path):
    outside = tmp_path / ("a" * 64)
    outside.write_bytes(b"not ours")
    other = tmp_path / "notes.txt"
    other.write_text("not ours")
    assert attachments.remove_files([outside, other]) == 0
    assert outside.exists() and other.exists()


def test_remove_files_waits_for_an_upload_of_the_same_content_and_keeps_its_file(kept_store):
    """An upload in progress writes its row before its file: removing the file of a purged record
    waits for that upload's transaction, then sees the new row and keeps the file."""
    data = png((7, 7, 7))
    old = str(uuid.uuid4())
    attach(kept_store, old, data)
    with kept_store.engine.begin() as connection:
        freed = attachments.remove_for(connection, "reports", old)
    assert len(freed) == 1
    started, removed = threading.Event(), []
    with kept_store.engine.connect() as connection:
        upload = connection.begin()
        attachments.add_attachment(kept_store, connection, "reports", str(uuid.uuid4()), data, "b.png", "thu", True)

        def remove() -> None:
            started.set()
            removed.append(attachments.remove_files(freed, kept_store.engine))

        worker = threading.Thread(target=remove)
        worker.start()
        started.wait()
        time.sleep(0.3)
        assert removed == []  # waiting for the upload's transaction
        upload.commit()
    worker.join(timeout=30)
    assert removed == [0] and freed[0].exists()


def test_add_attachment_reuses_an_inspection_of_the_same_bytes_only(kept_store, monkeypatch):
    data, other = png((8, 8, 8)), png((9, 9, 9))
    seen = attachments.inspect_image(data, "a.png")
    calls = []
    real = attachments.inspect_image
    monkeypatch.setattr(attachments, "inspect_image", lambda d, n=None: calls.append(n) or real(d, n))
    with kept_store.engine.begin() as connection:
        attachments.add_attachment(kept_store, connection, "reports", "r1", data, "a.png", "thu", True, seen=seen)
        assert calls == []
        attachments.add_attachment(kept_store, connection, "reports", "r2", other, "b.png", "thu", True, seen=seen)
        assert calls == ["b.png"]  # another file's inspection is not trusted
    hashes = {r.record_id: r.sha256 for r in rows(kept_store)}
    assert hashes["r2"] == attachments.inspect_image(other).sha256
