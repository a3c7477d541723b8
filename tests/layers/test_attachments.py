"""Attachments on real stores. Removing them for good (remove_for, remove_demo, remove_files, on
SQLite): the rows go inside the caller's transaction, the files only after it commits and only
when no other attachment row refers to their content. Attaching, removing, sharing and taking a
photo's position (attach, remove_attachment, set_sharing, use_photo_position, on SQLite and
PostgreSQL): each by those who may change the record only, each with its history row."""

from __future__ import annotations

import io
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image

from layers import attachments
from layers.access import AccessDenied, system
from layers.attachments import AttachmentProblem
from layers.errors import LayersError
from layers.seed import seed_reference
from tests.layers import attachment_samples as samples
from tests.layers.people import build

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


def report(store, record_id: str, is_demo: bool = False) -> str:
    """A report to attach files to (once)."""
    if store.record("reports", record_id, system()) is None:
        record = {"id": record_id, "martyr_names": "Liệt sĩ thử", "chapter_id": "chapter-vn-25", "is_demo": is_demo}
        store.insert("reports", [{**record, "province_34": "VN-25"}], author="test")
    return record_id


def attach(store, record_id: str, data: bytes, is_demo: bool = False) -> str:
    report(store, record_id, is_demo)
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
    new = report(kept_store, str(uuid.uuid4()))
    with kept_store.engine.connect() as connection:
        upload = connection.begin()
        attachments.add_attachment(kept_store, connection, "reports", new, data, "b.png", "thu", True)

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
    report(kept_store, "r1")
    report(kept_store, "r2")
    calls = []
    real = attachments.inspect
    monkeypatch.setattr(attachments, "inspect", lambda d, n=None: calls.append(n) or real(d, n))
    with kept_store.engine.begin() as connection:
        attachments.add_attachment(kept_store, connection, "reports", "r1", data, "a.png", "thu", True, seen=seen)
        assert calls == []
        attachments.add_attachment(kept_store, connection, "reports", "r2", other, "b.png", "thu", True, seen=seen)
        assert calls == ["b.png"]  # another file's inspection is not trusted
    hashes = {r.record_id: r.sha256 for r in rows(kept_store)}
    assert hashes["r2"] == attachments.inspect_image(other).sha256


# -- attaching, removing, sharing, a photo's position: both backends -------------------------------


@pytest.fixture
def campaign(any_store, folder):
    return build(any_store)


def history_of(campaign, record_id: str, action: str) -> list[dict]:
    return [e for e in campaign.store.history(record_id, system()) if e["action"] == action]


def test_attaching_writes_the_row_the_file_and_an_attach_history_row(campaign, folder):
    leader = campaign.viewer("qt.tinh")
    store = campaign.store
    made = attachments.attach(store, "reports", "r-qt", samples.pdf(), "so-do-ong-Ba.pdf", leader, caption="Sơ đồ")
    (row,) = attachments.attachments_of(store, "reports", "r-qt", leader)
    assert (row["id"], row["kind"], row["media_type"], row["author"]) == (
        made,
        "document",
        "application/pdf",
        "qt.tinh",
    )
    assert row["shareable"] is False and row["private"] is False and row["caption"] == "Sơ đồ"
    assert attachments.file_path(row["sha256"]).read_bytes() == samples.pdf()
    (entry,) = history_of(campaign, "r-qt", "attach")
    assert entry["actor"] == "qt.tinh" and "so-do-ong-Ba.pdf" in entry["changes"]["attachment"][1]
    assert entry["version"] == store.record("reports", "r-qt", system())["version"]  # attaching is no edit


def test_a_private_attachments_history_row_does_not_name_its_file(campaign):
    leader = campaign.viewer("qt.tinh")
    attachments.attach(campaign.store, "reports", "r-qt", samples.jpeg(), "Nguyen-Van-Ba.jpg", leader, private=True)
    (entry,) = history_of(campaign, "r-qt", "attach")
    assert "Nguyen-Van-Ba" not in str(entry["changes"]) and "Ảnh" in entry["changes"]["attachment"][1]


def test_a_file_refused_leaves_no_row_no_history_and_no_file(campaign, folder):
    with pytest.raises(AttachmentProblem) as refused:
        attachments.attach(campaign.store, "reports", "r-qt", samples.ELF, "anh.jpg", campaign.viewer("qt.tinh"))
    assert "«anh.jpg»" in str(refused.value)
    assert rows(campaign.store) == [] and history_of(campaign, "r-qt", "attach") == []
    assert not [p for p in folder.rglob("*") if p.is_file()]


def test_a_private_attachment_is_never_shareable(campaign):
    leader = campaign.viewer("qt.tinh")
    with pytest.raises(AttachmentProblem) as refused:
        attachments.attach(
            campaign.store, "reports", "r-qt", samples.png(), "a.png", leader, private=True, shareable=True
        )
    assert "«a.png» là tệp riêng" in str(refused.value) and rows(campaign.store) == []
    made = attachments.attach(campaign.store, "reports", "r-qt", samples.png(), "a.png", leader, private=True)
    with pytest.raises(AttachmentProblem):
        attachments.set_sharing(campaign.store, made, True, leader)
    assert attachments.attachment_for(campaign.store, made, leader)["shareable"] is False


def test_marking_an_attachment_shareable_is_recorded_in_the_history(campaign):
    leader = campaign.viewer("qt.tinh")
    made = attachments.attach(campaign.store, "reports", "r-qt", samples.png(), "a.png", leader)
    attachments.set_sharing(campaign.store, made, True, leader)
    assert attachments.attachment_for(campaign.store, made, leader)["shareable"] is True
    (entry,) = [e for e in history_of(campaign, "r-qt", "update") if "attachment_shareable" in e["changes"]]
    assert entry["changes"]["attachment_shareable"] == [False, True] and entry["actor"] == "qt.tinh"
    with pytest.raises(AccessDenied):
        attachments.set_sharing(campaign.store, made, False, campaign.viewer("doitac"))


@pytest.mark.parametrize(
    ("username", "says"),
    [("doitac", "không được"), ("na.ghi", "Không có bản ghi"), ("qt.doi", "không được sửa")],
    ids=["partner", "another-province", "team"],
)
def test_only_those_who_may_change_the_record_attach_to_it(campaign, username, says):
    with pytest.raises(LayersError) as refused:
        attachments.attach(campaign.store, "reports", "r-qt", samples.png(), "a.png", campaign.viewer(username))
    assert says in str(refused.value) and rows(campaign.store) == []


def test_a_chapter_may_not_attach_to_a_record_of_another_chapter_it_sees(campaign):
    # r-na-about-qt belongs to Nghệ An's chapter but lies in Quảng Trị: Quảng Trị sees it, may not change it.
    leader = campaign.viewer("qt.tinh")
    assert campaign.store.record("reports", "r-na-about-qt", leader) is not None
    with pytest.raises(AccessDenied) as refused:
        attachments.attach(campaign.store, "reports", "r-na-about-qt", samples.png(), "a.png", leader)
    assert "Hội khác" in str(refused.value) and rows(campaign.store) == []


def test_reference_layers_take_no_attachment(campaign):
    assert set(attachments.ATTACHABLE) == {
        "reports",
        "sites",
        "trips",
        "recognition_cases",
        "recognition_witnesses",
        "observations",
    }
    with pytest.raises(AttachmentProblem) as refused:
        attachments.attach(campaign.store, "chapters", "chapter-vn-25", samples.png(), "a.png", system())
    assert "không nhận tệp đính kèm" in str(refused.value)


def test_a_record_takes_at_most_its_count_and_bytes_of_files_naming_the_one_refused(campaign, monkeypatch):
    leader = campaign.viewer("qt.tinh")
    monkeypatch.setattr(attachments, "MAX_PER_RECORD", 2)
    for i in range(2):
        attachments.attach(campaign.store, "reports", "r-qt", samples.png(color=(i, i, i)), f"{i}.png", leader)
    with pytest.raises(AttachmentProblem) as full:
        attachments.attach(campaign.store, "reports", "r-qt", samples.png(color=(9, 9, 9)), "thu-ba.png", leader)
    assert "«thu-ba.png»" in str(full.value) and "tối đa 2" in str(full.value)
    monkeypatch.setattr(attachments, "MAX_PER_RECORD", 30)
    used = sum(row.size for row in rows(campaign.store, "r-qt"))
    monkeypatch.setattr(attachments, "MAX_RECORD_BYTES", used + len(samples.pdf()) - 1)
    with pytest.raises(AttachmentProblem) as heavy:
        attachments.attach(campaign.store, "reports", "r-qt", samples.pdf(), "ho-so.pdf", leader)
    assert "«ho-so.pdf»" in str(heavy.value) and "MB một bản ghi" in str(heavy.value)
    assert len(rows(campaign.store, "r-qt")) == 2


def test_removing_an_attachment_marks_it_deleted_with_a_reason_and_a_detach_row(campaign):
    store = campaign.store
    made = attachments.attach(store, "reports", "r-qt", samples.mp3(), "phong-van.mp3", campaign.viewer("qt.tinh"))
    with pytest.raises(AttachmentProblem) as no_reason:
        attachments.remove_attachment(store, made, campaign.viewer("qt.ghi"), "  ")
    assert "lý do" in str(no_reason.value)
    for outsider in ("na.ghi", "doitac"):
        with pytest.raises(LayersError):
            attachments.remove_attachment(store, made, campaign.viewer(outsider), "nhầm")
    attachments.remove_attachment(store, made, campaign.viewer("qt.ghi"), "gửi nhầm tệp")
    assert attachments.attachments_of(store, "reports", "r-qt", system()) == []
    assert attachments.attachment_for(store, made, system()) is None
    (row,) = rows(store, "r-qt")
    assert row.deleted_at is not None and attachments.file_path(row.sha256).exists()  # kept until a purge
    (entry,) = history_of(campaign, "r-qt", "detach")
    assert entry["actor"] == "qt.ghi" and entry["reason"] == "gửi nhầm tệp"
    assert "phong-van.mp3" in entry["changes"]["attachment"][0]


def test_a_photos_gps_becomes_the_reports_position_only_when_asked_with_its_accuracy(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    before = store.record("reports", "r-qt", leader)
    made = attachments.attach(store, "reports", "r-qt", samples.jpeg(accuracy=4.5), "mo.jpg", leader)
    assert store.record("reports", "r-qt", leader)["coord_text"] == before["coord_text"]  # never silently
    row = attachments.attachment_for(store, made, leader)
    assert attachments.photo_position(row) == pytest.approx((samples.LAT, samples.LON, 4.5), abs=1e-6)
    version = attachments.use_photo_position(store, "reports", "r-qt", made, int(before["version"]), leader)
    after = store.record("reports", "r-qt", leader)
    assert after["version"] == version == before["version"] + 1
    assert after["coord_text"] == "16.8125000, 106.9375000" and after["coord_datum"] == "wgs84"
    assert float(after["uncertainty_m"]) == 4.5
    assert (after["geometry"].y, after["geometry"].x) == pytest.approx((samples.LAT, samples.LON), abs=1e-6)
    (edit,) = [e for e in history_of(campaign, "r-qt", "update") if "coord_text" in e["changes"]]
    assert edit["actor"] == "qt.tinh" and edit["changes"]["coord_text"][1] == "16.8125000, 106.9375000"


def test_a_photo_without_its_accuracy_gives_the_stated_default(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    made = attachments.attach(store, "reports", "r-qt", samples.jpeg(accuracy=None), "mo.jpg", leader)
    version = int(store.record("reports", "r-qt", leader)["version"])
    attachments.use_photo_position(store, "reports", "r-qt", made, version, leader)
    assert float(store.record("reports", "r-qt", leader)["uncertainty_m"]) == attachments.PHOTO_UNCERTAINTY_M == 30


def test_a_photos_position_is_refused_clearly_when_it_cannot_be_the_records(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    version = int(store.record("reports", "r-qt", leader)["version"])
    sketch = attachments.attach(store, "reports", "r-qt", samples.png(), "so-do.png", leader)
    with pytest.raises(AttachmentProblem) as no_gps:
        attachments.use_photo_position(store, "reports", "r-qt", sketch, version, leader)
    assert "«so-do.png» không có tọa độ GPS" in str(no_gps.value)
    photo = attachments.attach(store, "reports", "r-qt-assigned", samples.jpeg(), "mo.jpg", leader)
    with pytest.raises(AttachmentProblem) as elsewhere:
        attachments.use_photo_position(store, "reports", "r-qt", photo, version, leader)
    assert "không thuộc bản ghi" in str(elsewhere.value)
    with pytest.raises(AttachmentProblem) as trips:
        attachments.use_photo_position(store, "trips", "t-1", photo, 1, leader)
    assert "không có tọa độ ghi tay" in str(trips.value)
    assert int(store.record("reports", "r-qt", leader)["version"]) == version


def test_a_pictures_thumbnail_goes_with_its_file_when_the_record_is_purged(campaign, folder):
    store = campaign.store
    made = attachments.attach(store, "reports", "r-qt", samples.jpeg(), "mo.jpg", campaign.viewer("qt.tinh"))
    row = attachments.attachment_for(store, made, system())
    assert attachments.thumbnail(row) and attachments.thumb_path(row["sha256"]).exists()
    with store.engine.begin() as connection:
        freed = attachments.remove_for(connection, "reports", "r-qt")
    assert attachments.remove_files(freed, store.engine) == 1
    assert not attachments.thumb_path(row["sha256"]).exists()
    assert not [p for p in folder.rglob("*") if p.is_file()]
