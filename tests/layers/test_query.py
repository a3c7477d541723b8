import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.admin import UnknownPlace
from layers.query import FilterSpec, apply, prepare, unit_key


def _frame() -> gpd.GeoDataFrame:
    rows = [
        # id, province_34, province_63, unit, years, status, text, point
        ("a", "VN-25", "VN-25", "C552", (1968, 1968), "new", "Nguyễn Văn Mẫu", (107.19, 16.75)),
        ("b", "VN-25", "VN-24", "Đại đội 552", (1970, 1972), "planned", "Trần Thị Hoa", (106.60, 17.47)),
        ("c", "VN-26", "VN-26", "ĐĐ C552", (None, None), "verifying", "Lê Văn Sơn", None),
        ("d", "VN-23", "VN-23", "Tiểu đội 4 / C552", (1965, 1966), "remains_found", "Đồng Lộc", (105.80, 18.40)),
        ("e", "VN-SG", "VN-SG", "C5520", (1975, 1975), "new", "Sài Gòn", (106.70, 10.78)),
        ("f", "VN-25", "VN-25", "Sư đoàn 304", (1972, 1972), "searched_not_found", "Thành cổ", (107.20, 16.74)),
    ]
    return prepare(
        gpd.GeoDataFrame(
            {
                "id": [r[0] for r in rows],
                "province_34": [r[1] for r in rows],
                "province_63": [r[2] for r in rows],
                "unit": [r[3] for r in rows],
                "year_from": [r[4][0] for r in rows],
                "year_to": [r[4][1] for r in rows],
                "status": [r[5] for r in rows],
                "martyr_names": [r[6] for r in rows],
                "place_description": ["<script>alert(1)</script>"] * len(rows),
                "notes": [""] * len(rows),
                "historical_place": [""] * len(rows),
                "period_text": [""] * len(rows),
                "hometown": [""] * len(rows),
                "chapter_id": ["chapter-vn-25"] * len(rows),
                "confidence": ["high", "low", "medium", "high", "low", "medium"],
            },
            geometry=[Point(*r[7]) if r[7] else None for r in rows],
            crs=4326,
        )
    )


def _ids(spec: FilterSpec) -> set[str]:
    return set(apply(_frame(), spec)["id"])


def test_no_filter_keeps_everything():
    assert _ids(FilterSpec()) == set("abcdef")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Quảng Trị", {"a", "b", "f"}),  # today's province: old Quảng Trị and Quảng Bình
        ("quang tri", {"a", "b", "f"}),
        ("Vĩnh Linh", {"a", "f"}),  # wartime zone within old Quảng Trị
        ("B5", {"a", "f"}),
        ("Quảng Bình", {"b"}),  # a 2008–2025 province is narrower than today's
    ],
)
def test_province_by_any_eras_name(name, expected):
    assert _ids(FilterSpec(place=name)) == expected


def test_wartime_name_spanning_two_provinces():
    assert _ids(FilterSpec(place="Bình Trị Thiên")) == {"a", "b", "c", "f"}


def test_a_front_abroad_selects_reports_located_in_that_country():
    frame = _frame()
    frame.loc[frame["id"] == "e", ["_lon", "_lat"]] = [106.35, 16.60]  # Sepon, Laos: "Chiến trường C"
    assert set(apply(frame, FilterSpec(place="Chiến trường C"))["id"]) == {"e"}


def test_a_report_with_one_known_year_spans_that_year():
    frame = _frame()
    frame.loc[frame["id"] == "c", "year_from"] = 1970
    assert "c" in set(apply(frame, FilterSpec(year_from=1969, year_to=1971, include_unknown_period=False))["id"])
    assert "c" not in set(apply(frame, FilterSpec(year_from=1975, year_to=1980))["id"])


def test_province_by_old_63_code():
    assert _ids(FilterSpec(provinces_63=("VN-24",))) == {"b"}


def test_unknown_place_raises():
    with pytest.raises(UnknownPlace):
        _ids(FilterSpec(place="Atlantis"))


@pytest.mark.parametrize("written", ["C552", "c 552", "Đại đội 552", "ĐĐ C552", "dai doi 552"])
def test_unit_codes_fold_to_one_and_match_whole_units(written):
    assert _ids(FilterSpec(units=(written,))) == {"a", "b", "c", "d"}  # never C5520


def test_unit_key_knows_division_letters():
    assert unit_key("Sư đoàn 304") == unit_key("f 304") == "f304"
    assert _ids(FilterSpec(units=("F304",))) == {"f"}


def test_period_overlap_and_unknown_years_switch():
    assert _ids(FilterSpec(year_from=1969, year_to=1971)) == {"b", "c"}
    assert _ids(FilterSpec(year_from=1969, year_to=1971, include_unknown_period=False)) == {"b"}
    assert _ids(FilterSpec(year_from=1945, year_to=1954, include_unknown_period=False)) == set()


def test_text_search_ignores_diacritics_and_case():
    assert _ids(FilterSpec(text="nguyen van")) == {"a"}
    assert _ids(FilterSpec(text="ĐỒNG LỘC")) == {"d"}


def test_status_confidence_and_coordinates():
    assert _ids(FilterSpec(statuses=("new", "planned"))) == {"a", "b", "e"}
    assert _ids(FilterSpec(confidence=("low",))) == {"b", "e"}
    assert _ids(FilterSpec(has_coordinates=False)) == {"c"}


def test_area_selection_keeps_points_inside_the_drawn_ring():
    ring = ((107.0, 16.5), (107.4, 16.5), (107.4, 16.9), (107.0, 16.9), (107.0, 16.5))
    assert _ids(FilterSpec(area=ring)) == {"a", "f"}


def test_the_issue_example_narrows_to_one_report():
    spec = FilterSpec(
        place="Quảng Trị",
        units=("C552",),
        year_from=1968,
        year_to=1972,
        statuses=("new", "verifying", "verified", "planned"),
    )
    assert _ids(spec) == {"a", "b"}


def test_spec_round_trips_through_url_params():
    spec = FilterSpec(
        provinces_34=("VN-25",),
        place="Khu 5",
        units=("C552", "Đội 65"),
        year_from=1965,
        year_to=1972,
        include_unknown_period=False,
        statuses=("new",),
        has_coordinates=True,
        text="Đồng Lộc",
        area=((107.0, 16.5), (107.4, 16.5), (107.4, 16.9), (107.0, 16.5)),
    )
    assert FilterSpec.from_params(spec.to_params()) == spec
    assert FilterSpec().to_params() == {}


def test_bad_url_params_are_ignored_not_fatal():
    spec = FilterSpec.from_params({"year_from": ["abc"], "year_to": ["1800"], "area": ["1,2;bad"], "statuses": ["new"]})
    assert (spec.year_from, spec.year_to) == (1945, 1945)
    assert spec.area == () and spec.statuses == ("new",)
    assert FilterSpec.from_params({"year_from": ["1980"], "year_to": ["1950"]}) == FilterSpec()


def test_url_flags_accept_only_their_own_values():
    assert FilterSpec.from_params({"include_unknown_period": ["false"]}).include_unknown_period is True
    assert FilterSpec.from_params({"include_unknown_period": ["0"]}).include_unknown_period is False
    assert FilterSpec.from_params({"has_coordinates": ["true"]}).has_coordinates is None
    assert FilterSpec.from_params({"has_coordinates": ["1"]}).has_coordinates is True


def test_url_lists_and_areas_are_capped():
    spec = FilterSpec.from_params({"units": [f"C{i}" for i in range(10_000)]})
    assert len(spec.units) == 50
    ring = ";".join(f"{106 + i * 1e-4:.4f},16.0" for i in range(5000))
    assert FilterSpec.from_params({"area": [ring]}).area == ()


def test_specs_are_hashable_for_caching():
    assert hash(FilterSpec(units=("C552",))) == hash(FilterSpec(units=("C552",)))
