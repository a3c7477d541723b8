"""Trips from GPS files: tracks and routes become trips, times become dates."""

import io
import json
import zipfile

import pytest
import shapely

from layers.access import system
from layers.importers.errors import UnreadableFile
from layers.importers.trips import import_trips
from tests.cli_helpers import run_module

GPX = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="OsmAnd" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="16.7470" lon="107.1950"><name>G\xe1\xbb\x91c \xc4\x91a</name></wpt>
  <trk><name>Do tim doi 37</name><trkseg>
    <trkpt lat="16.7469" lon="107.1944"><time>2026-05-02T01:00:00Z</time></trkpt>
    <trkpt lat="16.7475" lon="107.1950"><time>2026-05-02T02:00:00Z</time></trkpt>
    <trkpt lat="16.7480" lon="107.1960"><time>2026-05-03T03:00:00Z</time></trkpt>
  </trkseg></trk>
  <rte><name>Duong vao</name><rtept lat="16.74" lon="107.19"/><rtept lat="16.745" lon="107.192"/></rte>
</gpx>"""

KML = b"""<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Tuyen do</name><LineString><coordinates>106.95,16.95,0 106.96,16.951,0 106.97,16.953,0
</coordinates></LineString></Placemark>
<Placemark><name>Moc</name><Point><coordinates>106.955,16.95,0</coordinates></Point></Placemark>
</Document></kml>"""


def test_gpx_tracks_and_routes_become_trips_with_dates(store):
    result = import_trips(store, "osmand.gpx", GPX, chapter_id="chapter-vn-25", team="Đội 3", sweep_width_m=30)
    assert result.summary() == {"rows_read": 2, "accepted": 2, "rejected": 0, "duplicates": 0, "waypoints": 1}
    trips = store.frame("trips", system()).set_index("name")
    track = trips.loc["Do tim doi 37"]
    assert (str(track["date_from"]), str(track["date_to"])) == ("2026-05-02", "2026-05-03")
    assert track["team"] == "Đội 3" and track["sweep_width_m"] == 30 and "Gốc đa" in track["waypoints"]
    assert len(shapely.get_coordinates(track.geometry)) == 3


def test_the_same_track_twice_is_a_duplicate(store):
    import_trips(store, "a.gpx", GPX)
    again = import_trips(store, "b.gpx", GPX)
    assert again.duplicates == 2 and store.count("trips", system()) == 2


def test_kml_and_kmz_lines(store):
    assert import_trips(store, "earth.kml", KML).accepted == 1
    kmz = io.BytesIO()
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.writestr("doc.kml", KML.replace(b"106.97", b"106.98"))
    assert import_trips(store, "earth.kmz", kmz.getvalue()).accepted == 1


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("a.gpx", b"", "rỗng"),
        ("a.csv", b"x", ".gpx"),
        ("a.gpx", b"<gpx>broken", "GPS"),
        ("a.kmz", b"nope", "KMZ"),
        (
            "a.gpx",
            b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"></gpx>',
            "đường đi",
        ),
    ],
)
def test_unreadable_gps_files_say_why(store, name, data, says):
    with pytest.raises(UnreadableFile) as err:
        import_trips(store, name, data)
    assert says in str(err.value)
    assert store.count("trips", system()) == 0


def test_command_line_imports_trips(tmp_path, db_url, store):
    path = tmp_path / "track.gpx"
    path.write_bytes(GPX)
    done = run_module("layers", "import", "trips", str(path), "--db", db_url, "--team", "Đội 1")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["accepted"] == 2


def test_unnamed_tracks_get_the_file_name(store):
    unnamed = GPX.replace(b"<rte><name>Duong vao</name>", b"<rte>")
    result = import_trips(store, "garmin.gpx", unnamed)
    assert result.accepted == 2
    assert "garmin.gpx #2" in set(store.frame("trips", system())["name"])
