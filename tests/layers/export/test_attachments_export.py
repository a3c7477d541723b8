"""Attachments in exported files, on SQLite and PostgreSQL: a team's KMZ carries thumbnails of the
pictures the person exporting may see (no private one of a witness who said nobody may contact
them); a partner's KMZ only clean copies of pictures a chapter marked shareable; neither carries
EXIF or GPS, and no other format carries any attachment at all."""

from __future__ import annotations

import io
import sqlite3
import zipfile

import pytest
from lxml import etree
from PIL import Image

from layers import attachments
from layers.exporters import kml
from layers.exporters.formats import ExportOptions, export
from layers.exporters.selection import Selection, select
from layers.query import FilterSpec
from tests.layers import attachment_samples as samples
from tests.layers.people import build

NS = {"k": "http://www.opengis.net/kml/2.2"}
CAPTION = "Mộ ông <script>alert(1)</script> cạnh gốc đa"


@pytest.fixture
def files(any_store, tmp_path, monkeypatch) -> dict:
    """A campaign with, on Quảng Trị's reports: a photo kept in the chapter, a shareable photo,
    a private photo, a shareable PDF, and a private photo of a witness who said nobody may
    contact them."""
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    campaign = build(any_store)
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    nobody = store.record("reports", "r-qt-assigned", leader)
    store.update("reports", "r-qt-assigned", {"witness_consent": "nobody"}, "test", int(nobody["version"]))

    def attach(record: str, data: bytes, name: str, **flags) -> str:
        return attachments.attach(store, "reports", record, data, name, leader, caption=CAPTION, **flags)

    made = {
        "kept": attach("r-qt", samples.jpeg(color=(10, 20, 30)), "trong-hoi.jpg"),
        "shared": attach("r-qt", samples.jpeg(size=(2400, 1200), color=(40, 50, 60)), "chia-se.jpg", shareable=True),
        "private": attach("r-qt", samples.jpeg(color=(70, 80, 90)), "rieng.jpg", private=True),
        "pdf": attach("r-qt", samples.pdf(), "giay-to.pdf", shareable=True),
        "nobody": attach("r-qt-assigned", samples.jpeg(color=(1, 2, 3)), "khong-lien-he.jpg", private=True),
    }
    return {"campaign": campaign, "ids": made}


def selection_of(files: dict, username: str) -> Selection:
    campaign = files["campaign"]
    return select(campaign.store, ("reports",), FilterSpec(), campaign.viewer(username))


def pictures(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names[:2] == ["doc.kml", kml.KMZ_ICON]
        return {name: archive.read(name) for name in names[2:]} | {"doc.kml": archive.read("doc.kml")}


def no_metadata(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and dict(image.getexif()) == {} and not image.getexif().get_ifd(0x8825)
    assert not {"exif", "xmp", "icc_profile"} & set(image.info)
    assert b"Exif" not in data and samples.SECRET_CAMERA.encode() not in data
    return image


def descriptions(doc: bytes) -> str:
    tree = etree.parse(io.BytesIO(doc))
    return "".join(d.text or "" for d in tree.iter("{http://www.opengis.net/kml/2.2}description"))


def test_a_team_kmz_carries_thumbnails_of_what_the_person_may_see_and_no_exif(files):
    ids = files["ids"]
    made = pictures(export(selection_of(files, "qt.tinh"), "kmz", ExportOptions(audience="team")).data)
    doc = made.pop("doc.kml")
    assert set(made) == {f"files/{ids[k]}.jpg" for k in ("kept", "shared", "private")}  # no PDF; not "nobody"
    for data in made.values():
        assert max(no_metadata(data).size) <= attachments.THUMB_SIDE
    shown = descriptions(doc)
    for name in made:
        assert f'<img src="{name}"' in shown
    assert "<script>" not in shown and "&lt;script&gt;" in shown  # the caption, escaped


def test_a_team_kmz_of_someone_who_may_not_see_contacts_has_no_private_picture(files):
    ids = files["ids"]
    made = pictures(export(selection_of(files, "na.ghi"), "kmz", ExportOptions(audience="team")).data)
    made.pop("doc.kml")
    assert f"files/{ids['private']}.jpg" not in made and f"files/{ids['nobody']}.jpg" not in made


@pytest.mark.parametrize("username", ["qt.tinh", "doitac"])
def test_a_partner_kmz_carries_only_shareable_pictures_as_clean_copies(files, username):
    ids = files["ids"]
    made = pictures(export(selection_of(files, username), "kmz", ExportOptions(audience="partner")).data)
    doc = made.pop("doc.kml")
    assert list(made) == [f"files/{ids['shared']}.jpg"]
    image = no_metadata(made[f"files/{ids['shared']}.jpg"])
    assert image.size == (kml.PARTNER_IMAGE_SIDE, kml.PARTNER_IMAGE_SIDE // 2)
    shown = descriptions(doc)
    assert "gốc đa" not in shown  # a caption may name a witness: a partner's file carries none
    for private in ("rieng.jpg", "khong-lien-he.jpg", "trong-hoi.jpg", "giay-to.pdf", ids["private"], ids["kept"]):
        assert private not in shown


def test_a_kmz_carries_at_most_its_bound_of_pictures_and_says_how_many_were_left_out(files, monkeypatch):
    monkeypatch.setattr(kml, "KMZ_MAX_IMAGES", 1)
    made = pictures(export(selection_of(files, "qt.tinh"), "kmz", ExportOptions(audience="team")).data)
    doc = made.pop("doc.kml")
    assert len(made) == 1
    note = etree.parse(io.BytesIO(doc)).findtext("k:Document/k:description", namespaces=NS)
    assert note.startswith("2 ảnh không được kèm theo")


@pytest.mark.parametrize("format_name", ["geojson", "csv", "gpkg", "kml", "xlsx"])
def test_a_partner_file_of_another_format_carries_no_attachment(files, format_name, tmp_path):
    done = export(selection_of(files, "qt.tinh"), format_name, ExportOptions(audience="partner"))
    data = done.data
    if format_name == "gpkg":  # look inside every table, not only at the bytes
        path = tmp_path / "out.gpkg"
        path.write_bytes(data)
        with sqlite3.connect(path) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            data += "".join(str(db.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables).encode()
    for said in (*files["ids"].values(), "chia-se.jpg", "rieng.jpg", "giay-to.pdf", "gốc đa"):
        assert said.encode() not in data
    assert b"Exif" not in data and b"\xff\xd8\xff" not in data


@pytest.mark.parametrize("format_name", ["geojson", "csv", "kml"])
def test_other_formats_write_the_same_bytes_with_or_without_attachments(files, format_name):
    chosen = selection_of(files, "qt.tinh")
    assert chosen.attachments  # the selection holds them …
    bare = Selection(chosen.spec, chosen.frames)
    for audience in ("partner", "team"):
        options = ExportOptions(audience=audience)
        assert export(chosen, format_name, options).data == export(bare, format_name, options).data  # … unused
