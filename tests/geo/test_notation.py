"""A point written in every notation equals what independent tools give: VN-2000 X/Y by EPSG's
own pipeline to the province's TM-3 CRS and by an explicit +towgs84, MGRS by the mgrs library,
DMS and decimal as printed; MGRS is cut to the square its uncertainty allows."""

from __future__ import annotations

import pytest

from geo.errors import GeoError
from geo.notation import mgrs_cell, written
from tests.layers.paperwork import PROVINCES, epsg_vn2000, mgrs_of, towgs84_vn2000

# (lat, lon, 2008–2025 province): Quảng Trị (106°15'), Hà Nội (105°), Kon Tum (107°30'),
# Đắk Lắk (108°30', MGRS zone 49), Cà Mau (104°30'), Lạng Sơn (107°15').
POINTS = [
    (16.803457, 107.094871, "VN-25"),
    (21.028511, 105.804817, "VN-HN"),
    (14.350000, 108.000000, "VN-28"),
    (12.666700, 108.050000, "VN-33"),
    (9.176900, 105.150000, "VN-59"),
    (21.853700, 106.761500, "VN-09"),
]


@pytest.mark.parametrize("lat, lon, province", POINTS)
def test_vn2000_is_epsgs_own_transformation_on_the_provinces_meridian(lat, lon, province):
    notation = written(lat, lon, province)
    meridian = float(PROVINCES.set_index("iso").loc[province, "tm3_meridian"])
    x, y = epsg_vn2000(lat, lon, province)
    assert notation.meridian == meridian
    assert f"{notation.vn2000_x:.2f}" == f"{x:.2f}" and f"{notation.vn2000_y:.2f}" == f"{y:.2f}"
    tx, ty = towgs84_vn2000(lat, lon, meridian)
    assert abs(tx - x) < 0.01 and abs(ty - y) < 0.01  # the two independent routes agree


@pytest.mark.parametrize("lat, lon, province", POINTS)
def test_mgrs_is_the_mgrs_librarys_reference_cut_to_the_uncertainty(lat, lon, province):
    for uncertainty, digits in ((None, 5), (4.0, 5), (30.0, 4), (150.0, 3), (2500.0, 2), (80_000.0, 1)):
        notation = written(lat, lon, province, uncertainty)
        assert notation.mgrs == mgrs_of(lat, lon, digits), uncertainty
        assert notation.mgrs_cell_m == 10 ** (5 - digits)


def test_decimal_and_dms_are_written_as_a_search_unit_reads_them():
    notation = written(16.803457, 107.094871, "VN-25")
    assert notation.decimal == "16.803457, 107.094871"
    assert notation.dms == "16°48'12.4\"N 107°05'41.5\"E"
    assert notation.vn2000.endswith("(VN-2000, KTT 106°15')")


def test_a_point_without_a_province_has_no_vn2000_but_every_other_notation():
    notation = written(15.5, 106.5, None)  # in Laos, say: no VN-2000 meridian
    assert notation.vn2000 == "" and notation.vn2000_x is None and notation.meridian is None
    assert notation.mgrs.startswith("48P") and notation.decimal == "15.500000, 106.500000"
    assert written(15.5, 106.5, "VN-99").vn2000 == ""  # a code that names no province


@pytest.mark.parametrize("lat, lon", [(91.0, 106.0), (16.0, 181.0), (float("nan"), 106.0), (16.0, float("inf"))])
def test_a_point_out_of_range_is_refused_with_a_message(lat, lon):
    with pytest.raises(GeoError, match="ngoài phạm vi"):
        written(lat, lon, "VN-25")


def test_the_mgrs_square_never_claims_more_than_the_uncertainty():
    assert [mgrs_cell(u) for u in (9.9, 10.0, 99.0, 100.0, 10_000.0, 1e9)] == [1, 10, 10, 100, 10_000, 10_000]
