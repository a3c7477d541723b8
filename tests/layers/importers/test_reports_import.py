"""Importing reports: every row accounted for, nothing half-written, bad input named."""

import io
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from layers.access import system
from layers.importers.errors import UnreadableFile
from layers.importers.limits import FILE_BYTES
from layers.importers.reports import import_reports, rejected_csv, stored_rejections
from layers.store import Store
from tests.cli_helpers import run_module

HEADER = "Họ tên liệt sĩ;Đơn vị;Năm hy sinh;Tọa độ;Hệ quy chiếu;Tỉnh;Mô tả vị trí;Trạng thái;Người cung cấp;Cột lạ"
ROWS = [
    "Nguyễn Văn A;C552;1968;16.7469, 107.1944;;Quảng Trị;gần thành cổ;mới nhận;Lê B;abc",
    "Trần Văn C;Đại đội 552;1972;XD 845 421;indian1960;Quảng Trị;sân bay Tà Cơn;;;",
    "Lê Thị D;C317;1968;;;Nghệ An;Truông Bồn, bên suối;;;",
    "Phạm E;Sư đoàn 304;1972;16 45 04 B, 107 11 00 Đ;;;;đã xác minh;;",
    "Hoàng F;C100;19x8;16.7,107.2;;;;;;",
    "Vũ G;C100;1968;200.1, 300.2;;;;;;",
    "Đỗ H;C100;1968;;;;;trạng thái lạ;;",
    "Bùi I;;;;;Bình Trị Thiên;gốc đa đầu làng;;;",
]
MESSY = ("\n".join([HEADER, *ROWS]) + "\n").encode("utf-8")


TONES = "\u0300\u0301\u0303\u0309\u0323"


def _windows_1258(text: str) -> bytes:
    """Text as Vietnamese Excel on Windows saves it: â ă ê ô ơ ư đ precomposed, tone marks combining."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += base.encode("cp1258") + "".join(c for c in parts if c in TONES).encode("cp1258")
    return out


def _accounted(result) -> bool:
    counts = (result.accepted, result.rejected, result.approximate, result.unlocated, result.duplicates)
    return sum(counts) == result.rows_read


def test_a_messy_spreadsheet_is_accounted_for_row_by_row(store):
    result = import_reports(store, "messy.csv", MESSY)
    assert (result.rows_read, result.accepted, result.unlocated, result.rejected) == (8, 3, 2, 3)
    reasons = [r["reason"] for r in result.rejected_rows]
    assert reasons[0].startswith("Dòng 6, cột «Năm hy sinh»")
    assert reasons[1].startswith("Dòng 7, cột «Tọa độ»")
    assert reasons[2].startswith("Dòng 8, cột «Trạng thái»")
    stored = store.frame("reports", system()).set_index("martyr_names")
    assert stored.loc["Trần Văn C", "coord_datum"] == "indian1960"
    assert stored.loc["Lê Thị D"].geometry is None and stored.loc["Lê Thị D", "province_34"] == "VN-22"
    # Unmapped columns are kept, in the private notes: an unknown column may hold a phone number.
    assert stored.loc["Nguyễn Văn A", "private_notes"] == "Cột lạ: abc"
    assert stored.loc["Nguyễn Văn A", "witness_name"] == "Lê B"
    assert len(stored_rejections(store, system(), result.import_id)) == 3


def test_importing_the_same_rows_again_adds_nothing(store):
    first = import_reports(store, "messy.csv", MESSY)
    again = import_reports(store, "messy-copy.csv", MESSY)
    assert again.duplicates == first.accepted + first.unlocated and again.accepted == again.unlocated == 0
    assert again.rejected == first.rejected  # tried again (the mapping may have been fixed), kept once
    assert store.count("reports", system()) == first.accepted + first.unlocated
    assert len(stored_rejections(store, system())) == first.rejected


def test_a_rejected_row_seen_again_among_new_ones_is_kept_once(store):
    first = import_reports(store, "messy.csv", MESSY)
    more = MESSY + "Lý K;C100;19y9;;;;;;;\n".encode()
    second = import_reports(store, "messy-more.csv", more)
    assert second.rejected == first.rejected + 1
    assert len(stored_rejections(store, system())) == first.rejected + 1  # the old rejections are not stored twice


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: _windows_1258(t),
        lambda t: (
            t.replace(";", ",")
            .replace("16.7469, 107.1944", '"16.7469, 107.1944"')
            .replace("Truông Bồn, bên suối", '"Truông Bồn, bên suối"')
            .encode("utf-8")
        ),
        lambda t: t.replace(";", "\t").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "windows-1258", "comma", "tab"],
)
def test_csv_encodings_and_separators_excel_writes(store, encode):
    text = "\n".join([HEADER, ROWS[0], ROWS[2]]) + "\n"
    data = encode(text)
    result = import_reports(store, "tệp.csv", data)
    assert (result.accepted, result.unlocated, result.rejected) == (1, 1, 0)


def _xlsx(rows: list[list], sheet: str = "Tin báo") -> bytes:
    book = Workbook()
    book.active.title = "Bìa"
    ws = book.create_sheet(sheet)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_sheet_and_formula_cells(store):
    data = _xlsx(
        [
            ["Họ tên liệt sĩ", "Đơn vị", "Tọa độ"],
            ["Nguyễn Văn A", "C552", "16.7469, 107.1944"],
            ["Trần B", '=HYPERLINK("http://x")', "16.7, 107.1"],
        ]
    )
    with pytest.raises(UnreadableFile):
        import_reports(store, "a.xlsx", data, sheet="Không có")
    result = import_reports(store, "a.xlsx", data, sheet="Tin báo")
    assert (result.accepted, result.rejected) == (1, 1)
    assert "công thức" in result.rejected_rows[0]["reason"] and "Dòng 3" in result.rejected_rows[0]["reason"]
    csv_text = rejected_csv(result.rejected_rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text  # the download cannot run the formula either


def test_geojson_kml_and_kmz_placemarks(store):
    geojson = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [107.1944, 16.7469]},
                    "properties": {"Họ tên liệt sĩ": "A", "Đơn vị": "C552"},
                },
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[107, 16], [107.1, 16.1], [107, 16.1], [107.1, 16], [107, 16]]],
                    },
                    "properties": {"Họ tên liệt sĩ": "B"},
                },
            ],
        }
    ).encode()
    result = import_reports(store, "a.geojson", geojson)
    assert (result.accepted, result.rejected) == (1, 1)
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<Placemark><name>Mộ đồng đội</name><description>gần suối</description>"
        "<Point><coordinates>106.95,16.95,0</coordinates></Point></Placemark></Document></kml>"
    ).encode()
    assert import_reports(store, "a.kml", kml).accepted == 1
    kmz = io.BytesIO()
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.writestr("doc.kml", kml.replace(b"106.95", b"106.96"))
    assert import_reports(store, "a.kmz", kmz.getvalue()).accepted == 1


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("a.csv", b"", "rỗng"),
        ("a.csv", b"\x00\x01\x02binary\x00" * 50, "nhị phân"),
        ("a.pdf", b"%PDF-1.4", "đuôi"),
        ("a.xlsx", b"not a zip", "Excel"),
        ("a.kmz", b"not a zip", "KMZ"),
        ("a.geojson", b"{not json", "bản đồ"),
        ("a.csv", b"\n\n   \n", "không có dòng"),
        ("a.csv", b"x" * (FILE_BYTES + 1), "quá lớn"),
    ],
)
def test_files_that_cannot_be_read_say_why_and_write_nothing(store, name, data, says):
    with pytest.raises(UnreadableFile) as err:
        import_reports(store, name, data)
    assert says in str(err.value) and "\n" not in str(err.value)
    assert store.count("reports", system()) == 0


def test_bad_cells_are_rejected_with_the_row_and_column(store):
    rows = [
        "Họ tên liệt sĩ;Đơn vị;Năm hy sinh;Tọa độ;Sai số (m)",
        f"{'A' * 100_001};C1;1968;;",
        "B 🕯️ <b>x</b>;C2;1968;16.7, 107.1;",
        "C;C3;3000;;",
        "D;C4;1968;16.7, 107.1;-5",
    ]
    result = import_reports(store, "bad.csv", "\n".join(rows).encode())
    reasons = " | ".join(r["reason"] for r in result.rejected_rows)
    assert "Dòng 2, cột «Họ tên liệt sĩ»: dài 100.001 ký tự, tối đa 100.000" in reasons
    assert "Dòng 4, cột «Năm hy sinh»" in reasons
    assert "Dòng 5, cột «Sai số (m)»" in reasons
    assert result.accepted == 1  # emoji and HTML are text like any other
    assert store.frame("reports", system()).iloc[0]["martyr_names"] == "B 🕯️ <b>x</b>"


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(["a.csv", "a.txt", "a.xlsx", "a.geojson", "a.kml", "a.kmz", "a.doc"]),
    data=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000).map(lambda t: t.encode("utf-8")),
        st.lists(
            st.lists(
                st.sampled_from(["", "16.7, 107.1", "XD 845 421", "=1+1", "C552", "1968", "😀", ";", '"']), max_size=6
            ),
            max_size=20,
        ).map(lambda rows: (HEADER + "\n" + "\n".join(";".join(r) for r in rows)).encode()),
    ),
)
def test_no_exception_escapes_and_every_row_is_counted(tmp_path_factory, name, data):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'f.sqlite'}")
    try:
        result = import_reports(store, name, data)
    except UnreadableFile as exc:
        assert str(exc) and "\n" not in str(exc)
        assert store.count("reports", system()) == 0
        return
    assert _accounted(result)
    assert store.count("reports", system()) == result.accepted + result.unlocated


def test_a_killed_import_leaves_the_database_as_it_was(tmp_path, db_url):
    big = tmp_path / "big.csv"
    lines = [HEADER] + [
        f"Liệt sĩ {i};C{i % 900 + 100};1968;{16 + i % 9000 / 10000:.4f}, 107.{i % 9000:04d};;;;;;"
        for i in range(60_000)
    ]
    big.write_text("\n".join(lines), encoding="utf-8")
    Store.open(db_url)
    process = subprocess.Popen(
        [sys.executable, "-m", "layers", "import", "reports", str(big), "--db", db_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.0)
    assert process.poll() is None, "the import finished before it could be killed: make the file bigger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    store = Store.open(db_url)
    assert store.count("reports", system()) == 0
    with store.engine.connect() as c:
        assert c.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        assert c.execute(sa.text("SELECT count(*) FROM imports")).scalar() == 0


def test_command_line_import_prints_the_summary_and_writes_the_rejects(tmp_path, db_url, store):
    source = tmp_path / "hoi.csv"
    source.write_bytes(MESSY)
    done = run_module("layers", "import", "reports", str(source), "--db", db_url, "--datum", "wgs84")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    counts = ("accepted", "rejected", "approximate", "unlocated", "duplicates")
    assert set(summary) == {"rows_read", *counts, "notes", "rejects_file"}
    assert sum(summary[k] for k in counts) == 8
    with open(summary["rejects_file"], encoding="utf-8-sig") as rejects:
        assert "Dòng 6" in rejects.read()
    missing = run_module("layers", "import", "reports", str(tmp_path / "none.csv"), "--db", db_url)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


def test_map_file_points_outside_vietnam_or_swapped_are_rejected_and_other_crs_reprojected(store):
    swapped = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [16.75, 107.18]},
        "properties": {"Họ tên liệt sĩ": "Đảo", "tags": [1, 2]},
    }
    result = import_reports(
        store, "a.geojson", json.dumps({"type": "FeatureCollection", "features": [swapped]}).encode()
    )
    assert result.rejected == 1 and "ngoài lãnh thổ" in result.rejected_rows[0]["reason"]
    metres = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}},
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [733938, 1852847]},
                "properties": {"Họ tên liệt sĩ": "UTM"},
            }
        ],
    }
    result = import_reports(store, "b.geojson", json.dumps(metres).encode())
    point = store.frame("reports", system()).iloc[0].geometry
    assert result.accepted == 1 and abs(point.y - 16.7469) < 1e-4 and abs(point.x - 107.1944) < 1e-4


def test_row_numbers_are_the_spreadsheets_own_after_blank_rows(store):
    data = _xlsx([[], [], ["Họ tên liệt sĩ", "Năm hy sinh"], [], ["A", "19x8"]])
    result = import_reports(store, "a.xlsx", data, sheet="Tin báo")
    assert result.rejected_rows[0]["reason"].startswith("Dòng 5, cột «Năm hy sinh»")


def test_rejected_rows_can_be_imported_again_once_the_mapping_is_fixed(store):
    data = "Họ tên liệt sĩ;Trạng thái;Tọa độ\nA;chờ;16.7469, 107.1944\n".encode()
    first = import_reports(store, "a.csv", data)
    assert first.rejected == 1
    again = import_reports(store, "a.csv", data)
    assert again.rejected == 1 and again.duplicates == 0
    assert len(stored_rejections(store, system())) == 1  # the same rejected row is kept once
    fixed = import_reports(store, "a.csv", data, mapping={"Họ tên liệt sĩ": "martyr_names", "Tọa độ": "coord_text"})
    assert fixed.accepted == 1


def test_an_unknown_datum_in_a_row_is_rejected(store):
    data = "Họ tên liệt sĩ;Hệ quy chiếu\nA;hệ lạ\n".encode()
    result = import_reports(store, "a.csv", data)
    assert result.rejected == 1 and "hệ quy chiếu" in result.rejected_rows[0]["reason"]


def test_a_file_stores_each_row_as_validating_it_alone_gives(store):
    """Points and provinces are made for the whole file at once; each row must come out as it would alone."""
    from layers.importers.files import read_table
    from layers.importers.mapping import auto_map
    from layers.importers.reports import validate
    from layers.schema import REPORTS

    extra = [
        "Đinh K;C1;1968;21.0285 105.8542;;;;;;",
        "Mai L;C2;1968;107.6, 11.9;;;;;;",  # swapped: fixed, with a note
        "Lý M;C3;1968;10.5, 109.0;;;ngoài khơi;;;",  # at sea, near the coast
        "Tạ N;C4;1968;16.5,107.5;vn2000;;;;;",
    ]
    data = ("\n".join([HEADER, *ROWS, *extra]) + "\n").encode("utf-8")
    table = read_table("a.csv", data)
    mapping = auto_map(table.columns, REPORTS)
    alone = {}
    for row in table.rows:
        try:
            record = validate(row, mapping, "wgs84")
        except ValueError:
            continue
        alone[record["martyr_names"]] = record
    import_reports(store, "a.csv", data, datum="wgs84")
    stored = store.frame("reports", system()).set_index("martyr_names")
    assert set(stored.index) == set(alone)
    for name, record in alone.items():
        row = stored.loc[name]
        geometry = record.get("geometry")
        assert (row.geometry is None) == (geometry is None), name
        if geometry is not None:
            assert row.geometry.equals_exact(geometry, 0), name
        for field in ("province_34", "province_63", "coord_system", "coord_datum", "uncertainty_m", "notes"):
            assert (row[field] if row[field] == row[field] else None) == record.get(field), (name, field)


def test_a_grid_reference_without_its_zone_takes_it_from_the_province_column(store):
    data = "Họ tên liệt sĩ,Tọa độ,Tỉnh\nNguyễn Tám,XD 850 418,Quảng Trị\n".encode()
    result = import_reports(store, "luoi.csv", data, datum="indian1960")
    assert result.accepted == 1 and result.rejected == 0, result.rejected_rows
    stored = store.frame("reports", system()).iloc[0]
    assert stored["coord_system"] == "mgrs" and stored["province_34"] == "VN-25"
